/* argv.c — options and operands of one command line, read through the
 * command's grammar (which options take a value, the known long options,
 * a leading subcommand). GNU conventions: clusters (-rf), a value stuck to
 * its option (-Cdir, --opt=v) or in the next word, options after operands,
 * "--" ends the options, "-" alone is an operand. */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "impl.h"

static int grammar_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, (*(struct grammar *const *)elem)->command);
}

const struct grammar *grammar_find(const struct rules *r, const char *command)
{
	struct grammar *const *g;

	if (r->n_grammars == 0)
		return NULL;
	g = bsearch(command, r->grammars, r->n_grammars, sizeof(*r->grammars),
		    grammar_key_cmp);
	return g ? *g : NULL;
}

/* Does `w` (n bytes) name one of `names`: exactly, or as an abbreviation
 * whose every reading among the grammar's known long options is one of
 * `names` (an ambiguous abbreviation fails in the program, but when every
 * reading is a match, blocking it is right either way)? */
static bool in_names(const char *const *names, size_t nn, const char *k)
{
	for (size_t i = 0; i < nn; i++)
		if (strcmp(names[i], k) == 0)
			return true;
	return false;
}

static bool readings_ok(const struct strv *known, const char *const *names,
			size_t nn, const char *w, size_t n)
{
	for (size_t i = 0; i < known->n; i++) {
		const char *k = known->v[i];

		if (strncmp(k, w, n) == 0 && !in_names(names, nn, k))
			return false;
	}
	return true;
}

static bool long_is_any(const struct grammar *g, const char *w, size_t n,
			const char *const *names, size_t nn)
{
	bool prefix = false;

	if (n == 0)
		return false;
	for (size_t i = 0; i < nn; i++) {
		if (strncmp(w, names[i], n) != 0)
			continue;
		if (names[i][n] == '\0')
			return true;
		prefix = true;
	}
	if (!prefix)
		return false;
	if (g == NULL)
		return true;
	return readings_ok(&g->longs, names, nn, w, n) &&
	       readings_ok(&g->value_longs, names, nn, w, n);
}

static bool long_is(const struct grammar *g, const char *w, size_t n,
		    const char *name)
{
	return long_is_any(g, w, n, &name, 1);
}

/* Is `w` (n bytes) one of the long options `names` of grammar `g`? */
static bool long_in(const struct grammar *g, const struct strv *names,
		    const char *w, size_t n)
{
	for (size_t i = 0; g && i < names->n; i++)
		if (long_is(g, w, n, names->v[i]))
			return true;
	return false;
}

static bool takes_value_short(const struct grammar *g, char c)
{
	return g && g->value_shorts && strchr(g->value_shorts, c) != NULL;
}

/* Read options and operands of argv[from..argc-1]. With `stop_at_operand`
 * the first operand ends the options (returned; -1 if none). */
static long scan(struct argv_view *v, const struct grammar *g,
		 const char *const *argv, size_t from, size_t argc,
		 bool stop_at_operand)
{
	bool opts_done = false;

	for (size_t i = from; i < argc; i++) {
		const char *w = argv[i];

		if (opts_done || w[0] != '-' || w[1] == '\0') {
			if (stop_at_operand)
				return (long)i;
			v->ops[v->n_ops++] = w;
			continue;
		}
		if (w[1] == '-' && w[2] == '\0') {
			opts_done = true;
			continue;
		}
		if (w[1] == '-') {
			const char *name = w + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);

			v->longs[v->n_longs] = name;
			v->long_len[v->n_longs++] = n;
			if (g && long_in(g, &g->target_longs, name, n))
				v->target = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
			if (g && long_in(g, &g->chdir_longs, name, n))
				v->chdir = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
			if (g && long_in(g, &g->script_longs, name, n) &&
			    (eq || i + 1 < argc))
				v->scripts[v->n_scripts++] = eq ? eq + 1 : argv[i + 1];
			if (eq == NULL && g && long_in(g, &g->value_longs, name, n))
				i++;
			continue;
		}
		for (const char *c = w + 1; *c; c++) {
			unsigned char u = (unsigned char)*c;

			v->shorts[u >> 6] |= (uint64_t)1 << (u & 63);
			if (takes_value_short(g, *c)) {
				const char *val = c[1] ? c + 1
						  : i + 1 < argc ? argv[i + 1] : NULL;

				if (g->target_shorts && strchr(g->target_shorts, *c))
					v->target = val;
				if (g->chdir_shorts && strchr(g->chdir_shorts, *c))
					v->chdir = val;
				if (g->script_shorts && val &&
				    strchr(g->script_shorts, *c))
					v->scripts[v->n_scripts++] = val;
				if (c[1] == '\0')
					i++; /* the value is the next word */
				break;
			}
		}
	}
	return -1;
}

