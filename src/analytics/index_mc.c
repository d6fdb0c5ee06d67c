/* index_mc: Monte Carlo over an index's assumptions (index_mc.h). The
 * stages up to normalisation come from index_evaluate once per choice of
 * imputation and normalisation; a run weighs, aggregates level by level
 * and ranks (an LSD radix sort), on as many threads as asked, each run
 * writing only its own slots. Rank statistics per unit come from a
 * counting sort of its ranks; the sensitivity sums are taken in run order
 * at the end. */
#include "analytics/index_mc.h"
#include "util/err.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COVERAGE_SLACK 1e-9     /* as index_tree.c: 2 of 3 children meet a share of 2/3 */
#define MSG_MAX 512
#define STAT_BLOCK 16           /* units whose ranks are gathered together: one cache line of ints */
#define MAX_RANK_CELLS ((size_t)1 << 31)   /* ranks kept for the statistics: 8 GiB */
#define N_CHOICES (INDEX_MC_MAX_ALTS + 1)   /* the options' choice, then the alternatives */

enum { SAMPLE_A, SAMPLE_B };

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

/* ---- the prepared analysis ---- */

typedef struct agg_info {
	int node;                  /* in d->nodes */
	int level;
	int n_children;
	int *children;             /* nodes, in the order defined */
	bool indicators_only;
} agg_info;

/* The indicators of one choice of imputation and normalisation, column
 * by column (n_units each): x0 the normalised value, 0 when missing; xp0
 * and lp0 the shifted value and its log, 0 when missing; hp1 the shifted
 * value, 1 when missing; m 1 when present. inc lists, per aggregate whose
 * children are all indicators (at most 64 of them), the units missing one
 * of them and which they have (bit c: child c). */
typedef struct variant {
	double *x0, *xp0, *lp0, *hp1;
	unsigned char *m;
	int *inc_start, *inc;
	uint64_t *inc_bits;
} variant;

/* One run's choices: indexes into the choice lists (0 the options'). */
typedef struct choice {
	int imp, norm, agg;
	double *w;                 /* n_nodes */
} choice;

typedef struct mc {
	const index_def *d;
	const index_mc_spec *s;
	const index_options *o;
	int n_units, n_aggs, root;         /* root: index into aggs */
	agg_info *aggs;                    /* by level, then in the order defined */
	int *agg_of_node;                  /* n_nodes: index into aggs, -1 for indicators */
	int n_cols, *col_agg;              /* result columns and their aggregate */
	index_impute imp_choice[N_CHOICES];
	index_norm_spec norm_choice[N_CHOICES];
	index_mc_agg agg_choice[N_CHOICES];
	bool positive[N_CHOICES];          /* the aggregation choice takes a geometric or harmonic mean */
	int imp_id[N_CHOICES], norm_id[N_CHOICES], n_imp_u, n_norm_u;
	variant *var;                      /* n_imp_u x n_norm_u */
	bool need_pos, need_harm;
	int n_factors;
	index_mc_factor factor[INDEX_MC_FACTORS];
	int runs, samples, evaluations;
	int *ranks;                        /* n_cols x samples x n_units */
	int *nominal;                      /* n_cols x n_units */
	double *y;                         /* evaluations */
	atomic_int next, done;
	atomic_bool stopped;
	atomic_int job;
	index_mc_result *r;
} mc;

/* Scratch space of one thread. */
typedef struct worker {
	mc *m;
	bool caller;
	double *w;                         /* n_nodes */
	double *t;                         /* n_aggs x n_units: the score (a geometric mean: its log), NaN none */
	double *cv, *cm, *num, *den, *cnt, *key_v;   /* n_units */
	int *rank;                         /* n_units: one column */
	uint64_t *k0, *k1;
	uint32_t *i0, *i1, *bucket;        /* bucket: 2^bucket_bits + 1 */
	int bucket_bits;
	int *vals, *hist;                  /* statistics: STAT_BLOCK x samples, n_units + 1 */
} worker;

static const char *norm_name(index_norm n)
{
	switch (n) {
	case INDEX_NORM_MINMAX: return "min-max";
	case INDEX_NORM_ZSCORE: return "z-score";
	case INDEX_NORM_RANK: return "rank";
	case INDEX_NORM_TARGET: return "target";
	case INDEX_NORM_GOALPOSTS: return "goalposts";
	case INDEX_NORM_NONE: return "none";
	}
	return "?";
}

const char *index_mc_factor_name(index_mc_factor f)
{
	switch (f) {
	case INDEX_MC_WEIGHTS: return "weights";
	case INDEX_MC_NORM: return "normalisation";
	case INDEX_MC_AGG: return "aggregation";
	case INDEX_MC_IMPUTE: return "imputation";
	case INDEX_MC_FACTORS: break;
	}
	return "?";
}

index_mc_spec index_mc_spec_default(void)
{
	return (index_mc_spec){ .seed = 1, .runs = 1000, .weight_spread = 0.25 };
}

void index_mc_result_free(index_mc_result *r)
{
	free(r->nominal);
	free(r->median);
	free(r->p05);
	free(r->p95);
	free(r->mean);
	free(r->ranked);
	memset(r, 0, sizeof(*r));
}

/* Re-sets the last error with prefix before it. */
static int blame(int rc, const char *prefix)
{
	char msg[MSG_MAX];
	snprintf(msg, sizeof(msg), "%s", err_msg());
	return err_set(rc, "index Monte Carlo, %s: %s", prefix, msg);
}

/* ---- checking the spec ---- */

