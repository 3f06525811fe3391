/* seatbelt.c — the capability set as SBPL text (seatbelt.h). Pure. */
#include "seatbelt.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "../policy/access.h"

/* What any command-line program needs, whatever the profile: Landlock
 * leaves these alone on Linux too (fork, stat, sysctl-like /proc reads),
 * or Linux has no such thing (Mach services). Not here, so refused:
 * the keychain (com.apple.SecurityServer), Launch Services (opening an
 * application runs it outside the sandbox), Apple events, preferences.
 * Pseudo-terminals and POSIX IPC follow the grant of /dev/ptmx
 * (devices()). */
static const char basics[] =
	";; ---- what every command-line program needs\n"
	"(allow process-fork)\n"
	"(allow signal (target same-sandbox))\n"
	"(allow process-info* (target same-sandbox))\n"
	"(allow sysctl-read)\n"
	";; stat and realpath anywhere, as on Linux (a path's contents stay\n"
	";; behind the grants; a denied path refuses its metadata too)\n"
	"(allow file-read-metadata)\n"
	"(allow mach-lookup\n"
	"  (global-name \"com.apple.system.opendirectoryd.libinfo\")\n"
	"  (global-name \"com.apple.system.opendirectoryd.membership\")\n"
	"  (global-name \"com.apple.system.notification_center\")\n"
	"  (global-name \"com.apple.system.logger\")\n"
	"  (global-name \"com.apple.logd\")\n"
	"  (global-name \"com.apple.trustd.agent\"))\n"
	";; the program's own descriptors\n"
	"(allow file-read* file-write* file-ioctl (regex #\"^/dev/fd/[0-9]+$\"))\n";

/* ---- checks and quoting ---- */

/* Why `s` cannot be an SBPL string, or NULL when it can. */
static const char *flaw(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t extra;
		unsigned cp;

		if (*p == '\n' || *p == '\r')
			return "it holds a line break";
		if (*p < 0x20 || *p == 0x7f)
			return "it holds a control character";
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			extra = 1;
			cp = *p & 0x1fu;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			extra = 2;
			cp = *p & 0x0fu;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			extra = 3;
			cp = *p & 0x07u;
		} else {
			return "it is not UTF-8";
		}
		for (size_t i = 1; i <= extra; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return "it is not UTF-8";
			cp = (cp << 6) | (p[i] & 0x3fu);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return "it is not UTF-8";
		p += extra + 1;
	}
	return NULL;
}

static int check(const char *what, const char *s, const char *origin,
		 struct err *e)
{
	const char *why = s ? flaw(s) : NULL;

	if (why == NULL)
		return 0;
	return err_set(e, "%s '%s'%s%s%s cannot be written in a Seatbelt profile: %s",
		       what, s, origin ? " (" : "", origin ? origin : "",
		       origin ? ")" : "", why);
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A comment: control characters cannot end it early. */
static void put_comment(FILE *f, const char *s)
{
	fputs(";; ", f);
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
	fputc('\n', f);
}

/* ---- path forms ---- */

/* Whether a writable grant holds `path`. */
static bool writable(const struct capset *cs, const char *path)
{
	return capset_granted(cs, path) & LATCH_ACC_WRITE;
}

/* The spelling a profile wrote, when a symlink on it leads elsewhere: a
 * grant may name it only while the sandbox cannot put something else in
 * the symlink's place (a rule names a path, so a directory made there
 * would get the grant). NULL when it is not to be named. */
static const char *written_spelling(const struct capset *cs, const char *link)
{
	const char *slash = link ? strrchr(link, '/') : NULL;
	char *parent;
	bool open;

	if (slash == NULL)
		return NULL;
	parent = slash == link ? xstrdup("/") : xstrndup(link, (size_t)(slash - link));
	open = writable(cs, parent);
	free(parent);
	return open ? NULL : link;
}

/* macOS's /tmp, /var and /etc are symlinks into /private: a rule names
 * both spellings, whichever one the capability set holds. */
static char *other_spelling(const char *p)
{
	static const char *const tops[] = { "/tmp", "/var", "/etc" };

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(tops[i]);

		if (strncmp(p, "/private", 8) == 0 &&
		    strncmp(p + 8, tops[i], n) == 0 &&
		    (p[8 + n] == '\0' || p[8 + n] == '/'))
			return xstrdup(p + 8);
		if (strncmp(p, tops[i], n) == 0 && (p[n] == '\0' || p[n] == '/'))
			return xjoin("/private", p, "");
	}
	return NULL;
}

