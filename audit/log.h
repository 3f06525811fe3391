/* log.h — the session's audit log: one JSON object per line (cJSON),
 * sealed into a hash chain (chain.h), appended as each event happens: one
 * write(2) per event, O_APPEND, no fsync. A kill of latch loses at most
 * the record it was writing (a torn last line, reported as such); a crash
 * of the machine may lose what the kernel had not written.
 *
 * Where: $XDG_STATE_HOME/latch/sessions/ID/events.jsonl (latch's state dir,
 * hidden from every sandbox), ID = UTC start time + latch's pid
 * (20261128T163455Z-12345). While latch runs it holds an exclusive flock
 * on the log. The session's begin and its close (final head, count, an
 * optional Ed25519 signature) go to the ledger (ledger.h).
 *
 * Records, each with "seq" (from 1), "time" (UTC, ISO 8601 with
 * milliseconds), "event", and last "chain":
 *   start: latch version, profile, workdir, command argv, monitor, plan
 *          (the capability set and what the kernel enforces, as `latch run
 *          --dry-run --json` shows it)
 *   exec:  pid, ppid, exe (the file that runs), argv (secrets redacted,
 *          redact.h), cwd, decision (allow|log|snapshot|ask|deny),
 *          rule (id or null), reason (why it was refused, when no rule
 *          decided), answer (to an ask: yes|no|timeout|no terminal),
 *          enforced (false under --monitor), shim (refused by the shim),
 *          snapshot (the id of the snapshot taken before it)
 *   net:   a decision of the network proxy (proxy.h): kind (connect: a
 *          tunnel; http: a forwarded request; route: to a credential
 *          route, named in "route"), host, port, path (http, route;
 *          without its query), decision (allow|deny), reason and status
 *          (the HTTP status answered) of a refusal, address (the one
 *          connected to)
 *   net_end: an allowed connection closed: host, port, bytes_up,
 *          bytes_down
 *   snapshot: trigger (start|exec|manual|end|restore), workdir, and id,
 *          unchanged, files, bytes, ms — or error
 *   restore: id, workdir, undo (the snapshot taken before), paths (0: the
 *          whole workspace), written, deleted, failed, error
 *   prune: snapshots (deleted), kept, objects (deleted), bytes (freed),
 *          error
 *   end:   exit status, execs allowed and refused, net requests allowed
 *          and refused
 */
#ifndef LATCH_AUDIT_LOG_H
#define LATCH_AUDIT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "../common/err.h"
#include "../common/strv.h"

struct audit_log;

struct sign_key;

/* Create the session's directory and log under `state_dir` (latch's own,
 * created beforehand) and begin it in the ledger. With `key` (sign.h,
 * borrowed until audit_close), its close in the ledger is signed. */
struct audit_log *audit_open(const char *state_dir, struct sign_key *key,
			     struct err *e);
const char *audit_path(const struct audit_log *l);
const char *audit_id(const struct audit_log *l); /* the session's id */
/* Whether a write to the log has failed: from then on the session's
 * execs and requests are refused (nothing goes on unlogged). */
bool audit_failed(struct audit_log *l);
/* The environment's secret values the log masks (redact.h). */
const struct strv *audit_secrets(const struct audit_log *l);
/* Close the session in the ledger (with its signature) and free. */
void audit_close(struct audit_log *l);

/* `profile` NULL: a command of latch's own (rollback restore); `plan`
 * (owned; may be NULL): what the session runs under. */
void audit_start(struct audit_log *l, const char *profile, const char *workdir,
		 char *const *argv, bool monitor, cJSON *plan);

struct audit_exec {
	pid_t pid, ppid;
	const char *exe;          /* may be NULL */
	char *const *argv;
	size_t argc;
	const char *cwd;
	const char *decision;     /* action name */
	const char *rule;         /* NULL when no rule decided */
	const char *reason;       /* a refusal's reason when no rule decided */
	const char *answer;       /* decision ask: yes|no|timeout|no terminal */
	bool enforced;
	bool shim;                /* refused by latch's shim, which explained
				     it to the caller (shims.h) */
	const char *snapshot;     /* the snapshot taken before it, or NULL */
};
void audit_exec(struct audit_log *l, const struct audit_exec *ev);

struct audit_net {
	const char *kind;         /* connect | http | route */
	const char *route;        /* route: its name; else NULL */
	const char *host;         /* NULL before the target is known */
	unsigned port;
	const char *path;         /* http: without the query; else NULL */
	const char *decision;     /* allow | deny */
	const char *reason;       /* deny: why */
	int status;               /* deny: the HTTP status answered */
	const char *address;      /* allow: the address connected to */
};
void audit_net(struct audit_log *l, const struct audit_net *ev);
void audit_net_end(struct audit_log *l, const char *host, unsigned port,
		   uint64_t up, uint64_t down);

struct audit_snapshot {
	const char *trigger, *workdir;
	const char *id;           /* NULL: it failed, */
	const char *error;        /* and why */
	bool unchanged;
	uint64_t files, bytes;
	double ms;
};
void audit_snapshot(struct audit_log *l, const struct audit_snapshot *ev);

struct audit_restore {
	const char *id, *workdir, *undo;
	size_t paths;
	unsigned long written, deleted, failed;
	const char *error;        /* NULL unless it stopped */
};
void audit_restore(struct audit_log *l, const struct audit_restore *ev);

struct audit_prune {
	unsigned long snapshots, kept, objects; /* deleted, left, deleted */
	uint64_t bytes;                         /* freed */
	const char *error;                      /* NULL unless it stopped */
};
void audit_prune(struct audit_log *l, const struct audit_prune *ev);

void audit_end(struct audit_log *l, int status, unsigned long allowed,
	       unsigned long refused);

#endif
