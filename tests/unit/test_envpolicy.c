/* env_is_injection / env_apply: the environment the sandboxed command gets. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../policy/envpolicy.h"
#include "helpers.h"

static struct capset cs;
static struct strv out, stripped;

static void setup(void)
{
	memset(&cs, 0, sizeof(cs));
	memset(&out, 0, sizeof(out));
	memset(&stripped, 0, sizeof(stripped));
}

static void teardown(void)
{
	capset_free(&cs);
	strv_free(&out);
	strv_free(&stripped);
}

TestSuite(env, .init = setup, .fini = teardown);

/* The value of NAME in `out`, or NULL. */
static const char *value_of(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < out.n; i++)
		if (strncmp(out.v[i], name, n) == 0 && out.v[i][n] == '=')
			return out.v[i] + n + 1;
	return NULL;
}

static void apply(char *const *env)
{
	env_apply(&cs, env, &out, &stripped);
}

Test(env, injection_names_are_recognised)
{
	static const char *const yes[] = {
		"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "BASH_ENV", "ENV",
		"BASH_FUNC_ls%%", "PYTHONPATH", "PYTHONSTARTUP", "NODE_OPTIONS",
		"PERL5OPT", "RUBYOPT", "JAVA_TOOL_OPTIONS", "GLIBC_TUNABLES",
		"MALLOC_ARENA_MAX", "DYLD_INSERT_LIBRARIES", "GIT_CONFIG_GLOBAL",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_expect(env_is_injection(yes[i]), "%s", yes[i]);
}

Test(env, ordinary_names_are_not_injection)
{
	static const char *const no[] = {
		"PATH", "HOME", "LDFLAGS", "ENVIRONMENT", "MY_ENV", "PYTHON",
		"NODE_ENV", "LANG", "GIT_AUTHOR_NAME", "XLD_PRELOAD",
	};

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_expect_not(env_is_injection(no[i]), "%s", no[i]);
}

Test(env, ordinary_variables_pass_through_in_order)
{
	char *env[] = { "PATH=/usr/bin", "HOME=/home/u", "LANG=C.UTF-8", NULL };

	apply(env);
	cr_assert_eq(out.n, 3);
	cr_assert_str_eq(out.v[0], "PATH=/usr/bin");
	cr_assert_str_eq(out.v[1], "HOME=/home/u");
	cr_assert_str_eq(out.v[2], "LANG=C.UTF-8");
	cr_assert_eq(stripped.n, 0);
}

Test(env, injection_variable_is_always_stripped)
{
	char *env[] = { "LD_PRELOAD=/tmp/x.so", "PATH=/bin", NULL };

	apply(env);
	cr_assert_null(value_of("LD_PRELOAD"));
	cr_assert_str_eq(value_of("PATH"), "/bin");
	cr_assert_eq(stripped.n, 1);
	cr_assert_str_eq(stripped.v[0], "LD_PRELOAD");
}

Test(env, injection_variable_is_stripped_even_when_allowed_by_name)
{
	char *env[] = { "LD_PRELOAD=/tmp/x.so", "NODE_OPTIONS=--require x", NULL };

	strv_push(&cs.env_allow, "LD_PRELOAD");
	strv_push(&cs.env_allow, "NODE_OPTIONS");
	apply(env);
	cr_assert_eq(out.n, 0);
	cr_assert_eq(stripped.n, 2);
}

Test(env, deny_glob_strips_matching_names)
{
	char *env[] = { "OPENAI_API_KEY=sk-1", "API_KEY_HINT=x", "PATH=/bin", NULL };

	strv_push(&cs.env_deny, "*_API_KEY");
	apply(env);
	cr_assert_null(value_of("OPENAI_API_KEY"));
	cr_assert_str_eq(value_of("API_KEY_HINT"), "x");
	cr_assert_str_eq(value_of("PATH"), "/bin");
	cr_assert_eq(stripped.n, 1);
	cr_assert_str_eq(stripped.v[0], "OPENAI_API_KEY");
}

Test(env, deny_exact_name_strips_only_that_name)
{
	char *env[] = { "GH_TOKEN=t", "GH_TOKENS=u", NULL };

	strv_push(&cs.env_deny, "GH_TOKEN");
	apply(env);
	cr_assert_null(value_of("GH_TOKEN"));
	cr_assert_str_eq(value_of("GH_TOKENS"), "u");
}

Test(env, allow_by_name_beats_deny_glob)
{
	char *env[] = { "GITHUB_TOKEN=g", "NPM_TOKEN=n", NULL };

	strv_push(&cs.env_deny, "*_TOKEN");
	strv_push(&cs.env_allow, "GITHUB_TOKEN");
	apply(env);
	cr_assert_str_eq(value_of("GITHUB_TOKEN"), "g");
	cr_assert_null(value_of("NPM_TOKEN"));
	cr_assert_eq(stripped.n, 1);
	cr_assert_str_eq(stripped.v[0], "NPM_TOKEN");
}

Test(env, set_overrides_an_inherited_value)
{
	char *env[] = { "EDITOR=emacs", "PATH=/bin", NULL };

	strv_push(&cs.env_set, "EDITOR=vi");
	apply(env);
	cr_assert_eq(out.n, 2);
	cr_assert_str_eq(out.v[0], "EDITOR=vi");
}

Test(env, set_adds_a_missing_variable)
{
	char *env[] = { "PATH=/bin", NULL };

	strv_push(&cs.env_set, "PAGER=cat");
	apply(env);
	cr_assert_eq(out.n, 2);
	cr_assert_str_eq(value_of("PAGER"), "cat");
}

Test(env, set_wins_over_deny)
{
	char *env[] = { "MY_SECRET=old", NULL };

	strv_push(&cs.env_deny, "*_SECRET");
	strv_push(&cs.env_set, "MY_SECRET=placeholder");
	apply(env);
	cr_assert_str_eq(value_of("MY_SECRET"), "placeholder");
}

Test(env, later_set_of_the_same_name_wins)
{
	char *env[] = { NULL };

	strv_push(&cs.env_set, "A=base");
	strv_push(&cs.env_set, "A=leaf");
	apply(env);
	cr_assert_eq(out.n, 1);
	cr_assert_str_eq(out.v[0], "A=leaf");
}

Test(env, set_does_not_match_a_longer_name)
{
	char *env[] = { "AB=1", NULL };

	strv_push(&cs.env_set, "A=2");
	apply(env);
	cr_assert_eq(out.n, 2);
	cr_assert_str_eq(value_of("AB"), "1");
	cr_assert_str_eq(value_of("A"), "2");
}

Test(env, malformed_entries_are_dropped_silently)
{
	char *env[] = { "NOEQUALS", "=value", "OK=1", NULL };

	apply(env);
	cr_assert_eq(out.n, 1);
	cr_assert_str_eq(out.v[0], "OK=1");
	cr_assert_eq(stripped.n, 0);
}

Test(env, empty_value_is_kept)
{
	char *env[] = { "EMPTY=", NULL };

	apply(env);
	cr_assert_eq(out.n, 1);
	cr_assert_str_eq(out.v[0], "EMPTY=");
}

Test(env, value_containing_equals_is_kept_whole)
{
	char *env[] = { "OPTS=a=b=c", NULL };

	apply(env);
	cr_assert_str_eq(value_of("OPTS"), "a=b=c");
}

Test(env, duplicate_inherited_name_keeps_one_entry)
{
	char *env[] = { "X=1", "X=2", NULL };

	apply(env);
	cr_assert_eq(out.n, 1);
	cr_assert_str_eq(out.v[0], "X=2");
}

Test(env, stripped_names_are_listed_once_and_never_values)
{
	char *env[] = { "AWS_SECRET=hunter2", "LD_PRELOAD=/evil.so",
			"AWS_SECRET=hunter3", "LD_PRELOAD=/evil2.so", NULL };

	strv_push(&cs.env_deny, "*_SECRET");
	apply(env);
	cr_assert_eq(out.n, 0);
	cr_assert_eq(stripped.n, 2);
	cr_assert_str_eq(stripped.v[0], "AWS_SECRET");
	cr_assert_str_eq(stripped.v[1], "LD_PRELOAD");
	for (size_t i = 0; i < stripped.n; i++) {
		cr_expect_null(strchr(stripped.v[i], '='));
		cr_expect_null(strstr(stripped.v[i], "hunter"));
		cr_expect_null(strstr(stripped.v[i], "evil"));
	}
}

Test(env, null_environment_gives_only_the_set_variables)
{
	strv_push(&cs.env_set, "A=1");
	env_apply(&cs, NULL, &out, &stripped);
	cr_assert_eq(out.n, 1);
	cr_assert_str_eq(out.v[0], "A=1");
}

Test(env, output_is_null_terminated)
{
	char *env[] = { "A=1", "B=2", NULL };

	apply(env);
	cr_assert_eq(out.n, 2);
	cr_assert_null(out.v[2]);
}
