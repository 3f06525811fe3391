/* target.h — the file an execve/execveat of a sandboxed task will run,
 * opened (O_PATH) as that task sees it: relative paths from its cwd or its
 * dirfd, absolute ones and symlinks from its root, in its mount namespace
 * (RESOLVE_IN_ROOT). That root is the sandbox's, the same for every task
 * (the filter refuses chroot, Landlock mount and pivot_root): the caller
 * opens /proc/PID/root once and passes it on. /proc/self/fd/N and /dev/fd/N name
 * the caller's descriptor N (as does fexecve); /proc/self/exe and
 * /proc/thread-self/exe the caller's own image (the kernel's record of it,
 * which a task without CAP_SYS_RESOURCE cannot change). A path through any
 * other /proc magic link (/proc/PID/exe, …/root/…, …/cwd/…) is refused: it
 * would be resolved in latch's view, not the caller's.
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

/* `pid` is the calling task; `root` an O_PATH descriptor of its root;
 * `cwd` its working directory (absolute); `dirfd`/`flags` those of
 * execveat (AT_FDCWD and 0 for execve). */
void target_open(struct target *t, pid_t pid, int root, const char *cwd,
		 int dirfd, const char *path, int flags);
void target_close(struct target *t);

/* The file the new image will run (its /proc/PID/exe): the target itself,
 * or for a "#!" script the interpreter its first line names (resolved
 * from `root`). False when that cannot be told: unreadable, or the
 * interpreter is a script too. */
bool target_image(const struct target *t, int root, struct stat *out);

#endif
