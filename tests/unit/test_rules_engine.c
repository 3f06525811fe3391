/* rules/: loading (messages for everything refused), precedence, root
 * tests, patterns, the shipped packs' examples (the code `latch rules test`
 * runs) and concurrent decisions. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../../rules/rule.h"
#include "helpers.h"

#define assert_msg_contains(msg, needle) \
	cr_assert(strstr((msg), (needle)) != NULL, \
		  "message '%s' lacks '%s'", (msg), (needle))

static struct rules *load_ok(const char *yaml)
{
	struct rules *r = rules_new();
	struct err e;

	cr_assert_eq(rules_load(r, yaml, strlen(yaml), "t.yaml", &e), 0, "%s", e.msg);
	return r;
}

/* The message of a refused pack (static buffer). */
static const char *load_fail(const char *yaml)
{
	static struct err e;
	struct rules *r = rules_new();

	cr_assert_eq(rules_load(r, yaml, strlen(yaml), "t.yaml", &e), -1,
		     "pack accepted:\n%s", yaml);
	cr_assert_eq(rules_count(r), 0, "a refused pack left rules behind");
	rules_free(r);
	return e.msg;
}

static const struct rules_roots roots = { .workdir = "/home/u/proj", .home = "/home/u" };

static struct decision decide_v(const struct rules *r, const char *cwd,
				const char *const *argv)
{
	size_t n = 0;

	while (argv[n])
		n++;
	return rules_decide(r, argv, n, cwd, &roots);
}

#define D(r, ...) decide_v((r), NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define DC(r, cwd, ...) decide_v((r), (cwd), (const char *const[]){ __VA_ARGS__, NULL })

/* ---- loading errors ---- */

Test(rules_load, unknown_key_suggests)
{
	const char *m = load_fail("pack: t\nrules:\n  - id: a\n    commands: [x]\n"
				  "    acton: deny\n    reason: r\n");

	cr_assert_str_eq(m, "t.yaml:5: unknown key 'acton' (did you mean 'action'?)");
	m = load_fail("pack: t\nrulez: []\n");
	cr_assert_str_eq(m, "t.yaml:2: unknown key 'rulez' (did you mean 'rules'?)");
	m = load_fail("pack: t\nrules:\n  - id: a\n    commands: [x]\n    action: deny\n"
		      "    reason: r\n    when: {options: {shrot: r}}\n");
	assert_msg_contains(m, "t.yaml:7: unknown key 'shrot' (did you mean 'short'?)");
}

Test(rules_load, bad_pattern_names_line_and_offset)
{
	const char *m = load_fail("pack: t\nrules:\n  - id: a\n    commands: [x]\n"
				  "    action: deny\n    reason: r\n"
				  "    when:\n      argv: 'ab(c'\n");

	cr_assert_str_eq(m, "t.yaml:8: pcre2 error at offset 4: missing closing parenthesis");
	m = load_fail("pack: t\nrules:\n  - id: a\n    commands: [x]\n"
		      "    action: deny\n    reason: r\n"
		      "    when:\n      cmdline: '*x'\n");
	assert_msg_contains(m, "t.yaml:8: pcre2 error at offset 0: ");
}

Test(rules_load, required_and_invalid_values)
{
	assert_msg_contains(load_fail("description: x\n"), "t.yaml:1: a rule pack needs 'pack: NAME'");
	assert_msg_contains(load_fail("pack: t\nrules:\n  - id: a\n    commands: [x]\n    reason: r\n"),
			    "t.yaml:3: a rule needs 'action'");
	assert_msg_contains(load_fail("pack: t\nrules:\n  - id: a\n    commands: [x]\n"
				      "    action: block\n    reason: r\n"),
			    "t.yaml:5: 'action' must be deny, ask, snapshot, log or allow, not 'block'");
	assert_msg_contains(load_fail("pack: t\nrules:\n  - id: a\n    commands: [/bin/rm]\n"
				      "    action: deny\n    reason: r\n"),
			    "must be a basename");
	assert_msg_contains(load_fail("pack: t\nrules:\n  - id: a\n    commands: [x]\n"
				      "    action: deny\n    reason: r\n"
				      "    when: {operands: {outside: [$WORK]}}\n"),
			    "t.yaml:7: unknown root '$WORK'");
	assert_msg_contains(load_fail("pack: t\nrules:\n  - id: a\n    commands: [x]\n"
				      "    action: deny\n    reason: r\n"
				      "    examples:\n      - {argv: [x]}\n"),
			    "t.yaml:8: an example needs 'expect'");
	assert_msg_contains(load_fail("pack: t\nrules: [\n"), "t.yaml:");
}

