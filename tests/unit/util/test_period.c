/* Tests for util/period: codes, dates, labels and deadlines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/err.h"
#include "util/period.h"

static period parse_ok(const char *code)
{
	period p;
	int rc = period_parse(&p, code, strlen(code));
	if (rc != 0)
		fail_msg("period_parse(%s): %s", code, err_msg());
	return p;
}

static void assert_parse_fails(const char *code, const char *why)
{
	period p;
	assert_int_equal(period_parse(&p, code, strlen(code)), ERR_INVALID);
	assert_non_null(strstr(err_msg(), why));
}

static void assert_date(date_ymd d, int y, int m, int day)
{
	assert_int_equal(d.y, y);
	assert_int_equal(d.m, m);
	assert_int_equal(d.d, day);
}

static void test_period__every_kind_round_trips(void **state)
{
	(void)state;
	static const struct { const char *code; period_kind kind; int year, n; } cases[] = {
		{ "2025", PERIOD_YEAR, 2025, 0 },
		{ "2025S1", PERIOD_HALF, 2025, 1 },
		{ "2025S2", PERIOD_HALF, 2025, 2 },
		{ "2025Q3", PERIOD_QUARTER, 2025, 3 },
		{ "202509", PERIOD_MONTH, 2025, 9 },
		{ "202512", PERIOD_MONTH, 2025, 12 },
		{ "2025M9", PERIOD_CUMULATIVE, 2025, 9 },
		{ "2026M12", PERIOD_CUMULATIVE, 2026, 12 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		period p = parse_ok(cases[i].code);
		char out[16];
		assert_int_equal(p.kind, cases[i].kind);
		assert_int_equal(p.year, cases[i].year);
		assert_int_equal(p.n, cases[i].n);
		period_format(&p, out);
		assert_string_equal(out, cases[i].code);
	}
}

static void test_period__bad_codes_are_named_with_the_reason(void **state)
{
	(void)state;
	assert_parse_fails("2025Q5", "2025Q5");
	assert_parse_fails("2025Q0", "quarter");
	assert_parse_fails("2025S3", "2025S3");
	assert_parse_fails("202513", "202513");
	assert_parse_fails("2025M13", "2025M13");
	assert_parse_fails("2025M0", "2025M0");
	assert_parse_fails("", "");
	assert_parse_fails("25Q1", "25Q1");
	assert_parse_fails("2025q1", "2025q1");
	assert_parse_fails("2025Q1 ", "2025Q1");
	assert_parse_fails("1899", "1899");
	assert_parse_fails("abcd", "abcd");
	/* Length-delimited: the text after len is not read. */
	period p;
	assert_int_equal(period_parse(&p, "2025Q3xyz", 6), 0);
	assert_int_equal(p.kind, PERIOD_QUARTER);
}

static void assert_words(const char *text, const char *code)
{
	period p;
	char out[16];
	int rc = period_parse(&p, text, strlen(text));
	if (rc != 0)
		fail_msg("period_parse(%s): %s", text, err_msg());
	period_format(&p, out);
	if (strcmp(out, code) != 0)
		fail_msg("period_parse(%s) gave %s, expected %s", text, out, code);
}

static void test_period__words_officials_type(void **state)
{
	(void)state;
	assert_words("Quý 3/2026", "2026Q3");
	assert_words("quý III năm 2026", "2026Q3");
	assert_words("Quý III/2026", "2026Q3");
	assert_words("QUÝ IV NĂM 2025", "2025Q4");
	assert_words("quy 1/2025", "2025Q1");
	assert_words("Q3/2026", "2026Q3");
	assert_words("q2 2025", "2025Q2");
	assert_words("6 tháng đầu năm 2025", "2025S1");
	assert_words("6 tháng 2025", "2025S1");
	assert_words("6 tháng năm 2025", "2025S1");
	assert_words("6 tháng cuối năm 2025", "2025S2");
	assert_words("9 tháng 2025", "2025M9");
	assert_words("9 tháng năm 2025", "2025M9");
	assert_words("3 tháng đầu năm 2025", "2025M3");
	assert_words("Năm 2025", "2025");
	assert_words("năm 2025", "2025");
	assert_words("Tháng 9/2025", "202509");
	assert_words("tháng 09 năm 2025", "202509");
	assert_words("Tháng 12-2025", "202512");
	assert_words("  Quý   2 / 2025 ", "2025Q2");
	assert_words("H1 2025", "2025S1");
}

static void test_period__words_in_nfd_and_without_marks(void **state)
{
	(void)state;
	/* "Quý" and "tháng đầu năm" with combining marks (NFD) */
	assert_words("Qu\x79\xcc\x81 3/2026", "2026Q3");
	assert_words("6 tha\xcc\x81ng \xc4\x91\xc3\xa2\xcc\x80u na\xcc\x86m 2025", "2025S1");
	assert_words("6 thang dau nam 2025", "2025S1");
	assert_words("Thang 9/2025", "202509");
	assert_words("6 THÁNG ĐẦU NĂM 2025", "2025S1");
}

