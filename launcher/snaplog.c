/* snaplog.c — a snapshot's audit record. */
#include "snaplog.h"

void snaplog(struct audit_log *l, const struct snap_opts *o,
	     const struct snap_result *r, const char *error)
{
	struct audit_snapshot ev = { .trigger = o->trigger, .workdir = o->workdir,
				     .error = error };

	if (l == NULL)
		return;
	if (r) {
		ev.id = r->id;
		ev.unchanged = r->unchanged;
		ev.files = r->files;
		ev.bytes = r->bytes;
		ev.ms = r->ms;
	}
	audit_snapshot(l, &ev);
}
