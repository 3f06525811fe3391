/* fuzz_capset.c — libFuzzer target for capset_build() and capset_why().
 *
 * The input is parsed as a profile; if it parses, it becomes the leaf of a
 * chain (its `extends:` are looked up among the shipped profiles), and the
 * capability set is built with the shipped groups, fake variables and a fake
 * resolver that returns the path unchanged and calls everything a directory.
 * Then capset_why/capset_granted are asked about a few paths and every rule
 * path, env_apply() filters a fake environment, and a few invariants are
 * checked:
 *   - latch's state directory (and anything inside it) is never allowed,
 *     and its configuration directory never writable;
 *   - every deny from a required group is still present, or explicitly
 *     listed as unprotected;
 *   - no loader/interpreter injection variable reaches the child;
 *   - the Seatbelt profile (kernel/seatbelt.h) is written, or refused with a
 *     message, and no allow follows its denies.
 *
 * The shipped profiles are read once, from LATCH_FUZZ_PROFILES (default: the
 * repository's profiles/ directory, baked in at build time): profiles from
 * the *.yaml files in DIR, groups from DIR/groups and DIR/groups/required.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/seatbelt.h"
#include "../policy/access.h"
#include "../policy/capset.h"
#include "../policy/envpolicy.h"
#include "../policy/profile.h"
#include "../policy/vars.h"

#ifndef LATCH_FUZZ_PROFILES
#define LATCH_FUZZ_PROFILES "../profiles"
#endif

#define MAX_LOADED 64
#define OWN_CONFIG "/home/fuzz/.config/latch" /* $XDG_CONFIG_HOME/latch */
#define MAX_CHAIN 8

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct profile *groups[MAX_LOADED];
static size_t n_groups;
static struct profile *shipped[MAX_LOADED];
static size_t n_shipped;

static const struct vars fake_vars = {
	.home = "/home/fuzz",
	.workdir = "/home/fuzz/work",
	.tmpdir = "/tmp",
	.uid = "1000",
};

static char *fake_resolve(const char *path, enum path_state *state, void *ctx)
{
	(void)ctx;
	*state = PATH_DIR;
	return strdup(path);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* Append every *.yaml in dir to out[] (n entries so far); exits on any
 * failure, since a broken shipped file would make every run meaningless. */
static size_t load_dir(const char *dir, bool is_group, struct profile **out,
		       size_t n, bool must_exist)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL && !must_exist)
		return n;
	if (d == NULL) {
		fprintf(stderr, "fuzz_capset: cannot open %s (set LATCH_FUZZ_PROFILES)\n",
			dir);
		exit(1);
	}
	while ((de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name), len;
		char path[4096], name[256], *buf;
		struct err e = { { 0 } };

		if (nl < 6 || strcmp(de->d_name + nl - 5, ".yaml") != 0)
			continue;
		if (n == MAX_LOADED) {
			fprintf(stderr, "fuzz_capset: too many files in %s\n", dir);
			exit(1);
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(name, sizeof(name), "%.*s", (int)(nl - 5), de->d_name);
		buf = slurp(path, &len);
		if (buf == NULL) {
			fprintf(stderr, "fuzz_capset: cannot read %s\n", path);
			exit(1);
		}
		out[n] = profile_parse(buf, len, path, name, is_group, &e);
		free(buf);
		if (out[n] == NULL) {
			fprintf(stderr, "fuzz_capset: shipped file does not parse: %s\n",
				e.msg);
			exit(1);
		}
		n++;
	}
	closedir(d);
	return n;
}

static void unload(void)
{
	for (size_t i = 0; i < n_groups; i++)
		profile_free(groups[i]);
	for (size_t i = 0; i < n_shipped; i++)
		profile_free(shipped[i]);
	n_groups = n_shipped = 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("LATCH_FUZZ_PROFILES");
	char gdir[4096], rdir[4200];

	(void)argc;
	(void)argv;
	if (dir == NULL || *dir == '\0')
		dir = LATCH_FUZZ_PROFILES;
	snprintf(gdir, sizeof(gdir), "%s/groups", dir);
	snprintf(rdir, sizeof(rdir), "%s/required", gdir);
	n_groups = load_dir(gdir, true, groups, 0, true);
	n_groups = load_dir(rdir, true, groups, n_groups, false);
	n_shipped = load_dir(dir, false, shipped, 0, true);
	if (n_groups == 0 || n_shipped == 0) {
		fprintf(stderr, "fuzz_capset: no shipped profiles/groups under %s\n",
			dir);
		exit(1);
	}
	{
		size_t n_req = 0;

		for (size_t i = 0; i < n_groups; i++)
			n_req += groups[i]->required;
		fprintf(stderr, "fuzz_capset: %zu shipped profiles, %zu groups (%zu required) from %s\n",
			n_shipped, n_groups, n_req, dir);
	}
	atexit(unload); /* keep LeakSanitizer's final report clean */
	return 0;
}

