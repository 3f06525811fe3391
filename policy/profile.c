#include "profile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../common/amount.h"
#include "../common/xalloc.h"
#include "../common/yamlwalk.h"
#include "../proxy/allow.h"
#include "capnames.h"
#include "envpolicy.h"
#include "suggest.h"

/* Parsing context: one document, one profile under construction. */
struct ctx {
	struct yw w;     /* the document, the file (== p->file) and the error */
	struct profile *p;
	struct cred_route *route; /* the credential route being read */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct src src_of(struct ctx *c, const yaml_node_t *n)
{
	return (struct src){ .file = c->w.file, .line = yw_line(n) };
}

/* yw_want_list, recording each item's source when `srcs` is given. */
static int want_list(struct ctx *c, const yaml_node_t *n, const char *key,
		     struct strv *out, struct src **srcs)
{
	size_t first = out->n;
	int *lines = NULL;
	int rc = yw_want_list(&c->w, n, key, out, false, srcs ? &lines : NULL);

	if (srcs && out->n > first) {
		*srcs = xrealloc(*srcs, out->n * sizeof(**srcs));
		for (size_t i = first; i < out->n; i++)
			(*srcs)[i] = (struct src){ .file = c->w.file,
						   .line = lines[i] };
	}
	free(lines);
	return rc;
}

typedef int (*key_fn)(struct ctx *c, const char *key, yaml_node_t *val);

struct key {
	const char *name;
	key_fn fn;
};

struct walk_arg {
	struct ctx *c;
	const struct key *keys;
};

static int call_key(void *arg, size_t i, const char *k, yaml_node_t *v)
{
	struct walk_arg *a = arg;

	return a->keys[i].fn(a->c, k, v);
}

/* Walk a mapping, dispatching each key; unknown and duplicate keys fail. */
static int walk(struct ctx *c, const yaml_node_t *map, const char *what,
		const struct key *keys, size_t nkeys)
{
	const char *names[32];
	struct walk_arg a = { c, keys };

	for (size_t i = 0; i < nkeys && i < N(names); i++)
		names[i] = keys[i].name;
	return yw_walk(&c->w, map, what, names,
		       nkeys < N(names) ? nkeys : N(names), call_key, &a);
}

/* ---- filesystem ---- */

static int add_rules(struct ctx *c, yaml_node_t *v, const char *key,
		     enum rule_kind kind, unsigned acc)
{
	struct strv paths = { 0 };
	struct src *srcs = NULL;
	struct profile *p = c->p;

