/* verify.h — closing the TOCTOU windows after an exec was let through.
 *
 * argv lives in the caller's memory. When another task can write that
 * memory while the exec is parked — the caller has other threads, or it is
 * a vfork/posix_spawn child sharing the memory of a multi-threaded parent —
 * the kernel may copy a different argv than the one judged. Such a caller
 * is traced (PTRACE_SEIZE with PTRACE_O_TRACEEXEC) before its exec is
 * continued: it stops when the new image is in place, before its first
 * instruction; its argv (/proc/PID/cmdline) is compared with the judged
 * one, and it is let go, or killed on a mismatch (SIGKILL through a pidfd,
 * so a reused pid is never hit). Other processes cannot write the caller's
 * memory: the seccomp filter refuses process_vm_writev and ptrace's poke
 * requests, and /proc/PID/mem is not writable under Landlock.
 * A caller traced already (a debugger in the sandbox) cannot be watched:
 * its exec is refused.
 */
#ifndef LATCH_VERIFY_H
#define LATCH_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct watch {
	pid_t tid, tgid;
	int pidfd; /* of tgid */
};

/* The calling task, from a pidfd (PIDFD_GET_INFO), else /proc/TID/stat. */
struct caller {
	pid_t tid, tgid, ppid; /* tgid: the pid the new image will have (an
				* exec from any thread takes the group's id) */
	long threads;          /* 0: not counted yet */
	bool known;            /* false: unreadable (tgid = tid, ppid = 0) */
};
void caller_read(pid_t tid, struct caller *c);

/* Whether the caller shares its memory with another live task that could
 * rewrite its argv (unknown counts as shared). */
bool verify_needed(const struct caller *c);

/* Before continuing the exec of thread `tid` of process `tgid`: trace it
 * (PTRACE_SEIZE, stop at the end of the exec). -1 when it cannot be
 * watched (traced already): then do not continue. */
int verify_arm(struct watch *w, pid_t tid, pid_t tgid);

enum verdict {
	VERIFY_SAME,     /* the new image runs the judged file and argv */
	VERIFY_KILLED,   /* its argv is another: killed */
	VERIFY_SWAPPED,  /* it runs another file: killed */
	VERIFY_NO_EXEC,  /* no new image within the budget: the exec failed */
};

/* When the exec was not continued after all: untrace the caller (the
 * signal it stopped for, if any, passed on). */
void verify_cancel(struct watch *w);

/* After continuing: wait (bounded) for the new image and compare its
 * argv with `argv` (unless NULL) and the file it runs (/proc/PID/exe)
 * with the judged one (`file`, unless NULL: a path through a directory
 * the sandbox can write may name another file by the time the kernel
 * resolves it again). */
enum verdict verify_after(struct watch *w, char *const *argv, size_t argc,
			  const struct stat *file);

#endif
