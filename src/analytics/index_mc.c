/* index_mc: Monte Carlo over an index's assumptions (index_mc.h). The
 * stages up to normalisation are computed once per choice of imputation
 * and normalisation (a variant, column by column); runs are sorted by
 * their choices of methods and taken four at a time by as many threads as
 * asked; a batch weighs the indicators for its four runs in one pass,
 * then each run aggregates level by level and ranks its units (a radix
 * sort), writing only its own slots. Rank statistics per unit come from a
 * histogram of its ranks; the sensitivity sums are taken in run order at
 * the end. */
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
#define MAX_UNITS (1 << 23)     /* rank_shift sums 256 ranks in an int */
#define MAX_PATTERNS 256        /* patterns of children present looked through for a unit's */

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
 * value, 1 when missing; m 1 when present. Per aggregate whose children
 * are all indicators (at most 64 of them): inc lists the units missing one
 * of them, inc_pat the pattern of children they have, one of pat_bits
 * (bit c: child c); a few patterns serve many units. */
typedef struct variant {
	double *x0, *xp0, *lp0, *hp1;
	unsigned char *m;
	int *inc_start, *inc, *inc_pat;   /* inc_start, pat_start: n_aggs + 1 */
	int *pat_start, n_pat;
	uint64_t *pat_bits;
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
	int *ranks;                        /* by column, block of units, sample: keep_ranks */
	int *nominal;                      /* n_cols x n_units */
	double *y;                         /* evaluations */
	int *order;                        /* evaluations, sorted by choice_key */
	atomic_int next, done;
	atomic_bool stopped;
	atomic_int job;
	index_mc_result *r;
} mc;

/* The scores of one run of a batch. */
typedef struct run_space {
	double *t;                         /* n_aggs x n_units: the score (a geometric mean: its log), NaN none */
	int *none, *n_none;                /* n_aggs x n_units, n_aggs: the units with NaN in t */
	double *num, *den;                 /* n_units */
	double *w;                         /* n_nodes: the run's weights */
} run_space;

#define BATCH 4                        /* runs weighed in one pass over the indicators */

/* Scratch space of one thread. */
typedef struct worker {
	mc *m;
	bool caller;
	run_space run[BATCH];
	double *spare;                     /* n_units: the sums of the runs a batch lacks */
	double *wrow;                      /* BATCH x 64: the children's weights of each run */
	double *cv, *cm, *cnt, *key_v;     /* n_units */
	int *rank;                         /* n_units: one column */
	uint64_t *k0, *k1;
	uint32_t *i0, *i1;
	uint16_t *s0, *s1;                 /* n_units: 16-bit keys */
	double *sv;                        /* n_units: the values in order */
	double *pat_w;                     /* the variants' most patterns */
	bool *pat_ok;
	unsigned *seen, stamp;             /* n_units: units already listed in this pass when seen[u] == stamp */
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
	/* what index_evaluate checks of the options and the input */
	if (!impute_known(o->impute))
		return err_set(ERR_INVALID, "index options: unknown imputation %d", (int)o->impute);
	for (int l = 1; l <= d->n_levels; l++)
		if (!(o->coverage[l] >= 0 && o->coverage[l] <= 1))
			return err_set(ERR_INVALID, "index options: coverage %g at level %d, expected 0 to 1", o->coverage[l], l);
	if (o->rank_digits > 15)
		return err_set(ERR_INVALID, "index options: ranks of scores rounded to %d decimals, at most 15",
			o->rank_digits);
	if (in->n_units < 1 || !in->values)
		return err_set(ERR_INVALID, "index: no units or no values");
	if (in->n_units > MAX_UNITS)
		return err_set(ERR_INVALID, "index Monte Carlo: %d units, at most %d", in->n_units, MAX_UNITS);
	if (in->n_denominators < 0 || (in->n_denominators > 0 && !in->denominators))
		return err_set(ERR_INVALID, "index: %d denominators but no values for them", in->n_denominators);
	if (o->impute == INDEX_IMPUTE_GROUP_MEAN && !in->groups)
		return err_set(ERR_INVALID, "index: imputation by group mean, but the units have no groups");
	for (int i = 0; i < d->n_nodes; i++) {
		const index_node *nd = &d->nodes[i];
		if (nd->indicator && (nd->denominator < -1 || nd->denominator >= in->n_denominators))
			return err_set(ERR_INVALID, "indicator '%s': denominator column %d, there are %d", nd->code,
				nd->denominator, in->n_denominators);
	}
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
	free(v->inc_pat);
	free(v->pat_start);
	free(v->pat_bits);
}

