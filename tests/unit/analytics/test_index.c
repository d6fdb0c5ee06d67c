/* Tests for analytics/index: each operation on small arrays with answers
 * worked out by hand, a small tree evaluated stage by stage, and bad
 * definitions and inputs refused with the culprit named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "analytics/index.h"
#include "util/err.h"

#define EPS 1e-12

static void assert_values(const double *got, const double *want, int n)
{
	for (int i = 0; i < n; i++) {
		if (isnan(want[i])) {
			if (!isnan(got[i]))
				fail_msg("value %d: %.17g, expected missing", i + 1, got[i]);
		} else if (!(fabs(got[i] - want[i]) <= EPS * fmax(1, fabs(want[i])))) {
			fail_msg("value %d: %.17g, expected %.17g", i + 1, got[i], want[i]);
		}
	}
}

static void assert_msg_has(const char *part)
{
	if (!strstr(err_msg(), part))
		fail_msg("message \"%s\" does not name \"%s\"", err_msg(), part);
}

static void test_index__denominate_and_efficiency(void **state)
{
	(void)state;
	const double x[] = { 10, NAN, 6, 4 }, den[] = { 2, 3, NAN, 0 };
	double out[4];
	index_denominate(out, x, den, 4);
	assert_values(out, (double[]){ 5, NAN, NAN, NAN }, 4);
	/* output / input: 30 graduates for 12 staff */
	index_efficiency(out, (double[]){ 30, 8 }, (double[]){ 12, 0 }, 2);
	assert_values(out, (double[]){ 2.5, NAN }, 2);
}

static void test_index__group_mean_imputation(void **state)
{
	(void)state;
	/* group 0: 1, ?, 3 -> 2; group 1: 10, ?, 20 -> 15 */
	double x[] = { 1, NAN, 3, 10, NAN, 20 };
	const int group[] = { 0, 0, 0, 1, 1, 1 };
	assert_int_equal(index_impute_values(x, 6, INDEX_IMPUTE_GROUP_MEAN, group), 2);
	assert_values(x, (double[]){ 1, 2, 3, 10, 15, 20 }, 6);
	/* the overall mean: (1 + 3 + 10 + 20) / 4 = 8.5 */
	double y[] = { 1, NAN, 3, 10, NAN, 20 };
	assert_int_equal(index_impute_values(y, 6, INDEX_IMPUTE_MEAN, NULL), 2);
	assert_values(y, (double[]){ 1, 8.5, 3, 10, 8.5, 20 }, 6);
	/* a group with nothing present stays missing; the filled value of one
	 * unit never feeds another's mean */
	double z[] = { NAN, NAN, 5, NAN };
	assert_int_equal(index_impute_values(z, 4, INDEX_IMPUTE_GROUP_MEAN, (int[]){ 0, 0, 1, 1 }), 1);
	assert_values(z, (double[]){ NAN, NAN, 5, 5 }, 4);
	double none[] = { NAN, 1 };
	assert_int_equal(index_impute_values(none, 2, INDEX_IMPUTE_NONE, NULL), 0);
	assert_true(isnan(none[0]));
	assert_int_equal(index_impute_values(none, 2, INDEX_IMPUTE_GROUP_MEAN, NULL), ERR_INVALID);
}

/* x = 1, 2, 3, 4, 10: n 5, mean 4, deviations -3 -2 -1 0 6;
 * sum d^2 = 50, so s^2 = 50 / 4 = 12.5; sum d^3 = 180; sum d^4 = 1394.
 *   SKEW = 5 / (4 * 3) * 180 / 12.5^1.5 = (5 / 12) * 360 sqrt(2) / 125 = 1.2 sqrt(2)
 *   KURT = 5 * 6 / (4 * 3 * 2) * 1394 / 12.5^2 - 3 * 4^2 / (3 * 2)
 *        = 1.25 * 8.9216 - 8 = 3.152
 * (Excel: =SKEW(1,2,3,4,10) 1.697056275, =KURT(1,2,3,4,10) 3.152) */
