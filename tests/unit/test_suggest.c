/* suggest: "did you mean …?" */
#include <criterion/criterion.h>
#include <stddef.h>

#include "../../policy/suggest.h"

static const char *const keys[] = {
	"extends", "description", "groups", "filesystem", "workdir",
	"environment", "network", "capabilities", "best_effort", "unprotect",
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const fs_keys[] = { "read", "write", "exec", "allow",
				       "deny", "deny_write" };
#define NFS (sizeof(fs_keys) / sizeof(fs_keys[0]))

Test(suggest, missing_letter)
{
	cr_assert_str_eq(suggest("alow", fs_keys, NFS), "allow");
}

Test(suggest, swapped_letters)
{
	cr_assert_str_eq(suggest("workdri", keys, NKEYS), "workdir");
}

Test(suggest, extra_letter)
{
	cr_assert_str_eq(suggest("netwoork", keys, NKEYS), "network");
}

Test(suggest, longer_words_tolerate_more_edits)
{
	cr_assert_str_eq(suggest("filesytm", keys, NKEYS), "filesystem");
	cr_assert_str_eq(suggest("enviromnent", keys, NKEYS), "environment");
}

Test(suggest, exact_match_is_returned)
{
	cr_assert_str_eq(suggest("deny", fs_keys, NFS), "deny");
}

Test(suggest, closest_of_several_wins)
{
	cr_assert_str_eq(suggest("deny_writ", fs_keys, NFS), "deny_write");
	cr_assert_str_eq(suggest("den", fs_keys, NFS), "deny");
}

Test(suggest, far_word_gives_nothing)
{
	cr_assert_null(suggest("zzzzzz", keys, NKEYS));
	cr_assert_null(suggest("banana", fs_keys, NFS));
}

Test(suggest, short_word_tolerates_one_edit_only)
{
	/* "rw" is 3 edits from "read": too far to be a useful guess */
	cr_assert_null(suggest("rw", fs_keys, NFS));
	cr_assert_str_eq(suggest("rad", fs_keys, NFS), "read");
}

Test(suggest, no_candidates_gives_nothing)
{
	cr_assert_null(suggest("allow", NULL, 0));
}

Test(suggest, very_long_word_gives_nothing)
{
	static const char *const one[] = { "allow" };
	char word[100];

	for (size_t i = 0; i < sizeof(word) - 1; i++)
		word[i] = 'a';
	word[sizeof(word) - 1] = '\0';
	cr_assert_null(suggest(word, one, 1));
}
