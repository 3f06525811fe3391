/* fuzz_profile.c — libFuzzer target for the profile/group YAML loader.
 *
 * Feeds each input to profile_parse() twice, once as a profile and once as a
 * group fragment, and frees the result. A NULL result must come with an error
 * message; a parsed profile must be internally consistent (parallel source
 * arrays as long as their lists, every rule with a path). ASan/UBSan/LSan do
 * the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct profile *p, const struct err *e)
{
	if (p == NULL) {
		if (e->msg[0] == '\0') {
			fprintf(stderr, "profile_parse failed without a message\n");
			abort();
		}
		return;
	}
	if (p->name == NULL || p->file == NULL)
		abort();
	if ((p->extends.n && !p->extends_src) ||
	    (p->groups_include.n && !p->include_src) ||
	    (p->groups_exclude.n && !p->exclude_src) ||
	    (p->unprotect.n && !p->unprotect_src))
		abort();
	for (size_t i = 0; i < p->extends.n; i++)
		if (p->extends_src[i].line < 1)
			abort();
	for (size_t i = 0; i < p->unprotect.n; i++)
		if (p->unprotect_src[i].line < 1)
			abort();
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].path == NULL || p->rules[i].src.line < 1)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int is_group = 0; is_group <= 1; is_group++) {
		struct err e = { { 0 } };
		struct profile *p = profile_parse((const char *)data, size,
						  "fuzz.yaml", "fuzz",
						  is_group, &e);

		check(p, &e);
		profile_free(p);
	}
	return 0;
}
