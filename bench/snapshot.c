/* snapshot.c — latch's workspace snapshots against git (and restic).
 *
 * On one tree (bench/gen-tree), in three steps per run:
 *   first       LATCH snapshot --workdir TREE, into a fresh state directory
 *               (XDG_STATE_HOME), against git init -q + git add -A into a
 *               fresh repository (--git-dir outside the tree);
 *   no-change   the same snapshot again, against git status --porcelain;
 *   one-change  a line appended to one file (untimed), then the same
 *               snapshot, against git status --porcelain;
 * and with -R, restic backup into a fresh repository (restic init
 * untimed) for all three: a second anchor that, like latch, stores what
 * it reads. Each run of a variant gets a new, empty store — latch's state
 * directory, the git directory, the restic repository and cache —
 * SCRATCH/latch-N, git-N, restic-N for run N, so every first step really
 * is a first. The stores are left in SCRATCH, not deleted: deleting
 * thousands of files makes the next thousands of file creations slower
 * for a while on some filesystems (ext4 without a journal skips
 * recently freed inodes), which would slow whichever variant comes next.
 *
 * The tree is read once, untimed, before anything is timed, so every
 * variant starts from a warm page cache (the page cache cannot be
 * dropped without root). After every step, and before the first, sync(2)
 * runs untimed, so no variant writes back another's dirty pages on its
 * time; the "sync" column is how long that sync took: the writeback of
 * what the step left dirty. latch makes its snapshot durable itself
 * (syncfs, fsync) before it exits; git does not fsync loose objects.
 * The table comes at the end; a line on stderr marks each round.
 *
 * The variants run interleaved round-robin (the first variant rotates
 * each round). Each command is spawned with posix_spawn and timed up to
 * wait4 with CLOCK_MONOTONIC; wait4's rusage gives its CPU time and its
 * peak memory (max RSS). Every command must exit 0; if one fails, its
 * stderr is shown. Medians over RUNS runs are reported, with one verdict
 * line per step: latch's median over git's, against its target.
 *
 * Usage: snapshot -t TREE -w SCRATCH [-N NAME] [-n RUNS] [-l LATCH]
 *                 [-g GIT] [-R RESTIC] [-c FILE]
 *   TREE     the tree to snapshot (absolute)
 *   SCRATCH  a directory for the stores (absolute; on the same
 *            filesystem as TREE, as a user's state directory would be);
 *            they need about 1.1 x the tree's size per run per variant
 *   NAME     the tree's name in the output (default "tree")
 *   RUNS     timed runs per variant (default 3)
 *   LATCH    the latch binary (default $LATCH, else ./latch)
 *   GIT      the git binary (default /usr/bin/git)
 *   RESTIC   the restic binary; without it, restic is skipped
 *   FILE     the file the one-change step changes, relative to TREE
 *            (default src/main.c)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"

const char harness_name[] = "snapshot";

enum { FIRST, NOCHANGE, CHANGED, NSTEPS };
static const char *const step_name[NSTEPS] = { "first", "no-change",
					       "one-change" };
static const double target[NSTEPS] = { 1.0, 1.0, 1.2 };

#define MAX_CMDS 2 /* commands timed together in one step */
#define MAX_ARGS 8

struct variant {
	const char *name;                  /* latch, git, restic */
	const char *label[NSTEPS];         /* in the verdict: "git add" */
	const char *cmd[NSTEPS][MAX_CMDS][MAX_ARGS];
	const char *setup[MAX_ARGS];       /* untimed, each run (restic init) */
	/* run N's store is SCRATCH/NAME-N; `enter` points the commands
	 * (their arguments or the environment) at it */
	void (*enter)(struct variant *v);
	char store[4096];
	char arg[4200];                    /* the argument naming the store */
	double *wall[NSTEPS], *cpu[NSTEPS], *rss[NSTEPS], *sync[NSTEPS];
	size_t n;                          /* runs done */
	char said[NSTEPS][512];            /* latch's report of its first run */
};

struct config {
	const char *tree, *scratch, *name, *latch, *git, *restic, *change;
	long runs;
};

static int err_fd = -1; /* a temporary file: the stderr of each command */

/* ---- small helpers ---- */

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		die("out of memory");
	return p;
}

static void xsetenv(const char *name, const char *value)
{
	if (setenv(name, value, 1) < 0)
		die("cannot set %s: %s", name, strerror(errno));
}

/* The program `*path` must be executable; made absolute (the commands
 * run from TREE). */
