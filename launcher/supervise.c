#include "supervise.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sched.h>
#include <sys/signalfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "judge.h"
#include "../audit/log.h"

#define TERM_GRACE_MS 1000
#define LEFTOVER_GRACE_MS 500

static const int handled[] = { SIGCHLD, SIGTERM, SIGHUP, SIGINT,
			       SIGQUIT, SIGUSR1, SIGUSR2 };

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* execvp() with the PATH of the child's environment (glibc's execvpe uses
 * the caller's), allocation-free. Returns the errno to report. */
static int exec_path(char *const *argv, char *const *envp)
{
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	const char *file = argv[0];
	size_t flen = strlen(file);
	bool eacces = false;
	char buf[4096];

	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return errno;
	}
	for (char *const *e = envp; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	while (*path) {
		size_t dlen = strcspn(path, ":");

		if (dlen + flen + 2 <= sizeof(buf)) {
			memcpy(buf, dlen ? path : ".", dlen ? dlen : 1);
			buf[dlen ? dlen : 1] = '/';
			memcpy(buf + (dlen ? dlen : 1) + 1, file, flen + 1);
			execve(buf, argv, envp);
			if (errno == EACCES)
				eacces = true;
			else if (errno != ENOENT && errno != ENOTDIR)
				return errno;
		}
		path += dlen + (path[dlen] == ':');
	}
	return eacces ? EACCES : ENOENT;
}

struct child_ctx {
	const struct child_spec *spec;
	const sigset_t *old;
	pid_t parent;
	struct judge *judge; /* judging: who serves the listener; else NULL */
	struct proxy *proxy; /* network allowlist: who serves the proxy */
};

/* Runs on its own stack in the supervisor's memory and descriptor table
 * (CLONE_VM|CLONE_VFORK|CLONE_FILES) until it execs: syscalls only, no
 * allocation, nothing written outside this stack but the listener handed to
 * the judge. Every descriptor latch holds is close-on-exec. */
static int child(void *arg)
{
	const struct child_ctx *c = arg;
	const struct child_spec *s = c->spec;
	struct err e;
	int er, listener = -1, proxy = -1;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != c->parent)
		_exit(125);
	sigprocmask(SIG_SETMASK, c->old, NULL);
	if (sandbox_enter(s->sb, s->cs, c->judge ? &listener : NULL,
			  c->proxy ? &proxy : NULL, &e) < 0) {
		dprintf(2, "latch: cannot enter the sandbox: %s\n", e.msg);
		if (proxy >= 0) /* the descriptor table is latch's too */
			close(proxy);
		_exit(125);
	}
	if (c->proxy)
		proxy_publish(c->proxy, proxy);
	if (c->judge)
		judge_publish(c->judge, listener);
	er = exec_path(s->argv, s->envp);
	if (er == ENOENT) {
		dprintf(2, "latch: %s: command not found\n", s->argv[0]);
		_exit(127);
	}
	dprintf(2, "latch: cannot execute '%s': %s%s\n", s->argv[0],
		strerror(er),
		er == EACCES ? " (is it under an 'exec' grant of the profile?)"
			     : "");
	_exit(126);
}

#define CHILD_STACK (256 * 1024)

/* Start the child; the parent resumes once it has exec'd (or died). Its
 * first exec is already judged, by the judge's thread. */
static pid_t spawn(const struct child_spec *spec, const sigset_t *old,
		   struct judge *j, struct proxy *px)
{
	struct child_ctx c = { spec, old, getpid(), j, px };
	void *stack;
	pid_t pid;

	stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	pid = clone(child, (char *)stack + CHILD_STACK,
		    CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &c);
	munmap(stack, CHILD_STACK);
	return pid;
}

/* ---- leftovers ---- */

struct proc {
	pid_t pid, ppid;
};

static pid_t ppid_of(const char *pid)
{
	char path[64], buf[512];
	FILE *f;
	char *rp;
	long ppid = -1;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) != NULL)
		if (sscanf(rp + 1, " %*c %ld", &ppid) != 1)
			ppid = -1;
	fclose(f);
	return (pid_t)ppid;
}

/* The pidfd pins the process before its parent is read again, so a pid
 * freed and reused in between (latch may run as root) is left alone. */
bool supervise_signal_in_tree(pid_t pid, const pid_t *tree, size_t nt,
			      int sig)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	char name[24];
	pid_t ppid;
	size_t i;
	bool hit;

	if (fd < 0)
		return false;
	snprintf(name, sizeof(name), "%d", (int)pid);
	ppid = ppid_of(name);
	for (i = 0; i < nt && tree[i] != ppid; i++)
		;
	hit = i < nt && syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0;
	close(fd);
	return hit;
}

/* Signal every descendant of this process; returns how many. */
static size_t signal_descendants(int sig)
{
	struct proc *ps = NULL;
	size_t n = 0, cap = 0, nt = 1;
	pid_t *tree;
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			ps = xrealloc(ps, cap * sizeof(*ps));
		}
		ps[n].pid = (pid_t)atol(de->d_name);
		ps[n].ppid = ppid_of(de->d_name);
		n++;
	}
	closedir(d);
	tree = xcalloc(n + 1, sizeof(*tree));
	tree[0] = getpid();
	/* A pid joins the tree only once signalled as a member of it. */
	for (size_t i = 0; i < nt; i++)
		for (size_t j = 0; j < n; j++)
			if (ps[j].ppid == tree[i] &&
			    supervise_signal_in_tree(ps[j].pid, tree, nt, sig))
				tree[nt++] = ps[j].pid;
	free(tree);
	free(ps);
	return nt - 1;
}

