/* cmd_rollback.c — `latch snapshot` and `latch rollback list|show|diff|restore|verify|prune`:
 * the workspace snapshots (rollback/). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/amount.h"
#include "../common/strv.h"
#include "../common/xalloc.h"
#include "../rollback/diff.h"
#include "../rollback/prune.h"
#include "../rollback/restore.h"
#include "../rollback/snapshot.h"
#include "cmd.h"
#include "plan.h"
#include "progress.h"
#include "resolve.h"
#include "session_log.h"
#include "snaplog.h"

struct rb_opts {
	struct strv command;    /* latch's argv, for the audit log */
	const char *workdir;
	struct strv paths;
	struct prune_opts prune;
	bool dry_run, json, help;
	char **rest;
	int n_rest;
};

static void rb_opts_free(struct rb_opts *o)
{
	strv_free(&o->paths);
	strv_free(&o->command);
}

/* A command that changes the workspace outside any session is a session
 * of its own in the audit trail (audit/log.h). */
static int own_session(struct session_log *sl, const struct rb_opts *o,
		       const char *workdir)
{
	if (session_log_open(sl) < 0)
		return -1;
	audit_start(sl->log, NULL, workdir, o->command.v, false, NULL);
	return 0;
}

static void own_session_end(struct session_log *sl, int rc)
{
	if (sl->log)
		audit_end(sl->log, rc, 0, 0);
	session_log_close(sl);
}

/* --keep N, --max-size SIZE[KMG], --older-than DAYS. */
static int prune_value(struct prune_opts *p, int opt, const char *v)
{
	uint64_t n;
	char *end;

	if (opt == 'o') {
		p->older_than_days = strtod(v, &end);
		return end != v && *end == '\0' && p->older_than_days > 0 &&
		       p->older_than_days <= 1e15 ? 0 : -1;
	}
	if (amount_parse(v, opt == 'm', &n) < 0)
		return -1;
	if (opt == 'k')
		p->keep = (long)n;
	else
		p->max_size = n;
	return 0;
}

static int parse(struct rb_opts *o, int argc, char **argv, const char *cmd)
{
	static const struct option longs[] = {
		{ "workdir", required_argument, NULL, 'w' },
		{ "path", required_argument, NULL, 'P' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "keep", required_argument, NULL, 'k' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "older-than", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	strv_push(&o->command, "latch");
	if (strcmp(cmd, "snapshot") != 0)
		strv_push(&o->command, cmd);
	for (int i = 0; i < argc; i++)
		strv_push(&o->command, argv[i]);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "w:h", longs, NULL)) != -1) {
		switch (c) {
		case 'w': o->workdir = optarg; break;
		case 'P': strv_push(&o->paths, optarg); break;
		case 'n': o->dry_run = true; break;
		case 'j': o->json = true; break;
		case 'h': o->help = true; break;
		case 'k': case 'm': case 'o':
			if (prune_value(&o->prune, c, optarg) < 0) {
				fprintf(stderr, "latch %s: --%s %s: %s\n", cmd,
					c == 'k' ? "keep" : c == 'm' ? "max-size" : "older-than",
					optarg, c == 'k' ? "a number of snapshots (at least 1)"
					: c == 'm' ? "a size such as 500M or 2G"
					: "a number of days");
				rb_opts_free(o);
				return -1;
			}
			break;
		default:
			fprintf(stderr, "latch %s: unknown option '%s' (see 'latch %s --help')\n",
				cmd, argv[optind - 1], cmd);
			rb_opts_free(o);
			return -1;
		}
	}
	o->rest = argv + optind;
	o->n_rest = argc - optind;
	return 0;
}

static int open_store(struct objstore *s)
{
	char *state = plan_state_dir();
	struct err e;
	int rc = plan_ensure_own_dirs(&e);

	if (rc == 0)
		rc = objstore_open(s, state, &e);

	free(state);
	if (rc < 0)
		die_msg(e.msg);
	return rc;
}

/* The canonical workspace: --workdir, else the current directory. */
static char *workspace(const char *given)
{
	char *w = realpath(given ? given : ".", NULL);

	if (w == NULL)
		fprintf(stderr, "latch: the workspace '%s' cannot be resolved: %m\n",
			given ? given : ".");
	return w;
}