/* The units of each all-indicator aggregate that miss one of its
 * children, and the patterns of children they have. */
static int list_incomplete(const mc *m, variant *v)
{
	const index_def *d = m->d;
	size_t n = (size_t)m->n_units, total = 0;
	v->inc_start = calloc((size_t)m->n_aggs + 1, sizeof(int));
	v->pat_start = calloc((size_t)m->n_aggs + 1, sizeof(int));
	if (!v->inc_start || !v->pat_start)
		return err_set(ERR_NOMEM, "out of memory");
	for (int a = 0; a < m->n_aggs; a++)
		for (size_t u = 0; m->aggs[a].indicators_only && u < n; u++)
			for (int c = 0; c < m->aggs[a].n_children; c++)
				if (!v->m[(size_t)d->nodes[m->aggs[a].children[c]].column * n + u]) {
					total++;
					break;
				}
	v->inc = malloc((total ? total : 1) * sizeof(int));
	v->inc_pat = malloc((total ? total : 1) * sizeof(int));
	v->pat_bits = malloc((total ? total : 1) * sizeof(uint64_t));   /* at most one pattern a unit */
	if (!v->inc || !v->inc_pat || !v->pat_bits)
		return err_set(ERR_NOMEM, "out of memory");
	int j = 0, np = 0;
	for (int a = 0; a < m->n_aggs; a++) {
		const agg_info *g = &m->aggs[a];
		v->inc_start[a] = j;
		v->pat_start[a] = np;
		uint64_t all = g->n_children == 64 ? ~(uint64_t)0 : ((uint64_t)1 << g->n_children) - 1;
		for (size_t u = 0; g->indicators_only && u < n; u++) {
			uint64_t bits = 0;
			for (int c = 0; c < g->n_children; c++)
				bits |= (uint64_t)v->m[(size_t)d->nodes[g->children[c]].column * n + u] << c;
			if (bits == all)
				continue;
			int p = v->pat_start[a];
			while (p < np && p < v->pat_start[a] + MAX_PATTERNS && v->pat_bits[p] != bits)
				p++;
			if (p == np || v->pat_bits[p] != bits) {   /* new, or past the patterns looked through */
				p = np;
				v->pat_bits[np++] = bits;
			}
			v->inc[j] = (int)u;
			v->inc_pat[j++] = p;
		}
	}
	v->inc_start[m->n_aggs] = j;
	v->pat_start[m->n_aggs] = np;
	v->n_pat = np;
	return 0;
}

/* ---- the indicators' stages, as index_evaluate takes them ---- */

static const char *unit_name(const index_input *in, int u, char *buf, size_t size)
{
	if (in->unit_codes && in->unit_codes[u])
		return in->unit_codes[u];
	snprintf(buf, size, "unit %d", u + 1);
	return buf;
}

/* Re-sets the last error with "indicator 'code': " before it. */
static int blame_indicator(int rc, const index_node *nd)
{
	char msg[MSG_MAX];
	snprintf(msg, sizeof(msg), "%s", err_msg());
	return err_set(rc, "indicator '%s': %s", nd->code, msg);
}

/* Column c of the row-major matrix mat (cols columns) into col, refusing
 * infinities. */
static int get_column(const index_input *in, const index_node *nd, double *col, const double *mat, int cols, int c,
	const char *what)
{
	for (int u = 0; u < in->n_units; u++) {
		col[u] = mat[(size_t)u * cols + c];
		if (isinf(col[u])) {
			char buf[32];
			return err_set(ERR_INVALID, "indicator '%s', %s: the %s is %g, not a number or missing", nd->code,
				unit_name(in, u, buf, sizeof(buf)), what, col[u]);
		}
	}
	return 0;
}

