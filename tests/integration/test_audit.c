/* The session audit log (audit/log.h): every judged exec is one JSON line,
 * written as it happens; --monitor refuses nothing and logs everything. */
#include <string.h>

#include "../lib/latchtest.h"

TestSuite(audit, .init = lt_setup, .fini = lt_teardown, .timeout = 30);


Test(audit, a_refused_exec_is_logged_with_its_rule)
{
	char *v = lt_victim(), *log;
	struct lt_result r = LT_RUN("run", "--allow", v, "--", "sh", lt_script(lt_fmt("rm -rf '%s'; /bin/echo done", v)));

	LT_EXIT(r, 0);
	log = lt_audit_log();
	cr_assert_not_null(log);
	cr_assert(strstr(log, "\"event\":\"start\""), "%s", log);
	cr_assert(strstr(log, "\"profile\":\"default\""), "%s", log);
	cr_assert(strstr(log, lt_fmt("\"argv\":[\"rm\",\"-rf\",\"%s\"]", v)), "%s", log);
	cr_assert(strstr(log, "\"decision\":\"deny\",\"rule\":\"rm-outside-roots\",\"enforced\":true"), "%s", log);
	cr_assert(strstr(log, "\"exe\":\"/usr/bin/echo\""), "%s", log);
	cr_assert(strstr(log, "\"decision\":\"allow\",\"rule\":null"), "%s", log);
	cr_assert(strstr(log, "\"event\":\"end\",\"status\":0"), "%s", log);
	cr_assert(strstr(log, "\"refused\":1"), "%s", log);
	LT_FILE_IS(lt_path(v, "precious/data.txt"), "precious\n");
}

Test(audit, monitor_refuses_nothing_and_logs_everything)
{
	char *v = lt_victim(), *log;
	struct lt_result r = LT_RUN("run", "--monitor", "--allow", v, "--",
				    "sh", "-c", lt_fmt("rm -rf '%s'/precious", v));

	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, "latch: monitor: would block: rm -rf", r);
	cr_assert(!lt_exists(lt_path(v, "precious")), "--monitor blocked the delete");
	log = lt_audit_log();
	cr_assert(strstr(log, "\"monitor\":true"), "%s", log);
	cr_assert(strstr(log, "\"decision\":\"deny\",\"rule\":\"rm-outside-roots\",\"enforced\":false"), "%s", log);
	cr_assert(strstr(log, "\"refused\":0"), "%s", log);
}

Test(audit, secrets_in_argv_are_redacted)
{
	struct lt_result r = LT_RUN("run", "--", "/bin/echo", "--token",
		"tok-123456", "--password=hunter2",
		"https://bob:pw42@git.example/x",
		"key=sk-abcdefghijklmnopqrstuv", "GITHUB_TOKEN=ghs_zzzzzzzzzzzzzzzzzzzzzzzz");
	char *log;

	LT_EXIT(r, 0);
	log = lt_audit_log();
	cr_assert(strstr(log, "\"--token\",\"***\""), "%s", log);
	cr_assert(strstr(log, "\"--password=***\""), "%s", log);
	cr_assert(strstr(log, "\"https://***@git.example/x\""), "%s", log);
	cr_assert(strstr(log, "\"key=***\""), "%s", log);
	cr_assert(strstr(log, "\"GITHUB_TOKEN=***\""), "%s", log);
	cr_assert(!strstr(log, "tok-123456") && !strstr(log, "hunter2") &&
		  !strstr(log, "pw42") && !strstr(log, "abcdefghijklmnop") &&
		  !strstr(log, "zzzzzzzz"), "%s", log);
}

Test(audit, tail_and_list_show_the_session)
{
	char *v = lt_victim();
	struct lt_result r = LT_RUN("run", "--allow", v, "--", "sh", "-c",
				    lt_fmt("rm -rf '%s'\n/bin/echo two\tlines", v));
	struct lt_result t = LT_RUN("audit", "tail");
	struct lt_result l = LT_RUN("audit", "list");

	LT_EXIT(t, 0);
	LT_CONTAINS(t.out, "start   profile default", t);
	LT_CONTAINS(t.out, "deny    ", t);
	LT_CONTAINS(t.out, "rm-outside-roots", t);
	LT_CONTAINS(t.out, lt_fmt("rm -rf '%s'", v), t); /* refused whole */
	LT_CONTAINS(t.out, "end     exit 126, 0 execs allowed, 1 refused", t);
	/* one line per record: control characters escaped */
	LT_CONTAINS(t.out, lt_fmt("sh -c rm -rf '%s'\\n/bin/echo two\\tlines", v), t);
	LT_EXIT(l, 0);
	LT_CONTAINS(l.out, "/events.jsonl", l);
	(void)r;
}

Test(audit, the_sandbox_cannot_read_or_write_the_logs)
{
	struct lt_result r = LT_RUN("run", "--allow", lt.home, "--", "sh", "-c",
		"ls ~/.local/state/latch/sessions; echo x >> ~/.local/state/latch/sessions/y; echo end");

	LT_CONTAINS(r.out, "end", r);
	LT_LACKS(r.out, "events.jsonl", r);
	cr_assert(!lt_exists(lt_path(lt.home, ".local/state/latch/sessions/y")));
}
