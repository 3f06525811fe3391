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

#include "../common/xalloc.h"
#include "chain.h"
#include "ledger.h"
#include "record.h"
#include "redact.h"

extern char **environ;

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
	char *dir = session_dir(state_dir, e);
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
	l->fd = open(l->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (l->fd < 0) {
		err_sys(e, "audit: cannot create '%s'", l->path);
		goto fail;
	}
	/* held while latch runs: `latch audit verify` tells running from killed */
	if (flock(l->fd, LOCK_EX) < 0) {
		err_sys(e, "audit: cannot lock '%s'", l->path);
		goto fail;
	}
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

const char *audit_dir(const struct audit_log *l)
{
	return l->state;
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

/* One line, sealed (chain.h), one write: never interleaved with another
 * record. */
static void emit(struct audit_log *l, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	size_t n = s ? strlen(s) : 0;

	cJSON_Delete(o);
	if (s == NULL)
		abort(); /* out of memory in cJSON */
	if (l->cap < n + CHAIN_MEMBER_LEN + 1) {
		l->cap = 2 * (n + CHAIN_MEMBER_LEN + 1);
		l->buf = xrealloc(l->buf, l->cap);
	}
	n = chain_seal(&l->chain, s, n, l->buf);
	if (write(l->fd, l->buf, n) != (ssize_t)n && !l->failed) {
		dprintf(2, "latch: audit: cannot write '%s': %s\n", l->path, strerror(errno));
		l->failed = true;
	}
	pthread_mutex_unlock(&l->mu);
	free(s);
}

static cJSON *argv_array(const struct audit_log *l, char *const *argv, size_t argc)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < argc; i++) {
		char *r = redact_word(i ? argv[i - 1] : NULL, argv[i], &l->secrets);

		cJSON_AddItemToArray(a, cJSON_CreateString(r ? r : argv[i]));
		free(r);
	}
	return a;
}

static void add_string_or_null(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

void audit_start(struct audit_log *l, const char *profile, const char *workdir,
		 char *const *argv, bool monitor, cJSON *plan)
{
	cJSON *o = record(l, "start");
	size_t argc = 0;

	while (argv[argc])
		argc++;
	cJSON_AddStringToObject(o, "version", LATCH_VERSION);
	add_string_or_null(o, "profile", profile);
	add_string_or_null(o, "workdir", workdir);
	cJSON_AddItemToObject(o, "command", argv_array(l, argv, argc));
	cJSON_AddBoolToObject(o, "monitor", monitor);
	if (plan)
		cJSON_AddItemToObject(o, "plan", plan);
	emit(l, o);
}

void audit_exec(struct audit_log *l, const struct audit_exec *ev)
{
	cJSON *o = record(l, "exec");

	cJSON_AddNumberToObject(o, "pid", ev->pid);
	cJSON_AddNumberToObject(o, "ppid", ev->ppid);
	add_string_or_null(o, "exe", ev->exe);
	cJSON_AddItemToObject(o, "argv", argv_array(l, ev->argv, ev->argc));
	cJSON_AddStringToObject(o, "cwd", ev->cwd);
	cJSON_AddStringToObject(o, "decision", ev->decision);
	add_string_or_null(o, "rule", ev->rule);
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

	cJSON_AddNumberToObject(o, "status", status);
	cJSON_AddNumberToObject(o, "allowed", (double)allowed);
	cJSON_AddNumberToObject(o, "refused", (double)refused);
	cJSON_AddNumberToObject(o, "net_allowed", (double)l->net_allowed);
	cJSON_AddNumberToObject(o, "net_refused", (double)l->net_refused);
	emit(l, o);
}

void audit_net(struct audit_log *l, const struct audit_net *ev)
{
	cJSON *o = record(l, "net");

	cJSON_AddStringToObject(o, "kind", ev->kind);
	if (ev->route)
		cJSON_AddStringToObject(o, "route", ev->route);
	add_string_or_null(o, "host", ev->host);
	cJSON_AddNumberToObject(o, "port", ev->port);
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
		cJSON_AddNumberToObject(o, "status", ev->status);
	if (ev->address)
		cJSON_AddStringToObject(o, "address", ev->address);
	emit(l, o);
}

void audit_net_end(struct audit_log *l, const char *host, unsigned port,
		   uint64_t up, uint64_t down)
{
	cJSON *o = record(l, "net_end");

	cJSON_AddStringToObject(o, "host", host);
	cJSON_AddNumberToObject(o, "port", port);
	cJSON_AddNumberToObject(o, "bytes_up", (double)up);
	cJSON_AddNumberToObject(o, "bytes_down", (double)down);
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
		cJSON_AddNumberToObject(o, "files", (double)ev->files);
		cJSON_AddNumberToObject(o, "bytes", (double)ev->bytes);
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
	add_string_or_null(o, "undo", ev->undo);
	cJSON_AddNumberToObject(o, "paths", (double)ev->paths);
	cJSON_AddNumberToObject(o, "written", (double)ev->written);
	cJSON_AddNumberToObject(o, "deleted", (double)ev->deleted);
	cJSON_AddNumberToObject(o, "failed", (double)ev->failed);
	if (ev->error)
		cJSON_AddStringToObject(o, "error", ev->error);
	emit(l, o);
}
