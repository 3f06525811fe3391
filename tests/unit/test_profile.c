/* profile_parse: every key of profiles and groups, shorthands, and the
 * messages for everything it refuses. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static struct profile *P(const char *yaml)
{
	return parse_ok("p", false, yaml);
}

static struct profile *G(const char *yaml)
{
	return parse_ok("g", true, yaml);
}

#define assert_msg_contains(msg, needle) \
	cr_assert(strstr((msg), (needle)) != NULL, \
		  "message '%s' lacks '%s'", (msg), (needle))

/* ---- profile keys ---- */

Test(profile, remembers_file_and_name)
{
	struct profile *p = P("description: d\n");

	cr_assert_str_eq(p->file, "profiles/p.yaml");
	cr_assert_str_eq(p->name, "p");
	cr_assert_not(p->is_group);
	profile_free(p);
}

Test(profile, unset_keys_have_neutral_defaults)
{
	struct profile *p = P("description: d\n");

	cr_assert_eq(p->n_rules, 0);
	cr_assert_eq(p->extends.n, 0);
	cr_assert_not(p->workdir_set);
	cr_assert_eq(p->net_mode, NET_UNSET);
	cr_assert_eq(p->best_effort, TRI_UNSET);
	cr_assert_not(p->required);
	profile_free(p);
}

Test(profile, description_is_kept)
{
	struct profile *p = P("description: Some words here\n");

	cr_assert_str_eq(p->description, "Some words here");
	profile_free(p);
}

Test(profile, extends_scalar_is_a_one_item_list)
{
	struct profile *p = P("description: d\nextends: default\n");

	cr_assert_eq(p->extends.n, 1);
	cr_assert_str_eq(p->extends.v[0], "default");
	cr_assert_str_eq(p->extends_src[0].file, "profiles/p.yaml");
	cr_assert_eq(p->extends_src[0].line, 2);
	profile_free(p);
}

Test(profile, extends_list_keeps_order_and_lines)
{
	struct profile *p = P("extends:\n  - a\n  - b\n");

	cr_assert_eq(p->extends.n, 2);
	cr_assert_str_eq(p->extends.v[0], "a");
	cr_assert_str_eq(p->extends.v[1], "b");
	cr_assert_eq(p->extends_src[0].line, 2);
	cr_assert_eq(p->extends_src[1].line, 3);
	profile_free(p);
}

Test(profile, groups_list_shorthand_means_include)
{
	struct profile *p = P("groups: [one, two]\n");

	cr_assert_eq(p->groups_include.n, 2);
	cr_assert_str_eq(p->groups_include.v[0], "one");
	cr_assert_str_eq(p->groups_include.v[1], "two");
	cr_assert_eq(p->groups_exclude.n, 0);
	cr_assert_eq(p->include_src[1].line, 1);
	profile_free(p);
}

Test(profile, groups_include_and_exclude_with_lines)
{
	struct profile *p = P("groups:\n"
			      "  include:\n"
			      "    - a\n"
			      "  exclude:\n"
			      "    - b\n"
			      "    - c\n");

	cr_assert_eq(p->groups_include.n, 1);
	cr_assert_str_eq(p->groups_include.v[0], "a");
	cr_assert_eq(p->include_src[0].line, 3);
	cr_assert_eq(p->groups_exclude.n, 2);
	cr_assert_str_eq(p->groups_exclude.v[1], "c");
	cr_assert_eq(p->exclude_src[0].line, 5);
	cr_assert_eq(p->exclude_src[1].line, 6);
	profile_free(p);
}

