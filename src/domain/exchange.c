/* exchange: validating and saving value rows; CSV and DHIS2 readers and
 * writers. */
#include "domain/exchange.h"
#include "domain/value.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/period.h"
#include "util/str.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const field_names[EX_FIELDS] = { "indicator_code", "unit_code", "period", "value", "note" };

static void problem(json_t *list, const exchange_row *row, const exchange_source *src, int field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void problem(json_t *list, const exchange_row *row, const exchange_source *src, int field, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *p = json_pack("{s:i, s:s, s:s}", "row", row->row, "field", src->names[field], "message", msg);
	if (src->letters[field])
		json_object_set_new(p, "column", json_string(src->letters[field]));
	json_array_append_new(list, p);
}

/* Plain decimal numbers only ("1234.5", "-3", "0.25"): "1.234,5" or
 * "12,5" are refused rather than guessed at. */
static bool parse_number(double *out, const char *s)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	size_t digits = strspn(p, "0123456789");
	if (digits == 0)
		return false;
	p += digits;
	if (*p == '.') {
		size_t frac = strspn(p + 1, "0123456789");
		if (frac == 0)
			return false;
		p += 1 + frac;
	}
	if (*p)
		return false;
	*out = strtod(s, NULL);
	return isfinite(*out);
}

typedef struct checked {
	value_key key;
	double value;
	int index;              /* of the row, for messages */
} checked;

static const char *cell(const exchange_row *row, int f) { return row->f[f] ? row->f[f] : ""; }

