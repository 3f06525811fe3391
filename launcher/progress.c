/* progress.c — a progress line for slow work, on a terminal only. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void progress_start(struct progress *p)
{
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
	p->shown = false;
}

void progress_files(void *progress, uint64_t files, uint64_t bytes)
{
	struct progress *p = progress;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (since(&p->start, &now) < 1.0 || since(&p->last, &now) < 0.1 ||
	    !isatty(2))
		return;
	p->last = now;
	p->shown = true;
	fprintf(stderr, "\rlatch: snapshot: %llu files, %.0f MB\033[K",
		(unsigned long long)files, (double)bytes / 1e6);
}

void progress_end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
