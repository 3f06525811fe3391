/* capset_build, capset_why, capset_granted and path_within, with a fake
 * filesystem (helpers.h): no test here touches the real one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../policy/envpolicy.h"
#include "helpers.h"

static struct profile *chain[8], *groups[16];
static size_t n_chain, n_groups;
static struct capset cs;
static struct cli_grants cli;
static struct fake_fs fs;
static struct vars vs;
static struct err e;

static void setup(void)
{
	memset(&cs, 0, sizeof(cs));
	memset(&cli, 0, sizeof(cli));
	memset(&fs, 0, sizeof(fs));
	memset(&e, 0, sizeof(e));
	n_chain = n_groups = 0;
	vs = test_vars();
	cli.cwd = "/home/u/proj";
	fake_add(&fs, "/home/u/proj", PATH_DIR);
}

static void teardown(void)
{
	capset_free(&cs);
	for (size_t i = 0; i < n_chain; i++)
		profile_free(chain[i]);
	for (size_t i = 0; i < n_groups; i++)
		profile_free(groups[i]);
	strv_free(&cli.allow);
	strv_free(&cli.read);
	strv_free(&cli.write);
	strv_free(&cli.exec);
	strv_free(&cli.deny);
	strv_free(&cli.env_allow);
	strv_free(&cli.allow_domains);
}

TestSuite(capset, .init = setup, .fini = teardown);
TestSuite(why, .init = setup, .fini = teardown);

/* Append a profile to the chain (base first), file "profiles/NAME.yaml". */
static void profile(const char *name, const char *yaml)
{
	cr_assert_lt(n_chain, sizeof(chain) / sizeof(chain[0]));
	chain[n_chain++] = parse_ok(name, false, yaml);
}

/* Make a group known, file "groups/NAME.yaml". */
static void group(const char *name, const char *yaml)
{
	cr_assert_lt(n_groups, sizeof(groups) / sizeof(groups[0]));
	groups[n_groups++] = parse_ok(name, true, yaml);
}

static int build(void)
{
	return capset_build(&cs, chain, n_chain, groups, n_groups, &cli, &vs,
			    fake_resolve, &fs, &e);
}

static void build_ok(void)
{
	cr_assert_eq(build(), 0, "capset_build failed: %s", e.msg);
}

static const char *build_fails(void)
{
	cr_assert_eq(build(), -1, "capset_build should have failed");
	return e.msg;
}

static const struct grant *grant_at(const char *path)
{
	for (size_t i = 0; i < cs.n_grants; i++)
		if (strcmp(cs.grants[i].path, path) == 0)
			return &cs.grants[i];
	return NULL;
}

static const struct deny *deny_at(const char *path)
{
	for (size_t i = 0; i < cs.n_denies; i++)
		if (strcmp(cs.denies[i].path, path) == 0)
			return &cs.denies[i];
	return NULL;
}

static const struct grant *must_grant(const char *path)
{
	const struct grant *g = grant_at(path);

	cr_assert_not_null(g, "no grant at %s", path);
	return g;
}

static const struct deny *must_deny(const char *path)
{
	const struct deny *d = deny_at(path);

	cr_assert_not_null(d, "no deny at %s", path);
	return d;
}

static size_t warnings_with(const char *needle)
{
	return strv_count_substr(&cs.warnings, needle);
}

/* ---- the chain ---- */

Test(capset, no_profile_is_an_error)
{
	cr_assert_str_eq(build_fails(), "no profile given");
}

Test(capset, chain_is_recorded_base_first)
{
	profile("base", "description: b\n");
	profile("leaf", "extends: base\n");
	build_ok();
	cr_assert_str_eq(cs.profile, "leaf");
	cr_assert_eq(cs.chain.n, 2);
	cr_assert_str_eq(cs.chain.v[0], "base");
	cr_assert_str_eq(cs.chain.v[1], "leaf");
}

Test(capset, workdir_is_granted_with_its_access)
{
	profile("p", "workdir:\n  access: readwrite\n  exec: true\n");
	build_ok();
	cr_assert_str_eq(cs.workdir, "/home/u/proj");
	cr_assert_eq(cs.workdir_access, LATCH_ACC_ALL);
	cr_assert_eq(must_grant("/home/u/proj")->access, LATCH_ACC_ALL);
	cr_assert_str_eq(must_grant("/home/u/proj")->origin, "workdir");
	cr_assert(must_grant("/home/u/proj")->is_dir);
}

Test(capset, later_profile_wins_for_workdir)
{
	profile("base", "workdir: readwrite\n");
	profile("leaf", "workdir: read\n");
	build_ok();
	cr_assert_eq(cs.workdir_access, LATCH_ACC_READ);
	cr_assert_eq(must_grant("/home/u/proj")->access, LATCH_ACC_READ);
}

Test(capset, leaf_without_workdir_keeps_base_workdir)
{
	profile("base", "workdir: readwrite\n");
	profile("leaf", "description: l\n");
	build_ok();
	cr_assert_eq(cs.workdir_access, LATCH_ACC_RW);
}

Test(capset, workdir_none_grants_nothing)
{
	profile("base", "workdir: readwrite\n");
	profile("leaf", "workdir: none\n");
	build_ok();
	cr_assert_eq(cs.workdir_access, 0);
	cr_assert_null(grant_at("/home/u/proj"));
}

Test(capset, workdir_root_is_refused)
{
	vs.workdir = "/";
	fake_add(&fs, "/", PATH_DIR);
	profile("p", "workdir: readwrite\n");
	cr_assert_str_eq(build_fails(),
			 "refusing workdir '/': it would grant the whole filesystem (use --workdir DIR)");
}

Test(capset, workdir_must_be_a_directory)
{
	vs.workdir = "/home/u/file";
	fake_add(&fs, "/home/u/file", PATH_FILE);
	profile("p", "workdir: readwrite\n");
	cr_assert_str_eq(build_fails(), "workdir '/home/u/file' is not a directory");
}

Test(capset, missing_workdir_is_refused)
{
	vs.workdir = "/nowhere";
	profile("p", "workdir: readwrite\n");
	cr_assert_str_eq(build_fails(), "workdir '/nowhere' is not a directory");
}