static void test_index__skew_and_kurtosis_as_excel(void **state)
{
	(void)state;
	const double x[] = { 1, 2, 3, 4, 10 };
	assert_float_equal(index_skew(x, 5), 1.2 * sqrt(2), 1e-12);
	assert_float_equal(index_kurt(x, 5), 3.152, 1e-12);
	/* missing values take no part */
	const double y[] = { 1, NAN, 2, 3, 4, 10, NAN };
	assert_float_equal(index_skew(y, 7), 1.2 * sqrt(2), 1e-12);
	assert_float_equal(index_kurt(y, 7), 3.152, 1e-12);
	/* too few values, or all equal: Excel's #DIV/0! */
	assert_true(isnan(index_skew(x, 2)));
	assert_true(isnan(index_kurt(x, 3)));
	assert_true(isnan(index_skew((double[]){ 4, 4, 4, 4 }, 4)));
}

static index_treat_spec treat_spec(int winmax)
{
	return (index_treat_spec){ .winmax = winmax, .skew_max = 2, .kurt_max = 3.5, .fallback = INDEX_LOG_CT };
}

/* 1..10, 100: skew 3.26, kurtosis 10.7; 100 moves to 10, and 1..10, 10
 * (skew -0.13) passes. */
static void test_index__winsorising_moves_the_outlier_to_the_next_value(void **state)
{
	(void)state;
	double x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100 };
	index_treat_spec s = treat_spec(5);
	index_treat_info info;
	unsigned char flags[11];
	assert_int_equal(index_treat(x, 11, &s, &info, flags), 0);
	assert_values(x, (double[]){ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10 }, 11);
	assert_int_equal(info.winsorised, 1);
	assert_int_equal(info.high, 1);
	assert_int_equal(info.low, 0);
	assert_false(info.logged);
	assert_true(fabs(info.skew) < 2);
	assert_int_equal(flags[10], INDEX_FLAG_HIGH);
	assert_int_equal(flags[9], INDEX_FLAG_NONE);   /* the 10 that was there already */
	/* the low side: -100 moves up to 1 */
	double y[] = { -100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	assert_int_equal(index_treat(y, 11, &s, &info, flags), 0);
	assert_float_equal(y[0], 1, 0);
	assert_int_equal(info.low, 1);
	assert_int_equal(flags[0], INDEX_FLAG_LOW);
	/* nothing to do: 1..10 */
	double z[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	assert_int_equal(index_treat(z, 10, &s, &info, NULL), 0);
	assert_int_equal(info.winsorised, 0);
	assert_float_equal(z[9], 10, 0);
}

/* 1..20, 100, 100: skew 2.82, kurtosis 7.13. Both 100s move to 20
 * together as one winsorised value, two points changed (COINr counts
 * "Winsorised 1 points", High 2). */
static void test_index__tied_extremes_move_together(void **state)
{
	(void)state;
	double x[22];
	for (int i = 0; i < 20; i++)
		x[i] = i + 1;
	x[20] = x[21] = 100;
	index_treat_spec s = treat_spec(1);
	index_treat_info info;
	unsigned char flags[22];
	assert_int_equal(index_treat(x, 22, &s, &info, flags), 0);
	assert_float_equal(x[20], 20, 0);
	assert_float_equal(x[21], 20, 0);
	assert_int_equal(info.winsorised, 1);
	assert_int_equal(info.high, 2);
	assert_false(info.logged);
	assert_int_equal(flags[20], INDEX_FLAG_HIGH);
	assert_int_equal(flags[21], INDEX_FLAG_HIGH);
	assert_int_equal(flags[19], INDEX_FLAG_NONE);
}

/* 30 zeros, 1, 5, 100 with at most 2 values: 100 -> 5 (skew 3.74,
 * kurtosis 13.1), 5 -> 1 (2.98, 7.34), still outlying: the CT log of the
 * original values, min 0 and max 100: ln(x - 0 + 0.01 * 100) = ln(x + 1). */
static void test_index__log_when_winsorising_is_not_enough(void **state)
{
	(void)state;
	double x[33] = { 0 };
	x[30] = 1;
	x[31] = 5;
	x[32] = 100;
	index_treat_spec s = treat_spec(2);
	index_treat_info info;
	unsigned char flags[33];
	assert_int_equal(index_treat(x, 33, &s, &info, flags), 0);
	assert_true(info.logged);
	assert_int_equal(info.high + info.low, 0);
	assert_float_equal(x[0], 0, 1e-15);
	assert_float_equal(x[30], log(2), 1e-15);
	assert_float_equal(x[31], log(6), 1e-15);
	assert_float_equal(x[32], log(101), 1e-15);
	assert_int_equal(flags[0], INDEX_FLAG_LOG);
	/* GII's: ln((100 - 1) (x - 0) / 100 + 1) = ln(0.99 x + 1) */
	double y[33] = { 0 };
	y[30] = 1;
	y[31] = 5;
	y[32] = 100;
	s.fallback = INDEX_LOG_GII;
	assert_int_equal(index_treat(y, 33, &s, &info, NULL), 0);
	assert_float_equal(y[31], log(0.99 * 5 + 1), 1e-15);
	assert_float_equal(y[32], log(100), 1e-15);
	/* 20 zeros and a 1: two distinct values, nothing to winsorise, so
	 * the log at once; without a fallback the values stay */
	double z[21] = { 0 };
	z[20] = 1;
	s.fallback = INDEX_LOG_NONE;
	assert_int_equal(index_treat(z, 21, &s, &info, NULL), 0);
	assert_false(info.logged);
	assert_int_equal(info.winsorised, 0);
	assert_float_equal(z[20], 1, 0);
	s.fallback = INDEX_LOG_CT;
	assert_int_equal(index_treat(z, 21, &s, &info, NULL), 0);
	assert_true(info.logged);
	assert_float_equal(z[20], log(1.01), 1e-15);   /* ln(1 - 0 + 0.01) */
	assert_float_equal(z[0], log(0.01), 1e-15);
	s.winmax = -1;
	assert_int_equal(index_treat(z, 21, &s, &info, NULL), ERR_INVALID);
}

static void test_index__minmax_and_its_reversal(void **state)
{
	(void)state;
	const double x[] = { 2, 4, NAN, 6, 10 };
	index_norm_spec s = { .method = INDEX_NORM_MINMAX, .lo = 0, .hi = 100 };
	double out[5];
	assert_int_equal(index_normalise(out, x, 5, 1, &s), 0);
	assert_values(out, (double[]){ 0, 25, NAN, 50, 100 }, 5);
	assert_int_equal(index_normalise(out, x, 5, -1, &s), 0);
	assert_values(out, (double[]){ 100, 75, NAN, 50, 0 }, 5);
	/* nothing to scale */
	assert_int_equal(index_normalise(out, (double[]){ 3, 3 }, 2, 1, &s), ERR_INVALID);
	assert_msg_has("every value is 3");
	assert_int_equal(index_normalise(out, x, 5, 0, &s), ERR_INVALID);
	assert_msg_has("direction 0");
}

static void test_index__zscore_and_rank(void **state)
{
	(void)state;
	/* 2, 4, 6, 8: mean 5, s = sqrt((9 + 1 + 1 + 9) / 3) = sqrt(20 / 3) */
	const double x[] = { 2, 4, 6, 8 };
	index_norm_spec s = { .method = INDEX_NORM_ZSCORE };
	double out[4], sd = sqrt(20.0 / 3);
	assert_int_equal(index_normalise(out, x, 4, 1, &s), 0);
	assert_values(out, (double[]){ -3 / sd, -1 / sd, 1 / sd, 3 / sd }, 4);
	assert_int_equal(index_normalise(out, x, 4, -1, &s), 0);
	assert_values(out, (double[]){ 3 / sd, 1 / sd, -1 / sd, -3 / sd }, 4);
	/* ranks 1..n from the lowest, ties share the mean of theirs */
	s.method = INDEX_NORM_RANK;
	const double y[] = { 10, 20, 20, 5, NAN };
	double r[5];
	assert_int_equal(index_normalise(r, y, 5, 1, &s), 0);
	assert_values(r, (double[]){ 2, 3.5, 3.5, 1, NAN }, 5);
	assert_int_equal(index_normalise(r, y, 5, -1, &s), 0);
	assert_values(r, (double[]){ 3, 1.5, 1.5, 4, NAN }, 5);
}

static void test_index__distance_to_target(void **state)
{
	(void)state;
	const double x[] = { 0, 5, 11 };
	index_norm_spec s = { .method = INDEX_NORM_TARGET, .target = 10 };
	double out[3];
	assert_int_equal(index_normalise(out, x, 3, 1, &s), 0);
	assert_values(out, (double[]){ 0, 0.5, 1.1 }, 3);
	s.cap = true;
	assert_int_equal(index_normalise(out, x, 3, 1, &s), 0);
	assert_values(out, (double[]){ 0, 0.5, 1 }, 3);
	/* lower is better: target / x; 0 is at least as good as any target */
	const double y[] = { 5, 20, 0 };
	assert_int_equal(index_normalise(out, y, 3, -1, &s), 0);
	assert_values(out, (double[]){ 1, 0.5, 1 }, 3);
	s.cap = false;
	assert_int_equal(index_normalise(out, y, 3, -1, &s), 0);
	assert_values(out, (double[]){ 2, 0.5, NAN }, 3);
	s.target = 0;
	assert_int_equal(index_normalise(out, x, 3, 1, &s), ERR_INVALID);
	assert_msg_has("target 0");
}

static void test_index__goalposts_clip(void **state)
{
	(void)state;
	const double x[] = { -10, 0, 25, 50, 60 };
	index_norm_spec s = { .method = INDEX_NORM_GOALPOSTS, .lo = 0, .hi = 100, .post_lo = 0, .post_hi = 50 };
	double out[5];
	assert_int_equal(index_normalise(out, x, 5, 1, &s), 0);
	assert_values(out, (double[]){ 0, 0, 50, 100, 100 }, 5);
	assert_int_equal(index_normalise(out, x, 5, -1, &s), 0);
	assert_values(out, (double[]){ 100, 100, 50, 0, 0 }, 5);
	s.post_hi = -1;
	assert_int_equal(index_normalise(out, x, 5, 1, &s), ERR_INVALID);
	assert_msg_has("goalposts");
}

/* (1, 2, 3) weighted (1, 1, 2):
 *   arithmetic (1 + 2 + 2 * 3) / 4 = 9 / 4
 *   geometric (1 * 2 * 3^2)^(1/4) = 18^(1/4)
 *   harmonic 4 / (1 + 1/2 + 2/3) = 4 / (13/6) = 24 / 13 */
static void test_index__weighted_means(void **state)
{
	(void)state;
	const double x[] = { 1, 2, 3 }, w[] = { 1, 1, 2 };
	double m;
	assert_int_equal(index_aggregate(&m, x, w, 3, INDEX_AGG_ARITH), 0);
	assert_float_equal(m, 2.25, EPS);
	assert_int_equal(index_aggregate(&m, x, w, 3, INDEX_AGG_GEOM), 0);
	assert_float_equal(m, pow(18, 0.25), EPS);
	assert_int_equal(index_aggregate(&m, x, w, 3, INDEX_AGG_HARM), 0);
	assert_float_equal(m, 24.0 / 13, EPS);
}

/* (1, missing, 3) weighted (1, 1, 2): the weights 1 and 2 of the present
 * values count: arithmetic (1 + 6) / 3, geometric (1 * 3^2)^(1/3),
 * harmonic 3 / (1 + 2/3) = 9 / 5. */
static void test_index__reweighting_over_a_missing_value(void **state)
{
	(void)state;
	const double x[] = { 1, NAN, 3 }, w[] = { 1, 1, 2 };
	double m;
	assert_int_equal(index_aggregate(&m, x, w, 3, INDEX_AGG_ARITH), 0);
	assert_float_equal(m, 7.0 / 3, EPS);
	assert_int_equal(index_aggregate(&m, x, w, 3, INDEX_AGG_GEOM), 0);
	assert_float_equal(m, cbrt(9), EPS);
	assert_int_equal(index_aggregate(&m, x, w, 3, INDEX_AGG_HARM), 0);
	assert_float_equal(m, 9.0 / 5, EPS);
	/* nothing present */
	assert_int_equal(index_aggregate(&m, (double[]){ NAN, NAN }, w, 2, INDEX_AGG_ARITH), 0);
	assert_true(isnan(m));
	/* refused: a weight that is not finite, a value a geometric mean cannot take */
	assert_int_equal(index_aggregate(&m, x, (double[]){ 1, NAN, 1 }, 3, INDEX_AGG_ARITH), ERR_INVALID);
	assert_msg_has("weight 2");
	assert_int_equal(index_aggregate(&m, (double[]){ 1, 0 }, w, 2, INDEX_AGG_GEOM), ERR_INVALID);
	assert_msg_has("value 2");
}

static void test_index__ranks_with_ties(void **state)
{
	(void)state;
	const double x[] = { 50, 70, 70, NAN, 10 };
	int r[5];
	assert_int_equal(index_rank(r, x, 5, -1), 0);
	int want[] = { 3, 1, 1, 0, 4 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(r[i], want[i]);
	/* ASEM's Economic and Financial pillar: Japan 6.6189, Russia 6.6160,
	 * both 6.62 in the published table and ranked together */
	const double y[] = { 6.618935868171083, 6.615976106347404, 1 };
	assert_int_equal(index_rank(r, y, 3, -1), 0);
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 2);
	assert_int_equal(r[2], 3);
	assert_int_equal(index_rank(r, y, 3, 2), 0);
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 1);
	assert_int_equal(r[2], 3);
}

