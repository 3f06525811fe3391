/* notify.c — the notify floor: what seccomp user notification alone costs
 * an exec, with no judging.
 *
 *   notify [-r LOG] CMD [ARG…]
 *
 * Forks; the child sets PR_SET_NO_NEW_PRIVS, installs a libseccomp filter
 * (default allow; SCMP_ACT_NOTIFY for execve and execveat, as latch's
 * filter), sends the listener to the parent over a socketpair
 * (SCM_RIGHTS) and execs CMD (a path). The parent answers every
 * notification at once with SECCOMP_USER_NOTIF_FLAG_CONTINUE — it reads
 * nothing of the caller; the answer fails if the caller is gone, as
 * latch's answer to an allowed exec — and after the first answer asks for
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, as latch's supervisor does
 * (launcher/judge.c). Like latch's supervisor, it waits for each exec in
 * the receive itself (SECCOMP_IOCTL_NOTIF_RECV blocks). It stops when no
 * task is left under the filter (the receive fails with ENOENT and the
 * listener reports POLLHUP) and exits with CMD's status: 128 + N if
 * killed by signal N, 127 if CMD cannot be executed, 125 if the set-up
 * fails (a message on stderr names what failed).
 *
 * The child is reaped as soon as it exits, by the SIGCHLD handler: a
 * kernel that drops a task's hold on the filter only when it is reaped
 * would otherwise never report that no task is left (6.18 drops it at
 * exit). Its descendants may outlive it; they are served until they exit.
 * Before Linux 6.11 the receive does not return when the last task
 * leaves: a SIGALRM every 100 ms (no SA_RESTART) interrupts it, and the
 * listener is asked again.
 *
 * With -r LOG, the reads floor: before each answer it reads what any
 * supervisor that judges an exec and logs it must read — the caller's cwd
 * (/proc/PID/cwd), its path and argv (process_vm_readv), the file it runs
 * (openat2 under the caller's root, no magic links, and fstat) and its
 * ids (a pidfd of the thread: PIDFD_GET_INFO, Linux >= 6.13) — and after
 * the answer appends one line to LOG (one write(2), O_APPEND). It decides
 * nothing: every exec goes on, as in the notify floor, but for one with
 * nothing at its path, failed with the open's error as latch fails it.
 * For an execve of an absolute path with at most 31 argv words (the
 * benchmark's), on Linux >= 6.13, these are the calls latch's judge makes
 * (launcher/judge.c), written apart so that this program shares no code
 * with latch; elsewhere it is close to them, not the same (latch also
 * opens execveat's dirfd through /proc, reads /proc/PID/stat where
 * PIDFD_GET_INFO is missing, reads every word).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Linux >= 6.6, missing from Debian 12's headers (as in launcher/judge.c). */
#define NOTIF_SET_FLAGS _IOW(SECCOMP_IOC_MAGIC, 4, uint64_t)
#define NOTIF_SYNC_WAKE_UP 1ULL

/* Linux >= 6.13 / 6.9, missing from Debian 12's headers: PIDFD_GET_INFO
 * and PIDFD_THREAD (as in launcher/verify.c). */
struct pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid,
		fsgid;
	int32_t exit_code;
};
#define PIDFD_GET_INFO _IOWR(0xFF, 11, struct pidfd_info)
#define PIDFD_INFO_PID 1ULL
#define PIDFD_THREAD O_EXCL

#define EXIT_SETUP 125 /* the set-up failed */
#define EXIT_EXEC 127  /* CMD could not be executed */

/* Print "notify: WHAT: strerror(err)" on stderr. */
static void fail(const char *what, int err)
{
	fprintf(stderr, "notify: %s: %s\n", what, strerror(err));
}

/* The child's filter: default allow, execve and execveat notified.
 * Returns the listener, or -1 (message printed). */
static int install_filter(void)
{
	scmp_filter_ctx ctx;
	int rc, fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		fail("prctl(PR_SET_NO_NEW_PRIVS)", errno);
		return -1;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL) {
		fprintf(stderr, "notify: seccomp_init failed\n");
		return -1;
	}
	rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execve), 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execveat), 0);
	if (rc < 0) {
		fail("seccomp_rule_add(SCMP_ACT_NOTIFY)", -rc);
		seccomp_release(ctx);
		return -1;
	}
	rc = seccomp_load(ctx);
	if (rc < 0) {
		fail("seccomp_load", -rc);
		seccomp_release(ctx);
		return -1;
	}
	fd = seccomp_notify_fd(ctx);
	if (fd < 0)
		fail("seccomp_notify_fd", -fd);
	seccomp_release(ctx);
	return fd;
}

