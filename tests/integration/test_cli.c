/* The command line: --dry-run, `latch why`, profile errors and warnings,
 * failing closed on an old kernel, --version/--help and typos. */
#include <string.h>
#include <sys/utsname.h>

#include "../lib/latchtest.h"

TestSuite(cli, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

/* ---- 10. --dry-run ---- */

Test(cli, dry_run_executes_nothing)
{
	char *made = lt_path(lt.work, "would-be-created");
	struct lt_result r;

	r = LT_RUN("run", "--dry-run", "--", "sh", lt_script(lt_fmt("echo ran > '%s'", made)));
	LT_EXIT(r, 0);
	cr_assert(!lt_exists(made), "--dry-run ran the command\n%s", lt_show(&r));
	cr_assert(lt_has_line_prefix(r.out, "profile"), "%s", lt_show(&r));
	LT_CONTAINS(r.out, "default", r);
	LT_CONTAINS(r.out, lt.work, r);
	cr_assert(lt_count_lines(r.out, "workdir") >= 1, "%s", lt_show(&r));

	/* -n is the same; no state directory is created either */
	r = LT_RUN("run", "-n", "--", "touch", made);
	LT_EXIT(r, 0);
	cr_assert(!lt_exists(made), "-n ran the command\n%s", lt_show(&r));
	cr_assert(!lt_exists(lt_path(lt.home, ".local/state/latch")),
		  "--dry-run created latch's state directory");
}

Test(cli, dry_run_json_is_valid)
{
	char *made = lt_path(lt.work, "would-be-created");
	const char *where = NULL;
	struct lt_result r;

	r = LT_RUN("run", "--dry-run", "--json", "--", "touch", made);
	LT_EXIT(r, 0);
	cr_assert(!lt_exists(made), "--dry-run --json ran the command");
	cr_assert(lt_json_valid(r.out, &where),
		  "invalid JSON near \"%.40s\"\n%s", where ? where : "",
		  lt_show(&r));
	LT_CONTAINS(r.out, "\"profile\":\t\"default\"", r);
	LT_CONTAINS(r.out, lt_fmt("\"workdir\":\t\"%s\"", lt.work), r);
	LT_CONTAINS(r.out, "\"command\":", r);
	LT_CONTAINS(r.out, "\"touch\"", r);
	LT_CONTAINS(r.out, "\"grants\":", r);
	LT_CONTAINS(r.out, "\"landlock_abi\":", r);

	r = LT_RUN("run", "--dry-run", "--json", "-p", "claude-code", "--",
		   "true");
	LT_EXIT(r, 0);
	cr_assert(lt_json_valid(r.out, NULL), "invalid JSON\n%s", lt_show(&r));
	LT_CONTAINS(r.out, "\"profile\":\t\"claude-code\"", r);

	/* --json without --dry-run is refused */
	r = LT_RUN("run", "--json", "--", "touch", made);
	LT_EXIT(r, 125);
	cr_assert(!lt_exists(made));

	/* other JSON outputs parse too */
	r = LT_RUN("profile", "list", "--json");
	LT_EXIT(r, 0);
	cr_assert(lt_json_valid(r.out, NULL), "invalid JSON\n%s", lt_show(&r));
	LT_CONTAINS(r.out, "\"default\"", r);
	r = LT_RUN("profile", "show", "--json", "default");
	LT_EXIT(r, 0);
	cr_assert(lt_json_valid(r.out, NULL), "invalid JSON\n%s", lt_show(&r));
}

Test(cli, profile_show_takes_options_after_the_name)
{
	/* as documented: latch profile show NAME [--json] [--workdir DIR] */
	struct lt_result r = LT_RUN("profile", "show", "default", "--json");

	LT_EXIT(r, 0);
	cr_assert(lt_json_valid(r.out, NULL), "invalid JSON\n%s", lt_show(&r));
	LT_CONTAINS(r.out, "\"profile\":\t\"default\"", r);

	r = LT_RUN("profile", "show", "default", "--workdir", lt.root);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, lt.root, r);
}

/* ---- 11. latch why ---- */

