#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../policy/access.h"
#include "landlock_uapi.h"

#define FS_DIR_ONLY                                                         \
	(LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR |      \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |    \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |        \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |      \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM |      \
	 LANDLOCK_ACCESS_FS_REFER)

/* Filesystem rights known to each ABI version (index = ABI). */
static uint64_t fs_rights(int abi)
{
	uint64_t r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1 */

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

int ll_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	const char *cap = getenv("LATCH_LANDLOCK_ABI_MAX");

	if (abi < 0)
		abi = 0;
	if (cap && *cap) {
		long m = strtol(cap, NULL, 10);

		if (m >= 0 && m < abi)
			abi = m;
	}
	return (int)abi;
}

static uint64_t to_ll(unsigned acc, bool is_dir)
{
	uint64_t r = 0;

	if (acc & LATCH_ACC_READ)
		r |= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	if (acc & LATCH_ACC_WRITE)
		r |= LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
		     LANDLOCK_ACCESS_FS_IOCTL_DEV | LANDLOCK_ACCESS_FS_REMOVE_DIR |
		     LANDLOCK_ACCESS_FS_REMOVE_FILE |
		     LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
		     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
		     LANDLOCK_ACCESS_FS_MAKE_FIFO |
		     LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM |
		     LANDLOCK_ACCESS_FS_REFER;
	if (acc & LATCH_ACC_EXEC)
		r |= LANDLOCK_ACCESS_FS_EXECUTE;
	if (!is_dir)
		r &= ~(uint64_t)FS_DIR_ONLY;
	return r;
}

/* Structural rights: what creating, deleting and renaming entries need. */
#define FS_STRUCTURE (FS_DIR_ONLY & ~(uint64_t)LANDLOCK_ACCESS_FS_READ_DIR)

/* The paths are canonical: none ends in a symlink. One that does now was
 * swapped since latch resolved it; following it would put the rule on
 * whatever it points to, so it is refused. */
static int open_rule_path(const char *path, struct err *e)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return err_sys(e, "Landlock: open(O_PATH|O_NOFOLLOW) '%s'", path);
	if (fstat(fd, &st) < 0) {
		err_sys(e, "Landlock: fstat '%s'", path);
		close(fd);
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		err_set(e, "Landlock: '%s' has become a symlink since latch resolved it; refusing to grant what it points to",
			path);
		close(fd);
		return -1;
	}
	return fd;
}

static int add_path(int rs, const struct ll_path *p, uint64_t known,
		    struct err *e)
{
	struct landlock_path_beneath_attr pb = { 0 };
	int fd = open_rule_path(p->path, e);

	if (fd < 0)
		return -1;
	pb.parent_fd = fd;
	pb.allowed_access = to_ll(p->access, p->is_dir) & known;
	if (p->no_create)
		pb.allowed_access &= ~(uint64_t)FS_STRUCTURE;
	if (pb.allowed_access != 0 &&
	    syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb,
		    0) < 0) {
		err_sys(e, "Landlock: landlock_add_rule(PATH_BENEATH, '%s')",
			p->path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int add_port(int rs, uint16_t port, uint64_t access, struct err *e)
{
	struct ll_net_port_attr np = { .allowed_access = access, .port = port };

	if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_NET_PORT, &np, 0) < 0)
		return err_sys(e, "Landlock: landlock_add_rule(NET_PORT, %u)",
			       (unsigned)port);
	return 0;
}

int ll_apply(const struct ll_spec *spec, struct err *e)
{
	struct ll_ruleset_attr attr = { 0 };
	size_t attr_size = sizeof(uint64_t);
	int rs;

	if (spec->abi < 1)
		return err_set(e, "Landlock is not available on this kernel");
	attr.handled_access_fs = fs_rights(spec->abi);
	if (spec->net_handled) {
		if (spec->abi < 4)
			return err_set(e, "Landlock ABI %d cannot restrict TCP (needs 4)",
				       spec->abi);
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
					  LANDLOCK_ACCESS_NET_CONNECT_TCP;
		attr_size = 2 * sizeof(uint64_t);
	}
	if (spec->scope && spec->abi >= 6) {
		attr.scoped = LANDLOCK_SCOPE_SIGNAL |
			      LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
		attr_size = sizeof(attr);
	}
	rs = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rs < 0)
		return err_sys(e, "Landlock: landlock_create_ruleset");
	for (size_t i = 0; i < spec->n_paths; i++)
		if (add_path(rs, &spec->paths[i], attr.handled_access_fs, e) < 0)
			goto fail;
	for (size_t i = 0; i < spec->n_bind; i++)
		if (add_port(rs, spec->bind_ports[i],
			     LANDLOCK_ACCESS_NET_BIND_TCP, e) < 0)
			goto fail;
	for (size_t i = 0; i < spec->n_connect; i++)
		if (add_port(rs, spec->connect_ports[i],
			     LANDLOCK_ACCESS_NET_CONNECT_TCP, e) < 0)
			goto fail;
	if (syscall(SYS_landlock_restrict_self, rs, 0) < 0) {
		err_sys(e, "Landlock: landlock_restrict_self");
		goto fail;
	}
	close(rs);
	return 0;
fail:
	close(rs);
	return -1;
}
