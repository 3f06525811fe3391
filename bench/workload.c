/* workload.c — how much does latch slow down a real workload?
 *
 * Times one command (a shell loop, a build …) bare and under
 *   LATCH run --profile default -- COMMAND…
 * where every exec the command makes is judged by latch's supervisor;
 * with -F also under NOTIFY COMMAND… (bench/notify: seccomp user
 * notification of every exec, answered at once, nothing judged — the
 * floor of latch's exec overhead); with -R as well under NOTIFY -r LOG
 * COMMAND… (the reads floor: each exec's caller read as latch must read
 * it to judge and log it, one line logged, nothing judged). The variants
 * are interleaved round-robin (the first variant rotates each round), so
 * drift — CPU frequency, page cache, other load — affects all of them
 * equally; the "paired" column is the median over rounds of a variant's
 * run divided by bare's in the same round, which cancels slower drift. Each
 * run is spawned with posix_spawn and timed up to wait4 with
 * CLOCK_MONOTONIC; wait4's rusage also gives the CPU time (user + system)
 * of the run and everything it waited for, latch's supervisor included.
 *
 * Before every run (timed or not) the optional PREP shell command runs,
 * untimed and bare (e.g. `make clean`, so every build starts clean).
 * Each variant first runs once untimed with its stderr captured, so a
 * failure is shown; that run also warms the caches. Children get
 * /dev/null as stdin, stdout and stderr; every run must exit 0.
 *
 * Usage: workload [-n RUNS] [-w WARMUP] [-l LATCH] [-F NOTIFY [-R LOG]]
 *                 [-p PREP] [-T TARGET] [-N NAME] [-x EXECS] -- COMMAND [ARG…]
 *   RUNS    timed runs per variant (default 5)
 *   WARMUP  more untimed runs per variant after the first (default 0)
 *   LATCH   the latch binary (default $LATCH, else ./latch)
 *   NOTIFY  bench/notify: adds the variant "notify" between bare and latch
 *   LOG     with NOTIFY: adds the variant "reads" (NOTIFY -r LOG) before
 *           latch; LOG is appended to
 *   PREP    shell command run untimed before each run, in the cwd
 *   TARGET  the ratio latch/bare to meet (default 1.10)
 *   NAME    what to call the workload in the output
 *   EXECS   how many execs one run makes, if known: the added time is
 *           then also given per exec (with NOTIFY: latch's judging too)
 * The command runs in the current directory (the workspace, for latch).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

const char harness_name[] = "workload";

struct variant {
	const char *name;
	char **argv;
	double *s;   /* wall-clock samples, seconds */
	double *cpu; /* user + system samples, seconds */
	size_t n;
};

/* Run argv once with stderr captured; die showing it unless it exits 0. */
static void run_checked(const char *what, char *const *argv)
{
	char st[64], cmd[1024], errbuf[2048];
	int status = spawn_capture(NULL, argv, errbuf, sizeof(errbuf));
	size_t n = strlen(errbuf);

	if (exited_ok(status))
		return;
	status_str(status, st, sizeof(st));
	describe(argv, true, cmd, sizeof(cmd));
	die("%s: '%s' failed (%s)%s%s", what, cmd, st,
	    n ? "; the end of its stderr:\n" : "",
	    n ? errbuf + (n > 1500 ? n - 1500 : 0) : "");
}

static void run_timed(struct variant *v, bool record)
{
	double wall, cpu;
	int status = spawn_wait(NULL, v->argv, -1, &wall, &cpu);

	require_ok(status, v->name, v->argv, true, v->n);
	if (record) {
		v->s[v->n] = wall;
		v->cpu[v->n++] = cpu;
	}
}

/* The median over rounds of v's run divided by base's run of the same
 * round (samples in run order: call before median() sorts them). */