/* One rule per spelling of a path: canonical, as written (`link`, may be
 * NULL), and the other /private spelling of each. */
static void rule(FILE *f, const char *verb, const char *ops, const char *path,
		 const char *link, bool tree)
{
	char *forms[4] = { xstrdup(path), other_spelling(path), NULL, NULL };

	if (link && strcmp(link, path)) {
		forms[2] = xstrdup(link);
		forms[3] = other_spelling(link);
	}
	for (size_t i = 0; i < 4; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && forms[i]; j++)
			seen = seen || (forms[j] && !strcmp(forms[i], forms[j]));
		if (forms[i] && !seen) {
			fprintf(f, "(%s %s (%s ", verb, ops,
				tree ? "subpath" : "literal");
			put_string(f, forms[i]);
			fputs("))\n", f);
		}
	}
	for (size_t i = 0; i < 4; i++)
		free(forms[i]);
}

/* ---- sections ---- */

/* Landlock's port rules are TCP only: so are these. */
static void net_port_rules(FILE *f, const struct capset *cs)
{
	for (size_t i = 0; i < cs->n_net_bind; i++)
		fprintf(f, "(allow network-bind network-inbound (local tcp \"localhost:%u\"))\n",
			(unsigned)cs->net_bind[i]);
	for (size_t i = 0; i < cs->n_net_connect; i++)
		fprintf(f, "(allow network-outbound (remote tcp \"localhost:%u\"))\n",
			(unsigned)cs->net_connect[i]);
}

static void network(FILE *f, const struct sbpl_spec *s)
{
	const struct capset *cs = s->cs;
	bool open = cs->net_mode != NET_BLOCK && cs->net_mode != NET_ALLOWLIST;

	if (open) {
		fputs("\n;; ---- network: open (IP; unix sockets below)\n"
		      "(allow system-socket (socket-domain AF_INET) (socket-domain AF_INET6))\n"
		      "(allow network-outbound (remote ip \"*:*\"))\n"
		      "(allow network-bind network-inbound (local ip \"*:*\"))\n",
		      f);
	} else {
		fputs("\n;; ---- network: nothing leaves but what is listed here; the\n"
		      ";; loopback is the machine's own (no namespace of its own on macOS)\n",
		      f);
		if (cs->n_net_bind || cs->n_net_connect ||
		    cs->net_mode == NET_ALLOWLIST)
			fputs("(allow system-socket (socket-domain AF_INET) (socket-domain AF_INET6))\n",
			      f);
		net_port_rules(f, cs);
	}
	if (cs->net_mode == NET_ALLOWLIST) {
		fputs(";; latch's proxy, the only way out (network: allowlist)\n", f);
		if (s->proxy_port)
			fprintf(f, "(allow network-outbound (remote tcp \"localhost:%u\"))\n",
				s->proxy_port);
		else
			fputs("(allow network-outbound (remote tcp (string-append \"localhost:\" (param \""
			      SBPL_PROXY_PARAM "\"))))\n", f);
	}
	if (cs->unix_sockets) {
		fputs(";; unix sockets (network: {unix: allow})\n"
		      "(allow system-socket (socket-domain AF_UNIX))\n"
		      "(allow network* (local unix-socket) (remote unix-socket))\n",
		      f);
	} else if (open) {
		fputs(";; no unix sockets (network: {unix: allow} opens them) but the\n"
		      ";; system's name resolver\n"
		      "(allow system-socket (socket-domain AF_UNIX))\n"
		      "(allow network-outbound\n"
		      "  (literal \"/private/var/run/mDNSResponder\")\n"
		      "  (remote unix-socket (path-literal \"/private/var/run/mDNSResponder\")))\n"
		      "(allow mach-lookup (global-name \"com.apple.dnssd.service\"))\n",
		      f);
	}
}

