/* index_spec: an index definition from JSON and its table from CSV
 * (index_spec.h). */
#include "domain/index_spec.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --------------------------------------------------------------- options */

static int pick(const char *value, const char *const *names, int n, const char *field)
{
	for (int i = 0; i < n; i++)
		if (value && strcmp(value, names[i]) == 0)
			return i;
	str s = { 0 };
	for (int i = 0; i < n; i++)
		str_appendf(&s, "%s%s", i ? ", " : "", names[i]);
	int rc = err_set(ERR_INVALID, "'%s' must be one of %s", field, str_cstr(&s));
	str_free(&s);
	return rc;
}

/* A number field: *out stays when absent. */
static int number(double *out, const json_t *o, const char *key, const char *where)
{
	const json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return err_set(ERR_INVALID, "%s'%s' must be a number", where, key);
	*out = json_number_value(v);
	return 0;
}

static int parse_treatment(index_treat_spec *t, const json_t *o)
{
	static const char *const fallbacks[] = { "ct", "gii", "none" };
	double winmax = t->winmax;
	int rc;
	if (!o)
		return 0;
	if (!json_is_object(o))
		return err_set(ERR_INVALID, "'options.treatment' must be an object");
	if ((rc = number(&winmax, o, "winmax", "options.treatment: ")) < 0 ||
	    (rc = number(&t->skew_max, o, "skew_max", "options.treatment: ")) < 0 ||
	    (rc = number(&t->kurt_max, o, "kurt_max", "options.treatment: ")) < 0)
		return rc;
	if (winmax < 0 || winmax > 1e6 || winmax != floor(winmax))
		return err_set(ERR_INVALID, "options.treatment: 'winmax' must be a whole number from 0");
	t->winmax = (int)winmax;
	const json_t *f = json_object_get(o, "fallback");
	if (f && (rc = pick(json_string_value(f), fallbacks, 3, "options.treatment.fallback")) < 0)
		return rc;
	if (f)
		t->fallback = (index_log)rc;
	return 0;
}

static int parse_normalisation(index_norm_spec *n, const json_t *o)
{
	static const char *const methods[] = { "minmax", "zscore", "rank", "target", "goalposts", "none" };
	int rc;
	if (!o)
		return 0;
	if (json_is_string(o))
		o = json_pack("{s:O}", "method", o);
	else if (!json_is_object(o))
		return err_set(ERR_INVALID, "'options.normalisation' must be a method name or an object");
	else
		json_incref((json_t *)o);
	const json_t *m = json_object_get(o, "method");
	if (m && (rc = pick(json_string_value(m), methods, 6, "options.normalisation.method")) < 0)
		goto done;
	if (m)
		n->method = (index_norm)rc;
	if ((rc = number(&n->lo, o, "lo", "options.normalisation: ")) < 0 || (rc = number(&n->hi, o, "hi", "options.normalisation: ")) < 0)
		goto done;
	n->cap = json_is_true(json_object_get(o, "cap"));
	rc = 0;
done:
	json_decref((json_t *)o);
	return rc;
}

static int parse_levels(index_options *opt, const json_t *levels)
{
	static const char *const aggs[] = { "arithmetic", "geometric", "harmonic" };
	size_t i;
	const json_t *l;
	int rc;
	if (!levels)
		return 0;
	if (!json_is_array(levels) || json_array_size(levels) > INDEX_MAX_LEVELS)
		return err_set(ERR_INVALID, "'options.levels' must be a list of at most %d levels", INDEX_MAX_LEVELS);
	json_array_foreach(levels, i, l) {
		char where[48];
		snprintf(where, sizeof(where), "options.levels[%zu]: ", i);
		const json_t *a = json_object_get(l, "aggregation");
		if (a) {
			char field[64];
			snprintf(field, sizeof(field), "options.levels[%zu].aggregation", i);
			if ((rc = pick(json_string_value(a), aggs, 3, field)) < 0)
				return rc;
			opt->agg[i + 1] = (index_agg)rc;
		}
		if ((rc = number(&opt->coverage[i + 1], l, "coverage", where)) < 0)
			return rc;
		if (opt->coverage[i + 1] < 0 || opt->coverage[i + 1] > 1)
			return err_set(ERR_INVALID, "%s'coverage' is a share from 0 to 1", where);
	}
	return 0;
}