static bool all_missing(const double *col, int n)
{
	for (int u = 0; u < n; u++)
		if (!isnan(col[u]))
			return false;
	return true;
}

/* Every indicator's values denominated, imputed (imp) and treated, column
 * by column into tr (n_indicators x n_units): index_evaluate's stages. */
static int treat_all(const mc *m, const index_input *in, index_impute imp, double *tr, double *den)
{
	const index_def *d = m->d;
	int n = m->n_units, rc = 0;
	for (int i = 0; rc == 0 && i < d->n_nodes; i++) {
		const index_node *nd = &d->nodes[i];
		if (!nd->indicator)
			continue;
		double *col = tr + (size_t)nd->column * n;
		if ((rc = get_column(in, nd, col, in->values, d->n_indicators, nd->column, "value")) < 0)
			break;
		if (all_missing(col, n))
			return err_set(ERR_INVALID, "indicator '%s': every value is missing", nd->code);
		if (nd->denominator >= 0) {
			rc = get_column(in, nd, den, in->denominators, in->n_denominators, nd->denominator, "denominator");
			if (rc < 0)
				break;
			index_denominate(col, col, den, n);
			if (all_missing(col, n))
				return err_set(ERR_INVALID,
					"indicator '%s': every value is missing after dividing by denominator %d", nd->code,
					nd->denominator);
		}
		if ((rc = index_impute_values(col, n, imp, in->groups)) < 0)
			return blame_indicator(rc, nd);
		rc = 0;
		if (m->o->treat.winmax > 0) {
			index_treat_info info;
			if ((rc = index_treat(col, n, &m->o->treat, &info, NULL)) < 0)
				return blame_indicator(rc, nd);
		}
	}
	return rc;
}

/* Variant v: the treated values tr normalised (norm, each indicator's
 * direction, target and goalposts), and what a run takes of them. */
static int normalise_variant(mc *m, variant *v, const double *tr, const index_norm_spec *norm)
{
	const index_def *d = m->d;
	size_t n = (size_t)m->n_units, cells = n * (size_t)d->n_indicators;
	v->x0 = malloc(cells * sizeof(double));
	v->m = malloc(cells);
	if (m->need_pos) {
		v->xp0 = malloc(cells * sizeof(double));
		v->lp0 = malloc(cells * sizeof(double));
	}
	if (m->need_harm)
		v->hp1 = malloc(cells * sizeof(double));
	if (!v->x0 || !v->m || (m->need_pos && (!v->xp0 || !v->lp0)) || (m->need_harm && !v->hp1))
		return err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; i < d->n_nodes; i++) {
		const index_node *nd = &d->nodes[i];
		if (!nd->indicator)
			continue;
		size_t off = (size_t)nd->column * n;
		double *x = v->x0 + off, lo = INFINITY;
		unsigned char *p = v->m + off;
		index_norm_spec spec = *norm;
		spec.target = nd->target;
		spec.post_lo = nd->post_lo;
		spec.post_hi = nd->post_hi;
		int rc = index_normalise(x, tr + off, (int)n, nd->direction, &spec);
		if (rc < 0)
			return blame_indicator(rc, nd);
		for (size_t u = 0; u < n; u++) {
			p[u] = !isnan(x[u]);
			if (!p[u])
				x[u] = 0;
			else if (x[u] < lo)
				lo = x[u];
		}
		double shift = lo <= 0 ? 1 - lo : 0;
		for (size_t u = 0; m->need_pos && u < n; u++) {
			double s = x[u] + shift;
			v->xp0[off + u] = p[u] ? s : 0;
			v->lp0[off + u] = p[u] ? log(s) : 0;
			if (v->hp1)
				v->hp1[off + u] = p[u] ? s : 1;
		}
	}
	return list_incomplete(m, v);
}

