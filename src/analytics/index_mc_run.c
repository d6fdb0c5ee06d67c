/* index_mc_run: one batch of Monte Carlo runs of index_mc (index_mc.h):
 * each run's assumptions drawn from its own random streams, the
 * indicators weighed for four runs in one pass, the aggregates taken
 * level by level and the units ranked (a radix sort). */
#include "analytics/index_mc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers: splitmix64 seeds xoshiro256** ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

typedef struct rng {
	uint64_t s[4];
} rng;

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *g)
{
	uint64_t *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Uniform in [0, 1) with 53 random bits. */
static double rng_uniform(rng *g) { return (double)(rng_next(g) >> 11) * 0x1.0p-53; }

/* The stream of one assumption in run row of sample A or B. */
static rng stream(uint64_t seed, int sample, int row, int factor)
{
	uint64_t k = (uint64_t)(uint32_t)row << 8 | (uint64_t)sample << 4 | (uint64_t)factor, x = seed, y = k;
	x = splitmix64(&x) ^ splitmix64(&y);
	rng g;
	for (int i = 0; i < 4; i++)
		g.s[i] = splitmix64(&x);
	return g;
}

/* ---- one run ---- */

/* The loops over every unit, compiled also for AVX2 where the compiler
 * can pick at run time: the same multiplications, divisions and additions
 * in the same order (no FMA), so the same results, twice as wide. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WIDE __attribute__((target_clones("avx2", "default")))
#else
#define WIDE
#endif

typedef double v4d __attribute__((vector_size(4 * sizeof(double))));

/* num[j][u] = sum over c of w[j k + c] x[c][u] for BATCH runs j at once,
 * the children c in order and starting from 0 as index_aggregate does, so
 * every sum is its to the last bit; eight units of four runs per step, each
 * value read once for the four runs. */
WIDE static void weigh_runs(double *const *num, const double *const *x, const double *w, int k, int n)
{
	int u = 0;
	for (; u + 8 <= n; u += 8) {   /* eight sums in flight hide the additions' latency */
		v4d a0 = { 0, 0, 0, 0 }, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
		for (int c = 0; c < k; c++) {
			v4d xa, xb;
			memcpy(&xa, x[c] + u, sizeof(xa));
			memcpy(&xb, x[c] + u + 4, sizeof(xb));
			double w0 = w[c], w1 = w[k + c], w2 = w[2 * k + c], w3 = w[3 * k + c];
			a0 += w0 * xa;
			b0 += w0 * xb;
			a1 += w1 * xa;
			b1 += w1 * xb;
			a2 += w2 * xa;
			b2 += w2 * xb;
			a3 += w3 * xa;
			b3 += w3 * xb;
		}
		memcpy(num[0] + u, &a0, sizeof(a0));
		memcpy(num[0] + u + 4, &b0, sizeof(b0));
		memcpy(num[1] + u, &a1, sizeof(a1));
		memcpy(num[1] + u + 4, &b1, sizeof(b1));
		memcpy(num[2] + u, &a2, sizeof(a2));
		memcpy(num[2] + u + 4, &b2, sizeof(b2));
		memcpy(num[3] + u, &a3, sizeof(a3));
		memcpy(num[3] + u + 4, &b3, sizeof(b3));
	}
	for (; u < n; u++)
		for (int j = 0; j < BATCH; j++) {
			double s = 0;
			for (int c = 0; c < k; c++)
				s += w[j * k + c] * x[c][u];
			num[j][u] = s;
		}
}

/* A harmonic mean's num[u] += p[u] * (w / x[u]) over the indicators. */
WIDE static void weigh_harmonic(double *restrict num, const double *restrict x, const unsigned char *restrict p, double w,
	int n)
{
	for (int u = 0; u < n; u++)
		num[u] += (double)p[u] * (w / x[u]);
}

/* One child of a mixed aggregate: x its values (0 or, harmonic, 1 when
 * missing), p 1 where present; adds to the sums of the weights present,
 * of the children present (cnt, may be NULL) and of the weighed values. */
WIDE static void add_child(double *restrict num, double *restrict den, double *restrict cnt, const double *restrict x,
	const double *restrict p, double w, int n, bool harm)
{
	for (int u = 0; u < n; u++)
		den[u] += w * p[u];
	if (cnt)
		for (int u = 0; u < n; u++)
			cnt[u] += p[u];
	if (w == 0)
		return;
	if (harm)
		for (int u = 0; u < n; u++)
			num[u] += p[u] * (w / x[u]);
	else
		for (int u = 0; u < n; u++)
			num[u] = num[u] + w * x[u];
}

/* t = num / den (harmonic: den / num). */
WIDE static void divide(double *restrict t, const double *restrict num, const double *restrict den, int n, bool harm)
{
	if (harm)
		for (int u = 0; u < n; u++)
			t[u] = den[u] / num[u];
	else
		for (int u = 0; u < n; u++)
			t[u] = num[u] / den[u];
}

/* num = num + w x over every unit. */
WIDE static void add_weighed(double *restrict num, const double *restrict x, double w, int n)
{
	for (int u = 0; u < n; u++)
		num[u] = num[u] + w * x[u];
}

/* t = num / w over every unit. */
WIDE static void divide_by(double *restrict t, const double *restrict num, double w, int n)
{
	for (int u = 0; u < n; u++)
		t[u] = num[u] / w;
}

WIDE static void fill(double *restrict x, double value, int n)
{
	for (int u = 0; u < n; u++)
		x[u] = value;
}

/* Aggregate a, whose children are all indicators, of run rs from its
 * weighed sums rs->num; w the children's weights. The weights' sum for
 * the units that have every child, the weights of those they have for
 * the others (one sum per pattern of children present, in order). */
static void finish_indicators(worker *wk, run_space *rs, const variant *v, int a, const double *w, bool harm)
{
	const mc *m = wk->m;
	const agg_info *g = &m->aggs[a];
	int n = m->n_units, k = g->n_children, *none = rs->none + (size_t)a * n, n_none = 0;
	double *t = rs->t + (size_t)a * n, *den = rs->den;
	double share = m->o->coverage[g->level], least = share * k - COVERAGE_SLACK, sum_w = 0;
	for (int c = 0; c < k; c++)
		sum_w += w[c];
	if (!(sum_w > 0)) {
		for (int u = 0; u < n; u++) {
			t[u] = NAN;
			none[u] = u;
		}
		rs->n_none[a] = n;
		return;
	}
	double *pat_w = wk->pat_w;
	bool *pat_ok = wk->pat_ok;
	for (int p = v->pat_start[a]; p < v->pat_start[a + 1]; p++) {
		uint64_t bits = v->pat_bits[p];
		double s = 0;
		int have = 0;
		for (int c = 0; c < k; c++) {
			uint64_t b = bits >> c & 1;
			s += w[c] * (double)b;
			have += (int)b;
		}
		pat_w[p] = s;
		pat_ok[p] = s > 0 && (share == 0 || have >= least);
	}
	fill(den, sum_w, n);
	for (int j = v->inc_start[a]; j < v->inc_start[a + 1]; j++) {
		int u = v->inc[j], p = v->inc_pat[j];
		den[u] = pat_w[p];
		if (!pat_ok[p])
			none[n_none++] = u;
	}
	divide(t, rs->num, den, n, harm);
	for (int j = 0; j < n_none; j++)
		t[none[j]] = NAN;
	rs->n_none[a] = n_none;
}

enum { AS_IS, TO_LOG, TO_EXP };

/* A child aggregate's scores tc in the form its parent's mean takes, into
 * cv (missing: the given value), and 1 where present, 0 where missing,
 * into cm. */
static void child_values(double *restrict cv, double *restrict cm, const double *restrict tc, int n, int form,
	double missing)
{
	for (int u = 0; u < n; u++) {
		double s = tc[u];
		bool present = !isnan(s);
		cm[u] = present;
		cv[u] = !present ? missing : form == TO_LOG ? log(s) : form == TO_EXP ? exp(s) : s;
	}
}

/* The form in which child node's scores enter a mean h, AS_IS for an
 * indicator. */
static int child_form(const mc *m, const index_agg *how, int node, index_agg h)
{
	int ca = m->agg_of_node[node];
	if (ca < 0)
		return AS_IS;
	bool child_log = how[m->aggs[ca].level] == INDEX_AGG_GEOM;
	return h == INDEX_AGG_GEOM ? (child_log ? AS_IS : TO_LOG) : (child_log ? TO_EXP : AS_IS);
}

/* Lists the units with NaN in aggregate a's scores of run rs. */
static void list_none(const mc *m, run_space *rs, int a)
{
	int n = m->n_units, *none = rs->none + (size_t)a * n, k = 0;
	const double *t = rs->t + (size_t)a * n;
	for (int u = 0; u < n; u++)
		if (isnan(t[u]))
			none[k++] = u;
	rs->n_none[a] = k;
}

/* Aggregate a whose children are aggregates whose scores it takes as they
 * are (arithmetic of arithmetic, geometric of geometric): for the units
 * with every child the sum over all of them and the weights' sum; the
 * units some child lacks again one by one. */
static void aggregate_scores(worker *wk, run_space *rs, const choice *ch, int a)
{
	const mc *m = wk->m;
	const agg_info *g = &m->aggs[a];
	int n = m->n_units, k = g->n_children, *none = rs->none + (size_t)a * n, n_none = 0;
	double *t = rs->t + (size_t)a * n, *num = rs->num, sum_w = 0;
	double share = m->o->coverage[g->level], least = share * k - COVERAGE_SLACK;
	memset(num, 0, (size_t)n * sizeof(double));
	for (int c = 0; c < k; c++) {
		double w = ch->w[g->children[c]];
		sum_w += w;
		if (w != 0)
			add_weighed(num, rs->t + (size_t)m->agg_of_node[g->children[c]] * n, w, n);
	}
	if (sum_w > 0)
		divide_by(t, num, sum_w, n);
	else
		for (int u = 0; u < n; u++)
			t[u] = NAN;
	wk->stamp++;
	for (int c = 0; c < k; c++) {
		int ca = m->agg_of_node[g->children[c]];
		const int *lacks = rs->none + (size_t)ca * n;
		for (int j = 0; j < rs->n_none[ca]; j++) {
			int u = lacks[j];
			if (wk->seen[u] == wk->stamp)
				continue;
			wk->seen[u] = wk->stamp;
			double s = 0, sw = 0;
			int have = 0;
			for (int i = 0; i < k; i++) {
				double x = rs->t[(size_t)m->agg_of_node[g->children[i]] * n + (size_t)u], w = ch->w[g->children[i]];
				if (isnan(x))
					continue;
				have++;
				if (w == 0)
					continue;
				s += w * x;
				sw += w;
			}
			t[u] = sw > 0 && (share == 0 || have >= least) ? s / sw : NAN;
			if (isnan(t[u]))
				none[n_none++] = u;
		}
	}
	if (!(sum_w > 0) || share > 0) {
		list_none(m, rs, a);
		return;
	}
	/* only the units just done can lack a score */
	rs->n_none[a] = n_none;
}

/* Aggregate a with aggregates among its children, of run rs: every sum
 * unit by unit. */
static void aggregate_mixed(worker *wk, run_space *rs, const choice *ch, const variant *v, int a, index_agg h,
	bool pos)
{
	const mc *m = wk->m;
	const index_def *d = m->d;
	const agg_info *g = &m->aggs[a];
	const index_agg *how = m->agg_choice[ch->agg].level;
	int n = m->n_units, k = g->n_children;
	bool harm = h == INDEX_AGG_HARM, simple = !harm;
	for (int c = 0; c < k; c++)
		simple &= !d->nodes[g->children[c]].indicator && child_form(m, how, g->children[c], h) == AS_IS;
	if (simple) {
		aggregate_scores(wk, rs, ch, a);
		return;
	}
	double *restrict num = rs->num, *restrict den = rs->den, *cnt = wk->cnt, *cm = wk->cm, *cv = wk->cv;
	double share = m->o->coverage[g->level], least = share * k - COVERAGE_SLACK;
	double *t = rs->t + (size_t)a * n;
	memset(num, 0, (size_t)n * sizeof(double));
	memset(den, 0, (size_t)n * sizeof(double));
	memset(cnt, 0, (size_t)n * sizeof(double));
	for (int c = 0; c < k; c++) {
		int node = g->children[c];
		const double *x;
		if (d->nodes[node].indicator) {
			size_t off = (size_t)d->nodes[node].column * n;
			const unsigned char *mk = v->m + off;
			x = (h == INDEX_AGG_GEOM ? v->lp0 : harm ? v->hp1 : pos ? v->xp0 : v->x0) + off;
			for (int u = 0; u < n; u++)
				cm[u] = mk[u];
		} else {
			child_values(cv, cm, rs->t + (size_t)m->agg_of_node[node] * n, n, child_form(m, how, node, h), harm ? 1 : 0);
			x = cv;
		}
		add_child(num, den, share > 0 ? cnt : NULL, x, cm, ch->w[node], n, harm);
	}
	for (int u = 0; u < n; u++)
		t[u] = den[u] > 0 && (share == 0 || cnt[u] >= least) ? harm ? den[u] / num[u] : num[u] / den[u] : NAN;
	list_none(m, rs, a);
}

/* Every aggregate of nr <= BATCH runs that share their choices of
 * imputation, normalisation and means (not their weights). */
void mc_evaluate(worker *wk, const choice *ch, int nr)
{
	const mc *m = wk->m;
	const index_def *d = m->d;
	const variant *v = &m->var[m->imp_id[ch->imp] * m->n_norm_u + m->norm_id[ch->norm]];
	const index_agg *how = m->agg_choice[ch->agg].level;
	bool pos = m->positive[ch->agg];
	int n = m->n_units;
	for (int a = 0; a < m->n_aggs; a++) {
		const agg_info *g = &m->aggs[a];
		index_agg h = how[g->level];
		if (!g->indicators_only) {
			for (int j = 0; j < nr; j++)
				aggregate_mixed(wk, &wk->run[j], &ch[j], v, a, h, pos);
			continue;
		}
		int k = g->n_children;
		double *w = wk->wrow;   /* BATCH x k, zeros past nr */
		for (int j = 0; j < BATCH; j++)
			for (int c = 0; c < k; c++)
				w[j * k + c] = j < nr ? ch[j].w[g->children[c]] : 0;
		const double *base = h == INDEX_AGG_GEOM ? v->lp0 : pos ? v->xp0 : v->x0;
		if (h == INDEX_AGG_HARM) {
			for (int j = 0; j < nr; j++) {
				memset(wk->run[j].num, 0, (size_t)n * sizeof(double));
				for (int c = 0; c < k; c++) {
					size_t off = (size_t)d->nodes[g->children[c]].column * n;
					if (w[j * k + c] != 0)
						weigh_harmonic(wk->run[j].num, v->hp1 + off, v->m + off, w[j * k + c], n);
				}
			}
		} else {
			const double *cols[64];
			double *nums[BATCH];
			for (int c = 0; c < k; c++)
				cols[c] = base + (size_t)d->nodes[g->children[c]].column * n;
			for (int j = 0; j < BATCH; j++)
				nums[j] = j < nr ? wk->run[j].num : wk->spare;
			weigh_runs(nums, cols, w, k, n);
		}
		for (int j = 0; j < nr; j++)
			finish_indicators(wk, &wk->run[j], v, a, w + j * k, h == INDEX_AGG_HARM);
	}
}

/* Sorts k[0..c) ascending with their indexes i; tk, ti scratch of c: an
 * LSD radix sort on bytes, skipping the bytes every key shares. */
static void radix_sort(uint64_t *k, uint32_t *i, uint64_t *tk, uint32_t *ti, int c)
{
	uint32_t hist[8][256];
	memset(hist, 0, sizeof(hist));
	for (int j = 0; j < c; j++)
		for (int p = 0; p < 8; p++)
			hist[p][(k[j] >> (8 * p)) & 255]++;
	uint64_t *k0 = k, *k1 = tk;
	uint32_t *i0 = i, *i1 = ti;
	for (int p = 0; p < 8; p++) {
		uint32_t *h = hist[p], at = 0;
		if (h[(k0[0] >> (8 * p)) & 255] == (uint32_t)c)
			continue;
		for (int b = 0; b < 256; b++) {
			uint32_t cnt = h[b];
			h[b] = at;
			at += cnt;
		}
		for (int j = 0; j < c; j++) {
			uint32_t pos = h[(k0[j] >> (8 * p)) & 255]++;
			k1[pos] = k0[j];
			i1[pos] = i0[j];
		}
		uint64_t *sk = k0;
		k0 = k1;
		k1 = sk;
		uint32_t *si = i0;
		i0 = i1;
		i1 = si;
	}
	if (k0 != k) {
		memcpy(k, k0, (size_t)c * sizeof(*k));
		memcpy(i, i0, (size_t)c * sizeof(*i));
	}
}

/* Sorts sv[0..c) ascending with their indexes idx by insertion while that
 * takes at most budget moves; false when it gave up (the pairs then in
 * some order). */
static bool insertion_sort(double *sv, uint32_t *idx, int c, long budget)
{
	for (int j = 1; j < c; j++) {
		double key = sv[j];
		if (!(sv[j - 1] > key))
			continue;
		uint32_t x = idx[j];
		int p = j - 1;
		for (; p >= 0 && sv[p] > key; p--) {
			sv[p + 1] = sv[p];
			idx[p + 1] = idx[p];
		}
		sv[p + 1] = key;
		idx[p + 1] = x;
		if ((budget -= j - 1 - p) < 0)
			return false;
	}
	return true;
}

/* rank[u] = 1 + how many present v are above v[u] (ties share the
 * smallest), 0 when v[u] is NaN. The values get 16-bit keys linear in
 * (v - min) / (max - min), which keep their order, sorted by an LSD radix
 * sort on the two bytes; an insertion sort then puts the few values with
 * the same key in order. Should that take long (a far outlier squeezing
 * the others into a few keys), a radix sort on the doubles' bits as
 * ordered 64-bit keys does it all. */
static void rank_values(worker *wk, int *rank, const double *v, int n)
{
	double lo4[4] = { INFINITY, INFINITY, INFINITY, INFINITY }, hi4[4] = { -INFINITY, -INFINITY, -INFINITY, -INFINITY };
	int u = 0;
	for (; u + 4 <= n; u += 4)   /* four chains; NaN fails both tests */
		for (int j = 0; j < 4; j++) {
			lo4[j] = v[u + j] < lo4[j] ? v[u + j] : lo4[j];
			hi4[j] = v[u + j] > hi4[j] ? v[u + j] : hi4[j];
		}
	for (; u < n; u++) {
		lo4[0] = v[u] < lo4[0] ? v[u] : lo4[0];
		hi4[0] = v[u] > hi4[0] ? v[u] : hi4[0];
	}
	double lo = fmin(fmin(lo4[0], lo4[1]), fmin(lo4[2], lo4[3])), hi = fmax(fmax(hi4[0], hi4[1]), fmax(hi4[2], hi4[3]));
	if (!(lo <= hi)) {
		memset(rank, 0, (size_t)n * sizeof(*rank));
		return;
	}
	double scale = hi > lo ? 65535 / (hi - lo) : 0;
	if (!isfinite(scale))
		scale = 0;
	uint16_t *k0 = wk->s0, *k1 = wk->s1;
	uint32_t *i0 = wk->i0, *i1 = wk->i1, h0[256] = { 0 }, h1[256] = { 0 };
	int c = 0;
	for (int u = 0; u < n; u++) {
		double x = v[u];
		if (isnan(x)) {
			rank[u] = 0;
			continue;
		}
		uint32_t key = (uint32_t)((x - lo) * scale);
		key = key < 65535 ? key : 65535;
		k0[c] = (uint16_t)key;
		i0[c++] = (uint32_t)u;
		h0[key & 255]++;
		h1[key >> 8]++;
	}
	for (uint32_t b = 0, a0 = 0, a1 = 0; b < 256; b++) {
		uint32_t c0 = h0[b], c1 = h1[b];
		h0[b] = a0;
		h1[b] = a1;
		a0 += c0;
		a1 += c1;
	}
	for (int j = 0; j < c; j++) {
		uint32_t p = h0[k0[j] & 255]++;
		k1[p] = k0[j];
		i1[p] = i0[j];
	}
	double *sv = wk->sv;
	for (int j = 0; j < c; j++) {
		uint32_t p = h1[k1[j] >> 8]++;
		i0[p] = i1[j];
		sv[p] = v[i1[j]];
	}
	if (!insertion_sort(sv, i0, c, 8L * c + 64)) {
		uint64_t *key = wk->k0, *tk = wk->k1;
		for (int j = 0; j < c; j++) {
			double x = v[i0[j]];
			if (x == 0)
				x = 0;   /* -0 sorts with 0 */
			uint64_t b;
			memcpy(&b, &x, sizeof(b));
			key[j] = b >> 63 ? ~b : b | (uint64_t)1 << 63;
		}
		radix_sort(key, i0, tk, i1, c);
		for (int j = 0; j < c; j++)
			sv[j] = v[i0[j]];
	}
	int r = 0;
	for (int p = c - 1; p >= 0; p--) {
		if (p == c - 1 || sv[p] != sv[p + 1])
			r = c - p;
		rank[i0[p]] = r;
	}
}

/* Ranks of aggregate a's scores in run rs. */
void mc_rank_aggregate(worker *wk, const run_space *rs, const choice *ch, int a, int *rank)
{
	const mc *m = wk->m;
	int n = m->n_units, digits = m->o->rank_digits;
	const double *t = rs->t + (size_t)a * n;
	if (digits >= 0) {
		bool is_log = m->agg_choice[ch->agg].level[m->aggs[a].level] == INDEX_AGG_GEOM;
		for (int u = 0; u < n; u++)
			wk->key_v[u] = index_round(is_log ? exp(t[u]) : t[u], digits);
		t = wk->key_v;
	}
	rank_values(wk, rank, t, n);
}

/* y: the mean |rank - nominal rank| over the units ranked in both; sums
 * of 256 units in an int (ranks are below 2^31 / 256). */
WIDE static double rank_shift(const int *restrict rank, const int *restrict nominal, int n)
{
	long long sum = 0;
	int k = 0;
	for (int u0 = 0; u0 < n; u0 += 256) {
		int end = n - u0 < 256 ? n : u0 + 256, part = 0, count = 0;
		for (int u = u0; u < end; u++) {
			int both = (rank[u] > 0) & (nominal[u] > 0), d = abs(rank[u] - nominal[u]);
			part += both ? d : 0;
			count += both;
		}
		sum += part;
		k += count;
	}
	return k ? (double)sum / k : NAN;
}

/* Draws assumption f of run row of sample into ch (the weights only when
 * ch->w is not NULL). */
static void draw(const mc *m, choice *ch, index_mc_factor f, int sample, int row)
{
	const index_mc_spec *s = m->s;
	rng g = stream(s->seed, sample, row, (int)f);
	switch (f) {
	case INDEX_MC_WEIGHTS:
		for (int i = 0; ch->w && i < m->d->n_nodes; i++)
			ch->w[i] = m->d->nodes[i].weight * (1 + s->weight_spread * (2 * rng_uniform(&g) - 1));
		break;
	case INDEX_MC_NORM: ch->norm = 1 + (int)(rng_uniform(&g) * s->n_norms); break;
	case INDEX_MC_AGG: ch->agg = 1 + (int)(rng_uniform(&g) * s->n_aggs); break;
	case INDEX_MC_IMPUTE: ch->imp = 1 + (int)(rng_uniform(&g) * s->n_imputes); break;
	case INDEX_MC_FACTORS: break;
	}
}

/* The choices of evaluation e: A rows, then B rows, then the rows of
 * A_B^(i) for each varied assumption i. *slot: where its ranks go among
 * the samples, -1 nowhere. */
void mc_choose(const mc *m, choice *ch, int e, int *slot)
{
	const index_mc_spec *s = m->s;
	int n = m->runs, sample = SAMPLE_A, row = e, from_b = -1;
	*slot = e;
	if (e >= 2 * n) {
		from_b = (e - 2 * n) / n;
		row = (e - 2 * n) % n;
		*slot = -1;
	} else if (e >= n) {
		sample = SAMPLE_B;
		row = e - n;
	}
	/* the assumptions that do not vary */
	ch->imp = s->n_imputes == 1;
	ch->norm = s->n_norms == 1;
	ch->agg = s->n_aggs == 1;
	for (int i = 0; ch->w && i < m->d->n_nodes; i++)
		ch->w[i] = m->d->nodes[i].weight;
	for (int i = 0; i < m->n_factors; i++)
		draw(m, ch, m->factor[i], i == from_b ? SAMPLE_B : sample, row);
}

/* Runs that can share a pass over the indicators have the same key. */
int mc_choice_key(const mc *m, const choice *ch)
{
	return (m->imp_id[ch->imp] * m->n_norm_u + m->norm_id[ch->norm]) * (m->s->n_aggs + 1) + ch->agg;
}

/* Keeps one column's ranks of sample slot: blocked, STAT_BLOCK units of
 * one sample side by side, block after block of samples, so that the
 * statistics read each block's ranks in one sweep. */
static void keep_ranks(mc *m, int col, int slot, const int *rank)
{
	int n = m->n_units, blocks = (n + STAT_BLOCK - 1) / STAT_BLOCK;
	for (int b = 0; b < blocks; b++) {
		int u0 = b * STAT_BLOCK, nu = n - u0 < STAT_BLOCK ? n - u0 : STAT_BLOCK;
		int *to = m->ranks + (((size_t)col * blocks + (size_t)b) * (size_t)m->samples + (size_t)slot) * STAT_BLOCK;
		for (int j = 0; j < nu; j++)
			to[j] = rank[u0 + j];
	}
}

/* The runs at positions from..from+nr of m->order (sorted by key): each
 * group with one key evaluated together, then each run ranked. */
void mc_run_batch(worker *wk, int from, int nr)
{
	mc *m = wk->m;
	int n = m->n_units, e[BATCH], slot[BATCH];
	choice ch[BATCH];
	for (int j = 0; j < nr; j++) {
		e[j] = m->order[from + j];
		ch[j].w = wk->run[j].w;
		mc_choose(m, &ch[j], e[j], &slot[j]);
	}
	for (int j0 = 0; j0 < nr;) {
		int j1 = j0 + 1;
		while (j1 < nr && mc_choice_key(m, &ch[j1]) == mc_choice_key(m, &ch[j0]))
			j1++;
		/* evaluate works on wk->run[0..]: move this group's spaces first */
		if (j0 > 0)
			for (int j = j0; j < j1; j++) {
				run_space tmp = wk->run[j - j0];
				wk->run[j - j0] = wk->run[j];
				wk->run[j] = tmp;
				choice c = ch[j - j0];
				ch[j - j0] = ch[j];
				ch[j] = c;
				int x = e[j - j0];
				e[j - j0] = e[j];
				e[j] = x;
				x = slot[j - j0];
				slot[j - j0] = slot[j];
				slot[j] = x;
			}
		mc_evaluate(wk, ch, j1 - j0);
		for (int j = 0; j < j1 - j0; j++)
			for (int c = 0; c < m->n_cols; c++) {
				int a = m->col_agg[c];
				if (slot[j] < 0 && a != m->root)
					continue;
				mc_rank_aggregate(wk, &wk->run[j], &ch[j], a, wk->rank);
				if (a == m->root)
					m->y[e[j]] = rank_shift(wk->rank, m->nominal + (size_t)c * n, n);
				if (slot[j] >= 0)
					keep_ranks(m, c, slot[j], wk->rank);
			}
		j0 = j1;
	}
}
