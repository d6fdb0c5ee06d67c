/* Tests for util/json: strict parsing with positions, typed getters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/json.h"

static int parse(json_t **out, const char *text) { return json_parse(out, text, strlen(text)); }

static void test_json__parse_reports_line_and_column(void **state)
{
	(void)state;
	json_t *v;
	assert_int_equal(parse(&v, "{\n  \"a\": 1,\n  \"b\": }"), ERR_MALFORMED);
	assert_null(v);
	assert_non_null(strstr(err_msg(), "line 3, column"));
	assert_int_equal(parse(&v, ""), ERR_MALFORMED);
	assert_non_null(strstr(err_msg(), "empty"));
}

static void test_json__parse_rejects_duplicates_and_trailing_garbage(void **state)
{
	(void)state;
	json_t *v;
	assert_int_equal(parse(&v, "{\"a\":1,\"a\":2}"), ERR_MALFORMED);
	assert_int_equal(parse(&v, "{\"a\":1} x"), ERR_MALFORMED);
	assert_int_equal(json_parse(&v, "{\"a\":\"\xc3\x28\"}", 11), ERR_MALFORMED);
}

static void test_json__parse_keeps_vietnamese_text(void **state)
{
	(void)state;
	json_t *v;
	const char *name;
	assert_int_equal(parse(&v, "{\"name\":\"Sở Khoa học và Công nghệ\"}"), 0);
	assert_int_equal(json_get_string(&name, v, "name", 1), 0);
	assert_string_equal(name, "Sở Khoa học và Công nghệ");
	json_decref(v);
}

static void test_json__getters_name_the_key_and_the_type(void **state)
{
	(void)state;
	json_t *v;
	const char *s;
	long long i;
	double d;
	int b, present;
	assert_int_equal(parse(&v, "{\"n\":\"7\",\"i\":7,\"r\":2.5,\"t\":true,\"z\":null}"), 0);
	assert_int_equal(json_get_int(&i, &present, v, "n", 1), ERR_INVALID);
	assert_string_equal(err_msg(), "'n' must be a whole number");
	assert_int_equal(json_get_int(&i, &present, v, "i", 1), 0);
	assert_int_equal(i, 7);
	assert_int_equal(json_get_int(&i, &present, v, "r", 1), ERR_INVALID);
	assert_int_equal(json_get_number(&d, &present, v, "i", 1), 0);
	assert_true(d == 7.0);
	assert_int_equal(json_get_bool(&b, &present, v, "t", 1), 0);
	assert_int_equal(b, 1);
	assert_int_equal(json_get_string(&s, v, "missing", 1), ERR_INVALID);
	assert_string_equal(err_msg(), "'missing' is required");
	assert_int_equal(json_get_string(&s, v, "z", 0), 0);
	assert_null(s);
	assert_int_equal(json_get_number(&d, &present, v, "missing", 0), 0);
	assert_int_equal(present, 0);
	assert_int_equal(json_require_object(json_object_get(v, "i"), "the body"), ERR_INVALID);
	assert_string_equal(err_msg(), "the body must be a JSON object");
	json_decref(v);
}

static void test_json__append_is_compact_and_ordered(void **state)
{
	(void)state;
	json_t *v = json_pack("{s:s, s:i, s:[b]}", "z", "Hà Nội", "a", 1, "m", 1);
	str s = STR_INIT;
	json_append(&s, v);
	assert_string_equal(str_cstr(&s), "{\"z\":\"Hà Nội\",\"a\":1,\"m\":[true]}");
	str_free(&s);
	json_decref(v);
}

static char *dumped(json_t *v)
{
	str s = STR_INIT;
	json_append(&s, v);
	json_decref(v);
	return str_detach(&s);
}

/* What a reader (strtod) makes of the number written for x. */
static double read_back(double x)
{
	char *text = dumped(json_real(x));
	double y = strtod(text, NULL);
	free(text);
	return y;
}

