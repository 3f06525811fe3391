#include "fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

int fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

size_t fd_read(int fd, int pidfd, char *buf, size_t max, bool line)
{
	size_t have = 0;
	bool ended = false;

	while (have < max && !(line && memchr(buf, '\n', have))) {
		/* poll ignores a negative pidfd: then only `fd` is waited for */
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = pidfd, .events = POLLIN } };
		ssize_t n;

		if (!ended && poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!ended && p[1].revents) {
			/* what it wrote is in the pipe now: take it, never wait */
			ended = true;
			(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		}
		if (!ended && !p[0].revents)
			continue;
		n = read(fd, buf + have, max - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	return have;
}
