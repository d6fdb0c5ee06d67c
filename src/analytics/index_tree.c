/* index_tree: an index defined node by node, checked (parents, cycles,
 * levels), and evaluated over a units x indicators matrix stage by stage,
 * column by column, then aggregated level by level. */
#include "analytics/index.h"
#include "util/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COVERAGE_SLACK 1e-9   /* 2 of 3 children meet a share of 2/3 computed in doubles */
#define MSG_MAX 512

/* ---- the definition ---- */

void index_def_init(index_def *d) { memset(d, 0, sizeof(*d)); }

void index_def_free(index_def *d)
{
	free(d->nodes);
	index_def_init(d);
}

int index_def_find(const index_def *d, const char *code)
{
	for (int i = 0; i < d->n_nodes; i++)
		if (strcmp(d->nodes[i].code, code) == 0)
			return i;
	return -1;
}

static int check_weight(const char *code, double weight)
{
	if (!isfinite(weight) || weight < 0)
		return err_set(ERR_INVALID, "index node '%s': weight %g, expected a finite number >= 0", code, weight);
	return 0;
}

static int check_direction(const char *code, int direction)
{
	if (direction != 1 && direction != -1)
		return err_set(ERR_INVALID, "indicator '%s': direction %d, expected 1 or -1", code, direction);
	return 0;
}

static int add_node(index_def *d, const char *code, const char *parent, double weight, index_node **out)
{
	if (!code || !*code || strlen(code) >= INDEX_MAX_CODE)
		return err_set(ERR_INVALID, "index node code '%s': expected 1 to %d characters", code ? code : "",
			INDEX_MAX_CODE - 1);
	if (parent && strlen(parent) >= INDEX_MAX_CODE)
		return err_set(ERR_INVALID, "index node '%s': the parent's code is longer than %d characters", code,
			INDEX_MAX_CODE - 1);
	if (index_def_find(d, code) >= 0)
		return err_set(ERR_INVALID, "index node '%s' is defined twice", code);
	int rc = check_weight(code, weight);
	if (rc < 0)
		return rc;
	if (d->n_nodes == d->cap) {
		int cap = d->cap ? 2 * d->cap : 16;
		index_node *nodes = realloc(d->nodes, (size_t)cap * sizeof(*nodes));
		if (!nodes)
			return err_set(ERR_NOMEM, "out of memory");
		d->nodes = nodes;
		d->cap = cap;
	}
	index_node *n = &d->nodes[d->n_nodes++];
	*n = (index_node){ .weight = weight, .direction = 1, .denominator = -1, .target = 1, .post_lo = 0,
		.post_hi = 100, .parent_node = -1 };
	strcpy(n->code, code);
	strcpy(n->parent, parent ? parent : "");
	*out = n;
	return 0;
}

int index_def_indicator(index_def *d, const char *code, const char *parent, double weight, int direction)
{
	int rc = check_direction(code ? code : "", direction);
	if (rc < 0)
		return rc;
	index_node *n = NULL;
	rc = add_node(d, code, parent, weight, &n);
	if (rc < 0)
		return rc;
	n->indicator = true;
	n->direction = direction;
	n->column = d->n_indicators++;
	return 0;
}

int index_def_aggregate(index_def *d, const char *code, const char *parent, double weight)
{
	index_node *n = NULL;
	int rc = add_node(d, code, parent, weight, &n);
	if (rc < 0)
		return rc;
	n->column = d->n_aggregates++;
	return 0;
}

/* Resolves each node's parent by code. */
static int resolve_parents(index_def *d)
{
	for (int i = 0; i < d->n_nodes; i++) {
		index_node *n = &d->nodes[i];
		int rc = check_weight(n->code, n->weight);
		if (rc == 0 && n->indicator)
			rc = check_direction(n->code, n->direction);
		if (rc < 0)
			return rc;
		n->parent_node = -1;
		if (!n->parent[0]) {
			if (n->indicator)
				return err_set(ERR_INVALID, "indicator '%s' has no parent aggregate", n->code);
			continue;
		}
		int p = index_def_find(d, n->parent);
		if (p < 0)
			return err_set(ERR_INVALID, "index node '%s': parent '%s' is not defined", n->code, n->parent);
		if (d->nodes[p].indicator)
			return err_set(ERR_INVALID, "index node '%s': parent '%s' is an indicator", n->code, n->parent);
		n->parent_node = p;
	}
	return 0;
}

