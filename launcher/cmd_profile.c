/* cmd_profile.c — `latch profile list | show | validate`. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"
#include "packs.h"
#include "plan.h"
#include "report.h"
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

static int show(const struct opts *o, const char *name)
{
	struct plan pl;
	struct err e;
	int rc = EXIT_LATCH;

	if (plan_build(&pl, name, o->workdir, NULL, &e) < 0) {
		die_msg(e.msg);
	} else {
		struct report r = { .cs = &pl.cs };

		if (o->json)
			report_json(stdout, &r);
		else
			report_text(stdout, &r);
		rc = 0;
	}
	plan_free(&pl);
	return rc;
}

/* The profile's rule packs load: names, files and disabled ids exist. */
static int rule_packs_load(const struct capset *cs, struct err *e)
{
	struct rules *r = rules_new();
	int rc;

	rules_skip_examples(r);
	rc = packs_load_shipped(r, e) < 0 || packs_apply(&r, cs, false, e) < 0
		     ? -1 : 0;
	rules_free(r);
	return rc;
}

/* A file is valid when it parses and its whole chain builds here. */
static int validate(int n, char **files)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		struct plan pl;
		struct err e;

		if (plan_build(&pl, files[i], NULL, NULL, &e) < 0 ||
		    rule_packs_load(&pl.cs, &e) < 0) {
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
	if (opts_parse(&o, argc - 1, argv + 1, OPT_JSON | OPT_ANYWHERE) < 0) {
		opts_free(&o);
		return EXIT_LATCH;
	}
	if (o.help) {
		usage(stdout, "profile");
		rc = 0;
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
