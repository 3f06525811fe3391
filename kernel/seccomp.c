#include "seccomp.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <unistd.h>

#include "../common/xalloc.h"

/* Written out: libseccomp's SCMP_An macros leave a field to the compiler. */
#define ARG(n, o, a, b) \
	((struct scmp_arg_cmp){ .arg = (n), .op = (o), .datum_a = (a), .datum_b = (b) })
/* An int argument equal to `v`: the low 32 bits only, as the kernel reads
 * it (a caller may set the upper ones to slip past a full comparison). */
#define INT_EQ(n, v) ARG(n, SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)(v))
/* ioctl's request is an unsigned int */
#define IOCTL_CMD(cmd) INT_EQ(1, cmd)

/* With exec judging: nothing but the caller may write the caller's memory
 * while its exec is parked (see launcher/verify.h). ptrace requests that
 * write, process_vm_writev, userfaultfd, process_madvise and io_uring are
 * refused; clone3 reports ENOSYS (its flags cannot be inspected; libc falls
 * back to clone) and clone may share memory only as a thread or as vfork.
 * chroot is refused too: every task then has the sandbox's root (Landlock
 * already refuses mount and pivot_root), so the judge resolves exec paths
 * from one root it opened once (launcher/target.h). */
static int add_argv_guards(scmp_filter_ctx ctx)
{
	static const unsigned long pokes[] = { PTRACE_POKETEXT,
					       PTRACE_POKEDATA,
					       PTRACE_POKEUSER, PTRACE_SETREGS,
					       PTRACE_SETFPREGS,
					       PTRACE_SETREGSET };
	static const int refused[] = { SCMP_SYS(process_vm_writev),
				       SCMP_SYS(userfaultfd),
				       SCMP_SYS(process_madvise),
				       SCMP_SYS(chroot) };
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);

	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				      ARG(0, SCMP_CMP_MASKED_EQ,
					  CLONE_VM | CLONE_THREAD | CLONE_VFORK,
					  CLONE_VM));
	for (size_t i = 0; rc == 0 && i < sizeof(pokes) / sizeof(pokes[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ptrace),
				      1, ARG(0, SCMP_CMP_EQ, pokes[i], 0));
	for (size_t i = 0; rc == 0 && i < sizeof(refused) / sizeof(refused[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), refused[i], 0);
	return rc;
}

/* With the network restricted: sockets are unix ones, TCP over IPv4/IPv6
 * (type SOCK_STREAM, protocol 0 or IPPROTO_TCP: not SCTP or MPTCP, which
 * Landlock's TCP rules do not cover) and NETLINK_ROUTE (libc and libuv
 * list interfaces with it; in the sandbox's network namespace it sees
 * only loopback, and changing anything needs a capability it has not).
 * Every other family (packet, vsock, which no network namespace
 * confines, bluetooth, …) and type (UDP, raw, ICMP ping) fails with
 * EACCES; so do TCP Fast Open sends (data sent with the connect), and
 * io_uring, whose operations bypass these checks. */
static int add_net_rules(scmp_filter_ctx ctx)
{
	const uint32_t deny = SCMP_ACT_ERRNO(EACCES);
	int rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 1,
				  INT_EQ(0, AF_UNSPEC));

	for (int f = AF_INET + 1; rc == 0 && f < AF_NETLINK; f++)
		if (f != AF_INET6)
			rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 1,
					      INT_EQ(0, f));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 2,
				      INT_EQ(0, AF_NETLINK),
				      ARG(2, SCMP_CMP_NE, NETLINK_ROUTE, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 1,
				      ARG(0, SCMP_CMP_GT, AF_NETLINK, 0));
	for (int i = 0, fam[] = { AF_INET, AF_INET6 }; rc == 0 && i < 2; i++) {
		for (int t = 0; rc == 0 && t <= 0xf; t++)
			if (t != SOCK_STREAM)
				rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 2,
						      INT_EQ(0, fam[i]),
						      ARG(1, SCMP_CMP_MASKED_EQ, 0xf, (scmp_datum_t)t));
		if (rc == 0)
			rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 2,
					      INT_EQ(0, fam[i]),
					      ARG(2, SCMP_CMP_GT, IPPROTO_TCP, 0));
		for (int p = 1; rc == 0 && p < IPPROTO_TCP; p++)
			rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 2,
					      INT_EQ(0, fam[i]),
					      INT_EQ(2, p));
	}
	/* socketpair makes no network socket, but may load a family's module */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socketpair), 1,
				      ARG(0, SCMP_CMP_NE, AF_UNIX, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, deny, SCMP_SYS(sendto), 1,
				      ARG(3, SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, deny, SCMP_SYS(sendmsg), 1,
				      ARG(2, SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, deny, SCMP_SYS(sendmmsg), 1,
				      ARG(3, SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN));
	return rc;
}

static int add_rules(scmp_filter_ctx ctx, const struct seccomp_spec *sp)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl),
				  1, IOCTL_CMD(TIOCSTI));

	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				      SCMP_SYS(ioctl), 1, IOCTL_CMD(TIOCLINUX));
	if (rc == 0 && !sp->allow_unix)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
				      SCMP_SYS(socket), 1,
				      INT_EQ(0, AF_UNIX));
	if (rc == 0 && sp->inet_stream_only)
		rc = add_net_rules(ctx);
	/* io_uring: its operations see neither exec nor socket rules */
	if (rc == 0 && (sp->notify_exec || sp->inet_stream_only))
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				      SCMP_SYS(io_uring_setup), 0);
	if (rc == 0 && sp->notify_exec)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execve), 0);
	if (rc == 0 && sp->notify_exec)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execveat), 0);
	if (rc == 0 && sp->notify_exec)
		rc = add_argv_guards(ctx);
	return rc;
}