Test(profile, filesystem_keys_map_to_rule_kinds_and_rights)
{
	struct profile *p = P("filesystem:\n"
			      "  read: [/r]\n"
			      "  write: [/w]\n"
			      "  exec: [/x]\n"
			      "  allow: [/a]\n"
			      "  deny: [/d]\n"
			      "  deny_write: [/dw]\n");
	static const struct {
		const char *path;
		enum rule_kind kind;
		unsigned acc;
		int line;
	} want[] = {
		{ "/r", RULE_GRANT, LATCH_ACC_READ, 2 },
		{ "/w", RULE_GRANT, LATCH_ACC_WRITE, 3 },
		{ "/x", RULE_GRANT, LATCH_ACC_EXEC, 4 },
		{ "/a", RULE_GRANT, LATCH_ACC_RW, 5 },
		{ "/d", RULE_DENY, 0, 6 },
		{ "/dw", RULE_DENY_WRITE, 0, 7 },
	};

	cr_assert_eq(p->n_rules, 6);
	for (size_t i = 0; i < 6; i++) {
		cr_expect_str_eq(p->rules[i].path, want[i].path);
		cr_expect_eq(p->rules[i].kind, want[i].kind, "rule %zu", i);
		cr_expect_eq(p->rules[i].access, want[i].acc, "rule %zu", i);
		cr_expect_eq(p->rules[i].src.line, want[i].line, "rule %zu", i);
		cr_expect_str_eq(p->rules[i].src.file, "profiles/p.yaml");
	}
	profile_free(p);
}

Test(profile, filesystem_paths_are_kept_as_written)
{
	struct profile *p = P("filesystem:\n"
			      "  read:\n"
			      "    - ~/.config/x?\n"
			      "    - $XDG_CACHE_HOME/y\n"
			      "    - relative/z\n");

	cr_assert_eq(p->n_rules, 3);
	cr_assert_str_eq(p->rules[0].path, "~/.config/x?");
	cr_assert_str_eq(p->rules[1].path, "$XDG_CACHE_HOME/y");
	cr_assert_str_eq(p->rules[2].path, "relative/z");
	cr_assert_eq(p->rules[2].src.line, 5);
	profile_free(p);
}

Test(profile, filesystem_scalar_is_a_one_item_list)
{
	struct profile *p = P("filesystem:\n  read: /usr\n");

	cr_assert_eq(p->n_rules, 1);
	cr_assert_str_eq(p->rules[0].path, "/usr");
	cr_assert_eq(p->rules[0].src.line, 2);
	profile_free(p);
}

Test(profile, workdir_scalar_shorthand_sets_access)
{
	struct profile *p = P("description: d\nworkdir: readwrite\n");

	cr_assert(p->workdir_set);
	cr_assert_eq(p->workdir_access, LATCH_ACC_RW);
	cr_assert_eq(p->workdir_src.line, 2);
	profile_free(p);
}

Test(profile, workdir_mapping_with_exec)
{
	struct profile *p = P("workdir:\n  access: read\n  exec: true\n");

	cr_assert(p->workdir_set);
	cr_assert_eq(p->workdir_access, LATCH_ACC_READ | LATCH_ACC_EXEC);
	profile_free(p);
}

Test(profile, workdir_exec_before_access_is_kept)
{
	struct profile *p = P("workdir:\n  exec: true\n  access: write\n");

	cr_assert_eq(p->workdir_access, LATCH_ACC_WRITE | LATCH_ACC_EXEC);
	profile_free(p);
}

Test(profile, workdir_none_is_set_but_empty)
{
	struct profile *p = P("workdir: none\n");

	cr_assert(p->workdir_set);
	cr_assert_eq(p->workdir_access, 0);
	profile_free(p);
}

Test(profile, workdir_unknown_access_word_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "workdir: all\n"),
			 "test.yaml:1: workdir access must be none, read, write or readwrite, not 'all'");
}

