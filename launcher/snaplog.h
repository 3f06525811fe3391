/* snaplog.h — a snapshot's audit record (audit/log.h), from what
 * rollback/snapshot.h says of it. */
#ifndef LATCH_SNAPLOG_H
#define LATCH_SNAPLOG_H

#include "../audit/log.h"
#include "../rollback/snapshot.h"

/* `r` NULL: the snapshot failed with `error`. `l` may be NULL (no log). */
void snaplog(struct audit_log *l, const struct snap_opts *o,
	     const struct snap_result *r, const char *error);

#endif
