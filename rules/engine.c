/* engine.c — the loaded packs, the index by command and the decision. */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "impl.h"

static const char *const action_names[] = {
	[ACTION_ALLOW] = "allow", [ACTION_LOG] = "log",
	[ACTION_SNAPSHOT] = "snapshot", [ACTION_ASK] = "ask",
	[ACTION_DENY] = "deny",
};

const char *action_name(enum action a)
{
	return (unsigned)a <= ACTION_DENY ? action_names[a] : "?";
}

int action_from_name(const char *s)
{
	for (int i = 0; i <= ACTION_DENY; i++)
		if (strcmp(s, action_names[i]) == 0)
			return i;
	return -1;
}

struct rules *rules_new(void)
{
	return xcalloc(1, sizeof(struct rules));
}

static void index_free(struct rules *r)
{
	for (size_t i = 0; i < r->n_index; i++)
		free(r->index[i].rules);
	free(r->index);
	free(r->globs);
	r->index = NULL;
	r->globs = NULL;
	r->n_index = r->n_globs = 0;
}

void rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	index_free(r);
	for (size_t i = 0; i < r->n_rules; i++)
		rule_free(r->rules[i]);
	free(r->rules);
	for (size_t i = 0; i < r->n_grammars; i++)
		grammar_free(r->grammars[i]);
	free(r->grammars);
	for (size_t i = 0; i < r->n_packs; i++) {
		free(r->packs[i]->name);
		free(r->packs[i]->description);
		free(r->packs[i]->file);
		free(r->packs[i]);
	}
	free(r->packs);
	free(r);
}

struct pair {
	const char *name;
	size_t rule;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->rule > y->rule) - (x->rule < y->rule);
}

/* Rebuild the index: exact command names (sorted, for bsearch) and the
 * rules with "prefix*" commands. */
static void index_build(struct rules *r)
{
	struct pair *pairs = NULL;
	size_t n = 0, cap = 0;

	index_free(r);
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct rule *ru = r->rules[i];
		bool glob = false;

		if (ru->disabled)
			continue;
		for (size_t j = 0; j < ru->commands.n; j++) {
			const char *c = ru->commands.v[j];

			if (strchr(c, '*')) {
				glob = true;
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				pairs = xrealloc(pairs, cap * sizeof(*pairs));
			}
			pairs[n++] = (struct pair){ c, i };
		}
		if (glob) {
			r->globs = xrealloc(r->globs, (r->n_globs + 1) * sizeof(*r->globs));
			r->globs[r->n_globs++] = i;
		}
	}
	if (n)
		qsort(pairs, n, sizeof(*pairs), pair_cmp);
	for (size_t i = 0; i < n; i++) {
		struct cmd_index *ci;

		if (r->n_index == 0 || strcmp(r->index[r->n_index - 1].name,
					      pairs[i].name) != 0) {
			r->index = xrealloc(r->index, (r->n_index + 1) * sizeof(*r->index));
			r->index[r->n_index++] = (struct cmd_index){ .name = pairs[i].name };
		}
		ci = &r->index[r->n_index - 1];
		/* a rule listing a command twice appears once */
		if (ci->n && ci->rules[ci->n - 1] == pairs[i].rule)
			continue;
		ci->rules = xrealloc(ci->rules, (ci->n + 1) * sizeof(*ci->rules));
		ci->rules[ci->n++] = pairs[i].rule;
	}
	free(pairs);
}

int rules_load(struct rules *r, const char *buf, size_t len, const char *file,
	       struct err *e)
{
	struct parsed_pack pp;

	if (pack_parse(buf, len, file, !r->skip_examples, &pp, e) < 0)
		return -1;
	for (size_t i = 0; i < r->n_packs; i++)
		if (strcmp(r->packs[i]->name, pp.pack->name) == 0) {
			err_set(e, "%s: pack '%s' is already loaded from %s", file,
				pp.pack->name, r->packs[i]->file);
			pack_parsed_free(&pp);
			return -1;
		}
	for (size_t i = 0; i < pp.n_rules; i++)
		for (size_t j = 0; j < r->n_rules; j++)
			if (strcmp(pp.rules[i]->id, r->rules[j]->id) == 0) {
				err_set(e, "%s:%d: duplicate rule id '%s' (first defined at %s:%d)",
					file, pp.rules[i]->line, pp.rules[i]->id,
					r->rules[j]->file, r->rules[j]->line);
				pack_parsed_free(&pp);
				return -1;
			}
	for (size_t i = 0; i < pp.n_grammars; i++)
		for (size_t j = 0; j < r->n_grammars; j++)
			if (strcmp(pp.grammars[i]->command, r->grammars[j]->command) == 0) {
				err_set(e, "%s:%d: a second grammar for '%s' (first at %s:%d)",
					file, pp.grammars[i]->line,
					pp.grammars[i]->command, r->grammars[j]->file,
					r->grammars[j]->line);
				pack_parsed_free(&pp);
				return -1;
			}
	r->packs = xrealloc(r->packs, (r->n_packs + 1) * sizeof(*r->packs));
	r->packs[r->n_packs++] = pp.pack;
	r->rules = xrealloc(r->rules, (r->n_rules + pp.n_rules + 1) * sizeof(*r->rules));
	for (size_t i = 0; i < pp.n_rules; i++) {
		pp.rules[i]->index = r->n_rules;
		r->rules[r->n_rules++] = pp.rules[i];
	}
	r->grammars = xrealloc(r->grammars,
			       (r->n_grammars + pp.n_grammars + 1) * sizeof(*r->grammars));
	for (size_t i = 0; i < pp.n_grammars; i++)
		r->grammars[r->n_grammars++] = pp.grammars[i];
	r->jit_failed |= pp.jit_failed;
	free(pp.rules);
	free(pp.grammars);
	index_build(r);
	return 0;
}

