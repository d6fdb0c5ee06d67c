/* agreement_exchange: agreements in CSV or a workbook (import: every bad
 * row named, nothing saved when one is bad; a known code is updated) and
 * their CSV export. */
#include "domain/ecosystem/agreement.h"
#include "domain/ecosystem/agreement_internal.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"
#include "util/table.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const csv_columns[] = { "code", "kind", "title", "signed_on", "ends_on", "focus", "status", "parties",
	"description" };
#define N_COLUMNS ((int)(sizeof(csv_columns) / sizeof(csv_columns[0])))

/* The organisation a CSV cell names: its id in digits, or its name
 * (diacritics and case ignored; one organisation only). */
static int organisation_named(int64_t *out, db_conn *db, const char *name)
{
	char *folded = NULL;
	int64_t n = 0;
	int rc;
	*out = 0;
	bool digits = *name != '\0';
	for (const char *p = name; *p && digits; p++)
		digits = isdigit((unsigned char)*p);
	if (digits) {
		*out = strtoll(name, NULL, 10);
		return agreement__organisation_exists(db, *out, "parties");
	}
	if ((rc = vn_fold(&folded, name, strlen(name))) < 0)
		return rc;
	if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM organisation WHERE name_folded = ? AND status <> 'merged'", "t", folded)) == 0 &&
	    n == 1)
		rc = db_run(db, out, "SELECT id FROM organisation WHERE name_folded = ? AND status <> 'merged'", "t", folded);
	free(folded);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(ERR_INVALID, "no organisation named '%s'", name);
	if (n > 1)
		return err_set(ERR_INVALID, "%lld organisations are named '%s': give the id instead", (long long)n, name);
	return 0;
}

/* "a; b" -> each trimmed piece, for each call fn. */
static char *next_piece(char **cursor)
{
	char *p = *cursor;
	if (!p)
		return NULL;
	char *end = strchr(p, ';');
	*cursor = end ? end + 1 : NULL;
	if (end)
		*end = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		p[--n] = '\0';
	return p;
}

/* The JSON of one CSV record, as agreement_insert takes it. */
static int row_json(json_t **out, db_conn *db, const csv_record *rec, const int *col)
{
	json_t *o = json_object();
	int rc = 0;
	*out = NULL;
	for (int c = 0; c < N_COLUMNS; c++) {
		const char *v = col[c] >= 0 && col[c] < rec->n ? rec->f[col[c]] : "";
		if (c == 5 || c == 7) {   /* focus, parties */
			char *copy = strdup(v), *cursor = copy, *piece;
			json_t *a = json_array();
			while (copy && (piece = next_piece(&cursor)) != NULL) {
				if (!*piece)
					continue;
				if (c == 5) {
					json_array_append_new(a, json_string(piece));
					continue;
				}
				/* "name | role" (the role left out when it is the default) */
				char *bar = strstr(piece, " | ");
				const char *role = NULL;
				if (bar) {
					*bar = '\0';
					role = bar + 3;
					while (*role == ' ')
						role++;
				}
				int64_t org;
				if ((rc = organisation_named(&org, db, piece)) < 0)
					break;
				json_t *party = json_pack("{s:I}", "organisation_id", (json_int_t)org);
				if (role && *role)
					json_object_set_new(party, "role", json_string(role));
				json_array_append_new(a, party);
			}
			free(copy);
			json_object_set_new(o, csv_columns[c], a);
			if (rc < 0)
				break;
		} else if (*v || c == 3 || c == 4 || c == 8) {
			json_object_set_new(o, csv_columns[c], json_string(v));
		}
	}
	if (rc == 0 && (rc = json_nfc(o)) == 0) {
		*out = o;
		return 0;
	}
	json_decref(o);
	return rc;
}

static int import_header(int *col, const csv_record *h)
{
	for (int c = 0; c < N_COLUMNS; c++) {
		col[c] = -1;
		for (int i = 0; i < h->n; i++)
			if (strcasecmp(h->f[i], csv_columns[c]) == 0)
				col[c] = i;
	}
	if (col[0] < 0 || col[1] < 0 || col[2] < 0)
		return err_set(ERR_INVALID, "line 1: the header needs the columns code, kind and title");
	return 0;
}

static void bad_line(json_t *bad, int line)
{
	json_array_append_new(bad, json_err_detail(json_pack("{s:i}", "line", line)));
}

