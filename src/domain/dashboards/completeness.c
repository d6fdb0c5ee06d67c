/* completeness: reporting rates by child unit, from the value statuses
 * in the database and the expected reporters of the roll-up cache. */
#include "domain/dashboards/completeness.h"
#include "util/err.h"
#include "util/period.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MISSING_MAX 100

enum { DONE_REPORTED = 1, DONE_APPROVED = 2, DONE_ON_TIME = 4 };

typedef struct status_row {
	int64_t unit_id;
	int done;   /* DONE_* */
} status_row;

/* The statuses of every unit's value of the indicator for the period
 * (malloc'd). */
static int statuses_read(status_row **out, int *n_out, db_conn *db, int64_t indicator_id, const char *period)
{
	db_stmt *s;
	int rc, n = 0, cap = 0;
	status_row *rows = NULL;
	if ((rc = db_prepare(&s, db,
		     "SELECT unit_id, status, late FROM indicator_value "
		     "WHERE indicator_id = ? AND period = ? AND status IN ('submitted', 'approved')")) < 0)
		return rc;
	db_bind_int64(s, 1, indicator_id);
	db_bind_text(s, 2, period);
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			status_row *r = realloc(rows, (size_t)cap * sizeof(*r));
			if (!r) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			rows = r;
		}
		const char *status = db_column_text(s, 1);
		rows[n].unit_id = db_column_int64(s, 0);
		rows[n].done = DONE_REPORTED | (status && strcmp(status, "approved") == 0 ? DONE_APPROVED : 0) |
			(db_column_int64(s, 2) ? 0 : DONE_ON_TIME);
		n++;
	}
	db_finalize(s);
	if (rc < 0) {
		free(rows);
		return rc;
	}
	*out = rows;
	*n_out = n;
	return 0;
}

typedef struct counts {
	int expected, reported, approved, on_time;
} counts;

static json_t *rate(int part, int whole)
{
	return whole > 0 ? json_real(100.0 * part / whole) : json_null();
}

static void counts_set(json_t *o, const counts *c)
{
	json_object_set_new(o, "expected", json_integer(c->expected));
	json_object_set_new(o, "reported", json_integer(c->reported));
	json_object_set_new(o, "approved", json_integer(c->approved));
	json_object_set_new(o, "on_time", json_integer(c->on_time));
	json_object_set_new(o, "rate", rate(c->reported, c->expected));
	json_object_set_new(o, "approved_rate", rate(c->approved, c->expected));
	json_object_set_new(o, "on_time_rate", rate(c->on_time, c->expected));
}

/* Counts over the expected units of slots [a, b). */
static counts count_range(const rollup_indicator *I, const unsigned char *done, int a, int b)
{
	counts c = { 0 };
	for (int i = a; i < b; i++) {
		if (I->expected_before[i + 1] == I->expected_before[i])
			continue;
		c.expected++;
		c.reported += (done[i] & DONE_REPORTED) != 0;
		c.approved += (done[i] & DONE_APPROVED) != 0;
		c.on_time += (done[i] & DONE_ON_TIME) != 0;
	}
	return c;
}

static json_t *unit_ref(const rollup_unit *u)
{
	return json_pack("{s:I, s:s?, s:s, s:s}", "unit_id", (json_int_t)u->id, "code", u->code, "name", u->name, "kind", u->kind);
}

/* The latest period (by end) in which ind has an approved value. */
static const rollup_period *latest_period(const rollup_view *v, int ind)
{
	const rollup_indicator *I = &v->indicators[ind];
	for (int k = v->n_periods - 1; k >= 0; k--) {
		int pi = v->period_order[k];
		if (pi < I->n_columns && I->columns[pi] && v->periods[pi].p.kind != PERIOD_CUMULATIVE)
			return &v->periods[pi];
	}
	return NULL;
}