Test(profile, environment_allow_deny_set)
{
	struct profile *p = P("environment:\n"
			      "  allow: [GITHUB_TOKEN]\n"
			      "  deny: [\"*_SECRET\", FOO]\n"
			      "  set:\n"
			      "    EDITOR: vi\n"
			      "    EMPTY: \"\"\n");

	cr_assert_eq(p->env_allow.n, 1);
	cr_assert_str_eq(p->env_allow.v[0], "GITHUB_TOKEN");
	cr_assert_eq(p->env_deny.n, 2);
	cr_assert_str_eq(p->env_deny.v[0], "*_SECRET");
	cr_assert_str_eq(p->env_deny.v[1], "FOO");
	cr_assert_eq(p->env_set.n, 2);
	cr_assert_str_eq(p->env_set.v[0], "EDITOR=vi");
	cr_assert_str_eq(p->env_set.v[1], "EMPTY=");
	profile_free(p);
}

Test(profile, environment_allow_takes_exact_names_not_globs)
{
	cr_assert_str_eq(parse_fail(false, "environment:\n  allow: [\"*_KEY\"]\n"),
			 "test.yaml:2: '*_KEY' is not a variable name (allow takes exact names)");
}

Test(profile, environment_set_of_injection_variable_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "environment:\n"
					   "  set:\n"
					   "    EDITOR: vi\n"
					   "    LD_PRELOAD: /tmp/evil.so\n"),
			 "test.yaml:4: 'LD_PRELOAD' is a loader/interpreter injection variable and cannot be set");
}

Test(profile, environment_set_of_bad_name_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "environment:\n  set:\n    1X: y\n"),
			 "test.yaml:3: '1X' is not a variable name");
}

Test(profile, environment_set_value_must_be_scalar)
{
	cr_assert_str_eq(parse_fail(false, "environment:\n  set:\n    A: [1, 2]\n"),
			 "test.yaml:3: the value of 'A' must be a single value");
}

Test(profile, environment_set_must_be_a_mapping)
{
	cr_assert_str_eq(parse_fail(false, "environment:\n  set: [A=1]\n"),
			 "test.yaml:2: 'set' must be a mapping NAME: value");
}

Test(profile, network_scalar_shorthand_block)
{
	struct profile *p = P("network: block\n");

	cr_assert_eq(p->net_mode, NET_BLOCK);
	profile_free(p);
}

Test(profile, network_scalar_shorthand_open)
{
	struct profile *p = P("network: open\n");

	cr_assert_eq(p->net_mode, NET_OPEN);
	profile_free(p);
}

Test(profile, network_mapping_with_ports)
{
	struct profile *p = P("network:\n"
			      "  mode: block\n"
			      "  bind: [8080, 1]\n"
			      "  connect: 65535\n");

	cr_assert_eq(p->net_mode, NET_BLOCK);
	cr_assert_eq(p->net_bind.n, 2);
	cr_assert_str_eq(p->net_bind.v[0], "8080");
	cr_assert_str_eq(p->net_bind.v[1], "1");
	cr_assert_eq(p->net_connect.n, 1);
	cr_assert_str_eq(p->net_connect.v[0], "65535");
	profile_free(p);
}

Test(profile, network_ports_without_mode_leave_mode_unset)
{
	struct profile *p = P("network:\n  connect: [443]\n");

	cr_assert_eq(p->net_mode, NET_UNSET);
	cr_assert_eq(p->net_connect.n, 1);
	profile_free(p);
}

Test(profile, network_allowlist_takes_hosts_and_private)
{
	struct profile *p = parse_ok("p", false,
		"network:\n  mode: allowlist\n  allow: [api.github.com, '*.npmjs.org', 'localhost:8080']\n"
		"  private: true\n");

	cr_assert_eq(p->net_mode, NET_ALLOWLIST);
	cr_assert_eq(p->net_allow.n, 3);
	cr_assert_str_eq(p->net_allow.v[1], "*.npmjs.org");
	cr_assert_eq(p->net_private, TRI_TRUE);
	profile_free(p);
}

Test(profile, a_bad_allow_entry_names_its_line)
{
	cr_assert_str_eq(parse_fail(false, "network:\n  mode: allowlist\n  allow:\n    - github.com\n    - '*.com'\n"),
			 "test.yaml:5: allow entry '*.com': a wildcard needs at least two labels after it (e.g. '*.example.com'): '*.com' would allow every name in 'com'; name the domain instead");
}

