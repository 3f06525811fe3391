/* oneliner.c — what an interpreter one-liner (python -c, perl -e, ruby -e,
 * node -e, php -r, an awk program) would run, as far as its literals tell.
 * Pure: no OS calls.
 *
 * The code is cut into tokens (names with their dots, string literals,
 * brackets, commas); comments are skipped. A call of a shell-out function
 * of the language (os.system, subprocess.run, system, exec, execSync,
 * spawn, shell_exec …) gives a shell script (one string argument) or an
 * argv (a list, or several strings); backticks, qx{} and %x{} are shell
 * scripts; in awk, a string piped to or from (`print | "cmd"`) is one. A
 * recursive-delete call (shutil.rmtree, File::Path rmtree, FileUtils.rm_rf,
 * fs.rmSync with `recursive` …) gives `rm -rf -- TARGET`. Arguments are
 * known only when built of literals, home expressions (~, Path.home(),
 * os.homedir(), Dir.home, $ENV{HOME} …) and path joins; anything else (a
 * variable) leaves the call to the execs it makes.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "impl.h"

#define MAX_TOKENS 16384
#define MAX_ITEMS 256

enum tk { TK_NAME, TK_STR, TK_SHELL, TK_OPEN, TK_CLOSE, TK_COMMA, TK_END,
	  TK_PIPE, TK_OTHER };

struct token {
	enum tk kind;
	char *text; /* TK_NAME, TK_STR, TK_SHELL */
	char c;     /* TK_OPEN, TK_CLOSE, TK_OTHER */
};

struct toks {
	struct token *v;
	size_t n;
};

static const char *const lang_names[] = {
	[LANG_PYTHON] = "python", [LANG_PERL] = "perl", [LANG_RUBY] = "ruby",
	[LANG_NODE] = "node", [LANG_PHP] = "php", [LANG_AWK] = "awk",
};

int lang_from_name(const char *s)
{
	for (int i = LANG_PYTHON; i <= LANG_AWK; i++)
		if (strcmp(s, lang_names[i]) == 0)
			return i;
	return -1;
}

static void push(struct toks *t, enum tk k, char *text, char c)
{
	if (t->n == MAX_TOKENS) {
		free(text);
		return;
	}
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = (struct token){ k, text, c };
}

static bool name_char(char c)
{
	return c == '_' || c == '.' || c == '$' || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The end of a name at s[i]: perl's File::Path::rmtree is one name. */
static size_t name_end(const char *s, size_t n, size_t i)
{
	while (i < n && (name_char(s[i]) ||
			 (s[i] == ':' && i + 1 < n && s[i + 1] == ':'))) {
		i += s[i] == ':' ? 2 : 1;
	}
	return i;
}

/* A quoted literal from s[*i] (the opening quote `q`, or `close` for a
 * bracketed one), backslash escapes kept simple: \x is x. */
static char *literal(const char *s, size_t n, size_t *i, char close,
		     bool triple)
{
	char *out = xmalloc(n - *i + 1);
	size_t o = 0, j = *i + (triple ? 3 : 1);

	for (; j < n; j++) {
		if (s[j] == '\\' && j + 1 < n) {
			char e = s[++j];

			out[o++] = e == 'n' ? '\n' : e == 't' ? '\t' : e;
			continue;
		}
		if (s[j] == close &&
		    (!triple || (j + 2 < n && s[j + 1] == close && s[j + 2] == close)))
			break;
		out[o++] = s[j];
	}
	out[o] = '\0';
	*i = j + (triple ? 3 : 1);
	return out;
}

static char closing(char open)
{
	return open == '{' ? '}' : open == '(' ? ')' : open == '[' ? ']' :
	       open == '<' ? '>' : open;
}

/* qx{…} (perl) or %x{…} (ruby) at s[i]: the index of the opening
 * bracket, or 0. */
static size_t shell_quote(enum lang l, const char *s, size_t n, size_t i)
{
	if (l == LANG_PERL && i + 2 < n && s[i] == 'q' && s[i + 1] == 'x' &&
	    strchr("{(/|[<", s[i + 2]) && (i == 0 || !name_char(s[i - 1])))
		return i + 2;
	if (l == LANG_RUBY && i + 2 < n && s[i] == '%' && s[i + 1] == 'x' &&
	    strchr("{(|[<", s[i + 2]))
		return i + 2;
	return 0;
}

static bool comment_at(enum lang l, const char *s, size_t n, size_t i)
{
	if (s[i] == '#')
		return l != LANG_NODE;
	return (l == LANG_NODE || l == LANG_PHP) && i + 1 < n && s[i] == '/' &&
	       (s[i + 1] == '/' || s[i + 1] == '*');
}

static size_t skip_comment(const char *s, size_t n, size_t i)
{
	if (s[i] == '/' && s[i + 1] == '*') {
		const char *e = strstr(s + i + 2, "*/");

		return e ? (size_t)(e - s) + 2 : n;
	}
	while (i < n && s[i] != '\n')
		i++;
	return i;
}

static void tokenize(enum lang l, const char *s, struct toks *t)
{
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		char c = s[i];

		if ((k = shell_quote(l, s, n, i)) != 0) {
			i = k;
			push(t, TK_SHELL, literal(s, n, &i, closing(s[k]), false), 0);
		} else if (comment_at(l, s, n, i)) {
			i = skip_comment(s, n, i);
		} else if (c == '\'' || c == '"' || c == '`') {
			bool triple = l == LANG_PYTHON && i + 2 < n &&
				      s[i + 1] == c && s[i + 2] == c;
			/* backticks: a command in perl, ruby and php, a
			 * template string in javascript */
			enum tk kind = c == '`' && l != LANG_NODE ? TK_SHELL : TK_STR;

			push(t, kind, literal(s, n, &i, c, triple), 0);
		} else if (name_char(c)) {
			k = name_end(s, n, i);
			/* python's string prefixes: r'…', b"…", f'…' */
			if (k < n && (s[k] == '\'' || s[k] == '"') && k - i <= 2 &&
			    strspn(s + i, "rRbBuUfF") >= k - i) {
				i = k;
				continue;
			}
			push(t, TK_NAME, xstrndup(s + i, k - i), 0);
			i = k;
		} else {
			enum tk kind = strchr("([{", c) ? TK_OPEN
				     : strchr(")]}", c) ? TK_CLOSE
				     : c == ',' ? TK_COMMA
				     : c == ';' || c == '\n' ? TK_END
				     : c == '|' ? TK_PIPE : TK_OTHER;

			if (c != ' ' && c != '\t' && c != '\r')
				push(t, kind, NULL, c);
			i++;
		}
	}
}

