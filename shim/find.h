/* find.h — the program a shim stands in for: the first executable file
 * named NAME along PATH, as execvp would find it, skipping the shim
 * directory itself (recognised by device and inode, whatever path names
 * it) and any other name of the shim binary (a symlink or link to a shim
 * elsewhere on PATH would run the shim again, forever). An empty PATH
 * element is the current directory, as for execvp.
 */
#ifndef LATCH_SHIM_FIND_H
#define LATCH_SHIM_FIND_H

#include <limits.h>
#include <sys/types.h>

/* 0 with the path in `out`; -1 with errno: ENOENT (nowhere on PATH),
 * EACCES (found, not executable), ENAMETOOLONG. */
struct shim_ids {
	dev_t dir_dev, self_dev;
	ino_t dir_ino, self_ino;
};

int shim_find(const char *path_env, const char *name,
	      const struct shim_ids *ids, char out[PATH_MAX]);

#endif
