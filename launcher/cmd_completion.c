/* cmd_completion.c — `latch completion bash|zsh` prints the shipped script. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "datadir.h"

int cmd_completion(int argc, char **argv)
{
	const char *file;
	char path[4096];
	char buf[4096];
	size_t n;
	FILE *f;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(stdout, "completion");
	if (argc != 2 || (strcmp(argv[1], "bash") && strcmp(argv[1], "zsh"))) {
		fprintf(stderr, "latch completion: usage: latch completion bash|zsh\n");
		return EXIT_LATCH;
	}
	file = strcmp(argv[1], "bash") == 0 ? "latch.bash" : "_latch";
	if (datadir() == NULL) {
		fprintf(stderr, "latch completion: latch's data directory was not found\n");
		return EXIT_LATCH;
	}
	snprintf(path, sizeof(path), "%s/completions/%s", datadir(), file);
	f = fopen(path, "re");
	if (f == NULL) {
		fprintf(stderr, "latch completion: cannot open %s\n", path);
		return EXIT_LATCH;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}