Test(rules_load, duplicate_ids_within_and_across_packs)
{
	const char *a = "pack: a\nrules:\n  - {id: x, commands: [c], action: deny, reason: r}\n";
	const char *b = "pack: b\n\nrules:\n  - {id: x, commands: [d], action: deny, reason: r}\n";
	struct rules *r = load_ok(a);
	struct err e;

	assert_msg_contains(load_fail("pack: a\nrules:\n  - {id: x, commands: [c], action: deny, reason: r}\n"
				      "  - {id: x, commands: [c], action: ask, reason: r}\n"),
			    "t.yaml:4: duplicate rule id 'x'");
	cr_assert_eq(rules_load(r, b, strlen(b), "b.yaml", &e), -1);
	cr_assert_str_eq(e.msg, "b.yaml:4: duplicate rule id 'x' (first defined at t.yaml:3)");
	cr_assert_eq(rules_count(r), 1);
	cr_assert_eq(rules_load(r, a, strlen(a), "a2.yaml", &e), -1);
	assert_msg_contains(e.msg, "pack 'a' is already loaded from t.yaml");
	rules_free(r);
}

/* ---- precedence ---- */

static const char prec[] =
	"pack: p\n"
	"rules:\n"
	"  - {id: log-any, commands: [x], action: log, reason: l}\n"
	"  - {id: ask-a, commands: [x], when: {argv: '^a$'}, action: ask, reason: a1}\n"
	"  - {id: deny-b, commands: [x, y], when: {argv: '^b$'}, action: deny, reason: b}\n"
	"  - {id: ask-a2, commands: [x], when: {argv: '^a'}, action: ask, reason: a2}\n"
	"  - {id: snap, commands: [x], when: {argv: '^s$'}, action: snapshot, reason: s}\n"
	"  - {id: mk, commands: ['mk.*'], action: deny, reason: m}\n";

/* What no rule names is allowed whatever its argv (the supervisor then
 * skips the argv re-check after the exec). */
Test(rules_engine, controls_names_commands_by_name_and_prefix)
{
	struct rules *r = load_ok(prec);

	cr_assert(rules_controls(r, "x"));
	cr_assert(rules_controls(r, "mk.ext4"));
	cr_assert(!rules_controls(r, "mk"));
	cr_assert(!rules_controls(r, "z"));
	cr_assert(!rules_controls(r, ""));
	cr_assert(!rules_controls(NULL, "x"));
	cr_assert_eq(rules_disable(r, "mk", NULL), 0);
	cr_assert(!rules_controls(r, "mk.ext4"), "a disabled rule controls nothing");
	rules_free(r);
}

Test(rules_engine, most_restrictive_wins_first_among_equals)
{
	struct rules *r = load_ok(prec);
	struct decision d;

	d = D(r, "x");
	cr_assert_eq(d.action, ACTION_LOG);
	cr_assert_str_eq(d.rule, "log-any");
	d = D(r, "x", "a");
	cr_assert_eq(d.action, ACTION_ASK);
	cr_assert_str_eq(d.rule, "ask-a"); /* first of the two ask rules */
	cr_assert_str_eq(d.reason, "a1");
	cr_assert_str_eq(d.file, "t.yaml");
	cr_assert_eq(d.line, 4);
	d = D(r, "x", "a", "b", "s");
	cr_assert_eq(d.action, ACTION_DENY);
	cr_assert_str_eq(d.rule, "deny-b");
	d = D(r, "x", "s");
	cr_assert_eq(d.action, ACTION_SNAPSHOT);
	d = D(r, "/usr/bin/y", "b");
	cr_assert_eq(d.action, ACTION_DENY);
	d = D(r, "z", "b");
	cr_assert_eq(d.action, ACTION_ALLOW);
	cr_assert_null(d.rule);
	cr_assert_null(d.reason);
	cr_assert_eq(D(r, "mk.ext4").action, ACTION_DENY);
	cr_assert_eq(D(r, "mk").action, ACTION_ALLOW);
	/* an empty argv still meets the command's unconditional rules */
	cr_assert_eq(rules_decide_as(r, "mk.x", NULL, 0, "/", &roots).action, ACTION_DENY);
	cr_assert_eq(rules_decide_as(r, "x", NULL, 0, "/", &roots).action, ACTION_LOG);
	/* the command name given by the caller, not argv[0] */
	cr_assert_eq(rules_decide_as(r, "y", (const char *const[]){ "other", "b" },
				     2, "/", &roots).action, ACTION_DENY);
	rules_free(r);
}