/* Checks one row; returns false (with problems added) when it is bad. */
static int check_row(bool *ok, checked *c, db_conn *db, const principal *who, const exchange_row *row,
	const exchange_source *src, json_t *problems)
{
	int64_t derived = 0;
	int rc;
	*ok = true;
	memset(c, 0, sizeof(*c));
	const char *ind = cell(row, EX_INDICATOR), *unit = cell(row, EX_UNIT), *per = cell(row, EX_PERIOD), *val = cell(row, EX_VALUE);
	if ((rc = db_run(db, &c->key.indicator_id, "SELECT id FROM indicator WHERE code = ?", "t", ind)) < 0 ||
	    (c->key.indicator_id &&
	     (rc = db_run(db, &derived, "SELECT COUNT(*) FROM indicator WHERE id = ? AND formula IS NOT NULL", "i",
		      c->key.indicator_id)) < 0))
		return rc;
	if (!c->key.indicator_id) {
		problem(problems, row, src, EX_INDICATOR, "no indicator with code '%.60s'", ind);
		*ok = false;
	} else if (derived) {
		problem(problems, row, src, EX_INDICATOR, "%s is computed from its formula; it takes no values", ind);
		*ok = false;
	}
	db_stmt *s;
	char path[320] = "";
	if ((rc = db_prepare(&s, db, "SELECT id, path FROM unit WHERE code = ?")) < 0)
		return rc;
	db_bind_text(s, 1, unit);
	if ((rc = db_step(s)) == DB_ROW) {
		c->key.unit_id = db_column_int64(s, 0);
		snprintf(path, sizeof(path), "%s", db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!c->key.unit_id) {
		problem(problems, row, src, EX_UNIT, "no unit with code '%.60s'", unit);
		*ok = false;
	} else if (authz_check(who, ACT_REPORT_WRITE, path) < 0) {
		problem(problems, row, src, EX_UNIT, "you may not report for unit %s", unit);
		*ok = false;
	}
	period p;
	if (period_parse(&p, per, strlen(per)) < 0) {
		problem(problems, row, src, EX_PERIOD, "%s", err_msg());
		*ok = false;
	} else {
		period_format(&p, c->key.period);
	}
	if (!parse_number(&c->value, val)) {
		problem(problems, row, src, EX_VALUE, "'%.40s' is not a number (digits with a dot for decimals, e.g. 1234.5)", val);
		*ok = false;
	}
	if (row->f[EX_NOTE] && strlen(row->f[EX_NOTE]) > 4000) {
		problem(problems, row, src, EX_NOTE, "the note is longer than 4000 bytes");
		*ok = false;
	}
	if (*ok) {
		char status[16] = "";
		if ((rc = db_prepare(&s, db, "SELECT status FROM indicator_value WHERE indicator_id = ? AND unit_id = ? AND period = ?")) < 0)
			return rc;
		db_bind_int64(s, 1, c->key.indicator_id);
		db_bind_int64(s, 2, c->key.unit_id);
		db_bind_text(s, 3, c->key.period);
		if ((rc = db_step(s)) == DB_ROW)
			snprintf(status, sizeof(status), "%s", db_column_text(s, 0));
		db_finalize(s);
		if (rc < 0)
			return rc;
		if (!strcmp(status, "submitted") || !strcmp(status, "approved")) {
			problem(problems, row, src, EX_VALUE, "the value of %s for %s in %s is %s and cannot change", ind, unit,
				c->key.period, status);
			*ok = false;
		}
	}
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const checked *x = a, *y = b;
	if (x->key.indicator_id != y->key.indicator_id)
		return x->key.indicator_id < y->key.indicator_id ? -1 : 1;
	if (x->key.unit_id != y->key.unit_id)
		return x->key.unit_id < y->key.unit_id ? -1 : 1;
	return strcmp(x->key.period, y->key.period);
}

/* The same indicator, unit and period twice in one file. */
static void duplicates(const checked *c, const exchange_row *rows, int n, const exchange_source *src, json_t *problems)
{
	if (n <= 1)
		return;
	checked *sorted = malloc(sizeof(*sorted) * (size_t)n);
	if (!sorted)
		return;
	int m = 0;
	for (int i = 0; i < n; i++)
		if (c[i].key.indicator_id) {
			sorted[m] = c[i];
			sorted[m].index = i;
			m++;
		}
	qsort(sorted, (size_t)m, sizeof(*sorted), cmp_key);
	for (int i = 1; i < m; i++)
		if (cmp_key(&sorted[i - 1], &sorted[i]) == 0)
			problem(problems, &rows[sorted[i].index], src, EX_PERIOD, "the same indicator, unit and period as row %d",
				rows[sorted[i - 1].index].row);
	free(sorted);
}

int exchange_import(exchange_result *r, db_conn *db, const principal *who, const exchange_row *rows, int n,
	const exchange_source *src, bool dry_run)
{
	checked *c = calloc(n > 0 ? (size_t)n : 1, sizeof(*c));
	int rc = 0;
	memset(r, 0, sizeof(*r));
	r->total = n;
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	json_t *problems = json_array();
	for (int i = 0; i < n && rc == 0; i++) {
		bool ok;
		rc = check_row(&ok, &c[i], db, who, &rows[i], src, problems);
	}
	if (rc == 0)
		duplicates(c, rows, n, src, problems);
	if (rc == 0 && json_array_size(problems) > 0) {
		r->problems = json_incref(problems);
		rc = err_set(ERR_INVALID, "%zu problem(s) in the data; nothing was saved", json_array_size(problems));
	}
	if (rc == 0 && !dry_run && (rc = db_begin_write(db)) == 0) {
		for (int i = 0; i < n && rc == 0; i++) {
			int64_t id;
			bool created;
			const char *note = rows[i].f[EX_NOTE] && *rows[i].f[EX_NOTE] ? rows[i].f[EX_NOTE] : NULL;
			if ((rc = value_save_in_tx(&id, &created, db, who, &c[i].key, c[i].value, note)) == 0) {
				if (created)
					r->created++;
				else
					r->updated++;
			} else {
				rc = err_set(rc, "row %d: %s", rows[i].row, err_msg());
			}
		}
		if (rc == 0)
			rc = db_commit(db);
		else {
			db_rollback(db);
			r->created = r->updated = 0;
		}
	}
	json_decref(problems);
	free(c);
	return rc;
}

/* ------------------------------------------------------------------ CSV */

void exchange_rows_free(exchange_rows *r)
{
	free(r->rows);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

int exchange_csv_read(exchange_rows *out, const char *csv, size_t len)
{
	static const char *const letters[] = { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J" };
	csv_reader rd;
	csv_record rec;
	int col[EX_FIELDS], rc, cap = 0;
	memset(out, 0, sizeof(*out));
	csv_init(&rd, csv, len);
	if ((rc = csv_read(&rd, &rec)) <= 0) {
		csv_free(&rd);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the file is empty (a header row is needed)");
	}
	for (int f = 0; f < EX_FIELDS; f++) {
		col[f] = -1;
		for (int i = 0; i < rec.n; i++)
			if (strcasecmp(rec.f[i], field_names[f]) == 0)
				col[f] = i;
		out->src.names[f] = field_names[f];
		out->src.letters[f] = col[f] >= 0 && col[f] < 10 ? letters[col[f]] : NULL;
		if (col[f] < 0 && f != EX_NOTE) {
			csv_free(&rd);
			return err_set(ERR_INVALID, "row 1: the header needs the column %s (indicator_code, unit_code, period, value, "
						    "note)", field_names[f]);
		}
	}
	/* Each record's fields are copied into one text block that the rows
	 * point into, since the reader reuses its buffer. */
	str text = STR_INIT;
	size_t *offs = NULL;
	int *lines = NULL;
	while ((rc = csv_read(&rd, &rec)) == 1) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 256;
			size_t *o2 = realloc(offs, sizeof(size_t) * (size_t)cap * EX_FIELDS);
			int *l2 = realloc(lines, sizeof(int) * (size_t)cap);
			if (!o2 || !l2) {
				free(o2 ? o2 : offs);
				free(l2 ? l2 : lines);
				str_free(&text);
				csv_free(&rd);
				return err_set(ERR_NOMEM, "out of memory");
			}
			offs = o2;
			lines = l2;
		}
		lines[out->n] = rec.line;
		for (int f = 0; f < EX_FIELDS; f++) {
			offs[(size_t)out->n * EX_FIELDS + f] = text.len;
			str_append(&text, col[f] >= 0 && col[f] < rec.n ? rec.f[col[f]] : "");
			str_appendc(&text, '\0');
		}
		out->n++;
	}
	csv_free(&rd);
	if (rc < 0 || str_oom(&text) || !(out->rows = calloc((size_t)(out->n ? out->n : 1), sizeof(exchange_row)))) {
		rc = rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
		free(offs);
		free(lines);
		str_free(&text);
		out->n = 0;
		return rc;
	}
	out->text = str_detach(&text);
	for (int i = 0; i < out->n; i++) {
		out->rows[i].row = lines[i];
		for (int f = 0; f < EX_FIELDS; f++)
			out->rows[i].f[f] = out->text ? out->text + offs[(size_t)i * EX_FIELDS + f] : "";
	}
	free(offs);
	free(lines);
	return 0;
}

static void fmt_value(char out[40], const json_t *v)
{
	if (json_is_number(v))
		snprintf(out, 40, "%.15g", json_number_value(v));
	else
		out[0] = '\0';
}

int exchange_csv_write(char **out, size_t *len, const json_t *list)
{
	str s = STR_INIT;
	size_t i;
	json_t *v;
	str_append(&s, "indicator_code,unit_code,period,value,note\r\n");
	json_array_foreach(json_object_get(list, "values"), i, v) {
		char num[40];
		fmt_value(num, json_object_get(v, "value"));
		csv_append_field(&s, json_string_value(json_object_get(v, "indicator_code")));
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(v, "unit_code")));
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(v, "period")));
		str_appendf(&s, ",%s,", num);
		csv_append_field(&s, json_string_value(json_object_get(v, "note")));
		str_append(&s, "\r\n");
	}
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*len = s.len;
	*out = str_detach(&s);
	return 0;
}