/* A cycle shows as a walk up the parents longer than there are nodes;
 * the message names the nodes around it. */
static int find_cycles(const index_def *d)
{
	for (int i = 0; i < d->n_nodes; i++) {
		int p = i;
		for (int steps = 0; p >= 0 && steps < d->n_nodes; steps++)
			p = d->nodes[p].parent_node;
		if (p < 0)
			continue;
		int first = p;   /* p is on the cycle: start from its first node defined */
		for (int q = d->nodes[p].parent_node; q != p; q = d->nodes[q].parent_node)
			first = q < first ? q : first;
		p = first;
		char msg[MSG_MAX];   /* go round it once */
		int len = snprintf(msg, sizeof(msg), "'%s'", d->nodes[p].code);
		for (int q = d->nodes[p].parent_node; len < (int)sizeof(msg); q = d->nodes[q].parent_node) {
			len += snprintf(msg + len, sizeof(msg) - (size_t)len, " -> '%s'", d->nodes[q].code);
			if (q == p)
				break;
		}
		return err_set(ERR_INVALID, "index: a cycle of parents %s", msg);
	}
	return 0;
}

static bool has_children(const index_def *d, int a)
{
	for (int i = 0; i < d->n_nodes; i++)
		if (d->nodes[i].parent_node == a)
			return true;
	return false;
}

/* Every aggregate has children; levels rise from 0 at the indicators;
 * exactly one root. */
static int set_levels(index_def *d)
{
	for (int i = 0; i < d->n_nodes; i++)
		if (!d->nodes[i].indicator && !has_children(d, i))
			return err_set(ERR_INVALID, "aggregate '%s' has no children", d->nodes[i].code);
	for (int i = 0; i < d->n_nodes; i++)
		d->nodes[i].level = d->nodes[i].indicator ? 0 : -1;
	for (bool changed = true; changed;) {   /* at most depth + 1 passes: no cycle, every aggregate has children */
		changed = false;
		for (int i = 0; i < d->n_nodes; i++) {
			int p = d->nodes[i].parent_node;
			if (p >= 0 && d->nodes[i].level >= 0 && d->nodes[p].level < d->nodes[i].level + 1) {
				d->nodes[p].level = d->nodes[i].level + 1;
				changed = true;
			}
		}
	}
	int root = -1;
	for (int i = 0; i < d->n_nodes; i++) {
		const index_node *n = &d->nodes[i];
		if (n->parent_node >= 0)
			continue;
		if (root >= 0)
			return err_set(ERR_INVALID, "index: two roots, '%s' and '%s'", d->nodes[root].code, n->code);
		root = i;
	}
	if (root < 0)
		return err_set(ERR_INVALID, "index: no nodes");
	d->n_levels = d->nodes[root].level;
	if (d->n_levels > INDEX_MAX_LEVELS)
		return err_set(ERR_INVALID, "index: %d levels above the indicators, at most %d", d->n_levels,
			INDEX_MAX_LEVELS);
	return 0;
}

int index_def_check(index_def *d)
{
	d->n_levels = 0;
	if (d->n_indicators == 0)
		return err_set(ERR_INVALID, "index: no indicators");
	int rc = resolve_parents(d);
	if (rc == 0)
		rc = find_cycles(d);
	if (rc == 0)
		rc = set_levels(d);
	return rc;
}

/* ---- evaluation ---- */

index_options index_options_default(void)
{
	index_options o = {
		.impute = INDEX_IMPUTE_NONE,
		.treat = { .winmax = 0, .skew_max = 2, .kurt_max = 3.5, .fallback = INDEX_LOG_CT },
		.norm = { .method = INDEX_NORM_MINMAX, .lo = 0, .hi = 100, .target = 1, .post_lo = 0, .post_hi = 100 },
		.rank_digits = -1,
	};
	for (int l = 0; l <= INDEX_MAX_LEVELS; l++)
		o.agg[l] = INDEX_AGG_ARITH;
	return o;
}

