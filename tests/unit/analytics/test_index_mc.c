/* Tests for analytics/index_mc: the nominal run ranks as index_evaluate
 * does, whatever the means, imputation, treatment, coverage rule,
 * denominators or shape of the tree; nothing varied gives degenerate
 * intervals; a seed reproduces the result on any number of threads; a
 * four-unit index whose rank intervals and mean ranks follow from the
 * weights' ranges; the sensitivity indices of assumptions with known
 * answers; geometric means on shifted values; ties and a far outlier;
 * progress and cancellation; bad specs and inputs refused with the culprit
 * named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "analytics/index_mc.h"
#include "util/err.h"

static void assert_msg_has(const char *part)
{
	if (!strstr(err_msg(), part))
		fail_msg("message \"%s\" does not name \"%s\"", err_msg(), part);
}

static void must_run(index_mc_result *r, index_def *d, const index_input *in, const index_options *o,
	const index_mc_spec *s)
{
	if (index_mc_run(r, d, in, o, s) != 0)
		fail_msg("index_mc_run: %s", err_msg());
}

/* ---- a small index with missing values: 43 units, 3 pillars ----
 *   Index: P1 (weight 1), P2 (2), P3 (1)
 *   P1: a (1), b (2, lower is better), c (1)   P2: d (1), e (1)
 *   P3: f (3), g (1)
 * Values from a fixed LCG; about one in nine missing; unit 1 misses all
 * of P2, unit 2 everything (it has no score). 43 units: runs weigh eight
 * at a time, and three are left over. */
#define UNITS 43
#define INDS 7

static void build_tree(index_def *d)
{
	index_def_init(d);
	assert_int_equal(index_def_aggregate(d, "Index", NULL, 1), 0);
	assert_int_equal(index_def_aggregate(d, "P1", "Index", 1), 0);
	assert_int_equal(index_def_aggregate(d, "P2", "Index", 2), 0);
	assert_int_equal(index_def_aggregate(d, "P3", "Index", 1), 0);
	assert_int_equal(index_def_indicator(d, "a", "P1", 1, 1), 0);
	assert_int_equal(index_def_indicator(d, "b", "P1", 2, -1), 0);
	assert_int_equal(index_def_indicator(d, "c", "P1", 1, 1), 0);
	assert_int_equal(index_def_indicator(d, "d", "P2", 1, 1), 0);
	assert_int_equal(index_def_indicator(d, "e", "P2", 1, 1), 0);
	assert_int_equal(index_def_indicator(d, "f", "P3", 3, 1), 0);
	assert_int_equal(index_def_indicator(d, "g", "P3", 1, 1), 0);
}

static double values[UNITS * INDS];

static index_input make_input(bool missing)   /* missing: some values, and units 1 and 2 as above */
{
	uint64_t x = 57;
	for (int i = 0; i < UNITS * INDS; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		double v = (double)(x >> 11) * 0x1.0p-53;
		values[i] = (i % INDS) == 2 ? exp(4 * v) : 100 * v;   /* c skewed */
		if (missing && (x >> 7) % 9 == 0)
			values[i] = NAN;
	}
	if (missing) {
		values[0 * INDS + 3] = values[0 * INDS + 4] = NAN;
		for (int i = 0; i < INDS; i++)
			values[1 * INDS + i] = NAN;
	}
	return (index_input){ .n_units = UNITS, .values = values };
}

static index_mc_spec fixed_spec(void)
{
	index_mc_spec s = index_mc_spec_default();
	s.runs = 20;
	s.weight_spread = 0;
	return s;
}

/* The nominal ranks of every aggregate are index_evaluate's, for every mix
 * of means (min-max on 1..100: no shift needed), with imputation, a
 * coverage rule and rounded ranks. */
