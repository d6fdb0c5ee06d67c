/* listing_exchange: listings in and out as CSV or an .xlsx workbook (a
 * fair's catalogue): every cell checked and a bad one named by line and
 * column, one transaction; the export reads back to no change. */
#include "domain/market/listing.h"
#include "domain/market/listing_internal.h"
#include "domain/market/market_search.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/json.h"
#include "util/log.h"
#include "util/str.h"
#include "util/table.h"
#include "util/utf8.h"
#include "util/xlsx.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns before the fields: the id, the kind and the status. */
enum { C_ID = -3, C_KIND = -2, C_STATUS = -1, C_NONE = -100 };
static const char *const head_names[] = { "id", "kind", "status" };
static const char *const head_titles[] = { "Mã tin", "Loại tin", "Trạng thái" };

/* ------------------------------------------------------------------ import */

typedef struct import_state {
	listing_import_result *r;
	db_conn *db;
	const principal *who;
	int col[CSV_MAX_FIELDS];        /* a field index, C_ID.. C_STATUS, or C_NONE */
	char *title[CSV_MAX_FIELDS];    /* as the header wrote it */
	int width;
} import_state;

static void problem(import_state *st, int line, int c)
{
	json_t *p = json_pack("{s:i}", "line", line);
	if (c >= 0) {
		char letter[4];
		if (c < 26)
			snprintf(letter, sizeof(letter), "%c", 'A' + c);
		else
			snprintf(letter, sizeof(letter), "%c%c", 'A' + c / 26 - 1, 'A' + c % 26);
		json_object_set_new(p, "column", json_string(letter));
		json_object_set_new(p, "title", json_string(st->title[c] ? st->title[c] : ""));
		int k = st->col[c];
		if (k >= 0)
			json_object_set_new(p, "field", json_string(listing__fields[k].name));
		else if (k != C_NONE)
			json_object_set_new(p, "field", json_string(head_names[k + 3]));
	}
	json_array_append_new(st->r->problems, json_err_detail(p));
}

static bool same_folded(const char *a, const char *b)
{
	char *fa = NULL, *fb = NULL;
	bool same = vn_fold(&fa, a, strlen(a)) == 0 && vn_fold(&fb, b, strlen(b)) == 0 && strcmp(fa, fb) == 0;
	free(fa);
	free(fb);
	return same;
}

static int read_header(import_state *st, const csv_record *h)
{
	bool have_kind = false, have_title = false;
	st->width = h->n;
	for (int c = 0; c < h->n && c < CSV_MAX_FIELDS; c++) {
		st->col[c] = C_NONE;
		st->title[c] = strdup(h->f[c]);
		if (!*h->f[c])
			continue;
		for (int k = 0; k < 3 && st->col[c] == C_NONE; k++)
			if (same_folded(h->f[c], head_names[k]) || same_folded(h->f[c], head_titles[k]))
				st->col[c] = k - 3;
		for (int k = 0; k < listing__n_fields && st->col[c] == C_NONE; k++)
			if (same_folded(h->f[c], listing__fields[k].name) || same_folded(h->f[c], listing__fields[k].title))
				st->col[c] = k;
		have_kind |= st->col[c] == C_KIND;
		have_title |= st->col[c] == F_TITLE;
	}
	if (!have_kind || !have_title) {
		err_set(ERR_INVALID, "line %d: the header needs the columns kind and title; the columns are the field names of an export",
			h->line);
		problem(st, h->line, -1);
		return ERR_INVALID;
	}
	return 0;
}

/* A cell as written, without the quote an export puts before a text a
 * spreadsheet would run as a formula. */
static const char *cell_text(const char *v)
{
	return v[0] == '\'' && csv_cell_is_formula(v + 1) ? v + 1 : v;
}

static bool digits(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (!isdigit((unsigned char)*v))
			return false;
	return true;
}

