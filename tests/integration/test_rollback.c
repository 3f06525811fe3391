/* Rollback: `latch snapshot` and `latch rollback restore` on generated
 * trees in the test's own scratch workspace; the store is the test HOME's
 * state dir. A tree is compared by a listing of every entry (type, mode,
 * size, link target) and the SHA-256 of every file. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/latchtest.h"

TestSuite(rollback, .init = lt_setup, .fini = lt_teardown, .timeout = 60);

/* What `dir` holds, but node_modules (snapshots leave it out). */
static char *listing(const char *dir)
{
	char *cmd = lt_fmt("cd '%s' && find . -name node_modules -prune -o ! -name . "
			   "-printf '%%y %%m %%s %%l %%P\\n' | LC_ALL=C sort && "
			   "find . -name node_modules -prune -o -type f -print0 | "
			   "xargs -0r sha256sum | LC_ALL=C sort", dir);
	FILE *p = popen(cmd, "r");
	char *out = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&out, &len);
	char buf[4096], *listed;
	size_t n;

	cr_assert(p && mem);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, mem);
	cr_assert_eq(pclose(p), 0, "listing %s failed", dir);
	fclose(mem);
	listed = lt_fmt("%s", out); /* the test's to free */
	free(out);
	return listed;
}

/* The id in "latch: …snapshot ID: …" of a run's stderr. */
static char *snapshot_id(const struct lt_result *r)
{
	const char *s = strstr(r->err, "snapshot ");
	char id[64];

	cr_assert_not_null(s, "no snapshot line in: %s", r->err);
	cr_assert_eq(sscanf(s, "snapshot %63[^:]:", id), 1, "%s", r->err);
	return lt_fmt("%s", id);
}

static char *snapshot(void)
{
	struct lt_result r = LT_RUN("snapshot");

	LT_EXIT(r, 0);
	return snapshot_id(&r);
}

/* Text, binary, empty and 0-byte files, symlinks (one dangling), modes,
 * names with spaces, unicode and '%', deep nesting, a left-out dir. */
static void make_tree(void)
{
	char *deep = lt_path(lt.work, "deep");

	lt_write(lt_path(lt.work, "src/main.c"), "int main(void) { return 0; }\n");
	lt_write(lt_path(lt.work, "src/util/str.c"), "/* str */\n");
	lt_write_mode(lt_path(lt.work, "run.sh"), "#!/bin/sh\necho run\n", 0755);
	lt_write_mode(lt_path(lt.work, "secret.txt"), "s\n", 0600);
	lt_write(lt_path(lt.work, "empty.txt"), "");
	lt_write(lt_path(lt.work, "na me with spaces.md"), "spaces\n");
	lt_write(lt_path(lt.work, "ünïcødé %41.txt"), "unicode\n");
	lt_mkdir(lt_path(lt.work, "empty-dir"));
	cr_assert_eq(chmod(lt_path(lt.work, "empty-dir"), 0700), 0);
	lt_symlink("src/main.c", lt_path(lt.work, "link-to-main"));
	lt_symlink("nowhere/at/all", lt_path(lt.work, "dangling"));
	lt_write(lt_path(lt.work, "node_modules/pkg/index.js"), "left out\n");
	{
		FILE *f = fopen(lt_path(lt.work, "blob.bin"), "w");

		cr_assert_not_null(f);
		for (int i = 0; i < 70000; i++)
			fputc((i * 7) & 0xff, f);
		fclose(f);
	}
	for (int i = 0; i < 30; i++)
		deep = lt_path(deep, "d");
	lt_write(lt_path(deep, "bottom.txt"), "bottom\n");
}

/* Edit, delete, create, chmod, a dir replaced by a file and a file by a
 * dir, a symlink retargeted, a deep tree deleted. */
static void mutate(void)
{
	cr_assert_eq(system(lt_fmt("cd '%s' && echo broken >> src/main.c && rm 'na me with spaces.md' "
				   "&& echo new > created.txt && chmod 0644 run.sh && rm -r src/util && "
				   "echo file > src/util && rm empty.txt && mkdir empty.txt && "
				   "ln -sfn blob.bin link-to-main && rm -r deep && rmdir empty-dir && "
				   "printf 'x' > blob.bin", lt.work)), 0);
}

