/* indicator: definitions, targets, and checking derived formulas. */
#include "domain/programme/indicator.h"
#include "domain/ecosystem/registry.h"
#include "analytics/expr.h"
#include "domain/people/audit.h"
#include "domain/people/unit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const indicator_directions[] = { "up", "down", "exact", NULL };
const char *const indicator_aggregations[] = { "sum", "mean", "weighted_mean", "min", "max", "none", NULL };

#define CODE_MAX 40
#define FORMULA_DEPTH_MAX 16

static bool in_list(const char *const *list, const char *v)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ reads */

#define IND_SELECT \
	"SELECT i.id, i.code, i.name_vi, i.name_en, i.measure, i.direction, i.aggregation, i.weight_code, i.formula, " \
	"i.objective_id, o.code, o.document_id, i.owner_unit_id, u.code, i.baseline_value, i.baseline_year, i.public, " \
	"i.report_kinds, i.completeness_threshold, i.registry " \
	"FROM indicator i LEFT JOIN objective o ON o.id = i.objective_id LEFT JOIN unit u ON u.id = i.owner_unit_id"

static json_t *int_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_integer(db_column_int64(s, i));
}

/* The stored "commune,department" as ["commune", "department"]; null
 * (every kind reports) when none is stored. */
static json_t *kinds_json(const char *stored)
{
	if (!stored || !*stored)
		return json_null();
	json_t *a = json_array();
	for (const char *p = stored; *p;) {
		size_t n = strcspn(p, ",");
		json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return a;
}

static json_t *ind_row(db_stmt *s)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s, s:s, s:s?, s:s?}", "id", (json_int_t)db_column_int64(s, 0),
		"code", db_column_text(s, 1), "name_vi", db_column_text(s, 2), "name_en", db_column_text(s, 3), "measure",
		db_column_text(s, 4), "direction", db_column_text(s, 5), "aggregation", db_column_text(s, 6),
		"weight_code", db_column_text(s, 7), "formula", db_column_text(s, 8));
	json_object_set_new(o, "objective_id", int_or_null(s, 9));
	json_object_set_new(o, "objective_code", db_column_text(s, 10) ? json_string(db_column_text(s, 10)) : json_null());
	json_object_set_new(o, "document_id", int_or_null(s, 11));
	json_object_set_new(o, "owner_unit_id", int_or_null(s, 12));
	json_object_set_new(o, "owner_unit_code", db_column_text(s, 13) ? json_string(db_column_text(s, 13)) : json_null());
	json_object_set_new(o, "baseline_value", db_column_is_null(s, 14) ? json_null() : json_real(db_column_double(s, 14)));
	json_object_set_new(o, "baseline_year", int_or_null(s, 15));
	json_object_set_new(o, "public", json_boolean(db_column_int64(s, 16) != 0));
	json_object_set_new(o, "derived", json_boolean(!db_column_is_null(s, 8)));
	json_object_set_new(o, "report_kinds", kinds_json(db_column_text(s, 17)));
	json_object_set_new(o, "completeness_threshold", json_real(db_column_is_null(s, 18) ? 100 : db_column_double(s, 18)));
	json_t *registry = db_column_is_null(s, 19) ? NULL : json_loads(db_column_text(s, 19), 0, NULL);
	json_object_set_new(o, "registry", registry ? registry : json_null());
	return o;
}

