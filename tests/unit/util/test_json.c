/* Tests for util/json: strict parsing with positions, typed getters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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
	assert_string_equal(err_msg(), "'n' must be an integer, not a string");
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
	assert_string_equal(err_msg(), "the body must be a JSON object, not an integer");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json__parse_reports_line_and_column),
		cmocka_unit_test(test_json__parse_rejects_duplicates_and_trailing_garbage),
		cmocka_unit_test(test_json__parse_keeps_vietnamese_text),
		cmocka_unit_test(test_json__getters_name_the_key_and_the_type),
		cmocka_unit_test(test_json__append_is_compact_and_ordered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