Test(rollback, a_restore_brings_back_the_exact_tree)
{
	char *before, *id;
	struct lt_result r;

	make_tree();
	before = listing(lt.work);
	id = snapshot();
	mutate();
	cr_assert_str_neq(listing(lt.work), before);
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, "to undo: latch rollback restore ", r);
	cr_assert_str_eq(listing(lt.work), before);
	LT_FILE_IS(lt_path(lt.work, "node_modules/pkg/index.js"), "left out\n");
}

Test(rollback, a_restore_can_be_undone)
{
	char *changed, *id, *undo;
	struct lt_result r;

	make_tree();
	id = snapshot();
	mutate();
	changed = listing(lt.work);
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	undo = strstr(r.err, "to undo: latch rollback restore ");
	cr_assert_not_null(undo);
	undo = lt_fmt("%.*s", (int)strcspn(undo + 32, "\n"), undo + 32);
	r = LT_RUN("rollback", "restore", undo);
	LT_EXIT(r, 0);
	cr_assert_str_eq(listing(lt.work), changed);
}

Test(rollback, a_second_snapshot_reads_only_what_changed)
{
	struct lt_result r;

	make_tree();
	usleep(2100000); /* older than a snapshot's racy window */
	snapshot();
	lt_write(lt_path(lt.work, "src/main.c"), "changed\n");
	r = LT_RUN("snapshot");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, "(1 read, 1 new objects)", r);
}

Test(rollback, dry_run_and_path_limit_what_changes)
{
	char *id, *changed;
	struct lt_result r;

	make_tree();
	id = snapshot();
	mutate();
	changed = listing(lt.work);
	r = LT_RUN("rollback", "show", id);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "modified src/main.c\n", r);
	LT_CONTAINS(r.out, "added    created.txt\n", r);
	LT_CONTAINS(r.out, "deleted  na me with spaces.md\n", r);
	LT_CONTAINS(r.out, "mode     run.sh\n", r);
	r = LT_RUN("rollback", "restore", id, "--dry-run");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "restore  src/main.c", r);
	LT_CONTAINS(r.out, "delete   created.txt", r);
	cr_assert_str_eq(listing(lt.work), changed);
	r = LT_RUN("rollback", "restore", id, "--path", "src");
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "src/main.c"), "int main(void) { return 0; }\n");
	LT_FILE_IS(lt_path(lt.work, "src/util/str.c"), "/* str */\n");
	LT_FILE_IS(lt_path(lt.work, "created.txt"), "new\n"); /* outside --path */
	r = LT_RUN("rollback", "restore", id, "--path", "/etc");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "is not inside the snapshot's workspace", r);
}

/* A symlink put where a directory was must not lead the restore out. */
Test(rollback, a_symlinked_parent_is_not_followed)
{
	char *outside = lt_path(lt.root, "outside"), *id;
	struct lt_result r;

	lt_write(lt_path(lt.work, "d/f.txt"), "inside\n");
	lt_mkdir(outside);
	id = snapshot();
	cr_assert_eq(system(lt_fmt("cd '%s' && rm -r d && ln -s '%s' d", lt.work, outside)), 0);
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	cr_assert(!lt_exists(lt_path(outside, "f.txt")), "the restore wrote through the symlink");
	LT_FILE_IS(lt_path(lt.work, "d/f.txt"), "inside\n");
}

/* A damaged object fails verify and that one file, not the restore. */
Test(rollback, a_corrupt_object_is_found_and_only_its_file_refused)
{
	char *store = lt_path(lt.home, ".local/state/latch/rollback/objects");
	/* sha256("int main(void) { return 0; }\n") */
	char *obj, *id;
	struct lt_result r;
	FILE *p;
	char digest[65];

	make_tree();
	id = snapshot();
	p = popen(lt_fmt("sha256sum < '%s/src/main.c'", lt.work), "r");
	cr_assert(p && fscanf(p, "%64s", digest) == 1);
	pclose(p);
	obj = lt_path(store, lt_fmt("%.2s/%s", digest, digest + 2));
	cr_assert_eq(chmod(obj, 0600), 0);
	lt_write(obj, "tampered\n");
	r = LT_RUN("rollback", "verify");
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "src/main.c: object ", r);
	LT_CONTAINS(r.out, "is corrupt", r);
	cr_assert_eq(system(lt_fmt("cd '%s' && rm src/main.c secret.txt", lt.work)), 0);
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 1);
	LT_CONTAINS(r.err, "src/main.c: its content in the snapshot store is damaged", r);
	LT_FILE_IS(lt_path(lt.work, "secret.txt"), "s\n");
	cr_assert(!lt_exists(lt_path(lt.work, "src/main.c")));
}

