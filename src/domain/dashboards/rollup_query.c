/* rollup_query: the roll-ups and completeness computed over a view of the
 * in-memory copy (rollup.h for the rules); rollup.c keeps the copy. */
#include "domain/dashboards/rollup.h"
#include "domain/dashboards/rollup_cache.h"
#include "util/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int rollup_unit_slot(const rollup_view *v, int64_t unit_id)
{
	return rollup__find_id_slot(v->cache->unit_index, v->n_units, unit_id);
}

int rollup_indicator_index(const rollup_view *v, int64_t id)
{
	return rollup__indicator_at(v->indicators, v->n_indicators, id);
}

int rollup_indicator_by_code(const rollup_view *v, const char *code)
{
	return rollup__code_index(v->indicators, v->n_indicators, code);
}

int rollup_period_index(const rollup_view *v, const char *code)
{
	return code ? rollup__period_find(v->cache, code) : -1;
}

static const double *column_of(const rollup_view *v, int ind, int pi)
{
	const rollup_indicator *i = &v->indicators[ind];
	return pi >= 0 && pi < i->n_columns ? i->columns[pi] : NULL;
}

static double value_at(const rollup_view *v, int ind, int a, int b, int pi, int *reporters, int depth);

/* The only root's slot, or -1. */
static int only_root(const rollup_view *v)
{
	return v->n_units > 0 && v->units[0].end == v->n_units ? 0 : -1;
}

/* The reporters of [a, b): top-most units with a value. */
static double combine(const rollup_view *v, int ind, int a, int b, int pi, int *reporters, int depth)
{
	const rollup_indicator *I = &v->indicators[ind];
	const double *col = column_of(v, ind, pi);
	const int *ends = v->cache->ends;
	double acc = 0, wsum = 0;
	int n = 0;
	if (!col)
		return NAN;
	/* a weight that is a plain figure: a reporter without units below
	 * weighs its own figure (what value_at would find, without the call) */
	const rollup_indicator *W = I->aggregation == AGG_WEIGHTED_MEAN && I->weight >= 0 ? &v->indicators[I->weight] : NULL;
	const double *wcol = W && !W->derived ? column_of(v, I->weight, pi) : NULL;
	for (int pos = a; pos < b;) {
		double x = col[pos];
		if (isnan(x)) {
			pos++;
			continue;
		}
		if (I->aggregation == AGG_WEIGHTED_MEAN) {
			double w = !W ? NAN : !W->derived && ends[pos] == pos + 1 ? (wcol ? wcol[pos] : NAN) :
				value_at(v, I->weight, pos, ends[pos], pi, NULL, depth + 1);
			if (!isnan(w)) {
				acc += w * x;
				wsum += w;
				n++;
			}
		} else if (n == 0) {
			acc = x;
			n = 1;
		} else {
			acc = I->aggregation == AGG_MIN ? fmin(acc, x) : I->aggregation == AGG_MAX ? fmax(acc, x) : acc + x;
			n++;
		}
		pos = ends[pos];
	}
	if (reporters)
		*reporters = n;
	if (n == 0)
		return NAN;
	if (I->aggregation == AGG_MEAN)
		return acc / n;
	if (I->aggregation == AGG_WEIGHTED_MEAN)
		return wsum != 0 ? acc / wsum : NAN;
	return acc;
}

static double derive(const rollup_view *v, int ind, int a, int b, int pi, int *reporters, int depth)
{
	const rollup_indicator *I = &v->indicators[ind];
	double inputs[EXPR_MAX_VARS], out;
	int fewest = -1;
	for (int k = 0; k < I->formula.n_vars; k++) {
		int r = 0;
		if (I->operand[k] < 0)
			return NAN;
		inputs[k] = value_at(v, I->operand[k], a, b, pi, &r, depth + 1);
		if (isnan(inputs[k]))
			return NAN;
		if (fewest < 0 || r < fewest)
			fewest = r;
	}
	if (expr_eval(&out, &I->formula, inputs) < 0 || !isfinite(out))
		return NAN;
	if (reporters)
		*reporters = fewest < 0 ? 0 : fewest;
	return out;
}

