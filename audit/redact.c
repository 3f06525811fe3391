/* redact.c — secrets out of argv words. */
#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "../common/xalloc.h"

#define MASK "***"

static const char *const secret_options[] = {
	"token", "password", "passwd", "secret", "api-key", "apikey",
	"access-token", "auth-token", "client-secret", "private-key",
};

static const char *const secret_names[] = {
	"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY",
	"PRIVATE_KEY", "CREDENTIAL",
};

/* Key formats: a prefix, then at least `min` characters of [A-Za-z0-9_-]. */
static const struct {
	const char *prefix;
	size_t min;
} key_formats[] = {
	{ "sk-", 16 },  { "ghp_", 20 }, { "gho_", 20 }, { "ghu_", 20 },
	{ "ghs_", 20 }, { "ghr_", 20 }, { "github_pat_", 20 },
	{ "glpat-", 16 }, { "xoxa-", 10 }, { "xoxb-", 10 }, { "xoxp-", 10 },
	{ "xoxr-", 10 }, { "xoxs-", 10 }, { "AKIA", 16 }, { "ASIA", 16 },
	{ "AIza", 30 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* "--NAME" (one or two dashes) names a secret option; `len` bounds NAME. */
static bool secret_option(const char *w, size_t len)
{
	size_t dashes = w[0] == '-' ? (w[1] == '-' ? 2 : 1) : 0;

	if (dashes == 0)
		return false;
	for (size_t i = 0; i < N(secret_options); i++)
		if (len - dashes == strlen(secret_options[i]) &&
		    strncasecmp(w + dashes, secret_options[i], len - dashes) == 0)
			return true;
	return false;
}

static bool secret_name(const char *name, size_t len)
{
	for (size_t i = 0; i < N(secret_names); i++) {
		size_t n = strlen(secret_names[i]);

		for (size_t at = 0; at + n <= len; at++)
			if (strncasecmp(name + at, secret_names[i], n) == 0)
				return true;
	}
	return false;
}

static bool key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Mask every known key format in `s` (in place; masks are shorter). */
static bool mask_keys(char *s)
{
	bool hit = false;

	for (char *p = s; *p; p++) {
		if (p != s && key_char(p[-1]))
			continue; /* a key starts a token */
		for (size_t i = 0; i < N(key_formats); i++) {
			size_t pl = strlen(key_formats[i].prefix), n = 0;

			if (strncmp(p, key_formats[i].prefix, pl) != 0)
				continue;
			while (key_char(p[pl + n]))
				n++;
			if (n < key_formats[i].min)
				continue;
			memmove(p + sizeof(MASK) - 1, p + pl + n,
				strlen(p + pl + n) + 1);
			memcpy(p, MASK, sizeof(MASK) - 1);
			hit = true;
			break;
		}
	}
	return hit;
}

/* The userinfo of scheme://user[:pass]@host becomes *** (in place: `s`
 * has room for 3 more bytes, a userinfo may be shorter than the mask). */
static bool mask_userinfo(char *s)
{
	char *scheme = strstr(s, "://"), *at, *end;

	if (scheme == NULL)
		return false;
	scheme += 3;
	end = scheme + strcspn(scheme, "/?#");
	at = memchr(scheme, '@', (size_t)(end - scheme));
	if (at == NULL || at == scheme)
		return false; /* no userinfo, or an empty one */
	memmove(scheme + sizeof(MASK) - 1, at, strlen(at) + 1);
	memcpy(scheme, MASK, sizeof(MASK) - 1);
	return true;
}

static char *masked_after(const char *word, size_t keep)
{
	char *out = xmalloc(keep + sizeof(MASK));

	memcpy(out, word, keep);
	memcpy(out + keep, MASK, sizeof(MASK));
	return out;
}

char *redact_word(const char *prev, const char *word)
{
	const char *eq = strchr(word, '=');
	bool hit;
	size_t len;
	char *out;

	if (prev && secret_option(prev, strlen(prev)))
		return xstrdup(MASK);
	if (eq && secret_option(word, (size_t)(eq - word)))
		return masked_after(word, (size_t)(eq - word) + 1);
	if (eq && word[0] != '-' && secret_name(word, (size_t)(eq - word)))
		return masked_after(word, (size_t)(eq - word) + 1);
	if (strncasecmp(word, "authorization:", 14) == 0)
		return masked_after(word, 14);
	if (strncasecmp(word, "cookie:", 7) == 0)
		return masked_after(word, 7);
	len = strlen(word);
	out = xmalloc(len + sizeof(MASK));
	memcpy(out, word, len + 1);
	hit = mask_userinfo(out);
	hit = mask_keys(out) || hit;
	if (hit)
		return out;
	free(out);
	return NULL;
}
