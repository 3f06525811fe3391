/* pack.c — parse one rule pack (libyaml document API). Every error names
 * `file:line`; unknown keys get a "did you mean"; every pattern is compiled
 * (and JIT-compiled when pcre2 can) here, once. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../common/xalloc.h"
#include "../common/yamlwalk.h"
#include "../policy/suggest.h"
#include "impl.h"

struct pctx {
	struct yw w;     /* the document, the file and the error */
	struct parsed_pack *pp;
	struct rule *ru;
	struct cond *cond;
	struct optspec *os;
	struct opnd_test *ot;
	struct example *ex;
	struct grammar *g;
	bool jit;        /* JIT-compile the patterns as they are read */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef int (*key_fn)(struct pctx *c, const char *key, yaml_node_t *val);

struct key {
	const char *name;
	key_fn fn;
};

struct walk_arg {
	struct pctx *c;
	const struct key *keys;
};

static int call_key(void *arg, size_t i, const char *k, yaml_node_t *v)
{
	struct walk_arg *a = arg;

	return a->keys[i].fn(a->c, k, v);
}

/* Walk a mapping, dispatching each key; unknown and duplicate keys fail. */
static int walk(struct pctx *c, const yaml_node_t *map, const char *what,
		const struct key *keys, size_t nkeys)
{
	const char *names[32];
	struct walk_arg a = { c, keys };

	if (nkeys > N(names))
		abort(); /* a key table outgrew this: a programming error */
	for (size_t i = 0; i < nkeys; i++)
		names[i] = keys[i].name;
	return yw_walk(&c->w, map, what, names, nkeys, call_key, &a);
}

/* ---- patterns and roots ---- */

static int compile(struct pctx *c, const yaml_node_t *n, const char *key,
		   struct pattern **out)
{
	const char *s;
	int code;
	PCRE2_SIZE off;
	pcre2_code *re;

	if (yw_want_scalar(&c->w, n, key, &s) < 0)
		return -1;
	re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, &code, &off,
			   NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		return err_set(c->w.e, "%s:%d: pcre2 error at offset %zu: %s",
			       c->w.file, yw_line(n), (size_t)off, (char *)msg);
	}
	if (c->jit && pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0)
		c->pp->jit_failed = true;
	*out = xcalloc(1, sizeof(**out));
	(*out)->code = re;
	(*out)->text = xstrdup(s);
	return 0;
}

void pattern_free(struct pattern *p)
{
	if (p == NULL)
		return;
	pcre2_code_free(p->code);
	free(p->text);
	free(p);
}

static int want_roots(struct pctx *c, const yaml_node_t *n, const char *key,
		      struct rootset *rs)
{
	struct strv names = { 0 };

	if (yw_want_list(&c->w, n, key, &names, false, NULL) < 0) {
		strv_free(&names);
		return -1;
	}
	if (names.n == 0) {
		strv_free(&names);
		return yw_fail(&c->w, n, "'%s' needs at least one root%s", key, NULL);
	}
	rs->set = true;
	rs->v = xcalloc(names.n, sizeof(*rs->v));
	for (size_t i = 0; i < names.n; i++) {
		const char *s = names.v[i];
		struct root *rt = &rs->v[rs->n++];

		if (!strcmp(s, "$WORKDIR")) {
			rt->kind = ROOT_WORKDIR;
		} else if (!strcmp(s, "$HOME")) {
			rt->kind = ROOT_HOME;
		} else if (!strcmp(s, "$TMP")) {
			rt->kind = ROOT_TMP;
		} else if (!strcmp(s, "$CACHE")) {
			rt->kind = ROOT_CACHE;
		} else if (s[0] == '/') {
			rt->kind = ROOT_PATH;
			rt->path = path_resolve(NULL, s);
		} else {
			int rc = yw_fail(&c->w, n, "unknown root '%s' in '%s' (roots are $WORKDIR, $HOME, $TMP, $CACHE or an absolute path)",
				      s, key);

			strv_free(&names);
			return rc;
		}
	}
	strv_free(&names);
	return 0;
}

static void rootset_free(struct rootset *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->v[i].path);
	free(rs->v);
}

/* ---- options ---- */

