/* harness.c — what the benchmark programs share; the contract is in
 * harness.h. */
#ifndef _GNU_SOURCE /* bench/run passes -D_GNU_SOURCE for bench/rules.c */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

extern char **environ;

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", harness_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

long parse_count(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		die("%s must be a whole number from %ld to %ld, not '%s'",
		    what, min, max, s);
	return v;
}

double parse_positive(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !(v > 0))
		die("%s must be a positive number, not '%s'", what, s);
	return v;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double load_average(void)
{
	double load;

	return getloadavg(&load, 1) == 1 ? load : -1;
}

void print_load(double load)
{
	if (load >= 0)
		printf("load average at start: %.2f on %ld CPUs%s\n", load,
		       sysconf(_SC_NPROCESSORS_ONLN),
		       load > 1.0 ? " (other work is running: expect noise)" : "");
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* (harness.h) Here `ru` may also be NULL: then no rusage is collected. */
int spawn_rusage(const char *who, char *const *argv, int err_fd,
		 double *wall, struct rusage *ru)
{
	const char *sep = who ? ": " : "";
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc, status;
	double t0;

	if (who == NULL)
		who = "";
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (err_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	else
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

	t0 = now_s();
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	if (rc != 0) {
		posix_spawn_file_actions_destroy(&fa);
		die("%s%scannot start %s: %s", who, sep, argv[0], strerror(rc));
	}
	/* without `ru`, exactly waitpid(): no rusage to collect */
	while (wait4(pid, &status, 0, ru) < 0)
		if (errno != EINTR)
			die("%s%s%s: %s", who, sep, ru ? "wait4" : "waitpid",
			    strerror(errno));
	*wall = now_s() - t0;
	posix_spawn_file_actions_destroy(&fa);
	return status;
}

int spawn_wait(const char *who, char *const *argv, int err_fd, double *wall,
	       double *cpu)
{
	struct rusage ru;
	int status = spawn_rusage(who, argv, err_fd, wall, cpu ? &ru : NULL);

	if (cpu)
		*cpu = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
	return status;
}

int spawn_capture(const char *who, char *const *argv, char *errbuf, size_t len)
{
	FILE *tmp = tmpfile();
	double wall;
	int status;
	size_t n;

	if (tmp == NULL)
		die("tmpfile: %s", strerror(errno));
	errbuf[0] = '\0';
	status = spawn_wait(who, argv, fileno(tmp), &wall, NULL);
	if (exited_ok(status)) {
		fclose(tmp);
		return status;
	}
	rewind(tmp);
	n = fread(errbuf, 1, len - 1, tmp);
	errbuf[n] = '\0';
	while (n > 0 && (errbuf[n - 1] == '\n' || errbuf[n - 1] == ' '))
		errbuf[--n] = '\0';
	fclose(tmp);
	return status;
}

bool exited_ok(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void require_ok(int status, const char *who, char *const *argv, bool quote,
		size_t good)
{
	char st[64], cmd[1024];

	if (exited_ok(status))
		return;
	status_str(status, st, sizeof(st));
	describe(argv, quote, cmd, sizeof(cmd));
	die("%s: '%s' failed (%s) after %zu good runs; aborting", who, cmd, st,
	    good);
}

void status_str(int status, char *out, size_t len)
{
	if (WIFEXITED(status))
		snprintf(out, len, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(out, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(out, len, "wait status 0x%x", status);
}

void describe(char *const *argv, bool quote, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; argv[i] && used < len; i++) {
		bool q = quote && strpbrk(argv[i], " \t'$;|&<>()") != NULL;

		used += (size_t)snprintf(out + used, len - used,
					 q ? "%s'%s'" : "%s%s",
					 i ? " " : "", argv[i]);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void sort_doubles(double *s, size_t n)
{
	qsort(s, n, sizeof(double), cmp_double);
}

double median(double *s, size_t n)
{
	sort_doubles(s, n);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double percentile(const double *sorted, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)pos;

	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + (pos - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}
