/* ignore.c — .gitignore semantics for the snapshot walk. */
#include "ignore.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

#define MAX_PATTERNS 10000  /* per file: more are not read */
#define MAX_PATTERN 4096    /* bytes; a longer pattern is not read */
#define MAX_STARS 32        /* the recursion of a match is bounded by
			       them (the stack of the judge's thread) */
#define MAX_STEPS 100000    /* per path, over all its patterns: past it,
			       nothing more matches (the file is kept): no
			       pathological pattern may stall the walk (the
			       .gitignore is the agent's to write) */

/* The stars of a pattern: each is a level of recursion when matching. */
static size_t stars(const char *g)
{
	size_t n = 0;

	for (; *g; g++)
		n += *g == '*';
	return n;
}

/* "[…]" at g: the end of the class (its ']'), or NULL if unclosed. */
static const char *class_end(const char *g)
{
	const char *p = g + 1;

	if (*p == '!' || *p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']')
		p++;
	return *p ? p : NULL;
}

static bool class_has(const char *g, const char *end, char c)
{
	char set[256], one[2] = { c, '\0' };
	size_t n = (size_t)(end - g) + 1;

	if (n >= sizeof(set))
		return false;
	memcpy(set, g, n);
	set[n] = '\0';
	if (set[1] == '^')
		set[1] = '!';
	return fnmatch(set, one, 0) == 0;
}

static bool match(const char *g, const char *s, long *steps)
{
	while (++*steps < MAX_STEPS) {
		const char *end;

		if (*g == '\0')
			return *s == '\0';
		if (g[0] == '*' && g[1] == '*' && (g[2] == '/' || g[2] == '\0')) {
			if (g[2] == '\0')
				return true; /* "**" at the end: anything */
			g += 3;          /* "**" + "/": zero or more directories */
			if (match(g, s, steps))
				return true;
			for (const char *p = s; *p; p++)
				if (*p == '/' && match(g, p + 1, steps))
					return true;
			return false;
		}
		if (*g == '*') {
			while (*g == '*')
				g++;
			for (const char *p = s;; p++) {
				if (match(g, p, steps))
					return true;
				if (*p == '\0' || *p == '/')
					return false;
			}
		}
		if (*g == '?') {
			if (*s == '\0' || *s == '/')
				return false;
		} else if (*g == '[' && (end = class_end(g)) != NULL) {
			if (*s == '\0' || *s == '/' || !class_has(g, end, *s))
				return false;
			g = end;
		} else {
			if (*g == '\\' && g[1])
				g++;
			if (*g != *s)
				return false;
		}
		g++;
		s++;
	}
	return false;
}

bool ignore_glob(const char *glob, const char *s)
{
	long steps = 0;

	if (strlen(glob) > MAX_PATTERN || stars(glob) > MAX_STARS)
		return false;
	return match(glob, s, &steps);
}

/* One line of a .gitignore into `p`; false when it holds no pattern. */
static bool parse_line(char *line, struct ignore_pat *p)
{
	size_t n = strlen(line);

	memset(p, 0, sizeof(*p));
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	while (n && line[n - 1] == ' ' && !(n >= 2 && line[n - 2] == '\\'))
		line[--n] = '\0';
	if (n == 0 || line[0] == '#')
		return false;
	if (line[0] == '!') {
		p->negate = true;
		line++;
		n--;
	}
	if (n && line[n - 1] == '/') {
		p->dir_only = true;
		line[--n] = '\0';
	}
	if (n == 0)
		return false;
	p->anchored = strchr(line, '/') != NULL;
	if (line[0] == '/')
		line++;
	if (*line == '\0')
		return false;
	if (strlen(line) > MAX_PATTERN || stars(line) > MAX_STARS)
		return false; /* no pattern git users write: not read */
	p->glob = xstrdup(line);
	return true;
}

void ignores_push(struct ignores *ig, const char *base, const char *text)
{
	struct ignore_file f = { .base = xstrdup(base) };
	char *copy = xstrdup(text), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line && f.n < MAX_PATTERNS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct ignore_pat p;

		if (!parse_line(line, &p))
			continue;
		f.v = xrealloc(f.v, (f.n + 1) * sizeof(*f.v));
		f.v[f.n++] = p;
	}
	free(copy);
	ig->v = xrealloc(ig->v, (ig->n + 1) * sizeof(*ig->v));
	ig->v[ig->n++] = f;
}

void ignores_pop(struct ignores *ig)
{
	struct ignore_file *f;

	if (ig->n == 0)
		return;
	f = &ig->v[--ig->n];
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].glob);
	free(f->v);
	free(f->base);
}

void ignores_free(struct ignores *ig)
{
	while (ig->n)
		ignores_pop(ig);
	free(ig->v);
	ig->v = NULL;
}

bool ignored(const struct ignores *ig, const char *path, bool is_dir)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	long steps = 0;

	for (size_t i = ig->n; i-- > 0;) {
		const struct ignore_file *f = &ig->v[i];
		size_t bl = strlen(f->base);
		const char *rel = path;

		if (bl) {
			if (strncmp(path, f->base, bl) != 0 || path[bl] != '/')
				continue;
			rel = path + bl + 1;
		}
		for (size_t k = f->n; k-- > 0;) {
			const struct ignore_pat *p = &f->v[k];

			if (p->dir_only && !is_dir)
				continue;
			if (match(p->glob, p->anchored ? rel : name, &steps))
				return !p->negate;
			if (steps >= MAX_STEPS)
				return false;
		}
	}
	return false;
}