/* Pseudo-terminals and POSIX IPC, which Linux has as /dev/pts and
 * /dev/shm, when the capability set grants /dev/ptmx read-write (the
 * system_write group does; /dev/pts and /dev/shm do not exist on macOS,
 * so their grants do not reach this far there). */
static void devices(FILE *f, const struct capset *cs)
{
	if ((capset_granted(cs, "/dev/ptmx") & LATCH_ACC_RW) != LATCH_ACC_RW)
		return;
	fputs(";; pseudo-terminals and POSIX shared memory and semaphores\n"
	      ";; (/dev/pts and /dev/shm on Linux)\n"
	      "(allow pseudo-tty)\n"
	      "(allow file-read* file-write* file-ioctl (regex #\"^/dev/ttys[0-9]+$\"))\n"
	      "(allow ipc-posix-shm ipc-posix-sem)\n",
	      f);
}

static void grant_ops(unsigned acc, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s",
		 acc & LATCH_ACC_READ ? " file-read* file-map-executable" : "",
		 acc & LATCH_ACC_WRITE ? " file-write* file-ioctl" : "",
		 acc & LATCH_ACC_EXEC ? " process-exec*" : "");
}

static void grants(FILE *f, const struct capset *cs)
{
	fputs("\n;; ---- the grants\n", f);
	for (size_t i = 0; i < cs->n_grants; i++) {
		const struct grant *g = &cs->grants[i];
		char ops[96];

		grant_ops(g->access, ops, sizeof(ops));
		if (ops[0] == '\0')
			continue;
		put_comment(f, g->origin);
		rule(f, "allow", ops + 1, g->path, written_spelling(cs, g->link),
		     g->is_dir);
	}
}

/* A command name as a regex on the end of the path: every file of that
 * name, wherever it lies, in any case (APFS is case-insensitive unless
 * formatted otherwise); `*` stands for any characters but '/'. */
static void name_regex(FILE *f, const char *name)
{
	fputs("(deny process-exec* (regex #\"/", f);
	for (const char *c = name; *c; c++) {
		if (*c == '*')
			fputs("[^/]*", f);
		else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
			fprintf(f, "[%c%c]", *c | 0x20, *c & ~0x20);
		else {
			if (strchr(".[]()+?{}|^$\\", *c))
				fputc('\\', f);
			fputc(*c, f);
		}
	}
	fputs("$\"))\n", f);
}

static int check_name(const char *name, struct err *e)
{
	if (*name == '\0' || strpbrk(name, "/\""))
		return err_set(e, "command name '%s' cannot be written in a Seatbelt profile: it is empty or holds '/' or '\"'",
			       name);
	return check("command name", name, NULL, e);
}

static void refused(FILE *f, const struct strv *names)
{
	if (names == NULL || names->n == 0)
		return;
	fputs("\n;; ---- commands every use of which the rules refuse: not run,\n"
	      ";; whatever the file's directory (the rest are judged by the shims)\n",
	      f);
	for (size_t i = 0; i < names->n; i++)
		name_regex(f, names->v[i]);
}

static void shims(FILE *f, const char *dir)
{
	if (dir == NULL)
		return;
	fputs("\n;; ---- latch's shims, first on PATH: they judge each command\n", f);
	rule(f, "allow", "file-read* file-map-executable process-exec*", dir,
	     NULL, true);
	rule(f, "deny", "file-write*", dir, NULL, true);
}

