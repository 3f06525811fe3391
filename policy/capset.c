#include "capset.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "../proxy/proxy.h"
#include "capnames.h"
#include "suggest.h"

bool path_within(const char *inner, const char *outer)
{
	size_t n = strlen(outer);

	if (strcmp(outer, "/") == 0)
		return inner[0] == '/';
	return strncmp(inner, outer, n) == 0 &&
	       (inner[n] == '\0' || inner[n] == '/');
}

/* ---- building blocks ---- */

struct builder {
	struct capset *cs;
	const struct vars *vs;
	resolve_fn resolve;
	void *ctx;
	struct err *e;
};

static void warn(struct capset *cs, char *line)
{
	strv_push_owned(&cs->warnings, line);
}

static char *origin_of(const struct profile *p, struct src s)
{
	char line[16];

	snprintf(line, sizeof(line), ":%d", s.line);
	return xjoin(p->is_group ? "group " : "profile ", p->name, ", ", s.file,
		     line);
}

/* Expand variables, make absolute against `base`, and resolve. */
static char *canonical(struct builder *b, const char *raw, const char *base,
		       const char *origin, enum path_state *st, char **lexical)
{
	char *exp = vars_expand(b->vs, raw, b->e), *abs, *res;

	if (exp == NULL) {
		size_t n = strlen(b->e->msg);

		snprintf(b->e->msg + n, sizeof(b->e->msg) - n, " (%s)", origin);
		return NULL;
	}
	if (exp[0] == '/')
		abs = exp;
	else {
		abs = xjoin(base, "/", exp);
		free(exp);
	}
	res = b->resolve(abs, st, b->ctx);
	if (res == NULL)
		err_set(b->e, "cannot resolve '%s' (%s)", raw, origin);
	if (lexical && res && strcmp(abs, res) != 0)
		*lexical = abs;
	else
		free(abs);
	return res;
}

static void grant_free(struct grant *g)
{
	free(g->path);
	free(g->origin);
	free(g->link);
}

static void deny_free(struct deny *d)
{
	free(d->path);
	free(d->origin);
	free(d->link);
}

/* The spelling as written of a path named twice: the first one kept. */
static void keep_link(char **slot, char *link)
{
	if (*slot == NULL)
		*slot = link;
	else
		free(link);
}

static void add_grant(struct capset *cs, char *path, unsigned acc, bool is_dir,
		      char *origin, char *link)
{
	for (size_t i = 0; i < cs->n_grants; i++) {
		struct grant *g = &cs->grants[i];

		if (strcmp(g->path, path) == 0) {
			keep_link(&g->link, link);
			if ((g->access | acc) != g->access) {
				char *o = xasprintf("%s; %s", g->origin, origin);

				free(g->origin);
				g->origin = o;
			}
			g->access |= acc;
			free(path);
			free(origin);
			return;
		}
	}
	cs->grants = xrealloc(cs->grants, (cs->n_grants + 1) * sizeof(*cs->grants));
	cs->grants[cs->n_grants++] = (struct grant){
		.path = path, .access = acc, .is_dir = is_dir, .origin = origin,
		.link = link,
	};
}

static void add_deny(struct capset *cs, char *path, bool write_only,
		     enum path_state st, bool required, char *origin, char *link)
{
	for (size_t i = 0; i < cs->n_denies; i++) {
		struct deny *d = &cs->denies[i];

		if (strcmp(d->path, path) == 0) {
			d->write_only = d->write_only && write_only;
			d->required = d->required || required;
			keep_link(&d->link, link);
			free(path);
			free(origin);
			return;
		}
	}
	cs->denies = xrealloc(cs->denies, (cs->n_denies + 1) * sizeof(*cs->denies));
	cs->denies[cs->n_denies++] = (struct deny){
		.path = path, .write_only = write_only, .is_dir = st == PATH_DIR,
		.exists = st != PATH_MISSING, .required = required,
		.origin = origin, .link = link,
	};
}

