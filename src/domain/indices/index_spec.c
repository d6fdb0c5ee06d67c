/* index_spec: an index definition from JSON and its table from CSV
 * (index_spec.h). */
#include "domain/indices/index_spec.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- fields */

/* Refuses a key of o that is not in known (NULL-terminated): a misspelt
 * key would otherwise change the index without a word. Keys that begin
 * with '_' are notes and are kept as they are. path names o ("" for the
 * definition itself, "nodes[3]", "options.treatment"). */
static int known_fields(const json_t *o, const char *path, const char *const *known)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)o, key, v) {
		if (key[0] == '_')
			continue;
		bool found = false;
		for (int i = 0; known[i] && !found; i++)
			found = strcmp(key, known[i]) == 0;
		if (found)
			continue;
		str list = { 0 }, where = { 0 };
		for (int i = 0; known[i]; i++)
			str_appendf(&list, "%s%s", i ? ", " : "", known[i]);
		str_appendf(&where, "%s%s%s", path, *path ? "." : "", key);
		int rc = err_set(ERR_INVALID, "'%s' is not a field of an index definition; the fields here are %s", str_cstr(&where),
			str_cstr(&list));
		str_free(&list);
		str_free(&where);
		return rc;
	}
	return 0;
}

/* A field that must be text when present. */
static int text_field(const char **out, const json_t *o, const char *key, const char *path)
{
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		char where[96];
		snprintf(where, sizeof(where), "%s%s%s", path, *path ? "." : "", key);
		return err_set(ERR_INVALID, "'%s' must be text", where);
	}
	*out = json_string_value(v);
	return 0;
}

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
	static const char *const fields[] = { "winmax", "skew_max", "kurt_max", "fallback", NULL };
	if (!json_is_object(o))
		return err_set(ERR_INVALID, "'options.treatment' must be an object");
	if ((rc = known_fields(o, "options.treatment", fields)) < 0)
		return rc;
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
	static const char *const fields[] = { "method", "lo", "hi", "cap", NULL };
	if ((rc = known_fields(o, "options.normalisation", fields)) < 0)
		goto done;
	const json_t *m = json_object_get(o, "method"), *cap = json_object_get(o, "cap");
	if (cap && !json_is_boolean(cap)) {
		rc = err_set(ERR_INVALID, "'options.normalisation.cap' must be true or false");
		goto done;
	}
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
		static const char *const fields[] = { "aggregation", "coverage", NULL };
		char where[48], path[40];
		snprintf(where, sizeof(where), "options.levels[%zu]: ", i);
		snprintf(path, sizeof(path), "options.levels[%zu]", i);
		if (!json_is_object(l))
			return err_set(ERR_INVALID, "'%s' must be an object of aggregation and coverage", path);
		if ((rc = known_fields(l, path, fields)) < 0)
			return rc;
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
	static const char *const fields[] = { "imputation", "treatment", "normalisation", "levels", "rank_digits", NULL };
	if (!json_is_object(o))
		return err_set(ERR_INVALID, "'options' must be an object");
	if ((rc = known_fields(o, "options", fields)) < 0)
		return rc;
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
	static const char *const fields[] = { "code", "name", "parent", "weight", "indicator", "direction", "denominator", "target",
		"goalposts", NULL };
	static const char *const aggregate_only[] = { "direction", "denominator", "target", "goalposts" };
	const char *code, *parent, *name, *den;
	const json_t *w = json_object_get(n, "weight"), *dir = json_object_get(n, "direction"), *ind = json_object_get(n, "indicator");
	char where[96], path[32];
	int rc;
	snprintf(path, sizeof(path), "nodes[%zu]", i);
	if (!json_is_object(n))
		return err_set(ERR_INVALID, "'%s' must be an object with a 'code'", path);
	if ((rc = known_fields(n, path, fields)) < 0 || (rc = text_field(&code, n, "code", path)) < 0 ||
	    (rc = text_field(&parent, n, "parent", path)) < 0 || (rc = text_field(&name, n, "name", path)) < 0 ||
	    (rc = text_field(&den, n, "denominator", path)) < 0)
		return rc;
	if (!code)
		return err_set(ERR_INVALID, "nodes[%zu] needs a 'code'", i);
	if (ind && !json_is_boolean(ind))
		return err_set(ERR_INVALID, "'%s.indicator' must be true or false", path);
	snprintf(where, sizeof(where), "node '%.60s'", code);
	if (w && (!json_is_number(w) || !isfinite(json_number_value(w))))
		return err_set(ERR_INVALID, "%s: the weight is not a number", where);
	double weight = w ? json_number_value(w) : 1;
	if (json_is_true(ind)) {
		if (dir && (!json_is_integer(dir) || (json_integer_value(dir) != 1 && json_integer_value(dir) != -1)))
			return err_set(ERR_INVALID, "%s: 'direction' must be 1 or -1", where);
		if ((rc = index_def_indicator(&s->def, code, parent, weight, dir ? (int)json_integer_value(dir) : 1)) < 0)
			return rc;
		index_node *node = &s->def.nodes[s->def.n_nodes - 1];
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
	} else {
		for (size_t k = 0; k < sizeof(aggregate_only) / sizeof(aggregate_only[0]); k++)
			if (json_object_get(n, aggregate_only[k]))
				return err_set(ERR_INVALID, "'%s.%s' belongs to an indicator; add \"indicator\": true or remove it", path,
					aggregate_only[k]);
		if ((rc = index_def_aggregate(&s->def, code, parent, weight)) < 0)
			return rc;
	}
	s->node_names[s->def.n_nodes - 1] = name ? strdup(name) : NULL;
	return 0;
}

