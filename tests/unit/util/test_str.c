/* Tests for util/str: growth, formatting, JSON escaping, views. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

static void test_str__append_grows_and_terminates(void **state)
{
	(void)state;
	str s = STR_INIT;
	assert_string_equal(str_cstr(&s), "");
	for (int i = 0; i < 1000; i++)
		str_append(&s, "ab");
	assert_int_equal(s.len, 2000);
	assert_int_equal(strlen(s.ptr), 2000);
	str_appendc(&s, '!');
	assert_int_equal(s.ptr[2000], '!');
	assert_false(str_oom(&s));
	str_free(&s);
	assert_null(s.ptr);
}

static void test_str__appendf_long_and_short(void **state)
{
	(void)state;
	str s = STR_INIT;
	str_appendf(&s, "%s %d", "Quý", 3);
	assert_string_equal(str_cstr(&s), "Quý 3");
	char big[600];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	str_appendf(&s, "[%s]", big);
	assert_int_equal(s.len, strlen("Quý 3") + 601);
	assert_int_equal(s.ptr[s.len - 1], ']');
	str_clear(&s);
	assert_int_equal(s.len, 0);
	assert_string_equal(str_cstr(&s), "");
	str_free(&s);
}

static void test_str__json_escaping(void **state)
{
	(void)state;
	str s = STR_INIT;
	str_append_json(&s, "a\"b\\c\nd\te\x01 Hà Nội");
	assert_string_equal(str_cstr(&s), "\"a\\\"b\\\\c\\nd\\te\\u0001 Hà Nội\"");
	str_free(&s);
}

static void test_str__detach_hands_over_the_buffer(void **state)
{
	(void)state;
	str s = STR_INIT;
	str_append(&s, "xyz");
	char *p = str_detach(&s);
	assert_string_equal(p, "xyz");
	assert_null(s.ptr);
	free(p);
	p = str_detach(&s);
	assert_string_equal(p, "");
	free(p);
}

static void test_str__views(void **state)
{
	(void)state;
	const char *text = "2025Q3 rest";
	strv v = { text, 6 };
	assert_true(strv_eq_cstr(v, "2025Q3"));
	assert_false(strv_eq_cstr(v, "2025Q"));
	assert_true(strv_starts_with(v, "2025"));
	assert_false(strv_starts_with(v, "2025Q3 r"));
	assert_true(strv_eq(STRV("abc"), strv_from("abc")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str__append_grows_and_terminates),
		cmocka_unit_test(test_str__appendf_long_and_short),
		cmocka_unit_test(test_str__json_escaping),
		cmocka_unit_test(test_str__detach_hands_over_the_buffer),
		cmocka_unit_test(test_str__views),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
