/* progress.h — one progress line on stderr for work that has taken more
 * than a second, only when stderr is a terminal (nothing in logs or pipes),
 * rewritten in place at most ten times a second and erased when done. */
#ifndef LATCH_PROGRESS_H
#define LATCH_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct progress {
	struct timespec start, last;
	bool shown;
};

void progress_start(struct progress *p);
/* "latch: WHAT: N files, M MB" */
void progress_files(void *progress, uint64_t files, uint64_t bytes);
/* Erase the line, if one was shown. */
void progress_end(struct progress *p);

#endif