/* The organisation a cell names by id or by name (marks and case ignored). */
static int organisation_named(int64_t *out, db_conn *db, const char *v)
{
	char *folded = NULL;
	int64_t n = 0;
	int rc;
	if (digits(v)) {
		*out = strtoll(v, NULL, 10);
		return 0;
	}
	if ((rc = vn_fold(&folded, v, strlen(v))) < 0)
		return rc;
	if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM organisation WHERE name_folded = ? AND status <> 'merged'", "t", folded)) == 0 &&
	    n == 1)
		rc = db_run(db, out, "SELECT id FROM organisation WHERE name_folded = ? AND status <> 'merged'", "t", folded);
	free(folded);
	if (rc < 0)
		return rc;
	if (n != 1)
		return err_set(ERR_INVALID, "'%s': no single organisation is named '%s'", "organisation_id", v);
	return 0;
}

/* The JSON value of a cell of field f (never empty). */
static int cell_json(json_t **out, db_conn *db, const listing_field *f, const char *v)
{
	char *end = NULL;
	*out = NULL;
	switch (f->type) {
	case LF_INT:
	case LF_PERSON:
		if (!digits(v))
			return err_set(ERR_INVALID, "'%s' must be a whole number", f->name);
		*out = json_integer(strtoll(v, NULL, 10));
		return 0;
	case LF_ORG: {
		int64_t id = 0;
		int rc = organisation_named(&id, db, v);
		if (rc < 0)
			return rc;
		*out = json_integer(id);
		return 0;
	}
	case LF_REAL: {
		double x = strtod(v, &end);
		if (end == v || *end || !isfinite(x))
			return err_set(ERR_INVALID, "'%s' must be a number of 0 or more", f->name);
		*out = json_real(x);
		return 0;
	}
	case LF_BOOL: {
		char *b = NULL;
		if (vn_fold(&b, v, strlen(v)) < 0)
			return err_set(ERR_NOMEM, "out of memory");
		bool yes = !strcmp(b, "1") || !strcmp(b, "true") || !strcmp(b, "co") || !strcmp(b, "x");
		bool no = !strcmp(b, "0") || !strcmp(b, "false") || !strcmp(b, "khong");
		free(b);
		if (!yes && !no)
			return err_set(ERR_INVALID, "'%s' must be true or false", f->name);
		*out = json_boolean(yes);
		return 0;
	}
	case LF_SET: {
		json_t *a = json_array();
		char *copy = strdup(v), *save = NULL;
		for (char *t = copy ? strtok_r(copy, ";,", &save) : NULL; t; t = strtok_r(NULL, ";,", &save)) {
			while (*t == ' ')
				t++;
			size_t n = strlen(t);
			while (n && t[n - 1] == ' ')
				t[--n] = '\0';
			if (n)
				json_array_append_new(a, json_string(t));
		}
		free(copy);
		*out = a;
		return 0;
	}
	default:
		*out = json_string(v);
		return 0;
	}
}

static int column_of(const import_state *st, int k)
{
	for (int c = 0; c < st->width && c < CSV_MAX_FIELDS; c++)
		if (st->col[c] == k)
			return c;
	return -1;
}

static const char *cell_of(const import_state *st, const csv_record *rec, int k)
{
	int c = column_of(st, k);
	return c >= 0 && c < rec->n ? cell_text(rec->f[c]) : NULL;
}

/* The row's fields as JSON (an empty cell: null when updating, left out
 * when creating). ERR_INVALID with the problem listed. */
static int row_json(json_t **out, import_state *st, const csv_record *rec, bool creating)
{
	json_t *o = json_object();
	int rc = 0;
	for (int c = 0; c < st->width && c < rec->n && c < CSV_MAX_FIELDS; c++) {
		int k = st->col[c];
		if (k < 0)
			continue;
		const char *v = cell_text(rec->f[c]);
		json_t *x;
		if (!*v) {
			if (!creating)
				json_object_set_new(o, listing__fields[k].name, json_null());
			continue;
		}
		int e = cell_json(&x, st->db, &listing__fields[k], v);
		if (e == ERR_INVALID) {
			problem(st, rec->line, c);
			rc = ERR_INVALID;
			continue;
		}
		if (e < 0) {
			json_decref(o);
			return e;
		}
		json_object_set_new(o, listing__fields[k].name, x);
	}
	if (rc == 0 && (rc = json_nfc(o)) == 0) {
		*out = o;
		return 0;
	}
	json_decref(o);
	return rc;
}

