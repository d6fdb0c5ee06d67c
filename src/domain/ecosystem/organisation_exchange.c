/* organisation_exchange: organisations in and out as CSV, and in from an
 * .xlsx workbook: every row checked and named, one transaction. */
#include "domain/ecosystem/organisation.h"
#include "domain/ecosystem/organisation_internal.h"
#include "domain/ecosystem/registry.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"
#include "util/utf8.h"
#include "util/xlsx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The columns of the file: the field each fills, its name in the header
 * and the Vietnamese title accepted instead. */
static const struct column {
	int field;
	const char *name, *title;
} columns[] = {
	{ ORG_F_KIND, "kind", "Loại hình" },
	{ ORG_F_NAME, "name", "Tên" },
	{ ORG_F_SHORT_NAME, "short_name", "Tên viết tắt" },
	{ ORG_F_ALIASES, "aliases", "Tên khác" },
	{ ORG_F_TAX_CODE, "tax_code", "Mã số thuế" },
	{ ORG_F_ROR, "ror", "Mã ROR" },
	{ ORG_F_OPENALEX, "openalex_id", "Mã OpenAlex" },
	{ ORG_F_UNIT, "unit_code", "Mã xã/phường" },
	{ ORG_F_ADDRESS, "address", "Địa chỉ" },
	{ ORG_F_LAT, "lat", "Vĩ độ" },
	{ ORG_F_LON, "lon", "Kinh độ" },
	{ ORG_F_SECTORS, "sectors", "Lĩnh vực" },
	{ ORG_F_SIZE, "size", "Quy mô" },
	{ ORG_F_EMPLOYEES, "employees", "Số lao động" },
	{ ORG_F_FOUNDED_ON, "founded_on", "Ngày thành lập" },
	{ ORG_F_STATUS, "status", "Trạng thái" },
	{ ORG_F_ENDED_ON, "ended_on", "Ngày giải thể" },
	{ ORG_F_WEBSITE, "website", "Trang web" },
	{ ORG_F_EMAIL, "email", "Thư điện tử" },
	{ ORG_F_PHONE, "phone", "Điện thoại" },
	{ ORG_F_DESCRIPTION, "description", "Giới thiệu" },
	{ ORG_F_PUBLISHED, "published", "Công khai" },
};
#define N_COLUMNS ((int)(sizeof(columns) / sizeof(columns[0])))

/* ------------------------------------------------------------------ import */

typedef struct import_state {
	organisation_import_result *r;
	db_conn *db;
	const principal *who;
	bool have_header;
	int col[CSV_MAX_FIELDS];        /* the columns[] entry of each file column, -1: ignored */
	const char *title[CSV_MAX_FIELDS];   /* as the header wrote it */
	char *header_text[CSV_MAX_FIELDS];
	int width;
	bool header_bad;                /* no name column: the rows are not read */
} import_state;

static const char *const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* Lists the last error as the problem of line's column c (-1: the row). */
static void problem(import_state *st, int line, int c)
{
	json_t *p = json_pack("{s:i}", "line", line);
	if (c >= 0) {
		char letter[4];
		if (c < 26)
			snprintf(letter, sizeof(letter), "%c", letters[c]);
		else
			snprintf(letter, sizeof(letter), "%c%c", letters[c / 26 - 1], letters[c % 26]);
		json_object_set_new(p, "column", json_string(letter));
		json_object_set_new(p, "title", json_string(st->title[c] ? st->title[c] : ""));
		if (st->col[c] >= 0)
			json_object_set_new(p, "field", json_string(columns[st->col[c]].name));
	}
	json_array_append_new(st->r->problems, json_err_detail(p));
}

