/* Shims (launcher/shims.h, shim/main.c): the commands the rules control are
 * first on the sandbox's PATH as latch's shim, which explains a refusal to
 * whoever ran the command and exits 126; where the supervisor cannot judge
 * execs (no seccomp user notification, simulated with
 * LATCH_SECCOMP_NOTIFY=0) latch refuses to start unless best effort was
 * accepted, and then the shims alone judge commands, and latch says so. */
#include <string.h>
#include <unistd.h>

#include "../lib/latchtest.h"

TestSuite(shims, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

/* Run `script` (%s: the victim) in sh with the victim granted; the
 * command's own stderr and exit status land in the workspace. */
static struct lt_result run_script(const struct lt_opts *o, const char *extra,
				   const char *script_fmt, const char *v)
{
	const char *script = lt_fmt(script_fmt, v);

	if (extra)
		return LT_RUN_O(o, "run", extra, "--allow", v, "--", "sh", lt_script(script));
	return LT_RUN_O(o, "run", "--allow", v, "--", "sh", lt_script(script));
}

static const char refuse[] = "rm -rf '%s' 2>err.txt; echo $? >rc.txt";

Test(shims, a_refused_command_is_explained_to_its_caller)
{
	char *v = lt_victim();
	struct lt_result r = run_script(NULL, NULL, refuse, v);
	char *err = lt_read(lt_path(lt.work, "err.txt"));

	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
	LT_FILE_IS(lt_path(lt.work, "rc.txt"), "126\n");
	cr_assert_not_null(err);
	LT_CONTAINS(err, "latch: blocked: rm -rf", r);
	LT_CONTAINS(err, "rule rm-outside-roots", r);
	LT_CONTAINS(err, "Do not retry it", r);
	/* the user sees it too, and the audit log says who refused it */
	LT_CONTAINS(r.err, "latch: blocked: rm -rf", r);
	cr_assert(strstr(lt_audit_log(), "\"decision\":\"deny\",\"rule\":\"rm-outside-roots\",\"enforced\":true,\"shim\":true"),
		  "no shim refusal in the log:\n%s", lt_audit_log());
}

Test(shims, allowed_commands_run_through_their_shim)
{
	struct lt_result r = LT_RUN("run", "--", "sh", lt_script("first=${PATH%%:*}; test -x \"$first/rm\" && test -x \"$first/chmod\" && "
		"echo x >f && chmod 600 f && rm f && mkdir -p d/e && rm -rf d && "
		"test ! -e f && test ! -e d && echo done"));

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "done", r);
	LT_LACKS(r.err, "blocked", r);
}

/* Built once in latch's state directory and shown read-only inside: the
 * sandbox cannot change them, nothing of them is left in the shared temp
 * directory, and the next session reuses them. */
Test(shims, the_shims_cannot_be_changed_and_are_built_once)
{
	const char *script =
		"first=${PATH%%:*}; echo \"$first\"; "
		"touch \"$first/x\" || echo no-create; "
		"rm -f \"$first/rm\" || echo no-remove; "
		"chmod 755 \"$first\" || echo no-chmod; "
		"test -x \"$first/rm\" && echo still-there";
	struct lt_result r = LT_RUN("run", "--allow", "/tmp", "--", "sh", lt_script(script));
	char *dir = strdup(r.out), *nl = strchr(dir, '\n');
	char *cache = lt_path(lt.home, ".local/state/latch/shims");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "no-create\nno-remove\nno-chmod\nstill-there\n", r);
	cr_assert_not_null(nl);
	*nl = '\0';
	cr_assert(strstr(dir, "/latch-shims-") != NULL, "PATH starts with %s", dir);
	cr_assert(!lt_exists(lt_path(dir, "rm")), "shims left in %s", dir);
	r = LT_RUN("run", "--allow", "/tmp", "--", "sh", lt_script(script));
	LT_EXIT(r, 0);
	r = LT_RUN("run", "--", "sh", lt_script(lt_fmt("ls -A '%s' | wc -l; ls '%s'/*/rm", cache, cache)));
	LT_FAILS(r); /* latch's state directory is hidden in the sandbox */
	LT_LACKS(r.out, "/rm", r);
	cr_assert_eq(system(lt_fmt("test \"$(ls -A '%s')\" != '' && "
				   "test $(ls -A '%s' | wc -l) = 1 && test -x '%s'/*/rm",
				   cache, cache, cache)), 0,
		     "expected one shim directory in %s", cache);
	free(dir);
}

Test(shims, a_command_missing_from_path_is_reported_not_looped)
{
	struct lt_result r = LT_RUN("run", "--", "sh", lt_script("PATH=${PATH%%:*}; rm x; echo rc=$?"));

	LT_CONTAINS(r.out, "rc=127", r);
	LT_CONTAINS(r.err, "latch: rm: command not found", r);
}

/* A command the packs name that the machine lacks (zsh, say) gets no shim:
 * a program choosing a shell by what is on PATH (Claude Code does) must
 * not pick one that cannot run. A command the packs refuse whatever its
 * argv gets one, present or not, to explain the refusal. The links come
 * after the first exec (the judge's thread), so the script waits for rm's. */
