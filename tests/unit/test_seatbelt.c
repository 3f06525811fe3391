/* The Seatbelt generator (kernel/seatbelt.h): golden files of the shipped
 * profiles on a macOS-like filesystem, escaping, and a structural check
 * (an SBPL reader of its own: every grant appears, no deny is followed by
 * an allow that would take part of it back, since the last match wins).
 *
 * The golden files (tests/golden/sbpl/NAME.sb) were reviewed by hand; after
 * a deliberate change, `make golden` rewrites them: review the diff. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/seatbelt.h"
#include "../../policy/access.h"
#include "../../rules/rule.h"
#include "helpers.h"
#include "shipped.h"

/* ---- a macOS-like machine ---- */

#define MAC_HOME "/Users/dev"
#define MAC_TMP "/private/var/folders/zz/xy12/T"

static const struct {
	const char *path;
	enum path_state st;
} mac_fs[] = {
	{ "/usr", PATH_DIR }, { "/bin", PATH_DIR }, { "/sbin", PATH_DIR },
	{ "/opt", PATH_DIR }, { "/System", PATH_DIR },
	{ "/Library/Developer/CommandLineTools", PATH_DIR },
	{ "/private/etc", PATH_DIR }, { "/private/tmp", PATH_DIR },
	{ "/private/var/tmp", PATH_DIR }, { "/private/var/select", PATH_DIR },
	{ "/private/var/db/timezone", PATH_DIR }, { MAC_TMP, PATH_DIR },
	{ "/dev/null", PATH_FILE }, { "/dev/zero", PATH_FILE },
	{ "/dev/random", PATH_FILE }, { "/dev/urandom", PATH_FILE },
	{ "/dev/tty", PATH_FILE }, { "/dev/ptmx", PATH_FILE },
	{ MAC_HOME, PATH_DIR }, { MAC_HOME "/project", PATH_DIR },
	{ MAC_HOME "/project/.git", PATH_DIR },
	{ MAC_HOME "/project/.git/config", PATH_FILE },
	{ MAC_HOME "/.ssh", PATH_DIR }, { MAC_HOME "/.aws", PATH_DIR },
	{ MAC_HOME "/.zshrc", PATH_FILE }, { MAC_HOME "/.zsh_history", PATH_FILE },
	{ MAC_HOME "/.gitconfig", PATH_FILE }, { MAC_HOME "/.npm", PATH_DIR },
	{ MAC_HOME "/.cache", PATH_DIR }, { MAC_HOME "/.claude", PATH_DIR },
	{ MAC_HOME "/.claude.json", PATH_FILE }, { MAC_HOME "/.codex", PATH_DIR },
	{ MAC_HOME "/.nvm", PATH_DIR }, { MAC_HOME "/Library/Caches", PATH_DIR },
	{ MAC_HOME "/Library/Keychains", PATH_DIR },
	{ MAC_HOME "/Library/Safari", PATH_DIR },
	{ MAC_HOME "/Library/Application Support/Google/Chrome", PATH_DIR },
};

/* /tmp, /var and /etc lead into /private, as on macOS. */
static char *mac_resolve(const char *path, enum path_state *st, void *ctx)
{
	static const char *const tops[] = { "/tmp", "/var", "/etc" };
	char *real = NULL;

	(void)ctx;
	for (size_t i = 0; i < 3 && !real; i++) {
		size_t n = strlen(tops[i]);

		if (!strncmp(path, tops[i], n) && (!path[n] || path[n] == '/')) {
			real = malloc(strlen(path) + 9);
			cr_assert_not_null(real);
			sprintf(real, "/private%s", path);
		}
	}
	if (real == NULL)
		real = strdup(path);
	*st = PATH_MISSING;
	for (size_t i = 0; i < sizeof(mac_fs) / sizeof(mac_fs[0]); i++)
		if (!strcmp(mac_fs[i].path, real))
			*st = mac_fs[i].st;
	return real;
}

