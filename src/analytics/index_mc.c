/* index_mc: Monte Carlo over an index's assumptions (index_mc.h). The
 * stages up to normalisation are computed once per choice of imputation
 * and normalisation (a variant, column by column); runs are sorted by
 * their choices of methods and taken BATCH at a time by as many threads
 * as asked; a batch is evaluated block of units by block, then each run
 * ranks its units (a radix sort), writing only its own slots
 * (index_mc_run.c). Rank statistics per unit come from a histogram of its
 * ranks; the sensitivity sums are taken in run order at the end
 * (index_mc_stats.c). */
#include "analytics/index_mc.h"
#include "analytics/index_mc_internal.h"
#include "util/err.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* A large array (size bytes, from 1 MiB): on huge pages where the system
 * has them, its size rounded up to whole ones. Every page of the ranks and
 * the variants is written soon after, and faulting them in 4 KiB at a time
 * (slow in a virtual machine: some microseconds each) would cost more than
 * filling them. Freed with free(). */
static void *alloc_big(size_t size)
{
#ifdef MADV_HUGEPAGE
	size_t huge = (size_t)2 << 20, whole = (size + huge - 1) / huge * huge;
	void *p;
	if (size >= huge / 2 && whole >= size && posix_memalign(&p, huge, whole) == 0) {
		madvise(p, whole, MADV_HUGEPAGE);
		return p;
	}
#endif
	return malloc(size);
}