/* ---- conditions ---- */

static const char conds[] =
	"pack: c\n"
	"rules:\n"
	"  - id: outside\n"
	"    commands: [o]\n"
	"    when: {operands: {outside: [$WORKDIR, $TMP, $CACHE]}}\n"
	"    action: deny\n"
	"    reason: r\n"
	"  - id: above\n"
	"    commands: [a]\n"
	"    when: {operands: {any_equal_or_above: [$WORKDIR]}}\n"
	"    action: deny\n"
	"    reason: r\n"
	"  - id: etc-not-tmp\n"
	"    commands: [u]\n"
	"    when: {operands: {under: [/var], outside: [$TMP]}}\n"
	"    action: deny\n"
	"    reason: r\n"
	"  - id: cmdline\n"
	"    commands: [c]\n"
	"    when: {cmdline: '^c one two$'}\n"
	"    action: deny\n"
	"    reason: r\n"
	"  - id: anynot\n"
	"    commands: [n]\n"
	"    when:\n"
	"      any: [{argv: '^x$'}, {argv: '^y$'}]\n"
	"      not: {argv: '^safe$'}\n"
	"    action: deny\n"
	"    reason: r\n"
	"  - id: dd\n"
	"    commands: [dd]\n"
	"    when: {operands: {prefix: of=, path: '^/dev/sd'}}\n"
	"    action: deny\n"
	"    reason: r\n";

Test(rules_engine, outside_roots_is_strict)
{
	struct rules *r = load_ok(conds);

	cr_assert_eq(D(r, "o", "src").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "o", ".").action, ACTION_DENY);
	cr_assert_eq(D(r, "o", "/home/u/proj/").action, ACTION_DENY);
	cr_assert_eq(D(r, "o", "/tmp").action, ACTION_DENY);
	cr_assert_eq(D(r, "o", "/tmp/x").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "o", "/var/tmp/x").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "o", "/home/u/.cache").action, ACTION_DENY);
	cr_assert_eq(D(r, "o", "/home/u/.cache/x").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "o", "/home/u/.cachex").action, ACTION_DENY);
	cr_assert_eq(D(r, "o", "x", "/etc").action, ACTION_DENY); /* some operand */
	cr_assert_eq(DC(r, "/home/u/proj/a/b", "o", "../../..").action, ACTION_DENY);
	cr_assert_eq(DC(r, "/home/u/proj/a/b", "o", "../..//c/").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "o").action, ACTION_ALLOW);
	rules_free(r);
}

Test(rules_engine, equal_or_above_and_combined_tests)
{
	struct rules *r = load_ok(conds);

	cr_assert_eq(D(r, "a", "/").action, ACTION_DENY);
	cr_assert_eq(D(r, "a", "/home/").action, ACTION_DENY);
	cr_assert_eq(D(r, "a", ".").action, ACTION_DENY);
	cr_assert_eq(D(r, "a", "src").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "u", "/var/lib").action, ACTION_DENY);
	cr_assert_eq(D(r, "u", "/var/tmp").action, ACTION_DENY);
	cr_assert_eq(D(r, "u", "/var/tmp/x").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "u", "/variable").action, ACTION_ALLOW);
	rules_free(r);
}