/* One byte and room for one descriptor: the message of send_fd/recv_fd
 * (init before use: msg points into the struct). */
struct fd_msg {
	char byte;
	struct iovec iov;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg;
};

static void fd_msg_init(struct fd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->iov = (struct iovec){ &m->byte, 1 };
	m->msg = (struct msghdr){ .msg_iov = &m->iov, .msg_iovlen = 1,
				  .msg_control = m->u.buf,
				  .msg_controllen = sizeof(m->u.buf) };
}

/* Send descriptor `fd` over the socket `sock`. */
static int send_fd(int sock, int fd)
{
	struct fd_msg m;
	struct cmsghdr *c;

	fd_msg_init(&m);
	c = CMSG_FIRSTHDR(&m.msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &m.msg, 0) < 0)
		if (errno != EINTR) {
			fail("sendmsg(SCM_RIGHTS)", errno);
			return -1;
		}
	return 0;
}

/* Receive a descriptor sent by send_fd(); -1 (message printed) if none
 * came. */
static int recv_fd(int sock)
{
	struct fd_msg m;
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	fd_msg_init(&m);
	while ((n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC)) < 0)
		if (errno != EINTR) {
			fail("recvmsg(SCM_RIGHTS)", errno);
			return -1;
		}
	c = CMSG_FIRSTHDR(&m.msg);
	if (n == 0 || c == NULL || c->cmsg_level != SOL_SOCKET ||
	    c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) {
		/* the child failed before sending (it said why) */
		fprintf(stderr, "notify: recvmsg(SCM_RIGHTS): no listener "
			"received from the child\n");
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* The child: filter, hand over the listener, exec CMD. */
static _Noreturn void child(int sock, char **cmd)
{
	int listener = install_filter();

	if (listener < 0 || send_fd(sock, listener) < 0)
		_exit(EXIT_SETUP);
	close(listener);
	close(sock);
	execv(cmd[0], cmd);
	fprintf(stderr, "notify: execv %s: %s\n", cmd[0], strerror(errno));
	_exit(EXIT_EXEC);
}

/* The reads floor (-r): its log, and the callers' root, opened at the
 * first exec (the same for every task under the filter). */
struct reads {
	int log;
	int root;
};

#define WORDS 32 /* the argv array read: 31 words at most (the floor
		  * runs short commands), then a NULL */

/* What is read of one exec's caller. */
struct call {
	char cwd[PATH_MAX];
	char path[256];
	uint64_t argv[WORDS];      /* the words' addresses */
	char words[WORDS][64];     /* the words read */
	size_t argc;
	int fd;                    /* the file it runs (O_PATH), or -1 */
	int err;                   /* why it could not be opened */
	struct stat st;
	struct pidfd_info ids;
};

/* The argv words, in one call; as by latch's judge, a word at the path's
 * own address (execvp's argv[0]) is not read again. A word cut at 64
 * bytes, or unreadable, is left as it is: this is a floor, it decides
 * nothing. */
static void read_words(pid_t pid, struct call *c, uint64_t path_at)
{
	struct iovec local[WORDS], remote[WORDS];
	size_t n = 0;

	for (c->argc = 0; c->argc < WORDS && c->argv[c->argc]; c->argc++) {
		uint64_t at = c->argv[c->argc];

		if (at == path_at)
			continue;
		local[n] = (struct iovec){ c->words[n], sizeof(c->words[n]) };
		remote[n] = (struct iovec){ (void *)(uintptr_t)at, sizeof(c->words[n]) };
		n++;
	}
	if (n > 0)
		(void)process_vm_readv(pid, local, n, remote, n, 0);
}

/* The caller's thread group and parent, from a pidfd of its thread. */
static void read_ids(pid_t tid, struct pidfd_info *ids)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	ids->mask = PIDFD_INFO_PID;
	if (fd < 0 || ioctl(fd, PIDFD_GET_INFO, ids) < 0)
		ids->mask = 0;
	if (fd >= 0)
		close(fd);
}

/* The file the exec runs: its path resolved in the caller's root (against
 * its cwd when relative), no magic links followed, and its status. */
