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
		if (strv_contains(names, name))
			free(name);
		else
			strv_push_owned(names, name);
	}
	closedir(d);
	strv_sort(names);
	return 0;
}
