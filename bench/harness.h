/* harness.h — what the benchmark programs share (bench/launch.c,
 * bench/workload.c, bench/rules.c, bench/snapshot.c): dying with a
 * message, parsing numeric options, timing with CLOCK_MONOTONIC, spawning
 * and waiting for a child, and the statistics of a set of samples.
 *
 * Each program defines `const char harness_name[]`, its name in messages.
 * die() and the spawning functions never return on an error: they print
 * "NAME: …" on stderr and exit 1.
 */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

/* The program's name, as die() prefixes it ("launch" → "launch: …").
 * Defined by each program. */
extern const char harness_name[];

/* Print "NAME: " and the message on stderr, and exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* -x VALUE options: `s` as a whole number from MIN to MAX, or die naming
 * `what` ("-n RUNS"). */
long parse_count(const char *s, const char *what, long min, long max);
/* `s` as a number > 0, or die naming `what`. */
double parse_positive(const char *s, const char *what);

/* Seconds on CLOCK_MONOTONIC (from an arbitrary start). */
double now_s(void);

/* The 1-minute load average, or -1 if unknown; and the line reporting it
 * ("load average at start: …", nothing if -1). */
double load_average(void);
void print_load(double load);

/* Spawn argv (argv[0] a path, argv NULL-terminated) with stdin and stdout
 * on /dev/null and stderr on `err_fd` (/dev/null if -1), and wait for it.
 * Returns the wait status; *wall = seconds from spawning to reaping it. If
 * `cpu` is not NULL, *cpu = its user + system time in seconds, everything
 * it waited for included (wait4's rusage). Dies if it cannot spawn or
 * wait; `who`, if not NULL, then starts the message ("bare: cannot …"). */
int spawn_wait(const char *who, char *const *argv, int err_fd, double *wall,
	       double *cpu);
/* spawn_wait with wait4's whole rusage in *ru (everything the child
 * waited for included; ru_maxrss is the largest of their peaks, in KB). */
struct rusage;
int spawn_rusage(const char *who, char *const *argv, int err_fd,
		 double *wall, struct rusage *ru);
/* spawn_wait, untimed, with stderr captured: returns the wait status and
 * fills `errbuf` (len bytes, NUL-terminated) with the start of the child's
 * stderr, trailing newlines and spaces removed. */
int spawn_capture(const char *who, char *const *argv, char *errbuf, size_t len);
/* True if a wait status says: exited with status 0. */
bool exited_ok(int status);
/* Unless `status` is exited_ok: die with "WHO: 'COMMAND' failed (STATUS)
 * after GOOD good runs; aborting", COMMAND as describe() puts it. */
void require_ok(int status, const char *who, char *const *argv, bool quote,
		size_t good);
/* A wait status in words: "exit status 1", "killed by signal 9 (Killed)". */
void status_str(int status, char *out, size_t len);
/* argv as one line, words separated by spaces; with `quote`, a word with
 * a blank or one of '$;|&<>() is in single quotes. Truncated to len. */
void describe(char *const *argv, bool quote, char *out, size_t len);

/* Sort n samples ascending. */
void sort_doubles(double *s, size_t n);
/* The median of n > 0 samples (the mean of the middle two if n is even);
 * sorts `s`. */
double median(double *s, size_t n);
/* Percentile q (0..1) of n > 0 sorted samples, interpolating linearly
 * between the closest ranks. */
double percentile(const double *sorted, size_t n, double q);

#endif