static int import_row(import_state *st, const csv_record *rec)
{
	const char *id_cell = cell_of(st, rec, C_ID), *kind = cell_of(st, rec, C_KIND), *status = cell_of(st, rec, C_STATUS);
	int64_t id = 0, new_id = 0;
	json_t *o = NULL;
	int rc, bad = -1;
	const char *action = "unchanged";
	st->r->total++;
	if (id_cell && *id_cell) {
		int64_t n = 0;
		if (!digits(id_cell) ||
		    ((rc = db_run(st->db, &n, "SELECT COUNT(*) FROM listing WHERE id = ?", "i", (int64_t)strtoll(id_cell, NULL, 10))) == 0 && !n)) {
			err_set(ERR_INVALID, "no listing with id %s", id_cell);
			problem(st, rec->line, column_of(st, C_ID));
			return 0;
		}
		if (rc < 0)
			return rc;
		id = strtoll(id_cell, NULL, 10);
	}
	if (!id && !listing__kind_bit(kind)) {
		err_set(ERR_INVALID, "'%s' must be one of %s", "kind", "offer, problem, expert");
		problem(st, rec->line, column_of(st, C_KIND));
		return 0;
	}
	if (!id && status && *status && strcmp(status, "draft") != 0 && strcmp(status, "submitted") != 0 &&
	    strcmp(status, "published") != 0) {
		err_set(ERR_INVALID, "'%s' must be one of %s", "status", "draft, submitted, published");
		problem(st, rec->line, column_of(st, C_STATUS));
		return 0;
	}
	if ((rc = row_json(&o, st, rec, !id)) < 0)
		return rc == ERR_INVALID ? 0 : rc;
	json_t *before = NULL;
	if (id) {
		if ((rc = listing__load(&before, st->db, id)) < 0)
			goto done;
		kind = json_string_value(json_object_get(before, "kind"));
		kind = kind && !strcmp(kind, "offer") ? "offer" : kind && !strcmp(kind, "problem") ? "problem" : "expert";
	}
	listing_value vals[LISTING_MAX_FIELDS];
	rc = listing__values_read(vals, &bad, st->db, o, kind, !id);
	if (rc == 0)
		rc = listing__dates_check(vals, &bad, before);
	listing__values_free(vals);
	json_decref(before);
	if (rc == 0) {
		bool changed = false;
		if (id) {
			rc = listing_update_in(&changed, st->db, st->who, id, o);
			if (rc == 0 && changed) {
				action = "update";
				st->r->updated++;
			} else if (rc == 0) {
				st->r->unchanged++;
			}
		} else {
			json_object_set_new(o, "kind", json_string(kind));
			rc = listing_insert(&new_id, st->db, st->who, o, status && *status ? status : "published");
			if (rc == 0) {
				action = "create";
				st->r->created++;
			}
		}
	}
	if (rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_FORBIDDEN) {
		problem(st, rec->line, bad >= 0 ? column_of(st, bad) : -1);
		rc = 0;
		goto done;
	}
	if (rc == 0)
		json_array_append_new(st->r->rows, json_pack("{s:i, s:s, s:I, s:s}", "line", rec->line, "action", action, "id",
			(json_int_t)(id ? id : new_id), "title", json_string_value(json_object_get(o, "title")) ?
			json_string_value(json_object_get(o, "title")) : ""));
done:
	json_decref(o);
	return rc;
}

static int import_rows(import_state *st, table_reader *rd)
{
	csv_record rec;
	int rc;
	bool header = false;
	while ((rc = table_read(rd, &rec)) == 1) {
		if (!header) {
			header = true;
			if ((rc = read_header(st, &rec)) < 0)
				return rc;
			continue;
		}
		bool extra = false;
		for (int c = st->width; c < rec.n; c++)
			extra |= *rec.f[c] != '\0';
		if (extra) {
			st->r->total++;
			err_set(ERR_INVALID, "line %d has more cells than the header", rec.line);
			problem(st, rec.line, -1);
			continue;
		}
		if ((rc = import_row(st, &rec)) < 0)
			return rc;
	}
	if (rc == 0 && !header)
		return err_set(ERR_INVALID, "the file is empty: it needs a header row and a row per listing");
	return rc < 0 ? rc : 0;
}

