/* record.h — how every record of a log or the ledger begins:
 * {"seq":N,"time":"2026-11-29T03:14:59.123Z","event":"…", … */
#ifndef LATCH_RECORD_H
#define LATCH_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* A new record with its first three members, the time being now (UTC). */
cJSON *record_new(unsigned long seq, const char *event);

/* An integer member, printed as one (cJSON prints numbers as doubles,
 * at a cost every record pays). */
void record_int(cJSON *o, const char *key, long long v);

/* A string member, or null when `v` is NULL. */
void record_str(cJSON *o, const char *key, const char *v);

/* A record's string member, or NULL; its number member, or -1. */
const char *rec_str(const cJSON *o, const char *key);
double rec_num(const cJSON *o, const char *key);

/* The seq of a line that begins as a record does; 0 when it does not. */
unsigned long record_seq(const char *line, size_t len);

/* Now, UTC: "2026-11-29T03:14:59.123Z", or "20261129T031459Z". */
void record_time(char *buf, size_t n, bool compact);

#endif
