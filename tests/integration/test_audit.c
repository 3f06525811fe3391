/* The session audit log (audit/log.h): every judged exec is one JSON line,
 * written as it happens and chained; --monitor refuses nothing and logs
 * everything; `latch audit verify` finds what was changed. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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
	struct lt_opts o = { .env = LT_ARGV("DEPLOY_TOKEN=envsecret-98765") };
	struct lt_result r = LT_RUN_O(&o, "run", "--", "/bin/echo", "--token",
		"tok-123456", "--password=hunter2",
		"https://bob:pw42@git.example/x",
		"key=sk-abcdefghijklmnopqrstuv", "GITHUB_TOKEN=ghs_zzzzzzzzzzzzzzzzzzzzzzzz",
		"x-api-key: hdr-secret-1", "https://h.example/p?access_token=qsecret&page=2",
		"--data=envsecret-98765");
	char *log;

	LT_EXIT(r, 0);
	log = lt_audit_log();
	cr_assert(strstr(log, "\"x-api-key:***\""), "%s", log);
	cr_assert(strstr(log, "\"https://h.example/p?access_token=***&page=2\""), "%s", log);
	cr_assert(strstr(log, "\"--data=***\""), "%s", log);
	cr_assert(!strstr(log, "hdr-secret-1") && !strstr(log, "qsecret") &&
		  !strstr(log, "envsecret-98765"), "%s", log);
	cr_assert(strstr(log, "\"--token\",\"***\""), "%s", log);
	cr_assert(strstr(log, "\"--password=***\""), "%s", log);
	cr_assert(strstr(log, "\"https://***@git.example/x\""), "%s", log);
	cr_assert(strstr(log, "\"key=***\""), "%s", log);
	cr_assert(strstr(log, "\"GITHUB_TOKEN=***\""), "%s", log);
	cr_assert(!strstr(log, "tok-123456") && !strstr(log, "hunter2") &&
		  !strstr(log, "pw42") && !strstr(log, "abcdefghijklmnop") &&
		  !strstr(log, "zzzzzzzz"), "%s", log);
}

Test(audit, start_and_end_records_say_what_ran_under_what)
{
	struct lt_result r = LT_RUN("run", "--", "/bin/true");
	char *log = lt_audit_log();

	LT_EXIT(r, 0);
	cr_assert(strstr(log, "{\"seq\":1,\"time\":\""), "%s", log);
	cr_assert(strstr(log, "\"event\":\"start\",\"version\":\""), "%s", log);
	cr_assert(strstr(log, "\"command\":[\"/bin/true\"]"), "%s", log);
	/* the capability set and what the kernel enforces */
	cr_assert(strstr(log, "\"plan\":{\"profile\":\"default\""), "%s", log);
	cr_assert(strstr(log, "\"network\":{\"mode\":\"open\""), "%s", log);
	cr_assert(strstr(log, "\"kernel\":{\"release\":\""), "%s", log);
	cr_assert(strstr(log, "\"landlock_abi\":"), "%s", log);
	cr_assert(strstr(log, "\"enforced\":[\"filesystem"), "%s", log);
	cr_assert(strstr(log, "\"event\":\"end\",\"status\":0,\"allowed\":1,\"refused\":0,"
			      "\"net_allowed\":0,\"net_refused\":0,\"chain\":\""), "%s", log);
}

Test(audit, snapshots_and_restores_are_logged)
{
	char *p = lt_profile("snap", "extends: default\nsnapshots: true\n");
	struct lt_result r;
	char *log, *id, *at;

	lt_write(lt_path(lt.work, "f.txt"), "one\n");
	r = LT_RUN("run", "-p", p, "--", "sh", "-c", "echo two > f.txt");
	LT_EXIT(r, 0);
	log = lt_audit_log();
	at = strstr(log, "\"event\":\"snapshot\",\"trigger\":\"start\"");
	cr_assert(at, "%s", log);
	cr_assert(strstr(log, "\"event\":\"snapshot\",\"trigger\":\"end\""), "%s", log);
	at = strstr(at, "\"id\":\"");
	cr_assert_not_null(at);
	id = lt_fmt("%.*s", (int)strcspn(at + 6, "\""), at + 6);
	/* the end snapshot comes before the end record */
	cr_assert(strstr(log, "\"trigger\":\"end\"") < strstr(log, "\"event\":\"end\""), "%s", log);
	r = LT_RUN("rollback", "restore", id);
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.work, "f.txt"), "one\n");
	r = LT_RUN("audit", "export", "last", "--format", "jsonl");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "\"profile\":null", r);
	LT_CONTAINS(r.out, "\"command\":[\"latch\",\"rollback\",\"restore\",", r);
	LT_CONTAINS(r.out, "\"event\":\"snapshot\",\"trigger\":\"restore\"", r);
	LT_CONTAINS(r.out, lt_fmt("\"event\":\"restore\",\"id\":\"%s\"", id), r);
	LT_CONTAINS(r.out, "\"written\":1,", r);
	r = LT_RUN("audit", "verify");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "2 sessions: intact", r);
}

