#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "../common/xalloc.h"
#include "../kernel/caps.h"
#include "../kernel/features.h"

/* Landlock features latch relies on; each missing one is a gap. */
static const int needed_always[] = { 1, 3, 5, 6 };
#define N_ALWAYS (sizeof(needed_always) / sizeof(needed_always[0]))

static bool net_restricted(const struct capset *cs)
{
	return cs->net_mode == NET_BLOCK;
}

static int cmp_mask(const void *a, const void *b)
{
	const struct mask *x = a, *y = b;
	size_t lx = strlen(x->path), ly = strlen(y->path);

	return lx < ly ? -1 : lx > ly;
}

static void plan_masks(struct sandbox *sb, const struct capset *cs)
{
	sb->masks = xcalloc(cs->n_denies + 1, sizeof(*sb->masks));
	for (size_t i = 0; i < cs->n_denies; i++) {
		const struct deny *d = &cs->denies[i];

		if (!d->masked)
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
	expand_grants(cs, &sb->rules);
	sb->ll = (struct ll_spec){
		.paths = sb->rules.v, .n_paths = sb->rules.n,
		.net_handled = net_restricted(cs) && sb->abi >= 4,
		.bind_ports = cs->net_bind, .n_bind = cs->n_net_bind,
		.connect_ports = cs->net_connect, .n_connect = cs->n_net_connect,
		.scope = sb->abi >= 6, .abi = sb->abi,
	};
	if (sb->rules.restricted.n) {
		char *dirs = NULL;

		for (size_t i = 0; i < sb->rules.restricted.n; i++) {
			char *next = xjoin(dirs ? dirs : "", dirs ? ", " : "",
					   sb->rules.restricted.v[i]);

			free(dirs);
			dirs = next;
		}
		strv_push_owned(&sb->enforced,
				xasprintf("%zu protected path(s) that do not exist cannot be created: new entries are refused directly in %s",
					  sb->rules.missing.n, dirs));
		free(dirs);
	}
}

int sandbox_plan(struct sandbox *sb, const struct capset *cs, struct err *e)
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
	if (missing[0] && !cs->best_effort)
		return err_set(e, "this kernel (%s, Landlock ABI %d) cannot enforce what profile '%s' needs: %s. Upgrade the kernel, or accept less with --best-effort (best_effort: true in a profile)",
			       sb->kernel, sb->abi, cs->profile, missing);
	plan_masks(sb, cs);
	if (sb->n_masks)
		strv_push_owned(&sb->enforced,
				xasprintf("%zu denied path(s) inside grants hidden by a private mount namespace",
					  sb->n_masks));
	strv_push(&sb->enforced, "no_new_privs; all capabilities dropped");
	if (cs->net_mode == NET_OPEN)
		strv_push(&sb->not_enforced, "network: open (not restricted by this profile)");
	else
		strv_push(&sb->not_enforced, "network: block covers TCP only (Landlock); UDP and raw sockets wait for the seccomp layer");
	plan_landlock(sb, cs);
	return 0;
}

void sandbox_free(struct sandbox *sb)
{
	ll_list_free(&sb->rules);
	free(sb->masks);
	strv_free(&sb->enforced);
	strv_free(&sb->not_enforced);
	strv_free(&sb->gaps);
	memset(sb, 0, sizeof(*sb));
}

int sandbox_enter(const struct sandbox *sb, const struct capset *cs,
		  struct err *e)
{
	if (mask_apply(sb->masks, sb->n_masks, e) < 0)
		return -1;
	if (caps_no_new_privs(e) < 0 || caps_drop(cs->caps_keep, e) < 0)
		return -1;
	if (sb->abi >= 1 && ll_apply(&sb->ll, e) < 0)
		return -1;
	return 0;
}
