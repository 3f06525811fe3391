/* liblatch's C API (include/latch.h) without spawning: loading profiles,
 * decisions, path questions, JSON, and misuse (NULLs, stale and foreign
 * handles, double frees, a profile that does not load, two policies
 * deciding in several threads at once, a policy freed mid-decision).
 * Profiles come from the source tree (profiles/, rules/packs/); HOME is
 * whatever the test runs with, only read. The spawn half is in
 * tests/integration/test_liblatch.c. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../../include/latch.h"

static const char *const rm_home[] = { "rm", "-rf", "/home" };
static const char *const ls_la[] = { "ls", "-la" };

/* A policy of the shipped default profile in /tmp. */
static latch_policy load_default(void)
{
	latch_policy p = 0;
	latch_error e;

	cr_assert_eq(latch_policy_load("default", "/tmp", &p, &e), LATCH_OK, "%s", e.message);
	cr_assert_neq(p, 0);
	cr_assert_eq(e.code, LATCH_OK);
	return p;
}

/* A policy from YAML: the default profile with the rm rule disabled. */
static latch_policy load_lenient(void)
{
	latch_policy p = 0;
	latch_error e;

	cr_assert_eq(latch_policy_load_yaml("extends: default\nrules:\n  disable: [rm-outside-roots]\n",
					    "lenient", "/tmp", &p, &e),
		     LATCH_OK, "%s", e.message);
	return p;
}

Test(liblatch, version_is_the_cli_one)
{
	cr_assert_str_eq(latch_version(), LATCH_VERSION);
	cr_assert_str_eq(latch_code_name(LATCH_ERR_HANDLE), "handle");
	cr_assert_str_eq(latch_code_name(12345), "unknown");
}

Test(liblatch, check_names_the_rule)
{
	latch_policy p = load_default();
	latch_decision d;
	latch_error e;

	cr_assert_eq(latch_check(p, rm_home, 3, NULL, &d, &e), LATCH_OK, "%s", e.message);
	cr_assert_eq(d.action, LATCH_DENY);
	cr_assert_str_eq(d.rule, "rm-outside-roots");
	cr_assert(d.reason && strstr(d.reason, "outside the workspace"));
	cr_assert(d.source && strstr(d.source, "destructive.yaml:"));
	latch_decision_clear(&d);
	cr_assert_null(d.rule);

	cr_assert_eq(latch_check(p, ls_la, 2, "/tmp", &d, NULL), LATCH_OK);
	cr_assert_eq(d.action, LATCH_ALLOW);
	cr_assert_null(d.rule);
	cr_assert_null(d.reason);
	latch_decision_clear(&d);
	cr_assert_eq(latch_policy_free(p, &e), LATCH_OK);
}

Test(liblatch, check_json_is_latch_check_json)
{
	latch_policy p = load_default();
	latch_error e;
	char *j = latch_check_json(p, rm_home, 3, "/tmp", &e);

	cr_assert_not_null(j, "%s", e.message);
	cr_assert(strstr(j, "\"action\":\"deny\""), "%s", j);
	cr_assert(strstr(j, "\"rule\":\"rm-outside-roots\""), "%s", j);
	cr_assert(strstr(j, "\"argv\":[\"rm\",\"-rf\",\"/home\"]"), "%s", j);
	cr_assert(strstr(j, "\"cwd\":\"/tmp\""), "%s", j);
	latch_free(j);
	latch_policy_free(p, NULL);
}

Test(liblatch, yaml_profile_changes_the_decision)
{
	latch_policy p = load_lenient();
	latch_decision d;

	cr_assert_eq(latch_check(p, rm_home, 3, NULL, &d, NULL), LATCH_OK);
	cr_assert_neq(d.action, LATCH_DENY, "rule %s", d.rule ? d.rule : "none");
	latch_decision_clear(&d);
	latch_policy_free(p, NULL);
}

Test(liblatch, why_answers_for_paths)
{
	latch_policy p = load_default();
	latch_why w;
	latch_error e;
	char *j;

	cr_assert_eq(latch_policy_why(p, "~/.ssh/id_rsa", LATCH_READ, &w, &e), LATCH_OK, "%s", e.message);
	cr_assert_eq(w.allowed, 0);
	cr_assert_str_eq(w.reason, "sensitive path");
	cr_assert(w.by && strstr(w.by, "deny_credentials"), "%s", w.by);
	latch_why_clear(&w);

	cr_assert_eq(latch_policy_why(p, "/tmp/some-file", LATCH_WRITE, &w, &e), LATCH_OK, "%s", e.message);
	cr_assert_eq(w.allowed, 1, "%s", w.reason);
	cr_assert_str_eq(w.resolved, "/tmp/some-file");
	latch_why_clear(&w);

	j = latch_policy_why_json(p, "/etc/passwd", LATCH_WRITE, &e);
	cr_assert_not_null(j, "%s", e.message);
	cr_assert(strstr(j, "\"op\":\"write\"") && strstr(j, "\"allowed\":false"), "%s", j);
	latch_free(j);
	latch_policy_free(p, NULL);
}

