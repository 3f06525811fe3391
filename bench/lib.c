/* bench/lib.c — decisions per second through liblatch's public API
 * (include/latch.h), for the shipped `default` profile, over the corpus of
 * bench/rules.c (bench/corpus.h: the same 10,000 lines from the same seed,
 * naming this run's workspace and HOME where bench/rules names
 * /home/u/proj and /home/u; with the workspace in /var/tmp, deleting it or
 * the directory above it is not denied there, 0.5 % of the lines):
 *
 *   latch_check       the decision as a struct (the rule's id, reason and
 *                     source copied for the caller), then
 *                     latch_decision_clear()
 *   latch_check_json  the decision as `latch check --json` prints it, then
 *                     latch_free()
 *
 * each on 1 thread, then on 2 threads deciding at once with the same
 * policy handle (decisions are thread-safe: a promise of the API). A call
 * costs what an embedder pays: the argument checks, holding and dropping
 * the handle (one process-wide mutex), the rule engine's decision (with
 * lstat(2) for the packs' `exists` operand tests, which bench/rules leaves
 * out), and the copies or the JSON. Every line is decided in the workspace
 * (cwd NULL).
 *
 * Timed as bench/rules.c times the engine alone: whole passes over the
 * corpus, each timed on its own (CLOCK_MONOTONIC), for SECONDS per
 * variant, in slices interleaved round-robin with the other variants'; a
 * thread's figure is its median pass, a variant's rate the sum of its
 * threads' (each thread starts its passes at another line). Given
 * the engine-alone rate of bench/rules.c from the same run (-R), every rate
 * is also a ratio against it; the 2-thread rows are also a ratio against
 * the same call on 1 thread (the scaling). Every pass must deny as many
 * lines as the untimed first one, in which latch_check and
 * latch_check_json must agree on every line.
 *
 *   build/bench-lib -w WORKDIR [-t SECONDS] [-R RATE] [-P PROFILE]
 *                   [-n LINES] [-s SEED] [-c FILE]
 *     -w WORKDIR  the workspace the policy is loaded for (it must exist)
 *     -t SECONDS  how long to time each variant (default 2)
 *     -R RATE     the engine-alone rate of bench/rules (decisions/s)
 *     -P PROFILE  the profile (default "default")
 *     -n LINES    lines to generate (default 10000)
 *     -s SEED     generator seed (default 1)
 *     -c FILE     read the corpus from FILE ('-': stdin) instead
 *   (built and run by bench/run, linked with build/liblatch.so.0; HOME is
 *   the caller's, only read)
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <latch.h>

#include "harness.h"
#include "corpus.h"

const char harness_name[] = "bench/lib";

#define MAX_THREADS 2

/* ---- one pass over the corpus, through one call ---- */

/* A pass decides every line once, starting at line `first`; it returns how
 * many lines were denied. */
typedef size_t pass_fn(latch_policy p, size_t first, latch_error *err);

static size_t pass_check(latch_policy p, size_t first, latch_error *err)
{
	size_t denied = 0;

	for (size_t k = 0; k < n_lines; k++) {
		size_t i = (first + k) % n_lines;
		latch_decision d;

		if (latch_check(p, corpus[i].argv, corpus[i].argc, NULL, &d, err) != LATCH_OK)
			die("latch_check: %s", err->message);
		denied += d.action == LATCH_DENY;
		latch_decision_clear(&d);
	}
	return denied;
}

/* The JSON starts with the action ({"action":"deny",…: decision_json). */
static const char json_deny[] = "{\"action\":\"deny\"";

static size_t pass_json(latch_policy p, size_t first, latch_error *err)
{
	size_t denied = 0;

	for (size_t k = 0; k < n_lines; k++) {
		size_t i = (first + k) % n_lines;
		char *j = latch_check_json(p, corpus[i].argv, corpus[i].argc, NULL, err);

		if (j == NULL)
			die("latch_check_json: %s", err->message);
		denied += strncmp(j, json_deny, sizeof(json_deny) - 1) == 0;
		latch_free(j);
	}
	return denied;
}

/* ---- the untimed first pass ---- */

/* Decide every line with both calls: they must agree on every line (the
 * action in the JSON is the struct's). Returns the lines denied. */
static size_t first_pass(latch_policy p)
{
	static const char *const names[] = { "allow", "log", "snapshot", "ask", "deny" };
	size_t denied = 0;
	latch_error err;

	for (size_t i = 0; i < n_lines; i++) {
		latch_decision d;
		char want[64], *j;

		if (latch_check(p, corpus[i].argv, corpus[i].argc, NULL, &d, &err) != LATCH_OK)
			die("latch_check: %s", err.message);
		if ((j = latch_check_json(p, corpus[i].argv, corpus[i].argc, NULL, &err)) == NULL)
			die("latch_check_json: %s", err.message);
		if (d.action < LATCH_ALLOW || d.action > LATCH_DENY)
			die("latch_check: line %zu: no such action %d", i + 1, d.action);
		snprintf(want, sizeof(want), "{\"action\":\"%s\"", names[d.action]);
		if (strncmp(j, want, strlen(want)) != 0)
			die("line %zu (%s …): latch_check says %s, latch_check_json %.60s",
			    i + 1, corpus[i].argv[0], names[d.action], j);
		denied += d.action == LATCH_DENY;
		latch_decision_clear(&d);
		latch_free(j);
	}
	return denied;
}