Test(audit, an_ask_is_logged_with_its_answer)
{
	char *p = lt_profile_with_rule("askp", "ask-touch", "touch", "ask", "confirm it");
	struct lt_result r = LT_RUN("run", "-p", p, "--", "sh", lt_script("touch f\n"));
	char *log = lt_audit_log();

	cr_assert(strstr(log, "\"decision\":\"ask\",\"rule\":\"ask-touch\""), "%s", log);
	cr_assert(strstr(log, "\"answer\":\"no terminal\""), "%s", log);
	r = LT_RUN("audit", "show", "last", "--only", "blocked");
	LT_CONTAINS(r.out, "ask-touch", r);
	LT_CONTAINS(r.out, "(answer: no terminal)", r);
}

Test(audit, network_decisions_are_logged)
{
	char *p = lt_profile("allowlist", "extends: default\nnetwork:\n  mode: allowlist\n"
				       "  allow: ['localhost:1']\n");
	struct lt_result r;
	char *log;

	if (!lt_exists("/usr/bin/curl"))
		cr_skip_test("needs curl");
	r = LT_RUN("run", "-p", p, "--", "sh", "-c",
		   "exec curl -sS -o /dev/null -w '%{http_code}' http://example.com/x?token=abc");
	LT_CONTAINS(r.out, "403", r);
	log = lt_audit_log();
	cr_assert(strstr(log, "\"event\":\"net\",\"kind\":\"http\",\"host\":\"example.com\",\"port\":80,"
			      "\"path\":\"/x\",\"decision\":\"deny\""), "%s", log);
	cr_assert(strstr(log, "\"net_refused\":1"), "%s", log);
	cr_assert(!strstr(log, "token=abc\","), "the query is not logged: %s", log);
	r = LT_RUN("audit", "show", "last", "--only", "net");
	LT_CONTAINS(r.out, "deny      http                    example.com:80/x", r);
	r = LT_RUN("audit", "list");
	LT_CONTAINS(r.out, "        1  sh -c", r);
}

Test(audit, show_list_tail_and_export_the_session)
{
	char *v = lt_victim();
	struct lt_result r = LT_RUN("run", "--allow", v, "--", "sh", "-c",
				    lt_fmt("rm -rf '%s'\n/bin/echo two\tlines", v));
	struct lt_result t = LT_RUN("audit", "tail");
	struct lt_result s = LT_RUN("audit", "show", "last", "--only", "blocked");
	struct lt_result l = LT_RUN("audit", "list");
	struct lt_result c = LT_RUN("audit", "export", "last", "--format", "csv");
	struct lt_result j = LT_RUN("audit", "list", "--json", "--since", "1h");
	struct lt_result old = LT_RUN("audit", "list", "--since", "2999-01-01");

	LT_EXIT(r, 126);
	LT_EXIT(t, 0);
	LT_CONTAINS(t.out, "TIME          PID      EVENT     RULE / KIND             WHAT\n", t);
	LT_CONTAINS(t.out, "start                             profile default, workdir ", t);
	LT_CONTAINS(t.out, "deny      rm-outside-roots        sh -c rm -rf", t);
	LT_CONTAINS(t.out, "end                               exit 126; execs: 0 allowed, 1 refused", t);
	/* one line per record: control characters escaped */
	LT_CONTAINS(t.out, lt_fmt("sh -c rm -rf '%s'\\n/bin/echo two\\tlines", v), t);
	LT_EXIT(s, 0);
	LT_CONTAINS(s.out, "rm-outside-roots", s);
	LT_LACKS(s.out, "start ", s); /* the refusal only */
	LT_LACKS(s.out, "exit 126", s);
	LT_EXIT(l, 0);
	LT_CONTAINS(l.out, "SESSION                   START (UTC)          DURATION  EXIT  BLOCKED  COMMAND\n", l);
	LT_CONTAINS(l.out, "   126        1  sh -c rm -rf", l);
	LT_EXIT(c, 0);
	LT_CONTAINS(c.out, "seq,time,event,pid,ppid,decision,rule,reason,answer,exe,cwd,command,", c);
	LT_CONTAINS(c.out, ",exec,", c);
	LT_CONTAINS(c.out, ",deny,rm-outside-roots,", c);
	LT_EXIT(j, 0);
	LT_CONTAINS(j.out, "\"state\":\t\"ended\"", j);
	LT_CONTAINS(j.out, "\"blocked\":\t1", j);
	LT_EXIT(old, 0);
	LT_LACKS(old.out, "sh -c", old);
}

