/* verify.c — the new image's argv against the judged one. */
#include "verify.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BUDGET_NS (50 * 1000000L) /* an exec here takes well under 1 ms */
#define STEP_NS (10 * 1000L)

/* "Threads:", "PPid:" and "Tgid:" of /proc/PID/status; false when
 * unreadable. */
static bool status_of(pid_t pid, long *threads, long *ppid, long *tgid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	*threads = *ppid = *tgid = -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Tgid:", 5) == 0)
			*tgid = strtol(line + 5, NULL, 10);
		else if (strncmp(line, "PPid:", 5) == 0)
			*ppid = strtol(line + 5, NULL, 10);
		else if (strncmp(line, "Threads:", 8) == 0)
			*threads = strtol(line + 8, NULL, 10);
	}
	fclose(f);
	return *threads > 0 && *ppid >= 0 && *tgid > 0;
}

/* Whether the process has a writable shared mapping: memory another
 * process may write while the exec is parked. */
static bool shares_writable(pid_t pid)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return true;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *perms = strchr(line, ' ');

		found = perms && perms[1] && perms[2] == 'w' && perms[4] == 's';
		while (!strchr(line, '\n') && fgets(line, sizeof(line), f))
			; /* the rest of a long line */
	}
	fclose(f);
	return found;
}

void caller_read(pid_t tid, struct caller *c)
{
	long threads, ppid, group;

	memset(c, 0, sizeof(*c));
	c->tid = c->tgid = tid;
	c->known = status_of(tid, &threads, &ppid, &group);
	if (c->known) {
		c->tgid = (pid_t)group;
		c->ppid = (pid_t)ppid;
		c->threads = threads;
	}
}

bool verify_needed(const struct caller *c)
{
	long threads, ppid = c->ppid, group = c->tgid;
	pid_t cur;

	if (!c->known || c->threads > 1 || shares_writable(c->tgid))
		return true;
	/* vfork children share the memory of their (suspended) parent,
	 * whose other threads are not suspended: walk up the chain */
	for (int depth = 0; depth < 16; depth++) {
		cur = (pid_t)group;
		if (ppid <= 1 || (pid_t)ppid == getpid() ||
		    syscall(SYS_kcmp, cur, (pid_t)ppid, KCMP_VM, 0, 0) != 0)
			return false;
		if (!status_of((pid_t)ppid, &threads, &ppid, &group) ||
		    threads > 1)
			return true;
	}
	return true;
}

/* Field 3 of /proc/PID/stat: the task's state ('t': stopped by its
 * tracer); 0 when it is gone. */
static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	return p && p[1] == ' ' ? p[2] : 0;
}

int verify_arm(struct watch *w, pid_t tid, pid_t tgid)
{
	w->tid = tid;
	w->tgid = tgid;
	w->pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	if (w->pidfd < 0)
		return -1;
	/* stop at the end of its exec, before the new image runs; killed
	 * if latch dies meanwhile */
	if (ptrace(PTRACE_SEIZE, tid, NULL,
		   (void *)(PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0) {
		close(w->pidfd);
		w->pidfd = -1;
		return -1;
	}
	return 0;
}

/* /proc/PID/cmdline equals argv (NUL-separated); -1 when not readable yet
 * (the new image's arguments are not in place). */
static int cmdline_is(pid_t pid, char *const *argv, size_t argc)
{
	char path[64];
	size_t len = 0, off = 0;
	char *want, *got;
	ssize_t n;
	int fd, rc;

	for (size_t i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (argc == 0)
		len = 1; /* the kernel runs an empty argv as { "" } */
	want = calloc(1, len + 1);
	got = malloc(len + 2);
	if (want == NULL || got == NULL) {
		free(want);
		free(got);
		return -1;
	}
	for (size_t i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;

		memcpy(want + off, argv[i], l);
		off += l;
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	off = 0;
	while (fd >= 0 && off < len + 1 &&
	       (n = read(fd, got + off, len + 1 - off)) > 0)
		off += (size_t)n;
	if (fd >= 0)
		close(fd);
	rc = off == 0 ? -1 : off == len && memcmp(want, got, len) == 0;
	free(want);
	free(got);
	return rc;
}

/* The traced task: the thread that called exec until the exec succeeds,
 * then the thread group's leader (an exec takes the group's id). */
static pid_t traced(const struct watch *w, char *state)
{
	*state = state_of(w->tid);
	if (*state || w->tid == w->tgid)
		return w->tid;
	*state = state_of(w->tgid);
	return w->tgid;
}

/* Let the tracee go: it is stopped at a ptrace stop, or will be. */
static void let_go(pid_t pid, bool stopped)
{
	if (!stopped)
		ptrace(PTRACE_INTERRUPT, pid, NULL, NULL);
	for (int i = 0; i < 1000 && state_of(pid) != 't' && state_of(pid); i++)
		usleep(10);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
}

enum verdict verify_after(struct watch *w, char *const *argv, size_t argc)
{
	struct timespec step = { 0, STEP_NS };
	enum verdict v = VERIFY_NO_EXEC;
	bool done = false;
	pid_t pid = w->tid;

	for (long waited = 0; !done && waited < BUDGET_NS; waited += STEP_NS) {
		siginfo_t si;
		char state;

		pid = traced(w, &state);
		if (state == 0) /* gone */
			return verify_cancel(w), VERIFY_NO_EXEC;
		if (state != 't' ||
		    ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) < 0) {
			nanosleep(&step, NULL);
			continue;
		}
		if (si.si_code != (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			/* another stop on the way: a signal (delivered as it
			 * would have been) or a group stop */
			ptrace(PTRACE_CONT, pid, NULL,
			       (void *)(long)(si.si_code > 0 && (si.si_code >> 8) == 0 ? si.si_signo : 0));
			continue;
		}
		done = true;
		if (cmdline_is(pid, argv, argc) == 1) {
			v = VERIFY_SAME;
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
		} else {
			v = VERIFY_KILLED; /* before its first instruction */
			syscall(SYS_pidfd_send_signal, w->pidfd, SIGKILL, NULL, 0);
		}
	}
	if (!done) /* the exec failed: the old image goes on, untraced */
		let_go(pid, false);
	verify_cancel(w);
	return v;
}

void verify_cancel(struct watch *w)
{
	close(w->pidfd);
	w->pidfd = -1;
}
