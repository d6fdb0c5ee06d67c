/* validation_analysis: the validation-rule analysis over a unit subtree
 * and periods (validation.h), from the stored values, without asking the
 * database for each rule. */
#include "domain/programme/validation.h"
#include "domain/programme/validation_internal.h"
#include "domain/people/unit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct stored {
	int64_t indicator_id, unit_id;
	char period[16];
	double value;
	const char *status, *unit_code, *unit_name;
} stored;

typedef struct analysis {
	stored *v;
	size_t n;
	indicator_info *inds;
	const char **ind_names;
	int n_inds;
} analysis;

static int stored_cmp(const void *x, const void *y)
{
	const stored *a = x, *b = y;
	if (a->indicator_id != b->indicator_id)
		return a->indicator_id < b->indicator_id ? -1 : 1;
	if (a->unit_id != b->unit_id)
		return a->unit_id < b->unit_id ? -1 : 1;
	return strcmp(a->period, b->period);
}

static int analysis_get(double *out, vctx *c, const char *code, const char *period)
{
	const analysis *an = c->data;
	*out = NAN;
	for (int i = 0; i < an->n_inds; i++) {
		if (strcmp(an->inds[i].code, code) != 0)
			continue;
		stored key = { .indicator_id = an->inds[i].id, .unit_id = c->unit_id };
		snprintf(key.period, sizeof(key.period), "%s", period);
		const stored *hit = bsearch(&key, an->v, an->n, sizeof(*an->v), stored_cmp);
		if (hit)
			*out = hit->value;
		break;
	}
	return 0;
}