static int build(json_t **out, const rollup_view *v, int ind, int slot, const char *code, const status_row *rows, int n_rows)
{
	const rollup_indicator *I = &v->indicators[ind];
	int a = slot < 0 ? 0 : slot, b = slot < 0 ? v->n_units : v->units[slot].end;
	unsigned char *done = calloc((size_t)(v->n_units ? v->n_units : 1), 1);
	if (!done)
		return err_set(ERR_NOMEM, "out of memory");
	for (int r = 0; r < n_rows; r++) {
		int at = rollup_unit_slot(v, rows[r].unit_id);
		if (at >= 0)
			done[at] = (unsigned char)rows[r].done;
	}
	period p;
	char label[PERIOD_LABEL_MAX];
	period_parse(&p, code, strlen(code));
	period_format_vi(&p, label);
	json_t *o = json_pack("{s:{s:I, s:s, s:s, s:s?}, s:o, s:s, s:s, s:f}", "indicator", "id", (json_int_t)I->id, "code",
		I->code, "name_vi", I->name_vi, "name_en", I->name_en, "unit",
		slot < 0 ? json_pack("{s:n, s:n, s:s, s:s}", "unit_id", "code", "name", "Tất cả đơn vị", "kind", "all") :
			unit_ref(&v->units[slot]),
		"period", code, "label_vi", label, "threshold", I->threshold);
	json_t *total = json_object(), *children = json_array(), *missing = json_array();
	counts all = count_range(I, done, a, b);
	counts_set(total, &all);
	for (int pos = (slot < 0 ? 0 : slot + 1); pos < b; pos = v->units[pos].end) {
		counts c = count_range(I, done, pos, v->units[pos].end);
		if (c.expected == 0)
			continue;
		json_t *row = unit_ref(&v->units[pos]);
		counts_set(row, &c);
		json_array_append_new(children, row);
	}
	for (int i = a; i < b && json_array_size(missing) < MISSING_MAX; i++)
		if (I->expected_before[i + 1] > I->expected_before[i] && !(done[i] & DONE_REPORTED))
			json_array_append_new(missing, unit_ref(&v->units[i]));
	json_object_set_new(o, "total", total);
	json_object_set_new(o, "children", children);
	json_object_set_new(o, "missing", missing);
	free(done);
	*out = o;
	return 0;
}

int completeness_report(json_t **out, rollup_cache *cache, db_conn *db, int64_t indicator_id, int64_t unit_id,
	const char *period_code, bool all_indicators)
{
	rollup_view v;
	status_row *rows = NULL;
	int n_rows = 0, rc;
	char code[16] = "";
	if (period_code) {
		period p;
		if (period_parse(&p, period_code, strlen(period_code)) < 0)
			return err_set(ERR_INVALID, "'period': %s", err_msg());
		period_format(&p, code);
	}
	if ((rc = rollup_open(&v, cache, db)) < 0)
		return rc;
	int ind = rollup_indicator_index(&v, indicator_id);
	int slot = unit_id ? rollup_unit_slot(&v, unit_id) : v.n_units > 0 && v.units[0].end == v.n_units ? 0 : -1;
	if (ind < 0 || (!all_indicators && !v.indicators[ind].public))
		rc = err_set(ERR_NOTFOUND, "no indicator with id %lld", (long long)indicator_id);
	else if (unit_id && slot < 0)
		rc = err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)unit_id);
	else if (!*code) {
		const rollup_period *latest = latest_period(&v, ind);
		if (!latest)
			rc = err_set(ERR_INVALID, "'period': no value of '%s' has been approved yet; give a period", v.indicators[ind].code);
		else
			memcpy(code, latest->code, sizeof(code));
	}
	rollup_close(&v);
	if (rc < 0)
		return rc;
	/* the statuses first, then a view again: no query runs under the
	 * cache's read lock */
	if ((rc = statuses_read(&rows, &n_rows, db, indicator_id, code)) < 0)
		return rc;
	if ((rc = rollup_open(&v, cache, db)) == 0) {
		ind = rollup_indicator_index(&v, indicator_id);
		slot = unit_id ? rollup_unit_slot(&v, unit_id) : v.n_units > 0 && v.units[0].end == v.n_units ? 0 : -1;
		rc = ind < 0 || (unit_id && slot < 0) ? err_set(ERR_NOTFOUND, "no indicator with id %lld", (long long)indicator_id) :
			build(out, &v, ind, slot, code, rows, n_rows);
		rollup_close(&v);
	}
	free(rows);
	return rc;
}