static bool agg_known(index_agg a) { return a == INDEX_AGG_ARITH || a == INDEX_AGG_GEOM || a == INDEX_AGG_HARM; }

static bool impute_known(index_impute i)
{
	return i == INDEX_IMPUTE_NONE || i == INDEX_IMPUTE_MEAN || i == INDEX_IMPUTE_GROUP_MEAN;
}

static int check_levels(const index_agg *level, int n_levels, const char *what, int alt)
{
	for (int l = 1; l <= n_levels; l++)
		if (!agg_known(level[l])) {
			if (alt)
				return err_set(ERR_INVALID, "index Monte Carlo: aggregation alternative %d: unknown method %d at level %d",
					alt, (int)level[l], l);
			return err_set(ERR_INVALID, "index Monte Carlo: %s: unknown aggregation %d at level %d", what,
				(int)level[l], l);
		}
	return 0;
}

static int check_spec(const index_def *d, const index_input *in, const index_options *o, const index_mc_spec *s)
{
	if (s->runs < 1 || s->runs > INDEX_MC_MAX_RUNS)
		return err_set(ERR_INVALID, "index Monte Carlo: %d runs, expected 1 to %d", s->runs, INDEX_MC_MAX_RUNS);
	if (!(s->weight_spread >= 0 && s->weight_spread <= 1))
		return err_set(ERR_INVALID, "index Monte Carlo: weight spread %g, expected 0 to 1 (+-0 %% to +-100 %%)",
			s->weight_spread);
	if (s->n_norms < 0 || s->n_norms > INDEX_MC_MAX_ALTS)
		return err_set(ERR_INVALID, "index Monte Carlo: %d normalisation alternatives, expected 0 to %d", s->n_norms,
			INDEX_MC_MAX_ALTS);
	if (s->n_aggs < 0 || s->n_aggs > INDEX_MC_MAX_ALTS)
		return err_set(ERR_INVALID, "index Monte Carlo: %d aggregation alternatives, expected 0 to %d", s->n_aggs,
			INDEX_MC_MAX_ALTS);
	if (s->n_imputes < 0 || s->n_imputes > INDEX_MC_MAX_ALTS)
		return err_set(ERR_INVALID, "index Monte Carlo: %d imputation alternatives, expected 0 to %d", s->n_imputes,
			INDEX_MC_MAX_ALTS);
	if (s->threads < 0 || s->threads > INDEX_MC_MAX_THREADS)
		return err_set(ERR_INVALID, "index Monte Carlo: %d threads, expected 0 to %d", s->threads,
			INDEX_MC_MAX_THREADS);
	for (int i = 0; i < s->n_norms; i++)
		if (s->norms[i].method < INDEX_NORM_MINMAX || s->norms[i].method > INDEX_NORM_NONE)
			return err_set(ERR_INVALID, "index Monte Carlo: normalisation alternative %d: unknown method %d", i + 1,
				(int)s->norms[i].method);
	int rc = check_levels(o->agg, d->n_levels, "the options", 0);
	for (int i = 0; rc == 0 && i < s->n_aggs; i++)
		rc = check_levels(s->aggs[i].level, d->n_levels, NULL, i + 1);
	if (rc < 0)
		return rc;
	for (int i = 0; i < s->n_imputes; i++) {
		if (!impute_known(s->imputes[i]))
			return err_set(ERR_INVALID, "index Monte Carlo: imputation alternative %d: unknown method %d", i + 1,
				(int)s->imputes[i]);
		if (s->imputes[i] == INDEX_IMPUTE_GROUP_MEAN && !in->groups)
			return err_set(ERR_INVALID,
				"index Monte Carlo: imputation alternative %d: a group mean, but the units have no groups", i + 1);
	}
	bool varies = s->weight_spread > 0 || s->n_norms > 1 || s->n_aggs > 1 || s->n_imputes > 1;
	if (s->sensitivity && !varies)
		return err_set(ERR_INVALID, "index Monte Carlo: a sensitivity analysis, but nothing varies "
			"(weight spread 0 and at most one alternative of each method)");
	return 0;
}

/* ---- preparing ---- */

static bool same_norm(const index_norm_spec *a, const index_norm_spec *b)
{
	/* target and goalposts come from the indicators */
	return a->method == b->method && a->lo == b->lo && a->hi == b->hi && a->cap == b->cap;
}

static bool is_positive(const index_agg *level, int n_levels, bool *harm)
{
	bool pos = false;
	for (int l = 1; l <= n_levels; l++) {
		pos |= level[l] != INDEX_AGG_ARITH;
		*harm |= level[l] == INDEX_AGG_HARM;
	}
	return pos;
}

/* The choice lists (0 the options', then the alternatives), the
 * distinct imputations and normalisations, the varied assumptions. */