static int parse_options(index_options *opt, const json_t *o)
{
	static const char *const imputes[] = { "none", "group_mean", "mean" };
	int rc;
	*opt = index_options_default();
	if (!o)
		return 0;
	if (!json_is_object(o))
		return err_set(ERR_INVALID, "'options' must be an object");
	const json_t *imp = json_object_get(o, "imputation");
	if (imp && (rc = pick(json_string_value(imp), imputes, 3, "options.imputation")) < 0)
		return rc;
	if (imp)
		opt->impute = (index_impute)rc;
	double digits = opt->rank_digits;
	if ((rc = parse_treatment(&opt->treat, json_object_get(o, "treatment"))) < 0 ||
	    (rc = parse_normalisation(&opt->norm, json_object_get(o, "normalisation"))) < 0 ||
	    (rc = parse_levels(opt, json_object_get(o, "levels"))) < 0 || (rc = number(&digits, o, "rank_digits", "options: ")) < 0)
		return rc;
	if (digits < -1 || digits > 12 || digits != floor(digits))
		return err_set(ERR_INVALID, "options: 'rank_digits' must be -1 (unrounded) or 0 to 12");
	opt->rank_digits = (int)digits;
	return 0;
}

/* ----------------------------------------------------------------- nodes */

static int denominator_index(index_spec *s, const char *name)
{
	for (int i = 0; i < s->n_denominators; i++)
		if (strcmp(s->denominators[i], name) == 0)
			return i;
	if (s->n_denominators == INDEX_SPEC_MAX_DENOMINATORS)
		return err_set(ERR_INVALID, "more than %d denominators", INDEX_SPEC_MAX_DENOMINATORS);
	if (!(s->denominators[s->n_denominators] = strdup(name)))
		return err_set(ERR_NOMEM, "out of memory");
	return s->n_denominators++;
}

static int parse_node(index_spec *s, const json_t *n, size_t i)
{
	const char *code = json_string_value(json_object_get(n, "code"));
	const char *parent = json_string_value(json_object_get(n, "parent"));
	const json_t *w = json_object_get(n, "weight"), *dir = json_object_get(n, "direction");
	char where[96];
	int rc;
	if (!json_is_object(n) || !code)
		return err_set(ERR_INVALID, "nodes[%zu] needs a 'code'", i);
	snprintf(where, sizeof(where), "node '%.60s'", code);
	if (w && (!json_is_number(w) || !isfinite(json_number_value(w))))
		return err_set(ERR_INVALID, "%s: the weight is not a number", where);
	double weight = w ? json_number_value(w) : 1;
	if (json_is_true(json_object_get(n, "indicator"))) {
		if (dir && (!json_is_integer(dir) || (json_integer_value(dir) != 1 && json_integer_value(dir) != -1)))
			return err_set(ERR_INVALID, "%s: 'direction' must be 1 or -1", where);
		if ((rc = index_def_indicator(&s->def, code, parent, weight, dir ? (int)json_integer_value(dir) : 1)) < 0)
			return rc;
		index_node *node = &s->def.nodes[s->def.n_nodes - 1];
		const char *den = json_string_value(json_object_get(n, "denominator"));
		if (den && (node->denominator = denominator_index(s, den)) < 0)
			return node->denominator;
		if ((rc = number(&node->target, n, "target", "")) < 0)
			return err_set(ERR_INVALID, "%s: %s", where, err_msg());
		const json_t *posts = json_object_get(n, "goalposts");
		if (posts) {
			if (!json_is_array(posts) || json_array_size(posts) != 2 || !json_is_number(json_array_get(posts, 0)) ||
			    !json_is_number(json_array_get(posts, 1)))
				return err_set(ERR_INVALID, "%s: 'goalposts' must be [low, high]", where);
			node->post_lo = json_number_value(json_array_get(posts, 0));
			node->post_hi = json_number_value(json_array_get(posts, 1));
		}
	} else if ((rc = index_def_aggregate(&s->def, code, parent, weight)) < 0)
		return rc;
	const char *name = json_string_value(json_object_get(n, "name"));
	s->node_names[s->def.n_nodes - 1] = name ? strdup(name) : NULL;
	return 0;
}

