/* Audit records as CSV (launcher/audit_csv.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../launcher/audit_csv.h"

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
