/* verify.c — the new image's argv against the judged one. */
#include "verify.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BUDGET_NS (50 * 1000000L) /* an exec here takes well under 1 ms */
#define STEP_NS (10 * 1000L)

/* The whole of a small /proc file into `buf` (NUL-terminated): its length,
 * or -1. One read per page, no stdio: this runs for every exec. */
static ssize_t proc_read(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	size_t len = 0;
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* a /proc file this small comes in one read: read again only when
	 * the buffer filled up, not to see the end of file */
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0) {
		len += (size_t)n;
		if ((size_t)n < size - 1 - (len - (size_t)n))
			break;
	}
	close(fd);
	buf[len] = '\0';
	return n < 0 ? -1 : (ssize_t)len;
}

/* Field `k` (3 = state, 4 = ppid, 20 = threads) of /proc/PID/stat, from
 * the text after the command name (which may hold spaces and ')'). */
static const char *stat_field(const char *stat, int k)
{
	const char *p = strrchr(stat, ')');

	for (int f = 2; p && f < k; f++)
		p = strchr(p + 1, ' ');
	return p ? p + 1 : NULL;
}

/* Parent and number of threads of a task; false when it is gone. */
static bool stat_of(pid_t pid, long *ppid, long *threads)
{
	char buf[1024];
	const char *pp, *th;

	if (proc_read(pid, "stat", buf, sizeof(buf)) <= 0)
		return false;
	pp = stat_field(buf, 4);
	th = stat_field(buf, 20);
	if (pp == NULL || th == NULL)
		return false;
	*ppid = strtol(pp, NULL, 10);
	*threads = strtol(th, NULL, 10);
	return *threads > 0 && *ppid >= 0;
}

/* The thread group of `tid` ("Tgid:" of /proc/TID/status); -1 if gone. */
static pid_t tgid_of(pid_t tid)
{
	char buf[4096];
	const char *t;

	if (proc_read(tid, "status", buf, sizeof(buf)) <= 0 ||
	    (t = strstr(buf, "\nTgid:")) == NULL)
		return -1;
	return (pid_t)strtol(t + 6, NULL, 10);
}

/* PROCMAP_QUERY (Linux >= 6.11, <linux/fs.h>; Debian 12's headers predate
 * it): ask /proc/PID/maps for one mapping, filtered by its flags, without
 * rendering any text. */
#define LATCH_PROCMAP_QUERY _IOWR('f', 17, struct latch_procmap_query)
#define LATCH_PROCMAP_WRITABLE 0x02
#define LATCH_PROCMAP_SHARED 0x08
#define LATCH_PROCMAP_COVERING_OR_NEXT 0x10

struct latch_procmap_query {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset;
	uint64_t inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};

/* The text of /proc/PID/maps: each line "start-end perms …"; complete
 * lines are scanned, a partial one is carried to the next read. */
static bool maps_text_shares_writable(int fd)
{
	char buf[16384];
	size_t have = 0;
	ssize_t n;
	bool found = false;

	while (!found && (n = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		char *line = buf, *end = buf + have + (size_t)n, *nl;

		while (!found && (nl = memchr(line, '\n', (size_t)(end - line)))) {
			const char *sp = memchr(line, ' ', (size_t)(nl - line));

			found = sp && nl - sp > 4 && sp[2] == 'w' && sp[4] == 's';
			line = nl + 1;
		}
		have = (size_t)(end - line);
		if (have == sizeof(buf))
			have = 0; /* a line longer than the buffer: its perms were seen */
		memmove(buf, line, have);
	}
	return found;
}

/* Whether the process has a writable shared mapping: memory another
 * process may write while the exec is parked. */
static bool shares_writable(pid_t pid)
{
	struct latch_procmap_query q = {
		.size = sizeof(q),
		.query_flags = LATCH_PROCMAP_WRITABLE | LATCH_PROCMAP_SHARED |
			       LATCH_PROCMAP_COVERING_OR_NEXT,
	};
	char path[64];
	bool found;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	if (ioctl(fd, LATCH_PROCMAP_QUERY, &q) == 0)
		found = true;
	else if (errno == ENOENT)
		found = false; /* no such mapping at all */
	else
		found = maps_text_shares_writable(fd);
	close(fd);
	return found;
}

/* PIDFD_GET_INFO (Linux >= 6.13, <linux/pidfd.h>; Debian 12's headers
 * predate it) on a pidfd of one thread (PIDFD_THREAD = O_EXCL, >= 6.9):
 * ids without /proc, whose files cost a fresh inode for every new task. */
struct latch_pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid,
		fsgid;
	int32_t exit_code;
};
#define LATCH_PIDFD_GET_INFO _IOWR(0xFF, 11, struct latch_pidfd_info)
#define LATCH_PIDFD_INFO_PID 1ULL

