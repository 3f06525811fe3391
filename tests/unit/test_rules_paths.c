/* rules/paths.c: lexical resolution of operands against the cwd and the
 * root tests (strictly inside, under, equal or above, .git). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../../rules/impl.h"

static void resolves(const char *cwd, const char *p, const char *want)
{
	char *got = path_resolve(cwd, p);

	cr_assert_str_eq(got, want, "resolve(%s, %s) = %s, want %s", cwd, p,
			 got, want);
	free(got);
}

Test(rules_paths, dot_and_dotdot)
{
	resolves("/home/u/proj", ".", "/home/u/proj");
	resolves("/home/u/proj", "./", "/home/u/proj");
	resolves("/home/u/proj", "..", "/home/u");
	resolves("/home/u/proj", "../..", "/home");
	resolves("/home/u/proj", "../../../../..", "/");
	resolves("/home/u/proj", "a/./b/../c", "/home/u/proj/a/c");
	resolves("/", "..", "/");
}

Test(rules_paths, slashes)
{
	resolves("/home/u/proj", "//", "/");
	resolves("/home/u/proj", "/", "/");
	resolves("/home/u/proj", "//etc//passwd", "/etc/passwd");
	resolves("/home/u/proj", "build/", "/home/u/proj/build");
	resolves("/home/u/proj/", "build//", "/home/u/proj/build");
	resolves("/home/u/proj", "/tmp/", "/tmp");
}

Test(rules_paths, relative_to_cwd_and_no_expansion)
{
	resolves("/home/u/proj/src", "../dist", "/home/u/proj/dist");
	resolves("/home/u/proj", "~", "/home/u/proj/~");
	resolves("/home/u/proj", "$HOME", "/home/u/proj/$HOME");
	resolves("/home/u/proj", "-", "/home/u/proj/-");
	resolves(NULL, "x", "/x");
}

Test(rules_paths, root_itself_is_not_inside)
{
	cr_assert_not(path_inside("/home/u/proj", "/home/u/proj"));
	cr_assert(path_inside("/home/u/proj/a", "/home/u/proj"));
	cr_assert_not(path_inside("/home/u/project", "/home/u/proj"));
	cr_assert_not(path_inside("/home/u", "/home/u/proj"));
	cr_assert_not(path_inside("/", "/"));
	cr_assert(path_inside("/etc", "/"));
	cr_assert(path_under("/home/u/proj", "/home/u/proj"));
	cr_assert(path_under("/home/u/proj/x", "/home/u/proj"));
	cr_assert_not(path_under("/home/u/projx", "/home/u/proj"));
}

Test(rules_paths, equal_or_above)
{
	cr_assert(path_above("/", "/home/u/proj"));
	cr_assert(path_above("/home", "/home/u/proj"));
	cr_assert(path_above("/home/u/proj", "/home/u/proj"));
	cr_assert_not(path_above("/home/u/proj/src", "/home/u/proj"));
	cr_assert_not(path_above("/hom", "/home/u/proj"));
}

Test(rules_paths, git_component_exactly)
{
	cr_assert(path_has_git("/p/.git"));
	cr_assert(path_has_git("/p/.git/objects"));
	cr_assert(path_has_git("/p/sub/.git/x"));
	cr_assert_not(path_has_git("/p/.github"));
	cr_assert_not(path_has_git("/p/.gitignore"));
	cr_assert_not(path_has_git("/p/x.git"));
}
