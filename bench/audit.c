/* bench/audit.c — what latch's audit trail costs: exec records per second
 * appended by audit_exec() (audit/log.h: a record built with cJSON, its
 * argv redacted, sealed into the hash chain of audit/chain.h, one write(2)
 * per event, O_APPEND, no fsync), against a floor — the same records built
 * and written the same way without the chain — and the rate at which
 * verify_log() (audit/verify.h) checks the log written.
 *
 * Every record is an exec of the same realistic argv (7 words, 132 bytes
 * as one line: curl with a GitHub token in an Authorization header, which
 * redaction masks), with a secret in the environment as an agent's API
 * key would be (redaction looks for its value in every word). The pid
 * changes from record to record; everything else is fixed.
 *
 * Timed: from the first record's call to the last one's return (the
 * figure is the median run); audit_open() and audit_close(), which write
 * the session's lines of the ledger once per session, are not. The two
 * variants alternate, which one goes first rotating, after an untimed
 * warm-up of each (libcrypto loaded, caches warm).
 *
 *   build/bench-audit [-n EVENTS] [-r RUNS] [-T RATE]
 *     -n EVENTS  exec records per run (default 200000)
 *     -r RUNS    timed runs of each variant (default 3)
 *     -T RATE    events/s to meet (default 100000, the audit issue's target)
 *   (built and run by bench/run, from the repository root)
 *
 * Everything happens in a scratch directory, mktemp -d
 * /var/tmp/latch-bench-audit.XXXXXX, removed at the end (also on an
 * error; on Ctrl-C, once the variant being timed is done, or at once on a
 * second Ctrl-C, which leaves it). Each chained run opens a
 * fresh log with audit_open() in a state directory of its own (a session's
 * id is the second it began and the pid, so one process opening two logs
 * in one second needs two state directories); its log is verified, then
 * removed with it, so the disk holds one run's log at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../audit/log.h"
#include "../audit/record.h"
#include "../audit/redact.h"
#include "../audit/verify.h"
#include "harness.h"

const char harness_name[] = "bench/audit";

extern char **environ;

/* The exec every record logs. */
static char *const argv_words[] = {
	"curl", "-sS", "-H",
	"Authorization: Bearer ghp_4f8Kq2LmN7xR1tVz9cWb3yHd6JpE0sUaG5iO",
	"https://api.github.com/repos/acme/app/pulls", "-o", "pulls.json", NULL,
};
#define ARGC (sizeof(argv_words) / sizeof(argv_words[0]) - 1)

static char scratch[] = "/var/tmp/latch-bench-audit.XXXXXX";
static bool have_scratch;
static volatile sig_atomic_t interrupted;

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	if (remove(path) < 0)
		fprintf(stderr, "%s: cannot remove '%s': %s\n", harness_name,
			path, strerror(errno));
	return 0;
}

/* Remove `dir` and everything under it. */
static void remove_tree(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void) /* atexit: die() too */
{
	if (have_scratch)
		remove_tree(scratch);
}

static void on_signal(int sig)
{
	interrupted = sig;
}

/* Stop between two timed variants when Ctrl-C (or a TERM) came: the
 * scratch directory is removed on the way out. */
static void check_interrupted(void)
{
	if (interrupted) {
		cleanup();
		have_scratch = false;
		signal(interrupted, SIG_DFL);
		raise(interrupted);
	}
}

/* The event of record `i`. */
static struct audit_exec event(unsigned long i)
{
	return (struct audit_exec){
		.pid = (pid_t)(10000 + i % 50000), .ppid = 9999,
		.exe = "/usr/bin/curl", .argv = argv_words, .argc = ARGC,
		.cwd = "/home/u/proj", .decision = "allow", .rule = NULL,
		.enforced = true,
	};
}

/* ---- the floor: audit_exec() but for the chain ---- */

struct floor {
	int fd;
	pthread_mutex_t mu;  /* as the log's: taken for every record */
	unsigned long seq;
	struct strv secrets; /* the environment's secret values */
	char *buf;
	size_t cap;
};

/* The record audit_exec() builds — the same members in the same order,
 * argv redacted with the same secrets — printed by cJSON into a reused
 * buffer, a newline added
 * and written with one write(2) to a file opened O_APPEND: what is left
 * of appending when chain_seal() is taken away (the line is 75 bytes
 * shorter: no chain member). */
