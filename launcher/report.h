/* report.h — showing a capability set to a person (text) or a program (JSON).
 * Used by `run --dry-run` and `profile show`. Never prints env values. */
#ifndef LATCH_REPORT_H
#define LATCH_REPORT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "../common/strv.h"
#include "../policy/capset.h"
#include "sandbox.h"

struct report {
	const struct capset *cs;
	const struct sandbox *sb;     /* may be NULL: no kernel section */
	char *const *argv;            /* may be NULL: no command */
	const struct strv *stripped;  /* env names removed; may be NULL */
};

void report_text(FILE *out, const struct report *r);
/* One JSON document followed by a newline. */
void report_json(FILE *out, const struct report *r);
/* The same document, the caller's to free (the audit log's start record). */
cJSON *report_cjson(const struct report *r);

#endif
