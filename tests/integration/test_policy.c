/* Profile features seen from inside a real sandbox: unprotect,
 * deny_write, environment set, capabilities kept, and the rules that keep the
 * required groups required. Profiles are written into the test's scratch
 * tree and passed by path. */
#include <dirent.h>
#include <string.h>
#include <unistd.h>

#include "../lib/latchtest.h"

TestSuite(policy, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

#define KEY "-----BEGIN OPENSSH PRIVATE KEY-----\nlatch-itest-KEYMATERIAL-policy\n"
#define KEY_MARK "KEYMATERIAL"


/* ---- unprotect and required groups ---- */

Test(policy, unprotect_opens_a_sensitive_path_and_says_so)
{
	char *hist = lt_path(lt.home, ".bash_history");
	char *p = lt_profile("unprot", "extends: default\nunprotect: [~/.bash_history]\n");
	struct lt_result r;

	lt_write(hist, "history-content\n");
	/* without unprotect: denied inside $HOME */
	r = LT_RUN("run", "--allow", lt.home, "--", "cat", hist);
	LT_FAILS(r);
	LT_LACKS(r.out, "history-content", r);

	r = LT_RUN("run", "-p", p, "--allow", lt.home, "--", "cat", hist);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "history-content", r);
	LT_CONTAINS(r.err, "unprotected", r);
	LT_CONTAINS(r.err, hist, r);
}

Test(policy, required_groups_stay_required)
{
	struct lt_result r;

	/* a required group's path can be opened, by name only, and loudly */
	r = LT_RUN("run", "-p", lt_profile("u1", "extends: default\nunprotect: [~/.ssh]\n"),
		   "--", "true");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, "is unprotected by profile u1", r);

	r = LT_RUN("run", "-p",
		   lt_profile("u2", "extends: default\nunprotect: [~/.local/state/latch]\n"),
		   "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "can never be unprotected", r);
	r = LT_RUN("run", "-p",
		   lt_profile("u3", "extends: default\nunprotect: [~/.config/latch]\n"),
		   "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "can never be unprotected", r);

	r = LT_RUN("run", "-p",
		   lt_profile("x1", "extends: default\ngroups:\n  exclude: [deny_credentials]\n"),
		   "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "required", r);

	r = LT_RUN("run", "-p",
		   lt_profile("x2", "extends: default\ngroups:\n  exclude: [latch_self]\n"),
		   "--", "true");
	LT_EXIT(r, 125);
}

Test(policy, unknown_group_and_reserved_sections)
{
	struct lt_result r;
	char *p = lt_profile("ug", "extends: default\ngroups: [runtime_rsut]\n");

	r = LT_RUN("run", "-p", p, "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, lt_fmt("%s:2:", p), r);
	LT_CONTAINS(r.err, "did you mean 'runtime_rust'", r);

	r = LT_RUN("run", "-p", lt_profile("aud", "extends: default\naudit: {}\n"),
		   "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "not supported", r);
}

Test(policy, grant_through_symlink_to_denied_path_is_dropped)
{
	char *key = lt_path(lt.home, ".ssh/id_rsa");
	struct lt_result r;

	lt_write_mode(key, KEY, 0600);
	lt_symlink(lt_path(lt.home, ".ssh"), lt_path(lt.work, "sshlink"));
	r = LT_RUN("run", "--allow", "./sshlink", "--", "cat", "sshlink/id_rsa");
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);
	LT_CONTAINS(r.err, "warning", r);
	LT_CONTAINS(r.err, "denied path", r);
}

/* ---- filesystem rules of a profile ---- */

Test(policy, profile_paths_resolve_against_the_workdir)
{
	/* cwd root/a/b, workdir root/work: "../sib" is root/sib for the
	 * profile (workdir-relative), root/a/sib on the command line */
	char *cwd = lt_path(lt.root, "a/b");
	char *p = lt_profile("rel", "extends: default\nfilesystem:\n  allow: [../sib]\n");
	struct lt_opts o = { .cwd = cwd };
	struct lt_result r;

	lt_mkdir(cwd);
	lt_mkdir(lt_path(lt.root, "sib"));
	lt_mkdir(lt_path(lt.root, "a/sib"));
	r = LT_RUN_O(&o, "run", "-p", p, "--workdir", lt.work, "--", "sh", lt_script(lt_fmt("echo p > '%s/sib/f'", lt.root)));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.root, "sib/f"), "p\n");
	r = LT_RUN_O(&o, "run", "-p", p, "--workdir", lt.work, "--", "sh", lt_script(lt_fmt("echo p > '%s/a/sib/f'", lt.root)));
	LT_FAILS(r);

	r = LT_RUN_O(&o, "run", "--allow", "../sib", "--workdir", lt.work, "--",
		     "sh", lt_script(lt_fmt("echo c > '%s/a/sib/g'", lt.root)));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.root, "a/sib/g"), "c\n");
}