static void test_index__rounding_as_r(void **state)
{
	(void)state;
	assert_float_equal(index_round(2.5, 0), 2, 0);      /* a true half: to even */
	assert_float_equal(index_round(3.5, 0), 4, 0);
	assert_float_equal(index_round(0.125, 2), 0.12, 0); /* 0.125 is exact in binary */
	assert_float_equal(index_round(2.675, 2), 2.67, 0); /* 2.67499999... */
	assert_float_equal(index_round(0.15, 1), 0.1, 0);   /* 0.1499999... */
	assert_float_equal(index_round(-1.236, 2), -1.24, 1e-15);
	assert_true(isnan(index_round(NAN, 2)));
}

/* A two-level tree over three units:
 *   Index (P1 weight 1, P2 weight 1)
 *   P1: a (weight 3), b (weight 1, lower is better)
 *   P2: c (divided by denominator 0), d, e; at least 2 of 3 present.
 * Normalised (min-max 0..100):
 *   a 0, 50, 100 -> 0, 50, 100      b 10, 20, 30 -> 100, 50, 0
 *   c 0/1, 20/2, 5/missing = 0, 10, ? -> 0, 100, ?
 *   d 1, ?, 3 -> 0, ?, 100          e 5, ?, 7 -> 0, ?, 100
 * P1 = (3a + b) / 4: 25, 50, 75
 * P2: 0; unit 2 has only c, 1 of 3: missing; unit 3 (100 + 100) / 2 = 100
 * Index: 12.5; unit 2 P1 alone 50; 87.5. */
