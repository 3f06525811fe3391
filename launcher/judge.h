/* judge.h — the supervisor's answer to one execve/execveat in the sandbox.
 *
 * The sandbox's seccomp filter parks every exec on the listener descriptor.
 * For each, the judge reads the caller's path and argv from its memory
 * (callmem.h; bounded: an argv beyond the limits is refused, never
 * truncated) and its cwd from /proc, asks the rule engine and answers:
 * continue the exec (logged once the answer took: it fails when the caller
 * is gone, whose pid could be another process's by then), or, once the
 * notification is checked still valid (SECCOMP_IOCTL_NOTIF_ID_VALID), fail
 * it with EPERM and one line on latch's stderr:
 *   latch: blocked: rm -rf /home/u (rule rm-outside-roots: …)
 * and the explanation on the caller's stderr (tell.h). A program refused
 * for a command it would run (a shell for its script) is ended instead,
 * once told, its exec never continued: its runner reads why.
 * argv lives in the caller's memory: another thread of the caller can change
 * it after it was read (docs/threat-model.md).
 */
#ifndef LATCH_JUDGE_H
#define LATCH_JUDGE_H

#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../common/strv.h"
#include "../rollback/snapshot.h"
#include "../rules/rule.h"
#include "realname.h"

struct identity;
struct audit_log;
struct objstore;

/* What judging needs. An exec of the session's shim (shims.h; dev/ino of
 * its binary, 0 when there is none) is always continued: the shim judges
 * it with the same rules, explains a refusal to the agent and execs the
 * real program, which is judged again. A refusal is still printed and
 * logged here; anything else is left to the real program's exec. */
struct judge_setup {
	const struct rules *rules;
	const char *profile;    /* the session's, for the refusals the caller
				   reads (tell.h) */
	struct rules_roots roots;
	struct audit_log *log;  /* may be NULL */
	bool monitor;           /* judge and log, refuse nothing */
	/* the snapshot store (rollback/): the workspace is snapshotted
	 * before an exec a rule marks `snapshot`, which is refused if that
	 * fails; NULL: such execs are allowed and logged */
	struct objstore *store;
	const char *session;    /* the session's id, for the snapshots */
	/* latch's own binary: `latch snapshot` run inside the session is a
	 * request the supervisor fulfils (the store is hidden there) */
	dev_t self_dev;
	ino_t self_ino;
	/* how the snapshots are taken (the profile's patterns and limits;
	 * the judge sets the trigger) */
	struct snap_opts snap;
	bool anonymous;         /* memfd/O_TMPFILE execs allowed (profile) */
	/* whether the sandbox may write directory `dir` (its entries could
	 * be replaced between judging and exec); may be NULL */
	bool (*writable)(const char *dir, void *ctx);
	void *writable_ctx;
	dev_t shim_dev;
	ino_t shim_ino;
	/* after the first exec, in the judge's thread (may be NULL): called
	 * once, then told each program the `prefix*` scan finds
	 * (identity.h): the shims' links (shims.h) */
	void (*commands)(void *ctx);
	void (*prefixed)(const char *name, void *ctx);
	void *scan_ctx;
};

struct judge {
	int listener;          /* -1 until the child publishes it */
	int wake;              /* eventfd: a listener was published, or stop */
	int stop;
	pthread_t thread;
	struct judge_setup set;
	struct identity *id;   /* made by the thread before the first exec */
	struct realnames names; /* real paths of what was exec'd */
	int root;              /* O_PATH: the sandbox's root (target.h), or -1 */
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	unsigned long allowed, denied;
	unsigned long received; /* notifications taken */
	pid_t command;         /* the session's command: the first caller */
	unsigned last_pid;     /* the last refusal printed, to print a retry */
	char last_line[512];   /* along the PATH (execvp) only once */
	unsigned asked_pid;    /* the last question, to ask a retry */
	char asked_line[512];  /* along the PATH only once */
	int asked;             /* its answer (enum answer) */
	char snapshot[64];     /* the snapshot taken for this exec, or "" */
	char snapshot_err[1200]; /* why it could not be taken */
};

/* Start judging on a thread of its own (signals blocked, as the caller's
 * are, but SIGRTMIN+1: judge_stop's, given a handler that does nothing),
 * so that the command can be started vfork-style: the supervisor's main
 * thread is suspended until the command's first exec, which this thread
 * answers. -1 with errno when it cannot start. */
int judge_start(struct judge *j, const struct judge_setup *s);
/* Called by the child, which shares latch's memory and descriptor table
 * until it execs: serve `listener` (close-on-exec). Async-signal-safe. */
void judge_publish(struct judge *j, int listener);
/* Stop judging and wait for the thread; the listener is closed, so any exec
 * still to come under the filter fails. Frees all but the counts. */
void judge_stop(struct judge *j);

#endif