	if (want_list(c, v, key, &paths, &srcs) < 0) {
		strv_free(&paths);
		free(srcs);
		return -1;
	}
	p->rules = xrealloc(p->rules, (p->n_rules + paths.n) * sizeof(*p->rules));
	for (size_t i = 0; i < paths.n; i++) {
		p->rules[p->n_rules++] = (struct path_rule){
			.kind = kind, .access = acc, .path = paths.v[i],
			.src = srcs[i],
		};
		paths.v[i] = NULL;
	}
	paths.n = 0;
	strv_free(&paths);
	free(srcs);
	return 0;
}

static int fs_read(struct ctx *c, const char *k, yaml_node_t *v)
{
	return add_rules(c, v, k, RULE_GRANT, LATCH_ACC_READ);
}

static int fs_write(struct ctx *c, const char *k, yaml_node_t *v)
{
	return add_rules(c, v, k, RULE_GRANT, LATCH_ACC_WRITE);
}

static int fs_exec(struct ctx *c, const char *k, yaml_node_t *v)
{
	return add_rules(c, v, k, RULE_GRANT, LATCH_ACC_EXEC);
}

static int fs_allow(struct ctx *c, const char *k, yaml_node_t *v)
{
	return add_rules(c, v, k, RULE_GRANT, LATCH_ACC_RW);
}

static int fs_deny(struct ctx *c, const char *k, yaml_node_t *v)
{
	return add_rules(c, v, k, RULE_DENY, 0);
}

static int fs_deny_write(struct ctx *c, const char *k, yaml_node_t *v)
{
	return add_rules(c, v, k, RULE_DENY_WRITE, 0);
}

#define CREATE_MAX_CONTENT 65536

/* One `create` item: `PATH/`, `PATH`, or a one-pair mapping `PATH: TEXT`. */
static int create_item(struct ctx *c, yaml_node_t *item)
{
	const char *path = yw_scalar(item), *content = "";
	yaml_node_t *at = item;
	struct create_rule r;
	size_t len;

	if (item->type == YAML_MAPPING_NODE &&
	    item->data.mapping.pairs.top - item->data.mapping.pairs.start == 1) {
		yaml_node_pair_t *pr = item->data.mapping.pairs.start;

		at = yw_node(&c->w, pr->key);
		path = yw_scalar(at);
		content = yw_scalar(yw_node(&c->w, pr->value));
		if (content == NULL)
			return yw_fail(&c->w, item, "create: the text of '%s' must be a single value%s",
				       path ? path : "?", NULL);
		if (strlen(content) > CREATE_MAX_CONTENT)
			return yw_fail(&c->w, item, "create: the text of '%s' is longer than 64 KiB%s",
				       path ? path : "?", NULL);
	}
	if (path == NULL || *path == '\0')
		return yw_fail(&c->w, item, "create: each item is PATH/ (a directory), PATH (an empty file) or PATH: TEXT%s%s",
			       "", NULL);
	len = strlen(path);
	if (path[len - 1] == '/' && at != item)
		return yw_fail(&c->w, at, "create: '%s' ends in '/', a directory, and cannot hold text%s",
			       path, NULL);
	while (len > 1 && path[len - 1] == '/')
		len--;
	r = (struct create_rule){ .path = xstrndup(path, len), .src = src_of(c, at),
				  .content = path[strlen(path) - 1] == '/' ? NULL : xstrdup(content) };
	c->p->creates = xrealloc(c->p->creates, (c->p->n_creates + 1) * sizeof(r));
	c->p->creates[c->p->n_creates++] = r;
	return 0;
}

static int fs_create(struct ctx *c, const char *k, yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return yw_fail(&c->w, v, "'%s' must be a list%s", k, NULL);
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++)
		if (create_item(c, yw_node(&c->w, *it)) < 0)
			return -1;
	return 0;
}

static int k_filesystem(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "read", fs_read },   { "write", fs_write },
		{ "exec", fs_exec },   { "allow", fs_allow },
		{ "deny", fs_deny },   { "deny_write", fs_deny_write },
		{ "create", fs_create },
	};

	return walk(c, v, k, keys, N(keys));
}

/* ---- environment ---- */

static bool valid_env_name(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static int env_allow(struct ctx *c, const char *k, yaml_node_t *v)
{
	size_t first = c->p->env_allow.n;

	if (want_list(c, v, k, &c->p->env_allow, NULL) < 0)
		return -1;
	for (size_t i = first; i < c->p->env_allow.n; i++)
		if (!valid_env_name(c->p->env_allow.v[i]))
			return yw_fail(&c->w, v, "'%s' is not a variable name (allow takes exact names)%s",
				    c->p->env_allow.v[i], NULL);
	return 0;
}

static int env_deny(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_list(c, v, k, &c->p->env_deny, NULL);
}

static int env_set(struct ctx *c, const char *k, yaml_node_t *v)
{
	if (v->type != YAML_MAPPING_NODE)
		return yw_fail(&c->w, v, "'%s' must be a mapping NAME: value%s", k, NULL);
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start;
	     pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yw_node(&c->w, pr->key), *vn = yw_node(&c->w, pr->value);
		const char *name = yw_scalar(kn), *val = yw_scalar(vn);

		if (name == NULL || !valid_env_name(name))
			return yw_fail(&c->w, kn, "'%s' is not a variable name%s",
				    name ? name : "?", NULL);
		if (env_is_injection(name))
			return yw_fail(&c->w, kn, "'%s' is a loader/interpreter injection variable and cannot be set%s",
				    name, NULL);
		if (val == NULL)
			return yw_fail(&c->w, vn, "the value of '%s' must be a single value%s",
				    name, NULL);
		strv_push_owned(&c->p->env_set, xasprintf("%s=%s", name, val));
	}
	return 0;
}