#define ROUTE "network:\n  credentials:\n    - route: api\n      upstream: https://api.example.com/v1\n" \
	"      header: authorization\n      value: \"Bearer {key}\"\n      source: env:REAL\n" \
	"      env: API_KEY\n"

Test(profile, a_credential_route_is_read_whole)
{
	struct profile *p = parse_ok("p", false, ROUTE "      base_url: API_URL\n      ca: /etc/ca.pem\n");

	cr_assert_eq(p->n_creds, 1);
	cr_assert_str_eq(p->creds[0].route, "api");
	cr_assert_str_eq(p->creds[0].upstream, "https://api.example.com/v1");
	cr_assert_str_eq(p->creds[0].value, "Bearer {key}");
	cr_assert_str_eq(p->creds[0].source, "env:REAL");
	cr_assert_str_eq(p->creds[0].base_url, "API_URL");
	cr_assert_str_eq(p->creds[0].ca, "/etc/ca.pem");
	cr_assert_eq(p->creds[0].src.line, 3);
	profile_free(p);
}

Test(profile, a_credential_route_says_what_is_wrong)
{
	cr_assert_str_eq(parse_fail(false, "network:\n  credentials:\n    - route: api\n"),
			 "test.yaml:3: a credential route needs route, upstream, header (or param), source and env");
	cr_assert_str_eq(parse_fail(false, "network:\n  credentials:\n    - route: api\n      upstream: https://a.example\n"
				    "      header: x-api-key\n      param: key\n      source: env:K\n      env: K\n"),
			 "test.yaml:3: a credential route puts the credential in a header or in a query parameter, not both");
	cr_assert_str_eq(parse_fail(false, "network:\n  credentials:\n    - param: a&b\n"),
			 "test.yaml:3: param 'a&b' is not a query parameter name (letters, digits, -._~)");
	cr_assert_str_eq(parse_fail(false, "network:\n  credentials:\n    - upstream: http://api.example.com\n"),
			 "test.yaml:3: upstream 'http://api.example.com' must be https://HOST[:PORT][/PATH] (credentials travel over TLS only)");
	cr_assert_str_eq(parse_fail(false, "network:\n  credentials:\n    - source: vault:x\n"),
			 "test.yaml:3: source 'vault:x' must be env:NAME, file:PATH or command:COMMAND");
	cr_assert_str_eq(parse_fail(false, "network:\n  credentials:\n    - value: Bearer\n"),
			 "test.yaml:3: value 'Bearer' must hold '{key}' where the credential goes, on one line");
	cr_assert_str_eq(parse_fail(false, "network:\n  credentials:\n    - route: Api\n"),
			 "test.yaml:3: route 'Api': use 1-32 of a-z, 0-9, '_' and '-'");
	cr_assert_str_eq(parse_fail(false, "network:\n  credentials:\n    - env: 1X\n"),
			 "test.yaml:3: '1X' is not an environment variable name");
	cr_assert_str_eq(parse_fail(false, "network:\n  credentials: api\n"),
			 "test.yaml:2: 'credentials' must be a list of routes");
}

Test(profile, network_unknown_mode_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "network:\n  mode: closed\n"),
			 "test.yaml:2: network mode must be 'open', 'allowlist' or 'block', not 'closed'");
}

Test(profile, port_zero_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "network:\n  bind: [0]\n"),
			 "test.yaml:2: '0' is not a TCP port (1-65535)");
}

Test(profile, port_above_65535_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "network:\n  connect: [443, 65536]\n"),
			 "test.yaml:2: '65536' is not a TCP port (1-65535)");
}

