/* Exec interposition: every exec in the sandbox is judged by the rule packs
 * before it runs, whatever route leads to it. The victim tree is granted
 * (so Landlock alone would let it be deleted) but lies outside the
 * workspace, where the destructive pack refuses recursive deletes. */
#include <string.h>

#include "../lib/latchtest.h"

TestSuite(exec, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

/* `script_fmt` (%s: the victim) is refused with `why` in the message. The
 * script runs from a file, so that what is judged is each exec it makes
 * (a `sh -c` string would be refused whole before it runs: test_shell). */
static void blocked_because(const char *script_fmt, const char *why)
{
	char *v = lt_victim();
	struct lt_result r = LT_RUN("run", "--allow", v, "--", "sh",
				    lt_script(lt_fmt(script_fmt, v)));

	LT_CONTAINS(r.err, "latch: blocked: ", r);
	LT_CONTAINS(r.err, why, r);
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
}

/* `latch run --allow VICTIM -- bash -c SCRIPT`, the victim's path put in
 * `script_fmt`; *victim gets it. */
static struct lt_result bash_near_victim(const char *script_fmt, char **victim)
{
	*victim = lt_victim();
	return LT_RUN("run", "--allow", *victim, "--", "bash", "-c",
		      lt_fmt(script_fmt, *victim));
}

/* `latch run --allow VICTIM -- python3 -c CODE VICTIM`: the victim is
 * sys.argv[1] (a literal path in the code would be refused by the
 * one-liner reader before anything runs). The victim must survive, and
 * CODE print `done`; the run, for more checks. */
static struct lt_result python_near_victim(const char *code, const char *done)
{
	char *v = lt_victim();
	struct lt_result r = LT_RUN("run", "--allow", v, "--", "python3", "-c",
				    code, v);

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, done, r);
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
	return r;
}

static void blocked(const char *script_fmt)
{
	blocked_because(script_fmt, "rule rm-outside-roots");
}

Test(exec, rm_by_path_name_is_blocked) { blocked("rm -rf '%s'"); }
Test(exec, rm_by_absolute_path_is_blocked) { blocked("/bin/rm -rf '%s'"); }
Test(exec, rm_in_bash_after_cd_is_blocked) { blocked("bash -c 'cd \"%s\" && rm -rf ../victim'"); }
Test(exec, rm_through_env_is_blocked) { blocked("env rm -rf '%s'"); }
Test(exec, rm_through_xargs_is_blocked) { blocked("echo '%s' | xargs rm -rf"); }
Test(exec, rm_through_find_exec_is_blocked)
{
	/* refused at find's own exec, before any rm runs */
	blocked_because("find '%s' -maxdepth 0 -exec rm -rf {} \\;",
			"rule find-delete-outside-roots");
}
Test(exec, rm_from_python_subprocess_is_blocked)
{
	blocked("python3 -c 'import subprocess, sys; subprocess.run([\"rm\", \"-rf\", sys.argv[1]])' '%s'");
}

/* Identity, not names: what runs is judged, whatever it is called. */
Test(exec, a_renamed_copy_of_rm_is_blocked) { blocked("cp /bin/rm ./zap && ./zap -rf '%s'"); }
Test(exec, a_hard_link_to_rm_is_blocked)
{
	/* as root a real link to /bin/rm; unprivileged (protected_hardlinks)
	 * a link to a private copy */
	blocked("{ ln /bin/rm ./zap 2>/dev/null || { cp /bin/rm ./c && ln ./c ./zap; }; } && ./zap -rf '%s'");
}
Test(exec, a_symlink_to_rm_is_blocked) { blocked("ln -s /bin/rm ./zap && ./zap -rf '%s'"); }
Test(exec, rm_run_by_the_elf_loader_is_blocked)
{
	blocked("/lib64/ld-linux-x86-64.so.2 --argv0 ls /bin/rm -rf '%s'");
}
Test(exec, rm_run_by_a_copy_of_the_elf_loader_is_blocked)
{
	blocked("cp /lib64/ld-linux-x86-64.so.2 ./ld && ./ld /bin/rm -rf '%s'");
}
Test(exec, busybox_rm_is_blocked) { blocked("busybox rm -rf '%s'"); }
Test(exec, busybox_rm_through_an_applet_link_is_blocked)
{
	blocked("ln -s \"$(command -v busybox)\" ./rm && ./rm -rf '%s'");
}
Test(exec, rm_through_a_proc_fd_path_is_blocked) { blocked("exec 3</bin/rm; /dev/fd/3 -rf '%s'"); }
Test(exec, a_path_through_a_proc_magic_link_is_refused)
{
	blocked_because("/proc/self/root/bin/rm -rf '%s'", "through a /proc link");
}
/* A refusal at the exec (no shim involved: bash -c's script is judged as
 * a whole) is told on the refused process's own stderr too, where a
 * program that captures its command's output (an agent) reads it. */
