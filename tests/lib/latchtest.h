/* latchtest.h — helpers for the integration tests: they drive the real
 * ./latch binary, never the latch library.
 *
 * tests/run-integration exports:
 *   LATCH_BIN        absolute path of the latch binary under test
 *   LATCH_DATA_DIR   the directory holding profiles/ (passed on to latch)
 *   LATCH_TEST_ROOT  a scratch directory outside every grant of the shipped
 *                    profiles (not under /tmp or /var/tmp)
 *
 * Every test gets its own directory under LATCH_TEST_ROOT (lt_setup, a
 * Criterion .init) with a fake HOME and a workdir, removed by lt_teardown.
 * latch runs with a clean environment: PATH, HOME=<fake home>, LC_ALL=C,
 * LATCH_DATA_DIR and whatever the test adds; no XDG_* variable.
 */
#ifndef LATCHTEST_H
#define LATCHTEST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <criterion/criterion.h>

/* Default bound on one latch invocation. Every bound on a run is
 * multiplied by $LATCH_ITEST_TIME_SCALE (a whole number, 1 to 20; default
 * 1): `make asan` sets it, its builds being several times slower. */
#define LT_TIMEOUT_MS 8000

struct lt_env {
	char root[PATH_MAX];  /* this test's directory */
	char home[PATH_MAX];  /* fake HOME: root/home */
	char work[PATH_MAX];  /* workdir and cwd of latch: root/work */
	const char *latch;    /* $LATCH_BIN */
	const char *data_dir; /* $LATCH_DATA_DIR */
};

extern struct lt_env lt;

/* Criterion .init / .fini: make and remove the test's scratch tree. */
void lt_setup(void);
void lt_teardown(void);

/* ---- strings (all returned strings belong to the test; freed by
 * lt_teardown) ---- */

char *lt_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* base/rel */
char *lt_path(const char *base, const char *rel);
/* Number of lines of `text` that contain `needle`. */
size_t lt_count_lines(const char *text, const char *needle);
/* True when some line of `text` starts with `prefix`. */
bool lt_has_line_prefix(const char *text, const char *prefix);
/* Minimal strict JSON check (RFC 8259 syntax, one value plus whitespace).
 * On failure *where (if given) points at the offending character. */
bool lt_json_valid(const char *text, const char **where);

/* ---- files (failures of these setup helpers fail the test) ---- */

void lt_mkdir(const char *path);                       /* mkdir -p */
void lt_write(const char *path, const char *text);
/* A profile file ROOT/profiles/NAME.yaml holding `yaml`; its path. */
char *lt_profile(const char *name, const char *yaml);     /* parents made, 0644 */
/* A profile NAME extending default that adds a pack with one rule. */
char *lt_profile_with_rule(const char *name, const char *id,
			   const char *command, const char *action,
			   const char *reason);
void lt_write_mode(const char *path, const char *text, mode_t mode);
void lt_copy(const char *from, const char *to, mode_t mode);
void lt_symlink(const char *target, const char *linkpath);
char *lt_read(const char *path); /* whole file, or NULL if it cannot be read */
/* A shell script file in the workspace holding `text`, for `sh FILE`: a
 * script run from a file is judged exec by exec as it runs, while a
 * `sh -c` script is judged whole before any of it runs (docs/rules.md).
 * Its path. */
char *lt_script(const char *text);
/* ROOT/victim holding precious/data.txt ("precious\n"), outside the
 * workspace: what destructive commands must not reach. Its path. */
char *lt_victim(void);
/* The audit log of the test's one session (fails the test unless exactly
 * one session was logged under the fake HOME). */
char *lt_audit_log(void);

/* ---- servers on the host's loopback, for the network tests ---- */

/* `python3 -c CODE ARGS…` (args NULL-terminated), killed with the test;
 * CODE prints the port it listens on as its first line: that port. The
 * test is skipped without python3. */