static void build_tree(index_def *d)
{
	index_def_init(d);
	assert_int_equal(index_def_aggregate(d, "Index", NULL, 1), 0);
	assert_int_equal(index_def_aggregate(d, "P1", "Index", 1), 0);
	assert_int_equal(index_def_aggregate(d, "P2", "Index", 1), 0);
	assert_int_equal(index_def_indicator(d, "a", "P1", 3, 1), 0);
	assert_int_equal(index_def_indicator(d, "b", "P1", 1, -1), 0);
	assert_int_equal(index_def_indicator(d, "c", "P2", 1, 1), 0);
	assert_int_equal(index_def_indicator(d, "d", "P2", 1, 1), 0);
	assert_int_equal(index_def_indicator(d, "e", "P2", 1, 1), 0);
	d->nodes[index_def_find(d, "c")].denominator = 0;
}

static const double tree_values[] = {
	/* a   b   c    d    e */
	0, 10, 0, 1, 5,
	50, 20, 20, NAN, NAN,
	100, 30, 5, 3, 7,
};
static const double tree_den[] = { 1, 2, NAN };

static index_input tree_input(const double *values)
{
	static const char *const units[] = { "U1", "U2", "U3" };
	return (index_input){ .n_units = 3, .values = values, .denominators = tree_den, .n_denominators = 1,
		.unit_codes = units };
}

