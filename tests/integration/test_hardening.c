/* Fixes from the security review: each test is the reproducer of a finding. */
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/latchtest.h"

TestSuite(hardening, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

/* A daemon outside every grant listens on a pathname socket (tmux, D-Bus,
 * ssh-agent, docker …): the sandbox must not reach it. */
Test(hardening, unix_sockets_are_refused_so_outside_daemons_stay_out_of_reach)
{
	char *dir = lt_path(lt.root, "outside");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct lt_opts o = { .cwd = dir }; /* short relative socket paths */
	char here[PATH_MAX];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct lt_result r;

	lt_mkdir(dir);
	cr_assert(fd >= 0 && getcwd(here, sizeof(here)) != NULL);
	strcpy(sa.sun_path, "d.sock");
	cr_assert(chdir(dir) == 0);
	cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	cr_assert(chdir(here) == 0);
	cr_assert(listen(fd, 4) == 0);
	r = LT_RUN_O(&o, "run", "--workdir", lt.work, "--", "python3", "-c",
		     "import socket\n"
		     "a, b = socket.socketpair(); print('socketpair ok')\n"
		     "s = socket.socket(socket.AF_UNIX)\n"
		     "s.connect('d.sock'); print('CONNECTED')\n");
	close(fd);
	LT_FAILS(r);
	LT_CONTAINS(r.out, "socketpair ok", r);
	LT_LACKS(r.out, "CONNECTED", r);
	LT_CONTAINS(r.err, "Permission denied", r);
}

Test(hardening, a_profile_can_allow_unix_sockets_and_says_what_that_costs)
{
	char *p = lt_path(lt.root, "unix.yaml");
	struct lt_result r;

	lt_write(p, "extends: default\nnetwork: {unix: allow}\n");
	r = LT_RUN("run", "-p", p, "--", "python3", "-c",
		   "import socket; socket.socket(socket.AF_UNIX); print('made')");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "made", r);
	r = LT_RUN("run", "-p", p, "--dry-run", "--", "true");
	LT_CONTAINS(r.out, "unix sockets allowed", r);
}

/* Typing into a terminal (TIOCSTI) would run commands in the user's shell
 * after latch exits: refused on any tty, here a fresh pty. */
Test(hardening, terminal_injection_is_refused)
{
	struct lt_result r = LT_RUN("run", "--", "python3", "-c",
		"import os, fcntl, termios\n"
		"m, s = os.openpty()\n"
		"fcntl.ioctl(s, termios.TIOCGWINSZ, b'12345678'); print('winsize ok')\n"
		"try:\n"
		"    fcntl.ioctl(s, termios.TIOCSTI, b'x'); print('INJECTED')\n"
		"except OSError as e: print('refused', e.errno)\n");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "winsize ok", r);
	LT_CONTAINS(r.out, "refused 1", r);
	LT_LACKS(r.out, "INJECTED", r);
}

/* A per-user install (~/.local/share/latch) or a build tree inside a grant:
 * the sandbox must not edit the policy latch loads next time. */