/* ---------------------------------------------------------------- DHIS2 */

int exchange_dhis2_read(exchange_rows *out, const json_t *in)
{
	static const char *const names[EX_FIELDS] = { "dataElement", "orgUnit", "period", "value", "comment" };
	memset(out, 0, sizeof(*out));
	for (int f = 0; f < EX_FIELDS; f++)
		out->src.names[f] = names[f];
	const json_t *list = json_object_get(in, "dataValues");
	if (!json_is_object(in) || !json_is_array(list))
		return err_set(ERR_INVALID, "a dataValueSet is an object with a 'dataValues' array");
	const char *def_period = json_string_value(json_object_get(in, "period"));
	const char *def_unit = json_string_value(json_object_get(in, "orgUnit"));
	out->n = (int)json_array_size(list);
	out->rows = calloc((size_t)(out->n ? out->n : 1), sizeof(exchange_row));
	if (!out->rows)
		return err_set(ERR_NOMEM, "out of memory");
	size_t i;
	json_t *dv;
	json_array_foreach(list, i, dv) {
		exchange_row *r = &out->rows[i];
		r->row = (int)i;
		r->f[EX_INDICATOR] = json_string_value(json_object_get(dv, "dataElement"));
		r->f[EX_UNIT] = json_string_value(json_object_get(dv, "orgUnit"));
		r->f[EX_PERIOD] = json_string_value(json_object_get(dv, "period"));
		r->f[EX_VALUE] = json_string_value(json_object_get(dv, "value"));
		r->f[EX_NOTE] = json_string_value(json_object_get(dv, "comment"));
		if (!r->f[EX_UNIT])
			r->f[EX_UNIT] = def_unit;
		if (!r->f[EX_PERIOD])
			r->f[EX_PERIOD] = def_period;
	}
	return 0;
}

json_t *exchange_dhis2_write(const json_t *list)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(list, "values"), i, v) {
		char num[40];
		fmt_value(num, json_object_get(v, "value"));
		json_t *dv = json_pack("{s:O, s:O, s:O, s:s}", "dataElement", json_object_get(v, "indicator_code"), "orgUnit",
			json_object_get(v, "unit_code"), "period", json_object_get(v, "period"), "value", num);
		const char *note = json_string_value(json_object_get(v, "note"));
		if (note)
			json_object_set_new(dv, "comment", json_string(note));
		json_object_set_new(dv, "status", json_incref(json_object_get(v, "status")));
		json_array_append_new(out, dv);
	}
	return json_pack("{s:o}", "dataValues", out);
}
