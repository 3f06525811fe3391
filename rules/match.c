/* match.c — the conditions of a rule, evaluated for one exec. Everything
 * derived from the exec (the option/operand view, the joined command line,
 * the normalised roots, pcre2 match data) is computed on first use and
 * lives in the call, never in the engine: decisions are thread-safe. */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "impl.h"

void call_init(struct call *cl, const struct rules *r, const char *command,
	       const char *const *argv, size_t argc, const char *cwd,
	       const struct rules_roots *roots)
{
	memset(cl, 0, sizeof(*cl));
	cl->r = r;
	cl->command = command;
	cl->argv = argv;
	cl->argc = argc;
	if (roots && roots->workdir)
		cl->workdir = path_resolve(NULL, roots->workdir);
	if (roots && roots->home) {
		cl->home = path_resolve(NULL, roots->home);
		cl->cache = path_resolve(cl->home, ".cache");
	}
	cl->cwd = cwd ? cwd : cl->workdir ? cl->workdir : "/";
	if (roots) {
		cl->exists = roots->exists;
		cl->exists_ctx = roots->exists_ctx;
	}
}

void call_done(struct call *cl)
{
	if (cl->have_view)
		argv_view_free(&cl->view);
	if (cl->md)
		pcre2_match_data_free(cl->md);
	free(cl->cmdline);
	free(cl->workdir);
	free(cl->home);
	free(cl->cache);
}

static const struct argv_view *view(struct call *cl)
{
	if (!cl->have_view) {
		argv_read(&cl->view, cl->r, cl->command, cl->argv, cl->argc);
		cl->have_view = true;
	}
	return &cl->view;
}

/* A pcre2 error other than "no match" (a resource limit) counts as a
 * match: rules block, so failing closed is the safe reading. */
static bool re_match(struct call *cl, const struct pattern *p, const char *s,
		     size_t len)
{
	int rc;

	if (cl->md == NULL) {
		cl->md = pcre2_match_data_create(1, NULL);
		if (cl->md == NULL)
			return true;
	}
	rc = pcre2_match(p->code, (PCRE2_SPTR)s, len, 0, 0, cl->md, NULL);
	return rc != PCRE2_ERROR_NOMATCH;
}

static const char *joined(struct call *cl, size_t *len)
{
	if (cl->cmdline == NULL) {
		size_t n = strlen(cl->command) + 1, o;

		for (size_t i = 1; i < cl->argc; i++)
			n += strlen(cl->argv[i]) + 1;
		cl->cmdline = xmalloc(n);
		o = strlen(cl->command);
		memcpy(cl->cmdline, cl->command, o);
		for (size_t i = 1; i < cl->argc; i++) {
			size_t l = strlen(cl->argv[i]);

			cl->cmdline[o++] = ' ';
			memcpy(cl->cmdline + o, cl->argv[i], l);
			o += l;
		}
		cl->cmdline[o] = '\0';
		cl->cmdline_len = o;
	}
	*len = cl->cmdline_len;
	return cl->cmdline;
}

static bool option_present(struct call *cl, const struct optspec *o)
{
	const struct argv_view *v = view(cl);

	for (const char *c = o->shorts; c && *c; c++)
		if (argv_has_short(v, (unsigned char)*c))
			return true;
	return o->longs.n && argv_has_long(v, &o->longs);
}

/* The concrete paths of one root (two for $TMP); 0 when unknown. */
static size_t root_paths(const struct call *cl, const struct root *rt,
			 const char *out[2])
{
	switch (rt->kind) {
	case ROOT_WORKDIR: out[0] = cl->workdir; break;
	case ROOT_HOME: out[0] = cl->home; break;
	case ROOT_CACHE: out[0] = cl->cache; break;
	case ROOT_PATH: out[0] = rt->path; break;
	case ROOT_TMP:
		out[0] = "/tmp";
		out[1] = "/var/tmp";
		return 2;
	}
	return out[0] ? 1 : 0;
}

