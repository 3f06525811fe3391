/* cmd.h — the subcommands. Each takes argv with argv[0] = its own name and
 * returns latch's exit status. */
#ifndef LATCH_CMD_H
#define LATCH_CMD_H

#include <stdio.h>

#define EXIT_LATCH 125 /* latch's own errors, as env(1) and timeout(1) */

int cmd_run(int argc, char **argv);
int cmd_shell(int argc, char **argv);
int cmd_why(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_setup(int argc, char **argv);
int cmd_completion(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_rollback(int argc, char **argv);

/* Help: the overview (NULL) or one command's. 0 if known, -1 otherwise. */
int usage(FILE *out, const char *command);

/* Print "latch: " + message to stderr. */
void die_msg(const char *msg);

#endif
