/* main.c — latch: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "../policy/suggest.h"
#include "cmd.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{ "run", cmd_run },         { "shell", cmd_shell },
	{ "why", cmd_why },         { "profile", cmd_profile },
	{ "setup", cmd_setup },     { "completion", cmd_completion },
	{ "check", cmd_check },     { "rules", cmd_rules },
	{ "audit", cmd_audit },
	{ "snapshot", cmd_snapshot },
	{ "rollback", cmd_rollback },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int help(int argc, char **argv)
{
	if (argc < 2)
		return usage(stdout, NULL);
	if (usage(stdout, argv[1]) < 0) {
		fprintf(stderr, "latch help: no command '%s'\n", argv[1]);
		return EXIT_LATCH;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *names[N_COMMANDS + 1];
	const char *guess;

	if (argc < 2) {
		usage(stderr, NULL);
		return EXIT_LATCH;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout, NULL);
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("latch %s\n", LATCH_VERSION);
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
		names[i] = commands[i].name;
	}
	names[N_COMMANDS] = "help";
	guess = suggest(argv[1], names, N_COMMANDS + 1);
	fprintf(stderr, "latch: unknown command '%s'%s%s%s (see 'latch --help')\n",
		argv[1], guess ? " (did you mean '" : "", guess ? guess : "",
		guess ? "'?)" : "");
	return EXIT_LATCH;
}
