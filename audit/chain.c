/* chain.c — the audit trail's hash chain. */
#include "chain.h"

#include <string.h>

#define PREFIX ",\"chain\":\""

int chain_init(struct chain *c, const char *name, struct err *e)
{
	static const char tag[] = "latch-audit-v1\n";

	c->sha = sha256_new(e);
	if (c->sha == NULL)
		return -1;
	sha256_update(c->sha, tag, sizeof(tag) - 1);
	sha256_update(c->sha, name, strlen(name));
	sha256_hex(c->sha, c->head);
	return 0;
}

void chain_resume(struct chain *c, const char head[SHA256_HEX])
{
	memcpy(c->head, head, SHA256_HEX);
}

void chain_free(struct chain *c)
{
	sha256_free(c->sha);
	c->sha = NULL;
}

/* head ← SHA-256(head ‖ canonical), the canonical form being `body`
 * (everything before the closing brace) then '}'. */
static void advance(struct chain *c, const char *body, size_t n, char *out)
{
	sha256_update(c->sha, c->head, SHA256_HEX - 1);
	sha256_update(c->sha, body, n);
	sha256_update(c->sha, "}", 1);
	sha256_hex(c->sha, out);
}

size_t chain_seal(struct chain *c, const char *json, size_t len, char *out)
{
	size_t body = len - 1; /* without the closing brace */

	advance(c, json, body, c->head);
	memmove(out, json, body); /* out may be json */
	memcpy(out + body, PREFIX, sizeof(PREFIX) - 1);
	memcpy(out + body + sizeof(PREFIX) - 1, c->head, SHA256_HEX - 1);
	memcpy(out + body + CHAIN_MEMBER_LEN - 1, "\"}\n", 3);
	return len + CHAIN_MEMBER_LEN + 1;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool chain_member(const char *line, size_t len, size_t *canonical_len,
		  char recorded[SHA256_HEX])
{
	const char *m;

	/* ,"chain":"<64>"} closes the line; the object had at least "{}" */
	if (len < CHAIN_MEMBER_LEN + 2 || line[0] != '{' ||
	    memcmp(line + len - 2, "\"}", 2) != 0)
		return false;
	m = line + len - 1 - CHAIN_MEMBER_LEN;
	if (memcmp(m, PREFIX, sizeof(PREFIX) - 1) != 0 ||
	    !is_hex(m + sizeof(PREFIX) - 1, SHA256_HEX - 1))
		return false;
	memcpy(recorded, m + sizeof(PREFIX) - 1, SHA256_HEX - 1);
	recorded[SHA256_HEX - 1] = '\0';
	*canonical_len = (size_t)(m - line) + 1;
	return true;
}

bool chain_check(struct chain *c, const char *line, size_t len)
{
	char recorded[SHA256_HEX], expect[SHA256_HEX];
	size_t n;

	if (!chain_member(line, len, &n, recorded))
		return false;
	advance(c, line, n - 1, expect);
	if (strcmp(expect, recorded) != 0)
		return false;
	memcpy(c->head, expect, SHA256_HEX);
	return true;
}