/* libseccomp writes BPF to a descriptor: use a memfd and read it back. */
static int export(scmp_filter_ctx ctx, struct seccomp_prog *out, struct err *e)
{
	int fd = memfd_create("latch-seccomp", MFD_CLOEXEC);
	off_t size;
	int rc;

	if (fd < 0)
		return err_sys(e, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	size = lseek(fd, 0, SEEK_END);
	if (rc < 0 || size <= 0 || size % (off_t)sizeof(struct sock_filter) ||
	    size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		close(fd);
		return err_set(e, "seccomp: exporting the filter failed (%d)", rc);
	}
	out->code = xmalloc((size_t)size);
	out->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	if (pread(fd, out->code, (size_t)size, 0) != size) {
		close(fd);
		seccomp_prog_free(out);
		return err_sys(e, "seccomp: reading the exported filter");
	}
	close(fd);
	return 0;
}

int seccomp_build(const struct seccomp_spec *sp, struct seccomp_prog *out,
		  struct err *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc;

	out->code = NULL;
	out->len = 0;
	if (ctx == NULL)
		return err_set(e, "seccomp: seccomp_init failed");
	/* Only the native architecture: i386 and x32 entry points are a
	 * classic way around filters written for x86-64. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			      SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = add_rules(ctx, sp);
	if (rc < 0) {
		seccomp_release(ctx);
		return err_set(e, "seccomp: building the filter failed: %s",
			       strerror(-rc));
	}
	rc = export(ctx, out, e);
	seccomp_release(ctx);
	return rc;
}

int seccomp_apply(const struct seccomp_prog *p, int *listener, struct err *e)
{
	struct sock_fprog prog = { .len = p->len, .filter = p->code };
	long fd;

	if (listener == NULL) {
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			return err_sys(e, "prctl(PR_SET_SECCOMP)");
		return 0;
	}
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		return err_sys(e, "seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER)");
	*listener = (int)fd;
	return 0;
}

void seccomp_prog_free(struct seccomp_prog *p)
{
	free(p->code);
	p->code = NULL;
	p->len = 0;
}
