#include "expand.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/xalloc.h"
#include "../policy/access.h"

static void push(struct ll_list *l, const char *path, unsigned access,
		 bool is_dir, bool no_create)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct ll_path){ path, access, is_dir, no_create };
}

/* At or under an existing, fully denied path: hidden by a mask, so it needs
 * no rule (and none could be opened there once the mask is in place). */
static bool under_mask(const struct capset *cs, const char *path)
{
	for (size_t i = 0; i < cs->n_denies; i++) {
		const struct deny *d = &cs->denies[i];

		if (d->exists && !d->write_only && path_within(path, d->path))
			return true;
	}
	return false;
}

/* Missing denied paths strictly inside `dir` that no mask already covers. */
static bool has_missing(const struct capset *cs, const char *dir)
{
	for (size_t i = 0; i < cs->n_denies; i++) {
		const struct deny *d = &cs->denies[i];

		if (!d->exists && strcmp(d->path, dir) != 0 &&
		    path_within(d->path, dir) && !under_mask(cs, d->path))
			return true;
		/* a symlink to a protected path: it must not be swapped */
		if (d->link && strcmp(d->link, dir) != 0 &&
		    path_within(d->link, dir) && !under_mask(cs, d->link))
			return true;
	}
	return false;
}

static void note_missing(const struct capset *cs, const char *dir,
			 struct ll_list *l)
{
	for (size_t i = 0; i < cs->n_denies; i++) {
		const char *p = cs->denies[i].path;
		const char *slash = strrchr(p, '/');

		if (!cs->denies[i].exists && slash &&
		    (size_t)(slash - p) == strlen(dir) &&
		    strncmp(p, dir, strlen(dir)) == 0 &&
		    !strv_contains(&l->missing, p))
			strv_push(&l->missing, p);
	}
}

static void expand_dir(const struct capset *cs, const char *dir,
		       unsigned access, struct ll_list *l)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	push(l, dir, access, true, true);
	if (!strv_contains(&l->restricted, dir))
		strv_push(&l->restricted, dir);
	note_missing(cs, dir, l);
	if (d == NULL)
		return; /* unreadable: the directory keeps only its own rule */
	while ((de = readdir(d)) != NULL) {
		char *child;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		child = xjoin(dir, strcmp(dir, "/") ? "/" : "", de->d_name);
		strv_push_owned(&l->owned, child);
		if (under_mask(cs, child) || lstat(child, &st) < 0 ||
		    S_ISLNK(st.st_mode))
			continue; /* a symlink's target is governed by its own grants */
		if (S_ISDIR(st.st_mode) && has_missing(cs, child))
			expand_dir(cs, child, access, l);
		else
			push(l, child, access, S_ISDIR(st.st_mode), false);
	}
	closedir(d);
}

void expand_grants(const struct capset *cs, struct ll_list *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < cs->n_grants; i++) {
		const struct grant *g = &cs->grants[i];

		if (g->is_dir && (g->access & LATCH_ACC_WRITE) &&
		    has_missing(cs, g->path))
			expand_dir(cs, g->path, g->access, out);
		else
			push(out, g->path, g->access, g->is_dir, false);
	}
}

void ll_list_free(struct ll_list *l)
{
	free(l->v);
	strv_free(&l->owned);
	strv_free(&l->restricted);
	strv_free(&l->missing);
	memset(l, 0, sizeof(*l));
}

bool expand_refuses_create(const struct ll_list *l, const char *dir)
{
	return strv_contains(&l->restricted, dir);
}
