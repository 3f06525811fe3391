/* capset.h — the resolved capability set: what one sandbox may do.
 *
 * Built from a chain of profiles (base first), the groups they select, and
 * the command-line additions. Pure apart from the `resolve` callback, which
 * turns an expanded path into its canonical form (the launcher passes one
 * that uses realpath(3); tests pass a fake). The kernel backends receive a
 * capset and never see YAML.
 *
 * Semantics (docs/profiles.md):
 *  - grants are unions: a path's rights are the union of every grant at or
 *    above it;
 *  - a deny (or deny_write) of a sensitive path wins over every grant, unless
 *    the path is listed under `unprotect:` in a profile; latch's own state
 *    and configuration directories can never be unprotected; required groups
 *    cannot be excluded (their paths can only be unprotected one by one);
 *  - a grant at or inside a denied path is dropped with a warning;
 *  - a deny inside a grant is enforced by masking (see kernel/mask.h).
 */
#ifndef LATCH_CAPSET_H
#define LATCH_CAPSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "profile.h"
#include "vars.h"

/* Result of resolving one path. */
enum path_state { PATH_MISSING = 0, PATH_DIR, PATH_FILE };

/* Canonicalise `path` (absolute, variables expanded). On success return a
 * fresh canonical string and set *state; a missing path still returns its
 * lexically cleaned form with PATH_MISSING. NULL only on hard errors. */
typedef char *(*resolve_fn)(const char *path, enum path_state *state,
			    void *ctx);

struct grant {
	char *path;      /* canonical */
	unsigned access; /* LATCH_ACC_* */
	bool is_dir;
	char *origin;    /* "group system_read, groups/system_read.yaml:4", "--allow" */
	char *link;      /* the path as written when symlinks lead elsewhere
			    (NULL otherwise): a backend that matches on names
			    (Seatbelt) names both */
};

struct deny {
	char *path;      /* canonical */
	bool write_only; /* deny_write: reads follow the grants */
	bool is_dir;
	bool exists;
	bool required;   /* from a required group (which cannot be excluded) */
	bool masked;     /* exists inside some grant: must be masked at run time */
	char *origin;
	char *link;      /* the path as written when symlinks lead elsewhere: it
			    must not be replaced either (NULL otherwise) */
};

struct unprotected {
	char *path;
	char *origin;
};

/* Additions from the command line, applied after the profile chain. */
struct cli_grants {
	struct strv allow, read, write, exec, deny; /* paths as typed */
	struct strv deny_write;                     /* paths as typed */
	struct strv env_allow;                      /* names */
	struct strv own;   /* latch's own files (data dir, binary): read-only,
			      never unprotected; absolute */
	const char *shims; /* where the sandbox sees latch's shims
			      (launcher/shims.h), canonical: read and
			      exec; NULL: none */
	const char *cwd;                            /* relative paths resolve here */
	enum net_mode net_mode;  /* --net (NET_UNSET: the profile's) */
	struct strv allow_domains; /* --allow-domain, checked (allow.h) */
	bool create_state; /* `latch run`: the profiles' `create` paths are
			      made first (launcher/state.h); the policy
			      model itself never makes anything */
};

struct capset {
	char *profile;           /* name of the leaf profile */
	struct strv chain;       /* profile names, base first */
	struct strv groups;      /* groups in effect */
	char *workdir;
	unsigned workdir_access;

	struct grant *grants;
	size_t n_grants;
	struct deny *denies;
	size_t n_denies;
	struct unprotected *unprotected;
	size_t n_unprotected;

	/* environment policy (applied by envpolicy.h) */
	struct strv env_allow, env_deny, env_set;

	enum net_mode net_mode;
	struct strv net_allow;   /* allowlist entries: the groups', the chain's,
				    then the CLI's */
	bool net_private;        /* the proxy may reach private/loopback addresses */
	struct cred_route *creds; /* the proxy's credential routes (groups, then
				     the chain; a later one of the same name
				     replaces an earlier one) */
	size_t n_creds;
	bool unix_sockets;       /* socket(AF_UNIX) allowed (default: refused) */
	uint16_t *net_bind, *net_connect;
	size_t n_net_bind, n_net_connect;

	uint64_t caps_keep;      /* bit N = capability N survives */
	bool best_effort;
	bool snapshots;          /* the workspace is snapshotted (rollback/) */
	struct strv snap_exclude, snap_include; /* gitignore-style, base first */
	uint64_t snap_max_files, snap_max_bytes, snap_max_file_size; /* 0: none
						(the file size: the store's default) */

	/* The rule packs that judge every exec, in load order: the shipped
	 * packs named by the leaf-most profile that names some (all shipped
	 * packs when none does), then each profile's added pack files, base
	 * first (absolute paths); minus the rule ids disabled anywhere in the
	 * chain. Each origin is "FILE:LINE" of the setting. */
	bool exec_anonymous;     /* exec of memfd/O_TMPFILE/deleted files allowed */
	bool rule_packs_set;
	struct strv rule_packs, rule_packs_origin;
	struct strv rule_add, rule_add_origin;
	struct strv rule_disable, rule_disable_origin;

	char *state_dir;         /* latch's own state: never grantable */
	char *config_dir;        /* latch's own configuration: never unprotected */
	struct strv own;         /* latch's own files, canonical: never unprotected */
	struct strv warnings;    /* one line each, without the "latch: " prefix */
};

/* Inputs: chain[0] is the base-most profile, chain[n-1] the leaf; groups is
 * every group known (selected by name from the chain's include lists). */
int capset_build(struct capset *cs, struct profile *const *chain, size_t n,
		 struct profile *const *groups, size_t n_groups,
		 const struct cli_grants *cli, const struct vars *vs,
		 resolve_fn resolve, void *ctx, struct err *e);
void capset_free(struct capset *cs);

/* Answer for one path and one right, as `latch why` prints it. */
struct why {
	bool allowed;
	const char *reason;  /* "sensitive path", "not granted", "granted", … */
	const char *by;      /* origin of the deciding grant/deny, or NULL */
	const char *rule_path; /* path of the deciding grant/deny, or NULL */
};
void capset_why(const struct capset *cs, const char *canonical_path,
		unsigned op, struct why *out);

/* Rights granted at `path` (union of grants at or above it), ignoring denies. */
unsigned capset_granted(const struct capset *cs, const char *path);

/* True when `inner` equals `outer` or lies beneath it (component-wise). */
bool path_within(const char *inner, const char *outer);

#endif
