#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/dirnames.h"
#include "../common/xalloc.h"
#include "../policy/suggest.h"
#include "datadir.h"

#define MAX_DEPTH 10
#define MAX_FILE (1 << 20)

static char *read_file(const char *path, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	char *buf;

	if (f == NULL)
		return err_sys(e, "cannot open '%s'", path), NULL;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return err_set(e, "'%s' is not a regular file", path), NULL;
	}
	if (st.st_size > MAX_FILE) {
		fclose(f);
		return err_set(e, "'%s' is larger than 1 MiB; not a profile", path),
		       NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	*len = fread(buf, 1, (size_t)st.st_size, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static struct profile *load(const char *path, const char *name, bool group,
			    struct err *e)
{
	size_t len;
	char *buf = read_file(path, &len, e);
	struct profile *p;

	if (buf == NULL)
		return NULL;
	p = profile_parse(buf, len, path, name, group, e);
	free(buf);
	return p;
}

static char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	char *name = xstrdup(s ? s + 1 : path);
	char *dot = strrchr(name, '.');

	if (dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0))
		*dot = '\0';
	return name;
}

struct profile *store_load_file(const char *path, struct err *e)
{
	char *name = base_name(path);
	struct profile *p = load(path, name, false, e);

	free(name);
	return p;
}

bool store_is_path(const char *ref)
{
	size_t n = strlen(ref);

	return strchr(ref, '/') != NULL ||
	       (n > 5 && strcmp(ref + n - 5, ".yaml") == 0);
}

void store_list(const char *user_config_dir, struct strv *names,
		struct strv *origins)
{
	struct strv user = { 0 }, shipped = { 0 };
	char *dir = xasprintf("%s/profiles", user_config_dir);

	(void)dir_names(dir, ".yaml", true, &user);
	free(dir);
	if (datadir()) {
		dir = xasprintf("%s/profiles", datadir());
		(void)dir_names(dir, ".yaml", true, &shipped);
		free(dir);
	}
	for (size_t i = 0; i < user.n; i++) {
		strv_push(names, user.v[i]);
		strv_push(origins, "user");
	}
	for (size_t i = 0; i < shipped.n; i++) {
		if (strv_contains(&user, shipped.v[i]))
			continue;
		strv_push(names, shipped.v[i]);
		strv_push(origins, "shipped");
	}
	strv_free(&user);
	strv_free(&shipped);
}

/* Path of profile `name`, or NULL with the list of available ones in `e`. */
static char *find_profile(const char *name, const char *user_config_dir,
			  struct err *e)
{
	char *p = xasprintf("%s/profiles/%s.yaml", user_config_dir, name);
	struct strv names = { 0 }, origins = { 0 };
	char list[512] = "";

	if (access(p, F_OK) == 0)
		return p;
	free(p);
	if (datadir()) {
		p = xasprintf("%s/profiles/%s.yaml", datadir(), name);
		if (access(p, F_OK) == 0)
			return p;
		free(p);
	}
	store_list(user_config_dir, &names, &origins);
	for (size_t i = 0; i < names.n; i++) {
		size_t n = strlen(list);

		snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
			 names.v[i]);
	}
	err_set(e, "no profile named '%s' (available: %s; or give a path to a .yaml file)",
		name, names.n ? list : "none: latch's data directory was not found");
	strv_free(&names);
	strv_free(&origins);
	return NULL;
}

/* Where a profile reference points: a name is looked up (find_profile); a
 * relative path is taken against `dir`, the directory of the profile that
 * names it (NULL for the command line: the cwd). Never against the cwd for
 * a profile's `extends`: the cwd is usually the agent's workdir. */
static char *locate(const char *ref, const char *dir,
		    const char *user_config_dir, struct err *e)
{
	if (!store_is_path(ref))
		return find_profile(ref, user_config_dir, e);
	if (ref[0] == '/' || dir == NULL)
		return xstrdup(ref);
	return xjoin(dir, "/", ref);
}

/* The directory holding `path`; NULL for a bare file name, which lies in
 * the cwd (where relative references then resolve too). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return NULL;
	return xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

static int load_chain(const char *ref, const char *dir,
		      const char *user_config_dir, struct strv *seen,
		      struct loaded *out, struct err *e);

/* `p`'s parents loaded (first listed, first merged), then `p` itself
 * appended to the chain; `pdir` is where its relative references point.
 * Takes `p` (freed on error). */
