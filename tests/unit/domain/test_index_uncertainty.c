/* Tests for domain/index_uncertainty: reading the spec (defaults, method
 * names, every refusal naming its field) and the result (units by nominal
 * rank, intervals around it, the same JSON from the same seed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "domain/indices/index_uncertainty.h"
#include "util/err.h"

static const char *const DEF_JSON =
	"{\"code\": \"T\", \"name\": \"Thử\", \"nodes\": ["
	"{\"code\": \"CS\"}, {\"code\": \"P1\", \"parent\": \"CS\"}, {\"code\": \"P2\", \"parent\": \"CS\"},"
	"{\"code\": \"A\", \"parent\": \"P1\", \"indicator\": true}, {\"code\": \"B\", \"parent\": \"P1\", \"indicator\": true, \"direction\": -1},"
	"{\"code\": \"C\", \"parent\": \"P2\", \"indicator\": true, \"weight\": 2}, {\"code\": \"D\", \"parent\": \"P2\", \"indicator\": true}],"
	"\"options\": {\"normalisation\": {\"method\": \"minmax\", \"lo\": 1, \"hi\": 10}}}";

static const char *const TABLE =
	"unit_code,unit_name,A,B,C,D\n"
	"X1,Xã 1,1,9,3,4\n"
	"X2,Xã 2,5,5,8,2\n"
	"X3,Xã 3,9,1,1,7\n"
	"X4,Xã 4,4,6,6,6\n"
	"X5,Xã 5,7,3,2,9\n";

static void load(index_spec *def)
{
	json_error_t e;
	json_t *j = json_loads(DEF_JSON, 0, &e);
	assert_non_null(j);
	assert_int_equal(index_spec_parse(def, j), 0);
	json_decref(j);
}

/* index_uncertainty_spec of the JSON text; 0 or the error. */
static int spec_of(index_mc_spec *out, json_t **canonical, const char *text)
{
	index_spec def;
	json_error_t e;
	json_t *in = json_loads(text, 0, &e);
	assert_non_null(in);
	load(&def);
	int rc = index_uncertainty_spec(out, canonical, in, &def);
	json_decref(in);
	index_spec_free(&def);
	return rc;
}

static void test_index_uncertainty__defaults(void **state)
{
	(void)state;
	index_mc_spec s;
	json_t *c;
	assert_int_equal(spec_of(&s, &c, "{}"), 0);
	assert_int_equal(s.seed, 1);
	assert_int_equal(s.runs, 1000);
	assert_true(s.weight_spread == 0.25);
	assert_int_equal(s.n_norms + s.n_aggs + s.n_imputes, 0);
	assert_false(s.sensitivity);
	char *text = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"aggregations\":[],\"imputations\":[],\"normalisations\":[],\"runs\":1000,\"seed\":1,"
				  "\"sensitivity\":false,\"spread\":0.25}");
	free(text);
	json_decref(c);
}

static void test_index_uncertainty__methods_and_their_names(void **state)
{
	(void)state;
	index_mc_spec s;
	json_t *c;
	assert_int_equal(spec_of(&s, &c, "{\"seed\": 9, \"runs\": 50, \"spread\": 0, \"normalisations\": [\"zscore\", \"minmax\"],"
					 "\"aggregations\": [\"arith\", \"geometric\"], \"imputations\": [\"mean\"], \"sensitivity\": true}"), 0);
	assert_int_equal(s.n_norms, 2);
	assert_int_equal(s.norms[0].method, INDEX_NORM_ZSCORE);
	assert_int_equal(s.norms[1].method, INDEX_NORM_MINMAX);
	assert_true(s.norms[1].lo == 1 && s.norms[1].hi == 10);   /* the definition's scale */
	assert_int_equal(s.n_aggs, 2);
	assert_int_equal(s.aggs[0].level[1], INDEX_AGG_ARITH);
	assert_int_equal(s.aggs[1].level[1], INDEX_AGG_GEOM);
	assert_int_equal(s.aggs[1].level[2], INDEX_AGG_GEOM);
	assert_int_equal(s.n_imputes, 1);
	assert_int_equal(s.imputes[0], INDEX_IMPUTE_MEAN);
	assert_true(s.sensitivity);
	const json_t *aggs = json_object_get(c, "aggregations");
	assert_string_equal(json_string_value(json_array_get(aggs, 0)), "arithmetic");
	json_decref(c);
}