static int index_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cmd_index *)elem)->name);
}

static bool glob_matches(const struct rule *ru, const char *command)
{
	for (size_t i = 0; i < ru->commands.n; i++) {
		const char *c = ru->commands.v[i], *star = strchr(c, '*');

		if (star && strncmp(command, c, (size_t)(star - c)) == 0)
			return true;
	}
	return false;
}

static void consider(struct call *cl, const struct rule *ru,
		     struct decision *d, size_t *best)
{
	/* only a more restrictive rule, or an equal one loaded earlier, wins */
	if (d->rule && (ru->action < d->action ||
			(ru->action == d->action && ru->index > *best)))
		return;
	if (!cond_holds(cl, &ru->when))
		return;
	*d = (struct decision){ .action = ru->action, .rule = ru->id,
				.reason = ru->reason, .file = ru->file,
				.line = ru->line };
	*best = ru->index;
}

#define MAX_WRAPS 8 /* env nice timeout … deep */

static struct decision decide(const struct rules *r, const char *command,
			      const char *const *argv, size_t argc,
			      const char *cwd, const struct rules_roots *roots,
			      int depth);

static void more_restrictive(struct decision *d, struct decision in)
{
	if (in.action > d->action)
		*d = in;
}

/* A wrapper's command, judged as if run itself (in the wrapper's chdir
 * directory, if it names one): the more restrictive decision counts. */
static void unwrap(const struct rules *r, const struct grammar *g,
		   const char *const *argv, size_t argc, const char *cwd,
		   const struct rules_roots *roots, int depth,
		   struct decision *d)
{
	const char *dir = NULL, *base;
	size_t k = argv_inner(g, argv, argc, &dir);
	char *inner_cwd;
	struct decision in;

	if (k == 0)
		return;
	base = strrchr(argv[k], '/');
	inner_cwd = dir ? path_resolve(cwd ? cwd : roots ? roots->workdir : "/", dir)
			: NULL;
	in = decide(r, base ? base + 1 : argv[k], argv + k, argc - k,
		    inner_cwd ? inner_cwd : cwd, roots, depth + 1);
	free(inner_cwd);
	more_restrictive(d, in);
}

/* `sh -c SCRIPT`: every simple command of the script, and every file a
 * redirection replaces (judged as `tee FILE`), before any of it runs. A
 * command whose name is only known at run time is judged when it runs. */
static void judge_script(const struct rules *r, const struct grammar *g,
			 const char *const *argv, size_t argc, const char *cwd,
			 const struct rules_roots *roots, int depth,
			 struct decision *d)
{
	size_t k = argv_script(g, argv, argc);
	struct sh_script sc;

	if (k == 0)
		return;
	shell_parse(argv[k], cwd ? cwd : roots && roots->workdir ? roots->workdir : "/",
		    roots ? roots->home : NULL, argv + k + 1,
		    argc - k - 1 > 10 ? 10 : argc - k - 1, &sc);
	for (size_t i = 0; i < sc.n; i++) {
		const struct sh_cmd *c = &sc.v[i];
		const char *const *w = (const char *const *)c->argv.v;

		for (size_t j = 0; j < c->writes.n; j++) {
			const char *tee[] = { "tee", c->writes.v[j] };

			more_restrictive(d, decide(r, "tee", tee, 2, c->cwd, roots,
						   depth + 1));
		}
		if (c->argv.n && !strpbrk(w[0], "$`")) {
			const char *base = strrchr(w[0], '/');

			more_restrictive(d, decide(r, base ? base + 1 : w[0], w,
						   c->argv.n, c->cwd, roots,
						   depth + 1));
		}
	}
	shell_free(&sc);
}

