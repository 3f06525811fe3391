/* bench/rules.c — decisions per second of the rule engine alone, on one
 * core, with the shipped packs, over a 10,000-line corpus of command lines:
 * mostly everyday agent commands (git, ls, cat, grep, find, sed, make, long
 * cc lines, npm, python3, mv, cp, rm inside the workspace …), about one in
 * nine a shell string or an interpreter one-liner (sh -c '…', python3 -c
 * '…', node -e '…': tokenized and judged command by command), and about
 * one in eight destructive (rm -rf outside the workspace, dd onto a disk,
 * chmod -R on the system, sudo, git push --force, git reset --hard, mkfs;
 * and some of the strings).
 *
 * The corpus is generated in memory at run time from a fixed seed, so every
 * run decides the same lines (bench/corpus.h, shared with bench/lib.c); -p
 * prints it, -c reads another one.
 *
 * Corpus format: one line = one argv; words are separated by spaces or
 * tabs; a word in single quotes may hold spaces (and no single quote):
 * `sh -c 'cd build && make'`; no other quoting or escapes; empty lines and
 * lines starting with '#' are skipped. argv[0] is the command as
 * invoked (a name or a path). Every line is decided with the workspace
 * /home/u/proj as cwd and HOME /home/u (like the packs' examples).
 *
 *   build/bench-rules [-t SECONDS] [-n LINES] [-s SEED] [-c FILE] [-p] [-T RATE]
 *     -t SECONDS  how long to time (default 2)
 *     -n LINES    lines to generate (default 10000)
 *     -s SEED     generator seed (default 1)
 *     -c FILE     read the corpus from FILE ('-': stdin) instead
 *     -p          print the generated corpus and exit
 *     -T RATE     decisions/s to meet (default 200000, the rule-pack issue's target)
 *   (built and run by bench/run, from the repository root; a lone number
 *   argument is taken as SECONDS)
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rules/rule.h"
#include "harness.h"
#include "corpus.h"

const char harness_name[] = "bench/rules";

#define WORKDIR "/home/u/proj"
#define HOME "/home/u"

static void usage(void)
{
	fprintf(stderr,
		"usage: bench-rules [-t SECONDS] [-n LINES] [-s SEED] [-c FILE] [-p] [-T RATE]\n"
		"  -t SECONDS  how long to time (default 2)\n"
		"  -n LINES    corpus lines to generate (default 10000)\n"
		"  -s SEED     generator seed (default 1)\n"
		"  -c FILE     read the corpus from FILE ('-': stdin): one argv per line,\n"
		"              words separated by spaces, no quoting; '#' lines skipped\n"
		"  -p          print the generated corpus and exit\n"
		"  -T RATE     decisions/s to meet (default 200000, the rule-pack issue's target)\n"
		"Run from the repository root (it loads rules/packs).\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double secs = 2.0, target = 200000, t0, t, *pass;
	const struct rules_roots roots = { .workdir = WORKDIR, .home = HOME };
	const char *file = NULL;
	size_t lines = 10000, loaded, denied = 0, n_pass = 0, cap_pass = 1024;
	uint64_t seed = 1;
	int opt, print = 0;
	struct rules *r;
	struct err e;

	while ((opt = getopt(argc, argv, "t:n:s:c:pT:h")) != -1) {
		switch (opt) {
		case 't': secs = parse_positive(optarg, "-t SECONDS"); break;
		case 'n': lines = (size_t)parse_positive(optarg, "-n LINES"); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'c': file = optarg; break;
		case 'p': print = 1; break;
		case 'T': target = parse_positive(optarg, "-T RATE"); break;
		default: usage();
		}
	}
	if (optind + 1 == argc) /* the old form: bench-rules SECONDS */
		secs = parse_positive(argv[optind++], "SECONDS");
	if (optind != argc)
		usage();

	if (file)
		read_corpus(file);
	else
		generate(lines, seed, WORKDIR, HOME);
	if (print) {
		fwrite(text, 1, text_len, stdout);
		return 0;
	}
	parse();

	r = rules_new();
	rules_skip_examples(r); /* as latch run loads them */
	if (rules_load_dir(r, "rules/packs", &loaded, &e) < 0)
		die("%s", e.msg);
	(void)rules_jit_now(r); /* as latch run's judge does */

	/* One untimed pass: warms the caches and counts the decisions. */
	struct tally { const char *id; size_t n; } by_rule[64];
	size_t n_rules_seen = 0, sink = 0;

	for (size_t i = 0; i < n_lines; i++) {
		struct decision d = rules_decide(r, corpus[i].argv, corpus[i].argc,
						 WORKDIR, &roots);
		size_t k;

		if (d.action != ACTION_DENY)
			continue;
		denied++;
		for (k = 0; k < n_rules_seen && strcmp(by_rule[k].id, d.rule); k++)
			;
		if (k == n_rules_seen && n_rules_seen < 64)
			by_rule[n_rules_seen++] = (struct tally){ d.rule, 0 };
		if (k < n_rules_seen)
			by_rule[k].n++;
	}

	/* Timed: whole passes over the corpus until SECONDS have gone by;
	 * each pass is timed on its own, and the median pass is the figure
	 * (robust against a burst of other load). */
	if ((pass = malloc(cap_pass * sizeof(double))) == NULL)
		die("out of memory");
	t0 = now_s();
	do {
		double p0 = now_s();

		for (size_t i = 0; i < n_lines; i++)
			sink += rules_decide(r, corpus[i].argv, corpus[i].argc,
					     WORKDIR, &roots).action == ACTION_DENY;
		t = now_s();
		if (n_pass == cap_pass &&
		    (pass = realloc(pass, (cap_pass *= 2) * sizeof(double))) == NULL)
			die("out of memory");
		pass[n_pass++] = t - p0;
		t -= t0;
	} while (t < secs);
	if (sink != denied * n_pass) /* also keeps the calls from being elided */
		die("the timed passes decided differently from the first (%zu denials, not %zu)",
		    sink, denied * n_pass);
	double med = median(pass, n_pass); /* sorts: pass[0] is the best */
	double rate = (double)n_lines / med;

	printf("rule engine: %zu rules from %zu pack(s), JIT %s; corpus: %zu lines %s "
	       "(argv of 1-%zu words, mean %.1f), %.1f%% denied\n",
	       rules_count(r), loaded, rules_jit(r) ? "on" : "off", n_lines,
	       file ? file : "generated", max_argc,
	       (double)total_words / (double)n_lines,
	       100.0 * (double)denied / (double)n_lines);
	printf("  denied by rule:");
	for (size_t k = 0; k < n_rules_seen; k++)
		printf("%s %s %zu", k ? "," : "", by_rule[k].id, by_rule[k].n);
	printf("\n  timed %.1f s: %zu passes over the corpus (%.0f decisions/s "
	       "overall, best pass %.0f/s)\n",
	       t, n_pass, (double)n_lines * (double)n_pass / t,
	       (double)n_lines / pass[0]);
	printf("\n=> rule engine: %.0f decisions/s on one core (median pass; "
	       "%.2f us each; target >= %.0f/s: %s)\n",
	       rate, 1e6 / rate, target, rate >= target ? "met" : "NOT met");
	free(pass);
	rules_free(r);
	return 0;
}
