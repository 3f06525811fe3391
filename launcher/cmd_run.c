/* cmd_run.c — `latch run` and `latch shell`. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../audit/redact.h"
#include "../common/sha256.h"
#include "../common/xalloc.h"
#include "../policy/access.h"
#include "../policy/envpolicy.h"
#include "../kernel/ns.h"
#include "../rollback/snapshot.h"
#include "cmd.h"
#include "creds.h"
#include "datadir.h"
#include "opts.h"
#include "packs.h"
#include "plan.h"
#include "progress.h"
#include "report.h"
#include "resolve.h"
#include "sandbox.h"
#include "session_log.h"
#include "shims.h"
#include "snaplog.h"
#include "supervise.h"

extern char **environ;

static void print_warnings(const struct plan *pl, const struct sandbox *sb)
{
	const struct capset *cs = &pl->cs;

	for (size_t i = 0; i < pl->created.n; i++)
		fprintf(stderr, "latch: created %s\n", pl->created.v[i]);
	for (size_t i = 0; i < cs->warnings.n; i++)
		fprintf(stderr, "latch: warning: %s\n", cs->warnings.v[i]);
	for (size_t i = 0; i < cs->n_unprotected; i++)
		fprintf(stderr, "latch: notice: sensitive path '%s' is unprotected by %s\n",
			cs->unprotected[i].path, cs->unprotected[i].origin);
	if (sb->rules.restricted.n)
		fprintf(stderr, "latch: notice: %zu protected path(s) do not exist yet; to keep them from being created, new entries are refused directly in %s%s (see --dry-run)\n",
			sb->rules.missing.n, sb->rules.restricted.v[0],
			sb->rules.restricted.n > 1 ? " and a few of its subdirectories" : "");
	for (size_t i = 0; i < sb->gaps.n; i++)
		fprintf(stderr, "latch: best effort: NOT enforced: %s\n",
			sb->gaps.v[i]);
}

/* The proxy of a session, when it has one: the way out (network
 * allowlist) and to the credential routes. */
struct net {
	struct proxy_setup ps;
	struct allowlist allow;
	struct creds cr;
	int listener;   /* latch's own (network open, with routes), else -1 */
	bool on;
};

/* The port of latch's own listener on the host's loopback (network open:
 * the sandbox shares it), for the credential routes. */
static int own_listener(struct net *n, struct err *e)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);

	n->listener = ns_listen(0, e);
	if (n->listener < 0)
		return -1;
	if (getsockname(n->listener, (struct sockaddr *)&a, &len) < 0)
		return err_sys(e, "getsockname (the proxy's listener)");
	return ntohs(a.sin_port);
}

/* The proxy's allowlist, token and routes, and the child's environment
 * pointed at it. */
static int net_setup(struct net *n, const struct plan *pl, const struct sandbox *sb,
		     struct strv *env)
{
	struct err e;
	int port = PROXY_PORT;
	char *url;

	n->listener = -1;
	if (creds_load(&n->cr, &pl->cs, &pl->vs, &e) < 0 ||
	    (!sb->proxy && n->cr.n && (port = own_listener(n, &e)) < 0)) {
		die_msg(e.msg);
		return -1;
	}
	if (!sb->proxy && n->cr.n == 0)
		return 0;
	for (size_t i = 0; i < pl->cs.net_allow.n && pl->cs.net_mode == NET_ALLOWLIST; i++)
		if (allow_add(&n->allow, pl->cs.net_allow.v[i], &e) < 0) {
			die_msg(e.msg);
			return -1;
		}
	if (proxy_token(&n->ps) < 0) {
		perror("latch: getrandom (the proxy's token)");
		return -1;
	}
	n->ps.allow = &n->allow;
	n->ps.private_ok = pl->cs.net_private;
	n->ps.routes = n->cr.v;
	n->ps.n_routes = n->cr.n;
	if (pl->cs.net_mode == NET_ALLOWLIST) {
		url = xasprintf("http://latch:%s@127.0.0.1:%d", n->ps.token, PROXY_PORT);
		env_proxy(env, url);
		free(url);
	}
	url = xasprintf("http://127.0.0.1:%d", port);
	creds_env(&n->cr, env, url);
	free(url);
	n->on = true;
	return 0;
}

