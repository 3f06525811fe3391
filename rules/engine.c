/* engine.c — the loaded packs, the index by command and the decision. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "impl.h"
#include "unwrap.h"

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

static int grammar_cmp(const void *a, const void *b)
{
	return strcmp((*(struct grammar *const *)a)->command,
		      (*(struct grammar *const *)b)->command);
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
	/* by command, for grammar_find (each command has one) */
	qsort(r->grammars, r->n_grammars, sizeof(*r->grammars), grammar_cmp);
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

/* `in`: the decision on a command this one would run. */
static void more_restrictive(struct decision *d, struct decision in)
{
	if (in.action > d->action) {
		*d = in;
		d->inner = true;
	}
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

/* A shell script (`pos`: its $0 …), judged before any of it runs: every
 * simple command, and every file a redirection replaces (judged as `tee
 * FILE`). A command whose name is only known at run time is judged when
 * it runs. */
static void judge_text(const struct rules *r, const char *script,
		       const char *const *pos, size_t npos, const char *cwd,
		       const struct rules_roots *roots, int depth,
		       struct decision *d)
{
	struct sh_script sc;

	shell_parse(script, cwd ? cwd : roots && roots->workdir ? roots->workdir : "/",
		    roots ? roots->home : NULL, pos, npos > 10 ? 10 : npos, &sc);
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

/* `sh -c SCRIPT [$0 $1 …]`. */
static void judge_script(const struct rules *r, const struct grammar *g,
			 const char *const *argv, size_t argc, const char *cwd,
			 const struct rules_roots *roots, int depth,
			 struct decision *d)
{
	size_t k = argv_script(g, argv, argc);

	if (k)
		judge_text(r, argv[k], argv + k + 1, argc - k - 1, cwd, roots,
			   depth, d);
}

/* Does `key` match one of `globs` (case aside, as git's keys)? */
static bool key_in(const struct strv *globs, const char *key)
{
	for (size_t i = 0; i < globs->n; i++)
		if (fnmatch(globs->v[i], key, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

/* The script in a script option's value: all of it; or, when the grammar
 * names keys, a KEY=VALUE's VALUE under a script key, or under an alias
 * key the command's own arguments (`git VALUE`) unless VALUE starts with
 * '!' (a shell command). NULL: nothing runs. */
static char *option_script(const struct grammar *g, const char *command,
			   const char *value)
{
	const char *eq = strchr(value, '=');
	char *key, *s = NULL;

	if (g->script_keys.n == 0 && g->alias_keys.n == 0)
		return xstrdup(value);
	if (eq == NULL)
		return NULL;
	key = xstrndup(value, (size_t)(eq - value));
	if (key_in(&g->alias_keys, key))
		s = eq[1] == '!' ? xstrdup(eq + 2) : xjoin(command, " ", eq + 1);
	else if (key_in(&g->script_keys, key))
		s = xstrdup(eq[1] == '!' ? eq + 2 : eq + 1);
	free(key);
	return s;
}

/* An interpreter's one-liner: the shell scripts and argvs it would run
 * (recursive deletes as `rm -rf -- TARGET`), judged before it runs. */
static void judge_code(const struct rules *r, enum lang l, const char *code,
		       const char *cwd, const struct rules_roots *roots,
		       int depth, struct decision *d)
{
	struct oneliner o;

	oneliner_parse(l, code, roots ? roots->home : NULL, &o);
	for (size_t i = 0; i < o.n; i++) {
		const struct ol_item *it = &o.v[i];
		const char *const *w = (const char *const *)it->argv.v;

		if (it->script)
			judge_text(r, it->script, NULL, 0, cwd, roots, depth, d);
		else
			more_restrictive(d, decide(r, unwrap_base(w[0]), w,
						   it->argv.n, cwd, roots,
						   depth + 1));
	}
	oneliner_free(&o);
}

/* A script option's value, or an interpreter's code. */
static void judge_value(const struct rules *r, const struct grammar *g,
			const char *command, const char *value,
			const char *cwd, const struct rules_roots *roots,
			int depth, struct decision *d)
{
	char *s;

	if (g->language) {
		judge_code(r, (enum lang)g->language, value, cwd, roots, depth, d);
		return;
	}
	s = option_script(g, command, value);
	if (s)
		judge_text(r, s, NULL, 0, cwd, roots, depth, d);
	free(s);
}

static char file_word[] = "file";
static char *file_words[] = { file_word, NULL };
static const struct strv file_option = { file_words, 1, 1 };

/* Scripts handed over in option values (`script -c`, `flock -c`, `env
 * -S`, `git -c alias.x=!…`) or in the operands (`watch CMD…`). */
static void judge_scripts(const struct rules *r, const struct grammar *g,
			  const char *command, const char *const *argv,
			  size_t argc, const char *cwd,
			  const struct rules_roots *roots, int depth,
			  struct decision *d)
{
	struct argv_view v;
	const char *dir;

	argv_read(&v, r, command, argv, argc);
	for (size_t i = 0; i < v.n_scripts; i++)
		judge_value(r, g, command, v.scripts[i], cwd, roots, depth, d);
	/* awk 'PROGRAM' FILE…, unless the program is a file (-f) */
	if (g->program_operand && v.n_scripts == 0 && v.n_ops &&
	    !argv_has_short(&v, 'f') && !argv_has_long(&v, &file_option))
		judge_value(r, g, command, v.ops[0], cwd, roots, depth, d);
	argv_view_free(&v);
	if (g->script_operands) {
		size_t k = argv_inner(g, argv, argc, &dir);
		char *s = k ? strv_join(argv + k, argc - k, " ") : NULL;

		if (s)
			judge_text(r, s, NULL, 0, cwd, roots, depth, d);
		free(s);
	}
}

/* Does the grammar say the command runs other commands? */
static bool runs_commands(const struct grammar *g)
{
	return g->wraps || g->shell || g->script_shorts ||
	       g->script_longs.n || g->script_operands || g->language;
}

struct decision rules_decide_as(const struct rules *r, const char *command,
				const char *const *argv, size_t argc,
				const char *cwd, const struct rules_roots *roots)
{
	return decide(r, command, argv, argc, cwd, roots, 0);
}

/* Whether a rule naming commands by pattern (mkfs*) names `command`. */
static bool globs_match(const struct rules *r, const char *command)
{
	for (size_t i = 0; i < r->n_globs; i++)
		if (glob_matches(r->rules[r->globs[i]], command))
			return true;
	return false;
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
	if (g && runs_commands(g) && !g->shell && depth < MAX_WRAPS)
		judge_scripts(r, g, command, argv, argc, cwd, roots, depth, &d);
	ci = r->n_index ? bsearch(command, r->index, r->n_index,
				  sizeof(*r->index), index_cmp)
			: NULL;
	if (ci == NULL && !globs_match(r, command))
		return d; /* most execs: no rule names the command */
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
	if ((g = grammar_find(r, command)) != NULL && runs_commands(g))
		return true;
	return globs_match(r, command);
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

void rules_always_denied(const struct rules *r, struct strv *names)
{
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct rule *ru = r->rules[i];

		if (ru->disabled || ru->action != ACTION_DENY ||
		    !cond_empty(&ru->when))
			continue;
		for (size_t j = 0; j < ru->commands.n; j++)
			if (!strv_contains(names, ru->commands.v[j]))
				strv_push(names, ru->commands.v[j]);
	}
}

void rules_commands(const struct rules *r, struct strv *names,
		    struct strv *prefixes)
{
	for (size_t i = 0; i < r->n_index; i++)
		strv_push(names, r->index[i].name);
	for (size_t i = 0; i < r->n_grammars; i++)
		/* not the interpreters: a shim would cost every python or
		 * node run a second exec; the judge reads their code */
		if (runs_commands(r->grammars[i]) && !r->grammars[i]->language &&
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
