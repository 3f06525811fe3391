#include "datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int has_profiles(const char *dir)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/profiles/default.yaml", dir);
	return access(p, R_OK) == 0;
}

const char *datadir(void)
{
	static char found[PATH_MAX];
	char exe[PATH_MAX], cand[PATH_MAX + 32];
	const char *env = getenv("LATCH_DATA_DIR");
	ssize_t n;
	char *slash;

	if (found[0])
		return found;
	if (env && *env && has_profiles(env)) {
		snprintf(found, sizeof(found), "%s", env);
		return found;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (has_profiles(exe)) {
				snprintf(found, sizeof(found), "%s", exe);
				return found;
			}
			/* an out-of-tree build (build-asan/latch) in the
			 * source tree, then an install */
			snprintf(cand, sizeof(cand), "%s/..", exe);
			if (has_profiles(cand) && realpath(cand, found))
				return found;
			snprintf(cand, sizeof(cand), "%s/../share/latch", exe);
			if (has_profiles(cand) && realpath(cand, found))
				return found;
		}
	}
	if (has_profiles(LATCH_DATADIR)) {
		snprintf(found, sizeof(found), "%s", LATCH_DATADIR);
		return found;
	}
	return NULL;
}
