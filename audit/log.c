/* log.c — the session's audit log, JSON lines. */
#include "log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "redact.h"

struct audit_log {
	int fd;
	pthread_mutex_t mu;  /* the judge's and the proxy's threads log too */
	unsigned long seq;
	char *path;
	char *id;
};

static void utc_now(char *buf, size_t n, bool compact)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (compact) {
		strftime(buf, n, "%Y%m%dT%H%M%SZ", &tm);
	} else {
		char base[32];

		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf, n, "%s.%03ldZ", base, ts.tv_nsec / 1000000L);
	}
}

struct audit_log *audit_open(const char *state_dir, struct err *e)
{
	char stamp[32];
	char *sessions = xasprintf("%s/sessions", state_dir), *dir;
	struct audit_log *l;
	int fd;

	utc_now(stamp, sizeof(stamp), true);
	dir = xasprintf("%s/%s-%d", sessions, stamp, (int)getpid());
	if ((mkdir(sessions, 0700) < 0 && errno != EEXIST) ||
	    mkdir(dir, 0700) < 0) {
		err_sys(e, "audit: cannot create the session directory '%s'", dir);
		free(sessions);
		free(dir);
		return NULL;
	}
	free(sessions);
	l = xcalloc(1, sizeof(*l));
	l->path = xasprintf("%s/events.jsonl", dir);
	l->id = xstrdup(strrchr(dir, '/') + 1);
	free(dir);
	fd = open(l->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		err_sys(e, "audit: cannot create '%s'", l->path);
		free(l->path);
		free(l->id);
		free(l);
		return NULL;
	}
	l->fd = fd;
	pthread_mutex_init(&l->mu, NULL);
	return l;
}

const char *audit_path(const struct audit_log *l)
{
	return l->path;
}

const char *audit_id(const struct audit_log *l)
{
	return l->id;
}

void audit_close(struct audit_log *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	pthread_mutex_destroy(&l->mu);
	free(l->path);
	free(l->id);
	free(l);
}

/* A record's first fields; the log is held until emit() writes it, so
 * that records are numbered in the order they are written. */
static cJSON *record(struct audit_log *l, const char *event)
{
	cJSON *o = cJSON_CreateObject();
	char now[48];

	pthread_mutex_lock(&l->mu);
	utc_now(now, sizeof(now), false);
	cJSON_AddNumberToObject(o, "seq", (double)++l->seq);
	cJSON_AddStringToObject(o, "time", now);
	cJSON_AddStringToObject(o, "event", event);
	return o;
}

/* One line, one write: never interleaved with another record. */
static void emit(struct audit_log *l, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	size_t n;

	cJSON_Delete(o);
	if (s != NULL) {
		n = strlen(s);
		s[n] = '\n'; /* replaces the NUL: written with its length */
		if (write(l->fd, s, n + 1) != (ssize_t)(n + 1))
			dprintf(2, "latch: audit: cannot write '%s': %s\n", l->path,
				strerror(errno));
	}
	pthread_mutex_unlock(&l->mu);
	free(s);
}

static cJSON *argv_array(char *const *argv, size_t argc)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < argc; i++) {
		char *r = redact_word(i ? argv[i - 1] : NULL, argv[i]);

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
		 char *const *argv, bool monitor)
{
	cJSON *o = record(l, "start");
	size_t argc = 0;

	while (argv[argc])
		argc++;
	cJSON_AddStringToObject(o, "version", LATCH_VERSION);
	cJSON_AddStringToObject(o, "profile", profile);
	add_string_or_null(o, "workdir", workdir);
	cJSON_AddItemToObject(o, "command", argv_array(argv, argc));
	cJSON_AddBoolToObject(o, "monitor", monitor);
	emit(l, o);
}

void audit_exec(struct audit_log *l, const struct audit_exec *ev)
{
	cJSON *o = record(l, "exec");

	cJSON_AddNumberToObject(o, "pid", ev->pid);
	cJSON_AddNumberToObject(o, "ppid", ev->ppid);
	add_string_or_null(o, "exe", ev->exe);
	cJSON_AddItemToObject(o, "argv", argv_array(ev->argv, ev->argc));
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
