/* session_log.h — opening a session's audit log (audit/log.h) in latch's
 * state dir, its close signed when the user gave a key: $LATCH_AUDIT_KEY,
 * the path of an Ed25519 private key in PEM (audit/sign.h). A key given
 * but unusable is an error: nothing runs unsigned by surprise.
 */
#ifndef LATCH_SESSION_LOG_H
#define LATCH_SESSION_LOG_H

#include "../audit/log.h"
#include "../audit/sign.h"

struct session_log {
	struct audit_log *log;
	struct sign_key *key;
};

/* -1 after printing why (prefixed "latch: "). */
int session_log_open(struct session_log *s);
/* Closes the session in the ledger; s may be zeroed (nothing opened). */
void session_log_close(struct session_log *s);

#endif
