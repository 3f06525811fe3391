/* cmd_audit.c — `latch audit list|show|tail|verify|export`: the sessions'
 * audit logs (audit/log.h) and the ledger that closes them (ledger.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "../audit/ledger.h"
#include "../audit/lines.h"
#include "../audit/sign.h"
#include "../audit/verify.h"
#include "../common/dirnames.h"
#include "../common/strv.h"
#include "../common/xalloc.h"
#include "audit_csv.h"
#include "audit_view.h"
#include "cmd.h"
#include "plan.h"

#define FOLLOW_MS 100

struct audit_opts {
	bool json, all, help;
	const char *since, *only, *format, *key;
	char **rest;
	int n_rest;
	char *state, *dir;       /* latch's state dir, its sessions/ */
	struct strv ids;         /* the sessions, oldest first */
};

static int parse(struct audit_opts *o, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "since", required_argument, NULL, 's' },
		{ "only", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 'a': o->all = true; break;
		case 'h': o->help = true; break;
		case 's': o->since = optarg; break;
		case 'o': o->only = optarg; break;
		case 'f': o->format = optarg; break;
		case 'k': o->key = optarg; break;
		default:
			fprintf(stderr, "latch audit %s: bad option '%s': unknown, or its value is missing "
				"(see 'latch audit --help')\n", argv[0], argv[optind - 1]);
			return -1;
		}
	}
	o->rest = argv + optind;
	o->n_rest = argc - optind;
	return 0;
}

/* One line of text that holds names from files: escaped as a whole
 * (strv.h), so a session's name or a record cannot drive the terminal. */
__attribute__((format(printf, 2, 3)))
static void say(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	fput_word(f, text ? text : "(out of memory)");
	fputc('\n', f);
	free(text);
}

static char *log_path(const struct audit_opts *o, const char *id)
{
	return xasprintf("%s/%s/events.jsonl", o->dir, id);
}

/* Whether session `a` started after `b`: by the second in their ids
 * (YYYYMMDDTHHMMSSZ-PID), then by their pids as numbers (as text, -1000
 * sorts before -999: two sessions in one second could come out swapped). */
static bool newer(const char *a, const char *b)
{
	const char *da = strrchr(a, '-'), *db = strrchr(b, '-');
	int by_time;

	if (da == NULL || db == NULL || da - a != db - b)
		return strcmp(a, b) > 0;
	by_time = strncmp(a, b, (size_t)(da - a));
	if (by_time)
		return by_time > 0;
	return strtol(da + 1, NULL, 10) > strtol(db + 1, NULL, 10);
}

/* The session an argument names: its id, a unique prefix, or "last". */
static const char *find_session(const struct audit_opts *o, const char *arg)
{
	const char *found = NULL;
	size_t n = strlen(arg);

	if (strcmp(arg, "last") == 0 && o->ids.n) {
		found = o->ids.v[0];
		for (size_t i = 1; i < o->ids.n; i++)
			if (newer(o->ids.v[i], found))
				found = o->ids.v[i];
		return found;
	}
	for (size_t i = 0; i < o->ids.n && n && !strchr(arg, '/'); i++) {
		if (strcmp(o->ids.v[i], arg) == 0)
			return o->ids.v[i];
		if (strncmp(o->ids.v[i], arg, n) == 0) {
			if (found) {
				say(stderr, "latch audit: '%s' names more than one session (%s, %s, …)",
					arg, found, o->ids.v[i]);
				return NULL;
			}
			found = o->ids.v[i];
		}
	}
	if (found == NULL)
		fprintf(stderr, "latch audit: no session '%s' in '%s' (see 'latch audit list')\n",
			arg, o->dir);
	return found;
}

/* Whether the latch a session id names (…-PID) is alive and holds the
 * log's lock. */