int listing_import(listing_import_result *r, db_conn *db, const principal *who, const char *data, size_t len,
	bool dry_run)
{
	import_state st = { .r = r, .db = db, .who = who };
	table_reader rd;
	int rc;
	memset(r, 0, sizeof(*r));
	r->rows = json_array();
	r->problems = json_array();
	if (!listing_operator(who))
		return err_set(ERR_FORBIDDEN, "only the market operator imports listings");
	if ((rc = table_open(&rd, data, len)) < 0) {
		table_free(&rd);
		return rc;
	}
	if ((rc = db_begin_write(db)) < 0) {
		table_free(&rd);
		return rc;
	}
	rc = import_rows(&st, &rd);
	table_free(&rd);
	for (int c = 0; c < CSV_MAX_FIELDS; c++)
		free(st.title[c]);
	if (rc == 0 && json_array_size(r->problems))
		rc = err_set(ERR_INVALID, "%zu rows of the file are not right; nothing was saved", json_array_size(r->problems));
	if (rc < 0 || dry_run) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) < 0)
		return rc;
	if ((r->created || r->updated) && market_search_changed(db, 0) < 0)
		log_warn("the market's search index did not read the import: %s", err_msg());
	return 0;
}

/* ------------------------------------------------------------------ export */

/* The text of field k of record rec as a cell. */
static void field_cell(str *out, const json_t *rec, int k)
{
	const json_t *v = json_object_get(rec, listing__fields[k].name);
	str_clear(out);
	if (!v || json_is_null(v))
		return;
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			str_appendf(out, "%s%s", i ? ";" : "", json_string_value(x));
	} else if (json_is_string(v)) {
		str_append(out, json_string_value(v));
	} else if (json_is_integer(v)) {
		str_appendf(out, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		str_appendf(out, "%.17g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		str_append(out, json_is_true(v) ? "1" : "0");
	}
}

int listing_export(char **out, size_t *len, db_conn *db, bool xlsx)
{
	db_stmt *s;
	json_t *ids = json_array();
	int rc;
	*out = NULL;
	*len = 0;
	if ((rc = db_prepare(&s, db, "SELECT id FROM listing ORDER BY id")) < 0) {
		json_decref(ids);
		return rc;
	}
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(ids, json_integer(db_column_int64(s, 0)));
	db_finalize(s);
	int n_cols = 3 + listing__n_fields;
	const char **head = calloc((size_t)n_cols, sizeof(*head));
	str csv = STR_INIT, cell = STR_INIT;
	xlsx_writer w;
	xlsx_writer_init(&w, "Tin");
	if (!head)
		rc = err_set(ERR_NOMEM, "out of memory");
	for (int k = 0; head && k < n_cols; k++) {
		head[k] = k < 3 ? head_names[k] : listing__fields[k - 3].name;
		if (!xlsx)
			str_appendf(&csv, "%s%s", k ? "," : "", head[k]);
	}
	if (xlsx && head)
		xlsx_header(&w, head, n_cols);
	else
		str_append(&csv, "\r\n");
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		json_t *rec;
		if (rc < 0 || (rc = listing__load(&rec, db, json_integer_value(v))) < 0 || !rec)
			break;
		if (xlsx)
			xlsx_row(&w);
		for (int k = 0; k < n_cols; k++) {
			if (k == 0) {
				str_clear(&cell);
				str_appendf(&cell, "%lld", (long long)json_integer_value(v));
			} else if (k < 3) {
				str_clear(&cell);
				str_append(&cell, json_string_value(json_object_get(rec, head_names[k])));
			} else {
				field_cell(&cell, rec, k - 3);
			}
			if (xlsx) {
				xlsx_text(&w, str_cstr(&cell));
			} else {
				if (k)
					str_appendc(&csv, ',');
				csv_append_field(&csv, str_cstr(&cell));
			}
		}
		if (!xlsx)
			str_append(&csv, "\r\n");
		json_decref(rec);
	}
	json_decref(ids);
	free(head);
	str_free(&cell);
	if (rc == 0 && xlsx) {
		rc = xlsx_finish(&w, out, len);
	} else if (rc == 0) {
		if (str_oom(&csv))
			rc = err_set(ERR_NOMEM, "out of memory");
		else {
			*len = csv.len;
			*out = str_detach(&csv);
		}
	}
	xlsx_writer_free(&w);
	str_free(&csv);
	return rc;
}