Test(capset, network_defaults_to_open)
{
	profile("p", "description: d\n");
	build_ok();
	cr_assert_eq(cs.net_mode, NET_OPEN);
}

Test(capset, later_profile_wins_for_network)
{
	profile("base", "network: block\n");
	profile("leaf", "network: open\n");
	build_ok();
	cr_assert_eq(cs.net_mode, NET_OPEN);
}

/* The allowlist: the groups' hosts, the chain's, then --allow-domain;
 * --net decides the mode over every profile. */
Test(capset, allowlist_hosts_come_from_groups_profiles_and_the_command_line)
{
	group("hosts", "network:\n  allow: [api.example.com]\n");
	profile("base", "network: {mode: block, allow: [base.example.com]}\n");
	profile("leaf", "groups: [hosts]\nnetwork:\n  allow: ['*.leaf.example.com']\n  private: true\n");
	strv_push(&cli.allow_domains, "cli.example.com:8443");
	cli.net_mode = NET_ALLOWLIST;
	build_ok();
	cr_assert_eq(cs.net_mode, NET_ALLOWLIST);
	cr_assert(cs.net_private);
	cr_assert_eq(cs.net_allow.n, 4);
	cr_assert_str_eq(cs.net_allow.v[0], "api.example.com");
	cr_assert_str_eq(cs.net_allow.v[1], "base.example.com");
	cr_assert_str_eq(cs.net_allow.v[2], "*.leaf.example.com");
	cr_assert_str_eq(cs.net_allow.v[3], "cli.example.com:8443");
}

/* A route of a later profile replaces the group's of the same name. */
Test(capset, a_later_credential_route_replaces_one_of_its_name)
{
	static const char route[] = "network:\n  credentials:\n    - route: api\n"
		"      upstream: https://%s.example.com\n      header: x-key\n"
		"      source: env:K\n      env: K\n";
	char yaml[512];

	snprintf(yaml, sizeof(yaml), route, "group");
	group("routes", yaml);
	snprintf(yaml, sizeof(yaml), "groups: [routes]\n%s", "");
	profile("base", yaml);
	snprintf(yaml, sizeof(yaml), route, "leaf");
	profile("leaf", yaml);
	build_ok();
	cr_assert_eq(cs.n_creds, 1);
	cr_assert_str_eq(cs.creds[0].upstream, "https://leaf.example.com");
	cr_assert_str_eq(cs.creds[0].value, "{key}");
}

Test(capset, a_group_network_holds_only_hosts)
{
	cr_assert_str_eq(parse_fail(true, "network:\n  mode: open\n"),
			 "test.yaml:2: unknown key 'mode'");
}

Test(capset, the_proxy_port_cannot_be_bound_inside_an_allowlist_sandbox)
{
	profile("p", "network:\n  mode: allowlist\n  bind: [3128]\n");
	cr_assert_str_eq(build_fails(), "network bind port 3128 is the proxy's, inside the sandbox; choose another");
}

Test(capset, leaf_without_network_keeps_base_mode)
{
	profile("base", "network: block\n");
	profile("leaf", "network:\n  connect: [443]\n");
	build_ok();
	cr_assert_eq(cs.net_mode, NET_BLOCK);
}

Test(capset, best_effort_defaults_to_false)
{
	profile("p", "description: d\n");
	build_ok();
	cr_assert_not(cs.best_effort);
}

Test(capset, later_profile_wins_for_best_effort)
{
	profile("a", "best_effort: true\n");
	profile("b", "description: unset here\n");
	profile("c", "best_effort: false\n");
	build_ok();
	cr_assert_not(cs.best_effort);
}

Test(capset, unset_best_effort_keeps_earlier_value)
{
	profile("a", "best_effort: true\n");
	profile("b", "description: unset here\n");
	build_ok();
	cr_assert(cs.best_effort);
}

/* ---- groups ---- */

Test(capset, included_group_is_in_effect_with_its_origin)
{
	fake_add(&fs, "/usr", PATH_DIR);
	group("sys", "description: d\nfilesystem:\n  read: [/usr]\n");
	profile("p", "groups: [sys]\n");
	build_ok();
	cr_assert(strv_contains(&cs.groups, "sys"));
	cr_assert_str_eq(must_grant("/usr")->origin, "group sys, groups/sys.yaml:3");
}

Test(capset, group_not_included_has_no_effect)
{
	fake_add(&fs, "/usr", PATH_DIR);
	group("sys", "filesystem:\n  read: [/usr]\n");
	profile("p", "description: d\n");
	build_ok();
	cr_assert_not(strv_contains(&cs.groups, "sys"));
	cr_assert_null(grant_at("/usr"));
}

Test(capset, group_name_key_is_the_name_used)
{
	fake_add(&fs, "/usr", PATH_DIR);
	group("file_stem", "name: real\nfilesystem:\n  read: [/usr]\n");
	profile("p", "groups: [real]\n");
	build_ok();
	cr_assert_str_eq(must_grant("/usr")->origin, "group real, groups/file_stem.yaml:3");
}

Test(capset, group_included_twice_is_listed_once)
{
	group("g", "description: d\n");
	profile("base", "groups: [g]\n");
	profile("leaf", "groups: [g]\n");
	build_ok();
	cr_assert_eq(cs.groups.n, 1);
}

Test(capset, later_profile_excludes_a_base_group)
{
	fake_add(&fs, "/usr", PATH_DIR);
	group("sys", "filesystem:\n  read: [/usr]\n");
	group("other", "description: d\n");
	profile("base", "groups: [sys, other]\n");
	profile("leaf", "groups:\n  exclude: [sys]\n");
	build_ok();
	cr_assert_eq(cs.groups.n, 1);
	cr_assert_str_eq(cs.groups.v[0], "other");
	cr_assert_null(grant_at("/usr"));
}

Test(capset, later_profile_includes_an_excluded_group_again)
{
	group("g", "description: d\n");
	profile("a", "groups: [g]\n");
	profile("b", "groups:\n  exclude: [g]\n");
	profile("c", "groups: [g]\n");
	build_ok();
	cr_assert(strv_contains(&cs.groups, "g"));
}