static void test_index_mc__nominal_ranks_are_index_evaluates(void **state)
{
	(void)state;
	index_def d;
	build_tree(&d);
	index_input in = make_input(true);
	const index_agg mixes[][2] = {
		{ INDEX_AGG_ARITH, INDEX_AGG_ARITH }, { INDEX_AGG_GEOM, INDEX_AGG_GEOM }, { INDEX_AGG_ARITH, INDEX_AGG_GEOM },
		{ INDEX_AGG_GEOM, INDEX_AGG_ARITH }, { INDEX_AGG_HARM, INDEX_AGG_GEOM }, { INDEX_AGG_ARITH, INDEX_AGG_HARM },
	};
	for (int variant = 0; variant < 3; variant++)
		for (size_t k = 0; k < sizeof(mixes) / sizeof(mixes[0]); k++) {
			index_options o = index_options_default();
			o.norm.lo = 1;
			o.agg[1] = mixes[k][0];
			o.agg[2] = mixes[k][1];
			if (variant == 1) {
				o.impute = INDEX_IMPUTE_MEAN;
				o.treat.winmax = 4;
			} else if (variant == 2) {
				o.coverage[1] = 0.6;
				o.rank_digits = 1;
			}
			index_result want;
			if (index_evaluate(&want, &d, &in, &o) != 0)
				fail_msg("evaluate: %s", err_msg());
			index_mc_spec s = fixed_spec();
			s.every_aggregate = true;
			index_mc_result r;
			must_run(&r, &d, &in, &o, &s);
			assert_int_equal(r.n_columns, 4);
			assert_int_equal(r.root_column, 0);
			for (int i = 0; i < UNITS * 4; i++)
				if (r.nominal[i] != want.ranks[i])
					fail_msg("means %d/%d, variant %d: unit %d column %d ranks %d, index_evaluate %d", (int)mixes[k][0],
						(int)mixes[k][1], variant, i / 4 + 1, i % 4, r.nominal[i], want.ranks[i]);
			index_mc_result_free(&r);
			index_result_free(&want);
		}
	index_def_free(&d);
}

/* +-0 % weights and each method a single one, the options' own: every
 * run is the nominal one, so median, mean and interval are the nominal
 * rank; a list of one method fixes that method in every run. */
static void test_index_mc__nothing_varied_gives_degenerate_intervals(void **state)
{
	(void)state;
	index_def d;
	build_tree(&d);
	index_input in = make_input(true);
	index_options o = index_options_default();
	index_mc_spec s = fixed_spec();
	s.n_norms = 1;
	s.norms[0] = o.norm;
	s.n_aggs = 1;
	memcpy(s.aggs[0].level, o.agg, sizeof(o.agg));
	s.n_imputes = 1;
	s.imputes[0] = INDEX_IMPUTE_NONE;
	s.threads = 2;
	index_mc_result r;
	must_run(&r, &d, &in, &o, &s);
	assert_int_equal(r.samples, 20);
	assert_int_equal(r.evaluations, 20);
	assert_int_equal(r.n_factors, 0);
	/* unit 2 has no score: no rank, no statistics */
	assert_int_equal(r.nominal[1], 0);
	assert_int_equal(r.ranked[1], 0);
	assert_true(isnan(r.median[1]) && isnan(r.p05[1]) && isnan(r.p95[1]) && isnan(r.mean[1]));
	for (int u = 0; u < UNITS; u++) {
		if (u == 1)
			continue;
		assert_true(r.nominal[u] > 0);
		assert_float_equal(r.median[u], r.nominal[u], 0);
		assert_float_equal(r.p05[u], r.nominal[u], 0);
		assert_float_equal(r.p95[u], r.nominal[u], 0);
		assert_float_equal(r.mean[u], r.nominal[u], 0);
		assert_int_equal(r.ranked[u], 20);
	}
	assert_float_equal(r.mean_shift, 0, 0);
	index_mc_result_free(&r);
	/* z-score in every run: other ranks than the nominal min-max ones, but
	 * the same in each run */
	s.norms[0].method = INDEX_NORM_ZSCORE;
	must_run(&r, &d, &in, &o, &s);
	int moved = 0;
	for (int u = 0; u < UNITS; u++) {
		if (u == 1)
			continue;
		assert_float_equal(r.p05[u], r.p95[u], 0);
		moved += r.median[u] != r.nominal[u];
	}
	assert_true(moved > 0);
	assert_true(r.mean_shift > 0);
	index_mc_result_free(&r);
	index_def_free(&d);
}

