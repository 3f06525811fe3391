/* shell.c — the simple commands of a `sh -c` script, as far as they can be
 * known without running it. Pure: no OS calls.
 *
 * Words: quotes ('…', "…", $'…'), backslashes, comments, line
 * continuations; ~ and ~/… at a word's start, $HOME, ${HOME}, $0…$9 and
 * ${0}…${9} expanded; any other expansion ($VAR, $(…), `…`, $((…))) is left
 * as written (the command it feeds is judged when it runs). Commands are
 * split at ; & && || | |& newlines ( ) and the reserved words (if then else
 * elif fi do done while until ! { } time, case/for/select clauses); leading
 * NAME=VALUE words and command/exec/builtin are dropped; `cd DIR` (bare cd:
 * home) moves the cwd of the commands after it. Redirections that replace a
 * file (> >| &> N>, not >>) are collected; here-documents are skipped.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "impl.h"

#define MAX_CMDS 4096

enum tok { T_END, T_WORD, T_OP, T_SEP, T_WRITE, T_READ, T_HEREDOC, T_APPEND };

struct lexer {
	const char *s;
	size_t i, n;
	const char *home;
	const char *const *pos; /* $0..$9, NULL when unknown */
	size_t npos;
	char *heredoc;          /* delimiter of a pending here-document */
	bool heredoc_tabs;      /* <<- strips leading tabs */
	/* the current word */
	char *w;
	size_t wlen, wcap;
	bool quoted;            /* some part of it was quoted */
};

static void put(struct lexer *lx, const char *p, size_t n)
{
	if (lx->wlen + n + 1 > lx->wcap) {
		lx->wcap = (lx->wlen + n + 1) * 2;
		lx->w = xrealloc(lx->w, lx->wcap);
	}
	memcpy(lx->w + lx->wlen, p, n);
	lx->wlen += n;
	lx->w[lx->wlen] = '\0';
}

static void putc_(struct lexer *lx, char c)
{
	put(lx, &c, 1);
}

static bool is_name(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Skip a balanced (…) starting at s[i] == '(' ; returns the index after. */
static size_t skip_parens(const char *s, size_t i, size_t n)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
		} else if (s[i] == '\'') {
			const char *q = memchr(s + i + 1, '\'', n - i - 1);

			i = q ? (size_t)(q - s) : n;
		} else if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')' && --depth == 0) {
			return i + 1;
		}
	}
	return n;
}

/* One $ expansion at s[i] == '$'; appends the value, or the text as it
 * was written when it is not known. Returns the index after it. */
static size_t dollar(struct lexer *lx, size_t i)
{
	const char *s = lx->s;
	size_t n = lx->n, start = i, j;
	const char *val = NULL;

	if (i + 1 >= n) {
		putc_(lx, '$');
		return n;
	}
	if (s[i + 1] == '(') {
		j = skip_parens(s, i + 1, n);
	} else if (s[i + 1] == '{') {
		const char *close = memchr(s + i + 2, '}', n - i - 2);

		j = close ? (size_t)(close - s) + 1 : n;
		if (close && (size_t)(close - s) == i + 3 && s[i + 2] >= '0' &&
		    s[i + 2] <= '9')
			val = (size_t)(s[i + 2] - '0') < lx->npos
				      ? lx->pos[s[i + 2] - '0'] : NULL;
		else if (close && (size_t)(close - s) == i + 6 &&
			 strncmp(s + i + 2, "HOME", 4) == 0)
			val = lx->home;
	} else if (s[i + 1] >= '0' && s[i + 1] <= '9') {
		j = i + 2;
		val = (size_t)(s[i + 1] - '0') < lx->npos ? lx->pos[s[i + 1] - '0']
							  : NULL;
	} else if (is_name(s[i + 1])) {
		for (j = i + 1; j < n && is_name(s[j]); j++)
			;
		if (j - i - 1 == 4 && strncmp(s + i + 1, "HOME", 4) == 0)
			val = lx->home;
	} else {
		j = i + 2; /* $? $$ $! $@ $* $# $- */
	}
	if (val)
		put(lx, val, strlen(val));
	else
		put(lx, s + start, j - start);
	return j;
}

/* Inside "…" from s[i] (after the quote); returns the index after the
 * closing quote. */
