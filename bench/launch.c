/* launch.c — how much does latch add to starting a program?
 *
 * Times N sequential spawns (posix_spawn + waitpid, CLOCK_MONOTONIC) of:
 *   bare   /bin/true
 *   floor  bench/floor /bin/true: a wrapper that only spawns and waits,
 *          linked like latch: what any supervising parent costs
 *   latch  LATCH run --profile default -- /bin/true
 *   bwrap  bwrap --ro-bind / / --dev /dev --proc /proc /bin/true
 * The variants are interleaved round-robin (the starting variant rotates each
 * round) so that drift — CPU frequency, cache state, other load — affects all
 * of them equally. Each variant gets warm-up runs that are not counted.
 * Children get /dev/null as stdin, stdout and stderr; every run must exit 0.
 *
 * Usage: launch [-n RUNS] [-w WARMUP] [-l LATCH] [-f FLOOR]
 *   RUNS    timed runs per variant (default 50, minimum 20)
 *   WARMUP  untimed runs per variant first (default 3)
 *   LATCH   the latch binary (default $LATCH, else ./latch); run this
 *           from the repository root (bench/run does)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

const char harness_name[] = "launch";

#define MAX_ARGS 16

struct variant {
	const char *name;
	const char *argv[MAX_ARGS];
	bool skipped;
	char why_skipped[2048];
	double *ms; /* samples */
	size_t n;
};

static char *const *args(const struct variant *v)
{
	return (char *const *)v->argv;
}

/* Search PATH for an executable; returns a static buffer or NULL. */
static const char *which(const char *name)
{
	static char buf[PATH_MAX];
	const char *path = getenv("PATH");

	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n > 0 && (size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)n,
					      path, name) < sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return buf;
		path += n + (path[n] == ':');
	}
	return NULL;
}

/* One untimed run with stderr captured, so a failure can be shown. Returns
 * true on success; on failure fills `msg` with the status and stderr. */
static bool preflight(const struct variant *v, char *msg, size_t len)
{
	char st[64], errbuf[512];
	int status = spawn_capture(v->name, args(v), errbuf, sizeof(errbuf));
	size_t n = strlen(errbuf), used;

	if (exited_ok(status))
		return true;
	status_str(status, st, sizeof(st));
	used = (size_t)snprintf(msg, len, "%s%s", st, n ? "; its stderr:\n    " : "");
	for (size_t i = 0; i < n && used + 6 < len; i++) { /* indent each line */
		msg[used++] = errbuf[i];
		if (errbuf[i] == '\n')
			used += (size_t)snprintf(msg + used, len - used, "    ");
	}
	msg[used < len ? used : len - 1] = '\0';
	return false;
}

