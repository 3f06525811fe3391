/* shims.h — latch's shims for one sandbox (shim/main.c is the shim).
 *
 * The shim directory holds a copy of latch-shim (.latch/shim), a hard link
 * to it for every command the rule packs control that the sandbox could
 * run (by name, found along its PATH: a command the machine lacks gets no
 * link, so that a program looking for, say, zsh finds none; and the
 * programs in the standard directories that match a `prefix*` name),
 * linked by the judge's thread after the first exec, off the command's
 * start, or at once when there is no judge; a link for every command the
 * packs refuse whatever its argv (sudo …), present or not, so that its
 * refusal is explained; a copy of the packs in load
 * order (.latch/rules/) and the
 * session (.latch/session, shim/session.h). It is built once per distinct
 * content in latch's state directory, which no sandbox can see or write
 * ($XDG_STATE_HOME/latch/shims/KEY, KEY a hash of the shim binary's
 * identity, the session and the packs; built aside and renamed into place,
 * so concurrent sessions share it; one unused for 30 days is removed when
 * another is built), and shown read-only inside the
 * sandbox at an empty per-user mount point (sandbox_bind), first on its
 * PATH: $XDG_RUNTIME_DIR/latch-shims when that is set (private to the
 * user), else $TMPDIR/latch-shims-UID.
 */
#ifndef LATCH_SHIMS_H
#define LATCH_SHIMS_H

#include <stddef.h>
#include <sys/types.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "../rules/rule.h"
#include "../shim/session.h"

struct shims {
	char *dir;       /* the mount point: where the sandbox sees them */
	char *cache;     /* STATE/shims: where they are built */
	char *source;    /* STATE/shims/KEY: this session's, once filled */
	dev_t dev;       /* the shim binary's identity: its execs are the */
	ino_t ino;       /* shim's to judge (judge.h) */
	int keep;        /* an O_PATH descriptor of it, held for the session:
			    its inode number cannot be reused meanwhile */
	char *path;      /* the sandbox's PATH after the shims */
	struct strv names; /* the commands the packs name */
};

/* Where the sandbox sees the shims ($XDG_RUNTIME_DIR/latch-shims, else
 * $TMPDIR/latch-shims-UID), as a path: nothing is created or checked. */
char *shims_mount_point(const char *runtime_dir, const char *tmpdir);
/* The mount point (created empty, or an existing directory of this user;
 * anything else is refused; its path made canonical), and the cache under
 * `state_dir`. `runtime_dir` may be NULL. */
int shims_prepare(struct shims *sh, const char *runtime_dir,
		  const char *tmpdir, const char *state_dir, struct err *e);
/* Put the mount point first on the PATH of `env` (NAME=VALUE strings),
 * and remember what follows it. */
void shims_put_on_path(struct shims *sh, struct strv *env);
/* Find or build the shim directory for the packs `r` holds and session
 * `s`, after shims_put_on_path (without a judge, s->judge false, the
 * links are made here). */
int shims_fill(struct shims *sh, const struct rules *r,
	       const struct shim_session *s, struct err *e);
/* Link the commands the packs name that are found along the PATH
 * (`ctx`: the struct shims). */
void shims_link_commands(void *ctx);
/* Add a link for one more command (`ctx`: the struct shims). */
void shims_link(const char *name, void *ctx);
void shims_free(struct shims *sh);

#endif
