/* exchange: validating and saving value rows; CSV and DHIS2 readers and
 * writers. */
#include "domain/exchange.h"
#include "domain/audit.h"
#include "domain/value.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"

#include <sodium.h>

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

/* ------------------------------------------------------------ lookups */

/* A small open-addressing map from codes to what the import needs to
 * know about them, loaded once per import instead of a query per row. */
typedef struct code_entry {
	char *code;
	int64_t id;
	int flag;               /* indicator: derived; unit: may report (-1 unknown) */
	char *path;
} code_entry;

typedef struct code_map {
	code_entry *slots;
	size_t cap;
} code_map;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static code_entry *map_slot(code_map *m, const char *code)
{
	size_t i = hash_str(code) & (m->cap - 1);
	while (m->slots[i].code && strcmp(m->slots[i].code, code) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static const code_entry *map_get(code_map *m, const char *code)
{
	code_entry *e = map_slot(m, code);
	return e->code ? e : NULL;
}

static void map_free(code_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].code);
		free(m->slots[i].path);
	}
	free(m->slots);
}

/* Loads "SELECT code, id, flag, path" rows into m. */
static int map_load(code_map *m, db_conn *db, const char *count_sql, const char *sql)
{
	int64_t n = 0;
	int rc = db_run(db, &n, count_sql, "");
	if (rc < 0)
		return rc;
	m->cap = 16;
	while (m->cap < (size_t)n * 2 + 16)
		m->cap *= 2;
	if (!(m->slots = calloc(m->cap, sizeof(code_entry))))
		return err_set(ERR_NOMEM, "out of memory");
	db_stmt *s;
	if ((rc = db_prepare(&s, db, sql)) < 0)
		return rc;
	int64_t loaded = 0;
	while ((rc = db_step(s)) == DB_ROW && loaded < n) {
		const char *code = db_column_text(s, 0);
		if (!code)
			continue;
		code_entry *e = map_slot(m, code);
		if (e->code)
			continue;
		e->code = strdup(code);
		e->id = db_column_int64(s, 1);
		e->flag = (int)db_column_int64(s, 2);
		e->path = db_column_text(s, 3) ? strdup(db_column_text(s, 3)) : NULL;
		loaded++;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The keys of submitted and approved values: a file may not change them. */
typedef struct key_set {
	value_key *keys;
	size_t n;
} key_set;

static int cmp_vkey(const void *a, const void *b)
{
	const value_key *x = a, *y = b;
	if (x->indicator_id != y->indicator_id)
		return x->indicator_id < y->indicator_id ? -1 : 1;
	if (x->unit_id != y->unit_id)
		return x->unit_id < y->unit_id ? -1 : 1;
	return strcmp(x->period, y->period);
}

static int locked_load(key_set *k, db_conn *db)
{
	int64_t n = 0;
	int rc = db_run(db, &n, "SELECT COUNT(*) FROM indicator_value WHERE status IN ('submitted', 'approved')", "");
	memset(k, 0, sizeof(*k));
	if (rc < 0)
		return rc;
	if (!(k->keys = calloc((size_t)n + 1, sizeof(value_key))))
		return err_set(ERR_NOMEM, "out of memory");
	db_stmt *s;
	if ((rc = db_prepare(&s, db, "SELECT indicator_id, unit_id, period FROM indicator_value "
				     "WHERE status IN ('submitted', 'approved')")) < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW && k->n < (size_t)n) {
		value_key *v = &k->keys[k->n++];
		v->indicator_id = db_column_int64(s, 0);
		v->unit_id = db_column_int64(s, 1);
		snprintf(v->period, sizeof(v->period), "%s", db_column_text(s, 2));
	}
	db_finalize(s);
	qsort(k->keys, k->n, sizeof(value_key), cmp_vkey);
	return rc < 0 ? rc : 0;
}

typedef struct lookups {
	code_map indicators, units;
	key_set locked;
} lookups;

static int lookups_load(lookups *l, db_conn *db)
{
	int rc;
	memset(l, 0, sizeof(*l));
	if ((rc = map_load(&l->indicators, db, "SELECT COUNT(*) FROM indicator",
		     "SELECT code, id, CASE WHEN formula IS NULL THEN 0 ELSE 1 END, NULL FROM indicator")) < 0 ||
	    (rc = map_load(&l->units, db, "SELECT COUNT(*) FROM unit WHERE code IS NOT NULL",
		     "SELECT code, id, -1, path FROM unit WHERE code IS NOT NULL")) < 0)
		return rc;
	return locked_load(&l->locked, db);
}

static void lookups_free(lookups *l)
{
	map_free(&l->indicators);
	map_free(&l->units);
	free(l->locked.keys);
}

/* ------------------------------------------------------------ checking */

static void check_row(bool *ok, checked *c, lookups *l, const principal *who, const exchange_row *row,
	const exchange_source *src, json_t *problems)
{
	*ok = true;
	memset(c, 0, sizeof(*c));
	const char *ind = cell(row, EX_INDICATOR), *unit = cell(row, EX_UNIT), *per = cell(row, EX_PERIOD), *val = cell(row, EX_VALUE);
	const code_entry *ie = map_get(&l->indicators, ind);
	if (!ie) {
		problem(problems, row, src, EX_INDICATOR, "no indicator with code '%.60s'", ind);
		*ok = false;
	} else if (ie->flag) {
		problem(problems, row, src, EX_INDICATOR, "%s is computed from its formula; it takes no values", ind);
		*ok = false;
	} else {
		c->key.indicator_id = ie->id;
	}
	code_entry *ue = map_slot(&l->units, unit);
	if (!ue->code) {
		problem(problems, row, src, EX_UNIT, "no unit with code '%.60s'", unit);
		*ok = false;
	} else {
		if (ue->flag < 0)
			ue->flag = authz_check(who, ACT_REPORT_WRITE, ue->path) == 0;
		if (!ue->flag) {
			problem(problems, row, src, EX_UNIT, "you may not report for unit %s", unit);
			*ok = false;
		}
		c->key.unit_id = ue->id;
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
	if (*ok && l->locked.n && bsearch(&c->key, l->locked.keys, l->locked.n, sizeof(value_key), cmp_vkey)) {
		problem(problems, row, src, EX_VALUE, "the value of %s for %s in %s is submitted or approved and cannot change",
			ind, unit, c->key.period);
		*ok = false;
	}
	if (!*ok)
		c->key.indicator_id = 0;
}

static int cmp_key(const void *a, const void *b)
{
	return cmp_vkey(&((const checked *)a)->key, &((const checked *)b)->key);
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

/* ------------------------------------------------------------- writing */

/* One reused upsert and one history insert per row, in one transaction;
 * one audit entry for the whole import carries the counts and a SHA-256
 * over the rows saved, so the history can be checked against it. */
typedef struct writer {
	db_stmt *upsert, *history;
	char now[TIME_ISO_SIZE];
	char deadline_period[16], deadline[11];
	int64_t deadline_days;
	crypto_hash_sha256_state digest;
} writer;

static int writer_open(writer *w, db_conn *db)
{
	int64_t set = 0;
	int rc;
	memset(w, 0, sizeof(*w));
	time_now_iso(w->now);
	w->deadline_days = VALUE_DEFAULT_DEADLINE_DAYS;
	if ((rc = db_run(db, &set, "SELECT COUNT(*) FROM setting WHERE key = 'report_deadline_days'", "")) < 0 ||
	    (set && (rc = db_run(db, &w->deadline_days, "SELECT value FROM setting WHERE key = 'report_deadline_days'", "")) < 0))
		return rc;
	crypto_hash_sha256_init(&w->digest);
	if ((rc = db_prepare(&w->upsert, db,
		     "INSERT INTO indicator_value (indicator_id, unit_id, period, value, note, status, deadline, updated_by, updated_at) "
		     "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?) ON CONFLICT (indicator_id, unit_id, period) DO UPDATE SET "
		     "value = excluded.value, note = excluded.note, status = 'draft', reason = NULL, "
		     "updated_by = excluded.updated_by, updated_at = excluded.updated_at "
		     "WHERE indicator_value.status IN ('draft', 'returned') RETURNING id")) < 0)
		return rc;
	return db_prepare(&w->history, db,
		"INSERT INTO indicator_value_history (value_id, at, person_id, action, status, value, note) "
		"VALUES (?, ?, ?, 'import', 'draft', ?, ?)");
}

static void writer_close(writer *w)
{
	db_finalize(w->upsert);
	db_finalize(w->history);
}

static int write_row(writer *w, const principal *who, const checked *c, const char *note, int row)
{
	int64_t id = 0;
	int rc;
	if (strcmp(w->deadline_period, c->key.period) != 0) {
		period p;
		period_parse(&p, c->key.period, strlen(c->key.period));
		date_format_iso(period_deadline(&p, (int)w->deadline_days), w->deadline);
		snprintf(w->deadline_period, sizeof(w->deadline_period), "%s", c->key.period);
	}
	db_reset(w->upsert);
	db_bind_int64(w->upsert, 1, c->key.indicator_id);
	db_bind_int64(w->upsert, 2, c->key.unit_id);
	db_bind_text_static(w->upsert, 3, c->key.period);
	db_bind_double(w->upsert, 4, c->value);
	db_bind_text_static(w->upsert, 5, note);
	db_bind_text_static(w->upsert, 6, w->deadline);
	if (who->person_id)
		db_bind_int64(w->upsert, 7, who->person_id);
	else
		db_bind_null(w->upsert, 7);
	db_bind_text_static(w->upsert, 8, w->now);
	if ((rc = db_step(w->upsert)) == DB_ROW)
		id = db_column_int64(w->upsert, 0);
	if (rc < 0)
		return rc;
	if (!id)
		return err_set(ERR_CONFLICT, "row %d: the value was submitted meanwhile and cannot change", row);
	db_reset(w->history);
	db_bind_int64(w->history, 1, id);
	db_bind_text_static(w->history, 2, w->now);
	if (who->person_id)
		db_bind_int64(w->history, 3, who->person_id);
	else
		db_bind_null(w->history, 3);
	db_bind_double(w->history, 4, c->value);
	db_bind_text_static(w->history, 5, note);
	if ((rc = db_step(w->history)) < 0)
		return rc;
	char line[160];
	int n = snprintf(line, sizeof(line), "%lld|%lld|%s|%.17g\n", (long long)c->key.indicator_id,
		(long long)c->key.unit_id, c->key.period, c->value);
	crypto_hash_sha256_update(&w->digest, (const unsigned char *)line, (unsigned long long)n);
	return 0;
}

static int save_all(exchange_result *r, db_conn *db, const principal *who, const checked *c, const exchange_row *rows, int n)
{
	writer w;
	int64_t before = 0, after = 0;
	int rc;
	/* SQLite's default 2 MB page cache makes large imports thrash; this
	 * connection may use up to 256 MB while it writes. */
	if (db_conn_kind(db) == DB_SQLITE && n > 10000 && (rc = db_exec(db, "PRAGMA cache_size = -262144")) < 0)
		return rc;
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = db_run(db, &before, "SELECT COUNT(*) FROM indicator_value", "")) < 0 || (rc = writer_open(&w, db)) < 0)
		goto fail;
	for (int i = 0; i < n && rc == 0; i++) {
		const char *note = rows[i].f[EX_NOTE] && *rows[i].f[EX_NOTE] ? rows[i].f[EX_NOTE] : NULL;
		rc = write_row(&w, who, &c[i], note, rows[i].row);
	}
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256_final(&w.digest, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	writer_close(&w);
	if (rc < 0 || (rc = db_run(db, &after, "SELECT COUNT(*) FROM indicator_value", "")) < 0)
		goto fail;
	r->created = (int)(after - before);
	r->updated = n - r->created;
	json_t *summary = json_pack("{s:i, s:i, s:i, s:s}", "rows", n, "created", r->created, "updated", r->updated,
		"rows_sha256", hex);
	rc = audit_append_json(db, who, "import", "indicator_value", NULL, NULL, summary);
	json_decref(summary);
	if (rc < 0)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	r->created = r->updated = 0;
	return rc;
}

int exchange_import(exchange_result *r, db_conn *db, const principal *who, const exchange_row *rows, int n,
	const exchange_source *src, bool dry_run)
{
	lookups l;
	int rc;
	memset(r, 0, sizeof(*r));
	r->total = n;
	checked *c = calloc(n > 0 ? (size_t)n : 1, sizeof(*c));
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	json_t *problems = json_array();
	if ((rc = lookups_load(&l, db)) == 0) {
		for (int i = 0; i < n; i++) {
			bool ok;
			check_row(&ok, &c[i], &l, who, &rows[i], src, problems);
		}
		duplicates(c, rows, n, src, problems);
	}
	lookups_free(&l);
	if (rc == 0 && json_array_size(problems) > 0) {
		r->problems = json_incref(problems);
		rc = err_set(ERR_INVALID, "%zu problem(s) in the data; nothing was saved", json_array_size(problems));
	}
	if (rc == 0 && !dry_run)
		rc = save_all(r, db, who, c, rows, n);
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
