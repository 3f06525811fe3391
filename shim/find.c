#include "find.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool same(const char *dir, dev_t dev, ino_t ino)
{
	struct stat st;

	return stat(dir, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

int shim_find(const char *path_env, const char *name,
	      const struct shim_ids *ids, char out[PATH_MAX])
{
	const char *p = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
	bool denied = false;

	for (;;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		char dir[PATH_MAX];
		struct stat st;

		if (n >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(dir, n ? p : ".", n ? n : 1);
		dir[n ? n : 1] = '\0';
		if (!same(dir, ids->dir_dev, ids->dir_ino) &&
		    snprintf(out, PATH_MAX, "%s/%s", dir, name) < PATH_MAX &&
		    stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
		    !(st.st_dev == ids->self_dev && st.st_ino == ids->self_ino)) {
			if (access(out, X_OK) == 0)
				return 0;
			denied = true;
		}
		if (colon == NULL)
			break;
		p = colon + 1;
	}
	errno = denied ? EACCES : ENOENT;
	return -1;
}