static void net_free(struct net *n)
{
	if (n->listener >= 0)
		close(n->listener);
	allowlist_free(&n->allow);
	creds_free(&n->cr);
}

/* The rule packs are parsed on a second thread while the main thread builds
 * the capability set: the two are independent, and each costs about a
 * millisecond of a launch. */
struct pack_job {
	struct rules *rules;
	struct err e;
	int rc;
};

static void *load_packs(void *arg)
{
	struct pack_job *job = arg;

	job->rc = packs_load_shipped(job->rules, &job->e);
	return NULL;
}

/* The session's audit log, with its start record (audit/log.h): the
 * capability set and what the kernel enforces as --dry-run --json shows
 * them. */
static int open_log(struct session_log *sl, const struct plan *pl,
		    const struct sandbox *sb, char **argv, bool monitor)
{
	struct report r = { .cs = &pl->cs, .sb = sb };
	cJSON *plan, *route;
	const char *key = getenv("LATCH_AUDIT_KEY");
	char *real = key && *key ? realpath(key, NULL) : NULL;
	struct why w = { 0 };

	/* a signing key the sandbox could read signs nothing it cannot forge */
	if (real)
		capset_why(&pl->cs, real, LATCH_ACC_READ, &w);
	free(real);
	if (w.allowed) {
		fprintf(stderr, "latch: LATCH_AUDIT_KEY: the sandbox could read the signing key '%s'"
			" (granted by %s); keep it outside every granted path\n"
			"latch: not started\n", key, w.by ? w.by : "the profile");
		return -1;
	}
	if (session_log_open(sl) < 0)
		return -1;
	plan = report_cjson(&r);
	/* a command: source may hold a secret of its own (VAR=… vault …) */
	cJSON_ArrayForEach(route, cJSON_GetObjectItem(cJSON_GetObjectItem(plan, "network"), "credentials")) {
		cJSON *src = cJSON_GetObjectItem(route, "source");
		char *masked = cJSON_IsString(src) ? redact_word(NULL, src->valuestring, NULL) : NULL;

		if (masked)
			cJSON_ReplaceItemInObject(route, "source", cJSON_CreateString(masked));
		free(masked);
	}
	audit_start(sl->log, pl->cs.profile, pl->cs.workdir, argv, monitor, plan);
	return 0;
}

/* The shim directory, filled for this session and first on its PATH. */
static int fill_shims(struct shims *sh, const struct rules *r,
		      const struct plan *pl, struct sandbox *sb,
		      bool monitor, struct strv *env)
{
	struct shim_session s = {
		.judge = sb->judge, .monitor = monitor,
		.profile = pl->cs.profile, .workdir = pl->cs.workdir,
		.home = pl->home, .disable = pl->cs.rule_disable,
	};
	struct err e;

	shims_put_on_path(sh, env);
	if (shims_fill(sh, r, &s, &e) < 0) {
		die_msg(e.msg);
		return -1;
	}
	sandbox_bind(sb, sh->source, sh->dir);
	return 0;
}

/* How the session's snapshots are taken: its workspace, the profile's
 * patterns and limits. */
static struct snap_opts session_snap_opts(const struct plan *pl,
					  const struct audit_log *log)
{
	return (struct snap_opts){ .workdir = pl->cs.workdir,
				   .session = audit_id(log),
				   .exclude = &pl->cs.snap_exclude,
				   .include = &pl->cs.snap_include,
				   .max_file = pl->cs.snap_max_file_size,
				   .max_files = pl->cs.snap_max_files,
				   .max_bytes = pl->cs.snap_max_bytes };
}

/* A snapshot of the session's workspace (`trigger`: start or end); its
 * line only when it was slow; what was left out is named. */
static int session_snapshot(struct objstore *st, const struct plan *pl,
			    struct audit_log *log, const char *trigger,
			    struct err *e)
{
	struct progress pr;
	struct snap_opts so = session_snap_opts(pl, log);
	struct snap_result r = { 0 };
	int rc;

