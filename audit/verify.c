/* verify.c — checking logs and the ledger against their chains. */
#include "verify.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "chain.h"
#include "lines.h"
#include "record.h"
#include "sign.h"

#define SESSION_ID_MAX 64 /* latch's are 20261129T031901Z-PID */

#define bad(r, seq, ...) \
	((r)->bad_seq = (seq), snprintf((r)->why, sizeof((r)->why), __VA_ARGS__))

/* One sealed line, the n-th: its seq in order, its chain following. */
static bool check_line(struct chain *c, struct log_check *r, const char *line,
		       size_t len, unsigned long n)
{
	size_t canon;
	char recorded[SHA256_HEX];
	unsigned long seq = record_seq(line, len);

	if (seq == 0 || !chain_member(line, len, &canon, recorded)) {
		if (n == 1)
			bad(r, 1, "line 1 is not a sealed latch record: not a latch audit log");
		else
			bad(r, n, "line %lu is not a sealed latch record: edited", n);
		return false;
	}
	if (seq > n)
		bad(r, n, "seq %lu comes where seq %lu should: %s removed or moved", seq, n,
		    seq == n + 1 ? "a record was" : "records were");
	else if (seq < n)
		bad(r, n, "seq %lu comes again where seq %lu should: records were moved or copied",
		    seq, n);
	else if (!chain_check(c, line, len))
		bad(r, n, "seq %lu does not match its chain: the record was edited, or the one before it"
		    " was replaced", n);
	else
		return true;
	return false;
}

/* The chain of the log on `fd`, named `name` (chain.h). */
static int walk(int fd, const char *name, struct log_check *r,
		bool (*each)(void *, const char *, size_t, const char *), void *ctx,
		struct err *e)
{
	struct chain c = { 0 };
	struct lines in;
	const char *line;
	size_t len;
	enum lines_rc lr;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (chain_init(&c, name, e) < 0)
		return -1;
	lines_init(&in, fd);
	while ((lr = lines_next(&in, &line, &len)) == LINES_OK) {
		char prev[SHA256_HEX];

		memcpy(prev, c.head, SHA256_HEX);
		if (!check_line(&c, r, line, len, r->records + 1))
			break;
		if (each && !each(ctx, line, len, prev)) {
			bad(r, r->records + 1, "seq %lu is sealed but is not what latch writes there",
			    r->records + 1);
			break;
		}
		r->records++;
	}
	if (lr == LINES_ERROR)
		rc = err_sys(e, "cannot read line %lu", in.no + 1);
	else if (lr == LINES_LONG)
		bad(r, r->records + 1, "line %lu is longer than %u bytes: not a latch record",
		    in.no, LINES_MAX);
	else if (lr == LINES_PARTIAL)
		r->partial = true;
	memcpy(r->head, c.head, SHA256_HEX);
	chain_free(&c);
	lines_free(&in);
	return rc;
}

int verify_log(int fd, const char *id, struct log_check *r, struct err *e)
{
	return walk(fd, id, r, NULL, NULL, e);
}

static struct ledger_entry *find(struct ledger_check *r, const char *session)
{
	for (size_t i = r->n; i-- > 0;) /* the newest first: ends follow begins */
		if (strcmp(r->v[i].session, session) == 0)
			return &r->v[i];
	return NULL;
}

/* One ledger line, its chain checked: a session begun or closed. */
static bool ledger_line(void *ctx, const char *line, size_t len, const char *prev)
{
	struct ledger_check *r = ctx;
	cJSON *o = cJSON_ParseWithLength(line, len);
	const char *ev = rec_str(o, "event"), *session = rec_str(o, "session");
	const cJSON *records = cJSON_GetObjectItemCaseSensitive(o, "records");
	const char *head = rec_str(o, "head");
	struct ledger_entry *le;
	bool ok = false;

	if (ev == NULL || session == NULL || *session == '\0' || strlen(session) > SESSION_ID_MAX)
		goto out;
	le = find(r, session);
	if (strcmp(ev, "begin") == 0 && le == NULL) {
		if ((r->n & (r->n - 1)) == 0) /* 0, 1, 2, 4 …: double */
			r->v = xrealloc(r->v, (r->n ? 2 * r->n : 1) * sizeof(*r->v));
		le = &r->v[r->n++];
		memset(le, 0, sizeof(*le));
		le->session = xstrdup(session);
		le->begin_seq = r->chain.records + 1;
		ok = true;
	} else if (strcmp(ev, "end") == 0 && le && le->end_seq == 0 &&
		   cJSON_IsNumber(records) && records->valuedouble >= 0 &&
		   records->valuedouble <= 1e15 && /* a count, exact in a double */
		   records->valuedouble == (double)(unsigned long)records->valuedouble &&
		   head && strlen(head) == SHA256_HEX - 1) {
		le->end_seq = r->chain.records + 1;
		le->records = (unsigned long)records->valuedouble;
		memcpy(le->head, head, SHA256_HEX);
		memcpy(le->prev, prev, SHA256_HEX);
		if (rec_str(o, "sig") && rec_str(o, "key") && strlen(rec_str(o, "sig")) == SIGN_HEX - 1 &&
		    strlen(rec_str(o, "key")) == SIGN_ID_HEX - 1) {
			le->sig = xstrdup(rec_str(o, "sig"));
			le->key = xstrdup(rec_str(o, "key"));
		}
		ok = true;
	}
out:
	cJSON_Delete(o);
	return ok;
}

