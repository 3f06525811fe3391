/* caps.h — privilege hygiene before exec. */
#ifndef LATCH_CAPS_H
#define LATCH_CAPS_H

#include <stdint.h>

#include "../common/err.h"

/* Set PR_SET_NO_NEW_PRIVS. */
int caps_no_new_privs(struct err *e);

/* Clear the ambient, inheritable, permitted, effective and bounding sets,
 * except the capabilities whose bit is set in `keep` (kept in the bounding
 * set so that root keeps them across exec). */
int caps_drop(uint64_t keep, struct err *e);


#endif
