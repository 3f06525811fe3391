/* tell.c — a refusal on the refused process's stderr (tell.h). */
#include "tell.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* linux/pidfd.h, 6.9 */
#endif

/* A pidfd of the task's process: of the thread itself where the kernel
 * allows it, else of the thread-group leader it belongs to. */
static int pidfd_of(pid_t tid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(SYS_pidfd_open, tid, 0);
	return fd;
}

/* Whether the file `st` describes is latch's own stderr. */
static bool latch_stderr(const struct stat *st)
{
	struct stat own;

	return fstat(2, &own) == 0 && own.st_dev == st->st_dev &&
	       own.st_ino == st->st_ino;
}

/* Whether `fd` is a pipe, a socket or a terminal, open for writing, that
 * can take the text now. */
static bool ready(int fd, const struct stat *st)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int mode = fcntl(fd, F_GETFL);

	if (mode < 0 || (mode & O_ACCMODE) == O_RDONLY)
		return false;
	if (!S_ISFIFO(st->st_mode) && !S_ISSOCK(st->st_mode) &&
	    !(S_ISCHR(st->st_mode) && isatty(fd)))
		return false;
	return poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) &&
	       !(p.revents & (POLLERR | POLLHUP | POLLNVAL));
}

/* One write that cannot raise SIGPIPE in latch (the reader may go away
 * between the poll and the write): blocked meanwhile, a pending one taken.
 * Whether all of it was written. */
static bool write_quietly(int fd, const char *text, size_t len)
{
	sigset_t pipe, old;
	struct timespec now = { 0 };
	ssize_t n;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, &old);
	n = write(fd, text, len);
	if (n < 0 && errno == EPIPE)
		(void)sigtimedwait(&pipe, NULL, &now);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return n == (ssize_t)len;
}

/* The text on `fd` (a copy of the task's stderr, `st` its file): through
 * a description of latch's own, non-blocking, so that a terminal whose
 * output the sandbox stopped (^S) or a pipe filled meanwhile refuses
 * rather than waits, and the sandbox's own descriptor keeps its flags. */
static bool write_to(int fd, const struct stat *st, const char *text,
		     size_t len)
{
	char own[64];
	int w;
	bool done;

	if (S_ISSOCK(st->st_mode))
		return send(fd, text, len, MSG_DONTWAIT | MSG_NOSIGNAL) ==
		       (ssize_t)len;
	snprintf(own, sizeof(own), "/proc/self/fd/%d", fd);
	w = open(own, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (w < 0)
		return false;
	done = write_quietly(w, text, len);
	close(w);
	return done;
}

bool tell_task(pid_t tid, const char *text)
{
	int pidfd = pidfd_of(tid), fd;
	size_t len = strlen(text);
	struct stat st;
	bool told = false;

	if (pidfd < 0)
		return false;
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, 2, 0);
	close(pidfd);
	if (fd < 0)
		return false;
	if (len > PIPE_BUF)
		len = PIPE_BUF;
	if (fstat(fd, &st) == 0)
		told = latch_stderr(&st) ||
		       (ready(fd, &st) && write_to(fd, &st, text, len));
	close(fd);
	return told;
}
