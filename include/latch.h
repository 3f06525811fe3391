/* latch.h — liblatch: the latch engine for programs that embed it.
 *
 * Load a profile into a policy handle; ask it whether a command would be
 * allowed (the rule packs' decision, as `latch check`) or whether a path may
 * be read, written or executed (as `latch why`); spawn a command in a
 * sandbox built from it (as `latch run`) and wait for its exit status and
 * its session's audit log. See docs/embedding.md.
 *
 * Handles are numbers, never pointers: a handle used after it was freed,
 * freed twice, or of the wrong kind is refused with LATCH_ERR_HANDLE. A
 * policy handle may be used from several threads at once, and freed while
 * another thread still decides with it (the last user frees it).
 *
 * Every function that can fail returns LATCH_OK (0) or a negative
 * latch_code, and fills `err` (which may be NULL) with the code and a
 * sentence saying what failed and how to fix it.
 *
 * Allocation failure ends the process (exit status 125), as in the latch
 * command itself.
 *
 * ABI: only latch_* symbols are exported, under the version node LATCH_0.
 * Within one soname (liblatch.so.0) functions are only added, never
 * changed; the structs below never change size. LATCH_API_VERSION grows
 * with each addition. See docs/embedding.md, "ABI policy".
 */
#ifndef LATCH_H
#define LATCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LATCH_API_VERSION 1

#if defined(LATCH_BUILDING)
#define LATCH_EXPORT __attribute__((visibility("default")))
#else
#define LATCH_EXPORT
#endif

typedef uint32_t latch_policy; /* a loaded profile; 0 is never valid */
typedef uint32_t latch_child;  /* a spawned session; 0 is never valid */

enum latch_code {
	LATCH_OK = 0,
	LATCH_ERR_ARG = -1,     /* a NULL or malformed argument */
	LATCH_ERR_HANDLE = -2,  /* not a live handle of that kind */
	LATCH_ERR_PROFILE = -3, /* the profile or its rule packs did not load */
	LATCH_ERR_SYSTEM = -4,  /* an operating system call failed */
	LATCH_ERR_SPAWN = -5,   /* the session could not be started */
	LATCH_ERR_LIMIT = -6,   /* too many live handles */
};

typedef struct latch_error {
	int code;           /* a latch_code; LATCH_OK when nothing failed */
	char message[1024]; /* a whole sentence; "" when nothing failed */
} latch_error;

/* The library's version ("0.1.0"), the same as `latch --version`. */
LATCH_EXPORT const char *latch_version(void);

/* The English name of a code ("handle", "profile", …), for messages. */
LATCH_EXPORT const char *latch_code_name(int code);

/* ---- policies ---- */

/* Load a profile by name (looked up as `latch run --profile` does: the
 * user's profiles, then the shipped ones) or by path (it contains '/' or
 * ends in .yaml), with its `extends` chain, its groups and the rule packs
 * it selects. `workdir` is the sandbox's workspace (NULL: the current
 * directory). Variables (~, $HOME, $WORKDIR…) expand in this process's
 * environment as it is now. */
LATCH_EXPORT int latch_policy_load(const char *profile, const char *workdir,
				   latch_policy *out, latch_error *err);

/* The same from a profile's YAML text (NUL-terminated), named `name`
 * (NULL: "inline"; messages call it "<NAME>:LINE"). */
LATCH_EXPORT int latch_policy_load_yaml(const char *yaml, const char *name,
					const char *workdir, latch_policy *out,
					latch_error *err);

/* Free a policy. Children spawned from it live on. */
LATCH_EXPORT int latch_policy_free(latch_policy p, latch_error *err);

/* The capability set as `latch profile show --json` shows it; free the
 * string with latch_free(). NULL on error. */
LATCH_EXPORT char *latch_policy_json(latch_policy p, latch_error *err);

enum latch_action {
	LATCH_ALLOW = 0,
	LATCH_LOG = 1,      /* allowed, marked in the audit log */
	LATCH_SNAPSHOT = 2, /* allowed after a snapshot of the workspace */
	LATCH_ASK = 3,      /* asked on the terminal; refused without one */
	LATCH_DENY = 4,
};

typedef struct latch_decision {
	int action;   /* a latch_action */
	char *rule;   /* the deciding rule's id; NULL when no rule matched */
	char *reason; /* what the user reads; NULL when no rule matched */
	char *source; /* FILE:LINE of the rule; NULL when no rule matched */
} latch_decision;

/* What the supervisor would decide for an exec of argv[0..argc) in `cwd`
 * (absolute; NULL: the workdir), by the rule packs of `p`. argv[0] is the
 * program (its basename names the command). Thread-safe. Clear `out` with
 * latch_decision_clear(). */
LATCH_EXPORT int latch_check(latch_policy p, const char *const *argv,
			     size_t argc, const char *cwd, latch_decision *out,
			     latch_error *err);
