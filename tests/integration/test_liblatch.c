/* liblatch's sessions (include/latch.h), through the real shared library
 * (build/liblatch.so.0, linked with $ORIGIN in its rpath): a command
 * spawned in a sandbox, its output, exit status and audit log; a refused
 * `rm -rf` with its rule; a profile given as YAML text; signals; a running
 * child freed; a helper that cannot start. The helper is the latch beside
 * the library (the one under test). HOME is the test's fake home. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../include/latch.h"
#include "../lib/latchtest.h"

static void lib_setup(void)
{
	static const char *const xdg[] = { "XDG_CONFIG_HOME", "XDG_STATE_HOME",
		"XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR" };

	lt_setup();
	/* the library reads the caller's environment, as latch does */
	setenv("HOME", lt.home, 1);
	for (size_t i = 0; i < sizeof(xdg) / sizeof(xdg[0]); i++)
		unsetenv(xdg[i]);
}

TestSuite(liblatch, .init = lib_setup, .fini = lt_teardown, .timeout = 60);

static latch_policy load(const char *profile)
{
	latch_policy p;
	latch_error e;

	cr_assert_eq(latch_policy_load(profile, lt.work, &p, &e), LATCH_OK, "%s", e.message);
	return p;
}

/* Spawn argv with stdout and stderr into files of the test's root; wait;
 * the exit status. */
static int run(latch_policy p, const char *const *argv, char **out, char **err_text,
	       char **audit)
{
	char *out_path = lt_path(lt.root, "out"), *err_path = lt_path(lt.root, "err");
	int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int e2 = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	latch_spawn_opts so;
	latch_child c;
	latch_error e;
	int st = -1;
	char *a;

	cr_assert(o >= 0 && e2 >= 0);
	latch_spawn_opts_init(&so);
	so.cwd = lt.work;
	so.stdout_fd = o;
	so.stderr_fd = e2;
	cr_assert_eq(latch_spawn(p, argv, &so, &c, &e), LATCH_OK, "%s\n%s", e.message,
		     lt_read(err_path));
	close(o);
	close(e2);
	a = latch_child_audit_path(c, &e);
	cr_assert_not_null(a, "%s", e.message);
	if (audit)
		*audit = lt_fmt("%s", a);
	latch_free(a);
	cr_assert_eq(latch_wait(c, &st, &e), LATCH_OK, "%s", e.message);
	cr_assert_eq(latch_child_free(c, &e), LATCH_OK, "%s", e.message);
	*out = lt_read(out_path);
	*err_text = lt_read(err_path);
	return st;
}

Test(liblatch, spawns_ls_in_a_sandbox_and_logs_it)
{
	latch_policy p = load("default");
	char *out, *err, *audit, *log;

	lt_write(lt_path(lt.work, "hello.txt"), "hi\n");
	cr_assert_eq(run(p, LT_ARGV("ls", "-a"), &out, &err, &audit), 0, "%s", err);
	cr_assert(strstr(out, "hello.txt"), "stdout: %s\nstderr: %s", out, err);
	cr_assert(strncmp(audit, lt.home, strlen(lt.home)) == 0, "audit log %s outside HOME", audit);
	log = lt_read(audit);
	cr_assert_not_null(log, "%s", audit);
	cr_assert(strstr(log, "\"event\":\"start\"") && strstr(log, "\"profile\":\"default\""), "%s", log);
	cr_assert(strstr(log, "\"event\":\"end\""), "%s", log);
	/* the library itself is read-only in the sandbox, as latch is */
	cr_assert(strstr(log, "\"origin\":\"--deny-write\""), "%s", log);
	latch_policy_free(p, NULL);
}

Test(liblatch, refuses_rm_rf_with_its_rule)
{
	latch_policy p = load("default");
	char *victim = lt_victim(), *out, *err, *audit, *log;
	int st = run(p, LT_ARGV("rm", "-rf", victim), &out, &err, &audit);

	cr_assert_neq(st, 0, "rm exited 0: %s", err);
	LT_FILE_IS(lt_path(victim, "precious/data.txt"), "precious\n");
	cr_assert(strstr(err, "rm-outside-roots"), "stderr: %s", err);
	log = lt_read(audit);
	cr_assert(strstr(log, "\"decision\":\"deny\"") && strstr(log, "\"rule\":\"rm-outside-roots\""),
		  "%s", log);
	latch_policy_free(p, NULL);
}