static int k_environment(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "allow", env_allow }, { "deny", env_deny }, { "set", env_set },
	};

	return walk(c, v, k, keys, N(keys));
}

/* ---- workdir ---- */

static int workdir_access(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const char *const words[] = { "none", "read", "write",
					     "readwrite" };
	static const unsigned acc[] = { 0, LATCH_ACC_READ, LATCH_ACC_WRITE,
					LATCH_ACC_RW };
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	for (size_t i = 0; i < N(words); i++) {
		if (strcmp(s, words[i]) == 0) {
			c->p->workdir_access =
				(c->p->workdir_access & LATCH_ACC_EXEC) | acc[i];
			c->p->workdir_mask |= LATCH_ACC_RW;
			c->p->workdir_set = true;
			c->p->workdir_src = src_of(c, v);
			return 0;
		}
	}
	return yw_fail(&c->w, v, "workdir access must be none, read, write or readwrite, not '%s'%s",
		    s, NULL);
}

static int workdir_exec(struct ctx *c, const char *k, yaml_node_t *v)
{
	bool b = false;

	if (yw_want_bool(&c->w, v, k, &b) < 0)
		return -1;
	c->p->workdir_access = b ? c->p->workdir_access | LATCH_ACC_EXEC
				 : c->p->workdir_access & ~(unsigned)LATCH_ACC_EXEC;
	c->p->workdir_mask |= LATCH_ACC_EXEC;
	c->p->workdir_set = true;
	c->p->workdir_src = src_of(c, v);
	return 0;
}

static int k_workdir(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "access", workdir_access }, { "exec", workdir_exec },
	};

	if (v->type == YAML_SCALAR_NODE)
		return workdir_access(c, k, v);
	return walk(c, v, k, keys, N(keys));
}

/* ---- network ---- */

static int net_mode(struct ctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	if (strcmp(s, "open") == 0)
		c->p->net_mode = NET_OPEN;
	else if (strcmp(s, "block") == 0)
		c->p->net_mode = NET_BLOCK;
	else if (strcmp(s, "allowlist") == 0)
		c->p->net_mode = NET_ALLOWLIST;
	else
		return yw_fail(&c->w, v, "network mode must be 'open', 'allowlist' or 'block', not '%s'%s",
			    s, NULL);
	return 0;
}

/* Hosts the proxy lets through (allowlist mode): each entry checked here,
 * so a mistake names its line. */
static int net_allow(struct ctx *c, const char *k, yaml_node_t *v)
{
	size_t first = c->p->net_allow.n;
	int *lines = NULL;
	int rc = yw_want_list(&c->w, v, k, &c->p->net_allow, false, &lines);

	for (size_t i = first; rc == 0 && i < c->p->net_allow.n; i++) {
		struct allowlist a = { 0 };
		struct err e;

		if (allow_add(&a, c->p->net_allow.v[i], &e) < 0)
			rc = err_set(c->w.e, "%s:%d: %s", c->w.file, lines[i], e.msg);
		allowlist_free(&a);
	}
	free(lines);
	return rc;
}

static int net_private(struct ctx *c, const char *k, yaml_node_t *v)
{
	bool b = false;

	if (yw_want_bool(&c->w, v, k, &b) < 0)
		return -1;
	c->p->net_private = b ? TRI_TRUE : TRI_FALSE;
	return 0;
}

static int ports(struct ctx *c, const char *k, yaml_node_t *v, struct strv *out)
{
	size_t first = out->n;

	if (want_list(c, v, k, out, NULL) < 0)
		return -1;
	for (size_t i = first; i < out->n; i++) {
		const char *d = out->v[i];
		long port = strspn(d, "0123456789") == strlen(d) && strlen(d) <= 5
				    ? strtol(d, NULL, 10) : -1;

		if (port < 1 || port > 65535)
			return yw_fail(&c->w, v, "'%s' is not a TCP port (1-65535)%s",
				    out->v[i], NULL);
	}
	return 0;
}

static int net_bind(struct ctx *c, const char *k, yaml_node_t *v)
{
	return ports(c, k, v, &c->p->net_bind);
}