int index_spec_parse(index_spec *s, const json_t *in)
{
	int rc;
	memset(s, 0, sizeof(*s));
	index_def_init(&s->def);
	if (!json_is_object(in)) {
		rc = err_set(ERR_INVALID, "the index definition must be a JSON object");
		goto fail;
	}
	const char *code = json_string_value(json_object_get(in, "code"));
	const json_t *nodes = json_object_get(in, "nodes");
	if (!code || !*code || strlen(code) >= INDEX_MAX_CODE) {
		rc = err_set(ERR_INVALID, "'code' must name the index (1 to %d characters)", INDEX_MAX_CODE - 1);
		goto fail;
	}
	snprintf(s->code, sizeof(s->code), "%s", code);
	const char *name = json_string_value(json_object_get(in, "name")), *group = json_string_value(json_object_get(in, "group_column"));
	s->name = strdup(name ? name : code);
	s->group_column = group ? strdup(group) : NULL;
	if (!json_is_array(nodes) || json_array_size(nodes) == 0) {
		rc = err_set(ERR_INVALID, "'nodes' must list the index, its aggregates and its indicators");
		goto fail;
	}
	if (!(s->node_names = calloc(json_array_size(nodes), sizeof(char *)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	size_t i;
	const json_t *n;
	json_array_foreach(nodes, i, n)
		if ((rc = parse_node(s, n, i)) < 0)
			goto fail;
	if ((rc = parse_options(&s->options, json_object_get(in, "options"))) < 0 || (rc = index_def_check(&s->def)) < 0)
		goto fail;
	if (s->options.impute == INDEX_IMPUTE_GROUP_MEAN && !s->group_column) {
		rc = err_set(ERR_INVALID, "group-mean imputation needs 'group_column'");
		goto fail;
	}
	return 0;
fail:
	index_spec_free(s);
	return rc;
}

void index_spec_free(index_spec *s)
{
	if (s->node_names)
		for (int i = 0; i < s->def.n_nodes; i++)
			free(s->node_names[i]);
	free(s->node_names);
	for (int i = 0; i < s->n_denominators; i++)
		free(s->denominators[i]);
	free(s->name);
	free(s->group_column);
	index_def_free(&s->def);
	memset(s, 0, sizeof(*s));
}

/* ----------------------------------------------------------------- table */

static bool is_missing(const char *v)
{
	return !*v || strcmp(v, "NA") == 0 || strcmp(v, "NaN") == 0 || strcmp(v, "..") == 0 || strcmp(v, "-") == 0;
}

static int cell_number(double *out, const char *v, int line, const char *column)
{
	char *end;
	if (is_missing(v)) {
		*out = NAN;
		return 0;
	}
	errno = 0;
	*out = strtod(v, &end);
	if (errno || *end || !isfinite(*out))
		return err_set(ERR_INVALID, "line %d, column '%s': '%s' is not a number", line, column, v);
	return 0;
}

static int find_column(const csv_record *head, const char *const *names)
{
	for (int c = 0; c < head->n; c++)
		for (int k = 0; names[k]; k++)
			if (strcasecmp(head->f[c], names[k]) == 0)
				return c;
	return -1;
}

static int column_of(const csv_record *head, const char *name)
{
	for (int c = 0; c < head->n; c++)
		if (strcmp(head->f[c], name) == 0)
			return c;
	return -1;
}

typedef struct raw_table {
	csv_reader r;
	csv_record head;
	char **head_copy;
	int code_col, name_col;
} raw_table;

static int grow(index_table *t, int cap, int n_ind, int n_den)
{
	char **codes = realloc(t->codes, (size_t)cap * sizeof(char *));
	if (codes)
		t->codes = codes;
	char **names = realloc(t->names, (size_t)cap * sizeof(char *));
	if (names)
		t->names = names;
	double *values = realloc(t->values, (size_t)cap * (size_t)(n_ind ? n_ind : 1) * sizeof(double));
	if (values)
		t->values = values;
	double *dens = realloc(t->denominators, (size_t)cap * (size_t)(n_den ? n_den : 1) * sizeof(double));
	if (dens)
		t->denominators = dens;
	int *groups = realloc(t->groups, (size_t)cap * sizeof(int));
	if (groups)
		t->groups = groups;
	return codes && names && values && dens && groups ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* Group labels to ids, in order of first appearance. */
static int group_id(char ***labels, int *n, const char *label)
{
	for (int i = 0; i < *n; i++)
		if (strcmp((*labels)[i], label) == 0)
			return i;
	char **l = realloc(*labels, (size_t)(*n + 1) * sizeof(char *));
	if (!l)
		return err_set(ERR_NOMEM, "out of memory");
	*labels = l;
	l[*n] = strdup(label);
	return (*n)++;
}

static int read_rows(index_table *t, const index_spec *s, csv_reader *r, const csv_record *head, int code_col, int name_col,
	const int *ind_cols, const int *den_cols, int group_col)
{
	int n_ind = s->def.n_indicators, n_den = s->n_denominators, cap = 0, rc, n_groups = 0;
	char **groups = NULL;
	csv_record rec;
	while ((rc = csv_read(r, &rec)) > 0) {
		if (rec.n == 1 && !*rec.f[0])
			continue;
		if (rec.n != head->n) {
			rc = err_set(ERR_INVALID, "line %d has %d fields, the header %d", rec.line, rec.n, head->n);
			break;
		}
		if (t->n_units == cap && (rc = grow(t, cap = cap ? cap * 2 : 64, n_ind, n_den)) < 0)
			break;
		int u = t->n_units;
		t->codes[u] = strdup(rec.f[code_col]);
		t->names[u] = strdup(name_col >= 0 ? rec.f[name_col] : rec.f[code_col]);
		t->n_units++;
		for (int k = 0; rc >= 0 && k < n_ind; k++)
			rc = cell_number(&t->values[(size_t)u * (size_t)n_ind + (size_t)k], rec.f[ind_cols[k]], rec.line, head->f[ind_cols[k]]);
		for (int k = 0; rc >= 0 && k < n_den; k++)
			rc = den_cols[k] >= 0 ? cell_number(&t->denominators[(size_t)u * (size_t)n_den + (size_t)k], rec.f[den_cols[k]],
							rec.line, head->f[den_cols[k]]) : 0;
		if (rc >= 0 && group_col >= 0 && (rc = group_id(&groups, &n_groups, rec.f[group_col])) >= 0)
			t->groups[u] = rc;
		if (rc < 0)
			break;
	}
	for (int i = 0; i < n_groups; i++)
		free(groups[i]);
	free(groups);
	return rc < 0 ? rc : 0;
}

/* Indicator columns by the indicator nodes' order. */
static int indicator_columns(int *cols, const index_spec *s, const csv_record *head)
{
	int k = 0;
	for (int i = 0; i < s->def.n_nodes; i++) {
		const index_node *n = &s->def.nodes[i];
		if (!n->indicator)
			continue;
		if ((cols[n->column] = column_of(head, n->code)) < 0)
			return err_set(ERR_INVALID, "indicator '%s' is missing from the data (no column of that name)", n->code);
		k++;
	}
	return k;
}

/* Denominator values from a second table, joined by unit code. */
static int join_denominators(index_table *t, const index_spec *s, const char *csv, size_t len)
{
	static const char *const code_names[] = { "UnitCode", "unit_code", "code", NULL };
	csv_reader r;
	csv_record head, rec;
	int rc;
	csv_init(&r, csv, len);
	if ((rc = csv_read(&r, &head)) <= 0) {
		csv_free(&r);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the denominators' table is empty");
	}
	int code_col = find_column(&head, code_names), cols[INDEX_SPEC_MAX_DENOMINATORS];
	char *copy[INDEX_SPEC_MAX_DENOMINATORS] = { 0 };
	code_col = code_col < 0 ? 0 : code_col;
	for (int k = 0; k < s->n_denominators; k++)
		cols[k] = column_of(&head, s->denominators[k]);
	for (int k = 0; k < s->n_denominators; k++)
		copy[k] = strdup(head.f[cols[k] >= 0 ? cols[k] : 0]);
	while ((rc = csv_read(&r, &rec)) > 0) {
		if (rec.n == 1 && !*rec.f[0])
			continue;
		for (int u = 0; u < t->n_units; u++) {
			if (rec.n <= code_col || strcmp(t->codes[u], rec.f[code_col]) != 0)
				continue;
			for (int k = 0; rc >= 0 && k < s->n_denominators; k++)
				if (cols[k] >= 0 && cols[k] < rec.n)
					rc = cell_number(&t->denominators[(size_t)u * (size_t)s->n_denominators + (size_t)k], rec.f[cols[k]], rec.line,
						copy[k]);
		}
		if (rc < 0)
			break;
	}
	for (int k = 0; k < s->n_denominators; k++)
		free(copy[k]);
	csv_free(&r);
	return rc < 0 ? rc : 0;
}

int index_table_read(index_table *t, const index_spec *s, const char *csv, size_t len, const char *den_csv, size_t den_len)
{
	static const char *const code_names[] = { "UnitCode", "unit_code", "code", NULL };
	static const char *const name_names[] = { "UnitName", "unit_name", "name", NULL };
	csv_reader r;
	csv_record head;
	int rc, *ind_cols = calloc((size_t)(s->def.n_indicators ? s->def.n_indicators : 1), sizeof(int));
	int den_cols[INDEX_SPEC_MAX_DENOMINATORS];
	memset(t, 0, sizeof(*t));
	if (!ind_cols)
		return err_set(ERR_NOMEM, "out of memory");
	csv_init(&r, csv, len);
	if ((rc = csv_read(&r, &head)) <= 0) {
		rc = rc < 0 ? rc : err_set(ERR_INVALID, "the data table is empty");
		goto done;
	}
	int code_col = find_column(&head, code_names), name_col = find_column(&head, name_names);
	code_col = code_col < 0 ? 0 : code_col;
	int group_col = s->group_column ? column_of(&head, s->group_column) : -1;
	if (s->group_column && s->options.impute == INDEX_IMPUTE_GROUP_MEAN && group_col < 0) {
		rc = err_set(ERR_INVALID, "the group column '%s' is missing from the data", s->group_column);
		goto done;
	}
	if ((rc = indicator_columns(ind_cols, s, &head)) < 0)
		goto done;
	for (int k = 0; k < s->n_denominators; k++) {
		den_cols[k] = column_of(&head, s->denominators[k]);
		if (den_cols[k] < 0 && !den_csv) {
			rc = err_set(ERR_INVALID, "denominator '%s' is missing from the data", s->denominators[k]);
			goto done;
		}
	}
	if ((rc = read_rows(t, s, &r, &head, code_col, name_col, ind_cols, den_cols, group_col)) < 0)
		goto done;
	if (t->n_units == 0) {
		rc = err_set(ERR_INVALID, "the data table has no units");
		goto done;
	}
	if (den_csv && (rc = join_denominators(t, s, den_csv, den_len)) < 0)
		goto done;
	t->input = (index_input){ .n_units = t->n_units, .values = t->values, .denominators = s->n_denominators ? t->denominators : NULL,
		.n_denominators = s->n_denominators, .groups = group_col >= 0 ? t->groups : NULL,
		.unit_codes = (const char *const *)t->codes };
done:
	free(ind_cols);
	csv_free(&r);
	if (rc < 0)
		index_table_free(t);
	return rc < 0 ? rc : 0;
}

void index_table_free(index_table *t)
{
	for (int u = 0; u < t->n_units; u++) {
		free(t->codes[u]);
		free(t->names[u]);
	}
	free(t->codes);
	free(t->names);
	free(t->values);
	free(t->denominators);
	free(t->groups);
	memset(t, 0, sizeof(*t));
}

/* --------------------------------------------------------------- results */

json_t *index_results_json(const index_spec *s, const index_table *t, const index_result *r)
{
	json_t *aggs = json_array(), *units = json_array();
	int root = -1;
	for (int i = 0; i < s->def.n_nodes; i++) {
		const index_node *n = &s->def.nodes[i];
		if (n->indicator)
			continue;
		if (n->parent_node < 0)
			root = n->column;
		json_array_append_new(aggs, json_pack("{s:s, s:s?, s:s?, s:i, s:i}", "code", n->code, "name", s->node_names[i], "parent",
			n->parent_node >= 0 ? n->parent : NULL, "level", n->level, "column", n->column));
	}
	json_t *indicators = json_array();
	for (int i = 0; i < s->def.n_nodes; i++) {
		const index_node *n = &s->def.nodes[i];
		if (n->indicator)
			json_array_append_new(indicators, json_pack("{s:s, s:s?, s:s, s:i}", "code", n->code, "name", s->node_names[i],
				"parent", n->parent, "direction", n->direction));
	}
	int *order = malloc((size_t)(t->n_units ? t->n_units : 1) * sizeof(int));
	for (int u = 0; order && u < t->n_units; u++)
		order[u] = u;
	/* by the root's rank (no score last), then code */
	for (int a = 1; order && a < t->n_units; a++)
		for (int b = a; b > 0; b--) {
			int x = order[b - 1], y = order[b];
			int rx = r->ranks[(size_t)x * (size_t)r->n_aggregates + (size_t)root], ry = r->ranks[(size_t)y * (size_t)r->n_aggregates + (size_t)root];
			bool swap = (rx == 0) != (ry == 0) ? rx == 0 : rx != ry ? rx > ry : strcmp(t->codes[x], t->codes[y]) > 0;
			if (!swap)
				break;
			order[b - 1] = y;
			order[b] = x;
		}
	for (int k = 0; order && k < t->n_units; k++) {
		int u = order[k];
		json_t *scores = json_object(), *ranks = json_object();
		size_t i;
		json_t *a;
		json_array_foreach(aggs, i, a) {
			int col = (int)json_integer_value(json_object_get(a, "column"));
			double v = r->scores[(size_t)u * (size_t)r->n_aggregates + (size_t)col];
			int rank = r->ranks[(size_t)u * (size_t)r->n_aggregates + (size_t)col];
			const char *code = json_string_value(json_object_get(a, "code"));
			json_object_set_new(scores, code, isfinite(v) ? json_real(v) : json_null());
			json_object_set_new(ranks, code, rank ? json_integer(rank) : json_null());
		}
		json_t *normalised = json_object();
		for (int i2 = 0; i2 < s->def.n_nodes; i2++) {
			const index_node *n = &s->def.nodes[i2];
			if (!n->indicator)
				continue;
			double v = r->normalised[(size_t)u * (size_t)r->n_indicators + (size_t)n->column];
			json_object_set_new(normalised, n->code, isfinite(v) ? json_real(v) : json_null());
		}
		json_array_append_new(units, json_pack("{s:s, s:s, s:o, s:o, s:o}", "code", t->codes[u], "name", t->names[u], "scores",
			scores, "ranks", ranks, "normalised", normalised));
	}
	free(order);
	size_t i;
	json_t *a;
	json_array_foreach(aggs, i, a)
		json_object_del(a, "column");
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "index", s->code, "name", s->name, "aggregates", aggs, "indicators", indicators,
		"units", units);
}
