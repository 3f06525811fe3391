/* The supervisor: exit codes pass through, signals end the whole tree,
 * nothing the command started outlives latch, and `latch shell`. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/latchtest.h"

TestSuite(process, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

/* ---- 8. exit codes ---- */

Test(process, exit_codes_pass_through)
{
	static const int codes[] = { 0, 1, 2, 42, 124, 255 };

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct lt_result r = LT_RUN("run", "--", "sh", "-c",
					    lt_fmt("exit %d", codes[i]));

		LT_EXIT(r, codes[i]);
	}
}

Test(process, missing_command_is_127)
{
	struct lt_result r = LT_RUN("run", "--", "latch-itest-no-such-command");

	LT_EXIT(r, 127);
	LT_CONTAINS(r.err, "command not found", r);
	LT_CONTAINS(r.err, "latch-itest-no-such-command", r);

	r = LT_RUN("run", "--", lt_path(lt.work, "no-such-file"));
	LT_EXIT(r, 127);
}

Test(process, signal_deaths_are_128_plus_n)
{
	struct lt_result r;

	r = LT_RUN("run", "--", "sh", "-c", "kill -9 $$");
	LT_EXIT(r, 137);
	r = LT_RUN("run", "--", "sh", "-c", "kill -TERM $$");
	LT_EXIT(r, 143);
	r = LT_RUN("run", "--", "sh", "-c", "kill -INT $$");
	LT_EXIT(r, 130);
}

/* ---- 9. SIGTERM and leftovers ---- */

/* Pids listed one per line in `path`. */
static size_t read_pids(const char *path, pid_t *out, size_t max)
{
	char *s = lt_read(path);
	size_t n = 0;

	for (char *p = s; p && *p && n < max;) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (v > 1)
			out[n++] = (pid_t)v;
		p = end;
		while (*p == '\n' || *p == ' ')
			p++;
	}
	return n;
}

static void assert_all_gone(const pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool gone = lt_pid_gone(pids[i], 300);
		const char *comm = gone ? "" : lt_comm(pids[i]);

		if (!gone)
			kill(pids[i], SIGKILL); /* don't leave it behind */
		cr_assert(gone, "pid %d (%s), started inside the sandbox, survived latch",
			  (int)pids[i], comm);
	}
}

/* Start `script` under latch, wait until it wrote `n_pids` pids to
 * work/pids, send SIGTERM to latch and return the result and the pids. */
static struct lt_result term_latch(const char *script, size_t n_pids,
				   pid_t *pids, long *after_ms)
{
	struct lt_proc p;
	struct lt_result r;
	char *pidfile = lt_path(lt.work, "pids");
	long sent;
	size_t got;

	lt_spawn(&p, NULL, LT_ARGV("run", "--", "sh", "-c", script));
	if (!lt_wait_lines(pidfile, n_pids, 4000)) {
		kill(-p.pid, SIGKILL);
		r = lt_wait(&p);
		cr_assert_fail("the command did not start its children\n%s",
			       lt_show(&r));
	}
	got = read_pids(pidfile, pids, n_pids);
	cr_assert_eq(got, n_pids, "pid file: \"%s\"", lt_read(pidfile));
	for (size_t i = 0; i < got; i++)
		cr_assert(kill(pids[i], 0) == 0, "pid %d not running",
			  (int)pids[i]);
	sent = lt_now_ms();
	cr_assert(kill(p.pid, SIGTERM) == 0);
	r = lt_wait(&p);
	*after_ms = r.exited_ms - sent;
	return r;
}

Test(process, sigterm_ends_the_whole_tree_quickly)
{
	pid_t pids[2];
	long after;
	struct lt_result r = term_latch(
		"sleep 60 & echo $! >> pids; sleep 60 & echo $! >> pids; wait",
		2, pids, &after);

	cr_assert(!r.timed_out, "latch did not exit after SIGTERM\n%s",
		  lt_show(&r));
	cr_assert(after <= 2000, "latch took %ld ms to exit after SIGTERM", after);
	LT_EXIT(r, 143);
	assert_all_gone(pids, 2);
}

Test(process, sigterm_ends_a_tree_that_ignores_it)
{
	pid_t pids[2];
	long after;
	struct lt_result r = term_latch(
		"trap '' TERM; sleep 60 & echo $! >> pids; "
		"sh -c 'echo $$ >> pids; exec sleep 60' & wait; wait",
		2, pids, &after);

	cr_assert(!r.timed_out, "latch did not exit after SIGTERM\n%s",
		  lt_show(&r));
	cr_assert(after <= 2000, "latch took %ld ms to exit after SIGTERM", after);
	LT_EXIT(r, 137);
	assert_all_gone(pids, 2);
}

