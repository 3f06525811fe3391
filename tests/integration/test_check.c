/* `latch check` (exit codes, --json, --workdir/--cwd, --pack) and
 * `latch rules test | lint`. Most tests point LATCH_DATA_DIR at a data
 * directory of their own with a test pack; the ones about the shipped
 * packs skip when the data directory under test has none. */
#include <string.h>

#include "../lib/latchtest.h"

TestSuite(check, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

static const char test_pack[] =
	"pack: t\n"
	"rules:\n"
	"  - id: t-deny\n"
	"    commands: [rm]\n"
	"    when:\n"
	"      options: {short: rRf, long: [recursive, force]}\n"
	"      operands: {outside: [$WORKDIR, $TMP]}\n"
	"    action: deny\n"
	"    reason: recursive delete outside the workspace\n"
	"    examples:\n"
	"      - {argv: [rm, -rf, /], expect: deny}\n"
	"      - {argv: [rm, -rf, build], expect: allow}\n"
	"  - id: t-ask\n"
	"    commands: [deploy]\n"
	"    action: ask\n"
	"    reason: deploys need a human\n"
	"    examples: [{argv: [deploy], expect: ask}]\n"
	"  - id: t-log\n"
	"    commands: [curl]\n"
	"    action: log\n"
	"    reason: network fetch\n"
	"    examples: [{argv: [curl, x], expect: log}]\n";

/* A data directory holding profiles/default.yaml (how latch recognises
 * one) and rules/packs/t.yaml; returns the env entry that selects it. */
static const char *own_data(void)
{
	char *dir = lt_path(lt.root, "data");

	lt_write(lt_path(dir, "profiles/default.yaml"), "description: d\n");
	lt_write(lt_path(dir, "rules/packs/t.yaml"), test_pack);
	return lt_fmt("LATCH_DATA_DIR=%s", dir);
}

static struct lt_result check(const char *const *args)
{
	const char *env[] = { own_data(), NULL };
	struct lt_opts o = { .env = env };

	return lt_runv(&o, args);
}

static const char *last_line(const char *text)
{
	size_t n = strlen(text);
	const char *p;

	while (n > 0 && text[n - 1] == '\n')
		n--;
	for (p = text + n; p > text && p[-1] != '\n'; p--)
		;
	return lt_fmt("%.*s", (int)(text + n - p), p);
}

static bool shipped_packs(void)
{
	return lt_exists(lt_path(lt.data_dir, "rules/packs/destructive.yaml"));
}

Test(check, exit_status_is_the_decision)
{
	struct lt_result r;

	r = check(LT_ARGV("check", "--", "rm", "-rf", "/"));
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "deny: rm -rf / (rule t-deny: recursive delete outside the workspace)", r);
	r = check(LT_ARGV("check", "--", "deploy", "prod"));
	LT_EXIT(r, 3);
	LT_CONTAINS(r.out, "ask: deploy prod (rule t-ask: deploys need a human)", r);
	r = check(LT_ARGV("check", "--", "curl", "x"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "log: curl x (rule t-log", r);
	r = check(LT_ARGV("check", "--", "rm", "-rf", "build"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "allow: rm -rf build (no rule)", r);
	/* nothing was run */
	cr_assert(!lt_exists(lt_path(lt.work, "x")));
}

Test(check, workdir_and_cwd)
{
	struct lt_result r;

	r = check(LT_ARGV("check", "--workdir", lt.home, "--", "rm", "-rf",
			  lt_path(lt.home, "x")));
	LT_EXIT(r, 0);
	r = check(LT_ARGV("check", "--workdir", lt.home, "--", "rm", "-rf", "x"));
	LT_EXIT(r, 0);
	r = check(LT_ARGV("check", "--", "rm", "-rf", lt.work));
	LT_EXIT(r, 1);
	r = check(LT_ARGV("check", "--cwd", lt.home, "--", "rm", "-rf", "src"));
	LT_EXIT(r, 1);
	r = check(LT_ARGV("check", "--cwd", lt_path(lt.work, "a"), "--", "rm", "-rf", ".."));
	LT_EXIT(r, 1);
	r = check(LT_ARGV("check", "--cwd", lt_path(lt.work, "a"), "--", "rm", "-rf", "../b"));
	LT_EXIT(r, 0);
}

Test(check, json_is_valid)
{
	const char *where = NULL;
	struct lt_result r;

	r = check(LT_ARGV("check", "--json", "--", "rm", "-rf", "/"));
	LT_EXIT(r, 1);
	cr_assert(lt_json_valid(r.out, &where), "invalid JSON near \"%.40s\"\n%s",
		  where ? where : "", lt_show(&r));
	LT_CONTAINS(r.out, "\"action\":\"deny\"", r);
	LT_CONTAINS(r.out, "\"rule\":\"t-deny\"", r);
	LT_CONTAINS(r.out, "\"argv\":[\"rm\",\"-rf\",\"/\"]", r);
	LT_CONTAINS(r.out, "t.yaml:3\"", r);
	r = check(LT_ARGV("check", "--json", "--", "ls"));
	LT_EXIT(r, 0);
	cr_assert(lt_json_valid(r.out, NULL), "invalid JSON\n%s", lt_show(&r));
	LT_CONTAINS(r.out, "\"action\":\"allow\",\"rule\":null", r);
}

Test(check, extra_pack_and_errors_exit_2)
{
	char *extra = lt_path(lt.root, "extra.yaml");
	char *bad = lt_path(lt.root, "bad.yaml");
	struct lt_result r;

	lt_write(extra, "pack: extra\nrules:\n"
			"  - {id: no-make, commands: [make], action: deny, reason: no}\n");
	lt_write(bad, "pack: bad\nrules:\n"
		      "  - id: b\n    commands: [x]\n    action: deny\n    reason: r\n"
		      "    when: {argv: '(('}\n");
	r = check(LT_ARGV("check", "--pack", extra, "--", "make"));
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "rule no-make", r);
	r = check(LT_ARGV("check", "--pack", bad, "--", "make"));
	LT_EXIT(r, 2);
	LT_CONTAINS(r.err, lt_fmt("%s:7: pcre2 error at offset 2:", bad), r);
	r = check(LT_ARGV("check", "--pack", lt_path(lt.root, "missing.yaml"), "--", "x"));
	LT_EXIT(r, 2);
	r = check(LT_ARGV("check"));
	LT_EXIT(r, 2);
	r = check(LT_ARGV("check", "--bogus", "--", "x"));
	LT_EXIT(r, 2);
	LT_CONTAINS(r.err, "unknown option '--bogus'", r);
	/* a second pack with the same rule id is refused */
	lt_write(extra, "pack: extra\nrules:\n"
			"  - {id: t-ask, commands: [make], action: deny, reason: no}\n");
	r = check(LT_ARGV("check", "--pack", extra, "--", "make"));
	LT_EXIT(r, 2);
	LT_CONTAINS(r.err, "duplicate rule id 't-ask'", r);
}

Test(check, rules_test_and_lint)
{
	char *failing = lt_path(lt.root, "failing.yaml");
	struct lt_result r;

	r = check(LT_ARGV("rules", "test"));
	LT_EXIT(r, 0);
	cr_assert_str_eq(last_line(r.out), "4 passed, 0 failed", "%s", lt_show(&r));
	lt_write(failing, "pack: f\nrules:\n"
			  "  - id: f\n    commands: [x]\n    action: deny\n    reason: r\n"
			  "    examples:\n      - {argv: [x], expect: deny}\n"
			  "      - {argv: [x, y], expect: allow}\n");
	r = check(LT_ARGV("rules", "test", failing));
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, lt_fmt("%s:9: FAIL x y: deny (rule f), expected allow", failing), r);
	cr_assert_str_eq(last_line(r.out), "1 passed, 1 failed", "%s", lt_show(&r));
	r = check(LT_ARGV("rules", "lint"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "3 rules in 1 packs, 0 warnings", r);
	lt_write(failing, "pack: f\nrules:\n"
			  "  - {id: f, commands: [x], action: deny, reason: r}\n");
	r = check(LT_ARGV("rules", "lint", failing));
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, lt_fmt("%s:3: rule 'f' has no examples", failing), r);
	r = check(LT_ARGV("rules", "frobnicate"));
	LT_EXIT(r, 2);
}

Test(check, shipped_packs)
{
	struct lt_result r;

	if (!shipped_packs())
		cr_skip_test("no rules/packs in %s", lt.data_dir);
	r = LT_RUN("rules", "test");
	LT_EXIT(r, 0);
	cr_assert(strstr(last_line(r.out), " passed, 0 failed") != NULL, "%s",
		  lt_show(&r));
	r = LT_RUN("check", "--", "rm", "-rf", lt.home);
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "(rule rm-outside-roots:", r);
	r = LT_RUN("check", "--", "git", "-C", "x", "push", "-f");
	LT_EXIT(r, 1);
	r = LT_RUN("check", "--", "sudo", "true");
	LT_EXIT(r, 1);
	r = LT_RUN("check", "--", "rm", "-rf", "build");
	LT_EXIT(r, 0);
}