static bool latch_holds(int fd, const char *id)
{
	const char *dash = strrchr(id, '-');
	long pid = dash ? strtol(dash + 1, NULL, 10) : 0;

	if (flock(fd, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK)
		return false;
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Open a session's log, a regular file (not a FIFO, a device or a link:
 * reading must not hang or wander); `running` (may be NULL): its latch
 * holds it. */
static int open_log(const struct audit_opts *o, const char *id, bool *running)
{
	char *path = log_path(o, id);
	struct err e;
	int fd = lines_open(path, &e);

	if (fd < 0)
		say(stderr, "latch audit: %s", e.msg);
	if (fd >= 0 && running)
		*running = latch_holds(fd, id);
	free(path);
	return fd;
}

/* ---- list ---- */

struct summary {
	cJSON *start, *end;          /* the first record, the end record */
	unsigned long blocked;
	bool running;
};

#define TAIL_MAX (64u << 10) /* an end record is far shorter */

/* The log's last line, when it is an end record. */
static cJSON *end_record(int fd)
{
	char buf[TAIL_MAX];
	off_t size = lseek(fd, 0, SEEK_END);
	size_t n = size < (off_t)TAIL_MAX ? (size_t)size : TAIL_MAX, start;
	cJSON *r;

	if (size <= 0 || pread(fd, buf, n, size - (off_t)n) != (ssize_t)n || buf[n - 1] != '\n')
		return NULL;
	for (start = n - 1; start > 0 && buf[start - 1] != '\n'; start--)
		;
	r = rec_parse(buf + start, n - 1 - start);
	if (rec_str(r, "event") && strcmp(rec_str(r, "event"), "end") == 0)
		return r;
	cJSON_Delete(r);
	return NULL;
}

/* A session's start, its end, what was refused: from its first and last
 * records, or read through when it has no end (killed, running). */
static int summarise(const struct audit_opts *o, const char *id, struct summary *s)
{
	struct lines in;
	const char *line;
	size_t len;
	int fd = open_log(o, id, &s->running);

	if (fd < 0)
		return -1;
	s->end = end_record(fd);
	lseek(fd, 0, SEEK_SET);
	lines_init(&in, fd);
	while (lines_next(&in, &line, &len) == LINES_OK) {
		cJSON *r = rec_parse(line, len);
		const char *ev = rec_str(r, "event");

		if (ev && strcmp(ev, "start") == 0 && s->start == NULL)
			s->start = r;
		else
			s->blocked += rec_blocked(r);
		if (r != s->start)
			cJSON_Delete(r);
		if (s->end && s->start)
			break;
	}
	if (s->end)
		s->blocked = (unsigned long)(rec_num(s->end, "refused") +
					     (rec_num(s->end, "net_refused") > 0 ? rec_num(s->end, "net_refused") : 0));
	lines_free(&in);
	close(fd);
	return 0;
}

/* "2026-11-29T03:19:01.123Z" as seconds since the epoch; -1 if not. */
static double utc_seconds(const char *t)
{
	struct tm tm = { 0 };
	const char *rest = t ? strptime(t, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	double frac = 0;

	if (rest == NULL)
		return -1;
	if (*rest == '.')
		frac = strtod(rest, NULL);
	return (double)timegm(&tm) + frac;
}

/* --since: YYYY-MM-DD[THH:MM[:SS]] (UTC), or N followed by m, h or d
 * (that long ago). */
static int since_seconds(const char *arg, double *out)
{
	struct tm tm = { 0 };
	char *end;
	double n = strtod(arg, &end);
	const char *rest;

	if (end != arg && end[0] && !end[1] && strchr("mhd", end[0]) && n >= 0) {
		*out = (double)time(NULL) - n * (end[0] == 'm' ? 60 : end[0] == 'h' ? 3600 : 86400);
		return 0;
	}
	rest = strptime(arg, "%Y-%m-%d", &tm);
	if (rest && *rest == 'T')
		rest = strptime(rest + 1, "%H:%M", &tm);
	if (rest && *rest == ':')
		rest = strptime(rest + 1, "%S", &tm);
	if (rest == NULL || *rest) {
		fprintf(stderr, "latch audit list: --since %s: expected a UTC date (2026-11-29, "
			"2026-11-29T14:30) or a time ago (30m, 12h, 7d)\n", arg);
		return -1;
	}
	*out = (double)timegm(&tm);
	return 0;
}

static void duration(char *buf, size_t n, const struct summary *s)
{
	double a = utc_seconds(rec_str(s->start, "time")), b = utc_seconds(rec_str(s->end, "time"));

	if (s->end == NULL)
		snprintf(buf, n, "%s", s->running ? "running" : "killed");
	else if (a < 0 || b < a)
		snprintf(buf, n, "?");
	else if (b - a < 60)
		snprintf(buf, n, "%.1fs", b - a);
	else if (b - a < 3600)
		snprintf(buf, n, "%.0fm%02.0fs", (b - a) / 60 - 0.5, (double)((long)(b - a) % 60));
	else
		snprintf(buf, n, "%.0fh%02ldm", (b - a) / 3600 - 0.5, (long)(b - a) / 60 % 60);
}

static cJSON *summary_json(const char *id, const struct summary *s)
{
	cJSON *j = cJSON_CreateObject();
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(s->start, "command");

	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddItemToObject(j, "start", cJSON_CreateString(rec_str(s->start, "time")));
	cJSON_AddItemToObject(j, "end", cJSON_CreateString(rec_str(s->end, "time")));
	cJSON_AddStringToObject(j, "state", s->end ? "ended" : s->running ? "running" : "killed");
	cJSON_AddItemToObject(j, "profile", cJSON_CreateString(rec_str(s->start, "profile")));
	cJSON_AddItemToObject(j, "command", cmd ? cJSON_Duplicate(cmd, true) : cJSON_CreateNull());
	if (s->end)
		cJSON_AddNumberToObject(j, "exit", rec_num(s->end, "status"));
	else
		cJSON_AddNullToObject(j, "exit");
	cJSON_AddNumberToObject(j, "blocked", (double)s->blocked);
	return j;
}

static void summary_line(const struct view *v, const char *id, const struct summary *s)
{
	const char *t = rec_str(s->start, "time");
	char when[24] = "?", dur[24], code[16] = "-";
	const cJSON *w;
	bool first = true;

	if (t && strlen(t) >= 19)
		snprintf(when, sizeof(when), "%.10s %.8s", t, t + 11);
	duration(dur, sizeof(dur), s);
	if (s->end)
		snprintf(code, sizeof(code), "%.0f", rec_num(s->end, "status"));
	/* the id and the time come from files: escaped as any log text */
	fputs(v->colour && s->blocked ? "\033[1;31m" : "", v->out);
	view_column(v->out, id, 24);
	view_column(v->out, when, 19);
	fprintf(v->out, "%-8s  %4s  %7lu  ", dur, code, s->blocked);
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(s->start, "command")) {
		if (!first)
			fputc(' ', v->out);
		fput_word(v->out, cJSON_IsString(w) ? w->valuestring : "?");
		first = false;
	}
	fprintf(v->out, "%s\n", v->colour && s->blocked ? "\033[0m" : "");
}

/* Item n of a JSON array on stdout (the caller closes it). */
static void json_item(cJSON *j, size_t n)
{
	char *text = cJSON_Print(j);

	cJSON_Delete(j);
	printf("%s%s", n ? ",\n" : "[\n", text ? text : "null");
	free(text);
}

static int list(const struct audit_opts *o)
{
	double since = -1;
	size_t listed = 0;
	struct view v;

	if (o->since && since_seconds(o->since, &since) < 0)
		return EXIT_LATCH;
	view_init(&v, stdout, ONLY_ALL);
	if (!o->json && o->ids.n)
		fprintf(stdout, "%s%-24s  %-19s  %-8s  %4s  %7s  %s%s\n", v.colour ? "\033[1m" : "",
			"SESSION", "START (UTC)", "DURATION", "EXIT", "BLOCKED", "COMMAND",
			v.colour ? "\033[0m" : "");
	for (size_t i = 0; i < o->ids.n; i++) {
		struct summary s = { 0 };

		if (summarise(o, o->ids.v[i], &s) == 0 &&
		    (since < 0 || utc_seconds(rec_str(s.start, "time")) >= since)) {
			if (o->json) /* one array, written as it goes */
				json_item(summary_json(o->ids.v[i], &s), listed++);
			else
				summary_line(&v, o->ids.v[i], &s);
		}
		cJSON_Delete(s.start);
		cJSON_Delete(s.end);
	}
	if (o->json)
		puts(listed ? "\n]" : "[]");
	return 0;
}

/* ---- show, tail, export ---- */

enum out_form { FORM_TABLE, FORM_JSONL, FORM_CSV };

/* A record as it is; on a terminal, control characters (C0, DEL, C1 in
 * UTF-8) as JSON escapes, which keeps the JSON but not a hostile byte. */
static void put_jsonl(FILE *out, const char *line, size_t len)
{
	bool tty = isatty(fileno(out));

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (tty && (c < 0x20 || c == 0x7f))
			fprintf(out, "\\u%04x", c);
		else if (tty && c == 0xc2 && i + 1 < len && (unsigned char)line[i + 1] >= 0x80 &&
			 (unsigned char)line[i + 1] <= 0x9f)
			fprintf(out, "\\u%04x", (unsigned char)line[++i]);
		else
			fputc(c, out);
	}
	fputc('\n', out);
}

