#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/fdio.h"
#include "../common/xalloc.h"
#include "plan.h"

/* `path` (absolute, missing) made as `r` says. */
static int make(const struct create_rule *r, char *path, struct err *e)
{
	char *slash = strrchr(path, '/');
	int fd;

	if (slash != path) {
		*slash = '\0';
		if (plan_mkdirs(path, e) < 0)
			return -1;
		*slash = '/';
	}
	if (r->content == NULL)
		return mkdir(path, 0700) == 0 || errno == EEXIST ? 0
			: err_sys(e, "cannot create the directory '%s'", path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 0 : err_sys(e, "cannot create '%s'", path);
	if (fd_write_all(fd, r->content, strlen(r->content)) < 0) {
		err_sys(e, "cannot write '%s'", path);
		close(fd);
		return -1;
	}
	return close(fd) == 0 ? 0 : err_sys(e, "cannot write '%s'", path);
}

/* `e`'s message prefixed with the place of `r`. */
static int at_rule(const struct create_rule *r, struct err *e)
{
	char msg[ERR_MAX];

	snprintf(msg, sizeof(msg), "%s", e->msg);
	return err_set(e, "%s:%d: create: %s", r->src.file, r->src.line, msg);
}

static int create_all(const struct profile *p, const struct vars *vs,
		      struct strv *made, struct err *e)
{
	for (size_t i = 0; i < p->n_creates; i++) {
		const struct create_rule *r = &p->creates[i];
		struct stat st;
		char *path = vars_expand(vs, r->path, e);
		int rc = 0;

		if (path == NULL)
			return at_rule(r, e);
		if (path[0] != '/')
			rc = err_set(e, "%s:%d: create: '%s' is not an absolute path (start it with ~ or a variable such as $XDG_CONFIG_HOME)",
				     r->src.file, r->src.line, r->path);
		else if (lstat(path, &st) == 0)
			rc = 0;
		else if (make(r, path, e) < 0)
			rc = at_rule(r, e);
		else
			strv_push_owned(made, xasprintf("%s (%s, %s:%d)", path,
							r->content ? "a file" : "a directory",
							r->src.file, r->src.line));
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int state_create(const struct loaded *l, const struct vars *vs,
		 struct strv *made, struct err *e)
{
	for (size_t i = 0; i < l->n_chain; i++)
		if (create_all(l->chain[i], vs, made, e) < 0)
			return -1;
	for (size_t i = 0; i < l->n_groups; i++)
		if (create_all(l->groups[i], vs, made, e) < 0)
			return -1;
	return 0;
}