/* One grant or deny, from a profile, a group or the command line. */
static int add_rule(struct builder *b, enum rule_kind kind, unsigned acc,
		    const char *raw, const char *base, char *origin,
		    bool required)
{
	enum path_state st;
	size_t len = strlen(raw);
	bool optional = len > 1 && raw[len - 1] == '?';
	char *trimmed = optional ? xstrndup(raw, len - 1) : NULL;
	char *link = NULL;
	char *path = canonical(b, optional ? trimmed : raw, base, origin, &st,
			       &link);

	free(trimmed);
	if (path == NULL) {
		free(origin);
		return -1;
	}
	/* '?': nothing to grant, or nothing to protect, when it is absent */
	if (optional && st == PATH_MISSING) {
		free(path);
		free(origin);
		free(link);
		return 0;
	}
	if (kind != RULE_GRANT) {
		add_deny(b->cs, path, kind == RULE_DENY_WRITE, st, required, origin,
			 link);
		return 0;
	}
	if (st == PATH_MISSING) {
		warn(b->cs, xasprintf("grant '%s' (%s) does not exist; skipped",
				      raw, origin));
		free(path);
		free(origin);
		free(link);
		return 0;
	}
	add_grant(b->cs, path, acc, st == PATH_DIR, origin, link);
	return 0;
}

static int add_profile_rules(struct builder *b, const struct profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct path_rule *r = &p->rules[i];

		if (add_rule(b, r->kind, r->access, r->path, b->vs->workdir,
			     origin_of(p, r->src), p->is_group && p->required) < 0)
			return -1;
	}
	return 0;
}

static void merge_env(struct capset *cs, const struct profile *p)
{
	for (size_t i = 0; i < p->env_allow.n; i++)
		if (!strv_contains(&cs->env_allow, p->env_allow.v[i]))
			strv_push(&cs->env_allow, p->env_allow.v[i]);
	for (size_t i = 0; i < p->env_deny.n; i++)
		if (!strv_contains(&cs->env_deny, p->env_deny.v[i]))
			strv_push(&cs->env_deny, p->env_deny.v[i]);
	for (size_t i = 0; i < p->env_set.n; i++)
		strv_push(&cs->env_set, p->env_set.v[i]);
}

