/* policy.c — liblatch's policies: load, decide, why, free. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "../launcher/decide.h"
#include "../launcher/report.h"
#include "../launcher/resolve.h"
#include "../launcher/why.h"
#include "../policy/access.h"
#include "fail.h"
#include "handles.h"
#include "policy.h"

/* Loading a profile and resolving a path use a per-process cache of
 * resolved paths (launcher/resolve.h) and latch's data directory: one at a
 * time, and the cache dropped after, so that each answer sees the
 * filesystem as it is then. Decisions need neither. */
#define SAME(a, b) ((int)(a) == (int)(b))
_Static_assert(SAME(LATCH_READ, LATCH_ACC_READ) && SAME(LATCH_WRITE, LATCH_ACC_WRITE) &&
	       SAME(LATCH_EXEC, LATCH_ACC_EXEC), "latch_op is access.h's rights");
_Static_assert(SAME(LATCH_DENY, ACTION_DENY) && SAME(LATCH_ASK, ACTION_ASK) &&
	       SAME(LATCH_SNAPSHOT, ACTION_SNAPSHOT) && SAME(LATCH_LOG, ACTION_LOG) &&
	       SAME(LATCH_ALLOW, ACTION_ALLOW), "latch_action is rule.h's action");

static pthread_mutex_t fs_lock = PTHREAD_MUTEX_INITIALIZER;

const char *latch_version(void)
{
	return LATCH_VERSION;
}

const char *latch_code_name(int code)
{
	switch (code) {
	case LATCH_OK: return "ok";
	case LATCH_ERR_ARG: return "argument";
	case LATCH_ERR_HANDLE: return "handle";
	case LATCH_ERR_PROFILE: return "profile";
	case LATCH_ERR_SYSTEM: return "system";
	case LATCH_ERR_SPAWN: return "spawn";
	case LATCH_ERR_LIMIT: return "limit";
	default: return "unknown";
	}
}

static void policy_destroy(void *obj)
{
	struct policy *p = obj;

	pthread_mutex_lock(&fs_lock);
	plan_free(&p->pl);
	pthread_mutex_unlock(&fs_lock);
	rules_free(p->rules);
	free(p->ref);
	free(p->yaml);
	free(p->name);
	free(p);
}

/* A name stays a name; a relative path is made absolute now, so that a
 * spawn from another directory reads the same file. */
static char *keep_ref(const char *ref)
{
	char *cwd, *out;

	if (ref[0] == '/' || !store_is_path(ref))
		return xstrdup(ref);
	cwd = getcwd(NULL, 0);
	if (cwd == NULL)
		return NULL;
	out = xjoin(cwd, "/", ref);
	free(cwd);
	return out;
}

/* The plan and its rules, then a handle: takes `p`. */
static int load(struct policy *p, const char *workdir, latch_policy *out,
		latch_error *err)
{
	struct err e;
	int rc;

	pthread_mutex_lock(&fs_lock);
	rc = p->yaml ? plan_build_yaml(&p->pl, p->yaml, strlen(p->yaml), p->name,
				       workdir, NULL, &e)
		     : plan_build(&p->pl, p->ref, workdir, NULL, &e);
	if (rc == 0)
		p->rules = decide_rules(&p->pl.cs, &e);
	resolve_forget();
	pthread_mutex_unlock(&fs_lock);
	if (rc < 0 || p->rules == NULL) {
		policy_destroy(p);
		return fail(err, LATCH_ERR_PROFILE, "%s", e.msg);
	}
	(void)rules_jit_now(p->rules);
	*out = handle_add(HANDLE_POLICY, p, policy_destroy);
	if (*out == 0) {
		policy_destroy(p);
		return fail(err, LATCH_ERR_LIMIT, "too many live liblatch handles; free some with latch_policy_free()");
	}
	return ok(err);
}

