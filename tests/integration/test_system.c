/* The system directories are read-only, capabilities are gone (also when
 * latch runs as root), and execution needs an exec grant. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/latchtest.h"

TestSuite(system, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

/* ---- 5. /etc and /usr ---- */

static void assert_unwritable(const char *dir)
{
	char *victim = lt_fmt("%s/latch-test-x-%d", dir, (int)getpid());
	struct lt_result r;

	cr_assert(!lt_exists(victim), "%s exists before the test", victim);
	r = LT_RUN("run", "--", "sh", lt_script(lt_fmt("echo pwned > '%s'", victim)));
	if (lt_exists(victim))
		unlink(victim); /* clean up before failing */
	LT_FAILS(r);
	LT_CONTAINS(r.err, "denied", r);
	r = LT_RUN("run", "--", "touch", victim);
	if (lt_exists(victim))
		unlink(victim);
	LT_FAILS(r);
	r = LT_RUN("run", "--", "mkdir", victim);
	if (lt_exists(victim))
		rmdir(victim);
	LT_FAILS(r);
}

Test(system, etc_and_usr_are_read_only)
{
	struct lt_result r;

	/* readable */
	r = LT_RUN("run", "--", "sh", lt_script("head -n1 /etc/passwd && ls /usr"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "root:", r);
	LT_CONTAINS(r.out, "bin", r);

	assert_unwritable("/etc");
	assert_unwritable("/usr");
	assert_unwritable("/usr/bin");

	/* an existing system file cannot be changed, even by root */
	r = LT_RUN("run", "--", "sh", lt_script("echo '# pwned' >> /etc/hostname"));
	LT_FAILS(r);
	{
		const char *h = lt_read("/etc/hostname");

		cr_assert(h == NULL || strstr(h, "# pwned") == NULL,
			  "/etc/hostname was modified");
	}
}

/* The Cap* lines of /proc/self/status, from inside the sandbox. */
static void assert_caps(const struct lt_result *r, bool bounding)
{
	static const char *const zero[] = {
		"CapInh:\t0000000000000000", "CapPrm:\t0000000000000000",
		"CapEff:\t0000000000000000", "CapAmb:\t0000000000000000",
	};

	cr_assert_eq(r->code, 0, "%s", lt_show(r));
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		cr_assert(strstr(r->out, zero[i]) != NULL,
			  "expected \"%s\"\n%s", zero[i], lt_show(r));
	if (bounding)
		cr_assert(strstr(r->out, "CapBnd:\t0000000000000000") != NULL,
			  "expected an empty bounding set\n%s", lt_show(r));
}

Test(system, capabilities_are_dropped)
{
	struct lt_result r;

	/* As root latch drops the bounding set too; an ordinary user cannot
	 * (no CAP_SETPCAP) and needs not (no_new_privs). */
	r = LT_RUN("run", "--", "grep", "Cap", "/proc/self/status");
	assert_caps(&r, geteuid() == 0);

	/* With a mask (--allow $HOME hides ~/.ssh): as an ordinary user this
	 * means a user namespace in which the command starts with every
	 * capability; all of them, bounding set included, must be gone. */
	lt_write_mode(lt_path(lt.home, ".ssh/id_rsa"), "k\n", 0600);
	r = LT_RUN("run", "--allow", lt.home, "--", "grep", "Cap",
		   "/proc/self/status");
	assert_caps(&r, true);
	r = LT_RUN("run", "--allow", lt.home, "--", "grep", "NoNewPrivs",
		   "/proc/self/status");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "NoNewPrivs:\t1", r);
}

Test(system, root_inside_cannot_use_privileges)
{
	struct lt_result r;

	if (geteuid() != 0)
		cr_skip_test("only meaningful when latch runs as root");
	/* DAC override is gone: a mode-000 file in the workdir is unreadable */
	lt_write_mode(lt_path(lt.work, "locked"), "locked-content\n", 0);
	r = LT_RUN("run", "--", "cat", "locked");
	LT_FAILS(r);
	LT_LACKS(r.out, "locked-content", r);
	/* chown needs CAP_CHOWN */
	r = LT_RUN("run", "--", "sh", lt_script("echo x > mine && chown 1:1 mine"));
	LT_FAILS(r);
	LT_CONTAINS(r.err, "not permitted", r);
	/* mounting needs CAP_SYS_ADMIN */
	r = LT_RUN("run", "--", "sh", lt_script(lt_fmt("mkdir m && mount -t tmpfs none '%s/m'", lt.work)));
	LT_FAILS(r);
}

/* ---- 6. exec needs an exec grant ---- */

#define SCRIPT "#!/bin/sh\necho hello-from-script\n"

Test(system, exec_from_read_only_dir_is_refused)
{
	char *tools = lt_path(lt.root, "tools");
	char *script = lt_path(tools, "hello.sh");
	char *bin = lt_path(tools, "mytrue");
	struct lt_result r;

	lt_write_mode(script, SCRIPT, 0755);
	lt_copy("/bin/true", bin, 0755);

	r = LT_RUN("run", "--read", tools, "--", script);
	LT_EXIT(r, 126);
	LT_CONTAINS(r.err, "cannot execute", r);
	LT_LACKS(r.out, "hello-from-script", r);

	r = LT_RUN("run", "--read", tools, "--", bin);
	LT_EXIT(r, 126);
	LT_CONTAINS(r.err, "cannot execute", r);

	/* a shell inside gets the same answer */
	r = LT_RUN("run", "--read", tools, "--", "sh", lt_script(script));
	LT_EXIT(r, 126);

	/* readable though: the grant works, only exec is refused */
	r = LT_RUN("run", "--read", tools, "--", "cat", script);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "hello-from-script", r);

	/* with an exec grant on top, both run */
	r = LT_RUN("run", "--read", tools, "--exec", tools, "--", script);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "hello-from-script", r);
	r = LT_RUN("run", "--read", tools, "--exec", tools, "--", bin);
	LT_EXIT(r, 0);
}

Test(system, exec_from_workdir_works)
{
	struct lt_result r;

	lt_write_mode(lt_path(lt.work, "hello.sh"), SCRIPT, 0755);
	lt_copy("/bin/true", lt_path(lt.work, "mytrue"), 0755);

	r = LT_RUN("run", "--", "./hello.sh");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "hello-from-script", r);
	r = LT_RUN("run", "--", "./mytrue");
	LT_EXIT(r, 0);

	/* and a file the command writes itself can be run too */
	r = LT_RUN("run", "--", "sh", lt_script("printf '#!/bin/sh\\necho built-here\\n' > b.sh && chmod +x b.sh && ./b.sh"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "built-here", r);
}

Test(system, exec_outside_every_grant_is_refused)
{
	char *script = lt_path(lt.home, "bin-outside.sh");
	struct lt_result r;

	lt_write_mode(script, SCRIPT, 0755);
	r = LT_RUN("run", "--", script);
	LT_EXIT(r, 126);
	LT_LACKS(r.out, "hello-from-script", r);
}
