/* creds.c — credential routes: secrets, phantoms, environment. */
#include "creds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/fdio.h"
#include "../common/xalloc.h"
#include "../proxy/http.h"
#include "../policy/envpolicy.h"

#define SECRET_MAX 65536

/* The first line of `buf` (n bytes), without trailing blanks; NULL when
 * empty or holding a NUL or a CR inside. */
static char *first_line(char *buf, size_t n)
{
	size_t len = 0;

	while (len < n && buf[len] != '\n')
		len++;
	while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t' || buf[len - 1] == '\r'))
		len--;
	if (len == 0 || memchr(buf, '\0', len) || memchr(buf, '\r', len))
		return NULL;
	return xstrndup(buf, len);
}

static char *from_file(const struct cred_route *r, const struct vars *vs,
		       struct err *e)
{
	char *path = vars_expand(vs, r->source + 5, e), *buf, *s = NULL;
	int fd;

	if (path == NULL)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_sys(e, "credential route '%s' (%s:%d): cannot read %s", r->route,
			r->src.file, r->src.line, path);
		free(path);
		return NULL;
	}
	buf = xmalloc(SECRET_MAX);
	s = first_line(buf, fd_read(fd, -1, buf, SECRET_MAX, false));
	explicit_bzero(buf, SECRET_MAX);
	free(buf);
	close(fd);
	if (s == NULL)
		err_set(e, "credential route '%s' (%s:%d): %s holds no credential on its first line",
			r->route, r->src.file, r->src.line, path);
	free(path);
	return s;
}

