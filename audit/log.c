/* log.c — the session's audit log, JSON lines. */
#include "log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/fdio.h"
#include "../common/xalloc.h"
#include "chain.h"
#include "ledger.h"
#include "record.h"
#include "redact.h"

extern char **environ;

#define RECORD_BUF_MIN 4096
#define ARGV_LOG_MAX (64u << 10) /* bytes of argv a record holds */

struct audit_log {
	int fd;
	pthread_mutex_t mu;  /* the judge's and the proxy's threads log too */
	unsigned long seq;
	unsigned long net_allowed, net_refused;
	struct chain chain;
	char *buf;           /* the sealed line */
	size_t cap;
	struct strv secrets; /* the environment's secret values (redact.h) */
	struct sign_key *key;
	char *state, *path, *id;
	bool failed;         /* a write failed: said once */
};

/* The session's directory, ID = UTC time + pid (unique: one per latch). */
static char *session_dir(const char *state_dir, struct err *e)
{
	char stamp[32];
	char *sessions = xasprintf("%s/sessions", state_dir), *dir;

	record_time(stamp, sizeof(stamp), true);
	dir = xasprintf("%s/%s-%d", sessions, stamp, (int)getpid());
	if ((mkdir(sessions, 0700) < 0 && errno != EEXIST) || mkdir(dir, 0700) < 0) {
		err_sys(e, "audit: cannot create the session directory '%s'", dir);
		free(dir);
		dir = NULL;
	}
	free(sessions);
	return dir;
}

struct audit_log *audit_open(const char *state_dir, struct sign_key *key,
			     struct err *e)
{
	char *dir = session_dir(state_dir, e), *tmp;
	struct audit_log *l;

	if (dir == NULL)
		return NULL;
	l = xcalloc(1, sizeof(*l));
	l->fd = -1;
	l->key = key;
	l->state = xstrdup(state_dir);
	l->path = xasprintf("%s/events.jsonl", dir);
	l->id = xstrdup(strrchr(dir, '/') + 1);
	free(dir);
	pthread_mutex_init(&l->mu, NULL);
	redact_env_values(environ, &l->secrets);
	if (chain_init(&l->chain, l->id, e) < 0)
		goto fail;
	/* made aside, locked, then named: no reader sees it unlocked while
	 * latch runs (the lock tells `latch audit verify` running from killed) */
	tmp = xasprintf("%s.new", l->path);
	l->fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (l->fd < 0 || flock(l->fd, LOCK_EX) < 0 || rename(tmp, l->path) < 0) {
		err_sys(e, "audit: cannot create '%s'", l->path);
		unlink(tmp);
		free(tmp);
		goto fail;
	}
	free(tmp);
	if (ledger_begin(state_dir, l->id, e) < 0)
		goto fail;
	return l;
fail:
	l->seq = ~0UL; /* no ledger end: it was not begun */
	if (l->fd >= 0) {
		unlink(l->path);
		*strrchr(l->path, '/') = '\0';
		rmdir(l->path);
	}
	audit_close(l);
	return NULL;
}

const char *audit_path(const struct audit_log *l)
{
	return l->path;
}

const char *audit_id(const struct audit_log *l)
{
	return l->id;
}

bool audit_failed(struct audit_log *l)
{
	bool failed;

	pthread_mutex_lock(&l->mu);
	failed = l->failed;
	pthread_mutex_unlock(&l->mu);
	return failed;
}

const struct strv *audit_secrets(const struct audit_log *l)
{
	return &l->secrets;
}

void audit_close(struct audit_log *l)
{
	struct err e;

	if (l == NULL)
		return;
	if (l->seq != ~0UL &&
	    ledger_end(l->state, l->id, l->seq, l->chain.head, l->key, &e) < 0)
		fprintf(stderr, "latch: %s\n", e.msg);
	if (l->fd >= 0)
		close(l->fd);
	chain_free(&l->chain);
	pthread_mutex_destroy(&l->mu);
	strv_free(&l->secrets);
	free(l->buf);
	free(l->state);
	free(l->path);
	free(l->id);
	free(l);
}

/* A record's first fields; the log is held until emit() writes it, so
 * that records are numbered in the order they are written. */