Test(cli, why_explains_decisions)
{
	char *key = lt_path(lt.home, ".ssh/id_rsa");
	char *mine = lt_path(lt.work, "file.txt");
	struct lt_result r;

	lt_write_mode(key, "k\n", 0600);
	lt_write(mine, "x\n");

	r = LT_RUN("why", "--path", key, "--op", "read");
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "sensitive path", r);

	/* even with $HOME granted */
	r = LT_RUN("why", "--allow", lt.home, "--path", key, "--op", "read");
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "sensitive path", r);

	r = LT_RUN("why", "--path", mine, "--op", "write");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "allowed", r);
	/* relative to the current directory */
	r = LT_RUN("why", "--path", "file.txt", "--op", "write");
	LT_EXIT(r, 0);

	r = LT_RUN("why", "--path", lt_path(lt.home, "notes"), "--op", "read");
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "not granted", r);

	r = LT_RUN("why", "--path", "/etc/passwd", "--op", "write");
	LT_EXIT(r, 1);
	r = LT_RUN("why", "--path", "/etc/passwd", "--op", "read");
	LT_EXIT(r, 0);

	r = LT_RUN("why", "--json", "--path", key, "--op", "read");
	LT_EXIT(r, 1);
	cr_assert(lt_json_valid(r.out, NULL), "invalid JSON\n%s", lt_show(&r));
	LT_CONTAINS(r.out, "\"allowed\":false", r);
	LT_CONTAINS(r.out, "\"reason\":\"sensitive path\"", r);

	r = LT_RUN("why", "--json", "--path", mine, "--op", "write");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "\"allowed\":true", r);

	r = LT_RUN("why", "--path", mine, "--op", "delete");
	LT_EXIT(r, 125);
}

/* ---- 12. profile errors ---- */