static void assert_same_result(const index_mc_result *a, const index_mc_result *b)
{
	size_t cells = (size_t)a->n_units * a->n_columns;
	assert_int_equal(a->n_units, b->n_units);
	assert_int_equal(a->n_columns, b->n_columns);
	assert_memory_equal(a->nominal, b->nominal, cells * sizeof(int));
	assert_memory_equal(a->median, b->median, cells * sizeof(double));
	assert_memory_equal(a->p05, b->p05, cells * sizeof(double));
	assert_memory_equal(a->p95, b->p95, cells * sizeof(double));
	assert_memory_equal(a->mean, b->mean, cells * sizeof(double));
	assert_memory_equal(a->ranked, b->ranked, cells * sizeof(int));
	assert_memory_equal(&a->mean_shift, &b->mean_shift, sizeof(double));
	assert_int_equal(a->n_factors, b->n_factors);
	assert_memory_equal(a->si, b->si, sizeof(a->si));
	assert_memory_equal(a->sti, b->sti, sizeof(a->sti));
}

static index_mc_spec everything_varied(void)
{
	index_mc_spec s = index_mc_spec_default();
	s.seed = 20260101;
	s.runs = 64;
	s.sensitivity = true;
	s.weight_spread = 0.3;
	s.n_norms = 3;
	s.norms[0] = index_options_default().norm;
	s.norms[1] = (index_norm_spec){ .method = INDEX_NORM_ZSCORE };
	s.norms[2] = (index_norm_spec){ .method = INDEX_NORM_RANK };
	s.n_aggs = 2;
	for (int l = 0; l <= INDEX_MAX_LEVELS; l++) {
		s.aggs[0].level[l] = INDEX_AGG_ARITH;
		s.aggs[1].level[l] = INDEX_AGG_GEOM;
	}
	s.n_imputes = 2;
	s.imputes[0] = INDEX_IMPUTE_NONE;
	s.imputes[1] = INDEX_IMPUTE_MEAN;
	s.every_aggregate = true;
	return s;
}

/* The same seed gives the same result to the last bit on 1, 2 or 3
 * threads; another seed another result. */
static void test_index_mc__a_seed_reproduces_the_result_on_any_threads(void **state)
{
	(void)state;
	index_def d;
	build_tree(&d);
	index_input in = make_input(true);
	index_options o = index_options_default();
	index_mc_spec s = everything_varied();
	index_mc_result one, other;
	must_run(&one, &d, &in, &o, &s);
	assert_int_equal(one.n_factors, 4);
	assert_int_equal(one.evaluations, 64 * 6);
	assert_int_equal(one.samples, 128);
	for (int threads = 0; threads <= 3; threads++) {
		s.threads = threads;
		must_run(&other, &d, &in, &o, &s);
		assert_same_result(&one, &other);
		index_mc_result_free(&other);
	}
	s.seed++;
	must_run(&other, &d, &in, &o, &s);
	size_t cells = (size_t)UNITS * 4;
	assert_memory_not_equal(one.mean, other.mean, cells * sizeof(double));
	index_mc_result_free(&other);
	index_mc_result_free(&one);
	index_def_free(&d);
}

/* Four units, two indicators straight under the index, weights 1.2 and
 * 1, each +-25 %:
 *        x1   x2
 *   D   100  100    first whatever the weights
 *   A    80   20    A - B = 60 (w1 - w2) / (w1 + w2): A is second
 *   B    20   80    when w1 > w2, third when w1 < w2
 *   E     0    0    last
 * w1 is uniform on [0.9, 1.5], w2 on [0.75, 1.25]: P(w1 < w2) = (area
 * of a < b) / (0.6 x 0.5) = (0.35^2 / 2) / 0.3 = 0.2041667. So A's rank is
 * 2 in about 80 % of the runs and 3 in 20 %: median 2, 5th-95th
 * percentile 2 to 3, mean 2.204; B the other way round. */
static void build_four(index_def *d, index_input *in)
{
	static const double v[] = { 100, 100, 80, 20, 20, 80, 0, 0 };
	index_def_init(d);
	assert_int_equal(index_def_aggregate(d, "Index", NULL, 1), 0);
	assert_int_equal(index_def_indicator(d, "x1", "Index", 1.2, 1), 0);
	assert_int_equal(index_def_indicator(d, "x2", "Index", 1, 1), 0);
	*in = (index_input){ .n_units = 4, .values = v };
}

