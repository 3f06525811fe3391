#include "yamlwalk.h"

#include <stdio.h>
#include <string.h>

#include "../policy/suggest.h"
#include "xalloc.h"

int yw_line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

int yw_fail(const struct yw *w, const yaml_node_t *n, const char *fmt,
	    const char *a, const char *b)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, a, b ? b : "");
	return err_set(w->e, "%s:%d: %s", w->file, yw_line(n), msg);
}

yaml_node_t *yw_node(const struct yw *w, int id)
{
	return yaml_document_get_node(w->doc, id);
}

const char *yw_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
					   : NULL;
}

int yw_want_scalar(const struct yw *w, const yaml_node_t *n, const char *key,
		   const char **out)
{
	*out = yw_scalar(n);
	if (*out == NULL)
		return yw_fail(w, n, "'%s' must be a single value%s", key, NULL);
	return 0;
}

int yw_want_bool(const struct yw *w, const yaml_node_t *n, const char *key,
		 bool *out)
{
	const char *s;

	if (yw_want_scalar(w, n, key, &s) < 0)
		return -1;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) {
		*out = false;
		return 0;
	}
	return yw_fail(w, n, "'%s' must be true or false, not '%s'", key, s);
}

static void push_item(const yaml_node_t *n, const char *s, struct strv *out,
		      int **lines)
{
	strv_push(out, s);
	if (lines) {
		*lines = xrealloc(*lines, out->n * sizeof(**lines));
		(*lines)[out->n - 1] = yw_line(n);
	}
}

int yw_want_list(const struct yw *w, const yaml_node_t *n, const char *key,
		 struct strv *out, bool allow_empty_items, int **lines)
{
	if (n->type == YAML_SCALAR_NODE) {
		if (n->data.scalar.length != 0)
			push_item(n, yw_scalar(n), out, lines);
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return yw_fail(w, n, "'%s' must be a list%s", key, NULL);
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		const yaml_node_t *item = yw_node(w, *it);
		const char *s = yw_scalar(item);

		if (s == NULL)
			return yw_fail(w, item, "items of '%s' must be single values%s",
				       key, NULL);
		if (*s == '\0' && !allow_empty_items)
			return yw_fail(w, item, "empty item in '%s'%s", key, NULL);
		push_item(item, s, out, lines);
	}
	return 0;
}

static int check_key(const struct yw *w, const yaml_node_t *map,
		     const yaml_node_pair_t *pr, const char *what,
		     const char *const *names, size_t n, size_t *index)
{
	const yaml_node_t *k = yw_node(w, pr->key);
	const char *ks = yw_scalar(k);

	if (ks == NULL)
		return yw_fail(w, k, "keys in '%s' must be plain words%s", what,
			       NULL);
	for (const yaml_node_pair_t *q = map->data.mapping.pairs.start; q < pr;
	     q++) {
		const char *qs = yw_scalar(yw_node(w, q->key));

		if (qs && strcmp(qs, ks) == 0)
			return yw_fail(w, k, "duplicate key '%s'%s", ks, NULL);
	}
	for (*index = 0; *index < n; (*index)++)
		if (strcmp(names[*index], ks) == 0)
			return 0;
	{
		const char *s = suggest(ks, names, n);
		char hint[96] = "";

		if (s)
			snprintf(hint, sizeof(hint), " (did you mean '%s'?)", s);
		return yw_fail(w, k, "unknown key '%s'%s", ks, hint);
	}
}

int yw_walk(const struct yw *w, const yaml_node_t *map, const char *what,
	    const char *const *names, size_t n,
	    int (*fn)(void *ctx, size_t index, const char *key, yaml_node_t *v),
	    void *ctx)
{
	if (map->type != YAML_MAPPING_NODE)
		return yw_fail(w, map, "'%s' must be a mapping of keys%s", what,
			       NULL);
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		size_t i = 0;

		if (check_key(w, map, pr, what, names, n, &i) < 0 ||
		    fn(ctx, i, yw_scalar(yw_node(w, pr->key)),
		       yw_node(w, pr->value)) < 0)
			return -1;
	}
	return 0;
}
