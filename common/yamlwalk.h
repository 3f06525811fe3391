/* yamlwalk.h — reading a libyaml document with `file:line` messages.
 *
 * Shared by the profile parser (policy/profile.c) and the rule-pack parser
 * (rules/pack.c). Every function that fails fills the walker's err with
 * "FILE:LINE: message" and returns -1.
 */
#ifndef LATCH_YAMLWALK_H
#define LATCH_YAMLWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "err.h"
#include "strv.h"

struct yw {
	yaml_document_t *doc;
	const char *file;
	struct err *e;
};

int yw_line(const yaml_node_t *n);
/* `fmt` takes two %s: a and b (NULL b prints as ""). */
int yw_fail(const struct yw *w, const yaml_node_t *n, const char *fmt,
	    const char *a, const char *b);
yaml_node_t *yw_node(const struct yw *w, int id);
/* The text of a scalar node; NULL for any other node. */
const char *yw_scalar(const yaml_node_t *n);
int yw_want_scalar(const struct yw *w, const yaml_node_t *n, const char *key,
		   const char **out);
/* true/yes/on, false/no/off */
int yw_want_bool(const struct yw *w, const yaml_node_t *n, const char *key,
		 bool *out);

/* A list of scalars appended to `out`: a lone scalar is a one-item list and
 * an empty value (`deny:` with nothing after it) an empty list. Empty items
 * fail unless allowed. With `lines`, the line of each item appended goes to
 * (*lines)[its index in out] (the array grows with out). */
int yw_want_list(const struct yw *w, const yaml_node_t *n, const char *key,
		 struct strv *out, bool allow_empty_items, int **lines);

/* Walk a mapping: each key must be one of names[0..n) (else "unknown key
 * 'x' (did you mean 'y'?)"), at most once; fn(ctx, index, key, value) is
 * called for each, in document order. */
int yw_walk(const struct yw *w, const yaml_node_t *map, const char *what,
	    const char *const *names, size_t n,
	    int (*fn)(void *ctx, size_t index, const char *key, yaml_node_t *v),
	    void *ctx);

#endif
