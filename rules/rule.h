/* rule.h — the exec rule engine: rule packs (YAML) compiled once, and the
 * decision for one exec (command, argv, cwd, roots). See docs/rules.md.
 *
 * Pure: no OS calls, except rules_load_file/rules_load_dir (files.c), which
 * only read files and hand the buffers to rules_load. No global state. A
 * loaded engine is never modified by rules_decide, so decisions may run in
 * several threads at once (each call has its own pcre2 match data).
 */
#ifndef LATCH_RULE_H
#define LATCH_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../common/strv.h"

/* Ordered from least to most restrictive: the most restrictive match wins. */
enum action {
	ACTION_ALLOW,
	ACTION_LOG,      /* allow, mark the audit record */
	ACTION_SNAPSHOT, /* snapshot, then allow */
	ACTION_ASK,      /* ask on the terminal; deny without one */
	ACTION_DENY,
};

const char *action_name(enum action a);
/* -1 when `s` names no action. */
int action_from_name(const char *s);

/* The named roots of operand tests. Both absolute; home may be NULL (then
 * $HOME and $CACHE match nothing). $TMP is /tmp and /var/tmp. */
struct rules_roots {
	const char *workdir;
	const char *home;
	/* whether the absolute `path` is an existing file (not a directory),
	 * for the operand test `exists`; NULL: nothing exists (the engine
	 * itself touches no filesystem) */
	bool (*exists)(const char *path, void *ctx);
	void *exists_ctx;
};

struct decision {
	enum action action; /* ACTION_ALLOW when no rule matched */
	const char *rule;   /* id of the deciding rule; NULL when none matched */
	const char *reason; /* what the user reads; NULL when none matched */
	const char *file;   /* where the deciding rule is defined */
	int line;
	bool inner;         /* the rule judged a command this one would run
			       (a wrapper's, a script's, a one-liner's), not
			       this one itself */
};

struct rules;

struct rules *rules_new(void);
void rules_free(struct rules *r);
/* Load packs for the run time: without their examples document (it is only
 * for `latch rules test`, and parsing it costs more than the rules), and
 * without JIT-compiling the patterns (a few decisions need no JIT, and
 * compiling every pattern costs milliseconds): rules_jit_now() does it
 * when many decisions are to come. */
void rules_skip_examples(struct rules *r);
/* JIT-compile every pattern of `r` (after rules_skip_examples). Not while
 * a decision is running on `r`. False when pcre2 could not JIT some
 * pattern (it is then interpreted). */
bool rules_jit_now(const struct rules *r);

/* Parse one pack from a buffer (`file` is for messages) and add its rules.
 * Every pattern is compiled here. On error (`FILE:LINE: …`) nothing is
 * added and -1 is returned. */
int rules_load(struct rules *r, const char *buf, size_t len, const char *file,
	       struct err *e);
/* The same from a file; and every *.yaml of a directory, in name order
 * (*n_loaded = packs loaded; a missing directory is an error). */
int rules_load_file(struct rules *r, const char *path, struct err *e);
int rules_load_dir(struct rules *r, const char *dir, size_t *n_loaded,
		   struct err *e);

/* The decision for one exec. `command` is the basename of what really runs
 * (a resolved path's basename; rules_decide takes argv[0]'s). argv[0] is
 * the program as invoked; the rules look at argv[1..argc-1] (argc may be 0:
 * rules without conditions on argv still apply). `cwd` must be absolute
 * (NULL: the workdir). The strings of the result belong to `r`. */
struct decision rules_decide_as(const struct rules *r, const char *command,
				const char *const *argv, size_t argc,
				const char *cwd, const struct rules_roots *roots);
struct decision rules_decide(const struct rules *r, const char *const *argv,
			     size_t argc, const char *cwd,
			     const struct rules_roots *roots);

/* Whether some enabled rule applies to `command` (by name or prefix): if
 * not, every exec of it is allowed whatever its argv and cwd. */
bool rules_controls(const struct rules *r, const char *command);

/* Turn off every rule with this id (a profile's `rules: disable`). -1 when
 * no loaded rule has it; then `ids` (may be NULL) gets the ids there are. */
int rules_disable(struct rules *r, const char *id, struct strv *ids);
/* The commands every use of which an enabled rule denies, as the rules
 * name them ("mkfs.*" globs too): what a path-based exec layer (Seatbelt's
 * process-exec) can refuse outright. */
void rules_always_denied(const struct rules *r, struct strv *names);
/* The command names rules apply to, and the prefixes of "prefix*" ones. */
void rules_commands(const struct rules *r, struct strv *names,
		    struct strv *prefixes);

size_t rules_count(const struct rules *r);
size_t rules_packs(const struct rules *r);
/* The file of the i-th pack loaded (NULL past the end). */
const char *rules_pack_file(const struct rules *r, size_t i);
/* False when pcre2 could not JIT-compile some pattern (the interpreter is
 * used for it: slower, same results). */
bool rules_jit(const struct rules *r);

/* ---- examples (`latch rules test`) ----
 * Every example runs through the whole engine with workdir /home/u/proj,
 * HOME /home/u and, unless the example gives one, cwd = the workdir. */
#define RULES_EXAMPLE_WORKDIR "/home/u/proj"
#define RULES_EXAMPLE_HOME "/home/u"

struct example_result {
	const char *file; /* the example's place */
	int line;
	const char *rule;    /* the rule it belongs to */
	const char *cmdline; /* its argv joined by spaces */
	enum action expect;
	struct decision got;
	bool passed;
};

/* Run every example; `report` (may be NULL) sees each one. Returns the
 * number of examples and sets *failed. */
size_t rules_test(const struct rules *r,
		  void (*report)(const struct example_result *, void *),
		  void *ctx, size_t *failed);

/* ---- lint ----
 * Warnings, one `FILE:LINE: …` line each, appended to `out`: rules without
 * examples, rules none of whose examples they decide, allow rules (they
 * change no decision), rules shadowed by an earlier unconditional deny. */
void rules_lint(const struct rules *r, struct strv *out);

#endif