Test(exec, a_refusal_is_told_on_the_refused_processs_stderr)
{
	char *v;
	struct lt_result r = bash_near_victim(
		"out=$(bash -c 'rm -rf %s' 2>&1); echo \"captured: $out\"", &v);

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "captured: latch: blocked: bash -c rm -rf", r);
	LT_CONTAINS(r.out, "rule rm-outside-roots", r);
	LT_CONTAINS(r.out, "refused it: it did not run and changed nothing", r);
	/* on latch's own stderr once, not twice */
	cr_assert_eq(lt_count_lines(r.err, "latch: blocked:"), 1, "%s", lt_show(&r));
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
}

/* ... but never at the cost of the judge: a terminal whose output the
 * sandbox stopped (^S) is not waited on, and the next exec is judged
 * (the explanation not written there, the shell is refused with EPERM,
 * not ended).
 * (/bin/bash by its path: the judge refuses it, not the shim, which as
 * any program would wait on such a terminal.) */
Test(exec, a_refused_process_with_a_stopped_terminal_does_not_stall_the_judge)
{
	python_near_victim(
		"import pty, subprocess, sys, termios\n"
		"m, s = pty.openpty()\n"
		"termios.tcflow(s, termios.TCOOFF)\n"
		"try:\n"
		"    subprocess.run(['/bin/bash', '-c', 'rm -rf ' + sys.argv[1]], stderr=s)\n"
		"except PermissionError:\n"
		"    subprocess.run(['echo', 'refused, then judged-after'])\n",
		"refused, then judged-after");
}

/* A program refused for a command it would run (a shell for its script)
 * is ended while its exec is held (judge.c): the runner that started it
 * (an agent's) reads latch's explanation as the command's output and a
 * status of 137, where a failed spawn (EPERM) would have dropped that
 * output. A program refused for itself (rm, git push --force), or one
 * whose stderr cannot take the explanation (a regular file), is refused
 * with EPERM, as is the session's own command (latch exits 126). (By
 * path: the shims of PATH refuse and explain by themselves.) */
Test(exec, a_refused_shell_ends_with_its_explanation_for_its_runner)
{
	struct lt_result r = python_near_victim(
		"import subprocess, sys\n"
		"p = subprocess.run(['/bin/bash', '-c', 'touch ran; rm -rf ' + sys.argv[1]],"
		" capture_output=True, text=True)\n"
		"print('status', p.returncode)\n"
		"print('output', p.stderr)\n"
		"for argv in (['/bin/rm', '-rf', sys.argv[1]],\n"
		"             ['/usr/bin/git', 'push', '--force', 'origin', 'main']):\n"
		"    try:\n"
		"        subprocess.run(argv)\n"
		"    except PermissionError:\n"
		"        print(argv[0], 'EPERM')\n"
		"with open('err.txt', 'w') as f:\n"
		"    try:\n"
		"        subprocess.run(['/bin/bash', '-c', 'rm -rf ' + sys.argv[1]], stderr=f)\n"
		"    except PermissionError:\n"
		"        print('stderr to a file: EPERM')\n", "status -9");

	LT_CONTAINS(r.out, "status -9", r);
	LT_CONTAINS(r.out, "output latch: blocked: /bin/bash -c", r);
	LT_CONTAINS(r.out, "rule rm-outside-roots", r);
	LT_CONTAINS(r.out, "/bin/rm EPERM", r);
	LT_CONTAINS(r.out, "/usr/bin/git EPERM", r);
	LT_CONTAINS(r.out, "stderr to a file: EPERM", r);
	cr_assert(!lt_exists(lt_path(lt.work, "ran")), "part of the script ran");
}

