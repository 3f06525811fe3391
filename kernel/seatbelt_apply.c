/* seatbelt_apply.c — a Seatbelt profile enforced on this process (macOS
 * only: on every other OS this file is empty, and nothing pretends). */
#ifdef __APPLE__
#include <sandbox.h>

#include "seatbelt.h"

/* sandbox_init(3) is marked deprecated but is the documented C entry point
 * (sandbox-exec is built on the same call). */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
int seatbelt_apply(const char *profile, struct err *e)
{
	char *why = NULL;

	if (sandbox_init(profile, 0, &why) == 0)
		return 0;
	err_set(e, "Seatbelt refused the profile (sandbox_init): %s",
		why ? why : "no reason given");
	sandbox_free_error(why);
	return -1;
}
#pragma clang diagnostic pop
#endif
