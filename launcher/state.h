/* state.h — what a profile's `filesystem: create` makes before `latch run`
 * builds the sandbox: an agent's state directories and files, when they
 * are missing, so that the grants to them hold from the first run (a
 * sandbox may not create them itself in a home it cannot write). */
#ifndef LATCH_STATE_H
#define LATCH_STATE_H

#include "../common/err.h"
#include "../common/strv.h"
#include "../policy/vars.h"
#include "store.h"

/* Every `create` of the chain and its groups, expanded: a missing one is
 * made (its missing parents mode 0700; a directory 0700, a file 0600 with
 * its text, never through a symlink at its own name); an existing one, of
 * whatever kind, is left as it is. `made` gets one line for each made.
 * -1 on the first failure, naming the profile's line. */
int state_create(const struct loaded *l, const struct vars *vs,
		 struct strv *made, struct err *e);

#endif