/* ... also when the exec comes from a thread other than the process's
 * main one: the process ends (as a successful exec would have ended its
 * other threads), and its parent goes on. */
Test(exec, a_refused_shell_execd_from_a_thread_ends_its_process_only)
{
	struct lt_result r = python_near_victim(
		"import os, sys, threading\n"
		"pid = os.fork()\n"
		"if pid == 0:\n"
		"    t = threading.Thread(target=os.execv, args=('/bin/sh',"
		" ['sh', '-c', 'rm -rf ' + sys.argv[1]]))\n"
		"    t.start()\n"
		"    t.join()\n"
		"    os._exit(3)\n"
		"_, st = os.waitpid(pid, 0)\n"
		"print('child signal', os.WTERMSIG(st) if os.WIFSIGNALED(st) else None)\n"
		"print('parent goes on')\n", "parent goes on");

	LT_CONTAINS(r.out, "child signal 9", r);
	LT_CONTAINS(r.err, "(rule rm-outside-roots: ", r);
}

/* /proc/self/exe is the caller's own image: judged as that program (Codex
 * runs its commands that way) */
Test(exec, a_program_rerun_through_proc_self_exe_is_judged_as_itself)
{
	char *v = lt_victim();
	struct lt_result r = LT_RUN("run", "--", "bash", "-c",
				    "exec /proc/self/exe -c 'echo rerun-ok'");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "rerun-ok", r);
	r = LT_RUN("run", "--allow", v, "--", "bash", "-c",
		   lt_fmt("exec /proc/self/exe -c 'rm -rf %s'", v));
	LT_CONTAINS(r.err, "latch: blocked: /proc/self/exe -c rm -rf", r);
	LT_CONTAINS(r.err, "rule rm-outside-roots", r);
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
}
Test(exec, a_memfd_exec_is_refused)
{
	blocked_because("python3 -c 'import os, sys\n"
			"fd = os.memfd_create(\"x\")\n"
			"os.write(fd, open(\"/bin/rm\", \"rb\").read())\n"
			"os.execve(fd, [\"rm\", \"-rf\", sys.argv[1]], {})' '%s'",
			"no name on disk (memfd");
}

/* TOCTOU (launcher/verify.h): while the exec of `rm -rf ./scratch` waits
 * for the supervisor, a second thread flips argv[2] to the victim and back,
 * many times a microsecond. What runs is what was judged, or it is killed
 * before its first instruction; the victim survives every attempt. */
Test(exec, an_argv_rewritten_after_the_check_never_runs)
{
	python_near_victim(
		"import ctypes, os, sys, threading\n"
		"libc = ctypes.CDLL(None, use_errno=True)\n"
		"good = ctypes.create_string_buffer(b'./scratch')\n"
		"bad = ctypes.create_string_buffer(sys.argv[1].encode())\n"
		"for attempt in range(40):\n"
		"    os.makedirs('scratch', exist_ok=True)\n"
		"    pid = os.fork()\n"
		"    if pid == 0:\n"
		"        argv = (ctypes.c_char_p * 4)(b'rm', b'-rf', ctypes.cast(good, ctypes.c_char_p), None)\n"
		"        slot = ctypes.cast(argv, ctypes.POINTER(ctypes.c_void_p))\n"
		"        g, b = ctypes.addressof(good), ctypes.addressof(bad)\n"
		"        def flip():\n"
		"            while True:\n"
		"                slot[2] = b\n"
		"                slot[2] = g\n"
		"        threading.Thread(target=flip, daemon=True).start()\n"
		"        libc.execv(b'/bin/rm', argv)\n"
		"        os._exit(1)\n"
		"    os.waitpid(pid, 0)\n"
		"print('attempts done')\n",
		"attempts done");
}

/* TOCTOU on the path: the kernel resolves the exec's path again after
 * the answer. A second process swaps the symlink ./x between a copy of
 * true (then a #! script) and a copy of rm while ./x -rf VICTIM is exec'd,
 * 150 times each (fewer on a slow machine: 2.5 s each, 20 at least): what
 * was judged as true must never run as rm. A path through a directory the
 * sandbox can write is traced through its exec (verify.h); a script's
 * image is its interpreter. */