static double paired_ratio(const struct variant *v, const struct variant *base)
{
	double *r, m;

	if (v->n == 0)
		return 0;
	r = calloc(v->n, sizeof(double));
	if (r == NULL)
		die("out of memory");
	for (size_t i = 0; i < v->n; i++)
		r[i] = v->s[i] / base->s[i];
	m = median(r, v->n);
	free(r);
	return m;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: workload [-n RUNS] [-w WARMUP] [-l LATCH] [-F NOTIFY [-R LOG]]\n"
		"                [-p PREP] [-T TARGET] [-N NAME] [-x EXECS] -- COMMAND [ARG...]\n"
		"  -n RUNS    timed runs per variant (default 5)\n"
		"  -w WARMUP  more untimed runs per variant (default 0; each variant\n"
		"             always runs once untimed first)\n"
		"  -l LATCH   latch binary (default $LATCH, else ./latch)\n"
		"  -F NOTIFY  bench/notify: also time 'NOTIFY COMMAND' (the notify floor)\n"
		"  -R LOG     with -F: also time 'NOTIFY -r LOG COMMAND' (the reads floor)\n"
		"  -p PREP    shell command run untimed before every run (e.g. 'make clean')\n"
		"  -T TARGET  ratio latch/bare to meet (default 1.10)\n"
		"  -N NAME    name of the workload in the output\n"
		"  -x EXECS   execs per run, if known (adds the added time per exec)\n"
		"COMMAND runs in the current directory, bare, under 'NOTIFY COMMAND'\n"
		"with -F, under 'NOTIFY -r LOG COMMAND' with -R, and under\n"
		"'LATCH run --profile default -- COMMAND'.\n");
	exit(2);
}

/* argv `pre` (npre words) followed by COMMAND (ncmd words), NULL-ended. */
static char **prefixed(char *const *pre, size_t npre, char **cmd, size_t ncmd)
{
	char **v = calloc(npre + ncmd + 1, sizeof(char *));

	if (v == NULL)
		die("out of memory");
	memcpy(v, pre, npre * sizeof(char *));
	memcpy(v + npre, cmd, ncmd * sizeof(char *));
	return v;
}

/* The program an option names must be executable, or die. */
static void require_exec(const char *path, const char *what, const char *hint)
{
	if (access(path, X_OK) != 0)
		die("%s '%s' is not executable (%s)%s", what, path,
		    strerror(errno), hint);
}