static void report_snapshot(const char *what, const struct snap_result *r)
{
	if (r->unchanged && strcmp(what, "snapshot") != 0) /* before a restore */
		fprintf(stderr, "latch: before restoring: the workspace is already as snapshot %s holds it"
			" (%" PRIu64 " files, %.1f MB, %" PRIu64 " read), no new one taken, %.0f ms\n",
			r->id, r->files, (double)r->bytes / 1e6, r->read, r->ms);
	else if (r->unchanged)
		fprintf(stderr, "latch: %s %s: the workspace is as this snapshot holds it (%" PRIu64
			" files, %.1f MB, %" PRIu64 " read), no new one taken, %.0f ms\n",
			what, r->id, r->files, (double)r->bytes / 1e6, r->read, r->ms);
	else
		fprintf(stderr, "latch: %s %s: %" PRIu64 " files, %.1f MB (%" PRIu64
			" read, %" PRIu64 " new objects), %.0f ms\n",
			what, r->id, r->files, (double)r->bytes / 1e6, r->read, r->added,
			r->ms);
	snapshot_warn_skipped(r);
}

static int take(struct objstore *s, const char *workdir, const char *trigger,
		const struct manifest *like, const char *what, char *id,
		struct audit_log *log)
{
	struct progress pr;
	struct snap_opts so = { .workdir = workdir, .trigger = trigger,
				.exclude = like ? &like->exclude : NULL,
				.include = like ? &like->include : NULL,
				.progress = progress_files, .progress_ctx = &pr };
	struct snap_result r = { 0 };
	struct err e;
	int rc;

	progress_start(&pr);
	rc = snapshot_take(s, &so, &r, &e);
	progress_end(&pr);
	snaplog(log, &so, rc == 0 ? &r : NULL, e.msg);

	if (rc < 0)
		die_msg(e.msg);
	else
		report_snapshot(what, &r);
	if (rc == 0 && id)
		snprintf(id, 64, "%s", r.id);
	snap_result_free(&r);
	return rc;
}

int cmd_snapshot(int argc, char **argv)
{
	struct rb_opts o;
	struct objstore s;
	char *w;
	int rc = EXIT_LATCH;

	if (parse(&o, argc, argv, "snapshot") < 0)
		return EXIT_LATCH;
	if (o.help || o.n_rest) {
		usage(o.help ? stdout : stderr, "snapshot");
		rb_opts_free(&o);
		return o.help ? 0 : EXIT_LATCH;
	}
	if (getenv("LATCH_SESSION")) {
		/* inside a session the store is hidden: latch's supervisor
		 * took the snapshot before this command could run */
		const char *on = getenv("LATCH_SNAPSHOTS");
		bool taken = on && strcmp(on, "1") == 0;

		if (taken)
			fprintf(stderr, "latch: snapshot taken by the session's supervisor (see 'latch rollback list' outside the sandbox)\n");
		else
			fprintf(stderr, "latch: this session takes no snapshots (its profile has no 'snapshots: true')\n");
		rb_opts_free(&o);
		return taken ? 0 : EXIT_LATCH;
	}
	if ((w = workspace(o.workdir)) != NULL && open_store(&s) == 0) {
		struct session_log sl = { 0 };

		if (own_session(&sl, &o, w) == 0)
			rc = take(&s, w, "manual", NULL, "snapshot", NULL, sl.log) == 0 ? 0 : EXIT_LATCH;
		own_session_end(&sl, rc);
		objstore_close(&s);
	}
	free(w);
	rb_opts_free(&o);
	return rc;
}

/* ---- rollback ---- */


static int read_snapshot(const struct objstore *s, const char *id,
			 struct manifest *m, int header_only)
{
	char *path;
	struct err e;
	int rc;