/* The session's one directory, and its log's path. */
static char *session_log(char **id)
{
	char *dir = lt_path(lt.home, ".local/state/latch/sessions");
	DIR *d = opendir(dir);
	struct dirent *de;
	char *found = NULL;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			found = lt_fmt("%s", de->d_name);
	closedir(d);
	cr_assert_not_null(found);
	if (id)
		*id = found;
	return lt_path(dir, lt_fmt("%s/events.jsonl", found));
}

static char *ledger(void)
{
	return lt_path(lt.home, ".local/state/latch/ledger.jsonl");
}

/* The lines of a file, and the file rewritten from some of them. */
static size_t split(char *text, char **lines, size_t max)
{
	size_t n = 0;

	for (char *p = text, *nl; *p && n < max; p = nl + 1) {
		nl = strchr(p, '\n');
		cr_assert_not_null(nl);
		lines[n++] = lt_fmt("%.*s", (int)(nl - p + 1), p);
	}
	return n;
}

static void rewrite(const char *path, char **lines, const int *order, size_t n)
{
	char *text = lt_fmt("%s", "");

	for (size_t i = 0; i < n; i++)
		text = lt_fmt("%s%s", text, lines[order[i]]);
	lt_write(path, text);
}

/* verify of the one session, after `path` was changed: exit 1, `want` said. */
static void fails_with(const char *want)
{
	struct lt_result r = LT_RUN("audit", "verify");

	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, want, r);
}

Test(audit, verify_finds_each_kind_of_tampering)
{
	struct lt_result r = LT_RUN("run", "--", "sh", lt_script("/bin/echo one\n/bin/echo two\n"));
	char *id, *path = session_log(&id), *orig = lt_read(path), *orig_ledger = lt_read(ledger());
	char *lines[16], *edited;
	size_t n = split(lt_read(path), lines, 16);

	LT_EXIT(r, 0);
	cr_assert_eq(n, 5, "start, sh, echo, echo, end: %s", orig);
	r = LT_RUN("audit", "verify", "--all");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, lt_fmt("%s: intact, 5 records\n", id), r);
	LT_CONTAINS(r.out, "1 sessions: intact\n", r);

	/* one byte edited: "one" becomes "onE" */
	edited = lt_fmt("%s", orig);
	strstr(edited, "\"one\"")[3] = 'E';
	lt_write(path, edited);
	fails_with(lt_fmt("%s: FAILED at seq 3: seq 3 does not match its chain", id));
	/* one line deleted */
	rewrite(path, lines, (int[]){ 0, 1, 3, 4 }, 4);
	fails_with("FAILED at seq 3: seq 4 comes where seq 3 should: a record was removed");
	/* two lines swapped */
	rewrite(path, lines, (int[]){ 0, 2, 1, 3, 4 }, 5);
	fails_with("FAILED at seq 2: seq 3 comes where seq 2 should");
	/* truncated: the end record gone, or cut inside it */
	rewrite(path, lines, (int[]){ 0, 1, 2, 3 }, 4);
	fails_with("FAILED at seq 5: the log ends after seq 4, but the session was closed at seq 5");
	lt_write(path, lt_fmt("%.*s", (int)(strlen(orig) - 30), orig));
	fails_with("FAILED at seq 5: the log ends after seq 4, but the session was closed at seq 5");
	/* a record added after the close */
	lt_write(path, lt_fmt("%s%s", orig, lines[4]));
	fails_with("FAILED at seq 6: ");
	lt_write(path, orig);
	/* the session taken out of the ledger */
	{
		char *ll[8];
		size_t ln = split(lt_read(ledger()), ll, 8);

		cr_assert_eq(ln, 2, "%s", orig_ledger);
		lt_write(ledger(), ll[1]);
		r = LT_RUN("audit", "verify");
		LT_EXIT(r, 1);
		LT_CONTAINS(r.out, "ledger.jsonl: FAILED at seq 1: seq 2 comes where seq 1 should", r);
		lt_write(ledger(), "");
		fails_with(lt_fmt("%s: FAILED at seq 1: not in the ledger", id));
	}
	lt_write(ledger(), orig_ledger);
	/* the whole session deleted */
	cr_assert_eq(rename(lt_path(lt.home, lt_fmt(".local/state/latch/sessions/%s", id)),
			    lt_path(lt.root, "gone")), 0);
	fails_with(lt_fmt("%s: FAILED: the ledger has it (line 1) but its log is gone: deleted", id));
	cr_assert_eq(rename(lt_path(lt.root, "gone"),
			    lt_path(lt.home, lt_fmt(".local/state/latch/sessions/%s", id))), 0);
	r = LT_RUN("audit", "verify", id);
	LT_EXIT(r, 0);
}

