/* record.c — how every record begins. */
#include "record.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void record_time(char *buf, size_t n, bool compact)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (compact) {
		strftime(buf, n, "%Y%m%dT%H%M%SZ", &tm);
	} else {
		char base[32];

		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf, n, "%s.%03ldZ", base, ts.tv_nsec / 1000000L);
	}
}

cJSON *record_new(unsigned long seq, const char *event)
{
	cJSON *o = cJSON_CreateObject();
	char now[48];

	record_time(now, sizeof(now), false);
	cJSON_AddNumberToObject(o, "seq", (double)seq);
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
