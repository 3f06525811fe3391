/* explain.h — the words a refused command gets, wherever latch refuses it:
 * in the shim, or by the supervisor's judge on the refused process's own
 * stderr. An agent reads them as its command's output. */
#ifndef LATCH_EXPLAIN_H
#define LATCH_EXPLAIN_H

#include <stdbool.h>

/* The explanation, lines ending in '\n', freshly allocated. `line` is the
 * command as one line; `rule` and `reason` the deciding rule's (rule NULL:
 * `reason` says why it cannot run); `needs_ask`: the rule asks for a
 * confirmation that cannot be asked for there; `profile` the session's. */
char *explain_refusal(const char *line, const char *rule, const char *reason,
		      bool needs_ask, const char *profile);

#endif