/* The last component of a dotted name (os.system → system). */
static const char *last_part(const char *name)
{
	const char *p = name + strlen(name);

	while (p > name && p[-1] != '.' && p[-1] != ':' && p[-1] != '$')
		p--;
	return p;
}

static bool in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return true;
	return false;
}

static const char *const py_shell[] = {
	"system", "popen", "run", "call", "check_call", "check_output",
	"Popen", "getoutput", "getstatusoutput", "execl", "execle", "execlp",
	"execlpe", "execv", "execve", "execvp", "execvpe", "spawnl", "spawnle",
	"spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
	"spawn", NULL };
static const char *const pl_shell[] = { "system", "exec", "readpipe", NULL };
static const char *const rb_shell[] = { "system", "exec", "spawn", "popen",
					"capture2", "capture2e", "capture3",
					"popen2", "popen3", NULL };
static const char *const js_shell[] = { "exec", "execSync", "execFile",
					"execFileSync", "spawn", "spawnSync",
					NULL };
static const char *const php_shell[] = { "system", "exec", "shell_exec",
					 "passthru", "popen", "proc_open", NULL };
static const char *const awk_shell[] = { "system", NULL };

static const char *const py_delete[] = { "rmtree", NULL };
static const char *const pl_delete[] = { "rmtree", "remove_tree", NULL };
static const char *const rb_delete[] = { "rm_rf", "rm_r", "remove_dir",
					 "remove_entry", "remove_entry_secure",
					 "rmtree", NULL };
static const char *const js_delete[] = { "rmSync", "rm", "rmdirSync",
					 "rmdir", NULL };
static const char *const none[] = { NULL };

static const char *const *shell_calls(enum lang l)
{
	static const char *const *const t[] = {
		[LANG_PYTHON] = py_shell, [LANG_PERL] = pl_shell,
		[LANG_RUBY] = rb_shell, [LANG_NODE] = js_shell,
		[LANG_PHP] = php_shell, [LANG_AWK] = awk_shell,
	};
	return t[l];
}

static const char *const *delete_calls(enum lang l)
{
	static const char *const *const t[] = {
		[LANG_PYTHON] = py_delete, [LANG_PERL] = pl_delete,
		[LANG_RUBY] = rb_delete, [LANG_NODE] = js_delete,
		[LANG_PHP] = none, [LANG_AWK] = none,
	};
	return t[l];
}

/* Names that only build a path from their arguments. */
static bool path_builder(const char *name)
{
	static const char *const b[] = { "join", "Path", "PosixPath",
					 "expanduser", "expand_path",
					 "resolve", "str", "new", "normalize",
					 "abspath", "realpath", "path", NULL };

	return in_list(last_part(name), b);
}

