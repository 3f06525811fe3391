/* .gitignore semantics of the snapshot walk (rollback/ignore.h), case by
 * case as git reads them. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../rollback/ignore.h"

static struct ignores ig;

static void fini(void)
{
	ignores_free(&ig);
}

TestSuite(ignore, .fini = fini);

static bool file_ignored(const char *path)
{
	return ignored(&ig, path, false);
}

static bool dir_ignored(const char *path)
{
	return ignored(&ig, path, true);
}

Test(ignore, names_at_any_depth_and_anchored_paths)
{
	ignores_push(&ig, "", "# comment\n\n*.log\n/top.txt\ndoc/*.txt\n\\#lit\n");
	cr_assert(file_ignored("a.log"));
	cr_assert(file_ignored("d/e/b.log"));
	cr_assert(!file_ignored("a.logx"));
	cr_assert(file_ignored("top.txt"));
	cr_assert(!file_ignored("d/top.txt"));
	cr_assert(file_ignored("doc/a.txt"));
	cr_assert(!file_ignored("doc/x/a.txt"));
	cr_assert(file_ignored("#lit"));
	cr_assert(!file_ignored("comment"));
}

Test(ignore, directories_only_and_negation)
{
	ignores_push(&ig, "", "build/\n*.tmp\n!keep.tmp\ntrail   \n");
	cr_assert(dir_ignored("build"));
	cr_assert(dir_ignored("src/build"));
	cr_assert(!file_ignored("build"));
	cr_assert(file_ignored("x.tmp"));
	cr_assert(!file_ignored("keep.tmp"));
	cr_assert(file_ignored("trail"));
}

Test(ignore, double_stars)
{
	cr_assert(ignore_glob("**/foo", "foo"));
	cr_assert(ignore_glob("**/foo", "a/b/foo"));
	cr_assert(ignore_glob("a/**/b", "a/b"));
	cr_assert(ignore_glob("a/**/b", "a/x/y/b"));
	cr_assert(!ignore_glob("a/**/b", "a/x/y/c"));
	cr_assert(ignore_glob("abc/**", "abc/x/y"));
	cr_assert(!ignore_glob("abc/**", "abc"));
	cr_assert(!ignore_glob("a*c", "ab/c"));
	cr_assert(ignore_glob("[ab].c", "b.c"));
	cr_assert(!ignore_glob("[!ab].c", "a.c"));
	cr_assert(ignore_glob("[ab", "[ab"));
	cr_assert(ignore_glob("q?z", "qxz"));
}

Test(ignore, an_inner_file_applies_below_it_and_wins)
{
	ignores_push(&ig, "", "*.dat\n");
	ignores_push(&ig, "sub", "!keep.dat\nonly-here\n");
	cr_assert(file_ignored("x.dat"));
	cr_assert(file_ignored("sub/x.dat"));
	cr_assert(!file_ignored("sub/keep.dat"));
	cr_assert(file_ignored("sub/only-here"));
	cr_assert(!file_ignored("only-here"));
	ignores_pop(&ig);
	cr_assert(file_ignored("sub/keep.dat"));
}

/* The patterns are the agent's to write: none may stall the walk. */
Test(ignore, a_pathological_pattern_gives_up, .timeout = 5)
{
	char s[4001];

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	cr_assert(!ignore_glob("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", s));
}
