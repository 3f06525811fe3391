/* The environment the command receives: injection variables never pass,
 * secrets are stripped by profiles with env_secrets unless kept by name, and
 * --dry-run names what it strips without showing the values. */
#include <string.h>

#include "../lib/latchtest.h"

TestSuite(env, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

#define API_VALUE "sk-latch-itest-api-value-91c2"
#define GH_VALUE "ghp_latchitestGithubValue5e17"

static const char *const injection_env[] = {
	"LD_PRELOAD=/nonexistent/latch-itest-preload.so",
	"LD_LIBRARY_PATH=/nonexistent/latch-itest-lib",
	"BASH_ENV=/nonexistent/latch-itest-bash-env",
	"NODE_OPTIONS=--require=/nonexistent/latch-itest.js",
	"PYTHONPATH=/nonexistent/latch-itest-py",
	"LATCH_ITEST_MARKER=passes-through",
	NULL,
};

Test(env, injection_variables_never_reach_the_child)
{
	const char *profiles[] = { "default", "claude-code" };

	for (size_t i = 0; i < 2; i++) {
		struct lt_opts o = { .env = injection_env };
		struct lt_result r = LT_RUN_O(&o, "run", "-p", profiles[i],
					      "--", "env");

		LT_EXIT(r, 0);
		/* the command did run, with the ordinary variables */
		cr_assert(lt_has_line_prefix(r.out, "LATCH_ITEST_MARKER=passes-through"),
			  "%s", lt_show(&r));
		cr_assert(lt_has_line_prefix(r.out, "HOME="), "%s", lt_show(&r));
		cr_assert(lt_has_line_prefix(r.out, lt_fmt("LATCH_PROFILE=%s", profiles[i])),
			  "%s", lt_show(&r));
		cr_assert(!lt_has_line_prefix(r.out, "LD_PRELOAD="), "%s", lt_show(&r));
		cr_assert(!lt_has_line_prefix(r.out, "LD_LIBRARY_PATH="), "%s", lt_show(&r));
		cr_assert(!lt_has_line_prefix(r.out, "BASH_ENV="), "%s", lt_show(&r));
		cr_assert(!lt_has_line_prefix(r.out, "NODE_OPTIONS="), "%s", lt_show(&r));
		cr_assert(!lt_has_line_prefix(r.out, "PYTHONPATH="), "%s", lt_show(&r));
		LT_LACKS(r.out, "latch-itest-preload", r);
	}
}

Test(env, injection_variables_cannot_be_kept_with_env_flag)
{
	struct lt_opts o = { .env = injection_env };
	struct lt_result r = LT_RUN_O(&o, "run", "--env", "LD_PRELOAD", "--env",
				      "BASH_ENV", "--", "env");

	LT_EXIT(r, 0);
	cr_assert(lt_has_line_prefix(r.out, "LATCH_ITEST_MARKER="), "%s", lt_show(&r));
	cr_assert(!lt_has_line_prefix(r.out, "LD_PRELOAD="), "%s", lt_show(&r));
	cr_assert(!lt_has_line_prefix(r.out, "BASH_ENV="), "%s", lt_show(&r));
}

Test(env, bash_env_is_not_sourced)
{
	char *rcfile = lt_path(lt.work, "env.sh");
	const char *env[] = { NULL, NULL };
	struct lt_opts o = { .env = env };
	struct lt_result r;

	lt_write(rcfile, "echo BASH_ENV-WAS-SOURCED\n");
	env[0] = lt_fmt("BASH_ENV=%s", rcfile);
	if (!lt_exists("/bin/bash"))
		cr_skip_test("no /bin/bash");
	r = LT_RUN_O(&o, "run", "--", "bash", "-c", "echo bash-ran");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "bash-ran", r);
	LT_LACKS(r.out, "BASH_ENV-WAS-SOURCED", r);
}

static const char *const secret_env[] = {
	"FOO_API_KEY=" API_VALUE,
	"GITHUB_TOKEN=" GH_VALUE,
	"LATCH_ITEST_MARKER=passes-through",
	NULL,
};