/* Names that mean the home directory. */
static bool home_name(const char *name)
{
	static const char *const h[] = { "home", "homedir", "HOME", NULL };

	return in_list(last_part(name), h);
}

/* Names around a "HOME" that mean the environment's. */
static bool env_name(const char *name)
{
	static const char *const e[] = { "environ", "ENV", "env", "getenv",
					 "_ENV", "_SERVER", NULL };

	return in_list(last_part(name), e);
}

/* The tokens [from, to) of one argument as a path or word: literals,
 * home expressions and path joins. NULL: not known without running it. */
static char *arg_value(const struct toks *t, size_t from, size_t to,
		       const char *home)
{
	char *cur = NULL;
	bool concat = false; /* "a" + "b": one string, else a path join */

	for (size_t i = from; i < to; i++)
		concat |= t->v[i].kind == TK_OTHER && t->v[i].c == '+';

	for (size_t i = from; i < to; i++) {
		const struct token *k = &t->v[i];
		const char *part = NULL;
		char *next;

		if (k->kind == TK_NAME && strcmp(k->text, "require") == 0) {
			/* require('os').homedir(): the module's name is no part */
			if (i + 3 < to && t->v[i + 1].kind == TK_OPEN &&
			    t->v[i + 2].kind == TK_STR && t->v[i + 3].kind == TK_CLOSE)
				i += 3;
			continue;
		}
		if (k->kind == TK_NAME && home_name(k->text)) {
			part = "~";
		} else if (k->kind == TK_NAME && env_name(k->text)) {
			continue; /* its "HOME" follows */
		} else if (k->kind == TK_NAME && path_builder(k->text)) {
			continue;
		} else if (k->kind == TK_STR) {
			part = k->text;
		} else if (k->kind == TK_NAME) {
			free(cur); /* a variable: unknown */
			return NULL;
		} else {
			continue; /* brackets, '/', '+' between parts */
		}
		if (strcmp(part, "HOME") == 0 && i > from &&
		    (t->v[i - 1].kind == TK_OPEN || t->v[i - 1].kind == TK_NAME))
			part = "~"; /* ENV['HOME'], $ENV{HOME} */
		if (part[0] == '~' && (part[1] == '\0' || part[1] == '/') &&
		    (!concat || k->kind == TK_NAME || strcmp(k->text, "HOME") == 0)) {
			if (home == NULL) {
				free(cur);
				return NULL;
			}
			next = xjoin(cur && concat ? cur : NULL, home, part + 1);
		} else if (concat) {
			next = xjoin(cur, part);
		} else if (part[0] == '/' || cur == NULL) {
			next = xstrdup(part);
		} else {
			next = xjoin(cur, "/", part);
		}
		free(cur);
		cur = next;
	}
	return cur;
}

/* The end of the argument list that starts at t->v[i] (after an opening
 * bracket: its closing one; else the end of the statement), and the
 * argument boundaries (commas at depth 0) in `cuts`. */
static size_t args_end(const struct toks *t, size_t i, bool paren,
		       size_t *cuts, size_t *ncuts, size_t max)
{
	int depth = 0;

	*ncuts = 0;
	for (; i < t->n; i++) {
		enum tk k = t->v[i].kind;

		if (k == TK_OPEN)
			depth++;
		else if (k == TK_CLOSE && --depth < 0)
			return i;
		else if (depth == 0 && k == TK_COMMA && *ncuts < max)
			cuts[(*ncuts)++] = i;
		else if (depth == 0 && !paren && (k == TK_END || k == TK_PIPE))
			return i;
	}
	return t->n;
}

static void add_script(struct oneliner *o, const char *text)
{
	if (o->n == MAX_ITEMS)
		return;
	o->v = xrealloc(o->v, (o->n + 1) * sizeof(*o->v));
	o->v[o->n++] = (struct ol_item){ .script = xstrdup(text) };
}