static void test_index__tree_and_coverage_rule(void **state)
{
	(void)state;
	index_def d;
	build_tree(&d);
	index_input in = tree_input(tree_values);
	index_options o = index_options_default();
	o.coverage[1] = 2.0 / 3;
	index_result r;
	if (index_evaluate(&r, &d, &in, &o) != 0)
		fail_msg("evaluate: %s", err_msg());
	assert_int_equal(d.n_levels, 2);
	assert_int_equal(r.n_indicators, 5);
	assert_int_equal(r.n_aggregates, 3);
	/* the stages of c: divided, then scaled */
	double c[3];
	for (int u = 0; u < 3; u++)
		c[u] = r.denominated[u * 5 + 2];
	assert_values(c, (double[]){ 0, 10, NAN }, 3);
	for (int u = 0; u < 3; u++)
		c[u] = r.normalised[u * 5 + 2];
	assert_values(c, (double[]){ 0, 100, NAN }, 3);
	assert_float_equal(r.normalised[0 * 5 + 1], 100, EPS);   /* b reversed */
	/* scores: columns Index, P1, P2 */
	assert_values(r.scores, (double[]){ 12.5, 25, 0, 50, 50, NAN, 87.5, 75, 100 }, 9);
	int want_ranks[] = { 3, 3, 2, 2, 2, 0, 1, 1, 1 };
	for (int i = 0; i < 9; i++)
		assert_int_equal(r.ranks[i], want_ranks[i]);
	index_result_free(&r);
	/* no coverage rule: unit 2's P2 is c alone, 100, and Index 75 */
	o.coverage[1] = 0;
	if (index_evaluate(&r, &d, &in, &o) != 0)
		fail_msg("evaluate: %s", err_msg());
	assert_float_equal(r.scores[1 * 3 + 2], 100, EPS);
	assert_float_equal(r.scores[1 * 3 + 0], 75, EPS);
	index_result_free(&r);
	index_def_free(&d);
}

