/* spawn.c — liblatch's sessions: a command started under `latch run`, the
 * helper, with the policy's profile; waited for; its audit log named. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/fdio.h"
#include "../common/strv.h"
#include "../common/xalloc.h"
#include "../launcher/datadir.h"
#include "fail.h"
#include "handles.h"
#include "policy.h"

extern char **environ;

/* The descriptors the helper gets: 0-2 the command's, then these. */
enum { FD_PROFILE = 3, FD_STATUS = 4, FD_ENV = 5, FD_FIRST_FREE = 6 };
/* How long a freed session has to end on SIGTERM (latch gives its command
 * 1 s, then what it left 0.5 s) before SIGKILL. */
#define FREE_GRACE_MS 3000
/* The status line: {"session":…,"audit":…} (paths are at most PATH_MAX). */
#define STATUS_MAX (2 * PATH_MAX + 256)

struct child {
	pthread_mutex_t lock; /* one wait at a time */
	pid_t pid;
	int pidfd;
	bool reaped;
	int status;
	char *session, *audit;
};

static void child_destroy(void *obj)
{
	struct child *c = obj;

	/* only through the pidfd: a caller that reaped the helper itself
	 * may have let its pid be reused */
	if (!c->reaped && c->pidfd >= 0 &&
	    syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0) == 0)
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	if (c->pidfd >= 0)
		close(c->pidfd);
	pthread_mutex_destroy(&c->lock);
	free(c->session);
	free(c->audit);
	free(c);
}

void latch_spawn_opts_init(latch_spawn_opts *o)
{
	if (o) {
		memset(o, 0, sizeof(*o));
		o->stdin_fd = o->stdout_fd = o->stderr_fd = -1;
	}
}

/* The latch program beside the library: <dir>/latch (a build directory),
 * <dir>/../latch (the source tree), <dir>/../bin/latch (an install), then
 * the compiled-in bindir. */
static char *find_helper(void)
{
	const char *image = datadir_image();
	char *dir = image ? xstrdup(image) : NULL, *slash;
	const char *rel[] = { "/latch", "/../latch", "/../bin/latch" };

	if (dir && (slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			char *p = xjoin(dir, rel[i]);
			char *real = realpath(p, NULL);

			free(p);
			if (real && access(real, X_OK) == 0 && strcmp(real, image) != 0) {
				free(dir);
				return real;
			}
			free(real);
		}
	}
	free(dir);
	return access(LATCH_BINDIR "/latch", X_OK) == 0 ? xstrdup(LATCH_BINDIR "/latch")
							 : NULL;
}

/* `latch run` with the policy's profile, for argv. */
static void helper_argv(struct strv *a, const char *helper,
			const struct policy *p, const latch_spawn_opts *o,
			const char *const *argv)
{
	strv_push(a, helper);
	strv_push(a, "run");
	if (p->yaml) {
		strv_push(a, "--profile-fd");
		strv_push_owned(a, xasprintf("%d", FD_PROFILE));
	}
	strv_push(a, "--profile");
	strv_push(a, p->yaml ? p->name : p->ref);
	strv_push(a, "--workdir");
	strv_push(a, p->pl.workdir);
	/* the library itself, as latch's own binary is: read-only in the
	 * sandbox, even inside a grant (a harness may load it from there) */
	if (datadir_image()) {
		strv_push(a, "--deny-write");
		strv_push(a, datadir_image());
	}
	strv_push(a, "--status-fd");
	strv_push_owned(a, xasprintf("%d", FD_STATUS));
	if (o->envp) {
		strv_push(a, "--env-fd");
		strv_push_owned(a, xasprintf("%d", FD_ENV));
	}
	if (o->monitor)
		strv_push(a, "--monitor");
	strv_push(a, "--");
	for (size_t i = 0; argv[i]; i++)
		strv_push(a, argv[i]);
}

/* `len` bytes in a sealed memory file, for --profile-fd and --env-fd. */
static int sealed_memfd(const char *what, const char *data, size_t len,
			latch_error *err)
{
	int fd = memfd_create(what, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0) {
		fail_sys(err, LATCH_ERR_SYSTEM, "latch_spawn: memfd_create (%s)", what);
		return -1;
	}
	if (fd_write_all(fd, data, len) < 0) {
		fail_sys(err, LATCH_ERR_SYSTEM, "latch_spawn: writing %s", what);
		close(fd);
		return -1;
	}
	if (lseek(fd, 0, SEEK_SET) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
		fail_sys(err, LATCH_ERR_SYSTEM, "latch_spawn: sealing %s", what);
		close(fd);
		return -1;
	}
	return fd;
}