Test(capset, required_group_is_in_effect_without_include)
{
	fake_add(&fs, "/home/u/.ssh", PATH_DIR);
	group("creds", "required: true\nfilesystem:\n  deny: [~/.ssh]\n");
	profile("p", "description: d\n");
	build_ok();
	cr_assert(strv_contains(&cs.groups, "creds"));
	cr_assert(must_deny("/home/u/.ssh")->required);
}

Test(capset, required_group_cannot_be_excluded)
{
	group("creds", "required: true\n");
	profile("p", "description: d\n"
		     "groups:\n"
		     "  exclude:\n"
		     "    - creds\n");
	cr_assert_str_eq(build_fails(),
			 "profiles/p.yaml:4: group 'creds' is required and cannot be excluded");
}

Test(capset, unknown_group_is_an_error_with_a_suggestion)
{
	group("runtime_node", "description: d\n");
	profile("p", "description: d\ngroups:\n  - runtime_nod\n");
	cr_assert_str_eq(build_fails(),
			 "profiles/p.yaml:3: unknown group 'runtime_nod' (did you mean 'runtime_node'?)");
}

Test(capset, unknown_group_without_a_close_name)
{
	group("runtime_node", "description: d\n");
	profile("p", "groups: [zzz]\n");
	cr_assert_str_eq(build_fails(), "profiles/p.yaml:1: unknown group 'zzz'");
}

Test(capset, unknown_excluded_group_is_an_error)
{
	profile("p", "groups:\n  exclude: [nope]\n");
	cr_assert_str_eq(build_fails(), "profiles/p.yaml:2: unknown group 'nope'");
}

/* ---- grants ---- */

Test(capset, each_grant_kind_gives_its_rights)
{
	fake_add(&fs, "/r", PATH_DIR);
	fake_add(&fs, "/w", PATH_DIR);
	fake_add(&fs, "/x", PATH_DIR);
	fake_add(&fs, "/a", PATH_DIR);
	profile("p", "filesystem:\n"
		     "  read: [/r]\n  write: [/w]\n  exec: [/x]\n  allow: [/a]\n");
	build_ok();
	cr_assert_eq(must_grant("/r")->access, LATCH_ACC_READ);
	cr_assert_eq(must_grant("/w")->access, LATCH_ACC_WRITE);
	cr_assert_eq(must_grant("/x")->access, LATCH_ACC_EXEC);
	cr_assert_eq(must_grant("/a")->access, LATCH_ACC_RW);
}

Test(capset, grants_of_one_path_are_merged_into_a_union)
{
	fake_add(&fs, "/opt", PATH_DIR);
	group("g", "filesystem:\n  read: [/opt]\n");
	profile("p", "groups: [g]\nfilesystem:\n  exec: [/opt]\n");
	build_ok();
	cr_assert_eq(must_grant("/opt")->access, LATCH_ACC_READ | LATCH_ACC_EXEC);
	cr_assert_str_eq(must_grant("/opt")->origin,
			 "group g, groups/g.yaml:2; profile p, profiles/p.yaml:3");
	cr_assert_eq(cs.n_grants, 1);
}

Test(capset, repeated_grant_adds_no_origin)
{
	fake_add(&fs, "/opt", PATH_DIR);
	profile("a", "filesystem:\n  allow: [/opt]\n");
	profile("b", "filesystem:\n  read: [/opt]\n");
	build_ok();
	cr_assert_str_eq(must_grant("/opt")->origin, "profile a, profiles/a.yaml:2");
}

Test(capset, grant_is_dir_follows_the_resolver)
{
	fake_add(&fs, "/etc/hosts", PATH_FILE);
	fake_add(&fs, "/srv", PATH_DIR);
	profile("p", "filesystem:\n  read: [/etc/hosts, /srv]\n");
	build_ok();
	cr_assert_not(must_grant("/etc/hosts")->is_dir);
	cr_assert(must_grant("/srv")->is_dir);
}

Test(capset, grant_covered_by_a_parent_grant_is_folded)
{
	fake_add(&fs, "/etc", PATH_DIR);
	fake_add(&fs, "/etc/hosts", PATH_FILE);
	profile("p", "filesystem:\n  read: [/etc/hosts]\n  allow: [/etc]\n");
	build_ok();
	cr_assert_null(grant_at("/etc/hosts"));
	cr_assert_eq(must_grant("/etc")->access, LATCH_ACC_RW);
	cr_assert_eq(capset_granted(&cs, "/etc/hosts"), LATCH_ACC_RW);
}

Test(capset, grant_with_rights_beyond_its_parent_is_kept)
{
	fake_add(&fs, "/etc", PATH_DIR);
	fake_add(&fs, "/etc/hosts", PATH_FILE);
	profile("p", "filesystem:\n  read: [/etc]\n  allow: [/etc/hosts]\n");
	build_ok();
	cr_assert_eq(must_grant("/etc/hosts")->access, LATCH_ACC_RW);
	cr_assert_eq(must_grant("/etc")->access, LATCH_ACC_READ);
}

Test(capset, grant_paths_expand_variables)
{
	fake_add(&fs, "/home/u/.cache", PATH_DIR);
	fake_add(&fs, "/home/u/.npm", PATH_DIR);
	profile("p", "filesystem:\n  allow: [$XDG_CACHE_HOME, ~/.npm]\n");
	build_ok();
	must_grant("/home/u/.cache");
	must_grant("/home/u/.npm");
}

Test(capset, relative_profile_path_is_under_the_workdir)
{
	fake_add(&fs, "/home/u/proj/sub", PATH_DIR);
	profile("p", "filesystem:\n  read: [sub]\n");
	build_ok();
	must_grant("/home/u/proj/sub");
}

Test(capset, missing_grant_gives_one_warning_and_no_grant)
{
	profile("p", "filesystem:\n  read:\n    - ~/gone\n");
	build_ok();
	cr_assert_null(grant_at("/home/u/gone"));
	cr_assert_eq(cs.warnings.n, 1);
	cr_assert_str_eq(cs.warnings.v[0],
			 "grant '~/gone' (profile p, profiles/p.yaml:3) does not exist; skipped");
}

