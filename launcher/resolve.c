#include "resolve.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/xalloc.h"

/* Canonical directories seen so far: most profile paths share a parent
 * (~, ~/.config, /usr), so each is resolved once per run. */
struct seen {
	char *path, *canon;
	enum path_state st;
};

static struct seen *cache;
static size_t n_cache;

static char *lookup(const char *path, enum path_state *st)
{
	for (size_t i = 0; i < n_cache; i++) {
		if (strcmp(cache[i].path, path) == 0) {
			*st = cache[i].st;
			return xstrdup(cache[i].canon);
		}
	}
	return NULL;
}

static char *remember(const char *path, char *canon, enum path_state st)
{
	cache = xrealloc(cache, (n_cache + 1) * sizeof(*cache));
	cache[n_cache++] = (struct seen){ xstrdup(path), xstrdup(canon), st };
	return canon;
}

static enum path_state state_of(const struct stat *st)
{
	return S_ISDIR(st->st_mode) ? PATH_DIR : PATH_FILE;
}

/* Resolve `path` (absolute, no trailing slash except "/"). */
static char *resolve(const char *path, enum path_state *st)
{
	char *canon, *parent, *pcanon;
	const char *base;
	enum path_state pst;
	struct stat sb;
	size_t plen;

	if (strcmp(path, "/") == 0) {
		*st = PATH_DIR;
		return xstrdup("/");
	}
	if ((canon = lookup(path, st)) != NULL)
		return canon;
	base = strrchr(path, '/') + 1;
	plen = (size_t)(base - path - 1);
	parent = xstrndup(path, plen ? plen : 1);
	pcanon = resolve(parent, &pst);
	free(parent);
	if (strcmp(base, ".") == 0 || base[0] == '\0') {
		*st = pst;
		return remember(path, pcanon, pst);
	}
	if (strcmp(base, "..") == 0) {
		char *slash = strrchr(pcanon, '/');

		if (slash == pcanon)
			slash[1] = '\0';
		else
			*slash = '\0';
		*st = stat(pcanon, &sb) == 0 ? state_of(&sb) : PATH_MISSING;
		return remember(path, pcanon, *st);
	}
	canon = xasprintf("%s%s%s", pcanon, strcmp(pcanon, "/") ? "/" : "",
			  base);
	free(pcanon);
	*st = PATH_MISSING;
	if (pst == PATH_DIR && lstat(canon, &sb) == 0) {
		*st = state_of(&sb);
		if (S_ISLNK(sb.st_mode)) {
			char buf[PATH_MAX];

			if (realpath(canon, buf) != NULL &&
			    stat(buf, &sb) == 0) {
				free(canon);
				canon = xstrdup(buf);
				*st = state_of(&sb);
			} else {
				*st = PATH_MISSING; /* dangling: treat as absent */
			}
		}
	}
	return remember(path, canon, *st);
}

char *resolve_real(const char *path, enum path_state *state, void *ctx)
{
	char *clean, *out;
	size_t n;

	(void)ctx;
	*state = PATH_MISSING;
	if (path[0] != '/' || strlen(path) >= PATH_MAX)
		return NULL;
	/* Drop repeated and trailing slashes; "." and ".." are handled per
	 * component, after the part before them has been resolved. */
	clean = xmalloc(strlen(path) + 1);
	n = 0;
	for (const char *p = path; *p; p++)
		if (!(p[0] == '/' && (p[1] == '/' || p[1] == '\0') && n > 0))
			clean[n++] = *p;
	clean[n] = '\0';
	if (n > 1 && clean[n - 1] == '/')
		clean[n - 1] = '\0';
	out = resolve(clean, state);
	free(clean);
	return out;
}

void resolve_forget(void)
{
	for (size_t i = 0; i < n_cache; i++) {
		free(cache[i].path);
		free(cache[i].canon);
	}
	free(cache);
	cache = NULL;
	n_cache = 0;
}