static int net_connect(struct ctx *c, const char *k, yaml_node_t *v)
{
	return ports(c, k, v, &c->p->net_connect);
}

static int net_unix(struct ctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	if (strcmp(s, "allow") == 0)
		c->p->net_unix = TRI_TRUE;
	else if (strcmp(s, "block") == 0)
		c->p->net_unix = TRI_FALSE;
	else
		return yw_fail(&c->w, v, "network unix must be 'allow' or 'block', not '%s'%s",
			    s, NULL);
	return 0;
}

/* ---- credential routes ---- */

static int route_string(struct ctx *c, const char *k, yaml_node_t *v,
			char **out)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	free(*out);
	*out = xstrdup(s);
	return 0;
}

static bool name_chars(const char *s, const char *extra, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

static int r_route(struct ctx *c, const char *k, yaml_node_t *v)
{
	if (route_string(c, k, v, &c->route->route) < 0)
		return -1;
	if (!name_chars(c->route->route, "_-", 32) || strpbrk(c->route->route, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		return yw_fail(&c->w, v, "route '%s': use 1-32 of a-z, 0-9, '_' and '-'%s",
			       c->route->route, NULL);
	return 0;
}

static int r_upstream(struct ctx *c, const char *k, yaml_node_t *v)
{
	if (route_string(c, k, v, &c->route->upstream) < 0)
		return -1;
	if (strncmp(c->route->upstream, "https://", 8) != 0 || !c->route->upstream[8] ||
	    strpbrk(c->route->upstream, " @?#"))
		return yw_fail(&c->w, v, "upstream '%s' must be https://HOST[:PORT][/PATH] (credentials travel over TLS only)%s",
			       c->route->upstream, NULL);
	return 0;
}

static int r_header(struct ctx *c, const char *k, yaml_node_t *v)
{
	if (route_string(c, k, v, &c->route->header) < 0)
		return -1;
	if (!name_chars(c->route->header, "!#$%&'*+-.^_`|~", 64))
		return yw_fail(&c->w, v, "header '%s' is not an HTTP field name%s",
			       c->route->header, NULL);
	return 0;
}

static int r_param(struct ctx *c, const char *k, yaml_node_t *v)
{
	if (route_string(c, k, v, &c->route->param) < 0)
		return -1;
	if (!name_chars(c->route->param, "-._~", 64))
		return yw_fail(&c->w, v, "param '%s' is not a query parameter name (letters, digits, -._~)%s",
			       c->route->param, NULL);
	return 0;
}

static int r_value(struct ctx *c, const char *k, yaml_node_t *v)
{
	if (route_string(c, k, v, &c->route->value) < 0)
		return -1;
	if (strstr(c->route->value, "{key}") == NULL || strpbrk(c->route->value, "\r\n"))
		return yw_fail(&c->w, v, "value '%s' must hold '{key}' where the credential goes, on one line%s",
			       c->route->value, NULL);
	return 0;
}

static int r_source(struct ctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (route_string(c, k, v, &c->route->source) < 0)
		return -1;
	s = c->route->source;
	if ((strncmp(s, "env:", 4) != 0 || !name_chars(s + 4, "_", 128)) &&
	    (strncmp(s, "file:", 5) != 0 || !s[5]) && (strncmp(s, "command:", 8) != 0 || !s[8]))
		return yw_fail(&c->w, v, "source '%s' must be env:NAME, file:PATH or command:COMMAND%s",
			       s, NULL);
	return 0;
}

static int r_env_name(struct ctx *c, const char *k, yaml_node_t *v, char **out)
{
	if (route_string(c, k, v, out) < 0)
		return -1;
	if (!name_chars(*out, "_", 128) || isdigit((unsigned char)**out))
		return yw_fail(&c->w, v, "'%s' is not an environment variable name%s", *out, NULL);
	return 0;
}

static int r_env(struct ctx *c, const char *k, yaml_node_t *v)
{
	return r_env_name(c, k, v, &c->route->env);
}

static int r_base_url(struct ctx *c, const char *k, yaml_node_t *v)
{
	return r_env_name(c, k, v, &c->route->base_url);
}

static int r_ca(struct ctx *c, const char *k, yaml_node_t *v)
{
	return route_string(c, k, v, &c->route->ca);
}

/* One route: a mapping with route, upstream, header, source and env. */
static int one_route(struct ctx *c, yaml_node_t *item)
{
	static const struct key keys[] = {
		{ "route", r_route }, { "upstream", r_upstream }, { "header", r_header },
		{ "param", r_param }, { "value", r_value }, { "source", r_source }, { "env", r_env },
		{ "base_url", r_base_url }, { "ca", r_ca },
	};
	struct profile *p = c->p;
	struct cred_route *r;

	p->creds = xrealloc(p->creds, (p->n_creds + 1) * sizeof(*p->creds));
	r = c->route = &p->creds[p->n_creds++];
	*r = (struct cred_route){ .src = src_of(c, item) };
	if (walk(c, item, "credentials", keys, N(keys)) < 0)
		return -1;
	if (!r->route || !r->upstream || !(r->header || r->param) || !r->source || !r->env)
		return yw_fail(&c->w, item, "a credential route needs route, upstream, header (or param), "
			       "source and env%s%s", "", NULL);
	if (r->header && r->param)
		return yw_fail(&c->w, item, "a credential route puts the credential in a header or in a "
			       "query parameter, not both%s%s", "", NULL);
	if (!r->value)
		r->value = xstrdup("{key}");
	return 0;
}

static int net_credentials(struct ctx *c, const char *k, yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return yw_fail(&c->w, v, "'%s' must be a list of routes%s", k, NULL);
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++)
		if (one_route(c, yw_node(&c->w, *it)) < 0)
			return -1;
	return 0;
}

static int k_network(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "mode", net_mode }, { "bind", net_bind },
		{ "connect", net_connect }, { "unix", net_unix },
		{ "allow", net_allow }, { "private", net_private },
		{ "credentials", net_credentials },
	};

	if (v->type == YAML_SCALAR_NODE)
		return net_mode(c, k, v);
	return walk(c, v, k, keys, N(keys));
}