static void open_target(struct reads *r, pid_t pid, struct call *c)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	char at[PATH_MAX + sizeof(c->path) + 1];

	if (r->root < 0) {
		snprintf(at, sizeof(at), "/proc/%d/root", (int)pid);
		r->root = open(at, O_PATH | O_CLOEXEC);
	}
	snprintf(at, sizeof(at), "%s%s%s", c->path[0] == '/' ? "" : c->cwd,
		 c->path[0] == '/' ? "" : "/", c->path);
	c->fd = (int)syscall(SYS_openat2, r->root, at, &how, sizeof(how));
	c->err = c->fd < 0 ? errno : 0;
	if (c->fd >= 0 && fstat(c->fd, &c->st) < 0)
		memset(&c->st, 0, sizeof(c->st));
}

/* Read what judging and logging the exec needs (in latch's order: argv
 * and ids only when there is a file to run); nothing is decided. */
static void read_call(struct reads *r, const struct seccomp_notif *req,
		      struct call *c)
{
	bool at = req->data.nr == SCMP_SYS(execveat);
	uint64_t path_at = req->data.args[at ? 1 : 0];
	uint64_t argv_at = req->data.args[at ? 2 : 1];
	pid_t pid = (pid_t)req->pid;
	char proc[64];
	ssize_t n;
	struct iovec local[2], remote[2];

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	snprintf(proc, sizeof(proc), "/proc/%d/cwd", (int)pid);
	n = readlink(proc, c->cwd, sizeof(c->cwd) - 1);
	c->cwd[n > 0 ? n : 0] = '\0';
	local[0] = (struct iovec){ c->path, sizeof(c->path) };
	local[1] = (struct iovec){ c->argv, sizeof(c->argv) };
	remote[0] = (struct iovec){ (void *)(uintptr_t)path_at, sizeof(c->path) };
	remote[1] = (struct iovec){ (void *)(uintptr_t)argv_at, sizeof(c->argv) };
	(void)process_vm_readv(pid, local, 2, remote, 2, 0);
	c->path[sizeof(c->path) - 1] = '\0';
	c->argv[WORDS - 1] = 0;
	open_target(r, pid, c);
	if (c->fd < 0)
		return; /* nothing there (a PATH miss): not logged, as by latch */
	read_words(pid, c, path_at);
	read_ids(pid, &c->ids);
}

/* One line for the exec that went on, in one write. -1 (message printed)
 * when it cannot be written. */
static int log_call(const struct reads *r, const struct seccomp_notif *req,
		    const struct call *c)
{
	char line[PATH_MAX + 512];
	int n = snprintf(line, sizeof(line), "%u %u %u %lu:%lu %zu %s %s\n",
			 req->pid, c->ids.tgid, c->ids.ppid,
			 (unsigned long)c->st.st_dev, (unsigned long)c->st.st_ino,
			 c->argc, c->cwd, c->path);
	size_t len = n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1;

	for (size_t done = 0; done < len;) {
		ssize_t w = write(r->log, line + done, len - done);

		if (w < 0 && errno != EINTR) {
			fail("write to the -r log", errno);
			return -1;
		}
		done += w > 0 ? (size_t)w : 0;
	}
	return 0;
}

/* Continue the exec received, or with `error` (an errno) fail it. 1 if
 * answered, 0 if its caller is gone, -1 on an error (message printed). */
static int go_on(int listener, const struct seccomp_notif *req,
		 struct seccomp_notif_resp *resp, int error)
{
	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	if (error)
		resp->error = -error;
	else
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	while (seccomp_notify_respond(listener, resp) < 0) {
		if (errno == EINTR) /* a signal while it waited for the lock */
			continue;
		if (errno == ENOENT) /* died meanwhile */
			return 0;
		fail("seccomp_notify_respond", errno);
		return -1;
	}
	return 1;
}

/* Wait for one notification and continue its exec, judging nothing (with
 * reads: read it before, log it after; with nothing at its path, fail it
 * as the exec would, as latch does). Returns 1 if it was answered, 0
 * if none came (no task is left, or the receive was interrupted) or its
 * caller is gone, -1 on an error (message printed). */
static int answer(int listener, struct reads *r, struct seccomp_notif *req,
		  struct seccomp_notif_resp *resp)
{
	struct call c;
	int a;

	memset(req, 0, sizeof(*req));
	if (seccomp_notify_receive(listener, req) < 0) {
		if (errno == ENOENT || errno == EINTR)
			return 0;
		fail("seccomp_notify_receive", errno);
		return -1;
	}
	if (r == NULL)
		return go_on(listener, req, resp, 0);
	read_call(r, req, &c);
	a = go_on(listener, req, resp, c.fd < 0 ? (c.err ? c.err : ENOENT) : 0);
	if (a > 0 && c.fd >= 0 && log_call(r, req, &c) < 0)
		a = -1;
	if (c.fd >= 0)
		close(c.fd);
	return a;
}

