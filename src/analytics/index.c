/* index: the operations over one array: ratios, imputation, Excel's SKEW
 * and KURT, winsorising with a log fallback, normalisation, weighted
 * means, R-style rounding and ranks. The tree lives in index_tree.c. */
#include "analytics/index.h"
#include "util/err.h"

#include <math.h>
#include <stdlib.h>

#define CT_LOG_SHIFT 0.01   /* the COIN Tool's log: ln(x - min + 0.01 (max - min)) */

static bool present(double v) { return !isnan(v); }

static double ratio(double a, double b) { return isnan(a) || isnan(b) || b == 0 ? NAN : a / b; }

void index_denominate(double *out, const double *x, const double *den, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = ratio(x[i], den[i]);
}

void index_efficiency(double *out, const double *output, const double *input, int n)
{
	index_denominate(out, output, input, n);
}

/* Mean of the present x[j] with group[j] == g (every present one when
 * group is NULL); NaN when there are none. */
static double mean_of(const double *x, int n, const int *group, int g)
{
	double sum = 0;
	int k = 0;
	for (int j = 0; j < n; j++)
		if (present(x[j]) && (!group || group[j] == g)) {
			sum += x[j];
			k++;
		}
	return k ? sum / k : NAN;
}

int index_impute_values(double *x, int n, index_impute how, const int *group)
{
	if (how == INDEX_IMPUTE_NONE)
		return 0;
	if (how == INDEX_IMPUTE_GROUP_MEAN && !group)
		return err_set(ERR_INVALID, "impute: a group mean needs the units' groups");
	if (how != INDEX_IMPUTE_MEAN && how != INDEX_IMPUTE_GROUP_MEAN)
		return err_set(ERR_INVALID, "impute: unknown method %d", (int)how);
	const int *g = how == INDEX_IMPUTE_GROUP_MEAN ? group : NULL;
	double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof(*v));
	if (!v)
		return err_set(ERR_NOMEM, "out of memory");
	/* means of the values as given: a filled value never feeds another */
	int filled = 0;
	for (int i = 0; i < n; i++) {
		v[i] = present(x[i]) ? x[i] : mean_of(x, n, g, g ? g[i] : 0);
		filled += !present(x[i]) && present(v[i]);
	}
	for (int i = 0; i < n; i++)
		x[i] = v[i];
	free(v);
	return filled;
}

/* Count, mean and the sums of squared, cubed and fourth-power deviations
 * of the present values. */
typedef struct moments {
	int n;
	double mean, s2, s3, s4;
} moments;

static moments moments_of(const double *x, int n)
{
	moments m = { 0 };
	double sum = 0;
	for (int i = 0; i < n; i++)
		if (present(x[i])) {
			sum += x[i];
			m.n++;
		}
	if (!m.n)
		return m;
	m.mean = sum / m.n;
	for (int i = 0; i < n; i++)
		if (present(x[i])) {
			double d = x[i] - m.mean, d2 = d * d;
			m.s2 += d2;
			m.s3 += d2 * d;
			m.s4 += d2 * d2;
		}
	return m;
}

double index_skew(const double *x, int n)
{
	moments m = moments_of(x, n);
	if (m.n < 3 || m.s2 == 0)
		return NAN;
	double k = m.n, s = sqrt(m.s2 / (k - 1));
	return k / ((k - 1) * (k - 2)) * (m.s3 / (s * s * s));
}

double index_kurt(const double *x, int n)
{
	moments m = moments_of(x, n);
	if (m.n < 4 || m.s2 == 0)
		return NAN;
	double k = m.n, s2 = m.s2 / (k - 1);
	return k * (k + 1) / ((k - 1) * (k - 2) * (k - 3)) * (m.s4 / (s2 * s2))
		- 3 * (k - 1) * (k - 1) / ((k - 2) * (k - 3));
}

/* COINr's test, strict on both: the boundary passes. NaN (too few
 * values, all equal) passes. */
static bool outlying(double skew, double kurt, const index_treat_spec *s)
{
	return fabs(skew) > s->skew_max && kurt > s->kurt_max;
}

/* The present values' min and max and how many distinct values there are
 * up to 3 (enough to know whether winsorising may go on). */
