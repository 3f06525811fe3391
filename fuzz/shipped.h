/* shipped.h — the shipped rule packs, loaded once (without their examples,
 * as `latch run` loads them), for the targets that judge through them. */
#ifndef LATCH_FUZZ_SHIPPED_H
#define LATCH_FUZZ_SHIPPED_H

#include "../rules/rule.h"

const struct rules *fuzz_shipped_packs(void);

#endif
