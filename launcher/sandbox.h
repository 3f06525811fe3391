/* sandbox.h — from a capability set to the kernel layers, and their order.
 *
 * sandbox_plan() (parent, before fork) decides what this kernel will enforce
 * and refuses when something the profile needs is missing, unless best
 * effort was accepted. sandbox_enter() (child, after fork) applies, in order:
 * namespaces (mount; network when the network is restricted) → masks →
 * re-enter the cwd → no_new_privs → capability drop → Landlock → seccomp
 * filter.
 */
#ifndef LATCH_SANDBOX_H
#define LATCH_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "../kernel/landlock.h"
#include "../kernel/mask.h"
#include "../kernel/seccomp.h"
#include "../policy/capset.h"
#include "expand.h"

struct sandbox {
	int abi;                   /* Landlock ABI in use (0: none) */
	char kernel[128];          /* uname -r, for messages */
	struct ll_spec ll;
	struct ll_list rules;      /* grants as Landlock rules (expand.h) */
	struct mask *masks;        /* outermost first */
	size_t n_masks;
	struct seccomp_prog filter; /* kernel/seccomp.h */
	bool judge;                /* execs go to the supervisor (judge.h) */
	bool netns;                /* a network namespace of its own (ns.h) */
	bool proxy;                /* and latch's proxy the way out (proxy.h) */
	uint16_t *connect_ports;   /* Landlock's: the profile's, the proxy's */
	size_t n_connect_ports;
	const char *cwd;           /* re-entered after the masks (may be NULL) */
	struct strv enforced;      /* what will hold, one line each */
	struct strv not_enforced;  /* what will not, informational lines too */
	struct strv gaps;          /* missing kernel features accepted by best effort */
};

/* Fails closed: -1 with `e` naming each missing feature and the kernel
 * version, unless cs->best_effort. With `judge_exec`, every execve/execveat
 * of the sandbox waits for the supervisor (judge.h): sb->judge; when this
 * kernel cannot (no seccomp user notification) and best effort was
 * accepted, sb->judge is false and the shims alone judge commands. */
int sandbox_plan(struct sandbox *sb, const struct capset *cs, bool judge_exec,
		 struct err *e);
void sandbox_free(struct sandbox *sb);

/* Show directory `source` read-only at `target` (an existing directory)
 * inside the sandbox (kernel/mask.h); both strings must outlive `sb`. */
void sandbox_bind(struct sandbox *sb, const char *source, const char *target);

/* Child side: apply every layer. On failure `e` names the operation. When
 * execs are judged, *listener receives the seccomp notification fd; with
 * the proxy, *proxy its listening socket, made in the sandbox's network
 * namespace before Landlock (close-on-exec). */
int sandbox_enter(const struct sandbox *sb, const struct capset *cs,
		  int *listener, int *proxy, struct err *e);

#endif
