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
 * between the poll and the write): blocked meanwhile, a pending one taken. */
static void write_quietly(int fd, const char *text, size_t len)
{
	sigset_t pipe, old;
	struct timespec now = { 0 };

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, &old);
	if (write(fd, text, len) < 0 && errno == EPIPE)
		(void)sigtimedwait(&pipe, NULL, &now);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void tell_task(pid_t tid, const char *text)
{
	int pidfd = pidfd_of(tid), fd;
	size_t len = strlen(text);
	struct stat st;

	if (pidfd < 0)
		return;
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, 2, 0);
	close(pidfd);
	if (fd < 0)
		return;
	if (len > PIPE_BUF)
		len = PIPE_BUF;
	if (fstat(fd, &st) == 0 && !latch_stderr(&st) && ready(fd, &st)) {
		if (S_ISSOCK(st.st_mode)) {
			(void)send(fd, text, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		} else {
			/* a description of latch's own, non-blocking: a
			 * terminal whose output the sandbox stopped (^S) or a
			 * pipe filled meanwhile refuses rather than waits, and
			 * the sandbox's own descriptor keeps its flags */
			char own[64];
			int w;

			snprintf(own, sizeof(own), "/proc/self/fd/%d", fd);
			w = open(own, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
			if (w >= 0) {
				write_quietly(w, text, len);
				close(w);
			}
		}
	}
	close(fd);
}