static int os_short(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("?@#%+", *p))
			return yw_fail(&c->w, v, "'%s' lists option letters without dashes, not '%s'",
				    k, s);
	free(c->os->shorts);
	c->os->shorts = xstrdup(s);
	return 0;
}

static int os_long(struct pctx *c, const char *k, yaml_node_t *v)
{
	size_t first = c->os->longs.n;

	if (yw_want_list(&c->w, v, k, &c->os->longs, false, NULL) < 0)
		return -1;
	for (size_t i = first; i < c->os->longs.n; i++)
		if (c->os->longs.v[i][0] == '-')
			return yw_fail(&c->w, v, "'%s' lists option names without dashes, not '%s'",
				    k, c->os->longs.v[i]);
	return 0;
}

static int one_option(struct pctx *c, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "short", os_short }, { "long", os_long },
	};
	struct cond *cd = c->cond;

	cd->opts = xrealloc(cd->opts, (cd->n_opts + 1) * sizeof(*cd->opts));
	c->os = &cd->opts[cd->n_opts++];
	memset(c->os, 0, sizeof(*c->os));
	if (walk(c, v, "options", keys, N(keys)) < 0)
		return -1;
	if ((c->os->shorts == NULL || !*c->os->shorts) && c->os->longs.n == 0)
		return yw_fail(&c->w, v, "an option needs 'short' letters or 'long' names%s%s",
			    "", NULL);
	return 0;
}

/* options: {short, long} (one option), or a list of them (all present). */
static int c_options(struct pctx *c, const char *k, yaml_node_t *v)
{
	if (v->type == YAML_MAPPING_NODE)
		return one_option(c, v);
	if (v->type != YAML_SEQUENCE_NODE)
		return yw_fail(&c->w, v, "'%s' must be a mapping {short, long} or a list of them%s",
			    k, NULL);
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++)
		if (one_option(c, yw_node(&c->w, *it)) < 0)
			return -1;
	return 0;
}

/* ---- operands ---- */

static int ot_prefix(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	free(c->ot->prefix);
	c->ot->prefix = xstrdup(s);
	return 0;
}

static int ot_outside(struct pctx *c, const char *k, yaml_node_t *v)
{
	return want_roots(c, v, k, &c->ot->outside);
}

static int ot_under(struct pctx *c, const char *k, yaml_node_t *v)
{
	return want_roots(c, v, k, &c->ot->under);
}

static int ot_not_under(struct pctx *c, const char *k, yaml_node_t *v)
{
	return want_roots(c, v, k, &c->ot->not_under);
}

static int ot_above(struct pctx *c, const char *k, yaml_node_t *v)
{
	return want_roots(c, v, k, &c->ot->above);
}

static int ot_git(struct pctx *c, const char *k, yaml_node_t *v)
{
	bool b = false;

	if (yw_want_bool(&c->w, v, k, &b) < 0)
		return -1;
	c->ot->in_git = b;
	return 0;
}

static int ot_exists(struct pctx *c, const char *k, yaml_node_t *v)
{
	bool b = false;

	if (yw_want_bool(&c->w, v, k, &b) < 0)
		return -1;
	c->ot->exists = b;
	return 0;
}

static int ot_position(struct pctx *c, const char *k, yaml_node_t *v)
{
	static const char *const names[] = { "any", "first", "last",
					     "not_first", "not_last" };
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	for (size_t i = 0; i < N(names); i++)
		if (strcmp(s, names[i]) == 0) {
			c->ot->place = (enum opnd_place)i;
			return 0;
		}
	return yw_fail(&c->w, v, "'%s' is one of any, first, last, not_first, not_last, not '%s'",
		       k, s);
}

static int ot_word(struct pctx *c, const char *k, yaml_node_t *v)
{
	return compile(c, v, k, &c->ot->word);
}

static int ot_path(struct pctx *c, const char *k, yaml_node_t *v)
{
	return compile(c, v, k, &c->ot->path);
}

