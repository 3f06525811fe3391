/* identity.h — which controlled program a file really is.
 *
 * A renamed copy, a hard link or a symlink of a program the rules control
 * must be judged as that program. At start the standard program
 * directories are searched for the names the rules control, for the ELF
 * loader and for multi-call binaries (busybox, toybox); each found file is
 * remembered by device and inode. Commands the rules name by prefix
 * (mkfs*) need a directory scan, done once the first exec is answered.
 * A file being exec'd is then known by its inode (hard and symbolic links)
 * or, when its size equals a remembered program's, by comparing its bytes
 * with that program's (copies; the verdict is cached by device, inode,
 * ctime and size). A copy that differs by one byte is another program:
 * Landlock and the rest of the sandbox still hold. (Byte comparison rather
 * than a digest: linking libcrypto costs every launch ~20k relocations.)
 */
#ifndef LATCH_IDENTITY_H
#define LATCH_IDENTITY_H

#include <sys/stat.h>

#include "../common/strv.h"
#include "../rules/rule.h"
#include "../rules/unwrap.h"

struct identity;

/* Look in the program directories for what `r` controls by name. Never
 * fails: what cannot be read is not remembered. */
struct identity *identity_new(const struct rules *r);
/* Scan the program directories for the commands named by prefix; returns
 * early when *stop becomes non-zero. `found` (may be NULL) is told the
 * name of each program found (for the shims, shims.h). */
void identity_scan_prefixes(struct identity *id, const int *stop,
			    void (*found)(const char *name, void *ctx),
			    void *ctx);
void identity_free(struct identity *id);

/* The names the open file `fd` (fstat'ed into `st`) is known as are added
 * to `names`; returns the strongest wrapper kind among them. */
enum wrapper identity_of(struct identity *id, int fd, const struct stat *st,
			 struct strv *names);

#endif