static cJSON *record(struct audit_log *l, const char *event)
{
	pthread_mutex_lock(&l->mu);
	return record_new(++l->seq, event);
}

/* One line, sealed (chain.h), one write (fd_write_all: through EINTR, on
 * after a short one), under the log's lock: never interleaved with another
 * record. */
static void emit(struct audit_log *l, cJSON *o)
{
	size_t n;

	/* printed into the line's own buffer, room left for the chain member
	 * (and cJSON's 5 bytes of margin); grown until it fits */
	while (l->cap < RECORD_BUF_MIN ||
	       !cJSON_PrintPreallocated(o, l->buf, (int)(l->cap - CHAIN_MEMBER_LEN - 1), false)) {
		l->cap = l->cap ? 2 * l->cap : RECORD_BUF_MIN;
		l->buf = xrealloc(l->buf, l->cap);
	}
	cJSON_Delete(o);
	n = chain_seal(&l->chain, l->buf, strlen(l->buf), l->buf);
	if (fd_write_all(l->fd, l->buf, n) < 0 && !l->failed) {
		dprintf(2, "latch: audit: cannot write '%s': %s; from now on every exec and request"
			" of the session is refused\n", l->path, strerror(errno));
		l->failed = true;
	}
	pthread_mutex_unlock(&l->mu);
}

/* The SHA-256 of argv, its words NUL-terminated, for a record that logs
 * only the first ARGV_LOG_MAX bytes of them. */
static void argv_digest(char *const *argv, size_t argc, char hex[SHA256_HEX])
{
	struct err e;
	struct sha256 *s = sha256_new(&e);

	if (s == NULL) { /* the chain loaded libcrypto already: not reached */
		snprintf(hex, SHA256_HEX, "?");
		return;
	}
	for (size_t i = 0; i < argc; i++)
		sha256_update(s, argv[i], strlen(argv[i]) + 1);
	sha256_hex(s, hex);
	sha256_free(s);
}

/* argv, redacted, its words cut past ARGV_LOG_MAX bytes in all (a record
 * stays far below what readers take, lines.h): then the record says so,
 * with the digest of the whole. */
static cJSON *argv_array(const struct audit_log *l, cJSON *o, const char *key,
			 char *const *argv, size_t argc)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	size_t budget = ARGV_LOG_MAX, i;
	bool cut = false;

	for (i = 0; i < argc && budget > 0; i++) {
		char *r = redact_word(i ? argv[i - 1] : NULL, argv[i], &l->secrets);
		const char *w = r ? r : argv[i];
		size_t n = strlen(w);

		if (n > budget) {
			char *part = xstrndup(w, budget);

			cJSON_AddItemToArray(a, cJSON_CreateString(part));
			free(part);
			n = budget;
			cut = true;
		} else {
			cJSON_AddItemToArray(a, cJSON_CreateString(w));
		}
		budget -= n;
		free(r);
	}
	if (cut || i < argc) {
		char hex[SHA256_HEX];

		argv_digest(argv, argc, hex);
		cJSON_AddBoolToObject(o, "argv_truncated", true);
		cJSON_AddStringToObject(o, "argv_sha256", hex);
	}
	return a;
}

void audit_start(struct audit_log *l, const char *profile, const char *workdir,
		 char *const *argv, bool monitor, cJSON *plan)
{
	cJSON *o = record(l, "start");
	size_t argc = 0;

	while (argv[argc])
		argc++;
	cJSON_AddStringToObject(o, "version", LATCH_VERSION);
	record_str(o, "profile", profile);
	record_str(o, "workdir", workdir);
	argv_array(l, o, "command", argv, argc);
	cJSON_AddBoolToObject(o, "monitor", monitor);
	if (plan)
		cJSON_AddItemToObject(o, "plan", plan);
	emit(l, o);
}

