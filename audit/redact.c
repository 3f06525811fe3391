/* redact.c — secrets out of argv words. */
#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "../common/strv.h"
#include "../common/xalloc.h"

#define MASK "***"

/* A word of the tables, with its length (every argv word of every exec is
 * looked up in them). */
struct text {
	const char *s;
	size_t n;
};
#define T(lit) { lit, sizeof(lit) - 1 }

static const struct text secret_options[] = {
	T("token"), T("password"), T("passwd"), T("secret"), T("api-key"), T("apikey"),
	T("access-token"), T("auth-token"), T("client-secret"), T("private-key"),
};

static const struct text secret_names[] = {
	T("TOKEN"), T("SECRET"), T("PASS"), T("_KEY"), T("APIKEY"), T("CREDENTIAL"),
};

/* Key formats: a prefix, then at least `min` characters of [A-Za-z0-9_-].
 * Their first characters are KEY_FIRST's (the test every_key_format). */
static const struct {
	struct text prefix;
	size_t min;
} key_formats[] = {
	{ T("sk-"), 16 },  { T("ghp_"), 20 }, { T("gho_"), 20 }, { T("ghu_"), 20 },
	{ T("ghs_"), 20 }, { T("ghr_"), 20 }, { T("github_pat_"), 20 },
	{ T("glpat-"), 16 }, { T("xoxa-"), 10 }, { T("xoxb-"), 10 }, { T("xoxp-"), 10 },
	{ T("xoxr-"), 10 }, { T("xoxs-"), 10 }, { T("AKIA"), 16 }, { T("ASIA"), 16 },
	{ T("AIza"), 30 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* the first characters of the key formats */
#define KEY_FIRST(c) ((c) == 's' || (c) == 'g' || (c) == 'x' || (c) == 'A')

/* "--NAME" (one or two dashes) names a secret option; `len` bounds NAME. */
static bool secret_option(const char *w, size_t len)
{
	size_t dashes = w[0] == '-' ? (w[1] == '-' ? 2 : 1) : 0;

	if (dashes == 0)
		return false;
	for (size_t i = 0; i < N(secret_options); i++)
		if (len - dashes == secret_options[i].n &&
		    strncasecmp(w + dashes, secret_options[i].s, len - dashes) == 0)
			return true;
	return false;
}

static bool secret_name(const char *name, size_t len)
{
	for (size_t i = 0; i < N(secret_names); i++)
		for (size_t at = 0; at + secret_names[i].n <= len; at++)
			if (strncasecmp(name + at, secret_names[i].s, secret_names[i].n) == 0)
				return true;
	return false;
}

static bool key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* The length of the key of a known format that starts at p (0: none);
 * `s` is the word p lies in. */
static size_t key_at(const char *s, const char *p)
{
	if (!KEY_FIRST(*p) || (p != s && key_char(p[-1])))
		return 0; /* a key starts a token, with one of these */
	for (size_t i = 0; i < N(key_formats); i++) {
		size_t pl = key_formats[i].prefix.n, n = 0;

		if (strncmp(p, key_formats[i].prefix.s, pl) != 0)
			continue;
		while (key_char(p[pl + n]))
			n++;
		if (n >= key_formats[i].min)
			return pl + n;
	}
	return 0;
}

static bool has_key(const char *s)
{
	for (const char *p = s; *p; p++)
		if (key_at(s, p))
			return true;
	return false;
}

/* Mask every known key format in `s` (in place; masks are shorter). */
static bool mask_keys(char *s)
{
	bool hit = false;

	for (char *p = s; *p; p++) {
		size_t n = key_at(s, p);

		if (n == 0)
			continue;
		memmove(p + sizeof(MASK) - 1, p + n, strlen(p + n) + 1);
		memcpy(p, MASK, sizeof(MASK) - 1);
		hit = true;
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

/* A new string: `s` with its bytes [at, at + n) replaced by the mask. */
static char *splice(const char *s, size_t at, size_t n)
{
	size_t rest = strlen(s + at + n);
	char *out = xmalloc(at + sizeof(MASK) + rest);

	memcpy(out, s, at);
	memcpy(out + at, MASK, sizeof(MASK) - 1);
	memcpy(out + at + sizeof(MASK) - 1, s + at + n, rest + 1);
	return out;
}

static char *masked_after(const char *word, size_t keep)
{
	return splice(word, keep, strlen(word + keep));
}

/* The length of a secret header's name and colon at the start of `w`
 * (after a curl-style "-H" glued to it), or 0. */
static size_t secret_header(const char *w)
{
	static const struct text headers[] = {
		T("authorization:"), T("proxy-authorization:"), T("cookie:"), T("set-cookie:"),
		T("x-api-key:"), T("api-key:"), T("x-auth-token:"), T("private-token:"),
	};
	size_t skip = strncmp(w, "-H", 2) == 0 ? 2 : strncmp(w, "--header=", 9) == 0 ? 9 : 0;

	if (strchr(w, ':') == NULL)
		return 0;
	for (size_t i = 0; i < N(headers); i++)
		if (strncasecmp(w + skip, headers[i].s, headers[i].n) == 0)
			return skip + headers[i].n;
	return 0;
}

/* A query parameter of a URL that names a secret (?token=…&api_key=…). */
static bool secret_param(const char *name, size_t len)
{
	static const struct text params[] = {
		T("key"), T("sig"), T("signature"), T("auth"), T("code"), T("access_token"),
		T("refresh_token"), T("id_token"), T("client_secret"),
	};

	for (size_t i = 0; i < N(params); i++)
		if (len == params[i].n && strncasecmp(name, params[i].s, len) == 0)
			return true;
	return secret_name(name, len);
}

/* `s` with the values of secret query parameters masked; NULL when none. */
static char *mask_query(const char *s)
{
	const char *q = strstr(s, "://") ? strchr(s, '?') : NULL, *p;
	char *out = NULL;

	if (q == NULL)
		return NULL;
	for (p = q + 1; *p && *p != '#';) {
		size_t name = strcspn(p, "=&#"), value;

		if (p[name] != '=') {
			p += name + (p[name] == '&');
			continue;
		}
		value = strcspn(p + name + 1, "&#");
		if (secret_param(p, name) && value > 0) {
			size_t keep = (size_t)(p + name + 1 - s);
			char *next = splice(s, keep, value);

			free(out);
			s = out = next;
			p = s + keep + sizeof(MASK) - 1;
		} else {
			p += name + 1 + value;
		}
		if (*p == '&')
			p++;
	}
	return out;
}

static bool has_value(const char *s, const struct strv *values)
{
	for (size_t i = 0; values && i < values->n; i++)
		if (strstr(s, values->v[i]))
			return true;
	return false;
}

/* `s` with each occurrence of the secret values masked; NULL when none. */
static char *mask_values(const char *s, const struct strv *values)
{
	char *out = NULL;

	for (size_t i = 0; values && i < values->n; i++) {
		const char *v = values->v[i], *at;
		size_t vl = strlen(v);

		while ((at = strstr(s, v)) != NULL) {
			char *next = splice(s, (size_t)(at - s), vl);

			free(out);
			s = out = next;
		}
	}
	return out;
}

void redact_env_values(char *const *envp, struct strv *values)
{
	for (; envp && *envp; envp++) {
		const char *eq = strchr(*envp, '=');

		if (eq && strlen(eq + 1) >= REDACT_VALUE_MIN &&
		    secret_name(*envp, (size_t)(eq - *envp)) && !strv_contains(values, eq + 1))
			strv_push(values, eq + 1);
	}
}

/* The word with secret query values and env values masked, then URL
 * userinfo and key formats; NULL when nothing was. */
static char *mask_inside(const char *word, const struct strv *values)
{
	char *q, *v, *out;
	const char *cur;
	size_t len;
	bool hit;

	if (!strstr(word, "://") && !has_key(word) && !has_value(word, values))
		return NULL; /* most words: nothing to look for, nothing copied */
	q = mask_query(word);
	v = mask_values(q ? q : word, values);
	cur = v ? v : q ? q : word;
	len = strlen(cur);
	out = xmalloc(len + sizeof(MASK));
	memcpy(out, cur, len + 1);
	hit = mask_userinfo(out);
	hit = mask_keys(out) || hit || q || v;
	free(q);
	free(v);
	if (hit)
		return out;
	free(out);
	return NULL;
}

/* One word without separators in it (or one token of a longer word). */
static char *redact_one(const char *prev, const char *word, const struct strv *values)
{
	const char *eq = strchr(word, '=');
	size_t header = secret_header(word);

	if (prev && prev[0] == '-' && secret_option(prev, strlen(prev)))
		return xstrdup(MASK);
	if (eq && secret_option(word, (size_t)(eq - word)))
		return masked_after(word, (size_t)(eq - word) + 1);
	if (eq && word[0] != '-' && secret_name(word, (size_t)(eq - word)) &&
	    !memchr(word, '?', (size_t)(eq - word)) && !strstr(word, "://"))
		return masked_after(word, (size_t)(eq - word) + 1); /* not a URL's query */
	if (header)
		return masked_after(word, header);
	return mask_inside(word, values);
}

#define SEPARATORS " \t\n'\""

/* Text appended to a growing string. */
struct out {
	char *s;
	size_t n, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n + 1 > o->cap) {
		o->cap = 2 * (o->n + n + 1);
		o->s = xrealloc(o->s, o->cap);
	}
	memcpy(o->s + o->n, s, n);
	o->n += n;
	o->s[o->n] = '\0';
}

/* A word that is a script or a command line (sh -c '…', a one-liner):
 * the rules applied to each of its tokens, the one before as `prev`; a
 * credential header's name hides the rest of its quoted string (or its
 * next token, unquoted). NULL when nothing was masked. */
static char *redact_tokens(const char *word, const struct strv *values)
{
	struct out o = { 0 };
	size_t len = strlen(word), at = 0;
	char *prev = NULL, quote = 0, hide = 0;
	bool hit = false;

	put(&o, "", 0);
	while (at < len) {
		size_t n = strcspn(word + at, SEPARATORS);
		char *tok, *r = NULL;

		if (n == 0) { /* a separator: quotes are tracked */
			char c = word[at++];

			if (hide && (c == hide || c == '\n'))
				hide = 0; /* the hidden header value ends here */

			if (c == '\'' || c == '"')
				quote = quote == 0 ? c : quote == c ? 0 : quote;
			if (!hide)
				put(&o, &c, 1);
			continue;
		}
		tok = xstrndup(word + at, n);
		at += n;
		if (hide) { /* inside a credential header's value: unquoted, it
			     * ends where a shell operator does */
			size_t op = strcspn(tok, ";&|");

			if (hide == 1 && op < n) {
				put(&o, tok + op, n - op);
				hide = 0;
			}
			free(tok);
			continue;
		}
		if (secret_header(tok) == n) { /* "Authorization:" alone: its value follows */
			put(&o, tok, n);
			put(&o, " " MASK, sizeof(MASK));
			hide = quote ? quote : 1;
			hit = true;
		} else if ((r = redact_one(prev, tok, values)) != NULL) {
			put(&o, r, strlen(r));
			hit = true;
		} else {
			put(&o, tok, n);
		}
		free(prev);
		prev = tok;
		free(r);
	}
	free(prev);
	if (hit)
		return o.s;
	free(o.s);
	return NULL;
}

char *redact_word(const char *prev, const char *word, const struct strv *values)
{
	if (prev && prev[0] == '-' && secret_option(prev, strlen(prev)))
		return xstrdup(MASK);
	if (secret_header(word) || !strpbrk(word, SEPARATORS))
		return redact_one(NULL, word, values);
	return redact_tokens(word, values);
}