Test(process, daemon_left_behind_is_killed_on_exit)
{
	char *pidfile = lt_path(lt.work, "daemon.pid");
	struct lt_result r;
	pid_t pid;

	/* setsid: a new session, as a daemon would; the command then exits
	 * normally without waiting for it. */
	r = LT_RUN("run", "--", "sh", "-c",
		   "setsid sh -c 'echo $$ > daemon.pid.tmp; mv daemon.pid.tmp daemon.pid; exec sleep 60' "
		   "</dev/null >/dev/null 2>&1 & "
		   "i=0; while [ ! -s daemon.pid ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done; "
		   "exit 0");
	cr_assert(!r.timed_out, "%s", lt_show(&r));
	LT_EXIT(r, 0);
	cr_assert(r.elapsed_ms < 4000, "latch took %ld ms", r.elapsed_ms);
	cr_assert_eq(read_pids(pidfile, &pid, 1), 1, "no daemon pid written\n%s",
		     lt_show(&r));
	assert_all_gone(&pid, 1);
}

Test(process, leftover_ignoring_sigterm_is_killed_on_exit)
{
	char *pidfile = lt_path(lt.work, "pids");
	struct lt_result r;
	pid_t pid;

	r = LT_RUN("run", "--", "sh", "-c",
		   "(trap '' TERM; exec sleep 60) </dev/null >/dev/null 2>&1 & "
		   "echo $! > pids; exit 5");
	cr_assert(!r.timed_out, "%s", lt_show(&r));
	LT_EXIT(r, 5);
	cr_assert(r.elapsed_ms < 3000, "latch took %ld ms", r.elapsed_ms);
	cr_assert_eq(read_pids(pidfile, &pid, 1), 1, "%s", lt_show(&r));
	assert_all_gone(&pid, 1);
}

Test(process, sandbox_cannot_signal_outside_processes)
{
	/* Landlock scoping: the command cannot signal processes outside its
	 * sandbox, although they run as the same user: neither a bystander
	 * nor latch itself (probed with signal 0, harmless either way). */
	pid_t victim = fork();
	struct lt_result r;
	int st;

	cr_assert(victim >= 0);
	if (victim == 0) {
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	r = LT_RUN("run", "--", "sh", "-c",
		   lt_fmt("kill -TERM %d; echo rc=$?; kill -0 $PPID; echo ppid-rc=$?",
			  (int)victim));
	{
		bool alive = waitpid(victim, &st, WNOHANG) == 0;

		kill(victim, SIGKILL);
		waitpid(victim, &st, 0);
		cr_assert(alive, "the sandbox killed a process outside it\n%s",
			  lt_show(&r));
	}
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "rc=1", r);
	LT_CONTAINS(r.out, "ppid-rc=1", r);
}

/* ---- 15. latch shell ---- */

Test(process, shell_reads_commands_from_stdin)
{
	const char *env[] = { "SHELL=/bin/sh", NULL };
	struct lt_opts o = {
		.env = env,
		.input = "echo hello-from-shell; echo \"profile=$LATCH_PROFILE\"; exit 3\n",
	};
	struct lt_result r = LT_RUN_O(&o, "shell");

	LT_EXIT(r, 3);
	LT_CONTAINS(r.out, "hello-from-shell", r);
	LT_CONTAINS(r.out, "profile=default", r);
}

Test(process, shell_is_sandboxed)
{
	const char *env[] = { "SHELL=/bin/sh", NULL };
	struct lt_opts o = { .env = env, .input = NULL };
	struct lt_result r;

	lt_write(lt_path(lt.home, "notes"), "shell-home-secret\n");
	o.input = lt_fmt("cat '%s/notes'; echo cat-rc=$?; exit 0\n", lt.home);
	r = LT_RUN_O(&o, "shell");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "cat-rc=1", r);
	LT_LACKS(r.out, "shell-home-secret", r);

	/* arguments are refused: that is what `latch run` is for */
	r = LT_RUN("shell", "--", "echo", "hi");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "latch run", r);
}

/* ---- more of the supervisor ---- */

Test(process, stdin_and_large_stdout_pass_through)
{
	struct lt_opts o = { .input = "piped-input-line\n" };
	struct lt_result r = LT_RUN_O(&o, "run", "--", "cat");

	LT_EXIT(r, 0);
	cr_assert_str_eq(r.out, "piped-input-line\n", "%s", lt_show(&r));

	r = LT_RUN("run", "--", "sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' x");
	LT_EXIT(r, 0);
	cr_assert_eq(strlen(r.out), 1048576u, "got %zu bytes", strlen(r.out));
}