static struct shipped sh;
static struct rules *packs;
static struct strv refused;

static void setup(void)
{
	struct err e;
	size_t n;

	shipped_load(&sh);
	packs = rules_new();
	rules_skip_examples(packs);
	cr_assert_eq(rules_load_dir(packs, "rules/packs", &n, &e), 0, "%s",
		     e.msg);
	rules_always_denied(packs, &refused);
}

static void teardown(void)
{
	shipped_free(&sh);
	rules_free(packs);
	strv_free(&refused);
}

TestSuite(seatbelt, .init = setup, .fini = teardown);

/* The shipped profile NAME built on the macOS-like machine. */
static void build_mac(const char *name, struct capset *cs)
{
	struct vars vs = {
		.home = MAC_HOME, .workdir = MAC_HOME "/project",
		.tmpdir = "/var/folders/zz/xy12/T", .uid = "501",
	};
	struct cli_grants cli = { .cwd = MAC_HOME "/project" };
	struct profile *p = shipped_profile(&sh, name);
	struct err e = { "" };

	cr_assert_not_null(p, "no shipped profile %s", name);
	cr_assert_eq(shipped_build(&sh, p, cs, &vs, &cli, mac_resolve, NULL, &e),
		     0, "%s: %s", name, e.msg);
}

static char *generate(const struct capset *cs, unsigned port)
{
	struct err e = { "" };
	char *text = sbpl_generate(&(struct sbpl_spec){
					   .cs = cs, .refused = &refused,
					   .shims = MAC_TMP "/latch-shims-501",
					   .proxy_port = port, .version = "TEST",
				   },
				   &e);

	cr_assert_not_null(text, "%s", e.msg);
	return text;
}

/* ---- an SBPL reader: just enough to check what the generator wrote ---- */

struct node {
	enum { N_ATOM, N_STR, N_LIST } t;
	char *s;
	struct node *kid;
	size_t n;
};

static const char *skip(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (*p != ';')
			return p;
		while (*p && *p != '\n')
			p++;
	}
}

/* One datum from `p` into *out; returns where it ends. */
static const char *datum(const char *p, struct node *out)
{
	memset(out, 0, sizeof(*out));
	p = skip(p);
	if (*p == '(') {
		out->t = N_LIST;
		p = skip(p + 1);
		while (*p != ')') {
			cr_assert_neq(*p, '\0', "unbalanced parenthesis");
			out->kid = realloc(out->kid, (out->n + 1) * sizeof(*out->kid));
			cr_assert_not_null(out->kid);
			p = skip(datum(p, &out->kid[out->n++]));
		}
		return p + 1;
	}
	if (*p == '"' || (p[0] == '#' && p[1] == '"')) {
		bool raw = *p == '#';
		char *s = calloc(1, strlen(p) + 1);
		size_t n = 0;

		cr_assert_not_null(s);
		for (p += raw ? 2 : 1; *p != '"'; p++) {
			cr_assert_neq(*p, '\0', "unterminated string");
			cr_assert_neq(*p, '\n', "a string holds a line break");
			if (!raw && *p == '\\') {
				p++;
				cr_assert(*p == '"' || *p == '\\',
					  "unknown escape \\%c", *p);
			}
			s[n++] = *p;
		}
		out->t = N_STR;
		out->s = s;
		return p + 1;
	}
	const char *start = p;

	while (*p && !strchr(" \n\t()\";", *p))
		p++;
	cr_assert_gt(p - start, 0, "stray character '%c'", *p);
	out->t = N_ATOM;
	out->s = strndup(start, (size_t)(p - start));
	return p;
}

static void node_free(struct node *n)
{
	for (size_t i = 0; i < n->n; i++)
		node_free(&n->kid[i]);
	free(n->kid);
	free(n->s);
}

/* The top-level forms of a profile. */
struct doc {
	struct node *form;
	size_t n;
};