Test(policy, profile_deny_write_and_deny_inside_the_workdir)
{
	char *p = lt_profile("dw", "extends: default\nfilesystem:\n"
				"  deny_write: [$WORKDIR/frozen]\n"
				"  deny: [$WORKDIR/hidden.txt]\n");
	struct lt_result r;

	lt_write(lt_path(lt.work, "frozen/f.txt"), "frozen-content\n");
	lt_write(lt_path(lt.work, "hidden.txt"), "hidden-content\n");

	r = LT_RUN("run", "-p", p, "--", "cat", "frozen/f.txt");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "frozen-content", r);
	r = LT_RUN("run", "-p", p, "--", "sh", lt_script("echo x >> frozen/f.txt; echo y > frozen/new; rm -f frozen/f.txt; cat hidden.txt"));
	LT_FAILS(r);
	LT_LACKS(r.out, "hidden-content", r);
	LT_FILE_IS(lt_path(lt.work, "frozen/f.txt"), "frozen-content\n");
	cr_assert(!lt_exists(lt_path(lt.work, "frozen/new")));
	LT_FILE_IS(lt_path(lt.work, "hidden.txt"), "hidden-content\n");
	/* the rest of the workdir is writable */
	r = LT_RUN("run", "-p", p, "--", "sh", lt_script("echo ok > free.txt"));
	LT_EXIT(r, 0);
}

/* ---- environment and capabilities from a profile ---- */

Test(policy, environment_set_and_injection_refused)
{
	struct lt_result r;

	r = LT_RUN("run", "-p",
		   lt_profile("set", "extends: default\nenvironment:\n  set: {LATCH_ITEST_SET: from-profile}\n"),
		   "--", "sh", lt_script("echo \"v=$LATCH_ITEST_SET\""));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "v=from-profile", r);

	r = LT_RUN("run", "-p",
		   lt_profile("setld", "extends: default\nenvironment:\n  set: {LD_PRELOAD: /x.so}\n"),
		   "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "LD_PRELOAD", r);

	/* environment.allow keeps a secret that env_secrets would strip */
	{
		const char *env[] = { "MY_API_KEY=kept-by-profile", NULL };
		struct lt_opts o = { .env = env };

		r = LT_RUN_O(&o, "run", "-p",
			     lt_profile("keep", "extends: claude-code\nenvironment:\n  allow: [MY_API_KEY]\n"),
			     "--", "env");
		LT_EXIT(r, 0);
		cr_assert(lt_has_line_prefix(r.out, "MY_API_KEY=kept-by-profile"),
			  "%s", lt_show(&r));
	}
}

Test(policy, secrets_of_latch_are_not_readable_through_proc)
{
	/* stripped from the command's environment, still in latch's own:
	 * /proc/$PPID/environ must not hand them back */
	const char *env[] = { "FOO_API_KEY=latch-itest-proc-secret", NULL };
	struct lt_opts o = { .env = env };
	struct lt_result r = LT_RUN_O(&o, "run", "-p", "claude-code", "--", "sh",
				      "-c", "cat /proc/$PPID/environ; cat /proc/$PPID/cmdline; "
					    "cat /proc/$PPID/mem");

	LT_LACKS(r.out, "latch-itest-proc-secret", r);
	LT_CONTAINS(r.err, "Permission denied", r);
}