static int read_header(import_state *st, const csv_record *rec)
{
	bool seen[N_COLUMNS] = { false };
	st->width = rec->n;
	for (int c = 0; c < rec->n; c++) {
		char *folded = NULL;
		st->col[c] = -1;
		st->header_text[c] = strdup(rec->f[c]);
		st->title[c] = st->header_text[c];
		if (!*rec->f[c])
			continue;
		if (vn_fold(&folded, rec->f[c], strlen(rec->f[c])) < 0)
			return ERR_NOMEM;
		for (int k = 0; k < N_COLUMNS; k++) {
			char *title = NULL;
			bool same = strcmp(folded, columns[k].name) == 0;
			if (!same && vn_fold(&title, columns[k].title, strlen(columns[k].title)) == 0)
				same = strcmp(folded, title) == 0;
			free(title);
			if (same && !seen[k]) {
				st->col[c] = k;
				seen[k] = true;
				break;
			}
		}
		free(folded);
	}
	if (!seen[1]) {
		err_set(ERR_INVALID, "line %d: the header needs the column name (Tên); the columns are the field names of an export", rec->line);
		json_array_append_new(st->r->problems, json_err_detail(json_pack("{s:i}", "line", rec->line)));
		st->header_bad = true;
	}
	st->have_header = true;
	return 0;
}

/* A cell as written, without the quote an export puts before a text a
 * spreadsheet would run as a formula. */
static const char *cell_text(const char *v)
{
	return v[0] == '\'' && csv_cell_is_formula(v + 1) ? v + 1 : v;
}

/* The row as the JSON the fields are read from; ERR_INVALID (problem
 * listed) for a cell that is not what its column holds. */
static int row_json(json_t **out, import_state *st, const csv_record *rec)
{
	json_t *o = json_object();
	int rc = 0;
	for (int c = 0; c < st->width && c < rec->n; c++) {
		if (st->col[c] < 0)
			continue;
		const struct column *col = &columns[st->col[c]];
		const char *v = cell_text(rec->f[c]);
		const char *key = col->field == ORG_F_UNIT ? "unit_code" : col->name;
		char *end = NULL;
		if (!*v) {
			if (col->field != ORG_F_KIND && col->field != ORG_F_NAME && col->field != ORG_F_STATUS &&
			    col->field != ORG_F_PUBLISHED)
				json_object_set_new(o, key, json_null());
			continue;
		}
		switch (col->field) {
		case ORG_F_LAT:
		case ORG_F_LON: {
			double x = strtod(v, &end);
			if (end == v || *end) {
				rc = err_set(ERR_INVALID, "'%s' must be a number", col->name);
				problem(st, rec->line, c);
				continue;
			}
			json_object_set_new(o, key, json_real(x));
			break;
		}
		case ORG_F_EMPLOYEES: {
			long long n = strtoll(v, &end, 10);
			if (end == v || *end || n < 0) {
				rc = err_set(ERR_INVALID, "'%s' must be a whole number of 0 or more", col->name);
				problem(st, rec->line, c);
				continue;
			}
			json_object_set_new(o, key, json_integer(n));
			break;
		}
		case ORG_F_PUBLISHED: {
			char *f = NULL;
			if (vn_fold(&f, v, strlen(v)) < 0)
				return ERR_NOMEM;
			bool yes = !strcmp(f, "1") || !strcmp(f, "true") || !strcmp(f, "co") || !strcmp(f, "x");
			bool no = !strcmp(f, "0") || !strcmp(f, "false") || !strcmp(f, "khong");
			free(f);
			if (!yes && !no) {
				rc = err_set(ERR_INVALID, "'%s' must be true or false", col->name);
				problem(st, rec->line, c);
				continue;
			}
			json_object_set_new(o, key, json_boolean(yes));
			break;
		}
		case ORG_F_ALIASES: {
			json_t *list = json_array();
			char *copy = strdup(v), *save = NULL;
			for (char *t = copy ? strtok_r(copy, ";", &save) : NULL; t; t = strtok_r(NULL, ";", &save))
				json_array_append_new(list, json_string(t));
			free(copy);
			json_object_set_new(o, key, list);
			break;
		}
		case ORG_F_TAX_CODE:
			/* A spreadsheet that took the code for a number dropped its
			 * leading zero (01 is Hà Nội's province): put it back. */
			if (strspn(v, "0123456789") == 9 && (!v[9] || (v[9] == '-' && strlen(v) == 13))) {
				char code[16];
				snprintf(code, sizeof(code), "0%s", v);
				json_object_set_new(o, key, json_string(code));
				break;
			}
			json_object_set_new(o, key, json_string(v));
			break;
		default:
			json_object_set_new(o, key, json_string(v));
		}
	}
	*out = o;
	return rc;
}

