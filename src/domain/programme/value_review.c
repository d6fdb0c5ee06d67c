/* value_review: submitting and approving values many at a time, and what a
 * list item or a reviewer needs beside the value itself. */
#include "domain/programme/value_review.h"
#include "domain/programme/attachment.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREND_MAX 6

/* ------------------------------------------------------------------ bulk */

int value_ids_to_submit(int64_t **out, size_t *n, db_conn *db, arena *a, int64_t unit_id, const char *unit_code,
	const char *period)
{
	db_stmt *s;
	size_t cap = 16;
	int rc = db_prepare(&s, db,
		"SELECT v.id FROM indicator_value v WHERE v.indicator_id IN (SELECT id FROM indicator) AND v.unit_id = ? "
		"AND v.period = ? AND v.status IN ('draft', 'returned') ORDER BY v.id");
	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, unit_id);
	db_bind_text(s, 2, period);
	int64_t *ids = arena_alloc(a, cap * sizeof(*ids));
	while (ids && (rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			int64_t *more = arena_alloc(a, 2 * cap * sizeof(*ids));
			if (more)
				memcpy(more, ids, cap * sizeof(*ids));
			ids = more;
			cap *= 2;
			if (!ids)
				break;
		}
		ids[(*n)++] = db_column_int64(s, 0);
	}
	db_finalize(s);
	if (!ids)
		return err_set(ERR_NOMEM, "out of memory");
	if (rc < 0)
		return rc;
	if (*n == 0)
		return err_set(ERR_CONFLICT, "unit '%s' has no draft or returned value for %s", unit_code, period);
	*out = ids;
	return 0;
}

/* The refusal of value id as a detail: the error just set (its code,
 * message, template and params) and the row it is about. */
static json_t *refusal(db_conn *db, int64_t id, int code)
{
	json_t *d = json_err_describe();
	if (!d)
		d = json_object();
	json_object_set_new(d, "id", json_integer(id));
	json_object_set_new(d, "code", json_string(err_name(code)));
	json_object_set_new(d, "message", json_string(err_msg()));
	db_stmt *s;
	if (db_prepare(&s, db, "SELECT i.code, u.code, u.name, v.period FROM indicator_value v JOIN indicator i ON "
			       "i.id = v.indicator_id JOIN unit u ON u.id = v.unit_id WHERE v.id = ?") == 0) {
		db_bind_int64(s, 1, id);
		if (db_step(s) == DB_ROW) {
			json_object_set_new(d, "indicator_code", json_string(db_column_text(s, 0)));
			json_object_set_new(d, "unit_code", json_string(db_column_text(s, 1)));
			json_object_set_new(d, "unit_name", json_string(db_column_text(s, 2)));
			json_object_set_new(d, "period", json_string(db_column_text(s, 3)));
		}
		db_finalize(s);
	}
	return d;
}

/* Checks and applies step to value id; a refusal is appended to refused
 * (its code in *code), a failure of the database is returned. */
static int bulk_one(db_conn *db, arena *a, const principal *who, int64_t id, value_step step, json_t *refused, int *code)
{
	const char *path, *status;
	int rc = value_lookup(&path, &status, db, a, id);
	if (rc == 0)
		rc = authz_check(who, step == VALUE_SUBMIT ? ACT_REPORT_WRITE : ACT_APPROVE, path);
	if (rc == 0)
		rc = value_step_in_tx(db, who, id, step, NULL);
	if (rc == ERR_NOTFOUND || rc == ERR_FORBIDDEN || rc == ERR_UNAUTHORIZED || rc == ERR_CONFLICT || rc == ERR_INVALID) {
		*code = *code == 0 || *code == rc ? rc : ERR_INVALID;
		json_array_append_new(refused, refusal(db, id, rc));
		return 0;
	}
	return rc;
}

