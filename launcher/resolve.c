#include "resolve.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/xalloc.h"

/* Paths resolved so far, hashed: most profile paths share a parent (~,
 * ~/.config, /usr), so each directory is looked at once per run. */
struct seen {
	char *path, *canon;
	enum path_state st;
	struct seen *next;
};

#define BUCKETS 256
static struct seen *table[BUCKETS];

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % BUCKETS;
}

static char *lookup(const char *path, enum path_state *st)
{
	for (struct seen *e = table[hash(path)]; e; e = e->next) {
		if (strcmp(e->path, path) == 0) {
			*st = e->st;
			return xstrdup(e->canon);
		}
	}
	return NULL;
}

static char *remember(const char *path, char *canon, enum path_state st)
{
	struct seen *e = xmalloc(sizeof(*e));
	unsigned h = hash(path);

	*e = (struct seen){ xstrdup(path), xstrdup(canon), st, table[h] };
	table[h] = e;
	return canon;
}

static enum path_state state_of(const struct stat *st)
{
	return S_ISDIR(st->st_mode) ? PATH_DIR : PATH_FILE;
}

/* As the kernel: at most 40 symlinks followed in one lookup (ELOOP). */
#define MAX_LINKS 40

static char *resolve(const char *path, enum path_state *st, int *links);

/* `path` absolute, with repeated and trailing slashes dropped; "." and ".."
 * are handled per component, after the part before them is resolved. NULL
 * (errno set) on hard errors. */
static char *resolve_clean(const char *path, enum path_state *st, int *links)
{
	char *clean, *out;
	size_t n = 0;

	if (path[0] != '/' || strlen(path) >= PATH_MAX) {
		errno = path[0] != '/' ? EINVAL : ENAMETOOLONG;
		return NULL;
	}
	clean = xmalloc(strlen(path) + 1);
	for (const char *p = path; *p; p++)
		if (!(p[0] == '/' && (p[1] == '/' || p[1] == '\0') && n > 0))
			clean[n++] = *p;
	clean[n] = '\0';
	if (n > 1 && clean[n - 1] == '/')
		clean[n - 1] = '\0';
	out = resolve(clean, st, links);
	free(clean);
	return out;
}

/* The symlink `link` (canonical up to its last component), in directory
 * `dir`, followed as the kernel would, whether its target exists or not: a
 * deny on ~/.aws -> dotfiles/aws must protect dotfiles/aws, the path a
 * later open through the link creates. */
static char *follow(const char *link, const char *dir, enum path_state *st,
		    int *links)
{
	char *target, *abs, *out = NULL;
	ssize_t n;

	if (++*links > MAX_LINKS) {
		errno = ELOOP;
		return NULL;
	}
	target = xmalloc(PATH_MAX);
	n = readlink(link, target, PATH_MAX - 1);
	if (n > 0) {
		target[n] = '\0';
		abs = target[0] == '/'
			      ? xstrdup(target)
			      : xjoin(dir, strcmp(dir, "/") ? "/" : "", target);
		out = resolve_clean(abs, st, links);
		free(abs);
	} else if (n == 0) {
		errno = ENOENT;
	}
	free(target);
	return out;
}

/* Resolve `path` (absolute, no trailing slash except "/"). */
static char *resolve(const char *path, enum path_state *st, int *links)
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
	pcanon = resolve(parent, &pst, links);
	free(parent);
	if (pcanon == NULL)
		return NULL;
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
	canon = xjoin(pcanon, strcmp(pcanon, "/") ? "/" : "", base);
	*st = PATH_MISSING;
	if (pst == PATH_DIR && lstat(canon, &sb) == 0) {
		*st = state_of(&sb);
		if (S_ISLNK(sb.st_mode)) {
			char *target = follow(canon, pcanon, st, links);

			free(canon);
			canon = target;
		}
	}
	free(pcanon);
	if (canon == NULL)
		return NULL;
	return remember(path, canon, *st);
}

char *resolve_real(const char *path, enum path_state *state, void *ctx)
{
	int links = 0;

	(void)ctx;
	*state = PATH_MISSING;
	return resolve_clean(path, state, &links);
}

void resolve_forget(void)
{
	for (size_t i = 0; i < BUCKETS; i++) {
		while (table[i]) {
			struct seen *e = table[i];

			table[i] = e->next;
			free(e->path);
			free(e->canon);
			free(e);
		}
	}
}

bool resolve_is_file(const char *path, void *ctx)
{
	struct stat st;

	(void)ctx;
	return lstat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}
