/* session.h — what a shim needs to know about its sandbox, as latch writes
 * it into the shim directory (DIR/.latch/session) and the shim reads it.
 *
 * The file is a sequence of NUL-terminated "key=value" records:
 *   judge=1|0      the supervisor judges every exec (seccomp) or not: then
 *                  the shims are the only layer that judges commands
 *   monitor=1|0    judge, block nothing (latch run --monitor)
 *   profile=NAME   for the explanation
 *   workdir=PATH   the rules' $WORKDIR (absolute)
 *   home=PATH      the rules' $HOME (absolute; may be absent)
 *   disable=ID     a rule the profile turned off (repeated)
 * The rule packs are beside it, in DIR/.latch/rules/, loaded in name order.
 * Pure: formatting and parsing buffers, no OS calls.
 */
#ifndef LATCH_SHIM_SESSION_H
#define LATCH_SHIM_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../common/strv.h"

struct shim_session {
	bool judge;
	bool monitor;
	char *profile;
	char *workdir;
	char *home;            /* NULL when absent */
	struct strv disable;
};

/* The file's bytes (malloc'd, *len set). */
char *shim_session_format(const struct shim_session *s, size_t *len);
/* Parse `buf`; `file` names it in messages. Unknown keys, a missing
 * workdir or profile, and unterminated records are errors. */
int shim_session_parse(struct shim_session *s, const char *buf, size_t len,
		       const char *file, struct err *e);
void shim_session_free(struct shim_session *s);

#endif
