/* amount.c — counts and sizes as written by people. */
#include "amount.h"

#include <stdlib.h>
#include <string.h>

int amount_parse(const char *s, bool size, uint64_t *out)
{
	static const char units[] = "KMGT";
	const char *u = NULL;
	char *end;
	double d = strtod(s, &end);

	if (end == s || d < 1 || d > 1e15)
		return -1;
	if (size && *end) {
		if ((u = strchr(units, *end)) == NULL || end[1] != '\0')
			return -1;
	} else if (*end != '\0' || (!size && d != (double)(uint64_t)d)) {
		return -1; /* a count is whole */
	}
	for (const char *q = units; u && q <= u; q++)
		d *= 1024;
	if (d >= 1.8e19)
		return -1;
	*out = (uint64_t)d;
	return 0;
}
