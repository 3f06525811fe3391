/* Exec interposition: every exec in the sandbox is judged by the rule packs
 * before it runs, whatever route leads to it. The victim tree is granted
 * (so Landlock alone would let it be deleted) but lies outside the
 * workspace, where the destructive pack refuses recursive deletes. */
#include <string.h>

#include "../lib/latchtest.h"

TestSuite(exec, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

static char *victim(void)
{
	char *v = lt_path(lt.root, "victim");

	lt_write(lt_path(v, "precious/data.txt"), "precious\n");
	return v;
}

static void blocked(const char *script_fmt)
{
	char *v = victim();
	struct lt_result r = LT_RUN("run", "--allow", v, "--", "sh", "-c",
				    lt_fmt(script_fmt, v));

	LT_CONTAINS(r.err, "latch: blocked: ", r);
	LT_CONTAINS(r.err, "rule rm-outside-roots", r);
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
}

Test(exec, rm_by_path_name_is_blocked) { blocked("rm -rf '%s'"); }
Test(exec, rm_by_absolute_path_is_blocked) { blocked("/bin/rm -rf '%s'"); }
Test(exec, rm_in_bash_after_cd_is_blocked) { blocked("bash -c 'cd \"%s\" && rm -rf ../victim'"); }
Test(exec, rm_through_env_is_blocked) { blocked("env rm -rf '%s'"); }
Test(exec, rm_through_xargs_is_blocked) { blocked("echo '%s' | xargs rm -rf"); }
Test(exec, rm_through_find_exec_is_blocked) { blocked("find '%s' -maxdepth 0 -exec rm -rf {} \\;"); }
Test(exec, rm_from_python_subprocess_is_blocked)
{
	blocked("python3 -c 'import subprocess, sys; subprocess.run([\"rm\", \"-rf\", sys.argv[1]])' '%s'");
}

Test(exec, work_in_the_workspace_goes_through)
{
	struct lt_result r = LT_RUN("run", "--", "sh", "-c",
		"mkdir -p build/obj && touch build/obj/a.o && rm -rf build && "
		"echo x > f && rm f && git init -q . && git status --short && "
		"i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done; echo loop-done");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "loop-done", r);
	cr_assert(!lt_exists(lt_path(lt.work, "build")));
}

/* Hostile argv: the supervisor answers (refuses what it cannot judge) and
 * keeps supervising. */
Test(exec, the_supervisor_survives_hostile_argv)
{
	struct lt_result r = LT_RUN("run", "--", "python3", "-c",
		"import subprocess, os\n"
		"def run(argv):\n"
		"    try: return subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
		"    except OSError as e: return 'E%d' % e.errno\n"
		"print('many', run(['/bin/true'] + ['x'] * 100000))\n"
		"print('big', run(['/bin/true', 'y' * (1 << 17 - 1)]))\n"
		"print('path', run(['/' + 'a' * 4095]))\n"
		"print('utf8', run([b'/bin/true', b'\\xff\\xfe']))\n"
		"print('after', run(['/bin/true']))\n");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "after 0", r);
}

Test(exec, an_exec_storm_from_many_processes_is_answered)
{
	struct lt_result r = LT_RUN("run", "--", "sh", "-c",
		"for p in 1 2 3 4 5 6 7 8; do "
		"(i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i+1)); done) & done; "
		"wait; echo storm-done");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "storm-done", r);
}
