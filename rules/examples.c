/* examples.c — run the examples of every rule (`latch rules test`) and the
 * lint checks (`latch rules lint`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "impl.h"

static char *join(const struct strv *sv)
{
	size_t n = 1, o = 0;
	char *s;

	for (size_t i = 0; i < sv->n; i++)
		n += strlen(sv->v[i]) + 1;
	s = xmalloc(n);
	for (size_t i = 0; i < sv->n; i++) {
		size_t l = strlen(sv->v[i]);

		if (i)
			s[o++] = ' ';
		memcpy(s + o, sv->v[i], l);
		o += l;
	}
	s[o] = '\0';
	return s;
}

/* An example's filesystem: the files it lists exist. */
static bool example_exists(const char *path, void *ctx)
{
	return strv_contains(ctx, path);
}

static struct decision run_example(const struct rules *r,
				   const struct example *ex)
{
	const struct rules_roots roots = { .workdir = RULES_EXAMPLE_WORKDIR,
					   .home = RULES_EXAMPLE_HOME,
					   .exists = example_exists,
					   .exists_ctx = (void *)&ex->exists };

	return rules_decide(r, (const char *const *)ex->argv.v, ex->argv.n,
			    ex->cwd ? ex->cwd : RULES_EXAMPLE_WORKDIR, &roots);
}

size_t rules_test(const struct rules *r,
		  void (*report)(const struct example_result *, void *),
		  void *ctx, size_t *failed)
{
	size_t n = 0;

	*failed = 0;
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct rule *ru = r->rules[i];

		for (size_t j = 0; j < ru->n_ex; j++) {
			const struct example *ex = &ru->ex[j];
			struct example_result res = {
				.file = ru->file, .line = ex->line, .rule = ru->id,
				.expect = ex->expect,
			};
			char *cmd = join(&ex->argv);

			res.cmdline = cmd;
			res.got = run_example(r, ex);
			res.passed = res.got.action == ex->expect;
			n++;
			if (!res.passed)
				(*failed)++;
			if (report)
				report(&res, ctx);
			free(cmd);
		}
	}
	return n;
}

/* An earlier rule that denies every use of all of `ru`'s commands. */
static const struct rule *shadowed_by(const struct rules *r,
				      const struct rule *ru)
{
	for (size_t i = 0; i < ru->index; i++) {
		const struct rule *o = r->rules[i];
		bool covers = true;

		if (o->action != ACTION_DENY || !cond_empty(&o->when))
			continue;
		for (size_t j = 0; j < ru->commands.n && covers; j++)
			covers = strv_contains(&o->commands, ru->commands.v[j]);
		if (covers)
			return o;
	}
	return NULL;
}

void rules_lint(const struct rules *r, struct strv *out)
{
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct rule *ru = r->rules[i];
		const struct rule *sh = shadowed_by(r, ru);
		bool decides = false;

		if (sh)
			strv_push_owned(out, xasprintf("%s:%d: rule '%s' never decides: rule '%s' (%s:%d) denies every use of its commands first",
						       ru->file, ru->line, ru->id,
						       sh->id, sh->file, sh->line));
		if (ru->action == ACTION_ALLOW)
			strv_push_owned(out, xasprintf("%s:%d: rule '%s' allows, which changes no decision (allow is what no rule means)",
						       ru->file, ru->line, ru->id));
		if (ru->n_ex == 0) {
			strv_push_owned(out, xasprintf("%s:%d: rule '%s' has no examples",
						       ru->file, ru->line, ru->id));
			continue;
		}
		for (size_t j = 0; j < ru->n_ex && !decides; j++) {
			struct decision d = run_example(r, &ru->ex[j]);

			decides = d.rule && strcmp(d.rule, ru->id) == 0;
		}
		if (!decides && ru->action != ACTION_ALLOW)
			strv_push_owned(out, xasprintf("%s:%d: rule '%s' decides none of its own examples; add one that it blocks",
						       ru->file, ru->line, ru->id));
	}
}