Test(capset, missing_optional_grant_is_silent)
{
	profile("p", "filesystem:\n  read: [~/gone?]\n");
	build_ok();
	cr_assert_null(grant_at("/home/u/gone"));
	cr_assert_null(grant_at("/home/u/gone?"));
	cr_assert_eq(cs.warnings.n, 0);
}

Test(capset, existing_optional_grant_drops_the_question_mark)
{
	fake_add(&fs, "/home/u/.nvm", PATH_DIR);
	profile("p", "filesystem:\n  exec: [~/.nvm?]\n");
	build_ok();
	cr_assert_eq(must_grant("/home/u/.nvm")->access, LATCH_ACC_EXEC);
}

Test(capset, cli_grants_resolve_relative_to_cli_cwd)
{
	fake_add(&fs, "/home/u/other/docs", PATH_DIR);
	cli.cwd = "/home/u/other";
	strv_push(&cli.read, "docs");
	profile("p", "description: d\n");
	build_ok();
	cr_assert_eq(must_grant("/home/u/other/docs")->access, LATCH_ACC_READ);
	cr_assert_str_eq(must_grant("/home/u/other/docs")->origin, "--read");
}

Test(capset, cli_flags_give_their_rights_and_origins)
{
	fake_add(&fs, "/a", PATH_DIR);
	fake_add(&fs, "/w", PATH_DIR);
	fake_add(&fs, "/x", PATH_FILE);
	strv_push(&cli.allow, "/a");
	strv_push(&cli.write, "/w");
	strv_push(&cli.exec, "/x");
	profile("p", "description: d\n");
	build_ok();
	cr_assert_eq(must_grant("/a")->access, LATCH_ACC_RW);
	cr_assert_str_eq(must_grant("/a")->origin, "--allow");
	cr_assert_eq(must_grant("/w")->access, LATCH_ACC_WRITE);
	cr_assert_str_eq(must_grant("/w")->origin, "--write");
	cr_assert_eq(must_grant("/x")->access, LATCH_ACC_EXEC);
	cr_assert_str_eq(must_grant("/x")->origin, "--exec");
}

Test(capset, cli_deny_adds_a_deny)
{
	fake_add(&fs, "/home/u/proj/secret", PATH_FILE);
	strv_push(&cli.deny, "secret");
	profile("p", "workdir: readwrite\n");
	build_ok();
	cr_assert_str_eq(must_deny("/home/u/proj/secret")->origin, "--deny");
	cr_assert(must_deny("/home/u/proj/secret")->masked);
}

Test(capset, missing_cli_grant_warns)
{
	strv_push(&cli.read, "/nope");
	profile("p", "description: d\n");
	build_ok();
	cr_assert_eq(warnings_with("grant '/nope' (--read) does not exist"), 1);
}

Test(capset, bad_variable_in_a_path_names_the_rule)
{
	profile("p", "description: d\nfilesystem:\n  read: [$NOPE/x]\n");
	{
		const char *m = build_fails();
		const char *tail = " (profile p, profiles/p.yaml:3)";

		cr_assert(strncmp(m, "unknown variable $NOPE in '$NOPE/x'", 35) == 0,
			  "got: %s", m);
		cr_assert_str_eq(m + strlen(m) - strlen(tail), tail);
	}
}

Test(capset, resolver_failure_is_an_error)
{
	fs.hard_error = "/broken";
	profile("p", "filesystem:\n  read: [/broken]\n");
	cr_assert_str_eq(build_fails(),
			 "cannot resolve '/broken' (profile p, profiles/p.yaml:2)");
}

/* ---- denies ---- */

Test(capset, deny_records_existence_and_kind)
{
	fake_add(&fs, "/home/u/.ssh", PATH_DIR);
	fake_add(&fs, "/home/u/.netrc", PATH_FILE);
	profile("p", "filesystem:\n  deny: [~/.ssh, ~/.netrc, ~/.aws]\n");
	build_ok();
	cr_assert(must_deny("/home/u/.ssh")->is_dir);
	cr_assert(must_deny("/home/u/.ssh")->exists);
	cr_assert_not(must_deny("/home/u/.netrc")->is_dir);
	cr_assert(must_deny("/home/u/.netrc")->exists);
	cr_assert_not(must_deny("/home/u/.aws")->exists);
	cr_assert_not(must_deny("/home/u/.aws")->write_only);
	cr_assert_str_eq(must_deny("/home/u/.aws")->origin,
			 "profile p, profiles/p.yaml:2");
}

Test(capset, missing_deny_does_not_warn_outside_grants)
{
	profile("p", "filesystem:\n  deny: [~/.aws]\n");
	build_ok();
	cr_assert_eq(cs.warnings.n, 0);
}

Test(capset, grant_inside_a_deny_is_dropped_with_a_warning)
{
	fake_add(&fs, "/home/u/.ssh", PATH_DIR);
	fake_add(&fs, "/home/u/.ssh/config", PATH_FILE);
	group("creds", "filesystem:\n  deny: [~/.ssh]\n");
	profile("p", "groups: [creds]\nfilesystem:\n  read: [~/.ssh/config]\n");
	build_ok();
	cr_assert_null(grant_at("/home/u/.ssh/config"));
	cr_assert_eq(cs.warnings.n, 1);
	cr_assert_str_eq(cs.warnings.v[0],
			 "grant '/home/u/.ssh/config' (profile p, profiles/p.yaml:3) lies inside denied path '/home/u/.ssh' (group creds, groups/creds.yaml:2); ignored (name it under 'unprotect:' in a profile to grant it)");
}

Test(capset, grant_of_the_denied_path_itself_is_dropped)
{
	fake_add(&fs, "/home/u/.ssh", PATH_DIR);
	profile("p", "filesystem:\n  allow: [~/.ssh]\n  deny: [~/.ssh]\n");
	build_ok();
	cr_assert_null(grant_at("/home/u/.ssh"));
	cr_assert_eq(warnings_with("lies inside denied path"), 1);
}

Test(capset, grant_inside_the_state_dir_has_no_unprotect_hint)
{
	fake_add(&fs, "/home/u/.local/state/latch/db", PATH_FILE);
	strv_push(&cli.read, "/home/u/.local/state/latch/db");
	profile("p", "description: d\n");
	build_ok();
	cr_assert_null(grant_at("/home/u/.local/state/latch/db"));
	cr_assert_eq(warnings_with("lies inside denied path '/home/u/.local/state/latch' (latch state directory)"), 1);
	cr_assert_eq(warnings_with("unprotect"), 0);
}