Test(liblatch, a_yaml_profile_reaches_the_sandbox)
{
	/* the default profile, and a directory outside it readable */
	const char *secret = lt_path(lt.root, "secret");
	char *yaml = lt_fmt("extends: default\nfilesystem:\n  read:\n    - %s\n", secret);
	latch_policy p;
	latch_error e;
	char *out, *err, *audit;

	lt_write(lt_path(secret, "note"), "visible\n");
	cr_assert_eq(latch_policy_load_yaml(yaml, "embedded", lt.work, &p, &e), LATCH_OK, "%s", e.message);
	cr_assert_eq(run(p, LT_ARGV("cat", lt_path(secret, "note")), &out, &err, &audit), 0,
		     "%s", err);
	cr_assert_str_eq(out, "visible\n");
	cr_assert(strstr(lt_read(audit), "\"profile\":\"embedded\""));
	/* without the grant, the same read is refused by the kernel */
	latch_policy_free(p, NULL);
	p = load("default");
	cr_assert_neq(run(p, LT_ARGV("cat", lt_path(secret, "note")), &out, &err, &audit), 0);
	cr_assert(strstr(err, "Permission denied"), "%s", err);
	latch_policy_free(p, NULL);
}

Test(liblatch, signals_reach_the_command_and_free_kills_it)
{
	latch_policy p = load("default");
	latch_spawn_opts so;
	latch_child c;
	latch_error e;
	int st;
	char *pidfile = lt_path(lt.work, "pid"), *pid_text;

	latch_spawn_opts_init(&so);
	so.cwd = lt.work;
	cr_assert_eq(latch_spawn(p, LT_ARGV("sleep", "30"), &so, &c, &e), LATCH_OK, "%s", e.message);
	cr_assert_gt(latch_child_pid(c, NULL), 0);
	cr_assert_eq(latch_child_kill(c, SIGTERM, &e), LATCH_OK, "%s", e.message);
	cr_assert_eq(latch_wait(c, &st, &e), LATCH_OK, "%s", e.message);
	cr_assert_eq(st, 128 + SIGTERM);
	cr_assert_eq(latch_wait(c, &st, &e), LATCH_OK, "a second wait");
	cr_assert_eq(st, 128 + SIGTERM);
	cr_assert_eq(latch_child_free(c, &e), LATCH_OK);
	cr_assert_eq(latch_child_free(c, &e), LATCH_ERR_HANDLE);

	/* freed while running: the helper and its command are gone */
	lt_write(lt_path(lt.work, "sleeper.sh"), "echo $$ > pid\nexec sleep 30\n");
	cr_assert_eq(latch_spawn(p, LT_ARGV("sh", "sleeper.sh"), &so, &c, &e), LATCH_OK, "%s", e.message);
	cr_assert(lt_wait_lines(pidfile, 1, 10000), "the command never wrote its pid");
	pid_text = lt_read(pidfile);
	cr_assert_eq(latch_child_free(c, &e), LATCH_OK, "%s", e.message);
	cr_assert(lt_pid_gone((pid_t)atoi(pid_text), 5000), "command %s outlived its freed session", pid_text);
	latch_policy_free(p, NULL);
}

Test(liblatch, a_helper_that_cannot_start)
{
	latch_policy p = load("default");
	latch_spawn_opts so;
	latch_child c = 99;
	latch_error e;

	latch_spawn_opts_init(&so);
	so.helper = "/nonexistent/latch";
	cr_assert_eq(latch_spawn(p, LT_ARGV("true"), &so, &c, &e), LATCH_ERR_SPAWN);
	cr_assert_eq(c, 0);
	cr_assert(strstr(e.message, "cannot start the helper '/nonexistent/latch'"), "%s", e.message);

	/* latch itself refuses: the workspace is gone by the time of the spawn */
	latch_spawn_opts_init(&so);
	so.stderr_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	lt_write(lt_path(lt.root, "w2/x"), "x");
	latch_policy_free(p, NULL);
	cr_assert_eq(latch_policy_load("default", lt_path(lt.root, "w2"), &p, &e), LATCH_OK, "%s", e.message);
	cr_assert_eq(system(lt_fmt("rm -rf '%s'", lt_path(lt.root, "w2"))), 0);
	cr_assert_eq(latch_spawn(p, LT_ARGV("true"), &so, &c, &e), LATCH_ERR_SPAWN);
	cr_assert(strstr(e.message, "latch ended with status 125 before the session began"), "%s", e.message);
	close(so.stderr_fd);
	latch_policy_free(p, NULL);
}

Test(liblatch, spawn_returns_when_the_session_begins)
{
	/* a credential command that leaves a process behind holding every
	 * descriptor it got: latch_spawn must not wait for it */
	const char *yaml = "extends: default\n"
			   "network:\n"
			   "  credentials:\n"
			   "    - route: t\n"
			   "      upstream: https://api.example.com\n"
			   "      header: x-api-key\n"
			   "      source: command:sleep 20 & echo key\n"
			   "      env: T_API_KEY\n";
	latch_policy p;
	latch_spawn_opts so;
	latch_child c;
	latch_error e;
	long t0;
	int st;

	cr_assert_eq(latch_policy_load_yaml(yaml, "cred", lt.work, &p, &e), LATCH_OK, "%s", e.message);
	latch_spawn_opts_init(&so);
	so.cwd = lt.work;
	t0 = lt_now_ms();
	cr_assert_eq(latch_spawn(p, LT_ARGV("true"), &so, &c, &e), LATCH_OK, "%s", e.message);
	cr_assert_lt(lt_now_ms() - t0, 10000, "latch_spawn waited for the credential command's leftover");
	cr_assert_eq(latch_wait(c, &st, &e), LATCH_OK, "%s", e.message);
	cr_assert_eq(st, 0);
	latch_child_free(c, NULL);
	latch_policy_free(p, NULL);
}

