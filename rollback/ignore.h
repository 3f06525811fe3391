/* ignore.h — .gitignore semantics for the snapshot walk. Pure: no I/O.
 *
 * Each directory's .gitignore (and the top's .git/info/exclude) adds its
 * patterns for the paths below it; for a path, the last matching pattern
 * of the innermost file that has one decides ("!" re-includes). As in git:
 * blank lines and "#" comments are skipped, trailing spaces dropped unless
 * escaped; a trailing "/" matches directories only; a pattern with a "/"
 * before its end is anchored to its file's directory, else it matches the
 * name at any depth; a star or "?" never matches "/", two stars as a whole
 * component match across directories (any number of them, none included);
 * "[...]" classes; "\" escapes. A file below an ignored directory is never
 * looked at (the walk does not enter it). Matching one path is bounded (a
 * step budget over all patterns; past it the path is kept), and so is a
 * pattern (4096 bytes, 32 stars; longer ones are not read).
 */
#ifndef LATCH_IGNORE_H
#define LATCH_IGNORE_H

#include <stdbool.h>
#include <stddef.h>

struct ignore_pat {
	char *glob;     /* escapes kept, leading "/" and trailing "/" removed */
	bool negate, dir_only, anchored;
};

/* The patterns of one file, for the paths below `base` ("" at the top). */
struct ignore_file {
	char *base;
	struct ignore_pat *v;
	size_t n;
};

struct ignores {
	struct ignore_file *v; /* outermost first */
	size_t n;
};

/* Add the patterns of `text` (a .gitignore's content) for `base`. */
void ignores_push(struct ignores *ig, const char *base, const char *text);
/* Drop the innermost file's patterns. */
void ignores_pop(struct ignores *ig);
void ignores_free(struct ignores *ig);

/* Whether `path` (relative to the top) is ignored. */
bool ignored(const struct ignores *ig, const char *path, bool is_dir);

/* `glob` against `s`, git's way ("*" within a component, "**" across). */
bool ignore_glob(const char *glob, const char *s);

#endif