static void set_choices(mc *m)
{
	const index_mc_spec *s = m->s;
	const index_options *o = m->o;
	m->imp_choice[0] = o->impute;
	m->norm_choice[0] = o->norm;
	memcpy(m->agg_choice[0].level, o->agg, sizeof(o->agg));
	for (int i = 0; i < s->n_imputes; i++)
		m->imp_choice[i + 1] = s->imputes[i];
	for (int i = 0; i < s->n_norms; i++)
		m->norm_choice[i + 1] = s->norms[i];
	for (int i = 0; i < s->n_aggs; i++)
		m->agg_choice[i + 1] = s->aggs[i];
	for (int i = 0; i <= s->n_imputes; i++) {
		m->imp_id[i] = m->n_imp_u;
		for (int j = 0; j < i; j++)
			if (m->imp_choice[j] == m->imp_choice[i]) {
				m->imp_id[i] = m->imp_id[j];
				break;
			}
		if (m->imp_id[i] == m->n_imp_u)
			m->n_imp_u++;
	}
	for (int i = 0; i <= s->n_norms; i++) {
		m->norm_id[i] = m->n_norm_u;
		for (int j = 0; j < i; j++)
			if (same_norm(&m->norm_choice[j], &m->norm_choice[i])) {
				m->norm_id[i] = m->norm_id[j];
				break;
			}
		if (m->norm_id[i] == m->n_norm_u)
			m->n_norm_u++;
	}
	for (int i = 0; i <= s->n_aggs; i++) {
		m->positive[i] = is_positive(m->agg_choice[i].level, m->d->n_levels, &m->need_harm);
		m->need_pos |= m->positive[i];
	}
	if (s->weight_spread > 0)
		m->factor[m->n_factors++] = INDEX_MC_WEIGHTS;
	if (s->n_norms > 1)
		m->factor[m->n_factors++] = INDEX_MC_NORM;
	if (s->n_aggs > 1)
		m->factor[m->n_factors++] = INDEX_MC_AGG;
	if (s->n_imputes > 1)
		m->factor[m->n_factors++] = INDEX_MC_IMPUTE;
}

/* The aggregates by level, their children, the result's columns. */
static int set_tree(mc *m)
{
	const index_def *d = m->d;
	m->n_aggs = d->n_aggregates;
	m->aggs = calloc((size_t)m->n_aggs, sizeof(*m->aggs));
	m->agg_of_node = malloc((size_t)d->n_nodes * sizeof(int));
	m->n_cols = m->s->every_aggregate ? m->n_aggs : 1;
	m->col_agg = malloc((size_t)m->n_cols * sizeof(int));
	if (!m->aggs || !m->agg_of_node || !m->col_agg)
		return err_set(ERR_NOMEM, "out of memory");
	int k = 0;
	for (int level = 1; level <= d->n_levels; level++)
		for (int i = 0; i < d->n_nodes; i++)
			if (!d->nodes[i].indicator && d->nodes[i].level == level)
				m->aggs[k++] = (agg_info){ .node = i, .level = level };
	for (int i = 0; i < d->n_nodes; i++)
		m->agg_of_node[i] = -1;
	for (int a = 0; a < m->n_aggs; a++) {
		agg_info *g = &m->aggs[a];
		m->agg_of_node[g->node] = a;
		if (d->nodes[g->node].parent_node < 0)
			m->root = a;
		for (int i = 0; i < d->n_nodes; i++)
			if (d->nodes[i].parent_node == g->node)
				g->n_children++;
		g->indicators_only = g->n_children <= 64;   /* the presence of each child in one bit */
		g->children = malloc((size_t)g->n_children * sizeof(int));
		if (!g->children)
			return err_set(ERR_NOMEM, "out of memory");
		int c = 0;
		for (int i = 0; i < d->n_nodes; i++)
			if (d->nodes[i].parent_node == g->node) {
				g->children[c++] = i;
				g->indicators_only &= d->nodes[i].indicator;
			}
	}
	for (int a = 0; a < m->n_aggs; a++) {
		int col = d->nodes[m->aggs[a].node].column;
		if (m->s->every_aggregate)
			m->col_agg[col] = a;
		else if (a == m->root)
			m->col_agg[0] = a;
	}
	return 0;
}

static void free_variant(variant *v)
{
	free(v->x0);
	free(v->xp0);
	free(v->lp0);
	free(v->hp1);
	free(v->m);
	free(v->inc_start);
	free(v->inc);
	free(v->inc_bits);
}

/* The units of each all-indicator aggregate that miss one of its children. */
static int list_incomplete(const mc *m, variant *v)
{
	const index_def *d = m->d;
	size_t n = (size_t)m->n_units, total = 0;
	v->inc_start = calloc((size_t)m->n_aggs + 1, sizeof(int));
	if (!v->inc_start)
		return err_set(ERR_NOMEM, "out of memory");
	for (int pass = 0; pass < 2; pass++) {
		total = 0;
		for (int a = 0; a < m->n_aggs; a++) {
			const agg_info *g = &m->aggs[a];
			if (pass == 1)
				v->inc_start[a] = (int)total;
			for (size_t u = 0; g->indicators_only && u < n; u++) {
				uint64_t bits = 0;
				for (int c = 0; c < g->n_children; c++)
					bits |= (uint64_t)v->m[(size_t)d->nodes[g->children[c]].column * n + u] << c;
				bool miss = bits != (g->n_children == 64 ? ~(uint64_t)0 : ((uint64_t)1 << g->n_children) - 1);
				if (miss && pass == 1) {
					v->inc[total] = (int)u;
					v->inc_bits[total] = bits;
				}
				total += miss;
			}
		}
		if (pass == 0) {
			v->inc = malloc((total ? total : 1) * sizeof(int));
			v->inc_bits = malloc((total ? total : 1) * sizeof(uint64_t));
			if (!v->inc || !v->inc_bits)
				return err_set(ERR_NOMEM, "out of memory");
		}
	}
	v->inc_start[m->n_aggs] = (int)total;
	return 0;
}