static void test_index_mc__four_units_rank_intervals(void **state)
{
	(void)state;
	index_def d;
	index_input in;
	build_four(&d, &in);
	index_options o = index_options_default();
	index_mc_spec s = index_mc_spec_default();
	s.seed = 7;
	s.runs = 4000;
	s.threads = 2;
	index_mc_result r;
	must_run(&r, &d, &in, &o, &s);
	const int nominal[] = { 1, 2, 3, 4 };
	const double median[] = { 1, 2, 3, 4 }, lo[] = { 1, 2, 2, 4 }, hi[] = { 1, 3, 3, 4 };
	for (int u = 0; u < 4; u++) {
		assert_int_equal(r.nominal[u], nominal[u]);
		assert_float_equal(r.median[u], median[u], 0);
		assert_float_equal(r.p05[u], lo[u], 0);
		assert_float_equal(r.p95[u], hi[u], 0);
	}
	/* sd of the share of runs: sqrt(0.204 x 0.796 / 4000) = 0.0064 */
	double p = 0.35 * 0.35 / 2 / 0.3;
	assert_float_equal(r.mean[1], 2 + p, 0.025);
	assert_float_equal(r.mean[2], 3 - p, 0.025);
	assert_float_equal(r.mean[0], 1, 0);
	assert_float_equal(r.mean[3], 4, 0);
	/* a swap moves two units by 1 of 4: y is 0.5 in a share p of the runs */
	assert_float_equal(r.mean_shift, 0.5 * p, 0.0125);
	index_mc_result_free(&r);
	/* +-0 %: A second in every run */
	s.weight_spread = 0;
	must_run(&r, &d, &in, &o, &s);
	assert_float_equal(r.p05[1], 2, 0);
	assert_float_equal(r.p95[1], 2, 0);
	index_mc_result_free(&r);
	index_def_free(&d);
}

/* Sensitivity: with the weights the only assumption that varies, A_B^(w)
 * is B, so Si and STi are 1 but for sampling error. Imputation on the
 * four units, which miss nothing, changes nothing: its Si and STi are
 * exactly 0, and the weights keep Si = STi = 1 (about). Two identical
 * normalisations (COINr's own test): exactly 0 too. */
static void test_index_mc__sensitivity_known_answers(void **state)
{
	(void)state;
	index_def d;
	index_input in;
	build_four(&d, &in);
	index_options o = index_options_default();
	index_mc_spec s = index_mc_spec_default();
	s.seed = 11;
	s.runs = 2000;
	s.sensitivity = true;
	s.threads = 2;
	index_mc_result r;
	must_run(&r, &d, &in, &o, &s);
	assert_int_equal(r.n_factors, 1);
	assert_int_equal(r.factor[0], INDEX_MC_WEIGHTS);
	assert_int_equal(r.evaluations, 2000 * 3);
	assert_true(r.variance > 0);
	assert_float_equal(r.si[0], 1, 0.1);
	assert_float_equal(r.sti[0], 1, 0.1);
	index_mc_result_free(&r);

	s.n_imputes = 2;
	s.imputes[0] = INDEX_IMPUTE_NONE;
	s.imputes[1] = INDEX_IMPUTE_MEAN;
	s.n_norms = 2;
	s.norms[0] = s.norms[1] = o.norm;
	must_run(&r, &d, &in, &o, &s);
	assert_int_equal(r.n_factors, 3);
	assert_int_equal(r.factor[0], INDEX_MC_WEIGHTS);
	assert_int_equal(r.factor[1], INDEX_MC_NORM);
	assert_int_equal(r.factor[2], INDEX_MC_IMPUTE);
	assert_string_equal(index_mc_factor_name(r.factor[2]), "imputation");
	assert_float_equal(r.si[0], 1, 0.1);
	assert_float_equal(r.sti[0], 1, 0.1);
	for (int i = 1; i < 3; i++) {
		assert_float_equal(r.si[i], 0, 0);
		assert_float_equal(r.sti[i], 0, 0);
	}
	index_mc_result_free(&r);
	index_def_free(&d);
}

/* Geometric means on min-max 0..100 (zeros) and on z-scores (negative)
 * work on shifted values: min-max 0..100 shifted by 1 ranks as min-max
 * onto 1..101 does with index_evaluate. */