static int add_chain(struct profile *p, const char *pdir,
		     const char *user_config_dir, struct strv *seen,
		     struct loaded *out, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; i < p->extends.n && rc == 0; i++) {
		rc = load_chain(p->extends.v[i], pdir, user_config_dir, seen,
				out, e);
		if (rc < 0) {
			size_t n = strlen(e->msg);

			snprintf(e->msg + n, sizeof(e->msg) - n,
				 " (extended from %s:%d)", p->file,
				 p->extends_src[i].line);
		}
	}
	if (rc < 0) {
		profile_free(p);
		return -1;
	}
	out->chain = xrealloc(out->chain, (out->n_chain + 1) * sizeof(*out->chain));
	out->chain[out->n_chain++] = p;
	return 0;
}

/* `seen` holds the canonical paths (realpath) of the chain being loaded, so
 * a cycle is found whichever way its files are spelled. */
static int load_chain(const char *ref, const char *dir,
		      const char *user_config_dir, struct strv *seen,
		      struct loaded *out, struct err *e)
{
	char *path, *name, *canon, *pdir;
	struct profile *p;
	int rc;

	if (seen->n >= MAX_DEPTH)
		return err_set(e, "profile '%s': 'extends' is nested deeper than %d",
			       seen->v[0], MAX_DEPTH);
	path = locate(ref, dir, user_config_dir, e);
	if (path == NULL)
		return -1;
	canon = realpath(path, NULL);
	if (canon == NULL) {
		err_sys(e, "cannot open '%s'", path);
		free(path);
		return -1;
	}
	name = store_is_path(ref) ? base_name(ref) : xstrdup(ref);
	if (strv_contains(seen, canon)) {
		err_set(e, "profile '%s' extends itself through a cycle (%s)",
			name, path);
		free(canon);
		free(path);
		free(name);
		return -1;
	}
	strv_push_owned(seen, canon);
	p = load(path, name, false, e);
	pdir = dir_of(path);
	free(path);
	free(name);
	rc = p ? add_chain(p, pdir, user_config_dir, seen, out, e) : -1;
	free(pdir);
	if (rc < 0)
		return -1;
	seen->n--;
	free(seen->v[seen->n]);
	seen->v[seen->n] = NULL;
	return 0;
}

/* A group's file is named after it: groups/NAME.yaml. */
static struct profile *load_group(const char *dir, const char *name,
				  bool required, struct err *e)
{
	char *path = xasprintf("%s/%s.yaml", dir, name);
	struct profile *g = load(path, name, true, e);

	free(path);
	if (g == NULL)
		return NULL;
	if (strcmp(g->name, name) != 0) {
		err_set(e, "%s: group name '%s' does not match its file name '%s.yaml'",
			g->file, g->name, name);
		profile_free(g);
		return NULL;
	}
	if (g->required != required) {
		err_set(e, required
			? "%s: groups in groups/required/ must say 'required: true'"
			: "%s: a required group must live in groups/required/",
			g->file);
		profile_free(g);
		return NULL;
	}
	return g;
}

static bool have_group(const struct loaded *l, const char *name)
{
	for (size_t i = 0; i < l->n_groups; i++)
		if (strcmp(l->groups[i]->name, name) == 0)
			return true;
	return false;
}

static void add_group(struct loaded *l, struct profile *g)
{
	l->groups = xrealloc(l->groups, (l->n_groups + 1) * sizeof(*l->groups));
	l->groups[l->n_groups++] = g;
}

static bool exists(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s.yaml", dir, name);
	bool ok = access(path, F_OK) == 0;

	free(path);
	return ok;
}

static int unknown_group(const char *shipped, const char *user,
			 const char *name, struct src s, struct err *e)
{
	struct strv names = { 0 };
	const char *guess;

	(void)dir_names(shipped, ".yaml", true, &names);
	(void)dir_names(user, ".yaml", true, &names);
	guess = suggest(name, (const char *const *)names.v, names.n);
	err_set(e, "%s:%d: unknown group '%s'%s%s%s", s.file, s.line, name,
		guess ? " (did you mean '" : "", guess ? guess : "",
		guess ? "'?)" : "");
	strv_free(&names);
	return -1;
}