int value_bulk_step(json_t **out, json_t **refused, db_conn *db, const principal *who, const int64_t *ids, size_t n,
	value_step step)
{
	arena a;
	int code = 0, rc;
	*out = *refused = NULL;
	if (step != VALUE_SUBMIT && step != VALUE_APPROVE)
		return err_set(ERR_INVALID, "only submit and approve apply to many values");
	if (n == 0)
		return err_set(ERR_INVALID, "'ids': name at least one value");
	if (n > VALUE_BULK_MAX)
		return err_set(ERR_INVALID, "'ids': at most %d values at once", VALUE_BULK_MAX);
	json_t *bad = json_array(), *done = json_array();
	arena_init(&a, 4096);
	if ((rc = db_begin_write(db)) < 0)
		goto finish;
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = ids[j] == ids[i];
		if (seen)
			continue;
		size_t before = json_array_size(bad);
		if ((rc = bulk_one(db, &a, who, ids[i], step, bad, &code)) == 0 && json_array_size(bad) == before) {
			json_t *v;
			if ((rc = value_get(&v, db, ids[i])) == 0)
				json_array_append_new(done, v);
		}
	}
	if (rc == 0 && json_array_size(bad) > 0) {
		size_t n_bad = json_array_size(bad);
		db_rollback(db);
		rc = step == VALUE_SUBMIT
			? err_set(code, "%zu of %zu values cannot be submitted; none was saved", n_bad, n_bad + json_array_size(done))
			: err_set(code, "%zu of %zu values cannot be approved; none was changed", n_bad, n_bad + json_array_size(done));
		*refused = bad;
		bad = NULL;
		goto finish;
	}
	if (rc < 0) {
		db_rollback(db);
		goto finish;
	}
	if ((rc = db_commit(db)) == 0) {
		*out = json_pack("{s:I, s:O}", "count", (json_int_t)json_array_size(done), "values", done);
		if (!*out)
			rc = err_set(ERR_NOMEM, "out of memory");
	}
finish:
	json_decref(bad);
	json_decref(done);
	arena_free(&a);
	return rc;
}

/* ---------------------------------------------------------------- detail */

static json_t *text_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_string(db_column_text(s, i));
}

static int last_return(json_t **out, db_stmt *s, int64_t id)
{
	int rc;
	*out = json_null();
	db_reset(s);
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		json_decref(*out);
		*out = json_pack("{s:o, s:o, s:o, s:o}", "reason", text_or_null(s, 0), "at", text_or_null(s, 1), "by",
			text_or_null(s, 2), "by_name", text_or_null(s, 3));
	}
	return rc < 0 ? rc : 0;
}

static void add_labels(json_t *item)
{
	const char *code = json_string_value(json_object_get(item, "period"));
	char vi[64], en[64];
	period p;
	if (!code || period_parse(&p, code, strlen(code)) < 0) {
		err_clear();
		return;
	}
	period_label_vi(&p, vi, sizeof(vi));
	period_label_en(&p, en, sizeof(en));
	json_object_set_new(item, "period_label_vi", json_string(vi));
	json_object_set_new(item, "period_label_en", json_string(en));
}

/* What who may do with item, whose unit lies at path. */
static json_t *can_of(const principal *who, const char *status, const char *path)
{
	bool open = strcmp(status, "draft") == 0 || strcmp(status, "returned") == 0;
	bool waiting = strcmp(status, "submitted") == 0;
	bool report = open && path && authz_check(who, ACT_REPORT_WRITE, path) == 0;
	bool approve = waiting && path && authz_check(who, ACT_APPROVE, path) == 0;
	err_clear();
	return json_pack("{s:b, s:b, s:b, s:b}", "edit", report, "submit", report, "approve", approve, "return", approve);
}

int value_items_detail(json_t *values, db_conn *db, const principal *who)
{
	db_stmt *ret = NULL, *unit = NULL;
	int rc;
	if ((rc = db_prepare(&ret, db, "SELECT h.reason, h.at, p.login, p.name FROM indicator_value_history h LEFT JOIN "
				       "person p ON p.id = h.person_id WHERE h.value_id = ? AND h.action = 'return' "
				       "ORDER BY h.id DESC LIMIT 1")) < 0 ||
	    (rc = db_prepare(&unit, db, "SELECT path FROM unit WHERE id = ?")) < 0)
		goto done;
	int64_t path_of = 0;
	char path[320] = "";
	size_t i;
	json_t *item;
	json_array_foreach(values, i, item) {
		int64_t id = json_integer_value(json_object_get(item, "id"));
		int64_t unit_id = json_integer_value(json_object_get(item, "unit_id"));
		const char *status = json_string_value(json_object_get(item, "status"));
		if (unit_id != path_of) {
			path[0] = '\0';
			db_reset(unit);
			db_bind_int64(unit, 1, unit_id);
			if ((rc = db_step(unit)) == DB_ROW)
				snprintf(path, sizeof(path), "%s", db_column_text(unit, 0));
			else if (rc < 0)
				goto done;
			path_of = unit_id;
		}
		json_t *ret_json, *evidence;
		if ((rc = last_return(&ret_json, ret, id)) < 0)
			goto done;
		json_object_set_new(item, "last_return", ret_json);
		if ((rc = attachment_list(&evidence, db, "indicator_value", id)) < 0)
			goto done;
		json_object_set_new(item, "evidence", evidence);
		json_object_set_new(item, "can", can_of(who, status ? status : "", path[0] ? path : NULL));
		add_labels(item);
	}
	rc = 0;
done:
	db_finalize(ret);
	db_finalize(unit);
	return rc;
}

