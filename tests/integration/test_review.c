/* Findings of the security review, each reproduced as the agent would try it:
 * a profile base planted in the workdir, a credential path that is a
 * dangling symlink into the workdir. */
#include <string.h>
#include <unistd.h>

#include "../lib/latchtest.h"

TestSuite(review, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

#define KEY "latch-itest-REVIEW-KEYMATERIAL\n"
#define KEY_MARK "REVIEW-KEYMATERIAL"

static char *user_profiles(void)
{
	return lt_path(lt.home, ".config/latch/profiles");
}

/* ---- 1. `extends: base.yaml` resolves next to the profile, not in the cwd */

Test(review, relative_extends_ignores_a_base_planted_in_the_workdir)
{
	char *mine = lt_path(user_profiles(), "mine.yaml");
	struct lt_result r;

	lt_write_mode(lt_path(lt.home, ".ssh/id_rsa"), KEY, 0600);
	lt_write(mine, "extends: base.yaml\n");
	/* what the agent planted in its workdir, latch's cwd */
	lt_write(lt_path(lt.work, "base.yaml"),
		 "extends: default\nunprotect: [~/.ssh]\n"
		 "environment:\n  set: {MARK: hostile}\n");

	r = LT_RUN("run", "-p", "mine", "--read", lt_path(lt.home, ".ssh"),
		   "--", "cat", lt_path(lt.home, ".ssh/id_rsa"));
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, lt_fmt("cannot open '%s/base.yaml'", user_profiles()), r);
	LT_LACKS(r.out, KEY_MARK, r);
	LT_LACKS(r.err, "unprotected", r);

	/* the base beside mine.yaml is the one used */
	lt_write(lt_path(user_profiles(), "base.yaml"),
		 "extends: default\nenvironment:\n  set: {MARK: right}\n");
	r = LT_RUN("run", "-p", "mine", "--", "sh", "-c", "echo mark=$MARK");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "mark=right", r);
	LT_LACKS(r.err, "unprotected", r);
	r = LT_RUN("run", "-p", "mine", "--read", lt_path(lt.home, ".ssh"),
		   "--", "cat", lt_path(lt.home, ".ssh/id_rsa"));
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);
}

Test(review, relative_extends_in_a_nested_file_uses_that_files_directory)
{
	char *dir = lt_path(lt.root, "elsewhere");
	struct lt_result r;

	lt_write(lt_path(lt.work, "leaf.yaml"), "extends: sub/mid.yaml\n");
	lt_write(lt_path(lt.work, "sub/mid.yaml"),
		 "extends: ../../elsewhere/top.yaml\n");
	lt_write(lt_path(dir, "top.yaml"),
		 "extends: default\nenvironment:\n  set: {MARK: top}\n");
	r = LT_RUN("run", "-p", "./leaf.yaml", "--", "sh", "-c", "echo mark=$MARK");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "mark=top", r);
}

Test(review, extends_cycle_is_found_on_canonical_paths)
{
	char *a = lt_path(lt.work, "ca.yaml");
	struct lt_result r;

	lt_write(a, "extends: cb.yaml\n");
	lt_write(lt_path(lt.work, "cb.yaml"), lt_fmt("extends: %s\n", a));
	r = LT_RUN("run", "-p", "./ca.yaml", "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "profile 'ca' extends itself through a cycle", r);
}

/* ---- 2. a deny on a dangling symlink protects the link's target */

Test(review, dangling_credential_symlink_target_cannot_be_created)
{
	char *dotfiles = lt_path(lt.home, "dotfiles");
	char *target = lt_path(dotfiles, "aws");
	struct lt_opts o = { .cwd = dotfiles };
	struct lt_result r;

	lt_write(lt_path(dotfiles, "README"), "dotfiles\n");
	lt_symlink("dotfiles/aws", lt_path(lt.home, ".aws"));

	r = LT_RUN_O(&o, "run", "--", "sh", "-c",
		     lt_fmt("mkdir -p '%s'; printf '[default]\\ncredential_process = /bin/evil\\n' > '%s/config'; "
			    "echo appended >> README",
			    target, target));
	cr_assert(!lt_exists(target), "%s was created\n%s", target, lt_show(&r));
	/* existing files of the workdir stay writable */
	LT_FILE_IS(lt_path(dotfiles, "README"), "dotfiles\nappended\n");

	/* through an absolute link, and a chain of links, too */
	unlink(lt_path(lt.home, ".aws"));
	lt_symlink(lt_path(lt.home, ".awslink"), lt_path(lt.home, ".aws"));
	lt_symlink(target, lt_path(lt.home, ".awslink"));
	r = LT_RUN_O(&o, "run", "--", "sh", "-c", lt_fmt("mkdir '%s'", target));
	LT_FAILS(r);
	cr_assert(!lt_exists(target), "%s was created\n%s", target, lt_show(&r));
}

Test(review, grant_through_a_dangling_symlink_still_warns)
{
	struct lt_result r;

	lt_symlink("nowhere/at/all", lt_path(lt.home, "dangling"));
	r = LT_RUN("run", "--read", lt_path(lt.home, "dangling"), "--", "true");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.err, "does not exist", r);
}

Test(review, symlink_loop_in_a_profile_path_is_an_error)
{
	struct lt_result r;

	lt_symlink("loop-b", lt_path(lt.home, "loop-a"));
	lt_symlink("loop-a", lt_path(lt.home, "loop-b"));
	r = LT_RUN("run", "--read", lt_path(lt.home, "loop-a"), "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "cannot resolve", r);
}
