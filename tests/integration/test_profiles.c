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
	{ "crush", ".config/crush" },
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

/* `profile show --format sbpl` prints the macOS profile here too: the
 * workspace granted, credentials denied after it, the proxy by parameter. */
Test(profiles, show_prints_the_seatbelt_profile_on_any_os)
{
	struct lt_result r = LT_RUN("profile", "show", "claude-code", "--format",
				    "sbpl");
	char *grant = lt_fmt("(allow file-read* file-map-executable file-write* file-ioctl process-exec* (subpath \"%s\"))",
			     lt.work);
	char *ssh = lt_fmt("(deny file-read* file-write* file-ioctl file-map-executable process-exec* file-link file-clone (subpath \"%s/.ssh\"))",
			   lt.home);
	const char *g, *d;

	LT_EXIT(r, 0);
	cr_assert(lt_has_line_prefix(r.out, "(version 1)"), "%s", lt_show(&r));
	cr_assert(lt_has_line_prefix(r.out, "(deny default)"), "%s", lt_show(&r));
	g = strstr(r.out, grant);
	d = strstr(r.out, ssh);
	cr_assert(g && d && g < d, "workspace grant, then the ~/.ssh deny: %s",
		  lt_show(&r));
	LT_CONTAINS(r.out, "(remote tcp (string-append \"localhost:\" (param \"LATCH_PROXY_PORT\")))", r);
	LT_CONTAINS(r.out, "(deny process-exec* (regex #\"/[sS][uU][dD][oO]$\"))", r);
}

/* A path SBPL cannot hold stops it with the path and the reason. */
Test(profiles, show_refuses_a_path_seatbelt_cannot_hold)
{
	char *odd = lt_path(lt.root, "line\nbreak");
	char *prof;
	struct lt_result r;

	lt_mkdir(odd);
	prof = lt_profile("odd", lt_fmt("extends: default\nfilesystem:\n  read:\n    - \"%s/line\\nbreak\"\n",
					lt.root));
	r = LT_RUN("profile", "show", prof, "--format", "sbpl");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "cannot be written in a Seatbelt profile: it holds a line break", r);
	cr_assert_eq(r.out[0], '\0', "nothing printed: %s", lt_show(&r));
	r = LT_RUN("profile", "show", prof, "--format", "text");
	LT_EXIT(r, 0);
}

Test(profiles, create_makes_missing_state_and_leaves_existing_alone)
{
	char *p = lt_profile("stateful", "extends: default\n"
			     "filesystem:\n"
			     "  allow: [~/.agent?, ~/.agent.json?, ~/.kept?]\n"
			     "  create:\n"
			     "    - ~/.agent/\n"
			     "    - ~/.agent.json: \"{}\"\n"
			     "    - ~/.kept: \"new\"\n");
	struct lt_result r;

	lt_write(lt_path(lt.home, ".kept"), "old\n");
	/* --dry-run makes nothing */
	r = LT_RUN("run", "--dry-run", "-p", p, "--", "true");
	LT_EXIT(r, 0);
	cr_assert(!lt_exists(lt_path(lt.home, ".agent")));
	/* made before the sandbox, so granted in it from the first run */
	r = LT_RUN("run", "-p", p, "--", "sh", "-c", "mkdir ~/.agent/sessions && cat ~/.agent.json ~/.kept");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, lt_fmt("latch: created %s/.agent (a directory, ", lt.home), r);
	LT_CONTAINS(r.err, lt_fmt("latch: created %s/.agent.json (a file, ", lt.home), r);
	LT_LACKS(r.err, ".kept", r);
	cr_assert_str_eq(r.out, "{}old\n");
	cr_assert(lt_exists(lt_path(lt.home, ".agent/sessions")));
	/* the second run: nothing to make */
	r = LT_RUN("run", "-p", p, "--", "true");
	LT_EXIT(r, 0);
	LT_LACKS(r.err, "latch: created", r);
}

Test(profiles, create_needs_an_absolute_path)
{
	char *p = lt_profile("relative", "extends: default\nfilesystem:\n  create: [state/]\n");
	struct lt_result r = LT_RUN("run", "-p", p, "--", "true");

	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "relative.yaml:3: create: 'state' is not an absolute path", r);
}
