/* store.h — finding and loading profiles and groups from disk.
 *
 * A profile reference is a path (contains '/' or ends in .yaml) or a name,
 * looked up as $XDG_CONFIG_HOME/latch/profiles/NAME.yaml, then in the shipped
 * profiles. A group lives in a file named after it, groups/NAME.yaml, in the
 * shipped profiles/groups/ or the user's $XDG_CONFIG_HOME/latch/groups/ (a
 * user group may not reuse a shipped name). Only the groups a profile chain
 * names are read, plus every group of profiles/groups/required/, which are
 * always in effect.
 */
#ifndef LATCH_STORE_H
#define LATCH_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "../policy/profile.h"

struct loaded {
	struct profile **chain;  /* base first, leaf last */
	size_t n_chain;
	struct profile **groups; /* required groups + those the chain names */
	size_t n_groups;
};

/* Load `ref` and its `extends` ancestors (depth <= 10, cycles refused), and
 * the groups. On error nothing needs freeing. */
int store_load(const char *ref, const char *user_config_dir,
	       struct loaded *out, struct err *e);
/* The same with the leaf profile given as YAML text (an embedder's, or
 * `latch run --profile-fd`), named `name`; messages call it "<NAME>". Its
 * `extends` name profiles or give absolute paths (text has no directory
 * for a relative one to start from). */
int store_load_yaml(const char *yaml, size_t len, const char *name,
		    const char *user_config_dir, struct loaded *out,
		    struct err *e);
void store_free(struct loaded *l);

/* Whether a profile reference is a path (it holds '/' or ends in .yaml)
 * rather than a name. */
bool store_is_path(const char *ref);

/* Load one file as a profile (for `latch profile validate`). */
struct profile *store_load_file(const char *path, struct err *e);

/* Names of available profiles: user ones first, then shipped, sorted, each
 * once. `origins` (parallel) gets "user" or "shipped". */
void store_list(const char *user_config_dir, struct strv *names,
		struct strv *origins);

#endif