Test(policy, capabilities_keep_is_root_only_and_exact)
{
	char *p = lt_profile("caps", "extends: default\ncapabilities:\n  keep: [CAP_NET_BIND_SERVICE]\n");
	struct lt_result r;

	if (geteuid() != 0)
		cr_skip_test("capabilities are only kept when latch runs as root");
	r = LT_RUN("run", "-p", p, "--", "grep", "Cap", "/proc/self/status");
	LT_EXIT(r, 0);
	/* CAP_NET_BIND_SERVICE is bit 10 */
	LT_CONTAINS(r.out, "CapEff:\t0000000000000400", r);
	LT_CONTAINS(r.out, "CapBnd:\t0000000000000400", r);

	r = LT_RUN("run", "-p",
		   lt_profile("badcap", "extends: default\ncapabilities:\n  keep: [CAP_NET_BIND_SERVIC]\n"),
		   "--", "true");
	LT_EXIT(r, 125);
}

/* ---- the data directory ---- */

/* Copy the regular files of `from` into `to` (not recursive). */
static void copy_files(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *de;

	cr_assert(d != NULL, "opendir %s", from);
	lt_mkdir(to);
	while ((de = readdir(d)) != NULL) {
		char *src = lt_path(from, de->d_name);
		size_t n = strlen(de->d_name);

		if (n > 5 && strcmp(de->d_name + n - 5, ".yaml") == 0)
			lt_copy(src, lt_path(to, de->d_name), 0644);
	}
	closedir(d);
}

Test(policy, data_dir_without_required_groups_does_not_fail_open)
{
	/* An incomplete or stale installation: profiles/ and profiles/groups/
	 * present, the required groups (deny_credentials, latch_self) not.
	 * latch must not silently run with no credential protection. */
	char *data = lt_path(lt.root, "data");
	char *key = lt_path(lt.home, ".ssh/id_rsa");
	const char *env[] = { NULL, NULL };
	struct lt_opts o = { .env = env };
	struct lt_result r;

	copy_files(lt_path(lt.data_dir, "profiles"), lt_path(data, "profiles"));
	copy_files(lt_path(lt.data_dir, "profiles/groups"),
		   lt_path(data, "profiles/groups"));
	env[0] = lt_fmt("LATCH_DATA_DIR=%s", data);
	lt_write_mode(key, KEY, 0600);

	r = LT_RUN_O(&o, "run", "--allow", lt.home, "--", "cat", key);
	LT_LACKS(r.out, KEY_MARK, r);
	LT_FAILS(r);
}

Test(policy, xdg_state_and_config_homes_are_honoured)
{
	char *state = lt_path(lt.home, "xdg-state");
	char *config = lt_path(lt.home, "xdg-config");
	char *probe = lt_path(state, "latch/probe");
	char *prof = lt_path(config, "latch/profiles/mine.yaml");
	const char *env[] = { NULL, NULL, NULL };
	struct lt_opts o = { .env = env };
	struct lt_result r;

	env[0] = lt_fmt("XDG_STATE_HOME=%s", state);
	env[1] = lt_fmt("XDG_CONFIG_HOME=%s", config);
	lt_write(probe, "xdg-state-secret\n");
	lt_write(prof, "extends: default\n");

	r = LT_RUN_O(&o, "run", "-p", "mine", "--allow", lt.home, "--", "sh", lt_script(lt_fmt("cat '%s'; echo x >> '%s'; ls '%s/latch'", probe, prof, state)));
	LT_FAILS(r);
	LT_LACKS(r.out, "xdg-state-secret", r);
	LT_LACKS(r.out, "probe", r);
	LT_FILE_IS(prof, "extends: default\n");
	LT_FILE_IS(probe, "xdg-state-secret\n");
}

Test(policy, why_agrees_that_no_new_entry_can_appear_beside_a_missing_protected_path)
{
	struct lt_result r;

	lt_mkdir(lt_path(lt.home, "src"));
	r = LT_RUN("why", "--allow", lt.home, "--path",
		   lt_path(lt.home, "newfile"), "--op", "write");
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "denied: no new entries in", r);
	r = LT_RUN("why", "--allow", lt.home, "--path",
		   lt_path(lt.home, "src/newfile"), "--op", "write");
	LT_EXIT(r, 0);
	/* and the kernel agrees with both answers */
	r = LT_RUN("run", "--allow", lt.home, "--", "sh", lt_script(lt_fmt("echo a > '%s/src/newfile' && ! echo b > '%s/newfile'",
			  lt.home, lt.home)));
	LT_EXIT(r, 0);
	cr_assert(!lt_exists(lt_path(lt.home, "newfile")));
}
