/* Secrets out of argv words (audit/redact.h). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../../audit/redact.h"

static void is(const char *prev, const char *word, const char *want)
{
	char *got = redact_word(prev, word);

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
