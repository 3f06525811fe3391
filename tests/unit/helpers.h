/* helpers.h — shared fixtures for the unit tests of the policy model.
 *
 * Nothing here touches the filesystem except read_text(), which the shipped
 * data tests use to read profiles/ from the source tree.
 */
#ifndef LATCH_TEST_HELPERS_H
#define LATCH_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "../../common/err.h"
#include "../../common/strv.h"
#include "../../policy/capset.h"
#include "../../policy/profile.h"
#include "../../policy/vars.h"

/* The variables every test uses unless it says otherwise:
 * home=/home/u, workdir=/home/u/proj, tmpdir=/tmp, uid=1000, no XDG_*. */
struct vars test_vars(void);

/* Parse `yaml` as file "profiles/NAME.yaml" (or "groups/NAME.yaml" for a
 * group); the test fails with the parser's message if it does not parse. */
struct profile *parse_ok(const char *name, bool is_group, const char *yaml);

/* Parse `yaml` (file "test.yaml", name "test"), require it to fail, and
 * return the message (a static buffer, valid until the next call). */
const char *parse_fail(bool is_group, const char *yaml);

/* A fake filesystem for capset_build: a table of paths that exist; the
 * canonical form of a path is the path itself. */
struct fake_fs {
	struct {
		const char *path;
		enum path_state st;
	} e[64];
	size_t n;
	bool all_dirs;          /* every path exists, as a directory */
	const char *hard_error; /* resolving this path fails outright */
	size_t calls;
};

void fake_add(struct fake_fs *fs, const char *path, enum path_state st);
char *fake_resolve(const char *path, enum path_state *st, void *ctx);

/* Number of strings in `sv` that contain `needle`. */
size_t strv_count_substr(const struct strv *sv, const char *needle);

/* Whole file into a fresh NUL-terminated buffer, or NULL. */
char *read_text(const char *path, size_t *len);

#endif