Test(capset, cli_grant_does_not_beat_a_deny)
{
	fake_add(&fs, "/home/u/.aws", PATH_DIR);
	group("creds", "filesystem:\n  deny: [~/.aws]\n");
	strv_push(&cli.allow, "~/.aws");
	profile("p", "groups: [creds]\n");
	build_ok();
	cr_assert_null(grant_at("/home/u/.aws"));
}

Test(capset, grant_beside_a_deny_is_kept)
{
	fake_add(&fs, "/home/u/.ssh", PATH_DIR);
	fake_add(&fs, "/home/u/.sshx", PATH_DIR);
	profile("p", "filesystem:\n  read: [~/.sshx]\n  deny: [~/.ssh]\n");
	build_ok();
	must_grant("/home/u/.sshx");
	cr_assert_eq(cs.warnings.n, 0);
}

Test(capset, deny_inside_a_grant_is_masked)
{
	fake_add(&fs, "/home/u", PATH_DIR);
	fake_add(&fs, "/home/u/.ssh", PATH_DIR);
	profile("p", "filesystem:\n  read: [~]\n  deny: [~/.ssh]\n");
	build_ok();
	must_grant("/home/u");
	cr_assert(must_deny("/home/u/.ssh")->masked);
	cr_assert_eq(cs.warnings.n, 0);
}

Test(capset, deny_outside_every_grant_is_not_masked)
{
	fake_add(&fs, "/home/u/.ssh", PATH_DIR);
	profile("p", "filesystem:\n  deny: [~/.ssh]\n");
	build_ok();
	cr_assert_not(must_deny("/home/u/.ssh")->masked);
}

Test(capset, missing_deny_inside_a_grant_is_not_masked)
{
	fake_add(&fs, "/home/u", PATH_DIR);
	profile("p", "filesystem:\n  allow: [~]\n  deny: [~/.aws]\n");
	build_ok();
	cr_assert_not(must_deny("/home/u/.aws")->exists);
	cr_assert_not(must_deny("/home/u/.aws")->masked);
	must_grant("/home/u");
}

Test(capset, deny_write_strips_write_from_a_grant)
{
	fake_add(&fs, "/home/u/.bashrc", PATH_FILE);
	group("startup", "filesystem:\n  deny_write: [~/.bashrc]\n");
	profile("p", "groups: [startup]\nfilesystem:\n  allow: [~/.bashrc]\n");
	build_ok();
	cr_assert_eq(must_grant("/home/u/.bashrc")->access, LATCH_ACC_READ);
	cr_assert(must_deny("/home/u/.bashrc")->write_only);
	cr_assert_eq(warnings_with("is read-only by '/home/u/.bashrc'"), 1);
	cr_assert_eq(warnings_with("write dropped"), 1);
}

Test(capset, deny_write_removes_a_write_only_grant)
{
	fake_add(&fs, "/home/u/bin", PATH_DIR);
	fake_add(&fs, "/home/u/bin/tool", PATH_FILE);
	profile("p", "filesystem:\n  write: [~/bin/tool]\n  deny_write: [~/bin]\n");
	build_ok();
	cr_assert_null(grant_at("/home/u/bin/tool"));
}

Test(capset, deny_write_keeps_read_and_exec)
{
	fake_add(&fs, "/home/u/bin", PATH_DIR);
	profile("p", "filesystem:\n  read: [~/bin]\n  exec: [~/bin]\n  deny_write: [~/bin]\n");
	build_ok();
	cr_assert_eq(must_grant("/home/u/bin")->access,
		     LATCH_ACC_READ | LATCH_ACC_EXEC);
	cr_assert_eq(cs.warnings.n, 0);
}

Test(capset, deny_write_inside_a_read_only_grant_is_not_masked)
{
	fake_add(&fs, "/home/u", PATH_DIR);
	fake_add(&fs, "/home/u/.bashrc", PATH_FILE);
	profile("p", "filesystem:\n  read: [~]\n  deny_write: [~/.bashrc]\n");
	build_ok();
	cr_assert_not(must_deny("/home/u/.bashrc")->masked);
}

Test(capset, deny_write_inside_a_writable_grant_is_masked)
{
	fake_add(&fs, "/home/u", PATH_DIR);
	fake_add(&fs, "/home/u/.bashrc", PATH_FILE);
	profile("p", "filesystem:\n  allow: [~]\n  deny_write: [~/.bashrc]\n");
	build_ok();
	cr_assert(must_deny("/home/u/.bashrc")->masked);
	cr_assert_eq(must_grant("/home/u")->access, LATCH_ACC_RW);
}

Test(capset, deny_and_deny_write_of_one_path_is_a_full_deny)
{
	fake_add(&fs, "/home/u/.x", PATH_DIR);
	group("g", "filesystem:\n  deny_write: [~/.x]\n");
	profile("p", "groups: [g]\nfilesystem:\n  deny: [~/.x]\n");
	build_ok();
	cr_assert_not(must_deny("/home/u/.x")->write_only);
	cr_assert_eq(cs.n_denies, 2); /* ~/.x and the state directory */
}

/* ---- unprotect ---- */

Test(capset, unprotect_removes_a_deny_and_is_recorded)
{
	fake_add(&fs, "/home/u/.aws", PATH_DIR);
	group("creds", "filesystem:\n  deny: [~/.aws]\n");
	profile("p", "groups: [creds]\n"
		     "unprotect:\n"
		     "  - ~/.aws\n"
		     "filesystem:\n"
		     "  read: [~/.aws]\n");
	build_ok();
	cr_assert_null(deny_at("/home/u/.aws"));
	cr_assert_eq(must_grant("/home/u/.aws")->access, LATCH_ACC_READ);
	cr_assert_eq(cs.n_unprotected, 1);
	cr_assert_str_eq(cs.unprotected[0].path, "/home/u/.aws");
	cr_assert_str_eq(cs.unprotected[0].origin, "profile p, profiles/p.yaml:3");
	cr_assert_eq(cs.warnings.n, 0);
}