int lt_python_server(const char *code, const char *const *args);
/* A self-signed certificate for localhost and 127.0.0.1, made now with
 * openssl: ROOT/tls/cert.pem and key.pem (skipped without openssl). */
void lt_tls_cert(char **cert, char **key);
bool lt_exists(const char *path); /* lstat succeeds */

/* ---- running latch ---- */

struct lt_opts {
	const char *cwd;         /* default: lt.work */
	const char *const *env;  /* extra entries, NULL-terminated: "NAME=VALUE"
				  * sets (replacing a default), "NAME" unsets */
	const char *input;       /* stdin contents (small); NULL: /dev/null */
	int timeout_ms;          /* 0: LT_TIMEOUT_MS */
};

struct lt_proc {
	pid_t pid;
	int pidfd, out_fd, err_fd;
	long started_ms, deadline_ms;
	char *out, *err;
	size_t out_len, out_cap, err_len, err_cap;
	char *cmdline;
};

struct lt_result {
	int code;        /* exit status; 128+N if signal N ended latch; -1 on timeout */
	bool timed_out;  /* latch did not exit in time and was killed */
	long elapsed_ms; /* from start to latch's exit */
	long exited_ms;  /* lt_now_ms() at which the exit was seen */
	char *out, *err; /* NUL-terminated */
	char *cmdline;   /* for messages */
};

long lt_now_ms(void);

/* Start `latch args...` in its own process group. */
void lt_spawn(struct lt_proc *p, const struct lt_opts *o,
	      const char *const *args);
/* Wait for exit (bounded by the timeout; on timeout the process group is
 * killed), collecting stdout and stderr. */
struct lt_result lt_wait(struct lt_proc *p);
struct lt_result lt_runv(const struct lt_opts *o, const char *const *args);

#define LT_ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })
/* LT_RUN("run", "--", "true"): latch with default options. */
#define LT_RUN(...) lt_runv(NULL, LT_ARGV(__VA_ARGS__))
/* LT_RUN_O(&opts, "run", ...) */
#define LT_RUN_O(o, ...) lt_runv((o), LT_ARGV(__VA_ARGS__))

/* A readable description of a result for assertion messages. */
const char *lt_show(const struct lt_result *r);

/* Poll until `path` holds at least `n` newline-terminated lines. */
bool lt_wait_lines(const char *path, size_t n, int timeout_ms);
/* Poll until kill(pid, 0) fails with ESRCH (or the process is a zombie
 * that its new parent has not reaped yet). */
bool lt_pid_gone(pid_t pid, int timeout_ms);
/* Command name (/proc/PID/comm) or "?" */
const char *lt_comm(pid_t pid);

/* ---- assertions ---- */

#define LT_EXIT(r, want)                                                     \
	cr_assert_eq((r).code, (want), "expected exit %d, got %d\n%s",      \
		     (int)(want), (r).code, lt_show(&(r)))

#define LT_FAILS(r)                                                          \
	cr_assert((r).code != 0 && !(r).timed_out,                          \
		  "expected a non-zero exit\n%s", lt_show(&(r)))

#define LT_CONTAINS(text, needle, r)                                         \
	cr_assert(strstr((text), (needle)) != NULL,                         \
		  "expected to find \"%s\"\n%s", (needle), lt_show(&(r)))

#define LT_LACKS(text, needle, r)                                            \
	cr_assert(strstr((text), (needle)) == NULL,                         \
		  "\"%s\" must not appear\n%s", (needle), lt_show(&(r)))

/* File content equals `want` (the file must exist). */
#define LT_FILE_IS(path, want)                                               \
	do {                                                                 \
		const char *lt_got_ = lt_read(path);                         \
		cr_assert(lt_got_ != NULL, "%s: cannot be read", (path));    \
		cr_assert_str_eq(lt_got_, (want),                            \
				 "%s changed: now \"%s\"", (path), lt_got_); \
	} while (0)

#endif