static int one_operand_test(struct pctx *c, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "position", ot_position },
		{ "prefix", ot_prefix },
		{ "outside", ot_outside },
		{ "under", ot_under },
		{ "not_under", ot_not_under },
		{ "any_equal_or_above", ot_above },
		{ "in_git_dir", ot_git },
		{ "exists", ot_exists },
		{ "word", ot_word },
		{ "path", ot_path },
	};
	struct cond *cd = c->cond;
	struct opnd_test *t;

	cd->opnds = xrealloc(cd->opnds, (cd->n_opnds + 1) * sizeof(*cd->opnds));
	t = &cd->opnds[cd->n_opnds++];
	memset(t, 0, sizeof(*t));
	t->in_git = t->exists = -1;
	c->ot = t;
	if (walk(c, v, "operands", keys, N(keys)) < 0)
		return -1;
	if (!t->outside.set && !t->under.set && !t->not_under.set &&
	    !t->above.set && t->in_git < 0 && t->exists < 0 && !t->word && !t->path)
		return yw_fail(&c->w, v, "an operand test needs one of outside, under, not_under, any_equal_or_above, in_git_dir, exists, word, path%s%s",
			    "", NULL);
	return 0;
}

/* operands: one test (some operand passes it) or a list (each passed by
 * some operand). */
static int c_operands(struct pctx *c, const char *k, yaml_node_t *v)
{
	if (v->type == YAML_MAPPING_NODE)
		return one_operand_test(c, v);
	if (v->type != YAML_SEQUENCE_NODE)
		return yw_fail(&c->w, v, "'%s' must be a mapping of tests or a list of them%s",
			    k, NULL);
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++)
		if (one_operand_test(c, yw_node(&c->w, *it)) < 0)
			return -1;
	return 0;
}

/* ---- conditions ---- */

static int c_subcommand(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_list(&c->w, v, k, &c->cond->subcmd, false, NULL);
}

static int c_argv(struct pctx *c, const char *k, yaml_node_t *v)
{
	struct cond *cd = c->cond;
	yaml_node_t *one[1] = { v };
	yaml_node_t **items = one;
	size_t n = 1;

	if (v->type == YAML_SEQUENCE_NODE) {
		n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
		items = xcalloc(n ? n : 1, sizeof(*items));
		for (size_t i = 0; i < n; i++)
			items[i] = yw_node(&c->w, v->data.sequence.items.start[i]);
	}
	for (size_t i = 0; i < n; i++) {
		struct pattern *p = NULL;

		if (compile(c, items[i], k, &p) < 0) {
			if (items != one)
				free(items);
			return -1;
		}
		cd->argv = xrealloc(cd->argv, (cd->n_argv + 1) * sizeof(*cd->argv));
		cd->argv[cd->n_argv++] = p;
	}
	if (items != one)
		free(items);
	return 0;
}

static int c_cmdline(struct pctx *c, const char *k, yaml_node_t *v)
{
	if (c->cond->cmdline)
		return yw_fail(&c->w, v, "'%s' given twice%s", k, NULL);
	return compile(c, v, k, &c->cond->cmdline);
}

static int c_no_operands(struct pctx *c, const char *k, yaml_node_t *v)
{
	bool b = false;

	if (yw_want_bool(&c->w, v, k, &b) < 0)
		return -1;
	c->cond->no_operands = b;
	return 0;
}

static int parse_cond(struct pctx *c, yaml_node_t *v, const char *what,
		      struct cond *into);

static int c_any(struct pctx *c, const char *k, yaml_node_t *v)
{
	struct cond *cd = c->cond;
	size_t n;

	if (v->type != YAML_SEQUENCE_NODE)
		return yw_fail(&c->w, v, "'%s' must be a list of condition mappings%s", k, NULL);
	n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n == 0)
		return yw_fail(&c->w, v, "'%s' needs at least one condition%s", k, NULL);
	cd->any = xcalloc(n, sizeof(*cd->any));
	for (size_t i = 0; i < n; i++) {
		cd->any[i].no_operands = -1;
		cd->n_any = i + 1;
		if (parse_cond(c, yw_node(&c->w, v->data.sequence.items.start[i]), k,
			       &cd->any[i]) < 0)
			return -1;
	}
	return 0;
}

static int c_not(struct pctx *c, const char *k, yaml_node_t *v)
{
	struct cond *cd = c->cond;

	cd->not = xcalloc(1, sizeof(*cd->not));
	cd->not->no_operands = -1;
	return parse_cond(c, v, k, cd->not);
}

