/* shipped.c — the shipped rule packs, loaded once. */
#include "shipped.h"

#include <stdlib.h>

const struct rules *fuzz_shipped_packs(void)
{
	static struct rules *r;
	struct err e;
	size_t n;

	if (r == NULL) {
		r = rules_new();
		rules_skip_examples(r);
		if (rules_load_dir(r, LATCH_FUZZ_PACKS, &n, &e) < 0)
			abort();
	}
	return r;
}