	so.trigger = trigger;
	so.progress = progress_files;
	so.progress_ctx = &pr;
	progress_start(&pr);
	rc = snapshot_take(st, &so, &r, e);
	progress_end(&pr);

	if (rc == 0 && r.ms > 1000)
		fprintf(stderr, "latch: snapshot %s of the workspace: %" PRIu64 " files, %.0f ms\n",
			r.id, r.files, r.ms);
	if (rc == 0)
		snapshot_warn_skipped(&r);
	snaplog(log, &so, rc == 0 ? &r : NULL, e->msg);
	snap_result_free(&r);
	return rc;
}

/* With snapshots on: the store opened, and the workspace's baseline
 * taken before anything in the sandbox runs (refusing to start without
 * it). 0 also when snapshots are off (*open stays false). */
static int baseline(struct objstore *st, bool *open, const struct plan *pl,
		    struct audit_log *log)
{
	char *state;
	struct err e;
	int rc;

	if (!pl->cs.snapshots)
		return 0;
	state = plan_state_dir();
	rc = objstore_open(st, state, &e);
	free(state);
	*open = rc == 0;
	if (rc == 0)
		rc = session_snapshot(st, pl, log, "start", &e);
	if (rc < 0)
		fprintf(stderr, "latch: the session's first snapshot of %s failed: %s\n"
			"latch: not started (a profile with 'snapshots: false' runs without rollback)\n",
			pl->cs.workdir, e.msg);
	return rc;
}

/* All of descriptor `fd` (closed after), at most `max` bytes and one more,
 * so that the caller can say it is too large; NUL-terminated. */
static char *read_fd(int fd, size_t max, const char *opt, size_t *len,
		     struct err *e)
{
	size_t cap = 4096;
	char *buf = xmalloc(cap + 1);
	ssize_t n = 1;

	*len = 0;
	while (*len <= max && n > 0) {
		if (*len == cap) {
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			n = 1;
		else if (n > 0)
			*len += (size_t)n;
	}
	if (n < 0) {
		err_sys(e, "--%s %d: cannot read it", opt, fd);
		free(buf);
		buf = NULL;
	} else {
		buf[*len] = '\0';
	}
	close(fd);
	return buf;
}

/* --env-fd: the command's environment, NAME=VALUE entries each ended by a
 * NUL (as /proc/PID/environ), at most 8 MiB. */
static int read_env_fd(int fd, struct strv *out, struct err *e)
{
	size_t len, max = 8u << 20;
	char *buf = read_fd(fd, max, "env-fd", &len, e);
	int rc = 0;

	if (buf == NULL)
		return -1;
	if (len > max)
		rc = err_set(e, "--env-fd %d: the environment is larger than 8 MiB", fd);
	for (size_t at = 0; rc == 0 && at < len; at += strlen(buf + at) + 1) {
		if (strchr(buf + at, '=') == NULL)
			rc = err_set(e, "--env-fd %d: entry '%.40s' is not NAME=VALUE", fd, buf + at);
		else
			strv_push(out, buf + at);
	}
	free(buf);
	return rc;
}

/* The plan, from the profile named or from the one read at --profile-fd. */
static int build_plan(struct plan *pl, const struct opts *o, struct err *e)
{
	size_t len;
	char *yaml;
	int rc;

	if (o->profile_fd < 0)
		return plan_build(pl, o->profile, o->workdir, &o->cli, e);
	memset(pl, 0, sizeof(*pl));
	/* one byte over 1 MiB: store_load_yaml says it is too large */
	yaml = read_fd(o->profile_fd, 1u << 20, "profile-fd", &len, e);
	if (yaml == NULL)
		return -1;
	rc = plan_build_yaml(pl, yaml, len, o->profile_set ? o->profile : "inline",
			     o->workdir, &o->cli, e);
	free(yaml);
	return rc;
}

/* --status-fd: the session's id and log, one JSON line, then closed. */
static void say_status(int fd, const struct audit_log *log)
{
	cJSON *o;
	char *text;

	if (fd < 0)
		return;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "session", audit_id(log));
	cJSON_AddStringToObject(o, "audit", audit_path(log));
	text = cJSON_PrintUnformatted(o);
	if (text == NULL || dprintf(fd, "%s\n", text) < 0)
		fprintf(stderr, "latch: warning: --status-fd %d: cannot write the session's status\n", fd);
	free(text);
	cJSON_Delete(o);
	close(fd);
}