/* ---- timing the variants: passes on 1 or more threads ---- */

#define ROUNDS 4 /* each variant's time is cut in ROUNDS slices, interleaved */

struct samples { /* one thread's passes, in seconds each */
	double *t;
	size_t n, cap;
};

struct variant {
	const char *call;
	pass_fn *pass;
	unsigned threads;
	struct samples s[MAX_THREADS]; /* over all the slices, per thread */
	double secs;                   /* the slices' time */
};

struct worker {
	pthread_t tid;
	latch_policy p;
	pass_fn *pass;
	size_t first;             /* the line its passes start at */
	double secs;
	pthread_barrier_t *start; /* the threads of a slice start together */
	struct samples *s;
	size_t denied;            /* over its passes of the slice */
	size_t passes;
};

/* Passes until `secs` have gone by since the start. */
static void *work(void *arg)
{
	struct worker *wk = arg;
	struct samples *s = wk->s;
	latch_error err;
	double t0, t;

	pthread_barrier_wait(wk->start);
	t0 = now_s();
	do {
		double p0 = now_s();

		wk->denied += wk->pass(wk->p, wk->first, &err);
		t = now_s();
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 1024;
			if ((s->t = realloc(s->t, s->cap * sizeof(double))) == NULL)
				die("out of memory");
		}
		s->t[s->n++] = t - p0;
		wk->passes++;
	} while (t - t0 < wk->secs);
	return NULL;
}

/* One slice of `v`: its threads pass over the corpus with `p` for `secs`;
 * every pass must deny `denied` lines. */
static void slice(struct variant *v, latch_policy p, double secs, size_t denied)
{
	struct worker wk[MAX_THREADS];
	pthread_barrier_t start;
	double t0;
	int rc;

	pthread_barrier_init(&start, NULL, v->threads);
	t0 = now_s();
	for (unsigned k = 0; k < v->threads; k++) {
		wk[k] = (struct worker){ .p = p, .pass = v->pass, .secs = secs,
					 .first = n_lines * k / v->threads,
					 .start = &start, .s = &v->s[k] };
		if ((rc = pthread_create(&wk[k].tid, NULL, work, &wk[k])) != 0)
			die("pthread_create: %s", strerror(rc));
	}
	for (unsigned k = 0; k < v->threads; k++)
		pthread_join(wk[k].tid, NULL);
	v->secs += now_s() - t0;
	pthread_barrier_destroy(&start);
	for (unsigned k = 0; k < v->threads; k++)
		if (wk[k].denied != denied * wk[k].passes) /* also keeps the calls */
			die("%s on %u threads: thread %u denied %zu lines in %zu passes, not %zu each as the first pass did",
			    v->call, v->threads, k + 1, wk[k].denied, wk[k].passes, denied);
}

/* Decisions/s of `v`: the sum of its threads' median passes. */
static double rate(struct variant *v)
{
	double r = 0;

	for (unsigned k = 0; k < v->threads; k++)
		r += (double)n_lines / median(v->s[k].t, v->s[k].n);
	return r;
}

/* Decisions/s of `v` over all its time, all threads. */
static double overall(const struct variant *v, size_t *passes)
{
	*passes = 0;
	for (unsigned k = 0; k < v->threads; k++)
		*passes += v->s[k].n;
	return (double)n_lines * (double)*passes / v->secs;
}

/* ---- the report ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: bench-lib -w WORKDIR [-t SECONDS] [-R RATE] [-P PROFILE] [-n LINES] [-s SEED] [-c FILE]\n"
		"  -w WORKDIR  the workspace the policy is loaded for (it must exist)\n"
		"  -t SECONDS  how long to time each variant (default 2)\n"
		"  -R RATE     the engine-alone rate of bench/rules (decisions/s), for the ratios\n"
		"  -P PROFILE  the profile to load (default \"default\")\n"
		"  -n LINES    corpus lines to generate (default 10000)\n"
		"  -s SEED     generator seed (default 1)\n"
		"  -c FILE     read the corpus from FILE ('-': stdin), as bench-rules -c\n");
	exit(2);
}

/* HOME as the policy sees it: absolute, without a trailing slash. */
static char *home_root(void)
{
	const char *h = getenv("HOME");
	char *home;
	size_t n;

	if (h == NULL || h[0] != '/')
		die("HOME is not set to an absolute path");
	if ((home = strdup(h)) == NULL)
		die("out of memory");
	for (n = strlen(home); n > 1 && home[n - 1] == '/'; n--)
		home[n - 1] = '\0';
	return home;
}

/* One row: the call, the threads, decisions/s, microseconds per call on
 * its thread, the ratio to the engine alone and to the call on 1 thread
 * (0: none). */