Test(rollback, the_store_is_private_and_errors_are_clear)
{
	char *store = lt_path(lt.home, ".local/state/latch/rollback");
	struct lt_result r;
	struct stat st;

	make_tree();
	snapshot();
	cr_assert_eq(stat(store, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	r = LT_RUN("rollback", "restore", "no-such-id");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "no snapshot 'no-such-id' (see 'latch rollback list')", r);
	r = LT_RUN("rollback", "list", "--json");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "\"trigger\":", r);
}

/* The id of the newest snapshot with `trigger`, from `rollback list`. */
static char *newest(const char *trigger)
{
	struct lt_result r = LT_RUN("rollback", "list");
	char *id = NULL, *line = r.out;

	LT_EXIT(r, 0);
	while ((line = strchr(line, '\n')) != NULL) {
		char sid[64], time[64], trig[32];

		line++;
		if (sscanf(line, "%63s %63s %31s", sid, time, trig) == 3 &&
		    strcmp(trig, trigger) == 0)
			id = lt_fmt("%s", sid);
	}
	cr_assert_not_null(id, "no '%s' snapshot in:\n%s", trigger, r.out);
	return id;
}

static char *snapshotting_profile(void)
{
	return lt_profile("snap", "extends: default\nsnapshots: true\n");
}

/* A recursive delete inside the workspace is allowed, after a snapshot
 * the exec waited for; the audit log names it; restore brings it back,
 * with what the session wrote before it (not in the baseline). */
Test(rollback, a_session_snapshots_before_a_recursive_delete)
{
	struct lt_result r;
	char *log, *id;

	lt_write(lt_path(lt.work, "src/a.c"), "precious\n");
	r = LT_RUN("run", "-p", snapshotting_profile(), "--", "sh",
		   lt_script("echo new > src/b.c && rm -rf src && echo deleted"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "deleted", r);
	cr_assert(!lt_exists(lt_path(lt.work, "src")));
	id = newest("exec");
	log = lt_audit_log();
	LT_CONTAINS(log, lt_fmt("\"decision\":\"snapshot\",\"rule\":\"rm-recursive-snapshot\",\"snapshot\":\"%s\"", id), r);
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "src/a.c"), "precious\n");
	LT_FILE_IS(lt_path(lt.work, "src/b.c"), "new\n");
}

/* A snapshot of a workspace that is its latest snapshot again is that
 * snapshot: said so, and nothing new in the store (a loop of
 * snapshot-triggering commands does not fill the disk). */
Test(rollback, an_unchanged_workspace_is_not_snapshotted_twice)
{
	struct lt_result r;
	char *first;

	make_tree();
	first = snapshot();
	r = LT_RUN("snapshot");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, lt_fmt("latch: snapshot %s: the workspace is as this snapshot holds it", first), r);
	r = LT_RUN("rollback", "list");
	LT_EXIT(r, 0);
	cr_assert_eq(lt_count_lines(r.out, "manual"), 1, "one snapshot listed:\n%s", r.out);
	/* before a restore too: said as such */
	r = LT_RUN("rollback", "restore", first);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, lt_fmt("latch: before restoring: the workspace is already as snapshot %s holds it",
				  first), r);
	cr_assert_eq(chmod(lt_path(lt.work, "run.sh"), 0700), 0);
	cr_assert_str_neq(snapshot(), first, "a mode change is a change");
}

/* A move onto a file that exists in the workspace runs after a snapshot;
 * restore brings the file it replaced back. A move onto a new name does
 * not snapshot. */
Test(rollback, a_move_over_a_file_is_snapshotted_first)
{
	struct lt_result r;

	lt_write(lt_path(lt.work, "precious.txt"), "precious\n");
	r = LT_RUN("run", "-p", snapshotting_profile(), "--", "sh",
		   lt_script("echo new > draft.txt && mv draft.txt fresh.txt && echo new > draft2.txt && mv draft2.txt precious.txt"));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "precious.txt"), "new\n");
	LT_CONTAINS(lt_audit_log(), "\"decision\":\"snapshot\",\"rule\":\"mv-over-file-snapshot\"", r);
	cr_assert_eq(lt_count_lines(lt_audit_log(), "mv-over-file-snapshot"), 1,
		     "only the move onto an existing file");
	r = LT_RUN("rollback", "restore", newest("exec"));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "precious.txt"), "precious\n");
}