int latch_policy_load(const char *profile, const char *workdir,
		      latch_policy *out, latch_error *err)
{
	struct policy *p;

	if (out)
		*out = 0;
	if (profile == NULL || *profile == '\0' || out == NULL)
		return fail(err, LATCH_ERR_ARG, "latch_policy_load: needs a profile name or path and a place for the handle");
	p = xcalloc(1, sizeof(*p));
	p->ref = keep_ref(profile);
	if (p->ref == NULL) {
		free(p);
		return fail_sys(err, LATCH_ERR_SYSTEM, "latch_policy_load: cannot get the current directory for '%s'", profile);
	}
	return load(p, workdir, out, err);
}

int latch_policy_load_yaml(const char *yaml, const char *name,
			   const char *workdir, latch_policy *out,
			   latch_error *err)
{
	struct policy *p;

	if (out)
		*out = 0;
	if (yaml == NULL || out == NULL)
		return fail(err, LATCH_ERR_ARG, "latch_policy_load_yaml: needs the profile's YAML text and a place for the handle");
	if (name && (*name == '\0' || strpbrk(name, "/\n") != NULL))
		return fail(err, LATCH_ERR_ARG, "latch_policy_load_yaml: the name '%s' is empty or holds '/' or a newline", name);
	p = xcalloc(1, sizeof(*p));
	p->yaml = xstrdup(yaml);
	p->name = xstrdup(name ? name : "inline");
	return load(p, workdir, out, err);
}

int latch_policy_free(latch_policy h, latch_error *err)
{
	if (handle_remove(h, HANDLE_POLICY) < 0)
		return fail(err, LATCH_ERR_HANDLE, "latch_policy_free: %u is not a live policy handle (freed already?)", h);
	return ok(err);
}

/* cJSON text, the caller's to free with latch_free(). */
static char *json_text(cJSON *o)
{
	char *text = cJSON_PrintUnformatted(o);

	cJSON_Delete(o);
	if (text == NULL)
		oom();
	return text;
}

char *latch_policy_json(latch_policy h, latch_error *err)
{
	struct policy *p = hold_or_fail(h, HANDLE_POLICY, "latch_policy_json", err);
	char *text;

	if (p == NULL)
		return NULL;
	text = json_text(report_cjson(&(struct report){ .cs = &p->pl.cs }));
	handle_drop(h);
	ok(err);
	return text;
}

/* Whether the argv of a check is one; else `err` says why. */
static bool check_args(const char *const *argv, size_t argc, const char *cwd,
		       latch_error *err)
{
	if (argv == NULL || argc == 0) {
		fail(err, LATCH_ERR_ARG, "latch_check: needs a command (argv with argc >= 1)");
		return false;
	}
	for (size_t i = 0; i < argc; i++)
		if (argv[i] == NULL) {
			fail(err, LATCH_ERR_ARG, "latch_check: argv[%zu] is NULL", i);
			return false;
		}
	if (cwd && cwd[0] != '/') {
		fail(err, LATCH_ERR_ARG, "latch_check: the cwd '%s' is not absolute", cwd);
		return false;
	}
	return true;
}