/* A group's network: only hosts for the allowlist and credential routes
 * (the mode and ports are the profile's). */
static int k_group_network(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = { { "allow", net_allow },
					   { "credentials", net_credentials } };

	return walk(c, v, k, keys, N(keys));
}

/* ---- the rest ---- */

static int caps_keep(struct ctx *c, const char *k, yaml_node_t *v)
{
	size_t first = c->p->caps_keep.n;

	if (want_list(c, v, k, &c->p->caps_keep, NULL) < 0)
		return -1;
	for (size_t i = first; i < c->p->caps_keep.n; i++)
		if (cap_from_name(c->p->caps_keep.v[i]) < 0)
			return yw_fail(&c->w, v, "unknown capability '%s'%s",
				    c->p->caps_keep.v[i], NULL);
	return 0;
}

static int k_capabilities(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = { { "keep", caps_keep } };

	return walk(c, v, k, keys, N(keys));
}

static int k_extends(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_list(c, v, k, &c->p->extends, &c->p->extends_src);
}

static int grp_include(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_list(c, v, k, &c->p->groups_include, &c->p->include_src);
}

static int grp_exclude(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_list(c, v, k, &c->p->groups_exclude, &c->p->exclude_src);
}

static int k_groups(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "include", grp_include }, { "exclude", grp_exclude },
	};

	if (v->type != YAML_MAPPING_NODE)
		return grp_include(c, k, v);
	return walk(c, v, k, keys, N(keys));
}

static int k_description(struct ctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	free(c->p->description);
	c->p->description = xstrdup(s);
	return 0;
}

static int k_name(struct ctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	free(c->p->name);
	c->p->name = xstrdup(s);
	return 0;
}

static int k_required(struct ctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_bool(&c->w, v, k, &c->p->required);
}

static int want_tristate(struct ctx *c, const char *k, yaml_node_t *v,
			 enum tristate *out)
{
	bool b = false;

	if (yw_want_bool(&c->w, v, k, &b) < 0)
		return -1;
	*out = b ? TRI_TRUE : TRI_FALSE;
	return 0;
}