void index_result_free(index_result *r)
{
	free(r->denominated);
	free(r->imputed);
	free(r->treated);
	free(r->normalised);
	free(r->flags);
	free(r->treat);
	free(r->scores);
	free(r->ranks);
	memset(r, 0, sizeof(*r));
}

/* Scratch space of one evaluation. */
typedef struct work {
	const index_def *d;
	const index_input *in;
	const index_options *o;
	index_result *r;
	double *col, *den;          /* one column, n_units */
	unsigned char *flags;       /* n_units */
	double *x, *w;              /* an aggregate's children, n_nodes */
} work;

/* Re-sets the last error with prefix before it: "aggregate 'P2', VNM: ...". */
static int blame(int rc, const char *prefix)
{
	return err_set(rc, "%s: %s", prefix, err_msg());
}

static int blame_indicator(int rc, const index_node *n)
{
	char prefix[INDEX_MAX_CODE + 16];
	snprintf(prefix, sizeof(prefix), "indicator '%s'", n->code);
	return blame(rc, prefix);
}

static const char *unit_name(const index_input *in, int u, char *buf, size_t size)
{
	if (in->unit_codes && in->unit_codes[u])
		return in->unit_codes[u];
	snprintf(buf, size, "unit %d", u + 1);
	return buf;
}

static int check_options(const index_def *d, const index_options *o)
{
	if (o->impute != INDEX_IMPUTE_NONE && o->impute != INDEX_IMPUTE_MEAN && o->impute != INDEX_IMPUTE_GROUP_MEAN)
		return err_set(ERR_INVALID, "index options: unknown imputation %d", (int)o->impute);
	for (int l = 1; l <= d->n_levels; l++) {
		if (o->agg[l] != INDEX_AGG_ARITH && o->agg[l] != INDEX_AGG_GEOM && o->agg[l] != INDEX_AGG_HARM)
			return err_set(ERR_INVALID, "index options: unknown aggregation %d at level %d", (int)o->agg[l], l);
		if (!(o->coverage[l] >= 0 && o->coverage[l] <= 1))
			return err_set(ERR_INVALID, "index options: coverage %g at level %d, expected 0 to 1", o->coverage[l], l);
	}
	if (o->rank_digits > 15)
		return err_set(ERR_INVALID, "index options: ranks of scores rounded to %d decimals, at most 15",
			o->rank_digits);
	return 0;
}

static int check_input(const index_def *d, const index_input *in, const index_options *o)
{
	if (in->n_units < 1 || !in->values)
		return err_set(ERR_INVALID, "index: no units or no values");
	if (in->n_denominators < 0 || (in->n_denominators > 0 && !in->denominators))
		return err_set(ERR_INVALID, "index: %d denominators but no values for them", in->n_denominators);
	if (o->impute == INDEX_IMPUTE_GROUP_MEAN && !in->groups)
		return err_set(ERR_INVALID, "index: imputation by group mean, but the units have no groups");
	for (int i = 0; i < d->n_nodes; i++) {
		const index_node *n = &d->nodes[i];
		if (n->indicator && (n->denominator < -1 || n->denominator >= in->n_denominators))
			return err_set(ERR_INVALID, "indicator '%s': denominator column %d, there are %d", n->code,
				n->denominator, in->n_denominators);
	}
	return 0;
}