Test(liblatch, policy_json_is_the_capability_set)
{
	latch_policy p = load_default();
	char *j = latch_policy_json(p, NULL);

	cr_assert_not_null(j);
	cr_assert(strstr(j, "\"profile\":\"default\""), "%.300s", j);
	cr_assert(strstr(j, "\"workdir\":\"/tmp\""), "%.300s", j);
	latch_free(j);
	latch_policy_free(p, NULL);
}

Test(liblatch, a_profile_that_does_not_load)
{
	latch_policy p = 77;
	latch_error e;

	cr_assert_eq(latch_policy_load("no-such-profile", NULL, &p, &e), LATCH_ERR_PROFILE);
	cr_assert_eq(p, 0);
	cr_assert_eq(e.code, LATCH_ERR_PROFILE);
	cr_assert(strstr(e.message, "no profile named 'no-such-profile' (available:"), "%s", e.message);

	cr_assert_eq(latch_policy_load_yaml("filesystem:\n  alow: []\n", "mine", NULL, &p, &e),
		     LATCH_ERR_PROFILE);
	cr_assert_str_eq(e.message, "<mine>:2: unknown key 'alow' (did you mean 'allow'?)");

	cr_assert_eq(latch_policy_load_yaml("extends: [", NULL, NULL, &p, &e), LATCH_ERR_PROFILE);
	cr_assert(strncmp(e.message, "<inline>:", 9) == 0, "%s", e.message);

	cr_assert_eq(latch_policy_load_yaml("{}", "a/b", NULL, &p, &e), LATCH_ERR_ARG);
	cr_assert_eq(latch_policy_load("default", "relative/../nowhere-at-all", &p, &e), LATCH_ERR_PROFILE,
		     "%s", e.message);
}

Test(liblatch, nulls_are_refused)
{
	latch_policy p = load_default();
	latch_decision d;
	latch_why w;
	latch_error e;
	const char *holed[] = { "rm", NULL, "x" };
	const char *const no_cmd[] = { NULL };
	latch_child c;

	cr_assert_eq(latch_policy_load(NULL, NULL, &p, NULL), LATCH_ERR_ARG);
	p = load_default();
	cr_assert_eq(latch_policy_load("default", NULL, NULL, &e), LATCH_ERR_ARG);
	cr_assert_eq(latch_policy_load_yaml(NULL, NULL, NULL, &p, &e), LATCH_ERR_ARG);
	p = load_default();
	cr_assert_eq(latch_check(p, NULL, 1, NULL, &d, &e), LATCH_ERR_ARG);
	cr_assert_eq(latch_check(p, rm_home, 0, NULL, &d, &e), LATCH_ERR_ARG);
	cr_assert_eq(latch_check(p, holed, 3, NULL, &d, &e), LATCH_ERR_ARG);
	cr_assert_str_eq(e.message, "latch_check: argv[1] is NULL");
	cr_assert_eq(latch_check(p, rm_home, 3, "relative", &d, &e), LATCH_ERR_ARG);
	cr_assert_eq(latch_check(p, rm_home, 3, NULL, NULL, &e), LATCH_ERR_ARG);
	cr_assert_null(latch_check_json(p, NULL, 0, NULL, &e));
	cr_assert_eq(latch_policy_why(p, NULL, LATCH_READ, &w, &e), LATCH_ERR_ARG);
	cr_assert_eq(latch_policy_why(p, "/tmp", 3, &w, &e), LATCH_ERR_ARG);
	cr_assert_eq(latch_policy_why(p, "/tmp", LATCH_READ, NULL, &e), LATCH_ERR_ARG);
	cr_assert_null(latch_policy_why_json(p, "", LATCH_READ, &e));
	cr_assert_eq(latch_spawn(p, NULL, NULL, &c, &e), LATCH_ERR_ARG);
	cr_assert_eq(latch_spawn(p, no_cmd, NULL, &c, &e), LATCH_ERR_ARG);
	cr_assert_eq(latch_wait(1, NULL, &e), LATCH_ERR_ARG);
	latch_decision_clear(NULL);
	latch_why_clear(NULL);
	latch_free(NULL);
	latch_spawn_opts_init(NULL);
	latch_policy_free(p, NULL);
}