Test(env, claude_code_strips_secrets)
{
	struct lt_opts o = { .env = secret_env };
	struct lt_result r = LT_RUN_O(&o, "run", "-p", "claude-code", "--", "env");

	LT_EXIT(r, 0);
	cr_assert(lt_has_line_prefix(r.out, "LATCH_ITEST_MARKER=passes-through"),
		  "%s", lt_show(&r));
	cr_assert(!lt_has_line_prefix(r.out, "FOO_API_KEY="), "%s", lt_show(&r));
	cr_assert(!lt_has_line_prefix(r.out, "GITHUB_TOKEN="), "%s", lt_show(&r));
	LT_LACKS(r.out, API_VALUE, r);
	LT_LACKS(r.out, GH_VALUE, r);
	LT_LACKS(r.err, API_VALUE, r);
	LT_LACKS(r.err, GH_VALUE, r);
}

Test(env, env_flag_keeps_one_secret)
{
	struct lt_opts o = { .env = secret_env };
	struct lt_result r = LT_RUN_O(&o, "run", "-p", "claude-code", "--env",
				      "FOO_API_KEY", "--", "env");

	LT_EXIT(r, 0);
	cr_assert(lt_has_line_prefix(r.out, "FOO_API_KEY=" API_VALUE), "%s",
		  lt_show(&r));
	cr_assert(!lt_has_line_prefix(r.out, "GITHUB_TOKEN="), "%s", lt_show(&r));
	LT_LACKS(r.out, GH_VALUE, r);
}

Test(env, dry_run_names_stripped_variables_without_values)
{
	struct lt_opts o = { .env = secret_env };
	struct lt_result r;

	r = LT_RUN_O(&o, "run", "-p", "claude-code", "--dry-run", "--json",
		     "--", "env");
	LT_EXIT(r, 0);
	cr_assert(lt_json_valid(r.out, NULL), "invalid JSON\n%s", lt_show(&r));
	LT_CONTAINS(r.out, "\"stripped\"", r);
	LT_CONTAINS(r.out, "\"FOO_API_KEY\"", r);
	LT_CONTAINS(r.out, "\"GITHUB_TOKEN\"", r);
	LT_LACKS(r.out, API_VALUE, r);
	LT_LACKS(r.out, GH_VALUE, r);
	LT_LACKS(r.err, API_VALUE, r);
	LT_LACKS(r.err, GH_VALUE, r);

	/* the text form too */
	r = LT_RUN_O(&o, "run", "-p", "claude-code", "--dry-run", "--", "env");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "FOO_API_KEY", r);
	LT_CONTAINS(r.out, "GITHUB_TOKEN", r);
	LT_LACKS(r.out, API_VALUE, r);
	LT_LACKS(r.out, GH_VALUE, r);

	/* a kept one is not listed as stripped */
	r = LT_RUN_O(&o, "run", "-p", "claude-code", "--env", "FOO_API_KEY",
		     "--dry-run", "--json", "--", "env");
	LT_EXIT(r, 0);
	LT_LACKS(r.out, API_VALUE, r);
	{
		const char *s = strstr(r.out, "\"stripped\"");
		const char *end = s ? strchr(s, ']') : NULL;
		char *list = s && end ? lt_fmt("%.*s", (int)(end - s), s) : "";

		cr_assert(s && end, "%s", lt_show(&r));
		cr_assert(strstr(list, "GITHUB_TOKEN") != NULL, "%s", lt_show(&r));
		cr_assert(strstr(list, "FOO_API_KEY") == NULL,
			  "FOO_API_KEY is kept but listed as stripped\n%s",
			  lt_show(&r));
	}
}

Test(env, exported_bash_functions_are_stripped)
{
	static const char *const env[] = {
		"BASH_FUNC_ls%%=() {  echo latch-itest-hijacked; }",
		"LATCH_ITEST_MARKER=passes-through",
		NULL,
	};
	struct lt_opts o = { .env = env };
	struct lt_result r = LT_RUN_O(&o, "run", "--", "env");

	LT_EXIT(r, 0);
	cr_assert(lt_has_line_prefix(r.out, "LATCH_ITEST_MARKER="), "%s", lt_show(&r));
	cr_assert(!lt_has_line_prefix(r.out, "BASH_FUNC_"), "%s", lt_show(&r));
	LT_LACKS(r.out, "latch-itest-hijacked", r);
}

Test(env, default_profile_sets_latch_profile_and_keeps_home)
{
	struct lt_result r = LT_RUN("run", "--", "sh", "-c",
				    "echo \"home=$HOME profile=$LATCH_PROFILE\"");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, lt_fmt("home=%s profile=default", lt.home), r);
}