static double value_at(const rollup_view *v, int ind, int a, int b, int pi, int *reporters, int depth)
{
	const rollup_indicator *I = &v->indicators[ind];
	if (reporters)
		*reporters = 0;
	if (depth > FORMULA_DEPTH_MAX || a >= b)
		return NAN;
	if (I->derived)
		return derive(v, ind, a, b, pi, reporters, depth);
	if (I->aggregation == AGG_NONE) {
		/* a unit's own figure: the range's first slot is its root */
		const double *col = column_of(v, ind, pi);
		double x = col && v->units[a].end == b ? col[a] : NAN;
		if (reporters)
			*reporters = !isnan(x);
		return x;
	}
	return combine(v, ind, a, b, pi, reporters, depth);
}

double rollup_value(const rollup_view *v, int ind, int slot, int pi, int *reporters)
{
	if (reporters)
		*reporters = 0;
	if (ind < 0 || ind >= v->n_indicators || pi < 0 || slot >= v->n_units)
		return NAN;
	if (slot < 0)
		return value_at(v, ind, 0, v->n_units, pi, reporters, 0);
	return value_at(v, ind, slot, v->units[slot].end, pi, reporters, 0);
}

/* Expected reporters within slots [a, b) and, in *covered, how many of
 * them lie under a top-most approved value. */
static int coverage(const rollup_view *v, int ind, int a, int b, int pi, int *covered, int depth)
{
	const rollup_indicator *I = &v->indicators[ind];
	*covered = 0;
	if (depth > FORMULA_DEPTH_MAX || a >= b || !I->expected_before)
		return 0;
	if (I->derived) {
		/* the input with the lowest share decides */
		int best_e = 0, best_c = 0;
		double best = 2;
		for (int k = 0; k < I->formula.n_vars; k++) {
			int e, cv;
			if (I->operand[k] < 0)
				continue;
			e = coverage(v, I->operand[k], a, b, pi, &cv, depth + 1);
			double share = e ? (double)cv / e : 1;
			if (share < best) {
				best = share;
				best_e = e;
				best_c = cv;
			}
		}
		*covered = best_c;
		return best_e;
	}
	const int *before = I->expected_before;
	const double *col = column_of(v, ind, pi);
	if (I->aggregation == AGG_NONE) {
		/* the unit's own figure: the range's first slot */
		int e = before[a + 1] - before[a];
		*covered = e && col && !isnan(col[a]) && v->units[a].end == b;
		return e;
	}
	const int *ends = v->cache->ends;
	for (int pos = a; col && pos < b;) {
		if (isnan(col[pos])) {
			pos++;
			continue;
		}
		*covered += before[ends[pos]] - before[pos];
		pos = ends[pos];
	}
	return before[b] - before[a];
}

int rollup_completeness(const rollup_view *v, int ind, int slot, int pi, int *expected)
{
	int covered = 0;
	*expected = 0;
	if (ind < 0 || ind >= v->n_indicators || slot >= v->n_units)
		return 0;
	int a = slot < 0 ? 0 : slot, b = slot < 0 ? v->n_units : v->units[slot].end;
	*expected = coverage(v, ind, a, b, pi, &covered, 0);
	return covered;
}

bool rollup_complete(const rollup_view *v, int ind, int approved, int expected)
{
	if (expected <= 0)
		return true;
	return (double)approved * 100.0 >= v->indicators[ind].threshold * expected - 1e-9;
}

double rollup_own_value(const rollup_view *v, int ind, int slot, int pi)
{
	if (ind < 0 || ind >= v->n_indicators || slot < 0 || slot >= v->n_units)
		return NAN;
	const double *col = column_of(v, ind, pi);
	return col ? col[slot] : NAN;
}

double rollup_target_value(const rollup_view *v, int ind, int slot, int pi)
{
	if (ind < 0 || ind >= v->n_indicators)
		return NAN;
	if (slot < 0)
		slot = only_root(v);
	if (slot < 0)
		return NAN;
	const rollup_indicator *I = &v->indicators[ind];
	for (int t = 0; t < I->n_targets; t++)
		if (I->targets[t].period == pi && I->targets[t].unit_id == v->units[slot].id)
			return I->targets[t].value;
	return NAN;
}
