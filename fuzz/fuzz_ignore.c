/* fuzz_ignore.c — libFuzzer target for the .gitignore reader
 * (rollback/ignore.c): the workspace's .gitignore files are the agent's to
 * write, and the snapshot walk reads them. The input up to the first NUL
 * is a .gitignore; what follows is a path, matched as a file and as a
 * directory, with fixed paths and every pattern as a glob. Everything must
 * be freed (leaks fail the run), and no input may take long. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../rollback/ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "a", "a/b", "x.log", "src/build",
					     "deep/er/file.txt" };
	char *text = malloc(size + 1);
	const char *path;
	struct ignores ig = { 0 };

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	path = text + strlen(text) + (strlen(text) < size);
	ignores_push(&ig, "", text);
	ignores_push(&ig, "a", text);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		(void)ignored(&ig, paths[i], i % 2);
	(void)ignored(&ig, path, false);
	(void)ignored(&ig, path, true);
	(void)ignore_glob(text, path);
	ignores_free(&ig);
	free(text);
	return 0;
}