static void test_index_mc__geometric_means_on_shifted_values(void **state)
{
	(void)state;
	index_def d;
	build_tree(&d);
	index_input in = make_input(true);
	index_options o = index_options_default();
	o.agg[1] = o.agg[2] = INDEX_AGG_GEOM;
	index_result direct;
	assert_int_equal(index_evaluate(&direct, &d, &in, &o), ERR_INVALID);   /* the zeros */
	o.norm.lo = 1;
	o.norm.hi = 101;
	if (index_evaluate(&direct, &d, &in, &o) != 0)
		fail_msg("evaluate: %s", err_msg());
	o.norm.lo = 0;
	o.norm.hi = 100;
	index_mc_spec s = fixed_spec();
	index_mc_result r;
	must_run(&r, &d, &in, &o, &s);
	for (int u = 0; u < UNITS; u++)
		assert_int_equal(r.nominal[u], direct.ranks[u * 4]);
	index_mc_result_free(&r);
	index_result_free(&direct);
	o.norm.method = INDEX_NORM_ZSCORE;
	must_run(&r, &d, &in, &o, &s);
	for (int u = 0; u < UNITS; u++)
		assert_true(u == 1 ? r.nominal[u] == 0 : r.nominal[u] >= 1 && r.nominal[u] <= UNITS);
	index_mc_result_free(&r);
	index_def_free(&d);
}

/* An aggregate with indicators and aggregates among its children, and a
 * pillar of one: the nominal ranks are index_evaluate's for every mean. */
static void test_index_mc__mixed_children(void **state)
{
	(void)state;
	index_def d;
	index_def_init(&d);
	assert_int_equal(index_def_aggregate(&d, "Index", NULL, 1), 0);
	assert_int_equal(index_def_aggregate(&d, "P1", "Index", 2), 0);
	assert_int_equal(index_def_indicator(&d, "a", "P1", 1, 1), 0);
	assert_int_equal(index_def_indicator(&d, "b", "P1", 2, -1), 0);
	assert_int_equal(index_def_indicator(&d, "c", "Index", 1, 1), 0);   /* straight under the index */
	assert_int_equal(index_def_aggregate(&d, "P2", "Index", 1), 0);
	assert_int_equal(index_def_indicator(&d, "d", "P2", 1, 1), 0);
	assert_int_equal(index_def_indicator(&d, "e", "Index", 0.5, -1), 0);
	assert_int_equal(index_def_aggregate(&d, "P3", "P2", 1), 0);       /* a third level under P2 */
	assert_int_equal(index_def_indicator(&d, "f", "P3", 1, 1), 0);
	assert_int_equal(index_def_indicator(&d, "g", "P3", 1, 1), 0);
	index_input in = make_input(true);
	for (int k = 0; k < 27; k++) {
		index_options o = index_options_default();
		o.norm.lo = 1;
		for (int l = 1; l <= 3; l++)
			o.agg[l] = (index_agg)((k / (l == 1 ? 1 : l == 2 ? 3 : 9)) % 3);
		index_result want;
		if (index_evaluate(&want, &d, &in, &o) != 0)
			fail_msg("evaluate: %s", err_msg());
		index_mc_spec s = fixed_spec();
		s.every_aggregate = true;
		index_mc_result r;
		must_run(&r, &d, &in, &o, &s);
		for (int i = 0; i < UNITS * 4; i++)
			if (r.nominal[i] != want.ranks[i])
				fail_msg("means %d %d %d: unit %d column %d ranks %d, index_evaluate %d", (int)o.agg[1],
					(int)o.agg[2], (int)o.agg[3], i / 4 + 1, i % 4, r.nominal[i], want.ranks[i]);
		index_mc_result_free(&r);
		index_result_free(&want);
	}
	index_def_free(&d);
}

/* Equal scores share the smallest rank in every run; a far outlier
 * (squeezing the others into one key of the fast sort) changes nothing. */