static void add_ports(uint16_t **arr, size_t *n, const struct strv *ports)
{
	for (size_t i = 0; i < ports->n; i++) {
		uint16_t port = (uint16_t)strtoul(ports->v[i], NULL, 10);
		size_t j;

		for (j = 0; j < *n && (*arr)[j] != port; j++)
			;
		if (j < *n)
			continue;
		*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
		(*arr)[(*n)++] = port;
	}
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Route `r` into the set, replacing one of the same name. */
static void add_routes(struct capset *cs, const struct profile *p)
{
	for (size_t i = 0; i < p->n_creds; i++) {
		const struct cred_route *r = &p->creds[i];
		size_t at = 0;

		while (at < cs->n_creds && strcmp(cs->creds[at].route, r->route) != 0)
			at++;
		if (at == cs->n_creds)
			cs->creds = xrealloc(cs->creds, ++cs->n_creds * sizeof(*cs->creds));
		else
			cred_route_free(&cs->creds[at]);
		cs->creds[at] = (struct cred_route){
			.route = xstrdup(r->route), .upstream = xstrdup(r->upstream),
			.header = dup_or_null(r->header), .param = dup_or_null(r->param),
			.value = xstrdup(r->value),
			.source = xstrdup(r->source), .env = xstrdup(r->env),
			.base_url = dup_or_null(r->base_url), .ca = dup_or_null(r->ca),
			.src = r->src,
		};
	}
}

static bool has_port(const uint16_t *ports, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* ---- group selection ---- */

static const struct profile *find_group(struct profile *const *groups,
					size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(groups[i]->name, name) == 0)
			return groups[i];
	return NULL;
}

static int unknown_group(struct builder *b, struct profile *const *groups,
			 size_t n, const char *name, struct src s)
{
	const char **names = xcalloc(n + 1, sizeof(*names));
	const char *guess;

	for (size_t i = 0; i < n; i++)
		names[i] = groups[i]->name;
	guess = suggest(name, names, n);
	err_set(b->e, "%s:%d: unknown group '%s'%s%s%s", s.file, s.line, name,
		guess ? " (did you mean '" : "", guess ? guess : "",
		guess ? "'?)" : "");
	free(names);
	return -1;
}

static int select_groups(struct builder *b, struct profile *const *chain,
			 size_t n, struct profile *const *groups,
			 size_t n_groups)
{
	struct strv *sel = &b->cs->groups;

	for (size_t g = 0; g < n_groups; g++)
		if (groups[g]->required)
			strv_push(sel, groups[g]->name);
	for (size_t i = 0; i < n; i++) {
		const struct profile *p = chain[i];

		for (size_t j = 0; j < p->groups_include.n; j++) {
			const char *name = p->groups_include.v[j];

			if (!find_group(groups, n_groups, name))
				return unknown_group(b, groups, n_groups, name,
						     p->include_src[j]);
			if (!strv_contains(sel, name))
				strv_push(sel, name);
		}
		for (size_t j = 0; j < p->groups_exclude.n; j++) {
			const char *name = p->groups_exclude.v[j];
			const struct profile *g = find_group(groups, n_groups, name);

			if (!g)
				return unknown_group(b, groups, n_groups, name,
						     p->exclude_src[j]);
			if (g->required)
				return err_set(b->e, "%s:%d: group '%s' is required and cannot be excluded",
					       p->exclude_src[j].file,
					       p->exclude_src[j].line, name);
			for (size_t k = 0; k < sel->n; k++) {
				if (strcmp(sel->v[k], name) == 0) {
					free(sel->v[k]);
					memmove(&sel->v[k], &sel->v[k + 1],
						(sel->n - k) * sizeof(*sel->v));
					sel->n--;
					break;
				}
			}
		}
	}
	return 0;
}

/* ---- precedence ---- */

static void remove_grant(struct capset *cs, size_t i)
{
	grant_free(&cs->grants[i]);
	memmove(&cs->grants[i], &cs->grants[i + 1],
		(cs->n_grants - i - 1) * sizeof(*cs->grants));
	cs->n_grants--;
}

static void remove_deny(struct capset *cs, size_t i)
{
	deny_free(&cs->denies[i]);
	memmove(&cs->denies[i], &cs->denies[i + 1],
		(cs->n_denies - i - 1) * sizeof(*cs->denies));
	cs->n_denies--;
}

/* latch's own state and configuration directories. */
static bool is_own_path(const struct capset *cs, const char *path)
{
	return strcmp(path, cs->state_dir) == 0 ||
	       (cs->config_dir && strcmp(path, cs->config_dir) == 0) ||
	       strv_contains(&cs->own, path);
}

static int apply_unprotect(struct builder *b, struct profile *const *chain,
			   size_t n)
{
	struct capset *cs = b->cs;

	for (size_t i = 0; i < n; i++) {
		const struct profile *p = chain[i];

		for (size_t j = 0; j < p->unprotect.n; j++) {
			struct src s = p->unprotect_src[j];
			char *origin = origin_of(p, s);
			enum path_state st;
			char *path = canonical(b, p->unprotect.v[j],
					       b->vs->workdir, origin, &st, NULL);
			size_t k;

			if (path == NULL) {
				free(origin);
				return -1;
			}
			for (k = 0; k < cs->n_denies; k++)
				if (strcmp(cs->denies[k].path, path) == 0)
					break;
			if (k == cs->n_denies || is_own_path(cs, path)) {
				err_set(b->e, k == cs->n_denies
					? "%s:%d: unprotect '%s' names no denied path (see 'latch profile show')"
					: "%s:%d: '%s' is latch's own state or configuration and can never be unprotected",
					s.file, s.line, p->unprotect.v[j]);
				free(path);
				free(origin);
				return -1;
			}
			remove_deny(cs, k);
			cs->unprotected = xrealloc(cs->unprotected,
				(cs->n_unprotected + 1) * sizeof(*cs->unprotected));
			cs->unprotected[cs->n_unprotected++] =
				(struct unprotected){ .path = path, .origin = origin };
		}
	}
	return 0;
}

/* Denies win: drop grants at or inside a full deny, strip write from grants
 * at or inside a deny_write, then mark the denies that sit inside a grant. */
static void apply_denies(struct capset *cs)
{
	for (size_t i = 0; i < cs->n_grants;) {
		struct grant *g = &cs->grants[i];
		bool dropped = false;

		for (size_t k = 0; k < cs->n_denies && !dropped; k++) {
			const struct deny *d = &cs->denies[k];

			if (!path_within(g->path, d->path))
				continue;
			if (!d->write_only) {
				warn(cs, xasprintf("grant '%s' (%s) lies inside denied path '%s' (%s); ignored%s",
						   g->path, g->origin, d->path,
						   d->origin,
						   is_own_path(cs, d->path) ? "" : " (name it under 'unprotect:' in a profile to grant it)"));
				dropped = true;
			} else if (g->access & LATCH_ACC_WRITE) {
				warn(cs, xasprintf("grant '%s' (%s) is read-only by '%s' (%s); write dropped",
						   g->path, g->origin, d->path, d->origin));
				g->access &= ~(unsigned)LATCH_ACC_WRITE;
			}
		}
		if (dropped || g->access == 0) {
			remove_grant(cs, i);
			continue;
		}
		i++;
	}
	for (size_t k = 0; k < cs->n_denies; k++) {
		struct deny *d = &cs->denies[k];
		unsigned above = 0;

		for (size_t i = 0; i < cs->n_grants; i++)
			if (path_within(d->path, cs->grants[i].path))
				above |= cs->grants[i].access;
		if (d->write_only)
			above &= LATCH_ACC_WRITE;
		/* A missing path cannot be masked; the kernel backend keeps it
		 * from being created instead (launcher/expand.h). */
		d->masked = above != 0 && d->exists;
	}
}

/* A grant inside another that already gives all its rights adds nothing:
 * drop it so the kernel gets fewer rules and people read shorter lists. */
static void fold_grants(struct capset *cs)
{
	for (size_t i = 0; i < cs->n_grants;) {
		struct grant *g = &cs->grants[i];
		bool covered = false;

		for (size_t j = 0; j < cs->n_grants && !covered; j++)
			covered = j != i && strcmp(cs->grants[j].path, g->path) &&
				  path_within(g->path, cs->grants[j].path) &&
				  (g->access & ~cs->grants[j].access) == 0;
		if (!covered) {
			i++;
			continue;
		}
		remove_grant(cs, i);
	}
}

/* ---- the whole build ---- */

static int build_workdir(struct builder *b, struct profile *const *chain,
			 size_t n)
{
	struct capset *cs = b->cs;
	enum path_state st;

	cs->workdir = b->resolve(b->vs->workdir, &st, b->ctx);
	if (cs->workdir == NULL || st != PATH_DIR)
		return err_set(b->e, "workdir '%s' is not a directory",
			       b->vs->workdir);
	if (strcmp(cs->workdir, "/") == 0)
		return err_set(b->e, "refusing workdir '/': it would grant the whole filesystem (use --workdir DIR)");
	for (size_t i = 0; i < n; i++)
		cs->workdir_access =
			(cs->workdir_access & ~chain[i]->workdir_mask) |
			(chain[i]->workdir_access & chain[i]->workdir_mask);
	if (cs->workdir_access != 0)
		add_grant(cs, xstrdup(cs->workdir), cs->workdir_access, true,
			  xstrdup("workdir"), NULL);
	return 0;
}

static int build_cli(struct builder *b, const struct cli_grants *cli)
{
	static const struct {
		size_t off;
		enum rule_kind kind;
		unsigned acc;
		const char *flag;
	} flags[] = {
		{ offsetof(struct cli_grants, allow), RULE_GRANT, LATCH_ACC_RW, "--allow" },
		{ offsetof(struct cli_grants, read), RULE_GRANT, LATCH_ACC_READ, "--read" },
		{ offsetof(struct cli_grants, write), RULE_GRANT, LATCH_ACC_WRITE, "--write" },
		{ offsetof(struct cli_grants, exec), RULE_GRANT, LATCH_ACC_EXEC, "--exec" },
		{ offsetof(struct cli_grants, deny), RULE_DENY, 0, "--deny" },
		{ offsetof(struct cli_grants, deny_write), RULE_DENY_WRITE, 0, "--deny-write" },
	};

	if (cli == NULL)
		return 0;
	for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
		const struct strv *sv =
			(const struct strv *)((const char *)cli + flags[f].off);

		for (size_t i = 0; i < sv->n; i++)
			if (add_rule(b, flags[f].kind, flags[f].acc, sv->v[i],
				     cli->cwd, xstrdup(flags[f].flag), false) < 0)
				return -1;
	}
	for (size_t i = 0; i < cli->env_allow.n; i++)
		if (!strv_contains(&b->cs->env_allow, cli->env_allow.v[i]))
			strv_push(&b->cs->env_allow, cli->env_allow.v[i]);
	return 0;
}

