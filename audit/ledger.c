/* ledger.c — appending to the global ledger. */
#include "ledger.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "chain.h"
#include "record.h"
#include "sign.h"

#define TAIL_MAX 4096 /* ledger lines are short */
#define LOCK_WAIT_MS 10000

char *ledger_path(const char *state_dir)
{
	return xasprintf("%s/ledger.jsonl", state_dir);
}

/* From the ledger's last line: its seq and chain head (*seq 0: empty).
 * A torn last line is cut off first. */
static int last_line(int fd, const char *path, unsigned long *seq,
		     char head[SHA256_HEX], struct err *e)
{
	char buf[TAIL_MAX + 1];
	struct stat st;
	size_t n, canon, end, start;
	ssize_t got;

	*seq = 0;
	if (fstat(fd, &st) < 0)
		return err_sys(e, "audit: cannot stat the ledger '%s'", path);
	if (st.st_size == 0)
		return 0;
	n = st.st_size < TAIL_MAX ? (size_t)st.st_size : TAIL_MAX;
	got = pread(fd, buf, n, st.st_size - (off_t)n);
	if (got != (ssize_t)n)
		return err_sys(e, "audit: cannot read the ledger '%s'", path);
	end = n;
	while (end > 0 && buf[end - 1] != '\n')
		end--;
	if (end != n && ftruncate(fd, st.st_size - (off_t)(n - end)) < 0)
		return err_sys(e, "audit: cannot cut the torn last line of the ledger '%s'", path);
	if (end == 0) {
		if (n == (size_t)st.st_size)
			return 0; /* only a torn line: now empty */
		return err_set(e, "audit: the ledger '%s' ends with a line longer than %d bytes: "
			       "not latch's; check it with 'latch audit verify --all' and move it aside",
			       path, TAIL_MAX);
	}
	start = end - 1;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	if ((start == 0 && n < (size_t)st.st_size) ||
	    !chain_member(buf + start, end - 1 - start, &canon, head) ||
	    (*seq = record_seq(buf + start, end - 1 - start)) == 0)
		return err_set(e, "audit: the last line of the ledger '%s' is not a sealed latch record: "
			       "check it with 'latch audit verify --all' and move it aside",
			       path);
	return 0;
}

/* Append {"seq","time","event","session"[,"records","head"[,"key","sig"]]}:
 * `end` NULL for a begin line. */
struct end_fields {
	unsigned long records;
	const char *head;
	struct sign_key *key;   /* NULL: unsigned */
};

/* The ledger's lock, waited for at most LOCK_WAIT_MS: a latch stopped
 * while it held it must not stop every other from starting unsaid. */
static int lock(int fd, const char *path, struct err *e)
{
	struct timespec pause = { 0, 10 * 1000000L };

	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 10) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return err_sys(e, "audit: cannot lock the ledger '%s'", path);
		if (waited >= LOCK_WAIT_MS)
			return err_set(e, "audit: the ledger '%s' has been locked by another latch for %d s"
				       " (a stopped one? see 'fuser %s')", path, LOCK_WAIT_MS / 1000, path);
		nanosleep(&pause, NULL);
	}
	return 0;
}

/* The close's signature, bound to where it stands in the ledger. */
static int add_signature(cJSON *o, const char *session, const struct end_fields *end,
			 unsigned long seq, const char *prev, struct err *e)
{
	char *text = sign_session_text(session, end->records, end->head, seq, prev);
	char sig[SIGN_HEX];
	int rc = sign_text(end->key, text, sig, e);

	free(text);
	if (rc < 0)
		return -1;
	cJSON_AddStringToObject(o, "key", sign_key_id(end->key));
	cJSON_AddStringToObject(o, "sig", sig);
	return 0;
}

static int append(const char *state_dir, const char *session,
		  const struct end_fields *end, struct err *e)
{
	char *path = ledger_path(state_dir), *json = NULL, *line = NULL, head[SHA256_HEX];
	struct chain c = { 0 };
	unsigned long seq;
	cJSON *o;
	size_t n;
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600), rc = -1;

	if (fd < 0) {
		err_sys(e, "audit: cannot open the ledger '%s'", path);
		goto out;
	}
	if (lock(fd, path, e) < 0)
		goto out;
	if (last_line(fd, path, &seq, head, e) < 0 || chain_init(&c, "ledger", e) < 0)
		goto out;
	if (seq)
		chain_resume(&c, head);
	o = record_new(seq + 1, end ? "end" : "begin");
	cJSON_AddStringToObject(o, "session", session);
	if (end) {
		record_int(o, "records", (long long)end->records);
		cJSON_AddStringToObject(o, "head", end->head);
		if (end->key && add_signature(o, session, end, seq + 1, c.head, e) < 0) {
			cJSON_Delete(o);
			goto out;
		}
	}
	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	n = strlen(json);
	line = xmalloc(n + CHAIN_MEMBER_LEN + 1);
	n = chain_seal(&c, json, n, line);
	if (write(fd, line, n) != (ssize_t)n) {
		err_sys(e, "audit: cannot write to the ledger '%s'", path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	chain_free(&c);
	free(json);
	free(line);
	free(path);
	return rc;
}

int ledger_begin(const char *state_dir, const char *session, struct err *e)
{
	return append(state_dir, session, NULL, e);
}

int ledger_end(const char *state_dir, const char *session,
	       unsigned long records, const char *head, struct sign_key *key,
	       struct err *e)
{
	struct end_fields f = { .records = records, .head = head, .key = key };

	return append(state_dir, session, &f, e);
}