static bool pidfd_ids(pid_t tid, struct caller *c)
{
	struct latch_pidfd_info in = { .mask = LATCH_PIDFD_INFO_PID };
	int fd = (int)syscall(SYS_pidfd_open, tid, O_EXCL);
	bool ok;

	if (fd < 0)
		return false;
	ok = ioctl(fd, LATCH_PIDFD_GET_INFO, &in) == 0 &&
	     (in.mask & LATCH_PIDFD_INFO_PID) && in.tgid > 0;
	close(fd);
	c->tgid = ok ? (pid_t)in.tgid : tid;
	c->ppid = ok ? (pid_t)in.ppid : 0;
	return ok;
}

void caller_read(pid_t tid, struct caller *c)
{
	long threads, ppid;

	memset(c, 0, sizeof(*c));
	c->tid = c->tgid = tid;
	if (pidfd_ids(tid, c)) {
		c->known = true; /* threads: counted when verify_needed asks */
		return;
	}
	c->known = stat_of(tid, &ppid, &threads);
	if (!c->known)
		return;
	c->ppid = (pid_t)ppid;
	c->threads = threads;
	/* a lone thread is its process's leader; else ask */
	if (threads > 1 && (c->tgid = tgid_of(tid)) < 0) {
		c->tgid = tid;
		c->known = false;
	}
}

bool verify_needed(const struct caller *c)
{
	static pid_t self;
	long threads, ppid = c->ppid;
	pid_t cur = c->tgid;

	if (self == 0)
		self = getpid();

	threads = c->threads;
	if (c->known && threads == 0 && !stat_of(c->tid, &ppid, &threads))
		return true; /* gone, or not ours to read: assume shared */
	if (!c->known || threads > 1 || shares_writable(c->tgid))
		return true;
	/* vfork children share the memory of their (suspended) parent,
	 * whose other threads are not suspended: walk up the chain */
	for (int depth = 0; depth < 16; depth++) {
		pid_t parent = (pid_t)ppid;

		if (parent <= 1 || parent == self ||
		    syscall(SYS_kcmp, cur, parent, KCMP_VM, 0, 0) != 0)
			return false;
		if (!stat_of(parent, &ppid, &threads) || threads > 1)
			return true;
		cur = parent;
	}
	return true;
}

/* The task's state ('t': stopped by its tracer); 0 when it is gone. */
static char state_of(pid_t pid)
{
	char buf[1024];
	const char *st;

	if (proc_read(pid, "stat", buf, sizeof(buf)) <= 0 ||
	    (st = stat_field(buf, 3)) == NULL)
		return 0;
	return st[0];
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

/* The signal to pass on to a tracee at the stop `si` tells of: none at a
 * ptrace event stop (its exec, PTRACE_INTERRUPT, a group stop under SEIZE), else
 * the one it stopped to receive (a signal-delivery-stop: sent by kill,
 * tgkill, the kernel …), delivered as it would have been untraced. */
static int passed_on(const siginfo_t *si)
{
	return si->si_code < 0 || (si->si_code >> 8) == 0 ? si->si_signo : 0;
}

/* Let the tracee go: stopped (PTRACE_INTERRUPT) unless at a stop already,
 * then detached with the signal it stopped for. */
static void let_go(pid_t pid)
{
	siginfo_t si;

	ptrace(PTRACE_INTERRUPT, pid, NULL, NULL);
	for (int i = 0; i < 1000 && state_of(pid) != 't' && state_of(pid); i++)
		usleep(10);
	ptrace(PTRACE_DETACH, pid, NULL,
	       (void *)(long)(ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) == 0
				      ? passed_on(&si) : 0));
}

static void watch_close(struct watch *w)
{
	close(w->pidfd);
	w->pidfd = -1;
}

/* Whether the new image of `pid` runs `file`; unreadable counts as not. */
static bool runs_file(pid_t pid, const struct stat *file)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	return stat(path, &st) == 0 && st.st_dev == file->st_dev &&
	       st.st_ino == file->st_ino;
}

/* What the stopped new image of `pid` runs, against what was judged. */
static enum verdict compare(pid_t pid, char *const *argv, size_t argc,
			    const struct stat *file)
{
	if (file && !runs_file(pid, file))
		return VERIFY_SWAPPED;
	if (argv && cmdline_is(pid, argv, argc) != 1)
		return VERIFY_KILLED;
	return VERIFY_SAME;
}

enum verdict verify_after(struct watch *w, char *const *argv, size_t argc,
			  const struct stat *file)
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
			return watch_close(w), VERIFY_NO_EXEC;
		if (state != 't' ||
		    ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) < 0) {
			nanosleep(&step, NULL);
			continue;
		}
		if (si.si_code != (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			/* another stop on the way: a signal (delivered as it
			 * would have been) or a group stop */
			ptrace(PTRACE_CONT, pid, NULL,
			       (void *)(long)passed_on(&si));
			continue;
		}
		done = true;
		v = compare(pid, argv, argc, file);
		if (v == VERIFY_SAME)
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
		else /* before its first instruction */
			syscall(SYS_pidfd_send_signal, w->pidfd, SIGKILL, NULL, 0);
	}
	if (!done) /* the exec failed: the old image goes on, untraced */
		let_go(pid);
	watch_close(w);
	return v;
}

void verify_cancel(struct watch *w)
{
	let_go(w->tid);
	watch_close(w);
}
