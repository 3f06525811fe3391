/* fuzz_audit.c — libFuzzer target for what `latch audit verify|show|export`
 * read back: a session's log and the ledger (audit/verify.c, lines.c,
 * chain.c, record.c) and the records shown and exported
 * (launcher/audit_view.c, audit_csv.c). Whoever can write latch's state
 * dir writes these files: latch must not crash on them, misjudge them,
 * or let them drive the operator's terminal or spreadsheet.
 *
 * Input: a mode byte, the log up to the first NUL, the ledger after it
 * (no NUL: no ledger). Mode bit 0 seals the log's lines as session "s1",
 * bit 1 the ledger's as "ledger" (chain.h), so that chains hold and the
 * checks past them are reached: a line "{…}" gets its chain member, and
 * "seq":N first when it does not begin with a seq (N: its line number);
 * other lines are written as they are. The high 4 bits write the log 1-16
 * times, for logs longer than lines.c's 64 KiB reads.
 *
 * The files go to memfds. The log is verified (verify_log), the ledger
 * read (verify_ledger, from a temporary file), the log checked against the
 * ledger's first session (verify_session, running and not, no key). Every
 * whole line that is JSON is shown (view_record, each --only), exported
 * (csv_record) and asked rec_blocked. Any broken invariant aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../audit/chain.h"
#include "../audit/verify.h"
#include "../launcher/audit_csv.h"
#include "../launcher/audit_view.h"

#define MAX_COLUMNS 64

/* A broken invariant: say which, then abort (libFuzzer saves the input). */
#define check(ok) ((ok) ? (void)0 : broken(#ok, __LINE__))

static void broken(const char *what, int line)
{
	fprintf(stderr, "fuzz_audit.c:%d: invariant broken: %s\n", line, what);
	abort();
}

/* A file as written, and what sealing promised of it. */
struct file {
	char *d;
	size_t n;
	unsigned long lines;  /* whole lines (ending in '\n') */
	unsigned long good;   /* sealed: the leading lines that must verify */
	bool sealed;
};

/* One line as written: "{…}" sealed when `c`, else as it is. */
static void put_line(FILE *out, struct chain *c, const char *s, size_t len,
		     bool whole, struct file *f)
{
	static const char seq[] = "{\"seq\":";
	unsigned long no = f->lines + 1;
	char *json, *line;
	size_t k;
	bool good;

	if (c == NULL || len < 2 || s[0] != '{' || s[len - 1] != '}') {
		fwrite(s, 1, len, out);
		good = false;
	} else {
		json = malloc(len + 32);
		line = malloc(len + 32 + CHAIN_MEMBER_LEN + 1);
		check(json && line);
		if (len > sizeof(seq) - 1 && memcmp(s, seq, sizeof(seq) - 1) == 0) {
			memcpy(json, s, len);
			k = len;
		} else {   /* no seq: the right one, after the brace */
			k = (size_t)sprintf(json, "%s%lu,", seq, no);
			memcpy(json + k, s + 1, len - 1);
			k += len - 1;
		}
		k = chain_seal(c, json, k, line);
		fwrite(line, 1, k - 1, out); /* the newline is the caller's */
		/* it verifies when its seq is its line number, as text */
		k = (size_t)sprintf(json, "%s%lu,", seq, no);
		good = memcmp(line, json, k) == 0;
		free(json);
		free(line);
	}
	if (!whole)
		return;
	fputc('\n', out);
	if (good && f->good == f->lines)
		f->good++;
	f->lines++;
}

/* `src` (n bytes, `times` over) as file `f`, sealed under `name` or not. */
static void build(const char *src, size_t n, int times, const char *name,
		  struct file *f)
{
	struct chain c = { 0 };
	struct err e;
	FILE *out = open_memstream(&f->d, &f->n); /* both set by fclose */
	char *all = malloc(n * (size_t)times + 1);
	size_t len = n * (size_t)times;