/* What no exec shows (a delete inside the interpreter, by a path only
 * known at run time) is recovered from the session's first snapshot. */
Test(rollback, an_in_process_delete_is_recovered_from_the_baseline)
{
	struct lt_result r;

	lt_write(lt_path(lt.work, "src/a.c"), "precious\n");
	r = LT_RUN("run", "-p", snapshotting_profile(), "--", "python3", "-c",
		   "import shutil, sys; shutil.rmtree(sys.argv[1])", "src");
	LT_EXIT(r, 0);
	cr_assert(!lt_exists(lt_path(lt.work, "src")));
	r = LT_RUN("rollback", "show", newest("end"));
	LT_EXIT(r, 0);
	cr_assert_str_eq(r.out, "", "the session's last snapshot is the tree as it was left");
	r = LT_RUN("rollback", "restore", newest("start"));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "src/a.c"), "precious\n");
}

/* Without snapshots in the profile nothing is stored. */
Test(rollback, the_default_profile_takes_no_snapshot)
{
	struct lt_result r;

	lt_write(lt_path(lt.work, "src/a.c"), "x\n");
	r = LT_RUN("run", "--", "sh", lt_script("rm -rf src"));
	LT_EXIT(r, 0);
	r = LT_RUN("rollback", "list", "--json");
	LT_EXIT(r, 0);
	LT_LACKS(r.out, "\"trigger\"", r);
}

/* Files in the store's objects/AB/ directories so far. */
static long objects_stored(void)
{
	char *cmd = lt_fmt("find '%s' -mindepth 2 -type f 2>/dev/null | wc -l",
			   lt_path(lt.home, ".local/state/latch/rollback/objects"));
	FILE *p = popen(cmd, "r");
	long n = -1;

	cr_assert_not_null(p);
	if (fscanf(p, "%ld", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

/* latch killed in the middle of a snapshot: no snapshot appears, the
 * store verifies, and the next snapshot and a restore work. */
Test(rollback, a_snapshot_killed_midway_leaves_the_store_consistent)
{
	struct lt_proc p;
	struct lt_result r;
	unsigned x = 12345;
	char buf[16384], *id;
	long stored = 0;

	for (int i = 0; i < 3000; i++) {
		FILE *f = fopen(lt_path(lt.work, lt_fmt("f%04d.bin", i)), "w");

		cr_assert_not_null(f);
		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = (char)((x = x * 1103515245 + 12345) >> 16);
		fwrite(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	lt_spawn(&p, NULL, LT_ARGV("snapshot"));
	for (int i = 0; i < 2000 && (stored = objects_stored()) < 200; i++)
		usleep(2000);
	cr_assert_geq(stored, 200, "the snapshot never got going");
	kill(p.pid, SIGKILL);
	r = lt_wait(&p);
	cr_assert_str_eq(r.out, "");
	r = LT_RUN("rollback", "list", "--json");
	LT_EXIT(r, 0);
	LT_LACKS(r.out, "\"trigger\"", r);
	r = LT_RUN("rollback", "verify");
	LT_EXIT(r, 0);
	id = snapshot();
	lt_write(lt_path(lt.work, "f0001.bin"), "overwritten\n");
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	cr_assert_neq(strcmp(lt_read(lt_path(lt.work, "f0001.bin")), "overwritten\n"), 0);
	r = LT_RUN("rollback", "verify");
	LT_EXIT(r, 0);
}

/* Prune deletes old snapshots and only the objects no snapshot left
 * names; the newest snapshot of a workspace always stays. */
Test(rollback, prune_keeps_what_is_referenced)
{
	struct lt_result r;
	long before;
	char *last;

	make_tree();
	snapshot();
	lt_write(lt_path(lt.work, "src/main.c"), "second\n");
	snapshot();
	lt_write(lt_path(lt.work, "src/main.c"), "third\n");
	last = snapshot();
	before = objects_stored();
	r = LT_RUN("rollback", "prune", "--keep", "1");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "2 snapshots deleted, 1 kept; 2 objects deleted", r);
	cr_assert_eq(objects_stored(), before - 2);
	r = LT_RUN("rollback", "verify");
	LT_EXIT(r, 0);
	r = LT_RUN("rollback", "prune", "--max-size", "1K");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "0 snapshots deleted, 1 kept", r);
	lt_write(lt_path(lt.work, "src/main.c"), "changed\n");
	r = LT_RUN("rollback", "restore", last);
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "src/main.c"), "third\n");
	r = LT_RUN("rollback", "prune");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "prune needs --keep N", r);
}