/* Every record of a session's log, as `form`; following it (tail) until
 * its end record, or until its latch is gone. */
static int print_log(const struct audit_opts *o, const char *id, enum out_form form,
		     enum view_only only, bool follow)
{
	struct timespec pause = { 0, FOLLOW_MS * 1000000L };
	struct view v;
	struct lines in;
	const char *line;
	size_t len;
	enum lines_rc lr;
	bool running, ended = false;
	int fd = open_log(o, id, &running), rc = 0;

	if (fd < 0)
		return EXIT_LATCH;
	view_init(&v, stdout, only);
	if (form == FORM_CSV)
		csv_header(stdout);
	lines_init(&in, fd);
	while (!ended) {
		cJSON *r;

		lr = lines_next(&in, &line, &len);
		if (lr != LINES_OK) {
			if (lr == LINES_ERROR || lr == LINES_LONG) {
				say(stderr, "latch audit: %s: line %lu: %s", id,
				    lr == LINES_LONG ? in.no : in.no + 1,
				    lr == LINES_LONG ? "longer than any record latch writes" : strerror(errno));
				rc = 1;
				break;
			}
			if (!follow || !running) {
				if (lr == LINES_PARTIAL)
					say(stderr, "latch audit: %s: the last record is cut short "
						"(its latch was killed while writing it)", id);
				if (follow)
					say(stderr, "latch audit: %s: its latch is gone without closing it "
						"(killed)", id);
				break;
			}
			fflush(stdout);
			nanosleep(&pause, NULL);
			running = flock(fd, LOCK_SH | LOCK_NB) < 0;
			continue;
		}
		r = rec_parse(line, len);
		if (r == NULL) {
			say(stderr, "latch audit: %s: line %lu is not JSON (see 'latch audit verify %s')",
				id, in.no, id);
			rc = 1;
			continue;
		}
		ended = follow && rec_str(r, "event") && strcmp(rec_str(r, "event"), "end") == 0;
		if (form == FORM_JSONL)
			put_jsonl(stdout, line, len);
		else if (form == FORM_CSV)
			csv_record(stdout, r);
		else
			view_record(&v, r);
		cJSON_Delete(r);
	}
	lines_free(&in);
	close(fd);
	return rc;
}

