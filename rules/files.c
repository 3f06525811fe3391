/* files.c — rule packs from files: the only file I/O of rules/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/dirnames.h"
#include "../common/xalloc.h"
#include "rule.h"

#define MAX_PACK (1 << 20)

int rules_load_file(struct rules *r, const char *path, struct err *e)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	size_t len;
	char *buf;
	int rc;

	if (f == NULL)
		return err_sys(e, "cannot open rule pack '%s'", path);
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return err_set(e, "'%s' is not a regular file", path);
	}
	if (st.st_size > MAX_PACK) {
		fclose(f);
		return err_set(e, "'%s' is larger than 1 MiB; not a rule pack", path);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	len = fread(buf, 1, (size_t)st.st_size, f);
	buf[len] = '\0';
	fclose(f);
	rc = rules_load(r, buf, len, path, e);
	free(buf);
	return rc;
}

int rules_load_dir(struct rules *r, const char *dir, size_t *n_loaded,
		   struct err *e)
{
	struct strv names = { 0 };
	int rc = 0;

	*n_loaded = 0;
	if (dir_names(dir, ".yaml", false, &names) < 0)
		return err_sys(e, "cannot open the rule pack directory '%s'", dir);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		char *path = xjoin(dir, "/", names.v[i]);

		rc = rules_load_file(r, path, e);
		free(path);
		if (rc == 0)
			(*n_loaded)++;
	}
	strv_free(&names);
	return rc;
}
