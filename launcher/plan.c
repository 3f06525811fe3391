#include "plan.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "datadir.h"
#include "resolve.h"
#include "state.h"

static const char *env_abs(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] == '/' ? v : NULL;
}

static char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && h[0] == '/')
		return xstrdup(h);
	pw = getpwuid(getuid());
	return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? xstrdup(pw->pw_dir)
							: NULL;
}

char *plan_user_config_dir(void)
{
	const char *x = env_abs("XDG_CONFIG_HOME");
	char *home;
	char *dir;

	if (x)
		return xasprintf("%s/latch", x);
	home = home_dir();
	dir = xasprintf("%s/.config/latch", home ? home : "/nonexistent");
	free(home);
	return dir;
}

int plan_mkdirs(char *dir, struct err *e)
{
	for (char *p = dir + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			err_sys(e, "cannot create the directory '%s'", dir);
			*p = c;
			return -1;
		}
		*p = c;
		if (c == '\0')
			return 0;
	}
}

const char *plan_tmp_dir(void)
{
	return env_abs("TMPDIR") ? env_abs("TMPDIR") : "/tmp";
}

const char *plan_runtime_dir(void)
{
	return env_abs("XDG_RUNTIME_DIR");
}

char *plan_state_dir(void)
{
	const char *state = env_abs("XDG_STATE_HOME");
	char *home = state ? NULL : home_dir();
	char *dir = state ? xasprintf("%s/latch", state)
			  : xasprintf("%s/.local/state/latch", home ? home : "/");

	free(home);
	return dir;
}

int plan_ensure_own_dirs(struct err *e)
{
	char *dirs[2];
	int rc = 0;

	dirs[0] = plan_state_dir();
	dirs[1] = plan_user_config_dir();
	for (int i = 0; i < 2; i++) {
		if (rc == 0)
			rc = plan_mkdirs(dirs[i], e);
		free(dirs[i]);
	}
	return rc;
}

/* What a sandbox must never rewrite to weaken later sessions: the data
 * latch loads (profiles, rule packs, completion scripts the user's shell
 * sources) and the latch binary itself (or liblatch, embedded). */
static void own_files(struct strv *own)
{
	static const char *const sub[] = { "profiles", "rules", "completions" };

	for (size_t i = 0; datadir() && i < sizeof(sub) / sizeof(sub[0]); i++)
		strv_push_owned(own, xasprintf("%s/%s", datadir(), sub[i]));
	if (datadir_image())
		strv_push(own, datadir_image());
}

/* From a profile reference, or (yaml non-NULL) YAML text named `profile`. */
static int build(struct plan *pl, const char *profile, const char *yaml,
		 size_t yaml_len, const char *workdir,
		 const struct cli_grants *cli, struct err *e)
{
	char cwd[PATH_MAX];

	memset(pl, 0, sizeof(*pl));
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return err_sys(e, "cannot determine the current directory");
	pl->home = home_dir();
	if (pl->home == NULL)
		return err_set(e, "HOME is not set to an absolute path and the password database has no home for uid %u",
			       (unsigned)getuid());
	pl->cwd = xstrdup(cwd);
	if (workdir == NULL)
		pl->workdir = xstrdup(cwd);
	else if (workdir[0] == '/')
		pl->workdir = xstrdup(workdir);
	else
		pl->workdir = xasprintf("%s/%s", cwd, workdir);
	pl->uid = xasprintf("%u", (unsigned)getuid());
	pl->tmpdir = xstrdup(plan_tmp_dir());
	pl->config_dir = plan_user_config_dir();
	pl->vs = (struct vars){
		.home = pl->home, .workdir = pl->workdir, .tmpdir = pl->tmpdir,
		.uid = pl->uid,
		.xdg_config_home = env_abs("XDG_CONFIG_HOME"),
		.xdg_cache_home = env_abs("XDG_CACHE_HOME"),
		.xdg_data_home = env_abs("XDG_DATA_HOME"),
		.xdg_state_home = env_abs("XDG_STATE_HOME"),
		.xdg_runtime_dir = plan_runtime_dir(),
	};
	if ((yaml ? store_load_yaml(yaml, yaml_len, profile, pl->config_dir,
				    &pl->loaded, e)
		  : store_load(profile, pl->config_dir, &pl->loaded, e)) < 0)
		return -1;
	/* before the grants are resolved: a created path is then granted */
	if (cli && cli->create_state &&
	    state_create(&pl->loaded, &pl->vs, &pl->created, e) < 0)
		return -1;
	{
		struct cli_grants none = { .cwd = pl->cwd };
		struct cli_grants with_cwd = cli ? *cli : none;

		with_cwd.cwd = pl->cwd;
		own_files(&with_cwd.own);
		int rc = capset_build(&pl->cs, pl->loaded.chain,
				      pl->loaded.n_chain, pl->loaded.groups,
				      pl->loaded.n_groups, &with_cwd, &pl->vs,
				      resolve_real, NULL, e);

		strv_free(&with_cwd.own);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int plan_build(struct plan *pl, const char *profile, const char *workdir,
	       const struct cli_grants *cli, struct err *e)
{
	return build(pl, profile, NULL, 0, workdir, cli, e);
}

int plan_build_yaml(struct plan *pl, const char *yaml, size_t len,
		    const char *name, const char *workdir,
		    const struct cli_grants *cli, struct err *e)
{
	return build(pl, name, yaml, len, workdir, cli, e);
}

void plan_free(struct plan *pl)
{
	capset_free(&pl->cs);
	store_free(&pl->loaded);
	free(pl->home);
	free(pl->cwd);
	free(pl->workdir);
	free(pl->uid);
	free(pl->tmpdir);
	free(pl->config_dir);
	strv_free(&pl->created);
	resolve_forget();
	memset(pl, 0, sizeof(*pl));
}
