/* The shipped data: every profiles/NAME.yaml and profiles/groups/NAME.yaml, read from
 * the source tree (`make unit` runs from the repository root). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../policy/envpolicy.h"
#include "helpers.h"
#include "shipped.h"

static struct shipped sh;

static void setup(void)
{
	shipped_load(&sh);
}

static void teardown(void)
{
	shipped_free(&sh);
}

TestSuite(shipped, .init = setup, .fini = teardown);

static int build_shipped(struct profile *leaf, struct capset *cs,
			 struct fake_fs *fs, struct err *e)
{
	struct vars vs = test_vars();
	struct cli_grants cli = { .cwd = "/home/u/proj" };

	return shipped_build(&sh, leaf, cs, &vs, &cli, fake_resolve, fs, e);
}

Test(shipped, every_file_parses)
{
	/* setup() already expects each to parse; check something was read */
	cr_assert_geq(sh.n_groups, 10);
	cr_assert_geq(sh.n_profiles, 4);
	cr_assert_not_null(shipped_profile(&sh, "default"));
}

Test(shipped, group_names_match_their_file_names)
{
	for (size_t i = 0; i < sh.n_groups; i++) {
		const struct profile *g = sh.groups[i];
		char want[256];

		snprintf(want, sizeof(want), "profiles/groups/%s%s.yaml",
			 i < sh.n_required ? "required/" : "", g->name);
		cr_expect_str_eq(g->file, want, "group '%s' is in %s", g->name,
				 g->file);
	}
}

Test(shipped, groups_are_required_exactly_when_in_the_required_directory)
{
	cr_assert_geq(sh.n_required, 1);
	for (size_t i = 0; i < sh.n_groups; i++)
		cr_expect_eq(sh.groups[i]->required, i < sh.n_required, "%s",
			     sh.groups[i]->file);
}

Test(shipped, group_names_are_unique)
{
	for (size_t i = 0; i < sh.n_groups; i++)
		for (size_t j = i + 1; j < sh.n_groups; j++)
			cr_expect_str_neq(sh.groups[i]->name, sh.groups[j]->name);
}

Test(shipped, every_group_and_profile_has_a_description)
{
	for (size_t i = 0; i < sh.n_groups; i++)
		cr_expect(sh.groups[i]->description && *sh.groups[i]->description,
			  "%s", sh.groups[i]->file);
	for (size_t i = 0; i < sh.n_profiles; i++)
		cr_expect(sh.profiles[i]->description && *sh.profiles[i]->description,
			  "%s", sh.profiles[i]->file);
}

Test(shipped, credentials_and_latch_config_groups_are_required)
{
	cr_assert_not_null(shipped_group(&sh, "deny_credentials"));
	cr_assert_not_null(shipped_group(&sh, "latch_self"));
	cr_assert(shipped_group(&sh, "deny_credentials")->required);
	cr_assert(shipped_group(&sh, "latch_self")->required);
}

Test(shipped, every_profile_but_default_extends_default)
{
	for (size_t i = 0; i < sh.n_profiles; i++) {
		const struct profile *p = sh.profiles[i];

		if (strcmp(p->name, "default") == 0)
			cr_expect_eq(p->extends.n, 0);
		else
			cr_expect(strv_contains(&p->extends, "default"), "%s",
				  p->file);
	}
}

Test(shipped, every_profile_builds_with_every_path_present)
{
	for (size_t i = 0; i < sh.n_profiles; i++) {
		struct fake_fs fs = { .all_dirs = true };
		struct capset cs;
		struct err e = { "" };
		int rc = build_shipped(sh.profiles[i], &cs, &fs, &e);

		cr_expect_eq(rc, 0, "%s: %s", sh.profiles[i]->file, e.msg);
		if (rc == 0) {
			cr_expect_str_eq(cs.profile, sh.profiles[i]->name);
			cr_expect_eq(cs.warnings.n, 0, "%s: %s", sh.profiles[i]->file,
				     cs.warnings.n ? cs.warnings.v[0] : "");
		}
		capset_free(&cs);
	}
}

Test(shipped, every_profile_keeps_credentials_and_state_denied)
{
	for (size_t i = 0; i < sh.n_profiles; i++) {
		struct fake_fs fs = { .all_dirs = true };
		struct capset cs;
		struct err e = { "" };
		struct why w;

		cr_assert_eq(build_shipped(sh.profiles[i], &cs, &fs, &e), 0,
			     "%s: %s", sh.profiles[i]->file, e.msg);
		cr_expect(strv_contains(&cs.groups, "deny_credentials"), "%s",
			  cs.profile);
		cr_expect(strv_contains(&cs.groups, "latch_self"), "%s", cs.profile);
		capset_why(&cs, "/home/u/.ssh/id_ed25519", LATCH_ACC_READ, &w);
		cr_expect_not(w.allowed, "%s can read ~/.ssh", cs.profile);
		capset_why(&cs, "/home/u/.local/state/latch/x", LATCH_ACC_READ, &w);
		cr_expect_not(w.allowed, "%s can read the state dir", cs.profile);
		capset_why(&cs, "/home/u/.config/latch/profiles/x.yaml",
			   LATCH_ACC_WRITE, &w);
		cr_expect_not(w.allowed, "%s can write latch's config", cs.profile);
		capset_free(&cs);
	}
}

Test(shipped, default_profile_grants_the_workdir_and_the_system)
{
	struct fake_fs fs = { .all_dirs = true };
	struct capset cs;
	struct err e = { "" };
	struct why w;

	cr_assert_eq(build_shipped(shipped_profile(&sh, "default"), &cs, &fs, &e), 0,
		     "%s", e.msg);
	cr_expect_eq(cs.workdir_access, LATCH_ACC_ALL);
	cr_expect_eq(cs.net_mode, NET_OPEN);
	cr_expect_not(cs.best_effort);
	capset_why(&cs, "/usr/bin/ls", LATCH_ACC_EXEC, &w);
	cr_expect(w.allowed);
	capset_why(&cs, "/etc/passwd", LATCH_ACC_WRITE, &w);
	cr_expect_not(w.allowed);
	capset_why(&cs, "/home/u/notes.txt", LATCH_ACC_READ, &w);
	cr_expect_not(w.allowed, "default must not open the home directory");
	capset_why(&cs, "/home/u/.bashrc", LATCH_ACC_WRITE, &w);
	cr_expect_not(w.allowed);
	capset_why(&cs, "/tmp/x", LATCH_ACC_WRITE, &w);
	cr_expect(w.allowed);
	capset_free(&cs);
}

Test(shipped, agent_profiles_strip_api_keys_from_the_environment)
{
	char *env[] = { "PATH=/usr/bin", "OPENAI_API_KEY=sk-x",
			"ANTHROPIC_API_KEY=sk-y", "LD_PRELOAD=/x.so", NULL };

	for (size_t i = 0; i < sh.n_profiles; i++) {
		struct fake_fs fs = { .all_dirs = true };
		struct capset cs;
		struct err e = { "" };
		struct strv out = { 0 }, stripped = { 0 };

		if (strcmp(sh.profiles[i]->name, "default") == 0)
			continue;
		cr_assert_eq(build_shipped(sh.profiles[i], &cs, &fs, &e), 0,
			     "%s", e.msg);
		env_apply(&cs, env, &out, &stripped);
		cr_expect_eq(out.n, 1, "%s", cs.profile);
		cr_expect_eq(stripped.n, 3, "%s", cs.profile);
		strv_free(&out);
		strv_free(&stripped);
		capset_free(&cs);
	}
}