int indicator_list(json_t **out, db_conn *db, const char *q, int64_t document_id, int64_t limit, int64_t offset)
{
	char *folded = NULL, *like = NULL, *prefix = NULL;
	int rc;
	*out = NULL;
	if (q && *q) {
		if ((rc = vn_fold(&folded, q, strlen(q))) < 0)
			return rc;
		like = malloc(strlen(folded) + 3);
		prefix = malloc(strlen(folded) + 2);
		if (like && prefix) {
			sprintf(like, "%%%s%%", folded);
			sprintf(prefix, "%s%%", folded);
		}
		free(folded);
		if (!like || !prefix) {
			free(like);
			free(prefix);
			return err_set(ERR_NOMEM, "out of memory");
		}
	}
	str where = STR_INIT, sql = STR_INIT;
	str_append(&where, " WHERE 1=1");
	if (like)
		str_append(&where, " AND (LOWER(i.code) LIKE ? OR i.name_folded LIKE ?)");
	if (document_id)
		str_append(&where, " AND o.document_id = ?");
	int64_t total = 0;
	json_t *list = json_array();
	for (int pass = 0; pass < 2; pass++) {
		db_stmt *s;
		str_clear(&sql);
		if (pass == 0)
			str_appendf(&sql, "SELECT COUNT(*) FROM indicator i LEFT JOIN objective o ON o.id = i.objective_id%s",
				where.ptr);
		else
			str_appendf(&sql, IND_SELECT "%s ORDER BY i.code LIMIT ? OFFSET ?", where.ptr);
		if ((rc = db_prepare(&s, db, sql.ptr)) < 0)
			break;
		int k = 1;
		if (like) {
			db_bind_text(s, k++, prefix);
			db_bind_text(s, k++, like);
		}
		if (document_id)
			db_bind_int64(s, k++, document_id);
		if (pass == 1) {
			db_bind_int64(s, k++, limit);
			db_bind_int64(s, k, offset);
		}
		while ((rc = db_step(s)) == DB_ROW) {
			if (pass == 0)
				total = db_column_int64(s, 0);
			else
				json_array_append_new(list, ind_row(s));
		}
		db_finalize(s);
		if (rc < 0)
			break;
	}
	str_free(&where);
	str_free(&sql);
	free(like);
	free(prefix);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "indicators", list, "total", (json_int_t)total);
	return 0;
}

static int add_targets(json_t *ind, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db,
		"SELECT t.unit_id, u.code, u.name, t.period, t.value FROM indicator_target t JOIN unit u ON u.id = t.unit_id "
		"WHERE t.indicator_id = ? ORDER BY u.path, t.period");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s?, s:s, s:s, s:f}", "unit_id",
				(json_int_t)db_column_int64(s, 0), "unit_code", db_column_text(s, 1), "unit_name",
				db_column_text(s, 2), "period", db_column_text(s, 3), "value", db_column_double(s, 4)));
		db_finalize(s);
	}
	json_object_set_new(ind, "targets", list);
	return rc < 0 ? rc : 0;
}

