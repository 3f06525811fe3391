/* explain.c — the words a refused command gets (explain.h). */
#include "explain.h"

#include <stdlib.h>

#include "../common/xalloc.h"

char *explain_refusal(const char *line, const char *rule, const char *reason,
		      bool needs_ask, const char *profile)
{
	char *why = rule ? xasprintf("rule %s: %s", rule, reason)
			 : xstrdup(reason);
	char *text = xasprintf("latch: blocked: %s\n  %s\n%s"
			       "  The sandbox (latch profile '%s') refused it: it did not run and changed nothing.\n"
			       "  Do not retry it in another form. If it is really needed, ask the user to run it outside the sandbox.\n",
			       line, why,
			       needs_ask ? "  It needs the user's confirmation, and latch can only ask for it when it judges execs itself (not in this sandbox).\n" : "",
			       profile);

	free(why);
	return text;
}