static void floor_exec(struct floor *f, const struct audit_exec *ev)
{
	cJSON *o, *a;
	size_t n;

	pthread_mutex_lock(&f->mu);
	o = record_new(++f->seq, "exec");
	record_int(o, "pid", ev->pid);
	record_int(o, "ppid", ev->ppid);
	cJSON_AddStringToObject(o, "exe", ev->exe);
	a = cJSON_CreateArray();
	for (size_t i = 0; i < ev->argc; i++) {
		char *r = redact_word(i ? ev->argv[i - 1] : NULL, ev->argv[i],
				      &f->secrets);

		cJSON_AddItemToArray(a, cJSON_CreateString(r ? r : ev->argv[i]));
		free(r);
	}
	cJSON_AddItemToObject(o, "argv", a);
	cJSON_AddStringToObject(o, "cwd", ev->cwd);
	cJSON_AddStringToObject(o, "decision", ev->decision);
	cJSON_AddNullToObject(o, "rule");
	cJSON_AddBoolToObject(o, "enforced", ev->enforced);
	/* printed into a reused buffer, as the log does */
	while (f->cap < 4096 || !cJSON_PrintPreallocated(o, f->buf, (int)f->cap - 1, false))
		if ((f->buf = realloc(f->buf, f->cap = f->cap ? 2 * f->cap : 4096)) == NULL)
			die("out of memory");
	cJSON_Delete(o);
	n = strlen(f->buf);
	f->buf[n++] = '\n';
	if (write(f->fd, f->buf, n) != (ssize_t)n)
		die("cannot write the floor's file: %s", strerror(errno));
	pthread_mutex_unlock(&f->mu);
}

/* ---- the runs ---- */

struct chained_run {
	double secs;            /* appending the records */
	double verify_secs;     /* verify_log() over them */
	off_t bytes;            /* the log's size */
	char first[1024];       /* its first line (truncated) */
};

/* Append n records with audit_exec() to a new log in state directory
 * `state`; then close it, verify it (timed) and remove it. */
static void run_chained(const char *state, unsigned long n, struct chained_run *out)
{
	struct audit_log *l;
	struct log_check check;
	struct stat st;
	struct err e;
	char *path, *id;
	double t0;
	int fd;
	ssize_t got;

	if (mkdir(state, 0700) < 0)
		die("cannot create '%s': %s", state, strerror(errno));
	if ((l = audit_open(state, NULL, &e)) == NULL)
		die("audit_open: %s", e.msg);
	if ((path = strdup(audit_path(l))) == NULL || (id = strdup(audit_id(l))) == NULL)
		die("out of memory");
	t0 = now_s();
	for (unsigned long i = 0; i < n; i++) {
		struct audit_exec ev = event(i);

		audit_exec(l, &ev);
	}
	out->secs = now_s() - t0;
	audit_close(l); /* the ledger's end line: once per session, untimed */

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0)
		die("cannot open '%s': %s", path, strerror(errno));
	out->bytes = st.st_size;
	t0 = now_s();
	if (verify_log(fd, id, &check, &e) < 0)
		die("verify_log: %s", e.msg);
	out->verify_secs = now_s() - t0;
	if (check.bad_seq || check.partial || check.records != n)
		die("verify_log: %lu of %lu records verify%s%s%s", check.records, n,
		    check.partial ? "; the log ends inside a record" : "",
		    check.bad_seq ? "; " : "", check.bad_seq ? check.why : "");
	got = pread(fd, out->first, sizeof(out->first) - 1, 0);
	out->first[got > 0 ? got : 0] = '\0';
	out->first[strcspn(out->first, "\n")] = '\0';
	close(fd);
	remove_tree(state);
	free(path);
	free(id);
}

/* Append n records with floor_exec() to a new file `path`, then remove
 * it; the time of appending. */
static double run_floor(const char *path, unsigned long n, struct floor *f,
			off_t *bytes)
{
	struct stat st;
	double t0, t;

	f->seq = 0;
	f->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (f->fd < 0)
		die("cannot create '%s': %s", path, strerror(errno));
	t0 = now_s();
	for (unsigned long i = 0; i < n; i++) {
		struct audit_exec ev = event(i);

		floor_exec(f, &ev);
	}
	t = now_s() - t0;
	if (fstat(f->fd, &st) < 0)
		die("cannot stat '%s': %s", path, strerror(errno));
	*bytes = st.st_size;
	close(f->fd);
	unlink(path);
	return t;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench-audit [-n EVENTS] [-r RUNS] [-T RATE]\n"
		"  -n EVENTS  exec records per run (default 200000)\n"
		"  -r RUNS    timed runs of each variant (default 3)\n"
		"  -T RATE    events/s to meet (default 100000, the audit issue's target)\n");
	exit(2);
}

/* One row of the table: the median, best and worst of `runs` timings of
 * n events each (sorted by median()), as rates. */
static void row(const char *name, double *t, size_t runs, unsigned long n,
		double bytes)
{
	double med = median(t, runs);

	printf("%-8s %10.0f %10.0f %10.0f %9.2f %8.1f\n", name, (double)n / med,
	       (double)n / t[0], (double)n / t[runs - 1], 1e6 * med / (double)n,
	       bytes / med / 1e6);
}