Test(liblatch, stale_and_foreign_handles_are_refused)
{
	latch_policy p = load_default();
	latch_decision d;
	latch_error e;
	int st;

	cr_assert_eq(latch_policy_free(p, &e), LATCH_OK);
	cr_assert_eq(latch_policy_free(p, &e), LATCH_ERR_HANDLE);
	cr_assert(strstr(e.message, "not a live policy handle"), "%s", e.message);
	cr_assert_eq(latch_check(p, rm_home, 3, NULL, &d, &e), LATCH_ERR_HANDLE);
	cr_assert_null(d.rule);
	cr_assert_null(latch_policy_json(p, &e));
	cr_assert_eq(e.code, LATCH_ERR_HANDLE);
	cr_assert_eq(latch_policy_free(0, NULL), LATCH_ERR_HANDLE);
	cr_assert_eq(latch_policy_free(0xfffffff0u, NULL), LATCH_ERR_HANDLE);

	/* a live policy is not a child, and the reverse */
	p = load_default();
	cr_assert_eq(latch_child_free(p, &e), LATCH_ERR_HANDLE);
	cr_assert_eq(latch_wait(p, &st, &e), LATCH_ERR_HANDLE);
	cr_assert_eq(latch_child_pid(p, &e), -1);
	cr_assert_null(latch_child_audit_path(p, &e));
	cr_assert_eq(latch_child_kill(p, 15, &e), LATCH_ERR_HANDLE);
	cr_assert_eq(latch_policy_free(p, &e), LATCH_OK);
}

/* ---- two policies deciding in four threads ---- */

struct worker {
	latch_policy strict, lenient;
	int wrong, errors;
};

static void *decide_many(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < 300; i++) {
		latch_decision a, b;

		if (latch_check(w->strict, rm_home, 3, NULL, &a, NULL) != LATCH_OK ||
		    latch_check(w->lenient, rm_home, 3, NULL, &b, NULL) != LATCH_OK) {
			w->errors++;
			continue;
		}
		if (a.action != LATCH_DENY || b.action == LATCH_DENY)
			w->wrong++;
		latch_decision_clear(&a);
		latch_decision_clear(&b);
	}
	return NULL;
}

Test(liblatch, two_policies_decide_concurrently)
{
	struct worker w[4];
	pthread_t t[4];
	latch_policy strict = load_default(), lenient = load_lenient();

	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .strict = strict, .lenient = lenient };
		cr_assert_eq(pthread_create(&t[i], NULL, decide_many, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].errors, 0);
		cr_assert_eq(w[i].wrong, 0);
	}
	latch_policy_free(strict, NULL);
	latch_policy_free(lenient, NULL);
}

/* A policy freed while threads still decide with it: each decision is
 * whole or refused with LATCH_ERR_HANDLE, never a use of freed memory
 * (the ASan and valgrind runs check that). */
struct racer {
	latch_policy p;
	int ok, gone, other;
};

static void *decide_until_gone(void *arg)
{
	struct racer *r = arg;

	for (;;) {
		latch_decision d;
		int rc = latch_check(r->p, rm_home, 3, NULL, &d, NULL);

		if (rc == LATCH_OK && d.action == LATCH_DENY && strcmp(d.rule, "rm-outside-roots") == 0)
			r->ok++;
		else if (rc == LATCH_ERR_HANDLE)
			return r->gone++, NULL;
		else
			r->other++;
		latch_decision_clear(&d);
	}
}

Test(liblatch, free_while_deciding)
{
	struct racer r[2];
	pthread_t t[2];
	latch_policy p = load_default();
	latch_decision d;

	for (int i = 0; i < 2; i++) {
		r[i] = (struct racer){ .p = p };
		cr_assert_eq(pthread_create(&t[i], NULL, decide_until_gone, &r[i]), 0);
	}
	/* let them decide a little */
	for (int i = 0; i < 50; i++) {
		cr_assert_eq(latch_check(p, ls_la, 2, NULL, &d, NULL), LATCH_OK);
		latch_decision_clear(&d);
	}
	cr_assert_eq(latch_policy_free(p, NULL), LATCH_OK);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(r[i].gone, 1);
		cr_assert_eq(r[i].other, 0);
	}
}
