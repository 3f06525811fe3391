/* realname.h — the real path of a file about to be exec'd, remembered.
 *
 * readlink(/proc/self/fd/N) is the one honest way to name an open file,
 * and on every exec it costs the judge a /proc lookup while the caller
 * waits. A shell loop runs the same few programs by the same absolute
 * paths: the answer is remembered by that path and the file's device,
 * inode and ctime (a new hard link or a rename changes the ctime). Only
 * absolute paths are remembered: a relative one means another file in
 * another directory. What the cache can return wrongly is only another
 * name of the same inode: the same bytes, judged by identity.h the same.
 */
#ifndef LATCH_REALNAME_H
#define LATCH_REALNAME_H

#include <limits.h>
#include <sys/stat.h>

#define REALNAME_SLOTS 64

struct realname_slot {
	char *invoked, *real;
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
};

struct realnames {
	struct realname_slot slot[REALNAME_SLOTS];
};

/* The real path of `fd` (fstat'ed into `st`), exec'd as `invoked`, into
 * `real`; "" when it cannot be told. */
void realname_of(struct realnames *c, const char *invoked, int fd,
		 const struct stat *st, char real[PATH_MAX]);
void realnames_free(struct realnames *c);

#endif
