/* Paths and symlinks, on a real scratch tree (mkdtemp):
 *   resolve   launcher/resolve.c: canonical paths, dangling links followed to
 *             their target, loops refused;
 *   nofollow  the kernel backends refuse a path that became a symlink after
 *             planning (kernel/landlock.c, kernel/mask.c);
 *   leftovers launcher/supervise.c signals a pid only while it is still in
 *             latch's process tree. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../launcher/supervise.h"

#include "../../common/err.h"
#include "../../kernel/landlock.h"
#include "../../kernel/mask.h"
#include "../../kernel/ns.h"
#include "../../launcher/resolve.h"
#include "../../policy/access.h"

static char scratch[256]; /* canonical */

/* scratch/rel; freed by teardown */
static char *made[256];
static size_t n_made;

static char *at(const char *rel)
{
	char *p;

	cr_assert(n_made < sizeof(made) / sizeof(made[0]));
	cr_assert(asprintf(&p, "%s/%s", scratch, rel) > 0);
	made[n_made++] = p;
	return p;
}

static void mk(const char *rel)
{
	cr_assert(mkdir(at(rel), 0755) == 0, "mkdir %s: %s", rel, strerror(errno));
}

static void ln(const char *target, const char *rel)
{
	cr_assert(symlink(target, at(rel)) == 0, "symlink %s: %s", rel,
		  strerror(errno));
}

static void setup(void)
{
	char tmpl[] = "/tmp/latch-unit-resolve.XXXXXX";

	char canon[PATH_MAX];

	cr_assert(mkdtemp(tmpl) != NULL);
	cr_assert(realpath(tmpl, canon) != NULL && strlen(canon) < sizeof(scratch));
	strcpy(scratch, canon);
	resolve_forget();
}

static void teardown(void)
{
	char cmd[sizeof(scratch) + 16];

	resolve_forget();
	while (n_made)
		free(made[--n_made]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		cr_log_warn("cannot remove %s", scratch);
}

static void expect(const char *rel, const char *want_rel, enum path_state want)
{
	enum path_state st;
	char *got = resolve_real(at(rel), &st, NULL);
	char want_abs[PATH_MAX];

	snprintf(want_abs, sizeof(want_abs), "%s%s%s", scratch,
		 want_rel[0] ? "/" : "", want_rel);
	cr_assert_not_null(got, "%s: NULL (%s)", rel, strerror(errno));
	cr_assert_str_eq(got, want_abs, "%s", rel);
	cr_assert_eq(st, want, "%s: state %d, want %d", rel, st, want);
	free(got);
}

TestSuite(resolve, .init = setup, .fini = teardown);

Test(resolve, plain_paths_and_existing_links)
{
	mk("home");
	mk("home/dotfiles");
	ln("dotfiles", "home/dir-link");
	ln("../home/dotfiles/..//dotfiles", "home/messy-link");
	expect("home", "home", PATH_DIR);
	expect("home/./dotfiles/", "home/dotfiles", PATH_DIR);
	expect("home/dir-link", "home/dotfiles", PATH_DIR);
	expect("home/messy-link", "home/dotfiles", PATH_DIR);
	expect("home/dir-link/..", "home", PATH_DIR);
	expect("home/missing/x", "home/missing/x", PATH_MISSING);
}

Test(resolve, dangling_link_resolves_to_its_target)
{
	mk("home");
	mk("home/dotfiles");
	ln("dotfiles/aws", "home/.aws");                 /* relative */
	expect("home/.aws", "home/dotfiles/aws", PATH_MISSING);
	expect("home/.aws/config", "home/dotfiles/aws/config", PATH_MISSING);

	ln(at("home/dotfiles/gcloud"), "home/.gcloud");  /* absolute */
	expect("home/.gcloud", "home/dotfiles/gcloud", PATH_MISSING);

	/* a chain, ending in a dangling link in another directory */
	mk("other");
	ln("../other/hop", "home/.kube");
	ln("deeper/missing/../kube", "other/hop");
	expect("home/.kube", "other/deeper/kube", PATH_MISSING);

	/* the target created later: the same path, now existing */
	mk("home/dotfiles/aws");
	resolve_forget();
	expect("home/.aws", "home/dotfiles/aws", PATH_DIR);
}

Test(resolve, link_loops_are_hard_errors)
{
	enum path_state st;

	ln("self", "self");
	ln("b", "a");
	ln("a", "b");
	ln("a/x", "into-loop");
	errno = 0;
	cr_assert_null(resolve_real(at("self"), &st, NULL));
	cr_assert_eq(errno, ELOOP);
	cr_assert_null(resolve_real(at("a"), &st, NULL));
	cr_assert_null(resolve_real(at("into-loop"), &st, NULL));
	cr_assert_null(resolve_real(at("a/below"), &st, NULL));
}

Test(resolve, forty_links_are_followed_not_more)
{
	char name[32], next[32];

	mk("end");
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		snprintf(next, sizeof(next), i == 40 ? "end" : "l%d", i + 1);
		ln(next, name);
	}
	expect("l1", "end", PATH_DIR);  /* 40 links */
	resolve_forget();
	cr_assert_null(resolve_real(at("l0"), &(enum path_state){ 0 }, NULL));
}