/* The command's environment as NAME=VALUE entries each ended by a NUL. */
static int env_memfd(char *const *envp, latch_error *err)
{
	size_t len = 0, off = 0;
	char *buf;
	int fd;

	for (size_t i = 0; envp[i]; i++)
		len += strlen(envp[i]) + 1;
	buf = xmalloc(len + 1);
	for (size_t i = 0; envp[i]; i++) {
		size_t n = strlen(envp[i]) + 1;

		memcpy(buf + off, envp[i], n);
		off += n;
	}
	fd = sealed_memfd("latch-env", buf, len, err);
	free(buf);
	return fd;
}

/* Descriptors that become the helper's 0..4: each first copied above them
 * (close-on-exec), so that no dup2 overwrites a source still to come. */
struct fdmap {
	int src[FD_FIRST_FREE]; /* -1: none */
	int high[FD_FIRST_FREE];
};

static int fdmap_actions(struct fdmap *m, posix_spawn_file_actions_t *fa,
			 latch_error *err)
{
	for (int i = 0; i < FD_FIRST_FREE; i++)
		m->high[i] = -1;
	for (int i = 0; i < FD_FIRST_FREE; i++) {
		if (m->src[i] < 0)
			continue;
		m->high[i] = fcntl(m->src[i], F_DUPFD_CLOEXEC, 16);
		if (m->high[i] < 0)
			return fail_sys(err, i < 3 ? LATCH_ERR_ARG : LATCH_ERR_SYSTEM,
					"latch_spawn: descriptor %d (for the helper's %d)",
					m->src[i], i);
		if (posix_spawn_file_actions_adddup2(fa, m->high[i], i) != 0)
			return fail(err, LATCH_ERR_SYSTEM, "latch_spawn: posix_spawn_file_actions_adddup2");
	}
	return posix_spawn_file_actions_addclosefrom_np(fa, FD_FIRST_FREE) == 0
		       ? LATCH_OK
		       : fail(err, LATCH_ERR_SYSTEM, "latch_spawn: posix_spawn_file_actions_addclosefrom_np");
}

static void fdmap_close(struct fdmap *m)
{
	for (int i = 0; i < FD_FIRST_FREE; i++)
		if (m->high[i] >= 0)
			close(m->high[i]);
}

/* The helper started with a clean signal state (the caller may block or
 * ignore signals its threads handle), in the caller's session. */