Test(audit, a_foreign_or_unreadable_log_is_a_clear_error)
{
	struct lt_result r = LT_RUN("run", "--", "/bin/true");
	char *id, *path = session_log(&id);

	LT_EXIT(r, 0);
	lt_write(path, "PK\x03\x04 not a log\n");
	fails_with(lt_fmt("%s: FAILED at seq 1: line 1 is not a sealed latch record: not a latch audit log", id));
	cr_assert_eq(unlink(path), 0);
	lt_mkdir(path);
	r = LT_RUN("audit", "verify");
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, lt_fmt("%s: FAILED: its log cannot be read", id), r);
	LT_CONTAINS(r.err, "events.jsonl' is not a regular file", r);
	r = LT_RUN("audit", "show", "nosuch");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "latch audit: no session 'nosuch' in ", r);
}

/* kill -9 of latch loses no event written before it; verify names the
 * session as killed, not tampered with, also with a record cut short. */
Test(audit, kill_9_keeps_every_earlier_event, .timeout = 60)
{
	struct lt_proc p;
	struct lt_result r;
	char *script = lt_script("/bin/echo one\n/bin/echo two\nexec /bin/sleep 30\n");
	char *dir = lt_path(lt.home, ".local/state/latch/sessions"), *path = NULL, *id, *log;
	long deadline = lt_now_ms() + 8000;

	lt_spawn(&p, NULL, LT_ARGV("run", "--", "sh", script));
	while (lt_now_ms() < deadline) {
		DIR *d = opendir(dir);
		struct dirent *de;

		while (d && (de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				path = lt_path(dir, lt_fmt("%s/events.jsonl", de->d_name));
		if (d)
			closedir(d);
		if (path && (log = lt_read(path)) && strstr(log, "\"/bin/sleep\""))
			break;
		usleep(20000);
	}
	cr_assert(path && lt_read(path) && strstr(lt_read(path), "/bin/sleep"), "the sleep was not logged");
	kill(p.pid, SIGKILL);
	r = lt_wait(&p);
	cr_assert_eq(r.code, 128 + SIGKILL);
	session_log(&id);
	log = lt_read(path);
	cr_expect_eq(lt_count_lines(log, "\"chain\":\""), 5, "start, sh, echo, echo, sleep: %s", log);
	cr_expect(strstr(log, "\"event\":\"start\"") && strstr(log, "[\"/bin/echo\",\"one\"]") &&
		  strstr(log, "[\"/bin/echo\",\"two\"]"), "%s", log);
	r = LT_RUN("audit", "verify");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, lt_fmt("%s: not closed: its latch was killed; 5 records verify\n", id), r);
	r = LT_RUN("audit", "list");
	LT_CONTAINS(r.out, " killed  ", r);
	/* killed while writing a record: the rest still verifies */
	lt_write(path, lt_fmt("%s{\"seq\":6,\"time\":\"2026", log));
	r = LT_RUN("audit", "verify", "last");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "5 records verify, the one it was writing is cut short", r);
	r = LT_RUN("audit", "show", "last");
	LT_CONTAINS(r.err, "the last record is cut short (its latch was killed while writing it)", r);
	/* the next session's ledger lines still chain */
	r = LT_RUN("run", "--", "/bin/true");
	r = LT_RUN("audit", "verify");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "2 sessions: intact", r);
}