static int parse_cond(struct pctx *c, yaml_node_t *v, const char *what,
		      struct cond *into)
{
	static const struct key keys[] = {
		{ "subcommand", c_subcommand }, { "options", c_options },
		{ "operands", c_operands },     { "argv", c_argv },
		{ "cmdline", c_cmdline },       { "no_operands", c_no_operands },
		{ "any", c_any },               { "not", c_not },
	};
	struct cond *saved = c->cond;
	int rc;

	c->cond = into;
	rc = walk(c, v, what, keys, N(keys));
	c->cond = saved;
	return rc;
}

static bool jit(const struct pattern *p)
{
	return p == NULL || pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE) == 0;
}

bool cond_jit(const struct cond *cd)
{
	size_t failed = !jit(cd->cmdline);

	for (size_t i = 0; i < cd->n_opnds; i++)
		failed += !jit(cd->opnds[i].word) + !jit(cd->opnds[i].path);
	for (size_t i = 0; i < cd->n_argv; i++)
		failed += !jit(cd->argv[i]);
	for (size_t i = 0; i < cd->n_any; i++)
		failed += !cond_jit(&cd->any[i]);
	if (cd->not)
		failed += !cond_jit(cd->not);
	return failed == 0;
}

static void cond_free(struct cond *cd)
{
	strv_free(&cd->subcmd);
	for (size_t i = 0; i < cd->n_opts; i++) {
		free(cd->opts[i].shorts);
		strv_free(&cd->opts[i].longs);
	}
	free(cd->opts);
	for (size_t i = 0; i < cd->n_opnds; i++) {
		struct opnd_test *t = &cd->opnds[i];

		free(t->prefix);
		rootset_free(&t->outside);
		rootset_free(&t->under);
		rootset_free(&t->not_under);
		rootset_free(&t->above);
		pattern_free(t->word);
		pattern_free(t->path);
	}
	free(cd->opnds);
	for (size_t i = 0; i < cd->n_argv; i++)
		pattern_free(cd->argv[i]);
	free(cd->argv);
	pattern_free(cd->cmdline);
	for (size_t i = 0; i < cd->n_any; i++)
		cond_free(&cd->any[i]);
	free(cd->any);
	if (cd->not) {
		cond_free(cd->not);
		free(cd->not);
	}
}

/* ---- examples ---- */

static int ex_argv(struct pctx *c, const char *k, yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return yw_fail(&c->w, v, "'%s' must be a list of words, command first%s", k, NULL);
	return yw_want_list(&c->w, v, k, &c->ex->argv, true, NULL);
}

static int ex_cwd(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	if (s[0] != '/')
		return yw_fail(&c->w, v, "'%s' must be an absolute path, not '%s'", k, s);
	free(c->ex->cwd);
	c->ex->cwd = xstrdup(s);
	return 0;
}

/* The files an example's operand tests `exists` see: absolute paths. */
static int ex_exists(struct pctx *c, const char *k, yaml_node_t *v)
{
	size_t first = c->ex->exists.n;

	if (yw_want_list(&c->w, v, k, &c->ex->exists, false, NULL) < 0)
		return -1;
	for (size_t i = first; i < c->ex->exists.n; i++)
		if (c->ex->exists.v[i][0] != '/')
			return yw_fail(&c->w, v, "'%s' lists absolute paths, not '%s'", k,
				       c->ex->exists.v[i]);
	return 0;
}

static int want_action(struct pctx *c, yaml_node_t *v, const char *k,
		       enum action *out)
{
	const char *s;
	int a;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	a = action_from_name(s);
	if (a < 0)
		return yw_fail(&c->w, v, "'%s' must be deny, ask, snapshot, log or allow, not '%s'",
			    k, s);
	*out = (enum action)a;
	return 0;
}

static int ex_expect(struct pctx *c, const char *k, yaml_node_t *v)
{
	return want_action(c, v, k, &c->ex->expect);
}