Test(cli, invalid_yaml_names_file_line_and_column)
{
	char *file = lt_path(lt.work, "broken.yaml");
	struct lt_result r;

	lt_write(file, "extends: default\n"
		       "description: broken\n"
		       "filesystem:\n"
		       "  read: a: b\n");
	r = LT_RUN("run", "-p", file, "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, lt_fmt("%s:4:10:", file), r);

	r = LT_RUN("profile", "validate", file);
	cr_assert(r.code != 0, "%s", lt_show(&r));
	LT_CONTAINS(r.err, lt_fmt("%s:4:", file), r);
}

Test(cli, unknown_key_suggests_the_right_one)
{
	char *file = lt_path(lt.work, "typo.yaml");
	struct lt_result r;

	lt_write(file, "extends: default\n"
		       "description: has a typo\n"
		       "filesystem:\n"
		       "  read:\n"
		       "    - /usr\n"
		       "  alow:\n"
		       "    - /srv\n");
	r = LT_RUN("run", "-p", file, "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, lt_fmt("%s:6: unknown key 'alow' (did you mean 'allow'?)", file), r);

	r = LT_RUN("profile", "validate", file);
	cr_assert(r.code != 0, "%s", lt_show(&r));
	LT_CONTAINS(r.err, "unknown key 'alow' (did you mean 'allow'?)", r);
}

Test(cli, missing_profile_lists_available_ones)
{
	struct lt_result r = LT_RUN("run", "-p", "no-such-profile", "--", "true");

	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "no-such-profile", r);
	LT_CONTAINS(r.err, "available", r);
	LT_CONTAINS(r.err, "default", r);
	LT_CONTAINS(r.err, "claude-code", r);
}

Test(cli, validate_good_profile)
{
	char *file = lt_path(lt.work, "good.yaml");
	struct lt_result r;

	lt_write(file, "extends: default\n"
		       "description: a good one\n"
		       "filesystem:\n"
		       "  read:\n"
		       "    - /usr\n");
	r = LT_RUN("profile", "validate", file);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "valid", r);

	/* and it runs */
	r = LT_RUN("run", "-p", file, "--", "sh", lt_script("echo $LATCH_PROFILE"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "good", r);
}

Test(cli, grant_on_missing_path_warns_once_and_runs)
{
	char *missing = lt_path(lt.root, "does-not-exist");
	char *file = lt_path(lt.work, "missing.yaml");
	struct lt_result r;

	r = LT_RUN("run", "--read", missing, "--", "sh", lt_script("echo ran"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "ran", r);
	cr_assert_eq(lt_count_lines(r.err, "warning"), 1,
		     "expected exactly one warning line\n%s", lt_show(&r));
	cr_assert_eq(lt_count_lines(r.err, "does-not-exist"), 1, "%s",
		     lt_show(&r));

	lt_write(file, lt_fmt("extends: default\n"
			      "filesystem:\n"
			      "  allow:\n"
			      "    - %s\n", missing));
	r = LT_RUN("run", "-p", file, "--", "sh", lt_script("echo ran"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "ran", r);
	cr_assert_eq(lt_count_lines(r.err, "warning"), 1,
		     "expected exactly one warning line\n%s", lt_show(&r));
	LT_CONTAINS(r.err, lt_fmt("%s:4", file), r);

	/* a trailing '?' makes it optional: no warning */
	lt_write(file, lt_fmt("extends: default\n"
			      "filesystem:\n"
			      "  allow:\n"
			      "    - %s?\n", missing));
	r = LT_RUN("run", "-p", file, "--", "true");
	LT_EXIT(r, 0);
	cr_assert_eq(lt_count_lines(r.err, "warning"), 0, "%s", lt_show(&r));
}

Test(cli, relative_allow_resolves_against_cwd)
{
	char *cwd = lt_path(lt.root, "cwd");
	char *data = lt_path(cwd, "data");
	struct lt_opts o = { .cwd = cwd };
	struct lt_result r;

	lt_mkdir(data);
	/* the workdir is elsewhere; "data" means cwd/data, not workdir/data */
	r = LT_RUN_O(&o, "run", "--workdir", lt.work, "--allow", "data", "--",
		     "sh", lt_script(lt_fmt("echo via-relative > '%s/out'", data)));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(data, "out"), "via-relative\n");
	cr_assert(!lt_exists(lt_path(lt.work, "data")));

	r = LT_RUN_O(&o, "run", "--workdir", lt.work, "--allow", "data",
		     "--dry-run", "--json", "--", "true");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, lt_fmt("\"path\":\t\"%s\"", data), r);

	/* "../x" too */
	lt_mkdir(lt_path(lt.root, "sibling"));
	r = LT_RUN("run", "--allow", "../sibling", "--", "sh", lt_script(lt_fmt("echo up > '%s/sibling/f'", lt.root)));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.root, "sibling/f"), "up\n");

	/* the cwd itself is not granted by that */
	r = LT_RUN_O(&o, "run", "--workdir", lt.work, "--allow", "data", "--",
		     "sh", lt_script(lt_fmt("echo x > '%s/not-granted'", cwd)));
	LT_FAILS(r);
	cr_assert(!lt_exists(lt_path(cwd, "not-granted")));
}

Test(cli, paths_with_spaces_work)
{
	char *dir = lt_path(lt.root, "my data dir");
	char *work = lt_path(lt.root, "work space");
	struct lt_opts o = { .cwd = work };
	struct lt_result r;

	lt_mkdir(dir);
	lt_mkdir(work);
	lt_write(lt_path(dir, "in put.txt"), "spaced-content\n");
	/* a script file, judged exec by exec: a `sh -c` string writing
	 * outside the workspace is refused whole by the rules */
	lt_write(lt_path(work, "s.sh"),
		 lt_fmt("cat '%1$s/in put.txt' && echo out > '%1$s/out put.txt' && echo w > 'here file'\n",
			dir));
	r = LT_RUN_O(&o, "run", "--allow", dir, "--", "sh", "s.sh");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "spaced-content", r);
	LT_FILE_IS(lt_path(dir, "out put.txt"), "out\n");
	LT_FILE_IS(lt_path(work, "here file"), "w\n");

	/* read-only with spaces: writes refused */
	lt_write(lt_path(work, "w.sh"), lt_fmt("echo x > '%s/in put.txt'\n", dir));
	r = LT_RUN_O(&o, "run", "--read", dir, "--", "sh", "w.sh");
	LT_FAILS(r);
	LT_FILE_IS(lt_path(dir, "in put.txt"), "spaced-content\n");
}