static int extremes(const double *x, int n, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int i = 0; i < n; i++)
		if (present(x[i])) {
			*lo = fmin(*lo, x[i]);
			*hi = fmax(*hi, x[i]);
		}
	if (*lo == INFINITY)
		return 0;
	if (*lo == *hi)
		return 1;
	for (int i = 0; i < n; i++)
		if (present(x[i]) && x[i] != *lo && x[i] != *hi)
			return 3;
	return 2;
}

/* Moves every point equal to the high (or low) extreme to the next
 * distinct value inward, flagging them; returns how many moved. */
static int winsorise_step(double *x, int n, bool high, unsigned char *flags)
{
	double lo, hi;
	extremes(x, n, &lo, &hi);
	double extreme = high ? hi : lo, next = high ? -INFINITY : INFINITY;
	for (int i = 0; i < n; i++)
		if (present(x[i]) && x[i] != extreme)
			next = high ? fmax(next, x[i]) : fmin(next, x[i]);
	int moved = 0;
	for (int i = 0; i < n; i++)
		if (x[i] == extreme) {
			x[i] = next;
			flags[i] = high ? INDEX_FLAG_HIGH : INDEX_FLAG_LOW;
			moved++;
		}
	return moved;
}

/* The fallback transform of the original values x into out. */
static int log_transform(double *out, const double *x, int n, index_log how)
{
	double lo, hi;
	extremes(x, n, &lo, &hi);
	if (how == INDEX_LOG_GII && !(hi > 0))
		return err_set(ERR_INVALID, "treat: the GII log needs a maximum above 0, not %g", hi);
	for (int i = 0; i < n; i++) {
		if (!present(x[i]))
			out[i] = NAN;
		else if (how == INDEX_LOG_CT)
			out[i] = log(x[i] - lo + CT_LOG_SHIFT * (hi - lo));
		else
			out[i] = log((hi - 1) * (x[i] - lo) / (hi - lo) + 1);
	}
	return 0;
}

static int check_treat_spec(const index_treat_spec *s)
{
	if (s->winmax < 0)
		return err_set(ERR_INVALID, "treat: winmax %d is negative", s->winmax);
	if (!isfinite(s->skew_max) || !isfinite(s->kurt_max))
		return err_set(ERR_INVALID, "treat: the skew and kurtosis thresholds must be finite numbers");
	if (s->fallback != INDEX_LOG_CT && s->fallback != INDEX_LOG_GII && s->fallback != INDEX_LOG_NONE)
		return err_set(ERR_INVALID, "treat: unknown log transform %d", (int)s->fallback);
	return 0;
}

int index_treat(double *x, int n, const index_treat_spec *s, index_treat_info *info, unsigned char *flags)
{
	*info = (index_treat_info){ .skew = NAN, .kurt = NAN };
	int rc = check_treat_spec(s);
	if (rc < 0)
		return rc;
	if (n <= 0)
		return 0;
	unsigned char *f = calloc((size_t)n, 1);
	double *orig = malloc((size_t)n * sizeof(*orig));
	if (!f || !orig) {
		free(f);
		free(orig);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < n; i++)
		orig[i] = x[i];
	double skew = index_skew(x, n), kurt = index_kurt(x, n), lo, hi;
	while (s->winmax > 0 && outlying(skew, kurt, s) && info->winsorised < s->winmax
		&& extremes(x, n, &lo, &hi) > 2) {
		winsorise_step(x, n, skew >= 0, f);
		info->winsorised++;
		skew = index_skew(x, n);
		kurt = index_kurt(x, n);
	}
	if (s->winmax > 0 && outlying(skew, kurt, s) && s->fallback != INDEX_LOG_NONE) {
		rc = log_transform(x, orig, n, s->fallback);
		if (rc < 0) {
			for (int i = 0; i < n; i++)
				x[i] = orig[i];
			free(f);
			free(orig);
			return rc;
		}
		info->winsorised = 0;
		info->logged = true;
		for (int i = 0; i < n; i++)
			f[i] = present(x[i]) ? INDEX_FLAG_LOG : INDEX_FLAG_NONE;
		skew = index_skew(x, n);
		kurt = index_kurt(x, n);
	}
	for (int i = 0; i < n; i++) {
		info->low += f[i] == INDEX_FLAG_LOW;
		info->high += f[i] == INDEX_FLAG_HIGH;
		if (flags)
			flags[i] = f[i];
	}
	info->skew = skew;
	info->kurt = kurt;
	free(f);
	free(orig);
	return 0;
}