/* Variant (imputation imp, normalisation norm) from index_evaluate. */
static int build_variant(mc *m, variant *v, index_def *d, const index_input *in, index_impute imp,
	const index_norm_spec *norm, const char *what)
{
	index_options o = *m->o;
	o.impute = imp;
	o.norm = *norm;
	for (int l = 0; l <= INDEX_MAX_LEVELS; l++)
		o.agg[l] = INDEX_AGG_ARITH;
	o.rank_digits = -1;
	index_result r;
	int rc = index_evaluate(&r, d, in, &o);
	if (rc < 0)
		return blame(rc, what);
	size_t n = (size_t)m->n_units, ni = (size_t)d->n_indicators, cells = n * ni;
	v->x0 = malloc(cells * sizeof(double));
	v->m = malloc(cells);
	if (m->need_pos) {
		v->xp0 = malloc(cells * sizeof(double));
		v->lp0 = malloc(cells * sizeof(double));
	}
	if (m->need_harm)
		v->hp1 = malloc(cells * sizeof(double));
	if (!v->x0 || !v->m || (m->need_pos && (!v->xp0 || !v->lp0)) || (m->need_harm && !v->hp1)) {
		index_result_free(&r);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < ni; i++) {
		double lo = INFINITY;
		for (size_t u = 0; u < n; u++) {
			double x = r.normalised[u * ni + i];
			bool present = !isnan(x);
			v->x0[i * n + u] = present ? x : 0;
			v->m[i * n + u] = present;
			if (present && x < lo)
				lo = x;
		}
		double shift = lo <= 0 ? 1 - lo : 0;
		for (size_t u = 0; m->need_pos && u < n; u++) {
			double x = v->x0[i * n + u] + shift;
			bool present = v->m[i * n + u];
			v->xp0[i * n + u] = present ? x : 0;
			v->lp0[i * n + u] = present ? log(x) : 0;
			if (v->hp1)
				v->hp1[i * n + u] = present ? x : 1;
		}
	}
	index_result_free(&r);
	return list_incomplete(m, v);
}

static int build_variants(mc *m, index_def *d, const index_input *in)
{
	m->var = calloc((size_t)(m->n_imp_u * m->n_norm_u), sizeof(*m->var));
	if (!m->var)
		return err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; i <= m->s->n_imputes; i++)
		for (int j = 0; j <= m->s->n_norms; j++) {
			variant *v = &m->var[m->imp_id[i] * m->n_norm_u + m->norm_id[j]];
			if (v->x0)
				continue;
			char what[128];
			if (i == 0 && j == 0)
				snprintf(what, sizeof(what), "the options' choices");
			else if (i == 0)
				snprintf(what, sizeof(what), "normalisation alternative %d (%s)", j,
					norm_name(m->norm_choice[j].method));
			else if (j == 0)
				snprintf(what, sizeof(what), "imputation alternative %d", i);
			else
				snprintf(what, sizeof(what), "imputation alternative %d with normalisation alternative %d (%s)", i, j,
					norm_name(m->norm_choice[j].method));
			int rc = build_variant(m, v, d, in, m->imp_choice[i], &m->norm_choice[j], what);
			if (rc < 0)
				return rc;
		}
	return 0;
}

/* ---- one run ---- */

/* num[u] += w[c] * x[c][u] over up to four columns at once, in the order
 * given, so that every sum is index_aggregate's to the last bit. */
static void weigh(double *restrict num, const double *const *x, const double *w, int k, int n)
{
	for (int c = 0; c < k; c += 4) {
		int g = k - c < 4 ? k - c : 4;
		const double *restrict x0 = x[c], *restrict x1 = g > 1 ? x[c + 1] : NULL;
		const double *restrict x2 = g > 2 ? x[c + 2] : NULL, *restrict x3 = g > 3 ? x[c + 3] : NULL;
		double w0 = w[c], w1 = g > 1 ? w[c + 1] : 0, w2 = g > 2 ? w[c + 2] : 0, w3 = g > 3 ? w[c + 3] : 0;
		switch (g) {
		case 4:
			for (int u = 0; u < n; u++)
				num[u] = num[u] + w0 * x0[u] + w1 * x1[u] + w2 * x2[u] + w3 * x3[u];
			break;
		case 3:
			for (int u = 0; u < n; u++)
				num[u] = num[u] + w0 * x0[u] + w1 * x1[u] + w2 * x2[u];
			break;
		case 2:
			for (int u = 0; u < n; u++)
				num[u] = num[u] + w0 * x0[u] + w1 * x1[u];
			break;
		default:
			for (int u = 0; u < n; u++)
				num[u] = num[u] + w0 * x0[u];
		}
	}
}

/* Aggregate a whose children are all indicators: the weights' sum for
 * the units that have every child, the weights of those they have for
 * the others (as index_aggregate: the same sums in the same order). */