Test(cli, extends_cycle_is_refused)
{
	char *a = lt_path(lt.work, "cycle-a.yaml");
	char *b = lt_path(lt.work, "cycle-b.yaml");
	char *self = lt_path(lt.work, "self.yaml");
	struct lt_result r;

	lt_write(a, lt_fmt("extends: %s\n", b));
	lt_write(b, lt_fmt("extends: %s\n", a));
	lt_write(self, lt_fmt("extends: %s\n", self));

	r = LT_RUN("run", "-p", a, "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "cycle", r);

	r = LT_RUN("run", "-p", self, "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "cycle", r);

	r = LT_RUN("profile", "validate", a);
	cr_assert(r.code != 0, "%s", lt_show(&r));
	LT_CONTAINS(r.err, "cycle", r);
}

Test(cli, extends_cycle_is_found_with_relative_paths)
{
	char *a = lt_path(lt.work, "rel-a.yaml");
	char *b = lt_path(lt.work, "rel-b.yaml");
	struct lt_result r;

	lt_write(a, "extends: ./rel-b.yaml\n");
	lt_write(b, "extends: ./rel-a.yaml\n");
	r = LT_RUN("run", "-p", "./rel-a.yaml", "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "cycle", r);
}

/* ---- 13. fail closed ---- */

Test(cli, old_kernel_fails_closed)
{
	const char *env[] = { "LATCH_LANDLOCK_ABI_MAX=2", NULL };
	struct lt_opts o = { .env = env };
	char *made = lt_path(lt.work, "ran");
	struct utsname u;
	struct lt_result r;

	cr_assert(uname(&u) == 0);
	r = LT_RUN_O(&o, "run", "--", "touch", made);
	LT_EXIT(r, 125);
	cr_assert(!lt_exists(made), "the command ran although latch refused");
	LT_CONTAINS(r.err, "truncate control", r);
	LT_CONTAINS(r.err, "Landlock ABI 2", r);
	LT_CONTAINS(r.err, u.release, r);
	LT_CONTAINS(r.err, "--best-effort", r);
}

Test(cli, old_kernel_best_effort_runs_and_says_so)
{
	const char *env[] = { "LATCH_LANDLOCK_ABI_MAX=2", NULL };
	struct lt_opts o = { .env = env };
	struct lt_result r;

	lt_write(lt_path(lt.home, "notes"), "best-effort-secret\n");
	r = LT_RUN_O(&o, "run", "--best-effort", "--", "sh", lt_script("echo ran"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "ran", r);
	LT_CONTAINS(r.err, "NOT enforced", r);
	LT_CONTAINS(r.err, "truncate control", r);

	/* what ABI 2 can enforce still holds */
	r = LT_RUN_O(&o, "run", "--best-effort", "--", "cat",
		     lt_path(lt.home, "notes"));
	LT_FAILS(r);
	LT_LACKS(r.out, "best-effort-secret", r);
}

Test(cli, no_landlock_fails_closed)
{
	const char *env[] = { "LATCH_LANDLOCK_ABI_MAX=0", NULL };
	struct lt_opts o = { .env = env };
	struct lt_result r = LT_RUN_O(&o, "run", "--", "true");

	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "filesystem access control", r);
}

/* ---- 16. --version, --help, typos ---- */

Test(cli, version_and_help)
{
	struct lt_result r;

	r = LT_RUN("--version");
	LT_EXIT(r, 0);
	cr_assert(lt_has_line_prefix(r.out, "latch "), "%s", lt_show(&r));

	r = LT_RUN("--help");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "usage: latch", r);
	LT_CONTAINS(r.out, "run", r);

	r = LT_RUN("run", "--help");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "usage: latch run", r);
	LT_CONTAINS(r.out, "--allow", r);
	LT_CONTAINS(r.out, "--dry-run", r);

	r = LT_RUN("help", "why");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "usage: latch why", r);
}

Test(cli, unknown_command_suggests)
{
	struct lt_result r;

	r = LT_RUN("rnu", "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "did you mean 'run'", r);

	r = LT_RUN("shel");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "did you mean 'shell'", r);

	r = lt_runv(NULL, (const char *const[]){ NULL });
	LT_EXIT(r, 125);

	r = LT_RUN("run", "--alow", lt.home, "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "--alow", r);

	r = LT_RUN("run");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "no command", r);
}
