/* index_mc_run: one batch of Monte Carlo runs of index_mc (index_mc.h):
 * each run's assumptions drawn from its own random streams; every
 * aggregate of the batch's runs taken level by level over one block of
 * units after the other, the indicators weighed for four runs at a time
 * while the block is in cache; the units ranked (a radix sort). */
#include "analytics/index_mc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
typedef long long v4l __attribute__((vector_size(4 * sizeof(long long))));

/* (vectors pass by pointer: by value they would change the ABI of the
 * functions compiled without AVX) */
static inline void load4(v4d *x, const double *p) { memcpy(x, p, sizeof(*x)); }

/* t[0..4) = *num / the divisors den[pat[0..4)] */
static inline void divide4(double *t, const v4d *num, const double *den, const int *pat)
{
	v4d q = { den[pat[0]], den[pat[1]], den[pat[2]], den[pat[3]] };
	q = *num / q;
	memcpy(t, &q, sizeof(q));
}

/* t[j][u] = (sum over c of w[j k + c] x[c][u]) / den[j][pat[u]] for WEIGH
 * = 4 runs j over a block of units, the children c in order and starting
 * from 0 as index_aggregate does, so every mean is its to the last bit;
 * eight units of four runs per step, each value read once for the four.
 * The divisor comes from the unit's pattern of children present: looked
 * up here, it costs no pass of its own. */