static int r_examples(struct pctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "argv", ex_argv }, { "cwd", ex_cwd }, { "expect", ex_expect },
		{ "exists", ex_exists },
	};
	struct rule *ru = c->ru;

	if (v->type != YAML_SEQUENCE_NODE)
		return yw_fail(&c->w, v, "'%s' must be a list of {argv, cwd, exists, expect}%s", k, NULL);
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = yw_node(&c->w, *it);
		bool has_expect = false;

		ru->ex = xrealloc(ru->ex, (ru->n_ex + 1) * sizeof(*ru->ex));
		c->ex = &ru->ex[ru->n_ex++];
		memset(c->ex, 0, sizeof(*c->ex));
		c->ex->line = yw_line(item);
		if (walk(c, item, "example", keys, N(keys)) < 0)
			return -1;
		if (item->type == YAML_MAPPING_NODE)
			for (yaml_node_pair_t *pr = item->data.mapping.pairs.start;
			     pr < item->data.mapping.pairs.top; pr++)
				if (!strcmp(yw_scalar(yw_node(&c->w, pr->key)), "expect"))
					has_expect = true;
		if (c->ex->argv.n == 0 || c->ex->argv.v[0][0] == '\0')
			return yw_fail(&c->w, item, "an example needs 'argv' (a list of words, command first)%s%s",
				    "", NULL);
		if (!has_expect)
			return yw_fail(&c->w, item, "an example needs 'expect' (deny, ask, snapshot, log or allow)%s%s",
				    "", NULL);
	}
	return 0;
}

/* ---- rules ---- */

static bool valid_id(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

static int r_id(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	if (!valid_id(s))
		return yw_fail(&c->w, v, "rule id '%s' may hold only letters, digits, '-', '_' and '.'%s",
			    s, NULL);
	for (size_t i = 0; i + 1 < c->pp->n_rules; i++)
		if (strcmp(c->pp->rules[i]->id, s) == 0)
			return yw_fail(&c->w, v, "duplicate rule id '%s'%s", s, NULL);
	free(c->ru->id);
	c->ru->id = xstrdup(s);
	return 0;
}

static int r_reason(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	free(c->ru->reason);
	c->ru->reason = xstrdup(s);
	return 0;
}

static int r_description(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	return yw_want_scalar(&c->w, v, k, &s);
}

static int valid_command(struct pctx *c, yaml_node_t *v, const char *s)
{
	const char *star = strchr(s, '*');

	if (strchr(s, '/') || strchr(s, ' '))
		return yw_fail(&c->w, v, "command '%s' must be a basename (no '/' or spaces)%s",
			    s, NULL);
	if (star && (star[1] != '\0' || star == s))
		return yw_fail(&c->w, v, "command '%s': '*' may only end a prefix, as in 'mkfs.*'%s",
			    s, NULL);
	return 0;
}

static int r_commands(struct pctx *c, const char *k, yaml_node_t *v)
{
	size_t first = c->ru->commands.n;

	if (yw_want_list(&c->w, v, k, &c->ru->commands, false, NULL) < 0)
		return -1;
	for (size_t i = first; i < c->ru->commands.n; i++)
		if (valid_command(c, v, c->ru->commands.v[i]) < 0)
			return -1;
	return 0;
}

static int r_when(struct pctx *c, const char *k, yaml_node_t *v)
{
	return parse_cond(c, v, k, &c->ru->when);
}

static int r_action(struct pctx *c, const char *k, yaml_node_t *v)
{
	return want_action(c, v, k, &c->ru->action);
}

void rule_free(struct rule *ru)
{
	if (ru == NULL)
		return;
	free(ru->id);
	free(ru->reason);
	strv_free(&ru->commands);
	cond_free(&ru->when);
	for (size_t i = 0; i < ru->n_ex; i++) {
		strv_free(&ru->ex[i].argv);
		free(ru->ex[i].cwd);
		strv_free(&ru->ex[i].exists);
	}
	free(ru->ex);
	free(ru);
}

static bool has_key(struct pctx *c, const yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++)
		if (!strcmp(yw_scalar(yw_node(&c->w, pr->key)), key))
			return true;
	return false;
}

