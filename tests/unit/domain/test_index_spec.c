/* Tests for domain/index_spec: a definition is read strictly (every key
 * known, every family of weights able to give a score, a level for each
 * level of the tree) with the path of the culprit in the message; a table
 * names the line and column of a cell that is not a number, refuses a unit
 * on two rows, and its results come best first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/indices/index_spec.h"
#include "util/err.h"
#include "util/str.h"

static const char *const BASE =
	"{\"code\": \"T\", \"_note\": \"a note\", \"nodes\": ["
	"{\"code\": \"CS\"}, {\"code\": \"P1\", \"parent\": \"CS\"}, {\"code\": \"P2\", \"parent\": \"CS\"},"
	"{\"code\": \"A\", \"parent\": \"P1\", \"indicator\": true}, {\"code\": \"B\", \"parent\": \"P1\", \"indicator\": true},"
	"{\"code\": \"C\", \"parent\": \"P2\", \"indicator\": true}]%s}";

/* index_spec_parse of BASE with extra (",\"options\": ..." or "") put in;
 * the spec is freed. 0 or the error. */
static int parse_with(const char *extra)
{
	char text[2048];
	snprintf(text, sizeof(text), BASE, extra);
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	assert_non_null(j);
	index_spec s;
	int rc = index_spec_parse(&s, j);
	if (rc == 0)
		index_spec_free(&s);
	json_decref(j);
	return rc;
}

/* Parses text, which must fail; its message must hold want. */
static void refused(const char *text, const char *want)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	assert_non_null(j);
	index_spec s;
	assert_int_equal(index_spec_parse(&s, j), ERR_INVALID);
	if (!strstr(err_msg(), want))
		fail_msg("'%s' does not say '%s'", err_msg(), want);
	json_decref(j);
}

static void test_index_spec__known_keys_and_notes(void **state)
{
	(void)state;
	assert_int_equal(parse_with(""), 0);
	assert_int_equal(parse_with(",\"options\": {\"imputation\": \"mean\", \"treatment\": {\"winmax\": 1, \"fallback\": \"gii\"}, "
				    "\"normalisation\": {\"method\": \"minmax\", \"lo\": 0, \"hi\": 10, \"cap\": false}, "
				    "\"levels\": [{\"aggregation\": \"arithmetic\", \"coverage\": 0.5}, {}], \"rank_digits\": 2}"),
		0);
}

static void test_index_spec__unknown_keys_name_their_path(void **state)
{
	(void)state;
	char text[2048];
	static const char *const cases[][2] = {
		{ ",\"options\": {\"normalization\": \"zscore\"}", "'options.normalization' is not a field" },
		{ ",\"options\": {\"treatment\": {\"winmax\": 2, \"skew\": 1}}", "'options.treatment.skew' is not a field" },
		{ ",\"options\": {\"normalisation\": {\"method\": \"goalposts\", \"high\": 1}}", "'options.normalisation.high' is not a field" },
		{ ",\"options\": {\"levels\": [{}, {\"agg\": \"geometric\"}]}", "'options.levels[1].agg' is not a field" },
		{ ",\"tree\": []", "'tree' is not a field" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), BASE, cases[i][0]);
		refused(text, cases[i][1]);
	}
	refused("{\"code\": \"T\", \"nodes\": [{\"code\": \"CS\"}, {\"code\": \"P\", \"parent\": \"CS\"}, "
		"{\"code\": \"A\", \"parent\": \"P\", \"indicator\": true, \"goalpost\": [0, 1]}]}",
		"'nodes[2].goalpost' is not a field");
	refused("{\"code\": \"T\", \"nodes\": [{\"code\": \"CS\"}, {\"code\": \"P\", \"parent\": \"CS\", \"target\": 3}, "
		"{\"code\": \"A\", \"parent\": \"P\", \"indicator\": true}]}",
		"'nodes[1].target' belongs to an indicator");
	refused("{\"code\": \"T\", \"nodes\": [{\"code\": \"CS\", \"name\": 5}]}", "'nodes[0].name' must be text");
}