	if (id[0] == '\0' || strchr(id, '/') || id[0] == '.') {
		fprintf(stderr, "latch rollback: no snapshot '%s' (see 'latch rollback list')\n", id);
		return -1;
	}
	path = objstore_snapshot(s, id);
	if (access(path, F_OK) < 0) {
		fprintf(stderr, "latch rollback: no snapshot '%s' (see 'latch rollback list')\n", id);
		free(path);
		return -1;
	}
	rc = manifest_read(path, m, header_only, &e);
	free(path);
	if (rc < 0)
		die_msg(e.msg);
	return rc;
}

static int list(const struct objstore *s, bool json)
{
	struct strv ids = { 0 };
	cJSON *arr = json ? cJSON_CreateArray() : NULL;

	objstore_snapshot_ids(s, &ids, NULL);
	if (!json)
		printf("%-30s %-24s %-8s %8s %10s  %s\n", "ID", "TIME", "TRIGGER",
		       "FILES", "MB", "WORKDIR");
	for (size_t i = 0; i < ids.n; i++) {
		struct manifest m = { 0 };
		uint64_t files, bytes;

		if (read_snapshot(s, ids.v[i], &m, 0) < 0)
			continue;
		manifest_totals(&m, &files, &bytes);
		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "id", ids.v[i]);
			cJSON_AddStringToObject(o, "time", m.time ? m.time : "");
			cJSON_AddStringToObject(o, "trigger", m.trigger ? m.trigger : "");
			cJSON_AddStringToObject(o, "workdir", m.workdir);
			cJSON_AddNumberToObject(o, "files", (double)files);
			cJSON_AddNumberToObject(o, "bytes", (double)bytes);
			cJSON_AddNumberToObject(o, "skipped", (double)m.skipped);
			cJSON_AddItemToArray(arr, o);
		} else {
			printf("%-30s %-24s %-8s %8" PRIu64 " %10.1f  %s\n", ids.v[i],
			       m.time ? m.time : "?", m.trigger ? m.trigger : "?",
			       files, (double)bytes / 1e6, m.workdir);
		}
		manifest_free(&m);
	}
	if (json) {
		char *text = cJSON_Print(arr);

		puts(text);
		free(text);
		cJSON_Delete(arr);
	}
	strv_free(&ids);
	return 0;
}

/* --path P as the snapshot's relative path; NULL (said) if outside it. */
static char *relative(const char *workdir, const char *p)
{
	char cwd[PATH_MAX];
	char *abs = p[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL
		  ? xstrdup(p) : xjoin(cwd, "/", p);
	enum path_state st;
	char *real = resolve_real(abs, &st, NULL), *rel = NULL;
	size_t n = strlen(workdir);

	if (real && strncmp(real, workdir, n) == 0 && real[n] == '/')
		rel = xstrdup(real + n + 1);
	else
		fprintf(stderr, "latch rollback: --path %s is not inside the snapshot's workspace %s\n",
			p, workdir);
	free(real);
	free(abs);
	return rel;
}

/* A change as a line: "verb     path" (control characters escaped). */
static void print_change(void *ctx, const char *verb, const char *path)
{
	(void)ctx;
	printf("%-8s ", verb);
	fput_word(stdout, path);
	putchar('\n');
}

/* A change as {"change": verb, "path": path} in the array `ctx`. */
static void json_change(void *ctx, const char *verb, const char *path)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "change", verb);
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddItemToArray(ctx, o);
}

/* How the workspace differs from snapshot `id`. */
static int show(struct objstore *s, const char *id, const struct rb_opts *o)
{
	struct manifest m = { 0 };
	cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
	struct restore_opts ro = { .show = true,
				   .each = o->json ? json_change : print_change,
				   .ctx = arr };
	struct restore_result r = { 0 };
	struct err e;
	int rc = 0;

	if (read_snapshot(s, id, &m, 0) < 0) {
		cJSON_Delete(arr);
		return EXIT_LATCH;
	}
	if (objstore_lock(s, false, &e) < 0 || restore_run(s, &m, &ro, &r, &e) < 0) {
		die_msg(e.msg);
		rc = EXIT_LATCH;
	} else if (arr) {
		char *text = cJSON_Print(arr);

		puts(text);
		free(text);
	}
	cJSON_Delete(arr);
	manifest_free(&m);
	return rc;
}