static void require_exec(const char **path, const char *what)
{
	char *abs;

	if (access(*path, X_OK) != 0)
		die("%s '%s' is not executable: %s", what, *path, strerror(errno));
	if ((*path)[0] == '/')
		return;
	if ((abs = realpath(*path, NULL)) == NULL)
		die("%s: cannot resolve '%s': %s", what, *path, strerror(errno));
	*path = abs;
}

static void require_absolute_dir(const char *path, const char *what)
{
	struct stat st;

	if (path == NULL || path[0] != '/')
		die("%s must be an absolute path, not '%s'", what,
		    path ? path : "(none)");
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		die("%s '%s' is not a directory", what, path);
}

/* The file the one-change step changes must be a writable file. */
static void require_file(const struct config *c, const char *what)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", c->tree, c->change);
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, W_OK) < 0)
		die("%s: '%s' is not a writable file in the tree", what, path);
}

/* The end of what the last command wrote on stderr (err_fd): at most
 * len - 1 bytes, trailing newlines removed; with `last_line`, only the
 * last line. */
static void read_stderr(char *out, size_t len, bool last_line)
{
	off_t size = lseek(err_fd, 0, SEEK_END);
	off_t from = size > (off_t)len - 1 ? size - ((off_t)len - 1) : 0;
	ssize_t n = pread(err_fd, out, len - 1, from);
	char *nl;

	if (n < 0)
		die("cannot read back a command's stderr: %s", strerror(errno));
	out[n] = '\0';
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	if (last_line && (nl = strrchr(out, '\n')) != NULL)
		memmove(out, nl + 1, strlen(nl + 1) + 1);
}

static void reset_stderr(void)
{
	if (ftruncate(err_fd, 0) < 0 || lseek(err_fd, 0, SEEK_SET) < 0)
		die("cannot reset the stderr file: %s", strerror(errno));
}

/* Die unless `status` is exited_ok, showing the command and its stderr. */
static void check(int status, const char *who, const char *what,
		  char *const *argv)
{
	char st[64], cmd[1024], tail[1600];

	if (exited_ok(status))
		return;
	status_str(status, st, sizeof(st));
	describe(argv, true, cmd, sizeof(cmd));
	read_stderr(tail, sizeof(tail), false);
	die("%s, %s: '%s' failed (%s)%s%s", who, what, cmd, st,
	    tail[0] ? "; the end of its stderr:\n" : "", tail);
}

/* Run argv untimed; die if it fails. */
static void run_untimed(const char *who, const char *what, char *const *argv)
{
	double wall;

	reset_stderr();
	check(spawn_wait(who, argv, err_fd, &wall, NULL), who, what, argv);
}

/* ---- the tree and the stores ---- */

static struct {
	long files;
	double bytes;
	char *buf;
} warm;

static int read_one(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	int fd;
	ssize_t n;

	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		die("warm-up: cannot open %s: %s", path, strerror(errno));
	while ((n = read(fd, warm.buf, 1 << 20)) > 0)
		warm.bytes += (double)n;
	if (n < 0)
		die("warm-up: cannot read %s: %s", path, strerror(errno));
	close(fd);
	warm.files++;
	return 0;
}

/* Read every file of the tree once (and stat everything), untimed, so
 * every variant finds it in the page cache. Returns the seconds taken. */
static double warm_up(const char *tree)
{
	double t0 = now_s();

	warm.buf = xcalloc(1, 1 << 20);
	if (nftw(tree, read_one, 32, FTW_PHYS | FTW_MOUNT) < 0)
		die("warm-up: cannot walk %s: %s", tree, strerror(errno));
	free(warm.buf);
	return now_s() - t0;
}

/* Append a line to the tree's FILE: the one change of the one-change step. */
static void change_file(const struct config *c, const char *who, long run)
{
	char path[4096], line[128];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s", c->tree, c->change);
	n = snprintf(line, sizeof(line), "/* edited: run %ld, before %s's "
		     "one-change step */\n", run + 1, who);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		die("one-change: cannot open %s: %s", path, strerror(errno));
	if (write(fd, line, (size_t)n) != n || close(fd) < 0)
		die("one-change: cannot append to %s: %s", path, strerror(errno));
}

/* ---- the variants ---- */

static void set_args(const char **dst, const char *const *src)
{
	size_t i = 0;

	for (; src[i] && i + 1 < MAX_ARGS; i++)
		dst[i] = src[i];
	dst[i] = NULL;
}

static void latch_enter(struct variant *v)
{
	xsetenv("XDG_STATE_HOME", v->store);
}

static void latch_variant(struct variant *v, const struct config *c)
{
	v->name = "latch";
	v->enter = latch_enter;
	for (int s = 0; s < NSTEPS; s++) {
		v->label[s] = "latch";
		set_args(v->cmd[s][0], (const char *[]){ c->latch, "snapshot",
			 "--workdir", c->tree, NULL });
	}
}