static void test_index_mc__ties_and_outliers(void **state)
{
	(void)state;
	index_def d;
	index_def_init(&d);
	assert_int_equal(index_def_aggregate(&d, "Index", NULL, 1), 0);
	assert_int_equal(index_def_indicator(&d, "x", "Index", 1, 1), 0);
	assert_int_equal(index_def_indicator(&d, "y", "Index", 1, 1), 0);
	double v[2 * 60];
	for (int u = 0; u < 60; u++) {   /* descending: the hardest order for an insertion sort */
		v[2 * u] = 60 - u;
		v[2 * u + 1] = (60 - u) % 7;
	}
	v[2 * 5] = v[2 * 6];             /* units 6 and 7 the same */
	v[2 * 5 + 1] = v[2 * 6 + 1];
	v[2 * 59] = 1e15;                /* the outlier, last */
	index_input in = { .n_units = 60, .values = v };
	index_options o = index_options_default();
	o.norm.method = INDEX_NORM_NONE;
	index_result want;
	if (index_evaluate(&want, &d, &in, &o) != 0)
		fail_msg("evaluate: %s", err_msg());
	index_mc_spec s = index_mc_spec_default();
	s.runs = 50;
	index_mc_result r;
	must_run(&r, &d, &in, &o, &s);
	for (int u = 0; u < 60; u++)
		assert_int_equal(r.nominal[u], want.ranks[u]);
	assert_int_equal(r.nominal[59], 1);
	assert_int_equal(r.nominal[5], r.nominal[6]);
	assert_float_equal(r.p95[59], 1, 0);
	assert_memory_equal(&r.median[5], &r.median[6], sizeof(double));
	assert_memory_equal(&r.p05[5], &r.p05[6], sizeof(double));
	assert_memory_equal(&r.mean[5], &r.mean[6], sizeof(double));
	index_mc_result_free(&r);
	index_result_free(&want);
	index_def_free(&d);
}

/* test_index.c's tree: c divided by a denominator, a coverage rule. The
 * nominal ranks are index_evaluate's; the input refused as it refuses it. */
static void test_index_mc__denominators_and_bad_inputs(void **state)
{
	(void)state;
	index_def d;
	index_def_init(&d);
	assert_int_equal(index_def_aggregate(&d, "Index", NULL, 1), 0);
	assert_int_equal(index_def_aggregate(&d, "P1", "Index", 1), 0);
	assert_int_equal(index_def_aggregate(&d, "P2", "Index", 1), 0);
	assert_int_equal(index_def_indicator(&d, "a", "P1", 3, 1), 0);
	assert_int_equal(index_def_indicator(&d, "b", "P1", 1, -1), 0);
	assert_int_equal(index_def_indicator(&d, "c", "P2", 1, 1), 0);
	assert_int_equal(index_def_indicator(&d, "d", "P2", 1, 1), 0);
	assert_int_equal(index_def_indicator(&d, "e", "P2", 1, 1), 0);
	d.nodes[index_def_find(&d, "c")].denominator = 0;
	double v[] = { 0, 10, 0, 1, 5, 50, 20, 20, NAN, NAN, 100, 30, 5, 3, 7, 70, 15, 8, 2, 6 };
	const double den[] = { 1, 2, NAN, 4 };
	static const char *const units[] = { "U1", "U2", "U3", "U4" };
	index_input in = { .n_units = 4, .values = v, .denominators = den, .n_denominators = 1, .unit_codes = units };
	index_options o = index_options_default();
	o.coverage[1] = 2.0 / 3;
	index_result want;
	if (index_evaluate(&want, &d, &in, &o) != 0)
		fail_msg("evaluate: %s", err_msg());
	index_mc_spec s = fixed_spec();
	s.every_aggregate = true;
	index_mc_result r;
	must_run(&r, &d, &in, &o, &s);
	assert_memory_equal(r.nominal, want.ranks, sizeof(int) * 4 * 3);
	assert_int_equal(r.nominal[1 * 3 + 2], 0);   /* U2 has 1 of P2's 3 */
	index_mc_result_free(&r);
	index_result_free(&want);
	/* an infinity; a denominator column that is not there; a constant indicator */
	v[1 * 5 + 0] = INFINITY;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("index Monte Carlo, the options' choices: indicator 'a', U2: the value is inf");
	v[1 * 5 + 0] = 50;
	in.n_denominators = 0;
	in.denominators = NULL;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("indicator 'c': denominator column 0, there are 0");
	in.n_denominators = 1;
	in.denominators = den;
	for (int u = 0; u < 4; u++)
		v[u * 5 + 1] = 7;   /* b, lower is better: min-max scales -b */
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("indicator 'b': min-max: every value is -7");
	assert_null(r.median);
	index_def_free(&d);
}

