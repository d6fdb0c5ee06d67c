/* period: reporting periods with DHIS2-style codes (2025, 2025S1, 2025Q3,
 * 202509, cumulative 2025M9) and the calendar dates they cover. Pure. */
#ifndef NQ57_PERIOD_H
#define NQ57_PERIOD_H

#include <stdbool.h>
#include <stddef.h>

typedef enum period_kind {
	PERIOD_YEAR,
	PERIOD_HALF,
	PERIOD_QUARTER,
	PERIOD_MONTH,
	PERIOD_CUMULATIVE   /* January to month n: "9 tháng" */
} period_kind;

typedef struct period {
	period_kind kind;
	int year;   /* 1900..9999 */
	int n;      /* half 1-2, quarter 1-4, month 1-12, cumulative months 1-12, 0 for a year */
} period;

typedef struct date_ymd {
	int y, m, d;
} date_ymd;

#define PERIOD_YEAR_MIN 1900
#define PERIOD_YEAR_MAX 9999

/* Parses a canonical code from s[0..len) (need not be NUL-terminated), or
 * a period in the words officials type, in any case, with or without
 * diacritics, NFC or NFD: "Quý 3/2026", "quý III năm 2026", "Q3/2026",
 * "6 tháng đầu năm 2025" and "6 tháng 2025" (2025S1), "6 tháng cuối năm
 * 2025" (2025S2), "9 tháng 2025" (2025M9), "Năm 2025", "Tháng 9/2025",
 * "tháng 09 năm 2025", "H1 2025". Returns 0, or ERR_INVALID with a message
 * quoting the text as typed and saying what is wrong ("period '2025Q5':
 * quarter must be 1 to 4"). */
int period_parse(period *out, const char *s, size_t len);

/* True if p has a known kind, a year in range and an n that fits it. */
bool period_valid(const period *p);

/* Writes the canonical code, which period_parse reads back. */
void period_format(const period *p, char out[static 16]);

/* First and last (inclusive) day covered. */
date_ymd period_start(const period *p);
date_ymd period_end(const period *p);

/* The reporting deadline: the end date plus days_after_end days, kept
 * within 0001-01-01..9999-12-31. */
date_ymd period_deadline(const period *p, int days_after_end);

/* True if inner's days all lie within outer's (a period contains itself). */
bool period_contains(const period *outer, const period *inner);

/* The following / preceding period of the same kind; cumulative periods
 * step one month (2025M12 -> 2026M1). The year may leave the valid range
 * at its ends; check with period_valid. */
period period_next(const period *p);
period period_prev(const period *p);

/* Labels as officials write them, into out[0..n): "Năm 2025",
 * "6 tháng đầu năm 2025", "Quý III/2025", "Tháng 9/2025",
 * "9 tháng năm 2025"; and "2025", "H1 2025", "Q3 2025", "September 2025",
 * "January–September 2025". Return 0, or ERR_TOOLARGE if n is too small
 * (out then holds a truncated, NUL-terminated label). */
int period_label_vi(const period *p, char *out, size_t n);
int period_label_en(const period *p, char *out, size_t n);

/* The Vietnamese label of period_label_vi into a buffer that always holds
 * it: "Quý III/2025", "6 tháng đầu năm 2025", "9 tháng năm 2025". */
#define PERIOD_LABEL_MAX 48
void period_format_vi(const period *p, char out[static PERIOD_LABEL_MAX]);

/* "year", "half", "quarter", "month", "cumulative". */
const char *period_kind_name(period_kind k);

/* Parses an ISO date "YYYY-MM-DD" from s[0..len), checking that the day
 * exists (29 February only in leap years) and the year is 1900..9999.
 * Returns 0 or ERR_INVALID naming the text and the problem. */
int date_parse(date_ymd *out, const char *s, size_t len);

bool date_valid(date_ymd d);
bool date_is_leap_year(int y);
int date_days_in_month(int y, int m);

/* "2025-09-30" and "30/09/2025"; d must be valid. */
void date_format_iso(date_ymd d, char out[static 11]);
void date_format_vi(date_ymd d, char out[static 11]);

/* Days since 1970-01-01 (negative before), proleptic Gregorian calendar,
 * for years 1..9999; and back. */
long date_to_days(date_ymd d);
date_ymd date_from_days(long days);

#endif
