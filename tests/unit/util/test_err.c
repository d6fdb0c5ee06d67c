/* Tests for util/err: the thread-local last error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/err.h"

static void test_err__set_returns_code_and_keeps_message(void **state)
{
	(void)state;
	assert_int_equal(err_set(ERR_INVALID, "period '%s' is unknown", "2025Q5"), ERR_INVALID);
	assert_int_equal(err_code(), ERR_INVALID);
	assert_string_equal(err_msg(), "period '2025Q5' is unknown");
	err_clear();
	assert_int_equal(err_code(), 0);
	assert_string_equal(err_msg(), "");
}

/* Wrapping the previous message in a new one must not garble it. */
static void test_err__wraps_its_own_message(void **state)
{
	(void)state;
	err_set(ERR_UNAVAILABLE, "cannot connect to PostgreSQL at 127.0.0.1:5432");
	err_set(ERR_UNAVAILABLE, "the database does not answer: %s", err_msg());
	assert_string_equal(err_msg(), "the database does not answer: cannot connect to PostgreSQL at 127.0.0.1:5432");
}

static void test_err__long_messages_are_truncated_not_overflowed(void **state)
{
	(void)state;
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(ERR_GENERIC, "%s", big);
	assert_true(strlen(err_msg()) > 100 && strlen(err_msg()) < sizeof(big) - 1);
}

static void test_err__names_and_statuses(void **state)
{
	(void)state;
	assert_string_equal(err_name(ERR_NOTFOUND), "not_found");
	assert_string_equal(err_name(ERR_MALFORMED), "malformed");
	assert_string_equal(err_name(ERR_METHOD), "method_not_allowed");
	assert_string_equal(err_name(-999), "internal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err__set_returns_code_and_keeps_message),
		cmocka_unit_test(test_err__wraps_its_own_message),
		cmocka_unit_test(test_err__long_messages_are_truncated_not_overflowed),
		cmocka_unit_test(test_err__names_and_statuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