static int k_best_effort(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_tristate(c, k, v, &c->p->best_effort);
}

static int snapshots_enabled(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_tristate(c, k, v, &c->p->snapshots);
}

static int snapshots_exclude(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_list(c, v, k, &c->p->snap_exclude, &c->p->snap_exclude_src);
}

static int snapshots_include(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_list(c, v, k, &c->p->snap_include, &c->p->snap_include_src);
}

/* A count ("100000") or a size ("500M", "2G": K, M, G, T are powers of
 * 1024) of at least 1. */
static int want_amount(struct ctx *c, const char *k, yaml_node_t *v,
		       bool size, uint64_t *out)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	if (amount_parse(s, size, out) < 0)
		return yw_fail(&c->w, v, size ? "'%s' is a size such as 500M or 2G, not '%s'"
					      : "'%s' is a number of files, not '%s'",
			       k, s);
	return 0;
}

static int snapshots_max_files(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_amount(c, k, v, false, &c->p->snap_max_files);
}

static int snapshots_max_bytes(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_amount(c, k, v, true, &c->p->snap_max_bytes);
}

static int snapshots_max_file_size(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_amount(c, k, v, true, &c->p->snap_max_file_size);
}

/* snapshots: true | false | {enabled, exclude, include, max_files,
 * max_bytes, max_file_size} (a mapping without `enabled` turns them on) */
static int k_snapshots(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "enabled", snapshots_enabled }, { "exclude", snapshots_exclude },
		{ "include", snapshots_include }, { "max_files", snapshots_max_files },
		{ "max_bytes", snapshots_max_bytes },
		{ "max_file_size", snapshots_max_file_size },
	};

	if (v->type != YAML_MAPPING_NODE)
		return want_tristate(c, k, v, &c->p->snapshots);
	if (walk(c, v, k, keys, N(keys)) < 0)
		return -1;
	if (c->p->snapshots == TRI_UNSET)
		c->p->snapshots = TRI_TRUE;
	return 0;
}

static int k_unprotect(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_list(c, v, k, &c->p->unprotect, &c->p->unprotect_src);
}

/* ---- rules ---- */

static int rules_packs(struct ctx *c, const char *k, yaml_node_t *v)
{
	c->p->rule_packs_set = true;
	return want_list(c, v, k, &c->p->rule_packs, &c->p->rule_packs_src);
}

static int rules_add(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_list(c, v, k, &c->p->rule_add, &c->p->rule_add_src);
}

static int rules_disable(struct ctx *c, const char *k, yaml_node_t *v)
{
	return want_list(c, v, k, &c->p->rule_disable, &c->p->rule_disable_src);
}

static int rules_anonymous(struct ctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	if (strcmp(s, "allow") != 0 && strcmp(s, "deny") != 0)
		return yw_fail(&c->w, v, "'%s' is 'allow' or 'deny', not '%s'", k, s);
	c->p->rule_anonymous = strcmp(s, "allow") == 0 ? TRI_TRUE : TRI_FALSE;
	return 0;
}

/* `rules: [destructive]` is short for `rules: {packs: [destructive]}`. */
static int k_rules(struct ctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "packs", rules_packs }, { "add", rules_add },
		{ "disable", rules_disable }, { "anonymous", rules_anonymous },
	};

	if (v->type != YAML_MAPPING_NODE)
		return rules_packs(c, k, v);
	return walk(c, v, k, keys, N(keys));
}

static int k_later(struct ctx *c, const char *k, yaml_node_t *v)
{
	return yw_fail(&c->w, v, "section '%s' is not supported by this version of latch; remove it rather than believe it is enforced%s",
		    k, NULL);
}

