/* time: wall-clock timestamps as the database stores them, ISO 8601 in UTC
 * with whole seconds ("2026-11-23T02:55:13Z"), so that text order is time
 * order on both SQLite and PostgreSQL. */
#ifndef NQ57_TIME_H
#define NQ57_TIME_H

#include <stdbool.h>
#include <time.h>

#define TIME_ISO_SIZE 21

/* Now (the test clock when NQ57_TEST_CLOCK_FILE is set; see time.c). */
time_t time_now(void);
/* Now, and now plus `seconds` (may be negative). */
void time_now_iso(char out[static TIME_ISO_SIZE]);
void time_iso_from_now(char out[static TIME_ISO_SIZE], long seconds);
void time_iso_from(char out[static TIME_ISO_SIZE], time_t t);

/* Parses the format above (also "YYYY-MM-DD", as midnight UTC).
 * Returns false when s is not such a timestamp. */
bool time_parse_iso(time_t *out, const char *s);

/* Viet Nam's time, UTC+7 all year (no summer time): the clock and the
 * calendar day its officials live by. */
#define TIME_VN_OFFSET_SECONDS (7 * 3600)
/* The broken-down time of t in Viet Nam. */
void time_vn_tm(struct tm *out, time_t t);

#endif