/* Imputation and treatment inside the tree, geometric means at the top,
 * on the tree's values with c of unit 1 20 (divided by 1: 20) and d 3, ?, 1:
 *   imputed by group (units 1 and 2 in one, unit 3 alone): d of unit 2 is
 *   unit 1's 3, e of unit 2 unit 1's 5; c of unit 3 has no one to take
 *   from and stays missing
 *   normalised c 20, 10, ? -> 100, 0, ?   d 3, 3, 1 -> 100, 100, 0
 *              e 5, 5, 7 -> 0, 0, 100
 *   three values: kurtosis is undefined, so nothing is treated
 *   P1 25, 50, 75 as before; P2 200/3, 100/3, (0 + 100) / 2 = 50
 *   Index sqrt(P1 P2). */
static void test_index__tree_with_imputation_and_geometric_index(void **state)
{
	(void)state;
	index_def d;
	build_tree(&d);
	double v[15];
	memcpy(v, tree_values, sizeof(v));
	v[0 * 5 + 2] = 20;
	v[0 * 5 + 3] = 3;
	v[2 * 5 + 3] = 1;
	index_input in = tree_input(v);
	const int groups[] = { 0, 0, 1 };
	in.groups = groups;
	index_options o = index_options_default();
	o.impute = INDEX_IMPUTE_GROUP_MEAN;
	o.treat.winmax = 1;
	o.agg[2] = INDEX_AGG_GEOM;
	index_result r;
	if (index_evaluate(&r, &d, &in, &o) != 0)
		fail_msg("evaluate: %s", err_msg());
	assert_float_equal(r.imputed[1 * 5 + 3], 3, 0);
	assert_float_equal(r.imputed[1 * 5 + 4], 5, 0);
	assert_true(isnan(r.imputed[2 * 5 + 2]));
	for (int i = 0; i < 5; i++)
		assert_int_equal(r.treat[i].winsorised, 0);
	assert_values(r.scores, (double[]){ sqrt(25 * 200.0 / 3), 25, 200.0 / 3, sqrt(50 * 100.0 / 3), 50, 100.0 / 3,
		sqrt(75 * 50.0), 75, 50 }, 9);
	index_result_free(&r);
	/* the tree's own values give unit 1 a P2 of 0, which a geometric mean
	 * refuses, naming the node and the unit */
	in.values = tree_values;
	assert_int_equal(index_evaluate(&r, &d, &in, &o), ERR_INVALID);
	assert_msg_has("aggregate 'Index', U1");
	assert_null(r.scores);   /* nothing left to free */
	index_def_free(&d);
}