/* A unified diff of the workspace against snapshot `id`: exit 0 when
 * nothing differs, 1 when something does (as diff(1)). */
static int diff(struct objstore *s, const char *id, const char *path)
{
	struct manifest m = { 0 };
	struct strv rel = { 0 };
	struct err e;
	int rc = EXIT_LATCH;
	char *p;

	if (read_snapshot(s, id, &m, 0) < 0)
		return EXIT_LATCH;
	if (path && (p = relative(m.workdir, path)) == NULL)
		goto out;
	if (path)
		strv_push_owned(&rel, p);
	rc = objstore_lock(s, false, &e) < 0 ? -1 : diff_run(s, &m, &rel, stdout, &e);
	if (rc < 0) {
		die_msg(e.msg);
		rc = EXIT_LATCH;
	}
out:
	strv_free(&rel);
	manifest_free(&m);
	return rc;
}

static int restore(struct objstore *s, const char *id, struct rb_opts *o)
{
	struct manifest m = { 0 };
	struct strv rel = { 0 };
	struct restore_opts ro = { .paths = &rel, .dry_run = o->dry_run,
				   .each = print_change };
	struct restore_result r = { 0 };
	struct session_log sl = { 0 };
	struct err e = { "" };
	char undo[64] = "";
	int rc = EXIT_LATCH;

	if (read_snapshot(s, id, &m, 0) < 0)
		return EXIT_LATCH;
	for (size_t i = 0; i < o->paths.n; i++) {
		char *p = relative(m.workdir, o->paths.v[i]);

		if (p == NULL)
			goto out;
		strv_push_owned(&rel, p);
	}
	if (!o->dry_run &&
	    (own_session(&sl, o, m.workdir) < 0 ||
	     take(s, m.workdir, "restore", &m, "before restoring, the workspace is snapshot", undo,
		  sl.log) < 0))
		goto out;
	/* a prune waits, so the objects stay (the snapshot above unlocked) */
	if (objstore_lock(s, false, &e) < 0 || restore_run(s, &m, &ro, &r, &e) < 0) {
		die_msg(e.msg);
		goto logged;
	}
	fflush(stdout); /* the changes before the summary */
	if (!o->dry_run)
		fprintf(stderr, "latch: restored %s to %s: %lu files written, %lu deleted, %lu made, %lu modes%s%s\n",
			m.workdir, id, r.written, r.deleted, r.made, r.modes,
			r.failed ? "; FAILED: " : "", r.failed ? "see above" : "");
	if (!o->dry_run)
		fprintf(stderr, "latch: to undo: latch rollback restore %s\n", undo);
	rc = r.failed ? 1 : 0;
logged:
	if (sl.log)
		audit_restore(sl.log, &(struct audit_restore){
			.id = id, .workdir = m.workdir, .undo = undo, .paths = rel.n,
			.written = r.written, .deleted = r.deleted, .failed = r.failed,
			.error = rc == EXIT_LATCH ? e.msg : NULL });
out:
	own_session_end(&sl, rc);
	strv_free(&rel);
	manifest_free(&m);
	return rc;
}

struct object_ref {
	const char *digest, *snapshot, *path;
};

static int by_digest(const void *a, const void *b)
{
	return strcmp(((const struct object_ref *)a)->digest,
		      ((const struct object_ref *)b)->digest);
}

/* Every object of snapshot `id` (or of all) present and intact, each
 * distinct one read once. */