/* find's argv: options first (-H, -L, -P, -D x, -O3), then the starting
 * points, up to the first word of the expression ('-', '(' or '!'), which
 * is not read as options (`-name x` is no cluster of -n -a -m -e). */
static void scan_expressions(struct argv_view *v, const struct grammar *g,
			     const char *const *argv, size_t from, size_t argc)
{
	size_t i = from;

	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0' &&
	       strchr("HLPDO", argv[i][1]) && (argv[i][1] == 'O' || argv[i][2] == '\0');
	     i++) {
		unsigned char u = (unsigned char)argv[i][1];

		v->shorts[u >> 6] |= (uint64_t)1 << (u & 63);
		if (takes_value_short(g, argv[i][1]))
			i++;
	}
	for (; i < argc && (argv[i][0] == '\0' || !strchr("-(!", argv[i][0])); i++)
		v->ops[v->n_ops++] = argv[i];
}

/* Room for every word of argv as an option or an operand. */
static void view_init(struct argv_view *v, size_t argc)
{
	memset(v, 0, sizeof(*v));
	v->longs = xcalloc(argc + 1, sizeof(*v->longs));
	v->long_len = xcalloc(argc + 1, sizeof(*v->long_len));
	v->ops = xcalloc(argc + 1, sizeof(*v->ops));
	v->scripts = xcalloc(argc + 1, sizeof(*v->scripts));
}

void argv_read(struct argv_view *v, const struct rules *r, const char *command,
	       const char *const *argv, size_t argc)
{
	const struct grammar *g = grammar_find(r, command);
	size_t from = 1;

	view_init(v, argc);
	v->g = g;
	if (g && g->subcommands) {
		long at = scan(v, g, argv, 1, argc, true);
		char *key;

		/* the global options count for nothing below */
		memset(v->shorts, 0, sizeof(v->shorts));
		v->n_longs = 0;
		if (at < 0)
			return;
		v->target = NULL;
		v->sub = argv[at];
		from = (size_t)at + 1;
		key = xjoin(command, " ", v->sub);
		g = grammar_find(r, key);
		free(key);
		v->g = g;
	}
	if (g && g->expressions) {
		scan_expressions(v, g, argv, from, argc);
		return;
	}
	scan(v, g, argv, from, argc, false);
	if (v->target) /* -t DIR: the destination, as if written last */
		v->ops[v->n_ops++] = v->target;
}

bool argv_is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');

	if (eq == NULL || eq == w || (w[0] >= '0' && w[0] <= '9'))
		return false;
	for (const char *p = w; p < eq; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* The options of a wrapper or shell, up to its first operand (the index,
 * or -1): the view says which options were seen. */
static long leading_options(struct argv_view *v, const struct grammar *g,
			    const char *const *argv, size_t argc)
{
	view_init(v, argc);
	return scan(v, g, argv, 1, argc, true);
}

size_t argv_inner(const struct grammar *g, const char *const *argv,
		  size_t argc, const char **chdir)
{
	struct argv_view v;
	/* the options end at the first operand: the rest is the command's */
	long at = leading_options(&v, g, argv, argc);
	size_t i, skip = g->skip_operands;

	*chdir = v.chdir;
	argv_view_free(&v);
	if (at < 0)
		return 0;
	for (i = (size_t)at; i < argc && g->assignments && argv_is_assignment(argv[i]); i++)
		;
	for (; i < argc && skip > 0; i++, skip--)
		;
	return i < argc ? i : 0;
}

size_t argv_script(const struct grammar *g, const char *const *argv,
		   size_t argc)
{
	struct argv_view v;
	long at = leading_options(&v, g, argv, argc);
	bool c = argv_has_short(&v, 'c');

	argv_view_free(&v);
	return c && at > 0 ? (size_t)at : 0;
}

void argv_view_free(struct argv_view *v)
{
	free(v->longs);
	free(v->long_len);
	free(v->ops);
	free(v->scripts);
	memset(v, 0, sizeof(*v));
}

bool argv_has_short(const struct argv_view *v, unsigned char c)
{
	return (v->shorts[c >> 6] >> (c & 63)) & 1;
}

bool argv_has_long(const struct argv_view *v, const struct strv *names)
{
	for (size_t i = 0; i < v->n_longs; i++)
		if (long_is_any(v->g, v->longs[i], v->long_len[i],
				(const char *const *)names->v, names->n))
			return true;
	return false;
}