	check(out && all);
	for (int i = 0; i < times; i++)
		memcpy(all + n * (size_t)i, src, n);
	f->lines = f->good = 0;
	f->sealed = name != NULL;
	check(name == NULL || chain_init(&c, name, &e) == 0);
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(all + at, '\n', len - at);
		size_t k = nl ? (size_t)(nl - (all + at)) : len - at;

		put_line(out, name ? &c : NULL, all + at, k, nl != NULL, f);
		at += k + (nl != NULL);
	}
	if (name)
		chain_free(&c);
	check(fclose(out) == 0);
	free(all);
}

/* The ledger's file: a regular file with a name (verify_ledger opens a
 * path, and only a regular file, not a /proc/self/fd link), removed at
 * exit. */
static char ledger_file[] = "/tmp/fuzz-audit-ledger-XXXXXX";

static void remove_ledger(void)
{
	unlink(ledger_file);
}

static int ledger_fd_open(void)
{
	int fd = mkstemp(ledger_file);

	check(fd >= 0 && atexit(remove_ledger) == 0);
	return fd;
}

/* A file holding `f` (a memfd unless it is the ledger's), its offset at 0. */
static int load(int *fd, const struct file *f, bool named)
{
	if (*fd < 0)
		*fd = named ? ledger_fd_open() : memfd_create("fuzz-audit", MFD_CLOEXEC);
	check(*fd >= 0 && ftruncate(*fd, 0) == 0);
	for (size_t at = 0; at < f->n;) {
		ssize_t k = pwrite(*fd, f->d + at, f->n - at, (off_t)at);

		check(k > 0);
		at += (size_t)k;
	}
	check(lseek(*fd, 0, SEEK_SET) == 0);
	return *fd;
}

