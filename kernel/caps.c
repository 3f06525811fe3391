#include "caps.h"

#include <linux/capability.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int caps_no_new_privs(struct err *e)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_sys(e, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

/* Read without stdio: this runs in a vfork-style child sharing memory with
 * the supervisor, so it must not allocate. */
static int last_cap(void)
{
	char buf[16] = "";
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	int n = CAP_LAST_CAP;

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			n = atoi(buf);
		close(fd);
	}
	return n > 0 && n < 64 ? n : CAP_LAST_CAP;
}

int caps_drop(uint64_t keep, struct err *e)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };
	int last = last_cap();

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return err_sys(e, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	if (syscall(SYS_capget, &hdr, data) < 0)
		return err_sys(e, "capget");
	/* Without CAP_SETPCAP (an ordinary user) the bounding set cannot be
	 * changed; it is moot then: no_new_privs stops exec from gaining any
	 * capability through setuid or file capabilities. */
	for (int c = 0; c <= last && c < 64 &&
			(data[0].effective & (1u << CAP_SETPCAP));
	     c++) {
		if (keep & (1ull << c))
			continue;
		/* EINVAL: the kernel does not know this one; nothing to drop. */
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    prctl(PR_CAPBSET_READ, c, 0, 0, 0) > 0)
			return err_sys(e, "prctl(PR_CAPBSET_DROP, %d)", c);
	}
	for (int i = 0; i < 2; i++) {
		uint32_t k = (uint32_t)(keep >> (32 * i));

		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable = 0;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return err_sys(e, "capset (clearing capabilities)");
	return 0;
}