Test(rules_engine, patterns_any_not_prefix)
{
	struct rules *r = load_ok(conds);

	cr_assert_eq(D(r, "/bin/c", "one", "two").action, ACTION_DENY);
	cr_assert_eq(D(r, "c", "one", "two", "three").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "n", "x").action, ACTION_DENY);
	cr_assert_eq(D(r, "n", "y").action, ACTION_DENY);
	cr_assert_eq(D(r, "n", "z").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "n", "x", "safe").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "dd", "of=/dev/sda").action, ACTION_DENY);
	cr_assert_eq(D(r, "dd", "of=//dev/./sda").action, ACTION_DENY);
	cr_assert_eq(DC(r, "/dev", "dd", "of=sdb").action, ACTION_DENY);
	cr_assert_eq(D(r, "dd", "if=/dev/sda", "of=x").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "dd", "/dev/sda").action, ACTION_ALLOW);
	rules_free(r);
}

Test(rules_engine, no_home_means_home_roots_match_nothing)
{
	struct rules *r = load_ok(conds);
	const struct rules_roots nohome = { .workdir = "/w" };

	cr_assert_eq(rules_decide(r, (const char *const[]){ "o", "/home/u/.cache/x" },
				  2, "/w", &nohome).action, ACTION_DENY);
	cr_assert_eq(rules_decide(r, (const char *const[]){ "o", "/w/x" }, 2, NULL,
				  &nohome).action, ACTION_ALLOW);
	rules_free(r);
}

/* ---- the shipped packs ---- */

static struct rules *shipped(void)
{
	struct rules *r = rules_new();
	struct err e;
	size_t n = 0;

	cr_assert_eq(rules_load_dir(r, "rules/packs", &n, &e), 0,
		     "%s (run the tests from the repository root)", e.msg);
	cr_assert_gt(n, 0);
	return r;
}

static void show_failure(const struct example_result *x, void *ctx)
{
	(void)ctx;
	if (!x->passed)
		cr_log_error("%s:%d: %s: got %s (%s), expected %s", x->file, x->line,
			     x->cmdline, action_name(x->got.action),
			     x->got.rule ? x->got.rule : "no rule",
			     action_name(x->expect));
}

Test(rules_shipped, every_example_passes)
{
	struct rules *r = shipped();
	size_t failed = 0, n = rules_test(r, show_failure, NULL, &failed);

	cr_assert_gt(n, 50);
	cr_assert_eq(failed, 0, "%zu of %zu examples failed", failed, n);
	rules_free(r);
}

Test(rules_shipped, lint_is_clean_and_jit_used)
{
	struct rules *r = shipped();
	struct strv w = { 0 };

	rules_lint(r, &w);
	cr_assert_eq(w.n, 0, "first warning: %s", w.n ? w.v[0] : "");
	cr_assert(rules_jit(r), "pcre2 JIT unavailable on this machine");
	strv_free(&w);
	rules_free(r);
}

Test(rules_shipped, lint_reports_what_it_promises)
{
	struct rules *r = load_ok("pack: l\nrules:\n"
				  "  - {id: all, commands: [x], action: deny, reason: r}\n"
				  "  - id: late\n    commands: [x]\n    when: {argv: a}\n"
				  "    action: ask\n    reason: r\n"
				  "    examples: [{argv: [x, a], expect: deny}]\n"
				  "  - {id: ok, commands: [y], action: allow, reason: r}\n");
	struct strv w = { 0 };

	rules_lint(r, &w);
	cr_assert_eq(strv_count_substr(&w, "rule 'all' has no examples"), 1);
	cr_assert_eq(strv_count_substr(&w, "rule 'late' never decides: rule 'all'"), 1);
	cr_assert_eq(strv_count_substr(&w, "rule 'late' decides none of its own examples"), 1);
	cr_assert_eq(strv_count_substr(&w, "rule 'ok' allows"), 1);
	strv_free(&w);
	rules_free(r);
}

/* ---- concurrency ---- */

struct worker {
	const struct rules *r;
	int mismatches;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < 2000; i++) {
		struct decision a = D(w->r, "rm", "-rf", "/home/u");
		struct decision b = D(w->r, "rm", "-rf", "build");
		struct decision c = D(w->r, "git", "-C", "x", "push", "--force-with-lease");
		struct decision d = D(w->r, "dd", "if=x", "of=//dev/sda");

		if (a.action != ACTION_DENY || b.action != ACTION_SNAPSHOT ||
		    c.action != ACTION_DENY || d.action != ACTION_DENY)
			w->mismatches++;
	}
	return NULL;
}