static int check_norm_spec(const index_norm_spec *s, int direction)
{
	if (direction != 1 && direction != -1)
		return err_set(ERR_INVALID, "normalise: direction %d, expected 1 or -1", direction);
	switch (s->method) {
	case INDEX_NORM_MINMAX:
	case INDEX_NORM_GOALPOSTS:
		if (!isfinite(s->lo) || !isfinite(s->hi) || s->lo == s->hi)
			return err_set(ERR_INVALID, "normalise: the scale %g to %g is empty or not finite", s->lo, s->hi);
		if (s->method == INDEX_NORM_GOALPOSTS && !(isfinite(s->post_lo) && isfinite(s->post_hi)
			&& s->post_lo < s->post_hi))
			return err_set(ERR_INVALID, "normalise: goalposts %g and %g, expected finite and low < high",
				s->post_lo, s->post_hi);
		return 0;
	case INDEX_NORM_TARGET:
		if (!isfinite(s->target) || s->target == 0)
			return err_set(ERR_INVALID, "normalise: target %g, expected a finite number other than 0", s->target);
		return 0;
	case INDEX_NORM_ZSCORE:
	case INDEX_NORM_RANK:
	case INDEX_NORM_NONE:
		return 0;
	}
	return err_set(ERR_INVALID, "normalise: unknown method %d", (int)s->method);
}

static int minmax(double *out, const double *x, int n, const index_norm_spec *s)
{
	double lo, hi;
	if (extremes(x, n, &lo, &hi) == 1)
		return err_set(ERR_INVALID, "min-max: every value is %g, nothing to scale", lo);
	for (int i = 0; i < n; i++)
		out[i] = (x[i] - lo) / (hi - lo) * (s->hi - s->lo) + s->lo;
	return 0;
}

static int zscore(double *out, const double *x, int n)
{
	moments m = moments_of(x, n);
	if (m.n < 2 || m.s2 == 0)
		return err_set(ERR_INVALID, "z-score: the standard deviation is 0 or undefined");
	double sd = sqrt(m.s2 / (m.n - 1));
	for (int i = 0; i < n; i++)
		out[i] = (x[i] - m.mean) / sd;
	return 0;
}

/* 1 + the present values below, + half of the others equal: the mean of
 * the ranks the ties share. O(n^2), as indicators have few units. */
static void average_ranks(double *out, const double *x, int n)
{
	for (int i = 0; i < n; i++) {
		if (!present(x[i]))
			continue;
		int below = 0, equal = 0;
		for (int j = 0; j < n; j++) {
			below += x[j] < x[i];
			equal += j != i && x[j] == x[i];
		}
		out[i] = 1 + below + equal / 2.0;
	}
}

static double to_target(double v, int direction, const index_norm_spec *s)
{
	double r = direction > 0 ? v / s->target : v == 0 ? INFINITY : s->target / v;
	if (s->cap && r > 1)
		return 1;
	return isinf(r) ? NAN : r;
}

static double goalposts(double v, int direction, const index_norm_spec *s)
{
	double t = direction > 0 ? (v - s->post_lo) / (s->post_hi - s->post_lo)
	                         : (s->post_hi - v) / (s->post_hi - s->post_lo);
	return s->lo + (s->hi - s->lo) * fmin(1, fmax(0, t));
}

