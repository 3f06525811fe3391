/* vars.h — the variables a profile path may use, and their expansion.
 *
 * Pure: the values are gathered by the launcher (from the environment and the
 * cwd) and handed in. Supported: a leading `~` or `~/`, `$HOME`, `$WORKDIR`,
 * `$TMPDIR`, `$UID`, `$XDG_CONFIG_HOME`, `$XDG_CACHE_HOME`, `$XDG_DATA_HOME`,
 * `$XDG_STATE_HOME`, `$XDG_RUNTIME_DIR`, each also as `${NAME}`.
 */
#ifndef LATCH_VARS_H
#define LATCH_VARS_H

#include "../common/err.h"

struct vars {
	const char *home;     /* required, absolute */
	const char *workdir;  /* absolute */
	const char *tmpdir;   /* default /tmp */
	const char *uid;      /* decimal */
	const char *xdg_config_home, *xdg_cache_home, *xdg_data_home,
		*xdg_state_home, *xdg_runtime_dir; /* NULL = standard default */
};

/* Expand `in` into a fresh string. Unknown variables are an error
 * ("unknown variable $FOO in '…' (known: $HOME, …)"). */
char *vars_expand(const struct vars *vs, const char *in, struct err *e);

/* The effective value of an XDG variable after defaults, e.g.
 * vars_get(vs, "XDG_STATE_HOME") → "/home/u/.local/state". NULL if unknown. */
char *vars_get(const struct vars *vs, const char *name);

#endif