static struct doc read_doc(const char *text)
{
	struct doc d = { 0 };
	const char *p = skip(text);

	while (*p) {
		d.form = realloc(d.form, (d.n + 1) * sizeof(*d.form));
		cr_assert_not_null(d.form);
		p = skip(datum(p, &d.form[d.n++]));
	}
	return d;
}

static void doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		node_free(&d->form[i]);
	free(d->form);
}

static bool is_atom(const struct node *n, const char *s)
{
	return n->t == N_ATOM && !strcmp(n->s, s);
}

/* Rule `f` is (VERB … OP … (KIND "path") …). */
static bool rule_has(const struct node *f, const char *verb, const char *op,
		     const char *kind, const char *path)
{
	bool has_op = false, has_path = false;

	if (f->t != N_LIST || f->n < 2 || !is_atom(&f->kid[0], verb))
		return false;
	for (size_t i = 1; i < f->n; i++) {
		const struct node *k = &f->kid[i];

		has_op = has_op || is_atom(k, op);
		if (k->t == N_LIST && k->n == 2 && is_atom(&k->kid[0], kind) &&
		    k->kid[1].t == N_STR && !strcmp(k->kid[1].s, path))
			has_path = true;
	}
	return has_op && has_path;
}

/* Whether allow rule `f` lets `op` reach some path at or under `path`. */
static bool allow_reaches(const struct node *f, const char *op,
			  const char *path)
{
	bool has_op = false, reaches = false;

	if (f->t != N_LIST || !f->n || !is_atom(&f->kid[0], "allow"))
		return false;
	for (size_t i = 1; i < f->n; i++) {
		const struct node *k = &f->kid[i];
		const char *v;

		has_op = has_op || is_atom(k, op);
		if (k->t != N_LIST || k->n != 2 || k->kid[1].t != N_STR)
			continue;
		v = k->kid[1].s;
		if (is_atom(&k->kid[0], "subpath"))
			reaches = reaches || path_within(v, path) ||
				  path_within(path, v);
		else if (is_atom(&k->kid[0], "literal"))
			reaches = reaches || path_within(v, path);
	}
	return has_op && reaches;
}

static const char *const read_ops[] = { "file-read*", "file-map-executable",
					"process-exec*" };
static const char *const write_ops[] = { "file-write*", "file-ioctl" };

/* The spellings of a path Seatbelt may see: as it is, and the other side
 * of macOS's /private symlinks. */
static void spellings(const char *path, char out[2][512])
{
	static const char *const tops[] = { "/tmp", "/var", "/etc" };

	snprintf(out[0], 512, "%s", path);
	out[1][0] = '\0';
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(tops[i]);

		if (!strncmp(path, "/private", 8) && !strncmp(path + 8, tops[i], n) &&
		    (!path[8 + n] || path[8 + n] == '/'))
			snprintf(out[1], 512, "%s", path + 8);
		else if (!strncmp(path, tops[i], n) && (!path[n] || path[n] == '/'))
			snprintf(out[1], 512, "/private%s", path);
	}
}

/* No allow after form `at` gives back an operation the deny refuses at
 * `path`. */
static void unshadowed(const struct doc *d, size_t at, const char *path,
		       bool write_only)
{
	for (size_t k = at + 1; k < d->n; k++) {
		for (size_t o = 0; o < 2; o++)
			cr_expect(!allow_reaches(&d->form[k], write_ops[o], path),
				  "the deny of %s is shadowed by form %zu", path, k);
		for (size_t o = 0; o < 3 && !write_only; o++)
			cr_expect(!allow_reaches(&d->form[k], read_ops[o], path),
				  "the deny of %s is shadowed by form %zu", path, k);
	}
}

/* Every grant is there with each of its rights; every deny is there and
 * no later allow gives back an operation it refuses. */
