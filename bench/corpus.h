/* corpus.h — the command-line corpus of bench/rules.c, shared with
 * bench/lib.c: generated in memory from a fixed seed (generate) or read
 * from a file (read_corpus), then split into argvs (parse).
 *
 * Mostly everyday agent commands (git, ls, cat, grep, find, sed, make, long
 * cc lines, npm, python3, mv, cp, rm inside the workspace …), about one in
 * nine a shell string or an interpreter one-liner (sh -c '…', python3 -c
 * '…', node -e '…'), and about one in eight destructive (rm -rf outside the
 * workspace, dd onto a disk, chmod -R on the system, sudo, git push
 * --force, git reset --hard, mkfs; and some of the strings). The lines that
 * name the workspace or HOME name the roots given to generate(), so that a
 * program deciding with other roots decides the same lines the same way.
 *
 * Corpus format: one line = one argv; words are separated by spaces or
 * tabs; a word in single quotes may hold spaces (and no single quote):
 * `sh -c 'cd build && make'`; no other quoting or escapes; empty lines and
 * lines starting with '#' are skipped. argv[0] is the command as invoked
 * (a name or a path).
 *
 * Its functions and variables are static: include it from one source file
 * of a program (it dies through harness.h's die()).
 */
#ifndef BENCH_CORPUS_H
#define BENCH_CORPUS_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* ---- the generator ---- */

static uint64_t rng_state;

static uint64_t rnd(void) /* splitmix64: deterministic on every platform */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

#define PICK(a) ((a)[below(sizeof(a) / sizeof((a)[0]))])

/* The text being generated: one growing buffer, a line at a time. */
static char *text;
static size_t text_len, text_cap;