static int parse_root(struct ctx *c, yaml_node_t *root)
{
	static const struct key profile_keys[] = {
		{ "extends", k_extends },       { "description", k_description },
		{ "groups", k_groups },         { "filesystem", k_filesystem },
		{ "workdir", k_workdir },       { "environment", k_environment },
		{ "network", k_network },       { "capabilities", k_capabilities },
		{ "best_effort", k_best_effort }, { "unprotect", k_unprotect },
		{ "rules", k_rules },           { "snapshots", k_snapshots },
		{ "audit", k_later },
	};
	static const struct key group_keys[] = {
		{ "name", k_name },             { "description", k_description },
		{ "required", k_required },     { "filesystem", k_filesystem },
		{ "environment", k_environment }, { "network", k_group_network },
	};

	if (c->p->is_group)
		return walk(c, root, "group", group_keys, N(group_keys));
	return walk(c, root, "profile", profile_keys, N(profile_keys));
}

struct profile *profile_parse(const char *buf, size_t len, const char *file,
			      const char *name, bool is_group, struct err *e)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct profile *p = xcalloc(1, sizeof(*p));
	struct ctx c = { .w = { .doc = &doc, .e = e }, .p = p };
	yaml_node_t *root;
	int rc = -1;

	p->file = xstrdup(file);
	c.w.file = p->file;
	p->name = xstrdup(name);
	p->is_group = is_group;
	if (!yaml_parser_initialize(&parser)) {
		err_set(e, "%s: cannot initialise the YAML parser", file);
		profile_free(p);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err_set(e, "%s:%zu:%zu: %s%s%s", file,
			parser.problem_mark.line + 1,
			parser.problem_mark.column + 1,
			parser.problem ? parser.problem : "invalid YAML",
			parser.context ? " " : "",
			parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		profile_free(p);
		return NULL;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		err_set(e, "%s: empty document (a %s is a YAML mapping of keys)",
			file, is_group ? "group" : "profile");
	} else {
		rc = parse_root(&c, root);
		if (rc == 0) {
			yaml_document_t next;

			if (yaml_parser_load(&parser, &next)) {
				yaml_node_t *r2 = yaml_document_get_root_node(&next);

				if (r2 != NULL && !(r2->type == YAML_SCALAR_NODE &&
						    r2->data.scalar.length == 0))
					rc = err_set(e, "%s: more than one YAML document; a file holds one %s",
						     file, is_group ? "group" : "profile");
				yaml_document_delete(&next);
			} else {
				/* invalid YAML after the first document */
				rc = err_set(e, "%s:%zu:%zu: %s%s%s", file,
					     parser.problem_mark.line + 1,
					     parser.problem_mark.column + 1,
					     parser.problem ? parser.problem : "invalid YAML",
					     parser.context ? " " : "",
					     parser.context ? parser.context : "");
			}
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc < 0) {
		profile_free(p);
		return NULL;
	}
	return p;
}

void cred_route_free(struct cred_route *r)
{
	free(r->route);
	free(r->upstream);
	free(r->header);
	free(r->param);
	free(r->value);
	free(r->source);
	free(r->env);
	free(r->base_url);
	free(r->ca);
}

void profile_free(struct profile *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_rules; i++)
		free(p->rules[i].path);
	free(p->rules);
	for (size_t i = 0; i < p->n_creates; i++) {
		free(p->creates[i].path);
		free(p->creates[i].content);
	}
	free(p->creates);
	strv_free(&p->extends);
	strv_free(&p->groups_include);
	strv_free(&p->groups_exclude);
	strv_free(&p->unprotect);
	strv_free(&p->env_allow);
	strv_free(&p->env_deny);
	strv_free(&p->env_set);
	strv_free(&p->net_bind);
	strv_free(&p->net_connect);
	strv_free(&p->net_allow);
	for (size_t i = 0; i < p->n_creds; i++)
		cred_route_free(&p->creds[i]);
	free(p->creds);
	strv_free(&p->caps_keep);
	strv_free(&p->rule_packs);
	strv_free(&p->rule_add);
	strv_free(&p->rule_disable);
	strv_free(&p->snap_exclude);
	strv_free(&p->snap_include);
	free(p->snap_exclude_src);
	free(p->snap_include_src);
	free(p->rule_packs_src);
	free(p->rule_add_src);
	free(p->rule_disable_src);
	free(p->extends_src);
	free(p->include_src);
	free(p->exclude_src);
	free(p->unprotect_src);
	free(p->description);
	free(p->name);
	free(p->file);
	free(p);
}