static struct profile *find_shipped(const char *name)
{
	for (size_t i = 0; i < n_shipped; i++)
		if (strcmp(shipped[i]->name, name) == 0)
			return shipped[i];
	return NULL;
}

/* Prepend the first `extends:` of `leaf`, its own first `extends:`, …
 * (shipped profiles only; unknown names and cycles end the chain). */
static size_t build_chain(struct profile *leaf, struct profile **chain)
{
	struct profile *rev[MAX_CHAIN];
	size_t n = 0;

	rev[n++] = leaf;
	while (n < MAX_CHAIN && rev[n - 1]->extends.n > 0) {
		struct profile *base = find_shipped(rev[n - 1]->extends.v[0]);
		bool seen = false;

		for (size_t i = 0; i < n; i++)
			seen |= rev[i] == base;
		if (base == NULL || seen)
			break;
		rev[n++] = base;
	}
	for (size_t i = 0; i < n; i++)
		chain[i] = rev[n - 1 - i];
	return n;
}

static void ask(const struct capset *cs, const char *path)
{
	static const unsigned ops[] = { LATCH_ACC_READ, LATCH_ACC_WRITE,
					LATCH_ACC_EXEC, LATCH_ACC_RW,
					LATCH_ACC_ALL };
	bool in_state = path_within(path, cs->state_dir);
	bool in_config = path_within(path, OWN_CONFIG);

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct why w;

		capset_why(cs, path, ops[i], &w);
		if (w.reason == NULL)
			abort();
		if (w.allowed && (w.by == NULL || w.rule_path == NULL))
			abort();
		if (w.allowed && in_state) {
			fprintf(stderr, "invariant: '%s' inside latch's state directory '%s' is allowed (%s by %s)\n",
				path, cs->state_dir, access_str(ops[i]), w.by);
			abort();
		}
		if (w.allowed && in_config && (ops[i] & LATCH_ACC_WRITE)) {
			fprintf(stderr, "invariant: '%s' inside latch's configuration directory is writable (by %s)\n",
				path, w.by);
			abort();
		}
	}
	(void)capset_granted(cs, path);
}

static void check_required(const struct capset *cs)
{
	for (size_t g = 0; g < n_groups; g++) {
		const struct profile *p = groups[g];

		if (!p->required)
			continue;
		for (size_t i = 0; i < p->n_rules; i++) {
			const struct path_rule *r = &p->rules[i];
			struct err e = { { 0 } };
			size_t len = strlen(r->path);
			char *raw, *exp;
			bool found = false;

			if (r->kind == RULE_GRANT)
				continue;
			/* a trailing '?' marks an optional path */
			raw = strndup(r->path, len - (len > 1 && r->path[len - 1] == '?'));
			exp = vars_expand(&fake_vars, raw, &e);
			free(raw);
			if (exp == NULL)
				abort();
			if (exp[0] != '/') { /* relative: resolved against workdir */
				free(exp);
				continue;
			}
			for (size_t k = 0; k < cs->n_denies && !found; k++)
				found = strcmp(cs->denies[k].path, exp) == 0 &&
					cs->denies[k].required;
			for (size_t k = 0; k < cs->n_unprotected && !found; k++)
				found = strcmp(cs->unprotected[k].path, exp) == 0;
			if (!found) {
				fprintf(stderr, "invariant: required deny '%s' of group %s is gone without an unprotect\n",
					exp, p->name);
				abort();
			}
			free(exp);
		}
	}
}

