/* index_mc's statistics after the runs: per unit and column the median,
 * 5th and 95th percentile and mean of its ranks, from a histogram; the
 * sensitivity indices from the runs' outputs (index_mc.h). */
#include "analytics/index_mc_internal.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

/* ---- statistics ---- */

static int sum8(const int *h)
{
	int s = 0;
	for (int i = 0; i < 8; i++)
		s += h[i];
	return s;
}

/* The values at positions want[0..6) (ascending) of the sorted sample
 * whose histogram is hist[lo..hi] into got, and hist[lo..hi] cleared.
 * Eight counts at a time where no wanted position is among them: a
 * unit's ranks spread over hundreds. */
static void order_stats(double *got, int *hist, int lo, int hi, const int *want)
{
	int x = lo, below = 0;   /* values below x */
	for (int q = 0; q < 6; q++) {
		for (int s; x + 8 <= hi + 1 && below + (s = sum8(hist + x)) <= want[q]; x += 8)
			below += s;
		while (below + hist[x] <= want[q])
			below += hist[x++];
		got[q] = x;
	}
	memset(hist + lo, 0, (size_t)(hi - lo + 1) * sizeof(int));
}

/* Statistics of one unit's ranks kept, ranks first, first + STAT_BLOCK,
 * ... of the store, k samples (0: unranked), from their histogram: the
 * median, 5th and 95th percentiles as R's quantile type 7 (numpy's
 * "linear"): with h = (c - 1) p, x[floor(h)] + (h - floor(h))
 * (x[floor(h) + 1] - x[floor(h)]) of the c ranks sorted. hist has
 * n_units + 1 zeros and is left so. */
static void unit_stats(const mc *m, size_t first, int k, int *hist, size_t cell)
{
	static const double probs[3] = { 0.05, 0.5, 0.95 };
	index_mc_result *res = m->r;
	int c = 0, lo = m->n_units + 1, hi = 0;
	long long sum = 0;
	for (int j = 0; j < k; j++) {
		int v = mc_rank_kept(m, first + (size_t)j * STAT_BLOCK);
		if (v > 0) {
			hist[v]++;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
			sum += v;
			c++;
		}
	}
	res->ranked[cell] = c;
	if (!c) {
		res->median[cell] = res->p05[cell] = res->p95[cell] = res->mean[cell] = NAN;
		return;
	}
	/* the order statistics wanted, ascending: floor(h) and the next of each */
	int want[6];
	double h[3], got[6];
	for (int q = 0; q < 3; q++) {
		h[q] = (c - 1) * probs[q];
		want[2 * q] = (int)floor(h[q]);
		want[2 * q + 1] = want[2 * q] + 1 < c ? want[2 * q] + 1 : c - 1;
	}
	order_stats(got, hist, lo, hi, want);
	double *out[3] = { &res->p05[cell], &res->median[cell], &res->p95[cell] };
	for (int q = 0; q < 3; q++)
		*out[q] = got[2 * q] + (h[q] - want[2 * q]) * (got[2 * q + 1] - got[2 * q]);
	res->mean[cell] = (double)sum / c;
}

/* A thread of the statistics: takes blocks of units of a column until
 * none is left. */
void *mc_run_stats(void *arg)
{
	worker *wk = arg;
	mc *m = wk->m;
	int n = m->n_units, blocks = (n + STAT_BLOCK - 1) / STAT_BLOCK, S = m->samples;
	memset(wk->hist, 0, ((size_t)n + 1) * sizeof(int));
	for (;;) {
		int job = atomic_fetch_add(&m->job, 1);
		if (job >= m->n_cols * blocks)
			break;
		int col = job / blocks, u0 = job % blocks * STAT_BLOCK, nu = n - u0 < STAT_BLOCK ? n - u0 : STAT_BLOCK;
		size_t first = (size_t)job * S * STAT_BLOCK;   /* job = col x blocks + block */
		for (int j = 0; j < nu; j++)
			unit_stats(m, first + (size_t)j, S, wk->hist, (size_t)(u0 + j) * m->n_cols + col);
	}
	return NULL;
}

/* ---- sensitivity ---- */

/* Si and STi of each varied assumption from the outputs y of the runs. */
void mc_sensitivity(mc *m)
{
	index_mc_result *r = m->r;
	int n = m->runs;
	const double *ya = m->y, *yb = m->y + n;
	double mean = 0, var = 0;
	for (int j = 0; j < 2 * n; j++)
		mean += m->y[j];
	mean /= 2 * n;
	for (int j = 0; j < 2 * n; j++)
		var += (m->y[j] - mean) * (m->y[j] - mean);
	var = n > 0 && 2 * n > 1 ? var / (2 * n - 1) : NAN;
	r->variance = var;
	for (int i = 0; i < m->n_factors; i++) {
		const double *yab = m->y + (size_t)(2 + i) * n;
		double first = 0, total = 0;
		for (int j = 0; j < n; j++) {
			first += (yb[j] - mean) * (yab[j] - ya[j]);
			total += (ya[j] - yab[j]) * (ya[j] - yab[j]);
		}
		r->si[i] = var > 0 ? first / n / var : NAN;
		r->sti[i] = var > 0 ? total / (2.0 * n) / var : NAN;
	}
}