Test(capset, unprotect_of_a_deny_write_path)
{
	fake_add(&fs, "/home/u/.bashrc", PATH_FILE);
	group("startup", "filesystem:\n  deny_write: [~/.bashrc]\n");
	profile("p", "groups: [startup]\nunprotect: [~/.bashrc]\n"
		     "filesystem:\n  allow: [~/.bashrc]\n");
	build_ok();
	cr_assert_eq(must_grant("/home/u/.bashrc")->access, LATCH_ACC_RW);
}

Test(capset, unprotect_in_a_base_profile_applies)
{
	fake_add(&fs, "/home/u/.aws", PATH_DIR);
	group("creds", "filesystem:\n  deny: [~/.aws]\n");
	profile("base", "groups: [creds]\nunprotect: [~/.aws]\n");
	profile("leaf", "extends: base\n");
	build_ok();
	cr_assert_null(deny_at("/home/u/.aws"));
	cr_assert_str_eq(cs.unprotected[0].origin, "profile base, profiles/base.yaml:2");
}

Test(capset, unprotect_does_not_cancel_a_cli_deny)
{
	fake_add(&fs, "/home/u/.aws", PATH_DIR);
	group("creds", "filesystem:\n  deny: [~/.aws]\n");
	profile("p", "groups: [creds]\nunprotect: [~/.aws]\n");
	strv_push(&cli.deny, "~/.aws");
	build_ok();
	cr_assert_not_null(deny_at("/home/u/.aws"),
			   "--deny on the command line must hold despite unprotect");
}

Test(capset, unprotect_of_a_path_that_is_not_denied_is_an_error)
{
	profile("p", "description: d\n"
		     "unprotect:\n"
		     "  - ~/.nothing\n");
	cr_assert_str_eq(build_fails(),
			 "profiles/p.yaml:3: unprotect '~/.nothing' names no denied path (see 'latch profile show')");
}

Test(capset, unprotect_must_name_the_denied_path_exactly)
{
	group("creds", "filesystem:\n  deny: [~/.aws]\n");
	profile("p", "groups: [creds]\nunprotect: [~/.aws/config]\n");
	cr_assert_str_eq(build_fails(),
			 "profiles/p.yaml:2: unprotect '~/.aws/config' names no denied path (see 'latch profile show')");
}

Test(capset, unprotect_of_a_required_group_path_is_allowed)
{
	fake_add(&fs, "/home/u/.ssh", PATH_DIR);
	group("creds", "required: true\nfilesystem:\n  deny: [~/.ssh, ~/.aws]\n");
	profile("p", "unprotect: [~/.ssh]\n");
	build_ok();
	cr_assert_null(deny_at("/home/u/.ssh"));
	must_deny("/home/u/.aws");
	cr_assert(strv_contains(&cs.groups, "creds"));
	cr_assert_eq(cs.n_unprotected, 1);
}

Test(capset, unprotect_of_the_state_dir_is_an_error)
{
	profile("p", "unprotect: [$XDG_STATE_HOME/latch]\n");
	cr_assert_str_eq(build_fails(),
			 "profiles/p.yaml:1: '$XDG_STATE_HOME/latch' is latch's own state or configuration and can never be unprotected");
}

Test(capset, unprotect_of_latch_config_dir_is_an_error)
{
	fake_add(&fs, "/home/u/.config/latch", PATH_DIR);
	group("latch_self", "required: true\n"
			    "filesystem:\n  deny_write: [$XDG_CONFIG_HOME/latch]\n");
	profile("p", "description: d\nunprotect:\n  - ~/.config/latch\n");
	cr_assert_str_eq(build_fails(),
			 "profiles/p.yaml:3: '~/.config/latch' is latch's own state or configuration and can never be unprotected");
}

/* ---- latch's state directory ---- */

Test(capset, state_dir_is_always_denied)
{
	profile("p", "description: d\n");
	build_ok();
	cr_assert_str_eq(cs.state_dir, "/home/u/.local/state/latch");
	cr_assert(must_deny("/home/u/.local/state/latch")->required);
	cr_assert_not(must_deny("/home/u/.local/state/latch")->write_only);
	cr_assert_str_eq(must_deny("/home/u/.local/state/latch")->origin,
			 "latch state directory");
}

Test(capset, state_dir_follows_xdg_state_home)
{
	vs.xdg_state_home = "/var/state";
	profile("p", "description: d\n");
	build_ok();
	cr_assert_str_eq(cs.state_dir, "/var/state/latch");
	must_deny("/var/state/latch");
}

Test(capset, state_dir_cannot_be_granted)
{
	fake_add(&fs, "/home/u/.local/state/latch", PATH_DIR);
	strv_push(&cli.allow, "/home/u/.local/state/latch");
	profile("p", "description: d\n");
	build_ok();
	cr_assert_null(grant_at("/home/u/.local/state/latch"));
}

Test(capset, state_dir_inside_a_grant_is_masked)
{
	fake_add(&fs, "/home/u/.local", PATH_DIR);
	fake_add(&fs, "/home/u/.local/state/latch", PATH_DIR);
	profile("p", "filesystem:\n  allow: [~/.local]\n");
	build_ok();
	must_grant("/home/u/.local");
	cr_assert(must_deny("/home/u/.local/state/latch")->masked);
}

Test(capset, state_dir_resolver_failure_is_an_error)
{
	fs.hard_error = "/home/u/.local/state/latch";
	profile("p", "description: d\n");
	cr_assert_str_eq(build_fails(),
			 "cannot resolve latch's state directory under '/home/u/.local/state'");
}

/* ---- environment, network, capabilities ---- */

Test(capset, env_lists_merge_from_groups_and_chain_without_duplicates)
{
	group("secrets", "environment:\n  deny: [\"*_TOKEN\", \"*_KEY\"]\n");
	profile("base", "groups: [secrets]\n"
			"environment:\n  deny: [\"*_TOKEN\"]\n  allow: [GH_TOKEN]\n");
	profile("leaf", "environment:\n  allow: [GH_TOKEN, NPM_TOKEN]\n");
	strv_push(&cli.env_allow, "NPM_TOKEN");
	strv_push(&cli.env_allow, "CI_TOKEN");
	build_ok();
	cr_assert_eq(cs.env_deny.n, 2);
	cr_assert_str_eq(cs.env_deny.v[0], "*_TOKEN");
	cr_assert_str_eq(cs.env_deny.v[1], "*_KEY");
	cr_assert_eq(cs.env_allow.n, 3);
	cr_assert(strv_contains(&cs.env_allow, "GH_TOKEN"));
	cr_assert(strv_contains(&cs.env_allow, "NPM_TOKEN"));
	cr_assert(strv_contains(&cs.env_allow, "CI_TOKEN"));
}

