/* audit_view.h — audit records for a person: one aligned line per event
 * (`latch audit show|tail`), refusals standing out; colour on a terminal
 * unless NO_COLOR is set. And the questions the commands ask of a record.
 */
#ifndef LATCH_AUDIT_VIEW_H
#define LATCH_AUDIT_VIEW_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "../audit/record.h" /* rec_str, rec_num */

enum view_only { ONLY_ALL, ONLY_BLOCKED, ONLY_EXEC, ONLY_NET };

struct view {
	FILE *out;
	bool colour;
	enum view_only only;
	bool header_done;
};

/* Colour when `out` is a terminal and NO_COLOR is unset or empty. */
void view_init(struct view *v, FILE *out, enum view_only only);
/* Text from a log as one column: control characters escaped (strv.h),
 * padded to `width`, then two spaces. */
void view_column(FILE *out, const char *s, int width);
/* One record, when `only` keeps it. */
void view_record(struct view *v, const cJSON *o);

/* A line parsed as a record; NULL when it is not JSON, or holds more
 * values than any record latch writes (cJSON takes ~60 bytes a value:
 * memory stays bounded whatever a file holds). */
cJSON *rec_parse(const char *line, size_t len);
/* An exec or a network request that was refused (enforced). */
bool rec_blocked(const cJSON *o);

#endif
