/* unwrap.c — seeing through the ELF loader and multi-call binaries. */
#include "unwrap.h"

#include <fnmatch.h>
#include <string.h>

const char *unwrap_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

enum wrapper unwrap_kind(const char *name)
{
	static const char *const loaders[] = { "ld-linux*.so*", "ld.so*",
					       "ld-*.so*", "ld64.so*",
					       "ld-musl-*.so*" };
	static const char *const multicall[] = { "busybox", "busybox.*",
						 "toybox", "toybox.*" };

	if (strncmp(name, "ld", 2) != 0 && strncmp(name, "busybox", 7) != 0 &&
	    strncmp(name, "toybox", 6) != 0)
		return WRAP_NONE; /* most names: no pattern to try */
	for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (fnmatch(loaders[i], name, 0) == 0)
			return WRAP_LOADER;
	for (size_t i = 0; i < sizeof(multicall) / sizeof(multicall[0]); i++)
		if (fnmatch(multicall[i], name, 0) == 0)
			return WRAP_MULTICALL;
	return WRAP_NONE;
}

/* glibc's loader options (ld.so --help); only separate-word values. */
static int loader_option(const char *w)
{
	static const char *const flags[] = { "--list", "--verify",
					     "--inhibit-cache" };
	static const char *const valued[] = { "--library-path",
					      "--glibc-hwcaps-prepend",
					      "--glibc-hwcaps-mask",
					      "--inhibit-rpath", "--audit",
					      "--preload", "--argv0" };

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(w, flags[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(valued) / sizeof(valued[0]); i++)
		if (strcmp(w, valued[i]) == 0)
			return 2;
	return 0;
}

size_t unwrap_loader(const char *const *argv, size_t argc)
{
	size_t i = 1;

	while (i < argc) {
		int n = loader_option(argv[i]);

		if (n == 0)
			break;
		i += (size_t)n;
	}
	/* an unknown --option is refused by the loader: nothing runs */
	if (i >= argc || strncmp(argv[i], "--", 2) == 0)
		return 0;
	return i;
}

const char *unwrap_applet(const char *self, const char *const *argv,
			  size_t argc, size_t *first)
{
	const char *a;

	*first = 0;
	if (argc == 0)
		return NULL;
	a = unwrap_base(argv[0]);
	if (*a != '\0' && strcmp(a, self) != 0 &&
	    unwrap_kind(a) != WRAP_MULTICALL)
		return a;
	if (argc < 2 || argv[1][0] == '-' || argv[1][0] == '\0')
		return NULL;
	*first = 1;
	return unwrap_base(argv[1]);
}
