/* The shipped profiles: each validates, runs sh with the workspace usable,
 * keeps its agent's state directory writable, and still denies credentials. */
#include <string.h>

#include "../lib/latchtest.h"

TestSuite(profiles, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

static const struct {
	const char *name;
	const char *state; /* the agent's own state dir, relative to HOME */
} shipped[] = {
	{ "default", NULL },
	{ "claude-code", ".claude" },
	{ "codex", ".codex" },
	{ "openclaw", ".openclaw" },
};

Test(profiles, every_shipped_profile_validates)
{
	for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		char *file = lt_fmt("%s/profiles/%s.yaml", lt.data_dir,
				    shipped[i].name);
		struct lt_result r = LT_RUN("profile", "validate", file);

		LT_EXIT(r, 0);
		LT_CONTAINS(r.out, "valid", r);
	}
}

Test(profiles, every_shipped_profile_runs_sh_in_the_workspace)
{
	lt_write_mode(lt_path(lt.home, ".ssh/id_rsa"), "KEY-MATERIAL\n", 0600);
	for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		const char *name = shipped[i].name;
		char *state = shipped[i].state ? lt_path(lt.home, shipped[i].state)
					       : NULL;
		struct lt_result r;

		if (state)
			lt_mkdir(state);
		r = LT_RUN("run", "-p", name, "--", "sh", lt_script(lt_fmt("echo %s > built.txt && cat built.txt && "
				  "{ [ -z '%s' ] || echo kept > '%s/state'; } && "
				  "! cat ~/.ssh/id_rsa 2>/dev/null",
				  name, state ? state : "", state ? state : "")));
		LT_EXIT(r, 0);
		LT_CONTAINS(r.out, name, r);
		cr_assert(strstr(r.out, "KEY-MATERIAL") == NULL,
			  "profile %s leaked the key", name);
		if (state)
			LT_FILE_IS(lt_path(state, "state"), "kept\n");
	}
}
