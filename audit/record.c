/* record.c — how every record begins. */
#include "record.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void record_time(char *buf, size_t n, bool compact)
{
	/* the second's text, made once a second per thread */
	static _Thread_local time_t last = -1;
	static _Thread_local char base[32];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (compact) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(buf, n, "%Y%m%dT%H%M%SZ", &tm);
		return;
	}
	if (ts.tv_sec != last) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		last = ts.tv_sec;
	}
	snprintf(buf, n, "%s.%03ldZ", base, ts.tv_nsec / 1000000L);
}

void record_int(cJSON *o, const char *key, long long v)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", v);
	cJSON_AddRawToObject(o, key, text);
}

void record_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *record_new(unsigned long seq, const char *event)
{
	cJSON *o = cJSON_CreateObject();
	char now[48];

	record_time(now, sizeof(now), false);
	record_int(o, "seq", (long long)seq);
	cJSON_AddStringToObject(o, "time", now);
	cJSON_AddStringToObject(o, "event", event);
	return o;
}

unsigned long record_seq(const char *line, size_t len)
{
	static const char prefix[] = "{\"seq\":";
	unsigned long seq = 0;
	size_t i = sizeof(prefix) - 1;

	if (len <= i || memcmp(line, prefix, i) != 0 || line[i] == '0')
		return 0;
	for (; i < len && line[i] >= '0' && line[i] <= '9'; i++) {
		if (seq > (~0UL - 9) / 10)
			return 0;
		seq = seq * 10 + (unsigned long)(line[i] - '0');
	}
	return i < len && line[i] == ',' ? seq : 0;
}

const char *rec_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double rec_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}