static void row(const char *call, unsigned threads, double r, double engine,
		double one)
{
	printf("%-16s %7u %12.0f %9.2f", call, threads, r, 1e6 * threads / r);
	if (engine > 0)
		printf(" %9.3f", r / engine);
	else
		printf(" %9s", "-");
	if (one > 0)
		printf(" %9.2f\n", r / one);
	else
		printf(" %9s\n", "-");
}

/* The table and the verdict line; v[0..3]: latch_check on 1 and 2 threads,
 * latch_check_json on 1 and 2. */
static void report(struct variant *v, double engine)
{
	double r[4];
	size_t passes;

	for (int i = 0; i < 4; i++)
		r[i] = rate(&v[i]);
	printf("call             threads  decisions/s   us/call  x engine x 1 thread\n"
	       "---------------- ------- ------------ --------- --------- ---------\n");
	if (engine > 0)
		row("engine alone", 1, engine, engine, 0);
	for (int i = 0; i < 4; i++)
		row(v[i].call, v[i].threads, r[i], engine, v[i].threads > 1 ? r[i - 1] : 0);
	printf("\n  overall (all passes over all their time):");
	for (int i = 0; i < 4; i++) {
		double o = overall(&v[i], &passes);

		printf("%s %s %u: %.0f/s (%zu passes)", i ? "," : "", v[i].call,
		       v[i].threads, o, passes);
	}
	if (engine > 0)
		printf("\n  engine alone: bench/rules' median pass in this run (-R): rules_decide, no handle, no copies, no lstat");
	if (sysconf(_SC_NPROCESSORS_ONLN) < MAX_THREADS)
		printf("\n  fewer CPUs than threads: the 2-thread rows cannot scale");

	printf("\n\n=> liblatch: latch_check %.0f decisions/s on 1 thread", r[0]);
	if (engine > 0)
		printf(" (x%.2f the engine alone's rate, %+.2f us per call)",
		       r[0] / engine, 1e6 / r[0] - 1e6 / engine);
	printf(", x%.2f on 2 threads sharing the policy; latch_check_json %.0f/s", r[1] / r[0], r[2]);
	if (engine > 0)
		printf(" (x%.2f, %+.2f us)", r[2] / engine, 1e6 / r[2] - 1e6 / engine);
	printf(", x%.2f on 2 threads\n", r[3] / r[2]);
}

int main(int argc, char **argv)
{
	struct variant v[4] = {
		{ .call = "latch_check", .pass = pass_check, .threads = 1 },
		{ .call = "latch_check", .pass = pass_check, .threads = 2 },
		{ .call = "latch_check_json", .pass = pass_json, .threads = 1 },
		{ .call = "latch_check_json", .pass = pass_json, .threads = 2 },
	};
	double secs = 2.0, engine = 0, t0, load_ms;
	const char *file = NULL, *workdir_arg = NULL, *profile = "default";
	char workdir[PATH_MAX], *home;
	size_t lines = 10000, denied;
	uint64_t seed = 1;
	latch_policy p;
	latch_error err;
	int opt;

	while ((opt = getopt(argc, argv, "w:t:R:P:n:s:c:h")) != -1) {
		switch (opt) {
		case 'w': workdir_arg = optarg; break;
		case 't': secs = parse_positive(optarg, "-t SECONDS"); break;
		case 'R': engine = parse_positive(optarg, "-R RATE"); break;
		case 'P': profile = optarg; break;
		case 'n': lines = (size_t)parse_positive(optarg, "-n LINES"); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'c': file = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || workdir_arg == NULL)
		usage();
	if (realpath(workdir_arg, workdir) == NULL)
		die("the workspace '%s': %s", workdir_arg, strerror(errno));
	home = home_root();

	if (file)
		read_corpus(file);
	else
		generate(lines, seed, workdir, home);
	parse();

	t0 = now_s();
	if (latch_policy_load(profile, workdir, &p, &err) != LATCH_OK)
		die("latch_policy_load(\"%s\", \"%s\"): %s (%s)", profile, workdir,
		    err.message, latch_code_name(err.code));
	load_ms = 1e3 * (now_s() - t0);
	denied = first_pass(p); /* untimed: also warms the caches */

	printf("liblatch %s: profile %s loaded in %.1f ms; workspace %s, HOME %s\n",
	       latch_version(), profile, load_ms, workdir, home);
	printf("corpus: %zu lines %s (argv of 1-%zu words, mean %.1f), %.1f%% denied\n",
	       n_lines, file ? file : "generated", max_argc,
	       (double)total_words / (double)n_lines,
	       100.0 * (double)denied / (double)n_lines);
	print_load(load_average());
	printf("timed %.1f s per variant in %d interleaved slices: whole passes over the corpus; "
	       "per thread the median pass, summed over the threads\n\n", secs, ROUNDS);

	/* Round-robin, the first variant rotating: drift in the machine's
	 * load touches every variant alike. */
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < 4; i++)
			slice(&v[(r + i) % 4], p, secs / ROUNDS, denied);
	report(v, engine);

	for (int i = 0; i < 4; i++)
		for (unsigned k = 0; k < v[i].threads; k++)
			free(v[i].s[k].t);
	if (latch_policy_free(p, &err) != LATCH_OK)
		die("latch_policy_free: %s", err.message);
	free(home);
	return 0;
}