Test(capset, env_set_of_the_leaf_wins)
{
	char *env[] = { "EDITOR=emacs", NULL };
	struct strv out = { 0 }, stripped = { 0 };

	profile("base", "environment:\n  set:\n    EDITOR: nano\n");
	profile("leaf", "environment:\n  set:\n    EDITOR: vi\n");
	build_ok();
	env_apply(&cs, env, &out, &stripped);
	cr_expect_eq(out.n, 1);
	cr_expect_str_eq(out.v[0], "EDITOR=vi");
	strv_free(&out);
	strv_free(&stripped);
}

Test(capset, ports_merge_without_duplicates)
{
	profile("base", "network:\n  bind: [80, 443]\n  connect: [443]\n");
	profile("leaf", "network:\n  bind: [443, 8080]\n  connect: [443, 22]\n");
	build_ok();
	cr_assert_eq(cs.n_net_bind, 3);
	cr_assert_eq(cs.net_bind[0], 80);
	cr_assert_eq(cs.net_bind[1], 443);
	cr_assert_eq(cs.net_bind[2], 8080);
	cr_assert_eq(cs.n_net_connect, 2);
	cr_assert_eq(cs.net_connect[0], 443);
	cr_assert_eq(cs.net_connect[1], 22);
}

Test(capset, caps_keep_sets_capability_bits)
{
	profile("base", "capabilities:\n  keep: [CAP_NET_BIND_SERVICE]\n");
	profile("leaf", "capabilities:\n  keep: [net_raw, chown]\n");
	build_ok();
	cr_assert_eq(cs.caps_keep, (1ull << 10) | (1ull << 13) | (1ull << 0));
}

Test(capset, no_caps_kept_by_default)
{
	profile("p", "description: d\n");
	build_ok();
	cr_assert_eq(cs.caps_keep, 0);
}

/* ---- capset_why / capset_granted ---- */

Test(why, sensitive_path_is_denied_with_the_group_origin)
{
	struct why w;

	fake_add(&fs, "/home/u", PATH_DIR);
	fake_add(&fs, "/home/u/.ssh", PATH_DIR);
	group("creds", "required: true\n"
		       "filesystem:\n"
		       "  deny:\n"
		       "    - ~/.aws\n"
		       "    - ~/.ssh\n");
	profile("p", "filesystem:\n  read: [~]\n");
	build_ok();
	capset_why(&cs, "/home/u/.ssh/id_ed25519", LATCH_ACC_READ, &w);
	cr_assert_not(w.allowed);
	cr_assert_str_eq(w.reason, "sensitive path");
	cr_assert_str_eq(w.by, "group creds, groups/creds.yaml:5");
	cr_assert_str_eq(w.rule_path, "/home/u/.ssh");
}

Test(why, deny_write_allows_read_but_not_write)
{
	struct why w;

	fake_add(&fs, "/home/u", PATH_DIR);
	fake_add(&fs, "/home/u/.bashrc", PATH_FILE);
	profile("p", "filesystem:\n  allow: [~]\n  deny_write: [~/.bashrc]\n");
	build_ok();
	capset_why(&cs, "/home/u/.bashrc", LATCH_ACC_READ, &w);
	cr_assert(w.allowed);
	cr_assert_str_eq(w.reason, "granted");
	cr_assert_str_eq(w.rule_path, "/home/u");
	capset_why(&cs, "/home/u/.bashrc", LATCH_ACC_WRITE, &w);
	cr_assert_not(w.allowed);
	cr_assert_str_eq(w.reason, "read-only path");
	cr_assert_str_eq(w.by, "profile p, profiles/p.yaml:3");
}

Test(why, most_specific_grant_decides)
{
	struct why w;

	fake_add(&fs, "/srv", PATH_DIR);
	fake_add(&fs, "/srv/data", PATH_DIR);
	/* the specific grant comes first, so order alone cannot decide */
	group("g", "filesystem:\n  allow: [/srv/data]\n");
	profile("p", "groups: [g]\nfilesystem:\n  read: [/srv]\n");
	build_ok();
	capset_why(&cs, "/srv/data/f", LATCH_ACC_READ, &w);
	cr_assert(w.allowed);
	cr_assert_str_eq(w.by, "group g, groups/g.yaml:2");
	cr_assert_str_eq(w.rule_path, "/srv/data");
	capset_why(&cs, "/srv/other", LATCH_ACC_READ, &w);
	cr_assert(w.allowed);
	cr_assert_str_eq(w.by, "profile p, profiles/p.yaml:3");
	cr_assert_str_eq(w.rule_path, "/srv");
}

Test(why, grant_without_the_right_does_not_decide)
{
	struct why w;

	fake_add(&fs, "/srv", PATH_DIR);
	fake_add(&fs, "/srv/bin", PATH_DIR);
	profile("p", "filesystem:\n  read: [/srv]\n  exec: [/srv/bin]\n");
	build_ok();
	capset_why(&cs, "/srv/bin/tool", LATCH_ACC_READ, &w);
	cr_assert(w.allowed);
	cr_assert_str_eq(w.rule_path, "/srv");
	capset_why(&cs, "/srv/bin/tool", LATCH_ACC_EXEC, &w);
	cr_assert(w.allowed);
	cr_assert_str_eq(w.rule_path, "/srv/bin");
}

Test(why, not_granted)
{
	struct why w;

	fake_add(&fs, "/srv", PATH_DIR);
	profile("p", "filesystem:\n  read: [/srv]\n");
	build_ok();
	capset_why(&cs, "/opt/x", LATCH_ACC_READ, &w);
	cr_assert_not(w.allowed);
	cr_assert_str_eq(w.reason, "not granted");
	cr_assert_null(w.by);
	cr_assert_null(w.rule_path);
	capset_why(&cs, "/srv/x", LATCH_ACC_WRITE, &w);
	cr_assert_not(w.allowed);
	cr_assert_str_eq(w.reason, "not granted");
}