/* The file column of a field, for naming the cell at fault. */
static int column_of(const import_state *st, int field)
{
	for (int c = 0; c < st->width; c++)
		if (st->col[c] >= 0 && columns[st->col[c]].field == field)
			return c;
	return -1;
}

/* The organisation a row stands for: the one with its tax code, else its
 * ROR, else its OpenAlex id, else its folded name in its commune; 0: none. */
static int match(int64_t *out, db_conn *db, const organisation__fields *f)
{
	static const struct {
		int field;
		const char *sql;
	} keys[] = {
		{ ORG_F_TAX_CODE, "SELECT id FROM organisation WHERE tax_code = ? AND status <> 'merged'" },
		{ ORG_F_ROR, "SELECT id FROM organisation WHERE ror = ? AND status <> 'merged'" },
		{ ORG_F_OPENALEX, "SELECT id FROM organisation WHERE openalex_id = ? AND status <> 'merged'" },
	};
	int rc;
	*out = 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (f->text[keys[i].field])
			return db_run(db, out, keys[i].sql, "t", f->text[keys[i].field]);
	if (!f->folded)
		return 0;
	if (f->has[ORG_F_UNIT] && !f->null[ORG_F_UNIT])
		rc = db_run(db, out, "SELECT MIN(id) FROM organisation WHERE name_folded = ? AND unit_id = ? AND status <> 'merged'",
			"ti", f->folded, f->integer[ORG_F_UNIT]);
	else
		rc = db_run(db, out, "SELECT MIN(id) FROM organisation WHERE name_folded = ? AND unit_id IS NULL AND status <> 'merged'",
			"t", f->folded);
	return rc;
}

static int import_row(import_state *st, const csv_record *rec)
{
	organisation__fields f;
	json_t *o = NULL;
	int64_t id = 0, new_id = 0;
	int rc, bad = -1;
	const char *action = "unchanged";
	st->r->total++;
	if ((rc = row_json(&o, st, rec)) < 0) {
		json_decref(o);
		return rc == ERR_INVALID ? 0 : rc;
	}
	rc = organisation__fields_read(&f, &bad, st->db, o, false);
	if (rc == 0 && (rc = match(&id, st->db, &f)) == 0 && !id) {
		organisation__fields_free(&f);
		rc = organisation__fields_read(&f, &bad, st->db, o, true);
	}
	if (rc == 0)
		rc = organisation__fields_unique(&bad, st->db, id, &f);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT) {
		int c = bad >= 0 ? column_of(st, bad) : -1;
		problem(st, rec->line, c);
		rc = 0;
		goto done;
	}
	if (rc < 0 || json_array_size(st->r->problems))
		goto done;
	if (!id) {
		action = "create";
		if ((rc = organisation__fields_insert(&new_id, st->db, st->who, &f)) == 0)
			st->r->created++;
	} else {
		bool differ;
		if ((rc = organisation__fields_differ(&differ, st->db, id, &f)) == 0 && differ) {
			action = "update";
			if ((rc = organisation__fields_apply(st->db, st->who, id, &f)) == 0)
				st->r->updated++;
		} else if (rc == 0) {
			st->r->unchanged++;
		}
	}
	if (rc == 0)
		json_array_append_new(st->r->rows, json_pack("{s:i, s:s, s:I, s:s}", "line", rec->line, "action", action, "id",
			(json_int_t)(id ? id : new_id), "name", f.text[ORG_F_NAME] ? f.text[ORG_F_NAME] : ""));
done:
	organisation__fields_free(&f);
	json_decref(o);
	return rc;
}

static int on_record(void *ctx, const csv_record *rec)
{
	import_state *st = ctx;
	if (!st->have_header)
		return read_header(st, rec);
	if (st->header_bad)
		return 0;
	if (rec->n > st->width) {
		for (int c = st->width; c < rec->n; c++)
			if (*rec->f[c]) {
				err_set(ERR_INVALID, "line %d has more cells than the header", rec->line);
				problem(st, rec->line, -1);
				st->r->total++;
				return 0;
			}
	}
	return import_row(st, rec);
}

