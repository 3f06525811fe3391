/* bench/rules.c — decisions per second of the rule engine alone, on one
 * core, with the shipped packs, over a corpus of everyday and destructive
 * command lines (most of an agent's execs are allowed ones).
 *
 *   build/bench-rules [SECONDS]   (built and run by bench/run, from the repo root)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../rules/rule.h"

#define W(...) { (const char *const[]){ __VA_ARGS__, NULL } }

static const struct {
	const char *const *argv;
} corpus[] = {
	W("ls", "-la"), W("cat", "README.md"), W("grep", "-rn", "TODO", "src"),
	W("make", "-j2"), W("cc", "-O2", "-c", "a.c", "-o", "a.o"),
	W("git", "status"), W("git", "diff", "--stat"), W("git", "add", "-A"),
	W("git", "commit", "-m", "wip"), W("git", "push", "origin", "main"),
	W("git", "-C", "sub", "push", "--force-with-lease"),
	W("git", "reset", "--hard", "HEAD~1"), W("git", "reset", "--soft", "HEAD~1"),
	W("rm", "-rf", "build"), W("rm", "-rf", "/home/u"), W("rm", "file.o"),
	W("rm", "-rf", "../.."), W("rm", "-f", ".git/index.lock"),
	W("/bin/rm", "-r", "--no-preserve-root", "/"), W("sudo", "apt", "install", "x"),
	W("dd", "if=/dev/zero", "of=/dev/sda"), W("dd", "if=a", "of=b.img"),
	W("chmod", "-R", "755", "/etc"), W("chmod", "+x", "run.sh"),
	W("mkfs.ext4", "/dev/sdb1"), W("python3", "-m", "pytest", "-q"),
	W("npm", "test"), W("sed", "-i", "s/a/b/", "x.c"), W("mv", "a", "b"),
	W("find", ".", "-name", "*.c"),
};

#define N (sizeof(corpus) / sizeof(corpus[0]))

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0, t0, t;
	const struct rules_roots roots = { "/home/u/proj", "/home/u" };
	struct rules *r = rules_new();
	size_t argcs[N], loaded, n = 0, denied = 0;
	struct err e;

	if (rules_load_dir(r, "rules/packs", &loaded, &e) < 0) {
		fprintf(stderr, "bench/rules: %s\n", e.msg);
		return 1;
	}
	for (size_t i = 0; i < N; i++)
		for (argcs[i] = 0; corpus[i].argv[argcs[i]]; argcs[i]++)
			;
	t0 = now();
	do {
		for (int k = 0; k < 1000; k++)
			for (size_t i = 0; i < N; i++, n++)
				denied += rules_decide(r, corpus[i].argv, argcs[i],
						       "/home/u/proj", &roots).action == ACTION_DENY;
		t = now() - t0;
	} while (t < secs);
	printf("rule engine: %zu rules, %zu-line corpus (%zu%% denied), JIT %s: %.0f decisions/s on one core (%.2f us each)\n",
	       rules_count(r), N, denied * 100 / n, rules_jit(r) ? "on" : "off",
	       (double)n / t, t * 1e6 / (double)n);
	rules_free(r);
	return 0;
}