/* An Ed25519 key (openssl): the private key's path, the public key's. */
static void keypair(const char *name, char **priv, char **pub)
{
	if (!lt_exists("/usr/bin/openssl"))
		cr_skip_test("needs openssl");
	*priv = lt_path(lt.root, lt_fmt("%s.pem", name));
	*pub = lt_path(lt.root, lt_fmt("%s.pub.pem", name));
	cr_assert_eq(system(lt_fmt("openssl genpkey -algorithm ed25519 -out '%s' && "
				   "openssl pkey -in '%s' -pubout -out '%s'", *priv, *priv, *pub)), 0);
}

Test(audit, signed_sessions_verify_with_their_key_only, .timeout = 60)
{
	char *priv, *pub, *priv2, *pub2;
	struct lt_opts o = { .env = NULL };
	struct lt_result r;

	keypair("k1", &priv, &pub);
	keypair("k2", &priv2, &pub2);
	o.env = LT_ARGV(lt_fmt("LATCH_AUDIT_KEY=%s", priv));
	r = LT_RUN_O(&o, "run", "--", "/bin/true");
	LT_EXIT(r, 0);
	r = LT_RUN("audit", "verify", "last", "--key", pub);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, ": intact, ", r);
	LT_CONTAINS(r.out, ", signed by ", r);
	r = LT_RUN("audit", "verify", "last", "--key", pub2);
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "not by the key given", r);
	/* the signature edited in the ledger */
	{
		char *l = lt_read(ledger()), *sig = strstr(l, "\"sig\":\"");

		cr_assert_not_null(sig);
		sig[8] = sig[8] == 'a' ? 'b' : 'a';
		lt_write(ledger(), l);
		r = LT_RUN("audit", "verify", "last", "--key", pub);
		LT_EXIT(r, 1);
	}
	/* an unusable key stops the run */
	o.env = LT_ARGV(lt_fmt("LATCH_AUDIT_KEY=%s", pub));
	r = LT_RUN_O(&o, "run", "--", "/bin/true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "is not an unencrypted PEM private key", r);
	/* so does one the sandbox could read; and its path never reaches it */
	lt_copy(priv, lt_path(lt.work, "k.pem"), 0600);
	o.env = LT_ARGV(lt_fmt("LATCH_AUDIT_KEY=%s", lt_path(lt.work, "k.pem")));
	r = LT_RUN_O(&o, "run", "--", "/bin/true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "the sandbox could read the signing key", r);
	o.env = LT_ARGV(lt_fmt("LATCH_AUDIT_KEY=%s", priv));
	r = LT_RUN_O(&o, "run", "--", "sh", "-c", "echo key=${LATCH_AUDIT_KEY:-unset}");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "key=unset", r);
}

/* Deleting a signed session from the middle of the ledger, even with the
 * ledger's chain recomputed, breaks the signatures closed after it. */
