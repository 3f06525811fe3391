/* profile.h — a profile or policy group parsed from YAML, not yet merged.
 *
 * Pure: parses a buffer, performs no I/O and no OS calls. Paths are kept as
 * written (variables unexpanded); every setting remembers where it came from
 * so later messages can cite `file:line`.
 *
 * Profile keys:   extends, description, groups{include,exclude}, filesystem,
 *                 workdir, environment, network, capabilities, best_effort,
 *                 unprotect, rules, snapshots (true: the workspace is
 *                 snapshotted at session start, and before the execs rules
 *                 mark `snapshot`; or {enabled, exclude, include,
 *                 max_files, max_bytes, max_file_size})
 * Group keys:     name, description, required, filesystem, environment
 * filesystem:     read, write, exec, allow (= read+write), deny, deny_write:
 *                 each a list of paths; a trailing '?' marks a path that may
 *                 be absent (a grant: no warning; a deny: nothing to protect,
 *                 so creating it stays allowed); create: what `latch run`
 *                 makes when it is missing, before the sandbox is built (an
 *                 agent's state): `PATH/` a directory, `PATH` an empty file,
 *                 `PATH: TEXT` a file holding TEXT
 */
#ifndef LATCH_PROFILE_H
#define LATCH_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "access.h"

/* Where a setting was written. */
struct src {
	const char *file; /* borrowed from the owning profile */
	int line;         /* 1-based */
};

enum rule_kind {
	RULE_GRANT,      /* `access` is a LATCH_ACC_* mask */
	RULE_DENY,       /* no access at all, even inside a grant */
	RULE_DENY_WRITE, /* readable if granted, never writable */
};

struct path_rule {
	enum rule_kind kind;
	unsigned access;
	char *path; /* as written: may hold ~ and $VARS */
	struct src src;
};

/* filesystem: create: one path made when missing. */
struct create_rule {
	char *path;    /* as written (may hold ~ and $VARS), no trailing '/' */
	char *content; /* a file's text ("" for an empty one); NULL: a directory */
	struct src src;
};

enum tristate { TRI_UNSET = 0, TRI_FALSE, TRI_TRUE };

enum net_mode { NET_UNSET = 0, NET_OPEN, NET_BLOCK, NET_ALLOWLIST };

/* A credential route of the proxy (proxy/proxy.h): requests the sandbox
 * sends to http://127.0.0.1:PORT/ROUTE/… go to UPSTREAM/… with the real
 * credential in HEADER (or in the query parameter PARAM); the sandbox
 * holds a phantom in ENV. */
struct cred_route {
	char *route;     /* [a-z0-9_-], 1-32 */
	char *upstream;  /* https://host[:port][/path] */
	char *header;    /* an HTTP field name, or NULL: */
	char *param;     /* a query parameter of the request's target */
	char *value;     /* with "{key}" where the credential goes */
	char *source;    /* env:NAME, file:PATH or command:SHELL-COMMAND */
	char *env;       /* the sandbox's variable holding the phantom */
	char *base_url;  /* the sandbox's variable for the route's URL, or NULL */
	char *ca;        /* PEM CA file instead of the system's, or NULL */
	struct src src;
};

struct profile {
	char *file;      /* path it was read from (owned) */
	char *name;      /* profile name or group name (owned) */
	bool is_group;
	char *description;
	bool required;   /* groups only: cannot be excluded */

	struct strv extends;
	struct strv groups_include;
	struct strv groups_exclude;
	struct src *extends_src, *include_src, *exclude_src; /* parallel arrays */

	struct path_rule *rules;
	size_t n_rules;
	struct create_rule *creates;
	size_t n_creates;

	struct strv unprotect;
	struct src *unprotect_src;

	bool workdir_set;
	unsigned workdir_access; /* LATCH_ACC_* */
	unsigned workdir_mask;   /* the bits this profile sets: RW for `access`,
				    EXEC for `exec`; the rest is inherited */
	struct src workdir_src;

	struct strv env_allow;   /* exact names kept despite deny patterns */
	struct strv env_deny;    /* glob patterns (fnmatch) */
	struct strv env_set;     /* "NAME=value" */

	enum net_mode net_mode;
	enum tristate net_unix;  /* unix: allow | block (socket(AF_UNIX)) */
	struct strv net_bind;    /* TCP ports, as decimal strings */
	struct strv net_connect;
	struct strv net_allow;   /* allowlist entries (proxy/allow.h), checked */
	enum tristate net_private; /* private/loopback destinations allowed */
	struct cred_route *creds;
	size_t n_creds;

	struct strv caps_keep;   /* "CAP_NET_BIND_SERVICE", … */
	enum tristate best_effort;
	enum tristate snapshots;
	struct strv snap_exclude, snap_include; /* gitignore-style patterns */
	uint64_t snap_max_files, snap_max_bytes, snap_max_file_size; /* 0: unset */
	struct src *snap_exclude_src, *snap_include_src;

	/* rules: the packs that judge every exec */
	enum tristate rule_anonymous; /* exec of memfd/O_TMPFILE files: allow */
	bool rule_packs_set;     /* `packs` given (else inherited / all shipped) */
	struct strv rule_packs;  /* shipped pack names */
	struct strv rule_add;    /* more pack files, as written */
	struct strv rule_disable; /* rule ids turned off */
	struct src *rule_packs_src, *rule_add_src, *rule_disable_src;
};

/* Parse a profile (is_group = false) or a group fragment (is_group = true).
 * `file` names the source in messages; `name` is the profile's name (for a
 * group, the `name:` key overrides it). Returns NULL with `e` set:
 *   "FILE:LINE:COL: <libyaml reason>"                           invalid YAML
 *   "FILE:LINE: unknown key 'alow' (did you mean 'allow'?)"     bad key
 */
struct profile *profile_parse(const char *buf, size_t len, const char *file,
			      const char *name, bool is_group, struct err *e);
void profile_free(struct profile *p);
void cred_route_free(struct cred_route *r);

#endif