int index_normalise(double *out, const double *x, int n, int direction, const index_norm_spec *s)
{
	int rc = check_norm_spec(s, direction);
	if (rc < 0)
		return rc;
	/* v the values to scale, r the ranks of v */
	double *v = malloc((size_t)(n > 0 ? 2 * n : 1) * sizeof(*v));
	if (!v)
		return err_set(ERR_NOMEM, "out of memory");
	double *r = v + n;
	bool negate = s->method == INDEX_NORM_MINMAX || s->method == INDEX_NORM_ZSCORE || s->method == INDEX_NORM_RANK;
	for (int i = 0; i < n; i++)
		v[i] = negate ? x[i] * direction : x[i];
	switch (s->method) {
	case INDEX_NORM_MINMAX: rc = minmax(v, v, n, s); break;
	case INDEX_NORM_ZSCORE: rc = zscore(v, v, n); break;
	case INDEX_NORM_RANK:
		for (int i = 0; i < n; i++)
			r[i] = NAN;
		average_ranks(r, v, n);
		for (int i = 0; i < n; i++)
			v[i] = r[i];
		break;
	case INDEX_NORM_TARGET:
		for (int i = 0; i < n; i++)
			v[i] = present(v[i]) ? to_target(v[i], direction, s) : NAN;
		break;
	case INDEX_NORM_GOALPOSTS:
		for (int i = 0; i < n; i++)
			v[i] = present(v[i]) ? goalposts(v[i], direction, s) : NAN;
		break;
	case INDEX_NORM_NONE: break;
	}
	if (rc == 0)
		for (int i = 0; i < n; i++)
			out[i] = v[i];
	free(v);
	return rc;
}

int index_aggregate(double *out, const double *x, const double *w, int n, index_agg how)
{
	*out = NAN;
	if (how != INDEX_AGG_ARITH && how != INDEX_AGG_GEOM && how != INDEX_AGG_HARM)
		return err_set(ERR_INVALID, "aggregate: unknown method %d", (int)how);
	double sw = 0, sum = 0;
	for (int i = 0; i < n; i++) {
		if (!isfinite(w[i]) || w[i] < 0)
			return err_set(ERR_INVALID, "aggregate: weight %d is %g, expected a finite number >= 0", i + 1, w[i]);
		if (!present(x[i]) || w[i] == 0)
			continue;
		if (how != INDEX_AGG_ARITH && !(x[i] > 0))
			return how == INDEX_AGG_GEOM
				? err_set(ERR_INVALID, "aggregate: value %d is %g; a geometric mean needs values above 0", i + 1, x[i])
				: err_set(ERR_INVALID, "aggregate: value %d is %g; a harmonic mean needs values above 0", i + 1, x[i]);
		sw += w[i];
		sum += how == INDEX_AGG_ARITH ? w[i] * x[i] : how == INDEX_AGG_GEOM ? w[i] * log(x[i]) : w[i] / x[i];
	}
	if (sw == 0)
		return 0;
	*out = how == INDEX_AGG_ARITH ? sum / sw : how == INDEX_AGG_GEOM ? exp(sum / sw) : sw / sum;
	return 0;
}

double index_round(double x, int digits)
{
	if (!isfinite(x) || digits < 0 || digits > 15)
		return x;
	double p = pow(10, digits), f = floor(x * p), c = ceil(x * p);
	double lo = f / p, hi = c / p;
	if (lo == hi || x - lo < hi - x)
		return lo;
	if (hi - x < x - lo)
		return hi;
	return fmod(f, 2) == 0 ? lo : hi;
}

static int descending(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x < y) - (x > y);
}

/* How many of sorted[0..n) (descending) are above v. */
static int count_above(const double *sorted, int n, double v)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (sorted[mid] > v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int index_rank(int *rank, const double *x, int n, int digits)
{
	double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof(*v));
	double *sorted = malloc((size_t)(n > 0 ? n : 1) * sizeof(*sorted));
	if (!v || !sorted) {
		free(v);
		free(sorted);
		return err_set(ERR_NOMEM, "out of memory");
	}
	int k = 0;
	for (int i = 0; i < n; i++) {
		v[i] = digits >= 0 ? index_round(x[i], digits) : x[i];
		if (present(v[i]))
			sorted[k++] = v[i];
	}
	qsort(sorted, (size_t)k, sizeof(*sorted), descending);
	for (int i = 0; i < n; i++)
		rank[i] = present(v[i]) ? 1 + count_above(sorted, k, v[i]) : 0;
	free(v);
	free(sorted);
	return 0;
}