/* ---- nofollow: a planned path that has become a symlink is refused ---- */

TestSuite(nofollow, .init = setup, .fini = teardown);

static void touch(const char *rel)
{
	FILE *f = fopen(at(rel), "w");

	cr_assert_not_null(f, "%s: %s", rel, strerror(errno));
	fputs("secret\n", f);
	fclose(f);
}

/* Run fn(arg) in a child, so that masks and Landlock stay there and the
 * test process can clean up: 0 when it succeeded, its message in `msg`. */
static int in_child(int (*fn)(const void *arg, struct err *e), const void *arg,
		    char *msg, size_t len)
{
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	cr_assert(pipe(pfd) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct err e = { { 0 } };
		int rc;

		close(pfd[0]);
		rc = fn(arg, &e);
		if (write(pfd[1], e.msg, strlen(e.msg)) < 0)
			_exit(2);
		_exit(rc == 0 ? 0 : 1);
	}
	close(pfd[1]);
	n = read(pfd[0], msg, len - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	cr_assert(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int apply_ll(const void *arg, struct err *e)
{
	const struct ll_path *p = arg;
	struct ll_spec spec = { .paths = p, .n_paths = 1, .abi = ll_abi() };

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return ll_apply(&spec, e);
}

Test(nofollow, landlock_refuses_a_rule_path_that_is_a_symlink)
{
	struct ll_path granted = { at("granted"), LATCH_ACC_READ, true, false };
	struct ll_path swapped = { at("swapped"), LATCH_ACC_READ, true, false };
	char msg[ERR_MAX];

	if (ll_abi() < 1)
		cr_skip_test("no Landlock on this kernel");
	mk("granted");
	mk("elsewhere");
	ln("elsewhere", "swapped");
	cr_assert_eq(in_child(apply_ll, &granted, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_eq(in_child(apply_ll, &swapped, msg, sizeof(msg)), 1,
		     "a symlink was followed");
	cr_assert(strstr(msg, "has become a symlink") != NULL, "%s", msg);
}

/* One mask; with check_gone, the run then fails unless `check_gone` has
 * disappeared under it. */
struct mask_case {
	struct mask m;
	const char *check_gone;
};

static int apply_mask(const void *arg, struct err *e)
{
	const struct mask_case *c = arg;
	struct stat st;

	if (ns_enter(true, false, e) < 0 || mask_apply(&c->m, 1, e) < 0)
		return -1;
	if (c->check_gone && stat(c->check_gone, &st) == 0)
		return err_set(e, "'%s' is still visible", c->check_gone);
	return 0;
}

/* Masks need namespaces: skipped where the caller cannot have them. */
static int mask_in_child(const struct mask_case *c, char *msg, size_t len)
{
	int rc = in_child(apply_mask, c, msg, len);

	if (rc != 0 && strstr(msg, "unshare") != NULL)
		cr_skip_test("%s", msg);
	return rc;
}

Test(nofollow, mask_hides_and_freezes_the_planned_paths)
{
	struct mask_case hide = { { .path = at("secret"), .readonly = false, .is_dir = true },
				  at("secret/key") };
	struct mask_case freeze = { { .path = at("conf"), .readonly = true, .is_dir = false }, NULL };
	char msg[ERR_MAX];

	mk("secret");
	touch("secret/key");
	touch("conf");
	cr_assert_eq(mask_in_child(&hide, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_eq(mask_in_child(&freeze, msg, sizeof(msg)), 0, "%s", msg);
}

Test(nofollow, mask_refuses_a_target_that_became_a_symlink)
{
	struct mask_case hide = { { .path = at("secret"), .readonly = false, .is_dir = true }, NULL };
	struct mask_case hide_file = { { .path = at("key-link"), .readonly = false, .is_dir = false }, NULL };
	struct mask_case freeze = { { .path = at("conf"), .readonly = true, .is_dir = false }, NULL };
	char msg[ERR_MAX];

	mk("real");
	touch("real/key");
	touch("real.conf");
	ln("real", "secret");
	ln("real/key", "key-link");
	ln("real.conf", "conf");
	cr_assert_eq(mask_in_child(&hide, msg, sizeof(msg)), 1,
		     "a symlink was masked");
	cr_assert(strstr(msg, "now a symlink") != NULL, "%s", msg);
	cr_assert_eq(mask_in_child(&hide_file, msg, sizeof(msg)), 1,
		     "a symlink was masked");
	cr_assert(strstr(msg, "now a symlink") != NULL, "%s", msg);
	cr_assert_eq(mask_in_child(&freeze, msg, sizeof(msg)), 1,
		     "a symlink was frozen");
	cr_assert(strstr(msg, "now a symlink") != NULL, "%s", msg);
}

Test(nofollow, mask_refuses_a_target_that_changed_type_or_is_gone)
{
	struct mask_case dir = { { .path = at("was-dir"), .readonly = false, .is_dir = true }, NULL };
	struct mask_case gone = { { .path = at("gone"), .readonly = true, .is_dir = false }, NULL };
	char msg[ERR_MAX];

	touch("was-dir");
	cr_assert_eq(mask_in_child(&dir, msg, sizeof(msg)), 1);
	cr_assert(strstr(msg, "has changed") != NULL, "%s", msg);
	cr_assert_eq(mask_in_child(&gone, msg, sizeof(msg)), 1);
	cr_assert(strstr(msg, "No such file") != NULL, "%s", msg);
}

/* ---- leftovers: a pid is signalled only while it is in latch's tree ---- */


static pid_t sleeper(void)
{
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static bool alive(pid_t pid)
{
	int st;

	return waitpid(pid, &st, WNOHANG) == 0;
}

static int ended_by(pid_t pid)
{
	int st;

	cr_assert(waitpid(pid, &st, 0) == pid);
	return WIFSIGNALED(st) ? WTERMSIG(st) : -1;
}

Test(leftovers, a_child_of_the_tree_is_signalled)
{
	pid_t me = getpid(), child = sleeper();

	cr_assert(supervise_signal_in_tree(child, &me, 1, SIGTERM));
	cr_assert_eq(ended_by(child), SIGTERM);
}

Test(leftovers, a_pid_whose_parent_left_the_tree_is_not_signalled)
{
	/* As after reuse: the pid now belongs to a process whose parent is
	 * not one of the tree's (here the tree is only our parent). */
	pid_t other = getppid(), child = sleeper();

	cr_assert_not(supervise_signal_in_tree(child, &other, 1, SIGTERM));
	usleep(50 * 1000);
	cr_assert(alive(child), "an unrelated process was signalled");
	kill(child, SIGKILL);
	cr_assert_eq(ended_by(child), SIGKILL);
}

Test(leftovers, a_pid_that_is_gone_is_not_signalled)
{
	pid_t me = getpid(), child = sleeper();

	kill(child, SIGKILL);
	cr_assert_eq(ended_by(child), SIGKILL);
	cr_assert_not(supervise_signal_in_tree(child, &me, 1, SIGTERM));
}
