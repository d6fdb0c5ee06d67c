/* Period codes and Vietnamese period words (util/period.c): whatever
 * period_parse accepts is valid, formats to a code that parses back to
 * the same period and to words that read back as the same days, and has
 * dates and neighbours; ISO dates likewise. */
#include "fuzz.h"
#include "util/err.h"
#include "util/period.h"

static void check_period(const period *p)
{
	char code[16], vi[PERIOD_LABEL_MAX], en[64];
	period back;
	FUZZ_CHECK(period_valid(p));
	period_format(p, code);
	FUZZ_CHECK(period_parse(&back, code, strlen(code)) == 0);
	FUZZ_CHECK(back.kind == p->kind && back.year == p->year && back.n == p->n);
	period_format_vi(p, vi);
	FUZZ_CHECK(period_label_vi(p, vi, sizeof(vi)) == 0);
	FUZZ_CHECK(period_label_en(p, en, sizeof(en)) == 0);
	date_ymd s = period_start(p), e = period_end(p);
	/* a label in words reads back as a period of the same days ("6 tháng
	 * năm 2025" is 2025S1, whether it was written for 2025S1 or 2025M6) */
	FUZZ_CHECK(period_parse(&back, vi, strlen(vi)) == 0);
	FUZZ_CHECK(date_to_days(period_start(&back)) == date_to_days(s));
	FUZZ_CHECK(date_to_days(period_end(&back)) == date_to_days(e));
	FUZZ_CHECK(date_valid(s) && date_valid(e));
	FUZZ_CHECK(date_to_days(s) <= date_to_days(e));
	FUZZ_CHECK(period_contains(p, p));
	period next = period_next(p), prev = period_prev(p);
	if (period_valid(&next))
		FUZZ_CHECK(date_to_days(period_end(&next)) > date_to_days(e));
	if (period_valid(&prev))
		FUZZ_CHECK(date_to_days(period_end(&prev)) < date_to_days(e));
	(void)period_deadline(p, 15);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	period p;
	date_ymd d;
	const char *s = (const char *)data;
	int rc = period_parse(&p, s, size);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
	if (rc == 0)
		check_period(&p);
	rc = date_parse(&d, s, size);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
	if (rc == 0) {
		char iso[11], vi[11];
		FUZZ_CHECK(date_valid(d));
		date_format_iso(d, iso);
		date_format_vi(d, vi);
		FUZZ_CHECK(date_parse(&d, iso, strlen(iso)) == 0);
		date_ymd back = date_from_days(date_to_days(d));
		FUZZ_CHECK(back.y == d.y && back.m == d.m && back.d == d.d);
	}
	return 0;
}