struct decision rules_decide_as(const struct rules *r, const char *command,
				const char *const *argv, size_t argc,
				const char *cwd, const struct rules_roots *roots)
{
	return decide(r, command, argv, argc, cwd, roots, 0);
}

static struct decision decide(const struct rules *r, const char *command,
			      const char *const *argv, size_t argc,
			      const char *cwd, const struct rules_roots *roots,
			      int depth)
{
	const struct grammar *g;
	struct decision d = { .action = ACTION_ALLOW };
	const struct cmd_index *ci;
	struct call cl;
	size_t best = 0;

	/* argc may be 0 (execve with an empty argv): the command's
	 * unconditional rules still apply */
	if (r == NULL || command == NULL || *command == '\0')
		return d;
	g = grammar_find(r, command);
	if (g && g->wraps && depth < MAX_WRAPS)
		unwrap(r, g, argv, argc, cwd, roots, depth, &d);
	if (g && g->shell && depth < MAX_WRAPS)
		judge_script(r, g, argv, argc, cwd, roots, depth, &d);
	ci = r->n_index ? bsearch(command, r->index, r->n_index,
				  sizeof(*r->index), index_cmp)
			: NULL;
	if (ci == NULL && r->n_globs == 0)
		return d;
	call_init(&cl, r, command, argv, argc, cwd, roots);
	for (size_t i = 0; ci && i < ci->n; i++)
		consider(&cl, r->rules[ci->rules[i]], &d, &best);
	for (size_t i = 0; i < r->n_globs; i++) {
		const struct rule *ru = r->rules[r->globs[i]];

		if (glob_matches(ru, command))
			consider(&cl, ru, &d, &best);
	}
	call_done(&cl);
	return d;
}

bool rules_controls(const struct rules *r, const char *command)
{
	const struct grammar *g;

	if (r == NULL || command == NULL || *command == '\0')
		return false;
	if (r->n_index && bsearch(command, r->index, r->n_index,
				  sizeof(*r->index), index_cmp))
		return true;
	if ((g = grammar_find(r, command)) != NULL && (g->wraps || g->shell))
		return true;
	for (size_t i = 0; i < r->n_globs; i++)
		if (glob_matches(r->rules[r->globs[i]], command))
			return true;
	return false;
}

struct decision rules_decide(const struct rules *r, const char *const *argv,
			     size_t argc, const char *cwd,
			     const struct rules_roots *roots)
{
	const char *base;

	if (argc == 0 || argv[0] == NULL)
		return (struct decision){ .action = ACTION_ALLOW };
	base = strrchr(argv[0], '/');
	return rules_decide_as(r, base ? base + 1 : argv[0], argv, argc, cwd,
			       roots);
}

int rules_disable(struct rules *r, const char *id, struct strv *ids)
{
	bool found = false;

	for (size_t i = 0; i < r->n_rules; i++) {
		if (strcmp(r->rules[i]->id, id) == 0) {
			r->rules[i]->disabled = true;
			found = true;
		} else if (ids && !strv_contains(ids, r->rules[i]->id)) {
			strv_push(ids, r->rules[i]->id);
		}
	}
	if (found)
		index_build(r);
	return found ? 0 : -1;
}

void rules_commands(const struct rules *r, struct strv *names,
		    struct strv *prefixes)
{
	for (size_t i = 0; i < r->n_index; i++)
		strv_push(names, r->index[i].name);
	for (size_t i = 0; i < r->n_grammars; i++)
		if ((r->grammars[i]->wraps || r->grammars[i]->shell) &&
		    !strv_contains(names, r->grammars[i]->command))
			strv_push(names, r->grammars[i]->command);
	for (size_t i = 0; i < r->n_globs; i++) {
		const struct rule *ru = r->rules[r->globs[i]];

		for (size_t j = 0; j < ru->commands.n; j++) {
			const char *c = ru->commands.v[j], *star = strchr(c, '*');
			char *pre;

			if (star == NULL)
				continue;
			pre = xstrndup(c, (size_t)(star - c));
			if (strv_contains(prefixes, pre))
				free(pre);
			else
				strv_push_owned(prefixes, pre);
		}
	}
}

size_t rules_count(const struct rules *r)
{
	return r->n_rules;
}

size_t rules_packs(const struct rules *r)
{
	return r->n_packs;
}

const char *rules_pack_file(const struct rules *r, size_t i)
{
	return i < r->n_packs ? r->packs[i]->file : NULL;
}

bool rules_jit_now(const struct rules *r)
{
	size_t failed = 0;

	for (size_t i = 0; i < r->n_rules; i++)
		failed += !cond_jit(&r->rules[i]->when);
	return failed == 0;
}

bool rules_jit(const struct rules *r)
{
	return !r->jit_failed;
}

void rules_skip_examples(struct rules *r)
{
	r->skip_examples = true;
}
