/* fuzz_oneliner.c — libFuzzer target for the one-liner reader
 * (rules/oneliner.c), which reads the code an agent hands to python -c,
 * perl -e, ruby -e, node -e, php -r and awk. The first byte picks the
 * language, the rest is the code. Every item must be a script or a
 * NUL-free argv of at least one word, and everything must be freed (leaks
 * fail the run). The same code is then judged through the engine by the
 * shipped packs, as that interpreter's one-liner. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../rules/impl.h"
#include "shipped.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cmd[][2] = {
		{ "python3", "-c" }, { "perl", "-e" }, { "ruby", "-e" },
		{ "node", "-e" }, { "php", "-r" }, { "awk", "--" },
	};
	static const struct rules_roots roots = { .workdir = "/home/u/proj", .home = "/home/u" };
	struct oneliner o;
	const char *argv[3];
	size_t l;
	char *code;

	if (size == 0)
		return 0;
	l = data[0] % 6;
	code = malloc(size);
	if (code == NULL)
		return 0;
	memcpy(code, data + 1, size - 1);
	code[size - 1] = '\0';
	oneliner_parse((enum lang)(LANG_PYTHON + l), code, "/home/u", &o);
	for (size_t i = 0; i < o.n; i++)
		if (o.v[i].script == NULL &&
		    (o.v[i].argv.n == 0 || o.v[i].argv.v[0] == NULL))
			abort();
	oneliner_free(&o);
	argv[0] = cmd[l][0];
	argv[1] = cmd[l][1];
	argv[2] = code;
	(void)rules_decide(fuzz_shipped_packs(), argv, 3, NULL, &roots);
	free(code);
	return 0;
}
