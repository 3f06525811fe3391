#include "mask.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* A detached, read-only tmpfs holding an empty mode-000 directory "d" and
 * file "f": the covers for denied paths. */
static int make_covers(struct err *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	int fs, mnt, fd;

	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return err_sys(e, "mask: fsopen(tmpfs)");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		err_sys(e, "mask: fsconfig(tmpfs)");
		close(fs);
		return -1;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	close(fs);
	if (mnt < 0)
		return err_sys(e, "mask: fsmount(tmpfs)");
	fd = openat(mnt, "f", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0 || mkdirat(mnt, "d", 0) < 0) {
		err_sys(e, "mask: creating the cover file and directory");
		if (fd >= 0)
			close(fd);
		close(mnt);
		return -1;
	}
	close(fd);
	if (mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		err_sys(e, "mask: mount_setattr(cover, MOUNT_ATTR_RDONLY)");
		close(mnt);
		return -1;
	}
	return mnt;
}

/* The mask's target, opened without following a symlink in its last
 * component, and checked to be what latch planned: a path that has become
 * a symlink, changed type or gone since it was resolved fails the run
 * rather than have the mask land on something else. The covers are then
 * attached to this very inode through the descriptor. */
static int open_target(const struct mask *m, struct err *e)
{
	int fd = open(m->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return err_sys(e, "mask: open(O_PATH|O_NOFOLLOW) '%s'", m->path);
	if (fstat(fd, &st) < 0) {
		err_sys(e, "mask: fstat '%s'", m->path);
		close(fd);
		return -1;
	}
	if (S_ISLNK(st.st_mode) || (bool)S_ISDIR(st.st_mode) != m->is_dir) {
		err_set(e, "mask: '%s' has changed since latch resolved it (it is now %s); refusing to mask anything else",
			m->path, S_ISLNK(st.st_mode) ? "a symlink"
			: S_ISDIR(st.st_mode) ? "a directory" : "not a directory");
		close(fd);
		return -1;
	}
	return fd;
}

/* Attach `tree` onto the target opened by open_target(). The target is a
 * descriptor (MOVE_MOUNT_T_EMPTY_PATH) and, as for a path, no symlink is
 * followed: without MOVE_MOUNT_T_SYMLINKS the kernel does not set
 * LOOKUP_FOLLOW on the target. */
static int attach(int tree, int target, const char *path, struct err *e)
{
	int rc = move_mount(tree, "", target, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);

	if (rc < 0)
		err_sys(e, "mask: move_mount onto '%s'", path);
	close(tree);
	return rc;
}

static int hide(int covers, const struct mask *m, int target, struct err *e)
{
	int tree = open_tree(covers, m->is_dir ? "d" : "f",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree < 0)
		return err_sys(e, "mask: open_tree(cover for '%s')", m->path);
	return attach(tree, target, m->path, e);
}

/* A read-only bind of the target onto itself. The clone is taken from the
 * checked descriptor (AT_EMPTY_PATH; AT_SYMLINK_NOFOLLOW as well, so no
 * lookup of the source can follow a symlink either). */
static int freeze(const struct mask *m, int target, struct err *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	unsigned rec = m->is_dir ? AT_RECURSIVE : 0;
	int tree = open_tree(target, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
			     AT_SYMLINK_NOFOLLOW | rec);

	if (tree < 0)
		return err_sys(e, "mask: open_tree('%s')", m->path);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | rec, &ro, sizeof(ro)) < 0) {
		err_sys(e, "mask: mount_setattr('%s', MOUNT_ATTR_RDONLY)", m->path);
		close(tree);
		return -1;
	}
	return attach(tree, target, m->path, e);
}

/* A read-only clone of a bind mask's source, to attach later. */
static int clone_source(const struct mask *m, struct err *e)
{
	struct mount_attr ro = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			    MOUNT_ATTR_NODEV,
	};
	int tree = open_tree(AT_FDCWD, m->source,
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			     AT_SYMLINK_NOFOLLOW);

	if (tree < 0)
		return err_sys(e, "mask: open_tree('%s')", m->source);
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		err_sys(e, "mask: mount_setattr('%s', MOUNT_ATTR_RDONLY)", m->source);
		close(tree);
		return -1;
	}
	return tree;
}

static int apply_one(int *covers, const struct mask *m, int bind,
		     struct err *e)
{
	int target = open_target(m, e), rc;

	if (target < 0) {
		if (bind >= 0)
			close(bind);
		return -1;
	}
	if (bind >= 0)
		rc = attach(bind, target, m->path, e);
	else if (m->readonly)
		rc = freeze(m, target, e);
	else if (*covers < 0 && (*covers = make_covers(e)) < 0)
		rc = -1;
	else
		rc = hide(*covers, m, target, e);
	close(target);
	return rc;
}

int mask_apply(const struct mask *m, size_t n, struct err *e)
{
	int covers = -1, rc = 0, binds[MASK_MAX_BINDS];
	size_t nb = 0, used = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (m[i].source) {
			if (nb == MASK_MAX_BINDS)
				rc = err_set(e, "mask: more than %d bind masks",
					     MASK_MAX_BINDS);
			else if ((binds[nb] = clone_source(&m[i], e)) < 0)
				rc = -1;
			else
				nb++;
		}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = apply_one(&covers, &m[i], m[i].source ? binds[used++] : -1, e);
	while (used < nb)
		close(binds[used++]);
	if (covers >= 0)
		close(covers);
	return rc;
}