Test(rules_shipped, concurrent_decisions_agree)
{
	struct rules *r = shipped();
	struct worker w[2] = { { r, 0 }, { r, 0 } };
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(w[0].mismatches + w[1].mismatches, 0);
	rules_free(r);
}

Test(engine, examples_in_a_second_document_belong_to_their_rule_and_are_skipped_at_run_time)
{
	static const char pack[] =
		"pack: p\n"
		"rules:\n"
		"  - id: no-sudo\n"
		"    commands: [sudo]\n"
		"    action: deny\n"
		"    reason: no\n"
		"---\n"
		"no-sudo:\n"
		"  - {argv: [sudo, ls], expect: deny}\n"
		"  - {argv: [sudo, ls], expect: allow}\n";
	static const char bad[] = "pack: p\nrules: []\n---\nnobody: []\n";
	struct rules *r = rules_new(), *fast = rules_new(), *b = rules_new();
	struct err e;
	size_t failed = 0;

	cr_assert_eq(rules_load(r, pack, sizeof(pack) - 1, "p.yaml", &e), 0, "%s", e.msg);
	cr_assert_eq(rules_test(r, NULL, NULL, &failed), 2);
	cr_assert_eq(failed, 1); /* the second example is wrong on purpose */
	rules_skip_examples(fast);
	cr_assert_eq(rules_load(fast, pack, sizeof(pack) - 1, "p.yaml", &e), 0);
	cr_assert_eq(rules_test(fast, NULL, NULL, &failed), 0);
	cr_assert_eq(rules_load(b, bad, sizeof(bad) - 1, "b.yaml", &e), -1);
	cr_assert(strstr(e.msg, "examples for unknown rule 'nobody'"), "%s", e.msg);
	rules_free(r);
	rules_free(fast);
	rules_free(b);
}

/* Operands by place: chmod's first operand is a mode, mv's last the
 * destination; a target option (-t DIR) is read as the last operand. */
static const char places[] =
	"pack: p\n"
	"grammar:\n"
	"  - command: mv\n"
	"    target_options: [-t, --target-directory]\n"
	"    value_options: [-S]\n"
	"rules:\n"
	"  - {id: dest, commands: [mv], when: {operands: {position: last, outside: [$WORKDIR]}}, action: deny, reason: d}\n"
	"  - {id: mode, commands: [chmod], when: {operands: {position: not_first, outside: [$WORKDIR]}}, action: deny, reason: m}\n"
	"  - {id: src, commands: [mv], when: {operands: {position: not_last, under: [/etc]}}, action: ask, reason: s}\n"
	"  - {id: head, commands: [cp], when: {operands: {position: first, word: '^-$'}}, action: deny, reason: h}\n";

Test(rules_engine, operands_by_place_and_target_options)
{
	struct rules *r = load_ok(places);

	cr_assert_eq(D(r, "mv", "a", "/etc/x").action, ACTION_DENY);
	cr_assert_eq(D(r, "mv", "/etc/x", "a").action, ACTION_ASK);
	cr_assert_eq(D(r, "mv", "a", "b").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "mv", "-t", "/usr", "a", "b").action, ACTION_DENY);
	cr_assert_eq(D(r, "mv", "--target-directory=/usr", "a").action, ACTION_DENY);
	cr_assert_eq(D(r, "mv", "--targ", "/usr", "a").action, ACTION_DENY);
	cr_assert_eq(D(r, "mv", "-vt/usr", "a").action, ACTION_DENY);
	cr_assert_eq(D(r, "mv", "-t", "d", "/etc/x").action, ACTION_ASK,
		     "with -t every operand is a source");
	cr_assert_eq(D(r, "mv", "-S", "/etc", "a", "b").action, ACTION_ALLOW);
	cr_assert_eq(DC(r, "/home/u", "chmod", "644", "proj/x").action, ACTION_ALLOW,
		     "the mode is no path");
	cr_assert_eq(D(r, "chmod", "644", "/etc/x").action, ACTION_DENY);
	cr_assert_eq(D(r, "cp", "-", "x").action, ACTION_DENY);
	cr_assert_eq(D(r, "cp", "x", "-").action, ACTION_ALLOW);
	rules_free(r);
	cr_assert(strstr(load_fail("pack: p\nrules:\n  - {id: a, commands: [x], when: {operands: {position: middle, word: x}}, action: deny, reason: r}\n"),
			 "one of any, first, last, not_first, not_last"));
}

