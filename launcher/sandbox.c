#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "../policy/access.h"
#include "../kernel/caps.h"
#include "../kernel/features.h"
#include "../kernel/ns.h"
#include "../proxy/proxy.h"

/* Landlock features latch relies on; each missing one is a gap. */
static const int needed_always[] = { 1, 3, 5, 6 };
#define N_ALWAYS (sizeof(needed_always) / sizeof(needed_always[0]))

static bool net_restricted(const struct capset *cs)
{
	return cs->net_mode == NET_BLOCK || cs->net_mode == NET_ALLOWLIST;
}

static int cmp_mask(const void *a, const void *b)
{
	const struct mask *x = a, *y = b;
	size_t lx = strlen(x->path), ly = strlen(y->path);

	return lx < ly ? -1 : lx > ly;
}

/* Inside another hidden path: already covered (and no longer reachable by
 * name once the outer cover is in place). */
static bool under_hidden(const struct capset *cs, const struct deny *d)
{
	for (size_t i = 0; i < cs->n_denies; i++) {
		const struct deny *o = &cs->denies[i];

		if (o != d && o->masked && !o->write_only &&
		    path_within(d->path, o->path))
			return true;
	}
	return false;
}

static void plan_masks(struct sandbox *sb, const struct capset *cs)
{
	sb->masks = xcalloc(cs->n_denies + 1, sizeof(*sb->masks));
	for (size_t i = 0; i < cs->n_denies; i++) {
		const struct deny *d = &cs->denies[i];

		if (!d->masked || under_hidden(cs, d))
			continue;
		sb->masks[sb->n_masks++] = (struct mask){
			.path = d->path, .readonly = d->write_only,
			.is_dir = d->is_dir,
		};
	}
	qsort(sb->masks, sb->n_masks, sizeof(*sb->masks), cmp_mask);
}

static void plan_landlock(struct sandbox *sb, const struct capset *cs)
{
	/* with the proxy, its port too */
	sb->connect_ports = xmalloc((cs->n_net_connect + 1) * sizeof(*sb->connect_ports));
	if (cs->n_net_connect)
		memcpy(sb->connect_ports, cs->net_connect,
		       cs->n_net_connect * sizeof(*sb->connect_ports));
	sb->n_connect_ports = cs->n_net_connect;
	if (sb->proxy)
		sb->connect_ports[sb->n_connect_ports++] = PROXY_PORT;
	expand_grants(cs, &sb->rules);
	sb->ll = (struct ll_spec){
		.paths = sb->rules.v, .n_paths = sb->rules.n,
		.net_handled = net_restricted(cs) && sb->abi >= 4,
		.bind_ports = cs->net_bind, .n_bind = cs->n_net_bind,
		.connect_ports = sb->connect_ports, .n_connect = sb->n_connect_ports,
		.scope = sb->abi >= 6, .abi = sb->abi,
	};
	if (sb->rules.restricted.n) {
		char *dirs = strv_join((const char *const *)sb->rules.restricted.v,
				       sb->rules.restricted.n, ", ");

		strv_push_owned(&sb->enforced,
				xasprintf("%zu protected path(s) that do not exist cannot be created: new entries are refused directly in %s",
					  sb->rules.missing.n, dirs));
		free(dirs);
	}
}

/* As root, a capability-free process that can write kernel parameters or
 * sysfs knobs can still become root again (core_pattern, modprobe, …). */
static int refuse_root_writes(const struct capset *cs, struct err *e)
{
	static const char *const knobs[] = { "/proc", "/sys" };

	if (geteuid() != 0)
		return 0;
	for (size_t i = 0; i < cs->n_grants; i++)
		for (size_t k = 0; k < 2; k++)
			if ((cs->grants[i].access & LATCH_ACC_WRITE) &&
			    path_within(cs->grants[i].path, knobs[k]))
				return err_set(e, "refusing write access to '%s' (%s) as root: writing kernel or device settings undoes the sandbox; run latch as an ordinary user",
					       cs->grants[i].path, cs->grants[i].origin);
	return 0;
}

int sandbox_plan(struct sandbox *sb, const struct capset *cs, bool judge_exec,
		 struct err *e)
{
	struct utsname u;
	char missing[512] = "";