Test(audit, a_signature_binds_the_session_to_its_place_in_the_ledger, .timeout = 60)
{
	static const char rechain[] =
		"import hashlib, sys\n"
		"lines = [l for l in open(sys.argv[1]) if sys.argv[2] not in l]\n"
		"h = hashlib.sha256(b'latch-audit-v1\\nledger').hexdigest()\n"
		"out = []\n"
		"for i, l in enumerate(lines, 1):\n"
		"    rec = l[:l.rindex(',\"chain\":')] + '}'\n"
		"    rec = '{\"seq\":%d,' % i + rec[rec.index(',') + 1:]\n"
		"    h = hashlib.sha256((h + rec).encode()).hexdigest()\n"
		"    out.append(rec[:-1] + ',\"chain\":\"' + h + '\"}\\n')\n"
		"open(sys.argv[1], 'w').write(''.join(out))\n";
	char *priv, *pub, *dir = lt_path(lt.home, ".local/state/latch/sessions"), *middle = NULL;
	struct lt_opts o = { .env = NULL };
	struct lt_result r;

	if (!lt_exists("/usr/bin/python3"))
		cr_skip_test("needs python3");
	keypair("k1", &priv, &pub);
	o.env = LT_ARGV(lt_fmt("LATCH_AUDIT_KEY=%s", priv));
	for (int i = 0; i < 3; i++) {
		r = LT_RUN_O(&o, "run", "--", "/bin/true");
		LT_EXIT(r, 0);
		if (i == 1) {
			DIR *d = opendir(dir);
			struct dirent *de;

			while ((de = readdir(d)) != NULL)
				if (de->d_name[0] != '.' && (middle == NULL || strcmp(de->d_name, middle) > 0))
					middle = lt_fmt("%s", de->d_name);
			closedir(d);
		}
		usleep(1100000); /* session ids are per second and pid */
	}
	r = LT_RUN("audit", "verify", "--key", pub);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "3 sessions: intact", r);
	lt_write(lt_path(lt.root, "rechain.py"), rechain);
	cr_assert_eq(system(lt_fmt("rm -r '%s/%s' && python3 '%s' '%s' '%s'", dir, middle,
				   lt_path(lt.root, "rechain.py"), ledger(), middle)), 0);
	r = LT_RUN("audit", "verify");
	LT_EXIT(r, 0); /* without the key, a recomputed chain holds: the documented limit */
	r = LT_RUN("audit", "verify", "--key", pub);
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "its signature does not verify", r);
}

/* A FIFO where a log should be does not hang the readers. */
Test(audit, a_fifo_in_place_of_a_log_is_refused_not_waited_for)
{
	struct lt_result r = LT_RUN("run", "--", "/bin/true");
	char *path = session_log(NULL);

	LT_EXIT(r, 0);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(mkfifo(path, 0600), 0);
	r = LT_RUN("audit", "list");
	LT_CONTAINS(r.err, "is not a regular file", r);
	r = LT_RUN("audit", "verify");
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "FAILED: its log cannot be read", r);
}

/* A 1M-record log, chained by an independent implementation of the format
 * (python's hashlib), verifies; one edited record near its end is found. */
Test(audit, a_million_records_verify, .timeout = 180)
{
	static const char gen[] =
		"import hashlib, sys\n"
		"state, sid, n = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
		"def seal(head, rec):\n"
		"    head = hashlib.sha256((head + rec).encode()).hexdigest()\n"
		"    return head, rec[:-1] + ',\"chain\":\"' + head + '\"}\\n'\n"
		"head = hashlib.sha256(b'latch-audit-v1\\n' + sid.encode()).hexdigest()\n"
		"import os; os.makedirs(state + '/sessions/' + sid)\n"
		"with open(state + '/sessions/' + sid + '/events.jsonl', 'w') as f:\n"
		"    for i in range(1, n + 1):\n"
		"        rec = '{\"seq\":%d,\"time\":\"2026-11-29T00:00:00.000Z\",\"event\":\"exec\",\"pid\":%d,\"argv\":[\"make\",\"-j2\",\"t%d\"],\"decision\":\"allow\"}' % (i, 1000 + i % 30000, i)\n"
		"        head, line = seal(head, rec)\n"
		"        f.write(line)\n"
		"lh = hashlib.sha256(b'latch-audit-v1\\nledger').hexdigest()\n"
		"with open(state + '/ledger.jsonl', 'w') as f:\n"
		"    lh, line = seal(lh, '{\"seq\":1,\"time\":\"t\",\"event\":\"begin\",\"session\":\"%s\"}' % sid)\n"
		"    f.write(line)\n"
		"    lh, line = seal(lh, '{\"seq\":2,\"time\":\"t\",\"event\":\"end\",\"session\":\"%s\",\"records\":%d,\"head\":\"%s\"}' % (sid, n, head))\n"
		"    f.write(line)\n";
	char *state = lt_path(lt.home, ".local/state/latch"), *path;
	const char *sid = "20261129T000000Z-4242";
	struct lt_result r;
	struct lt_opts o = { .timeout_ms = 150000 };

	if (!lt_exists("/usr/bin/python3"))
		cr_skip_test("needs python3");
	lt_mkdir(state);
	/* outside any sandbox: latch's state dir is hidden from all of them */
	lt_write(lt_path(lt.root, "gen.py"), gen);
	cr_assert_eq(system(lt_fmt("python3 '%s' '%s' %s 1000000", lt_path(lt.root, "gen.py"),
				   state, sid)), 0);
	r = LT_RUN_O(&o, "audit", "verify");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, lt_fmt("%s: intact, 1000000 records\n", sid), r);
	/* one byte of record 999999 */
	path = lt_path(state, lt_fmt("sessions/%s/events.jsonl", sid));
	{
		int fd = open(path, O_RDWR);
		struct stat st;
		char c = 'X';

		cr_assert(fd >= 0 && fstat(fd, &st) == 0);
		cr_assert_eq(pwrite(fd, &c, 1, st.st_size - 300), 1);
		close(fd);
	}
	r = LT_RUN_O(&o, "audit", "verify", sid);
	LT_EXIT(r, 1);
	LT_CONTAINS(r.out, "FAILED at seq 999999: seq 999999 does not match its chain", r);
}