/* latch's state directory (always hidden) and configuration directory. */
static int build_own_dirs(struct builder *b)
{
	char *state = vars_get(b->vs, "XDG_STATE_HOME");
	char *config = vars_get(b->vs, "XDG_CONFIG_HOME");
	char *raw = xjoin(state, "/latch");
	enum path_state st;

	b->cs->state_dir = b->resolve(raw, &st, b->ctx);
	free(raw);
	if (b->cs->state_dir == NULL) {
		err_set(b->e, "cannot resolve latch's state directory under '%s'",
			state);
	} else {
		add_deny(b->cs, xstrdup(b->cs->state_dir), false, st, true,
			 xstrdup("latch state directory"), NULL);
		raw = xjoin(config, "/latch");
		b->cs->config_dir = b->resolve(raw, &st, b->ctx);
		free(raw);
	}
	free(state);
	free(config);
	return b->cs->state_dir ? 0 : -1;
}

/* latch's own data and binary: read-only, like its state is hidden. */
static void build_own(struct builder *b, const struct cli_grants *cli)
{
	for (size_t i = 0; cli && i < cli->own.n; i++) {
		enum path_state st;
		char *path = b->resolve(cli->own.v[i], &st, b->ctx);

		if (path == NULL || st == PATH_MISSING) {
			free(path);
			continue;
		}
		strv_push(&b->cs->own, path);
		add_deny(b->cs, path, true, st, true, xstrdup("latch's own files"),
			 NULL);
	}
	if (cli && cli->shims) {
		/* canonical already (launcher/shims.h), used as it is: the
		 * mount that shows the shims there makes it read-only */
		add_grant(b->cs, xstrdup(cli->shims),
			  LATCH_ACC_READ | LATCH_ACC_EXEC, true,
			  xstrdup("latch's shims"), NULL);
	}
}

