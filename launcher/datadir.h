/* datadir.h — where latch's shipped data (profiles/, profiles/groups/) is.
 *
 * Search order: $LATCH_DATA_DIR; the directory of the running binary (a build
 * tree: ./latch beside ./profiles); its parent (an out-of-tree build such as
 * build-asan/latch); <bindir>/../share/latch (an install); the compiled-in
 * LATCH_DATADIR. The first that holds profiles/default.yaml wins.
 */
#ifndef LATCH_DATADIR_H
#define LATCH_DATADIR_H

/* A static string; NULL if no data directory was found. */
const char *datadir(void);

/* The file latch's code runs from, canonical: the latch binary, or
 * liblatch.so when a program embeds it; found when it is loaded. A static
 * string; NULL if unknown. */
const char *datadir_image(void);

#endif