static void test_index__bad_definitions_refused(void **state)
{
	(void)state;
	index_def d;
	index_def_init(&d);
	assert_int_equal(index_def_aggregate(&d, "Index", NULL, 1), 0);
	assert_int_equal(index_def_indicator(&d, "gdp", "Index", NAN, 1), ERR_INVALID);
	assert_msg_has("'gdp'");
	assert_msg_has("weight");
	assert_int_equal(index_def_indicator(&d, "gdp", "Index", -1, 1), ERR_INVALID);
	assert_int_equal(index_def_indicator(&d, "gdp", "Index", 1, 0), ERR_INVALID);
	assert_msg_has("direction 0");
	assert_int_equal(index_def_indicator(&d, "gdp", "Index", 1, 1), 0);
	assert_int_equal(index_def_indicator(&d, "gdp", "Index", 1, 1), ERR_INVALID);
	assert_msg_has("'gdp' is defined twice");
	assert_int_equal(index_def_indicator(&d, "", "Index", 1, 1), ERR_INVALID);
	assert_int_equal(index_def_check(&d), 0);
	/* a weight edited on the node afterwards */
	d.nodes[1].weight = INFINITY;
	assert_int_equal(index_def_check(&d), ERR_INVALID);
	assert_msg_has("'gdp': weight inf");
	d.nodes[1].weight = 1;
	/* a child whose parent is missing */
	assert_int_equal(index_def_indicator(&d, "pop", "Social", 1, 1), 0);
	assert_int_equal(index_def_check(&d), ERR_INVALID);
	assert_msg_has("'pop': parent 'Social' is not defined");
	/* an aggregate without children */
	assert_int_equal(index_def_aggregate(&d, "Social", "Index", 1), 0);
	assert_int_equal(index_def_aggregate(&d, "Empty", "Index", 1), 0);
	assert_int_equal(index_def_check(&d), ERR_INVALID);
	assert_msg_has("aggregate 'Empty' has no children");
	index_def_free(&d);

	/* a cycle: A under B under A */
	index_def_init(&d);
	assert_int_equal(index_def_aggregate(&d, "Index", NULL, 1), 0);
	assert_int_equal(index_def_aggregate(&d, "A", "B", 1), 0);
	assert_int_equal(index_def_aggregate(&d, "B", "A", 1), 0);
	assert_int_equal(index_def_indicator(&d, "x", "A", 1, 1), 0);
	assert_int_equal(index_def_indicator(&d, "y", "Index", 1, 1), 0);
	assert_int_equal(index_def_check(&d), ERR_INVALID);
	assert_msg_has("cycle");
	assert_msg_has("'A' -> 'B' -> 'A'");
	index_def_free(&d);

	/* two roots; an indicator as a parent; an indicator without a parent */
	index_def_init(&d);
	assert_int_equal(index_def_aggregate(&d, "One", NULL, 1), 0);
	assert_int_equal(index_def_aggregate(&d, "Two", "", 1), 0);
	assert_int_equal(index_def_indicator(&d, "x", "One", 1, 1), 0);
	assert_int_equal(index_def_indicator(&d, "y", "Two", 1, 1), 0);
	assert_int_equal(index_def_check(&d), ERR_INVALID);
	assert_msg_has("two roots, 'One' and 'Two'");
	strcpy(d.nodes[1].parent, "x");
	assert_int_equal(index_def_check(&d), ERR_INVALID);
	assert_msg_has("'Two': parent 'x' is an indicator");
	assert_int_equal(index_def_indicator(&d, "z", NULL, 1, 1), 0);
	strcpy(d.nodes[1].parent, "One");
	assert_int_equal(index_def_check(&d), ERR_INVALID);
	assert_msg_has("indicator 'z' has no parent");
	index_def_free(&d);
}

