/* fuzz_pack.c — libFuzzer target for the rule-pack parser and the decision.
 *
 * The input is parsed as a pack; when it loads, a few fixed execs (and the
 * pack's own examples) are decided against it. Checks: a failed load always
 * says why, a decision always names a known action. */
#include <stdint.h>
#include <stdlib.h>

#include "../rules/rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const execs[][5] = {
		{ "rm", "-rf", "/", NULL },
		{ "rm", "-fr", "--", "../x", NULL },
		{ "git", "-C", "x", "push", "-f" },
		{ "dd", "if=/dev/zero", "of=/dev/sda", NULL },
		{ "chmod", "-R", "777", "/etc", NULL },
	};
	const struct rules_roots roots = { .workdir = "/home/u/proj",
					   .home = "/home/u" };
	struct rules *r = rules_new();
	struct err e = { .msg = "" };

	if (rules_load(r, (const char *)data, size, "fuzz.yaml", &e) < 0) {
		if (e.msg[0] == '\0')
			abort(); /* every refusal must say why */
	} else {
		for (size_t i = 0; i < sizeof(execs) / sizeof(execs[0]); i++) {
			size_t argc = 0;
			struct decision d;

			while (argc < 5 && execs[i][argc])
				argc++;
			d = rules_decide(r, execs[i], argc, "/home/u/proj/src",
					 &roots);
			if (action_name(d.action) == NULL)
				abort();
		}
	}
	rules_free(r);
	return 0;
}