static void push_origin(struct strv *origins, struct src s)
{
	strv_push_owned(origins, xasprintf("%s:%d", s.file, s.line));
}

/* A pack file named in `p`: variables expanded, relative to p's file. */
static char *pack_path(struct builder *b, const struct profile *p,
		       const char *raw)
{
	char *exp = vars_expand(b->vs, raw, b->e), *dir, *slash, *abs;

	if (exp == NULL || exp[0] == '/')
		return exp;
	while (exp[0] == '.' && exp[1] == '/')
		memmove(exp, exp + 2, strlen(exp + 2) + 1);
	dir = xstrdup(p->file);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	abs = slash ? xasprintf("%s/%s", dir, exp) : xstrdup(exp);
	free(dir);
	free(exp);
	return abs;
}

static int build_rule_packs(struct builder *b, struct profile *const *chain,
			    size_t n)
{
	struct capset *cs = b->cs;

	for (size_t i = 0; i < n; i++) {
		const struct profile *p = chain[i];

		if (p->rule_anonymous != TRI_UNSET)
			cs->exec_anonymous = p->rule_anonymous == TRI_TRUE;
		if (p->rule_packs_set) {
			strv_free(&cs->rule_packs);
			strv_free(&cs->rule_packs_origin);
			cs->rule_packs_set = true;
			for (size_t j = 0; j < p->rule_packs.n; j++) {
				strv_push(&cs->rule_packs, p->rule_packs.v[j]);
				push_origin(&cs->rule_packs_origin,
					    p->rule_packs_src[j]);
			}
		}
		for (size_t j = 0; j < p->rule_add.n; j++) {
			char *path = pack_path(b, p, p->rule_add.v[j]);

			if (path == NULL)
				return -1;
			strv_push_owned(&cs->rule_add, path);
			push_origin(&cs->rule_add_origin, p->rule_add_src[j]);
		}
		for (size_t j = 0; j < p->rule_disable.n; j++) {
			strv_push(&cs->rule_disable, p->rule_disable.v[j]);
			push_origin(&cs->rule_disable_origin,
				    p->rule_disable_src[j]);
		}
	}
	return 0;
}