/* The directories leading to a denied path inside a writable grant: a rule
 * names a path, so renaming one of them would carry the file out from
 * under its deny (on Linux the mask's mount point cannot be renamed). */
static void keep_parents(FILE *f, const struct capset *cs, const char *path,
			 struct strv *done)
{
	char *p = xstrdup(path);
	char *slash;

	while ((slash = strrchr(p, '/')) != NULL && slash != p) {
		*slash = '\0';
		if (!writable(cs, p) || strv_contains(done, p))
			continue;
		strv_push(done, p);
		rule(f, "deny", "file-write-unlink", p, NULL, false);
	}
	free(p);
}

/* What a deny refuses. A hard link or a clone would be a second name
 * for the file, outside every rule that names it. */
static const char deny_ops[] = "file-read* file-write* file-ioctl "
			       "file-map-executable process-exec* file-link file-clone";
static const char deny_write_ops[] = "file-write* file-link file-clone";

static void denies(FILE *f, const struct capset *cs)
{
	struct strv done = { 0 };

	if (cs->n_denies == 0)
		return;
	fputs("\n;; ---- the denies, last: they win over every grant above\n", f);
	for (size_t i = 0; i < cs->n_denies; i++) {
		const struct deny *d = &cs->denies[i];
		bool tree = d->is_dir || !d->exists;

		put_comment(f, d->origin);
		rule(f, "deny", d->write_only ? deny_write_ops : deny_ops,
		     d->path, d->link, tree);
		if (writable(cs, d->path))
			keep_parents(f, cs, d->path, &done);
	}
	strv_free(&done);
}

/* Every line of the header goes through put_comment: a profile's name
 * comes from a file name, and a file name may hold a line break. */
static void header(FILE *f, const struct sbpl_spec *s)
{
	const struct capset *cs = s->cs;
	char *line = xasprintf("latch %s: Seatbelt profile (SBPL) for profile '%s'",
			       s->version ? s->version : "",
			       cs->profile ? cs->profile : "");

	put_comment(f, line);
	free(line);
	if (cs->chain.n) {
		char *chain = strv_join((const char *const *)cs->chain.v,
					cs->chain.n, ", ");

		line = xjoin("chain: ", chain, "");
		put_comment(f, line);
		free(line);
		free(chain);
	}
	fputs(";; generated from the capability set: the last matching rule wins\n"
	      "(version 1)\n(deny default)\n\n",
	      f);
}

/* ---- the whole profile ---- */

static int validate(const struct sbpl_spec *s, struct err *e)
{
	const struct capset *cs = s->cs;

	for (size_t i = 0; i < cs->n_grants; i++)
		if (check("path", cs->grants[i].path, cs->grants[i].origin, e) ||
		    check("path", cs->grants[i].link, cs->grants[i].origin, e))
			return -1;
	for (size_t i = 0; i < cs->n_denies; i++)
		if (check("path", cs->denies[i].path, cs->denies[i].origin, e) ||
		    check("path", cs->denies[i].link, cs->denies[i].origin, e))
			return -1;
	if (check("shim directory", s->shims, NULL, e))
		return -1;
	for (size_t i = 0; s->refused && i < s->refused->n; i++)
		if (check_name(s->refused->v[i], e))
			return -1;
	return 0;
}

char *sbpl_generate(const struct sbpl_spec *s, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (validate(s, e) < 0)
		return NULL;
	f = open_memstream(&text, &len);
	if (f == NULL) {
		err_sys(e, "cannot make the Seatbelt profile");
		return NULL;
	}
	header(f, s);
	fputs(basics, f);
	devices(f, s->cs);
	network(f, s);
	grants(f, s->cs);
	refused(f, s->refused);
	shims(f, s->shims);
	denies(f, s->cs);
	if (fclose(f) != 0) {
		err_sys(e, "cannot make the Seatbelt profile");
		free(text);
		return NULL;
	}
	return text;
}
