/* plan.h — from a profile reference and command-line additions to a
 * capability set, with the variables taken from this process's environment.
 * Shared by `run`, `shell`, `why` and `profile show`. */
#ifndef LATCH_PLAN_H
#define LATCH_PLAN_H

#include "../common/err.h"
#include "../policy/capset.h"
#include "../policy/vars.h"
#include "store.h"

struct plan {
	struct loaded loaded;
	struct capset cs;
	struct vars vs;
	char *home, *cwd, *workdir, *uid, *tmpdir, *config_dir;
	struct strv created; /* what `create` made (cli->create_state) */
};

/* `workdir` NULL means the cwd; `cli` may be NULL. Call plan_free() after,
 * whether it succeeded or not. */
int plan_build(struct plan *pl, const char *profile, const char *workdir,
	       const struct cli_grants *cli, struct err *e);
/* The same from a profile's YAML text, named `name` (store_load_yaml). */
int plan_build_yaml(struct plan *pl, const char *yaml, size_t len,
		    const char *name, const char *workdir,
		    const struct cli_grants *cli, struct err *e);
void plan_free(struct plan *pl);

/* Create latch's own directories, $XDG_STATE_HOME/latch and
 * $XDG_CONFIG_HOME/latch (mode 0700), so that they exist to be masked: a
 * sandbox must never be able to create them and plant a wider profile. */
int plan_ensure_own_dirs(struct err *e);

/* mkdir -p of the absolute `dir` (restored after), mode 0700 for the
 * directories it creates. */
int plan_mkdirs(char *dir, struct err *e);

/* $TMPDIR when absolute, else /tmp (the `$TMPDIR` of profiles). */
const char *plan_tmp_dir(void);
/* $XDG_RUNTIME_DIR when absolute, else NULL. */
const char *plan_runtime_dir(void);

/* $XDG_STATE_HOME/latch (audit logs, sessions), freshly allocated. */
char *plan_state_dir(void);

/* $XDG_CONFIG_HOME/latch (user profiles and groups), freshly allocated. */
char *plan_user_config_dir(void);

#endif