static void test_period__words_refused_in_the_words_typed(void **state)
{
	(void)state;
	/* The text is quoted as typed, never with its letters replaced. */
	assert_parse_fails("Quý 5/2026", "period 'Quý 5/2026': quarter must be 1 to 4");
	assert_parse_fails("quý V năm 2026", "'quý V năm 2026'");
	assert_parse_fails("Tháng 13/2025", "period 'Tháng 13/2025': month must be 01 to 12");
	assert_parse_fails("13 tháng 2025", "cumulative months must be 1 to 12");
	assert_parse_fails("Năm 1800", "year must be 1900 to 9999");
	assert_parse_fails("Quý 3", "Quý 3/2025");
	assert_parse_fails("quý ba 2025", "period 'quý ba 2025': expected a code");
	assert_parse_fails("9 tháng cuối năm 2025", "expected a code");
	assert_parse_fails("tháng 9/25", "expected a code");
	/* Invalid UTF-8 is shown as '?', never passed on. */
	assert_parse_fails("Qu\xff 3/2026", "period 'Qu? 3/2026'");
	/* Long text is cut at a character boundary. */
	period p;
	const char *lng = "xxQuý Quý Quý Quý Quý Quý Quý Quý Quý Quý";
	assert_int_equal(period_parse(&p, lng, strlen(lng)), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "'xxQuý Quý Quý Quý Quý Quý Quý Qu...'"));
	assert_parse_fails("2025Xá", "not 'X'");
	assert_parse_fails("2025é1", "not 'é'");
}

