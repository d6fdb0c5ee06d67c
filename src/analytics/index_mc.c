/* index_mc: Monte Carlo over an index's assumptions (index_mc.h). The
 * stages up to normalisation are computed once per choice of imputation
 * and normalisation (a variant, column by column); runs are sorted by
 * their choices of methods and taken four at a time by as many threads as
 * asked; a batch weighs the indicators for its four runs in one pass,
 * then each run aggregates level by level and ranks its units (a radix
 * sort), writing only its own slots (index_mc_run.c). Rank statistics per unit come from a
 * histogram of its ranks; the sensitivity sums are taken in run order at
 * the end. */
#include "analytics/index_mc.h"
#include "analytics/index_mc_internal.h"
#include "util/err.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int check_levels(const index_agg *level, int n_levels, int alt)
{
	for (int l = 1; l <= n_levels; l++)
		if (!agg_known(level[l]))
			return err_set(ERR_INVALID, "index Monte Carlo: aggregation alternative %d: unknown method %d at level %d",
				alt, (int)level[l], l);
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
	int rc = index_check_run(d, in, o);
	if (rc < 0)
		return rc;
	if (in->n_units > MAX_UNITS)
		return err_set(ERR_INVALID, "index Monte Carlo: %d units, at most %d", in->n_units, MAX_UNITS);
	for (int i = 0; rc == 0 && i < s->n_aggs; i++)
		rc = check_levels(s->aggs[i].level, d->n_levels, i + 1);
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
		mc_run_batch(wk, from, nr);
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
			mc_choose(m, &ch, e, &slot);
			int key = mc_choice_key(m, &ch);
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
	mc_evaluate(w0, &ch, 1);
	for (int c = 0; c < m->n_cols; c++) {
		int *rank = m->nominal + (size_t)c * n;
		mc_rank_aggregate(w0, &w0->run[0], &ch, m->col_agg[c], rank);
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