Test(profile, port_that_is_not_a_number_is_refused)
{
	assert_msg_contains(parse_fail(false, "network:\n  connect: [http]\n"),
			    "'http' is not a TCP port (1-65535)");
	assert_msg_contains(parse_fail(false, "network:\n  connect: [80x]\n"),
			    "'80x' is not a TCP port");
	assert_msg_contains(parse_fail(false, "network:\n  bind: [-1]\n"),
			    "'-1' is not a TCP port");
}

Test(profile, capabilities_keep_accepts_both_spellings)
{
	struct profile *p = P("capabilities:\n"
			      "  keep: [CAP_NET_BIND_SERVICE, net_raw]\n");

	cr_assert_eq(p->caps_keep.n, 2);
	cr_assert_str_eq(p->caps_keep.v[0], "CAP_NET_BIND_SERVICE");
	cr_assert_str_eq(p->caps_keep.v[1], "net_raw");
	profile_free(p);
}

Test(profile, unknown_capability_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "capabilities:\n  keep: [CAP_FLY]\n"),
			 "test.yaml:2: unknown capability 'CAP_FLY'");
}

Test(profile, best_effort_true_and_false)
{
	struct profile *t = P("best_effort: yes\n");
	struct profile *f = P("best_effort: false\n");

	cr_assert_eq(t->best_effort, TRI_TRUE);
	cr_assert_eq(f->best_effort, TRI_FALSE);
	profile_free(t);
	profile_free(f);
}

Test(profile, best_effort_must_be_a_boolean)
{
	cr_assert_str_eq(parse_fail(false, "best_effort: maybe\n"),
			 "test.yaml:1: 'best_effort' must be true or false, not 'maybe'");
}

Test(profile, unprotect_list_with_lines)
{
	struct profile *p = P("unprotect:\n  - ~/.aws\n  - ~/.kube\n");

	cr_assert_eq(p->unprotect.n, 2);
	cr_assert_str_eq(p->unprotect.v[0], "~/.aws");
	cr_assert_eq(p->unprotect_src[0].line, 2);
	cr_assert_eq(p->unprotect_src[1].line, 3);
	profile_free(p);
}

Test(profile, snapshots_is_a_bool_or_a_mapping)
{
	assert_msg_contains(parse_fail(false, "snapshots: {exclud: [x]}\n"),
			    "test.yaml:1:");
	assert_msg_contains(parse_fail(false, "snapshots: {exclud: [x]}\n"),
			    "did you mean 'exclude'");
	assert_msg_contains(parse_fail(false, "snapshots: maybe\n"),
			    "test.yaml:1:");
}

Test(profile, snapshots_mapping_turns_them_on_with_patterns)
{
	struct profile *p = P("snapshots:\n  exclude: [\"*.iso\", data/]\n  include: [build]\n");

	cr_assert_eq(p->snapshots, TRI_TRUE);
	cr_assert_eq(p->snap_exclude.n, 2);
	cr_assert_str_eq(p->snap_exclude.v[1], "data/");
	cr_assert_str_eq(p->snap_include.v[0], "build");
	profile_free(p);
	p = P("snapshots: {enabled: false, exclude: [x]}\n");
	cr_assert_eq(p->snapshots, TRI_FALSE);
	profile_free(p);
	p = P("snapshots: {max_files: 100, max_bytes: 1G, max_file_size: 10M}\n");
	cr_assert_eq(p->snap_max_files, 100);
	cr_assert_eq(p->snap_max_bytes, 1ULL << 30);
	cr_assert_eq(p->snap_max_file_size, 10ULL << 20);
	profile_free(p);
	assert_msg_contains(parse_fail(false, "snapshots: {max_bytes: lots}\n"),
			    "'max_bytes' is a size such as 500M or 2G, not 'lots'");
	assert_msg_contains(parse_fail(false, "snapshots: {max_files: 2.5k}\n"),
			    "'max_files' is a number of files");
}

Test(profile, audit_section_is_refused)
{
	assert_msg_contains(parse_fail(false, "audit: true\n"),
			    "test.yaml:1: section 'audit' is not supported");
}

/* ---- unknown, duplicate and mistyped keys ---- */