/* --------------------------------------------------------------- context */

static long end_day(const char *code)
{
	period p;
	if (!code || period_parse(&p, code, strlen(code)) < 0) {
		err_clear();
		return -1;
	}
	return date_to_days(period_end(&p));
}

static int previous_of(json_t **out, db_stmt *s, int64_t indicator_id, int64_t unit_id, const period *p)
{
	period prev = period_prev(p);
	char code[16];
	int rc;
	*out = json_null();
	if (!period_valid(&prev))
		return 0;
	period_format(&prev, code);
	db_reset(s);
	db_bind_int64(s, 1, indicator_id);
	db_bind_int64(s, 2, unit_id);
	db_bind_text(s, 3, code);
	if ((rc = db_step(s)) == DB_ROW) {
		json_decref(*out);
		*out = json_pack("{s:s, s:f, s:s}", "period", code, "value", db_column_double(s, 0), "status",
			db_column_text(s, 1));
	}
	return rc < 0 ? rc : 0;
}

/* The unit's approved values of p's kind ending before p, the last
 * TREND_MAX of them, oldest first. */
static int trend_of(json_t **out, db_stmt *s, int64_t indicator_id, int64_t unit_id, const period *p)
{
	json_t *newest_first = json_array();
	long end = date_to_days(period_end(p));
	int rc;
	db_reset(s);
	db_bind_int64(s, 1, indicator_id);
	db_bind_int64(s, 2, unit_id);
	while ((rc = db_step(s)) == DB_ROW && json_array_size(newest_first) < TREND_MAX) {
		const char *code = db_column_text(s, 0);
		period q;
		if (period_parse(&q, code, strlen(code)) < 0) {
			err_clear();
			continue;
		}
		if (q.kind != p->kind || date_to_days(period_end(&q)) >= end)
			continue;
		json_array_append_new(newest_first, json_pack("{s:s, s:f}", "period", code, "value", db_column_double(s, 1)));
	}
	*out = json_array();
	for (size_t i = json_array_size(newest_first); i-- > 0;)
		json_array_append(*out, json_array_get(newest_first, i));
	json_decref(newest_first);
	return rc < 0 ? rc : 0;
}

/* The target to judge a value of the unit at unit_path by (see the header). */
static int target_of(json_t **out, db_stmt *s, int64_t indicator_id, int64_t unit_id, const char *unit_path, long from)
{
	size_t best_depth = 0;
	long best_end = 0;
	bool best_next = false;
	int rc;
	*out = json_null();
	db_reset(s);
	db_bind_int64(s, 1, indicator_id);
	db_bind_text(s, 2, unit_path);
	while ((rc = db_step(s)) == DB_ROW) {
		size_t depth = strlen(db_column_text(s, 4));
		long end = end_day(db_column_text(s, 0));
		if (end < 0 || depth < best_depth)
			continue;
		bool next = end >= from;
		/* deeper unit first; then a target still ahead, the nearest; else the last */
		bool better = depth > best_depth || json_is_null(*out) ||
			(next && (!best_next || end < best_end)) || (!next && !best_next && end > best_end);
		if (!better)
			continue;
		json_decref(*out);
		*out = json_pack("{s:s, s:f, s:I, s:s, s:b}", "period", db_column_text(s, 0), "value", db_column_double(s, 1),
			"unit_id", (json_int_t)db_column_int64(s, 2), "unit_name", db_column_text(s, 3), "own",
			db_column_int64(s, 2) == unit_id);
		best_depth = depth;
		best_end = end;
		best_next = next;
	}
	return rc < 0 ? rc : 0;
}

