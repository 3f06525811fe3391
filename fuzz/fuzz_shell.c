/* fuzz_shell.c — libFuzzer target for the shell tokenizer (rules/shell.c),
 * which reads `sh -c` scripts an agent writes. The input is the script;
 * every command it yields must be a NUL-terminated argv with a cwd, and the
 * whole of it must be freed (leaks fail the run). The same script is then
 * judged through the engine by the shipped packs, as `sh -c SCRIPT x y`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../rules/impl.h"
#include "shipped.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pos[] = { "sh", "one", "two" };
	static const struct rules_roots roots = { .workdir = "/home/u/proj", .home = "/home/u" };
	char *script = malloc(size + 1);
	struct sh_script sc;
	const char *argv[5] = { "sh", "-c", NULL, "x", "y" };

	if (script == NULL)
		return 0;
	memcpy(script, data, size);
	script[size] = '\0';
	shell_parse(script, "/home/u/proj", "/home/u", pos, 3, &sc);
	for (size_t i = 0; i < sc.n; i++) {
		if (sc.v[i].cwd == NULL || sc.v[i].cwd[0] != '/')
			abort();
		for (size_t k = 0; k < sc.v[i].argv.n; k++)
			if (sc.v[i].argv.v[k] == NULL)
				abort();
	}
	shell_free(&sc);
	argv[2] = script;
	(void)rules_decide(fuzz_shipped_packs(), argv, 5, NULL, &roots);
	free(script);
	return 0;
}
