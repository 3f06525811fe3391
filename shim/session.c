#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

static void put(char **buf, size_t *len, const char *key, const char *val)
{
	size_t k = strlen(key), v = strlen(val);

	*buf = xrealloc(*buf, *len + k + v + 2);
	memcpy(*buf + *len, key, k);
	(*buf)[*len + k] = '=';
	memcpy(*buf + *len + k + 1, val, v + 1);
	*len += k + v + 2;
}

char *shim_session_format(const struct shim_session *s, size_t *len)
{
	char *buf = NULL;

	*len = 0;
	put(&buf, len, "judge", s->judge ? "1" : "0");
	put(&buf, len, "monitor", s->monitor ? "1" : "0");
	put(&buf, len, "profile", s->profile);
	put(&buf, len, "workdir", s->workdir);
	if (s->home)
		put(&buf, len, "home", s->home);
	for (size_t i = 0; i < s->disable.n; i++)
		put(&buf, len, "disable", s->disable.v[i]);
	return buf;
}

static int flag(const char *val, bool *out)
{
	if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
		return -1;
	*out = val[0] == '1';
	return 0;
}

static int set_once(char **slot, const char *val)
{
	if (*slot)
		return -1;
	*slot = xstrdup(val);
	return 0;
}

/* One "key=value" record. */
static int record(struct shim_session *s, const char *rec)
{
	const char *eq = strchr(rec, '=');
	const char *val = eq ? eq + 1 : NULL;
	size_t k = eq ? (size_t)(eq - rec) : 0;

	if (eq == NULL)
		return -1;
	if (k == 5 && strncmp(rec, "judge", k) == 0)
		return flag(val, &s->judge);
	if (k == 7 && strncmp(rec, "monitor", k) == 0)
		return flag(val, &s->monitor);
	if (k == 7 && strncmp(rec, "profile", k) == 0)
		return set_once(&s->profile, val);
	if (k == 7 && strncmp(rec, "workdir", k) == 0)
		return val[0] == '/' ? set_once(&s->workdir, val) : -1;
	if (k == 4 && strncmp(rec, "home", k) == 0)
		return val[0] == '/' ? set_once(&s->home, val) : -1;
	if (k == 7 && strncmp(rec, "disable", k) == 0) {
		strv_push(&s->disable, val);
		return 0;
	}
	return -1;
}

int shim_session_parse(struct shim_session *s, const char *buf, size_t len,
		       const char *file, struct err *e)
{
	size_t at = 0;

	memset(s, 0, sizeof(*s));
	s->judge = true;
	while (at < len) {
		const char *rec = buf + at, *nul = memchr(rec, '\0', len - at);

		if (nul == NULL) {
			err_set(e, "%s: record at byte %zu is not terminated",
				file, at);
			goto bad;
		}
		if (record(s, rec) < 0) {
			err_set(e, "%s: bad record at byte %zu: '%.40s'", file,
				at, rec);
			goto bad;
		}
		at = (size_t)(nul - buf) + 1;
	}
	if (s->profile && s->workdir)
		return 0;
	err_set(e, "%s: no %s", file, s->profile ? "workdir" : "profile");
bad:
	shim_session_free(s);
	return -1;
}

void shim_session_free(struct shim_session *s)
{
	free(s->profile);
	free(s->workdir);
	free(s->home);
	strv_free(&s->disable);
	memset(s, 0, sizeof(*s));
}