typedef struct progress_log {
	int calls;
	double last;
	bool decreasing;
	atomic_bool *cancel_at_half;
} progress_log;

static void on_progress(void *ctx, double done)
{
	progress_log *p = ctx;
	p->decreasing |= done < p->last;
	p->last = done;
	p->calls++;
	if (p->cancel_at_half && done >= 0.5)
		atomic_store(p->cancel_at_half, true);
}

static void test_index_mc__progress_and_cancel(void **state)
{
	(void)state;
	index_def d;
	build_tree(&d);
	index_input in = make_input(true);
	index_options o = index_options_default();
	index_mc_spec s = index_mc_spec_default();
	s.runs = 500;
	s.threads = 2;
	progress_log log = { 0 };
	s.progress = on_progress;
	s.progress_ctx = &log;
	index_mc_result r;
	must_run(&r, &d, &in, &o, &s);
	assert_true(log.calls >= 10);
	assert_false(log.decreasing);
	assert_float_equal(log.last, 1, 0);
	index_mc_result_free(&r);
	atomic_bool cancel = false;
	log = (progress_log){ .cancel_at_half = &cancel };
	s.cancel = &cancel;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_GENERIC);
	assert_msg_has("cancelled");
	assert_true(log.last < 1);
	assert_null(r.median);
	index_def_free(&d);
}

static void test_index_mc__bad_specs_refused(void **state)
{
	(void)state;
	index_def d;
	build_tree(&d);
	index_input in = make_input(true);
	index_options o = index_options_default();
	index_mc_result r;
	index_mc_spec s = index_mc_spec_default();
	s.runs = 0;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("0 runs, expected 1 to 1000000");
	s = index_mc_spec_default();
	s.weight_spread = 1.5;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("weight spread 1.5");
	s.weight_spread = NAN;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("weight spread nan");
	s = index_mc_spec_default();
	s.n_norms = INDEX_MC_MAX_ALTS + 1;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("9 normalisation alternatives");
	s.n_norms = 2;
	s.norms[1].method = (index_norm)42;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("normalisation alternative 2: unknown method 42");
	s = index_mc_spec_default();
	s.n_aggs = 1;
	s.aggs[0].level[1] = INDEX_AGG_ARITH;
	s.aggs[0].level[2] = (index_agg)9;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("aggregation alternative 1: unknown method 9 at level 2");
	s = index_mc_spec_default();
	s.n_imputes = 2;
	s.imputes[1] = INDEX_IMPUTE_GROUP_MEAN;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("imputation alternative 2: a group mean, but the units have no groups");
	s = index_mc_spec_default();
	s.threads = 65;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("65 threads");
	s = index_mc_spec_default();
	s.weight_spread = 0;
	s.sensitivity = true;
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("nothing varies");
	/* an alternative index_evaluate refuses, named with the indicator */
	s = index_mc_spec_default();
	s.n_norms = 2;
	s.norms[0] = o.norm;
	s.norms[1] = (index_norm_spec){ .method = INDEX_NORM_MINMAX, .lo = 5, .hi = 5 };
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("normalisation alternative 2 (min-max): indicator 'a'");
	assert_msg_has("the scale 5 to 5");
	assert_null(r.nominal);
	/* the definition itself */
	d.nodes[1].weight = -1;
	s = index_mc_spec_default();
	assert_int_equal(index_mc_run(&r, &d, &in, &o, &s), ERR_INVALID);
	assert_msg_has("'P1': weight -1");
	index_def_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_mc__nominal_ranks_are_index_evaluates),
		cmocka_unit_test(test_index_mc__nothing_varied_gives_degenerate_intervals),
		cmocka_unit_test(test_index_mc__a_seed_reproduces_the_result_on_any_threads),
		cmocka_unit_test(test_index_mc__four_units_rank_intervals),
		cmocka_unit_test(test_index_mc__sensitivity_known_answers),
		cmocka_unit_test(test_index_mc__geometric_means_on_shifted_values),
		cmocka_unit_test(test_index_mc__mixed_children),
		cmocka_unit_test(test_index_mc__ties_and_outliers),
		cmocka_unit_test(test_index_mc__denominators_and_bad_inputs),
		cmocka_unit_test(test_index_mc__progress_and_cancel),
		cmocka_unit_test(test_index_mc__bad_specs_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
