/* ledger.h — the global ledger: one chained line when a session begins and
 * one when it is closed, for every session of this account's latch, in
 * $XDG_STATE_HOME/latch/ledger.jsonl (hidden from every sandbox).
 *
 *   {"seq":N,"time":T,"event":"begin","session":ID,"chain":…}
 *   {"seq":N,"time":T,"event":"end","session":ID,"records":R,"head":H,
 *    ["key":KEYID,"sig":SIG,]"chain":…}
 *
 * H is the chain head of the session's last record (chain.h), R its number
 * of records, SIG an Ed25519 signature of sign_session_text() (sign.h). The
 * ledger is chained as a log is (name "ledger"), so a session removed from
 * it, or deleted with its lines, breaks the chain of every later line.
 * Appends hold an exclusive flock; a torn last line (a latch killed while
 * writing it) is cut off before the next is added. No fsync, as the logs.
 */
#ifndef LATCH_LEDGER_H
#define LATCH_LEDGER_H

#include "../common/err.h"

struct sign_key;

char *ledger_path(const char *state_dir);

int ledger_begin(const char *state_dir, const char *session, struct err *e);
/* `key` may be NULL: unsigned. */
int ledger_end(const char *state_dir, const char *session,
	       unsigned long records, const char *head, struct sign_key *key,
	       struct err *e);

#endif