static void test_index_uncertainty__refusals_name_the_field(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "{\"runs\": 0}", "'runs'" },
		{ "{\"runs\": 1000001}", "'runs'" },
		{ "{\"runs\": \"100\"}", "'runs'" },
		{ "{\"seed\": -2}", "'seed'" },
		{ "{\"spread\": -0.1}", "'spread'" },
		{ "{\"spread\": 2}", "'spread'" },
		{ "{\"normalisations\": [\"minmax\", \"log\"]}", "'normalisations': 'log' is not a method" },
		{ "{\"normalisations\": [\"rank\", \"rank\"]}", "'normalisations': 'rank' is given twice" },
		{ "{\"aggregations\": \"geometric\"}", "'aggregations' must be a list" },
		{ "{\"aggregations\": [1]}", "'aggregations': '(not a name)'" },
		{ "{\"imputations\": [\"group_mean\"]}", "'imputations': group_mean needs a group_column" },
		{ "{\"imputations\": [\"none\", \"mean\", \"group_mean\", \"none\", \"mean\", \"none\", \"mean\", \"none\", \"mean\"]}",
			"'imputations': at most 8" },
		{ "{\"sensitivity\": 1}", "'sensitivity' must be true or false" },
		{ "{\"sensitivity\": true, \"spread\": 0, \"aggregations\": [\"geom\"]}", "'sensitivity': nothing varies" },
		{ "{\"seeds\": 3}", "'seeds' is not a field" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		index_mc_spec s;
		json_t *c = NULL;
		int rc = spec_of(&s, &c, cases[i][0]);
		if (rc != ERR_INVALID || !strstr(err_msg(), cases[i][1]))
			fail_msg("%s: %d %s", cases[i][0], rc, err_msg());
		assert_null(c);
	}
}

/* The analysis of TABLE with spec text, as compact JSON text. */
static char *analyse(const char *text)
{
	index_spec def;
	index_table t;
	index_mc_spec s;
	json_t *out = NULL;
	assert_int_equal(spec_of(&s, NULL, text), 0);
	load(&def);
	assert_int_equal(index_table_read(&t, &def, TABLE, strlen(TABLE), NULL, 0), 0);
	s.threads = 2;
	assert_int_equal(index_uncertainty_compute(&out, &def, &t, &s), 0);
	char *dumped = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	index_table_free(&t);
	index_spec_free(&def);
	return dumped;
}

static void test_index_uncertainty__intervals_around_the_nominal_ranks(void **state)
{
	(void)state;
	char *text = analyse("{\"runs\": 300, \"spread\": 0.4, \"aggregations\": [\"arith\", \"geom\"], \"sensitivity\": true}");
	json_error_t e;
	json_t *r = json_loads(text, 0, &e), *u;
	size_t i;
	assert_string_equal(json_string_value(json_object_get(r, "aggregate")), "CS");
	assert_int_equal(json_integer_value(json_object_get(r, "samples")), 600);
	assert_int_equal(json_array_size(json_object_get(r, "units")), 5);
	json_array_foreach(json_object_get(r, "units"), i, u) {
		double p05 = json_number_value(json_object_get(u, "p05")), med = json_number_value(json_object_get(u, "median")),
		       p95 = json_number_value(json_object_get(u, "p95"));
		assert_int_equal(json_integer_value(json_object_get(u, "nominal")), (json_int_t)i + 1);
		assert_true(1 <= p05 && p05 <= med && med <= p95 && p95 <= 5);
	}
	/* X3 scores highest with the nominal weights (index_cli's ranking) */
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r, "units"), 0), "code")), "X3");
	const json_t *sens = json_object_get(r, "sensitivity");
	assert_int_equal(json_array_size(sens), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(sens, 0), "factor")), "weights");
	assert_string_equal(json_string_value(json_object_get(json_array_get(sens, 1), "factor")), "aggregation");
	json_decref(r);
	char *again = analyse("{\"runs\": 300, \"spread\": 0.4, \"aggregations\": [\"arith\", \"geom\"], \"sensitivity\": true}");
	assert_string_equal(again, text);
	free(again);
	free(text);
}

static void test_index_uncertainty__nothing_varied_collapses(void **state)
{
	(void)state;
	char *text = analyse("{\"runs\": 20, \"spread\": 0}");
	json_error_t e;
	json_t *r = json_loads(text, 0, &e), *u;
	size_t i;
	assert_true(json_is_null(json_object_get(r, "sensitivity")));
	assert_true(json_number_value(json_object_get(r, "mean_shift")) == 0);
	json_array_foreach(json_object_get(r, "units"), i, u) {
		double nominal = (double)json_integer_value(json_object_get(u, "nominal"));
		assert_true(json_number_value(json_object_get(u, "p05")) == nominal);
		assert_true(json_number_value(json_object_get(u, "median")) == nominal);
		assert_true(json_number_value(json_object_get(u, "p95")) == nominal);
	}
	json_decref(r);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_uncertainty__defaults),
		cmocka_unit_test(test_index_uncertainty__methods_and_their_names),
		cmocka_unit_test(test_index_uncertainty__refusals_name_the_field),
		cmocka_unit_test(test_index_uncertainty__intervals_around_the_nominal_ranks),
		cmocka_unit_test(test_index_uncertainty__nothing_varied_collapses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