static void test_period__format_vi_says_every_kind(void **state)
{
	(void)state;
	static const struct { const char *code, *vi; } cases[] = {
		{ "2025", "Năm 2025" },
		{ "2025S1", "6 tháng đầu năm 2025" },
		{ "2025S2", "6 tháng cuối năm 2025" },
		{ "2025Q3", "Quý III/2025" },
		{ "2025Q4", "Quý IV/2025" },
		{ "202509", "Tháng 9/2025" },
		{ "2025M9", "9 tháng năm 2025" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		period p = parse_ok(cases[i].code), back;
		char out[PERIOD_LABEL_MAX], code[16];
		period_format_vi(&p, out);
		assert_string_equal(out, cases[i].vi);
		/* the label reads back as the same period */
		assert_int_equal(period_parse(&back, out, strlen(out)), 0);
		period_format(&back, code);
		assert_string_equal(code, cases[i].code);
	}
}

static void test_period__start_and_end_dates(void **state)
{
	(void)state;
	period q3 = parse_ok("2025Q3"), s1 = parse_ok("2025S1"), feb = parse_ok("202402"),
	       feb25 = parse_ok("202502"), m9 = parse_ok("2025M9"), y = parse_ok("2025");
	assert_date(period_start(&q3), 2025, 7, 1);
	assert_date(period_end(&q3), 2025, 9, 30);
	assert_date(period_end(&s1), 2025, 6, 30);
	assert_date(period_end(&feb), 2024, 2, 29);
	assert_date(period_end(&feb25), 2025, 2, 28);
	assert_date(period_start(&m9), 2025, 1, 1);
	assert_date(period_end(&m9), 2025, 9, 30);
	assert_date(period_start(&y), 2025, 1, 1);
	assert_date(period_end(&y), 2025, 12, 31);
}

static void test_period__deadline_counts_days_after_the_end(void **state)
{
	(void)state;
	period q3 = parse_ok("2025Q3"), dec = parse_ok("202512"), y = parse_ok("2024");
	assert_date(period_deadline(&q3, 15), 2025, 10, 15);
	assert_date(period_deadline(&dec, 10), 2026, 1, 10);
	assert_date(period_deadline(&y, 0), 2024, 12, 31);
	assert_date(period_deadline(&y, 60), 2025, 3, 1);
}

/* Found by fuzz/fuzz_period: a value of period 9999Q4 stopped the server
 * on an assertion while its deadline was computed. */
static void test_period__deadline_stays_in_the_calendar(void **state)
{
	(void)state;
	period q4 = { PERIOD_QUARTER, 9999, 4 }, m12 = { PERIOD_CUMULATIVE, 9999, 12 }, y = { PERIOD_YEAR, 1900, 0 };
	assert_date(period_deadline(&q4, 15), 9999, 12, 31);
	assert_date(period_deadline(&m12, 2147483647), 9999, 12, 31);
	assert_date(period_deadline(&q4, 0), 9999, 12, 31);
	assert_date(period_deadline(&y, -2147483647 - 1), 1, 1, 1);
	assert_date(period_deadline(&y, -10), 1900, 12, 21);
}

static void test_period__labels_as_officials_write_them(void **state)
{
	(void)state;
	static const struct { const char *code, *vi, *en; } cases[] = {
		{ "2025", "Năm 2025", "2025" },
		{ "2025S1", "6 tháng đầu năm 2025", "H1 2025" },
		{ "2025Q3", "Quý III/2025", "Q3 2025" },
		{ "202509", "Tháng 9/2025", "September 2025" },
		{ "2025M9", "9 tháng năm 2025", "January–September 2025" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		period p = parse_ok(cases[i].code);
		char out[64];
		assert_int_equal(period_label_vi(&p, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].vi);
		assert_int_equal(period_label_en(&p, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].en);
	}
	period p = parse_ok("2025S1");
	char small[8];
	assert_int_equal(period_label_vi(&p, small, sizeof(small)), ERR_TOOLARGE);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

static void test_period__next_prev_and_contains(void **state)
{
	(void)state;
	char out[16];
	period m12 = parse_ok("2025M12"), q4 = parse_ok("2025Q4"), jan = parse_ok("202601");
	period n = period_next(&m12);
	period_format(&n, out);
	assert_string_equal(out, "2026M1");
	n = period_next(&q4);
	period_format(&n, out);
	assert_string_equal(out, "2026Q1");
	n = period_prev(&jan);
	period_format(&n, out);
	assert_string_equal(out, "202512");
	period y = parse_ok("2025"), q3 = parse_ok("2025Q3"), s2 = parse_ok("2025S2"), m9 = parse_ok("2025M9"),
	       sep = parse_ok("202509"), oct = parse_ok("202510");
	assert_true(period_contains(&y, &q3));
	assert_true(period_contains(&s2, &q3));
	assert_true(period_contains(&m9, &sep));
	assert_false(period_contains(&m9, &oct));
	assert_false(period_contains(&q3, &y));
	assert_true(period_contains(&q3, &q3));
	period max = parse_ok("9999");
	n = period_next(&max);
	assert_false(period_valid(&n));
}

static void test_date__parse_checks_the_calendar(void **state)
{
	(void)state;
	date_ymd d;
	assert_int_equal(date_parse(&d, "2024-02-29", 10), 0);
	assert_date(d, 2024, 2, 29);
	assert_int_equal(date_parse(&d, "2025-02-29", 10), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "2025-02-29"));
	assert_int_equal(date_parse(&d, "1900-02-29", 10), ERR_INVALID);
	assert_int_equal(date_parse(&d, "2000-02-29", 10), 0);
	assert_int_equal(date_parse(&d, "2025-04-31", 10), ERR_INVALID);
	assert_int_equal(date_parse(&d, "2025-13-01", 10), ERR_INVALID);
	assert_int_equal(date_parse(&d, "2025-1-01", 9), ERR_INVALID);
	assert_int_equal(date_parse(&d, "30/09/2025", 10), ERR_INVALID);
	char iso[11], vi[11];
	date_format_iso((date_ymd){ 2025, 9, 2 }, iso);
	date_format_vi((date_ymd){ 2025, 9, 2 }, vi);
	assert_string_equal(iso, "2025-09-02");
	assert_string_equal(vi, "02/09/2025");
}

static void test_date__days_round_trip(void **state)
{
	(void)state;
	assert_int_equal(date_to_days((date_ymd){ 1970, 1, 1 }), 0);
	assert_int_equal(date_to_days((date_ymd){ 2000, 3, 1 }), 11017);
	assert_int_equal(date_to_days((date_ymd){ 1969, 12, 31 }), -1);
	long from = date_to_days((date_ymd){ 1900, 1, 1 }), to = date_to_days((date_ymd){ 2200, 12, 31 });
	date_ymd prev = date_from_days(from - 1);
	for (long t = from; t <= to; t++) {
		date_ymd d = date_from_days(t);
		assert_true(date_valid(d));
		assert_int_equal(date_to_days(d), t);
		/* consecutive days follow each other */
		assert_true(d.d == prev.d + 1 || (d.d == 1 && (d.m == prev.m + 1 || (d.m == 1 && d.y == prev.y + 1))));
		prev = d;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period__every_kind_round_trips),
		cmocka_unit_test(test_period__bad_codes_are_named_with_the_reason),
		cmocka_unit_test(test_period__words_officials_type),
		cmocka_unit_test(test_period__words_in_nfd_and_without_marks),
		cmocka_unit_test(test_period__words_refused_in_the_words_typed),
		cmocka_unit_test(test_period__format_vi_says_every_kind),
		cmocka_unit_test(test_period__start_and_end_dates),
		cmocka_unit_test(test_period__deadline_counts_days_after_the_end),
		cmocka_unit_test(test_period__deadline_stays_in_the_calendar),
		cmocka_unit_test(test_period__labels_as_officials_write_them),
		cmocka_unit_test(test_period__next_prev_and_contains),
		cmocka_unit_test(test_date__parse_checks_the_calendar),
		cmocka_unit_test(test_date__days_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
