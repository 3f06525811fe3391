/* diff.c — a unified diff of the workspace against a snapshot. */
#include "diff.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "restore.h"
#include "tree.h"

#define SNIFF 8192 /* a NUL in this much makes a file binary */

struct dctx {
	struct objstore *s;
	const struct manifest *m;
	FILE *out;
	int root;
	int changed, failed;
};

/* Whether the open file `fd` holds a NUL in its first SNIFF bytes (it is
 * read from its start; the offset is put back). */
static bool binary(int fd)
{
	char buf[SNIFF];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);

	return n > 0 && memchr(buf, '\0', (size_t)n) != NULL;
}

static bool empty(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_size == 0;
}

/* The snapshot's content of entry `e` in a private temporary file (open,
 * already unlinked), or -1. */
static int old_content(struct dctx *c, const struct entry *e)
{
	char *tmpl = xasprintf("%s/diff-XXXXXX", c->s->dir);
	int from = objstore_get(c->s, e->digest), to = mkstemp(tmpl);
	char buf[65536];
	ssize_t n;

	if (to >= 0)
		unlink(tmpl);
	free(tmpl);
	while (from >= 0 && to >= 0 && (n = read(from, buf, sizeof(buf))) > 0)
		if (write(to, buf, (size_t)n) != n) {
			close(to);
			to = -1;
		}
	if (from < 0 && to >= 0) {
		close(to);
		to = -1;
	}
	if (from >= 0)
		close(from);
	return to;
}


/* diff -u between two descriptors (-1: /dev/null), labelled a/ and b/. */
static int run_diff(struct dctx *c, const char *path, int a, int b)
{
	char la[64], lb[64], *label_a, *label_b;
	pid_t pid;
	int status = -1;

	snprintf(la, sizeof(la), "/dev/fd/%d", a);
	snprintf(lb, sizeof(lb), "/dev/fd/%d", b);
	label_a = xjoin("a/", path);
	label_b = xjoin("b/", path);
	fflush(c->out);
	pid = fork();
	if (pid == 0) {
		if (a >= 0)
			fcntl(a, F_SETFD, 0);
		if (b >= 0)
			fcntl(b, F_SETFD, 0);
		if (a >= 0)
			lseek(a, 0, SEEK_SET);
		dup2(fileno(c->out), 1);
		execlp("diff", "diff", "-u", "--label", label_a, "--label", label_b,
		       a >= 0 ? la : "/dev/null", b >= 0 ? lb : "/dev/null",
		       (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(label_a);
	free(label_b);
	/* diff: 0 same, 1 different, 2 trouble */
	return WIFEXITED(status) && WEXITSTATUS(status) <= 1 ? 0 : -1;
}

static void each(void *ctx, const char *verb, const char *path)
{
	struct dctx *c = ctx;
	const struct entry *e = manifest_find(c->m, path);
	bool was_file = e && e->type == 'f' && strcmp(verb, "added") != 0;
	int a = -1, b = strcmp(verb, "deleted") != 0 ? tree_open_file(c->root, path) : -1;

	c->changed = 1;
	if (strcmp(verb, "mode") == 0) {
		fprintf(c->out, "mode changed: %s (was %04o)\n", path,
			e ? (unsigned)e->mode : 0);
	} else if (!was_file && b < 0) {
		fprintf(c->out, "%s: %s (%s)\n", verb, path,
			e && e->type == 'd' ? "directory" : e && e->type == 'l'
			? "symlink" : "not a regular file");
	} else if (was_file && (a = old_content(c, e)) < 0) {
		fprintf(c->out, "%s: %s (its content is missing from the snapshot store)\n",
			verb, path);
		c->failed = 1;
	} else if ((a < 0 || b < 0) && empty(a >= 0 ? a : b)) {
		fprintf(c->out, "%s: %s (empty file)\n", verb, path);
	} else if ((a >= 0 && binary(a)) || (b >= 0 && binary(b))) {
		fprintf(c->out, "Binary files a/%s and b/%s differ\n", path, path);
	} else if (run_diff(c, path, a, b) < 0) {
		fprintf(c->out, "%s: %s (diff(1) failed)\n", verb, path);
		c->failed = 1;
	}
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

int diff_run(struct objstore *s, const struct manifest *m,
	     const struct strv *paths, FILE *out, struct err *e)
{
	struct dctx c = { .s = s, .m = m, .out = out };
	struct restore_opts ro = { .paths = paths, .show = true, .each = each,
				   .ctx = &c };
	struct restore_result r;
	int rc;

	c.root = tree_open_root(m->workdir);
	if (c.root < 0)
		return err_sys(e, "cannot open the workspace %s (a symlink on its path now? it is not followed)", m->workdir);
	rc = restore_run(s, m, &ro, &r, e);
	close(c.root);
	fflush(out);
	if (rc < 0)
		return -1;
	if (c.failed)
		return err_set(e, "some files could not be compared (named above)");
	return c.changed;
}
