/* seatbelt.h — the capability set as a macOS Seatbelt profile (SBPL text),
 * and, on macOS only, applying one to the calling process.
 *
 * The generator is pure (no OS calls, no macOS API): it is built and tested
 * on every OS, and `latch profile show NAME --format sbpl` prints it
 * anywhere. docs/macos.md says what the profile enforces and what it
 * cannot, next to Linux.
 *
 * The text is laid out for Seatbelt's rule: the LAST matching rule decides.
 *   (version 1) (deny default)
 *   the basics every command-line program needs (fork, signals and process
 *     information inside the sandbox, sysctl reads, file metadata, a few
 *     system services, its own descriptors; pseudo-terminals and POSIX
 *     IPC when /dev/ptmx is granted read-write)
 *   the network, per mode (block; allowlist: latch's proxy only; open),
 *     port rules TCP only, sockets created only for what may be reached
 *   the grants: file-read* (and file-map-executable), file-write* (and
 *     file-ioctl), process-exec*, each path as `subpath` (directory) or
 *     `literal` (file), in its canonical form, in the other form of
 *     macOS's /tmp, /var and /etc (the /private ones), and as written when
 *     the sandbox cannot replace the symlink on it
 *   process-exec* refused for the commands every use of which the rules
 *     refuse (by name in any letter case, wherever the file lies)
 *   latch's shim directory: readable and executable, never writable
 *   the denies of the capability set, last, so that they win over every
 *     grant: deny (every file operation), deny_write (file-write*), both
 *     with file-link and file-clone; the directories that lead to a denied
 *     path inside a grant cannot be unlinked or renamed (a path rule would
 *     not follow the file)
 *
 * Every path is written as an SBPL string: `"` and `\` escaped, any UTF-8
 * kept as it is; a path holding a newline, another control character or
 * bytes that are not UTF-8 is refused (APFS names are UTF-8). */
#ifndef LATCH_SEATBELT_H
#define LATCH_SEATBELT_H

#include "../common/err.h"
#include "../common/strv.h"
#include "../policy/capset.h"

/* With network `allowlist` and no port known yet, the profile takes the
 * proxy's port from this parameter (sandbox-exec -D LATCH_PROXY_PORT=N). */
#define SBPL_PROXY_PARAM "LATCH_PROXY_PORT"

struct sbpl_spec {
	const struct capset *cs;
	const char *shims;           /* the shim directory (canonical), or NULL */
	const struct strv *refused;  /* command names (globs with `*`) every
					exec of which is refused: rule.h's
					rules_always_denied(); may be NULL */
	unsigned proxy_port;         /* network allowlist: the proxy's port on
					the loopback; 0: SBPL_PROXY_PARAM */
	const char *version;         /* latch's, for the header comment */
};

/* The whole profile, freshly allocated; NULL with `e` set ("path '…' (its
 * origin) cannot be written in a Seatbelt profile: it holds a newline")
 * when some path or command name cannot be expressed. */
char *sbpl_generate(const struct sbpl_spec *s, struct err *e);

#ifdef __APPLE__
/* Enforce `profile` (SBPL text) on this process and all it will run, for
 * good: sandbox_init(3). -1 with Seatbelt's own message in `e`. */
int seatbelt_apply(const char *profile, struct err *e);
#endif

#endif