static void build_rest(struct capset *cs, struct profile *const *chain,
		       size_t n)
{
	cs->net_mode = NET_OPEN;
	for (size_t i = 0; i < n; i++) {
		const struct profile *p = chain[i];

		merge_env(cs, p);
		if (p->net_mode != NET_UNSET)
			cs->net_mode = p->net_mode;
		if (p->net_unix != TRI_UNSET)
			cs->unix_sockets = p->net_unix == TRI_TRUE;
		if (p->net_private != TRI_UNSET)
			cs->net_private = p->net_private == TRI_TRUE;
		for (size_t j = 0; j < p->net_allow.n; j++)
			strv_push(&cs->net_allow, p->net_allow.v[j]);
		add_routes(cs, p);
		add_ports(&cs->net_bind, &cs->n_net_bind, &p->net_bind);
		add_ports(&cs->net_connect, &cs->n_net_connect, &p->net_connect);
		for (size_t j = 0; j < p->caps_keep.n; j++)
			cs->caps_keep |= 1ull << cap_from_name(p->caps_keep.v[j]);
		if (p->best_effort != TRI_UNSET)
			cs->best_effort = p->best_effort == TRI_TRUE;
		if (p->snapshots != TRI_UNSET)
			cs->snapshots = p->snapshots == TRI_TRUE;
		for (size_t j = 0; j < p->snap_exclude.n; j++)
			strv_push(&cs->snap_exclude, p->snap_exclude.v[j]);
		for (size_t j = 0; j < p->snap_include.n; j++)
			strv_push(&cs->snap_include, p->snap_include.v[j]);
		if (p->snap_max_files)
			cs->snap_max_files = p->snap_max_files;
		if (p->snap_max_bytes)
			cs->snap_max_bytes = p->snap_max_bytes;
		if (p->snap_max_file_size)
			cs->snap_max_file_size = p->snap_max_file_size;
	}
}

