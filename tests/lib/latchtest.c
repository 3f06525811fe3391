/* latchtest.c — see latchtest.h. */
#include "latchtest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct lt_env lt;

/* ---- memory owned by the test ---- */

static void **owned;
static size_t n_owned, cap_owned;

static void *own(void *p)
{
	if (p == NULL) {
		cr_log_error("latchtest: out of memory");
		abort();
	}
	if (n_owned == cap_owned) {
		cap_owned = cap_owned ? cap_owned * 2 : 64;
		owned = realloc(owned, cap_owned * sizeof(*owned));
		if (owned == NULL)
			abort();
	}
	owned[n_owned++] = p;
	return p;
}

char *lt_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		s = NULL;
	return own(s);
}

char *lt_path(const char *base, const char *rel)
{
	return lt_fmt("%s/%s", base, rel);
}

size_t lt_count_lines(const char *text, const char *needle)
{
	size_t n = 0;

	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char *line = strndup(text, len);

		if (line && strstr(line, needle))
			n++;
		free(line);
		text += len + (nl ? 1 : 0);
	}
	return n;
}

bool lt_has_line_prefix(const char *text, const char *prefix)
{
	size_t pl = strlen(prefix);

	for (const char *p = text; p && *p;) {
		if (strncmp(p, prefix, pl) == 0)
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

long lt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- scratch tree ---- */

static bool path_within(const char *inner, const char *outer)
{
	size_t n = strlen(outer);

	return strncmp(inner, outer, n) == 0 &&
	       (inner[n] == '\0' || inner[n] == '/');
}

/* $LATCH_ITEST_TIME_SCALE (latchtest.h). */
static long time_scale(void)
{
	const char *v = getenv("LATCH_ITEST_TIME_SCALE");
	char *end;
	long n = v ? strtol(v, &end, 10) : 1;

	cr_assert(v == NULL || (*v && *end == '\0' && n >= 1 && n <= 20),
		  "LATCH_ITEST_TIME_SCALE '%s' is not a whole number from 1 to 20", v);
	return n;
}

void lt_setup(void)
{
	const char *root = getenv("LATCH_TEST_ROOT");
	const char *latch = getenv("LATCH_BIN");
	const char *data = getenv("LATCH_DATA_DIR");
	char canon[PATH_MAX], tmpl[PATH_MAX];
	int n;
	static const char *const granted[] = {
		"/tmp", "/var/tmp", "/dev", "/usr", "/etc", "/proc", "/opt",
	};

	memset(&lt, 0, sizeof(lt));
	cr_assert(root && latch && data,
		  "LATCH_TEST_ROOT, LATCH_BIN and LATCH_DATA_DIR must be set (run through tests/run-integration)");
	cr_assert(latch[0] == '/' && access(latch, X_OK) == 0,
		  "LATCH_BIN '%s' is not an absolute path to an executable", latch);
	cr_assert(realpath(root, canon) != NULL, "LATCH_TEST_ROOT '%s': %s",
		  root, strerror(errno));
	/* Tests of "outside every grant" mean nothing inside a grant. */
	for (size_t i = 0; i < sizeof(granted) / sizeof(granted[0]); i++)
		cr_assert(!path_within(canon, granted[i]),
			  "LATCH_TEST_ROOT '%s' lies inside %s, which the default profile grants",
			  canon, granted[i]);
	n = snprintf(tmpl, sizeof(tmpl), "%s/%s.%s.XXXXXX", canon,
		     criterion_current_suite ? criterion_current_suite->name : "t",
		     criterion_current_test ? criterion_current_test->name : "t");
	cr_assert(n > 0 && (size_t)n < sizeof(tmpl) - 16,
		  "LATCH_TEST_ROOT is too long");
	cr_assert(mkdtemp(tmpl) != NULL, "mkdtemp %s: %s", tmpl,
		  strerror(errno));
	n = snprintf(lt.root, sizeof(lt.root), "%s", tmpl);
	n += snprintf(lt.home, sizeof(lt.home), "%s/home", tmpl);
	n += snprintf(lt.work, sizeof(lt.work), "%s/work", tmpl);
	cr_assert(n > 0);
	lt_mkdir(lt.home);
	lt_mkdir(lt.work);
	lt.latch = latch;
	lt.data_dir = data;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static int chmod_one(const char *path, const struct stat *st, int flag,
		     struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D || flag == FTW_DNR)
		chmod(path, (st->st_mode & 07777) | S_IRWXU);
	return 0;
}

void lt_teardown(void)
{
	if (lt.root[0]) {
		nftw(lt.root, chmod_one, 16, FTW_PHYS);
		nftw(lt.root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	for (size_t i = 0; i < n_owned; i++)
		free(owned[i]);
	free(owned);
	owned = NULL;
	n_owned = cap_owned = 0;
	memset(&lt, 0, sizeof(lt));
}

/* ---- files ---- */

void lt_mkdir(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		cr_assert(mkdir(buf, 0755) == 0 || errno == EEXIST,
			  "mkdir %s: %s", buf, strerror(errno));
		*p = c;
		if (c == '\0')
			break;
	}
}

static void mkparent(const char *path)
{
	char buf[PATH_MAX];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	if (slash && slash != buf) {
		*slash = '\0';
		lt_mkdir(buf);
	}
}

void lt_write_mode(const char *path, const char *text, mode_t mode)
{
	int fd;
	size_t len = strlen(text);

	mkparent(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	cr_assert(fd >= 0, "create %s: %s", path, strerror(errno));
	cr_assert(write(fd, text, len) == (ssize_t)len, "write %s: %s", path,
		  strerror(errno));
	close(fd);
	cr_assert(chmod(path, mode) == 0, "chmod %s: %s", path,
		  strerror(errno));
}

void lt_write(const char *path, const char *text)
{
	lt_write_mode(path, text, 0644);
}

char *lt_profile(const char *name, const char *yaml)
{
	char *path = lt_path(lt.root, lt_fmt("profiles/%s.yaml", name));

	lt_write(path, yaml);
	return path;
}

static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t r;

		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *lt_read(const char *path)
{
	char *s = slurp(path, NULL);

	return s ? own(s) : NULL;
}

char *lt_profile_with_rule(const char *name, const char *id,
			   const char *command, const char *action,
			   const char *reason)
{
	lt_write(lt_path(lt.root, lt_fmt("profiles/%s-pack.yaml", name)),
		 lt_fmt("pack: %s\ndescription: t\nrules:\n"
			"  - id: %s\n    commands: [%s]\n    action: %s\n"
			"    reason: %s\n", name, id, command, action, reason));
	return lt_profile(name, lt_fmt("extends: default\nrules:\n  add: [%s-pack.yaml]\n",
				       name));
}

char *lt_script(const char *text)
{
	static unsigned n;
	char *path = lt_path(lt.work, lt_fmt(".lt-script-%u.sh", n++));

	lt_write(path, text);
	return path;
}

char *lt_victim(void)
{
	char *v = lt_path(lt.root, "victim");

	lt_write(lt_path(v, "precious/data.txt"), "precious\n");
	return v;
}

char *lt_audit_log(void)
{
	char *dir = lt_path(lt.home, ".local/state/latch/sessions");
	DIR *d = opendir(dir);
	struct dirent *de;
	char *id = NULL;
	int n = 0;

	cr_assert_not_null(d, "no sessions directory %s", dir);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			id = lt_fmt("%s", de->d_name);
			n++;
		}
	closedir(d);
	cr_assert_eq(n, 1, "expected one session, found %d", n);
	return lt_read(lt_path(dir, lt_fmt("%s/events.jsonl", id)));
}

void lt_copy(const char *from, const char *to, mode_t mode)
{
	size_t len;
	char *buf = slurp(from, &len);
	int fd;

	cr_assert(buf != NULL, "read %s: %s", from, strerror(errno));
	mkparent(to);
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	cr_assert(fd >= 0, "create %s: %s", to, strerror(errno));
	cr_assert(write(fd, buf, len) == (ssize_t)len, "write %s", to);
	close(fd);
	free(buf);
	cr_assert(chmod(to, mode) == 0, "chmod %s", to);
}

void lt_symlink(const char *target, const char *linkpath)
{
	mkparent(linkpath);
	cr_assert(symlink(target, linkpath) == 0, "symlink %s -> %s: %s",
		  linkpath, target, strerror(errno));
}

bool lt_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* ---- running latch ---- */

static const char *const default_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"LC_ALL=C",
	"LANG=C",
	"TERM=dumb",
};

static size_t name_len(const char *kv)
{
	return strcspn(kv, "=");
}

/* Replace or add `kv` in envp[0..*n); "NAME" alone removes NAME. */
static void env_put(char **envp, size_t *n, char *kv)
{
	size_t nl = name_len(kv);

	for (size_t i = 0; i < *n; i++) {
		if (strncmp(envp[i], kv, nl) == 0 && envp[i][nl] == '=') {
			if (kv[nl] == '=') {
				envp[i] = kv;
			} else {
				memmove(&envp[i], &envp[i + 1],
					(*n - i - 1) * sizeof(*envp));
				(*n)--;
			}
			return;
		}
	}
	if (kv[nl] == '=')
		envp[(*n)++] = kv;
}

static void append(char **buf, size_t *len, size_t *cap, const char *data,
		   size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? *cap * 2 : 4096;
		*buf = realloc(*buf, *cap);
		if (*buf == NULL)
			abort();
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static char *join_argv(char *const *argv)
{
	char *s = NULL;
	size_t len = 0, cap = 0;

	for (size_t i = 0; argv[i]; i++) {
		bool quote = argv[i][0] == '\0' || strpbrk(argv[i], " \t\n'\"$;&|<>*?") != NULL;

		if (i)
			append(&s, &len, &cap, " ", 1);
		if (quote)
			append(&s, &len, &cap, "'", 1);
		append(&s, &len, &cap, argv[i], strlen(argv[i]));
		if (quote)
			append(&s, &len, &cap, "'", 1);
	}
	if (s == NULL)
		s = strdup("");
	return own(s);
}

static _Noreturn void child_exec(char *const *argv, char *const *envp,
				 const char *cwd, int in_fd, int out_fd,
				 int err_fd)
{
	struct sigaction sa;
	sigset_t none;
	int tty;

	setpgid(0, 0);
	/* without a controlling terminal: nothing a test runs may reach the
	 * terminal of whoever runs the tests (an `ask` rule prompts there) */
	tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (tty >= 0) {
		ioctl(tty, TIOCNOTTY);
		close(tty);
	}
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(120);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &sa, NULL);
	/* glibc refuses to touch its reserved signals (32, 33); an ignored one
	 * inherited from the caller (make does this) would look like a latch
	 * leak, so reset them with the raw syscall. */
	for (int s = 32; s < SIGRTMIN; s++) {
		struct { void *handler; unsigned long flags; void *restorer;
			 unsigned long mask; } ksa = { 0 };

		syscall(SYS_rt_sigaction, s, &ksa, NULL, sizeof(ksa.mask));
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	syscall(SYS_close_range, 3U, ~0U, 0U);
	if (chdir(cwd) < 0) {
		dprintf(2, "latchtest: chdir %s: %s\n", cwd, strerror(errno));
		_exit(121);
	}
	execve(argv[0], argv, envp);
	dprintf(2, "latchtest: exec %s: %s\n", argv[0], strerror(errno));
	_exit(122);
}

void lt_spawn(struct lt_proc *p, const struct lt_opts *o,
	      const char *const *args)
{
	static const struct lt_opts none = { 0 };
	size_t nargs = 0, nextra = 0, nenv = 0;
	char **argv, **envp;
	int out[2], err[2], in[2];
	pid_t pid;

	if (o == NULL)
		o = &none;
	cr_assert(lt.latch != NULL, "lt_setup() was not run (.init = lt_setup)");
	memset(p, 0, sizeof(*p));
	while (args[nargs])
		nargs++;
	argv = own(calloc(nargs + 2, sizeof(*argv)));
	argv[0] = (char *)lt.latch;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = (char *)args[i];
	while (o->env && o->env[nextra])
		nextra++;
	envp = own(calloc(8 + nextra + 1, sizeof(*envp)));
	for (size_t i = 0; i < sizeof(default_env) / sizeof(default_env[0]); i++)
		envp[nenv++] = (char *)default_env[i];
	envp[nenv++] = lt_fmt("HOME=%s", lt.home);
	envp[nenv++] = lt_fmt("LATCH_DATA_DIR=%s", lt.data_dir);
	for (size_t i = 0; i < nextra; i++)
		env_put(envp, &nenv, (char *)o->env[i]);
	envp[nenv] = NULL;
	p->cmdline = join_argv(argv);

	cr_assert(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0 &&
		  pipe2(in, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	if (o->input) {
		size_t len = strlen(o->input);

		/* Small inputs fit in the pipe buffer: write before starting. */
		cr_assert(len < 60000, "stdin input too large for the pipe");
		cr_assert(write(in[1], o->input, len) == (ssize_t)len,
			  "write stdin: %s", strerror(errno));
		close(in[1]);
	} else {
		close(in[0]);
		close(in[1]);
		in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	fflush(NULL);
	pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		child_exec(argv, envp, o->cwd ? o->cwd : lt.work, in[0], out[1],
			   err[1]);
	setpgid(pid, pid); /* also in the child: whichever runs first */
	close(in[0]);
	close(out[1]);
	close(err[1]);
	p->pid = pid;
	p->out_fd = out[0];
	p->err_fd = err[0];
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->err_fd, F_SETFL, O_NONBLOCK);
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	cr_assert(p->pidfd >= 0, "pidfd_open: %s", strerror(errno));
	p->started_ms = lt_now_ms();
	p->deadline_ms = p->started_ms + time_scale() *
			 (o->timeout_ms > 0 ? o->timeout_ms : LT_TIMEOUT_MS);
	append(&p->out, &p->out_len, &p->out_cap, "", 0);
	append(&p->err, &p->err_len, &p->err_cap, "", 0);
}

/* Read what is available; false once the descriptor is at EOF. */
static bool drain(int *fd, char **buf, size_t *len, size_t *cap)
{
	char chunk[8192];

	for (;;) {
		ssize_t n = read(*fd, chunk, sizeof(chunk));

		if (n > 0) {
			append(buf, len, cap, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		close(*fd);
		*fd = -1;
		return false;
	}
}

static int code_of(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

struct lt_result lt_wait(struct lt_proc *p)
{
	struct lt_result r = { .code = -1, .cmdline = p->cmdline };
	bool exited = false;
	long drain_until = 0;
	int st = 0;

	for (;;) {
		struct pollfd fds[3];
		nfds_t n = 0;
		long now = lt_now_ms(), limit;

		if (!exited && now >= p->deadline_ms) {
			kill(-p->pid, SIGKILL);
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &st, 0);
			exited = true;
			r.timed_out = true;
			r.exited_ms = lt_now_ms();
			drain_until = r.exited_ms + 200;
		}
		if (exited && (now >= drain_until ||
			       (p->out_fd < 0 && p->err_fd < 0)))
			break;
		limit = exited ? drain_until : p->deadline_ms;
		if (!exited)
			fds[n++] = (struct pollfd){ .fd = p->pidfd, .events = POLLIN };
		if (p->out_fd >= 0)
			fds[n++] = (struct pollfd){ .fd = p->out_fd, .events = POLLIN };
		if (p->err_fd >= 0)
			fds[n++] = (struct pollfd){ .fd = p->err_fd, .events = POLLIN };
		if (poll(fds, n, (int)(limit > now ? limit - now : 0)) < 0 &&
		    errno != EINTR)
			break;
		if (p->out_fd >= 0)
			drain(&p->out_fd, &p->out, &p->out_len, &p->out_cap);
		if (p->err_fd >= 0)
			drain(&p->err_fd, &p->err, &p->err_len, &p->err_cap);
		if (!exited && waitpid(p->pid, &st, WNOHANG) == p->pid) {
			exited = true;
			r.exited_ms = lt_now_ms();
			/* Output still held open by leftovers is not waited for
			 * long: latch is meant to leave none. */
			drain_until = r.exited_ms + 2000;
			if (drain_until > p->deadline_ms + 2000)
				drain_until = p->deadline_ms + 2000;
		}
	}
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	close(p->pidfd);
	if (!r.timed_out)
		r.code = code_of(st);
	r.elapsed_ms = r.exited_ms - p->started_ms;
	r.out = own(p->out);
	r.err = own(p->err);
	memset(p, 0, sizeof(*p));
	return r;
}

struct lt_result lt_runv(const struct lt_opts *o, const char *const *args)
{
	struct lt_proc p;

	lt_spawn(&p, o, args);
	return lt_wait(&p);
}

const char *lt_show(const struct lt_result *r)
{
	return lt_fmt("command: %s\nstatus:  %s%d (after %ld ms)\n"
		      "--- stdout ---\n%.3000s%s\n--- stderr ---\n%.3000s%s\n--------------",
		      r->cmdline ? r->cmdline : "?",
		      r->timed_out ? "TIMED OUT, killed; " : "exit ", r->code,
		      r->elapsed_ms, r->out ? r->out : "",
		      r->out && strlen(r->out) > 3000 ? "[...]" : "",
		      r->err ? r->err : "",
		      r->err && strlen(r->err) > 3000 ? "[...]" : "");
}

bool lt_wait_lines(const char *path, size_t n, int timeout_ms)
{
	long until = lt_now_ms() + timeout_ms;

	for (;;) {
		char *s = slurp(path, NULL);
		size_t lines = 0;

		for (char *c = s; c && *c; c++)
			lines += *c == '\n';
		free(s);
		if (lines >= n)
			return true;
		if (lt_now_ms() >= until)
			return false;
		sleep_ms(10);
	}
}

/* State letter from /proc/PID/stat, or 0. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *rp;
	char st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) != NULL)
		sscanf(rp + 1, " %c", &st);
	fclose(f);
	return st;
}

bool lt_pid_gone(pid_t pid, int timeout_ms)
{
	long until = lt_now_ms() + timeout_ms;

	for (;;) {
		char st;

		if (kill(pid, 0) < 0 && errno == ESRCH)
			return true;
		/* Dead but not yet reaped by whoever inherited it (pid 1 when
		 * latch itself was killed): it is gone all the same. */
		st = proc_state(pid);
		if (st == 'Z' || st == 'X')
			return true;
		if (lt_now_ms() >= until)
			return false;
		sleep_ms(10);
	}
}

const char *lt_comm(pid_t pid)
{
	char *s = lt_read(lt_fmt("/proc/%d/comm", (int)pid));

	if (s == NULL)
		return "?";
	s[strcspn(s, "\n")] = '\0';
	return s;
}

int lt_python_server(const char *code, const char *const *args)
{
	const char *argv[16] = { "python3", "-c", code };
	size_t n = 3;
	char line[16] = "";
	int fds[2];
	pid_t pid;
	FILE *f;

	if (!lt_exists("/usr/bin/python3"))
		cr_skip_test("needs python3");
	while (*args && n < sizeof(argv) / sizeof(argv[0]) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	cr_assert(pipe(fds) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fds[1], 1);
		close(fds[0]);
		execv("/usr/bin/python3", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	cr_assert(f && fgets(line, sizeof(line), f), "the python server did not start");
	fclose(f);
	return atoi(line);
}

void lt_tls_cert(char **cert, char **key)
{
	char *dir = lt_path(lt.root, "tls");

	if (!lt_exists("/usr/bin/openssl"))
		cr_skip_test("needs openssl");
	lt_mkdir(dir);
	*cert = lt_path(dir, "cert.pem");
	*key = lt_path(dir, "key.pem");
	cr_assert_eq(system(lt_fmt("openssl req -x509 -newkey rsa:2048 -nodes -days 1 "
				   "-keyout '%s' -out '%s' -subj /CN=localhost "
				   "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null",
				   *key, *cert)), 0);
}