void audit_exec(struct audit_log *l, const struct audit_exec *ev)
{
	cJSON *o = record(l, "exec");

	record_int(o, "pid", (long long)ev->pid);
	record_int(o, "ppid", (long long)ev->ppid);
	record_str(o, "exe", ev->exe);
	argv_array(l, o, "argv", ev->argv, ev->argc);
	cJSON_AddStringToObject(o, "cwd", ev->cwd);
	cJSON_AddStringToObject(o, "decision", ev->decision);
	record_str(o, "rule", ev->rule);
	if (ev->reason)
		cJSON_AddStringToObject(o, "reason", ev->reason);
	if (ev->answer)
		cJSON_AddStringToObject(o, "answer", ev->answer);
	if (ev->snapshot)
		cJSON_AddStringToObject(o, "snapshot", ev->snapshot);
	cJSON_AddBoolToObject(o, "enforced", ev->enforced);
	if (ev->shim)
		cJSON_AddBoolToObject(o, "shim", true);
	emit(l, o);
}

void audit_end(struct audit_log *l, int status, unsigned long allowed,
	       unsigned long refused)
{
	cJSON *o = record(l, "end");

	record_int(o, "status", (long long)status);
	record_int(o, "allowed", (long long)allowed);
	record_int(o, "refused", (long long)refused);
	record_int(o, "net_allowed", (long long)l->net_allowed);
	record_int(o, "net_refused", (long long)l->net_refused);
	emit(l, o);
}

void audit_net(struct audit_log *l, const struct audit_net *ev)
{
	cJSON *o = record(l, "net");

	cJSON_AddStringToObject(o, "kind", ev->kind);
	if (ev->route)
		cJSON_AddStringToObject(o, "route", ev->route);
	record_str(o, "host", ev->host);
	record_int(o, "port", (long long)ev->port);
	if (ev->path)
		cJSON_AddStringToObject(o, "path", ev->path);
	cJSON_AddStringToObject(o, "decision", ev->decision);
	if (strcmp(ev->decision, "deny") == 0)
		l->net_refused++;
	else
		l->net_allowed++;
	if (ev->reason)
		cJSON_AddStringToObject(o, "reason", ev->reason);
	if (ev->status)
		record_int(o, "status", (long long)ev->status);
	if (ev->address)
		cJSON_AddStringToObject(o, "address", ev->address);
	emit(l, o);
}

void audit_net_end(struct audit_log *l, const char *host, unsigned port,
		   uint64_t up, uint64_t down)
{
	cJSON *o = record(l, "net_end");

	cJSON_AddStringToObject(o, "host", host);
	record_int(o, "port", (long long)port);
	record_int(o, "bytes_up", (long long)up);
	record_int(o, "bytes_down", (long long)down);
	emit(l, o);
}

void audit_snapshot(struct audit_log *l, const struct audit_snapshot *ev)
{
	cJSON *o = record(l, "snapshot");

	cJSON_AddStringToObject(o, "trigger", ev->trigger);
	cJSON_AddStringToObject(o, "workdir", ev->workdir);
	if (ev->id) {
		cJSON_AddStringToObject(o, "id", ev->id);
		cJSON_AddBoolToObject(o, "unchanged", ev->unchanged);
		record_int(o, "files", (long long)ev->files);
		record_int(o, "bytes", (long long)ev->bytes);
		cJSON_AddNumberToObject(o, "ms", ev->ms);
	} else {
		cJSON_AddStringToObject(o, "error", ev->error);
	}
	emit(l, o);
}

void audit_restore(struct audit_log *l, const struct audit_restore *ev)
{
	cJSON *o = record(l, "restore");

	cJSON_AddStringToObject(o, "id", ev->id);
	cJSON_AddStringToObject(o, "workdir", ev->workdir);
	record_str(o, "undo", ev->undo);
	record_int(o, "paths", (long long)ev->paths);
	record_int(o, "written", (long long)ev->written);
	record_int(o, "deleted", (long long)ev->deleted);
	record_int(o, "failed", (long long)ev->failed);
	if (ev->error)
		cJSON_AddStringToObject(o, "error", ev->error);
	emit(l, o);
}

void audit_prune(struct audit_log *l, const struct audit_prune *ev)
{
	cJSON *o = record(l, "prune");

	record_int(o, "snapshots", (long long)ev->snapshots);
	record_int(o, "kept", (long long)ev->kept);
	record_int(o, "objects", (long long)ev->objects);
	record_int(o, "bytes", (long long)ev->bytes);
	if (ev->error)
		cJSON_AddStringToObject(o, "error", ev->error);
	emit(l, o);
}