static void check_structure(const struct capset *cs, const char *text)
{
	struct doc d = read_doc(text);

	cr_assert_geq(d.n, 2);
	cr_assert(is_atom(&d.form[0].kid[0], "version"));
	cr_assert(is_atom(&d.form[1].kid[0], "deny") &&
		  is_atom(&d.form[1].kid[1], "default"));
	for (size_t i = 0; i < cs->n_grants; i++) {
		const struct grant *g = &cs->grants[i];
		const char *kind = g->is_dir ? "subpath" : "literal";
		bool r = false, w = false, x = false;

		for (size_t k = 0; k < d.n; k++) {
			r = r || rule_has(&d.form[k], "allow", "file-read*", kind, g->path);
			w = w || rule_has(&d.form[k], "allow", "file-write*", kind, g->path);
			x = x || rule_has(&d.form[k], "allow", "process-exec*", kind, g->path);
		}
		cr_expect_eq(r, !!(g->access & LATCH_ACC_READ), "read of %s", g->path);
		cr_expect_eq(w, !!(g->access & LATCH_ACC_WRITE), "write of %s", g->path);
		cr_expect_eq(x, !!(g->access & LATCH_ACC_EXEC), "exec of %s", g->path);
	}
	for (size_t i = 0; i < cs->n_denies; i++) {
		const struct deny *dn = &cs->denies[i];
		const char *kind = dn->is_dir || !dn->exists ? "subpath" : "literal";
		char names[4][512];

		spellings(dn->path, names);
		spellings(dn->link ? dn->link : "", names + 2);
		for (size_t s = 0; s < 4; s++) {
			size_t at = d.n;

			if (names[s][0] == '\0')
				continue;
			for (size_t k = 0; k < d.n && at == d.n; k++)
				if (rule_has(&d.form[k], "deny", "file-write*", kind, names[s]) &&
				    rule_has(&d.form[k], "deny", "file-link", kind, names[s]))
					at = k;
			cr_assert_lt(at, d.n, "no deny of %s", names[s]);
			cr_expect(rule_has(&d.form[at], "deny", "file-read*", kind, names[s]) ==
					  !dn->write_only &&
				  rule_has(&d.form[at], "deny", "process-exec*", kind, names[s]) ==
					  !dn->write_only,
				  "deny of %s: reads and exec", names[s]);
			unshadowed(&d, at, names[s], dn->write_only);
		}
	}
	doc_free(&d);
}

/* ---- golden files ---- */

static void golden(const char *name)
{
	struct capset cs;
	char path[256];
	char *text, *want;
	size_t len;

	build_mac(name, &cs);
	text = generate(&cs, 0);
	snprintf(path, sizeof(path), "tests/golden/sbpl/%s.sb", name);
	if (getenv("LATCH_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");

		cr_assert_not_null(f, "cannot write %s", path);
		fputs(text, f);
		cr_assert_eq(fclose(f), 0);
	}
	want = read_text(path, &len);
	cr_assert_not_null(want, "cannot read %s (make golden writes it)", path);
	cr_expect_str_eq(text, want,
			 "%s differs from what the generator writes now: if the change is meant, run 'make golden' and review the diff",
			 path);
	check_structure(&cs, text);
	free(want);
	free(text);
	capset_free(&cs);
}

Test(seatbelt, golden_default) { golden("default"); }
Test(seatbelt, golden_claude_code) { golden("claude-code"); }
Test(seatbelt, golden_codex) { golden("codex"); }
Test(seatbelt, golden_openclaw) { golden("openclaw"); }
Test(seatbelt, golden_crush) { golden("crush"); }

Test(seatbelt, every_shipped_profile_is_complete_and_unshadowed_on_linux_paths_too)
{
	for (size_t i = 0; i < sh.n_profiles; i++) {
		struct fake_fs fs = { .all_dirs = true };
		struct vars vs = test_vars();
		struct cli_grants cli = { .cwd = "/home/u/proj" };
		struct capset cs;
		struct err e = { "" };
		char *text;

		cr_assert_eq(shipped_build(&sh, sh.profiles[i], &cs, &vs, &cli,
					   fake_resolve, &fs, &e),
			     0, "%s", e.msg);
		text = generate(&cs, 3128);
		check_structure(&cs, text);
		free(text);
		capset_free(&cs);
	}
}

