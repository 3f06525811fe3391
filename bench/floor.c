/* floor.c — the cheapest possible wrapper: spawn argv[1..], wait, exit with
 * its status. Linked against the same libraries as latch, it measures what
 * any design with a supervising parent process pays before doing any work. */
#define _GNU_SOURCE
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
	pid_t pid;
	int status;

	if (argc < 2 || posix_spawn(&pid, argv[1], NULL, NULL, argv + 1, environ))
		return 127;
	if (waitpid(pid, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