/* What the workspace's .gitignore ignores is neither stored, restored nor
 * deleted; .git itself is kept whatever it says. */
Test(rollback, gitignored_files_are_left_alone)
{
	struct lt_result r;
	char *id;

	lt_write(lt_path(lt.work, ".gitignore"), "*.log\n.git\n");
	lt_write(lt_path(lt.work, "debug.log"), "noise\n");
	lt_write(lt_path(lt.work, "keep.txt"), "kept\n");
	lt_write(lt_path(lt.work, ".git/HEAD"), "ref: refs/heads/main\n");
	id = snapshot();
	cr_assert_eq(system(lt_fmt("cd '%s' && rm debug.log keep.txt .git/HEAD && echo x > new.log",
				   lt.work)), 0);
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "keep.txt"), "kept\n");
	LT_FILE_IS(lt_path(lt.work, ".git/HEAD"), "ref: refs/heads/main\n");
	LT_FILE_IS(lt_path(lt.work, "new.log"), "x\n");
	cr_assert(!lt_exists(lt_path(lt.work, "debug.log")));
}

Test(rollback, diff_shows_what_changed_in_text_files)
{
	struct lt_result r;
	char *id;

	make_tree();
	id = snapshot();
	mutate();
	r = LT_RUN("rollback", "diff", id);
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "--- a/src/main.c\n+++ b/src/main.c\n", r);
	LT_CONTAINS(r.out, " int main(void) { return 0; }\n+broken\n", r);
	LT_CONTAINS(r.out, "+++ b/created.txt\n@@ -0,0 +1 @@\n+new\n", r);
	LT_CONTAINS(r.out, "Binary files a/blob.bin and b/blob.bin differ\n", r);
	LT_CONTAINS(r.out, "mode changed: run.sh (was 0755)\n", r);
	r = LT_RUN("rollback", "diff", id, "src/main.c");
	LT_EXIT(r, 1);
	LT_LACKS(r.out, "created.txt", r);
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	r = LT_RUN("rollback", "diff", id);
	LT_EXIT(r, 0);
	cr_assert_str_eq(r.out, "");
}

/* `latch snapshot` inside a session: the store is hidden from the
 * sandbox, so latch's supervisor takes it before the command runs. */
Test(rollback, latch_snapshot_inside_a_session_is_taken_by_the_supervisor)
{
	char *bin = lt_fmt("%.*s", (int)(strrchr(lt.latch, '/') - lt.latch), lt.latch);
	/* an ASan build of latch inside the sandbox: LeakSanitizer cannot
	 * stop the world there (the filter refuses clone(CLONE_VM) but for
	 * threads) */
	struct lt_opts o = { .env = LT_ARGV("ASAN_OPTIONS=detect_leaks=0") };
	struct lt_result r;

	/* latch's binary is installed in a system directory; here it is
	 * not, so its directory is granted for read and exec */
	r = LT_RUN_O(&o, "run", "-p", snapshotting_profile(), "--read", bin, "--exec", bin,
		     "--", "sh", lt_script(lt_fmt("echo v2 > f.txt; '%s' snapshot && echo v3 > f.txt",
						  lt.latch)));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, "latch: snapshot taken by the session's supervisor", r);
	r = LT_RUN("rollback", "restore", newest("manual"));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "f.txt"), "v2\n");
	r = LT_RUN_O(&o, "run", "--read", bin, "--exec", bin, "--", lt.latch, "snapshot");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "this session takes no snapshots", r);
}

/* The profile's patterns: exclude leaves out, include keeps what the
 * defaults leave out; a restore walks the tree with the snapshot's own
 * patterns, so what it left out is neither restored nor deleted. */