/* ---- single cases, on a capability set made by hand ---- */

static struct grant grant(const char *path, unsigned acc, bool dir)
{
	return (struct grant){ .path = (char *)path, .access = acc,
			       .is_dir = dir, .origin = (char *)"test" };
}

static char *generate_one(struct grant *g, size_t ng, struct deny *d,
			  size_t nd, enum net_mode net, struct err *e)
{
	struct capset cs = { .profile = (char *)"t", .grants = g,
			     .n_grants = ng, .denies = d, .n_denies = nd,
			     .net_mode = net };

	return sbpl_generate(&(struct sbpl_spec){ .cs = &cs }, e);
}

Test(seatbelt, quotes_and_backslashes_are_escaped_and_unicode_kept)
{
	struct grant g = grant("/Users/dev/a \"b\" c\\d/\xc3\xa9t\xc3\xa9 \xe2\x9c\x93",
			       LATCH_ACC_READ, true);
	struct err e;
	char *text = generate_one(&g, 1, NULL, 0, NET_OPEN, &e);
	struct doc d;
	bool found = false;

	cr_assert_not_null(text, "%s", e.msg);
	cr_expect_not_null(strstr(text, "(subpath \"/Users/dev/a \\\"b\\\" c\\\\d/\xc3\xa9t\xc3\xa9 \xe2\x9c\x93\")"));
	d = read_doc(text);
	for (size_t k = 0; k < d.n; k++)
		found = found || rule_has(&d.form[k], "allow", "file-read*",
					  "subpath", g.path);
	cr_expect(found, "the path does not read back as itself");
	doc_free(&d);
	free(text);
}

static void refused_path(const char *path, const char *why)
{
	struct grant g = grant(path, LATCH_ACC_READ, true);
	struct err e = { "" };
	char *text = generate_one(&g, 1, NULL, 0, NET_OPEN, &e);

	cr_expect_null(text);
	cr_expect_not_null(strstr(e.msg, why), "%s", e.msg);
	cr_expect_not_null(strstr(e.msg, "(test)"), "%s", e.msg);
	free(text);
}

Test(seatbelt, newlines_control_characters_and_bad_utf8_are_refused)
{
	refused_path("/a\nb", "line break");
	refused_path("/a\rb", "line break");
	refused_path("/a\tb", "control character");
	refused_path("/a\x7f", "control character");
	refused_path("/a\xff", "not UTF-8");
	refused_path("/a\xc3", "not UTF-8");          /* cut short */
	refused_path("/a\xc0\xaf", "not UTF-8");      /* overlong '/' */
	refused_path("/a\xe0\x80\xaf", "not UTF-8");  /* overlong '/' */
	refused_path("/a\xed\xa0\x80", "not UTF-8");  /* a surrogate */
	refused_path("/a\xf4\x90\x80\x80", "not UTF-8"); /* past U+10FFFF */
}

Test(seatbelt, a_comment_cannot_be_ended_by_an_origin)
{
	struct grant g = grant("/srv", LATCH_ACC_READ, true);
	struct err e;
	char *text;

	g.origin = (char *)"profile x, /p\n(allow default)\n.yaml:1";
	text = generate_one(&g, 1, NULL, 0, NET_OPEN, &e);
	cr_assert_not_null(text, "%s", e.msg);
	cr_expect_null(strstr(text, "\n(allow default)"));
	free(text);
}

