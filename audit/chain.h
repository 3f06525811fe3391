/* chain.h — the audit trail's hash chain.
 *
 * A sealed record is one line: a JSON object whose last member is
 * "chain":"<64 lowercase hex>", then '\n'. Its canonical form is the line
 * without that member (the 75 bytes `,"chain":"…"`) and without the
 * newline: the JSON exactly as written, so any changed byte changes it.
 *
 *   head(0) = SHA-256("latch-audit-v1\n" ‖ name)   name: a session id, or
 *                                                   "ledger"
 *   head(n) = SHA-256(head(n-1) ‖ canonical(n))     heads as hex text
 *
 * and record n carries head(n). A record removed, added, edited or moved
 * breaks every head from there on.
 */
#ifndef LATCH_CHAIN_H
#define LATCH_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../common/sha256.h"

#define CHAIN_MEMBER_LEN 75 /* ,"chain":"<64 hex>" */

struct chain {
	struct sha256 *sha;
	char head[SHA256_HEX];
};

/* Start a chain at head(0) of `name`; -1 when libcrypto cannot load. */
int chain_init(struct chain *c, const char *name, struct err *e);
/* Go on from a known head (64 hex). */
void chain_resume(struct chain *c, const char head[SHA256_HEX]);
void chain_free(struct chain *c);

/* Seal `json` (`len` bytes, one object ending in '}'): advance the head
 * and write the line into `out` (len + CHAIN_MEMBER_LEN + 1 bytes: the
 * object with its chain member, then '\n'; it may be `json` itself).
 * Returns the line's length. */
size_t chain_seal(struct chain *c, const char *json, size_t len, char *out);

/* The chain member of a line (`len` bytes, no newline): the place where
 * the canonical form ends and the recorded head, or false when the line
 * does not end with one. Pure. */
bool chain_member(const char *line, size_t len, size_t *canonical_len,
		  char recorded[SHA256_HEX]);

/* Check line (as chain_member): true when its recorded head is head(n)
 * of this chain, which then advances; false leaves the head as it was. */
bool chain_check(struct chain *c, const char *line, size_t len);

#endif
