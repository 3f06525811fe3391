/* cmd_profile.c — `latch profile list | show | validate`. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/seatbelt.h"
#include "cmd.h"
#include "opts.h"
#include "packs.h"
#include "plan.h"
#include "report.h"
#include "shims.h"
#include "store.h"

static char *describe(const char *name, const char *config_dir)
{
	struct loaded l;
	struct err e;
	char *d = NULL;

	if (store_load(name, config_dir, &l, &e) < 0)
		return strdup("(invalid: run 'latch profile show' for the error)");
	if (l.chain[l.n_chain - 1]->description)
		d = strdup(l.chain[l.n_chain - 1]->description);
	store_free(&l);
	return d;
}

static int list(bool json)
{
	struct strv names = { 0 }, origins = { 0 };
	char *dir = plan_user_config_dir();
	cJSON *arr = json ? cJSON_CreateArray() : NULL;

	store_list(dir, &names, &origins);
	for (size_t i = 0; i < names.n; i++) {
		char *d = describe(names.v[i], dir);

		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", names.v[i]);
			cJSON_AddStringToObject(o, "origin", origins.v[i]);
			cJSON_AddStringToObject(o, "description", d ? d : "");
			cJSON_AddItemToArray(arr, o);
		} else {
			printf("%-14s %-8s %s\n", names.v[i], origins.v[i],
			       d ? d : "");
		}
		free(d);
	}
	if (json) {
		char *text = cJSON_Print(arr);

		printf("%s\n", text ? text : "[]");
		free(text);
		cJSON_Delete(arr);
	}
	free(dir);
	strv_free(&names);
	strv_free(&origins);
	return 0;
}

/* The profile's rule packs loaded (names, files and disabled ids exist),
 * without examples; NULL with `e` set. */
static struct rules *rule_packs_load(const struct capset *cs, struct err *e)
{
	struct rules *r = rules_new();

	rules_skip_examples(r);
	if (packs_load_shipped(r, e) < 0 || packs_apply(&r, cs, false, e) < 0) {
		rules_free(r);
		return NULL;
	}
	return r;
}

/* The Seatbelt profile `latch run` would apply on macOS, the proxy's port
 * left to the SBPL_PROXY_PARAM parameter. */
static int show_sbpl(const struct plan *pl, struct err *e)
{
	struct strv refused = { 0 };
	struct rules *r = rule_packs_load(&pl->cs, e);
	char *shims, *text;
	int rc;

	if (r == NULL)
		return -1;
	rules_always_denied(r, &refused);
	shims = shims_mount_point(plan_runtime_dir(), plan_tmp_dir());
	text = sbpl_generate(&(struct sbpl_spec){
				     .cs = &pl->cs, .shims = shims,
				     .refused = &refused,
				     .version = LATCH_VERSION,
			     },
			     e);
	rc = text ? 0 : -1;
	if (text)
		fputs(text, stdout);
	free(text);
	free(shims);
	strv_free(&refused);
	rules_free(r);
	return rc;
}

static int show(const struct opts *o, const char *name)
{
	const char *format = o->format ? o->format : o->json ? "json" : "text";
	struct plan pl;
	struct err e;
	int rc = EXIT_LATCH;

	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "sbpl")) {
		fprintf(stderr, "latch profile show: --format must be text, json or sbpl, not '%s'\n",
			format);
		return EXIT_LATCH;
	}
	if (o->json && strcmp(format, "json")) {
		fprintf(stderr, "latch profile show: --json and --format %s disagree (use one)\n",
			format);
		return EXIT_LATCH;
	}
	if (plan_build(&pl, name, o->workdir, NULL, &e) < 0) {
		die_msg(e.msg);
	} else if (!strcmp(format, "sbpl")) {
		if (show_sbpl(&pl, &e) == 0)
			rc = 0;
		else
			die_msg(e.msg);
	} else {
		struct report r = { .cs = &pl.cs };

		if (!strcmp(format, "json"))
			report_json(stdout, &r);
		else
			report_text(stdout, &r);
		rc = 0;
	}
	plan_free(&pl);
	return rc;
}

/* A file is valid when it parses and its whole chain builds here. */
static int validate(int n, char **files)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		struct plan pl;
		struct err e;
		struct rules *r = NULL;

		if (plan_build(&pl, files[i], NULL, NULL, &e) < 0 ||
		    (r = rule_packs_load(&pl.cs, &e)) == NULL) {
			fprintf(stderr, "latch: %s\n", e.msg);
			bad++;
		} else {
			printf("%s: valid", files[i]);
			if (pl.cs.warnings.n)
				printf(" (%zu warning%s here)", pl.cs.warnings.n,
				       pl.cs.warnings.n == 1 ? "" : "s");
			putchar('\n');
			for (size_t k = 0; k < pl.cs.warnings.n; k++)
				printf("  warning: %s\n", pl.cs.warnings.v[k]);
		}
		rules_free(r);
		plan_free(&pl);
	}
	return bad ? 1 : 0;
}

int cmd_profile(int argc, char **argv)
{
	struct opts o;
	const char *sub;
	int rc = EXIT_LATCH;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout, "profile");
		return argc < 2 ? EXIT_LATCH : 0;
	}
	sub = argv[1];
	if (opts_parse(&o, argc - 1, argv + 1,
		       OPT_JSON | OPT_FORMAT | OPT_ANYWHERE) < 0) {
		opts_free(&o);
		return EXIT_LATCH;
	}
	if (o.help) {
		usage(stdout, "profile");
		rc = 0;
	} else if (o.format && strcmp(sub, "show")) {
		fprintf(stderr, "latch profile %s: --format is for 'profile show' only\n",
			sub);
	} else if (!strcmp(sub, "list") && o.n_rest == 0) {
		rc = list(o.json);
	} else if (!strcmp(sub, "show") && o.n_rest == 1) {
		rc = show(&o, o.rest[0]);
	} else if (!strcmp(sub, "validate") && o.n_rest >= 1) {
		rc = validate(o.n_rest, o.rest);
	} else {
		fprintf(stderr, "latch profile: expected 'list', 'show NAME' or 'validate FILE...' (see 'latch profile --help')\n");
	}
	opts_free(&o);
	return rc;
}