static void test_json__reals_are_short_and_read_back_exactly(void **state)
{
	(void)state;
	static const struct { double x; const char *text; } cases[] = {
		{ 0.1, "0.1" }, { 998.1, "998.1" }, { 5, "5.0" }, { -0.05, "-0.05" }, { 0, "0.0" }, { -0.0, "-0.0" },
		{ 1234567.125, "1234567.125" }, { 0.000001, "0.000001" }, { 0.1 + 0.2, "0.30000000000000004" },
		{ 1e20, "1e+20" }, { 2.5e-7, "0.00000025" }, { 2.5e-23, "2.5000000000000001e-23" }, { 1.0 / 3, "0.33333333333333331" },
		{ 123456789012345.0, "123456789012345.0" }, { 1e15, "1000000000000000.0" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = dumped(json_real(cases[i].x));
		assert_string_equal(text, cases[i].text);
		free(text);
	}
	/* every double reads back as itself: sums of decimals, thirds, big and small */
	double x = 0;
	for (int i = 0; i < 20000; i++) {
		x += 0.01 * (i % 7) + 1.0 / (i + 3);
		double probes[] = { x, -x, x * 1e-9, x * 1e9, x * 1e12, (double)i / 8, (double)i / 100, i * 0.1 };
		for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++)
			assert_true(read_back(probes[k]) == probes[k]);
	}
}

/* Figures rounded to 12 significant digits lose their binary noise and
 * are written short; what cannot be rounded (12 digits or more before
 * the point: no whole unit is ever dropped) stays as it is. */
static void test_json__figures_round_to_significant_digits(void **state)
{
	(void)state;
	static const struct { double x; const char *text; } cases[] = {
		{ 116823.668 + 2e-11, "116823.668" }, { 263.56 / 3, "87.8533333333" }, { 0.1 + 0.2, "0.3" },
		{ -1.0 / 3, "-0.333333333333" }, { 91.5, "91.5" }, { 2e-9 / 3, "0.000000000666666666667" },
		{ 123456789012345.6, "123456789012345.59" }, { 0, "0.0" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = dumped(json_real(json_round_significant(cases[i].x, 12)));
		assert_string_equal(text, cases[i].text);
		free(text);
	}
	assert_true(isnan(json_round_significant(NAN, 12)));
	assert_true(json_round_significant(1e300, 12) == 1e300);
	/* within half a unit of the twelfth digit */
	double x = 0;
	for (int i = 0; i < 20000; i++) {
		x += 0.01 * (i % 7) + 1.0 / (i + 3);
		double r = json_round_significant(x, 12);
		assert_true(fabs(r - x) <= 5e-12 * fabs(x));
	}
}

static void test_json__strings_escape_what_json_requires(void **state)
{
	(void)state;
	char *text = dumped(json_stringn("a\"b\\c\n\x01\0d/đ", 12));
	assert_string_equal(text, "\"a\\\"b\\\\c\\n\\u0001\\u0000d/đ\"");
	free(text);
	text = dumped(json_pack("{s:I, s:n, s:b, s:[]}", "big", (json_int_t)-9007199254740993LL, "none", "no", 0, "list"));
	assert_string_equal(text, "{\"big\":-9007199254740993,\"none\":null,\"no\":false,\"list\":[]}");
	free(text);
}

/* Text typed decomposed (NFD) or composed arrives the same: NFC, in
 * nested values too, with the keys and ASCII untouched. */
static void test_json__parse_puts_strings_in_nfc(void **state)
{
	(void)state;
	static const char text[] = "{\"note\": \"Ha\u0300 N\u00f4\u0323i\", \"list\": [\"Hoa\u0300n Kie\u0302\u0301m\", 5], \"ascii\": \"GRDP\"}";
	json_t *v;
	assert_int_equal(json_parse(&v, text, strlen(text)), 0);
	assert_string_equal(json_string_value(json_object_get(v, "note")), "Hà Nội");
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "list"), 0)), "Hoàn Kiếm");
	assert_string_equal(json_string_value(json_object_get(v, "ascii")), "GRDP");
	json_decref(v);
	/* jansson refuses an escaped NUL: a string is never cut short */
	static const char nul[] = "{\"note\": \"a\\u0000b\"}";
	assert_int_equal(json_parse(&v, nul, strlen(nul)), ERR_MALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json__parse_reports_line_and_column),
		cmocka_unit_test(test_json__parse_rejects_duplicates_and_trailing_garbage),
		cmocka_unit_test(test_json__parse_keeps_vietnamese_text),
		cmocka_unit_test(test_json__getters_name_the_key_and_the_type),
		cmocka_unit_test(test_json__append_is_compact_and_ordered),
		cmocka_unit_test(test_json__reals_are_short_and_read_back_exactly),
		cmocka_unit_test(test_json__figures_round_to_significant_digits),
		cmocka_unit_test(test_json__strings_escape_what_json_requires),
		cmocka_unit_test(test_json__parse_puts_strings_in_nfc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