Test(profile, misspelt_key_names_its_line_and_suggests)
{
	cr_assert_str_eq(parse_fail(false, "description: d\n"
					   "filesystem:\n"
					   "  read: [/usr]\n"
					   "  alow:\n"
					   "    - /x\n"),
			 "test.yaml:4: unknown key 'alow' (did you mean 'allow'?)");
}

Test(profile, misspelt_top_level_key_suggests)
{
	cr_assert_str_eq(parse_fail(false, "\n\nworkdri: read\n"),
			 "test.yaml:3: unknown key 'workdri' (did you mean 'workdir'?)");
}

Test(profile, unrelated_key_has_no_suggestion)
{
	cr_assert_str_eq(parse_fail(false, "description: d\nzzzzzzzz: 1\n"),
			 "test.yaml:2: unknown key 'zzzzzzzz'");
}

Test(profile, duplicate_top_level_key_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "workdir: read\n"
					   "description: d\n"
					   "workdir: none\n"),
			 "test.yaml:3: duplicate key 'workdir'");
}

Test(profile, duplicate_nested_key_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "filesystem:\n"
					   "  read: [/a]\n"
					   "  deny: [/b]\n"
					   "  read: [/c]\n"),
			 "test.yaml:4: duplicate key 'read'");
}

Test(profile, scalar_where_single_value_expected)
{
	cr_assert_str_eq(parse_fail(false, "description: [a, b]\n"),
			 "test.yaml:1: 'description' must be a single value");
}

Test(profile, section_must_be_a_mapping)
{
	cr_assert_str_eq(parse_fail(false, "filesystem: [/usr]\n"),
			 "test.yaml:1: 'filesystem' must be a mapping of keys");
}

Test(profile, list_key_refuses_a_mapping)
{
	cr_assert_str_eq(parse_fail(false, "filesystem:\n  read:\n    a: b\n"),
			 "test.yaml:3: 'read' must be a list");
}

Test(profile, list_items_must_be_scalars)
{
	cr_assert_str_eq(parse_fail(false, "extends:\n  - a\n  - [b]\n"),
			 "test.yaml:3: items of 'extends' must be single values");
}

Test(profile, empty_list_item_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "filesystem:\n  deny:\n    - \"\"\n"),
			 "test.yaml:3: empty item in 'deny'");
}

Test(profile, non_scalar_key_is_refused)
{
	cr_assert_str_eq(parse_fail(false, "? [a]\n: b\n"),
			 "test.yaml:1: keys in 'profile' must be plain words");
}

Test(profile, root_must_be_a_mapping)
{
	cr_assert_str_eq(parse_fail(false, "- a\n- b\n"),
			 "test.yaml:1: 'profile' must be a mapping of keys");
}

/* ---- documents and YAML syntax ---- */

Test(profile, invalid_yaml_gives_file_line_column)
{
	cr_assert_str_eq(parse_fail(false, "description: x\n  bad: indent\n"),
			 "test.yaml:2:6: mapping values are not allowed in this context");
}

Test(profile, unclosed_flow_sequence_gives_file_line_column)
{
	const char *m = parse_fail(false, "description: x\nfilesystem: [a, b\n");

	cr_assert(strncmp(m, "test.yaml:3:1: ", 15) == 0, "got: %s", m);
	assert_msg_contains(m, "flow sequence");
}

Test(profile, tab_indentation_gives_file_line_column)
{
	const char *m = parse_fail(false, "a:\n\tb: c\n");

	cr_assert(strncmp(m, "test.yaml:2:1: ", 15) == 0, "got: %s", m);
}

Test(profile, empty_document_is_refused)
{
	cr_assert_str_eq(parse_fail(false, ""),
			 "test.yaml: empty document (a profile is a YAML mapping of keys)");
}

Test(profile, comment_only_document_is_empty)
{
	cr_assert_str_eq(parse_fail(true, "# nothing\n"),
			 "test.yaml: empty document (a group is a YAML mapping of keys)");
}

