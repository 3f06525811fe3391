/* dirnames.h — the entries of one directory, by name. */
#ifndef LATCH_DIRNAMES_H
#define LATCH_DIRNAMES_H

#include <stdbool.h>

#include "strv.h"

/* Add to `names` every entry of `dir` whose name ends in `suffix` ("" for
 * all), longer than it and not starting with '.'; with `strip`, without
 * the suffix. Names already in `names` are not added twice; `names` is
 * then sorted. -1 with errno when `dir` cannot be opened. */
int dir_names(const char *dir, const char *suffix, bool strip,
	      struct strv *names);

#endif
