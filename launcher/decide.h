/* decide.h — the rules an exec is judged by, for `latch check` and
 * liblatch's latch_check(): the shipped packs, then what a profile
 * selects, adds and disables (packs.h); and a decision as JSON. */
#ifndef LATCH_DECIDE_H
#define LATCH_DECIDE_H

#include <cjson/cJSON.h>

#include "../policy/capset.h"
#include "../rules/rule.h"

/* A fresh engine with the shipped packs, made what `cs` says (NULL: every
 * shipped pack). NULL with `e` set on error. */
struct rules *decide_rules(const struct capset *cs, struct err *e);

/* What an exec is, and what judges it, for decision_json(). */
struct decide_in {
	const char *const *argv;
	size_t argc;
	const char *cwd, *workdir, *home; /* home may be NULL */
	const struct rules *rules;
	const struct capset *cs;          /* NULL: no profile */
};

/* The decision as `latch check --json` prints it. */
cJSON *decision_json(const struct decision *d, const struct decide_in *in);

#endif