static void run_timed(struct variant *v, bool record)
{
	double s;
	int status = spawn_wait(v->name, args(v), -1, &s, NULL);

	require_ok(status, v->name, args(v), false, v->n);
	if (record)
		v->ms[v->n++] = s * 1e3;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: launch [-n RUNS] [-w WARMUP] [-l LATCH]\n"
		"  -n RUNS    timed runs per variant (default 50, minimum 20)\n"
		"  -w WARMUP  untimed warm-up runs per variant (default 3)\n"
		"  -l LATCH   latch binary (default $LATCH, else ./latch)\n"
		"Run from the repository root (bench/run does).\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long runs = 50, warmup = 3;
	const char *latch = getenv("LATCH");
	const char *bwrap, *floor_bin = "bench/floor";
	struct variant vs[4];
	size_t nv = 4;
	double load0;
	int opt;

	if (latch == NULL || *latch == '\0')
		latch = "./latch";
	while ((opt = getopt(argc, argv, "n:w:l:f:h")) != -1) {
		switch (opt) {
		case 'n': runs = parse_count(optarg, "-n RUNS", 20, 100000); break;
		case 'w': warmup = parse_count(optarg, "-w WARMUP", 0, 100000); break;
		case 'l': latch = optarg; break;
		case 'f': floor_bin = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	memset(vs, 0, sizeof(vs));
	vs[0] = (struct variant){ .name = "bare",
				  .argv = { "/bin/true", NULL } };
	vs[1] = (struct variant){ .name = "floor",
				  .argv = { floor_bin, "/bin/true", NULL } };
	vs[2] = (struct variant){ .name = "latch",
				  .argv = { latch, "run", "--profile", "default",
					    "--", "/bin/true", NULL } };
	vs[3] = (struct variant){ .name = "bwrap",
				  .argv = { NULL, "--ro-bind", "/", "/",
					    "--dev", "/dev", "--proc", "/proc",
					    "/bin/true", NULL } };

	/* Check every variant can run at all before timing anything. */
	if (access("/bin/true", X_OK) != 0)
		die("/bin/true is not executable: %s", strerror(errno));
	if (access(latch, X_OK) != 0)
		die("latch binary '%s' is not executable (%s); build it with "
		    "'make latch' in the repository root, or pass -l PATH / "
		    "set LATCH=PATH", latch, strerror(errno));
	bwrap = which("bwrap");
	if (bwrap == NULL) {
		vs[3].skipped = true;
		snprintf(vs[3].why_skipped, sizeof(vs[3].why_skipped),
			 "bwrap (bubblewrap) is not installed or not in PATH");
		vs[3].argv[0] = "bwrap";
	} else {
		vs[3].argv[0] = strdup(bwrap);
	}
	for (size_t i = 0; i < nv; i++) {
		char msg[1024], cmd[512];

		if (vs[i].skipped)
			continue;
		if (preflight(&vs[i], msg, sizeof(msg)))
			continue;
		describe(args(&vs[i]), false, cmd, sizeof(cmd));
		if (i == 3) { /* bwrap: the environment may not allow it */
			vs[i].skipped = true;
			snprintf(vs[i].why_skipped, sizeof(vs[i].why_skipped),
				 "'%s' failed: %s", cmd, msg);
			continue;
		}
		die("%s: '%s' failed: %s%s", vs[i].name, cmd, msg,
		    i == 2 ? "\n  (is latch built and working? try the command by hand)"
			   : "");
	}

	load0 = load_average();
	for (size_t i = 0; i < nv; i++)
		if (!vs[i].skipped && !(vs[i].ms = calloc((size_t)runs, sizeof(double))))
			die("out of memory");

	for (long w = 0; w < warmup; w++)
		for (size_t i = 0; i < nv; i++)
			if (!vs[i].skipped)
				run_timed(&vs[i], false);
	for (long r = 0; r < runs; r++)
		for (size_t k = 0; k < nv; k++) {
			struct variant *v = &vs[((size_t)r + k) % nv];

			if (!v->skipped)
				run_timed(v, true);
		}

	/* Report. */
	double med[4] = { 0 }, p90[4] = { 0 }, lo[4] = { 0 };

	for (size_t i = 0; i < nv; i++) {
		if (vs[i].skipped)
			continue;
		sort_doubles(vs[i].ms, vs[i].n);
		med[i] = percentile(vs[i].ms, vs[i].n, 0.5);
		p90[i] = percentile(vs[i].ms, vs[i].n, 0.9);
		lo[i] = vs[i].ms[0];
	}

	printf("launch overhead: %ld timed runs per variant (+%ld warm-up), "
	       "interleaved round-robin; times in ms\n", runs, warmup);
	print_load(load0);
	putchar('\n');
	for (size_t i = 0; i < nv; i++) {
		char cmd[512];

		describe(args(&vs[i]), false, cmd, sizeof(cmd));
		printf("  %-6s %s\n", vs[i].name, cmd);
	}
	printf("\n%-8s %9s %9s %9s %9s %11s\n", "variant", "median", "p90",
	       "min", "x bare", "+ms vs bare");
	printf("%-8s %9s %9s %9s %9s %11s\n", "--------", "---------",
	       "---------", "---------", "---------", "-----------");
	for (size_t i = 0; i < nv; i++) {
		if (vs[i].skipped) {
			printf("%-8s skipped: %s\n", vs[i].name, vs[i].why_skipped);
			continue;
		}
		printf("%-8s %9.2f %9.2f %9.2f %8.2fx %+11.2f\n", vs[i].name,
		       med[i], p90[i], lo[i], med[i] / med[0], med[i] - med[0]);
	}
	printf("\nlatch's own work (latch - floor): %+.2f ms; the floor itself "
	       "(spawn + wait, no policy): %+.2f ms over bare\n",
	       med[2] - med[1], med[1] - med[0]);
	if (!vs[3].skipped)
		printf("latch vs bwrap: %.2f ms vs %.2f ms median, %.2fx, %+.2f ms\n",
		       med[2], med[3], med[2] / med[3], med[2] - med[3]);
	return 0;
}