static void test_index__bad_inputs_refused(void **state)
{
	(void)state;
	index_def d;
	build_tree(&d);
	index_options o = index_options_default();
	index_result r;
	/* every value of e missing */
	double v[15];
	memcpy(v, tree_values, sizeof(v));
	v[4] = v[9] = v[14] = NAN;
	index_input in = tree_input(v);
	assert_int_equal(index_evaluate(&r, &d, &in, &o), ERR_INVALID);
	assert_msg_has("indicator 'e': every value is missing");
	/* every value of c missing once divided */
	memcpy(v, tree_values, sizeof(v));
	const double den[] = { NAN, NAN, 4 };
	in.denominators = den;
	v[14] = 7;
	v[2 * 5 + 2] = NAN;
	assert_int_equal(index_evaluate(&r, &d, &in, &o), ERR_INVALID);
	assert_msg_has("indicator 'c': every value is missing after dividing");
	/* an infinity is not a missing value */
	memcpy(v, tree_values, sizeof(v));
	in = tree_input(v);
	v[1 * 5 + 0] = INFINITY;
	assert_int_equal(index_evaluate(&r, &d, &in, &o), ERR_INVALID);
	assert_msg_has("indicator 'a', U2: the value is inf");
	/* a denominator column that is not there */
	in = tree_input(tree_values);
	in.n_denominators = 0;
	in.denominators = NULL;
	assert_int_equal(index_evaluate(&r, &d, &in, &o), ERR_INVALID);
	assert_msg_has("indicator 'c': denominator column 0, there are 0");
	/* group imputation without groups; a constant indicator */
	in = tree_input(tree_values);
	o.impute = INDEX_IMPUTE_GROUP_MEAN;
	assert_int_equal(index_evaluate(&r, &d, &in, &o), ERR_INVALID);
	assert_msg_has("no groups");
	o.impute = INDEX_IMPUTE_NONE;
	memcpy(v, tree_values, sizeof(v));
	v[0] = v[5] = v[10] = 7;
	in.values = v;
	assert_int_equal(index_evaluate(&r, &d, &in, &o), ERR_INVALID);
	assert_msg_has("indicator 'a': min-max: every value is 7");
	/* coverage out of range */
	in.values = tree_values;
	o.coverage[2] = 1.5;
	assert_int_equal(index_evaluate(&r, &d, &in, &o), ERR_INVALID);
	assert_msg_has("coverage 1.5 at level 2");
	index_def_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index__denominate_and_efficiency),
		cmocka_unit_test(test_index__group_mean_imputation),
		cmocka_unit_test(test_index__skew_and_kurtosis_as_excel),
		cmocka_unit_test(test_index__winsorising_moves_the_outlier_to_the_next_value),
		cmocka_unit_test(test_index__tied_extremes_move_together),
		cmocka_unit_test(test_index__log_when_winsorising_is_not_enough),
		cmocka_unit_test(test_index__minmax_and_its_reversal),
		cmocka_unit_test(test_index__zscore_and_rank),
		cmocka_unit_test(test_index__distance_to_target),
		cmocka_unit_test(test_index__goalposts_clip),
		cmocka_unit_test(test_index__weighted_means),
		cmocka_unit_test(test_index__reweighting_over_a_missing_value),
		cmocka_unit_test(test_index__ranks_with_ties),
		cmocka_unit_test(test_index__rounding_as_r),
		cmocka_unit_test(test_index__tree_and_coverage_rule),
		cmocka_unit_test(test_index__tree_with_imputation_and_geometric_index),
		cmocka_unit_test(test_index__bad_definitions_refused),
		cmocka_unit_test(test_index__bad_inputs_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