Test(rollback, profile_patterns_decide_what_is_kept)
{
	char *p = lt_profile("pat", "extends: default\n"
				    "snapshots:\n  exclude: [\"*.iso\"]\n  include: [build]\n");
	struct lt_result r;

	lt_write(lt_path(lt.work, "build/out.bin"), "artifact\n");
	lt_write(lt_path(lt.work, "disk.iso"), "big\n");
	lt_write(lt_path(lt.work, "notes.txt"), "notes\n");
	r = LT_RUN("run", "-p", p, "--", "sh",
		   lt_script("rm -r build disk.iso notes.txt && echo gone > new.iso"));
	LT_EXIT(r, 0);
	r = LT_RUN("rollback", "restore", newest("start"));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "build/out.bin"), "artifact\n");
	LT_FILE_IS(lt_path(lt.work, "notes.txt"), "notes\n");
	cr_assert(!lt_exists(lt_path(lt.work, "disk.iso")));
	LT_FILE_IS(lt_path(lt.work, "new.iso"), "gone\n");
	r = LT_RUN("run", "-p", p, "--dry-run", "--", "true");
	LT_CONTAINS(r.out, "  exclude   *.iso", r);
}

/* Over the profile's limits a snapshot is partial, and says what it left
 * out; two snapshots of one workspace at once both complete. */
Test(rollback, limits_leave_files_out_by_name_and_snapshots_may_overlap)
{
	char *p = lt_profile("lim", "extends: default\nsnapshots: {max_files: 2}\n");
	struct lt_proc a, b;
	struct lt_result r, ra, rb;

	lt_write(lt_path(lt.work, "a.txt"), "a\n");
	lt_write(lt_path(lt.work, "b.txt"), "b\n");
	lt_write(lt_path(lt.work, "c.txt"), "c\n");
	r = LT_RUN("run", "-p", p, "--", "true");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, "latch: warning: 1 files left out of snapshot ", r);
	r = LT_RUN("rollback", "list", "--json");
	LT_CONTAINS(r.out, "\"files\":\t2,", r);
	LT_CONTAINS(r.out, "\"skipped\":\t1\n", r);
	make_tree();
	lt_spawn(&a, NULL, LT_ARGV("snapshot"));
	lt_spawn(&b, NULL, LT_ARGV("snapshot"));
	ra = lt_wait(&a);
	rb = lt_wait(&b);
	LT_EXIT(ra, 0);
	LT_EXIT(rb, 0);
	r = LT_RUN("rollback", "verify");
	LT_EXIT(r, 0);
}

/* A restore judges what to leave alone by the snapshot, not by the
 * workspace of now: a .gitignore rewritten since neither exposes what was
 * ignored to deletion nor hides a planted file; a file left out for its
 * size stays. */
Test(rollback, a_restore_goes_by_the_snapshot_s_own_rules)
{
	char *p = lt_profile("big", "extends: default\nsnapshots: {max_file_size: 1K}\n");
	struct lt_result r;

	lt_write(lt_path(lt.work, ".gitignore"), "data/\n");
	lt_write(lt_path(lt.work, "data/local.db"), "ignored but precious\n");
	lt_write(lt_path(lt.work, "src/a.c"), "a\n");
	{
		FILE *f = fopen(lt_path(lt.work, "big.bin"), "w");

		cr_assert_not_null(f);
		for (int i = 0; i < 4096; i++)
			fputc('b', f);
		fclose(f);
	}
	r = LT_RUN("run", "-p", p, "--", "true");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, "big.bin", r);
	/* the agent empties the .gitignore, plants a file and ignores it */
	lt_write(lt_path(lt.work, ".gitignore"), "conftest.py\n");
	lt_write(lt_path(lt.work, "conftest.py"), "planted\n");
	r = LT_RUN("rollback", "restore", newest("start"));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "data/local.db"), "ignored but precious\n");
	LT_FILE_IS(lt_path(lt.work, ".gitignore"), "data/\n");
	cr_assert(!lt_exists(lt_path(lt.work, "conftest.py")), "a planted, ignored file survived");
	cr_assert(lt_exists(lt_path(lt.work, "big.bin")), "a file left out for its size was deleted");
}

/* Timestamps before 1970 or after 2262, and a fifo where a file was, do
 * not break the store or hang a snapshot. */
