/* supervise.h — the parent half of `latch run`.
 *
 * Forks; the child enters the sandbox and execs the command; the parent
 * stays outside and:
 *  - leaves the terminal to the child (same process group: Ctrl-C, Ctrl-Z
 *    and SIGWINCH reach it directly; latch ignores terminal-generated ones);
 *  - forwards SIGTERM, SIGHUP and (when sent by a process rather than the
 *    terminal) SIGINT, SIGQUIT, SIGUSR1, SIGUSR2 to the command; after a
 *    SIGTERM/SIGHUP the command has 1 s before it is killed;
 *  - is a child subreaper, so every descendant stays in its tree; when the
 *    command ends, whatever it left running is sent SIGTERM, then SIGKILL
 *    after 500 ms: latch leaves no orphans;
 *  - the child has PR_SET_PDEATHSIG(SIGKILL): if latch itself is killed with
 *    SIGKILL, the command dies too (its own children are not reached);
 *  - with rules, it answers every exec of the sandbox (judge.h); if latch
 *    goes away, the filter makes every later exec fail: never unsupervised;
 *  - with a proxy (proxy.h), serves it; holding credentials, latch makes
 *    itself undumpable once the child runs.
 */
#ifndef LATCH_SUPERVISE_H
#define LATCH_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../policy/capset.h"
#include "../rules/rule.h"
#include "../proxy/proxy.h"
#include "judge.h"
#include "sandbox.h"

/* What the judge decided during the run. */
struct supervise_counts {
	unsigned long allowed, refused;
};

struct child_spec {
	char *const *argv;
	char *const *envp;
	const struct sandbox *sb;
	const struct capset *cs;
	const struct judge_setup *judge; /* non-NULL: judge every exec */
	const struct proxy_setup *proxy; /* non-NULL: serve the proxy, on
					    the listener the child makes in
					    its network namespace (sb->proxy),
					    else on this one of latch's: */
	int proxy_listener;
	struct supervise_counts *counts; /* may be NULL: filled at the end */
};

/* Run to completion. Returns latch's exit status: the command's own, 128+N
 * if a signal N ended it, 125 if the sandbox could not be entered, 126 if
 * the command could not be executed, 127 if it was not found. */
int supervise_run(const struct child_spec *spec);

/* Signal `pid` (seen in a /proc snapshot as the child of a process in
 * tree[0..nt)) only if it still is one, through a pidfd, so that a pid reused
 * by an unrelated process is left alone. True when signalled. Used by
 * supervise_run; public for its unit test. */
bool supervise_signal_in_tree(pid_t pid, const pid_t *tree, size_t nt, int sig);

#endif
