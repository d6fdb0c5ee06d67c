/* period: parsing, formatting, labels and date arithmetic for reporting
 * periods and calendar dates (proleptic Gregorian, no time zones). */
#include "util/period.h"
#include "util/err.h"

#include <assert.h>
#include <stdio.h>

static const char *const month_names_en[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

/* ---------------------------------------------------------------------- */
/* Calendar dates */

bool date_is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	assert(m >= 1 && m <= 12);
	return days[m - 1] + (m == 2 && date_is_leap_year(y));
}

bool date_valid(date_ymd d)
{
	return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 &&
	       d.d >= 1 && d.d <= date_days_in_month(d.y, d.m);
}

/* Days from 0001-01-01 to the first of January of year y. */
static long date__days_before_year(long y)
{
	long p = y - 1;
	return 365 * p + p / 4 - p / 100 + p / 400;
}

static int date__days_before_month(int y, int m)
{
	int n = 0;
	for (int i = 1; i < m; i++)
		n += date_days_in_month(y, i);
	return n;
}

#define DAYS_0001_TO_1970 719162L

long date_to_days(date_ymd d)
{
	assert(date_valid(d));
	return date__days_before_year(d.y) + date__days_before_month(d.y, d.m) + d.d - 1 -
	       DAYS_0001_TO_1970;
}

date_ymd date_from_days(long days)
{
	long t = days + DAYS_0001_TO_1970;   /* days since 0001-01-01 */
	assert(t >= 0 && t < date__days_before_year(10000));
	/* 146097 days make 400 years; the estimate is off by at most one. */
	long y = t * 400 / 146097 + 1;
	while (date__days_before_year(y + 1) <= t)
		y++;
	while (date__days_before_year(y) > t)
		y--;
	date_ymd d = { (int)y, 1, 1 };
	long left = t - date__days_before_year(y);
	while (left >= date_days_in_month(d.y, d.m))
		left -= date_days_in_month(d.y, d.m++);
	d.d = (int)left + 1;
	return d;
}

