#include "dirnames.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int dir_names(const char *dir, const char *suffix, bool strip,
	      struct strv *names)
{
	DIR *d = opendir(dir);
	size_t ls = strlen(suffix);
	struct dirent *de;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		char *name;

		if (de->d_name[0] == '.' || n <= ls ||
		    strcmp(de->d_name + n - ls, suffix) != 0)
			continue;
		name = xstrndup(de->d_name, strip ? n - ls : n);
		strv_push_owned(names, name);
	}
	closedir(d);
	/* sorted, then each name once (not a search per entry: a state dir
	 * may hold tens of thousands of sessions) */
	strv_sort(names);
	for (size_t i = 1, j = 1; i <= names->n; i++) {
		if (i == names->n) {
			names->n = names->n ? j : 0;
			names->v[names->n] = NULL;
		} else if (strcmp(names->v[i], names->v[j - 1]) == 0) {
			free(names->v[i]);
		} else {
			names->v[j++] = names->v[i];
		}
	}
	return 0;
}