static int start(pid_t *pid, const char *helper, char *const *argv,
		 char *const *envp, const char *cwd, struct fdmap *m,
		 latch_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int rc;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = fdmap_actions(m, &fa, err);
	if (rc == 0 && cwd && posix_spawn_file_actions_addchdir_np(&fa, cwd) != 0)
		rc = fail(err, LATCH_ERR_SYSTEM, "latch_spawn: posix_spawn_file_actions_addchdir_np");
	if (rc == 0) {
		errno = posix_spawn(pid, helper, &fa, &attr, argv, envp);
		if (errno)
			rc = fail_sys(err, LATCH_ERR_SPAWN, "latch_spawn: cannot start the helper '%s'%s",
				      helper, cwd ? " (or enter the spawn's cwd)" : "");
	}
	fdmap_close(m);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

/* latch's exit status from a wait status. */
static int exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The helper's status line, read up to its newline; an empty string when
 * the helper ended or closed the pipe first (fdio.h: never waiting on a
 * pipe that the helper's own children may hold open). */
static char *read_status(int fd, int pidfd)
{
	char *buf = xmalloc(STATUS_MAX + 1);
	size_t len = fd_read(fd, pidfd, buf, STATUS_MAX, true);

	buf[memchr(buf, '\n', len) ? len : 0] = '\0';
	return buf;
}

/* The session's id and log from the helper's status line; else the helper
 * ended before its session began, and is reaped. */
static int began(struct child *c, int status_fd, latch_error *err)
{
	char *line = read_status(status_fd, c->pidfd);
	cJSON *o = cJSON_Parse(line);
	const cJSON *id = cJSON_GetObjectItem(o, "session");
	const cJSON *log = cJSON_GetObjectItem(o, "audit");
	int st, rc = LATCH_OK;

	if (cJSON_IsString(id) && cJSON_IsString(log)) {
		c->session = xstrdup(id->valuestring);
		c->audit = xstrdup(log->valuestring);
	} else {
		while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
			;
		c->reaped = true;
		c->status = exit_status(st);
		rc = fail(err, LATCH_ERR_SPAWN,
			  "latch_spawn: latch ended with status %d before the session began (its reason is on the stderr given to the spawn)",
			  c->status);
	}
	cJSON_Delete(o);
	free(line);
	return rc;
}

static int check_spawn_args(const char *const *argv, const latch_spawn_opts *o,
			    latch_child *out, latch_error *err)
{
	if (out == NULL || argv == NULL || argv[0] == NULL || argv[0][0] == '\0') {
		fail(err, LATCH_ERR_ARG, "latch_spawn: needs a command (argv[0] set, argv NULL-terminated) and a place for the handle");
		return LATCH_ERR_ARG;
	}
	if (o && o->helper && o->helper[0] != '/') {
		fail(err, LATCH_ERR_ARG, "latch_spawn: the helper '%s' is not an absolute path", o->helper);
		return LATCH_ERR_ARG;
	}
	if (o && (o->stdin_fd < -1 || o->stdout_fd < -1 || o->stderr_fd < -1)) {
		fail(err, LATCH_ERR_ARG, "latch_spawn: a descriptor is below -1 (-1: the caller's own)");
		return LATCH_ERR_ARG;
	}
	return LATCH_OK;
}

/* The helper started for `p` and its session begun (or failed). */
static int spawn(const struct policy *p, const char *const *argv,
		 const latch_spawn_opts *o, struct child *c, latch_error *err)
{
	struct strv a = { 0 };
	struct fdmap m = { .src = { o->stdin_fd, o->stdout_fd, o->stderr_fd, -1, -1, -1 } };
	int pipefd[2] = { -1, -1 }, memfd = -1, envfd = -1, rc;
	char *helper = o->helper ? xstrdup(o->helper) : find_helper();

	for (int i = 0; i < 3; i++)
		if (m.src[i] < 0)
			m.src[i] = i;
	if (helper == NULL) {
		rc = fail(err, LATCH_ERR_SPAWN, "latch_spawn: the latch program was not found beside liblatch (%s) nor in %s; give its path in latch_spawn_opts.helper",
			  datadir_image() ? datadir_image() : "?", LATCH_BINDIR);
		goto out;
	}
	if ((p->yaml && (memfd = sealed_memfd("latch-profile", p->yaml, strlen(p->yaml), err)) < 0) ||
	    (o->envp && (envfd = env_memfd(o->envp, err)) < 0)) {
		rc = LATCH_ERR_SYSTEM;
		goto out;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		rc = fail_sys(err, LATCH_ERR_SYSTEM, "latch_spawn: pipe2");
		goto out;
	}
	m.src[FD_PROFILE] = memfd;
	m.src[FD_STATUS] = pipefd[1];
	m.src[FD_ENV] = envfd;
	helper_argv(&a, helper, p, o, argv);
	/* latch itself runs in the caller's environment: which profiles,
	 * data and state it uses is not the command's to choose */
	rc = start(&c->pid, helper, a.v, environ, o->cwd, &m, err);
	close(pipefd[1]);
	pipefd[1] = -1;
	if (rc == 0) {
		c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
		rc = c->pidfd < 0 ? fail_sys(err, LATCH_ERR_SYSTEM, "latch_spawn: pidfd_open")
				  : began(c, pipefd[0], err);
	}
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (memfd >= 0)
		close(memfd);
	if (envfd >= 0)
		close(envfd);
	strv_free(&a);
	free(helper);
	return rc;
}

int latch_spawn(latch_policy h, const char *const *argv,
		const latch_spawn_opts *opts, latch_child *out,
		latch_error *err)
{
	latch_spawn_opts dflt;
	struct policy *p;
	struct child *c;
	int rc;

	latch_spawn_opts_init(&dflt);
	if (out)
		*out = 0;
	rc = check_spawn_args(argv, opts, out, err);
	if (rc < 0)
		return rc;
	p = hold_or_fail(h, HANDLE_POLICY, "latch_spawn", err);
	if (p == NULL)
		return LATCH_ERR_HANDLE;
	c = xcalloc(1, sizeof(*c));
	c->pidfd = -1;
	pthread_mutex_init(&c->lock, NULL);
	rc = spawn(p, argv, opts ? opts : &dflt, c, err);
	handle_drop(h);
	if (rc == 0 && (*out = handle_add(HANDLE_CHILD, c, child_destroy)) == 0)
		rc = fail(err, LATCH_ERR_LIMIT, "latch_spawn: too many live liblatch handles; free some with latch_child_free()");
	if (rc < 0) {
		child_destroy(c);
		return rc;
	}
	return ok(err);
}

int latch_child_pid(latch_child h, latch_error *err)
{
	struct child *c = hold_or_fail(h, HANDLE_CHILD, "latch_child_pid", err);
	int pid;

	if (c == NULL)
		return -1;
	pid = c->pid;
	handle_drop(h);
	ok(err);
	return pid;
}

int latch_child_kill(latch_child h, int sig, latch_error *err)
{
	struct child *c = hold_or_fail(h, HANDLE_CHILD, "latch_child_kill", err);
	int rc = LATCH_OK;

	if (c == NULL)
		return LATCH_ERR_HANDLE;
	if (sig < 0 || sig >= NSIG)
		rc = fail(err, LATCH_ERR_ARG, "latch_child_kill: %d is not a signal", sig);
	else if (syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0) < 0)
		rc = fail_sys(err, LATCH_ERR_SYSTEM, "latch_child_kill: signal %d to latch (pid %d)", sig, (int)c->pid);
	handle_drop(h);
	return rc ? rc : ok(err);
}

int latch_wait(latch_child h, int *status, latch_error *err)
{
	struct child *c;
	int st, rc = LATCH_OK;

	if (status == NULL)
		return fail(err, LATCH_ERR_ARG, "latch_wait: needs a place for the status");
	c = hold_or_fail(h, HANDLE_CHILD, "latch_wait", err);
	if (c == NULL)
		return LATCH_ERR_HANDLE;
	pthread_mutex_lock(&c->lock);
	if (!c->reaped) {
		pid_t r;

		while ((r = waitpid(c->pid, &st, 0)) < 0 && errno == EINTR)
			;
		if (r < 0) {
			rc = fail_sys(err, LATCH_ERR_SYSTEM, "latch_wait: waitpid (pid %d; did the caller reap it?)", (int)c->pid);
			if (errno == ECHILD) {
				c->reaped = true;
				c->status = -1;
			}
		} else {
			c->reaped = true;
			c->status = exit_status(st);
		}
	}
	*status = c->reaped ? c->status : -1;
	pthread_mutex_unlock(&c->lock);
	handle_drop(h);
	return rc ? rc : ok(err);
}

static char *child_string(latch_child h, const char *fn, bool audit,
			  latch_error *err)
{
	struct child *c = hold_or_fail(h, HANDLE_CHILD, fn, err);
	char *s;

	if (c == NULL)
		return NULL;
	s = xstrdup(audit ? c->audit : c->session);
	handle_drop(h);
	ok(err);
	return s;
}

char *latch_child_audit_path(latch_child h, latch_error *err)
{
	return child_string(h, "latch_child_audit_path", true, err);
}

char *latch_child_session(latch_child h, latch_error *err)
{
	return child_string(h, "latch_child_session", false, err);
}

int latch_child_free(latch_child h, latch_error *err)
{
	struct child *c = hold_or_fail(h, HANDLE_CHILD, "latch_child_free", err);

	if (c == NULL)
		return LATCH_ERR_HANDLE;
	/* SIGTERM first: latch ends its command and whatever that left (a
	 * SIGKILL would leave the command's children unsupervised); a thread
	 * waiting for it returns then; the last holder reaps it */
	if (syscall(SYS_pidfd_send_signal, c->pidfd, SIGTERM, NULL, 0) == 0) {
		struct pollfd pfd = { .fd = c->pidfd, .events = POLLIN };

		while (poll(&pfd, 1, FREE_GRACE_MS) < 0 && errno == EINTR)
			;
		if (pfd.revents == 0)
			(void)syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	}
	handle_drop(h);
	if (handle_remove(h, HANDLE_CHILD) < 0)
		return fail(err, LATCH_ERR_HANDLE, "latch_child_free: %u was freed by another thread meanwhile", h);
	return ok(err);
}