static int show(const struct audit_opts *o, const char *id)
{
	static const char *const names[] = {
		[ONLY_ALL] = "all", [ONLY_BLOCKED] = "blocked", [ONLY_EXEC] = "exec", [ONLY_NET] = "net",
	};
	enum view_only only = ONLY_ALL;

	if (o->only) {
		for (only = ONLY_BLOCKED; only <= ONLY_NET; only++)
			if (strcmp(o->only, names[only]) == 0)
				break;
		if (only > ONLY_NET) {
			fprintf(stderr, "latch audit show: --only must be blocked, exec or net, not '%s'\n",
				o->only);
			return EXIT_LATCH;
		}
	}
	if (o->json && only != ONLY_ALL) {
		fprintf(stderr, "latch audit show: --only is for the table; filter the JSON lines "
			"with jq, e.g. jq 'select(.decision == \"deny\")'\n");
		return EXIT_LATCH;
	}
	return print_log(o, id, o->json ? FORM_JSONL : FORM_TABLE, only, false);
}

static int export(const struct audit_opts *o, const char *id)
{
	if (o->format == NULL || (strcmp(o->format, "jsonl") && strcmp(o->format, "csv"))) {
		fprintf(stderr, "latch audit export: --format must be jsonl or csv\n");
		return EXIT_LATCH;
	}
	return print_log(o, id, strcmp(o->format, "csv") ? FORM_JSONL : FORM_CSV, ONLY_ALL, false);
}

/* ---- verify ---- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether the sessions directory holds `id` (the ids are sorted). */
static bool has_id(const struct audit_opts *o, const char *id)
{
	return o->ids.n && bsearch(&id, o->ids.v, o->ids.n, sizeof(*o->ids.v), by_name);
}

