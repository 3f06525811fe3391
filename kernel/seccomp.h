/* seccomp.h — the syscall filter every sandboxed process inherits.
 *
 *  - ioctl(TIOCSTI) and ioctl(TIOCLINUX) fail with EPERM: no typing into the
 *    user's terminal to run commands after latch exits;
 *  - socket(AF_UNIX, …) fails with EACCES unless allowed: connecting to a
 *    pathname unix socket is not a Landlock right, so a sandbox could drive
 *    any daemon it can reach (tmux, D-Bus, ssh-agent, docker) from outside
 *    its grants; socketpair(2) stays available;
 *  - with the network restricted (`inet_stream_only`): socket() only for
 *    unix, TCP over IPv4/IPv6 and NETLINK_ROUTE; every other family and
 *    type (UDP, raw, ICMP, packet, vsock …), TCP Fast Open sends and
 *    io_uring fail (EACCES; io_uring_setup ENOSYS);
 *  - system calls of another architecture (i386, x32) kill the process;
 *  - with `notify_exec`, execve and execveat wait for the supervisor, which
 *    receives them on the listener descriptor (seccomp_unotify(2)); and
 *    nothing else may write a process's memory while its exec waits:
 *    ptrace's writing requests, process_vm_writev, userfaultfd and
 *    process_madvise fail with EPERM, io_uring_setup and clone3 with ENOSYS
 *    (libc falls back to clone), clone sharing memory other than as a
 *    thread or vfork with EPERM.
 *
 * The filter is compiled in the parent (libseccomp, which allocates) and
 * loaded in the child with one prctl, which does not.
 */
#ifndef LATCH_SECCOMP_H
#define LATCH_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>

#include "../common/err.h"

struct seccomp_prog {
	struct sock_filter *code;
	unsigned short len;
};

struct seccomp_spec {
	bool allow_unix;       /* socket(AF_UNIX) */
	bool notify_exec;      /* execve/execveat to the supervisor */
	bool inet_stream_only; /* the network is restricted (above) */
};

int seccomp_build(const struct seccomp_spec *sp, struct seccomp_prog *out,
		  struct err *e);
/* Child side: requires no_new_privs. With `listener` non-NULL the filter is
 * loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER and *listener receives the
 * notification descriptor, for the supervisor. */
int seccomp_apply(const struct seccomp_prog *p, int *listener, struct err *e);
void seccomp_prog_free(struct seccomp_prog *p);

#endif