static void git_enter(struct variant *v)
{
	snprintf(v->arg, sizeof(v->arg), "--git-dir=%s", v->store);
}

static void git_variant(struct variant *v, const struct config *c)
{
	static char worktree[4200];

	v->name = "git";
	v->enter = git_enter;
	snprintf(worktree, sizeof(worktree), "--work-tree=%s", c->tree);
	/* git's defaults, whatever the user's configuration says */
	xsetenv("GIT_CONFIG_NOSYSTEM", "1");
	xsetenv("GIT_CONFIG_GLOBAL", "/dev/null");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	v->label[FIRST] = "git add";
	set_args(v->cmd[FIRST][0], (const char *[]){ c->git, v->arg, worktree,
		 "init", "-q", NULL });
	set_args(v->cmd[FIRST][1], (const char *[]){ c->git, v->arg, worktree,
		 "add", "-A", NULL });
	for (int s = NOCHANGE; s < NSTEPS; s++) {
		v->label[s] = "git status";
		set_args(v->cmd[s][0], (const char *[]){ c->git, v->arg, worktree,
			 "status", "--porcelain", NULL });
	}
}

static void restic_enter(struct variant *v)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/repo", v->store);
	xsetenv("RESTIC_REPOSITORY", path);
	snprintf(path, sizeof(path), "%s/cache", v->store);
	xsetenv("RESTIC_CACHE_DIR", path);
}

static void restic_variant(struct variant *v, const struct config *c)
{
	v->name = "restic";
	v->enter = restic_enter;
	xsetenv("RESTIC_PASSWORD", "latch-bench");
	set_args(v->setup, (const char *[]){ c->restic, "init", "--quiet", NULL });
	for (int s = 0; s < NSTEPS; s++) {
		v->label[s] = "restic backup";
		set_args(v->cmd[s][0], (const char *[]){ c->restic, "backup",
			 "--quiet", c->tree, NULL });
	}
}

/* Point v at run `run`'s store ("N" for the commands as printed). */
static void enter_run(struct variant *v, const struct config *c, long run)
{
	if (run < 0)
		snprintf(v->store, sizeof(v->store), "%s/%s-N", c->scratch, v->name);
	else
		snprintf(v->store, sizeof(v->store), "%s/%s-%ld", c->scratch,
			 v->name, run + 1);
	v->enter(v);
}

static void alloc_samples(struct variant *v, long runs)
{
	for (int s = 0; s < NSTEPS; s++) {
		v->wall[s] = xcalloc((size_t)runs, sizeof(double));
		v->cpu[s] = xcalloc((size_t)runs, sizeof(double));
		v->rss[s] = xcalloc((size_t)runs, sizeof(double));
		v->sync[s] = xcalloc((size_t)runs, sizeof(double));
	}
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double timed_sync(void)
{
	double t0 = now_s();

	sync();
	return now_s() - t0;
}

/* One step of one run: its commands, timed together. */
static void run_step(struct variant *v, int s)
{
	double wall = 0, cpu = 0, rss = 0;

	for (int k = 0; k < MAX_CMDS && v->cmd[s][k][0]; k++) {
		char *const *argv = (char *const *)v->cmd[s][k];
		struct rusage ru;
		double w;

		reset_stderr();
		check(spawn_rusage(v->name, argv, err_fd, &w, &ru), v->name,
		      step_name[s], argv);
		wall += w;
		cpu += tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
		if ((double)ru.ru_maxrss / 1024 > rss)
			rss = (double)ru.ru_maxrss / 1024;
	}
	if (v->n == 0 && strcmp(v->name, "latch") == 0)
		read_stderr(v->said[s], sizeof(v->said[s]), true);
	v->wall[s][v->n] = wall;
	v->cpu[s][v->n] = cpu;
	v->rss[s][v->n] = rss;
	v->sync[s][v->n] = timed_sync();
}

/* One run of a variant: a new store, the three steps. */
static void run_variant(struct variant *v, const struct config *c, long run)
{
	enter_run(v, c, run);
	if (mkdir(v->store, 0700) < 0)
		die("%s: cannot create %s: %s", v->name, v->store, strerror(errno));
	if (v->setup[0])
		run_untimed(v->name, "set-up", (char *const *)v->setup);
	sync();
	for (int s = 0; s < NSTEPS; s++) {
		if (s == CHANGED) {
			change_file(c, v->name, run);
			sync();
		}
		run_step(v, s);
	}
	v->n++;
}

/* ---- the report ---- */

struct stats {
	double med, lo, hi, cpu, rss, sync;
};

static struct stats stats_of(struct variant *v, int s)
{
	struct stats st;

	st.med = median(v->wall[s], v->n); /* sorts */
	st.lo = v->wall[s][0];
	st.hi = v->wall[s][v->n - 1];
	st.cpu = median(v->cpu[s], v->n);
	sort_doubles(v->rss[s], v->n);
	st.rss = v->rss[s][v->n - 1]; /* the peak of all runs */
	st.sync = median(v->sync[s], v->n);
	return st;
}

/* Seconds with 2 decimals from 1 s up, 3 below. */
static const char *secs(double t, char *out, size_t len)
{
	snprintf(out, len, t >= 1 ? "%.2f s" : "%.3f s", t);
	return out;
}

/* Step s's commands as one line ("A && B"). */
static void step_line(const struct variant *v, int s, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int k = 0; k < MAX_CMDS && v->cmd[s][k][0] && used < len; k++) {
		if (k)
			used += (size_t)snprintf(out + used, len - used, " && ");
		if (used < len)
			describe((char *const *)v->cmd[s][k], true, out + used,
				 len - used);
		used += strlen(out + used);
	}
}

