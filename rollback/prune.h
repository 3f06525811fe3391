/* prune.h — dropping old snapshots and the objects nothing names.
 *
 * Under the store's exclusive lock (no snapshot is being taken): the
 * snapshots chosen are deleted — beyond the newest `keep` of each
 * workspace, older than `older_than_days`, then the oldest until the
 * objects of those left fit in `max_size` — but never the newest snapshot
 * of a workspace; then every object no remaining manifest names, and every
 * temporary file a killed snapshot left, is deleted.
 */
#ifndef LATCH_PRUNE_H
#define LATCH_PRUNE_H

#include <stdint.h>

#include "../common/err.h"
#include "store.h"

struct prune_opts {
	long keep;              /* per workspace; 0: no limit */
	double older_than_days; /* 0: no limit */
	uint64_t max_size;      /* bytes of objects; 0: no limit */
};

struct prune_result {
	unsigned long snapshots, objects; /* deleted */
	uint64_t bytes;                   /* freed */
	unsigned long kept;               /* snapshots left */
};

int prune_run(struct objstore *s, const struct prune_opts *o,
	      struct prune_result *r, struct err *e);

#endif