Test(shims, only_commands_the_sandbox_could_run_or_is_refused_have_shims)
{
	static const char *const dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					    "/usr/bin", "/sbin", "/bin" };
	static const char *const named[] = { "rc-service", "pm-hibernate", "zsh", "ksh" };
	const char *missing = NULL;
	struct lt_result r;

	for (size_t i = 0; i < sizeof(named) / sizeof(*named) && !missing; i++) {
		bool found = false;

		for (size_t d = 0; d < sizeof(dirs) / sizeof(*dirs); d++)
			found |= access(lt_fmt("%s/%s", dirs[d], named[i]), F_OK) == 0;
		if (!found)
			missing = named[i];
	}
	if (missing == NULL)
		cr_skip_test("every candidate command is installed here");
	r = LT_RUN("run", "--", "sh", lt_script(lt_fmt(
		"for i in $(seq 100); do case $(command -v rm) in */latch-shims*) break;; esac; sleep 0.05; done\n"
		"for c in rm doas; do case $(command -v $c) in */latch-shims*/$c) echo $c=shim;; esac; done\n"
		"command -v %s || echo %s=none\n", missing, missing)));

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "rm=shim", r);
	LT_CONTAINS(r.out, "doas=shim", r);
	LT_CONTAINS(r.out, lt_fmt("%s=none", missing), r);
}

static const char *const no_notify[] = { "LATCH_SECCOMP_NOTIFY=0", NULL };

Test(shims, without_exec_judging_latch_refuses_to_start)
{
	struct lt_opts o = { .env = no_notify };
	struct lt_result r = LT_RUN_O(&o, "run", "--", "sh", lt_script("echo ran"));

	LT_EXIT(r, 125);
	LT_LACKS(r.out, "ran", r);
	LT_CONTAINS(r.err, "seccomp user notification", r);
	LT_CONTAINS(r.err, "--best-effort", r);
}

Test(shims, with_best_effort_the_shims_alone_refuse_and_latch_says_so)
{
	struct lt_opts o = { .env = no_notify };
	char *v = lt_victim();
	struct lt_result r = run_script(&o, "--best-effort",
					"rm -rf '%s' 2>err.txt; echo $? >rc.txt; sudo true; echo sudo=$?", v);

	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, "latch: best effort: NOT enforced: every exec judged by the supervisor", r);
	LT_CONTAINS(r.err, "a program run by its path, or with PATH changed, is not judged", r);
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
	LT_FILE_IS(lt_path(lt.work, "rc.txt"), "126\n");
	LT_CONTAINS(lt_read(lt_path(lt.work, "err.txt")), "rule rm-outside-roots", r);
	LT_CONTAINS(r.out, "sudo=126", r);
}

Test(shims, without_a_supervisor_an_ask_rule_is_refused_by_the_shim)
{
	struct lt_opts o = { .env = no_notify };
	char *prof = lt_profile_with_rule("asky", "ask-touch", "touch", "ask",
					  "touching needs a yes");
	struct lt_result r = LT_RUN_O(&o, "run", "--best-effort", "--profile", prof, "--", "sh", lt_script("touch f; echo rc=$?"));
	LT_CONTAINS(r.out, "rc=126", r);
	LT_CONTAINS(r.err, "needs the user's confirmation", r);
	cr_assert(!lt_exists(lt_path(lt.work, "f")), "touch ran");
}

Test(shims, a_mount_point_that_is_not_latchs_is_refused)
{
	char *tmp = lt_path(lt.root, "tmp");
	const char *env[] = { lt_fmt("TMPDIR=%s", tmp), NULL };
	struct lt_opts o = { .env = env };
	struct lt_result r;

	lt_mkdir(tmp);
	lt_symlink(lt.home, lt_path(tmp, lt_fmt("latch-shims-%u", (unsigned)geteuid())));
	r = LT_RUN_O(&o, "run", "--", "sh", lt_script("echo ran"));
	LT_EXIT(r, 125);
	LT_LACKS(r.out, "ran", r);
	LT_CONTAINS(r.err, "is not a directory of uid", r);
}

/* A pack a profile adds keeps its rules in the shims whatever its file is
 * called, and a rule disabled in it stays disabled. */
Test(shims, the_shims_judge_with_the_profiles_own_packs)
{
	struct lt_opts o = { .env = no_notify };
	char *prof = lt_profile("own", "extends: default\nrules:\n  add: [extra.yml]\n"
				       "  disable: [no-cowsay]\n");
	struct lt_result r;

	lt_write(lt_path(lt.root, "profiles/extra.yml"),
		 "pack: extra\ndescription: t\nrules:\n"
		 "  - id: no-whoami\n    commands: [whoami]\n    action: deny\n"
		 "    reason: no asking who\n"
		 "  - id: no-cowsay\n    commands: [id]\n    action: deny\n"
		 "    reason: disabled anyway\n");
	r = LT_RUN_O(&o, "run", "--best-effort", "--profile", prof, "--", "sh", lt_script("whoami; echo rc=$?; id -u >/dev/null; echo id=$?"));
	LT_CONTAINS(r.out, "rc=126", r);
	LT_CONTAINS(r.err, "rule no-whoami: no asking who", r);
	LT_CONTAINS(r.out, "id=0", r);
}