int main(int argc, char **argv)
{
	unsigned long n = 200000;
	size_t runs = 3, argv_bytes = 0;
	double target = 100000, *chained, *floors, *verifies, load;
	off_t log_bytes = 0, floor_bytes = 0;
	struct chained_run cr;
	struct floor f = { .fd = -1 };
	char state[sizeof(scratch) + 32], floor_path[sizeof(scratch) + 32];
	int opt;

	while ((opt = getopt(argc, argv, "n:r:T:h")) != -1) {
		switch (opt) {
		case 'n': n = (unsigned long)parse_count(optarg, "-n EVENTS", 100, 100000000); break;
		case 'r': runs = (size_t)parse_count(optarg, "-r RUNS", 1, 1000); break;
		case 'T': target = parse_positive(optarg, "-T RATE"); break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	/* An agent's API key in the environment: audit_open() and the floor
	 * collect its value, and redaction looks for it in every word. */
	setenv("LATCH_BENCH_API_KEY", "bench-4Qz7Rk1Xw9Lp3Vn8", 1);
	redact_env_values(environ, &f.secrets);
	pthread_mutex_init(&f.mu, NULL);
	if ((chained = calloc(runs, sizeof(double))) == NULL ||
	    (floors = calloc(runs, sizeof(double))) == NULL ||
	    (verifies = calloc(runs, sizeof(double))) == NULL)
		die("out of memory");
	for (size_t i = 0; i < ARGC; i++)
		argv_bytes += strlen(argv_words[i]) + (i > 0);

	if (mkdtemp(scratch) == NULL)
		die("cannot create a scratch directory: %s", strerror(errno));
	have_scratch = true;
	atexit(cleanup);
	/* the first one is noted (check_interrupted); a second one kills */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESETHAND };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	snprintf(floor_path, sizeof(floor_path), "%s/floor.jsonl", scratch);

	/* Untimed: a short run of each (libcrypto loaded, caches warm). */
	snprintf(state, sizeof(state), "%s/warm-up", scratch);
	run_chained(state, n / 20, &cr);
	run_floor(floor_path, n / 20, &f, &floor_bytes);

	load = load_average();
	printf("audit log: %lu exec records per run, %zu timed runs per variant "
	       "(+1 short warm-up), interleaved; one write(2) per event, "
	       "O_APPEND, no fsync\n", n, runs);
	print_load(load);
	printf("  argv: %zu words, %zu bytes, a GitHub token in a header (redacted); "
	       "a secret in the environment\n", ARGC, argv_bytes);
	printf("  chained  audit_open() in a fresh state directory under %s, "
	       "then audit_exec() per event\n", scratch);
	printf("  floor    the same records without the chain: cJSON, redaction, "
	       "one write(2) per event\n");
	printf("  verify   verify_log() over each chained run's log, just written "
	       "(page cache warm)\n");

	/* The runs: chained and floor alternate, which one goes first rotates. */
	for (size_t r = 0; r < runs; r++) {
		snprintf(state, sizeof(state), "%s/run-%zu", scratch, r);
		for (int k = 0; k < 2; k++) {
			check_interrupted();
			if ((k == 0) == (r % 2 == 0)) {
				run_chained(state, n, &cr);
				chained[r] = cr.secs;
				verifies[r] = cr.verify_secs;
				log_bytes = cr.bytes;
			} else {
				floors[r] = run_floor(floor_path, n, &f, &floor_bytes);
			}
		}
	}
	check_interrupted();

	printf("  a record as written (%.0f bytes on average with its newline; "
	       "unchained %.0f):\n    %s\n\n",
	       (double)log_bytes / (double)n, (double)floor_bytes / (double)n, cr.first);
	if (strstr(cr.first, "***") == NULL)
		die("the record's argv was not redacted");

	printf("variant  events/s     best/s    worst/s  us/event     MB/s\n"
	       "-------- ---------- ---------- ---------- --------- --------\n");
	row("chained", chained, runs, n, (double)log_bytes);
	row("floor", floors, runs, n, (double)floor_bytes);
	row("verify", verifies, runs, n, (double)log_bytes);

	double c = median(chained, runs), fl = median(floors, runs);
	double v = median(verifies, runs), rate = (double)n / c;

	printf("\nchained/floor: x%.2f the time per event (+%.2f us for the chain: "
	       "SHA-256 of the record, its member written)\n",
	       c / fl, 1e6 * (c - fl) / (double)n);
	printf("\n=> audit: %.0f events/s appended with chaining (target \u2265 %.0f/s): %s\n",
	       rate, target, rate >= target ? "met" : "NOT met");
	printf("   floor (unchained) %.0f events/s: chained/floor x%.2f; verify_log "
	       "%.0f records/s, %.0f MB/s; one write(2) per event, O_APPEND, no fsync\n",
	       (double)n / fl, c / fl, (double)n / v, (double)log_bytes / v / 1e6);
	strv_free(&f.secrets);
	free(f.buf);
	free(chained);
	free(floors);
	free(verifies);
	return 0;
}