/* Writes v as exactly width decimal digits, zero-padded. */
static void date__put_digits(char *dst, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		dst[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void date_format_iso(date_ymd d, char out[static 11])
{
	assert(date_valid(d));
	date__put_digits(out, d.y, 4);
	out[4] = '-';
	date__put_digits(out + 5, d.m, 2);
	out[7] = '-';
	date__put_digits(out + 8, d.d, 2);
	out[10] = '\0';
}

void date_format_vi(date_ymd d, char out[static 11])
{
	assert(date_valid(d));
	date__put_digits(out, d.d, 2);
	out[2] = '/';
	date__put_digits(out + 3, d.m, 2);
	out[5] = '/';
	date__put_digits(out + 6, d.y, 4);
	out[10] = '\0';
}

/* ---------------------------------------------------------------------- */
/* Parsing helpers shared by dates and periods */

static bool period__digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int period__number(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Copies user text for an error message: at most 20 bytes, anything but
 * printable ASCII shown as '?', so the message stays one clean line. */
static void period__show(char out[static 25], const char *s, size_t len)
{
	size_t n = len > 20 ? 20 : len;
	for (size_t i = 0; i < n; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (len > n) {
		out[n++] = '.';
		out[n++] = '.';
		out[n++] = '.';
	}
	out[n] = '\0';
}

int date_parse(date_ymd *out, const char *s, size_t len)
{
	char shown[25];
	period__show(shown, s, len);
	if (len != 10 || s[4] != '-' || s[7] != '-' || !period__digits(s, 4) ||
	    !period__digits(s + 5, 2) || !period__digits(s + 8, 2))
		return err_set(ERR_INVALID, "date '%s': expected YYYY-MM-DD", shown);
	date_ymd d = { period__number(s, 4), period__number(s + 5, 2), period__number(s + 8, 2) };
	if (d.y < PERIOD_YEAR_MIN)
		return err_set(ERR_INVALID, "date '%s': year must be %d to %d", shown,
			       PERIOD_YEAR_MIN, PERIOD_YEAR_MAX);
	if (d.m < 1 || d.m > 12)
		return err_set(ERR_INVALID, "date '%s': month must be 01 to 12", shown);
	int last = date_days_in_month(d.y, d.m);
	if (d.d < 1 || d.d > last)
		return err_set(ERR_INVALID, "date '%s': day must be 01 to %d in %s %d", shown,
			       last, month_names_en[d.m - 1], d.y);
	*out = d;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Periods */

/* What follows the year for each lettered kind. */
typedef struct period__suffix {
	char letter;
	period_kind kind;
	int max;
	const char *range;   /* the error when n is out of range */
} period__suffix;

static const period__suffix period__suffixes[] = {
	{ 'S', PERIOD_HALF, 2, "half year must be 1 or 2" },
	{ 'Q', PERIOD_QUARTER, 4, "quarter must be 1 to 4" },
	{ 'M', PERIOD_CUMULATIVE, 12, "cumulative months must be 1 to 12" },
};

static const period__suffix *period__suffix_find(char letter)
{
	for (size_t i = 0; i < sizeof(period__suffixes) / sizeof(period__suffixes[0]); i++)
		if (period__suffixes[i].letter == letter)
			return &period__suffixes[i];
	return NULL;
}

/* How many periods of kind k a year has. */
static int period__per_year(period_kind k)
{
	switch (k) {
	case PERIOD_YEAR: return 1;
	case PERIOD_HALF: return 2;
	case PERIOD_QUARTER: return 4;
	case PERIOD_MONTH: return 12;
	case PERIOD_CUMULATIVE: return 12;
	}
	return 0;
}

bool period_valid(const period *p)
{
	if (p->year < PERIOD_YEAR_MIN || p->year > PERIOD_YEAR_MAX)
		return false;
	if (p->kind == PERIOD_YEAR)
		return p->n == 0;
	int max = period__per_year(p->kind);
	return max > 0 && p->n >= 1 && p->n <= max;
}

static int period__fail(const char *s, size_t len, const char *why)
{
	char shown[25];
	period__show(shown, s, len);
	return err_set(ERR_INVALID, "period '%s': %s", shown, why);
}

#define PERIOD__EXPECTED "expected a code such as 2025, 2025S1, 2025Q3, 202509 or 2025M9"

/* Parses "S1", "Q3", "M9", "M12" after the year at s[4..len). */
static int period__parse_suffix(period *out, const char *s, size_t len)
{
	const period__suffix *sx = period__suffix_find(s[4]);
	if (!sx) {
		char why[96];
		snprintf(why, sizeof(why), "period type must be S (half year), Q (quarter) or "
			 "M (months from January), not '%c'", s[4] >= 0x20 && s[4] < 0x7f ? s[4] : '?');
		return period__fail(s, len, why);
	}
	size_t k = 0;
	while (5 + k < len && period__digits(s + 5 + k, 1))
		k++;
	if (k > 0 && k <= 2 && 5 + k < len) {
		char why[48];
		snprintf(why, sizeof(why), "unexpected text after '%.*s'", (int)(5 + k), s);
		return period__fail(s, len, why);
	}
	int n = (k == 0 || k > 2 || s[5] == '0') ? 0 : period__number(s + 5, k);
	if (n < 1 || n > sx->max)
		return period__fail(s, len, sx->range);
	*out = (period){ sx->kind, period__number(s, 4), n };
	return 0;
}

int period_parse(period *out, const char *s, size_t len)
{
	if (len == 0)
		return err_set(ERR_INVALID, "period is empty");
	if (len < 4 || !period__digits(s, 4))
		return period__fail(s, len, PERIOD__EXPECTED);
	int year = period__number(s, 4);
	if (year < PERIOD_YEAR_MIN)
		return period__fail(s, len, "year must be 1900 to 9999");
	if (len == 4) {
		*out = (period){ PERIOD_YEAR, year, 0 };
		return 0;
	}
	if (!period__digits(s + 4, 1))
		return period__parse_suffix(out, s, len);
	if (len != 6 || !period__digits(s + 5, 1))
		return period__fail(s, len, PERIOD__EXPECTED);
	int month = period__number(s + 4, 2);
	if (month < 1 || month > 12)
		return period__fail(s, len, "month must be 01 to 12");
	*out = (period){ PERIOD_MONTH, year, month };
	return 0;
}

void period_format(const period *p, char out[static 16])
{
	assert(period_valid(p));
	switch (p->kind) {
	case PERIOD_YEAR: snprintf(out, 16, "%04d", p->year); break;
	case PERIOD_HALF: snprintf(out, 16, "%04dS%d", p->year, p->n); break;
	case PERIOD_QUARTER: snprintf(out, 16, "%04dQ%d", p->year, p->n); break;
	case PERIOD_MONTH: snprintf(out, 16, "%04d%02d", p->year, p->n); break;
	case PERIOD_CUMULATIVE: snprintf(out, 16, "%04dM%d", p->year, p->n); break;
	}
}

const char *period_kind_name(period_kind k)
{
	switch (k) {
	case PERIOD_YEAR: return "year";
	case PERIOD_HALF: return "half";
	case PERIOD_QUARTER: return "quarter";
	case PERIOD_MONTH: return "month";
	case PERIOD_CUMULATIVE: return "cumulative";
	}
	return "unknown";
}

/* The first and last month (1-12) a period covers. */
static void period__months(const period *p, int *first, int *last)
{
	assert(period_valid(p));
	*first = 1;
	*last = 12;
	switch (p->kind) {
	case PERIOD_YEAR: return;
	case PERIOD_HALF: *first = 6 * p->n - 5; *last = 6 * p->n; return;
	case PERIOD_QUARTER: *first = 3 * p->n - 2; *last = 3 * p->n; return;
	case PERIOD_MONTH: *first = p->n; *last = p->n; return;
	case PERIOD_CUMULATIVE: *first = 1; *last = p->n; return;
	}
}

date_ymd period_start(const period *p)
{
	int first, last;
	period__months(p, &first, &last);
	return (date_ymd){ p->year, first, 1 };
}

date_ymd period_end(const period *p)
{
	int first, last;
	period__months(p, &first, &last);
	return (date_ymd){ p->year, last, date_days_in_month(p->year, last) };
}

date_ymd period_deadline(const period *p, int days_after_end)
{
	return date_from_days(date_to_days(period_end(p)) + days_after_end);
}

bool period_contains(const period *outer, const period *inner)
{
	return date_to_days(period_start(outer)) <= date_to_days(period_start(inner)) &&
	       date_to_days(period_end(inner)) <= date_to_days(period_end(outer));
}

period period_next(const period *p)
{
	period r = *p;
	if (r.kind == PERIOD_YEAR) {
		r.year++;
	} else if (r.n == period__per_year(r.kind)) {
		r.year++;
		r.n = 1;
	} else {
		r.n++;
	}
	return r;
}

period period_prev(const period *p)
{
	period r = *p;
	if (r.kind == PERIOD_YEAR) {
		r.year--;
	} else if (r.n == 1) {
		r.year--;
		r.n = period__per_year(r.kind);
	} else {
		r.n--;
	}
	return r;
}

/* ---------------------------------------------------------------------- */
/* Labels */

static int period__label_done(int written, size_t n)
{
	if (written < 0)
		return err_set(ERR_GENERIC, "period label could not be formatted");
	if ((size_t)written >= n)
		return err_set(ERR_TOOLARGE, "period label needs %d bytes, the buffer has %zu",
			       written + 1, n);
	return 0;
}

int period_label_vi(const period *p, char *out, size_t n)
{
	static const char *const roman[4] = { "I", "II", "III", "IV" };
	assert(period_valid(p));
	int w = 0;
	switch (p->kind) {
	case PERIOD_YEAR: w = snprintf(out, n, "Năm %d", p->year); break;
	case PERIOD_HALF:
		w = snprintf(out, n, "6 tháng %s năm %d", p->n == 1 ? "đầu" : "cuối", p->year);
		break;
	case PERIOD_QUARTER: w = snprintf(out, n, "Quý %s/%d", roman[p->n - 1], p->year); break;
	case PERIOD_MONTH: w = snprintf(out, n, "Tháng %d/%d", p->n, p->year); break;
	case PERIOD_CUMULATIVE: w = snprintf(out, n, "%d tháng năm %d", p->n, p->year); break;
	}
	return period__label_done(w, n);
}

int period_label_en(const period *p, char *out, size_t n)
{
	assert(period_valid(p));
	int w = 0;
	switch (p->kind) {
	case PERIOD_YEAR: w = snprintf(out, n, "%d", p->year); break;
	case PERIOD_HALF: w = snprintf(out, n, "H%d %d", p->n, p->year); break;
	case PERIOD_QUARTER: w = snprintf(out, n, "Q%d %d", p->n, p->year); break;
	case PERIOD_MONTH: w = snprintf(out, n, "%s %d", month_names_en[p->n - 1], p->year); break;
	case PERIOD_CUMULATIVE:
		if (p->n == 1)
			w = snprintf(out, n, "January %d", p->year);
		else   /* joined by an en dash, U+2013 */
			w = snprintf(out, n, "January–%s %d", month_names_en[p->n - 1], p->year);
		break;
	}
	return period__label_done(w, n);
}
