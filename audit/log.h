/* log.h — the session's audit log: one JSON object per line (cJSON),
 * appended as each event happens (one write(2) per event, O_APPEND; no
 * fsync: a crash of the machine may lose what the kernel had not written,
 * a kill of latch loses nothing already logged).
 *
 * Where: $XDG_STATE_HOME/latch/sessions/ID/events.jsonl (latch's state dir,
 * hidden from every sandbox), ID = UTC start time + latch's pid
 * (20261128T163455Z-12345). Records, each with "seq" (from 1), "time"
 * (UTC, ISO 8601 with milliseconds) and "event":
 *   start: latch version, profile, workdir, command argv, monitor
 *   exec:  pid, ppid, exe (the file that runs), argv (secrets redacted,
 *          redact.h), cwd, decision (allow|log|snapshot|ask|deny),
 *          rule (id or null), reason (why it was refused, when no rule
 *          decided), answer (to an ask), enforced (false under --monitor),
 *          snapshot (the id of the snapshot taken before it)
 *   net:   a decision of the network proxy (proxy.h): kind (connect: a
 *          tunnel; http: a forwarded request; route: to a credential
 *          route, named in "route"), host, port, path (http, route;
 *          without its query), decision (allow|deny), reason and status
 *          (the HTTP status answered) of a refusal, address (the one
 *          connected to)
 *   net_end: an allowed connection closed: host, port, bytes_up,
 *          bytes_down
 *   end:   exit status, execs allowed, refused
 * Hash chaining and `latch audit verify` come with the audit issue.
 */
#ifndef LATCH_AUDIT_LOG_H
#define LATCH_AUDIT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/err.h"

struct audit_log;

/* Create the session's directory and log under `state_dir` (latch's own,
 * created beforehand). */
struct audit_log *audit_open(const char *state_dir, struct err *e);
const char *audit_path(const struct audit_log *l);
const char *audit_id(const struct audit_log *l); /* the session's id */
void audit_close(struct audit_log *l);

void audit_start(struct audit_log *l, const char *profile, const char *workdir,
		 char *const *argv, bool monitor);

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

void audit_end(struct audit_log *l, int status, unsigned long allowed,
	       unsigned long refused);

#endif