static int k_rules(struct pctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "id", r_id },           { "description", r_description },
		{ "commands", r_commands }, { "when", r_when },
		{ "action", r_action },   { "reason", r_reason },
		{ "examples", r_examples },
	};
	static const char *const required[] = { "id", "commands", "action", "reason" };
	struct parsed_pack *pp = c->pp;

	if (v->type != YAML_SEQUENCE_NODE)
		return yw_fail(&c->w, v, "'%s' must be a list of rules%s", k, NULL);
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = yw_node(&c->w, *it);

		pp->rules = xrealloc(pp->rules, (pp->n_rules + 1) * sizeof(*pp->rules));
		c->ru = pp->rules[pp->n_rules++] = xcalloc(1, sizeof(*c->ru));
		c->ru->line = yw_line(item);
		c->ru->when.no_operands = -1;
		if (walk(c, item, "rule", keys, N(keys)) < 0)
			return -1;
		for (size_t i = 0; i < N(required); i++)
			if (!has_key(c, item, required[i]))
				return yw_fail(&c->w, item, "a rule needs '%s'%s", required[i], NULL);
		if (c->ru->commands.n == 0)
			return yw_fail(&c->w, item, "rule '%s' applies to no command ('commands' is empty)",
				    c->ru->id, NULL);
	}
	return 0;
}

/* ---- grammar ---- */

static int g_command(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	if (*s == '\0' || strchr(s, '/'))
		return yw_fail(&c->w, v, "'%s' must be a command name (or 'command subcommand'), not '%s'",
			    k, s);
	free(c->g->command);
	c->g->command = xstrdup(s);
	return 0;
}

/* A list of options as written (-o, --output) into letters and names. */
static int option_list(struct pctx *c, const char *k, yaml_node_t *v,
		       char **shorts, struct strv *longs)
{
	struct strv words = { 0 };
	size_t ns = *shorts ? strlen(*shorts) : 0;

	if (yw_want_list(&c->w, v, k, &words, false, NULL) < 0) {
		strv_free(&words);
		return -1;
	}
	for (size_t i = 0; i < words.n; i++) {
		const char *w = words.v[i];

		if (w[0] == '-' && w[1] == '-' && w[2] != '\0') {
			strv_push(longs, w + 2);
		} else if (w[0] == '-' && w[1] != '\0' && w[1] != '-' && w[2] == '\0') {
			*shorts = xrealloc(*shorts, ns + 2);
			(*shorts)[ns++] = w[1];
			(*shorts)[ns] = '\0';
		} else {
			int rc = yw_fail(&c->w, v, "'%s' lists options as written (-o or --output), not '%s'",
				      k, w);

			strv_free(&words);
			return rc;
		}
	}
	strv_free(&words);
	return 0;
}

static int g_value_options(struct pctx *c, const char *k, yaml_node_t *v)
{
	return option_list(c, k, v, &c->g->value_shorts, &c->g->value_longs);
}

/* Options of a kind (target, chdir) take a value too: listed in both. */
static int kind_of_value_options(struct pctx *c, const char *k, yaml_node_t *v,
				 char **shorts, struct strv *longs)
{
	if (option_list(c, k, v, shorts, longs) < 0)
		return -1;
	return option_list(c, k, v, &c->g->value_shorts, &c->g->value_longs);
}

static int g_target_options(struct pctx *c, const char *k, yaml_node_t *v)
{
	return kind_of_value_options(c, k, v, &c->g->target_shorts,
				     &c->g->target_longs);
}

static int g_long(struct pctx *c, const char *k, yaml_node_t *v)
{
	size_t first = c->g->longs.n;

	if (yw_want_list(&c->w, v, k, &c->g->longs, false, NULL) < 0)
		return -1;
	for (size_t i = first; i < c->g->longs.n; i++)
		if (c->g->longs.v[i][0] == '-')
			return yw_fail(&c->w, v, "'%s' lists option names without dashes, not '%s'",
				    k, c->g->longs.v[i]);
	return 0;
}

static int g_subcommands(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_bool(&c->w, v, k, &c->g->subcommands);
}

static int g_expressions(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_bool(&c->w, v, k, &c->g->expressions);
}

static int g_wraps(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_bool(&c->w, v, k, &c->g->wraps);
}

static int g_shell(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_bool(&c->w, v, k, &c->g->shell);
}

static int g_assignments(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_bool(&c->w, v, k, &c->g->assignments);
}

static int g_chdir_options(struct pctx *c, const char *k, yaml_node_t *v)
{
	return kind_of_value_options(c, k, v, &c->g->chdir_shorts,
				     &c->g->chdir_longs);
}

