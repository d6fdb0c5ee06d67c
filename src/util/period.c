/* period: parsing, formatting, labels and date arithmetic for reporting
 * periods and calendar dates (proleptic Gregorian, no time zones). */
#include "util/period.h"
#include "util/err.h"

#include "util/utf8.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Copies user text for an error message as it was typed: at most about
 * 40 bytes, cut at a character boundary; bytes that are not valid UTF-8
 * and control characters are shown as '?', so the message stays one clean
 * line of valid UTF-8. */
#define PERIOD__SHOW_MAX 40
static void period__show(char out[static PERIOD__SHOW_MAX + 8], const char *s, size_t len)
{
	size_t i = 0, n = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t w = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
		if (w == 0 || i + w > len || !utf8_valid(s + i, w))
			w = 0;
		if (n + (w ? w : 1) > PERIOD__SHOW_MAX) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (w == 0 || (w == 1 && (c < 0x20 || c == 0x7f))) {
			out[n++] = '?';
			i++;
			continue;
		}
		memcpy(out + n, s + i, w);
		n += w;
		i += w;
	}
	out[n] = '\0';
}

int date_parse(date_ymd *out, const char *s, size_t len)
{
	char shown[PERIOD__SHOW_MAX + 8];
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
		return err_set(ERR_INVALID, "date '%s': day must be 01 to %d in %02d/%d", shown,
			       last, d.m, d.y);
	*out = d;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Periods */

/* The ways a period can be wrong, each with its own message (template) so
 * that clients can say it in their own language. */
typedef enum period__error {
	PERIOD__OK = -1,
	PERIOD__E_FORM,
	PERIOD__E_YEAR,
	PERIOD__E_HALF,
	PERIOD__E_QUARTER,
	PERIOD__E_CUMULATIVE,
	PERIOD__E_MONTH
} period__error;

static int period__fail(const char *s, size_t len, period__error e)
{
	char shown[PERIOD__SHOW_MAX + 8];
	period__show(shown, s, len);
	switch (e) {
	case PERIOD__E_YEAR:
		return err_set(ERR_INVALID, "period '%s': year must be 1900 to 9999", shown);
	case PERIOD__E_HALF:
		return err_set(ERR_INVALID, "period '%s': half year must be 1 or 2", shown);
	case PERIOD__E_QUARTER:
		return err_set(ERR_INVALID, "period '%s': quarter must be 1 to 4", shown);
	case PERIOD__E_CUMULATIVE:
		return err_set(ERR_INVALID, "period '%s': cumulative months must be 1 to 12", shown);
	case PERIOD__E_MONTH:
		return err_set(ERR_INVALID, "period '%s': month must be 01 to 12", shown);
	case PERIOD__OK:
	case PERIOD__E_FORM:
		break;
	}
	return err_set(ERR_INVALID, "period '%s': expected a code such as 2025, 2025S1, 2025Q3, "
		       "202509 or 2025M9, or words such as Quý 3/2025, 6 tháng đầu năm 2025, "
		       "9 tháng năm 2025, Tháng 9/2025 or Năm 2025", shown);
}

/* What follows the year for each lettered kind. */
typedef struct period__suffix {
	char letter;
	period_kind kind;
	int max;
	period__error range;   /* the error when n is out of range */
} period__suffix;

static const period__suffix period__suffixes[] = {
	{ 'S', PERIOD_HALF, 2, PERIOD__E_HALF },
	{ 'Q', PERIOD_QUARTER, 4, PERIOD__E_QUARTER },
	{ 'M', PERIOD_CUMULATIVE, 12, PERIOD__E_CUMULATIVE },
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

/* Parses "S1", "Q3", "M9", "M12" after the year at s[4..len). */
static int period__parse_suffix(period *out, const char *s, size_t len)
{
	const period__suffix *sx = period__suffix_find(s[4]);
	if (!sx) {
		char shown[PERIOD__SHOW_MAX + 8], letter[PERIOD__SHOW_MAX + 8];
		unsigned char c = (unsigned char)s[4];
		size_t w = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
		period__show(shown, s, len);
		period__show(letter, s + 4, 4 + w <= len ? w : 1);   /* the whole character */
		return err_set(ERR_INVALID, "period '%s': period type must be S (half year), Q (quarter) or "
			       "M (months from January), not '%s'", shown, letter);
	}
	size_t k = 0;
	while (5 + k < len && period__digits(s + 5 + k, 1))
		k++;
	if (k > 0 && k <= 2 && 5 + k < len) {
		char shown[PERIOD__SHOW_MAX + 8];
		period__show(shown, s, len);
		return err_set(ERR_INVALID, "period '%s': unexpected text after '%.*s'", shown, (int)(5 + k), s);
	}
	int n = (k == 0 || k > 2 || s[5] == '0') ? 0 : period__number(s + 5, k);
	if (n < 1 || n > sx->max)
		return period__fail(s, len, sx->range);
	*out = (period){ sx->kind, period__number(s, 4), n };
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Periods in words, as officials type them: "Quý 3/2026", "quý III năm
 * 2026", "Q3/2026", "6 tháng đầu năm 2025", "6 tháng 2025" (the first
 * half), "6 tháng cuối năm 2025", "9 tháng 2025" (cumulative 2025M9),
 * "Năm 2025", "Tháng 9/2025", "tháng 09 năm 2025"; also "H1 2025". The
 * text is folded first (case, diacritics, NFC/NFD, đ), then read as runs
 * of letters and runs of digits; anything else separates them. */

#define PERIOD__MAX_TOKENS 8

typedef struct period__tok {
	const char *p;
	size_t len;
	bool digits;
} period__tok;

static int period__tokenise(period__tok *out, const char *f)
{
	int n = 0;
	for (const char *p = f; *p;) {
		bool digit = *p >= '0' && *p <= '9', alpha = *p >= 'a' && *p <= 'z';
		if (!digit && !alpha) {
			p++;
			continue;
		}
		const char *q = p;
		while (*q && (digit ? (*q >= '0' && *q <= '9') : (*q >= 'a' && *q <= 'z')))
			q++;
		if (n == PERIOD__MAX_TOKENS)
			return -1;
		out[n++] = (period__tok){ p, (size_t)(q - p), digit };
		p = q;
	}
	return n;
}

static bool period__is(const period__tok *t, const char *word)
{
	return !t->digits && t->len == strlen(word) && memcmp(t->p, word, t->len) == 0;
}

/* A number of one or two digits, or a roman numeral I to IV when roman. */
static bool period__small(const period__tok *t, bool roman, int *out)
{
	static const char *const romans[] = { "i", "ii", "iii", "iv" };
	if (t->digits && t->len <= 2) {
		*out = period__number(t->p, t->len);
		return true;
	}
	for (int i = 0; roman && i < 4; i++)
		if (period__is(t, romans[i])) {
			*out = i + 1;
			return true;
		}
	return false;
}

/* Reads "[năm] YYYY" at t[i..n), which must end there. Returns the year,
 * 0 if that is not what is there, -1 if the year is out of range. */
static int period__year_at(const period__tok *t, int i, int n)
{
	if (i < n && period__is(&t[i], "nam"))
		i++;
	if (i != n - 1 || !t[i].digits || t[i].len != 4)
		return 0;
	int y = period__number(t[i].p, 4);
	return y < PERIOD_YEAR_MIN ? -1 : y;
}

/* Matches the tokens; returns the error when they are not a period. */
static period__error period__match_words(period *out, const period__tok *t, int n)
{
	int v = 0, y;
	if (n >= 2 && (period__is(&t[0], "quy") || period__is(&t[0], "q")) && period__small(&t[1], true, &v)) {
		if ((y = period__year_at(t, 2, n)) <= 0)
			return y < 0 ? PERIOD__E_YEAR : PERIOD__E_FORM;
		*out = (period){ PERIOD_QUARTER, y, v };
		return v >= 1 && v <= 4 ? PERIOD__OK : PERIOD__E_QUARTER;
	}
	if (n >= 2 && period__is(&t[0], "h") && period__small(&t[1], false, &v)) {
		if ((y = period__year_at(t, 2, n)) <= 0)
			return y < 0 ? PERIOD__E_YEAR : PERIOD__E_FORM;
		*out = (period){ PERIOD_HALF, y, v };
		return v >= 1 && v <= 2 ? PERIOD__OK : PERIOD__E_HALF;
	}
	if (n >= 2 && period__is(&t[0], "thang") && period__small(&t[1], false, &v)) {
		if ((y = period__year_at(t, 2, n)) <= 0)
			return y < 0 ? PERIOD__E_YEAR : PERIOD__E_FORM;
		*out = (period){ PERIOD_MONTH, y, v };
		return v >= 1 && v <= 12 ? PERIOD__OK : PERIOD__E_MONTH;
	}
	if (n >= 3 && period__small(&t[0], false, &v) && period__is(&t[1], "thang")) {
		int i = 2;
		bool first = i < n && period__is(&t[i], "dau"), last = i < n && period__is(&t[i], "cuoi");
		i += first || last;
		if ((y = period__year_at(t, i, n)) <= 0)
			return y < 0 ? PERIOD__E_YEAR : PERIOD__E_FORM;
		if (last && v != 6)
			return PERIOD__E_FORM;
		if (v == 6)   /* "6 tháng" is the first half; "6 tháng cuối" the second */
			*out = (period){ PERIOD_HALF, y, last ? 2 : 1 };
		else
			*out = (period){ PERIOD_CUMULATIVE, y, v };
		return v >= 1 && v <= 12 ? PERIOD__OK : PERIOD__E_CUMULATIVE;
	}
	if (n == 2 && period__is(&t[0], "nam")) {
		if ((y = period__year_at(t, 0, n)) <= 0)
			return y < 0 ? PERIOD__E_YEAR : PERIOD__E_FORM;
		*out = (period){ PERIOD_YEAR, y, 0 };
		return PERIOD__OK;
	}
	return PERIOD__E_FORM;
}

static int period__parse_words(period *out, const char *s, size_t len)
{
	char *folded = NULL;
	if (!utf8_valid(s, len))
		return period__fail(s, len, PERIOD__E_FORM);
	int rc = vn_fold(&folded, s, len);
	if (rc == ERR_NOMEM)
		return rc;
	if (rc < 0)
		return period__fail(s, len, PERIOD__E_FORM);
	period__tok toks[PERIOD__MAX_TOKENS];
	int n = period__tokenise(toks, folded);
	period p;
	period__error e = n < 0 ? PERIOD__E_FORM : period__match_words(&p, toks, n);
	free(folded);
	if (e != PERIOD__OK)
		return period__fail(s, len, e);
	*out = p;
	return 0;
}

int period_parse(period *out, const char *s, size_t len)
{
	if (len == 0)
		return err_set(ERR_INVALID, "period is empty");
	if (len < 4 || !period__digits(s, 4))
		return period__parse_words(out, s, len);
	int year = period__number(s, 4);
	if (year < PERIOD_YEAR_MIN)
		return period__fail(s, len, PERIOD__E_YEAR);
	if (len == 4) {
		*out = (period){ PERIOD_YEAR, year, 0 };
		return 0;
	}
	if (!period__digits(s + 4, 1))
		return period__parse_suffix(out, s, len);
	if (len != 6 || !period__digits(s + 5, 1))
		return period__fail(s, len, PERIOD__E_FORM);
	int month = period__number(s + 4, 2);
	if (month < 1 || month > 12)
		return period__fail(s, len, PERIOD__E_MONTH);
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
	/* The calendar stops at 9999-12-31 (and starts at 0001-01-01): a
	 * deadline beyond either end is that day, not an assertion failure
	 * that would stop the server for a value of period 9999Q4. */
	static const date_ymd first = { 1, 1, 1 }, last = { 9999, 12, 31 };
	long d = date_to_days(period_end(p)) + days_after_end;
	if (d > date_to_days(last))
		return last;
	if (d < date_to_days(first))
		return first;
	return date_from_days(d);
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

void period_format_vi(const period *p, char out[static PERIOD_LABEL_MAX])
{
	int rc = period_label_vi(p, out, PERIOD_LABEL_MAX);
	assert(rc == 0);
	(void)rc;
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
