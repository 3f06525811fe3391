/* target.c — opening what an exec will run, in the caller's view. */
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int openat2_in(int root, const char *path, unsigned long long resolve)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = resolve };

	return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/* "/proc/self/fd/N" or "/dev/fd/N": N, else -1. */
static int own_fd(const char *path)
{
	static const char *const pre[] = { "/proc/self/fd/", "/dev/fd/" };

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(pre[i]);
		char *end;
		long fd;

		if (strncmp(path, pre[i], n) != 0 || path[n] < '0' ||
		    path[n] > '9')
			continue;
		fd = strtol(path + n, &end, 10);
		if (*end == '\0' && fd <= INT_MAX)
			return (int)fd;
	}
	return -1;
}

/* "/proc/self/exe" or "/proc/thread-self/exe": the caller's own image
 * (runtimes re-run themselves that way: Codex, Node's workers, …). */
static bool own_exe(const char *path)
{
	return !strcmp(path, "/proc/self/exe") ||
	       !strcmp(path, "/proc/thread-self/exe");
}

/* The caller's file descriptor `fd`, or its dirfd + relative path. */
static void open_proc(struct target *t, pid_t pid, const char *what)
{
	char proc[PATH_MAX + 64];

	snprintf(proc, sizeof(proc), "/proc/%d/%s", (int)pid, what);
	t->fd = open(proc, O_PATH | O_CLOEXEC);
	if (t->fd < 0)
		t->err = errno;
}

static void finish(struct target *t)
{
	if (t->fd >= 0 && fstat(t->fd, &t->st) < 0) {
		t->err = errno;
		close(t->fd);
		t->fd = -1;
	}
}

void target_open(struct target *t, pid_t pid, int root, const char *cwd,
		 int dirfd, const char *path, int flags)
{
	char abs[2 * PATH_MAX + 2], proc[64];
	int fd;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		snprintf(proc, sizeof(proc), "fd/%d", dirfd);
		open_proc(t, pid, proc); /* fexecve */
		finish(t);
		return;
	}
	if ((fd = own_fd(path)) >= 0) {
		snprintf(proc, sizeof(proc), "fd/%d", fd);
		open_proc(t, pid, proc);
		finish(t);
		return;
	}
	if (own_exe(path)) {
		open_proc(t, pid, "exe");
		finish(t);
		return;
	}
	if (path[0] == '/') {
		snprintf(abs, sizeof(abs), "%s", path);
	} else if (dirfd == AT_FDCWD) {
		snprintf(abs, sizeof(abs), "%s/%s", cwd, path);
	} else {
		char dir[PATH_MAX];
		ssize_t n;

		snprintf(proc, sizeof(proc), "/proc/%d/fd/%d", (int)pid, dirfd);
		n = readlink(proc, dir, sizeof(dir) - 1);
		if (n <= 0 || dir[0] != '/') {
			t->err = EBADF;
			return;
		}
		dir[n] = '\0';
		snprintf(abs, sizeof(abs), "%s/%s", dir, path);
	}
	t->fd = openat2_in(root, abs, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (t->fd < 0) {
		/* ELOOP also means a magic link (RESOLVE_IN_ROOT refuses them
		 * all): tell it from a real loop by a walk that follows them */
		char walk[sizeof(abs) + 64];

		t->err = errno;
		snprintf(walk, sizeof(walk), "/proc/%d/root%s", (int)pid, abs);
		if (t->err == ELOOP && (fd = open(walk, O_PATH | O_CLOEXEC)) >= 0) {
			close(fd);
			t->err = 0;
			t->refusal = "it runs a file through a /proc link, which latch cannot judge";
		}
	}
	finish(t);
}

void target_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/* The first bytes of the open file `fd` (O_PATH): 0 when unreadable. */
static size_t head_of(int fd, char *buf, size_t size)
{
	char proc[64];
	ssize_t n;
	int rd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (rd < 0)
		return 0;
	n = read(rd, buf, size - 1);
	close(rd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

bool target_image(const struct target *t, int root, struct stat *out)
{
	char head[256], *path, *end;
	int fd;
	bool ok;

	if (t->fd < 0)
		return false;
	if (!S_ISREG(t->st.st_mode) || head_of(t->fd, head, sizeof(head)) < 2 ||
	    head[0] != '#' || head[1] != '!') {
		*out = t->st;
		return true;
	}
	path = head + 2 + strspn(head + 2, " \t");
	end = path + strcspn(path, " \t\n");
	*end = '\0';
	if (*path != '/')
		return false; /* the kernel refuses it: no image to expect */
	fd = openat2_in(root, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return false;
	ok = fstat(fd, out) == 0 && S_ISREG(out->st_mode) &&
	     !(head_of(fd, head, sizeof(head)) >= 2 && head[0] == '#' && head[1] == '!');
	close(fd);
	return ok;
}