Test(seatbelt, both_spellings_of_private_paths_and_the_written_one)
{
	struct grant g[2] = { grant("/private/tmp", LATCH_ACC_RW, true),
			      grant("/Volumes/data/proj", LATCH_ACC_RW, true) };
	struct err e;
	char *text;

	g[1].link = (char *)"/Users/dev/proj";
	text = generate_one(g, 2, NULL, 0, NET_OPEN, &e);
	cr_assert_not_null(text, "%s", e.msg);
	cr_expect_not_null(strstr(text, "(subpath \"/private/tmp\")"));
	cr_expect_not_null(strstr(text, "(subpath \"/tmp\")"));
	cr_expect_not_null(strstr(text, "(subpath \"/Volumes/data/proj\")"));
	cr_expect_not_null(strstr(text, "(subpath \"/Users/dev/proj\")"));
	cr_expect_null(strstr(text, "/private/tmpx"));
	free(text);
}

Test(seatbelt, a_deny_inside_a_writable_grant_keeps_its_parents_in_place)
{
	struct grant g = grant("/w", LATCH_ACC_RW, true);
	struct deny d = { .path = (char *)"/w/a/b/.env", .exists = true,
			  .origin = (char *)"test" };
	struct err e;
	char *text = generate_one(&g, 1, &d, 1, NET_OPEN, &e);
	const char *deny;

	cr_assert_not_null(text, "%s", e.msg);
	deny = strstr(text, "(deny file-read* file-write* file-ioctl file-map-executable process-exec* file-link file-clone (literal \"/w/a/b/.env\"))");
	cr_assert_not_null(deny, "%s", text);
	cr_expect_not_null(strstr(deny, "(deny file-write-unlink (literal \"/w/a/b\"))"));
	cr_expect_not_null(strstr(deny, "(deny file-write-unlink (literal \"/w/a\"))"));
	cr_expect_not_null(strstr(deny, "(deny file-write-unlink (literal \"/w\"))"));
	cr_expect_null(strstr(text, "(literal \"/\")"));
	cr_expect(strstr(text, "(allow file-read*") < deny);
	free(text);
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* `text` holds each of `has` and none of `lacks` (NULL-terminated). */
static void holds(const char *text, const char *const *has,
		  const char *const *lacks)
{
	for (; has && *has; has++)
		cr_expect_not_null(strstr(text, *has), "missing %s in:\n%s", *has, text);
	for (; lacks && *lacks; lacks++)
		cr_expect_null(strstr(text, *lacks), "unexpected %s in:\n%s", *lacks, text);
}

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The profile of `cs` with only the proxy's port given. */
static char *sbpl_of(const struct capset *cs, unsigned port)
{
	struct err e = { "" };
	char *text = sbpl_generate(&(struct sbpl_spec){ .cs = cs,
							.proxy_port = port },
				   &e);

	cr_assert_not_null(text, "%s", e.msg);
	return text;
}

Test(seatbelt, network_block_lets_nothing_out)
{
	struct capset cs = { .profile = (char *)"t", .net_mode = NET_BLOCK };
	char *text = sbpl_of(&cs, 0);

	cr_expect_null(strstr(text, "(allow network"));
	cr_expect_null(strstr(text, "unix-socket"));
	free(text);
}

Test(seatbelt, network_allowlist_reaches_the_proxy_only)
{
	uint16_t bind = 8000;
	struct capset cs = { .profile = (char *)"t", .net_mode = NET_ALLOWLIST,
			     .net_bind = &bind, .n_net_bind = 1 };
	char *with_port = sbpl_of(&cs, 40123);
	char *with_param = sbpl_of(&cs, 0);

	holds(with_port,
	      LIST("(allow network-outbound (remote tcp \"localhost:40123\"))",
		   "(allow network-bind network-inbound (local tcp \"localhost:8000\"))",
		   "(allow system-socket (socket-domain AF_INET) (socket-domain AF_INET6))"),
	      LIST("(allow network*", "AF_UNIX", "*:"));
	holds(with_param, LIST("(param \"" SBPL_PROXY_PARAM "\")"), NULL);
	free(with_port);
	free(with_param);
}

Test(seatbelt, network_open_refuses_unix_sockets_unless_allowed)
{
	struct capset cs = { .profile = (char *)"t", .net_mode = NET_OPEN };
	char *closed = sbpl_of(&cs, 0);
	char *open;

	cs.unix_sockets = true;
	open = sbpl_of(&cs, 0);
	holds(closed,
	      LIST("(allow network-outbound (remote ip \"*:*\"))",
		   "(allow network-bind network-inbound (local ip \"*:*\"))",
		   "(path-literal \"/private/var/run/mDNSResponder\")"),
	      LIST("(allow network*", "(local unix-socket)"));
	holds(open, LIST("(allow network* (local unix-socket) (remote unix-socket))"),
	      NULL);
	free(closed);
	free(open);
}

Test(seatbelt, refused_commands_are_refused_by_name_and_the_shims_run)
{
	struct capset cs = { .profile = (char *)"t", .net_mode = NET_BLOCK };
	struct strv names = { 0 };
	struct err e;
	char *text;
	const char *deny, *shims;

	strv_push(&names, "sudo");
	strv_push(&names, "mkfs.*");
	strv_push(&names, "a+b");
	text = sbpl_generate(&(struct sbpl_spec){ .cs = &cs, .refused = &names,
						  .shims = "/s" },
			     &e);
	cr_assert_not_null(text, "%s", e.msg);
	deny = strstr(text, "(deny process-exec* (regex #\"/[sS][uU][dD][oO]$\"))");
	cr_expect_not_null(deny, "%s", text);
	cr_expect_not_null(strstr(text, "(deny process-exec* (regex #\"/[mM][kK][fF][sS]\\.[^/]*$\"))"));
	cr_expect_not_null(strstr(text, "(regex #\"/[aA]\\+[bB]$\")"));
	shims = strstr(text, "(allow file-read* file-map-executable process-exec* (subpath \"/s\"))");
	cr_assert_not_null(shims);
	cr_expect(deny < shims, "the shims must come after the refusals");
	cr_expect_not_null(strstr(shims, "(deny file-write* (subpath \"/s\"))"));
	free(text);
	strv_push(&names, "bad\"name");
	cr_expect_null(sbpl_generate(&(struct sbpl_spec){ .cs = &cs, .refused = &names }, &e));
	cr_expect_not_null(strstr(e.msg, "bad\"name"), "%s", e.msg);
	strv_free(&names);
	strv_push(&names, "bin/sudo");
	cr_expect_null(sbpl_generate(&(struct sbpl_spec){ .cs = &cs, .refused = &names }, &e));
	cr_expect_not_null(strstr(e.msg, "'bin/sudo'"), "%s", e.msg);
	strv_free(&names);
}

Test(seatbelt, the_always_denied_commands_of_the_shipped_packs)
{
	cr_expect(strv_contains(&refused, "sudo"));
	cr_expect(strv_contains(&refused, "su"));
	/* rm is judged by its arguments: never refused by name */
	cr_expect(!strv_contains(&refused, "rm"));
	cr_expect(!strv_contains(&refused, "git"));
}

Test(seatbelt, a_profile_name_cannot_add_rules_through_the_header)
{
	struct capset cs = { .profile = (char *)"x\n(allow default)\n;",
			     .net_mode = NET_BLOCK };
	struct strv chain = { 0 };
	char *text;

	strv_push(&chain, "base\n(allow file-write*)");
	cs.chain = chain;
	text = sbpl_of(&cs, 0);
	cr_expect_null(strstr(text, "\n(allow default)"), "%s", text);
	cr_expect_null(strstr(text, "\n(allow file-write*)"), "%s", text);
	cr_expect(strncmp(text, ";; ", 3) == 0);
	free(text);
	strv_free(&chain);
}

Test(seatbelt, network_block_opens_only_the_listed_loopback_ports)
{
	uint16_t bind = 5173, conn = 5432;
	struct capset cs = { .profile = (char *)"t", .net_mode = NET_BLOCK,
			     .net_bind = &bind, .n_net_bind = 1,
			     .net_connect = &conn, .n_net_connect = 1 };
	char *text = sbpl_of(&cs, 0);

	cr_expect_not_null(strstr(text, "(allow network-bind network-inbound (local tcp \"localhost:5173\"))"));
	cr_expect_not_null(strstr(text, "(allow network-outbound (remote tcp \"localhost:5432\"))"));
	cr_expect_eq(count(text, "(allow network"), 2, "%s", text);
	cr_expect_null(strstr(text, "LATCH_PROXY_PORT"));
	free(text);
}

static void refused_spec(const struct sbpl_spec *s, const char *want)
{
	struct err e = { "" };
	char *text = sbpl_generate(s, &e);

	cr_expect_null(text);
	cr_expect_not_null(strstr(e.msg, want), "%s", e.msg);
	free(text);
}

Test(seatbelt, every_path_is_checked_the_deny_the_written_one_and_the_shims)
{
	struct grant g = grant("/srv", LATCH_ACC_READ, true);
	struct deny d = { .path = (char *)"/srv/x", .exists = true,
			  .origin = (char *)"group g" };
	struct capset cs = { .profile = (char *)"t", .grants = &g, .n_grants = 1,
			     .denies = &d, .n_denies = 1 };

	d.path = (char *)"/srv/\x01";
	refused_spec(&(struct sbpl_spec){ .cs = &cs }, "(group g) cannot be written in a Seatbelt profile: it holds a control character");
	d.path = (char *)"/srv/x";
	d.link = (char *)"/srv/y\n";
	refused_spec(&(struct sbpl_spec){ .cs = &cs }, "it holds a line break");
	d.link = NULL;
	g.link = (char *)"/lnk\xff";
	refused_spec(&(struct sbpl_spec){ .cs = &cs }, "it is not UTF-8");
	g.link = NULL;
	refused_spec(&(struct sbpl_spec){ .cs = &cs, .shims = "/s\nx" },
		     "shim directory '/s");
}

Test(seatbelt, the_written_spelling_of_a_grant_only_where_no_one_can_replace_the_link)
{
	struct grant g[3] = { grant("/Volumes/d/proj", LATCH_ACC_ALL, true),
			      grant("/Volumes/d/tools", LATCH_ACC_READ, true),
			      grant("/Users/dev/scratch", LATCH_ACC_RW, true) };
	struct err e;
	char *text;

	g[0].link = (char *)"/Users/dev/scratch/proj"; /* in a writable grant */
	g[1].link = (char *)"/Users/dev/tools";        /* its parent is not */
	text = generate_one(g, 3, NULL, 0, NET_BLOCK, &e);
	cr_assert_not_null(text, "%s", e.msg);
	cr_expect_null(strstr(text, "\"/Users/dev/scratch/proj\""), "%s", text);
	cr_expect_not_null(strstr(text, "(subpath \"/Users/dev/tools\")"));
	free(text);
}

Test(seatbelt, terminals_and_posix_ipc_follow_the_grant_of_dev_ptmx)
{
	struct grant g = grant("/dev/ptmx", LATCH_ACC_RW, false);
	struct err e;
	char *with = generate_one(&g, 1, NULL, 0, NET_BLOCK, &e);
	char *without = generate_one(NULL, 0, NULL, 0, NET_BLOCK, &e);

	cr_assert_not_null(with);
	cr_assert_not_null(without);
	holds(with, LIST("(allow pseudo-tty)", "(allow ipc-posix-shm ipc-posix-sem)"),
	      NULL);
	holds(without, NULL, LIST("pseudo-tty", "ipc-posix", "ttys"));
	free(with);
	free(without);
}
