#include "judge.h"
#include "snaplog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "callmem.h"
#include "identity.h"
#include "target.h"
#include "tell.h"
#include "ask.h"
#include "../shim/explain.h"
#include "verify.h"
#include "../audit/log.h"
#include "../rollback/snapshot.h"

/* Linux >= 6.6 (Debian 12's headers predate it): the supervisor is woken
 * on the notifying task's CPU, and that task on the supervisor's when the
 * answer comes, with no cross-CPU wakeups (a 2000-exec shell loop: about
 * 5% faster). Set after the first exec's directory scan, which would
 * otherwise share the command's CPU. Older kernels refuse it (EINVAL):
 * nothing changes then. */
#define LATCH_NOTIF_SET_FLAGS _IOW(SECCOMP_IOC_MAGIC, 4, uint64_t)
#define LATCH_NOTIF_SYNC_WAKE_UP 1ULL

struct exec_call {
	struct callmem mem;  /* where its path and argv are in the caller */
	char *path;
	char **argv;
	size_t argc;
	char cwd[PATH_MAX];
	char exe[PATH_MAX];  /* the file it runs, by its real path */
	struct target t;     /* the file it runs */
	const char *refusal; /* set when the call cannot be judged */
	bool inner;          /* refused for a command it would run (a shell's
				script, env's command …), by every name */
};