static void aggregate_indicators(worker *wk, const choice *ch, const variant *v, int a, index_agg h, bool pos,
	double *restrict t)
{
	const mc *m = wk->m;
	const index_def *d = m->d;
	const agg_info *g = &m->aggs[a];
	int n = m->n_units, k = g->n_children, q = 0;
	double *restrict num = wk->num, w[64], ws[4], sum_w = 0;
	double share = m->o->coverage[g->level], least = share * k - COVERAGE_SLACK;
	const double *cols[4];
	for (int c = 0; c < k; c++) {
		size_t off = (size_t)d->nodes[g->children[c]].column * n;
		w[c] = ch->w[g->children[c]];
		sum_w += w[c];
		if (w[c] == 0)
			continue;
		if (h == INDEX_AGG_HARM) {
			const double *restrict x = v->hp1 + off;
			const unsigned char *restrict mk = v->m + off;
			double wc = w[c];
			for (int u = 0; u < n; u++)
				num[u] += (double)mk[u] * (wc / x[u]);
			continue;
		}
		cols[q] = (h == INDEX_AGG_GEOM ? v->lp0 : pos ? v->xp0 : v->x0) + off;
		ws[q++] = w[c];
		if (q == 4) {
			weigh(num, cols, ws, q, n);
			q = 0;
		}
	}
	if (q)
		weigh(num, cols, ws, q, n);
	if (!(sum_w > 0))
		for (int u = 0; u < n; u++)
			t[u] = NAN;
	else if (h == INDEX_AGG_HARM)
		for (int u = 0; u < n; u++)
			t[u] = sum_w / num[u];
	else
		for (int u = 0; u < n; u++)
			t[u] = num[u] / sum_w;
	for (int j = v->inc_start[a]; j < v->inc_start[a + 1]; j++) {
		int u = v->inc[j], have = 0;
		uint64_t bits = v->inc_bits[j];
		double s = 0;
		for (int c = 0; c < k; c++) {
			uint64_t b = bits >> c & 1;
			s += w[c] * (double)b;
			have += (int)b;
		}
		t[u] = s > 0 && (share == 0 || have >= least) ? h == INDEX_AGG_HARM ? s / num[u] : num[u] / s : NAN;
	}
}

enum { AS_IS, TO_LOG, TO_EXP };

/* A child aggregate's scores tc in the form its parent's mean takes, into
 * cv (missing: the given value) and present into cm (1 or 0). */
static void child_values(double *restrict cv, double *restrict cm, const double *restrict tc, int n, int form,
	double missing)
{
	for (int u = 0; u < n; u++) {
		double s = tc[u];
		bool present = !isnan(s);
		cm[u] = present;
		if (form == AS_IS)
			cv[u] = present ? s : missing;
		else
			cv[u] = !present ? missing : form == TO_LOG ? log(s) : exp(s);
	}
}

/* Aggregate a with aggregates among its children: every sum unit by unit. */
static void aggregate_mixed(worker *wk, const choice *ch, const variant *v, int a, index_agg h, bool pos,
	double *restrict t)
{
	const mc *m = wk->m;
	const index_def *d = m->d;
	const agg_info *g = &m->aggs[a];
	const index_agg *how = m->agg_choice[ch->agg].level;
	int n = m->n_units, k = g->n_children;
	double *restrict num = wk->num, *restrict den = wk->den, *restrict cnt = wk->cnt, *cm = wk->cm;
	double share = m->o->coverage[g->level], least = share * k - COVERAGE_SLACK;
	for (int u = 0; u < n; u++)
		den[u] = cnt[u] = 0;
	for (int c = 0; c < k; c++) {
		int node = g->children[c];
		double wc = ch->w[node];
		const double *x;
		if (d->nodes[node].indicator) {
			size_t off = (size_t)d->nodes[node].column * n;
			const unsigned char *restrict mk = v->m + off;
			x = (h == INDEX_AGG_GEOM ? v->lp0 : h == INDEX_AGG_HARM ? v->hp1 : pos ? v->xp0 : v->x0) + off;
			for (int u = 0; u < n; u++)
				cm[u] = mk[u];
		} else {
			int ca = m->agg_of_node[node];
			bool child_log = how[m->aggs[ca].level] == INDEX_AGG_GEOM;
			int form = h == INDEX_AGG_GEOM ? (child_log ? AS_IS : TO_LOG) : (child_log ? TO_EXP : AS_IS);
			child_values(wk->cv, cm, wk->t + (size_t)ca * n, n, form, h == INDEX_AGG_HARM ? 1 : 0);
			x = wk->cv;
		}
		for (int u = 0; u < n; u++) {
			den[u] += wc * cm[u];
			cnt[u] += cm[u];
		}
		if (wc == 0)
			continue;
		if (h == INDEX_AGG_HARM)
			for (int u = 0; u < n; u++)
				num[u] += cm[u] * (wc / x[u]);
		else
			weigh(num, &x, &wc, 1, n);
	}
	for (int u = 0; u < n; u++)
		t[u] = den[u] > 0 && (share == 0 || cnt[u] >= least) ? h == INDEX_AGG_HARM ? den[u] / num[u] : num[u] / den[u]
		                                                     : NAN;
}

/* The score of aggregate a (its log for a geometric mean) for every unit,
 * into its row of t; its children done. */