int verify_ledger(const char *path, struct ledger_check *r, struct err *e)
{
	struct err why;
	int fd = lines_open(path, e), rc;

	memset(r, 0, sizeof(*r));
	if (fd < 0)
		return errno == ENOENT ? 0 : -1; /* a missing ledger is empty */
	rc = walk(fd, "ledger", &r->chain, ledger_line, r, &why);
	close(fd);
	if (rc < 0)
		err_set(e, "the ledger '%s': %s", path, why.msg);
	return rc;
}

const struct ledger_entry *ledger_find(const struct ledger_check *r,
				       const char *session)
{
	return find((struct ledger_check *)r, session);
}

void ledger_check_free(struct ledger_check *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].session);
		free(r->v[i].key);
		free(r->v[i].sig);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* A closed session's signature by `key`. */
static bool signed_by(const struct ledger_entry *le, struct sign_key *key,
		      struct log_check *r)
{
	char *text;
	bool ok;

	if (le->sig == NULL) {
		bad(r, le->records, "not signed (the ledger's line %lu has no signature)",
		    le->end_seq);
		return false;
	}
	if (strcmp(le->key, sign_key_id(key)) != 0) {
		bad(r, le->records, "signed by key %s, not by the key given (%s)", le->key,
		    sign_key_id(key));
		return false;
	}
	text = sign_session_text(le->session, le->records, le->head, le->end_seq, le->prev);
	ok = sign_check(key, text, le->sig);
	free(text);
	if (!ok)
		bad(r, le->records, "its signature does not verify: the ledger's line %lu was edited",
		    le->end_seq);
	return ok;
}

enum session_state verify_session(int fd, const char *id,
				  const struct ledger_entry *le, bool running,
				  struct sign_key *key, struct log_check *r)
{
	struct err e;

	if (verify_log(fd, id, r, &e) < 0) {
		bad(r, r->records + 1, "%s", e.msg);
		return SESSION_BAD;
	}
	if (r->bad_seq)
		return SESSION_BAD;
	if (le == NULL) {
		bad(r, 1, "not in the ledger: its begin line was removed, or the log was copied here");
		return SESSION_BAD;
	}
	if (le->end_seq == 0) {
		if (running && key) {
			bad(r, r->records, "running: not signed yet (verify it again when it has ended)");
			return SESSION_BAD;
		}
		if (running) {
			snprintf(r->why, sizeof(r->why), "running: %lu records so far", r->records);
			return SESSION_RUNNING;
		}
		snprintf(r->why, sizeof(r->why),
			 "not closed: its latch was killed; %lu records verify%s", r->records,
			 r->partial ? ", the one it was writing is cut short" : "");
		if (key) {
			bad(r, r->records, "not signed: its latch was killed before it closed the session");
			return SESSION_BAD;
		}
		return SESSION_UNCLOSED;
	}
	if (r->records < le->records)
		bad(r, r->records + 1, "the log ends after seq %lu, but the session was closed at seq %lu:"
		    " records were removed from its end", r->records, le->records);
	else if (r->records > le->records)
		bad(r, le->records + 1, "seq %lu was added after the session was closed", le->records + 1);
	else if (r->partial)
		bad(r, r->records + 1, "bytes were added after the session was closed");
	else if (strcmp(r->head, le->head) != 0)
		bad(r, r->records, "its chain does not end at the head the ledger closed it with: the log"
		    " was rewritten");
	else if (key == NULL || signed_by(le, key, r))
		return SESSION_INTACT;
	return SESSION_BAD;
}