Test(audit, the_sandbox_cannot_read_or_write_the_logs)
{
	struct lt_result r = LT_RUN("run", "--allow", lt.home, "--", "sh", "-c",
		"ls ~/.local/state/latch/sessions; echo x >> ~/.local/state/latch/sessions/y; echo end");

	LT_CONTAINS(r.out, "end", r);
	LT_LACKS(r.out, "events.jsonl", r);
	cr_assert(!lt_exists(lt_path(lt.home, ".local/state/latch/sessions/y")));
}

/* Dropping snapshots is in the trail too. */
Test(audit, a_prune_is_a_session_of_its_own)
{
	char *p = lt_profile("snap", "extends: default\nsnapshots: true\n");
	struct lt_result r = LT_RUN("run", "-p", p, "--", "/bin/true");

	LT_EXIT(r, 0);
	r = LT_RUN("rollback", "prune", "--keep", "1");
	LT_EXIT(r, 0);
	r = LT_RUN("audit", "export", "last", "--format", "jsonl");
	LT_CONTAINS(r.out, "\"command\":[\"latch\",\"rollback\",\"prune\",\"--keep\",\"1\"]", r);
	LT_CONTAINS(r.out, "\"event\":\"prune\",\"snapshots\":", r);
	r = LT_RUN("audit", "verify");
	LT_EXIT(r, 0);
}

/* A full disk under the logs fails the session closed: once a record
 * cannot be written, nothing more runs. Root only: it mounts a 64 KB
 * tmpfs as the sessions directory. */
Test(audit, a_log_that_cannot_be_written_stops_the_session, .timeout = 60)
{
	char *dir = lt_path(lt.home, ".local/state/latch/sessions");
	struct lt_result r;

	if (geteuid() != 0)
		cr_skip_test("mounting a small filesystem needs root");
	lt_mkdir(dir);
	cr_assert_eq(mount("latch-full", dir, "tmpfs", 0, "size=64k,mode=0700"), 0, "mount: %m");
	r = LT_RUN("run", "--", "sh", lt_script("i=0\nwhile [ $i -lt 400 ]; do /bin/true || break; i=$((i+1)); done\n"
						 "echo stopped at $i\n"));
	umount2(dir, MNT_DETACH);
	LT_CONTAINS(r.err, "latch: audit: cannot write", r);
	LT_CONTAINS(r.err, "latch's audit log cannot be written", r);
	LT_LACKS(r.out, "stopped at 400", r);
	LT_CONTAINS(r.out, "stopped at ", r);
}

/* `last` is the session that started last, also when two started in the
 * same second and their pids have different numbers of digits (as text,
 * -1000 sorts before -999). */
Test(audit, last_is_the_newest_session_within_one_second)
{
	char *dir = lt_path(lt.home, ".local/state/latch/sessions");
	struct lt_result r = LT_RUN("run", "--", "echo", "first");

	LT_EXIT(r, 0);
	cr_assert_eq(system(lt_fmt("cd '%s' && mv * 20261129T000000Z-999", dir)), 0);
	r = LT_RUN("run", "--", "echo", "second");
	LT_EXIT(r, 0);
	cr_assert_eq(system(lt_fmt("cd '%s' && for d in *; do [ \"$d\" = 20261129T000000Z-999 ] || "
				   "mv \"$d\" 20261129T000000Z-1000; done", dir)), 0);
	r = LT_RUN("audit", "export", "last", "--format", "jsonl");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "\"command\":[\"echo\",\"second\"]", r);
}