int capset_build(struct capset *cs, struct profile *const *chain, size_t n,
		 struct profile *const *groups, size_t n_groups,
		 const struct cli_grants *cli, const struct vars *vs,
		 resolve_fn resolve, void *ctx, struct err *e)
{
	struct builder b = { .cs = cs, .vs = vs, .resolve = resolve,
			     .ctx = ctx, .e = e };

	memset(cs, 0, sizeof(*cs));
	if (n == 0)
		return err_set(e, "no profile given");
	cs->profile = xstrdup(chain[n - 1]->name);
	for (size_t i = 0; i < n; i++)
		strv_push(&cs->chain, chain[i]->name);
	if (build_workdir(&b, chain, n) < 0 ||
	    select_groups(&b, chain, n, groups, n_groups) < 0)
		return -1;
	for (size_t i = 0; i < cs->groups.n; i++) {
		const struct profile *g = find_group(groups, n_groups,
						     cs->groups.v[i]);

		if (add_profile_rules(&b, g) < 0)
			return -1;
		merge_env(cs, g);
		for (size_t j = 0; j < g->net_allow.n; j++)
			strv_push(&cs->net_allow, g->net_allow.v[j]);
		add_routes(cs, g);
	}
	for (size_t i = 0; i < n; i++)
		if (add_profile_rules(&b, chain[i]) < 0)
			return -1;
	if (build_own_dirs(&b) < 0)
		return -1;
	build_own(&b, cli);
	if (apply_unprotect(&b, chain, n) < 0)
		return -1;
	/* after unprotect: a profile cannot cancel a --deny typed by the user */
	if (build_cli(&b, cli) < 0)
		return -1;
	apply_denies(cs);
	fold_grants(cs);
	build_rest(cs, chain, n);
	if (cli && cli->net_mode != NET_UNSET)
		cs->net_mode = cli->net_mode;
	for (size_t i = 0; cli && i < cli->allow_domains.n; i++)
		strv_push(&cs->net_allow, cli->allow_domains.v[i]);
	if (cs->net_mode == NET_ALLOWLIST && has_port(cs->net_bind, cs->n_net_bind, PROXY_PORT))
		return err_set(e, "network bind port %d is the proxy's, inside the sandbox; choose another", PROXY_PORT);
	return build_rule_packs(&b, chain, n);
}

unsigned capset_granted(const struct capset *cs, const char *path)
{
	unsigned acc = 0;

	for (size_t i = 0; i < cs->n_grants; i++)
		if (path_within(path, cs->grants[i].path))
			acc |= cs->grants[i].access;
	return acc;
}

void capset_why(const struct capset *cs, const char *path, unsigned op,
		struct why *out)
{
	const struct grant *best = NULL;

	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < cs->n_denies; k++) {
		const struct deny *d = &cs->denies[k];

		if (!path_within(path, d->path))
			continue;
		if (d->write_only && !(op & LATCH_ACC_WRITE))
			continue;
		out->reason = strcmp(d->path, cs->state_dir) == 0
				      ? "latch state directory"
			      : d->write_only ? "read-only path"
					      : "sensitive path";
		out->by = d->origin;
		out->rule_path = d->path;
		return;
	}
	for (size_t i = 0; i < cs->n_grants; i++) {
		const struct grant *g = &cs->grants[i];

		if (path_within(path, g->path) && (g->access & op) == op &&
		    (best == NULL || strlen(g->path) > strlen(best->path)))
			best = g;
	}
	if (best == NULL) {
		out->reason = "not granted";
		return;
	}
	out->allowed = true;
	out->reason = "granted";
	out->by = best->origin;
	out->rule_path = best->path;
}

void capset_free(struct capset *cs)
{
	for (size_t i = 0; i < cs->n_grants; i++)
		grant_free(&cs->grants[i]);
	for (size_t i = 0; i < cs->n_denies; i++)
		deny_free(&cs->denies[i]);
	for (size_t i = 0; i < cs->n_unprotected; i++) {
		free(cs->unprotected[i].path);
		free(cs->unprotected[i].origin);
	}
	free(cs->grants);
	free(cs->denies);
	free(cs->unprotected);
	free(cs->profile);
	free(cs->workdir);
	free(cs->state_dir);
	free(cs->config_dir);
	strv_free(&cs->own);
	free(cs->net_bind);
	free(cs->net_connect);
	strv_free(&cs->chain);
	strv_free(&cs->groups);
	strv_free(&cs->env_allow);
	strv_free(&cs->env_deny);
	strv_free(&cs->env_set);
	strv_free(&cs->net_allow);
	for (size_t i = 0; i < cs->n_creds; i++)
		cred_route_free(&cs->creds[i]);
	free(cs->creds);
	strv_free(&cs->warnings);
	strv_free(&cs->rule_packs);
	strv_free(&cs->rule_packs_origin);
	strv_free(&cs->rule_add);
	strv_free(&cs->rule_add_origin);
	strv_free(&cs->rule_disable);
	strv_free(&cs->snap_exclude);
	strv_free(&cs->snap_include);
	strv_free(&cs->rule_disable_origin);
	memset(cs, 0, sizeof(*cs));
}
