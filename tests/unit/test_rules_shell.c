/* The shell tokenizer (rules/shell.c) and `sh -c` scripts judged command by
 * command before any of them runs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../rules/impl.h"

static struct sh_script sc;

static void parse(const char *script)
{
	static const char *const pos[] = { "sh", "one", "two" };

	shell_free(&sc);
	shell_parse(script, "/home/u/proj", "/home/u", pos, 3, &sc);
}

static void fini(void)
{
	shell_free(&sc);
}

TestSuite(shell, .fini = fini);

/* "a b c" of command i */
static const char *cmd(size_t i)
{
	static char line[512];
	size_t n = 0;

	cr_assert_lt(i, sc.n, "only %zu commands", sc.n);
	line[0] = '\0';
	for (size_t k = 0; k < sc.v[i].argv.n; k++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", k ? " " : "",
				      sc.v[i].argv.v[k]);
	return line;
}

/* The commands parsed, exactly these, in order. */
static void expect(const char *const *want)
{
	size_t n = 0;

	for (; want[n]; n++)
		cr_assert_str_eq(cmd(n), want[n]);
	cr_assert_eq(sc.n, n, "%zu commands, not %zu", sc.n, n);
}

#define EXPECT(...) expect((const char *const[]){ __VA_ARGS__, NULL })

Test(shell, splits_on_operators_and_newlines)
{
	parse("a 1; b 2 && c|d || e & f\ng (h) { i; }");
	EXPECT("a 1", "b 2", "c", "d", "e", "f", "g", "h", "i");
}

Test(shell, quotes_escapes_comments_and_continuations)
{
	parse("echo 'a b' \"c $HOME d\" e\\ f # rm -rf /\nx\\\ny $'q r'");
	EXPECT("echo a b c /home/u d e f", "xy q r");
}

Test(shell, expands_home_and_positionals_only)
{
	parse("rm -rf ~ ~/x ${HOME}/y $1 ${2} $0 $X $(pwd) `id` ~u");
	cr_assert_str_eq(cmd(0), "rm -rf /home/u /home/u/x /home/u/y one two sh $X $(pwd) `id` ~u");
}

Test(shell, drops_keywords_assignments_and_builtin_prefixes)
{
	parse("if true; then FOO=1 command rm -rf /; fi\n"
	      "for f in a b; do exec rm $f; done\n"
	      "while ! x; do y; done\ncase $v in a) rm -rf /etc;; esac\n"
	      "function f { z; }");
	EXPECT("true", "rm -rf /", "rm $f", "x", "y", "rm -rf /etc", "z");
}

Test(shell, follows_cd)
{
	parse("cd /etc && rm x; cd; rm y; cd -; cd ../tmp; rm z");
	cr_assert_eq(sc.n, 3);
	cr_assert_str_eq(sc.v[0].cwd, "/etc");
	cr_assert_str_eq(sc.v[1].cwd, "/home/u");
	cr_assert_str_eq(sc.v[2].cwd, "/home/tmp");
}

Test(shell, collects_replacing_redirections_and_skips_heredocs)
{
	parse("echo x > /etc/a >>/etc/b 2>/etc/c &>/etc/d >|e </etc/f\n"
	      "cat <<'EOF' > out\nrm -rf /\nEOF\nnext\n: > ~/.bashrc");
	cr_assert_eq(sc.n, 4);
	cr_assert_str_eq(cmd(0), "echo x");
	cr_assert_eq(sc.v[0].writes.n, 4);
	cr_assert_str_eq(sc.v[0].writes.v[0], "/etc/a");
	cr_assert_str_eq(sc.v[0].writes.v[1], "/etc/c");
	cr_assert_str_eq(sc.v[0].writes.v[3], "e");
	cr_assert_str_eq(cmd(1), "cat");
	cr_assert_str_eq(sc.v[1].writes.v[0], "out");
	cr_assert_str_eq(cmd(2), "next");
	cr_assert_str_eq(cmd(3), ":");
	cr_assert_str_eq(sc.v[3].writes.v[0], "/home/u/.bashrc");
}

Test(shell, survives_unbalanced_input)
{
	const char *bad[] = { "'", "\"", "$(", "${", "`", "\\", "a <<", "<<E\n", "((((", "))", ";;;&&||", "" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse(bad[i]);
}
