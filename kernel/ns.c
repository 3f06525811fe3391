/* ns.c — the sandbox's own mount and network namespaces. */
#include "ns.h"

#include <fcntl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

static int write_file(const char *path, const char *text, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return err_sys(e, "namespaces: open %s", path);
	n = write(fd, text, strlen(text));
	close(fd);
	if (n != (ssize_t)strlen(text))
		return err_sys(e, "namespaces: write '%s' to %s", text, path);
	return 0;
}

/* A new user namespace mapping only the caller's uid and gid. */
static int map_self(uid_t uid, gid_t gid, struct err *e)
{
	char map[64];

	if (write_file("/proc/self/setgroups", "deny", e) < 0)
		return -1;
	snprintf(map, sizeof(map), "%u %u 1", uid, uid);
	if (write_file("/proc/self/uid_map", map, e) < 0)
		return -1;
	snprintf(map, sizeof(map), "%u %u 1", gid, gid);
	return write_file("/proc/self/gid_map", map, e);
}

/* The new network namespace's loopback interface, up (it starts down). */
static int loopback_up(struct err *e)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return err_sys(e, "network namespace: socket(AF_INET) to bring up loopback");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		rc = err_sys(e, "network namespace: ioctl(SIOCGIFFLAGS, lo)");
	ifr.ifr_flags |= IFF_UP;
	if (rc == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		rc = err_sys(e, "network namespace: ioctl(SIOCSIFFLAGS, lo up)");
	close(fd);
	return rc;
}

static const char *flag_names(int flags)
{
	return (flags & CLONE_NEWNS) && (flags & CLONE_NEWNET) ? "CLONE_NEWNS|CLONE_NEWNET"
	       : (flags & CLONE_NEWNET) ? "CLONE_NEWNET" : "CLONE_NEWNS";
}

int ns_enter(bool mounts, bool net, struct err *e)
{
	int flags = (mounts ? CLONE_NEWNS : 0) | (net ? CLONE_NEWNET : 0);
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (flags == 0)
		return 0;
	if (uid == 0 && unshare(flags) < 0)
		return err_sys(e, "namespaces: unshare(%s)", flag_names(flags));
	if (uid != 0 && unshare(CLONE_NEWUSER | flags) < 0)
		return err_sys(e, "namespaces: unshare(CLONE_NEWUSER|%s) (unprivileged user namespaces are needed to %s)",
			       flag_names(flags),
			       net ? "give the sandbox a network of its own (network: block)"
				   : "hide denied paths inside a grant");
	if (uid != 0 && map_self(uid, gid, e) < 0)
		return -1;
	if (mounts && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return err_sys(e, "namespaces: mount(/, MS_REC|MS_PRIVATE)");
	return net ? loopback_up(e) : 0;
}

int ns_listen(uint16_t port, struct err *e)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return err_sys(e, "network namespace: socket() for the proxy");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 128) < 0) {
		err_sys(e, "network namespace: bind/listen on 127.0.0.1:%u for the proxy", (unsigned)port);
		close(fd);
		return -1;
	}
	return fd;
}