Test(rollback, odd_timestamps_and_fifos_do_not_break_snapshots)
{
	struct lt_result r;
	char *id;

	lt_write(lt_path(lt.work, "old.txt"), "old\n");
	lt_write(lt_path(lt.work, "future.txt"), "future\n");
	cr_assert_eq(system(lt_fmt("cd '%s' && touch -d 1960-01-01 old.txt && "
				   "touch -d @17000000000 future.txt && mkfifo pipe", lt.work)), 0);
	id = snapshot();
	lt_write(lt_path(lt.work, "new.txt"), "new\n");
	snapshot(); /* reads the first one back */
	lt_write(lt_path(lt.work, "old.txt"), "changed\n");
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "old.txt"), "old\n");
	cr_assert(lt_exists(lt_path(lt.work, "pipe")), "the fifo left out was deleted");
}

/* A file changed just before a snapshot may change again within the same
 * tick of the filesystem's clock, unseen by its stat: the next snapshot
 * reads it again rather than trust it; an old one is not read. */
Test(rollback, a_file_changed_just_before_a_snapshot_is_read_again)
{
	struct lt_result r;
	char *first;

	lt_write(lt_path(lt.work, "old.txt"), "old\n");
	usleep(2100000); /* older than a snapshot's racy window */
	lt_write(lt_path(lt.work, "fresh.txt"), "fresh\n");
	first = snapshot();
	r = LT_RUN("snapshot");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, lt_fmt("latch: snapshot %s: the workspace is as this snapshot holds it (2 files, 0.0 MB, 1 read)", first), r);
}

/* A directory the user cannot read (only unprivileged: root reads it) is
 * left out and named, not fatal; the rest of the tree is snapshotted and
 * a restore leaves the unreadable directory be. */
Test(rollback, an_unreadable_directory_is_left_out_and_named)
{
	struct lt_result r;
	char *id;

	make_tree();
	lt_write(lt_path(lt.work, "locked/inside.txt"), "x\n");
	cr_assert_eq(chmod(lt_path(lt.work, "locked"), 0), 0);
	r = LT_RUN("snapshot");
	cr_assert_eq(chmod(lt_path(lt.work, "locked"), 0700), 0);
	LT_EXIT(r, 0);
	id = snapshot_id(&r);
	if (geteuid() != 0)
		LT_CONTAINS(r.err, lt_fmt("1 files left out of snapshot %s (over a limit, unreadable, special, or on another filesystem): locked\n", id), r);
	lt_write(lt_path(lt.work, "src/main.c"), "changed\n");
	cr_assert_eq(chmod(lt_path(lt.work, "locked"), 0), 0);
	r = LT_RUN("rollback", "restore", id);
	cr_assert_eq(chmod(lt_path(lt.work, "locked"), 0700), 0);
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "src/main.c"), "int main(void) { return 0; }\n");
	LT_FILE_IS(lt_path(lt.work, "locked/inside.txt"), "x\n");
}

/* A full disk under the store fails the snapshot before an exec cleanly:
 * the exec waiting for it is refused (src survives), the message says
 * why, and the store stays consistent. Root only: it mounts a 1 MB
 * tmpfs as the store. */
Test(rollback, a_full_disk_refuses_the_exec_waiting_for_its_snapshot)
{
	char *store = lt_path(lt.home, ".local/state/latch/rollback");
	struct lt_result r, verify;

	if (geteuid() != 0)
		cr_skip_test("mounting a small filesystem needs root");
	lt_write(lt_path(lt.work, "src/a.c"), "precious\n");
	lt_mkdir(store);
	cr_assert_eq(mount("latch-full", store, "tmpfs", 0, "size=1m,mode=0700"), 0, "mount: %m");
	r = LT_RUN("run", "-p", snapshotting_profile(), "--", "sh",
		   lt_script("head -c 3000000 /dev/urandom > big.bin; rm -rf src; echo rc=$?"));
	verify = LT_RUN("rollback", "verify");
	umount2(store, MNT_DETACH);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "rc=126", r);
	LT_CONTAINS(r.err, "the snapshot before it failed, so it was not run", r);
	LT_CONTAINS(r.err, "No space left on device", r);
	LT_FILE_IS(lt_path(lt.work, "src/a.c"), "precious\n");
	LT_EXIT(verify, 0);
}
