#include "datadir.h"

#include <dlfcn.h>
#include <errno.h>
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

/* The image's canonical path, or "" when unknown; filled when the image is
 * loaded (below): before any thread of the program, and before it can
 * change directory, which a path relative to the loader's cwd would not
 * survive. */
static char image[PATH_MAX];

__attribute__((constructor)) static void find_image(void)
{
	char found[PATH_MAX];
	Dl_info info;
	const char *file = "/proc/self/exe";

	/* dladdr names the main program by its argv[0], which may be a bare
	 * name found along PATH: the kernel knows its file */
	if (dladdr((void *)find_image, &info) != 0 && info.dli_fname &&
	    info.dli_fname[0] != '\0' &&
	    strcmp(info.dli_fname, program_invocation_name) != 0)
		file = info.dli_fname;
	if (realpath(file, found))
		memcpy(image, found, sizeof(image));
}

const char *datadir_image(void)
{
	return image[0] ? image : NULL;
}

const char *datadir(void)
{
	static char found[PATH_MAX];
	char exe[PATH_MAX], cand[PATH_MAX + 32];
	const char *env = getenv("LATCH_DATA_DIR");
	const char *self = datadir_image();
	char *slash;

	if (found[0])
		return found;
	if (env && *env && has_profiles(env)) {
		snprintf(found, sizeof(found), "%s", env);
		return found;
	}
	if (self && snprintf(exe, sizeof(exe), "%s", self) < (int)sizeof(exe)) {
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