Test(exec, a_file_swapped_after_the_check_never_runs)
{
	char *v = lt_victim();
	struct lt_result r = LT_RUN("run", "--allow", v, "--", "python3", "-c",
		"import os, shutil, subprocess, sys, time\n"
		"shutil.copy('/bin/true', 'good'); shutil.copy('/bin/rm', 'bad')\n"
		"open('good.sh', 'w').write('#!/bin/sh\\nexit 0\\n'); os.chmod('good.sh', 0o755)\n"
		"refused = 0\n"
		"for good in ('good', 'good.sh'):\n"
		"  os.symlink(good, 'x')\n"
		"  swap = subprocess.Popen([sys.executable, '-c', \"import os, sys\\n"
		"while True:\\n"
		"    for t in ('bad', sys.argv[1]):\\n"
		"        os.symlink(t, 'x.new'); os.replace('x.new', 'x')\\n\", good])\n"
		"  end = time.monotonic() + 2.5  # within LT_TIMEOUT_MS on a slow machine\n"
		"  for attempt in range(150):\n"
		"    if attempt >= 20 and time.monotonic() > end:\n"
		"      break\n"
		"    pid = os.fork()\n"
		"    if pid == 0:\n"
		"        try:\n"
		"            os.execv('./x', ['x', '-rf', sys.argv[1]])\n"
		"        except OSError:\n"
		"            os._exit(3)\n"
		"    refused += os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0\n"
		"  swap.kill(); swap.wait(); os.unlink('x')\n"
		"print('attempts done', refused)\n", v);

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "attempts done", r);
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
}

/* Threaded programs (the agents are) and vfork/posix_spawn children of
 * threaded parents are traced through their exec: it must cost them
 * nothing but time. */
Test(exec, threaded_programs_run_commands)
{
	struct lt_result r = LT_RUN("run", "--", "python3", "-c",
		"import os, subprocess, concurrent.futures as cf\n"
		"def run(i):\n"
		"    return subprocess.run(['sh', '-c', 'echo $0', str(i)], capture_output=True, text=True).stdout.strip()\n"
		"with cf.ThreadPoolExecutor(8) as ex:\n"
		"    out = list(ex.map(run, range(100)))\n"
		"import mmap\n"
		"shared = mmap.mmap(-1, 4096, flags=mmap.MAP_SHARED)  # traced too\n"
		"pid = os.posix_spawn('/bin/sh', ['sh', '-c', 'exit 7'], {})\n"
		"print('ran', len(out), out[99], os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))\n");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "ran 100 99 7", r);
	LT_LACKS(r.err, "latch:", r);
}

