/* main.c — latch-shim: the multi-call shim. latch links it under the name
 * of every command its rules control, in a private read-only directory put
 * first on the sandbox's PATH (launcher/shims.h). Run as NAME, it judges
 * NAME's argv with the session's rule packs (the same engine the
 * supervisor uses): a refusal is explained to whoever ran it (an agent
 * reads this on its stderr) and exits 126; otherwise the real NAME, the
 * next one along PATH, is exec'd — and judged again by the supervisor when
 * it judges execs (session.h: judge=1). Without the supervisor the shims
 * are the only command layer, and they fail closed: an unreadable session
 * or rule pack refuses the command.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../rules/rule.h"
#include "explain.h"
#include "find.h"
#include "session.h"

#define EXIT_REFUSED 126
#define EXIT_NOT_FOUND 127
#define MAX_SESSION (64 * 1024)

struct shim {
	char dir[PATH_MAX];  /* the shim directory */
	const char *name;    /* the command this link stands for */
	struct shim_session s;
	struct rules *rules;
};

static int fail(const char *name, const char *what)
{
	fprintf(stderr, "latch: %s: not run: %s\n", name, what);
	return EXIT_REFUSED;
}

/* Where this link is: /proc/self/exe names the link that was run. */
static int locate(struct shim *sh, struct err *e)
{
	ssize_t n = readlink("/proc/self/exe", sh->dir, sizeof(sh->dir) - 1);
	char *slash;

	if (n <= 0)
		return err_sys(e, "the shim cannot find itself (/proc/self/exe)");
	sh->dir[n] = '\0';
	slash = strrchr(sh->dir, '/');
	if (slash == NULL)
		return err_set(e, "the shim cannot find itself (/proc/self/exe)");
	*slash = '\0';
	sh->name = slash + 1;
	return 0;
}

static int load_session(struct shim *sh, struct err *e)
{
	char path[PATH_MAX + 32], buf[MAX_SESSION];
	ssize_t n;
	size_t len = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/.latch/session", sh->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "%s is not a latch shim directory (%s)",
			       sh->dir, path);
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (len == sizeof(buf))
		return err_set(e, "%s: larger than %d bytes", path, MAX_SESSION);
	return shim_session_parse(&sh->s, buf, len, path, e);
}

static int load_rules(struct shim *sh, struct err *e)
{
	char dir[PATH_MAX + 32];
	size_t n;

	snprintf(dir, sizeof(dir), "%s/.latch/rules", sh->dir);
	sh->rules = rules_new();
	rules_skip_examples(sh->rules);
	if (rules_load_dir(sh->rules, dir, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < sh->s.disable.n; i++)
		if (rules_disable(sh->rules, sh->s.disable.v[i], NULL) < 0)
			return err_set(e, "%s: no rule has id '%s' to disable",
				       dir, sh->s.disable.v[i]);
	return 0;
}

static void explain(const struct shim *sh, const struct decision *d,
		    char *const *argv, int argc)
{
	char line[400], *text;

	strv_line((const char *const *)argv, (size_t)(argc > 0 ? argc : 0), line,
		  sizeof(line));
	if (sh->s.monitor) {
		fprintf(stderr, "latch: monitor: would block: %s (rule %s: %s)\n",
			line, d->rule, d->reason);
		return;
	}
	text = explain_refusal(line, d->rule, d->reason,
			       d->action == ACTION_ASK, sh->s.profile);
	fputs(text, stderr);
	free(text);
}

/* Whether this shim itself refuses: a deny, or an ask no supervisor can
 * put to the user. Under --monitor nothing is refused. */
static bool refuses(const struct shim *sh, const struct decision *d)
{
	if (d->action == ACTION_DENY)
		return true;
	return d->action == ACTION_ASK && !sh->s.judge;
}

static int run_real(const struct shim *sh, char **argv)
{
	char real[PATH_MAX];
	struct stat dir, self;
	struct shim_ids ids;
	int er;

	if (stat(sh->dir, &dir) < 0 || stat("/proc/self/exe", &self) < 0)
		return fail(sh->name, "the shim cannot find itself");
	ids = (struct shim_ids){ .dir_dev = dir.st_dev, .dir_ino = dir.st_ino,
				 .self_dev = self.st_dev, .self_ino = self.st_ino };
	if (shim_find(getenv("PATH"), sh->name, &ids, real) < 0) {
		er = errno;
		fprintf(stderr, "latch: %s: %s\n", sh->name,
			er == ENOENT ? "command not found (on PATH after latch's shims)"
				     : strerror(er));
		return er == ENOENT ? EXIT_NOT_FOUND : EXIT_REFUSED;
	}
	execv(real, argv);
	er = errno;
	if (er == EPERM && sh->s.judge)
		fprintf(stderr, "latch: %s: refused by latch's supervisor (its reason is on latch's terminal and in `latch audit tail`)\n",
			real);
	else
		fprintf(stderr, "latch: %s: %s\n", real, strerror(er));
	return er == ENOENT ? EXIT_NOT_FOUND : EXIT_REFUSED;
}

int main(int argc, char **argv)
{
	struct shim sh = { .name = "latch-shim" };
	struct err e;
	char cwd[PATH_MAX];
	struct rules_roots roots;
	struct decision d;
	int rc;

	if (locate(&sh, &e) < 0 || load_session(&sh, &e) < 0) {
		rc = fail(sh.name, e.msg);
		goto out;
	}
	if (load_rules(&sh, &e) < 0) {
		rc = fail(sh.name, e.msg);
		goto out;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		rc = fail(sh.name, "the current directory cannot be named, so its path operands cannot be judged");
		goto out;
	}
	roots = (struct rules_roots){ .workdir = sh.s.workdir, .home = sh.s.home };
	d = rules_decide_as(sh.rules, sh.name, (const char *const *)argv,
			    (size_t)(argc > 0 ? argc : 0), cwd, &roots);
	if (refuses(&sh, &d)) {
		/* with the supervisor, it says "would block" itself */
		if (!(sh.s.monitor && sh.s.judge))
			explain(&sh, &d, argv, argc);
		if (!sh.s.monitor) {
			rc = EXIT_REFUSED;
			goto out;
		}
	}
	rc = run_real(&sh, argv);
out:
	rules_free(sh.rules);
	shim_session_free(&sh.s);
	/* no exit handlers: nothing is buffered (stdout unused, stderr
	 * unbuffered), and a sanitizer build's leak checker, which needs
	 * ptrace, would fail inside the sandbox */
	_exit(rc);
}
