/* dl.c — libraries loaded on first use. */
#include "dl.h"

#include <dlfcn.h>

const char *dl_load(const char *const *libs, const struct dl_sym *syms,
		    size_t n)
{
	void *h = NULL;

	for (; h == NULL && *libs; libs++)
		h = dlopen(*libs, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return dlerror();
	for (size_t i = 0; i < n; i++)
		if ((*syms[i].fn = dlsym(h, syms[i].name)) == NULL) {
			for (size_t k = 0; k < n; k++)
				*syms[k].fn = NULL;
			return "a needed function is missing from the library";
		}
	return NULL;
}
