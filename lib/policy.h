/* policy.h — what a liblatch policy handle holds (policy.c), for the
 * spawn of a session from it (spawn.c). */
#ifndef LATCH_LIB_POLICY_H
#define LATCH_LIB_POLICY_H

#include "../launcher/plan.h"
#include "../rules/rule.h"

struct policy {
	struct plan pl;
	struct rules *rules; /* JIT-compiled: decisions in many threads */
	char *ref;           /* the name or absolute path loaded; or NULL */
	char *yaml, *name;   /* or the YAML text and its name */
};

#endif