/* One group the chain names, from the shipped or the user directory. */
static int want_group(struct loaded *l, const char *shipped, const char *user,
		      const char *name, struct src s, struct err *e)
{
	bool in_shipped = exists(shipped, name), in_user = exists(user, name);
	struct profile *g;

	if (have_group(l, name))
		return 0;
	if (in_shipped && in_user)
		return err_set(e, "%s/%s.yaml: group '%s' is already shipped with latch (user groups cannot replace shipped ones)",
			       user, name, name);
	if (!in_shipped && !in_user)
		return unknown_group(shipped, user, name, s, e);
	g = load_group(in_shipped ? shipped : user, name, false, e);
	if (g == NULL)
		return -1;
	add_group(l, g);
	return 0;
}

/* Required groups (all of groups/required/), then those the chain names. */
static int load_groups(const char *user_config_dir, struct loaded *out,
		       struct err *e)
{
	char *shipped = xasprintf("%s/profiles/groups",
				  datadir() ? datadir() : "/nonexistent");
	char *required = xasprintf("%s/required", shipped);
	char *user = xasprintf("%s/groups", user_config_dir);
	struct strv names = { 0 };
	int rc = 0;

	(void)dir_names(required, ".yaml", true, &names);
	if (names.n == 0)
		rc = err_set(e, "latch's data is incomplete: no required groups in '%s' (reinstall latch, or set LATCH_DATA_DIR)",
			     required);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		struct profile *g = load_group(required, names.v[i], true, e);

		if (g == NULL)
			rc = -1;
		else
			add_group(out, g);
	}
	for (size_t i = 0; i < out->n_chain && rc == 0; i++) {
		const struct profile *p = out->chain[i];

		for (size_t j = 0; j < p->groups_include.n && rc == 0; j++)
			rc = want_group(out, shipped, user, p->groups_include.v[j],
					p->include_src[j], e);
		for (size_t j = 0; j < p->groups_exclude.n && rc == 0; j++)
			rc = want_group(out, shipped, user, p->groups_exclude.v[j],
					p->exclude_src[j], e);
	}
	strv_free(&names);
	free(shipped);
	free(required);
	free(user);
	return rc;
}

/* The groups of a loaded chain, or everything freed on error. */
static int finish(int rc, const char *user_config_dir, struct loaded *out,
		  struct err *e)
{
	if (rc == 0)
		rc = load_groups(user_config_dir, out, e);
	if (rc < 0)
		store_free(out);
	return rc;
}

int store_load(const char *ref, const char *user_config_dir,
	       struct loaded *out, struct err *e)
{
	struct strv seen = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load_chain(ref, NULL, user_config_dir, &seen, out, e);
	strv_free(&seen);
	return finish(rc, user_config_dir, out, e);
}

/* A profile given as text has no directory of its own for a relative
 * `extends` path to start from. */
static bool text_extends_ok(const struct profile *p, struct err *e)
{
	for (size_t i = 0; i < p->extends.n; i++)
		if (store_is_path(p->extends.v[i]) && p->extends.v[i][0] != '/') {
			err_set(e, "%s:%d: extends '%s': a profile given as text has no directory; name a profile or give an absolute path",
				p->file, p->extends_src[i].line, p->extends.v[i]);
			return false;
		}
	return true;
}

int store_load_yaml(const char *yaml, size_t len, const char *name,
		    const char *user_config_dir, struct loaded *out,
		    struct err *e)
{
	struct strv seen = { 0 };
	char *file = xasprintf("<%s>", name);
	struct profile *p;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (len > MAX_FILE)
		err_set(e, "profile '%s': its YAML is larger than 1 MiB; not a profile", name);
	else if ((p = profile_parse(yaml, len, file, name, false, e)) != NULL) {
		if (text_extends_ok(p, e))
			rc = add_chain(p, NULL, user_config_dir, &seen, out, e);
		else
			profile_free(p);
	}
	strv_free(&seen);
	free(file);
	return finish(rc, user_config_dir, out, e);
}

void store_free(struct loaded *l)
{
	for (size_t i = 0; i < l->n_chain; i++)
		profile_free(l->chain[i]);
	for (size_t i = 0; i < l->n_groups; i++)
		profile_free(l->groups[i]);
	free(l->chain);
	free(l->groups);
	memset(l, 0, sizeof(*l));
}