/* For the judge: whether the sandbox may write directory `dir`. */
static bool dir_writable(const char *dir, void *cs)
{
	return capset_granted(cs, dir) & LATCH_ACC_WRITE;
}

static int run_argv(struct opts *o, char **argv)
{
	struct plan pl = { 0 };
	struct sandbox sb = { 0 };
	struct strv env = { 0 }, stripped = { 0 }, given_env = { 0 };
	char *no_env[] = { NULL };
	struct err e;
	struct rules *rules = NULL;
	struct session_log sl = { 0 };
	struct audit_log *log = NULL;
	struct supervise_counts counts = { 0 };
	struct pack_job job = { .rc = 0 };
	struct shims shims = { .keep = -1 };
	struct objstore store;
	struct net net = { .listener = -1 };
	struct stat self;
	pthread_t tid;
	bool threaded = false, store_open = false;
	int rc = EXIT_LATCH;

	if (!o->dry_run && plan_ensure_own_dirs(&e) < 0) {
		die_msg(e.msg);
		return EXIT_LATCH;
	}
	(void)datadir(); /* its lazy cache, filled before two threads read it */
	job.rules = rules = rules_new();
	rules_skip_examples(rules);
	threaded = pthread_create(&tid, NULL, load_packs, &job) == 0;
	if (!threaded)
		load_packs(&job);
	/* created first: the capability set grants it (read, exec) */
	if (!o->dry_run) {
		char *state = plan_state_dir();
		int prc = shims_prepare(&shims, plan_runtime_dir(),
					plan_tmp_dir(), state, &e);

		free(state);
		if (prc < 0) {
			die_msg(e.msg);
			goto out;
		}
	}
	o->cli.shims = shims.dir;
	o->cli.create_state = !o->dry_run;
	if (build_plan(&pl, o, &e) < 0) {
		die_msg(e.msg);
		goto out;
	}
	if (o->best_effort)
		pl.cs.best_effort = true;
	/* libcrypto, for the audit chain (common/sha256.h), loaded while the
	 * packs still are (off the launch's path; a failure is the log's to
	 * report) */
	if (!o->dry_run)
		sha256_free(sha256_new(&e));
	/* every exec of the sandbox is judged by the shipped rule packs */
	if (threaded) {
		pthread_join(tid, NULL);
		threaded = false;
	}
	if (job.rc < 0 || packs_apply(&rules, &pl.cs, false, &job.e) < 0) {
		die_msg(job.e.msg);
		goto out;
	}
	if (sandbox_plan(&sb, &pl.cs, true, &e) < 0) {
		die_msg(e.msg);
		goto out;
	}
	sb.cwd = pl.cwd;
	if (o->env_fd >= 0 && read_env_fd(o->env_fd, &given_env, &e) < 0) {
		die_msg(e.msg);
		goto out;
	}
	env_apply(&pl.cs, o->env_fd < 0 ? environ : given_env.v ? given_env.v : no_env,
		  &env, &stripped);
	strv_push_owned(&env, xasprintf("LATCH_PROFILE=%s", pl.cs.profile));
	if (o->dry_run) {
		struct report r = { .cs = &pl.cs, .sb = &sb, .argv = argv,
				    .stripped = &stripped };

		if (o->json)
			report_json(stdout, &r);
		else
			report_text(stdout, &r);
		rc = 0;
		goto out;
	}
	print_warnings(&pl, &sb);
	if (net_setup(&net, &pl, &sb, &env) < 0)
		goto out;
	if (fill_shims(&shims, rules, &pl, &sb, o->monitor, &env) < 0 ||
	    open_log(&sl, &pl, &sb, argv, o->monitor) < 0)
		goto out;
	log = sl.log;
	say_status(o->status_fd, log);
	if (baseline(&store, &store_open, &pl, log) < 0)
		goto out;
	/* for `latch snapshot` inside the session (cmd_rollback.c) */
	strv_push_owned(&env, xasprintf("LATCH_SESSION=%s", audit_id(log)));
	strv_push_owned(&env, xasprintf("LATCH_SNAPSHOTS=%d", store_open));
	if (stat("/proc/self/exe", &self) < 0)
		memset(&self, 0, sizeof(self));
	{
		struct judge_setup js = {
			.rules = rules,
			.roots = { pl.cs.workdir, pl.home, resolve_is_file, NULL },
			.log = log, .monitor = o->monitor,
			.store = store_open ? &store : NULL,
			.session = audit_id(log),
			.profile = pl.cs.profile,
			.self_dev = self.st_dev, .self_ino = self.st_ino,
			.snap = session_snap_opts(&pl, log),
			.anonymous = pl.cs.exec_anonymous,
			.writable = dir_writable, .writable_ctx = &pl.cs,
			.shim_dev = shims.dev, .shim_ino = shims.ino,
			.commands = shims_link_commands,
			.prefixed = shims_link, .scan_ctx = &shims,
		};
		struct child_spec spec = { .argv = argv, .envp = env.v,
					   .sb = &sb, .cs = &pl.cs,
					   .judge = sb.judge ? &js : NULL,
					   .proxy = net.on ? &net.ps : NULL,
					   .proxy_listener = net.listener,
					   .counts = &counts };

		net.ps.log = log;

		rc = supervise_run(&spec);
		/* what the session left, restorable too */
		if (store_open && session_snapshot(&store, &pl, log, "end", &e) < 0)
			fprintf(stderr, "latch: warning: the session's last snapshot failed: %s\n",
				e.msg);
		audit_end(log, rc, counts.allowed, counts.refused);
	}
out:
	shims_free(&shims);
	if (store_open)
		objstore_close(&store);
	if (threaded)
		pthread_join(tid, NULL);
	strv_free(&env);
	strv_free(&stripped);
	strv_free(&given_env);
	net_free(&net);
	sandbox_free(&sb);
	rules_free(rules);
	plan_free(&pl);
	session_log_close(&sl);
	return rc;
}