int main(int argc, char **argv)
{
	long runs = 5, warmup = 0, execs = 0;
	const char *latch = getenv("LATCH"), *notify = NULL, *prep = NULL;
	const char *reads = NULL;
	const char *name = "workload";
	double target = 1.10, load0;
	/* bare, [notify, [reads,]] latch: latch is always the last */
	struct variant vs[4];
	size_t nv, L;
	char *prep_argv[] = { "/bin/sh", "-c", NULL, NULL };
	char **cmd;
	size_t ncmd;
	int opt;

	if (latch == NULL || *latch == '\0')
		latch = "./latch";
	while ((opt = getopt(argc, argv, "+n:w:l:F:R:p:T:N:x:h")) != -1) {
		switch (opt) {
		case 'n': runs = parse_count(optarg, "-n RUNS", 1, 10000); break;
		case 'w': warmup = parse_count(optarg, "-w WARMUP", 0, 10000); break;
		case 'l': latch = optarg; break;
		case 'F': notify = optarg; break;
		case 'R': reads = optarg; break;
		case 'p': prep = optarg; break;
		case 'T': target = parse_positive(optarg, "-T TARGET"); break;
		case 'N': name = optarg; break;
		case 'x': execs = parse_count(optarg, "-x EXECS", 1, 10000); break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	cmd = argv + optind;
	ncmd = (size_t)(argc - optind);
	if (strchr(cmd[0], '/') == NULL)
		die("COMMAND must be a path (e.g. /bin/sh), not '%s'", cmd[0]);
	if (access(cmd[0], X_OK) != 0)
		die("'%s' is not executable: %s", cmd[0], strerror(errno));
	require_exec(latch, "latch binary", "; build it with 'make' in the "
		     "repository root, or pass -l PATH / set LATCH=PATH");
	if (reads && !notify)
		die("-R LOG needs -F NOTIFY (the reads floor is NOTIFY -r LOG)");
	if (notify)
		require_exec(notify, "-F NOTIFY", "; bench/run builds it "
			     "from bench/notify.c");

	nv = 0;
	vs[nv++] = (struct variant){ .name = "bare", .argv = cmd };
	if (notify)
		vs[nv++] = (struct variant){
			.name = "notify",
			.argv = prefixed((char *[]){ (char *)notify }, 1, cmd, ncmd),
		};
	if (reads)
		vs[nv++] = (struct variant){
			.name = "reads",
			.argv = prefixed((char *[]){ (char *)notify, "-r",
						     (char *)reads }, 3, cmd, ncmd),
		};
	vs[nv++] = (struct variant){
		.name = "latch",
		.argv = prefixed((char *[]){ (char *)latch, "run", "--profile",
					     "default", "--" }, 5, cmd, ncmd),
	};
	L = nv - 1;
	prep_argv[2] = (char *)prep;
	for (size_t i = 0; i < nv; i++) {
		vs[i].s = calloc((size_t)runs, sizeof(double));
		vs[i].cpu = calloc((size_t)runs, sizeof(double));
		if (vs[i].s == NULL || vs[i].cpu == NULL)
			die("out of memory");
	}

	/* One untimed run each, stderr shown on failure: the check that
	 * everything works, and the first warm-up. */
	for (size_t i = 0; i < nv; i++) {
		if (prep)
			run_checked("prep", prep_argv);
		run_checked(vs[i].name, vs[i].argv);
	}
	for (long w = 0; w < warmup; w++)
		for (size_t i = 0; i < nv; i++) {
			if (prep)
				run_checked("prep", prep_argv);
			run_timed(&vs[i], false);
		}

	load0 = load_average();
	for (long r = 0; r < runs; r++)
		for (size_t k = 0; k < nv; k++) {
			if (prep)
				run_checked("prep", prep_argv);
			run_timed(&vs[((size_t)r + k) % nv], true);
		}

	/* Report. */
	double med[4], lo[4], hi[4], cpu[4], paired[4];
	char desc[1024];

	for (size_t i = 0; i < nv; i++)
		paired[i] = paired_ratio(&vs[i], &vs[0]);
	for (size_t i = 0; i < nv; i++) {
		med[i] = median(vs[i].s, vs[i].n); /* sorts */
		lo[i] = vs[i].s[0];
		hi[i] = vs[i].s[vs[i].n - 1];
		cpu[i] = median(vs[i].cpu, vs[i].n);
	}
	printf("%s: %ld timed runs per variant (+%ld warm-up), interleaved "
	       "round-robin; times in s\n", name, runs, warmup + 1);
	print_load(load0);
	if (prep)
		printf("  before each run (untimed): %s\n", prep);
	for (size_t i = 0; i < nv; i++) {
		describe(vs[i].argv, true, desc, sizeof(desc));
		printf("  %-6s %s\n", vs[i].name, desc);
	}
	printf("\n%-8s %9s %9s %9s %9s %9s %9s\n", "variant", "median", "min",
	       "max", "x bare", "paired", "cpu med");
	printf("%-8s %9s %9s %9s %9s %9s %9s\n", "--------", "---------",
	       "---------", "---------", "---------", "---------", "---------");
	for (size_t i = 0; i < nv; i++)
		printf("%-8s %9.3f %9.3f %9.3f %8.3fx %8.3fx %9.3f\n", vs[i].name,
		       med[i], lo[i], hi[i], med[i] / med[0], paired[i], cpu[i]);
	if (execs)
		printf("\nlatch adds %+.3f ms per exec (%ld execs per run), "
		       "%+.3f ms of CPU time\n", (med[L] - med[0]) * 1e3 / (double)execs,
		       execs, (cpu[L] - cpu[0]) * 1e3 / (double)execs);
	printf("\n=> %s: bare %.3f s, latch %.3f s median, latch/bare %.3fx "
	       "(%+.3f s; target <= %.2fx: %s)\n", name, med[0], med[L],
	       med[L] / med[0], med[L] - med[0], target,
	       med[L] / med[0] <= target ? "met" : "NOT met");
	/* indented under the verdict: not a "=> " line, not in the summary */
	if (notify && execs)
		printf("   notify floor/bare %.3fx: the kernel's user notification "
		       "alone; latch's judging adds %+.3f ms per exec\n",
		       med[1] / med[0], (med[L] - med[1]) * 1e3 / (double)execs);
	else if (notify)
		printf("   notify floor/bare %.3fx: the kernel's user notification "
		       "alone; latch's judging adds %+.3f s per run\n",
		       med[1] / med[0], med[L] - med[1]);
	if (reads && execs)
		printf("   reads floor/bare %.3fx: that and reading each exec's "
		       "caller as latch must, one line logged; latch adds %+.3f ms "
		       "per exec to it\n", med[2] / med[0],
		       (med[L] - med[2]) * 1e3 / (double)execs);
	else if (reads)
		printf("   reads floor/bare %.3fx: that and reading each exec's "
		       "caller as latch must, one line logged; latch adds %+.3f s "
		       "per run to it\n", med[2] / med[0], med[L] - med[2]);
	for (size_t i = 0; i < nv; i++) {
		if (i > 0)
			free(vs[i].argv);
		free(vs[i].s);
		free(vs[i].cpu);
	}
	return 0;
}