static int analysis_load(analysis *an, db_conn *db, arena *a, const char *path)
{
	db_stmt *s;
	int rc;
	size_t cap = 0;
	memset(an, 0, sizeof(*an));
	int64_t n_inds = 0;
	if ((rc = db_run(db, &n_inds, "SELECT COUNT(*) FROM indicator", "")) < 0)
		return rc;
	an->inds = arena_alloc(a, (size_t)(n_inds + 1) * sizeof(*an->inds));
	an->ind_names = arena_alloc(a, (size_t)(n_inds + 1) * sizeof(*an->ind_names));
	if (!an->inds || !an->ind_names)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = db_prepare(&s, db, "SELECT id, code, measure, rules_set, formula, name_vi FROM indicator ORDER BY id")) < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW && an->n_inds < n_inds) {
		indicator_info *I = &an->inds[an->n_inds];
		I->id = db_column_int64(s, 0);
		I->code = arena_strdup(a, db_column_text(s, 1));
		I->measure = validation__text_or_null(a, s, 2);
		I->rules_set = db_column_int64(s, 3) != 0;
		I->derived = !db_column_is_null(s, 4);
		an->ind_names[an->n_inds++] = arena_strdup(a, db_column_text(s, 5));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	char *end = arena_strdup(a, path);
	if (!end)
		return err_set(ERR_NOMEM, "out of memory");
	end[strlen(end) - 1] = '0';   /* '0' follows '/': the first path after the subtree */
	if ((rc = db_prepare(&s, db, "SELECT v.indicator_id, v.unit_id, v.period, v.value, v.status, u.code, u.name "
				     "FROM indicator_value v JOIN unit u ON u.id = v.unit_id "
				     "WHERE v.value IS NOT NULL AND u.path >= ? AND u.path < ?")) < 0)
		return rc;
	db_bind_text(s, 1, path);
	db_bind_text(s, 2, end);
	while ((rc = db_step(s)) == DB_ROW) {
		if (an->n == cap) {
			size_t more = cap ? 2 * cap : 1024;
			stored *v = realloc(an->v, more * sizeof(*v));
			if (!v) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			an->v = v;
			cap = more;
		}
		stored *x = &an->v[an->n++];
		x->indicator_id = db_column_int64(s, 0);
		x->unit_id = db_column_int64(s, 1);
		snprintf(x->period, sizeof(x->period), "%s", db_column_text(s, 2));
		x->value = db_column_double(s, 3);
		x->status = arena_strdup(a, db_column_text(s, 4));
		x->unit_code = validation__text_or_null(a, s, 5);
		x->unit_name = arena_strdup(a, db_column_text(s, 6));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (an->n)
		qsort(an->v, an->n, sizeof(*an->v), stored_cmp);
	return 0;
}

/* Days of a period code's first and last day; false when it is not one. */
static bool span_of(long *first, long *last, const char *code)
{
	period p;
	if (period_parse(&p, code, strlen(code)) < 0) {
		err_clear();
		return false;
	}
	*first = date_to_days(period_start(&p));
	*last = date_to_days(period_end(&p));
	return true;
}

static json_t *finding(const analysis *an, int ind, const stored *x, json_t *v)
{
	const indicator_info *I = &an->inds[ind];
	char vi[PERIOD_LABEL_MAX], en[64] = "";
	period p;
	if (period_parse(&p, x->period, strlen(x->period)) == 0) {
		period_format_vi(&p, vi);
		period_label_en(&p, en, sizeof(en));
	} else {
		err_clear();
		snprintf(vi, sizeof(vi), "%s", x->period);
	}
	json_object_set_new(v, "indicator_id", json_integer(I->id));
	json_object_set_new(v, "indicator_code", json_string(I->code));
	json_object_set_new(v, "indicator_name", json_string(an->ind_names[ind]));
	json_object_set_new(v, "measure", I->measure ? json_string(I->measure) : json_null());
	json_object_set_new(v, "unit_id", json_integer(x->unit_id));
	json_object_set_new(v, "unit_code", x->unit_code ? json_string(x->unit_code) : json_null());
	json_object_set_new(v, "unit_name", json_string(x->unit_name));
	json_object_set_new(v, "period", json_string(x->period));
	json_object_set_new(v, "period_label_vi", json_string(vi));
	json_object_set_new(v, "period_label_en", json_string(en));
	json_object_set_new(v, "value", json_real(x->value));
	json_object_set_new(v, "status", json_string(x->status));
	return v;
}

static int analysis_run(json_t *list, int64_t *total, analysis *an, db_conn *db, arena *a, long from, long to, int64_t limit)
{
	vrule *rules = arena_alloc(a, RULES_MAX * sizeof(*rules));
	int n_rules = 0, ind = -1, rc;
	if (!rules)
		return err_set(ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < an->n; i++) {
		const stored *x = &an->v[i];
		if (ind < 0 || an->inds[ind].id != x->indicator_id) {
			ind = -1;
			for (int k = 0; k < an->n_inds && ind < 0; k++)
				if (an->inds[k].id == x->indicator_id)
					ind = k;
			if (ind < 0)
				continue;
			if ((rc = validation__rules_load(rules, &n_rules, db, a, &an->inds[ind], false)) < 0)
				return rc;
		}
		long first, last;
		if (!span_of(&first, &last, x->period) || first < from || last > to)
			continue;
		vctx c = { .I = &an->inds[ind], .unit_id = x->unit_id, .period = x->period, .value = x->value,
			.get = analysis_get, .data = an };
		for (int r = 0; r < n_rules; r++) {
			bool broken;
			if ((rc = validation__rule_check(&broken, &c, &rules[r])) < 0)
				return rc;
			if (!broken)
				continue;
			if (*total < limit)
				json_array_append_new(list, finding(an, ind, x, validation__violation(&rules[r])));
			(*total)++;
		}
	}
	err_clear();
	return 0;
}

int validation_analysis(json_t **out, db_conn *db, int64_t unit_id, const char *from, const char *to, int64_t limit)
{
	arena a;
	analysis an = { 0 };
	long lo = LONG_MIN, hi = LONG_MAX, ignore;
	const char *path = NULL, *code = NULL, *name = NULL;
	int64_t total = 0;
	int rc;
	*out = NULL;
	if (from && !span_of(&lo, &ignore, from))
		return err_set(ERR_INVALID, "'from': '%.40s' is not a period", from);
	if (to && !span_of(&ignore, &hi, to))
		return err_set(ERR_INVALID, "'to': '%.40s' is not a period", to);
	arena_init(&a, 1 << 16);
	db_stmt *s;
	if ((rc = db_prepare(&s, db, "SELECT path, code, name FROM unit WHERE id = ?")) < 0)
		goto done;
	db_bind_int64(s, 1, unit_id);
	if ((rc = db_step(s)) == DB_ROW) {
		path = arena_strdup(&a, db_column_text(s, 0));
		code = validation__text_or_null(&a, s, 1);
		name = arena_strdup(&a, db_column_text(s, 2));
	}
	db_finalize(s);
	if (rc < 0)
		goto done;
	if (!path) {
		rc = err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)unit_id);
		goto done;
	}
	json_t *list = json_array();
	if ((rc = analysis_load(&an, db, &a, path)) < 0 || (rc = analysis_run(list, &total, &an, db, &a, lo, hi, limit)) < 0) {
		json_decref(list);
		goto done;
	}
	*out = json_pack("{s:{s:I, s:s?, s:s}, s:s?, s:s?, s:I, s:o}", "unit", "id", (json_int_t)unit_id, "code", code,
		"name", name, "from", from, "to", to, "total", (json_int_t)total, "violations", list);
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
done:
	free(an.v);
	arena_free(&a);
	return rc;
}

int validation_default_unit(int64_t *out, db_conn *db)
{
	int rc = db_run(db, out, "SELECT id FROM unit WHERE parent_id IS NULL ORDER BY path LIMIT 1", "");
	if (rc < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "there are no units yet");
}