Test(exec, work_in_the_workspace_goes_through)
{
	struct lt_result r = LT_RUN("run", "--", "sh", "-c",
		"mkdir -p build/obj && touch build/obj/a.o && rm -rf build && "
		"echo x > f && rm f && git init -q . && git status --short && "
		"cp /bin/rm ./myrm && touch g && ./myrm g && "
		"/lib64/ld-linux-x86-64.so.2 /bin/true && busybox true && "
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

/* argv is read in chunks (launcher/callmem.h): what decides may lie past
 * the first chunk of a word, past the pointers read with the path, past
 * the first batch of words, or against an unmapped page, where a chunk's
 * read stops short. Each is judged whole: refused, and a harmless twin of
 * the same shape runs. Up to 65536 words are judged, more are refused. */
Test(exec, every_word_of_an_argv_is_judged_however_it_lies_in_memory)
{
	char ys[301] = { 0 };
	struct lt_result r = python_near_victim(
		"import ctypes, mmap, os, subprocess, sys\n"
		"v = sys.argv[1]\n"
		"def run(argv):\n"
		"    try:\n"
		"        p = subprocess.run(argv, capture_output=True, text=True)\n"
		"        return '%d %s' % (p.returncode, p.stdout.strip())\n"
		"    except PermissionError:\n"
		"        return 'EPERM'\n"
		"pad = ['x%d' % i for i in range(70)]\n"
		"print('long word', run(['/bin/sh', '-c', ' ' * 300 + 'rm -rf ' + v]))\n"
		"print('long twin', run(['/bin/sh', '-c', ' ' * 300 + 'echo ok']))\n"
		"print('word 72', run(['/bin/rm', '-f'] + pad + ['-r', v]))\n"
		"print('twin 72', run(['/bin/echo'] + pad + ['ok']))\n"
		"print('long path', run(['/' * 300 + 'bin/echo', 'ok']))\n"
		"print('65536 words', run(['/bin/echo'] + ['x'] * 65535)[:4])\n"
		"print('65537 words', run(['/bin/echo'] + ['x'] * 65536)[:4])\n"
		"libc = ctypes.CDLL(None, use_errno=True)\n"
		"page = mmap.PAGESIZE\n"
		"libc.mmap.restype = ctypes.c_void_p\n"
		"libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,"
		" ctypes.c_int, ctypes.c_int, ctypes.c_long]\n"
		"def edge(argv):\n"
		"    # every string and the pointer array end at a page's end, the\n"
		"    # next page unmapped: no 256-byte read of them is whole\n"
		"    n = len(argv)\n"
		"    base = libc.mmap(None, 2 * page * (n + 1), 3, 0x22, -1, 0)\n"
		"    ptrs = []\n"
		"    for i, w in enumerate(argv):\n"
		"        b = w.encode() + b'\\0'\n"
		"        at = base + 2 * page * i + page - len(b)\n"
		"        ctypes.memmove(at, b, len(b))\n"
		"        libc.munmap(ctypes.c_void_p(base + 2 * page * i + page), page)\n"
		"        ptrs.append(at)\n"
		"    arr = base + 2 * page * n + page - 8 * (n + 1)\n"
		"    ctypes.memmove(arr, (ctypes.c_uint64 * (n + 1))(*ptrs, 0), 8 * (n + 1))\n"
		"    libc.munmap(ctypes.c_void_p(base + 2 * page * n + page), page)\n"
		"    sys.stdout.flush()\n"
		"    pid = os.fork()\n"
		"    if pid == 0:\n"
		"        libc.execve(ctypes.c_void_p(ptrs[0]), ctypes.c_void_p(arr), None)\n"
		"        os._exit(100 + ctypes.get_errno())\n"
		"    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])\n"
		"print('edge rm', edge(['/bin/rm', '-rf', v]))\n"
		"print('edge py', edge(['/usr/bin/python3', '-I', '-c',"
		" 'import shutil; shutil.rmtree(%r)' % v]))\n"
		"print('edge echo', edge(['/bin/echo', 'edge', 'is', 'y' * 300, 'ok']))\n"
		"print('done')\n", "done");

	LT_CONTAINS(r.out, "long word -9 \n", r); /* ended, explained */
	LT_CONTAINS(r.out, "long twin 0 ok", r);
	LT_CONTAINS(r.out, "word 72 EPERM", r);
	LT_CONTAINS(r.out, "twin 72 0 x0 x1", r);
	LT_CONTAINS(r.out, "long path 0 ok", r);
	LT_CONTAINS(r.out, "65536 words 0 x", r); /* the limit: 65536 */
	LT_CONTAINS(r.out, "65537 words EPER", r);
	LT_CONTAINS(r.out, "edge rm 101", r); /* 100 + EPERM */
	LT_CONTAINS(r.out, "edge py -9", r);
	memset(ys, 'y', sizeof(ys) - 1);
	LT_CONTAINS(r.out, lt_fmt("edge is %s ok", ys), r);
	LT_CONTAINS(r.out, "edge echo 0", r);
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

/* ---- profiles choose the packs (rules: packs, add, disable) ---- */

/* A profile NAME whose one added rule (ID on COMMAND: ACTION, REASON)
 * refuses `COMMAND ARG; echo rc=$?` with `message`; its path. */
static char *refused_by_own_rule(const char *name, const char *id,
				 const char *command, const char *action,
				 const char *reason, const char *arg,
				 const char *message)
{
	char *p = lt_profile_with_rule(name, id, command, action, reason);
	struct lt_result r = LT_RUN("run", "-p", p, "--", "sh",
				    lt_script(lt_fmt("%s %s; echo rc=$?", command, arg)));

	LT_CONTAINS(r.err, message, r);
	LT_CONTAINS(r.out, "rc=126", r);
	return p;
}

Test(exec, a_profile_adds_its_own_pack)
{
	char *p = refused_by_own_rule("own", "no-curl", "curl", "deny",
				      "no downloads in this project", "--version",
				      "latch: blocked: curl --version (rule no-curl: no downloads in this project)");
	struct lt_result r;

	r = LT_RUN("check", "-p", p, "--", "curl", "x");
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "packs: ", r);
	LT_CONTAINS(r.out, "/profiles/own-pack.yaml", r);
}

Test(exec, a_profile_disables_a_shipped_rule)
{
	char *v = lt_victim();
	char *p = lt_profile("off", "extends: default\nrules:\n  disable: [rm-outside-roots]\n");
	struct lt_result r = LT_RUN("run", "-p", p, "--allow", v, "--", "sh", "-c",
				    lt_fmt("rm -rf '%s/precious'", v));

	LT_EXIT(r, 0);
	cr_assert(!lt_exists(lt_path(v, "precious")), "the disabled rule still blocked");
	r = LT_RUN("check", "-p", p, "--", "rm", "-rf", "/x");
	LT_CONTAINS(r.out, "disabled: rm-outside-roots (", r);
}

Test(exec, a_profile_naming_packs_is_checked_at_start)
{
	struct lt_result r;

	r = LT_RUN("run", "-p", lt_profile("bad1", "extends: default\nrules: [destructiv]\n"),
		   "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "bad1.yaml:2: rules: no shipped rule pack 'destructiv' (did you mean 'destructive'? shipped: containers, destructive, devices, git-history", r);
	r = LT_RUN("run", "-p", lt_profile("bad2", "extends: default\nrules:\n  disable: [rm-outsde-roots]\n"),
		   "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "bad2.yaml:3: rules: disable: no loaded rule has id 'rm-outsde-roots' (did you mean 'rm-outside-roots'?)", r);
	r = LT_RUN("run", "-p", lt_profile("bad3", "extends: default\nrules:\n  add: [nowhere.yaml]\n"),
		   "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "bad3.yaml:3: rules: add: ", r);
	LT_CONTAINS(r.err, "nowhere.yaml", r);
}

/* An `ask` rule with no terminal to ask on refuses (the questions
 * themselves are tested under a real terminal, tests/tty.sh). */
Test(exec, an_ask_rule_without_a_terminal_refuses)
{
	(void)refused_by_own_rule("ask", "ask-touch", "touch", "ask",
				  "touching needs a yes", "f",
				  "latch: blocked: touch f (asks for confirmation; no terminal to ask on, so refused)");
	cr_assert(!lt_exists(lt_path(lt.work, "f")));
}

/* memfd execs are refused unless the profile allows them by name. */
Test(exec, a_profile_may_allow_anonymous_execs)
{
	char *p = lt_profile("anon", "extends: default\nrules:\n  anonymous: allow\n");
	struct lt_result r = LT_RUN("run", "-p", p, "--", "python3", "-c",
		"import os\n"
		"fd = os.memfd_create('t')\n"
		"os.write(fd, open('/bin/true', 'rb').read())\n"
		"os.execve(fd, ['true'], {})\n");

	LT_EXIT(r, 0);
	LT_LACKS(r.err, "latch: blocked", r);
	r = LT_RUN("run", "-p", lt_profile("anon2", "extends: default\nrules:\n  anonymous: maybe\n"),
		   "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "anon2.yaml:3: 'anonymous' is 'allow' or 'deny', not 'maybe'", r);
}

/* A `sh -c` string is judged whole before any of it runs: nothing of a
 * script holding a refused command happens (docs/rules.md, shell). */
Test(exec, a_shell_string_with_a_refused_command_runs_not_at_all)
{
	char *v;
	struct lt_result r = bash_near_victim(
		"touch before; cd '%s/..' && rm -rf victim; touch after", &v);

	LT_EXIT(r, 126);
	LT_CONTAINS(r.err, "(rule rm-outside-roots: ", r);
	cr_assert(!lt_exists(lt_path(lt.work, "before")), "part of the script ran");
	cr_assert(!lt_exists(lt_path(lt.work, "after")), "part of the script ran");
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
	r = LT_RUN("run", "--", "bash", "-c", "touch before && echo ok > after");
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "after"), "ok\n");
}