static void check_env(const struct capset *cs)
{
	static char *const env[] = {
		"PATH=/usr/bin:/bin", "HOME=/home/fuzz", "TERM=xterm",
		"LD_PRELOAD=/evil.so", "BASH_FUNC_x%%=() { :; }",
		"GITHUB_TOKEN=t", "AWS_SECRET_ACCESS_KEY=k", "OPENAI_API_KEY=k",
		"NODE_OPTIONS=--require /evil.js", "FOO=bar", "=novalue",
		"NOEQUALS", "LANG=C.UTF-8", "EMPTY=", NULL,
	};
	struct strv out = { 0 }, stripped = { 0 };

	env_apply(cs, env, &out, &stripped);
	for (size_t i = 0; i < out.n; i++) {
		char *name = strndup(out.v[i], strcspn(out.v[i], "="));

		if (env_is_injection(name)) {
			fprintf(stderr, "invariant: injection variable '%s' reaches the child\n",
				out.v[i]);
			abort();
		}
		free(name);
	}
	strv_free(&out);
	strv_free(&stripped);
}

/* The Seatbelt profile: refused with a message, or written with nothing
 * but comments before "(version 1)" and every deny after the last grant
 * (the last matching rule wins). */
static void check_sbpl(const struct capset *cs_in, const uint8_t *data,
		       size_t size)
{
	struct strv refused = { 0 };
	struct err e = { { 0 } };
	struct capset copy = *cs_in, *cs = &copy;
	char name[65];
	char *text;
	const char *denies, *allow, *line;

	/* a profile's name comes from its file name: here, the input's first
	 * bytes, line breaks and all */
	snprintf(name, sizeof(name), "%.*s", (int)(size < 64 ? size : 64),
		 (const char *)data);
	copy.profile = name;
	strv_push(&refused, "sudo");
	strv_push(&refused, "mkfs.*");
	text = sbpl_generate(&(struct sbpl_spec){ .cs = cs, .refused = &refused,
						  .shims = "/run/user/1000/latch-shims" },
			     &e);
	strv_free(&refused);
	if (text == NULL) {
		if (e.msg[0] == '\0')
			abort();
		return;
	}
	for (line = text; strncmp(line, "(version 1)\n", 12); line = strchr(line, '\n') + 1)
		if (strncmp(line, ";; ", 3) != 0 || strchr(line, '\n') == NULL) {
			fprintf(stderr, "invariant: the header holds more than comments\n%s", text);
			abort();
		}
	denies = strstr(text, "\n;; ---- the denies, last");
	allow = strstr(text, "\n(allow file-read*");
	if (cs->n_denies && (denies == NULL || (allow && strstr(denies, "\n(allow")))) {
		fprintf(stderr, "invariant: an allow follows the denies\n%s", text);
		abort();
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {
		"/", "/etc/passwd", "/usr/bin/env", "/home/fuzz",
		"/home/fuzz/work", "/home/fuzz/work/src/main.c",
		"/home/fuzz/.ssh/id_ed25519", "/home/fuzz/.bashrc",
		OWN_CONFIG, OWN_CONFIG "/config.yaml",
		"/home/fuzz/.local/state/latch", "/home/fuzz/.local/state/latch/x",
		"/tmp/x", "/proc/self/environ", "",
	};
	struct err e = { { 0 } };
	struct profile *p = profile_parse((const char *)data, size, "fuzz.yaml",
					  "fuzz", false, &e);
	struct profile *chain[MAX_CHAIN];
	struct cli_grants cli = { .cwd = "/home/fuzz/work" };
	struct capset cs;
	size_t n;

	if (p == NULL)
		return 0;
	strv_push(&cli.allow, "build");
	strv_push(&cli.read, "~/.gitconfig");
	strv_push(&cli.deny, "$HOME/.ssh");
	strv_push(&cli.env_allow, "TERM");
	n = build_chain(p, chain);
	if (capset_build(&cs, chain, n, groups, n_groups, &cli, &fake_vars,
			 fake_resolve, NULL, &e) == 0) {
		if (cs.state_dir == NULL || cs.workdir == NULL)
			abort();
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			ask(&cs, probes[i]);
		for (size_t i = 0; i < cs.n_grants; i++)
			ask(&cs, cs.grants[i].path);
		for (size_t i = 0; i < cs.n_denies; i++)
			ask(&cs, cs.denies[i].path);
		for (size_t i = 0; i < cs.n_unprotected; i++)
			ask(&cs, cs.unprotected[i].path);
		check_required(&cs);
		check_env(&cs);
		check_sbpl(&cs, data, size);
	} else if (e.msg[0] == '\0') {
		fprintf(stderr, "capset_build failed without a message\n");
		abort();
	}
	capset_free(&cs);
	strv_free(&cli.allow);
	strv_free(&cli.read);
	strv_free(&cli.deny);
	strv_free(&cli.env_allow);
	profile_free(p);
	return 0;
}