WIDE static void weigh_runs(double *const *t, const double *const *x, const double *w, const double *const *den,
	const int *pat, int k, int n)
{
	int u = 0;
	for (; u + 8 <= n; u += 8) {   /* eight sums in flight hide the additions' latency */
		v4d a0 = { 0, 0, 0, 0 }, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
		for (int c = 0; c < k; c++) {
			v4d xa, xb;
			load4(&xa, x[c] + u);
			load4(&xb, x[c] + u + 4);
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
		divide4(t[0] + u, &a0, den[0], pat + u);
		divide4(t[0] + u + 4, &b0, den[0], pat + u + 4);
		divide4(t[1] + u, &a1, den[1], pat + u);
		divide4(t[1] + u + 4, &b1, den[1], pat + u + 4);
		divide4(t[2] + u, &a2, den[2], pat + u);
		divide4(t[2] + u + 4, &b2, den[2], pat + u + 4);
		divide4(t[3] + u, &a3, den[3], pat + u);
		divide4(t[3] + u + 4, &b3, den[3], pat + u + 4);
	}
	for (; u < n; u++)
		for (int j = 0; j < WEIGH; j++) {
			double s = 0;
			for (int c = 0; c < k; c++)
				s += w[j * k + c] * x[c][u];
			t[j][u] = s / den[j][pat[u]];
		}
}

/* t[u] = (sum over c of w[c] x[c][u]) / sum_w over a block of units, the
 * children c in order from 0: one run's mean of its aggregates' scores.
 * Whether some t[u] is NaN. */
WIDE static bool weigh_scores(double *restrict t, const double *const *x, const double *w, int k, double sum_w, int n)
{
	v4l nan = { 0, 0, 0, 0 };
	int u = 0;
	for (; u + 16 <= n; u += 16) {   /* four sums in flight */
		v4d s0 = { 0, 0, 0, 0 }, s1 = s0, s2 = s0, s3 = s0;
		for (int c = 0; c < k; c++) {
			v4d x0, x1, x2, x3;
			load4(&x0, x[c] + u);
			load4(&x1, x[c] + u + 4);
			load4(&x2, x[c] + u + 8);
			load4(&x3, x[c] + u + 12);
			s0 += w[c] * x0;
			s1 += w[c] * x1;
			s2 += w[c] * x2;
			s3 += w[c] * x3;
		}
		s0 /= sum_w;
		s1 /= sum_w;
		s2 /= sum_w;
		s3 /= sum_w;
		nan |= (s0 != s0) | (s1 != s1) | (s2 != s2) | (s3 != s3);
		memcpy(t + u, &s0, sizeof(s0));
		memcpy(t + u + 4, &s1, sizeof(s1));
		memcpy(t + u + 8, &s2, sizeof(s2));
		memcpy(t + u + 12, &s3, sizeof(s3));
	}
	bool some = nan[0] | nan[1] | nan[2] | nan[3];
	for (; u < n; u++) {
		double s = 0;
		for (int c = 0; c < k; c++)
			s += w[c] * x[c][u];
		t[u] = s / sum_w;
		some |= isnan(t[u]);
	}
	return some;
}

/* A harmonic mean's num[u] += p[u] * (w / x[u]) over the indicators. */
WIDE static void weigh_harmonic(double *restrict num, const double *restrict x, const unsigned char *restrict p, double w,
	int n)
{
	for (int u = 0; u < n; u++)
		num[u] += (double)p[u] * (w / x[u]);
}

/* num = num + w x over every unit. */
WIDE static void add_weighed(double *restrict num, const double *restrict x, double w, int n)
{
	for (int u = 0; u < n; u++)
		num[u] = num[u] + w * x[u];
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

/* The divisors of the means of all-indicator aggregate a in run rs, one
 * per pattern of children present: the sum of the weights w of the
 * children present, in order (over the patterns at once, not one after
 * the other: each sum is a chain of additions); NaN for no score: no
 * weight, or fewer children than the coverage rule asks. */
static void set_divisors(const mc *m, run_space *rs, const variant *v, int a, const double *w)
{
	int k = m->aggs[a].n_children, p0 = v->pat_start[a], np = v->pat_start[a + 1] - p0;
	double *s = rs->den + p0, sum_w = 0;
	for (int c = 0; c < k; c++)
		sum_w += w[c];
	memset(s, 0, (size_t)np * sizeof(double));
	for (int c = 0; c < k; c++)
		add_weighed(s, v->pat_in + (size_t)c * (size_t)v->n_pat + (size_t)p0, w[c], np);
	for (int p = 0; p < np; p++)
		s[p] = sum_w > 0 && s[p] > 0 && v->pat_cover[p0 + p] ? s[p] : NAN;
}

/* The weights of the children of every all-indicator aggregate for the
 * nr runs ch, BATCH rows of them (zeros past nr) in wk->wrow one
 * aggregate after the other, and the runs' divisors. */
static void set_weights(worker *wk, const choice *ch, const variant *v, int nr)
{
	const mc *m = wk->m;
	double *w = wk->wrow;
	for (int a = 0; a < m->n_aggs; a++) {
		const agg_info *g = &m->aggs[a];
		int k = g->n_children;
		if (!g->indicators_only)
			continue;
		for (int j = 0; j < BATCH; j++)
			for (int c = 0; c < k; c++)
				w[j * k + c] = j < nr ? ch[j].w[g->children[c]] : 0;
		for (int j = 0; j < nr; j++)
			set_divisors(m, &wk->run[j], v, a, w + j * k);
		w += BATCH * k;
	}
}

/* Aggregate a's scores in run rs when they are a result column's (every
 * aggregate's, or the root's only), else NULL. */
double *mc_scores(const mc *m, const run_space *rs, int a)
{
	if (m->s->every_aggregate)
		return rs->t + (size_t)a * (size_t)m->n_units;
	return a == m->root ? rs->t : NULL;
}

/* Where aggregate a's scores of run rs over the block of units from u0
 * go: a result column's into rs->t, to be ranked; the others' only into
 * the block's scratch, read by their parent while still in cache. */
static double *block_scores(const mc *m, const run_space *rs, int a, int u0)
{
	double *t = mc_scores(m, rs, a);
	return t ? t + u0 : rs->tb + (size_t)a * UNIT_BLOCK;
}

/* A harmonic mean of indicators over a block of units for each of the nr
 * runs: one sum of weights over values a child, then t = den / num. */
static void harmonic_block(worker *wk, const variant *v, int a, const double *w, int nr, int u0, int len)
{
	const mc *m = wk->m;
	const agg_info *g = &m->aggs[a];
	int k = g->n_children;
	size_t n = (size_t)m->n_units;
	const int *pat = v->pat_of + (size_t)a * n + (size_t)u0;
	for (int j = 0; j < nr; j++) {
		double *num = wk->num, *t = block_scores(m, &wk->run[j], a, u0);
		memset(num, 0, (size_t)len * sizeof(double));
		for (int c = 0; c < k; c++) {
			size_t off = (size_t)m->d->nodes[g->children[c]].column * n + (size_t)u0;
			if (w[j * k + c] != 0)
				weigh_harmonic(num, v->hp1 + off, v->m + off, w[j * k + c], len);
		}
		for (int u = 0; u < len; u++)
			t[u] = wk->run[j].den[pat[u]] / num[u];
	}
}

/* Aggregate a, whose children are all indicators, of the nr runs over
 * the block of units u0..u0+len; w their weights (set_weights). The runs
 * WEIGH at a time while the block's values are in L1; the runs the last
 * group lacks get zero weights and their scores are thrown away. */
static void indicators_block(worker *wk, const variant *v, int a, index_agg h, bool pos, const double *w, int nr,
	int u0, int len)
{
	const mc *m = wk->m;
	const agg_info *g = &m->aggs[a];
	size_t n = (size_t)m->n_units;
	int k = g->n_children;
	if (h == INDEX_AGG_HARM) {
		harmonic_block(wk, v, a, w, nr, u0, len);
		return;
	}
	const double *base = h == INDEX_AGG_GEOM ? v->lp0 : pos ? v->xp0 : v->x0, *cols[64], *den[WEIGH];
	double *t[WEIGH];
	for (int c = 0; c < k; c++)
		cols[c] = base + (size_t)m->d->nodes[g->children[c]].column * n + (size_t)u0;
	for (int j0 = 0; j0 < nr; j0 += WEIGH) {
		for (int j = 0; j < WEIGH; j++) {
			bool run = j0 + j < nr;
			t[j] = run ? block_scores(m, &wk->run[j0 + j], a, u0) : wk->spare;
			den[j] = wk->run[run ? j0 + j : 0].den;
		}
		weigh_runs(t, cols, w + (size_t)j0 * k, den, v->pat_of + (size_t)a * n + (size_t)u0, k, len);
	}
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

/* Unit u of aggregate a, children x with weights w, whose score is not
 * simply the mean over all of them: over those it has. */
static double score_present(const double *const *x, const double *w, int k, int u, double share, double least)
{
	double s = 0, sw = 0;
	int have = 0;
	for (int c = 0; c < k; c++) {
		if (isnan(x[c][u]))
			continue;
		have++;
		if (w[c] == 0)
			continue;
		s += w[c] * x[c][u];
		sw += w[c];
	}
	return sw > 0 && (share == 0 || have >= least) ? s / sw : NAN;
}

/* Aggregate a whose children are aggregates whose scores it takes as they
 * are (arithmetic of arithmetic, geometric of geometric), over the block
 * of units u0..u0+len of run rs: the mean over the children with a weight,
 * then, one by one, the units where that is NaN (a child with a weight
 * lacks a score, or no weight) or a child without a weight lacks one,
 * whose score comes from the children they have. */
static void scores_block(worker *wk, run_space *rs, const choice *ch, int a, int u0, int len)
{
	const mc *m = wk->m;
	const agg_info *g = &m->aggs[a];
	int k = g->n_children, kw = 0;
	double *t = block_scores(m, rs, a, u0), share = m->o->coverage[g->level];
	double least = share * k - COVERAGE_SLACK, sum_w = 0, *w = wk->cw, *ww = wk->cw + k;
	const double **x = wk->cx, **xw = wk->cx + k;
	for (int c = 0; c < k; c++) {
		w[c] = ch->w[g->children[c]];
		x[c] = block_scores(m, rs, m->agg_of_node[g->children[c]], u0);
		sum_w += w[c];
		if (w[c] != 0) {
			ww[kw] = w[c];
			xw[kw++] = x[c];
		}
	}
	if (weigh_scores(t, xw, ww, kw, sum_w > 0 ? sum_w : NAN, len))
		for (int u = 0; u < len; u++)
			if (isnan(t[u]))
				t[u] = score_present(x, w, k, u, share, least);
	for (int c = 0; c < k; c++)
		for (int u = 0; w[c] == 0 && u < len; u++)
			if (isnan(x[c][u]))
				t[u] = score_present(x, w, k, u, share, least);
}

/* Aggregate a with aggregates among its children, over the block of units
 * u0..u0+len of run rs: every sum unit by unit. */
static void mixed_block(worker *wk, run_space *rs, const choice *ch, const variant *v, int a, index_agg h, bool pos,
	int u0, int len)
{
	const mc *m = wk->m;
	const index_def *d = m->d;
	const agg_info *g = &m->aggs[a];
	const index_agg *how = m->agg_choice[ch->agg].level;
	int k = g->n_children;
	size_t n = (size_t)m->n_units;
	bool harm = h == INDEX_AGG_HARM;
	double *restrict num = wk->num, *restrict den = wk->den, *cnt = wk->cnt, *cm = wk->cm, *cv = wk->cv;
	double share = m->o->coverage[g->level], least = share * k - COVERAGE_SLACK;
	double *t = block_scores(m, rs, a, u0);
	memset(num, 0, (size_t)len * sizeof(double));
	memset(den, 0, (size_t)len * sizeof(double));
	memset(cnt, 0, (size_t)len * sizeof(double));
	for (int c = 0; c < k; c++) {
		int node = g->children[c];
		const double *x;
		if (d->nodes[node].indicator) {
			size_t off = (size_t)d->nodes[node].column * n + (size_t)u0;
			const unsigned char *mk = v->m + off;
			x = (h == INDEX_AGG_GEOM ? v->lp0 : harm ? v->hp1 : pos ? v->xp0 : v->x0) + off;
			for (int u = 0; u < len; u++)
				cm[u] = mk[u];
		} else {
			child_values(cv, cm, block_scores(m, rs, m->agg_of_node[node], u0), len, child_form(m, how, node, h),
				harm ? 1 : 0);
			x = cv;
		}
		add_child(num, den, share > 0 ? cnt : NULL, x, cm, ch->w[node], len, harm);
	}
	for (int u = 0; u < len; u++)
		t[u] = den[u] > 0 && (share == 0 || cnt[u] >= least) ? harm ? den[u] / num[u] : num[u] / den[u] : NAN;
}

/* Whether aggregate a (with aggregates among its children) takes their
 * scores as they are, by mean h. */
static bool takes_scores(const mc *m, const index_agg *how, int a, index_agg h)
{
	const agg_info *g = &m->aggs[a];
	bool simple = h != INDEX_AGG_HARM;
	for (int c = 0; c < g->n_children; c++)
		simple &= !m->d->nodes[g->children[c]].indicator && child_form(m, how, g->children[c], h) == AS_IS;
	return simple;
}

/* Every aggregate of nr <= BATCH runs that share their choices of
 * imputation, normalisation and means (not their weights), block of units
 * by block: a unit's scores depend only on its own values. */
void mc_evaluate(worker *wk, const choice *ch, int nr)
{
	const mc *m = wk->m;
	const variant *v = &m->var[m->imp_id[ch->imp] * m->n_norm_u + m->norm_id[ch->norm]];
	const index_agg *how = m->agg_choice[ch->agg].level;
	bool pos = m->positive[ch->agg];
	int n = m->n_units;
	set_weights(wk, ch, v, nr);
	for (int u0 = 0; u0 < n; u0 += UNIT_BLOCK) {
		int len = n - u0 < UNIT_BLOCK ? n - u0 : UNIT_BLOCK;
		const double *w = wk->wrow;
		for (int a = 0; a < m->n_aggs; a++) {
			const agg_info *g = &m->aggs[a];
			index_agg h = how[g->level];
			if (g->indicators_only) {
				indicators_block(wk, v, a, h, pos, w, nr, u0, len);
				w += BATCH * g->n_children;
			} else if (takes_scores(m, how, a, h)) {
				for (int j = 0; j < nr; j++)
					scores_block(wk, &wk->run[j], &ch[j], a, u0, len);
			} else {
				for (int j = 0; j < nr; j++)
					mixed_block(wk, &wk->run[j], &ch[j], v, a, h, pos, u0, len);
			}
		}
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

#define KEY_NAN 65535   /* the 16-bit key of NaN, past every value's */

/* key[u]: 16 bits linear in (v[u] - lo) * scale, which keep the values'
 * order, KEY_NAN for NaN. */
WIDE static void value_keys(uint16_t *restrict key, const double *restrict v, int n, double lo, double scale)
{
	for (int u = 0; u < n; u++) {
		double y = (v[u] - lo) * scale;
		y = y < KEY_NAN - 1 ? y : KEY_NAN - 1;
		key[u] = (uint16_t)(int)(isnan(v[u]) ? KEY_NAN : y);
	}
}

/* The least and greatest of v[0..n), NaNs left out: lo > hi when every
 * one is NaN. */
static void value_range(double *lo, double *hi, const double *v, int n)
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
	*lo = fmin(fmin(lo4[0], lo4[1]), fmin(lo4[2], lo4[3]));
	*hi = fmax(fmax(hi4[0], hi4[1]), fmax(hi4[2], hi4[3]));
}

/* The units in order of their keys wk->s0 into wk->idx, their values v
 * into wk->sv, by an LSD radix sort on the keys' two bytes. */
static void sort_keys(worker *wk, const double *v, int n)
{
	uint16_t *k0 = wk->s0, *k1 = wk->s1;
	uint32_t *i1 = wk->idx2, *idx = wk->idx, h0[256] = { 0 }, h1[256] = { 0 };
	for (int u = 0; u < n; u++) {
		h0[k0[u] & 255]++;
		h1[k0[u] >> 8]++;
	}
	for (uint32_t b = 0, a0 = 0, a1 = 0; b < 256; b++) {
		uint32_t c0 = h0[b], c1 = h1[b];
		h0[b] = a0;
		h1[b] = a1;
		a0 += c0;
		a1 += c1;
	}
	for (int u = 0; u < n; u++) {
		uint32_t p = h0[k0[u] & 255]++;
		k1[p] = k0[u];
		i1[p] = (uint32_t)u;
	}
	for (int j = 0; j < n; j++) {
		uint32_t p = h1[k1[j] >> 8]++;
		idx[p] = i1[j];
		wk->sv[p] = v[i1[j]];
	}
}

/* rank[u] = 1 + how many present v are above v[u] (ties share the
 * smallest), 0 when v[u] is NaN. The values get 16-bit keys linear in
 * (v - min) / (max - min), which keep their order, sorted by an LSD radix
 * sort on the two bytes (NaN last); an insertion sort then puts the few
 * values with the same key in order. Should that take long (a far outlier
 * squeezing the others into a few keys), a radix sort on the doubles'
 * bits as ordered 64-bit keys does it all. */
static void rank_values(worker *wk, int *rank, const double *v, int n)
{
	double lo, hi;
	value_range(&lo, &hi, v, n);
	if (!(lo <= hi)) {
		memset(rank, 0, (size_t)n * sizeof(*rank));
		return;
	}
	double scale = hi > lo ? (KEY_NAN - 1) / (hi - lo) : 0, *sv = wk->sv;
	if (!isfinite(scale))
		scale = 0;
	value_keys(wk->s0, v, n, lo, scale);
	sort_keys(wk, v, n);
	uint32_t *idx = wk->idx;
	int c = n;
	while (c > 0 && isnan(sv[c - 1]))
		rank[idx[--c]] = 0;
	if (!insertion_sort(sv, idx, c, 8L * c + 64)) {
		uint64_t *key = wk->k0;
		for (int j = 0; j < c; j++) {
			double x = v[idx[j]];
			if (x == 0)
				x = 0;   /* -0 sorts with 0 */
			uint64_t b;
			memcpy(&b, &x, sizeof(b));
			key[j] = b >> 63 ? ~b : b | (uint64_t)1 << 63;
		}
		radix_sort(key, idx, wk->k1, wk->idx2, c);
		for (int j = 0; j < c; j++)
			sv[j] = v[idx[j]];
	}
	int r = 0;
	for (int p = c - 1; p >= 0; p--) {
		if (p == c - 1 || sv[p] != sv[p + 1])
			r = c - p;
		rank[idx[p]] = r;
	}
}

/* Ranks of aggregate a's scores in run rs. */
void mc_rank_aggregate(worker *wk, const run_space *rs, const choice *ch, int a, int *rank)
{
	const mc *m = wk->m;
	int n = m->n_units, digits = m->o->rank_digits;
	const double *t = mc_scores(m, rs, a);
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

/* bytes from from to the store at to: on x86 whole 16-byte pieces by
 * non-temporal stores, which need not read the line first (the store is
 * far larger than the caches and read back only by the statistics; its
 * rows are 16-byte aligned, as malloc's). */
static void store_row(void *to, const void *from, size_t bytes)
{
#ifdef __SSE2__
	if (bytes % 16 == 0) {
		for (size_t i = 0; i < bytes / 16; i++)
			_mm_stream_si128((__m128i *)to + i, _mm_loadu_si128((const __m128i *)from + i));
		return;
	}
#endif
	memcpy(to, from, bytes);
}

/* Row row of the store (STAT_BLOCK ranks, nu of them given) from rank. */
static void put_row(mc *m, size_t row, const int *rank, int nu)
{
	if (!m->narrow) {
		store_row((int *)m->ranks + row * STAT_BLOCK, rank, (size_t)nu * sizeof(int));
		return;
	}
	uint16_t r16[STAT_BLOCK];
	for (int i = 0; i < nu; i++)
		r16[i] = (uint16_t)rank[i];
	store_row((uint16_t *)m->ranks + row * STAT_BLOCK, r16, (size_t)nu * sizeof(uint16_t));
}

/* Keeps one column's ranks of nr runs, rank[j n_units..] of sample
 * slot[j] (-1: not kept): blocked, STAT_BLOCK units of one sample side by
 * side, block after block of samples, so that the statistics read each
 * block's ranks in one sweep. */
static void keep_ranks(mc *m, int col, const int *slot, const int *rank, int nr)
{
	int n = m->n_units, blocks = (n + STAT_BLOCK - 1) / STAT_BLOCK;
	for (int b = 0; b < blocks; b++) {
		int u0 = b * STAT_BLOCK, nu = n - u0 < STAT_BLOCK ? n - u0 : STAT_BLOCK;
		size_t first = ((size_t)col * blocks + (size_t)b) * (size_t)m->samples;   /* the block's row of sample 0 */
		for (int j = 0; j < nr; j++)
			if (slot[j] >= 0)
				put_row(m, first + (size_t)slot[j], rank + (size_t)j * n + u0, nu);
	}
#ifdef __SSE2__
	_mm_sfence();   /* the rows visible to the statistics' threads */
#endif
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
		for (int c = 0; c < m->n_cols; c++) {
			int a = m->col_agg[c];
			for (int j = 0; j < j1 - j0; j++) {
				int *rank = wk->rank + (size_t)j * n;
				if (slot[j] < 0 && a != m->root)
					continue;
				mc_rank_aggregate(wk, &wk->run[j], &ch[j], a, rank);
				if (a == m->root)
					m->y[e[j]] = rank_shift(rank, m->nominal + (size_t)c * n, n);
			}
			keep_ranks(m, c, slot, wk->rank, j1 - j0);
		}
		j0 = j1;
	}
}