	memset(sb, 0, sizeof(*sb));
	sb->abi = ll_abi();
	if (uname(&u) == 0)
		snprintf(sb->kernel, sizeof(sb->kernel), "%s", u.release);
	for (size_t i = 0; i <= N_ALWAYS; i++) {
		int need = i < N_ALWAYS ? needed_always[i]
					: (net_restricted(cs) ? 4 : 0);

		if (need == 0)
			continue;
		if (sb->abi >= need) {
			strv_push(&sb->enforced, features_ll_name(need));
			continue;
		}
		strv_push(&sb->not_enforced, features_ll_name(need));
		strv_push(&sb->gaps, features_ll_name(need));
		snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
			 "%s%s", missing[0] ? ", " : "", features_ll_name(need));
	}
	sb->judge = judge_exec;
	if (judge_exec && !features_user_notif()) {
		static const char gap[] = "every exec judged by the supervisor (seccomp user notification): only the shims first on PATH judge commands; a program run by its path, or with PATH changed, is not judged, and the shims' decisions are not in the audit log";

		sb->judge = false;
		strv_push(&sb->not_enforced, gap);
		strv_push(&sb->gaps, gap);
		snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
			 "%sseccomp user notification (every exec judged by the supervisor)",
			 missing[0] ? ", " : "");
	}
	if (refuse_root_writes(cs, e) < 0)
		return -1;
	if (missing[0] && !cs->best_effort)
		return err_set(e, "this kernel (%s, Landlock ABI %d) cannot enforce what profile '%s' needs: %s. Upgrade the kernel, or accept less with --best-effort (best_effort: true in a profile)",
			       sb->kernel, sb->abi, cs->profile, missing);
	plan_masks(sb, cs);
	if (sb->n_masks)
		strv_push_owned(&sb->enforced,
				xasprintf("%zu denied path(s) inside grants hidden by a private mount namespace",
					  sb->n_masks));
	strv_push(&sb->enforced, "no_new_privs; all capabilities dropped");
	sb->netns = net_restricted(cs);
	/* either would let the sandbox act on the host's network namespace
	 * (its namespace belongs to the initial user namespace as root) */
	if (sb->netns && (cs->caps_keep & ((1ull << CAP_NET_ADMIN) | (1ull << CAP_SYS_ADMIN))))
		return err_set(e, "profile '%s' keeps CAP_NET_ADMIN or CAP_SYS_ADMIN with network %s: either would let the sandbox undo its network namespace; drop it from capabilities.keep, or use network: open",
			       cs->profile, cs->net_mode == NET_BLOCK ? "block" : "allowlist");
	/* the proxy is the way out (allowlist) or to the credential routes */
	sb->proxy = cs->net_mode == NET_ALLOWLIST || (sb->netns && cs->n_creds);
	if (seccomp_build(&(struct seccomp_spec){ .allow_unix = cs->unix_sockets,
						   .notify_exec = sb->judge,
						   .inet_stream_only = sb->netns },
			  &sb->filter, e) < 0)
		return -1;
	if (sb->judge)
		strv_push(&sb->enforced, "seccomp: every execve/execveat judged by the rule packs before it runs");
	if (judge_exec)
		strv_push(&sb->enforced, "shims: every command the rules name is first on PATH as latch's shim, which explains a refusal to its caller (exit 126)");
	strv_push(&sb->enforced, "seccomp: terminal injection (TIOCSTI, TIOCLINUX) refused; i386/x32 system calls kill");
	if (cs->unix_sockets)
		strv_push(&sb->not_enforced, "unix sockets allowed (network: {unix: allow}): a pathname socket reaches services outside the sandbox (tmux, D-Bus, ssh-agent, docker)");
	else
		strv_push(&sb->enforced, "seccomp: unix sockets refused (socketpair allowed; network: {unix: allow} to permit)");
	if (cs->net_mode == NET_OPEN) {
		strv_push(&sb->not_enforced, "network: open (not restricted by this profile)");
	} else {
		if (sb->proxy)
			strv_push_owned(&sb->enforced, xasprintf("network: allowlist; a network namespace of its own with only loopback, the way out latch's proxy at 127.0.0.1:%d (%zu allowed host entries; HTTP_PROXY/HTTPS_PROXY set)",
								 PROXY_PORT, cs->net_allow.n));
		else
			strv_push(&sb->enforced, "network: blocked; a network namespace of its own with only loopback (no TCP, UDP/DNS or ICMP leaves the sandbox)");
		strv_push(&sb->enforced, "seccomp: sockets only unix, TCP and NETLINK_ROUTE (no UDP, raw, packet, vsock; no TCP Fast Open, no io_uring)");
	}
	plan_landlock(sb, cs);
	return 0;
}

void sandbox_bind(struct sandbox *sb, const char *source, const char *target)
{
	sb->masks = xrealloc(sb->masks, (sb->n_masks + 1) * sizeof(*sb->masks));
	sb->masks[sb->n_masks++] = (struct mask){
		.path = target, .is_dir = true, .source = source,
	};
	qsort(sb->masks, sb->n_masks, sizeof(*sb->masks), cmp_mask);
}

void sandbox_free(struct sandbox *sb)
{
	ll_list_free(&sb->rules);
	seccomp_prog_free(&sb->filter);
	free(sb->masks);
	free(sb->connect_ports);
	strv_free(&sb->enforced);
	strv_free(&sb->not_enforced);
	strv_free(&sb->gaps);
	memset(sb, 0, sizeof(*sb));
}

int sandbox_enter(const struct sandbox *sb, const struct capset *cs,
		  int *listener, int *proxy, struct err *e)
{
	if (ns_enter(sb->n_masks > 0, sb->netns, e) < 0)
		return -1;
	if (sb->proxy && (*proxy = ns_listen(PROXY_PORT, e)) < 0)
		return -1;
	if (mask_apply(sb->masks, sb->n_masks, e) < 0)
		return -1;
	/* The inherited cwd still points below any mount just placed on it:
	 * walk to it again, through the masks. */
	if (sb->n_masks && sb->cwd && chdir(sb->cwd) < 0)
		return err_sys(e, "cannot enter the current directory '%s' inside the sandbox (it is hidden there; start latch from elsewhere)",
			       sb->cwd);
	if (caps_no_new_privs(e) < 0 || caps_drop(cs->caps_keep, e) < 0)
		return -1;
	if (sb->abi >= 1 && ll_apply(&sb->ll, e) < 0)
		return -1;
	return seccomp_apply(&sb->filter, listener, e);
}