static int alloc_result(index_result *r, const index_def *d, int n_units)
{
	size_t cells = (size_t)n_units * (size_t)d->n_indicators, scores = (size_t)n_units * (size_t)d->n_aggregates;
	*r = (index_result){ .n_units = n_units, .n_indicators = d->n_indicators, .n_aggregates = d->n_aggregates };
	r->denominated = malloc(cells * sizeof(double));
	r->imputed = malloc(cells * sizeof(double));
	r->treated = malloc(cells * sizeof(double));
	r->normalised = malloc(cells * sizeof(double));
	r->flags = calloc(cells, 1);
	r->treat = calloc((size_t)d->n_indicators, sizeof(*r->treat));
	r->scores = malloc((scores ? scores : 1) * sizeof(double));
	r->ranks = calloc(scores ? scores : 1, sizeof(int));
	if (!r->denominated || !r->imputed || !r->treated || !r->normalised || !r->flags || !r->treat || !r->scores
		|| !r->ranks)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

static void put_column(double *m, int n_cols, int c, const double *col, int n_units)
{
	for (int u = 0; u < n_units; u++)
		m[(size_t)u * n_cols + c] = col[u];
}

/* Column c of the values (or of the denominators), refusing infinities. */
static int get_column(work *w, const index_node *n, double *col, const double *m, int n_cols, int c,
	const char *what)
{
	for (int u = 0; u < w->in->n_units; u++) {
		col[u] = m[(size_t)u * n_cols + c];
		if (isinf(col[u])) {
			char buf[32];
			const char *name = unit_name(w->in, u, buf, sizeof(buf));
			return strcmp(what, "denominator") == 0
				? err_set(ERR_INVALID, "indicator '%s', %s: the denominator is %g, not a number or missing", n->code, name, col[u])
				: err_set(ERR_INVALID, "indicator '%s', %s: the value is %g, not a number or missing", n->code, name, col[u]);
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

/* Raw values, divided by the denominator when the indicator has one. */
static int denominate(work *w, const index_node *n)
{
	const index_input *in = w->in;
	int rc = get_column(w, n, w->col, in->values, w->d->n_indicators, n->column, "value");
	if (rc < 0)
		return rc;
	if (all_missing(w->col, in->n_units))
		return err_set(ERR_INVALID, "indicator '%s': every value is missing", n->code);
	if (n->denominator < 0)
		return 0;
	rc = get_column(w, n, w->den, in->denominators, in->n_denominators, n->denominator, "denominator");
	if (rc < 0)
		return rc;
	index_denominate(w->col, w->col, w->den, in->n_units);
	if (all_missing(w->col, in->n_units))
		return err_set(ERR_INVALID, "indicator '%s': every value is missing after dividing by denominator %d",
			n->code, n->denominator);
	return 0;
}

/* The four stages of one indicator, each kept in the result. */
static int indicator_stages(work *w, const index_node *n)
{
	index_result *r = w->r;
	int units = w->in->n_units, c = n->column, cols = r->n_indicators;
	int rc = denominate(w, n);
	if (rc < 0)
		return rc;
	put_column(r->denominated, cols, c, w->col, units);
	rc = index_impute_values(w->col, units, w->o->impute, w->in->groups);
	if (rc < 0)
		return blame_indicator(rc, n);
	put_column(r->imputed, cols, c, w->col, units);
	index_treat_info *info = &r->treat[c];
	memset(w->flags, 0, (size_t)units);
	if (w->o->treat.winmax > 0) {
		rc = index_treat(w->col, units, &w->o->treat, info, w->flags);
		if (rc < 0)
			return blame_indicator(rc, n);
	} else {
		*info = (index_treat_info){ .skew = index_skew(w->col, units), .kurt = index_kurt(w->col, units) };
	}
	put_column(r->treated, cols, c, w->col, units);
	for (int u = 0; u < units; u++)
		r->flags[(size_t)u * cols + c] = w->flags[u];
	index_norm_spec spec = w->o->norm;
	spec.target = n->target;
	spec.post_lo = n->post_lo;
	spec.post_hi = n->post_hi;
	rc = index_normalise(w->col, w->col, units, n->direction, &spec);
	if (rc < 0)
		return blame_indicator(rc, n);
	put_column(r->normalised, cols, c, w->col, units);
	return 0;
}

/* The value of node i for unit u: normalised indicator or score. */
static double node_value(const work *w, int i, int u)
{
	const index_node *n = &w->d->nodes[i];
	const index_result *r = w->r;
	return n->indicator ? r->normalised[(size_t)u * r->n_indicators + n->column]
	                    : r->scores[(size_t)u * r->n_aggregates + n->column];
}

/* The score of aggregate a for every unit, its children done. */
static int aggregate_node(work *w, int a)
{
	const index_def *d = w->d;
	const index_node *agg = &d->nodes[a];
	double share = w->o->coverage[agg->level];
	for (int u = 0; u < w->in->n_units; u++) {
		int k = 0, have = 0;
		for (int i = 0; i < d->n_nodes; i++)
			if (d->nodes[i].parent_node == a) {
				w->x[k] = node_value(w, i, u);
				w->w[k++] = d->nodes[i].weight;
				have += !isnan(w->x[k - 1]);
			}
		double score = NAN;
		if (have >= share * k - COVERAGE_SLACK) {
			int rc = index_aggregate(&score, w->x, w->w, k, w->o->agg[agg->level]);
			if (rc < 0) {
				char buf[32], prefix[MSG_MAX];
				snprintf(prefix, sizeof(prefix), "aggregate '%s', %s", agg->code,
					unit_name(w->in, u, buf, sizeof(buf)));
				return blame(rc, prefix);
			}
		}
		w->r->scores[(size_t)u * d->n_aggregates + agg->column] = score;
	}
	return 0;
}

static int rank_node(work *w, const index_node *agg)
{
	index_result *r = w->r;
	int units = w->in->n_units;
	for (int u = 0; u < units; u++)
		w->col[u] = r->scores[(size_t)u * r->n_aggregates + agg->column];
	int *rank = malloc((size_t)units * sizeof(*rank));
	if (!rank)
		return err_set(ERR_NOMEM, "out of memory");
	int rc = index_rank(rank, w->col, units, w->o->rank_digits);
	for (int u = 0; rc == 0 && u < units; u++)
		r->ranks[(size_t)u * r->n_aggregates + agg->column] = rank[u];
	free(rank);
	return rc;
}

static int run(work *w)
{
	const index_def *d = w->d;
	for (int i = 0; i < d->n_nodes; i++)
		if (d->nodes[i].indicator) {
			int rc = indicator_stages(w, &d->nodes[i]);
			if (rc < 0)
				return rc;
		}
	for (int level = 1; level <= d->n_levels; level++)
		for (int i = 0; i < d->n_nodes; i++)
			if (!d->nodes[i].indicator && d->nodes[i].level == level) {
				int rc = aggregate_node(w, i);
				if (rc < 0)
					return rc;
			}
	for (int i = 0; i < d->n_nodes; i++)
		if (!d->nodes[i].indicator) {
			int rc = rank_node(w, &d->nodes[i]);
			if (rc < 0)
				return rc;
		}
	return 0;
}

int index_check_run(const index_def *d, const index_input *in, const index_options *o)
{
	int rc = check_options(d, o);
	return rc < 0 ? rc : check_input(d, in, o);
}

int index_evaluate(index_result *r, index_def *d, const index_input *in, const index_options *o)
{
	memset(r, 0, sizeof(*r));
	int rc = index_def_check(d);
	if (rc == 0)
		rc = index_check_run(d, in, o);
	if (rc < 0)
		return rc;
	work w = { .d = d, .in = in, .o = o, .r = r };
	w.col = malloc((size_t)in->n_units * sizeof(double));
	w.den = malloc((size_t)in->n_units * sizeof(double));
	w.flags = malloc((size_t)in->n_units);
	w.x = malloc((size_t)d->n_nodes * sizeof(double));
	w.w = malloc((size_t)d->n_nodes * sizeof(double));
	if (!w.col || !w.den || !w.flags || !w.x || !w.w)
		rc = err_set(ERR_NOMEM, "out of memory");
	if (rc == 0)
		rc = alloc_result(r, d, in->n_units);
	if (rc == 0)
		rc = run(&w);
	free(w.col);
	free(w.den);
	free(w.flags);
	free(w.x);
	free(w.w);
	if (rc < 0)
		index_result_free(r);
	return rc;
}