/* The options `run` and `shell` share. 0 to go on; -1 when done, with *rc. */
static int run_opts(struct opts *o, int argc, char **argv, int *rc)
{
	*rc = EXIT_LATCH;
	if (opts_parse(o, argc, argv, OPT_GRANTS | OPT_RUN | OPT_JSON) < 0)
		return -1;
	if (o->help) {
		usage(stdout, argv[0]);
		*rc = 0;
		return -1;
	}
	if (o->json && !o->dry_run) {
		fprintf(stderr, "latch %s: --json only applies with --dry-run\n",
			argv[0]);
		return -1;
	}
	if (o->status_fd >= 0 && o->dry_run) {
		fprintf(stderr, "latch %s: --status-fd names a session, and --dry-run starts none\n",
			argv[0]);
		return -1;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct opts o;
	int rc;

	if (run_opts(&o, argc, argv, &rc) == 0) {
		if (o.n_rest == 0)
			fprintf(stderr, "latch run: no command given (usage: latch run [OPTIONS] -- CMD [ARGS...])\n");
		else
			rc = run_argv(&o, o.rest);
	}
	opts_free(&o);
	return rc;
}

int cmd_shell(int argc, char **argv)
{
	struct opts o;
	const char *sh = getenv("SHELL");
	char *shell_argv[] = {
		(char *)(sh && sh[0] == '/' ? sh : "/bin/sh"), (char *)"-i", NULL,
	};
	int rc;

	if (run_opts(&o, argc, argv, &rc) == 0) {
		if (o.n_rest > 0)
			fprintf(stderr, "latch shell: unexpected argument '%s' (to run a command use 'latch run')\n",
				o.rest[0]);
		else
			rc = run_argv(&o, shell_argv);
	}
	opts_free(&o);
	return rc;
}
