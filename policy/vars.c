#include "vars.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

char *vars_get(const struct vars *vs, const char *name)
{
	const char *v = NULL, *home_rel = NULL;

	if (strcmp(name, "HOME") == 0)
		v = vs->home;
	else if (strcmp(name, "WORKDIR") == 0)
		v = vs->workdir;
	else if (strcmp(name, "TMPDIR") == 0)
		v = vs->tmpdir ? vs->tmpdir : "/tmp";
	else if (strcmp(name, "UID") == 0)
		v = vs->uid;
	else if (strcmp(name, "XDG_CONFIG_HOME") == 0)
		v = vs->xdg_config_home, home_rel = ".config";
	else if (strcmp(name, "XDG_CACHE_HOME") == 0)
		v = vs->xdg_cache_home, home_rel = ".cache";
	else if (strcmp(name, "XDG_DATA_HOME") == 0)
		v = vs->xdg_data_home, home_rel = ".local/share";
	else if (strcmp(name, "XDG_STATE_HOME") == 0)
		v = vs->xdg_state_home, home_rel = ".local/state";
	else if (strcmp(name, "XDG_RUNTIME_DIR") == 0) {
		if (vs->xdg_runtime_dir && vs->xdg_runtime_dir[0] == '/')
			return xstrdup(vs->xdg_runtime_dir);
		return xasprintf("/run/user/%s", vs->uid ? vs->uid : "0");
	} else
		return NULL;
	/* XDG spec: an unset, empty or relative value means the default. */
	if (home_rel && (v == NULL || v[0] != '/'))
		return xasprintf("%s/%s", vs->home, home_rel);
	return v ? xstrdup(v) : NULL;
}

/* Append src[0..n) to the growing output. */
static void put(char **out, size_t *len, const char *src, size_t n)
{
	*out = xrealloc(*out, *len + n + 1);
	memcpy(*out + *len, src, n);
	*len += n;
	(*out)[*len] = '\0';
}

char *vars_expand(const struct vars *vs, const char *in, struct err *e)
{
	char *out = xstrdup("");
	size_t len = 0;
	const char *p = in;

	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		put(&out, &len, vs->home, strlen(vs->home));
		p++;
	}
	while (*p) {
		const char *dollar = strchr(p, '$');
		char name[64];
		size_t n;
		char *val;
		bool braced;

		if (dollar == NULL) {
			put(&out, &len, p, strlen(p));
			break;
		}
		put(&out, &len, p, (size_t)(dollar - p));
		p = dollar + 1;
		braced = *p == '{';
		p += braced;
		n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
		if (n == 0 || n >= sizeof(name) || (braced && p[n] != '}')) {
			err_set(e, "malformed variable in '%s' (write $NAME or ${NAME})",
				in);
			free(out);
			return NULL;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n + braced;
		val = vars_get(vs, name);
		if (val == NULL) {
			err_set(e, "unknown variable $%s in '%s' (known: $HOME, $WORKDIR, $TMPDIR, $UID, $XDG_CONFIG_HOME, $XDG_CACHE_HOME, $XDG_DATA_HOME, $XDG_STATE_HOME, $XDG_RUNTIME_DIR)",
				name, in);
			free(out);
			return NULL;
		}
		put(&out, &len, val, strlen(val));
		free(val);
	}
	return out;
}