Test(liblatch, the_environment_given_is_the_commands_not_latchs)
{
	latch_policy p = load("default");
	char *cfg = lt_path(lt.work, "cfg"), *out;
	char *env[] = { lt_fmt("HOME=%s", lt.home), (char *)"PATH=/usr/bin:/bin",
			(char *)"GREETING=hello", lt_fmt("XDG_CONFIG_HOME=%s", cfg), NULL };
	latch_spawn_opts so;
	latch_child c;
	latch_error e;
	int st, o = open(lt_path(lt.root, "out"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	/* a profile planted where the command's XDG_CONFIG_HOME points (here
	 * one that does not parse): latch must not read it, since it runs in
	 * the caller's environment */
	lt_write(lt_path(cfg, "latch/profiles/default.yaml"), "filesystem: [\n");
	latch_spawn_opts_init(&so);
	so.cwd = lt.work;
	so.envp = env;
	so.stdout_fd = o;
	cr_assert_eq(latch_spawn(p, LT_ARGV("sh", "-c", "echo \"$GREETING $XDG_CONFIG_HOME\""),
				 &so, &c, &e), LATCH_OK, "%s", e.message);
	close(o);
	cr_assert_eq(latch_wait(c, &st, &e), LATCH_OK, "%s", e.message);
	latch_child_free(c, NULL);
	out = lt_read(lt_path(lt.root, "out"));
	cr_assert_eq(st, 0);
	cr_assert_str_eq(out, lt_fmt("hello %s\n", cfg));
	latch_policy_free(p, NULL);
}

Test(liblatch, a_bad_descriptor_leaves_the_callers_alone)
{
	latch_policy p = load("default");
	latch_spawn_opts so;
	latch_child c;
	latch_error e;

	latch_spawn_opts_init(&so);
	so.stdout_fd = 999;
	cr_assert_eq(latch_spawn(p, LT_ARGV("true"), &so, &c, &e), LATCH_ERR_ARG);
	cr_assert(strstr(e.message, "descriptor 999"), "%s", e.message);
	cr_assert_geq(fcntl(0, F_GETFD), 0, "the caller's stdin was closed");
	so.stdout_fd = -1;
	so.helper = "latch";
	cr_assert_eq(latch_spawn(p, LT_ARGV("true"), &so, &c, &e), LATCH_ERR_ARG);
	cr_assert(strstr(e.message, "not an absolute path"), "%s", e.message);
	latch_policy_free(p, NULL);
}

/* The descriptors latch run reads for embedders, given hostile contents:
 * each refused with its reason, nothing run. */
static int run_sh(const char *script, char **err)
{
	char *errfile = lt_path(lt.root, "sh.err");
	int st = system(lt_fmt("cd '%s' && %s 2>'%s'", lt.work, script, errfile));

	*err = lt_read(errfile);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(liblatch, the_helpers_descriptors_refuse_what_is_not_theirs)
{
	char *in = lt_path(lt.root, "in"), *err;

	/* an environment entry without '=' */
	cr_assert_eq(system(lt_fmt("printf 'PATH=/bin\\0no-equals\\0' > '%s'", in)), 0);
	cr_assert_eq(run_sh(lt_fmt("'%s' run --env-fd 3 -- touch ran 3<'%s'", lt.latch, in), &err), 125);
	cr_assert(strstr(err, "--env-fd 3: entry 'no-equals' is not NAME=VALUE"), "%s", err);
	/* a profile as text with a relative extends */
	lt_write(in, "extends: ./base.yaml\n");
	cr_assert_eq(run_sh(lt_fmt("'%s' run --profile-fd 3 -p t -- touch ran 3<'%s'", lt.latch, in), &err), 125);
	cr_assert(strstr(err, "<t>:1: extends './base.yaml': a profile given as text has no directory"), "%s", err);
	/* more than 1 MiB of profile */
	cr_assert_eq(system(lt_fmt("head -c 1100000 /dev/zero | tr '\\0' '#' > '%s'", in)), 0);
	cr_assert_eq(run_sh(lt_fmt("'%s' run --profile-fd 3 -- touch ran 3<'%s'", lt.latch, in), &err), 125);
	cr_assert(strstr(err, "larger than 1 MiB"), "%s", err);
	/* a status descriptor that is not open */
	cr_assert_eq(run_sh(lt_fmt("'%s' run --status-fd 9 -- touch ran", lt.latch), &err), 125);
	cr_assert(strstr(err, "--status-fd 9: Bad file descriptor"), "%s", err);
	cr_assert(!lt_exists(lt_path(lt.work, "ran")), "a refused run ran its command");
}