Test(hardening, latch_data_and_binary_are_read_only_inside)
{
	char *data = lt_path(lt.home, "latchdata");
	char *req = lt_path(data, "profiles/groups/required/deny_credentials.yaml");
	char *bin = lt_path(lt.home, "bin-latch");
	char *before;
	const char *env[] = { NULL, NULL };
	struct lt_opts o = { .env = env };
	struct lt_result r;

	lt_mkdir(data);
	r = LT_RUN("profile", "list"); /* sanity: the real data works */
	LT_EXIT(r, 0);
	cr_assert(system(lt_fmt("cp -r '%s/profiles' '%s/rules' '%s/'", lt.data_dir,
				lt.data_dir, data)) == 0);
	lt_copy(lt.latch, bin, 0755);
	/* latch-shim is found beside the latch binary */
	lt_copy(lt_fmt("%.*s/latch-shim", (int)(strrchr(lt.latch, '/') - lt.latch),
		       lt.latch), lt_path(lt.home, "latch-shim"), 0755);
	before = lt_read(req);
	env[0] = lt_fmt("LATCH_DATA_DIR=%s", data);
	o.env = env;
	{
		const char *const args[] = { "run", "--allow", lt.home, "--", "sh",
			lt_script(lt_fmt("echo '# gone' > '%s'; echo x >> '%s'", req, bin)),
			NULL };
		struct lt_proc p;

		/* run the copy, so that the binary under test is the one protected */
		const char *saved = lt.latch;
		lt.latch = bin;
		lt_spawn(&p, &o, args);
		r = lt_wait(&p);
		lt.latch = saved;
	}
	LT_FAILS(r);
	LT_CONTAINS(r.err, "Read-only file system", r);
	LT_FILE_IS(req, before);
	lt_write(lt_path(lt.root, "u.yaml"),
		 lt_fmt("extends: default\nunprotect: ['%s/profiles']\n", data));
	r = LT_RUN_O(&o, "run", "-p", lt_path(lt.root, "u.yaml"), "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "can never be unprotected", r);
}

/* The inherited cwd would still point below a mask placed over it. */
Test(hardening, a_cwd_inside_a_hidden_path_is_not_a_way_in)
{
	char *ssh = lt_path(lt.home, ".ssh");
	struct lt_opts o = { .cwd = ssh };
	struct lt_result r;

	lt_write_mode(lt_path(ssh, "id_rsa"), "KEY-MATERIAL\n", 0600);
	r = LT_RUN_O(&o, "run", "--allow", lt.home, "--workdir", lt.work, "--",
		     "cat", "./id_rsa");
	LT_FAILS(r); /* 125 when the cwd cannot be re-entered, else EACCES */
	LT_LACKS(r.out, "KEY-MATERIAL", r);
}

/* ~/.ssh/rc (read-only) inside ~/.ssh (hidden) used to fail every run. */
Test(hardening, a_protected_file_inside_a_hidden_dir_does_not_break_the_run)
{
	struct lt_result r;

	lt_write(lt_path(lt.home, ".ssh/rc"), "# rc\n");
	r = LT_RUN("run", "--allow", lt.home, "--", "true");
	LT_EXIT(r, 0);
}

/* Root without capabilities can still write kernel knobs it is granted. */
Test(hardening, root_may_not_be_granted_writes_to_proc_or_sys)
{
	struct lt_result r;

	if (geteuid() != 0)
		cr_skip_test("root only");
	r = LT_RUN("run", "--write", "/proc/sys/kernel/core_pattern", "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "refusing write access", r);
}

/* core.fsmonitor / hooks would run the agent's code when the user runs git
 * later, outside the sandbox. */
Test(hardening, the_workdir_repository_config_and_hooks_are_read_only)
{
	struct lt_result r;

	cr_assert(system(lt_fmt("cd '%s' && git init -q . && git -c user.email=t@t "
				"-c user.name=t commit -q --allow-empty -m init",
				lt.work)) == 0);
	r = LT_RUN("run", "--", "sh", lt_script("git config core.fsmonitor 'touch planted'; "
		   "echo '#!/bin/sh' > .git/hooks/pre-commit; "
		   "echo x > f && git add f && git -c user.email=t@t -c user.name=t "
		   "commit -qm f && echo commit-ok"));
	LT_CONTAINS(r.out, "commit-ok", r);
	cr_assert(!lt_exists(lt_path(lt.work, ".git/hooks/pre-commit")),
		  "a hook was planted");
	cr_assert(system(lt_fmt("cd '%s' && ! git config core.fsmonitor", lt.work)) == 0,
		  "core.fsmonitor was set");
}

Test(hardening, a_missing_repository_does_not_block_git_init)
{
	struct lt_result r = LT_RUN("run", "--", "sh", lt_script("git init -q . && echo x > top-level-file && echo ok"));

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "ok", r);
}

/* Dotfiles managed with stow: ~/.bashrc -> dotfiles/bashrc. The target is
 * read-only, and the link cannot be removed and replaced by a real file. */
Test(hardening, a_symlinked_startup_file_cannot_be_swapped)
{
	char *target = lt_path(lt.home, "dotfiles/bashrc");
	char *link = lt_path(lt.home, ".bashrc");
	struct lt_result r;

	lt_write(target, "# rc\n");
	lt_symlink("dotfiles/bashrc", link);
	r = LT_RUN("run", "--allow", lt.home, "--", "sh", lt_script(lt_fmt("rm -f '%1$s'; echo evil > '%1$s'; echo evil >> '%2$s'",
			  link, target)));
	LT_FAILS(r);
	LT_FILE_IS(target, "# rc\n");
	cr_assert(lt_read(link) != NULL && strcmp(lt_read(link), "# rc\n") == 0,
		  "the link was replaced");
}

/* Nothing but the caller writes the caller's memory while its exec waits
 * for the supervisor (launcher/verify.h): process_vm_writev and ptrace's
 * writing requests are refused, io_uring and clone3 are not there. */
Test(hardening, other_processes_cannot_rewrite_a_parked_argv)
{
	struct lt_result r = LT_RUN("run", "--", "python3", "-c",
		"import ctypes, os\n"
		"libc = ctypes.CDLL(None, use_errno=True)\n"
		"def sys(n, *a):\n"
		"    r = libc.syscall(n, *a); return (r, ctypes.get_errno())\n"
		"print('vm_writev', sys(311, os.getpid(), 0, 0, 0, 0, 0))\n"
		"print('pokedata', sys(101, 5, os.getppid(), 0, 0))\n"
		"print('io_uring', sys(425, 1, 0))\n"
		"print('clone3', sys(435, 0, 0))\n");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "vm_writev (-1, 1)", r);  /* EPERM */
	LT_CONTAINS(r.out, "pokedata (-1, 1)", r);
	LT_CONTAINS(r.out, "io_uring (-1, 38)", r);  /* ENOSYS */
	LT_CONTAINS(r.out, "clone3 (-1, 38)", r);
}

/* The judge resolves every exec path from the sandbox's one root: chroot
 * is refused, also with the capabilities of a new user namespace. */
Test(hardening, chroot_is_refused_even_in_a_new_user_namespace)
{
	struct lt_result r = LT_RUN("run", "--", "unshare", "-U", "sh", "-c",
				    "chroot / /bin/true; echo rc=$?");

	LT_CONTAINS(r.out, "rc=125", r);
	LT_CONTAINS(r.err, "Operation not permitted", r);
}