static size_t dquote(struct lexer *lx, size_t i)
{
	const char *s = lx->s;

	while (i < lx->n && s[i] != '"') {
		if (s[i] == '\\' && i + 1 < lx->n && strchr("$`\"\\\n", s[i + 1])) {
			if (s[i + 1] != '\n')
				putc_(lx, s[i + 1]);
			i += 2;
		} else if (s[i] == '$') {
			i = dollar(lx, i);
		} else if (s[i] == '`') {
			const char *q = memchr(s + i + 1, '`', lx->n - i - 1);
			size_t end = q ? (size_t)(q - s) + 1 : lx->n;

			put(lx, s + i, end - i);
			i = end;
		} else {
			putc_(lx, s[i++]);
		}
	}
	return i < lx->n ? i + 1 : i;
}

/* Skip the body of a pending here-document, from the start of a line. */
static void skip_heredoc(struct lexer *lx)
{
	size_t dl = strlen(lx->heredoc);

	while (lx->i < lx->n) {
		size_t eol = lx->i, b = lx->i;

		while (eol < lx->n && lx->s[eol] != '\n')
			eol++;
		if (lx->heredoc_tabs)
			while (b < eol && lx->s[b] == '\t')
				b++;
		lx->i = eol < lx->n ? eol + 1 : eol;
		if (eol - b == dl && memcmp(lx->s + b, lx->heredoc, dl) == 0)
			break;
	}
	free(lx->heredoc);
	lx->heredoc = NULL;
}

/* The next token; a word is in lx->w. */
static enum tok next(struct lexer *lx)
{
	const char *s = lx->s;
	bool in_word = false;

	lx->wlen = 0;
	put(lx, "", 0); /* allocated and terminated, even when empty */
	lx->quoted = false;
	while (lx->i < lx->n) {
		char c = s[lx->i];

		if (c == '\\' && lx->i + 1 < lx->n) {
			if (s[lx->i + 1] != '\n') {
				putc_(lx, s[lx->i + 1]);
				in_word = lx->quoted = true;
			}
			lx->i += 2;
		} else if (c == '\'') {
			const char *q = memchr(s + lx->i + 1, '\'', lx->n - lx->i - 1);
			size_t end = q ? (size_t)(q - s) : lx->n;

			put(lx, s + lx->i + 1, end - lx->i - 1);
			lx->i = end < lx->n ? end + 1 : end;
			in_word = lx->quoted = true;
		} else if (c == '"') {
			lx->i = dquote(lx, lx->i + 1);
			in_word = lx->quoted = true;
		} else if (c == '$' && lx->i + 1 < lx->n && s[lx->i + 1] == '\'') {
			lx->i++; /* $'…': read as '…' */
		} else if (c == '$') {
			lx->i = dollar(lx, lx->i);
			in_word = true;
		} else if (c == '`') {
			const char *q = memchr(s + lx->i + 1, '`', lx->n - lx->i - 1);
			size_t end = q ? (size_t)(q - s) + 1 : lx->n;

			put(lx, s + lx->i, end - lx->i);
			lx->i = end;
			in_word = true;
		} else if (c == '~' && !in_word && lx->home &&
			   (lx->i + 1 == lx->n || strchr("/ \t\n;&|)", s[lx->i + 1]))) {
			put(lx, lx->home, strlen(lx->home));
			lx->i++;
			in_word = true;
		} else if (c == '#' && !in_word) {
			while (lx->i < lx->n && s[lx->i] != '\n')
				lx->i++;
		} else if (c == ' ' || c == '\t') {
			lx->i++;
			if (in_word)
				return T_WORD;
		} else if (strchr("\n;&|()<>", c)) {
			bool digits = in_word && !lx->quoted && lx->wlen > 0 &&
				      strspn(lx->w, "0123456789") == lx->wlen;

			if (in_word && !((c == '<' || c == '>') && digits))
				return T_WORD;
			lx->wlen = 0; /* an fd number before a redirection */
			return T_OP; /* op() reads it */
		} else {
			putc_(lx, c);
			lx->i++;
			in_word = true;
		}
	}
	return in_word ? T_WORD : T_END;
}

/* The operator at lx->i (next() returned T_OP). */
static enum tok op(struct lexer *lx)
{
	const char *s = lx->s + lx->i;
	size_t left = lx->n - lx->i;

