/* Secrets out of argv words (audit/redact.h). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../../audit/redact.h"

static void is(const char *prev, const char *word, const char *want)
{
	char *got = redact_word(prev, word, NULL);

	if (want == NULL)
		cr_expect_null(got, "'%s' after '%s' became '%s'", word,
			       prev ? prev : "", got ? got : "");
	else
		cr_expect_str_eq(got ? got : "(unchanged)", want);
	free(got);
}

Test(redact, option_values)
{
	is("--token", "abc", "***");
	is("--api-key", "abc", "***");
	is("-password", "abc", "***");
	is(NULL, "--client-secret=abc", "--client-secret=***");
	is("--tokens", "abc", NULL);
	is("--verbose", "abc", NULL);
}

Test(redact, secret_names)
{
	is(NULL, "AWS_SECRET_ACCESS_KEY=xyz", "AWS_SECRET_ACCESS_KEY=***");
	is(NULL, "github_token=1", "github_token=***");
	is(NULL, "DB_PASSWORD=", "DB_PASSWORD=***");
	is(NULL, "PATH=/usr/bin", NULL);
	is(NULL, "--format=%s", NULL);
}

Test(redact, urls_and_headers)
{
	is(NULL, "https://u:p@h.example/r.git", "https://***@h.example/r.git");
	is(NULL, "ssh://git@github.com/x", "ssh://***@github.com/x");
	is(NULL, "https://h.example/a@b", NULL); /* '@' after the host */
	/* found by fuzz_argv: a userinfo shorter than the mask */
	is(NULL, "~://(@", "~://***@");
	is(NULL, "a://x@h", "a://***@h");
	is(NULL, "x://@h", NULL);
	is(NULL, "Authorization: Bearer abc", "Authorization:***");
	is(NULL, "cookie: a=b", "cookie:***");
}

Test(redact, key_formats)
{
	is(NULL, "sk-ant-api03-abcdefghijklmnop", "***");
	is(NULL, "x=ghp_0123456789abcdefghij0123", "x=***");
	is(NULL, "AKIAABCDEFGHIJKLMNOP", "***");
	is(NULL, "see sk-abcdefghijklmnopqrst and ghs_abcdefghijklmnopqrst1", "see *** and ***");
	is(NULL, "sk-short", NULL);
	is(NULL, "task-abcdefghijklmnopqrst", NULL); /* not at a token start */
	is(NULL, "", NULL);
}

Test(redact, credential_headers)
{
	is(NULL, "x-api-key: sk-whatever", "x-api-key:***");
	is(NULL, "-HAuthorization: Bearer abc", "-HAuthorization:***");
	is(NULL, "Proxy-Authorization: Basic eA==", "Proxy-Authorization:***");
	is(NULL, "Private-Token: abc", "Private-Token:***");
	is(NULL, "Accept: text/html", NULL);
}

Test(redact, secret_query_parameters)
{
	is(NULL, "https://h.example/a?token=abc&page=2", "https://h.example/a?token=***&page=2");
	is(NULL, "https://h.example/a?page=2&api_key=k1&sig=s#frag",
	   "https://h.example/a?page=2&api_key=***&sig=***#frag");
	is(NULL, "https://h.example/a?key=&x", NULL); /* empty: nothing to hide */
	is(NULL, "https://h.example/a?page=2&monkey=1", NULL);
	is(NULL, "token=abc?x", "token=***"); /* a NAME=VALUE word first */
	is(NULL, "not-a-url?token=abc", NULL);
}

Test(redact, the_environment_secret_values)
{
	char *env[] = { "MY_API_KEY=s3cr3t-value-1", "SHORT_TOKEN=abc", "HOME=/home/u-secretive",
			"DB_PASSWORD=s3cr3t-value-1", NULL };
	struct strv values = { 0 };
	char *got;

	redact_env_values(env, &values);
	cr_assert_eq(values.n, 1, "only long values of secret names, once: %zu", values.n);
	got = redact_word(NULL, "curl -d s3cr3t-value-1 s3cr3t-value-1x", &values);
	cr_expect_str_eq(got, "curl -d *** ***x");
	free(got);
	got = redact_word(NULL, "/home/u-secretive/x", &values);
	cr_expect_null(got);
	strv_free(&values);
}

/* Every key format of the table, each masked (redact.c also keeps their
 * first characters in KEY_FIRST: one missing there would fail here). */
Test(redact, every_key_format)
{
	static const char *const keys[] = {
		"sk-aaaaaaaaaaaaaaaaaaaa", "ghp_aaaaaaaaaaaaaaaaaaaaaaa", "gho_aaaaaaaaaaaaaaaaaaaaaaa",
		"ghu_aaaaaaaaaaaaaaaaaaaaaaa", "ghs_aaaaaaaaaaaaaaaaaaaaaaa", "ghr_aaaaaaaaaaaaaaaaaaaaaaa",
		"github_pat_aaaaaaaaaaaaaaaaaaaaaaa", "glpat-aaaaaaaaaaaaaaaaaaa", "xoxa-aaaaaaaaaaaa",
		"xoxb-aaaaaaaaaaaa", "xoxp-aaaaaaaaaaaa", "xoxr-aaaaaaaaaaaa", "xoxs-aaaaaaaaaaaa",
		"AKIAAAAAAAAAAAAAAAAA", "ASIAAAAAAAAAAAAAAAAA", "AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		is(NULL, keys[i], "***");
}

/* Found in review: agents run command lines through `sh -c`, so a word
 * can be a whole script; each of its tokens gets the rules. */
Test(redact, inside_a_script_every_token)
{
	is(NULL, "curl -H 'Authorization: Bearer abc123secret' https://api.x.com/",
	   "curl -H 'Authorization: ***' https://api.x.com/");
	is(NULL, "curl -H \"x-api-key: k1\" -d @f https://a.example",
	   "curl -H \"x-api-key: ***\" -d @f https://a.example");
	is(NULL, "GITHUB_TOKEN=abc123 gh api https://api.github.com/user",
	   "GITHUB_TOKEN=*** gh api https://api.github.com/user");
	is(NULL, "curl -s https://example.com/ && git clone https://bob:hunter2pass@git.corp/x.git",
	   "curl -s https://example.com/ && git clone https://***@git.corp/x.git");
	is(NULL, "mysql --password hunter2 -h db", "mysql --password *** -h db");
	is(NULL, "wget '--header=Authorization: Bearer t0k' https://x", "wget '--header=Authorization: ***' https://x");
	is(NULL, "--header=Authorization: Bearer t0k", "--header=Authorization:***");
	is(NULL, "echo Authorization: Bearer t0k; ls", "echo Authorization: ***; ls");
	is(NULL, "make -j2 all", NULL);
	is(NULL, "echo 'it is fine'", NULL);
}