static int verify(struct objstore *s, const char *id)
{
	struct strv ids = { 0 };
	struct manifest *ms;
	struct object_ref *refs = NULL;
	size_t n = 0, cap = 0, objects = 0;
	unsigned long bad = 0;

	if (id)
		strv_push(&ids, id);
	else
		objstore_snapshot_ids(s, &ids, NULL);
	ms = xcalloc(ids.n + 1, sizeof(*ms));
	for (size_t i = 0; i < ids.n; i++) {
		if (read_snapshot(s, ids.v[i], &ms[i], 0) < 0) {
			bad++;
			continue;
		}
		for (size_t k = 0; k < ms[i].n; k++) {
			if (ms[i].v[k].type != 'f')
				continue;
			if (n == cap)
				refs = xrealloc(refs, (cap = cap ? 2 * cap : 1024) * sizeof(*refs));
			refs[n++] = (struct object_ref){ ms[i].v[k].digest, ids.v[i],
							 ms[i].v[k].path };
		}
	}
	if (n)
		qsort(refs, n, sizeof(*refs), by_digest);
	for (size_t k = 0; k < n; k++) {
		struct err e;

		if (k && strcmp(refs[k].digest, refs[k - 1].digest) == 0)
			continue;
		objects++;
		if (objstore_check(s, refs[k].digest, &e) < 0) {
			printf("%s: ", refs[k].snapshot);
			fput_word(stdout, refs[k].path);
			printf(": %s\n", e.msg);
			bad++;
		}
	}
	printf("%zu snapshots, %zu objects checked, %lu problems\n", ids.n,
	       objects, bad);
	for (size_t i = 0; i < ids.n; i++)
		manifest_free(&ms[i]);
	free(ms);
	free(refs);
	strv_free(&ids);
	return bad ? 1 : 0;
}

/* Dropping snapshots is a session of its own in the audit trail: what
 * restores could go back to changes. */
static int prune(struct objstore *s, const struct rb_opts *o)
{
	const struct prune_opts *p = &o->prune;
	struct prune_result r = { 0 };
	struct session_log sl = { 0 };
	struct err e;
	int rc = EXIT_LATCH;

	if (p->keep == 0 && p->older_than_days == 0 && p->max_size == 0) {
		fprintf(stderr, "latch rollback: prune needs --keep N, --max-size SIZE or --older-than DAYS\n");
		return EXIT_LATCH;
	}
	if (own_session(&sl, o, NULL) < 0)
		return EXIT_LATCH;
	if (prune_run(s, p, &r, &e) < 0) {
		die_msg(e.msg);
	} else {
		printf("%lu snapshots deleted, %lu kept; %lu objects deleted (%.1f MB freed)\n",
		       r.snapshots, r.kept, r.objects, (double)r.bytes / 1e6);
		rc = 0;
	}
	audit_prune(sl.log, &(struct audit_prune){ .snapshots = r.snapshots, .kept = r.kept,
		    .objects = r.objects, .bytes = r.bytes, .error = rc ? e.msg : NULL });
	own_session_end(&sl, rc);
	return rc;
}

int cmd_rollback(int argc, char **argv)
{
	struct rb_opts o;
	struct objstore s;
	const char *sub = argc > 1 ? argv[1] : NULL;
	int rc = EXIT_LATCH;

	if (sub == NULL || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		usage(sub ? stdout : stderr, "rollback");
		return sub ? 0 : EXIT_LATCH;
	}
	if (parse(&o, argc - 1, argv + 1, "rollback") < 0)
		return EXIT_LATCH;
	if (o.help) {
		usage(stdout, "rollback");
		rc = 0;
	} else if (open_store(&s) < 0) {
		rc = EXIT_LATCH;
	} else {
		if (!strcmp(sub, "list") && o.n_rest == 0)
			rc = list(&s, o.json);
		else if (!strcmp(sub, "diff") && (o.n_rest == 1 || o.n_rest == 2))
			rc = diff(&s, o.rest[0], o.n_rest == 2 ? o.rest[1] : NULL);
		else if (!strcmp(sub, "show") && o.n_rest == 1)
			rc = show(&s, o.rest[0], &o);
		else if (!strcmp(sub, "restore") && o.n_rest == 1)
			rc = restore(&s, o.rest[0], &o);
		else if (!strcmp(sub, "prune") && o.n_rest == 0)
			rc = prune(&s, &o);
		else if (!strcmp(sub, "verify") && o.n_rest <= 1)
			rc = verify(&s, o.n_rest ? o.rest[0] : NULL);
		else
			fprintf(stderr, "latch rollback: expected 'list', 'show ID', 'diff ID [PATH]', 'restore ID', 'verify [ID]' or 'prune' (see 'latch rollback --help')\n");
		objstore_close(&s);
	}
	rb_opts_free(&o);
	return rc;
}
