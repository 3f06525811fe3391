/* unwrap.h — programs that run another program inside their own process,
 * seen through so that the rules judge what really runs:
 *  - the ELF loader run as a program: ld-linux-x86-64.so.2 [OPTIONS]
 *    PROGRAM ARGS… runs PROGRAM (a path: the loader does no PATH search);
 *  - multi-call binaries (busybox, toybox): the applet is argv[0]'s
 *    basename, or argv[1] when argv[0] names the binary itself.
 * Pure: names and argv in, names and argv positions out.
 */
#ifndef LATCH_UNWRAP_H
#define LATCH_UNWRAP_H

#include <stddef.h>

enum wrapper {
	WRAP_NONE,
	WRAP_LOADER,    /* ld.so run as a program */
	WRAP_MULTICALL, /* busybox, toybox */
};

/* The kind of a program from its file name (a basename). */
enum wrapper unwrap_kind(const char *name);

/* The loader's argv: the index of the program it runs (after the loader's
 * own options), or 0 when it runs none (--help, --version, --list-tunables,
 * a bad option, no operand). */
size_t unwrap_loader(const char *const *argv, size_t argc);

/* A multi-call binary whose own file name is `self`: the applet's name,
 * and in *first the index of the applet's argv[0] (0 or 1). NULL when no
 * applet runs (`busybox`, `busybox --list`). */
const char *unwrap_applet(const char *self, const char *const *argv,
			  size_t argc, size_t *first);

/* The last component of a path ("" for a path ending in '/'). */
const char *unwrap_base(const char *path);

#endif