LATCH_EXPORT void latch_decision_clear(latch_decision *d);

/* The same as `latch check --json` prints it (action, rule, reason,
 * source, argv, cwd, workdir, home, packs, disabled). Free with
 * latch_free(). NULL on error. */
LATCH_EXPORT char *latch_check_json(latch_policy p, const char *const *argv,
				    size_t argc, const char *cwd,
				    latch_error *err);

enum latch_op { LATCH_READ = 1, LATCH_WRITE = 2, LATCH_EXEC = 4 };

typedef struct latch_why {
	int allowed;     /* 1 or 0 */
	char *resolved;  /* the path as the kernel reaches it */
	char *reason;    /* "granted", "sensitive path", "not granted", … */
	char *by;        /* who granted or denied it (profile:line); or NULL */
	char *rule_path; /* the path of the deciding grant or deny; or NULL */
} latch_why;

/* Whether the sandbox of `p` may do `op` (one latch_op) on `path` (~ and
 * variables expand; a relative path starts from the current directory of
 * the load), resolved through the filesystem as it is now. Clear `out`
 * with latch_why_clear(). */
LATCH_EXPORT int latch_policy_why(latch_policy p, const char *path, int op,
				  latch_why *out, latch_error *err);
LATCH_EXPORT void latch_why_clear(latch_why *w);

/* The same as `latch why --json` prints it. Free with latch_free(). */
LATCH_EXPORT char *latch_policy_why_json(latch_policy p, const char *path,
					 int op, latch_error *err);

/* Free a string this library returned (NULL is fine). */
LATCH_EXPORT void latch_free(char *s);

/* ---- sessions ----
 * A spawned command runs under a helper process: the `latch` program
 * itself (`latch run`), which holds the supervisor (exec judging, audit,
 * snapshots, proxy). Nothing of it runs in the caller's process: no
 * thread, no signal handler and no signal mask of the caller is touched.
 * The helper is the caller's child: a caller that reaps every child
 * (waitpid(-1) in a SIGCHLD handler) must leave its pid to latch_wait. */

typedef struct latch_spawn_opts {
	const char *cwd;   /* where the command starts; NULL: the caller's */
	char *const *envp; /* the command's environment, before the profile
			      filters it; NULL: the caller's. latch itself
			      (which profiles, data and state it uses) runs
			      in the caller's environment. */
	int stdin_fd, stdout_fd, stderr_fd; /* -1: the caller's own */
	int monitor;       /* 1: refusals are logged, nothing refused */
	const char *helper; /* the latch program, an absolute path; NULL:
			       found beside the library (docs/embedding.md) */
} latch_spawn_opts;

/* Defaults: everything NULL/0 and the three descriptors -1. */
LATCH_EXPORT void latch_spawn_opts_init(latch_spawn_opts *o);

/* Start argv (argv[0] looked up in PATH, as `latch run` does) in a
 * sandbox of `p`'s profile and workdir; `opts` may be NULL. Returns once
 * the session has begun (its audit log exists), or with LATCH_ERR_SPAWN
 * when latch refused before that (its reason is on the stderr given to
 * the spawn). What fails later, entering the sandbox's kernel layers
 * included, is latch's exit status (125) from latch_wait. The helper reads
 * the profile again from its name, path or text. */
LATCH_EXPORT int latch_spawn(latch_policy p, const char *const *argv,
			     const latch_spawn_opts *opts, latch_child *out,
			     latch_error *err);

/* The helper's pid (signals sent to it reach the command: SIGTERM,
 * SIGHUP, SIGINT…); -1 on error. */
LATCH_EXPORT int latch_child_pid(latch_child c, latch_error *err);

/* Send `sig` to the helper (through a pidfd: never to a reused pid). */
LATCH_EXPORT int latch_child_kill(latch_child c, int sig, latch_error *err);

/* Wait for the session to end. *status: latch's exit status, the
 * command's own, 128+N if signal N ended it, 125 if the sandbox could not
 * be entered, 126 if the command could not run, 127 if not found; -1 on
 * error. Blocks; a second wait gives the same status again. */
LATCH_EXPORT int latch_wait(latch_child c, int *status, latch_error *err);

/* The path of the session's audit log (JSON lines, docs/audit.md) and its
 * id. Free with latch_free(). */
LATCH_EXPORT char *latch_child_audit_path(latch_child c, latch_error *err);
LATCH_EXPORT char *latch_child_session(latch_child c, latch_error *err);

/* Free a child. One still running gets SIGTERM (latch ends its command
 * and what that left), then SIGKILL after 3 s, and is reaped. */
LATCH_EXPORT int latch_child_free(latch_child c, latch_error *err);

#ifdef __cplusplus
}
#endif

#endif