static bool any_root(const struct call *cl, const struct rootset *rs,
		     const char *p, bool (*test)(const char *, const char *))
{
	for (size_t i = 0; i < rs->n; i++) {
		const char *paths[2] = { NULL, NULL };
		size_t n = root_paths(cl, &rs->v[i], paths);

		for (size_t j = 0; j < n; j++)
			if (test(p, paths[j]))
				return true;
	}
	return false;
}

static bool operand_passes(struct call *cl, const struct opnd_test *t,
			   const char *w)
{
	char *abs = NULL;
	bool ok = true;

	if (t->prefix) {
		size_t n = strlen(t->prefix);

		if (strncmp(w, t->prefix, n) != 0)
			return false;
		w += n;
	}
	if (t->word && !re_match(cl, t->word, w, strlen(w)))
		return false;
	if (t->outside.set || t->under.set || t->not_under.set ||
	    t->above.set || t->in_git >= 0 || t->path || t->exists >= 0) {
		abs = path_resolve(cl->cwd, w);
		if (t->outside.set && any_root(cl, &t->outside, abs, path_inside))
			ok = false;
		if (ok && t->under.set && !any_root(cl, &t->under, abs, path_under))
			ok = false;
		if (ok && t->not_under.set &&
		    any_root(cl, &t->not_under, abs, path_under))
			ok = false;
		if (ok && t->above.set && !any_root(cl, &t->above, abs, path_above))
			ok = false;
		if (ok && t->in_git >= 0 && path_has_git(abs) != (t->in_git == 1))
			ok = false;
		if (ok && t->path && !re_match(cl, t->path, abs, strlen(abs)))
			ok = false;
		if (ok && t->exists >= 0 &&
		    (cl->exists && cl->exists(abs, cl->exists_ctx)) != (t->exists == 1))
			ok = false;
		free(abs);
	}
	return ok;
}

static bool at_place(enum opnd_place p, size_t i, size_t n)
{
	switch (p) {
	case PLACE_FIRST: return i == 0;
	case PLACE_LAST: return i + 1 == n;
	case PLACE_NOT_FIRST: return i > 0;
	case PLACE_NOT_LAST: return i + 1 < n;
	case PLACE_ANY: break;
	}
	return true;
}

static bool some_operand(struct call *cl, const struct opnd_test *t)
{
	const struct argv_view *v = view(cl);

	for (size_t i = 0; i < v->n_ops; i++)
		if (at_place(t->place, i, v->n_ops) &&
		    operand_passes(cl, t, v->ops[i]))
			return true;
	return false;
}

static bool some_word(struct call *cl, const struct pattern *p)
{
	for (size_t i = 1; i < cl->argc; i++)
		if (re_match(cl, p, cl->argv[i], strlen(cl->argv[i])))
			return true;
	return false;
}

bool cond_empty(const struct cond *c)
{
	return !c->subcmd.n && !c->n_opts && !c->n_opnds && !c->n_argv &&
	       !c->cmdline && c->no_operands < 0 && !c->n_any && !c->not;
}

bool cond_holds(struct call *cl, const struct cond *c)
{
	if (c->subcmd.n) {
		const struct argv_view *v = view(cl);

		if (v->sub == NULL || !strv_contains(&c->subcmd, v->sub))
			return false;
	}
	for (size_t i = 0; i < c->n_opts; i++)
		if (!option_present(cl, &c->opts[i]))
			return false;
	if (c->no_operands >= 0 && (view(cl)->n_ops == 0) != (c->no_operands == 1))
		return false;
	for (size_t i = 0; i < c->n_argv; i++)
		if (!some_word(cl, c->argv[i]))
			return false;
	if (c->cmdline) {
		size_t len;
		const char *s = joined(cl, &len);

		if (!re_match(cl, c->cmdline, s, len))
			return false;
	}
	for (size_t i = 0; i < c->n_opnds; i++)
		if (!some_operand(cl, &c->opnds[i]))
			return false;
	if (c->n_any) {
		size_t i;

		for (i = 0; i < c->n_any; i++)
			if (cond_holds(cl, &c->any[i]))
				break;
		if (i == c->n_any)
			return false;
	}
	if (c->not && cond_holds(cl, c->not))
		return false;
	return true;
}