static int g_script_options(struct pctx *c, const char *k, yaml_node_t *v)
{
	return kind_of_value_options(c, k, v, &c->g->script_shorts,
				     &c->g->script_longs);
}

static int g_script_keys(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_list(&c->w, v, k, &c->g->script_keys, false, NULL);
}

static int g_alias_keys(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_list(&c->w, v, k, &c->g->alias_keys, false, NULL);
}

static int g_language(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;
	int l;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	if ((l = lang_from_name(s)) < 0)
		return yw_fail(&c->w, v, "'%s' is one of python, perl, ruby, node, php, awk, not '%s'",
			    k, s);
	c->g->language = l;
	return 0;
}

static int g_program_operand(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_bool(&c->w, v, k, &c->g->program_operand);
}

static int g_script_operands(struct pctx *c, const char *k, yaml_node_t *v)
{
	return yw_want_bool(&c->w, v, k, &c->g->script_operands);
}

static int g_skip_operands(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;
	char *end;
	unsigned long n;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	n = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || n > 4)
		return yw_fail(&c->w, v, "'%s' is a number from 0 to 4, not '%s'", k, s);
	c->g->skip_operands = (unsigned)n;
	return 0;
}

void grammar_free(struct grammar *g)
{
	if (g == NULL)
		return;
	free(g->command);
	free(g->value_shorts);
	strv_free(&g->value_longs);
	free(g->target_shorts);
	strv_free(&g->target_longs);
	free(g->chdir_shorts);
	strv_free(&g->chdir_longs);
	free(g->script_shorts);
	strv_free(&g->script_longs);
	strv_free(&g->script_keys);
	strv_free(&g->alias_keys);
	strv_free(&g->longs);
	free(g);
}

static int k_grammar(struct pctx *c, const char *k, yaml_node_t *v)
{
	static const struct key keys[] = {
		{ "command", g_command },
		{ "value_options", g_value_options },
		{ "target_options", g_target_options },
		{ "long", g_long },
		{ "subcommands", g_subcommands },
		{ "expressions", g_expressions },
		{ "wraps", g_wraps },
		{ "shell", g_shell },
		{ "assignments", g_assignments },
		{ "chdir_options", g_chdir_options },
		{ "skip_operands", g_skip_operands },
		{ "script_options", g_script_options },
		{ "script_keys", g_script_keys },
		{ "alias_keys", g_alias_keys },
		{ "language", g_language },
		{ "program_operand", g_program_operand },
		{ "script_operands", g_script_operands },
	};
	struct parsed_pack *pp = c->pp;

	if (v->type != YAML_SEQUENCE_NODE)
		return yw_fail(&c->w, v, "'%s' must be a list of grammars {command, value_options, target_options, long, subcommands, expressions, wraps, shell, assignments, chdir_options, skip_operands, script_options, script_keys, alias_keys, script_operands, language, program_operand}%s",
			    k, NULL);
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = yw_node(&c->w, *it);

		pp->grammars = xrealloc(pp->grammars,
					(pp->n_grammars + 1) * sizeof(*pp->grammars));
		c->g = pp->grammars[pp->n_grammars++] = xcalloc(1, sizeof(*c->g));
		c->g->file = c->w.file;
		c->g->line = yw_line(item);
		if (walk(c, item, "grammar", keys, N(keys)) < 0)
			return -1;
		if (c->g->command == NULL)
			return yw_fail(&c->w, item, "a grammar needs 'command'%s%s", "", NULL);
		for (size_t i = 0; i + 1 < pp->n_grammars; i++)
			if (!strcmp(pp->grammars[i]->command, c->g->command))
				return yw_fail(&c->w, item, "a second grammar for '%s'%s",
					    c->g->command, NULL);
	}
	return 0;
}

/* ---- the pack ---- */

static int k_pack(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	if (!valid_id(s))
		return yw_fail(&c->w, v, "pack name '%s' may hold only letters, digits, '-', '_' and '.'%s",
			    s, NULL);
	free(c->pp->pack->name);
	c->pp->pack->name = xstrdup(s);
	return 0;
}