/* Each variant's commands, steps that run the same ones on one line. */
static void print_commands(const struct variant *vs, size_t nv)
{
	char line[NSTEPS][2048], steps[64];

	for (size_t i = 0; i < nv; i++) {
		for (int s = 0; s < NSTEPS; s++)
			step_line(&vs[i], s, line[s], sizeof(line[s]));
		steps[0] = '\0';
		for (int s = 0; s < NSTEPS; s++) {
			strcat(steps, steps[0] ? ", " : "");
			strcat(steps, step_name[s]);
			if (s + 1 < NSTEPS && strcmp(line[s], line[s + 1]) == 0)
				continue;
			printf("  %-6s %s: %s\n", vs[i].name, steps, line[s]);
			steps[0] = '\0';
		}
	}
}

static void print_header(const struct config *c, const struct variant *vs,
			 size_t nv, double warm_s, double load0)
{
	printf("snapshot %s: %ld timed runs per variant, interleaved round-robin;"
	       " times in s, memory in MB\n", c->name, c->runs);
	print_load(load0);
	printf("  tree %s: %ld files, %.1f MB, read once untimed (%.2f s): "
	       "every variant starts from a warm page cache\n", c->tree,
	       warm.files, warm.bytes / 1e6, warm_s);
	printf("  run N of a variant starts with an empty store, kept to the end: "
	       "%s/latch-N (XDG_STATE_HOME), git-N, restic-N\n", c->scratch);
	printf("  one-change: a line is appended to %s first, untimed; before "
	       "the first step and after each, untimed: sync(2)\n", c->change);
	print_commands(vs, nv);
	if (c->restic == NULL)
		printf("  restic: skipped (not installed; Debian package restic)\n");
}

static void print_table(struct variant *vs, size_t nv, struct stats st[][NSTEPS])
{
	printf("\n%-10s %-7s %9s %9s %9s %8s %9s %8s %8s\n", "step", "variant",
	       "median", "min", "max", "x git", "cpu med", "max RSS", "sync");
	printf("%-10s %-7s %9s %9s %9s %8s %9s %8s %8s\n", "----------",
	       "-------", "---------", "---------", "---------", "--------",
	       "---------", "--------", "--------");
	for (int s = 0; s < NSTEPS; s++)
		for (size_t i = 0; i < nv; i++) {
			const struct stats *x = &st[i][s];

			printf("%-10s %-7s %9.3f %9.3f %9.3f %7.2fx %9.3f %8.1f %8.3f\n",
			       step_name[s], vs[i].name, x->med, x->lo, x->hi,
			       x->med / st[1][s].med, x->cpu, x->rss, x->sync);
		}
}

