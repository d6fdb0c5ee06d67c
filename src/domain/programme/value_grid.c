/* value_grid: the data-entry grid of one unit and period (value_grid.h),
 * built on the Excel template's rows so that the sheet and the screen
 * list the same indicators with the same last value and target. */
#include "domain/programme/value_grid.h"
#include "domain/programme/exchange.h"
#include "util/err.h"
#include "util/period.h"

#include <string.h>

static bool editable(const char *status)
{
	return !status || strcmp(status, "draft") == 0 || strcmp(status, "returned") == 0;
}

/* The indicator's and the value's ids of each row, by indicator code. */
static int add_ids(json_t *rows, db_conn *db, int64_t unit_id, const char *code)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT i.code, i.id, v.id FROM indicator i LEFT JOIN indicator_value v "
				    "ON v.indicator_id = i.id AND v.unit_id = ? AND v.period = ? WHERE i.formula IS NULL AND i.registry IS NULL");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, unit_id);
	db_bind_text(s, 2, code);
	json_t *ids = json_object();
	while ((rc = db_step(s)) == DB_ROW)
		json_object_set_new(ids, db_column_text(s, 0), json_pack("[I, o]", (json_int_t)db_column_int64(s, 1),
			db_column_is_null(s, 2) ? json_null() : json_integer(db_column_int64(s, 2))));
	db_finalize(s);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const json_t *pair = json_object_get(ids, json_string_value(json_object_get(row, "indicator_code")));
		json_object_set(row, "indicator_id", pair ? json_array_get(pair, 0) : json_null());
		json_object_set(row, "value_id", pair ? json_array_get(pair, 1) : json_null());
	}
	json_decref(ids);
	return rc < 0 ? rc : 0;
}

/* A row without a target of the unit's own shows the nearest enclosing
 * unit's (the city's, usually), naming that unit: the first ending on or
 * after the period's end, else the latest. */
static int inherited_target(json_t *row, db_conn *db, int64_t unit_id, const period *p)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT t.period, t.value, u.id, u.name, LENGTH(u.path) FROM indicator_target t "
				    "JOIN unit u ON u.id = t.unit_id JOIN unit me ON me.id = ? "
				    "WHERE t.indicator_id = ? AND u.id <> me.id AND me.path LIKE u.path || '%' "
				    "ORDER BY LENGTH(u.path) DESC");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, unit_id);
	db_bind_int64(s, 2, json_integer_value(json_object_get(row, "indicator_id")));
	long end = date_to_days(period_end(p)), best = 0;
	int64_t depth = -1;
	bool after = false;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *code = db_column_text(s, 0);
		period tp;
		if (depth >= 0 && db_column_int64(s, 4) != depth)
			break;   /* only the nearest unit that has targets */
		if (!code || period_parse(&tp, code, strlen(code)) < 0)
			continue;
		depth = db_column_int64(s, 4);
		long e = date_to_days(period_end(&tp));
		bool better = e >= end ? (!after || e < best) : (!after && e > best);
		if (!better)
			continue;
		best = e;
		after = e >= end;
		char canonical[16], words[PERIOD_LABEL_MAX];
		period_format(&tp, canonical);
		period_format_vi(&tp, words);
		json_object_set_new(row, "target", json_real(db_column_double(s, 1)));
		json_object_set_new(row, "target_period", json_string(canonical));
		json_object_set_new(row, "target_label", json_string(words));
		json_object_set_new(row, "target_unit", json_pack("{s:I, s:s}", "id", (json_int_t)db_column_int64(s, 2), "name",
			db_column_text(s, 3)));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int value_grid(json_t **out, db_conn *db, int64_t unit_id, const char *period_text, bool may_write)
{
	json_t *tpl;
	period p;
	int rc;
	*out = NULL;
	if (!period_text || !*period_text)
		return err_set(ERR_INVALID, "'%s' is required", "period");
	if (period_parse(&p, period_text, strlen(period_text)) < 0)
		return err_set(ERR_INVALID, "'period': %s", err_msg());
	if ((rc = exchange_template(&tpl, db, unit_id, period_text)) < 0)
		return rc;
	json_t *rows = json_object_get(tpl, "values");
	json_incref(rows);
	json_object_del(tpl, "values");
	const json_t *prev = json_object_get(tpl, "previous_period");
	bool any = false;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *status = json_string_value(json_object_get(row, "status"));
		const char *target_period = json_string_value(json_object_get(row, "target_period"));
		char words[PERIOD_LABEL_MAX] = "";
		period tp;
		if (target_period && period_parse(&tp, target_period, strlen(target_period)) == 0)
			period_format_vi(&tp, words);
		json_object_set(row, "previous_period", (json_t *)prev);
		json_object_set_new(row, "target_label", *words ? json_string(words) : json_null());
		json_object_set_new(row, "can_edit", json_boolean(may_write && editable(status)));
		json_object_del(row, "unit_code");
		json_object_del(row, "unit_name");
		json_object_del(row, "period");
		any = any || (may_write && editable(status));
	}
	rc = add_ids(rows, db, unit_id, json_string_value(json_object_get(tpl, "period")));
	json_array_foreach(rows, i, row)
		if (rc == 0 && json_is_null(json_object_get(row, "target")))
			rc = inherited_target(row, db, unit_id, &p);
	if (rc < 0) {
		json_decref(rows);
		json_decref(tpl);
		return rc;
	}
	json_object_set_new(tpl, "can_edit", json_boolean(any));
	json_object_set_new(tpl, "rows", rows);
	*out = tpl;
	return 0;
}