int indicator_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, IND_SELECT " WHERE i.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = ind_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!*out)
		return err_set(ERR_NOTFOUND, "no indicator with id %lld", (long long)id);
	const char *formula = json_string_value(json_object_get(*out, "formula"));
	if (formula) {
		expr e;
		json_t *ops = json_array();
		if (expr_compile(&e, formula) == 0)
			for (int i = 0; i < e.n_vars; i++)
				json_array_append_new(ops, json_string(e.vars[i]));
		json_object_set_new(*out, "operands", ops);
	}
	if ((rc = add_targets(*out, db, id)) < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int indicator_owner_path(const char **out, db_conn *db, arena *a, int64_t id)
{
	db_stmt *s;
	int found = 0;
	int rc = db_prepare(&s, db, "SELECT u.path FROM indicator i LEFT JOIN unit u ON u.id = i.owner_unit_id WHERE i.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		found = 1;
		if (db_column_text(s, 0))
			*out = arena_strdup(a, db_column_text(s, 0));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return found ? 0 : err_set(ERR_NOTFOUND, "no indicator with id %lld", (long long)id);
}

/* ----------------------------------------------------------------- checks */

/* The formula of indicator code (malloc'd, NULL when not derived);
 * *exists tells whether the code exists at all. */
static int formula_of(char **out, bool *exists, db_conn *db, const char *code)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT formula FROM indicator WHERE code = ?");
	*out = NULL;
	*exists = false;
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, code);
	if ((rc = db_step(s)) == DB_ROW) {
		*exists = true;
		if (db_column_text(s, 0))
			*out = strdup(db_column_text(s, 0));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Every operand exists; following derived operands never comes back to
 * self (the code being defined). */
static int check_operands(db_conn *db, const expr *e, const char *self, int depth)
{
	if (depth > FORMULA_DEPTH_MAX)
		return err_set(ERR_INVALID, "'formula': derived indicators nest deeper than %d levels", FORMULA_DEPTH_MAX);
	for (int i = 0; i < e->n_vars; i++) {
		char *sub;
		bool exists;
		int rc;
		if (strcmp(e->vars[i], self) == 0)
			return err_set(ERR_INVALID, "'formula': %s would depend on itself", self);
		if ((rc = formula_of(&sub, &exists, db, e->vars[i])) < 0)
			return rc;
		if (!exists)
			return err_set(ERR_INVALID, "'formula': no indicator with code '%s'", e->vars[i]);
		if (sub) {
			expr inner;
			rc = expr_compile(&inner, sub) < 0 ? 0 : check_operands(db, &inner, self, depth + 1);
			free(sub);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int check_code(const char *code)
{
	size_t n = strlen(code);
	if (n == 0 || n > CODE_MAX || strpbrk(code, " \t\r\n,\"{}"))
		return err_set(ERR_INVALID, "'code' must have 1 to %d characters without spaces, commas, quotes or braces",
			CODE_MAX);
	return 0;
}

/* ---------------------------------------------------------------- targets */

static int unit_of(int64_t *out, db_conn *db, const json_t *t, size_t i)
{
	const char *code;
	long long id = 0;
	int present, rc;
	if ((rc = json_get_string(&code, t, "unit_code", 0)) < 0 || (rc = json_get_int(&id, &present, t, "unit_id", 0)) < 0)
		return err_set(ERR_INVALID, "targets[%zu]: %s", i, err_msg());
	*out = id;
	if (code && (rc = db_run(db, out, "SELECT id FROM unit WHERE code = ?", "t", code)) < 0)
		return rc;
	if (!code && id && (rc = db_run(db, out, "SELECT id FROM unit WHERE id = ?", "i", (int64_t)id)) < 0)
		return rc;
	if (!*out)
		return err_set(ERR_INVALID, "targets[%zu]: %s", i, code || id ? "no such unit" : "needs unit_code or unit_id");
	return 0;
}

static int insert_targets(db_conn *db, int64_t id, const json_t *list)
{
	if (!list)
		return 0;
	if (!json_is_array(list))
		return err_set(ERR_INVALID, "'targets' must be an array of {unit_code, period, value}");
	size_t i;
	json_t *t;
	json_array_foreach(list, i, t) {
		const char *code;
		double value;
		int64_t unit;
		int present, rc;
		period p;
		char canon[16];
		if (!json_is_object(t))
			return err_set(ERR_INVALID, "targets[%zu] must be an object", i);
		if ((rc = unit_of(&unit, db, t, i)) < 0)
			return rc;
		if ((rc = json_get_string(&code, t, "period", 1)) < 0 || (rc = json_get_number(&value, &present, t, "value", 1)) < 0)
			return err_set(ERR_INVALID, "targets[%zu]: %s", i, err_msg());
		if (period_parse(&p, code, strlen(code)) < 0)
			return err_set(ERR_INVALID, "targets[%zu]: %s", i, err_msg());
		period_format(&p, canon);
		rc = db_run(db, NULL, "INSERT INTO indicator_target (indicator_id, unit_id, period, value) VALUES (?, ?, ?, ?)",
			"iitd", id, unit, canon, value);
		if (rc == ERR_CONFLICT)
			return err_set(ERR_INVALID, "targets[%zu]: a second target for the same unit and period %s", i, canon);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ----------------------------------------------------------------- writes */

typedef struct ind_fields {
	const char *code, *name_vi, *name_en, *measure, *direction, *aggregation, *weight_code, *formula;
	long long objective_id, owner_unit_id, baseline_year;
	const char *document_number, *objective_code, *owner_code;
	char *report_kinds;     /* "commune,department", NULL: every kind; malloc'd */
	char *registry;         /* the canonical spec of an indicator computed from the registry; malloc'd */
	double baseline_value;
	int has_objective, has_owner, has_baseline, has_year, is_public, has_public;
} ind_fields;

/* objective_code of document_number, and owner_unit_code, as ids. */
static int resolve_codes(ind_fields *f, db_conn *db)
{
	int64_t id = 0;
	int rc;
	if (f->objective_code) {
		if (!f->document_number)
			return err_set(ERR_INVALID, "'objective_code' names an objective of a document: give 'document_number'");
		if ((rc = db_run(db, &id, "SELECT o.id FROM objective o JOIN document d ON d.id = o.document_id "
					  "WHERE d.number = ? AND o.code = ?", "tt", f->document_number, f->objective_code)) < 0)
			return rc;
		if (!id)
			return err_set(ERR_INVALID, "'objective_code': document '%s' has no objective '%s'", f->document_number,
				f->objective_code);
		f->objective_id = id;
		f->has_objective = 1;
	}
	if (f->owner_code) {
		if ((rc = db_run(db, &id, "SELECT id FROM unit WHERE code = ?", "t", f->owner_code)) < 0)
			return rc;
		if (!id)
			return err_set(ERR_INVALID, "'owner_unit_code': no unit with code '%s'", f->owner_code);
		f->owner_unit_id = id;
		f->has_owner = 1;
	}
	return 0;
}

static int read_fields(ind_fields *f, db_conn *db, const json_t *in)
{
	int rc;
	memset(f, 0, sizeof(*f));
	if ((rc = json_require_object(in, "the indicator")) < 0 || (rc = json_get_string(&f->code, in, "code", 1)) < 0 ||
	    (rc = json_get_string(&f->name_vi, in, "name_vi", 1)) < 0 ||
	    (rc = json_get_string(&f->name_en, in, "name_en", 0)) < 0 ||
	    (rc = json_get_string(&f->measure, in, "measure", 0)) < 0 ||
	    (rc = json_get_string(&f->direction, in, "direction", 1)) < 0 ||
	    (rc = json_get_string(&f->aggregation, in, "aggregation", 1)) < 0 ||
	    (rc = json_get_string(&f->weight_code, in, "weight_code", 0)) < 0 ||
	    (rc = json_get_string(&f->formula, in, "formula", 0)) < 0 ||
	    (rc = json_get_int(&f->objective_id, &f->has_objective, in, "objective_id", 0)) < 0 ||
	    (rc = json_get_int(&f->owner_unit_id, &f->has_owner, in, "owner_unit_id", 0)) < 0 ||
	    (rc = json_get_number(&f->baseline_value, &f->has_baseline, in, "baseline_value", 0)) < 0 ||
	    (rc = json_get_int(&f->baseline_year, &f->has_year, in, "baseline_year", 0)) < 0 ||
	    (rc = json_get_bool(&f->is_public, &f->has_public, in, "public", 0)) < 0 ||
	    (rc = json_get_string(&f->document_number, in, "document_number", 0)) < 0 ||
	    (rc = json_get_string(&f->objective_code, in, "objective_code", 0)) < 0 ||
	    (rc = json_get_string(&f->owner_code, in, "owner_unit_code", 0)) < 0 ||
	    (rc = resolve_codes(f, db)) < 0 ||
	    (rc = indicator_report_kinds(&f->report_kinds, json_object_get(in, "report_kinds"))) < 0)
		return rc;
	const json_t *registry = json_object_get(in, "registry");
	if (registry && !json_is_null(registry)) {
		if (f->formula)
			return err_set(ERR_INVALID, "'registry': an indicator has a formula or is computed from the registry, not both");
		if ((rc = registry_spec_check(&f->registry, registry)) < 0)
			return rc;
		if (strcmp(f->aggregation, "sum") != 0)
			return err_set(ERR_INVALID, "'aggregation': an indicator computed from the registry is a sum over units");
	}
	if ((rc = check_code(f->code)) < 0)
		return rc;
	if (!*f->name_vi)
		return err_set(ERR_INVALID, "'name_vi' is empty");
	if (!in_list(indicator_directions, f->direction))
		return err_set(ERR_INVALID, "'direction' must be up (higher is better), down (lower is better) or exact");
	if (!in_list(indicator_aggregations, f->aggregation))
		return err_set(ERR_INVALID, "'aggregation' must be sum, mean, weighted_mean, min, max or none");
	if (strcmp(f->aggregation, "weighted_mean") == 0) {
		int64_t found = 0;
		if (!f->weight_code)
			return err_set(ERR_INVALID, "'weight_code' names the indicator that weights a weighted mean");
		if ((rc = db_run(db, &found, "SELECT COUNT(*) FROM indicator WHERE code = ?", "t", f->weight_code)) < 0)
			return rc;
		if (!found)
			return err_set(ERR_INVALID, "'weight_code': no indicator with code '%s'", f->weight_code);
	}
	if (f->has_year && (f->baseline_year < 1900 || f->baseline_year > 9999))
		return err_set(ERR_INVALID, "'baseline_year' must be a year");
	if (f->has_baseline && !isfinite(f->baseline_value))
		return err_set(ERR_INVALID, "'baseline_value' must be a number");
	if (f->formula) {
		expr e;
		if ((rc = expr_compile(&e, f->formula)) < 0)
			return err_set(ERR_INVALID, "'formula': %s", err_msg());
		if ((rc = check_operands(db, &e, f->code, 0)) < 0)
			return rc;
	}
	int64_t found = 0;
	if (f->has_objective &&
	    ((rc = db_run(db, &found, "SELECT COUNT(*) FROM objective WHERE id = ?", "i", (int64_t)f->objective_id)) < 0 || !found))
		return rc < 0 ? rc : err_set(ERR_INVALID, "'objective_id': no objective with id %lld", f->objective_id);
	if (f->has_owner &&
	    ((rc = db_run(db, &found, "SELECT COUNT(*) FROM unit WHERE id = ?", "i", (int64_t)f->owner_unit_id)) < 0 || !found))
		return rc < 0 ? rc : err_set(ERR_INVALID, "'owner_unit_id': no unit with id %lld", f->owner_unit_id);
	return 0;
}

static int insert_indicator(int64_t *out, db_conn *db, const ind_fields *f, const char *name, const char *folded)
{
	char now[TIME_ISO_SIZE];
	int64_t id = 0;
	time_now_iso(now);
	int rc = db_run(db, &id,
		"INSERT INTO indicator (code, name_vi, name_en, name_folded, measure, direction, aggregation, weight_code, "
		"formula, baseline_year, public, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"RETURNING id",
		"tttttttttiitt", f->code, name, f->name_en, folded, f->measure, f->direction, f->aggregation, f->weight_code,
		f->formula, (int64_t)(f->has_year ? f->baseline_year : 0), (int64_t)(f->has_public ? f->is_public : 1), now,
		now);
	if (rc == ERR_CONFLICT)
		return err_set(ERR_CONFLICT, "an indicator with code '%s' exists already", f->code);
	if (rc < 0)
		return rc;
	*out = id;
	if (!f->has_year)
		rc = db_run(db, NULL, "UPDATE indicator SET baseline_year = NULL WHERE id = ?", "i", id);
	if (rc == 0 && f->has_baseline)
		rc = db_run(db, NULL, "UPDATE indicator SET baseline_value = ? WHERE id = ?", "di", f->baseline_value, id);
	if (rc == 0 && f->has_objective)
		rc = db_run(db, NULL, "UPDATE indicator SET objective_id = ? WHERE id = ?", "ii", (int64_t)f->objective_id, id);
	if (rc == 0 && f->has_owner)
		rc = db_run(db, NULL, "UPDATE indicator SET owner_unit_id = ? WHERE id = ?", "ii", (int64_t)f->owner_unit_id, id);
	if (rc == 0 && f->report_kinds)
		rc = db_run(db, NULL, "UPDATE indicator SET report_kinds = ? WHERE id = ?", "ti", f->report_kinds, id);
	if (rc == 0 && f->registry)
		rc = db_run(db, NULL, "UPDATE indicator SET registry = ? WHERE id = ?", "ti", f->registry, id);
	return rc;
}

static int audit_ind(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before)
{
	json_t *after;
	char id_text[24];
	int rc = indicator_get(&after, db, id);
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	if (rc == 0)
		rc = audit_append_json(db, who, action, "indicator", id_text, before, after);
	json_decref(after);
	return rc;
}

int indicator_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	ind_fields f;
	char *name = NULL, *folded = NULL;
	int rc;
	if ((rc = read_fields(&f, db, in)) == 0 && (rc = utf8_nfc(&name, f.name_vi, strlen(f.name_vi))) == 0 &&
	    (rc = vn_fold(&folded, name, strlen(name))) == 0 && (rc = insert_indicator(out_id, db, &f, name, folded)) == 0 &&
	    (rc = insert_targets(db, *out_id, json_object_get(in, "targets"))) == 0 &&
	    (!f.registry || (rc = registry_refresh_indicator(db, *out_id)) == 0))
		rc = audit_ind(db, who, "create", *out_id, NULL);
	free(f.report_kinds);
	free(f.registry);
	free(name);
	free(folded);
	return rc;
}

int indicator_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = indicator_insert(out_id, db, who, in)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int indicator_id_by_code(int64_t *out, db_conn *db, const char *code)
{
	int rc;
	*out = 0;
	if ((rc = db_run(db, out, "SELECT id FROM indicator WHERE code = ?", "t", code)) < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "no indicator with code '%s'", code);
}

int indicator_report_kinds(char **out, const json_t *in)
{
	*out = NULL;
	if (!in || json_is_null(in))
		return 0;
	if (!json_is_array(in) || json_array_size(in) == 0)
		return err_set(ERR_INVALID, "'report_kinds' lists the kinds of unit that report the indicator, or is null for every kind");
	str s = STR_INIT;
	size_t i;
	json_t *k;
	json_array_foreach(in, i, k) {
		const char *kind = json_string_value(k);
		if (!kind || !unit_kind_valid(kind)) {
			str_free(&s);
			return err_set(ERR_INVALID, "'report_kinds': '%.40s' is not a kind of unit", kind ? kind : "?");
		}
		if (s.len)
			str_appendc(&s, ',');
		str_append(&s, kind);
	}
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out = str_detach(&s);
	return 0;
}

/* The completeness threshold of the body, NaN when it gives none. */
static int threshold_of(double *out, const json_t *in)
{
	const json_t *x = json_object_get(in, "completeness_threshold");
	*out = NAN;
	if (!x)
		return 0;
	if (!json_is_number(x) || !(json_number_value(x) > 0 && json_number_value(x) <= 100))
		return err_set(ERR_INVALID, "'completeness_threshold' is a percentage above 0 and at most 100");
	*out = json_number_value(x);
	return 0;
}

int indicator_set_report_kinds(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	json_t *before = NULL;
	char *kinds = NULL, now[TIME_ISO_SIZE];
	double threshold;
	bool set_kinds = json_object_get(in, "report_kinds") != NULL;
	int rc;
	time_now_iso(now);
	if ((rc = json_require_object(in, "the reporting level")) < 0 ||
	    (rc = indicator_report_kinds(&kinds, json_object_get(in, "report_kinds"))) < 0 || (rc = threshold_of(&threshold, in)) < 0)
		return rc;
	if (!set_kinds && isnan(threshold)) {
		free(kinds);
		return err_set(ERR_INVALID, "give 'report_kinds', 'completeness_threshold' or both");
	}
	if ((rc = db_begin_write(db)) < 0) {
		free(kinds);
		return rc;
	}
	if ((rc = indicator_get(&before, db, id)) < 0 ||
	    (set_kinds && (rc = db_run(db, NULL, "UPDATE indicator SET report_kinds = ?, updated_at = ? WHERE id = ?", "tti", kinds,
				  now, id)) < 0) ||
	    (!isnan(threshold) && (rc = db_run(db, NULL, "UPDATE indicator SET completeness_threshold = ?, updated_at = ? WHERE id = ?",
					 "dti", threshold, now, id)) < 0) ||
	    (rc = registry_refresh_indicator(db, id)) < 0 || (rc = audit_ind(db, who, "reporting", id, before)) < 0) {
		db_rollback(db);
	} else {
		rc = db_commit(db);
	}
	json_decref(before);
	free(kinds);
	return rc;
}

int indicator_set_targets(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	json_t *before = NULL;
	int rc;
	if (!json_is_array(in))
		return err_set(ERR_INVALID, "the body must be an array of {unit_code, period, value}");
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = indicator_get(&before, db, id)) < 0 ||
	    (rc = db_run(db, NULL, "DELETE FROM indicator_target WHERE indicator_id = ?", "i", id)) < 0 ||
	    (rc = insert_targets(db, id, in)) < 0 || (rc = audit_ind(db, who, "targets", id, before)) < 0) {
		json_decref(before);
		db_rollback(db);
		return rc;
	}
	json_decref(before);
	return db_commit(db);
}
