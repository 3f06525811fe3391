/* callmem.h — an exec's path and argv, read from the calling task's memory.
 *
 * process_vm_readv, which needs no /proc/PID/mem to open, in as few calls
 * as the words allow (each call costs the exec's caller a wait): the path
 * and the head of the argv pointer array come in one call, and the argv
 * words in one more, 256 bytes each. A path, pointer array or word that
 * goes on past that, or across an unmapped page, is read on from there.
 * Limits refuse, never truncate: 65536 words, 128 KiB a word (the
 * kernel's own), 4 MiB in all, PATH_MAX for the path.
 */
#ifndef LATCH_CALLMEM_H
#define LATCH_CALLMEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CALLMEM_HEAD 32 /* argv pointers read with the path */

struct callmem {
	pid_t pid;
	uint64_t path_at, argv_at;    /* addresses in the caller */
	uint64_t head[CALLMEM_HEAD];  /* argv's first pointers */
	size_t head_n;                /* how many of them were read */
};

/* The exec's path (NUL-terminated within PATH_MAX), read with the head of
 * its argv pointer array; NULL when unreadable or too long. */
char *callmem_path(struct callmem *m, pid_t pid, uint64_t path_at,
		   uint64_t argv_at);

/* Its argv, after callmem_path gave `path` (a word at the path's own
 * address is a copy of it, not read again): *argv (NULL-terminated, to be
 * freed word by word) and *argc. NULL, or why it cannot be judged (words
 * read so far are in *argv). */
const char *callmem_argv(const struct callmem *m, const char *path,
			 char ***argv, size_t *argc);

#endif