static void aggregate(worker *wk, const choice *ch, int a)
{
	const mc *m = wk->m;
	const variant *v = &m->var[m->imp_id[ch->imp] * m->n_norm_u + m->norm_id[ch->norm]];
	index_agg h = m->agg_choice[ch->agg].level[m->aggs[a].level];
	bool pos = m->positive[ch->agg];
	double *t = wk->t + (size_t)a * m->n_units;
	memset(wk->num, 0, (size_t)m->n_units * sizeof(double));
	if (m->aggs[a].indicators_only)
		aggregate_indicators(wk, ch, v, a, h, pos, t);
	else
		aggregate_mixed(wk, ch, v, a, h, pos, t);
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

static void insertion_sort(uint64_t *k, uint32_t *i, int c)
{
	for (int j = 1; j < c; j++) {
		uint64_t key = k[j];
		uint32_t idx = i[j];
		int p = j - 1;
		for (; p >= 0 && k[p] > key; p--) {
			k[p + 1] = k[p];
			i[p + 1] = i[p];
		}
		k[p + 1] = key;
		i[p + 1] = idx;
	}
}

#define SMALL_BUCKET 32

/* rank[u] = 1 + how many present v are above v[u] (ties share the
 * smallest), 0 when v[u] is NaN. The doubles' bits as ordered keys, spread
 * over about as many buckets as values by their leading bits above the
 * smallest key, each bucket sorted (insertion, or radix when large). */
static void rank_values(worker *wk, int *rank, const double *v, int n)
{
	uint64_t *k0 = wk->k0, *k1 = wk->k1, lo = UINT64_MAX, hi = 0;
	uint32_t *i0 = wk->i0, *i1 = wk->i1;
	int c = 0;
	for (int u = 0; u < n; u++) {
		double x = v[u];
		if (isnan(x)) {
			rank[u] = 0;
			continue;
		}
		if (x == 0)
			x = 0;   /* -0 ranks with 0 */
		uint64_t b;
		memcpy(&b, &x, sizeof(b));
		b = b >> 63 ? ~b : b | (uint64_t)1 << 63;
		k0[c] = b;
		i0[c++] = (uint32_t)u;
		lo = b < lo ? b : lo;
		hi = b > hi ? b : hi;
	}
	if (!c)
		return;
	uint64_t span = hi - lo;
	int bits = 0;
	while (bits < 64 && span >> bits)
		bits++;
	int shift = bits > wk->bucket_bits ? bits - wk->bucket_bits : 0;
	size_t nb = (size_t)(span >> shift) + 1;
	uint32_t *start = wk->bucket;
	memset(start, 0, (nb + 1) * sizeof(*start));
	for (int j = 0; j < c; j++)
		start[((k0[j] - lo) >> shift) + 1]++;
	for (size_t b = 1; b <= nb; b++)
		start[b] += start[b - 1];
	for (int j = 0; j < c; j++) {
		uint32_t p = start[(k0[j] - lo) >> shift]++;
		k1[p] = k0[j];
		i1[p] = i0[j];
	}
	/* bucket b now ends at start[b] */
	uint32_t from = 0;
	for (size_t b = 0; b < nb; b++) {
		int size = (int)(start[b] - from);
		if (size > SMALL_BUCKET)
			radix_sort(k1 + from, i1 + from, k0 + from, i0 + from, size);
		else if (size > 1)
			insertion_sort(k1 + from, i1 + from, size);
		from = start[b];
	}
	int r = 0;
	for (int p = c - 1; p >= 0; p--) {
		if (p == c - 1 || k1[p] != k1[p + 1])
			r = c - p;
		rank[i1[p]] = r;
	}
}

/* Ranks of aggregate a's scores, this run. */
static void rank_aggregate(worker *wk, const choice *ch, int a, int *rank)
{
	mc *m = wk->m;
	int n = m->n_units, digits = m->o->rank_digits;
	const double *t = wk->t + (size_t)a * n;
	if (digits >= 0) {
		bool is_log = m->agg_choice[ch->agg].level[m->aggs[a].level] == INDEX_AGG_GEOM;
		for (int u = 0; u < n; u++)
			wk->key_v[u] = index_round(is_log ? exp(t[u]) : t[u], digits);
		t = wk->key_v;
	}
	rank_values(wk, rank, t, n);
}

static void evaluate(worker *wk, const choice *ch)
{
	for (int a = 0; a < wk->m->n_aggs; a++)
		aggregate(wk, ch, a);
}

/* y: the mean |rank - nominal rank| over the units ranked in both. */
static double rank_shift(const int *rank, const int *nominal, int n)
{
	long long sum = 0;
	int k = 0;
	for (int u = 0; u < n; u++)
		if (rank[u] > 0 && nominal[u] > 0) {
			sum += llabs((long long)rank[u] - nominal[u]);
			k++;
		}
	return k ? (double)sum / k : NAN;
}

/* Draws assumption f of run row of sample into ch. */
static void draw(const mc *m, choice *ch, index_mc_factor f, int sample, int row)
{
	const index_mc_spec *s = m->s;
	rng g = stream(s->seed, sample, row, (int)f);
	switch (f) {
	case INDEX_MC_WEIGHTS:
		for (int i = 0; i < m->d->n_nodes; i++)
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
static void choose(const mc *m, choice *ch, int e, int *slot)
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
	for (int i = 0; i < m->d->n_nodes; i++)
		ch->w[i] = m->d->nodes[i].weight;
	for (int i = 0; i < m->n_factors; i++)
		draw(m, ch, m->factor[i], i == from_b ? SAMPLE_B : sample, row);
}

static void run_one(worker *wk, int e)
{
	mc *m = wk->m;
	int n = m->n_units, slot;
	choice ch = { .w = wk->w };
	choose(m, &ch, e, &slot);
	evaluate(wk, &ch);
	int *root_rank = wk->rank;
	for (int c = 0; c < m->n_cols; c++) {
		int a = m->col_agg[c];
		if (slot < 0 && a != m->root)
			continue;
		int *rank = slot < 0 ? wk->rank : m->ranks + ((size_t)c * m->samples + (size_t)slot) * n;
		rank_aggregate(wk, &ch, a, rank);
		if (a == m->root)
			root_rank = rank;
	}
	int root_col = m->s->every_aggregate ? m->d->nodes[m->aggs[m->root].node].column : 0;
	m->y[e] = rank_shift(root_rank, m->nominal + (size_t)root_col * n, n);
}

/* ---- threads ---- */

static void free_worker(worker *wk)
{
	free(wk->w);
	free(wk->t);
	free(wk->cv);
	free(wk->num);
	free(wk->den);
	free(wk->key_v);
	free(wk->cm);
	free(wk->cnt);
	free(wk->rank);
	free(wk->k0);
	free(wk->k1);
	free(wk->i0);
	free(wk->i1);
	free(wk->bucket);
	free(wk->vals);
	free(wk->hist);
}

static int alloc_worker(worker *wk, mc *m, bool caller)
{
	size_t n = (size_t)m->n_units;
	*wk = (worker){ .m = m, .caller = caller };
	wk->w = malloc((size_t)m->d->n_nodes * sizeof(double));
	wk->t = malloc((size_t)m->n_aggs * n * sizeof(double));
	wk->cv = malloc(n * sizeof(double));
	wk->num = malloc(n * sizeof(double));
	wk->den = malloc(n * sizeof(double));
	wk->key_v = malloc(n * sizeof(double));
	wk->cm = malloc(n * sizeof(double));
	wk->cnt = malloc(n * sizeof(double));
	wk->rank = malloc(n * sizeof(int));
	wk->k0 = malloc(n * sizeof(uint64_t));
	wk->k1 = malloc(n * sizeof(uint64_t));
	wk->i0 = malloc(n * sizeof(uint32_t));
	wk->i1 = malloc(n * sizeof(uint32_t));
	for (wk->bucket_bits = 4; wk->bucket_bits < 16 && ((size_t)1 << wk->bucket_bits) < n; wk->bucket_bits++)
		;
	wk->bucket = malloc((((size_t)1 << wk->bucket_bits) + 1) * sizeof(uint32_t));
	wk->vals = malloc((size_t)STAT_BLOCK * (size_t)m->samples * sizeof(int));
	wk->hist = malloc((n + 1) * sizeof(int));
	if (!wk->w || !wk->t || !wk->cv || !wk->num || !wk->den || !wk->key_v || !wk->cm || !wk->cnt || !wk->rank
		|| !wk->k0 || !wk->k1 || !wk->i0 || !wk->i1 || !wk->bucket || !wk->vals || !wk->hist) {
		free_worker(wk);
		return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

static bool cancelled(mc *m)
{
	if (m->s->cancel && atomic_load(m->s->cancel))
		atomic_store(&m->stopped, true);
	return atomic_load(&m->stopped);
}

static void report(const mc *m, double done)
{
	if (m->s->progress)
		m->s->progress(m->s->progress_ctx, done);
}

static void *run_runs(void *arg)
{
	worker *wk = arg;
	mc *m = wk->m;
	int step = m->evaluations / 100 > 0 ? m->evaluations / 100 : 1, next_report = step;
	while (!cancelled(m)) {
		int e = atomic_fetch_add(&m->next, 1);
		if (e >= m->evaluations)
			break;
		run_one(wk, e);
		int done = atomic_fetch_add(&m->done, 1) + 1;
		if (wk->caller && done >= next_report && done < m->evaluations) {
			report(m, (double)done / m->evaluations);
			next_report = done + step;
		}
	}
	return NULL;
}

/* ---- statistics ---- */

/* Quantile p of the sorted v[0..n) as R's type 7 (numpy's "linear"). */
static double quantile(const int *v, int n, double p)
{
	double h = (n - 1) * p;
	int lo = (int)floor(h), hi = lo + 1 < n ? lo + 1 : n - 1;
	return v[lo] + (h - lo) * (v[hi] - v[lo]);
}

/* Statistics of one unit's ranks v[0..k) (0: unranked), sorted in place
 * by counting; hist has n_units + 1 zeros and is left so. */
static void unit_stats(const mc *m, int *v, int k, int *hist, size_t cell)
{
	index_mc_result *r = m->r;
	int c = 0, lo = m->n_units + 1, hi = 0;
	long long sum = 0;
	for (int j = 0; j < k; j++)
		if (v[j] > 0) {
			hist[v[j]]++;
			lo = v[j] < lo ? v[j] : lo;
			hi = v[j] > hi ? v[j] : hi;
			sum += v[j];
			c++;
		}
	r->ranked[cell] = c;
	if (!c) {
		r->median[cell] = r->p05[cell] = r->p95[cell] = r->mean[cell] = NAN;
		return;
	}
	int at = 0;
	for (int x = lo; x <= hi; x++) {
		for (int j = 0; j < hist[x]; j++)
			v[at++] = x;
		hist[x] = 0;
	}
	r->median[cell] = quantile(v, c, 0.5);
	r->p05[cell] = quantile(v, c, 0.05);
	r->p95[cell] = quantile(v, c, 0.95);
	r->mean[cell] = (double)sum / c;
}

static void *run_stats(void *arg)
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
		const int *ranks = m->ranks + (size_t)col * S * n;
		for (int s = 0; s < S; s++) {
			const int *row = ranks + (size_t)s * n + u0;
			for (int j = 0; j < nu; j++)
				wk->vals[(size_t)j * S + s] = row[j];
		}
		for (int j = 0; j < nu; j++)
			unit_stats(m, wk->vals + (size_t)j * S, S, wk->hist, (size_t)(u0 + j) * m->n_cols + col);
	}
	return NULL;
}

/* Runs fn on the workers: workers[0] on this thread, the others on their own. */
static int parallel(worker *workers, int n, void *(*fn)(void *))
{
	pthread_t tid[INDEX_MC_MAX_THREADS];
	int started = 0;
	for (int i = 1; i < n; i++) {
		if (pthread_create(&tid[i], NULL, fn, &workers[i]) != 0)
			break;
		started = i;
	}
	fn(&workers[0]);
	for (int i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	return 0;
}

/* ---- sensitivity ---- */

static void sensitivity(mc *m)
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

/* ---- the run ---- */

static void free_mc(mc *m)
{
	for (int a = 0; m->aggs && a < m->n_aggs; a++)
		free(m->aggs[a].children);
	free(m->aggs);
	free(m->agg_of_node);
	free(m->col_agg);
	for (int i = 0; m->var && i < m->n_imp_u * m->n_norm_u; i++)
		free_variant(&m->var[i]);
	free(m->var);
	free(m->ranks);
	free(m->nominal);
	free(m->y);
}

static int alloc_result(mc *m)
{
	index_mc_result *r = m->r;
	size_t cells = (size_t)m->n_units * (size_t)m->n_cols;
	r->n_units = m->n_units;
	r->n_columns = m->n_cols;
	r->root_column = m->s->every_aggregate ? m->d->nodes[m->aggs[m->root].node].column : 0;
	r->samples = m->samples;
	r->evaluations = m->evaluations;
	r->n_factors = m->n_factors;
	for (int i = 0; i < m->n_factors; i++)
		r->factor[i] = m->factor[i];
	for (int i = 0; i < INDEX_MC_FACTORS; i++)
		r->si[i] = r->sti[i] = NAN;
	r->variance = NAN;
	r->nominal = malloc(cells * sizeof(int));
	r->median = malloc(cells * sizeof(double));
	r->p05 = malloc(cells * sizeof(double));
	r->p95 = malloc(cells * sizeof(double));
	r->mean = malloc(cells * sizeof(double));
	r->ranked = malloc(cells * sizeof(int));
	if (!r->nominal || !r->median || !r->p05 || !r->p95 || !r->mean || !r->ranked)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

/* Everything up to the runs: the tree, the variants, the stores, the nominal ranks. */
static int prepare(mc *m, index_def *d, const index_input *in, worker *w0)
{
	int rc = set_tree(m);
	if (rc == 0)
		rc = build_variants(m, d, in);
	if (rc < 0)
		return rc;
	size_t n = (size_t)m->n_units, cells = (size_t)m->n_cols * (size_t)m->samples * n;
	if (cells > MAX_RANK_CELLS)
		return err_set(ERR_INVALID, "index Monte Carlo: %d samples of %d units x %d columns of ranks are too many "
			"to keep (at most %zu ranks)", m->samples, m->n_units, m->n_cols, MAX_RANK_CELLS);
	m->ranks = malloc(cells * sizeof(int));
	m->nominal = malloc((size_t)m->n_cols * n * sizeof(int));
	m->y = malloc((size_t)m->evaluations * sizeof(double));
	if (!m->ranks || !m->nominal || !m->y)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = alloc_result(m)) < 0 || (rc = alloc_worker(w0, m, true)) < 0)
		return rc;
	choice ch = { .w = w0->w };
	for (int i = 0; i < d->n_nodes; i++)
		ch.w[i] = d->nodes[i].weight;
	evaluate(w0, &ch);
	for (int c = 0; c < m->n_cols; c++) {
		int *rank = m->nominal + (size_t)c * n;
		rank_aggregate(w0, &ch, m->col_agg[c], rank);
		for (size_t u = 0; u < n; u++)
			m->r->nominal[u * (size_t)m->n_cols + (size_t)c] = rank[u];
	}
	return 0;
}

int index_mc_run(index_mc_result *r, index_def *d, const index_input *in, const index_options *o,
	const index_mc_spec *s)
{
	memset(r, 0, sizeof(*r));
	int rc = index_def_check(d);
	if (rc == 0)
		rc = check_spec(d, in, o, s);
	if (rc < 0)
		return rc;
	if (in->n_units < 1 || !in->values)
		return err_set(ERR_INVALID, "index Monte Carlo: no units or no values");
	mc m = { .d = d, .s = s, .o = o, .n_units = in->n_units, .r = r, .runs = s->runs };
	set_choices(&m);
	m.samples = s->sensitivity ? 2 * s->runs : s->runs;
	m.evaluations = s->sensitivity ? s->runs * (m.n_factors + 2) : s->runs;
	int threads = s->threads > 1 ? s->threads : 1;
	if (threads > m.evaluations)
		threads = m.evaluations;
	worker workers[INDEX_MC_MAX_THREADS];
	memset(workers, 0, sizeof(workers));
	rc = prepare(&m, d, in, &workers[0]);
	for (int i = 1; rc == 0 && i < threads; i++)
		rc = alloc_worker(&workers[i], &m, false);
	if (rc == 0) {
		report(&m, 0);
		parallel(workers, threads, run_runs);
		if (atomic_load(&m.stopped))
			rc = err_set(ERR_GENERIC, "index Monte Carlo: cancelled");
	}
	if (rc == 0) {
		parallel(workers, threads, run_stats);
		double sum = 0;
		int k = 0;
		for (int j = 0; j < m.samples; j++)
			if (!isnan(m.y[j])) {
				sum += m.y[j];
				k++;
			}
		r->mean_shift = k ? sum / k : NAN;
		if (s->sensitivity)
			sensitivity(&m);
		report(&m, 1);
	}
	for (int i = 0; i < threads; i++)
		free_worker(&workers[i]);
	free_mc(&m);
	if (rc < 0)
		index_mc_result_free(r);
	return rc;
}
