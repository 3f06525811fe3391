/* rules/argv.c through the engine: option spellings (clusters, long
 * abbreviations, "--"), value-taking options, subcommands. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../rules/rule.h"

static const char pack[] =
	"pack: t\n"
	"grammar:\n"
	"  - command: rm\n"
	"    long: [force, interactive, recursive, dir, verbose, no-preserve-root, preserve-root]\n"
	"  - command: tar\n"
	"    value_options: [-f, -C, --file, --directory]\n"
	"  - command: git\n"
	"    subcommands: true\n"
	"    value_options: [-C, -c, --git-dir]\n"
	"rules:\n"
	"  - id: rm-r\n"
	"    commands: [rm]\n"
	"    when: {options: {short: rR, long: [recursive]}}\n"
	"    action: deny\n"
	"    reason: r\n"
	"  - id: tar-x\n"
	"    commands: [tar]\n"
	"    when: {options: {short: x}}\n"
	"    action: ask\n"
	"    reason: x\n"
	"  - id: tar-op\n"
	"    commands: [tar]\n"
	"    when: {operands: {word: '^-'}}\n"
	"    action: log\n"
	"    reason: op\n"
	"  - id: git-push-f\n"
	"    commands: [git]\n"
	"    when: {subcommand: push, options: {short: f}}\n"
	"    action: deny\n"
	"    reason: f\n"
	"  - id: both\n"
	"    commands: [cp]\n"
	"    when: {options: [{short: r}, {short: f}]}\n"
	"    action: ask\n"
	"    reason: rf\n"
	"  - id: noops\n"
	"    commands: [cat]\n"
	"    when: {no_operands: true}\n"
	"    action: log\n"
	"    reason: n\n";

static struct rules *R;

static void setup(void)
{
	struct err e;

	R = rules_new();
	cr_assert_eq(rules_load(R, pack, strlen(pack), "t.yaml", &e), 0, "%s", e.msg);
}

static void teardown(void)
{
	rules_free(R);
}

static enum action decide_v(const char *const *argv)
{
	const struct rules_roots roots = { .workdir = "/w", .home = "/h" };
	size_t n = 0;

	while (argv[n])
		n++;
	return rules_decide(R, argv, n, "/w", &roots).action;
}

#define D(...) decide_v((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(rules_argv, .init = setup, .fini = teardown);

Test(rules_argv, short_clusters_in_any_order)
{
	cr_assert_eq(D("rm", "-rf", "x"), ACTION_DENY);
	cr_assert_eq(D("rm", "-fr", "x"), ACTION_DENY);
	cr_assert_eq(D("rm", "-r", "-f", "x"), ACTION_DENY);
	cr_assert_eq(D("rm", "-f", "-R", "x"), ACTION_DENY);
	cr_assert_eq(D("rm", "-vfiR", "x"), ACTION_DENY);
	cr_assert_eq(D("rm", "-f", "x"), ACTION_ALLOW);
	cr_assert_eq(D("rm", "x"), ACTION_ALLOW);
}

Test(rules_argv, options_after_operands)
{
	cr_assert_eq(D("rm", "x", "-rf"), ACTION_DENY);
}

Test(rules_argv, long_options_and_abbreviations)
{
	cr_assert_eq(D("rm", "--recursive", "x"), ACTION_DENY);
	cr_assert_eq(D("rm", "--rec", "x"), ACTION_DENY);
	cr_assert_eq(D("rm", "--r", "x"), ACTION_DENY);
	cr_assert_eq(D("rm", "--recursive=yes", "x"), ACTION_DENY);
	/* not recursive: another option, or a longer word */
	cr_assert_eq(D("rm", "--dir", "x"), ACTION_ALLOW);
	cr_assert_eq(D("rm", "--recursively", "x"), ACTION_ALLOW);
	cr_assert_eq(D("rm", "--", "x"), ACTION_ALLOW);
}

Test(rules_argv, double_dash_ends_options)
{
	cr_assert_eq(D("rm", "--", "-rf"), ACTION_ALLOW);
	cr_assert_eq(D("rm", "-f", "--", "-r"), ACTION_ALLOW);
	cr_assert_eq(D("rm", "-r", "--", "x"), ACTION_DENY);
	cr_assert_eq(D("rm", "-", "x"), ACTION_ALLOW); /* "-" is an operand */
}

Test(rules_argv, option_values_are_not_flags_or_operands)
{
	/* -f takes a value: "-x" is the archive's name, not the x flag */
	cr_assert_eq(D("tar", "-f", "-x"), ACTION_ALLOW);
	cr_assert_eq(D("tar", "-cf", "-x"), ACTION_ALLOW);
	cr_assert_eq(D("tar", "--file", "-x"), ACTION_ALLOW);
	cr_assert_eq(D("tar", "--fi", "-x"), ACTION_ALLOW);
	cr_assert_eq(D("tar", "-fx"), ACTION_ALLOW); /* stuck value */
	cr_assert_eq(D("tar", "-xf", "a.tar"), ACTION_ASK);
	cr_assert_eq(D("tar", "-C", "d", "-x"), ACTION_ASK);
	/* an operand that starts with '-' only after "--" */
	cr_assert_eq(D("tar", "--", "-x"), ACTION_LOG);
}

Test(rules_argv, subcommand_after_global_options)
{
	cr_assert_eq(D("git", "push", "-f"), ACTION_DENY);
	cr_assert_eq(D("git", "-C", "x", "push", "-f"), ACTION_DENY);
	cr_assert_eq(D("git", "-Cx", "push", "-f"), ACTION_DENY);
	cr_assert_eq(D("git", "-c", "a=b", "--git-dir", "g", "push", "-f"), ACTION_DENY);
	cr_assert_eq(D("git", "--git-dir=g", "push", "-f"), ACTION_DENY);
	/* "push" as the value of -C is not the subcommand */
	cr_assert_eq(D("git", "-C", "push", "status", "-f"), ACTION_ALLOW);
	/* global options do not count for the subcommand's */
	cr_assert_eq(D("git", "-f", "push"), ACTION_ALLOW);
	cr_assert_eq(D("git", "pull", "-f"), ACTION_ALLOW);
	cr_assert_eq(D("git"), ACTION_ALLOW);
}

Test(rules_argv, option_list_means_all)
{
	cr_assert_eq(D("cp", "-rf", "a", "b"), ACTION_ASK);
	cr_assert_eq(D("cp", "-r", "a", "b"), ACTION_ALLOW);
}

Test(rules_argv, no_operands)
{
	cr_assert_eq(D("cat"), ACTION_LOG);
	cr_assert_eq(D("cat", "-n"), ACTION_LOG);
	cr_assert_eq(D("cat", "f"), ACTION_ALLOW);
}