/* find: options, starting points, then the expression, which is not read
 * as options or operands. */
Test(rules_engine, find_reads_starting_points_only)
{
	struct rules *r = load_ok(
		"pack: p\n"
		"grammar:\n"
		"  - {command: find, expressions: true, value_options: [-D]}\n"
		"rules:\n"
		"  - {id: f, commands: [find], when: {argv: '^-delete$', operands: {outside: [$WORKDIR]}}, action: deny, reason: f}\n"
		"  - {id: L, commands: [find], when: {options: {short: L}}, action: log, reason: l}\n");

	cr_assert_eq(D(r, "find", "/etc", "-name", "x", "-delete").action, ACTION_DENY);
	cr_assert_eq(D(r, "find", "src", "-name", "/etc", "-delete").action, ACTION_ALLOW,
		     "an expression's value is no starting point");
	cr_assert_eq(D(r, "find", "-L", "-D", "tree", "src", "/", "-delete").action, ACTION_DENY);
	cr_assert_eq(D(r, "find", "-L", "src").action, ACTION_LOG);
	cr_assert_eq(D(r, "find", "src", "(", "-name", "x", ")", "-delete").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "find", "src", "!", "-name", "x").action, ACTION_ALLOW);
	rules_free(r);
}

/* Wrappers: the command after a wrapper's options (its assignments, the
 * operands it skips) is judged as if it ran itself, in the directory the
 * wrapper changes to; nested wrappers too, up to a depth. */
Test(rules_engine, wrappers_are_seen_through)
{
	struct rules *r = load_ok(
		"pack: p\n"
		"grammar:\n"
		"  - {command: env, wraps: true, assignments: true, chdir_options: [-C], value_options: [-u]}\n"
		"  - {command: timeout, wraps: true, skip_operands: 1, value_options: [-s]}\n"
		"rules:\n"
		"  - {id: o, commands: [rm], when: {operands: {outside: [$WORKDIR]}}, action: deny, reason: o}\n");
	const char *deep[20];

	cr_assert_eq(D(r, "env", "rm", "/x").action, ACTION_DENY);
	cr_assert(D(r, "env", "rm", "/x").inner, "refused for what it runs (judge.c ends it)");
	cr_assert(D(r, "timeout", "5", "env", "rm", "/x").inner);
	cr_assert(!D(r, "rm", "/x").inner, "refused for itself");
	cr_assert_str_eq(D(r, "env", "A=1", "B=2", "rm", "/x").rule, "o");
	cr_assert_eq(D(r, "env", "-u", "rm", "ls", "/x").action, ACTION_ALLOW,
		     "-u takes a value: the command is ls");
	cr_assert_eq(D(r, "env", "-C", "/", "rm", "etc").action, ACTION_DENY);
	cr_assert_eq(D(r, "env", "-C", "/tmp", "rm", "../home/u/proj/x").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "env", "rm", "x").action, ACTION_ALLOW);
	cr_assert_eq(D(r, "timeout", "5", "rm", "/x").action, ACTION_DENY);
	cr_assert_eq(D(r, "timeout", "-s", "9", "5", "env", "rm", "/x").action, ACTION_DENY);
	cr_assert_eq(D(r, "timeout", "rm").action, ACTION_ALLOW, "rm is the duration");
	cr_assert_eq(D(r, "env").action, ACTION_ALLOW);
	cr_assert(rules_controls(r, "env"));
	for (int i = 0; i < 12; i++)
		deep[i] = "env";
	deep[12] = "rm";
	deep[13] = "/x";
	cr_assert_eq(rules_decide(r, deep, 14, NULL, &roots).action, ACTION_ALLOW,
		     "wrappers are followed 8 deep, no further");
	cr_assert_eq(rules_decide(r, deep + 5, 9, NULL, &roots).action, ACTION_DENY);
	rules_free(r);
}
