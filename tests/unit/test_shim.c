/* The shim's two pure-ish parts: the session file latch writes for it
 * (shim/session.h) and the search for the real program along PATH past
 * the shim directory (shim/find.h, on a scratch tree under /tmp). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../shim/find.h"
#include "../../shim/session.h"

Test(shim_session, round_trips)
{
	struct shim_session in = { .judge = false, .monitor = true,
				   .profile = "claude-code",
				   .workdir = "/home/u/a b", .home = "/home/u" };
	struct shim_session out;
	struct err e;
	size_t len;
	char *buf;

	strv_push(&in.disable, "rm-outside-roots");
	strv_push(&in.disable, "git-push-force");
	buf = shim_session_format(&in, &len);
	cr_assert_eq(shim_session_parse(&out, buf, len, "s", &e), 0, "%s", e.msg);
	cr_assert(!out.judge && out.monitor);
	cr_assert_str_eq(out.profile, "claude-code");
	cr_assert_str_eq(out.workdir, "/home/u/a b");
	cr_assert_str_eq(out.home, "/home/u");
	cr_assert_eq(out.disable.n, 2);
	cr_assert_str_eq(out.disable.v[1], "git-push-force");
	shim_session_free(&out);
	strv_free(&in.disable);
	free(buf);
}

static const char *parse_fail(const char *buf, size_t len)
{
	static struct err e;
	struct shim_session s;

	cr_assert_eq(shim_session_parse(&s, buf, len, "S", &e), -1,
		     "accepted: %.*s", (int)len, buf);
	return e.msg;
}

#define FAILS(lit) parse_fail((lit), sizeof(lit) - 1)

Test(shim_session, refuses_what_latch_never_writes)
{
	cr_assert(strstr(FAILS("profile=p\0workdir=/w"), "not terminated"));
	cr_assert(strstr(FAILS("profile=p\0workdir=/w\0colour=red\0"), "bad record"));
	cr_assert(strstr(FAILS("profile=p\0workdir=relative\0"), "bad record"));
	cr_assert(strstr(FAILS("profile=p\0workdir=/w\0judge=yes\0"), "bad record"));
	cr_assert(strstr(FAILS("profile=p\0profile=q\0workdir=/w\0"), "bad record"));
	cr_assert(strstr(FAILS("noequals\0"), "bad record"));
	cr_assert(strstr(FAILS("workdir=/w\0"), "no profile"));
	cr_assert(strstr(FAILS("profile=p\0"), "no workdir"));
	cr_assert(strstr(FAILS(""), "no profile"));
}

/* ---- PATH search ---- */

static char root[PATH_MAX];

static void mk_exe(const char *rel, mode_t mode)
{
	char p[PATH_MAX + 64];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	cr_assert(fd >= 0, "%s: %s", p, strerror(errno));
	close(fd);
	cr_assert_eq(chmod(p, mode), 0);
}

static void setup(void)
{
	char p[PATH_MAX + 64];

	snprintf(root, sizeof(root), "/tmp/latch-unit-shim.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	for (const char *const *d = (const char *const[]){ "shims", "a", "b", NULL };
	     *d; d++) {
		snprintf(p, sizeof(p), "%s/%s", root, *d);
		cr_assert_eq(mkdir(p, 0755), 0);
	}
	mk_exe("shims/rm", 0755);
	mk_exe("a/rm", 0644); /* not executable: skipped */
	mk_exe("b/rm", 0755);
	cr_assert_eq(symlink("shims", (snprintf(p, sizeof(p), "%s/alias", root), p)), 0);
	cr_assert_eq(mkdir((snprintf(p, sizeof(p), "%s/loop", root), p), 0755), 0);
	cr_assert_eq(symlink("../shims/rm", (snprintf(p, sizeof(p), "%s/loop/rm", root), p)), 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(shim_find, .init = setup, .fini = teardown);

static int find(const char *path_fmt, char out[PATH_MAX])
{
	char path[4 * PATH_MAX], shims[PATH_MAX + 8], self[PATH_MAX + 16];
	struct stat st, me;
	struct shim_ids ids;

	snprintf(path, sizeof(path), path_fmt, root, root, root);
	snprintf(shims, sizeof(shims), "%s/shims", root);
	snprintf(self, sizeof(self), "%s/shims/rm", root);
	cr_assert_eq(stat(shims, &st), 0);
	cr_assert_eq(stat(self, &me), 0);
	ids = (struct shim_ids){ .dir_dev = st.st_dev, .dir_ino = st.st_ino,
				 .self_dev = me.st_dev, .self_ino = me.st_ino };
	return shim_find(path, "rm", &ids, out);
}

Test(shim_find, skips_the_shim_directory_under_any_name)
{
	char out[PATH_MAX], want[PATH_MAX + 8];

	snprintf(want, sizeof(want), "%s/b/rm", root);
	cr_assert_eq(find("%s/shims:%s/alias:%s/b", out), 0);
	cr_assert_str_eq(out, want);
}

Test(shim_find, another_name_of_the_shim_is_passed_over)
{
	char out[PATH_MAX];

	cr_assert_eq(find("%s/loop:%s/b:%s/shims", out), 0);
	cr_assert(strstr(out, "/b/rm"), "%s: the shim would run itself", out);
}

Test(shim_find, a_file_that_is_not_executable_is_passed_over)
{
	char out[PATH_MAX];

	cr_assert_eq(find("%s/a:%s/b:%s/shims", out), 0);
	cr_assert(strstr(out, "/b/rm"), "%s", out);
}

Test(shim_find, nothing_past_the_shims_is_not_found)
{
	char out[PATH_MAX];

	cr_assert_eq(find("%s/shims:%s/alias:%s/shims", out), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_eq(find("%s/shims:%s/a:%s/alias", out), -1);
	cr_assert_eq(errno, EACCES, "a non-executable rm is EACCES, as for execvp");
}
