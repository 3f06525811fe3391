/* vars_expand / vars_get: the variables a profile path may use. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Expand with `vs`; the test fails if expansion fails. */
static void expect_expand(const struct vars *vs, const char *in,
			  const char *want)
{
	struct err e = { "" };
	char *out = vars_expand(vs, in, &e);

	cr_assert_not_null(out, "'%s' should expand, got: %s", in, e.msg);
	cr_expect_str_eq(out, want, "'%s' expanded to '%s', want '%s'", in,
			 out, want);
	free(out);
}

static const char *expand_error(const char *in)
{
	static struct err e;
	struct vars vs = test_vars();
	char *out = vars_expand(&vs, in, &e);

	cr_assert_null(out, "'%s' should not expand, got '%s'", in, out);
	return e.msg;
}

static void expect_get(const struct vars *vs, const char *name,
		       const char *want)
{
	char *v = vars_get(vs, name);

	cr_assert_not_null(v, "%s", name);
	cr_expect_str_eq(v, want, "%s", name);
	free(v);
}

Test(vars, plain_path_is_unchanged)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "/usr/lib", "/usr/lib");
	expect_expand(&vs, "relative/x", "relative/x");
}

Test(vars, lone_tilde_is_home)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "~", "/home/u");
}

Test(vars, tilde_slash_is_under_home)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "~/x", "/home/u/x");
}

Test(vars, tilde_user_and_inner_tilde_are_literal)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "~other/x", "~other/x");
	expect_expand(&vs, "/a/~/b", "/a/~/b");
}

Test(vars, dollar_home)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "$HOME/.cache", "/home/u/.cache");
}

Test(vars, braced_home)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "${HOME}/.cache", "/home/u/.cache");
	expect_expand(&vs, "${HOME}_x", "/home/u_x");
}

Test(vars, workdir_and_uid)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "$WORKDIR/build", "/home/u/proj/build");
	expect_expand(&vs, "/run/user/$UID/bus", "/run/user/1000/bus");
}

Test(vars, several_variables_in_one_path)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "$TMPDIR/$UID/${UID}", "/tmp/1000/1000");
}

Test(vars, name_ends_at_first_non_uppercase_character)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "$HOME.d", "/home/u.d");
	expect_expand(&vs, "$HOMEx", "/home/ux");
}

Test(vars, tmpdir_defaults_to_tmp)
{
	struct vars vs = test_vars();

	vs.tmpdir = NULL;
	expect_expand(&vs, "$TMPDIR/x", "/tmp/x");
}

Test(vars, tmpdir_given_is_used)
{
	struct vars vs = test_vars();

	vs.tmpdir = "/var/tmp/u";
	expect_expand(&vs, "${TMPDIR}", "/var/tmp/u");
}

Test(vars, xdg_defaults_when_unset)
{
	struct vars vs = test_vars();

	expect_expand(&vs, "$XDG_CONFIG_HOME/git", "/home/u/.config/git");
	expect_expand(&vs, "$XDG_CACHE_HOME", "/home/u/.cache");
	expect_expand(&vs, "$XDG_DATA_HOME/x", "/home/u/.local/share/x");
	expect_expand(&vs, "$XDG_STATE_HOME/latch", "/home/u/.local/state/latch");
	expect_expand(&vs, "$XDG_RUNTIME_DIR", "/run/user/1000");
}

Test(vars, xdg_defaults_when_empty)
{
	struct vars vs = test_vars();

	vs.xdg_config_home = vs.xdg_cache_home = vs.xdg_data_home =
		vs.xdg_state_home = vs.xdg_runtime_dir = "";
	expect_get(&vs, "XDG_CONFIG_HOME", "/home/u/.config");
	expect_get(&vs, "XDG_CACHE_HOME", "/home/u/.cache");
	expect_get(&vs, "XDG_DATA_HOME", "/home/u/.local/share");
	expect_get(&vs, "XDG_STATE_HOME", "/home/u/.local/state");
	expect_get(&vs, "XDG_RUNTIME_DIR", "/run/user/1000");
}

Test(vars, xdg_defaults_when_relative)
{
	struct vars vs = test_vars();

	vs.xdg_config_home = vs.xdg_cache_home = vs.xdg_data_home =
		vs.xdg_state_home = vs.xdg_runtime_dir = "rel/dir";
	expect_get(&vs, "XDG_CONFIG_HOME", "/home/u/.config");
	expect_get(&vs, "XDG_CACHE_HOME", "/home/u/.cache");
	expect_get(&vs, "XDG_DATA_HOME", "/home/u/.local/share");
	expect_get(&vs, "XDG_STATE_HOME", "/home/u/.local/state");
	expect_get(&vs, "XDG_RUNTIME_DIR", "/run/user/1000");
}

Test(vars, xdg_absolute_values_are_used)
{
	struct vars vs = test_vars();

	vs.xdg_config_home = "/cfg";
	vs.xdg_cache_home = "/cache";
	vs.xdg_data_home = "/data";
	vs.xdg_state_home = "/state";
	vs.xdg_runtime_dir = "/run/me";
	expect_expand(&vs, "$XDG_CONFIG_HOME/a", "/cfg/a");
	expect_expand(&vs, "$XDG_CACHE_HOME/a", "/cache/a");
	expect_expand(&vs, "$XDG_DATA_HOME/a", "/data/a");
	expect_expand(&vs, "$XDG_STATE_HOME/a", "/state/a");
	expect_expand(&vs, "$XDG_RUNTIME_DIR/a", "/run/me/a");
}

Test(vars, runtime_dir_without_uid_uses_zero)
{
	struct vars vs = test_vars();

	vs.uid = NULL;
	expect_get(&vs, "XDG_RUNTIME_DIR", "/run/user/0");
}

Test(vars, get_of_unknown_name_is_null)
{
	struct vars vs = test_vars();

	cr_assert_null(vars_get(&vs, "PATH"));
	cr_assert_null(vars_get(&vs, "home"));
}

Test(vars, unknown_variable_is_an_error_listing_the_known_ones)
{
	cr_assert_str_eq(expand_error("$FOO/x"),
			 "unknown variable $FOO in '$FOO/x' (known: $HOME, $WORKDIR, $TMPDIR, $UID, $XDG_CONFIG_HOME, $XDG_CACHE_HOME, $XDG_DATA_HOME, $XDG_STATE_HOME, $XDG_RUNTIME_DIR)");
}

Test(vars, unknown_braced_variable_is_an_error)
{
	const char *m = expand_error("${HOME_DIR}/x");

	cr_assert(strncmp(m, "unknown variable $HOME_DIR in '${HOME_DIR}/x'", 45) == 0,
		  "got: %s", m);
}

Test(vars, unclosed_brace_is_malformed)
{
	cr_assert_str_eq(expand_error("${HOME/x"),
			 "malformed variable in '${HOME/x' (write $NAME or ${NAME})");
}

Test(vars, other_malformed_forms)
{
	static const char *const bad[] = { "$", "/a/$", "${}", "$home", "$/x",
					   "${HOME" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect(strncmp(expand_error(bad[i]), "malformed variable in '",
				  23) == 0, "'%s'", bad[i]);
}
