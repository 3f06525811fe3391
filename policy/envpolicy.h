/* envpolicy.h — the environment the sandboxed command receives.
 *
 * Pure: takes the parent's environment as an array and returns a new one.
 * Order of decisions for each variable NAME=value:
 *   1. loader/interpreter injection names (LD_*, BASH_ENV, ENV, BASH_FUNC_*,
 *      PYTHONSTARTUP, NODE_OPTIONS, PERL5OPT, …) are always stripped; no
 *      profile can allow them;
 *   2. a name in env_allow is kept;
 *   3. a name matching an env_deny glob (e.g. "*_API_KEY") is stripped;
 *   4. anything else is kept.
 * Then every env_set "NAME=value" is applied (set wins; injection names are
 * refused at capset build time).
 */
#ifndef LATCH_ENVPOLICY_H
#define LATCH_ENVPOLICY_H

#include <stdbool.h>

#include "../common/strv.h"
#include "capset.h"

/* True for the always-stripped injection names. */
bool env_is_injection(const char *name);

/* Build the child's environment into `out`; names (never values) of stripped
 * variables are appended to `stripped`. */
void env_apply(const struct capset *cs, char *const *environ_in,
	       struct strv *out, struct strv *stripped);

/* "NAME=VALUE" into `out`, replacing NAME's entry if there is one. */
void env_put(struct strv *out, const char *kv);

/* Point every HTTP client at latch's proxy `url` (with the session's
 * token as its user info): HTTP_PROXY, HTTPS_PROXY, ALL_PROXY in both
 * cases (replacing the user's: the sandbox has no other way out),
 * NO_PROXY for loopback, NODE_USE_ENV_PROXY=1 (Node's own fetch). */
void env_proxy(struct strv *out, const char *url);

#endif
