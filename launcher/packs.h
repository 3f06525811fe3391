/* packs.h — the rule packs that judge a sandbox's execs: every shipped
 * pack (DATADIR/rules/packs/NAME.yaml, in name order), or the shipped packs
 * a profile names; then the pack files it adds; minus the rule ids it
 * disables (capset.h, rule_packs). The most restrictive decision wins
 * whatever the order; among equal ones, the rule loaded first is named.
 */
#ifndef LATCH_PACKS_H
#define LATCH_PACKS_H

#include <stdbool.h>

#include "../common/err.h"
#include "../policy/capset.h"
#include "../rules/rule.h"

/* Every shipped pack into `r`; none at all is an error. */
int packs_load_shipped(struct rules *r, struct err *e);

/* Make `*r`, which holds the shipped packs (packs_load_shipped), what `cs`
 * says; `*r` may be replaced. Errors name the profile's setting:
 *   "FILE:LINE: rules: no shipped rule pack 'x' (shipped: destructive)"
 *   "FILE:LINE: rules: disable: no rule has id 'rm-outsde-roots' (did you
 *    mean 'rm-outside-roots'?)" */
int packs_apply(struct rules **r, const struct capset *cs, bool examples,
		struct err *e);

#endif