int value_items_context(json_t *values, db_conn *db)
{
	db_stmt *prev = NULL, *trend = NULL, *target = NULL, *unit = NULL;
	int rc;
	if ((rc = db_prepare(&prev, db, "SELECT value, status FROM indicator_value WHERE indicator_id = ? AND unit_id = ? "
					"AND period = ? AND value IS NOT NULL")) < 0 ||
	    (rc = db_prepare(&trend, db, "SELECT period, value FROM indicator_value WHERE indicator_id = ? AND unit_id = ? "
					 "AND status = 'approved' AND value IS NOT NULL ORDER BY period DESC LIMIT 200")) < 0 ||
	    (rc = db_prepare(&target, db, "SELECT t.period, t.value, u.id, u.name, u.path FROM indicator_target t "
					  "JOIN unit u ON u.id = t.unit_id WHERE t.indicator_id = ? AND ? LIKE (u.path || '%')")) < 0 ||
	    (rc = db_prepare(&unit, db, "SELECT path FROM unit WHERE id = ?")) < 0)
		goto done;
	size_t i;
	json_t *item;
	json_array_foreach(values, i, item) {
		int64_t ind = json_integer_value(json_object_get(item, "indicator_id"));
		int64_t unit_id = json_integer_value(json_object_get(item, "unit_id"));
		const char *code = json_string_value(json_object_get(item, "period"));
		period p;
		if (!code || period_parse(&p, code, strlen(code)) < 0) {
			err_clear();
			continue;
		}
		char path[320] = "";
		db_reset(unit);
		db_bind_int64(unit, 1, unit_id);
		if ((rc = db_step(unit)) == DB_ROW)
			snprintf(path, sizeof(path), "%s", db_column_text(unit, 0));
		else if (rc < 0)
			goto done;
		json_t *x;
		if ((rc = previous_of(&x, prev, ind, unit_id, &p)) < 0)
			goto done;
		json_object_set_new(item, "previous", x);
		if ((rc = trend_of(&x, trend, ind, unit_id, &p)) < 0)
			goto done;
		json_object_set_new(item, "trend", x);
		if ((rc = target_of(&x, target, ind, unit_id, path, date_to_days(period_end(&p)))) < 0)
			goto done;
		json_object_set_new(item, "target", x);
	}
	rc = 0;
done:
	db_finalize(prev);
	db_finalize(trend);
	db_finalize(target);
	db_finalize(unit);
	return rc;
}

/* ----------------------------------------------------------------- count */

int value_count_waiting(int64_t *out, db_conn *db, const principal *who)
{
	str q = STR_INIT;
	int n = 0, rc;
	*out = 0;
	str_append(&q, "SELECT COUNT(*) FROM indicator_value v JOIN unit u ON u.id = v.unit_id WHERE v.status = 'submitted'");
	if (!who->cli) {
		str_append(&q, " AND (1=0");
		for (int i = 0; i < who->n_grants; i++)
			if (who->grants[i].role == ROLE_STEERING || who->grants[i].role == ROLE_ADMIN) {
				str_append(&q, " OR (u.path >= ? AND u.path < ?)");
				n++;
			}
		str_append(&q, ")");
	}
	if (!who->cli && n == 0) {
		str_free(&q);
		return 0;
	}
	db_stmt *s;
	rc = str_oom(&q) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, q.ptr);
	str_free(&q);
	if (rc < 0)
		return rc;
	int k = 1;
	for (int i = 0; !who->cli && i < who->n_grants; i++) {
		if (who->grants[i].role != ROLE_STEERING && who->grants[i].role != ROLE_ADMIN)
			continue;
		char end[320];
		snprintf(end, sizeof(end), "%s", who->grants[i].unit_path);
		end[strlen(end) - 1] = '0';   /* '0' follows '/': the first path after the subtree */
		db_bind_text(s, k++, who->grants[i].unit_path);
		db_bind_text(s, k++, end);
	}
	if ((rc = db_step(s)) == DB_ROW)
		*out = db_column_int64(s, 0);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}