/* Re-sets the last error with prefix before it. */
static int blame(int rc, const char *prefix)
{
	return err_set(rc, "index Monte Carlo, %s: %s", prefix, err_msg());
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

/* Aggregation choice i: whether it takes a geometric or harmonic mean
 * anywhere, so works on shifted indicators, and which forms of them its
 * means read (the others are never made). */
static void set_positive(mc *m, int i)
{
	const index_agg *level = m->agg_choice[i].level;
	bool pos = false;
	for (int l = 1; l <= m->d->n_levels; l++)
		pos |= level[l] != INDEX_AGG_ARITH;
	for (int l = 1; l <= m->d->n_levels; l++) {
		m->need_lin |= pos && level[l] == INDEX_AGG_ARITH;
		m->need_log |= level[l] == INDEX_AGG_GEOM;
		m->need_harm |= level[l] == INDEX_AGG_HARM;
	}
	m->positive[i] = pos;
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
	for (int i = 0; i <= s->n_aggs; i++)
		set_positive(m, i);
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
	free(v->shift);
	free(v->pat_of);
	free(v->pat_start);
	free(v->pat_in);
	free(v->pat_cover);
}

/* Pattern p of aggregate a: its child c present or not as pat_in's 1 or
 * 0, and whether it meets the coverage rule. */
static void set_pattern(const mc *m, variant *v, int a, int p, uint64_t bits)
{
	const agg_info *g = &m->aggs[a];
	double share = m->o->coverage[g->level], least = share * g->n_children - COVERAGE_SLACK;
	int have = 0;
	for (int c = 0; c < g->n_children; c++) {
		v->pat_in[(size_t)c * (size_t)v->n_pat + (size_t)p] = (double)(bits >> c & 1);
		have += (int)(bits >> c & 1);
	}
	v->pat_cover[p] = share == 0 || have >= least;
}

/* The patterns of children present of each all-indicator aggregate: the
 * first with every child, then those of the units that miss some; each
 * unit's pattern in pat_of. */
static int list_patterns(const mc *m, variant *v)
{
	const index_def *d = m->d;
	size_t n = (size_t)m->n_units, total = 0;
	int k_max = 1;
	for (int a = 0; a < m->n_aggs; a++)
		if (m->aggs[a].indicators_only) {
			total += n + 1;   /* at most one pattern a unit */
			k_max = m->aggs[a].n_children > k_max ? m->aggs[a].n_children : k_max;
		}
	uint64_t *bits_of = malloc((total ? total : 1) * sizeof(uint64_t)), *bits = malloc(n * sizeof(uint64_t));
	v->pat_start = calloc((size_t)m->n_aggs + 1, sizeof(int));
	v->pat_of = calloc((size_t)m->n_aggs * n, sizeof(int));
	if (!bits_of || !bits || !v->pat_start || !v->pat_of) {
		free(bits_of);
		free(bits);
		return err_set(ERR_NOMEM, "out of memory");
	}
	int np = 0;
	for (int a = 0; a < m->n_aggs; a++) {
		const agg_info *g = &m->aggs[a];
		v->pat_start[a] = np;
		if (!g->indicators_only)
			continue;
		memset(bits, 0, n * sizeof(uint64_t));
		for (int c = 0; c < g->n_children; c++) {
			const unsigned char *present = v->m + (size_t)d->nodes[g->children[c]].column * n;
			for (size_t u = 0; u < n; u++)
				bits[u] |= (uint64_t)present[u] << c;
		}
		bits_of[np++] = g->n_children == 64 ? ~(uint64_t)0 : ((uint64_t)1 << g->n_children) - 1;
		for (size_t u = 0; u < n; u++) {
			int p = v->pat_start[a];
			while (p < np && p < v->pat_start[a] + MAX_PATTERNS && bits_of[p] != bits[u])
				p++;
			if (p == np || bits_of[p] != bits[u]) {   /* new, or past the patterns looked through */
				p = np;
				bits_of[np++] = bits[u];
			}
			v->pat_of[(size_t)a * n + u] = p;
		}
	}
	free(bits);
	v->pat_start[m->n_aggs] = np;
	v->n_pat = np;
	v->pat_in = calloc((size_t)k_max * (size_t)(np ? np : 1), sizeof(double));
	v->pat_cover = malloc(np ? (size_t)np : 1);
	if (v->pat_in && v->pat_cover)
		for (int a = 0; a < m->n_aggs; a++)
			for (int p = v->pat_start[a]; p < v->pat_start[a + 1]; p++)
				set_pattern(m, v, a, p, bits_of[p]);
	free(bits_of);
	return v->pat_in && v->pat_cover ? 0 : err_set(ERR_NOMEM, "out of memory");
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
	return err_set(rc, "indicator '%s': %s", nd->code, err_msg());
}

/* Refuses an infinity in column col (what: "value", "denominator"). */
static int check_finite(const index_input *in, const index_node *nd, const double *col, const char *what)
{
	for (int u = 0; u < in->n_units; u++)
		if (isinf(col[u])) {
			char buf[32];
			const char *name = unit_name(in, u, buf, sizeof(buf));
			return strcmp(what, "denominator") == 0
				? err_set(ERR_INVALID, "indicator '%s', %s: the denominator is %g, not a number or missing", nd->code, name, col[u])
				: err_set(ERR_INVALID, "indicator '%s', %s: the value is %g, not a number or missing", nd->code, name, col[u]);
		}
	return 0;
}

/* Column c of the row-major matrix mat (cols columns) into col, refusing
 * infinities. */
static int get_column(const index_input *in, const index_node *nd, double *col, const double *mat, int cols, int c,
	const char *what)
{
	for (int u = 0; u < in->n_units; u++)
		col[u] = mat[(size_t)u * cols + c];
	return check_finite(in, nd, col, what);
}

/* The row-major matrix mat (n rows, cols columns) column by column into
 * out, a row at a time: column by column, every value would be a cache
 * miss of its own. */
static void columns_of(double *out, const double *mat, int n, int cols)
{
	for (int u = 0; u < n; u++)
		for (int c = 0; c < cols; c++)
			out[(size_t)c * n + (size_t)u] = mat[(size_t)u * cols + c];
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
	columns_of(tr, in->values, n, d->n_indicators);
	for (int i = 0; rc == 0 && i < d->n_nodes; i++) {
		const index_node *nd = &d->nodes[i];
		if (!nd->indicator)
			continue;
		double *col = tr + (size_t)nd->column * n;
		if ((rc = check_finite(in, nd, col, "value")) < 0)
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

/* Runs fn on n threads, this one and n - 1 of its own (fewer if they
 * cannot be had), thread i given arg + i size bytes. */
static void parallel(void *arg, size_t size, int n, void *(*fn)(void *))
{
	pthread_t tid[INDEX_MC_MAX_THREADS];
	int started = 0;
	for (int i = 1; i < n; i++) {
		if (pthread_create(&tid[i], NULL, fn, (char *)arg + (size_t)i * size) != 0)
			break;
		started = i;
	}
	fn(arg);
	for (int i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
}

/* Indicator node nd's column of variant v: its treated values tr
 * normalised (norm, the indicator's direction, target and goalposts), 0
 * where missing, which the presence m marks, and the shift its shifted
 * forms take. */
static int normalise_column(const mc *m, variant *v, const double *tr, const index_norm_spec *norm,
	const index_node *nd)
{
	size_t n = (size_t)m->n_units, off = (size_t)nd->column * n;
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
	v->shift[nd->column] = lo <= 0 ? 1 - lo : 0;
	return 0;
}

/* A variant's columns to normalise, taken by as many threads as there
 * are; each node's result and, failed, its message (the error is the
 * thread's own). */
typedef struct norm_jobs {
	const mc *m;
	variant *v;
	const double *tr;
	const index_norm_spec *norm;
	atomic_int next;
	int *rc;                           /* n_nodes */
	char (*msg)[MSG_MAX];              /* n_nodes */
} norm_jobs;

static void *normalise_columns(void *arg)
{
	norm_jobs *j = arg;
	const index_def *d = j->m->d;
	for (int i; (i = atomic_fetch_add(&j->next, 1)) < d->n_nodes;)
		if (d->nodes[i].indicator && (j->rc[i] = normalise_column(j->m, j->v, j->tr, j->norm, &d->nodes[i])) < 0)
			snprintf(j->msg[i], MSG_MAX, "%s", err_msg());
	return NULL;
}

/* Variant v: the treated values tr normalised (norm), a column a job, and
 * what a run takes of them but the shifted forms (shift_columns). The
 * error of the first indicator that fails, as one thread would. */
static int normalise_variant(mc *m, variant *v, const double *tr, const index_norm_spec *norm)
{
	const index_def *d = m->d;
	size_t n = (size_t)m->n_units, cells = n * (size_t)d->n_indicators;
	norm_jobs jobs = { .m = m, .v = v, .tr = tr, .norm = norm };
	v->x0 = alloc_big(cells * sizeof(double));
	v->m = malloc(cells);
	v->shift = malloc((size_t)d->n_indicators * sizeof(double));
	if (m->need_lin)
		v->xp0 = alloc_big(cells * sizeof(double));
	if (m->need_log)
		v->lp0 = alloc_big(cells * sizeof(double));
	if (m->need_harm)
		v->hp1 = alloc_big(cells * sizeof(double));
	jobs.rc = calloc((size_t)d->n_nodes, sizeof(int));
	jobs.msg = malloc((size_t)d->n_nodes * sizeof(*jobs.msg));
	int rc = 0;
	if (!v->x0 || !v->m || !v->shift || (m->need_lin && !v->xp0) || (m->need_log && !v->lp0)
		|| (m->need_harm && !v->hp1) || !jobs.rc || !jobs.msg)
		rc = err_set(ERR_NOMEM, "out of memory");
	if (rc == 0)
		parallel(&jobs, 0, m->threads, normalise_columns);
	for (int i = 0; rc == 0 && i < d->n_nodes; i++)
		if (jobs.rc[i] < 0)
			rc = err_set(jobs.rc[i], "%s", jobs.msg[i]);
	free(jobs.rc);
	free(jobs.msg);
	return rc < 0 ? rc : list_patterns(m, v);
}

/* The shifted forms of column col of variant v that some mean reads. */
static void shift_column(const mc *m, variant *v, int col)
{
	size_t n = (size_t)m->n_units, off = (size_t)col * n;
	const double *x = v->x0 + off, shift = v->shift[col];
	const unsigned char *p = v->m + off;
	for (size_t u = 0; v->xp0 && u < n; u++)
		v->xp0[off + u] = p[u] ? x[u] + shift : 0;
	for (size_t u = 0; v->lp0 && u < n; u++)
		v->lp0[off + u] = p[u] ? log(x[u] + shift) : 0;
	for (size_t u = 0; v->hp1 && u < n; u++)
		v->hp1[off + u] = p[u] ? x[u] + shift : 1;
}

/* Every variant's shifted forms, a column a job, taken by as many threads
 * as there are: their logarithms are most of the time the preparation
 * takes. */
static void *shift_columns(void *arg)
{
	mc *m = arg;
	int per = m->d->n_indicators, jobs = m->n_imp_u * m->n_norm_u * per;
	for (int job; (job = atomic_fetch_add(&m->job, 1)) < jobs;)
		shift_column(m, &m->var[job / per], job % per);
	return NULL;
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
	double *tr = alloc_big(n * (size_t)m->d->n_indicators * sizeof(double)), *den = malloc(n * sizeof(double));
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
	if (rc == 0 && (m->need_lin || m->need_log || m->need_harm)) {
		atomic_store(&m->job, 0);
		parallel(m, 0, m->threads, shift_columns);
	}
	return rc;
}

/* ---- threads ---- */

static void free_worker(worker *wk)
{
	for (int j = 0; j < BATCH; j++) {
		free(wk->run[j].t);
		free(wk->run[j].tb);
		free(wk->run[j].w);
		free(wk->run[j].den);
	}
	free(wk->spare);
	free(wk->wrow);
	free(wk->num);
	free(wk->den);
	free(wk->cnt);
	free(wk->cv);
	free(wk->cm);
	free(wk->cw);
	free(wk->cx);
	free(wk->key_v);
	free(wk->rank);
	free(wk->s0);
	free(wk->s1);
	free(wk->idx);
	free(wk->idx2);
	free(wk->k0);
	free(wk->k1);
	free(wk->sv);
	free(wk->hist);
}

static int alloc_worker(worker *wk, mc *m, bool caller)
{
	size_t n = (size_t)m->n_units, blk = UNIT_BLOCK * sizeof(double);
	size_t scores = (size_t)(m->s->every_aggregate ? m->n_aggs : 1) * n * sizeof(double);
	int pats = 1;
	for (int i = 0; i < m->n_imp_u * m->n_norm_u; i++)
		pats = m->var[i].n_pat > pats ? m->var[i].n_pat : pats;
	bool ok = true;
	*wk = (worker){ .m = m, .caller = caller };
	for (int j = 0; j < BATCH; j++) {
		run_space *rs = &wk->run[j];
		rs->t = malloc(scores);
		rs->tb = malloc((size_t)m->n_aggs * blk);
		rs->w = malloc((size_t)m->d->n_nodes * sizeof(double));
		rs->den = malloc((size_t)pats * sizeof(double));
		ok &= rs->t && rs->tb && rs->w && rs->den;
	}
	wk->spare = malloc(blk);
	wk->wrow = malloc(BATCH * (size_t)m->d->n_nodes * sizeof(double));
	wk->num = malloc(blk);
	wk->den = malloc(blk);
	wk->cnt = malloc(blk);
	wk->cv = malloc(blk);
	wk->cm = malloc(blk);
	wk->cw = malloc(2 * (size_t)m->d->n_nodes * sizeof(double));
	wk->cx = malloc(2 * (size_t)m->d->n_nodes * sizeof(double *));
	wk->key_v = malloc(n * sizeof(double));
	wk->rank = malloc(BATCH * n * sizeof(int));
	wk->s0 = malloc(n * sizeof(uint16_t));
	wk->s1 = malloc(n * sizeof(uint16_t));
	wk->idx = malloc(n * sizeof(uint32_t));
	wk->idx2 = malloc(n * sizeof(uint32_t));
	wk->k0 = malloc(n * sizeof(uint64_t));
	wk->k1 = malloc(n * sizeof(uint64_t));
	wk->sv = malloc(n * sizeof(double));
	wk->hist = malloc((n + 1) * sizeof(int));
	ok &= wk->spare && wk->wrow && wk->num && wk->den && wk->cnt && wk->cv && wk->cm && wk->cw && wk->cx && wk->key_v
		&& wk->rank && wk->s0 && wk->s1 && wk->idx && wk->idx2 && wk->k0 && wk->k1 && wk->sv && wk->hist;
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
	m->narrow = m->n_units < 65536;
	m->ranks = alloc_big(cells * (m->narrow ? sizeof(uint16_t) : sizeof(int)));
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
	m.threads = s->threads > 1 ? s->threads : 1;
	if (m.threads > m.evaluations)
		m.threads = m.evaluations;
	worker workers[INDEX_MC_MAX_THREADS];
	memset(workers, 0, sizeof(workers));
	rc = prepare(&m, d, in, &workers[0]);
	for (int i = 1; rc == 0 && i < m.threads; i++)
		rc = alloc_worker(&workers[i], &m, false);
	if (rc == 0) {
		report(&m, 0);
		parallel(workers, sizeof(*workers), m.threads, run_runs);
		if (atomic_load(&m.stopped))
			rc = err_set(ERR_GENERIC, "index Monte Carlo: cancelled");
	}
	if (rc == 0) {
		atomic_store(&m.job, 0);
		parallel(workers, sizeof(*workers), m.threads, mc_run_stats);
		double sum = 0;
		int k = 0;
		for (int j = 0; j < m.samples; j++)
			if (!isnan(m.y[j])) {
				sum += m.y[j];
				k++;
			}
		r->mean_shift = k ? sum / k : NAN;
		if (s->sensitivity)
			mc_sensitivity(&m);
		report(&m, 1);
	}
	for (int i = 0; i < m.threads; i++)
		free_worker(&workers[i]);
	free_mc(&m);
	if (rc < 0)
		index_mc_result_free(r);
	return rc;
}