/* What choices i (imputation) and j (normalisation) are called in messages. */
static void choice_name(const mc *m, int i, int j, char *buf, size_t size)
{
	if (i == 0 && j == 0)
		snprintf(buf, size, "the options' choices");
	else if (i == 0)
		snprintf(buf, size, "normalisation alternative %d (%s)", j, norm_name(m->norm_choice[j].method));
	else if (j == 0)
		snprintf(buf, size, "imputation alternative %d", i);
	else
		snprintf(buf, size, "imputation alternative %d with normalisation alternative %d (%s)", i, j,
			norm_name(m->norm_choice[j].method));
}

/* Every variant: treated once per imputation, normalised once per
 * normalisation. */
static int build_variants(mc *m, const index_input *in)
{
	size_t n = (size_t)m->n_units;
	m->var = calloc((size_t)(m->n_imp_u * m->n_norm_u), sizeof(*m->var));
	double *tr = malloc(n * (size_t)m->d->n_indicators * sizeof(double)), *den = malloc(n * sizeof(double));
	int rc = m->var && tr && den ? 0 : err_set(ERR_NOMEM, "out of memory");
	char what[160];
	for (int i = 0; rc == 0 && i <= m->s->n_imputes; i++) {
		bool done = false;
		for (int k = 0; k < i; k++)
			done |= m->imp_id[k] == m->imp_id[i];
		if (done)
			continue;
		if ((rc = treat_all(m, in, m->imp_choice[i], tr, den)) < 0) {
			choice_name(m, i, 0, what, sizeof(what));
			rc = blame(rc, what);
			break;
		}
		for (int j = 0; rc == 0 && j <= m->s->n_norms; j++) {
			variant *v = &m->var[m->imp_id[i] * m->n_norm_u + m->norm_id[j]];
			if (v->x0)
				continue;
			if ((rc = normalise_variant(m, v, tr, &m->norm_choice[j])) < 0) {
				choice_name(m, i, j, what, sizeof(what));
				rc = blame(rc, what);
			}
		}
	}
	free(tr);
	free(den);
	return rc;
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
static void evaluate(worker *wk, const choice *ch, int nr)
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
static void rank_aggregate(worker *wk, const run_space *rs, const choice *ch, int a, int *rank)
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
	for (int i = 0; ch->w && i < m->d->n_nodes; i++)
		ch->w[i] = m->d->nodes[i].weight;
	for (int i = 0; i < m->n_factors; i++)
		draw(m, ch, m->factor[i], i == from_b ? SAMPLE_B : sample, row);
}

/* Runs that can share a pass over the indicators have the same key. */
static int choice_key(const mc *m, const choice *ch)
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
static void run_batch(worker *wk, int from, int nr)
{
	mc *m = wk->m;
	int n = m->n_units, e[BATCH], slot[BATCH];
	choice ch[BATCH];
	for (int j = 0; j < nr; j++) {
		e[j] = m->order[from + j];
		ch[j].w = wk->run[j].w;
		choose(m, &ch[j], e[j], &slot[j]);
	}
	for (int j0 = 0; j0 < nr;) {
		int j1 = j0 + 1;
		while (j1 < nr && choice_key(m, &ch[j1]) == choice_key(m, &ch[j0]))
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
		evaluate(wk, ch, j1 - j0);
		for (int j = 0; j < j1 - j0; j++)
			for (int c = 0; c < m->n_cols; c++) {
				int a = m->col_agg[c];
				if (slot[j] < 0 && a != m->root)
					continue;
				rank_aggregate(wk, &wk->run[j], &ch[j], a, wk->rank);
				if (a == m->root)
					m->y[e[j]] = rank_shift(wk->rank, m->nominal + (size_t)c * n, n);
				if (slot[j] >= 0)
					keep_ranks(m, c, slot[j], wk->rank);
			}
		j0 = j1;
	}
}

/* ---- threads ---- */

