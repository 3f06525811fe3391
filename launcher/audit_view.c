/* audit_view.c — audit records for a person. */
#include "audit_view.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/strv.h"

#define RED "\033[1;31m"
#define YELLOW "\033[33m"
#define DIM "\033[2m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

#define REC_VALUES_MAX 200000

cJSON *rec_parse(const char *line, size_t len)
{
	size_t values = 0;

	for (size_t i = 0; i < len; i++)
		values += line[i] == ',' || line[i] == ':' || line[i] == '[' || line[i] == '{';
	return values > REC_VALUES_MAX ? NULL : cJSON_ParseWithLength(line, len);
}

static bool is(const char *s, const char *want)
{
	return s && strcmp(s, want) == 0;
}

bool rec_blocked(const cJSON *o)
{
	const char *ev = rec_str(o, "event"), *d = rec_str(o, "decision");

	if (!is(ev, "exec") && !is(ev, "net"))
		return false;
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "enforced")))
		return false;
	return is(d, "deny") || (is(d, "ask") && !is(rec_str(o, "answer"), "yes"));
}

void view_init(struct view *v, FILE *out, enum view_only only)
{
	const char *no = getenv("NO_COLOR");

	v->out = out;
	v->only = only;
	v->colour = isatty(fileno(out)) && (no == NULL || *no == '\0');
	v->header_done = false;
}

static bool kept(const struct view *v, const cJSON *o)
{
	const char *ev = rec_str(o, "event");

	switch (v->only) {
	case ONLY_BLOCKED: return rec_blocked(o);
	case ONLY_EXEC: return is(ev, "exec");
	case ONLY_NET: return is(ev, "net") || is(ev, "net_end");
	default: return true;
	}
}

static void words(FILE *out, const cJSON *a)
{
	const cJSON *w;
	bool first = true;

	cJSON_ArrayForEach(w, a) {
		if (!first)
			fputc(' ', out);
		fput_word(out, cJSON_IsString(w) ? w->valuestring : "?");
		first = false;
	}
}

/* Text from the log, control characters escaped (strv.h): a hostile
 * argv or file name must not drive the operator's terminal. */
static void put(FILE *out, const char *before, const char *s, const char *after)
{
	fputs(before, out);
	fput_word(out, s ? s : "?");
	fputs(after, out);
}

/* What happened, after the fixed columns. */
static void what(FILE *out, const cJSON *o, const char *ev)
{
	if (is(ev, "exec")) {
		words(out, cJSON_GetObjectItemCaseSensitive(o, "argv"));
		if (rec_str(o, "reason") && !rec_str(o, "rule"))
			put(out, "  (", rec_str(o, "reason"), ")");
		if (rec_str(o, "answer"))
			put(out, "  (answer: ", rec_str(o, "answer"), ")");
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "enforced")))
			fputs("  (monitor: not enforced)", out);
	} else if (is(ev, "net") || is(ev, "net_end")) {
		put(out, "", rec_str(o, "host"), "");
		fprintf(out, ":%.0f", rec_num(o, "port"));
		if (rec_str(o, "path"))
			put(out, "", rec_str(o, "path"), "");
		if (is(ev, "net_end"))
			fprintf(out, "  closed: %.0f bytes up, %.0f down", rec_num(o, "bytes_up"),
				rec_num(o, "bytes_down"));
		else if (rec_str(o, "reason"))
			put(out, "  (", rec_str(o, "reason"), ")");
	} else if (is(ev, "snapshot") && rec_str(o, "id")) {
		put(out, "", rec_str(o, "id"), "");
		fprintf(out, "  %.0f files, %.1f MB%s", rec_num(o, "files"), rec_num(o, "bytes") / 1e6,
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "unchanged")) ? ", unchanged" : "");
	} else if (is(ev, "snapshot")) {
		put(out, "FAILED: ", rec_str(o, "error"), "");
	} else if (is(ev, "restore")) {
		put(out, "", rec_str(o, "workdir"), " to ");
		put(out, "", rec_str(o, "id"), "");
		fprintf(out, ": %.0f written, %.0f deleted, %.0f failed", rec_num(o, "written"),
			rec_num(o, "deleted"), rec_num(o, "failed"));
	} else if (is(ev, "start")) {
		put(out, "profile ", rec_str(o, "profile") ? rec_str(o, "profile") : "(none)", "");
		put(out, ", workdir ", rec_str(o, "workdir"), "");
		fprintf(out, "%s: ", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "monitor"))
				     ? ", monitor" : "");
		words(out, cJSON_GetObjectItemCaseSensitive(o, "command"));
	} else if (is(ev, "end")) {
		fprintf(out, "exit %.0f; execs: %.0f allowed, %.0f refused; network: %.0f allowed, %.0f refused",
			rec_num(o, "status"), rec_num(o, "allowed"), rec_num(o, "refused"),
			rec_num(o, "net_allowed") < 0 ? 0 : rec_num(o, "net_allowed"),
			rec_num(o, "net_refused") < 0 ? 0 : rec_num(o, "net_refused"));
	}
}

/* The third column: the decision, or the event. */
static const char *label(const cJSON *o, const char *ev)
{
	if ((is(ev, "exec") || is(ev, "net")) && rec_str(o, "decision"))
		return rec_str(o, "decision");
	return ev ? ev : "?";
}

/* The fourth: the rule, the kind of request, the trigger. */
static const char *detail(const cJSON *o, const char *ev)
{
	if (is(ev, "exec"))
		return rec_str(o, "rule") ? rec_str(o, "rule") : rec_str(o, "reason") ? "(refused)" : "-";
	if (is(ev, "net"))
		return is(rec_str(o, "kind"), "route") && rec_str(o, "route") ? rec_str(o, "route")
									: rec_str(o, "kind");
	if (is(ev, "snapshot"))
		return rec_str(o, "trigger");
	return "";
}

void view_column(FILE *out, const char *s, int width)
{
	int n = (int)fput_word(out, s ? s : "?");

	fprintf(out, "%*s", n < width ? width - n + 2 : 2, "");
}

void view_record(struct view *v, const cJSON *o)
{
	const char *ev = rec_str(o, "event"), *t = rec_str(o, "time");
	const char *colour = NULL;
	double pid = rec_num(o, "pid");
	char pidtext[24] = "-";

	if (!kept(v, o))
		return;
	if (!v->header_done) {
		fprintf(v->out, "%s%-12s  %-7s  %-8s  %-22s  %s%s\n", v->colour ? BOLD : "",
			"TIME", "PID", "EVENT", "RULE / KIND", "WHAT", v->colour ? RESET : "");
		v->header_done = true;
	}
	if (rec_blocked(o))
		colour = RED;
	else if (is(rec_str(o, "decision"), "ask") || is(rec_str(o, "decision"), "snapshot"))
		colour = YELLOW;
	else if (is(ev, "net_end"))
		colour = DIM;
	if (pid >= 0)
		snprintf(pidtext, sizeof(pidtext), "%.0f", pid);
	fputs(v->colour && colour ? colour : "", v->out);
	view_column(v->out, t && strlen(t) > 11 ? t + 11 : "?", 12);
	fprintf(v->out, "%-7s  ", pidtext);
	view_column(v->out, label(o, ev), 8);
	view_column(v->out, detail(o, ev), 22);
	what(v->out, o, ev);
	fprintf(v->out, "%s\n", v->colour && colour ? RESET : "");
}
