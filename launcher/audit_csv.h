/* audit_csv.h — audit records as CSV (RFC 4180) for spreadsheets and
 * scripts: one row per record, fixed columns (csv_header). A text cell
 * that a spreadsheet would run as a formula (= + - @ tab CR first) is
 * prefixed with a single quote. */
#ifndef LATCH_AUDIT_CSV_H
#define LATCH_AUDIT_CSV_H

#include <cjson/cJSON.h>
#include <stdio.h>

void csv_header(FILE *out);
void csv_record(FILE *out, const cJSON *o);

#endif