	if (s[0] == '\n') {
		lx->i++;
		if (lx->heredoc)
			skip_heredoc(lx);
		return T_SEP;
	}
	if (s[0] == '>' || (s[0] == '&' && left > 1 && s[1] == '>')) {
		size_t k = s[0] == '&' ? 2 : 1;

		if (left > k && s[k] == '>') {
			lx->i += k + 1;
			return T_APPEND;
		}
		if (left > k && (s[k] == '|' || (s[k] == '&' && k == 1)))
			k++; /* >| and >& */
		lx->i += k;
		return T_WRITE;
	}
	if (s[0] == '<') {
		if (left > 1 && s[1] == '<') {
			bool three = left > 2 && s[2] == '<';

			lx->heredoc_tabs = !three && left > 2 && s[2] == '-';
			lx->i += three ? 3 : lx->heredoc_tabs ? 3 : 2;
			return three ? T_READ : T_HEREDOC;
		}
		lx->i += left > 1 && (s[1] == '&' || s[1] == '>') ? 2 : 1;
		return T_READ;
	}
	/* ; ;; & && | || |& ( ) */
	lx->i += left > 1 && (s[1] == s[0] || (s[0] == '|' && s[1] == '&')) ? 2 : 1;
	return T_SEP;
}

static bool reserved(const char *w)
{
	static const char *const words[] = {
		"if", "then", "else", "elif", "fi", "do", "done", "while", "until",
		"!", "{", "}", "esac", "time", "command", "exec", "builtin", "coproc",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

struct builder {
	struct sh_script *out;
	struct sh_cmd cur;
	char *cwd;
	const char *home;
	bool skip_clause; /* in a for/case/select clause up to a separator */
	bool skip_name;   /* after `function`: its name */
};

static void end_command(struct builder *b)
{
	struct sh_cmd *c = &b->cur;

	if (c->argv.n && strcmp(c->argv.v[0], "cd") == 0) {
		size_t k = 1;

		while (k < c->argv.n && c->argv.v[k][0] == '-' && c->argv.v[k][1])
			k++;
		if (k == c->argv.n && b->home) {
			free(b->cwd);
			b->cwd = xstrdup(b->home);
		} else if (k < c->argv.n && strcmp(c->argv.v[k], "-") != 0) {
			char *to = path_resolve(b->cwd, c->argv.v[k]);

			free(b->cwd);
			b->cwd = to;
		}
		strv_free(&c->argv);
	}
	if ((c->argv.n || c->writes.n) && b->out->n < MAX_CMDS) {
		c->cwd = xstrdup(b->cwd);
		b->out->v = xrealloc(b->out->v, (b->out->n + 1) * sizeof(*b->out->v));
		b->out->v[b->out->n++] = *c;
	} else {
		strv_free(&c->argv);
		strv_free(&c->writes);
	}
	memset(c, 0, sizeof(*c));
	b->skip_clause = b->skip_name = false;
}

static void add_word(struct builder *b, const char *w, bool quoted)
{
	struct sh_cmd *c = &b->cur;

	if (b->skip_clause)
		return;
	if (b->skip_name) {
		b->skip_name = false;
		return;
	}
	if (c->argv.n == 0 && !quoted) {
		if (strcmp(w, "for") == 0 || strcmp(w, "case") == 0 ||
		    strcmp(w, "select") == 0) {
			b->skip_clause = true;
			return;
		}
		if (strcmp(w, "function") == 0) {
			b->skip_name = true;
			return;
		}
		if (reserved(w) || argv_is_assignment(w))
			return;
	}
	strv_push(&c->argv, w);
}

void shell_parse(const char *script, const char *cwd, const char *home,
		 const char *const *pos, size_t npos, struct sh_script *out)
{
	struct lexer lx = { .s = script, .n = strlen(script), .home = home,
			    .pos = pos, .npos = npos };
	struct builder b = { .out = out, .cwd = xstrdup(cwd), .home = home };
	enum tok t, redir = T_END;

	memset(out, 0, sizeof(*out));
	while ((t = next(&lx)) != T_END) {
		if (t == T_OP)
			t = op(&lx);
		if (t == T_WORD) {
			if (redir == T_WRITE)
				strv_push(&b.cur.writes, lx.w);
			else if (redir == T_HEREDOC && lx.heredoc == NULL)
				lx.heredoc = xstrdup(lx.w);
			else if (redir == T_END)
				add_word(&b, lx.w, lx.quoted);
			redir = T_END;
		} else if (t == T_SEP) {
			end_command(&b);
			redir = T_END;
		} else {
			redir = t;
		}
	}
	end_command(&b);
	free(b.cwd);
	free(lx.w);
	free(lx.heredoc);
}

void shell_free(struct sh_script *s)
{
	for (size_t i = 0; i < s->n; i++) {
		strv_free(&s->v[i].argv);
		strv_free(&s->v[i].writes);
		free(s->v[i].cwd);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