static void free_worker(worker *wk)
{
	for (int j = 0; j < BATCH; j++) {
		free(wk->run[j].t);
		free(wk->run[j].none);
		free(wk->run[j].n_none);
		free(wk->run[j].num);
		free(wk->run[j].den);
		free(wk->run[j].w);
	}
	free(wk->spare);
	free(wk->wrow);
	free(wk->cv);
	free(wk->cm);
	free(wk->cnt);
	free(wk->key_v);
	free(wk->rank);
	free(wk->k0);
	free(wk->k1);
	free(wk->i0);
	free(wk->i1);
	free(wk->sv);
	free(wk->s0);
	free(wk->s1);
	free(wk->pat_w);
	free(wk->pat_ok);
	free(wk->seen);
	free(wk->vals);
	free(wk->hist);
}

static int alloc_worker(worker *wk, mc *m, bool caller)
{
	size_t n = (size_t)m->n_units, scores = (size_t)m->n_aggs * n * sizeof(double);
	bool ok = true;
	*wk = (worker){ .m = m, .caller = caller };
	for (int j = 0; j < BATCH; j++) {
		run_space *rs = &wk->run[j];
		rs->t = malloc(scores);
		rs->none = malloc((size_t)m->n_aggs * n * sizeof(int));
		rs->n_none = malloc((size_t)m->n_aggs * sizeof(int));
		rs->num = malloc(n * sizeof(double));
		rs->den = malloc(n * sizeof(double));
		rs->w = malloc((size_t)m->d->n_nodes * sizeof(double));
		ok &= rs->t && rs->none && rs->n_none && rs->num && rs->den && rs->w;
	}
	wk->spare = malloc(n * sizeof(double));
	wk->wrow = malloc(BATCH * 64 * sizeof(double));
	wk->cv = malloc(n * sizeof(double));
	wk->cm = malloc(n * sizeof(double));
	wk->cnt = malloc(n * sizeof(double));
	wk->key_v = malloc(n * sizeof(double));
	wk->rank = malloc(n * sizeof(int));
	wk->k0 = malloc(n * sizeof(uint64_t));
	wk->k1 = malloc(n * sizeof(uint64_t));
	wk->i0 = malloc(n * sizeof(uint32_t));
	wk->i1 = malloc(n * sizeof(uint32_t));
	wk->sv = malloc(n * sizeof(double));
	wk->s0 = malloc(n * sizeof(uint16_t));
	wk->s1 = malloc(n * sizeof(uint16_t));
	int pats = 1;
	for (int i = 0; i < m->n_imp_u * m->n_norm_u; i++)
		pats = m->var[i].n_pat > pats ? m->var[i].n_pat : pats;
	wk->pat_w = malloc((size_t)pats * sizeof(double));
	wk->pat_ok = malloc((size_t)pats * sizeof(bool));
	wk->seen = calloc(n, sizeof(unsigned));
	wk->vals = malloc((size_t)STAT_BLOCK * (size_t)m->samples * sizeof(int));
	wk->hist = malloc((n + 1) * sizeof(int));
	ok &= wk->spare && wk->wrow && wk->cv && wk->cm && wk->cnt && wk->key_v && wk->rank && wk->k0 && wk->k1
		&& wk->i0 && wk->i1 && wk->sv && wk->s0 && wk->s1 && wk->pat_w && wk->pat_ok && wk->seen && wk->vals && wk->hist;
	if (!ok) {
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

/* Takes BATCH runs at a time in key order until there are none left. */
static void *run_runs(void *arg)
{
	worker *wk = arg;
	mc *m = wk->m;
	int total = m->evaluations, step = total / 100 > 0 ? total / 100 : 1, next_report = step;
	while (!cancelled(m)) {
		int from = atomic_fetch_add(&m->next, 1) * BATCH;
		if (from >= total)
			break;
		int nr = total - from < BATCH ? total - from : BATCH;
		run_batch(wk, from, nr);
		int done = atomic_fetch_add(&m->done, nr) + nr;
		if (wk->caller && done >= next_report && done < total) {
			report(m, (double)done / total);
			next_report = done + step;
		}
	}
	return NULL;
}

/* ---- statistics ---- */

/* Statistics of one unit's ranks v[0..k) (0: unranked) from their
 * histogram: the median, 5th and 95th percentiles as R's quantile type 7
 * (numpy's "linear"): with h = (c - 1) p, x[floor(h)] + (h - floor(h))
 * (x[floor(h) + 1] - x[floor(h)]) of the c ranks sorted. hist has
 * n_units + 1 zeros and is left so. */
static void unit_stats(const mc *m, const int *v, int k, int *hist, size_t cell)
{
	static const double probs[3] = { 0.05, 0.5, 0.95 };
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
	/* the order statistics wanted, ascending: floor(h) and the next of each */
	int want[6], at = 0;
	double h[3], got[6];
	for (int q = 0; q < 3; q++) {
		h[q] = (c - 1) * probs[q];
		want[2 * q] = (int)floor(h[q]);
		want[2 * q + 1] = want[2 * q] + 1 < c ? want[2 * q] + 1 : c - 1;
	}
	int below = 0;   /* ranks below x */
	for (int x = lo; x <= hi; x++) {
		below += hist[x];
		hist[x] = 0;
		while (at < 6 && want[at] < below)
			got[at++] = x;
	}
	double *out[3] = { &r->p05[cell], &r->median[cell], &r->p95[cell] };
	for (int q = 0; q < 3; q++)
		*out[q] = got[2 * q] + (h[q] - want[2 * q]) * (got[2 * q + 1] - got[2 * q]);
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
		const int *ranks = m->ranks + (size_t)job * S * STAT_BLOCK;   /* job = col x blocks + block */
		for (int s = 0; s < S; s++)
			for (int j = 0; j < nu; j++)
				wk->vals[(size_t)j * S + s] = ranks[(size_t)s * STAT_BLOCK + j];
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
	free(m->order);
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
		rc = build_variants(m, in);
	if (rc < 0)
		return rc;
	size_t n = (size_t)m->n_units, blocks = (n + STAT_BLOCK - 1) / STAT_BLOCK;
	size_t cells = (size_t)m->n_cols * (size_t)m->samples * blocks * STAT_BLOCK;
	if (cells > MAX_RANK_CELLS)
		return err_set(ERR_INVALID, "index Monte Carlo: %d samples of %d units x %d columns of ranks are too many "
			"to keep (at most %zu ranks)", m->samples, m->n_units, m->n_cols, MAX_RANK_CELLS);
	m->ranks = malloc(cells * sizeof(int));
	m->nominal = malloc((size_t)m->n_cols * n * sizeof(int));
	m->y = malloc((size_t)m->evaluations * sizeof(double));
	m->order = malloc((size_t)m->evaluations * sizeof(int));
	int keys = m->n_imp_u * m->n_norm_u * (m->s->n_aggs + 1);
	int *at = calloc((size_t)keys + 1, sizeof(int));
	if (!m->ranks || !m->nominal || !m->y || !m->order || !at) {
		free(at);
		return err_set(ERR_NOMEM, "out of memory");
	}
	/* the runs in order of their key (counting sort), so that runs with the
	 * same choices can be weighed together */
	for (int pass = 0; pass < 2; pass++) {
		for (int e = 0; e < m->evaluations; e++) {
			choice ch = { 0 };
			int slot;
			choose(m, &ch, e, &slot);
			int key = choice_key(m, &ch);
			if (pass == 0)
				at[key + 1]++;
			else
				m->order[at[key]++] = e;
		}
		for (int k = 1; pass == 0 && k <= keys; k++)
			at[k] += at[k - 1];
	}
	free(at);
	if ((rc = alloc_result(m)) < 0 || (rc = alloc_worker(w0, m, true)) < 0)
		return rc;
	choice ch = { .w = w0->run[0].w };
	for (int i = 0; i < d->n_nodes; i++)
		ch.w[i] = d->nodes[i].weight;
	evaluate(w0, &ch, 1);
	for (int c = 0; c < m->n_cols; c++) {
		int *rank = m->nominal + (size_t)c * n;
		rank_aggregate(w0, &w0->run[0], &ch, m->col_agg[c], rank);
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