static void add_argv(struct oneliner *o, struct strv *argv)
{
	if (o->n == MAX_ITEMS || argv->n == 0) {
		strv_free(argv);
		return;
	}
	o->v = xrealloc(o->v, (o->n + 1) * sizeof(*o->v));
	o->v[o->n++] = (struct ol_item){ .argv = *argv };
	memset(argv, 0, sizeof(*argv));
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* A shell-out call whose arguments are t->v[from..to) cut at `cuts`. */
static void shell_call(struct oneliner *o, const struct toks *t, size_t from,
		       size_t to, const size_t *cuts, size_t ncuts,
		       const char *home)
{
	struct strv argv = { 0 };

	for (size_t a = 0; a <= ncuts; a++) {
		size_t s = a ? cuts[a - 1] + 1 : from, e = a < ncuts ? cuts[a] : to;
		char *v;

		if (s >= e)
			break;
		if (t->v[s].kind == TK_OPEN && t->v[s].c == '[') {
			/* a list: its elements, each known or not at all */
			size_t inner[64], n, end = args_end(t, s + 1, true, inner, &n, 64);

			for (size_t b = 0; b <= n; b++) {
				size_t bs = b ? inner[b - 1] + 1 : s + 1,
				       be = b < n ? inner[b] : end;

				if (bs < be && (v = arg_value(t, bs, be, home)))
					strv_push_owned(&argv, v);
				else if (bs < be)
					break;
			}
			break;
		}
		if (a == 0 && ncuts == 0 && e == s + 1 && t->v[s].kind == TK_STR) {
			add_script(o, t->v[s].text); /* one string: sh -c */
			return;
		}
		if (t->v[s].kind == TK_NAME && strchr(t->v[s].text, '=') == NULL &&
		    s + 1 < e && t->v[s + 1].kind == TK_OTHER && t->v[s + 1].c == '=')
			break; /* shell=True, encoding=…: the end of the words */
		if (t->v[s].kind == TK_OPEN && t->v[s].c == '{')
			break; /* an options object */
		v = arg_value(t, s, e, home);
		if (v == NULL)
			break;
		strv_push_owned(&argv, v);
	}
	/* execvp("rm", ["rm", …]), execl("/bin/rm", "rm", …): argv[0] twice */
	if (argv.n >= 2 && strcmp(base_of(argv.v[0]), base_of(argv.v[1])) == 0) {
		free(argv.v[0]);
		memmove(argv.v, argv.v + 1, argv.n * sizeof(*argv.v));
		argv.n--;
	}
	if (argv.n == 1 && strchr(argv.v[0], ' ')) {
		add_script(o, argv.v[0]); /* subprocess.run("a b", shell=True) */
		strv_free(&argv);
		return;
	}
	add_argv(o, &argv);
}

/* A recursive delete of the first argument: `rm -rf -- TARGET`. */
static void delete_call(struct oneliner *o, enum lang l, const struct toks *t,
			size_t from, size_t to, const size_t *cuts,
			size_t ncuts, const char *home)
{
	struct strv argv = { 0 };
	char *target;

	if (l == LANG_NODE) { /* fs.rm*: recursive only when told */
		bool recursive = false;

		for (size_t i = from; i < to; i++)
			recursive |= t->v[i].kind == TK_NAME &&
				     strcmp(last_part(t->v[i].text), "recursive") == 0;
		if (!recursive)
			return;
	}
	target = arg_value(t, from, ncuts ? cuts[0] : to, home);
	if (target == NULL)
		return;
	strv_push(&argv, "rm");
	strv_push(&argv, "-rf");
	strv_push(&argv, "--");
	strv_push_owned(&argv, target);
	add_argv(o, &argv);
}

void oneliner_parse(enum lang l, const char *code, const char *home,
		    struct oneliner *out)
{
	struct toks t = { 0 };

	memset(out, 0, sizeof(*out));
	if (l < LANG_PYTHON || l > LANG_AWK)
		return;
	tokenize(l, code, &t);
	for (size_t i = 0; i < t.n; i++) {
		const struct token *k = &t.v[i];
		size_t cuts[64], ncuts, from, to;
		bool paren, sh, del;

		if (k->kind == TK_SHELL) {
			add_script(out, k->text);
			continue;
		}
		if (l == LANG_AWK && k->kind == TK_STR &&
		    ((i > 0 && t.v[i - 1].kind == TK_PIPE) ||
		     (i + 1 < t.n && t.v[i + 1].kind == TK_PIPE))) {
			add_script(out, k->text); /* print | "cmd", "cmd" | getline */
			continue;
		}
		if (k->kind != TK_NAME || i + 1 >= t.n)
			continue;
		sh = in_list(last_part(k->text), shell_calls(l));
		del = in_list(last_part(k->text), delete_calls(l));
		if (!sh && !del)
			continue;
		paren = t.v[i + 1].kind == TK_OPEN && t.v[i + 1].c == '(';
		/* perl and ruby call without brackets: system "…" */
		if (!paren && t.v[i + 1].kind != TK_STR &&
		    (t.v[i + 1].kind != TK_NAME || (l != LANG_PERL && l != LANG_RUBY)))
			continue;
		from = i + 1 + paren;
		to = args_end(&t, from, paren, cuts, &ncuts, 64);
		if (sh)
			shell_call(out, &t, from, to, cuts, ncuts, home);
		else
			delete_call(out, l, &t, from, to, cuts, ncuts, home);
	}
	for (size_t i = 0; i < t.n; i++)
		free(t.v[i].text);
	free(t.v);
}

void oneliner_free(struct oneliner *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].script);
		strv_free(&o->v[i].argv);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}