Test(why, state_dir_has_its_own_reason)
{
	struct why w;

	profile("p", "description: d\n");
	build_ok();
	capset_why(&cs, "/home/u/.local/state/latch/log", LATCH_ACC_READ, &w);
	cr_assert_not(w.allowed);
	cr_assert_str_eq(w.reason, "latch state directory");
	cr_assert_str_eq(w.by, "latch state directory");
}

Test(why, granted_is_the_union_of_grants_above)
{
	fake_add(&fs, "/srv", PATH_DIR);
	fake_add(&fs, "/srv/bin", PATH_DIR);
	profile("p", "filesystem:\n  read: [/srv]\n  exec: [/srv/bin]\n");
	build_ok();
	cr_assert_eq(capset_granted(&cs, "/srv/bin/x"),
		     LATCH_ACC_READ | LATCH_ACC_EXEC);
	cr_assert_eq(capset_granted(&cs, "/srv/x"), LATCH_ACC_READ);
	cr_assert_eq(capset_granted(&cs, "/srvx"), 0);
}

/* ---- path_within ---- */

Test(path_within, equal_paths)
{
	cr_assert(path_within("/a/b", "/a/b"));
}

Test(path_within, path_beneath)
{
	cr_assert(path_within("/a/b/c", "/a/b"));
	cr_assert(path_within("/a/b/c/d", "/a"));
}

Test(path_within, sibling_with_common_prefix_is_outside)
{
	cr_assert_not(path_within("/a/bc", "/a/b"));
	cr_assert_not(path_within("/a/b.d", "/a/b"));
}

Test(path_within, parent_is_not_within_child)
{
	cr_assert_not(path_within("/a", "/a/b"));
}

Test(path_within, root_contains_every_absolute_path)
{
	cr_assert(path_within("/", "/"));
	cr_assert(path_within("/etc", "/"));
	cr_assert(path_within("/a/b/c", "/"));
	cr_assert_not(path_within("relative", "/"));
}

Test(capset, workdir_exec_alone_keeps_the_inherited_access)
{
	profile("base", "workdir: {access: readwrite, exec: true}\n");
	profile("leaf", "workdir: {exec: false}\n");
	build_ok();
	cr_assert_eq(cs.workdir_access, LATCH_ACC_RW);
	cr_assert_eq(must_grant("/home/u/proj")->access, LATCH_ACC_RW);
}

Test(capset, workdir_access_alone_keeps_the_inherited_exec)
{
	profile("base", "workdir: {access: readwrite, exec: true}\n");
	profile("leaf", "workdir: read\n");
	build_ok();
	cr_assert_eq(cs.workdir_access, LATCH_ACC_READ | LATCH_ACC_EXEC);
}

Test(capset, an_optional_deny_that_is_absent_protects_nothing)
{
	profile("p", "filesystem:\n  deny_write: [$WORKDIR/.git/config?]\n");
	build_ok();
	for (size_t i = 0; i < cs.n_denies; i++)
		cr_assert(strstr(cs.denies[i].path, ".git/config") == NULL);
}

/* ---- rules: which packs judge the execs ---- */

Test(capset, rule_packs_default_to_every_shipped_pack)
{
	profile("p", "description: x\n");
	build_ok();
	cr_expect(!cs.rule_packs_set);
	cr_expect_eq(cs.rule_add.n, 0);
	cr_expect_eq(cs.rule_disable.n, 0);
}

Test(capset, the_leafmost_profile_naming_packs_decides_adds_and_disables_add_up)
{
	profile("base", "rules:\n  packs: [destructive, git-history]\n"
			"  add: [mine.yaml, /etc/latch/site.yaml]\n"
			"  disable: [git-reset-hard]\n");
	profile("leaf", "extends: base\nrules:\n  packs: [destructive]\n"
			"  add: [./more.yaml, $HOME/packs/x.yaml]\n"
			"  disable: [sudo]\n");
	build_ok();
	cr_assert(cs.rule_packs_set);
	cr_assert_eq(cs.rule_packs.n, 1);
	cr_expect_str_eq(cs.rule_packs.v[0], "destructive");
	cr_expect_str_eq(cs.rule_packs_origin.v[0], "profiles/leaf.yaml:3");
	cr_assert_eq(cs.rule_add.n, 4);
	cr_expect_str_eq(cs.rule_add.v[0], "profiles/mine.yaml"); /* beside its profile */
	cr_expect_str_eq(cs.rule_add.v[1], "/etc/latch/site.yaml");
	cr_expect_str_eq(cs.rule_add.v[2], "profiles/more.yaml");
	cr_expect_str_eq(cs.rule_add.v[3], "/home/u/packs/x.yaml");
	cr_expect_str_eq(cs.rule_add_origin.v[3], "profiles/leaf.yaml:4");
	cr_assert_eq(cs.rule_disable.n, 2);
	cr_expect_str_eq(cs.rule_disable.v[0], "git-reset-hard");
	cr_expect_str_eq(cs.rule_disable.v[1], "sudo");
}

Test(capset, a_list_of_rules_is_the_packs_and_an_empty_one_means_none)
{
	profile("p", "rules: []\n");
	build_ok();
	cr_expect(cs.rule_packs_set);
	cr_expect_eq(cs.rule_packs.n, 0);
}

/* Where the sandbox sees the shims: read and exec (a read-only mount
 * shows them there). */
static void shim_dir(void)
{
	fake_add(&fs, "/tmp", PATH_DIR);
	fake_add(&fs, "/tmp/latch-shims.x", PATH_DIR);
	cli.shims = "/tmp/latch-shims.x";
}

Test(capset, the_shim_directory_is_read_and_exec_only)
{
	shim_dir();
	profile("p", "filesystem:\n  allow: [/tmp]\n");
	build_ok();
	cr_assert_eq(must_grant("/tmp/latch-shims.x")->access,
		     LATCH_ACC_READ | LATCH_ACC_EXEC);
}