static bool is_head(const char *h)
{
	for (int i = 0; i < SHA256_HEX - 1; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return h[SHA256_HEX - 1] == '\0';
}

/* What a chain's check must say of the file it read. */
static void check_chain(const struct log_check *r, const struct file *f, bool ledger)
{
	bool cut = f->n > 0 && f->d[f->n - 1] != '\n';

	check(is_head(r->head));
	check((r->bad_seq == 0) == (r->why[0] == '\0'));
	check(r->bad_seq == 0 || r->bad_seq == r->records + 1);
	check(r->records <= f->lines);
	check(!r->partial || cut);
	if (r->bad_seq == 0)
		check(r->records == f->lines && r->partial == cut);
	if (!f->sealed)
		return;
	/* sealed lines in order verify; the first other one stops it (a
	 * ledger's line may also be refused for what it says) */
	check(r->records <= f->good);
	if (!ledger)
		check(r->records == f->good);
	if (f->good < f->lines)
		check(r->bad_seq == r->records + 1);
	else if (!ledger)
		check(r->bad_seq == 0);
}

static void check_ledger(const struct ledger_check *l)
{
	unsigned long lines = 0;

	check(l->n <= l->chain.records);
	for (size_t i = 0; i < l->n; i++) {
		const struct ledger_entry *le = &l->v[i];

		check(le->session && le->session[0]);
		check(le->begin_seq >= 1 && le->begin_seq <= l->chain.records);
		check(le->end_seq == 0 ||
		      (le->end_seq > le->begin_seq && le->end_seq <= l->chain.records));
		check(le->end_seq || (le->key == NULL && le->sig == NULL));
		check((le->key == NULL) == (le->sig == NULL));
		check(le->end_seq == 0 || strlen(le->head) == SHA256_HEX - 1);
		check(ledger_find(l, le->session) == le);
		lines += 1 + (le->end_seq != 0);
	}
	/* every line that verified began or closed exactly one session */
	check(lines == l->chain.records);
}

/* The log against ledger entry `le`: as verify_log read it, and a state
 * that follows from that and the entry. */
static void check_session(int fd, const struct ledger_entry *le, bool running,
			  const struct log_check *lr)
{
	struct log_check r;
	enum session_state st;

	check(lseek(fd, 0, SEEK_SET) == 0);
	st = verify_session(fd, "s1", le, running, NULL, &r);
	check(r.records == lr->records && r.partial == lr->partial &&
	      strcmp(r.head, lr->head) == 0);
	check((st == SESSION_BAD) == (r.bad_seq != 0));
	check(st == SESSION_INTACT || r.why[0]);
	if (lr->bad_seq || le == NULL) {
		check(st == SESSION_BAD);
	} else if (le->end_seq == 0) {
		check(st == (running ? SESSION_RUNNING : SESSION_UNCLOSED));
	} else {
		check(st == SESSION_INTACT || st == SESSION_BAD);
		check((st == SESSION_INTACT) ==
		      (r.records == le->records && !r.partial && strcmp(r.head, le->head) == 0));
	}
}

/* ---- a record shown and exported ---- */

struct sink {
	FILE *f;
	char *d;
	size_t n;
};

static void sink_open(struct sink *s)
{
	s->d = NULL;
	s->n = 0; /* glibc sets it on the first fflush only */
	s->f = open_memstream(&s->d, &s->n);
	check(s->f != NULL);
}

static void sink_close(struct sink *s)
{
	check(fclose(s->f) == 0);
	free(s->d);
}

/* The columns, as csv_header names them. */
static char *columns[MAX_COLUMNS];
static size_t ncolumns;

static void read_header(void)
{
	struct sink s;
	char *save = NULL;

	sink_open(&s);
	csv_header(s.f);
	check(fflush(s.f) == 0 && s.n > 2 && memcmp(s.d + s.n - 2, "\r\n", 2) == 0);
	s.d[s.n - 2] = '\0';
	for (char *w = strtok_r(s.d, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		check(ncolumns < MAX_COLUMNS);
		columns[ncolumns++] = strdup(w);
	}
	sink_close(&s);
}

static bool formula(char c)
{
	return c != '\0' && strchr("=+-@\t\r", c) != NULL;
}

/* The RFC 4180 field at *p (a row's bytes up to `end`), unquoted, into
 * `cell` (room for the row, then a NUL); *p left after its ',' (then
 * true) or at the row's "\r\n". */
static bool csv_field(const char **p, const char *end, char *cell)
{
	const char *s = *p;

	if (s < end && *s == '"') {
		for (s++;; s++) {
			check(s < end);
			if (*s == '"' && s + 1 < end && s[1] == '"')
				*cell++ = *s++;
			else if (*s == '"')
				break;
			else
				*cell++ = *s;
		}
		s++;
	} else {
		for (; s < end && !memchr(",\r\n\"", *s, 4); s++)
			*cell++ = *s;
	}
	*cell = '\0';
	check(s < end && (*s == ',' || *s == '\r'));
	*p = s + (*s == ',');
	return *s == ',';
}

/* `o` exported: one row, a cell per column, each what `o` holds there. */
static void export(struct sink *out, const cJSON *o)
{
	size_t at = out->n, n;
	const char *p, *end;
	char *cell, *num;

	csv_record(out->f, o);
	check(fflush(out->f) == 0);
	p = out->d + at;
	end = out->d + out->n;
	n = out->n - at;
	cell = malloc(n + 1);
	check(cell && n >= 2 && memcmp(end - 2, "\r\n", 2) == 0);
	for (size_t i = 0; i < ncolumns; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, columns[i]);

		if (v == NULL && strcmp(columns[i], "command") == 0)
			v = cJSON_GetObjectItemCaseSensitive(o, "argv");
		check(csv_field(&p, end, cell) == (i + 1 < ncolumns));
		/* text: as it is, or after a ' when a spreadsheet would run it */
		if (cJSON_IsString(v) || cJSON_IsArray(v))
			check(!formula(cell[0]));
		if (cJSON_IsString(v))
			check(strcmp(cell + formula(v->valuestring[0]), v->valuestring) == 0 &&
			      (!formula(v->valuestring[0]) || cell[0] == '\''));
		else if (cJSON_IsNumber(v))
			check(strtod(cell, &num) == v->valuedouble && *num == '\0');
		else if (cJSON_IsBool(v))
			check(strcmp(cell, cJSON_IsTrue(v) ? "true" : "false") == 0);
		else if (!cJSON_IsArray(v))
			check(cell[0] == '\0');
	}
	check(p == end - 2);
	free(cell);
}

static bool is(const char *s, const char *want)
{
	return s && strcmp(s, want) == 0;
}

/* One line: when JSON, through each view, the CSV export, rec_blocked. */
static void show(const char *line, size_t len, struct view views[4],
		 struct sink *vout, struct sink *cout)
{
	cJSON *o = cJSON_ParseWithLength(line, len);
	const char *ev;
	bool blocked;

	if (o == NULL)
		return;
	ev = rec_str(o, "event");
	blocked = rec_blocked(o);
	check(!blocked || is(ev, "exec") || is(ev, "net"));
	for (int m = ONLY_ALL; m <= ONLY_NET; m++) {
		bool kept = m == ONLY_ALL || (m == ONLY_BLOCKED && blocked) ||
			    (m == ONLY_EXEC && is(ev, "exec")) ||
			    (m == ONLY_NET && (is(ev, "net") || is(ev, "net_end")));
		unsigned long want = kept ? 1 + !views[m].header_done : 0, nl = 0;
		size_t at = vout->n;

		view_record(&views[m], o);
		check(fflush(vout->f) == 0);
		/* whole lines, and not a control byte from the log in them:
		 * without colour, none at all */
		for (size_t i = at; i < vout->n; i++) {
			unsigned char c = (unsigned char)vout->d[i];

			nl += c == '\n';
			check(c == '\n' || (c >= 0x20 && c != 0x7f));
		}
		check(nl == want && (nl == 0 || vout->d[vout->n - 1] == '\n'));
	}
	export(cout, o);
	cJSON_Delete(o);
}

/* The first `max` whole lines of `f` shown. */
static void show_file(const struct file *f, unsigned long max)
{
	struct view views[4];
	struct sink vout, cout;
	const char *p = f->d, *end = f->d + f->n, *nl;

	sink_open(&vout);
	sink_open(&cout);
	for (int m = ONLY_ALL; m <= ONLY_NET; m++) {
		view_init(&views[m], vout.f, (enum view_only)m);
		views[m].colour = false;
	}
	for (; max > 0 && (nl = memchr(p, '\n', (size_t)(end - p))); max--, p = nl + 1)
		show(p, (size_t)(nl - p), views, &vout, &cout);
	sink_close(&vout);
	sink_close(&cout);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int log_fd = -1, ledger_fd = -1;
	struct file log, ledger = { 0 };
	struct log_check lr;
	struct ledger_check lc;
	struct err e;
	const char *src = (const char *)data + 1, *nul;
	char path[64];
	size_t n, copy_lines = 0;

	if (size == 0)
		return 0;
	if (ncolumns == 0)
		read_header();
	n = size - 1;
	nul = memchr(src, '\0', n);
	if (nul)
		n = (size_t)(nul - src);
	for (size_t i = 0; i < n; i++)
		copy_lines += src[i] == '\n';

	build(src, n, (data[0] >> 4) + 1, data[0] & 1 ? "s1" : NULL, &log);
	check(verify_log(load(&log_fd, &log, false), "s1", &lr, &e) == 0);
	check_chain(&lr, &log, false);

	if (nul) {
		build(nul + 1, size - 1 - n - 1, 1, data[0] & 2 ? "ledger" : NULL, &ledger);
		(void)load(&ledger_fd, &ledger, true);
		snprintf(path, sizeof(path), "%s", ledger_file);
	} else {
		snprintf(path, sizeof(path), "/nonexistent/ledger.jsonl"); /* missing: empty */
	}
	check(verify_ledger(path, &lc, &e) == 0);
	if (nul)
		check_chain(&lc.chain, &ledger, true);
	else
		check(lc.n == 0 && lc.chain.records == 0);
	check_ledger(&lc);

	check_session(log_fd, lc.n ? &lc.v[0] : NULL, true, &lr);
	check_session(log_fd, lc.n ? &lc.v[0] : NULL, false, &lr);
	ledger_check_free(&lc);

	show_file(&log, copy_lines);
	if (nul)
		show_file(&ledger, ledger.lines);
	free(log.d);
	free(ledger.d);
	return 0;
}