static char *from_command(const struct cred_route *r, struct err *e)
{
	int fds[2], status = 0;
	char *buf, *s;
	size_t n = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		err_sys(e, "credential route '%s': pipe", r->route);
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		execl("/bin/sh", "sh", "-c", r->source + 8, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	buf = xmalloc(SECRET_MAX);
	if (pid > 0) {
		/* up to its exit: a daemon it starts may hold the pipe */
		int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

		n = fd_read(fds[0], pidfd, buf, SECRET_MAX, false);
		if (pidfd >= 0)
			close(pidfd);
	}
	close(fds[0]);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	s = pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? first_line(buf, n) : NULL;
	explicit_bzero(buf, SECRET_MAX);
	free(buf);
	if (s == NULL)
		err_set(e, "credential route '%s' (%s:%d): '%s' gave no credential (exit status %d)",
			r->route, r->src.file, r->src.line, r->source + 8,
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return s;
}

/* `tmpl` with "{key}" replaced by `key`. */
static char *fill(const char *tmpl, const char *key)
{
	const char *at = strstr(tmpl, "{key}");

	return xasprintf("%.*s%s%s", (int)(at - tmpl), tmpl, key, at + 5);
}

/* https://HOST[:PORT][/PATH] into the route; -1 when it is not that. */
static int upstream(struct proxy_route *p, const char *url)
{
	const char *h = url + 8, *end, *path;
	unsigned long port = 443;

	if (*h == '[') {
		end = strchr(h, ']');
		if (end == NULL)
			return -1;
		snprintf(p->host, sizeof(p->host), "%.*s", (int)(end - h - 1), h + 1);
		end++;
	} else {
		end = h + strcspn(h, ":/");
		snprintf(p->host, sizeof(p->host), "%.*s", (int)(end - h), h);
	}
	if (*end == ':') {
		char *stop;

		port = strtoul(end + 1, &stop, 10);
		end = stop;
	}
	path = end;
	if (!p->host[0] || port < 1 || port > 65535 || (*path && *path != '/'))
		return -1;
	p->port = (uint16_t)port;
	p->base = strcmp(path, "/") == 0 ? "" : path;
	return 0;
}

/* One route with its secret; 1 when its source gives none (left out). */
static int load_one(struct creds *cr, const struct cred_route *r,
		    const struct vars *vs, struct err *e)
{
	struct proxy_route *p;
	unsigned char raw[16];
	char phantom[PROXY_PHANTOM_LEN + 1], *secret = NULL;

	if (strncmp(r->source, "env:", 4) == 0) {
		const char *v = getenv(r->source + 4);

		strv_push(&cr->env_sources, r->source + 4);
		if (v == NULL || !*v || strpbrk(v, "\r\n"))
			return 1;
		secret = xstrdup(v);
	} else if (strncmp(r->source, "file:", 5) == 0) {
		secret = from_file(r, vs, e);
	} else {
		secret = from_command(r, e);
	}
	if (secret == NULL)
		return -1;
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		free(secret);
		return err_sys(e, "getrandom (a phantom credential)");
	}
	snprintf(phantom, sizeof(phantom), "latch-phantom-");
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(phantom + 14 + 2 * i, 3, "%02x", raw[i]);
	cr->v = xrealloc(cr->v, (cr->n + 1) * sizeof(*cr->v));
	cr->from = xrealloc(cr->from, (cr->n + 1) * sizeof(*cr->from));
	cr->from[cr->n] = r;
	p = &cr->v[cr->n++];
	*p = (struct proxy_route){ .name = r->route, .header = r->header, .param = r->param,
				   .secret = fill(r->value, secret),
				   .expect = fill(r->value, phantom),
				   .key = xstrdup(secret), .key_enc = http_query_encode(secret) };
	if (r->param) { /* query values: percent-encoded */
		char *enc = http_query_encode(p->secret);

		explicit_bzero(p->secret, strlen(p->secret));
		free(p->secret);
		p->secret = enc;
		enc = http_query_encode(p->expect);
		free(p->expect);
		p->expect = enc;
	}
	explicit_bzero(secret, strlen(secret));
	free(secret);
	if (upstream(p, r->upstream) < 0)
		return err_set(e, "credential route '%s' (%s:%d): upstream '%s' is not https://HOST[:PORT][/PATH]",
			       r->route, r->src.file, r->src.line, r->upstream);
	p->tls = tls_ctx_new(r->ca, e);
	return p->tls ? 0 : -1;
}

int creds_load(struct creds *cr, const struct capset *cs, const struct vars *vs,
	       struct err *e)
{
	memset(cr, 0, sizeof(*cr));
	for (size_t i = 0; i < cs->n_creds; i++)
		if (load_one(cr, &cs->creds[i], vs, e) < 0)
			return -1;
	return 0;
}

/* NAME=value into env, replacing NAME's entry. */
static void set_env(struct strv *env, const char *name, const char *value)
{
	char *kv = xjoin(name, "=", value);

	env_put(env, kv);
	free(kv);
}

static void unset_env(struct strv *env, const char *name)
{
	size_t n = strlen(name), j = 0;

	for (size_t i = 0; i < env->n; i++) {
		if (strncmp(env->v[i], name, n) == 0 && env->v[i][n] == '=')
			free(env->v[i]);
		else
			env->v[j++] = env->v[i];
	}
	env->n = j;
	env->v[j] = NULL;
}

void creds_env(const struct creds *cr, struct strv *env, const char *base)
{
	for (size_t i = 0; i < cr->env_sources.n; i++)
		unset_env(env, cr->env_sources.v[i]);
	for (size_t i = 0; i < cr->n; i++) {
		const struct proxy_route *p = &cr->v[i];
		const char *at = strstr(p->expect, "latch-phantom-");
		char *url = xasprintf("%s/%s", base, p->name);
		char phantom[PROXY_PHANTOM_LEN + 1];

		snprintf(phantom, sizeof(phantom), "%s", at);
		set_env(env, cr->from[i]->env, phantom);
		if (cr->from[i]->base_url)
			set_env(env, cr->from[i]->base_url, url);
		free(url);
	}
}

void creds_free(struct creds *cr)
{
	for (size_t i = 0; i < cr->n; i++) {
		explicit_bzero(cr->v[i].secret, strlen(cr->v[i].secret));
		explicit_bzero(cr->v[i].key, strlen(cr->v[i].key));
		explicit_bzero(cr->v[i].key_enc, strlen(cr->v[i].key_enc));
		free(cr->v[i].secret);
		free(cr->v[i].key);
		free(cr->v[i].key_enc);
		free(cr->v[i].expect);
		tls_ctx_free(cr->v[i].tls);
	}
	free(cr->v);
	free(cr->from);
	strv_free(&cr->env_sources);
	memset(cr, 0, sizeof(*cr));
}
