#include "envpolicy.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

/* Names that change what a loader or interpreter runs before the user's code.
 * A trailing '*' is a prefix match. */
static const char *const injection[] = {
	"LD_*", "BASH_ENV", "ENV", "BASH_FUNC_*", "SHELLOPTS", "BASHOPTS",
	"PROMPT_COMMAND", "PS4", "GCONV_PATH", "GETCONF_DIR", "HOSTALIASES",
	"LOCALDOMAIN", "RES_OPTIONS", "MALLOC_*", "GLIBC_TUNABLES",
	"PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONHOME", "PYTHONPATH",
	"PYTHONUSERBASE", "PYTHONBREAKPOINT", "NODE_OPTIONS",
	"NODE_REPL_EXTERNAL_MODULE", "NODE_PATH", "PERL5OPT", "PERL5LIB",
	"PERLLIB", "PERL5DB", "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS",
	"_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "DYLD_*", "GIT_EXEC_PATH",
	"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
};

static bool name_matches(const char *name, const char *pat)
{
	size_t n = strlen(pat);

	if (n > 0 && pat[n - 1] == '*' && strchr(pat, '*') == pat + n - 1)
		return strncmp(name, pat, n - 1) == 0;
	return strcmp(name, pat) == 0;
}

bool env_is_injection(const char *name)
{
	for (size_t i = 0; i < sizeof(injection) / sizeof(injection[0]); i++)
		if (name_matches(name, injection[i]))
			return true;
	return false;
}

void env_put(struct strv *out, const char *kv)
{
	size_t n = strcspn(kv, "=");

	for (size_t i = 0; i < out->n; i++) {
		if (strncmp(out->v[i], kv, n) == 0 && out->v[i][n] == '=') {
			free(out->v[i]);
			out->v[i] = xstrdup(kv);
			return;
		}
	}
	strv_push(out, kv);
}

void env_apply(const struct capset *cs, char *const *environ_in,
	       struct strv *out, struct strv *stripped)
{
	for (char *const *ep = environ_in; ep && *ep; ep++) {
		const char *eq = strchr(*ep, '=');
		char *name;
		bool drop = false;

		if (eq == NULL || eq == *ep)
			continue; /* malformed entries never reach the child */
		name = xstrndup(*ep, (size_t)(eq - *ep));
		/* and where latch's signing key is (docs/audit.md) */
		if (env_is_injection(name) || strcmp(name, "LATCH_AUDIT_KEY") == 0) {
			drop = true;
		} else if (!strv_contains(&cs->env_allow, name)) {
			for (size_t i = 0; i < cs->env_deny.n && !drop; i++)
				drop = fnmatch(cs->env_deny.v[i], name, 0) == 0;
		}
		if (drop) {
			if (!strv_contains(stripped, name))
				strv_push(stripped, name);
		} else {
			env_put(out, *ep);
		}
		free(name);
	}
	for (size_t i = 0; i < cs->env_set.n; i++)
		env_put(out, cs->env_set.v[i]);
}

void env_proxy(struct strv *out, const char *url)
{
	static const char *const names[] = { "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
		"http_proxy", "https_proxy", "all_proxy" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *kv = xjoin(names[i], "=", url);

		env_put(out, kv);
		free(kv);
	}
	env_put(out, "NO_PROXY=localhost,127.0.0.1,::1");
	env_put(out, "no_proxy=localhost,127.0.0.1,::1");
	env_put(out, "NODE_USE_ENV_PROXY=1");
}