Test(profile, two_documents_are_refused)
{
	cr_assert_str_eq(parse_fail(false, "description: a\n---\ndescription: b\n"),
			 "test.yaml: more than one YAML document; a file holds one profile");
}

Test(profile, invalid_yaml_in_second_document_is_reported)
{
	const char *m = parse_fail(false, "description: a\n---\n: : [\n");

	cr_assert(strncmp(m, "test.yaml:3:", 12) == 0, "got: %s", m);
}

Test(profile, explicit_document_end_is_accepted)
{
	struct profile *p = P("description: a\n...\n");

	cr_assert_str_eq(p->description, "a");
	profile_free(p);
}

/* ---- groups ---- */

Test(group, every_group_key)
{
	struct profile *g = G("name: creds\n"
			      "description: keys\n"
			      "required: true\n"
			      "filesystem:\n"
			      "  deny: [~/.ssh]\n"
			      "environment:\n"
			      "  deny: [\"*_TOKEN\"]\n");

	cr_assert(g->is_group);
	cr_assert_str_eq(g->name, "creds");
	cr_assert_str_eq(g->description, "keys");
	cr_assert(g->required);
	cr_assert_eq(g->n_rules, 1);
	cr_assert_eq(g->rules[0].kind, RULE_DENY);
	cr_assert_eq(g->rules[0].src.line, 5);
	cr_assert_str_eq(g->env_deny.v[0], "*_TOKEN");
	profile_free(g);
}

Test(group, name_defaults_to_the_given_name)
{
	struct profile *g = G("description: d\n");

	cr_assert_str_eq(g->name, "g");
	cr_assert_not(g->required);
	profile_free(g);
}

Test(group, required_must_be_a_boolean)
{
	cr_assert_str_eq(parse_fail(true, "required: always\n"),
			 "test.yaml:1: 'required' must be true or false, not 'always'");
}

Test(group, a_group_network_holds_hosts_only)
{
	struct profile *g = parse_ok("g", true, "network:\n  allow: [api.example.com]\n");

	cr_assert_eq(g->net_allow.n, 1);
	cr_assert_eq(g->net_mode, NET_UNSET);
	profile_free(g);
	cr_assert_str_eq(parse_fail(true, "network: block\n"),
			 "test.yaml:1: 'network' must be a mapping of keys");
}

Test(group, profile_only_keys_are_unknown_in_a_group)
{
	static const char *const keys[] = {
		"extends: x\n", "groups: [x]\n", "workdir: read\n",
		"capabilities:\n  keep: [chown]\n",
		"best_effort: true\n", "unprotect: [~/.ssh]\n",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char key[32];
		char want[64];

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(keys[i], ":"),
			 keys[i]);
		snprintf(want, sizeof(want), "test.yaml:1: unknown key '%s'", key);
		assert_msg_contains(parse_fail(true, keys[i]), want);
	}
}

Test(group, group_only_keys_are_unknown_in_a_profile)
{
	cr_assert_str_eq(parse_fail(false, "name: x\n"),
			 "test.yaml:1: unknown key 'name'");
	cr_assert_str_eq(parse_fail(false, "description: d\nrequired: true\n"),
			 "test.yaml:2: unknown key 'required'");
}

Test(group, root_must_be_a_mapping_named_group)
{
	cr_assert_str_eq(parse_fail(true, "just words\n"),
			 "test.yaml:1: 'group' must be a mapping of keys");
}

Test(group, two_documents_name_a_group)
{
	cr_assert_str_eq(parse_fail(true, "name: a\n---\nname: b\n"),
			 "test.yaml: more than one YAML document; a file holds one group");
}

Test(profile, groups_as_a_single_name_is_an_include)
{
	struct profile *p = P("groups: system_read\n");

	cr_assert_eq(p->groups_include.n, 1);
	cr_assert_str_eq(p->groups_include.v[0], "system_read");
	profile_free(p);
}

