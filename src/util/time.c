/* time: UTC timestamps in the one text format the database stores. */
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void time_iso_from(char out[static TIME_ISO_SIZE], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, TIME_ISO_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Tests set the clock: NQ57_TEST_CLOCK_FILE names a file holding an ISO
 * time, read at every call, so a test can move time on (deadlines, late
 * submissions) without sleeping. Unset in production. */
time_t time_now(void)
{
	static const char *path;
	static int checked;
	if (!checked) {
		path = getenv("NQ57_TEST_CLOCK_FILE");
		checked = 1;
	}
	if (path) {
		char buf[64] = "";
		FILE *f = fopen(path, "r");
		time_t t;
		if (f) {
			if (fgets(buf, sizeof(buf), f))
				buf[strcspn(buf, "\r\n")] = '\0';
			fclose(f);
			if (time_parse_iso(&t, buf))
				return t;
		}
	}
	return time(NULL);
}

void time_now_iso(char out[static TIME_ISO_SIZE]) { time_iso_from(out, time_now()); }

void time_iso_from_now(char out[static TIME_ISO_SIZE], long seconds)
{
	time_iso_from(out, time_now() + seconds);
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

void time_vn_tm(struct tm *out, time_t t)
{
	t += TIME_VN_OFFSET_SECONDS;
	gmtime_r(&t, out);
}