static int import_rows(agreement_import_result *r, db_conn *db, const principal *who, table_reader *rd, int width,
	const int *col)
{
	csv_record rec;
	int rc;
	while ((rc = table_read(rd, &rec)) == 1) {
		json_t *row = NULL;
		int64_t id = 0;
		r->total++;
		if (csv_check_width(&rec, width) < 0) {
			bad_line(r->bad, rec.line);
			continue;
		}
		if ((rc = row_json(&row, db, &rec, col)) < 0 && rc != ERR_INVALID)
			return rc;
		if (rc == 0) {
			const char *code = json_string_value(json_object_get(row, "code"));
			if ((rc = db_run(db, &id, "SELECT id FROM agreement WHERE code = ?", "t", code ? code : "")) < 0) {
				json_decref(row);
				return rc;
			}
			if (id)
				json_object_del(row, "code");
		}
		if (rc == 0 && id) {
			agreement_fields f;
			if ((rc = agreement__read_fields(&f, row, false)) == 0 && (rc = agreement__update_in(db, who, id, &f)) == 0)
				r->updated++;
		} else if (rc == 0) {
			int64_t new_id;
			if ((rc = agreement_insert(&new_id, db, who, row)) == 0)
				r->created++;
		}
		json_decref(row);
		if (rc == ERR_INVALID || rc == ERR_CONFLICT)
			bad_line(r->bad, rec.line);
		else if (rc < 0)
			return rc;
	}
	return rc < 0 ? rc : 0;
}

int agreement_import(agreement_import_result *r, db_conn *db, const principal *who, const char *csv, size_t len,
	bool dry_run)
{
	table_reader rd;
	csv_record h;
	int col[N_COLUMNS], rc;
	memset(r, 0, sizeof(*r));
	r->bad = json_array();
	if ((rc = table_open(&rd, csv, len)) < 0 || (rc = table_read(&rd, &h)) <= 0) {
		table_free(&rd);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the file is empty (a header row code,kind,title,... is needed)");
	}
	int width = h.n;
	if ((rc = import_header(col, &h)) < 0 || (rc = db_begin_write(db)) < 0) {
		table_free(&rd);
		return rc;
	}
	rc = import_rows(r, db, who, &rd, width, col);
	table_free(&rd);
	if (rc == 0 && json_array_size(r->bad))
		rc = err_set(ERR_INVALID, "%zu of %d rows are wrong; nothing was saved", json_array_size(r->bad), r->total);
	if (rc < 0 || dry_run) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int agreement_export(char **out, size_t *len, db_conn *db, bool public_only, date_ymd today)
{
	agreement_filter f = { .public_only = public_only };
	json_t *list;
	int rc = agreement_list(&list, db, &f, today, INT64_MAX, 0);
	if (rc < 0)
		return rc;
	str s = STR_INIT;
	for (int c = 0; c < N_COLUMNS; c++) {
		if (c)
			str_appendc(&s, ',');
		str_append(&s, csv_columns[c]);
	}
	str_append(&s, "\r\n");
	size_t i, k;
	json_t *a, *v;
	json_array_foreach(json_object_get(list, "agreements"), i, a) {
		str cell = STR_INIT;
		for (int c = 0; c < N_COLUMNS; c++) {
			if (c)
				str_appendc(&s, ',');
			str_clear(&cell);
			if (c == 5) {
				json_array_foreach(json_object_get(a, "focus"), k, v) {
					if (k)
						str_append(&cell, ";");
					str_append(&cell, json_string_value(v));
				}
			} else if (c == 7) {
				json_array_foreach(json_object_get(a, "parties"), k, v) {
					if (k)
						str_append(&cell, "; ");
					str_append(&cell, json_string_value(json_object_get(v, "name")));
					const char *role = json_string_value(json_object_get(v, "role"));
					if (role && *role && strcmp(role, "party") != 0) {
						str_append(&cell, " | ");
						str_append(&cell, role);
					}
				}
			} else if (c == 6) {
				/* the stored status: expired follows from ends_on again on import */
				const char *st = json_string_value(json_object_get(a, "status"));
				str_append(&cell, strcmp(st, "expired") == 0 ? "active" : st);
			} else {
				const char *t = json_string_value(json_object_get(a, csv_columns[c]));
				str_append(&cell, t ? t : "");
			}
			csv_append_field(&s, str_cstr(&cell));
		}
		str_free(&cell);
		str_append(&s, "\r\n");
	}
	json_decref(list);
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*len = s.len;
	*out = str_detach(&s);
	return 0;
}
