#include "features.h"

#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock.h"

/* Try unshare(CLONE_NEWUSER|CLONE_NEWNS) in a throwaway child. */
static bool probe_userns(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 ? 0 : 1);
	if (waitpid(pid, &status, 0) < 0)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool features_user_notif(void)
{
	const char *off = getenv("LATCH_SECCOMP_NOTIFY");
	unsigned action = SECCOMP_RET_USER_NOTIF;

	if (off && strcmp(off, "0") == 0)
		return false;
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

void features_probe(struct features *f)
{
	struct utsname u;

	memset(f, 0, sizeof(*f));
	if (uname(&u) == 0)
		snprintf(f->kernel, sizeof(f->kernel), "%s", u.release);
	f->landlock_abi = ll_abi();
	f->seccomp_filter =
		syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0,
			&(unsigned){ SECCOMP_RET_ERRNO }) == 0;
	f->seccomp_user_notif = features_user_notif();
	f->is_root = geteuid() == 0;
	f->userns = probe_userns();
}

const char *features_ll_name(int abi)
{
	switch (abi) {
	case 1: return "filesystem access control (Landlock ABI 1)";
	case 2: return "cross-directory rename/link control (Landlock ABI 2)";
	case 3: return "truncate control (Landlock ABI 3)";
	case 4: return "TCP bind/connect rules (Landlock ABI 4)";
	case 5: return "device ioctl control (Landlock ABI 5)";
	case 6: return "signal and abstract-socket scoping (Landlock ABI 6)";
	default: return "Landlock";
	}
}