/* Wake the caller on the supervisor's CPU and the supervisor on the
 * caller's; older kernels refuse (EINVAL), which changes nothing. */
static int sync_wakeups(int listener)
{
	int rc;

	while ((rc = ioctl(listener, NOTIF_SET_FLAGS, NOTIF_SYNC_WAKE_UP)) < 0 &&
	       errno == EINTR)
		;
	if (rc < 0 && errno != EINVAL) {
		fail("ioctl(SECCOMP_IOCTL_NOTIF_SET_FLAGS)", errno);
		return -1;
	}
	return 0;
}

static pid_t child_pid;
static volatile sig_atomic_t reaped; /* child_status is set */
static int child_status;

/* SIGALRM: nothing, but to interrupt the receive (no SA_RESTART). */
static void on_tick(int sig)
{
	(void)sig;
}

/* SIGCHLD: reap the child, keeping errno. */
static void on_child(int sig)
{
	int saved = errno, st;

	(void)sig;
	if (!reaped && child_pid > 0 && waitpid(child_pid, &st, WNOHANG) == child_pid) {
		child_status = st;
		reaped = 1;
	}
	errno = saved;
}

/* No task is left under the filter. */
static bool none_left(int listener)
{
	struct pollfd p = { .fd = listener, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* Answer notifications until no task is left under the filter. Returns
 * 0, or -1 on an error (message printed). */
static int serve(int listener, struct reads *r)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	bool synced = false;
	int rc = 0;

	if (seccomp_notify_alloc(&req, &resp) != 0) {
		fprintf(stderr, "notify: seccomp_notify_alloc failed\n");
		return -1;
	}
	for (;;) {
		int a = answer(listener, r, req, resp);

		if (a < 0 || (a > 0 && !synced && sync_wakeups(listener) < 0)) {
			rc = -1;
			break;
		}
		synced |= a > 0;
		if (a == 0 && none_left(listener))
			break;
	}
	seccomp_notify_free(req, resp);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: notify [-r LOG] CMD [ARG...]   (CMD a path)\n");
	return EXIT_SETUP;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_child, .sa_flags = SA_NOCLDSTOP };
	struct sigaction tick = { .sa_handler = on_tick };
	struct itimerval every = { { 0, 100000 }, { 0, 100000 } };
	sigset_t chld, old;
	struct reads reads = { .log = -1, .root = -1 };
	int sv[2], listener, rc, opt;

	while ((opt = getopt(argc, argv, "+r:")) != -1) {
		if (opt != 'r')
			return usage();
		reads.log = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (reads.log < 0) {
			fprintf(stderr, "notify: open %s: %s\n", optarg, strerror(errno));
			return EXIT_SETUP;
		}
	}
	if (optind >= argc)
		return usage();
	sigemptyset(&sa.sa_mask);
	sigemptyset(&tick.sa_mask);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigaction(SIGCHLD, &sa, NULL) < 0) {
		fail("sigaction(SIGCHLD)", errno);
		return EXIT_SETUP;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		fail("socketpair", errno);
		return EXIT_SETUP;
	}
	/* child_pid is set before the handler can see the child exit */
	sigprocmask(SIG_BLOCK, &chld, &old);
	child_pid = fork();
	if (child_pid < 0) {
		fail("fork", errno);
		return EXIT_SETUP;
	}
	if (child_pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(sv[0]);
		child(sv[1], argv + optind);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(sv[1]);
	if (sigaction(SIGALRM, &tick, NULL) < 0 ||
	    setitimer(ITIMER_REAL, &every, NULL) < 0)
		fail("sigaction(SIGALRM)/setitimer", errno); /* 6.11+ needs none */
	listener = recv_fd(sv[0]);
	close(sv[0]);
	/* without a listener (the child said why), it exits: reaped below */
	rc = listener < 0 ? -1 : serve(listener, reads.log >= 0 ? &reads : NULL);
	if (listener >= 0)
		close(listener); /* on an error: every exec still to come fails */
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (!reaped) {
		while (waitpid(child_pid, &child_status, 0) < 0)
			if (errno != EINTR) {
				fail("waitpid", errno);
				return EXIT_SETUP;
			}
	}
	if (rc < 0)
		return EXIT_SETUP;
	return WIFEXITED(child_status) ? WEXITSTATUS(child_status)
				       : 128 + WTERMSIG(child_status);
}