/* Append one word (printf format) to the current line. */
static void w(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void w(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (text_cap - text_len < 512) {
		text_cap = text_cap ? 2 * text_cap : 1 << 20;
		if ((text = realloc(text, text_cap)) == NULL)
			die("out of memory");
	}
	if (text_len && text[text_len - 1] != '\n')
		text[text_len++] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(text + text_len, text_cap - text_len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= text_cap - text_len)
		die("generated word too long");
	text_len += (size_t)n;
}

static void end_line(void)
{
	text[text_len++] = '\n';
}

/* The roots generate() was given, and HOME spelled with every slash
 * doubled ("//home//u" for /home/u: the same directory, not canonical). */
static const char *root_workdir, *root_home;
static char *root_home_doubled;

/* Append a word that may start with a root: "$WORKDIR", "$HOME" or
 * "$HOME_DOUBLED", followed by the rest of `t` ("$HOME/.ssh"). */
static void w_root(const char *t)
{
	if (strncmp(t, "$WORKDIR", 8) == 0)
		w("%s%s", root_workdir, t + 8);
	else if (strncmp(t, "$HOME_DOUBLED", 13) == 0)
		w("%s%s", root_home_doubled, t + 13);
	else if (strncmp(t, "$HOME", 5) == 0)
		w("%s%s", root_home, t + 5);
	else
		w("%s", t);
}

static const char *const mods[] = { "parser", "lexer", "eval", "config",
	"strbuf", "hash", "net", "http", "json", "log", "cache", "sched",
	"alloc", "path", "cli", "render", "store", "index", "crypto", "io" };
static const char *const cdirs[] = { "src", "src/core", "src/util", "lib",
	"src/net", "tools" };
static const char *const pyfiles[] = { "app/cli.py", "app/models.py",
	"app/views.py", "app/__init__.py", "tests/test_cli.py",
	"tests/test_models.py", "tests/test_views.py", "scripts/migrate.py",
	"setup.py", "conftest.py" };
static const char *const jsfiles[] = { "src/index.ts",
	"src/components/Button.tsx", "src/components/Table.tsx",
	"src/api/client.ts", "src/hooks/useFetch.ts", "webpack.config.js",
	"src/utils/format.ts", "test/client.test.ts" };
static const char *const docs[] = { "README.md", "CHANGELOG.md", "Makefile",
	"docs/design.md", ".gitignore", "package.json", "pyproject.toml",
	"Cargo.toml", "tsconfig.json", "requirements.txt", "LICENSE",
	"build.log", "test-output.txt" };
static const char *const dirs[] = { "src", "lib", "include", "tests",
	"docs", "build", "dist", "scripts", "app", "src/components", "." };
static const char *const patterns[] = { "TODO", "FIXME", "malloc",
	"parse_config", "def_test_", "import", "useState", "fn_main", "error",
	"XXX", "strcpy", "assert", "deprecated", "http_get", "0xdeadbeef" };
static const char *const branches[] = { "main", "master", "develop",
	"feature/parser", "fix/issue-1234", "release-2.3", "wip-refactor",
	"feat/login-form", "chore/deps" };
static const char *const msgs[] = { "wip", "fix-off-by-one-in-lexer",
	"Add-parser-tests", "refactor:split-config-loader", "bump-deps",
	"docs:usage", "fix-flaky-test", "style:format" };
static const char *const libs[] = { "-lm", "-lpthread", "-lyaml", "-lz",
	"-lssl", "-lcrypto", "-lpcre2-8", "-lcurl" };

static void cfile(void) { w("%s/%s%u.c", PICK(cdirs), PICK(mods), below(4)); }
static void hfile(void) { w("include/%s.h", PICK(mods)); }
static void anyfile(void)
{
	switch (below(4)) {
	case 0: if (below(4)) cfile(); else hfile(); break;
	case 1: w("%s", PICK(pyfiles)); break;
	case 2: w("%s", PICK(jsfiles)); break;
	default: w("%s", PICK(docs)); break;
	}
}

static void gen_git(void)
{
	w("git");
	switch (below(30)) { /* global options, now and then */
	case 0: w("--no-pager"); break;
	case 1: w("-C"); w_root(PICK(((const char *const[]){ "sub", "vendor/lib", "$WORKDIR" }))); break;
	case 2: w("-c"); w("core.pager=cat"); break;
	default: break;
	}
	switch (below(24)) {
	case 0: case 1: case 2: w("status"); if (below(2)) w("--short"); break;
	case 3: case 4: w("diff"); if (below(2)) w("--stat"); break;
	case 5: w("diff"); w("HEAD~%u", 1 + below(5)); w("--"); anyfile(); break;
	case 6: w("diff"); w("--cached"); anyfile(); anyfile(); break;
	case 7: w("log"); w("--oneline"); w("-n"); w("%u", 5 + below(40)); break;
	case 8: w("log"); w("-p"); w("-n"); w("3"); w("--"); anyfile(); break;
	case 9: w("add"); for (unsigned k = 1 + below(5); k--;) anyfile(); break;
	case 10: w("add"); w("-A"); break;
	case 11: w("commit"); w("-m"); w("%s", PICK(msgs)); break;
	case 12: w("commit"); w("-am"); w("%s", PICK(msgs)); break;
	case 13: w("checkout"); w("-b"); w("%s", PICK(branches)); break;
	case 14: w("switch"); w("%s", PICK(branches)); break;
	case 15: w("push"); if (below(2)) w("-u"); w("origin"); w("%s", PICK(branches)); break;
	case 16: w("pull"); w("--rebase"); w("origin"); w("main"); break;
	case 17: w("fetch"); w("--all"); w("--prune"); break;
	case 18: w("stash"); if (below(2)) w("pop"); break;
	case 19: w("reset"); w("%s", below(2) ? "--soft" : "--mixed"); w("HEAD~1"); break;
	case 20: w("restore"); w("--staged"); anyfile(); break;
	case 21: w("rev-parse"); w("--show-toplevel"); break;
	case 22: w("show"); w("HEAD~%u", below(4)); w("--stat"); break;
	default: w("blame"); w("-L"); w("%u,%u", 10 + below(50), 80 + below(100)); cfile(); break;
	}
}

static void gen_read(void) /* ls, cat, head, tail, wc */
{
	switch (below(9)) {
	case 0: w("ls"); break;
	case 1: w("ls"); w("-la"); break;
	case 2: w("ls"); w("-la"); w("%s", PICK(dirs)); break;
	case 3: w("ls"); w("-1"); w("%s", PICK(dirs)); w("%s", PICK(dirs)); break;
	case 4: case 5: w("cat"); anyfile(); break;
	case 6: w("head"); w("-n"); w("%u", 20 + below(100)); anyfile(); break;
	case 7: w("tail"); w("-n"); w("%u", 20 + below(200)); w("build.log"); break;
	default: w("wc"); w("-l"); for (unsigned k = 1 + below(6); k--;) cfile(); break;
	}
}

static void gen_search(void) /* grep, find */
{
	switch (below(9)) {
	case 0: case 1: w("grep"); w("-rn"); w("%s", PICK(patterns)); w("src"); w("include"); break;
	case 2: w("grep"); w("-rn"); w("--include=*.c"); w("%s", PICK(patterns)); w("."); break;
	case 3: w("grep"); w("-l"); w("%s", PICK(patterns)); for (unsigned k = 2 + below(6); k--;) cfile(); break;
	case 4: w("grep"); w("-rnw"); w("-e"); w("%s", PICK(patterns)); w("-e"); w("%s", PICK(patterns)); w("%s", PICK(dirs)); break;
	case 5: w("find"); w("."); w("-name"); w("*.%s", PICK(((const char *const[]){ "c", "h", "py", "ts" }))); w("-type"); w("f"); break;
	case 6: w("find"); w("build"); w("-name"); w("*.o"); w("-delete"); break;
	case 7: w("find"); w("."); w("-path"); w("./node_modules"); w("-prune"); w("-o"); w("-name"); w("*.ts"); w("-print"); break;
	default: w("find"); w("%s", PICK(dirs)); w("-type"); w("f"); w("-mtime"); w("-1"); break;
	}
}

static void gen_edit(void) /* sed, mv, cp, mkdir, touch */
{
	switch (below(9)) {
	case 0: w("sed"); w("-i"); w("s/%s/%s/g", PICK(mods), PICK(mods)); anyfile(); break;
	case 1: w("sed"); w("-n"); w("%u,%up", below(100), 100 + below(200)); anyfile(); break;
	case 2: w("sed"); w("-i"); w("-e"); w("s/old_name/new_name/"); cfile(); cfile(); cfile(); break;
	case 3: w("mv"); cfile(); cfile(); break;
	case 4: w("mv"); w("%s", PICK(docs)); w("docs/"); break;
	case 5: w("cp"); w("-r"); w("%s", PICK(dirs)); w("/tmp/backup-%u", below(1000)); break;
	case 6: w("cp"); anyfile(); w("/var/tmp/"); break;
	case 7: w("mkdir"); w("-p"); w("build/obj/%s", PICK(mods)); break;
	default: w("touch"); cfile(); break;
	}
}

static void gen_make(void)
{
	switch (below(6)) {
	case 0: w("make"); break;
	case 1: case 2: w("make"); w("-j%u", 1 + below(8)); break;
	case 3: w("make"); w("test"); break;
	case 4: w("make"); w("clean"); break;
	default: w("make"); w("-C"); w("build"); w("install"); w("DESTDIR=/tmp/stage"); break;
	}
}

static void gen_cc(void) /* realistic compile and link lines: long argv */
{
	w("%s", PICK(((const char *const[]){ "cc", "gcc", "clang", "/usr/bin/cc" })));
	w("-O%u", below(3));
	w("-g");
	w("-Wall"); w("-Wextra");
	if (below(2)) w("-Werror");
	w("-std=c17"); w("-D_GNU_SOURCE");
	if (below(3) == 0) {        /* link */
		w("-o"); w("build/app");
		for (unsigned k = 8 + below(30); k--;)
			w("build/%s%u.o", PICK(mods), below(4));
		for (unsigned k = 1 + below(4); k--;)
			w("%s", PICK(libs));
		return;
	}
	w("-Iinclude"); w("-Isrc");
	for (unsigned k = below(4); k--;)
		w("-DCONFIG_%s=%u", PICK(((const char *const[]){ "NET", "JIT", "TLS", "DEBUG", "LOG" })), below(2));
	w("-MMD"); w("-MP"); w("-c");
	cfile();
	w("-o"); w("build/%s%u.o", PICK(mods), below(4));
}

static void gen_js(void)
{
	switch (below(8)) {
	case 0: w("npm"); w("install"); break;
	case 1: w("npm"); w("ci"); break;
	case 2: w("npm"); w("run"); w("build"); break;
	case 3: w("npm"); w("test"); w("--"); w("--watch=false"); break;
	case 4: w("npx"); w("tsc"); w("--noEmit"); w("-p"); w("tsconfig.json"); break;
	case 5: w("npx"); w("eslint"); w("--fix"); w("%s", PICK(jsfiles)); w("%s", PICK(jsfiles)); break;
	case 6: w("node"); w("scripts/gen.js"); w("--out"); w("dist"); break;
	default: w("npm"); w("install"); w("--save-dev"); w("typescript@5"); break;
	}
}

static void gen_py(void)
{
	switch (below(7)) {
	case 0: case 1: w("python3"); w("-m"); w("pytest"); w("-q"); w("%s", PICK(pyfiles)); w("-k"); w("test_%s", PICK(mods)); break;
	case 2: w("python3"); w("-m"); w("pytest"); w("-x"); w("--tb=short"); break;
	case 3: w("python3"); w("scripts/migrate.py"); w("--dry-run"); break;
	case 4: w("python3"); w("-m"); w("pip"); w("install"); w("-r"); w("requirements.txt"); break;
	case 5: w("python3"); w("-m"); w("venv"); w(".venv"); break;
	default: w(".venv/bin/python"); w("%s", PICK(pyfiles)); w("--verbose"); break;
	}
}

/* Agents run most commands through a shell, and some through an
 * interpreter: strings the engine tokenizes (words with spaces, quoted in
 * the corpus). About one in six is destructive. */
static void gen_strings(void)
{
	static const char *const sh[] = { "sh", "bash", "/bin/sh", "bash" };
	static const char *const scripts[] = {
		"cd build && make -j2 2>&1 | tail -20",
		"npm test 2>&1 | tee /tmp/test.log",
		"git status --short && git diff --stat",
		"for f in src/*.c; do cc -c $f -o build/$(basename $f .c).o; done",
		"grep -rn TODO src | wc -l",
		"ls -la; cat package.json | jq .scripts",
		"python3 -m pytest -q > /tmp/out.txt; echo $?",
		"rm -rf build dist && mkdir -p build",
		"if [ -d node_modules ]; then npm ci; fi",
		"export CC=clang; cd src && make",
		"rm -rf ~/.cache/pip && pip install -r requirements.txt",
		"find . -name '*.pyc' -delete",
		"cd / && rm -rf home",                     /* destructive */
		"git fetch && git reset --hard origin/main", /* destructive */
		"echo ok > /etc/hosts",                     /* destructive */
	};
	static const char *const code[][2] = {
		{ "python3", "import json; print(json.load(open('package.json'))['name'])" },
		{ "python3", "import shutil; shutil.rmtree('build', ignore_errors=True)" },
		{ "python3", "import subprocess; subprocess.run(['git', 'status'])" },
		{ "node", "console.log(require('./package.json').version)" },
		{ "node", "require('fs').rmSync('dist', {recursive: true, force: true})" },
		{ "perl", "s/foo/bar/g" },
		{ "python3", "import shutil, os; shutil.rmtree(os.path.expanduser('~'))" }, /* destructive */
		{ "node", "require('child_process').execSync('rm -rf ~/src')" },          /* destructive */
	};

	if (below(3)) {
		w("%s", PICK(sh));
		w("-c");
		w("'%s'", PICK(scripts));
	} else {
		unsigned k = below(sizeof(code) / sizeof(code[0]));

		w("%s", code[k][0]);
		w("%s", strcmp(code[k][0], "python3") == 0 ? "-c" : "-e");
		w("'%s'", code[k][1]);
	}
}

static void gen_rm_inside(void) /* deletes inside the workspace or /tmp: allowed */
{
	switch (below(9)) {
	case 0: w("rm"); cfile(); break;
	case 1: w("rm"); w("-f"); for (unsigned k = 1 + below(8); k--;) w("build/%s%u.o", PICK(mods), below(4)); break;
	case 2: case 3: w("rm"); w("-rf"); w("%s", PICK(((const char *const[]){ "build", "dist", "node_modules", "target", ".pytest_cache", "./build/", "out" }))); break;
	case 4: w("rm"); w("-rf"); w("node_modules"); w("dist"); break;
	case 5: w("rm"); w("-rf"); w("/tmp/scratch-%u", below(10000)); break;
	case 6: w("rm"); w("-rf"); w_root("$WORKDIR/target"); break;
	case 7: w("rm"); w("-r"); w("%s/__pycache__", PICK(((const char *const[]){ "app", "tests", "scripts" }))); break;
	default: w("rm"); w("-rf"); w_root("$HOME/.cache/pip"); break;
	}
}

static void gen_near_miss(void) /* commands the packs look at, allowed */
{
	switch (below(7)) {
	case 0: w("chmod"); w("+x"); w("scripts/run.sh"); break;
	case 1: w("chmod"); w("-R"); w("u+w"); w("build"); break;
	case 2: w("dd"); w("if=/dev/zero"); w("of=disk.img"); w("bs=1M"); w("count=%u", 1 + below(128)); break;
	case 3: w("chown"); w("-R"); w("u:u"); w("out"); break;
	case 4: w("git"); w("push"); w("origin"); w("main"); break;
	case 5: w("git"); w("reset"); w("HEAD"); cfile(); break;
	default: w("mkfifo"); w("/tmp/pipe-%u", below(100)); break;
	}
}

static void gen_misc(void)
{
	switch (below(10)) {
	case 0: w("tar"); w("czf"); w("dist.tgz"); w("dist"); break;
	case 1: w("curl"); w("-sSL"); w("-o"); w("/tmp/dl.tar.gz"); w("https://example.com/pkg-%u.tar.gz", below(50)); break;
	case 2: w("diff"); w("-u"); cfile(); cfile(); break;
	case 3: w("env"); w("CC=clang"); w("make"); w("-j2"); break;
	case 4: w("which"); w("python3"); break;
	case 5: w("cargo"); w("build"); w("--release"); break;
	case 6: w("go"); w("test"); w("./..."); break;
	case 7: w("jq"); w(".scripts"); w("package.json"); break;
	case 8: w("/bin/sh"); w("scripts/ci.sh"); w("--quick"); break;
	default: w("echo"); w("done"); break;
	}
}

static void gen_destructive(void)
{
	static const char *const rm_targets[] = { "/", "$HOME", "$HOME/", "../..",
		"..", ".", "/etc", "/usr/lib/python3", "/var/lib/docker",
		"$HOME/.ssh", "$WORKDIR", ".git", ".git/objects", "/opt", "/tmp",
		"$HOME_DOUBLED/", "build/../.." };
	static const char *const disks[] = { "/dev/sda", "/dev/sdb1",
		"/dev/nvme0n1", "/dev/vda", "/dev/mmcblk0", "/dev/disk/by-id/usb-stick" };
	static const char *const sysdirs[] = { "/", "/etc", "/usr/local",
		"/home", "$HOME", "/var/lib", "/boot/", "../.." };

	switch (below(20)) {
	case 0: case 1: case 2: w("rm"); w("-rf"); w_root(PICK(rm_targets)); break;
	case 3: w("rm"); w("-rf"); w("build"); w_root(PICK(rm_targets)); break;
	case 4: w("/bin/rm"); w("-r"); w("--no-preserve-root"); w("/"); break;
	case 5: w("rm"); w("-f"); w_root("$HOME/.bashrc"); break;
	case 6: case 7: w("dd"); w("if=/dev/zero"); w("of=%s", PICK(disks)); w("bs=4M"); if (below(2)) w("status=progress"); break;
	case 8: w("dd"); w("if=image.iso"); w("of=%s", PICK(disks)); w("bs=4M"); w("conv=fsync"); break;
	case 9: case 10: {
		static const char *const cmd[][2] = { { "chmod", "777" },
			{ "chmod", "755" }, { "chown", "u:u" }, { "chgrp", "staff" } };
		unsigned k = below(4);

		w("%s", cmd[k][0]); w("-R"); w("%s", cmd[k][1]); w_root(PICK(sysdirs));
		break;
	}
	case 11: w("sudo"); w("apt-get"); w("install"); w("-y"); w("build-essential"); break;
	case 12: w("sudo"); w("rm"); w("-rf"); w("/var/cache/apt"); break;
	case 13: w("%s", PICK(((const char *const[]){ "su", "doas", "pkexec", "sudo" }))); w("sh"); break;
	case 14: w("git"); w("push"); w("--force"); w("origin"); w("%s", PICK(branches)); break;
	case 15: w("git"); w("push"); w("-f"); break;
	case 16: w("git"); w("push"); w("origin"); w("+main"); break;
	case 17: w("git"); w("reset"); w("--hard"); w("%s", below(2) ? "HEAD~3" : "origin/main"); break;
	case 18: w("%s", PICK(((const char *const[]){ "mkfs.ext4", "mkfs.vfat", "mkswap", "wipefs" })));
		w("%s", PICK(disks)); break;
	default: w("mkfs"); w("-t"); w("ext4"); w("/dev/sdb1"); break;
	}
}

/* Templates and their weights, in lines per 100 (destructive: 12). */
static const struct {
	unsigned weight;
	void (*gen)(void);
} templates[] = {
	{ 22, gen_git }, { 12, gen_read }, { 9, gen_search }, { 8, gen_edit },
	{ 5, gen_make }, { 9, gen_cc }, { 5, gen_js }, { 5, gen_py },
	{ 5, gen_rm_inside }, { 3, gen_near_miss }, { 5, gen_misc },
	{ 12, gen_destructive }, { 10, gen_strings },
};

/* Generate `lines` lines from `seed` into `text`, naming `workdir` as the
 * workspace and `home` as HOME (absolute, without a trailing slash or a
 * space). */
static void generate(size_t lines, uint64_t seed, const char *workdir,
		     const char *home)
{
	unsigned total = 0;
	size_t n = 0;

	free(root_home_doubled);
	if ((root_home_doubled = malloc(2 * strlen(home) + 1)) == NULL)
		die("out of memory");
	for (const char *c = home; *c; c++)
		if ((root_home_doubled[n++] = *c) == '/')
			root_home_doubled[n++] = '/';
	root_home_doubled[n] = '\0';
	root_workdir = workdir;
	root_home = home;
	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
		total += templates[i].weight;
	rng_state = seed;
	w("# bench/rules corpus: %zu lines, seed %llu; one argv per line, words separated by spaces, 'quoted words' may hold spaces",
	  lines, (unsigned long long)seed);
	end_line();
	for (size_t l = 0; l < lines; l++) {
		unsigned x = below(total), i = 0;

		while (x >= templates[i].weight)
			x -= templates[i++].weight;
		templates[i].gen();
		end_line();
	}
}

static void read_corpus(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t n;

	if (f == NULL)
		die("cannot open the corpus '%s': %s", path, strerror(errno));
	do {
		if (text_cap - text_len < 65536) {
			text_cap = text_cap ? 2 * text_cap : 1 << 20;
			if ((text = realloc(text, text_cap)) == NULL)
				die("out of memory");
		}
		n = fread(text + text_len, 1, text_cap - text_len - 1, f);
		text_len += n;
	} while (n > 0);
	if (ferror(f))
		die("cannot read the corpus '%s'", path);
	if (f != stdin)
		fclose(f);
	if (text_len && text[text_len - 1] != '\n')
		text[text_len++] = '\n';
}

/* ---- the corpus as argvs ---- */

struct line {
	const char *const *argv;
	size_t argc;
};

static struct line *corpus;
static size_t n_lines, max_argc, total_words;

/* Split `text` in place into lines of words. */
static void parse(void)
{
	size_t cap_words = 0, n_words = 0, cap_lines = 0;
	size_t *start = NULL; /* each line's first word, as an index */
	const char **words = NULL;
	char *p = text, *end = text + text_len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t first = n_words;

		*nl = '\0';
		if (*p != '#') {
			for (char *q = p; *q;) {
				while (*q == ' ' || *q == '\t' || *q == '\r')
					*q++ = '\0';
				if (*q == '\0')
					break;
				if (n_words + 2 > cap_words) {
					cap_words = cap_words ? 2 * cap_words : 65536;
					words = realloc(words, cap_words * sizeof(*words));
					if (words == NULL)
						die("out of memory");
				}
				if (*q == '\'') { /* 'a quoted word, spaces and all' */
					char *close = strchr(q + 1, '\'');

					if (close == NULL)
						die("a quoted word is not closed: %s", q);
					words[n_words++] = q + 1;
					*close = '\0';
					q = close + 1;
					continue;
				}
				words[n_words++] = q;
				while (*q && *q != ' ' && *q != '\t' && *q != '\r')
					q++;
			}
		}
		if (n_words > first) {
			if (n_lines == cap_lines) {
				cap_lines = cap_lines ? 2 * cap_lines : 16384;
				start = realloc(start, cap_lines * sizeof(*start));
				corpus = realloc(corpus, cap_lines * sizeof(*corpus));
				if (start == NULL || corpus == NULL)
					die("out of memory");
			}
			start[n_lines] = first;
			corpus[n_lines++].argc = n_words - first;
			if (n_words - first > max_argc)
				max_argc = n_words - first;
			total_words += n_words - first;
			words[n_words++] = NULL; /* argv is NULL-terminated */
		}
		p = nl + 1;
	}
	if (n_lines == 0)
		die("the corpus has no lines");
	for (size_t i = 0; i < n_lines; i++) /* `words` no longer moves */
		corpus[i].argv = words + start[i];
	free(start);
}

#endif