static bool is_xlsx(const char *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

int organisation_import(organisation_import_result *r, db_conn *db, const principal *who, const char *data, size_t len,
	bool dry_run)
{
	import_state st = { .r = r, .db = db, .who = who };
	int rc;
	memset(r, 0, sizeof(*r));
	r->rows = json_array();
	r->problems = json_array();
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if (is_xlsx(data, len)) {
		rc = xlsx_read(data, len, on_record, &st);
	} else {
		csv_reader reader;
		csv_record rec;
		csv_init(&reader, data, len);
		while ((rc = csv_read(&reader, &rec)) == 1)
			if ((rc = on_record(&st, &rec)) < 0)
				break;
		csv_free(&reader);
	}
	for (int c = 0; c < CSV_MAX_FIELDS; c++)
		free(st.header_text[c]);
	if (rc == 0 && !st.have_header)
		rc = err_set(ERR_INVALID, "the file is empty: it needs a header row and a row per organisation");
	if (rc == 0 && json_array_size(r->problems))
		rc = err_set(ERR_INVALID, "%zu rows of the file are not right; nothing was saved", json_array_size(r->problems));
	if (rc < 0 || dry_run) {
		db_rollback(db);
		if (rc != ERR_INVALID) {
			json_decref(r->problems);
			r->problems = NULL;
		}
		return rc;
	}
	json_decref(r->problems);
	r->problems = NULL;
	if ((r->created || r->updated) && (rc = registry_refresh(db)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ------------------------------------------------------------------ export */

static void append_number(str *s, db_stmt *q, int i, const char *fmt)
{
	if (!db_column_is_null(q, i))
		str_appendf(s, fmt, db_column_double(q, i));
}

int organisation_export(char **out, size_t *len, db_conn *db)
{
	db_stmt *q, *aliases;
	str s = STR_INIT;
	int rc;
	*out = NULL;
	*len = 0;
	for (int k = 0; k < N_COLUMNS; k++)
		str_appendf(&s, "%s%s", k ? "," : "", columns[k].name);
	str_append(&s, "\r\n");
	if ((rc = db_prepare(&q, db, "SELECT o.id, o.kind, o.name, o.short_name, o.tax_code, o.ror, o.openalex_id, u.code, "
				     "o.address, o.lat, o.lon, o.sectors, o.size, o.employees, o.founded_on, o.status, o.ended_on, o.website, "
				     "o.email, o.phone, o.description, o.published FROM organisation o "
				     "LEFT JOIN unit u ON u.id = o.unit_id WHERE o.status <> 'merged' ORDER BY o.id")) < 0)
		return rc;
	if ((rc = db_prepare(&aliases, db, "SELECT alias FROM organisation_alias WHERE organisation_id = ? ORDER BY alias")) < 0) {
		db_finalize(q);
		return rc;
	}
	while ((rc = db_step(q)) == DB_ROW) {
		for (int k = 0; k < N_COLUMNS; k++) {
			int i = k < 3 ? k + 1 : k;   /* the query has no aliases column */
			if (k)
				str_appendc(&s, ',');
			switch (columns[k].field) {
			case ORG_F_ALIASES: {
				str list = STR_INIT;
				db_reset(aliases);
				db_bind_int64(aliases, 1, db_column_int64(q, 0));
				while ((rc = db_step(aliases)) == DB_ROW)
					str_appendf(&list, "%s%s", list.len ? ";" : "", db_column_text(aliases, 0));
				csv_append_field(&s, str_cstr(&list));
				str_free(&list);
				break;
			}
			case ORG_F_LAT:
			case ORG_F_LON:
				append_number(&s, q, i, "%.10g");
				break;
			case ORG_F_EMPLOYEES:
				if (!db_column_is_null(q, i))
					str_appendf(&s, "%lld", (long long)db_column_int64(q, i));
				break;
			case ORG_F_PUBLISHED:
				str_append(&s, db_column_int64(q, i) ? "1" : "0");
				break;
			default:
				csv_append_field(&s, db_column_text(q, i) ? db_column_text(q, i) : "");
			}
		}
		str_append(&s, "\r\n");
	}
	db_finalize(aliases);
	db_finalize(q);
	if (rc < 0) {
		str_free(&s);
		return rc;
	}
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*len = s.len;
	*out = str_detach(&s);
	return 0;
}
