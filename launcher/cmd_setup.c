/* cmd_setup.c — `latch setup --check`: what this machine can enforce. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/features.h"
#include "cmd.h"

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

static void text(const struct features *f, bool ok)
{
	printf("kernel            %s\n", f->kernel);
	if (f->landlock_abi > 0)
		printf("landlock          ABI %d\n", f->landlock_abi);
	else
		printf("landlock          not available\n");
	for (int abi = 1; abi <= 6; abi++)
		printf("  %-3s %s\n", f->landlock_abi >= abi ? "ok" : "--",
		       features_ll_name(abi));
	printf("seccomp           filter: %s, user notification: %s\n",
	       yes(f->seccomp_filter), yes(f->seccomp_user_notif));
	printf("user namespaces   %s%s\n", yes(f->userns),
	       f->is_root ? " (not needed: running as root)"
			  : " (needed to hide denied paths inside grants)");
	printf("running as        %s\n",
	       f->is_root ? "root: every capability is dropped inside the sandbox"
			  : "an ordinary user");
	printf("\n%s\n", ok ? "latch can enforce its profiles on this machine."
			    : "latch will refuse to run profiles here unless --best-effort is given.");
	puts("exec interposition: every exec is judged by the shipped rule packs (seccomp user notification).");
	puts("not yet in this version: exec identity checks, ask prompts, network allowlist.");
}

int cmd_setup(int argc, char **argv)
{
	struct features f;
	bool json = false, check = false, ok;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--check"))
			check = true;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout, "setup");
		else {
			fprintf(stderr, "latch setup: unknown argument '%s' (usage: latch setup --check [--json])\n",
				argv[i]);
			return EXIT_LATCH;
		}
	}
	if (!check) {
		fprintf(stderr, "latch setup: only --check is available (usage: latch setup --check [--json])\n");
		return EXIT_LATCH;
	}
	features_probe(&f);
	ok = f.landlock_abi >= 6 && (f.is_root || f.userns);
	if (json) {
		cJSON *o = cJSON_CreateObject();
		char *s;

		cJSON_AddStringToObject(o, "kernel", f.kernel);
		cJSON_AddNumberToObject(o, "landlock_abi", f.landlock_abi);
		cJSON_AddBoolToObject(o, "seccomp_filter", f.seccomp_filter);
		cJSON_AddBoolToObject(o, "seccomp_user_notif", f.seccomp_user_notif);
		cJSON_AddBoolToObject(o, "user_namespaces", f.userns);
		cJSON_AddBoolToObject(o, "root", f.is_root);
		cJSON_AddBoolToObject(o, "fully_enforced", ok);
		s = cJSON_Print(o);
		printf("%s\n", s ? s : "{}");
		free(s);
		cJSON_Delete(o);
	} else {
		text(&f, ok);
	}
	return ok ? 0 : 1;
}
