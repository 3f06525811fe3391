/* creds.h — a session's credential routes (docs/profiles.md, Credentials):
 * each route's real credential read from its source outside the sandbox,
 * a phantom made for the sandbox to hold instead, and the sandbox's
 * environment pointed at the proxy.
 *
 * Sources: env:NAME (latch's own environment; the variable never reaches
 * the sandbox), file:PATH (~ and $VARS expanded; its first line), or
 * command:COMMAND (run by /bin/sh outside the sandbox; its first line of
 * output, exit status 0). A route whose env source is unset is left out
 * (nothing to inject: the sandbox keeps its own way of signing in); a
 * file or command that fails stops the start. The
 * secrets are wiped when freed; the supervisor holding them is made
 * undumpable once the sandbox has started (supervise.h).
 */
#ifndef LATCH_CREDS_H
#define LATCH_CREDS_H

#include "../common/err.h"
#include "../common/strv.h"
#include "../policy/capset.h"
#include "../policy/vars.h"
#include "../proxy/proxy.h"

struct creds {
	struct proxy_route *v;
	const struct cred_route **from; /* the profile's route of each */
	size_t n;
	struct strv env_sources; /* env:NAME variables the sandbox must not see */
};

int creds_load(struct creds *cr, const struct capset *cs, const struct vars *vs,
	       struct err *e);
/* Into the sandbox's environment: each route's phantom in its variable,
 * its URL ("BASE/NAME", BASE as "http://127.0.0.1:3128") in its base_url
 * variable; the env sources' variables removed. */
void creds_env(const struct creds *cr, struct strv *env, const char *base);
void creds_free(struct creds *cr);

#endif
