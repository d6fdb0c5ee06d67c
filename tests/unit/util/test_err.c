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

/* A function that takes a format itself, as an import's row problem does. */
static int row_problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int row_problem(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = err_setv(ERR_INVALID, fmt, ap);
	va_end(ap);
	return rc;
}

static void test_err__setv_keeps_the_template_and_params(void **state)
{
	(void)state;
	assert_int_equal(row_problem("code '%s' is also on line %d", "X-1", 2), ERR_INVALID);
	assert_string_equal(err_msg(), "code 'X-1' is also on line 2");
	assert_string_equal(err_template(0), "code '%s' is also on line %d");
	assert_int_equal(err_n_params(0), 2);
	assert_string_equal(err_param(0, 0), "X-1");
	assert_string_equal(err_param(0, 1), "2");
}

static void test_err__restore_brings_back_the_kept_error(void **state)
{
	(void)state;
	err_set(ERR_INVALID, "period '%s': quarter must be 1 to 4", "Quý 5/2026");
	err_set(ERR_INVALID, "'period': %s", err_msg());
	err_keep();
	err_set(ERR_GENERIC, "database error: %s", "cannot roll back");
	err_restore();
	assert_int_equal(err_code(), ERR_INVALID);
	assert_string_equal(err_msg(), "'period': period 'Quý 5/2026': quarter must be 1 to 4");
	assert_int_equal(err_depth(), 2);
	assert_string_equal(err_template(0), "'period': %s");
	assert_int_equal(err_nested_param(0), 0);
	assert_string_equal(err_template(1), "period '%s': quarter must be 1 to 4");
	assert_string_equal(err_param(1, 0), "Quý 5/2026");
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
		cmocka_unit_test(test_err__setv_keeps_the_template_and_params),
		cmocka_unit_test(test_err__restore_brings_back_the_kept_error),
		cmocka_unit_test(test_err__names_and_statuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