static void call_free(struct exec_call *c)
{
	for (size_t i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	free(c->path);
	target_close(&c->t);
}

/* The sandbox's root, opened from the first caller: the same for every
 * task under the filter (target.h). -1 when it cannot be opened. */
static int sandbox_root(struct judge *j, pid_t pid)
{
	char proc[64];

	if (j->root < 0) {
		snprintf(proc, sizeof(proc), "/proc/%d/root", (int)pid);
		j->root = open(proc, O_PATH | O_CLOEXEC);
	}
	return j->root;
}

static void read_call(struct judge *j, const struct seccomp_notif *req,
		      struct exec_call *c)
{
	char proc[64];
	bool at = req->data.nr == SCMP_SYS(execveat);
	uint64_t path = req->data.args[at ? 1 : 0];
	uint64_t argv = req->data.args[at ? 2 : 1];
	pid_t pid = (pid_t)req->pid;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	c->t.fd = -1;
	snprintf(proc, sizeof(proc), "/proc/%u/cwd", req->pid);
	n = readlink(proc, c->cwd, sizeof(c->cwd) - 1);
	c->cwd[n > 0 ? n : 0] = '\0';
	if (c->cwd[0] != '/') {
		c->refusal = "the calling process cannot be inspected";
		return;
	}
	c->path = callmem_path(&c->mem, pid, path, argv);
	if (c->path == NULL) {
		c->refusal = "its path cannot be read";
		return;
	}
	if (sandbox_root(j, pid) < 0) {
		c->refusal = "the calling process cannot be inspected";
		return;
	}
	target_open(&c->t, pid, j->root, c->cwd,
		    at ? (int)req->data.args[0] : AT_FDCWD, c->path,
		    at ? (int)req->data.args[4] : 0);
	if (c->t.fd < 0 && c->t.refusal == NULL)
		return; /* nothing there (a PATH miss): argv is not needed */
	c->refusal = callmem_argv(&c->mem, c->path, &c->argv, &c->argc);
	if (c->refusal)
		return;
	if (c->t.refusal)
		c->refusal = c->t.refusal;
	else if (!j->set.anonymous && c->t.fd >= 0 && S_ISREG(c->t.st.st_mode) &&
		 c->t.st.st_nlink == 0)
		c->refusal = "it runs a file with no name on disk (memfd, O_TMPFILE or deleted), whose content latch cannot judge";
}

/* The argv (without one, the path) as one line for messages, escaped and
 * cut at `size` with "..." (strv_line). */
static void argv_line(const struct exec_call *c, char *line, size_t size)
{
	if (c->argc == 0)
		strv_line((const char *const *)&c->path, 1, line, size);
	else
		strv_line((const char *const *)c->argv, c->argc, line, size);
}

/* "latch: blocked: ARGV (rule ID: reason)", or "latch: monitor: would
 * block: …". False (and silent) for the same exec retried along PATH. */
static bool say_blocked(struct judge *j, unsigned pid,
			const struct exec_call *c, const char *why,
			const struct decision *d)
{
	const char *verb = j->set.monitor ? "monitor: would block" : "blocked";
	char line[512];

	argv_line(c, line, sizeof(line));
	if (pid == j->last_pid && strcmp(line, j->last_line) == 0)
		return false; /* the same exec retried along PATH */
	j->last_pid = pid;
	snprintf(j->last_line, sizeof(j->last_line), "%s", line);
	if (d && d->rule)
		dprintf(2, "latch: %s: %s (rule %s: %s)\n", verb, line, d->rule,
			d->reason);
	else
		dprintf(2, "latch: %s: %s (%s)\n", verb, line, why);
	return true;
}

/* The refusal say_blocked() just printed, on the caller's own stderr too
 * (tell.h): the words the shim would have said. Whether they are there. */
static bool tell_refused(const struct judge *j, const char *why,
			 const struct decision *d)
{
	char *text = explain_refusal(j->last_line, d ? d->rule : NULL,
				     d ? d->reason : why, false,
				     j->set.profile ? j->set.profile : "?");
	bool told = tell_task((pid_t)j->req->pid, text);

	free(text);
	return told;
}

/* The user's answer to an `ask` decision: asked once per command, not per
 * PATH entry. */
static enum answer ask(struct judge *j, unsigned pid,
		       const struct exec_call *c, const struct decision *d)
{
	char line[512], *question;

	argv_line(c, line, sizeof(line));
	if (pid == j->asked_pid && strcmp(line, j->asked_line) == 0)
		return (enum answer)j->asked;
	question = xasprintf("latch: %s\n  asks for confirmation (rule %s: %s).\n  Run it?",
			     line, d->rule, d->reason);
	j->asked = (int)ask_user(question);
	free(question);
	j->asked_pid = pid;
	snprintf(j->asked_line, sizeof(j->asked_line), "%s", line);
	return (enum answer)j->asked;
}

/* The names of what runs at this level: as invoked, as found on disk, and
 * what its identity says it is. Returns the strongest wrapper kind. */
static enum wrapper known_as(struct judge *j, const char *path, int fd,
			     const struct stat *st, struct strv *names,
			     char real[PATH_MAX])
{
	enum wrapper w = WRAP_NONE;

	strv_free(names);
	strv_push(names, unwrap_base(path));
	real[0] = '\0';
	if (fd >= 0) {
		realname_of(&j->names, path, fd, st, real);
		if (!strv_contains(names, unwrap_base(real)))
			strv_push(names, unwrap_base(real));
		w = identity_of(j->id, fd, st, names);
	}
	for (size_t i = 0; i < names->n; i++)
		if (unwrap_kind(names->v[i]) > w)
			w = unwrap_kind(names->v[i]);
	return w;
}

/* The most restrictive decision over every name what runs is known by,
 * with the ELF loader and multi-call binaries seen through (unwrap.h).
 * *argv_matters: whether another argv could change it (a rule applies to
 * some name, or a wrapper was seen through). */
static struct decision decide(struct judge *j, pid_t pid,
			      struct exec_call *c, bool *argv_matters)
{
	const char *const *argv = (const char *const *)c->argv;
	size_t argc = c->argc;
	const char *path = c->path;
	struct target inner = { .fd = -1 };
	const struct target *t = &c->t;
	struct strv names = { 0 };
	struct decision d = { .action = ACTION_ALLOW };
	char real[PATH_MAX];

	for (int depth = 0;; depth++) {
		enum wrapper w = known_as(j, path, t->fd, &t->st, &names, real);
		size_t k;

		if (depth == 0)
			snprintf(c->exe, sizeof(c->exe), "%s", real);
		if (w == WRAP_LOADER && depth < 4 &&
		    (k = unwrap_loader(argv, argc)) != 0) {
			path = argv[k];
			argv += k;
			argc -= k;
			target_close(&inner);
			target_open(&inner, pid, j->root, c->cwd, AT_FDCWD,
				    path, 0);
			t = &inner;
			continue;
		}
		if (w == WRAP_MULTICALL) {
			const char *self = real[0] ? unwrap_base(real) : names.v[0];
			const char *applet = unwrap_applet(self, argv, argc, &k);

			if (applet) {
				strv_push(&names, applet);
				argv += k;
				argc -= k;
			}
		}
		break;
	}
	*argv_matters = argv != (const char *const *)c->argv;
	for (size_t i = 0; i < names.n; i++) {
		struct decision one = rules_decide_as(j->set.rules, names.v[i], argv,
						      argc, c->cwd, &j->set.roots);

		*argv_matters |= rules_controls(j->set.rules, names.v[i]);
		if (one.action > d.action)
			d = one;
		else if (one.action == d.action && !one.inner)
			d.inner = false; /* another name refuses it for itself */
	}
	c->inner = d.inner;
	target_close(&inner);
	strv_free(&names);
	return d;
}

/* Whether the kernel, resolving the exec's path again after the answer,
 * could find another file there: a directory on the way (lexically, as
 * invoked, and where the file really is) is writable in the sandbox.
 * (Symlinks met halfway are not checked; system directories are not
 * writable.) */
static bool swappable(const struct judge *j, const struct exec_call *c)
{
	char dir[2 * PATH_MAX + 2], *slash;
	const char *at[2] = { c->path, c->exe };

	if (j->set.writable == NULL || c->t.fd < 0)
		return false;
	for (size_t i = 0; i < 2; i++) {
		if (at[i][0] == '\0')
			continue;
		if (at[i][0] == '/')
			snprintf(dir, sizeof(dir), "%s", at[i]);
		else
			snprintf(dir, sizeof(dir), "%s/%s", c->cwd, at[i]);
		slash = strrchr(dir, '/');
		*(slash == dir ? slash + 1 : slash) = '\0';
		if (j->set.writable(dir, j->set.writable_ctx))
			return true;
	}
	return false;
}

/* Continue an allowed exec. When another task could rewrite the caller's
 * argv meanwhile and another argv could be judged otherwise, or the path
 * could name another file by the time the kernel resolves it again, watch
 * the new image and kill it if it is not what was judged (verify.h).
 * Under --monitor nothing is killed. False when the caller was gone by
 * the answer: what was read of it may be another process's, nothing is
 * to be logged. *refused: why it was refused after all, or NULL. */
static bool allowed(struct judge *j, const struct exec_call *c,
		    const struct caller *who, bool argv_matters,
		    const char **refused)
{
	static const char untraceable[] = "it is traced already, so what it runs cannot be checked after the exec (its argv could change, or its file be replaced)";
	static const char *const killed[] = {
		[VERIFY_KILLED] = "its argv changed after it was judged: killed before it ran",
		[VERIFY_SWAPPED] = "the file at its path was replaced after it was judged: killed before it ran",
	};
	struct watch w;
	struct stat image;
	bool argv_watch = !j->set.monitor && argv_matters && verify_needed(who);
	bool file_watch = !j->set.monitor && swappable(j, c) &&
			  target_image(&c->t, j->root, &image);
	enum verdict v;

	*refused = NULL;
	if (argv_watch || file_watch) {
		/* to trace the caller, it must be the one that was read */
		if (seccomp_notify_id_valid(j->listener, j->req->id) != 0)
			return false;
		if (verify_arm(&w, who->tid, who->tgid) < 0) {
			j->resp->error = -EPERM;
			j->denied++;
			say_blocked(j, j->req->pid, c, untraceable, NULL);
			seccomp_notify_respond(j->listener, j->resp);
			*refused = untraceable;
			return true;
		}
	}
	/* else the answer checks the id itself: it fails once the caller is
	 * gone (killed, or interrupted and to exec again under a new id) */
	j->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (seccomp_notify_respond(j->listener, j->resp) < 0) {
		if (argv_watch || file_watch)
			verify_cancel(&w);
		return false;
	}
	j->allowed++;
	if (!argv_watch && !file_watch)
		return true;
	v = verify_after(&w, argv_watch ? c->argv : NULL, c->argc,
			 file_watch ? &image : NULL);
	if (v != VERIFY_KILLED && v != VERIFY_SWAPPED)
		return true;
	dprintf(2, "latch: killed process %d: %s (allowed: %s …)\n",
		(int)who->tgid,
		v == VERIFY_KILLED ? "its argv changed after it was judged"
				   : "the file at its path was replaced after it was judged",
		c->argc ? c->argv[0] : c->path);
	*refused = killed[v];
	return true;
}

/* The audit record of one judged exec. */
static void log_exec(struct judge *j, const struct exec_call *c,
		     const struct caller *who, const struct decision *d,
		     const char *answer, bool enforced, bool shim)
{
	struct audit_exec ev = {
		.pid = who->tgid, .ppid = who->ppid,
		.exe = c->exe[0] ? c->exe : NULL,
		.argv = c->argv, .argc = c->argc, .cwd = c->cwd,
		.decision = c->refusal ? "deny" : action_name(d->action),
		.rule = c->refusal ? NULL : d->rule, .reason = c->refusal,
		.answer = answer, .enforced = enforced, .shim = shim,
		.snapshot = j->snapshot[0] ? j->snapshot : NULL,
	};

	if (j->set.log)
		audit_exec(j->set.log, &ev);
}

/* `latch snapshot` run inside the session (latch's own binary). */
static bool asks_snapshot(const struct judge *j, const struct exec_call *c)
{
	return j->set.self_ino != 0 && c->t.fd >= 0 &&
	       c->t.st.st_dev == j->set.self_dev &&
	       c->t.st.st_ino == j->set.self_ino && c->argc >= 2 &&
	       strcmp(c->argv[1], "snapshot") == 0;
}

/* For an exec a rule marks `snapshot`, or `latch snapshot` inside the
 * session: snapshot the workspace first (the exec waits until the
 * snapshot is durable). Returns why the exec is refused (the snapshot
 * failed), or NULL. */
static const char *snapshot_before(struct judge *j, const struct exec_call *c,
				   const struct decision *d)
{
	struct snap_opts o = j->set.snap;
	struct snap_result r = { 0 };
	struct err e;
	int rc;

	o.trigger = "exec";
	if (asks_snapshot(j, c))
		o.trigger = "manual";
	else if (d->action != ACTION_SNAPSHOT)
		return NULL;
	if (j->set.store == NULL || j->set.monitor || o.workdir == NULL)
		return NULL;
	rc = snapshot_take(j->set.store, &o, &r, &e);
	snaplog(j->set.log, &o, rc == 0 ? &r : NULL, e.msg);
	if (rc == 0)
		snprintf(j->snapshot, sizeof(j->snapshot), "%s", r.id);
	else
		snprintf(j->snapshot_err, sizeof(j->snapshot_err),
			 "the snapshot before it failed, so it was not run: %s", e.msg);
	snap_result_free(&r);
	return rc == 0 ? NULL : j->snapshot_err;
}

/* Why an exec is refused, or NULL when it may go on: asks the user when a
 * rule says so (not under --monitor). */
static const char *refusal(struct judge *j, const struct exec_call *c,
			   const struct decision *d, const char **answer)
{
	static const char *const why[] = {
		[ANSWER_NO] = "not confirmed: the answer was no",
		[ANSWER_TIMEOUT] = "not confirmed: no answer in time",
		[ANSWER_NO_TERMINAL] = "asks for confirmation; no terminal to ask on, so refused",
	};
	enum answer a;

	*answer = NULL;
	if (c->refusal)
		return c->refusal;
	if (d->action == ACTION_DENY)
		return "denied";
	if (d->action != ACTION_ASK)
		return NULL;
	if (j->set.monitor)
		return "asks for confirmation";
	a = ask(j, j->req->pid, c, d);
	*answer = answer_name(a);
	return a == ANSWER_YES ? NULL : why[a];
}

static bool is_shim(const struct judge *j, const struct exec_call *c)
{
	return j->set.shim_ino != 0 && c->refusal == NULL && c->t.fd >= 0 &&
	       c->t.st.st_dev == j->set.shim_dev &&
	       c->t.st.st_ino == j->set.shim_ino;
}

/* latch's own shim: continued whatever the rules say (it refuses and
 * explains itself; what it execs is judged again). Its refusal is the
 * session's: printed and logged here, decided as the shim decides, on the
 * name of the link that runs. */
static void shim_exec(struct judge *j, struct exec_call *c,
		      const struct caller *who)
{
	struct decision d;

	realname_of(&j->names, c->path, c->t.fd, &c->t.st, c->exe);
	d = rules_decide_as(j->set.rules, unwrap_base(c->exe),
			    (const char *const *)c->argv, c->argc, c->cwd,
			    &j->set.roots);
	if (seccomp_notify_id_valid(j->listener, j->req->id) != 0)
		return;
	if (d.action == ACTION_DENY && !j->set.monitor &&
	    say_blocked(j, j->req->pid, c, NULL, &d)) {
		log_exec(j, c, who, &d, NULL, true, true);
		j->denied++;
	}
	memset(j->resp, 0, sizeof(*j->resp));
	j->resp->id = j->req->id;
	j->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	seccomp_notify_respond(j->listener, j->resp);
}

/* A program refused by a rule for a command it would run (a shell for
 * its script, env or xargs for their command, an interpreter for its
 * one-liner) was usually started by an agent's command runner: told
 * EPERM, a runner reports a failed spawn and drops the output where latch
 * explained the refusal (tell.h). So once the explanation is written
 * there, the would-be process is ended instead (SIGKILL while its exec is
 * held, never continued: nothing of the new program runs), and the
 * runner reads the explanation and a status of 137. Not the session's
 * command itself (its refusal is latch's exit status 126), not a refusal
 * by an answer or for another reason, not under --monitor. Returns a
 * pidfd of the process, opened before the notification is checked valid
 * (so that it is the caller's), or -1. */
static int to_end(const struct judge *j, const struct exec_call *c,
		  const struct caller *who, const char *answer)
{
	if (j->set.monitor || c->refusal || answer || !c->inner ||
	    !who->known || who->tgid == j->command)
		return -1;
	return (int)syscall(SYS_pidfd_open, who->tgid, 0);
}

/* Refuse the exec (under --monitor: let it go on, saying what would have
 * been refused): one line and one record per command, not per PATH
 * entry; the process ended (to_end) once told why. */
static void refuse(struct judge *j, struct exec_call *c,
		   const struct caller *who, const struct decision *d,
		   const char *why, const char *answer, int end)
{
	/* the rule that decided, unless something else did */
	const struct decision *by = c->refusal || answer ? NULL : d;
	const char *ignored;
	bool told = false;

	if (say_blocked(j, j->req->pid, c, why, by)) {
		log_exec(j, c, who, d, answer, !j->set.monitor, false);
		j->denied += !j->set.monitor;
		if (!j->set.monitor)
			told = tell_refused(j, why, by);
	}
	if (j->set.monitor) {
		(void)allowed(j, c, who, true, &ignored);
		return;
	}
	if (end >= 0 && told)
		(void)syscall(SYS_pidfd_send_signal, end, SIGKILL, NULL, 0);
	j->resp->error = -EPERM;
	seccomp_notify_respond(j->listener, j->resp);
}

/* Receive one exec (waiting for it) and answer it: 0, or 1 when none
 * came (ENOENT: no task is left under the filter, or the exec was
 * withdrawn, its caller killed; EINTR: judge_stop's signal); -1 when the
 * listener has gone away. */
static int judge_one(struct judge *j)
{
	struct exec_call c;
	struct caller who = { 0 };
	struct decision d = { .action = ACTION_DENY };
	const char *why = NULL, *answer = NULL;
	bool argv_matters = true;
	int end = -1;

	memset(j->req, 0, sizeof(*j->req));
	if (seccomp_notify_receive(j->listener, j->req) < 0)
		return errno == ENOENT || errno == EINTR ? 1 : -1;
	/* more than the command's own exec: many decisions are to come,
	 * compile the patterns (this thread is the only one deciding) */
	if (j->received++ == 1)
		(void)rules_jit_now(j->set.rules);
	if (j->command == 0)
		j->command = (pid_t)j->req->pid; /* nothing else runs yet */
	read_call(j, j->req, &c);
	if (c.refusal == NULL && c.t.fd >= 0 && j->set.log && audit_failed(j->set.log))
		c.refusal = "latch's audit log cannot be written (a full disk?): nothing runs unlogged";
	if (c.refusal || c.t.fd >= 0) /* not for a PATH miss */
		caller_read((pid_t)j->req->pid, &who);
	if (is_shim(j, &c)) {
		shim_exec(j, &c, &who);
		call_free(&c);
		return 0;
	}
	if (c.refusal == NULL && c.t.fd >= 0)
		d = decide(j, (pid_t)j->req->pid, &c, &argv_matters);
	if (c.refusal || c.t.fd >= 0)
		why = refusal(j, &c, &d, &answer);
	j->snapshot[0] = '\0';
	if (why == NULL && c.t.fd >= 0)
		why = c.refusal = snapshot_before(j, &c, &d);
	if (why)
		end = to_end(j, &c, &who, answer);
	memset(j->resp, 0, sizeof(*j->resp));
	j->resp->id = j->req->id;
	if (c.refusal == NULL && c.t.fd < 0) {
		/* nothing there to run: fail as the exec itself would
		 * (never continue: the file could appear meanwhile) */
		j->resp->error = -(c.t.err ? c.t.err : ENOENT);
		seccomp_notify_respond(j->listener, j->resp);
	} else if (why == NULL) {
		/* logged once the exec goes on: the caller does not wait for
		 * the write (a refusal is logged before it is answered) */
		if (allowed(j, &c, &who, argv_matters, &c.refusal))
			log_exec(j, &c, &who, &d, answer, true, false);
	} else if (seccomp_notify_id_valid(j->listener, j->req->id) == 0) {
		/* the caller may have died and its pid been reused: a refusal
		 * is said, logged and told only for the caller that was read */
		refuse(j, &c, &who, &d, why, answer, end);
	}
	if (end >= 0)
		close(end);
	call_free(&c);
	return 0;
}

/* judge_stop's signal to the thread: only interrupts its wait for an exec
 * (a handler that does nothing, no SA_RESTART). */
#define STOP_SIGNAL (SIGRTMIN + 1)

static void on_stop_signal(int sig)
{
	(void)sig;
}

static bool stopping(struct judge *j)
{
	return __atomic_load_n(&j->stop, __ATOMIC_ACQUIRE) != 0;
}

/* No task is left under the filter (the listener reports POLLHUP). */
static bool none_left(int listener)
{
	struct pollfd p = { .fd = listener, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* The published listener, waited for; -1 when latch stops first. */
static int listener_of(struct judge *j)
{
	struct pollfd p = { .fd = j->wake, .events = POLLIN };
	int fd;
	uint64_t n;

	while ((fd = __atomic_load_n(&j->listener, __ATOMIC_ACQUIRE)) < 0 &&
	       !stopping(j))
		if (poll(&p, 1, -1) > 0 && read(j->wake, &n, sizeof(n)) < 0 &&
		    errno != EAGAIN)
			break;
	return fd;
}

/* The thread: wait for the listener, then answer until no task is left
 * under the filter or latch stops judging. Each exec is waited for in the
 * receive itself (SECCOMP_IOCTL_NOTIF_RECV blocks): one call per exec
 * where a poll and then the receive took two. Closing the listener on the
 * way out fails every exec still to come: never unsupervised. */
static void *serve(void *arg)
{
	struct judge *j = arg;
	bool scanned = false;
	sigset_t stop;
	int listener, rc;

	j->id = identity_new(j->set.rules); /* while the child sets up */
	sigemptyset(&stop);
	sigaddset(&stop, STOP_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
	if ((listener = listener_of(j)) < 0)
		return NULL; /* stopped before a listener came */
	while (!stopping(j) && (rc = judge_one(j)) >= 0) {
		if (rc == 1 && none_left(listener))
			break;
		if (rc == 0 && !scanned) { /* the first exec went on: scan */
			if (j->set.commands)
				j->set.commands(j->set.scan_ctx);
			identity_scan_prefixes(j->id, &j->stop, j->set.prefixed,
					       j->set.scan_ctx);
			scanned = true;
			/* only now: a wakeup on the caller's CPU would have
			 * had the scan compete with the command for it */
			(void)ioctl(listener, LATCH_NOTIF_SET_FLAGS,
				    LATCH_NOTIF_SYNC_WAKE_UP);
		}
	}
	close(listener);
	return NULL;
}

int judge_start(struct judge *j, const struct judge_setup *s)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	int er;

	memset(j, 0, sizeof(*j));
	j->listener = j->root = -1;
	j->set = *s;
	sigemptyset(&sa.sa_mask);
	if (sigaction(STOP_SIGNAL, &sa, NULL) < 0)
		return -1;
	j->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (j->wake < 0)
		return -1;
	if (seccomp_notify_alloc(&j->req, &j->resp) != 0) {
		close(j->wake);
		errno = ENOMEM;
		return -1;
	}
	er = pthread_create(&j->thread, NULL, serve, j);
	if (er != 0) {
		seccomp_notify_free(j->req, j->resp);
		close(j->wake);
		errno = er;
		return -1;
	}
	return 0;
}

static void wake(struct judge *j)
{
	uint64_t one = 1;

	while (write(j->wake, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

void judge_publish(struct judge *j, int listener)
{
	__atomic_store_n(&j->listener, listener, __ATOMIC_RELEASE);
	wake(j);
}

void judge_stop(struct judge *j)
{
	struct timespec at;

	__atomic_store_n(&j->stop, 1, __ATOMIC_RELEASE);
	wake(j);
	/* a thread waiting in the receive is interrupted; signalled again
	 * until it ends, in case it was about to wait when the first came */
	do {
		pthread_kill(j->thread, STOP_SIGNAL);
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_nsec += 10 * 1000 * 1000;
		if (at.tv_nsec >= 1000000000L) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000L;
		}
	} while (pthread_clockjoin_np(j->thread, NULL, CLOCK_MONOTONIC, &at) ==
		 ETIMEDOUT);
	identity_free(j->id);
	realnames_free(&j->names);
	if (j->root >= 0)
		close(j->root);
	close(j->wake);
	seccomp_notify_free(j->req, j->resp);
	j->req = NULL;
	j->resp = NULL;
	j->id = NULL;
	j->wake = j->listener = j->root = -1; /* the counts stay, for the audit */
}
