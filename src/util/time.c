/* time: UTC timestamps in the one text format the database stores. */
#include "util/time.h"

#include <stdio.h>
#include <string.h>

void time_iso_from(char out[static TIME_ISO_SIZE], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, TIME_ISO_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_now_iso(char out[static TIME_ISO_SIZE]) { time_iso_from(out, time(NULL)); }

void time_iso_from_now(char out[static TIME_ISO_SIZE], long seconds)
{
	time_iso_from(out, time(NULL) + seconds);
}

bool time_parse_iso(time_t *out, const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y-%m-%d", &tm);
		if (!end || *end)
			return false;
	}
	*out = timegm(&tm);
	return true;
}
