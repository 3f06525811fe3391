/* verify.h — checking a session's log and the ledger against their chains
 * (chain.h), streaming: a log of any size in bounded memory (lines.h).
 *
 * Only the chain is checked here; what a log must agree with in the ledger
 * (its head, its number of records, a signature) is verify_session()'s.
 */
#ifndef LATCH_VERIFY_H
#define LATCH_VERIFY_H

#include <stdbool.h>

#include "../common/err.h"
#include "../common/sha256.h"

struct sign_key;

struct log_check {
	unsigned long records;      /* sealed records that verify, in order */
	char head[SHA256_HEX];      /* the chain head after them */
	bool partial;               /* the file ends inside a record */
	unsigned long bad_seq;      /* 0: intact; else where it breaks, */
	char why[ERR_MAX + 256];    /* and why (a sentence) */
};

/* Stream the log of session `id` from `fd`. -1 (e) when it cannot be read. */
int verify_log(int fd, const char *id, struct log_check *r, struct err *e);

struct ledger_entry {
	char *session;
	unsigned long begin_seq, end_seq; /* its lines; end_seq 0: not closed */
	unsigned long records;
	char head[SHA256_HEX];
	char prev[SHA256_HEX];            /* the ledger's head before its end */
	char *key, *sig;                  /* NULL: unsigned */
};

struct ledger_check {
	struct log_check chain;     /* the ledger's own chain */
	struct ledger_entry *v;     /* in the order the sessions began */
	size_t n;
};

/* Read and check the ledger at `path`; a missing ledger is empty. */
int verify_ledger(const char *path, struct ledger_check *r, struct err *e);
const struct ledger_entry *ledger_find(const struct ledger_check *r,
				       const char *session);
void ledger_check_free(struct ledger_check *r);

enum session_state {
	SESSION_INTACT,     /* closed, and the ledger agrees */
	SESSION_RUNNING,    /* its latch still runs: what is written verifies */
	SESSION_UNCLOSED,   /* its latch was killed: what is written verifies */
	SESSION_BAD,        /* tampered with, or not a latch log */
};

/* One session: its log (`fd`) against its ledger entry (`le`, NULL when
 * the ledger has none), `running` when its latch holds its log's lock;
 * with `key`, a closed session must carry a signature by it. `why` gets
 * a sentence for every state but INTACT (an unreadable log is BAD). */
enum session_state verify_session(int fd, const char *id,
				  const struct ledger_entry *le, bool running,
				  struct sign_key *key, struct log_check *r);

#endif
