/* cmd_rules.c — `latch rules test | lint`, and the shipped packs that
 * `latch check` loads too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "../rules/rule.h"
#include "cmd.h"
#include "packs.h"
#include "datadir.h"

#define RULES_ERR 2

/* The packs named on the command line, or the shipped ones. */
static struct rules *load(int n, char **files)
{
	struct rules *r = rules_new();
	struct err e;

	if (n == 0 && packs_load_shipped(r, &e) < 0) {
		die_msg(e.msg);
		rules_free(r);
		return NULL;
	}
	for (int i = 0; i < n; i++)
		if (rules_load_file(r, files[i], &e) < 0) {
			die_msg(e.msg);
			rules_free(r);
			return NULL;
		}
	return r;
}

static void report(const struct example_result *x, void *ctx)
{
	bool verbose = *(bool *)ctx;

	if (x->passed && !verbose)
		return;
	printf("%s:%d: %s %s: %s", x->file, x->line,
	       x->passed ? "ok" : "FAIL", x->cmdline, action_name(x->got.action));
	if (x->got.rule)
		printf(" (rule %s)", x->got.rule);
	else
		printf(" (no rule)");
	if (!x->passed)
		printf(", expected %s (example of rule %s)",
		       action_name(x->expect), x->rule);
	putchar('\n');
}

static int test(int argc, char **argv)
{
	bool verbose = false;
	struct rules *r;
	size_t n, failed;
	int first = 1;

	if (argc > 1 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose"))) {
		verbose = true;
		first = 2;
	}
	for (int i = first; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "latch rules test: unknown option '%s' (see 'latch rules --help')\n",
				argv[i]);
			return RULES_ERR;
		}
	r = load(argc - first, argv + first);
	if (r == NULL)
		return RULES_ERR;
	n = rules_test(r, report, &verbose, &failed);
	printf("%zu passed, %zu failed\n", n - failed, failed);
	rules_free(r);
	return failed ? 1 : 0;
}

static int lint(int argc, char **argv)
{
	struct strv warn = { 0 };
	struct rules *r;
	int rc;

	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "latch rules lint: unknown option '%s' (see 'latch rules --help')\n",
				argv[i]);
			return RULES_ERR;
		}
	r = load(argc - 1, argv + 1);
	if (r == NULL)
		return RULES_ERR;
	rules_lint(r, &warn);
	for (size_t i = 0; i < warn.n; i++)
		printf("%s\n", warn.v[i]);
	printf("%zu rules in %zu packs, %zu warnings; pcre2 JIT: %s\n",
	       rules_count(r), rules_packs(r), warn.n,
	       rules_jit(r) ? "yes"
			    : "unavailable, some patterns run in the interpreter (slower, same results)");
	rc = warn.n ? 1 : 0;
	strv_free(&warn);
	rules_free(r);
	return rc;
}

int cmd_rules(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr, "rules");
		return RULES_ERR;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout, "rules");
		return 0;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout, "rules");
			return 0;
		}
	if (!strcmp(argv[1], "test"))
		return test(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lint"))
		return lint(argc - 1, argv + 1);
	fprintf(stderr, "latch rules: unknown subcommand '%s' (test or lint)\n",
		argv[1]);
	return RULES_ERR;
}
