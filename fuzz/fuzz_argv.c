/* fuzz_argv.c — libFuzzer target for latch's command-line parsing.
 *
 * The input is split on NUL bytes into an argv (at most 64 words) and given
 * to opts_parse() with the option sets of `run`, `why` and `profile`; every
 * path option is then expanded with the profile variables, as plan.c does.
 * Checks: parsing never reads outside argv, operands stay inside argv. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/redact.h"
#include "../launcher/opts.h"
#include "../policy/vars.h"

#define MAX_WORDS 64

static void expand_all(const struct strv *sv, const struct vars *vs)
{
	for (size_t i = 0; i < sv->n; i++) {
		struct err e;
		char *x = vars_expand(vs, sv->v[i], &e);

		free(x);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sets[] = {
		OPT_GRANTS | OPT_RUN | OPT_JSON,
		OPT_GRANTS | OPT_WHY | OPT_JSON,
		OPT_JSON | OPT_ANYWHERE,
	};
	const struct vars vs = { .home = "/home/fuzz", .workdir = "/home/fuzz/w",
				 .uid = "1000" };
	char *buf = malloc(size + 1);
	char *argv[MAX_WORDS + 2];

	if (buf == NULL)
		return 0;
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		int argc = 0;
		struct opts o;

		memcpy(buf, data, size);
		buf[size] = '\0';
		argv[argc++] = (char *)"run";
		for (char *p = buf; p < buf + size && argc <= MAX_WORDS;
		     p += strlen(p) + 1)
			argv[argc++] = p;
		argv[argc] = NULL;
		for (int i = 1; s == 0 && i < argc; i++) {
			char *r = redact_word(i > 1 ? argv[i - 1] : NULL, argv[i], NULL);

			/* a mask (3 bytes) may replace one byte, once per query
			 * parameter: bounded growth */
			if (r && strlen(r) > 3 * strlen(argv[i]) + 3)
				abort();
			free(r);
		}
		if (opts_parse(&o, argc, argv, sets[s]) == 0) {
			if (o.n_rest < 0 || o.rest < argv || o.rest + o.n_rest > argv + argc)
				abort();
			expand_all(&o.cli.allow, &vs);
			expand_all(&o.cli.read, &vs);
			expand_all(&o.cli.deny, &vs);
		}
		opts_free(&o);
	}
	free(buf);
	return 0;
}