/* Reap whatever has exited; true once no child at all is left. */
static bool reap_all(pid_t main_pid, int *main_status, bool *main_done)
{
	for (;;) {
		int st;
		pid_t w = waitpid(-1, &st, WNOHANG);

		if (w == 0)
			return false;
		if (w < 0)
			return errno == ECHILD;
		if (w == main_pid && (WIFEXITED(st) || WIFSIGNALED(st))) {
			*main_status = st;
			*main_done = true;
		}
	}
}

static void wait_children(const sigset_t *set, long deadline_ms)
{
	while (now_ms() < deadline_ms) {
		long left = deadline_ms - now_ms();
		struct timespec ts = { left / 1000, (left % 1000) * 1000000L };
		int dummy_status;
		bool dummy_done = false;

		if (reap_all(-1, &dummy_status, &dummy_done))
			return;
		sigtimedwait(set, NULL, &ts);
	}
}

static void end_leftovers(const sigset_t *set)
{
	int status;
	bool done = false;

	if (reap_all(-1, &status, &done))
		return;
	if (signal_descendants(SIGTERM) > 0)
		wait_children(set, now_ms() + LEFTOVER_GRACE_MS);
	for (int round = 0; round < 50 && !reap_all(-1, &status, &done);
	     round++) {
		signal_descendants(SIGKILL);
		wait_children(set, now_ms() + 100);
	}
}

/* ---- the loop ---- */

static bool from_process(const siginfo_t *si)
{
	return si->si_code == SI_USER || si->si_code == SI_QUEUE ||
	       si->si_code == SI_TKILL;
}

/* Wait for the next signal. Returns it, or 0 when the timeout passed. */
static int next_signal(int sigfd, long timeout_ms, siginfo_t *si)
{
	struct pollfd p = { .fd = sigfd, .events = POLLIN };
	struct signalfd_siginfo ss;

	if (poll(&p, 1, (int)timeout_ms) <= 0 || !(p.revents & POLLIN) ||
	    read(sigfd, &ss, sizeof(ss)) != sizeof(ss))
		return 0;
	memset(si, 0, sizeof(*si));
	si->si_signo = (int)ss.ssi_signo;
	si->si_code = ss.ssi_code;
	return si->si_signo;
}

int supervise_run(const struct child_spec *spec)
{
	sigset_t set, old;
	pid_t pid;
	int status = 0, sigfd;
	bool done = false;
	long kill_at = 0;
	struct judge judge, *j = NULL;
	struct proxy proxy, *px = NULL;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
		sigaddset(&set, handled[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sigfd < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("latch: signalfd/prctl(PR_SET_CHILD_SUBREAPER)");
		return 125;
	}
	if (spec->judge) {
		if (judge_start(&judge, spec->judge) < 0) {
			perror("latch: cannot start judging execs");
			close(sigfd);
			return 125;
		}
		j = &judge;
	}
	if (spec->proxy) {
		if (proxy_start(&proxy, spec->proxy) < 0) {
			perror("latch: cannot start the network proxy");
			if (j)
				judge_stop(j);
			close(sigfd);
			return 125;
		}
		px = &proxy;
		if (!spec->sb->proxy)
			proxy_publish(px, spec->proxy_listener);
	}
	fflush(NULL);
	pid = spawn(spec, &old, j, spec->sb->proxy ? px : NULL);
	if (pid < 0) {
		perror("latch: clone");
		if (j)
			judge_stop(j);
		if (px)
			proxy_stop(px);
		close(sigfd);
		return 125;
	}
	/* a credential in memory: no core file, no /proc/PID/mem for the
	 * user's other processes (not before: the child, a clone, writes
	 * its own uid_map, which an undumpable process cannot) */
	if (px && spec->proxy->n_routes && prctl(PR_SET_DUMPABLE, 0) < 0)
		perror("latch: prctl(PR_SET_DUMPABLE, 0)");
	while (!done) {
		siginfo_t si;
		int sig;

		if (kill_at && now_ms() >= kill_at) {
			kill(pid, SIGKILL);
			signal_descendants(SIGKILL);
			kill_at = 0;
		}
		sig = next_signal(sigfd, kill_at ? kill_at - now_ms() : -1, &si);
		switch (sig) {
		case 0:
			break;
		case SIGCHLD:
			reap_all(pid, &status, &done);
			break;
		case SIGTERM:
		case SIGHUP:
			kill(pid, sig);
			if (!kill_at)
				kill_at = now_ms() + TERM_GRACE_MS;
			break;
		default:
			if (from_process(&si))
				kill(pid, sig);
			break;
		}
	}
	end_leftovers(&set);
	if (px)
		proxy_stop(px);
	if (j)
		judge_stop(j);
	close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	status = WIFSIGNALED(status) ? 128 + WTERMSIG(status)
				     : WEXITSTATUS(status);
	if (spec->counts && j)
		*spec->counts = (struct supervise_counts){ j->allowed, j->denied };
	return status;
}
