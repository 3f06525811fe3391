/* Audit records as CSV (launcher/audit_csv.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../launcher/audit_csv.h"
#include "../../launcher/audit_view.h"

static char *row(const char *json)
{
	cJSON *o = cJSON_Parse(json);
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	csv_record(f, o);
	fclose(f);
	cJSON_Delete(o);
	return buf;
}

Test(csv, quoting_formulas_and_argv)
{
	char *r = row("{\"seq\":2,\"time\":\"t\",\"event\":\"exec\",\"pid\":7,\"decision\":\"deny\","
		      "\"argv\":[\"=cmd|' /C calc'!A0\",\"a,b\",\"say \\\"hi\\\"\"],\"chain\":\"c\"}");

	cr_expect_str_eq(r, "2,t,exec,7,,deny,,,,,,\"'=cmd|' /C calc'!A0 a,b say \"\"hi\"\"\",,,,,,,,c\r\n");
	free(r);
	r = row("{\"seq\":1,\"event\":\"net\",\"host\":\"@evil\",\"port\":443}");
	cr_expect_str_eq(r, "1,,net,,,,,,,,,,,'@evil,443,,,,,\r\n");
	free(r);
}

/* Found by fuzz_audit: every string of a record, the time included, is
 * escaped in the table (a log is a file anyone with the state dir's
 * access could have written). */
Test(csv, the_table_escapes_every_field)
{
	cJSON *o = cJSON_Parse("{\"seq\":1,\"time\":\"2026-11-29T\\u001b[2J\\u001b[1;3\",\"event\":\"exec\","
			       "\"decision\":\"deny\",\"rule\":\"r\\u001b]0;x\\u0007\",\"argv\":[\"a\\u009bb\"]}");
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct view v;

	view_init(&v, f, ONLY_ALL);
	view_record(&v, o);
	fclose(f);
	cr_assert(strchr(buf, '\033') == NULL, "%s", buf);
	cr_assert(strstr(buf, "\\x1b[2J") && strstr(buf, "a\\u009bb"), "%s", buf);
	free(buf);
	cJSON_Delete(o);
}
