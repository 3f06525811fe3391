/* cmd_audit.c — `latch audit list|tail`: the sessions' audit logs
 * (audit/log.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/strv.h"
#include "../common/xalloc.h"
#include "cmd.h"
#include "opts.h"
#include "../common/dirnames.h"
#include "plan.h"

#define FOLLOW_MS 100

/* Session ids, oldest first. */
static void sessions(const char *dir, struct strv *ids)
{
	(void)dir_names(dir, "", false, ids);
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void print_words(const cJSON *a)
{
	const cJSON *w;
	bool first = true;

	cJSON_ArrayForEach(w, a) {
		if (!first)
			putchar(' ');
		fput_word(stdout, cJSON_IsString(w) ? w->valuestring : "?");
		first = false;
	}
}

/* One record, readable. True for the session's end. */
static bool print_record(const cJSON *o)
{
	const char *ev = str(o, "event"), *t = str(o, "time");
	const char *clock = t && strlen(t) > 11 ? t + 11 : "?";

	if (ev && strcmp(ev, "start") == 0) {
		printf("%s  start   profile %s, workdir %s%s: ", clock,
		       str(o, "profile") ? str(o, "profile") : "?",
		       str(o, "workdir") ? str(o, "workdir") : "?",
		       cJSON_IsTrue(cJSON_GetObjectItem(o, "monitor")) ? ", monitor" : "");
		print_words(cJSON_GetObjectItem(o, "command"));
	} else if (ev && strcmp(ev, "exec") == 0) {
		const char *rule = str(o, "rule");
		bool enforced = !cJSON_IsFalse(cJSON_GetObjectItem(o, "enforced"));

		printf("%s  %-7s %-6.0f %-22s ", clock,
		       str(o, "decision") ? str(o, "decision") : "?",
		       num(o, "pid"), rule ? rule : (str(o, "reason") ? "(refused)" : "-"));
		print_words(cJSON_GetObjectItem(o, "argv"));
		if (!enforced)
			printf("  (monitor: not enforced)");
	} else if (ev && strcmp(ev, "end") == 0) {
		printf("%s  end     exit %.0f, %.0f execs allowed, %.0f refused",
		       clock, num(o, "status"), num(o, "allowed"),
		       num(o, "refused"));
	} else {
		printf("%s  %s", clock, ev ? ev : "?");
	}
	putchar('\n');
	return ev && strcmp(ev, "end") == 0;
}

/* Print the log from the start, then follow it until the session ends. */
static int tail(const char *path, bool json)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	bool ended = false;
	struct timespec pause = { 0, FOLLOW_MS * 1000000L };

	if (f == NULL) {
		fprintf(stderr, "latch audit: cannot open '%s': %m\n", path);
		return EXIT_LATCH;
	}
	while (!ended) {
		ssize_t n = getline(&line, &cap, f);
		cJSON *o;

		if (n <= 0 || line[n - 1] != '\n') {
			/* at the end (or mid-line): wait for more */
			if (n > 0)
				fseek(f, -n, SEEK_CUR);
			clearerr(f);
			fflush(stdout);
			nanosleep(&pause, NULL);
			continue;
		}
		o = cJSON_Parse(line);
		if (o == NULL) {
			fprintf(stderr, "latch audit: %s: a line is not JSON\n", path);
			continue;
		}
		ended = cJSON_IsString(cJSON_GetObjectItem(o, "event")) &&
			strcmp(str(o, "event"), "end") == 0;
		if (json)
			fputs(line, stdout);
		else
			print_record(o);
		cJSON_Delete(o);
	}
	free(line);
	fclose(f);
	return 0;
}

static int list(const char *dir, const struct strv *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		printf("%s  %s/%s/events.jsonl\n", ids->v[i], dir, ids->v[i]);
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	struct opts o;
	struct strv ids = { 0 };
	char *state, *dir;
	int rc = EXIT_LATCH;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout, "audit");
		return argc < 2 ? EXIT_LATCH : 0;
	}
	if (opts_parse(&o, argc - 1, argv + 1, OPT_JSON | OPT_ANYWHERE) < 0) {
		opts_free(&o);
		return EXIT_LATCH;
	}
	state = plan_state_dir();
	dir = xasprintf("%s/sessions", state);
	sessions(dir, &ids);
	if (o.help) {
		usage(stdout, "audit");
		rc = 0;
	} else if (!strcmp(argv[1], "list") && o.n_rest == 0) {
		rc = list(dir, &ids);
	} else if (!strcmp(argv[1], "tail") && o.n_rest <= 1) {
		const char *id = o.n_rest ? o.rest[0] : ids.n ? ids.v[ids.n - 1] : NULL;

		if (id == NULL) {
			fprintf(stderr, "latch audit: no session yet in '%s'\n", dir);
		} else if (strchr(id, '/') || !strv_contains(&ids, id)) {
			fprintf(stderr, "latch audit: no session '%s' in '%s' (see 'latch audit list')\n",
				id, dir);
		} else {
			char *path = xasprintf("%s/%s/events.jsonl", dir, id);

			rc = tail(path, o.json);
			free(path);
		}
	} else {
		fprintf(stderr, "latch audit: expected 'list' or 'tail [ID]' (see 'latch audit --help')\n");
	}
	strv_free(&ids);
	free(dir);
	free(state);
	opts_free(&o);
	return rc;
}