Test(process, no_descriptors_or_blocked_signals_leak_into_the_command)
{
	struct lt_result r;

	/* the harness starts latch with only 0, 1 and 2 open */
	r = LT_RUN("run", "--", "sh", "-c", "ls /proc/$$/fd");
	LT_EXIT(r, 0);
	cr_assert_str_eq(r.out, "0\n1\n2\n",
			 "descriptors leaked into the sandbox\n%s", lt_show(&r));
	r = LT_RUN("run", "--allow", lt.home, "--", "sh", "-c", "ls /proc/$$/fd");
	LT_EXIT(r, 0);
	cr_assert_str_eq(r.out, "0\n1\n2\n",
			 "descriptors leaked into the sandbox\n%s", lt_show(&r));

	r = LT_RUN("run", "--", "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "SigBlk:\t0000000000000000", r);
	LT_CONTAINS(r.out, "SigIgn:\t0000000000000000", r);
}

Test(process, signals_from_processes_are_forwarded)
{
	static const struct { int sig; const char *name; } sigs[] = {
		{ SIGINT, "INT" }, { SIGHUP, "HUP" }, { SIGUSR1, "USR1" },
		{ SIGUSR2, "USR2" }, { SIGQUIT, "QUIT" },
	};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		char *ready = lt_path(lt.work, lt_fmt("ready-%s", sigs[i].name));
		struct lt_proc p;
		struct lt_result r;

		lt_spawn(&p, NULL, LT_ARGV("run", "--", "sh", "-c",
			lt_fmt("trap 'echo got-%s; exit 7' %s; echo > '%s'; "
			       "while :; do sleep 0.05; done",
			       sigs[i].name, sigs[i].name, ready)));
		if (!lt_wait_lines(ready, 1, 4000)) {
			kill(-p.pid, SIGKILL);
			r = lt_wait(&p);
			cr_assert_fail("the command did not start\n%s", lt_show(&r));
		}
		kill(p.pid, sigs[i].sig);
		r = lt_wait(&p);
		LT_EXIT(r, 7);
		LT_CONTAINS(r.out, lt_fmt("got-%s", sigs[i].name), r);
	}
}

Test(process, sigterm_lets_the_command_clean_up)
{
	char *ready = lt_path(lt.work, "ready");
	char *done = lt_path(lt.work, "cleaned");
	struct lt_proc p;
	struct lt_result r;

	lt_spawn(&p, NULL, LT_ARGV("run", "--", "sh", "-c",
		lt_fmt("trap 'sleep 0.2; echo bye > \"%s\"; exit 9' TERM; "
		       "echo > '%s'; while :; do sleep 0.05; done", done, ready)));
	if (!lt_wait_lines(ready, 1, 4000)) {
		kill(-p.pid, SIGKILL);
		r = lt_wait(&p);
		cr_assert_fail("the command did not start\n%s", lt_show(&r));
	}
	kill(p.pid, SIGTERM);
	r = lt_wait(&p);
	LT_EXIT(r, 9);
	LT_FILE_IS(done, "bye\n");
}

/* Run `script` (which writes its shell's pid to ./pids and then execs a
 * long sleep) under latch, SIGKILL latch, and return that pid. */
static pid_t kill_latch_under(const char *script)
{
	char *pidfile = lt_path(lt.work, "pids");
	struct lt_proc p;
	struct lt_result r;
	pid_t pid;

	lt_spawn(&p, NULL, LT_ARGV("run", "--", "sh", "-c", script));
	if (!lt_wait_lines(pidfile, 1, 4000)) {
		kill(-p.pid, SIGKILL);
		r = lt_wait(&p);
		cr_assert_fail("the command did not start\n%s", lt_show(&r));
	}
	cr_assert_eq(read_pids(pidfile, &pid, 1), 1);
	kill(p.pid, SIGKILL);
	r = lt_wait(&p);
	LT_EXIT(r, 137);
	return pid;
}

Test(process, sigkill_to_latch_kills_the_command)
{
	/* documented: the command itself dies (PR_SET_PDEATHSIG); its own
	 * children are not reached */
	pid_t pid = kill_latch_under("echo $$ > pids; exec sleep 60");

	assert_all_gone(&pid, 1);
}

/* Fail closed: a process that outlives a SIGKILLed latch (reparented to
 * init) stays under the filter with nobody to answer: its execs fail. */
Test(process, after_latch_dies_survivors_cannot_exec)
{
	char *rc = lt_path(lt.work, "rc");

	kill_latch_under("(trap '' HUP; sleep 1; /bin/echo ran > out; echo $? > rc) & "
			 "echo $$ > pids; exec sleep 60");
	cr_assert(lt_wait_lines(rc, 1, 5000), "the survivor never got to its exec");
	cr_assert(!lt_exists(lt_path(lt.work, "out")) ||
		  strcmp(lt_read(lt_path(lt.work, "out")), "ran\n") != 0,
		  "an exec ran with no supervisor");
	cr_assert_str_neq(lt_read(rc), "0\n");
}

Test(process, not_executable_is_126)
{
	struct lt_result r;

	lt_write_mode(lt_path(lt.work, "plain.txt"), "echo hi\n", 0644);
	r = LT_RUN("run", "--", "./plain.txt");
	LT_EXIT(r, 126);
	LT_CONTAINS(r.err, "cannot execute", r);
	lt_mkdir(lt_path(lt.work, "adir"));
	r = LT_RUN("run", "--", "./adir");
	LT_EXIT(r, 126);
}
