/* Tests for analytics/expr: formulas of derived indicators. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "analytics/expr.h"
#include "util/err.h"

static double eval(const char *text, const double *values)
{
	expr e;
	double v = NAN;
	if (expr_compile(&e, text) != 0)
		fail_msg("compile %s: %s", text, err_msg());
	if (expr_eval(&v, &e, values) != 0)
		fail_msg("eval %s: %s", text, err_msg());
	return v;
}

static void test_expr__precedence_and_parentheses(void **state)
{
	(void)state;
	assert_float_equal(eval("1 + 2 * 3", NULL), 7, 1e-12);
	assert_float_equal(eval("(1 + 2) * 3", NULL), 9, 1e-12);
	assert_float_equal(eval("10 - 4 - 3", NULL), 3, 1e-12);
	assert_float_equal(eval("100 / 10 / 5", NULL), 2, 1e-12);
	assert_float_equal(eval("-2 * -(3 + 1)", NULL), 8, 1e-12);
	assert_float_equal(eval(".5 + 1.25e1", NULL), 13, 1e-12);
}

/* The digital economy's share of GRDP, as Hà Nội's plan defines it. */
static void test_expr__indicator_operands(void **state)
{
	(void)state;
	expr e;
	assert_int_equal(expr_compile(&e, "{KTS-GT} / GRDP * 100"), 0);
	assert_int_equal(e.n_vars, 2);
	assert_string_equal(e.vars[0], "KTS-GT");
	assert_string_equal(e.vars[1], "GRDP");
	double v, values[2] = { 420.5, 1401.0 };
	assert_int_equal(expr_eval(&v, &e, values), 0);
	assert_float_equal(v, 30.014275517487509, 1e-9);
	/* the same code twice is one operand */
	assert_int_equal(expr_compile(&e, "A.1 * A.1 + {A.1}"), 0);
	assert_int_equal(e.n_vars, 1);
}

static void test_expr__errors_name_the_column(void **state)
{
	(void)state;
	expr e;
	assert_int_equal(expr_compile(&e, "A / "), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "column 5"));
	assert_int_equal(expr_compile(&e, "(A + B"), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "expected ')'"));
	assert_int_equal(expr_compile(&e, "A B"), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "column 3"));
	assert_int_equal(expr_compile(&e, "{A + 1"), ERR_INVALID);
	assert_int_equal(expr_compile(&e, ""), ERR_INVALID);
	assert_int_equal(expr_compile(&e, "A % 2"), ERR_INVALID);
	assert_int_equal(expr_compile(&e, "{}"), ERR_INVALID);
}

static void test_expr__division_by_zero_and_missing_values(void **state)
{
	(void)state;
	expr e;
	double v, values[2] = { 5, 0 };
	assert_int_equal(expr_compile(&e, "A / B"), 0);
	assert_int_equal(expr_eval(&v, &e, values), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "division by zero"));
	values[1] = NAN;
	assert_int_equal(expr_eval(&v, &e, values), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "no value for B"));
}

static void test_expr__limits(void **state)
{
	(void)state;
	char text[2000] = "1";
	for (int i = 0; i < 300; i++)
		strcat(text, "+1");
	expr e;
	assert_int_equal(expr_compile(&e, text), ERR_INVALID);
	char nested[600] = "";
	for (int i = 0; i < 60; i++)
		strcat(nested, "(");
	strcat(nested, "1");
	for (int i = 0; i < 60; i++)
		strcat(nested, ")");
	assert_float_equal(eval(nested, NULL), 1, 0);
	/* far deeper nesting is refused, not a stack overflow */
	static char deep[20001];
	memset(deep, '(', 20000);
	assert_int_equal(expr_compile(&e, deep), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "nested deeper"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expr__precedence_and_parentheses),
		cmocka_unit_test(test_expr__indicator_operands),
		cmocka_unit_test(test_expr__errors_name_the_column),
		cmocka_unit_test(test_expr__division_by_zero_and_missing_values),
		cmocka_unit_test(test_expr__limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
