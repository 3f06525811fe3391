/* The interpreter one-liner reader (rules/oneliner.c): what the code would
 * run, as far as its literals tell. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../rules/impl.h"

static struct oneliner o;

static void parse(enum lang l, const char *code)
{
	oneliner_free(&o);
	oneliner_parse(l, code, "/home/u", &o);
}

static void fini(void)
{
	oneliner_free(&o);
}

TestSuite(oneliner, .fini = fini);

/* item i as one line: "sh: SCRIPT" or "argv: a b c" */
static const char *item(size_t i)
{
	static char line[512];
	size_t n;

	cr_assert_lt(i, o.n, "only %zu items", o.n);
	if (o.v[i].script) {
		snprintf(line, sizeof(line), "sh: %s", o.v[i].script);
		return line;
	}
	n = (size_t)snprintf(line, sizeof(line), "argv:");
	for (size_t k = 0; k < o.v[i].argv.n; k++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s",
				      o.v[i].argv.v[k]);
	return line;
}

Test(oneliner, python_shell_outs_as_scripts_and_argvs)
{
	parse(LANG_PYTHON, "import os, subprocess\n"
			   "os.system('rm -rf ~')  # os.system('not this')\n"
			   "subprocess.run(['rm', '-rf', '/etc'], check=True)\n"
			   "subprocess.run(\"ls -la\", shell=True)\n"
			   "os.execvp('rm', ['rm', '-r', 'x'])");
	cr_assert_eq(o.n, 4);
	cr_assert_str_eq(item(0), "sh: rm -rf ~");
	cr_assert_str_eq(item(1), "argv: rm -rf /etc");
	cr_assert_str_eq(item(2), "sh: ls -la");
	cr_assert_str_eq(item(3), "argv: rm -r x");
}

Test(oneliner, recursive_deletes_with_home_expressions)
{
	parse(LANG_PYTHON, "import shutil; from pathlib import Path\n"
			   "shutil.rmtree(Path.home() / 'docs')\n"
			   "shutil.rmtree(os.path.join(os.path.expanduser('~'), 'a', 'b'))\n"
			   "shutil.rmtree(os.environ['HOME'])\n"
			   "shutil.rmtree(r'/srv/data', ignore_errors=True)");
	cr_assert_eq(o.n, 4);
	cr_assert_str_eq(item(0), "argv: rm -rf -- /home/u/docs");
	cr_assert_str_eq(item(1), "argv: rm -rf -- /home/u/a/b");
	cr_assert_str_eq(item(2), "argv: rm -rf -- /home/u");
	cr_assert_str_eq(item(3), "argv: rm -rf -- /srv/data");
}

Test(oneliner, a_variable_leaves_the_call_to_its_execs)
{
	parse(LANG_PYTHON, "import shutil, sys; shutil.rmtree(sys.argv[1]); os.system(cmd)");
	cr_assert_eq(o.n, 0);
}

Test(oneliner, string_concatenation_is_one_word)
{
	parse(LANG_PYTHON, "os.system('rm -rf ' + str(Path.home()) + '/x')");
	cr_assert_eq(o.n, 1);
	cr_assert_str_eq(item(0), "sh: rm -rf /home/u/x");
	/* a literal ~ stays for the shell to expand, as it would */
	parse(LANG_PYTHON, "os.system('rm -rf ' + '~')");
	cr_assert_str_eq(item(0), "sh: rm -rf ~");
}

Test(oneliner, perl_calls_without_brackets_backticks_and_qx)
{
	parse(LANG_PERL, "system 'rm', '-rf', $ENV{HOME}; print `id`; qx{rm -rf /x};"
			 " File::Path::rmtree('/srv')");
	cr_assert_eq(o.n, 4);
	cr_assert_str_eq(item(0), "argv: rm -rf /home/u");
	cr_assert_str_eq(item(1), "sh: id");
	cr_assert_str_eq(item(2), "sh: rm -rf /x");
	cr_assert_str_eq(item(3), "argv: rm -rf -- /srv");
}

Test(oneliner, ruby_fileutils_and_percent_x)
{
	parse(LANG_RUBY, "require 'fileutils'; FileUtils.rm_rf File.join(Dir.home, 'x'); puts %x(ls)");
	cr_assert_eq(o.n, 2);
	cr_assert_str_eq(item(0), "argv: rm -rf -- /home/u/x");
	cr_assert_str_eq(item(1), "sh: ls");
}

Test(oneliner, node_needs_recursive_and_template_strings_are_strings)
{
	parse(LANG_NODE, "const fs = require('fs');\n"
			 "fs.rmSync('/a');\n"
			 "fs.rmSync(require('os').homedir(), {recursive: true});\n"
			 "require('child_process').spawnSync('rm', ['-rf', '/b']);\n"
			 "console.log(`rm -rf /`) // execSync('rm -rf /c')");
	cr_assert_eq(o.n, 2);
	cr_assert_str_eq(item(0), "argv: rm -rf -- /home/u");
	cr_assert_str_eq(item(1), "argv: rm -rf /b");
}

Test(oneliner, awk_pipes_and_system)
{
	parse(LANG_AWK, "BEGIN { system(\"rm -rf ~\") } { print $0 | \"sort\" }");
	cr_assert_eq(o.n, 2);
	cr_assert_str_eq(item(0), "sh: rm -rf ~");
	cr_assert_str_eq(item(1), "sh: sort");
}

Test(oneliner, unterminated_literals_and_empty_code)
{
	parse(LANG_PHP, "system('rm -rf /");
	cr_assert_eq(o.n, 1);
	cr_assert_str_eq(item(0), "sh: rm -rf /");
	parse(LANG_PYTHON, "");
	cr_assert_eq(o.n, 0);
	cr_assert_eq(lang_from_name("python"), LANG_PYTHON);
	cr_assert_eq(lang_from_name("cobol"), -1);
}