/* Refuses an aggregate whose children all weigh 0: it would have no score
 * and its parent would silently drop it. */
static int check_weights(const index_spec *s)
{
	for (int a = 0; a < s->def.n_nodes; a++) {
		if (s->def.nodes[a].indicator)
			continue;
		double total = 0;
		for (int c = 0; c < s->def.n_nodes; c++)
			if (s->def.nodes[c].parent_node == a)
				total += s->def.nodes[c].weight;
		if (!(total > 0))
			return err_set(ERR_INVALID, "'nodes[%d]': every child of '%s' has weight 0, so it would have no score", a,
				s->def.nodes[a].code);
	}
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
	static const char *const fields[] = { "code", "name", "group_column", "options", "nodes", NULL };
	const char *code, *name, *group;
	const json_t *nodes = json_object_get(in, "nodes");
	if ((rc = known_fields(in, "", fields)) < 0 || (rc = text_field(&code, in, "code", "")) < 0 ||
	    (rc = text_field(&name, in, "name", "")) < 0 || (rc = text_field(&group, in, "group_column", "")) < 0)
		goto fail;
	if (!code || !*code || strlen(code) >= INDEX_MAX_CODE) {
		rc = err_set(ERR_INVALID, "'code' must name the index (1 to %d characters)", INDEX_MAX_CODE - 1);
		goto fail;
	}
	snprintf(s->code, sizeof(s->code), "%s", code);
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
	if ((rc = parse_options(&s->options, json_object_get(in, "options"))) < 0 || (rc = index_def_check(&s->def)) < 0 ||
	    (rc = check_weights(s)) < 0)
		goto fail;
	const json_t *levels = json_object_get(json_object_get(in, "options"), "levels");
	if (levels && (int)json_array_size(levels) < s->def.n_levels) {
		rc = err_set(ERR_INVALID, "'options.levels' gives %d levels; the tree has %d above its indicators, give one for each",
			(int)json_array_size(levels), s->def.n_levels);
		goto fail;
	}
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

/* The header's names, copied: the reader's buffer holds them only until
 * the next record is read, and a message about a cell names its column. */
typedef struct table_head {
	int n;
	char *f[CSV_MAX_FIELDS];
} table_head;

static int head_copy(table_head *h, const csv_record *rec)
{
	memset(h, 0, sizeof(*h));
	for (int c = 0; c < rec->n; c++)
		if (!(h->f[h->n++] = strdup(rec->f[c])))
			return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

static void head_free(table_head *h)
{
	for (int c = 0; c < h->n; c++)
		free(h->f[c]);
	memset(h, 0, sizeof(*h));
}

static int find_column(const table_head *head, const char *const *names)
{
	for (int c = 0; c < head->n; c++)
		for (int k = 0; names[k]; k++)
			if (strcasecmp(head->f[c], names[k]) == 0)
				return c;
	return -1;
}

static int column_of(const table_head *head, const char *name)
{
	for (int c = 0; c < head->n; c++)
		if (strcmp(head->f[c], name) == 0)
			return c;
	return -1;
}

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

typedef struct unit_line {
	const char *code;
	int line;
} unit_line;

static int unit_line_cmp(const void *a, const void *b)
{
	const unit_line *x = a, *y = b;
	int c = strcmp(x->code, y->code);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Refuses a unit code given on two rows: its figures would be counted
 * twice or one silently lost. Names the first repeat in the file. */
static int check_duplicates(const index_table *t, const int *lines)
{
	unit_line *k = malloc((size_t)(t->n_units ? t->n_units : 1) * sizeof(*k));
	if (!k)
		return err_set(ERR_NOMEM, "out of memory");
	for (int u = 0; u < t->n_units; u++)
		k[u] = (unit_line){ .code = t->codes[u], .line = lines[u] };
	qsort(k, (size_t)t->n_units, sizeof(*k), unit_line_cmp);
	int best = -1;
	for (int i = 1; i < t->n_units; i++)
		if (strcmp(k[i].code, k[i - 1].code) == 0 && (best < 0 || k[i].line < k[best].line))
			best = i;
	int rc = best < 0 ? 0 : err_set(ERR_INVALID, "line %d: unit '%s' is already on line %d; give each unit one row",
		k[best].line, k[best].code, k[best - 1].line);
	free(k);
	return rc;
}

static int read_rows(index_table *t, const index_spec *s, csv_reader *r, const table_head *head, int code_col, int name_col,
	const int *ind_cols, const int *den_cols, int group_col)
{
	int n_ind = s->def.n_indicators, n_den = s->n_denominators, cap = 0, rc, n_groups = 0, *lines = NULL;
	char **groups = NULL;
	csv_record rec;
	while ((rc = csv_read(r, &rec)) > 0) {
		if (rec.n == 1 && !*rec.f[0])
			continue;
		if (rec.n != head->n) {
			rc = err_set(ERR_INVALID, "line %d has %d fields, the header %d", rec.line, rec.n, head->n);
			break;
		}
		if (t->n_units == INDEX_TABLE_MAX_UNITS) {
			rc = err_set(ERR_TOOLARGE, "line %d: a table has at most %d units", rec.line, INDEX_TABLE_MAX_UNITS);
			break;
		}
		if (t->n_units == cap) {
			int *l = realloc(lines, (size_t)(cap ? cap * 2 : 64) * sizeof(int));
			if (!l) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			lines = l;
			if ((rc = grow(t, cap = cap ? cap * 2 : 64, n_ind, n_den)) < 0)
				break;
		}
		int u = t->n_units;
		t->codes[u] = strdup(rec.f[code_col]);
		t->names[u] = strdup(name_col >= 0 ? rec.f[name_col] : rec.f[code_col]);
		lines[u] = rec.line;
		t->n_units++;
		if (!t->codes[u] || !t->names[u])
			rc = err_set(ERR_NOMEM, "out of memory");
		else if (!*t->codes[u])
			rc = err_set(ERR_INVALID, "line %d, column '%s': the unit's code is empty", rec.line, head->f[code_col]);
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
	if (rc >= 0)
		rc = check_duplicates(t, lines);
	for (int i = 0; i < n_groups; i++)
		free(groups[i]);
	free(groups);
	free(lines);
	return rc < 0 ? rc : 0;
}

/* Indicator columns by the indicator nodes' order. */
static int indicator_columns(int *cols, const index_spec *s, const table_head *head)
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
	csv_record first, rec;
	table_head head;
	int rc;
	csv_init(&r, csv, len);
	if ((rc = csv_read(&r, &first)) <= 0) {
		csv_free(&r);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the denominators' table is empty");
	}
	if ((rc = head_copy(&head, &first)) < 0) {
		head_free(&head);
		csv_free(&r);
		return rc;
	}
	int code_col = find_column(&head, code_names), cols[INDEX_SPEC_MAX_DENOMINATORS];
	code_col = code_col < 0 ? 0 : code_col;
	for (int k = 0; k < s->n_denominators; k++)
		cols[k] = column_of(&head, s->denominators[k]);
	while ((rc = csv_read(&r, &rec)) > 0) {
		if (rec.n == 1 && !*rec.f[0])
			continue;
		for (int u = 0; u < t->n_units; u++) {
			if (rec.n <= code_col || strcmp(t->codes[u], rec.f[code_col]) != 0)
				continue;
			for (int k = 0; rc >= 0 && k < s->n_denominators; k++)
				if (cols[k] >= 0 && cols[k] < rec.n)
					rc = cell_number(&t->denominators[(size_t)u * (size_t)s->n_denominators + (size_t)k], rec.f[cols[k]], rec.line,
						head.f[cols[k]]);
		}
		if (rc < 0)
			break;
	}
	head_free(&head);
	csv_free(&r);
	return rc < 0 ? rc : 0;
}

int index_table_read(index_table *t, const index_spec *s, const char *csv, size_t len, const char *den_csv, size_t den_len)
{
	static const char *const code_names[] = { "UnitCode", "unit_code", "code", NULL };
	static const char *const name_names[] = { "UnitName", "unit_name", "name", NULL };
	csv_reader r;
	csv_record first;
	table_head head = { 0 };
	int rc, *ind_cols = calloc((size_t)(s->def.n_indicators ? s->def.n_indicators : 1), sizeof(int));
	int den_cols[INDEX_SPEC_MAX_DENOMINATORS];
	memset(t, 0, sizeof(*t));
	if (!ind_cols)
		return err_set(ERR_NOMEM, "out of memory");
	csv_init(&r, csv, len);
	if ((rc = csv_read(&r, &first)) <= 0) {
		rc = rc < 0 ? rc : err_set(ERR_INVALID, "the data table is empty");
		goto done;
	}
	if ((rc = head_copy(&head, &first)) < 0)
		goto done;
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
	head_free(&head);
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

typedef struct result_key {
	int rank;            /* the root's; 0: no score */
	const char *code;
	int unit;
} result_key;

/* By the root's rank, units without a score last, then by code. */
static int result_key_cmp(const void *a, const void *b)
{
	const result_key *x = a, *y = b;
	if ((x->rank == 0) != (y->rank == 0))
		return x->rank == 0 ? 1 : -1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->code, y->code);
}

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
	result_key *order = malloc((size_t)(t->n_units ? t->n_units : 1) * sizeof(*order));
	for (int u = 0; order && u < t->n_units; u++)
		order[u] = (result_key){ .rank = r->ranks[(size_t)u * (size_t)r->n_aggregates + (size_t)root], .code = t->codes[u], .unit = u };
	if (order)
		qsort(order, (size_t)t->n_units, sizeof(*order), result_key_cmp);
	for (int k = 0; order && k < t->n_units; k++) {
		int u = order[k].unit;
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