/* One session, a line on stdout; false when it fails. */
static bool verify_one(const struct audit_opts *o, const struct ledger_check *lc,
		       const char *id, struct sign_key *key)
{
	struct log_check r = { 0 };
	enum session_state st;
	bool running = false;
	int fd = open_log(o, id, &running);

	if (fd < 0) {
		say(stdout, "%s: FAILED: its log cannot be read", id);
		return false;
	}
	st = verify_session(fd, id, ledger_find(lc, id), running, key, &r);
	close(fd);
	switch (st) {
	case SESSION_INTACT:
		say(stdout, "%s: intact, %lu records%s%s", id, r.records, key ? ", signed by " : "",
		       key ? sign_key_id(key) : "");
		return true;
	case SESSION_RUNNING:
	case SESSION_UNCLOSED:
		say(stdout, "%s: %s", id, r.why);
		return true;
	default:
		say(stdout, "%s: FAILED at seq %lu: %s", id, r.bad_seq, r.why);
		return false;
	}
}

static int verify(const struct audit_opts *o, const char *only_id)
{
	char *path = ledger_path(o->state);
	struct ledger_check lc;
	struct sign_key *key = NULL;
	struct err e;
	bool ok = true;

	if (o->key && (key = sign_key_load(o->key, false, &e)) == NULL) {
		fprintf(stderr, "latch audit verify: --key: %s\n", e.msg);
		free(path);
		return EXIT_LATCH;
	}
	if (verify_ledger(path, &lc, &e) < 0) {
		say(stderr, "latch audit verify: %s", e.msg);
		ok = false;
	} else if (lc.chain.bad_seq) {
		say(stdout, "ledger %s: FAILED at seq %lu: %s", path, lc.chain.bad_seq, lc.chain.why);
		ok = false;
	} else if (lc.chain.partial) {
		say(stdout, "ledger %s: its last line is cut short (a latch was killed while writing it)",
		       path);
	}
	if (only_id) {
		ok = verify_one(o, &lc, only_id, key) && ok;
	} else {
		for (size_t i = 0; i < o->ids.n; i++)
			ok = verify_one(o, &lc, o->ids.v[i], key) && ok;
		for (size_t i = 0; i < lc.n; i++)
			if (!has_id(o, lc.v[i].session)) {
				say(stdout, "%s: FAILED: the ledger has it (line %lu) but its log is gone: deleted",
				       lc.v[i].session, lc.v[i].begin_seq);
				ok = false;
			}
		printf("%zu sessions: %s\n", o->ids.n, ok ? "intact" : "FAILED (see above)");
	}
	ledger_check_free(&lc);
	sign_key_free(key);
	free(path);
	return ok ? 0 : 1;
}

int cmd_audit(int argc, char **argv)
{
	struct audit_opts o = { 0 };
	const char *sub = argc > 1 ? argv[1] : NULL, *id = NULL;
	int rc = EXIT_LATCH;

	if (sub == NULL || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		usage(sub ? stdout : stderr, "audit");
		return sub ? 0 : EXIT_LATCH;
	}
	if (parse(&o, argc - 1, argv + 1) < 0)
		return EXIT_LATCH;
	if (o.help) {
		usage(stdout, "audit");
		return 0;
	}
	o.state = plan_state_dir();
	o.dir = xasprintf("%s/sessions", o.state);
	(void)dir_names(o.dir, "", false, &o.ids);
	if (!strcmp(sub, "list") && o.n_rest == 0) {
		rc = list(&o);
	} else if (!strcmp(sub, "verify") && o.n_rest <= 1 && !(o.all && o.n_rest)) {
		if (o.n_rest == 0 || (id = find_session(&o, o.rest[0])) != NULL)
			rc = verify(&o, id);
	} else if (!strcmp(sub, "tail") && o.n_rest <= 1) {
		id = o.n_rest ? find_session(&o, o.rest[0]) : find_session(&o, "last");
		if (id)
			rc = print_log(&o, id, o.json ? FORM_JSONL : FORM_TABLE, ONLY_ALL, true);
	} else if ((!strcmp(sub, "show") || !strcmp(sub, "export")) && o.n_rest == 1) {
		if ((id = find_session(&o, o.rest[0])) != NULL)
			rc = sub[0] == 's' ? show(&o, id) : export(&o, id);
	} else {
		fprintf(stderr, "latch audit: expected 'list', 'show ID', 'tail [ID]', 'verify [ID|--all]'"
			" or 'export ID --format jsonl|csv' (see 'latch audit --help')\n");
	}
	strv_free(&o.ids);
	free(o.dir);
	free(o.state);
	return rc;
}
