/* target.h — the file an execve/execveat of a sandboxed task will run,
 * opened (O_PATH) as that task sees it: relative paths from its cwd or its
 * dirfd, absolute ones and symlinks from its root, in its mount namespace
 * (/proc/PID/root, RESOLVE_IN_ROOT). /proc/self/fd/N and /dev/fd/N name
 * the caller's descriptor N (as does fexecve). A path through any other
 * /proc magic link (/proc/self/exe, …/root/…, …/cwd/…) is refused: it would
 * be resolved in latch's view, not the caller's.
 */
#ifndef LATCH_TARGET_H
#define LATCH_TARGET_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct target {
	int fd;             /* O_PATH, or -1 */
	struct stat st;     /* of fd */
	int err;            /* fd == -1: why (ENOENT, EACCES …), as the exec would fail */
	const char *refusal; /* fd == -1, err == 0: it cannot be judged */
};

/* `pid` is the calling task; `cwd` its working directory (absolute);
 * `dirfd`/`flags` those of execveat (AT_FDCWD and 0 for execve). */
void target_open(struct target *t, pid_t pid, const char *cwd, int dirfd,
		 const char *path, int flags);
void target_close(struct target *t);

#endif