static int k_description(struct pctx *c, const char *k, yaml_node_t *v)
{
	const char *s;

	if (yw_want_scalar(&c->w, v, k, &s) < 0)
		return -1;
	free(c->pp->pack->description);
	c->pp->pack->description = xstrdup(s);
	return 0;
}

static int parse_root(struct pctx *c, yaml_node_t *root)
{
	static const struct key keys[] = {
		{ "pack", k_pack },       { "description", k_description },
		{ "grammar", k_grammar }, { "rules", k_rules },
	};

	if (walk(c, root, "pack", keys, N(keys)) < 0)
		return -1;
	if (c->pp->pack->name == NULL)
		return yw_fail(&c->w, root, "a rule pack needs 'pack: NAME'%s%s", "", NULL);
	return 0;
}

static int yaml_error(yaml_parser_t *parser, const char *file, struct err *e)
{
	return err_set(e, "%s:%zu:%zu: %s%s%s", file,
		       parser->problem_mark.line + 1,
		       parser->problem_mark.column + 1,
		       parser->problem ? parser->problem : "invalid YAML",
		       parser->context ? " " : "",
		       parser->context ? parser->context : "");
}

/* The examples document: `RULE-ID: [ {argv, cwd, expect}, … ]`. */
static int parse_examples(struct pctx *c, yaml_node_t *root)
{
	if (root->type != YAML_MAPPING_NODE)
		return yw_fail(&c->w, root, "the examples document must map rule ids to lists of examples%s%s",
			    "", NULL);
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yw_node(&c->w, pr->key);
		const char *id = k->type == YAML_SCALAR_NODE
					 ? (const char *)k->data.scalar.value : "";
		size_t i;

		for (i = 0; i < c->pp->n_rules; i++)
			if (strcmp(c->pp->rules[i]->id, id) == 0)
				break;
		if (i == c->pp->n_rules)
			return yw_fail(&c->w, k, "examples for unknown rule '%s'%s", id, NULL);
		c->ru = c->pp->rules[i];
		if (r_examples(c, "examples", yw_node(&c->w, pr->value)) < 0)
			return -1;
	}
	return 0;
}

static int second_document(yaml_parser_t *parser, struct pctx *c)
{
	yaml_document_t next;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_load(parser, &next))
		return yaml_error(parser, c->w.file, c->w.e);
	root = yaml_document_get_root_node(&next);
	if (root != NULL) {
		yaml_document_t *first = c->w.doc;

		c->w.doc = &next;
		rc = parse_examples(c, root);
		c->w.doc = first;
	}
	yaml_document_delete(&next);
	return rc;
}

int pack_parse(const char *buf, size_t len, const char *file, bool examples,
	       struct parsed_pack *out, struct err *e)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct pctx c = { .w = { .doc = &doc, .file = file, .e = e }, .pp = out,
			  .jit = examples };
	yaml_node_t *root;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->pack = xcalloc(1, sizeof(*out->pack));
	out->pack->file = xstrdup(file);
	c.w.file = out->pack->file;
	if (!yaml_parser_initialize(&parser)) {
		pack_parsed_free(out);
		return err_set(e, "%s: cannot initialise the YAML parser", file);
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_error(&parser, file, e);
		yaml_parser_delete(&parser);
		pack_parsed_free(out);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		err_set(e, "%s: empty document (a rule pack is a YAML mapping: pack, description, grammar, rules)",
			file);
	} else {
		rc = parse_root(&c, root);
		if (rc == 0 && examples)
			rc = second_document(&parser, &c);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc < 0) {
		pack_parsed_free(out);
		return -1;
	}
	for (size_t i = 0; i < out->n_rules; i++)
		out->rules[i]->file = out->pack->file;
	return 0;
}

void pack_parsed_free(struct parsed_pack *pp)
{
	for (size_t i = 0; i < pp->n_rules; i++)
		rule_free(pp->rules[i]);
	free(pp->rules);
	for (size_t i = 0; i < pp->n_grammars; i++)
		grammar_free(pp->grammars[i]);
	free(pp->grammars);
	if (pp->pack) {
		free(pp->pack->name);
		free(pp->pack->description);
		free(pp->pack->file);
		free(pp->pack);
	}
	memset(pp, 0, sizeof(*pp));
}