static void test_index_spec__zero_weights_and_short_levels(void **state)
{
	(void)state;
	refused("{\"code\": \"T\", \"nodes\": [{\"code\": \"CS\"}, {\"code\": \"P1\", \"parent\": \"CS\"}, {\"code\": \"P2\", \"parent\": \"CS\"},"
		"{\"code\": \"A\", \"parent\": \"P1\", \"indicator\": true}, {\"code\": \"B\", \"parent\": \"P2\", \"indicator\": true, \"weight\": 0},"
		"{\"code\": \"C\", \"parent\": \"P2\", \"indicator\": true, \"weight\": 0}]}",
		"'nodes[2]': every child of 'P2' has weight 0");
	refused("{\"code\": \"T\", \"nodes\": [{\"code\": \"CS\"}, {\"code\": \"P1\", \"parent\": \"CS\", \"weight\": 0},"
		"{\"code\": \"A\", \"parent\": \"P1\", \"indicator\": true}]}",
		"'nodes[0]': every child of 'CS' has weight 0");
	char text[2048];
	snprintf(text, sizeof(text), BASE, ",\"options\": {\"levels\": [{\"aggregation\": \"geometric\"}]}");
	refused(text, "'options.levels' gives 1 levels; the tree has 2");
	/* one weight 0 among others is allowed */
	assert_int_equal(parse_with(",\"options\": {\"levels\": [{}, {}]}"), 0);
}

static void load(index_spec *s)
{
	char text[2048];
	snprintf(text, sizeof(text), BASE, "");
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	assert_non_null(j);
	assert_int_equal(index_spec_parse(s, j), 0);
	json_decref(j);
}

static void test_index_spec__text_in_a_number_cell_names_line_and_column(void **state)
{
	(void)state;
	index_spec s;
	index_table t;
	load(&s);
	static const char *const cells[] = { "0.24x", "\"0,24\"", "24%", "n/a" };
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		/* a long row first makes the reader's buffer move */
		str csv = { 0 };
		str_append(&csv, "unit_code,unit_name,A,B,C\nX1,");
		for (int k = 0; k < 2000; k++)
			str_append(&csv, "Xã ");
		str_appendf(&csv, ",1,2,3\nX2,Xã 2,4,5,6\nX3,Xã 3,7,%s,9\n", cells[i]);
		assert_int_equal(index_table_read(&t, &s, csv.ptr, csv.len, NULL, 0), ERR_INVALID);
		char want[96];
		snprintf(want, sizeof(want), "line 4, column 'B': '%s' is not a number", i == 1 ? "0,24" : cells[i]);
		assert_string_equal(err_msg(), want);
		str_free(&csv);
	}
	index_spec_free(&s);
}

static void test_index_spec__a_unit_on_two_rows_is_refused(void **state)
{
	(void)state;
	index_spec s;
	index_table t;
	load(&s);
	const char *csv = "unit_code,A,B,C\nX1,1,2,3\nX2,4,5,6\nX3,7,8,9\nX2,1,1,1\nX1,2,2,2\n";
	assert_int_equal(index_table_read(&t, &s, csv, strlen(csv), NULL, 0), ERR_INVALID);
	assert_string_equal(err_msg(), "line 5: unit 'X2' is already on line 3; give each unit one row");
	const char *empty = "unit_code,A,B,C\nX1,1,2,3\n,4,5,6\n";
	assert_int_equal(index_table_read(&t, &s, empty, strlen(empty), NULL, 0), ERR_INVALID);
	assert_string_equal(err_msg(), "line 3, column 'unit_code': the unit's code is empty");
	index_spec_free(&s);
}

static void test_index_spec__results_best_first_then_code(void **state)
{
	(void)state;
	index_spec s;
	index_table t;
	index_result r;
	load(&s);
	/* X4 and X2 tie; X5 has no score (all missing) */
	const char *csv = "unit_code,A,B,C\nX5,,,\nX4,5,5,5\nX3,1,1,1\nX2,5,5,5\nX1,9,9,9\n";
	assert_int_equal(index_table_read(&t, &s, csv, strlen(csv), NULL, 0), 0);
	assert_int_equal(index_evaluate(&r, &s.def, &t.input, &s.options), 0);
	json_t *res = index_results_json(&s, &t, &r);
	const char *want[] = { "X1", "X2", "X4", "X3", "X5" };
	json_t *units = json_object_get(res, "units");
	assert_int_equal(json_array_size(units), 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(units, i), "code")), want[i]);
	json_decref(res);
	index_result_free(&r);
	index_table_free(&t);
	index_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_spec__known_keys_and_notes),
		cmocka_unit_test(test_index_spec__unknown_keys_name_their_path),
		cmocka_unit_test(test_index_spec__zero_weights_and_short_levels),
		cmocka_unit_test(test_index_spec__text_in_a_number_cell_names_line_and_column),
		cmocka_unit_test(test_index_spec__a_unit_on_two_rows_is_refused),
		cmocka_unit_test(test_index_spec__results_best_first_then_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