Test(profile, ports_must_be_plain_digits)
{
	cr_assert(strstr(parse_fail(false, "network: {connect: ['+80']}\n"),
			 "'+80' is not a TCP port"));
	cr_assert(strstr(parse_fail(false, "network: {bind: [' 80']}\n"),
			 "' 80' is not a TCP port"));
	cr_assert(strstr(parse_fail(false, "network: {bind: [000000080]}\n"),
			 "is not a TCP port"));
}

Test(profile, a_trailing_document_marker_is_not_a_second_document)
{
	struct profile *p = P("description: d\n---\n");

	cr_assert_str_eq(p->description, "d");
	profile_free(p);
}

Test(profile, an_empty_key_is_an_empty_list_not_the_workdir)
{
	struct profile *p = P("filesystem:\n  deny:\n  read:\n");

	cr_assert_eq(p->n_rules, 0);
	profile_free(p);
}

Test(profile, rules_section_packs_add_disable)
{
	struct profile *p = parse_ok("p", false,
		"rules:\n"
		"  packs: [destructive]\n"
		"  add: [mine.yaml]\n"
		"  disable: [git-reset-hard, sudo]\n");

	cr_expect(p->rule_packs_set);
	cr_assert_eq(p->rule_packs.n, 1);
	cr_expect_eq(p->rule_packs_src[0].line, 2);
	cr_expect_str_eq(p->rule_add.v[0], "mine.yaml");
	cr_assert_eq(p->rule_disable.n, 2);
	cr_expect_eq(p->rule_disable_src[1].line, 4);
	profile_free(p);
}

Test(profile, rules_as_a_list_names_the_packs)
{
	struct profile *p = parse_ok("p", false, "rules: [destructive]\n");

	cr_expect(p->rule_packs_set);
	cr_expect_str_eq(p->rule_packs.v[0], "destructive");
	profile_free(p);
}

Test(profile, rules_unknown_key_suggests_the_nearest)
{
	const char *m = parse_fail(false, "rules:\n  disabel: [x]\n");

	cr_expect(strstr(m, "test.yaml:2: unknown key 'disabel'") &&
		  strstr(m, "did you mean 'disable'?"), "%s", m);
}

Test(profile, create_takes_directories_files_and_text)
{
	struct profile *p = P("filesystem:\n"
				 "  create:\n"
				 "    - ~/.agent/\n"
				 "    - ~/.agent.lock\n"
				 "    - ~/.agent.json: \"{}\"\n");

	cr_assert_eq(p->n_creates, 3);
	cr_assert_str_eq(p->creates[0].path, "~/.agent");
	cr_assert_null(p->creates[0].content);
	cr_assert_str_eq(p->creates[1].path, "~/.agent.lock");
	cr_assert_str_eq(p->creates[1].content, "");
	cr_assert_str_eq(p->creates[2].path, "~/.agent.json");
	cr_assert_str_eq(p->creates[2].content, "{}");
	cr_assert_eq(p->creates[2].src.line, 5);
	profile_free(p);
}

Test(profile, create_refuses_what_it_cannot_make)
{
	cr_assert_str_eq(parse_fail(false, "filesystem:\n  create: ~/.a/\n"),
			 "test.yaml:2: 'create' must be a list");
	cr_assert_str_eq(parse_fail(false, "filesystem:\n  create:\n    - ~/.a/: text\n"),
			 "test.yaml:3: create: '~/.a/' ends in '/', a directory, and cannot hold text");
	cr_assert_str_eq(parse_fail(false, "filesystem:\n  create:\n    - ~/.a: [x]\n"),
			 "test.yaml:3: create: the text of '~/.a' must be a single value");
	cr_assert_str_eq(parse_fail(false, "filesystem:\n  create:\n    - \"\"\n"),
			 "test.yaml:3: create: each item is PATH/ (a directory), PATH (an empty file) or PATH: TEXT");
}
