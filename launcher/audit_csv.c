/* audit_csv.c — audit records as CSV. */
#include "audit_csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/strv.h"
#include "../common/xalloc.h"

/* The columns: a record's member of that name (the argv of an exec and
 * the command of a start are both "command"). */
static const char *const columns[] = {
	"seq", "time", "event", "pid", "ppid", "decision", "rule", "reason",
	"answer", "exe", "cwd", "command", "kind", "host", "port", "path",
	"status", "trigger", "id", "chain",
};

#define N (sizeof(columns) / sizeof(columns[0]))

void csv_header(FILE *out)
{
	for (size_t i = 0; i < N; i++)
		fprintf(out, "%s%s", i ? "," : "", columns[i]);
	fputs("\r\n", out);
}

static void cell(FILE *out, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		fputc('"', out);
	if (strchr("=+-@\t\r", s[0]) && s[0] != '\0')
		fputc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	if (quote)
		fputc('"', out);
}

/* An argv array as one line of words separated by spaces. */
static char *joined(const cJSON *a)
{
	struct strv words = { 0 };
	const cJSON *w;
	char *s;

	cJSON_ArrayForEach(w, a) {
		strv_push(&words, cJSON_IsString(w) ? w->valuestring : "?");
	}
	s = strv_join((const char *const *)words.v, words.n, " ");
	strv_free(&words);
	return s;
}

void csv_record(FILE *out, const cJSON *o)
{
	for (size_t i = 0; i < N; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, columns[i]);

		if (i)
			fputc(',', out);
		if (strcmp(columns[i], "command") == 0 && v == NULL)
			v = cJSON_GetObjectItemCaseSensitive(o, "argv");
		if (cJSON_IsString(v)) {
			cell(out, v->valuestring);
		} else if (cJSON_IsNumber(v)) {
			fprintf(out, "%.17g", v->valuedouble);
		} else if (cJSON_IsBool(v)) {
			fputs(cJSON_IsTrue(v) ? "true" : "false", out);
		} else if (cJSON_IsArray(v)) {
			char *s = joined(v);

			cell(out, s);
			free(s);
		}
	}
	fputs("\r\n", out);
}