static struct decision decide(const struct policy *p, const char *const *argv,
			      size_t argc, const char *cwd)
{
	const struct rules_roots roots = { .workdir = p->pl.workdir,
					   .home = p->pl.home,
					   .exists = resolve_is_file };

	return rules_decide(p->rules, argv, argc, cwd ? cwd : p->pl.workdir,
			    &roots);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int latch_check(latch_policy h, const char *const *argv, size_t argc,
		const char *cwd, latch_decision *out, latch_error *err)
{
	struct policy *p;
	struct decision d;

	if (out == NULL)
		return fail(err, LATCH_ERR_ARG, "latch_check: needs a place for the decision");
	memset(out, 0, sizeof(*out));
	if (!check_args(argv, argc, cwd, err))
		return LATCH_ERR_ARG;
	p = hold_or_fail(h, HANDLE_POLICY, "latch_check", err);
	if (p == NULL)
		return LATCH_ERR_HANDLE;
	d = decide(p, argv, argc, cwd);
	out->action = (int)d.action;
	out->rule = dup_or_null(d.rule);
	out->reason = dup_or_null(d.reason);
	out->source = d.rule ? xasprintf("%s:%d", d.file, d.line) : NULL;
	handle_drop(h);
	return ok(err);
}

void latch_decision_clear(latch_decision *d)
{
	if (d == NULL)
		return;
	free(d->rule);
	free(d->reason);
	free(d->source);
	memset(d, 0, sizeof(*d));
}

char *latch_check_json(latch_policy h, const char *const *argv, size_t argc,
		       const char *cwd, latch_error *err)
{
	struct policy *p;
	struct decision d;
	char *text;

	if (!check_args(argv, argc, cwd, err))
		return NULL;
	p = hold_or_fail(h, HANDLE_POLICY, "latch_check_json", err);
	if (p == NULL)
		return NULL;
	d = decide(p, argv, argc, cwd);
	text = json_text(decision_json(&d, &(struct decide_in){
		.argv = argv, .argc = argc,
		.cwd = cwd ? cwd : p->pl.workdir, .workdir = p->pl.workdir,
		.home = p->pl.home, .rules = p->rules, .cs = &p->pl.cs }));
	handle_drop(h);
	ok(err);
	return text;
}

/* why_answer for `path` and `op`, under the filesystem lock. On success
 * the policy stays held (the answer points into it): handle_drop() after. */
static int why(latch_policy h, const char *fn, const char *path, int op,
	       struct why_answer *a, latch_error *err)
{
	struct policy *p;
	struct err e;
	int rc;

	if (path == NULL || *path == '\0') {
		fail(err, LATCH_ERR_ARG, "%s: needs a path", fn);
		return LATCH_ERR_ARG;
	}
	if (op != LATCH_READ && op != LATCH_WRITE && op != LATCH_EXEC) {
		fail(err, LATCH_ERR_ARG, "%s: op must be LATCH_READ, LATCH_WRITE or LATCH_EXEC, not %d", fn, op);
		return LATCH_ERR_ARG;
	}
	p = hold_or_fail(h, HANDLE_POLICY, fn, err);
	if (p == NULL)
		return LATCH_ERR_HANDLE;
	pthread_mutex_lock(&fs_lock);
	rc = why_answer(&p->pl, path, (unsigned)op, a, &e);
	resolve_forget();
	pthread_mutex_unlock(&fs_lock);
	if (rc < 0) {
		handle_drop(h);
		return fail(err, LATCH_ERR_SYSTEM, "%s", e.msg);
	}
	return LATCH_OK;
}

int latch_policy_why(latch_policy h, const char *path, int op, latch_why *out,
		     latch_error *err)
{
	struct why_answer a;
	int rc;

	if (out == NULL)
		return fail(err, LATCH_ERR_ARG, "latch_policy_why: needs a place for the answer");
	memset(out, 0, sizeof(*out));
	rc = why(h, "latch_policy_why", path, op, &a, err);
	if (rc < 0)
		return rc;
	out->allowed = a.w.allowed;
	out->resolved = xstrdup(a.resolved);
	out->reason = dup_or_null(a.w.reason);
	out->by = dup_or_null(a.w.by);
	out->rule_path = dup_or_null(a.w.rule_path);
	why_answer_free(&a);
	handle_drop(h);
	return ok(err);
}

void latch_why_clear(latch_why *w)
{
	if (w == NULL)
		return;
	free(w->resolved);
	free(w->reason);
	free(w->by);
	free(w->rule_path);
	memset(w, 0, sizeof(*w));
}

char *latch_policy_why_json(latch_policy h, const char *path, int op,
			    latch_error *err)
{
	struct why_answer a;
	char *text;

	if (why(h, "latch_policy_why_json", path, op, &a, err) < 0)
		return NULL;
	text = json_text(why_json(path, op == LATCH_READ ? "read"
					: op == LATCH_WRITE ? "write" : "exec", &a));
	why_answer_free(&a);
	handle_drop(h);
	ok(err);
	return text;
}

void latch_free(char *s)
{
	free(s);
}
