#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vars test_vars(void)
{
	return (struct vars){
		.home = "/home/u",
		.workdir = "/home/u/proj",
		.tmpdir = "/tmp",
		.uid = "1000",
	};
}

struct profile *parse_ok(const char *name, bool is_group, const char *yaml)
{
	char file[256];
	struct err e = { "" };
	struct profile *p;

	snprintf(file, sizeof(file), "%s/%s.yaml",
		 is_group ? "groups" : "profiles", name);
	p = profile_parse(yaml, strlen(yaml), file, name, is_group, &e);
	cr_assert_not_null(p, "%s should parse, got: %s", file, e.msg);
	return p;
}

const char *parse_fail(bool is_group, const char *yaml)
{
	static struct err e;
	struct profile *p;

	strcpy(e.msg, "(no message)");
	p = profile_parse(yaml, strlen(yaml), "test.yaml", "test", is_group, &e);
	if (p != NULL) {
		profile_free(p);
		cr_assert_fail("expected a parse error for:\n%s", yaml);
	}
	return e.msg;
}

void fake_add(struct fake_fs *fs, const char *path, enum path_state st)
{
	cr_assert_lt(fs->n, sizeof(fs->e) / sizeof(fs->e[0]));
	fs->e[fs->n].path = path;
	fs->e[fs->n].st = st;
	fs->n++;
}

char *fake_resolve(const char *path, enum path_state *st, void *ctx)
{
	struct fake_fs *fs = ctx;

	fs->calls++;
	if (fs->hard_error && strcmp(path, fs->hard_error) == 0)
		return NULL;
	*st = PATH_MISSING;
	if (fs->all_dirs)
		*st = PATH_DIR;
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->e[i].path, path) == 0)
			*st = fs->e[i].st;
	return strdup(path);
}

size_t strv_count_substr(const struct strv *sv, const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < sv->n; i++)
		if (strstr(sv->v[i], needle))
			n++;
	return n;
}

char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}
