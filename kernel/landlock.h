/* landlock.h — apply a Landlock ruleset to the calling thread.
 *
 * OS backend only: it receives flat lists of paths and LATCH_ACC_* rights and
 * knows nothing of profiles. Rights map to Landlock as:
 *   read  → READ_FILE (+ READ_DIR on directories)
 *   write → WRITE_FILE, TRUNCATE, IOCTL_DEV (+ MAKE_*, REMOVE_*, REFER on dirs)
 *   exec  → EXECUTE
 * Every right the running ABI knows is handled (denied unless granted).
 */
#ifndef LATCH_LANDLOCK_H
#define LATCH_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

struct ll_path {
	const char *path;
	unsigned access; /* LATCH_ACC_* */
	bool is_dir;
	bool no_create;  /* write only to existing entries: no MAKE_*, REMOVE_*,
			    REFER directly on this rule */
};

struct ll_spec {
	const struct ll_path *paths;
	size_t n_paths;
	bool net_handled;          /* restrict TCP bind/connect (ABI >= 4) */
	const uint16_t *bind_ports, *connect_ports;
	size_t n_bind, n_connect;
	bool scope;                /* signal + abstract unix socket (ABI >= 6) */
	int abi;                   /* the ABI to use (from ll_abi()) */
};

/* The running kernel's Landlock ABI: 0 when Landlock is unavailable. The
 * environment variable LATCH_LANDLOCK_ABI_MAX lowers it (testing only; it can
 * only make latch refuse more, never enforce less than it reports). */
int ll_abi(void);

/* Build and enforce the ruleset on the calling thread. Requires
 * PR_SET_NO_NEW_PRIVS (or CAP_SYS_ADMIN). Fails on any rule that cannot be
 * added, naming the path and the syscall. */
int ll_apply(const struct ll_spec *spec, struct err *e);

#endif