static void print_verdicts(const struct config *c, struct variant *vs,
			   size_t nv, struct stats st[][NSTEPS])
{
	char a[32], b[32];

	printf("\nlatch's own report of its first run:\n");
	for (int s = 0; s < NSTEPS; s++)
		printf("  %-10s %s\n", step_name[s], strncmp(vs[0].said[s], "latch: ",
		       7) ? vs[0].said[s] : vs[0].said[s] + 7);
	printf("\n");
	for (int s = 0; s < NSTEPS; s++) {
		double l = st[0][s].med, g = st[1][s].med;

		printf("=> snapshot %s %s: latch %s, %s %s, latch/git %.2fx "
		       "(target <= %.1fx: %s)\n", c->name, step_name[s],
		       secs(l, a, sizeof(a)), vs[1].label[s], secs(g, b, sizeof(b)),
		       l / g, target[s], l / g <= target[s] ? "met" : "NOT met");
		/* indented: not a "=> " line, so not in the summary */
		if (nv > 2)
			printf("   %s %s: latch/restic %.2fx\n", vs[2].label[s],
			       secs(st[2][s].med, a, sizeof(a)), l / st[2][s].med);
	}
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: snapshot -t TREE -w SCRATCH [-N NAME] [-n RUNS] [-l LATCH]\n"
		"                [-g GIT] [-R RESTIC] [-c FILE]\n"
		"  -t TREE     the tree to snapshot (absolute path)\n"
		"  -w SCRATCH  a directory for the stores (absolute path)\n"
		"  -N NAME     the tree's name in the output (default tree)\n"
		"  -n RUNS     timed runs per variant (default 3)\n"
		"  -l LATCH    latch binary (default $LATCH, else ./latch)\n"
		"  -g GIT      git binary (default /usr/bin/git)\n"
		"  -R RESTIC   restic binary (without it, restic is skipped)\n"
		"  -c FILE     the file to change, relative to TREE (default src/main.c)\n");
	exit(2);
}

static void parse_args(int argc, char **argv, struct config *c)
{
	int opt;

	*c = (struct config){ .name = "tree", .runs = 3, .latch = getenv("LATCH"),
			      .git = "/usr/bin/git", .change = "src/main.c" };
	if (c->latch == NULL || *c->latch == '\0')
		c->latch = "./latch";
	while ((opt = getopt(argc, argv, "t:w:N:n:l:g:R:c:h")) != -1) {
		switch (opt) {
		case 't': c->tree = optarg; break;
		case 'w': c->scratch = optarg; break;
		case 'N': c->name = optarg; break;
		case 'n': c->runs = parse_count(optarg, "-n RUNS", 1, 1000); break;
		case 'l': c->latch = optarg; break;
		case 'g': c->git = optarg; break;
		case 'R': c->restic = *optarg ? optarg : NULL; break;
		case 'c': c->change = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	require_absolute_dir(c->tree, "-t TREE");
	require_absolute_dir(c->scratch, "-w SCRATCH");
	require_file(c, "-c FILE");
	require_exec(&c->latch, "latch binary");
	require_exec(&c->git, "git binary");
	if (c->restic)
		require_exec(&c->restic, "restic binary");
}

/* Each program once, untimed: it runs, and is in the page cache. */
static void warm_programs(const struct config *c)
{
	run_untimed("latch", "warm-up", (char *[]){ (char *)c->latch,
		    "--version", NULL });
	run_untimed("git", "warm-up", (char *[]){ (char *)c->git, "--version",
		    NULL });
	if (c->restic)
		run_untimed("restic", "warm-up", (char *[]){ (char *)c->restic,
			    "version", NULL });
}

int main(int argc, char **argv)
{
	struct config c;
	struct variant vs[3] = { 0 }; /* latch, git[, restic] */
	struct stats st[3][NSTEPS];
	size_t nv = 2;
	double warm_s, load0;
	FILE *tmp;

	parse_args(argc, argv, &c);
	if ((tmp = tmpfile()) == NULL)
		die("cannot create a temporary file for stderr: %s", strerror(errno));
	err_fd = fileno(tmp);
	latch_variant(&vs[0], &c);
	git_variant(&vs[1], &c);
	if (c.restic)
		restic_variant(&vs[nv++], &c);
	for (size_t i = 0; i < nv; i++)
		alloc_samples(&vs[i], c.runs);
	if (chdir(c.tree) < 0)
		die("cannot enter %s: %s", c.tree, strerror(errno));

	warm_programs(&c);
	warm_s = warm_up(c.tree);
	load0 = load_average();
	for (long r = 0; r < c.runs; r++) {
		double t0 = now_s();

		for (size_t k = 0; k < nv; k++)
			run_variant(&vs[((size_t)r + k) % nv], &c, r);
		fprintf(stderr, "snapshot %s: round %ld of %ld done (%.0f s)\n",
			c.name, r + 1, c.runs, now_s() - t0);
	}

	for (size_t i = 0; i < nv; i++) {
		for (int s = 0; s < NSTEPS; s++)
			st[i][s] = stats_of(&vs[i], s);
		enter_run(&vs[i], &c, -1); /* the commands as printed */
	}
	print_header(&c, vs, nv, warm_s, load0);
	print_table(vs, nv, st);
	print_verdicts(&c, vs, nv, st);
	fclose(tmp);
	return 0;
}
