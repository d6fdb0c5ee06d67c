/* dhis2: DHIS2's dataValueSets parameters, CSV columns, import options
 * and import summary over the exchange module's checked import. */
#include "domain/programme/dhis2.h"
#include "domain/programme/value.h"
#include "domain/people/audit.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int dhis2_scheme_parse(dhis2_scheme *out, const char *text, const char *param)
{
	if (!text || !*text)
		return 0;
	if (strcasecmp(text, "CODE") == 0)
		*out = DHIS2_CODE;
	else if (strcasecmp(text, "UID") == 0 || strcasecmp(text, "ID") == 0)
		*out = DHIS2_UID;
	else if (strcasecmp(text, "NAME") == 0)
		*out = DHIS2_NAME;
	else
		return err_set(ERR_INVALID, "%s '%.40s' is not offered (CODE, UID, ID, NAME)", param, text);
	return 0;
}

/* ------------------------------------------------------------ resolving */

/* A list of ids, grown as identifiers resolve. */
typedef struct id_list {
	int64_t *ids;
	const char **paths;     /* units only */
	int n, cap;
} id_list;

static int id_add(id_list *l, int64_t id, const char *path)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 16;
		int64_t *ids = realloc(l->ids, (size_t)cap * sizeof(*ids));
		if (ids)
			l->ids = ids;
		const char **paths = realloc(l->paths, (size_t)cap * sizeof(*paths));
		if (paths)
			l->paths = paths;
		if (!ids || !paths)
			return err_set(ERR_NOMEM, "out of memory");
		l->cap = cap;
	}
	l->ids[l->n] = id;
	l->paths[l->n++] = path ? strdup(path) : NULL;
	return 0;
}

static void id_list_free(id_list *l)
{
	for (int i = 0; i < l->n; i++)
		free((void *)l->paths[i]);
	free(l->ids);
	free(l->paths);
}

/* A UID in our scheme is the row id: digits only. */
static bool is_id(const char *s)
{
	return *s && strlen(s) <= 18 && strspn(s, "0123456789") == strlen(s);
}

static const char *const element_sql[] = {
	"SELECT id, NULL FROM indicator WHERE code = ?",
	"SELECT id, NULL FROM indicator WHERE id = ?",
	"SELECT id, NULL FROM indicator WHERE name_vi = ? OR name_en = ?",
};
static const char *const unit_sql[] = {
	"SELECT id, path FROM unit WHERE code = ?",
	"SELECT id, path FROM unit WHERE id = ?",
	"SELECT id, path FROM unit WHERE name = ?",
};

/* Adds every row sql finds for text to l; the number added in *found. */
static int resolve(id_list *l, int *found, db_conn *db, const char *sql, dhis2_scheme scheme, const char *text)
{
	db_stmt *s;
	int rc;
	*found = 0;
	if (scheme == DHIS2_UID && !is_id(text))
		return 0;
	if ((rc = db_prepare(&s, db, sql)) < 0)
		return rc;
	if (scheme == DHIS2_UID)
		db_bind_int64(s, 1, strtoll(text, NULL, 10));
	else
		db_bind_text(s, 1, text);
	if (scheme == DHIS2_NAME && strstr(sql, "name_en"))
		db_bind_text(s, 2, text);
	while ((rc = db_step(s)) == DB_ROW && (rc = id_add(l, db_column_int64(s, 0), db_column_text(s, 1))) == 0)
		(*found)++;
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The indicators of the data sets: a document's (by number) through its
 * objectives, or an objective's (by code). */
static int resolve_data_set(id_list *l, db_conn *db, const char *text)
{
	int64_t known = 0;
	int found, rc = db_run(db, &known,
		"SELECT (SELECT COUNT(*) FROM document WHERE number = ?) + (SELECT COUNT(*) FROM objective WHERE code = ?)",
		"tt", text, text);
	if (rc < 0)
		return rc;
	if (!known)
		return err_set(ERR_INVALID, "dataSet '%.60s' is neither a document number nor an objective code", text);
	db_stmt *s;
	if ((rc = db_prepare(&s, db,
		     "SELECT i.id FROM indicator i JOIN objective o ON o.id = i.objective_id JOIN document d ON d.id = o.document_id "
		     "WHERE d.number = ? OR o.code = ?")) < 0)
		return rc;
	db_bind_text(s, 1, text);
	db_bind_text(s, 2, text);
	found = 0;
	while ((rc = db_step(s)) == DB_ROW && (rc = id_add(l, db_column_int64(s, 0), NULL)) == 0)
		found++;
	db_finalize(s);
	/* a set without indicators matches nothing, not everything */
	if (rc >= 0 && !found)
		rc = id_add(l, 0, NULL);
	return rc < 0 ? rc : 0;
}

static const char *const scheme_names[] = { "CODE", "UID", "NAME" };

static int resolve_all(id_list *elements, id_list *units, db_conn *db, const dhis2_query *q)
{
	int found, rc;
	for (int i = 0; i < q->n_data_sets; i++)
		if ((rc = resolve_data_set(elements, db, q->data_sets[i])) < 0)
			return rc;
	for (int i = 0; i < q->n_data_elements; i++) {
		if ((rc = resolve(elements, &found, db, element_sql[q->de_scheme], q->de_scheme, q->data_elements[i])) < 0)
			return rc;
		if (!found)
			return err_set(ERR_INVALID, "dataElement '%.60s' is not known (dataElementIdScheme %s)",
				q->data_elements[i], scheme_names[q->de_scheme]);
	}
	for (int i = 0; i < q->n_org_units; i++) {
		if ((rc = resolve(units, &found, db, unit_sql[q->ou_scheme], q->ou_scheme, q->org_units[i])) < 0)
			return rc;
		if (!found)
			return err_set(ERR_INVALID, "orgUnit '%.60s' is not known (orgUnitIdScheme %s)", q->org_units[i],
				scheme_names[q->ou_scheme]);
	}
	return 0;
}

/* ------------------------------------------------------------ reading */

typedef struct span {
	bool has_start, has_end;
	long start, end;        /* days */
} span;

static int span_read(span *sp, const dhis2_query *q)
{
	date_ymd d;
	memset(sp, 0, sizeof(*sp));
	if (q->start_date && *q->start_date) {
		if (date_parse(&d, q->start_date, strlen(q->start_date)) < 0)
			return err_set(ERR_INVALID, "startDate '%.40s' is not a date (YYYY-MM-DD)", q->start_date);
		sp->has_start = true;
		sp->start = date_to_days(d);
	}
	if (q->end_date && *q->end_date) {
		if (date_parse(&d, q->end_date, strlen(q->end_date)) < 0)
			return err_set(ERR_INVALID, "endDate '%.40s' is not a date (YYYY-MM-DD)", q->end_date);
		sp->has_end = true;
		sp->end = date_to_days(d);
	}
	return 0;
}

/* Whether the period code lies within the span (DHIS2: periods between
 * startDate and endDate). */
static bool span_holds(const span *sp, const char *code)
{
	period p;
	if (!sp->has_start && !sp->has_end)
		return true;
	if (period_parse(&p, code, strlen(code)) < 0)
		return false;
	return (!sp->has_start || date_to_days(period_start(&p)) >= sp->start) &&
	       (!sp->has_end || date_to_days(period_end(&p)) <= sp->end);
}

static void append_range(str *q, const char *column, int n)
{
	str_appendf(q, " AND %s IN (", column);
	for (int i = 0; i < n; i++)
		str_append(q, i ? ", ?" : "?");
	str_append(q, ")");
}

/* The end of a subtree's path range: "/1/5/" -> "/1/50". */
static void path_end(char out[320], const char *path)
{
	snprintf(out, 320, "%s", path);
	out[strlen(out) - 1] = '0';
}

static int build_query(str *q, const dhis2_query *d, const id_list *elements, const id_list *units,
	char (*codes)[16])
{
	str_append(q,
		"SELECT i.id, i.code, i.name_vi, u.id, u.code, u.name, v.period, v.value, v.note, v.status, v.updated_at, p.login "
		"FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id JOIN unit u ON u.id = v.unit_id "
		"LEFT JOIN person p ON p.id = v.updated_by WHERE 1=1");
	if (elements->n)
		append_range(q, "v.indicator_id", elements->n);
	if (units->n) {
		str_append(q, " AND (1=0");
		for (int i = 0; i < units->n; i++)
			str_append(q, d->children ? " OR (u.path >= ? AND u.path < ?)" : " OR u.id = ?");
		str_append(q, ")");
	}
	for (int i = 0; i < d->n_periods; i++) {
		period p;
		if (period_parse(&p, d->periods[i], strlen(d->periods[i])) < 0)
			return err_set(ERR_INVALID, "period '%.40s' is not a period (e.g. 2026, 2026S1, 2026Q3, 202609)",
				d->periods[i]);
		period_format(&p, codes[i]);
	}
	if (d->n_periods)
		append_range(q, "v.period", d->n_periods);
	if (d->last_updated && *d->last_updated)
		str_append(q, " AND v.updated_at >= ?");
	if (d->status && *d->status)
		str_append(q, " AND v.status = ?");
	/* what who may read: everything, or approved values of public
	 * indicators and any value within a grant (as GET /api/v1/values) */
	if (!authz_sees_all(d->who)) {
		str_append(q, " AND ((v.status = 'approved' AND i.public = 1)");
		for (int i = 0; i < d->who->n_grants; i++)
			str_append(q, " OR (u.path >= ? AND u.path < ?)");
		str_append(q, ")");
	}
	str_append(q, " ORDER BY i.code, u.path, v.period");
	return str_oom(q) ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static void bind_query(db_stmt *s, const dhis2_query *d, const id_list *elements, const id_list *units,
	char (*codes)[16])
{
	int k = 1;
	char end[320];
	for (int i = 0; i < elements->n; i++)
		db_bind_int64(s, k++, elements->ids[i]);
	for (int i = 0; i < units->n; i++) {
		if (d->children) {
			path_end(end, units->paths[i]);
			db_bind_text(s, k++, units->paths[i]);
			db_bind_text(s, k++, end);
		} else {
			db_bind_int64(s, k++, units->ids[i]);
		}
	}
	for (int i = 0; i < d->n_periods; i++)
		db_bind_text(s, k++, codes[i]);
	if (d->last_updated && *d->last_updated)
		db_bind_text(s, k++, d->last_updated);
	if (d->status && *d->status)
		db_bind_text(s, k++, d->status);
	if (!authz_sees_all(d->who))
		for (int i = 0; i < d->who->n_grants; i++) {
			path_end(end, d->who->grants[i].unit_path);
			db_bind_text(s, k++, d->who->grants[i].unit_path);
			db_bind_text(s, k++, end);
		}
}

/* The identifier of column (id, code, name) in the scheme. */
static json_t *ident(db_stmt *s, int col, dhis2_scheme scheme)
{
	char num[24];
	if (scheme == DHIS2_UID) {
		snprintf(num, sizeof(num), "%lld", (long long)db_column_int64(s, col));
		return json_string(num);
	}
	const char *t = db_column_text(s, col + (scheme == DHIS2_CODE ? 1 : 2));
	return t ? json_string(t) : json_null();
}

static json_t *row_json(db_stmt *s, const dhis2_query *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "indicator_code", ident(s, 0, d->de_scheme));
	json_object_set_new(o, "unit_code", ident(s, 3, d->ou_scheme));
	json_object_set_new(o, "period", json_string(db_column_text(s, 6)));
	json_object_set_new(o, "value", db_column_is_null(s, 7) ? json_null() : json_real(db_column_double(s, 7)));
	json_object_set_new(o, "note", db_column_text(s, 8) ? json_string(db_column_text(s, 8)) : json_null());
	json_object_set_new(o, "status", json_string(db_column_text(s, 9)));
	json_object_set_new(o, "updated_at", json_string(db_column_text(s, 10)));
	json_object_set_new(o, "stored_by", db_column_text(s, 11) ? json_string(db_column_text(s, 11)) : json_null());
	return o;
}

int dhis2_values(json_t **out, db_conn *db, const dhis2_query *q)
{
	id_list elements = { 0 }, units = { 0 };
	str sql = STR_INIT;
	span sp;
	db_stmt *s = NULL;
	json_t *list = NULL;
	char (*codes)[16] = calloc((size_t)q->n_periods + 1, 16);
	int rc;
	*out = NULL;
	if (!codes)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = span_read(&sp, q)) < 0 || (rc = resolve_all(&elements, &units, db, q)) < 0 ||
	    (rc = build_query(&sql, q, &elements, &units, codes)) < 0 || (rc = db_prepare(&s, db, sql.ptr)) < 0)
		goto done;
	bind_query(s, q, &elements, &units, codes);
	list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		if (span_holds(&sp, db_column_text(s, 6)))
			json_array_append_new(list, row_json(s, q));
	if (rc >= 0) {
		*out = json_pack("{s:O}", "values", list);
		rc = 0;
	}
done:
	db_finalize(s);
	json_decref(list);
	str_free(&sql);
	free(codes);
	id_list_free(&elements);
	id_list_free(&units);
	return rc;
}

json_t *dhis2_value_set(const json_t *list)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(list, "values"), i, v) {
		char num[40] = "";
		const json_t *val = json_object_get(v, "value");
		if (json_is_number(val))
			snprintf(num, sizeof(num), "%.15g", json_number_value(val));
		json_t *dv = json_pack("{s:O, s:O, s:O, s:s}", "dataElement", json_object_get(v, "indicator_code"), "period",
			json_object_get(v, "period"), "orgUnit", json_object_get(v, "unit_code"), "value", num);
		const json_t *by = json_object_get(v, "stored_by");
		if (json_is_string(by))
			json_object_set(dv, "storedBy", (json_t *)by);
		json_object_set(dv, "lastUpdated", json_object_get(v, "updated_at"));
		const json_t *note = json_object_get(v, "note");
		if (json_is_string(note))
			json_object_set(dv, "comment", (json_t *)note);
		json_object_set_new(dv, "followup", json_false());
		json_object_set(dv, "status", json_object_get(v, "status"));
		json_array_append_new(out, dv);
	}
	return json_pack("{s:o}", "dataValues", out);
}

/* ------------------------------------------------------------ CSV rows */

static const char *const csv_names[EX_FIELDS] = { "dataelement", "orgunit", "period", "value", "comment" };
static const char *const letters[] = { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P",
	"Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z" };

static int csv_header(int col[EX_FIELDS], exchange_source *src, const csv_record *rec)
{
	for (int f = 0; f < EX_FIELDS; f++) {
		col[f] = -1;
		for (int i = 0; i < rec->n && col[f] < 0; i++)
			if (strcasecmp(rec->f[i], csv_names[f]) == 0)
				col[f] = i;
		src->names[f] = csv_names[f];
		src->letters[f] = col[f] >= 0 && col[f] < 26 ? letters[col[f]] : NULL;
		if (col[f] < 0 && f != EX_NOTE)
			return err_set(ERR_INVALID, "row %d: the header needs the column %s (DHIS2's columns are dataelement, "
						    "period, orgunit, catoptcombo, attroptcombo, value, storedby, lastupdated, comment)",
				rec->line, csv_names[f]);
	}
	return 0;
}

int dhis2_csv_rows(exchange_rows *out, arena *a, const char *csv, size_t len)
{
	csv_reader rd;
	csv_record rec;
	int col[EX_FIELDS], rc, cap = 0;
	memset(out, 0, sizeof(*out));
	csv_init(&rd, csv, len);
	if ((rc = csv_read(&rd, &rec)) <= 0) {
		csv_free(&rd);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the file is empty (a header row is needed)");
	}
	if ((rc = csv_header(col, &out->src, &rec)) < 0) {
		csv_free(&rd);
		return rc;
	}
	int width = rec.n;
	while ((rc = csv_read(&rd, &rec)) == 1) {
		if ((rc = csv_check_width(&rec, width)) < 0)
			break;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			exchange_row *rows = realloc(out->rows, (size_t)cap * sizeof(*rows));
			if (!rows) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			out->rows = rows;
		}
		exchange_row *r = &out->rows[out->n++];
		r->row = rec.line;
		for (int f = 0; f < EX_FIELDS; f++)
			r->f[f] = arena_strdup(a, col[f] >= 0 && col[f] < rec.n ? rec.f[col[f]] : "");
	}
	csv_free(&rd);
	if (rc < 0) {
		exchange_rows_free(out);
		return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ importing */

/* DHIS2's error codes of data value import, by the field at fault. */
static const char *const field_codes[EX_FIELDS] = { "E7610", "E7612", "E7611", "E7619", "E7620" };
static const char *const field_properties[EX_FIELDS] = { "dataElement", "orgUnit", "period", "value", "comment" };
#define LOCKED_CODE "E7641"

static int field_of(const exchange_source *src, const char *name)
{
	for (int f = 0; f < EX_FIELDS; f++)
		if (name && src->names[f] && strcmp(src->names[f], name) == 0)
			return f;
	return EX_VALUE;
}

static int index_of(const exchange_rows *rows, int row)
{
	for (int i = 0; i < rows->n; i++)
		if (rows->rows[i].row == row)
			return i;
	return -1;
}

/* A DHIS2 conflict from one of the import's problems; the row's index in
 * *at (-1 when it names none). */
static json_t *conflict_of(const json_t *p, const exchange_rows *rows, int *at)
{
	int f = field_of(&rows->src, json_string_value(json_object_get(p, "field")));
	int i = index_of(rows, (int)json_integer_value(json_object_get(p, "row")));
	const char *tmpl = json_string_value(json_object_get(p, "template"));
	const char *object = i >= 0 && rows->rows[i].f[f] ? rows->rows[i].f[f] : "";
	bool locked = tmpl && (strstr(tmpl, "submitted or approved") || strstr(tmpl, "only a draft"));
	json_t *c = json_pack("{s:s, s:{s:s}, s:O, s:s, s:s, s:[i]}", "object", object, "objects", field_properties[f], object,
		"value", json_object_get(p, "message"), "errorCode", locked ? LOCKED_CODE : field_codes[f], "property",
		field_properties[f], "indexes", i);
	json_object_set(c, "row", json_object_get(p, "row"));
	json_object_set(c, "template", json_object_get(p, "template"));
	json_object_set(c, "params", json_object_get(p, "params"));
	*at = i;
	return c;
}

/* Rewrites identifiers given by id or name to codes, so the import's
 * lookups find them; one not found is left as it is and reported. */
static int rows_to_codes(exchange_rows *rows, db_conn *db, arena *a, const dhis2_import_options *opt)
{
	static const char *const sql[2][3] = {
		{ NULL, "SELECT code FROM indicator WHERE id = ?", "SELECT code FROM indicator WHERE name_vi = ? OR name_en = ?" },
		{ NULL, "SELECT code FROM unit WHERE id = ?", "SELECT code FROM unit WHERE name = ?" },
	};
	const int fields[2] = { EX_INDICATOR, EX_UNIT };
	const dhis2_scheme schemes[2] = { opt->de_scheme, opt->ou_scheme };
	for (int k = 0; k < 2; k++) {
		if (schemes[k] == DHIS2_CODE)
			continue;
		db_stmt *s;
		int rc = db_prepare(&s, db, sql[k][schemes[k]]);
		if (rc < 0)
			return rc;
		for (int i = 0; i < rows->n; i++) {
			const char *t = rows->rows[i].f[fields[k]];
			if (!t || (schemes[k] == DHIS2_UID && !is_id(t)))
				continue;
			db_reset(s);
			if (schemes[k] == DHIS2_UID)
				db_bind_int64(s, 1, strtoll(t, NULL, 10));
			else
				db_bind_text(s, 1, t);
			if (schemes[k] == DHIS2_NAME && k == 0)
				db_bind_text(s, 2, t);
			if ((rc = db_step(s)) == DB_ROW && db_column_text(s, 0))
				rows->rows[i].f[fields[k]] = arena_strdup(a, db_column_text(s, 0));
			if (rc < 0)
				break;
		}
		db_finalize(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The rows not excluded, in order (a new array; the caller frees it). */
static exchange_row *rows_kept(int *n, const exchange_rows *rows, const bool *excluded)
{
	exchange_row *kept = calloc((size_t)rows->n + 1, sizeof(*kept));
	*n = 0;
	if (kept)
		for (int i = 0; i < rows->n; i++)
			if (!excluded[i])
				kept[(*n)++] = rows->rows[i];
	return kept;
}

/* Runs the import of the rows not excluded; problems become conflicts and
 * their rows excluded. *clean tells whether there were none, *named
 * whether the problems set a row aside that was not already. */
static int run_import(exchange_result *r, bool *clean, bool *named, db_conn *db, const principal *who,
	const exchange_rows *rows, bool *excluded, const exchange_options *ex, json_t *conflicts)
{
	int n;
	exchange_row *kept = rows_kept(&n, rows, excluded);
	if (!kept)
		return err_set(ERR_NOMEM, "out of memory");
	int rc = exchange_import_rows(r, db, who, kept, n, &rows->src, ex);
	free(kept);
	json_decref(r->rows);
	r->rows = NULL;
	*clean = rc == 0;
	/* rows with problems; all of them units out of reach is ERR_FORBIDDEN */
	if ((rc == ERR_INVALID || rc == ERR_FORBIDDEN) && r->problems) {
		size_t i;
		json_t *p;
		*named = false;
		json_array_foreach(r->problems, i, p) {
			int at;
			json_array_append_new(conflicts, conflict_of(p, rows, &at));
			if (at >= 0 && !excluded[at])
				excluded[at] = *named = true;
		}
		json_decref(r->problems);
		r->problems = NULL;
		return 0;
	}
	return rc;
}

static int import_values(dhis2_summary *out, db_conn *db, const principal *who, exchange_rows *rows,
	const dhis2_import_options *opt)
{
	exchange_result r = { 0 };
	bool clean = false, named = true, *excluded = calloc((size_t)rows->n + 1, sizeof(bool));
	int rc = 0;
	if (!excluded)
		return err_set(ERR_NOMEM, "out of memory");
	if (!opt->atomic_none) {
		rc = run_import(&r, &clean, &named, db, who, rows, excluded, &opt->ex, out->conflicts);
		if (rc == 0 && !clean) {
			out->error = true;
			out->ignored = rows->n;
		}
	} else {
		/* Dry runs set the conflicting rows aside until the rest goes
		 * through (a locked value is found only once every row reads
		 * well, so two rounds may be needed), then the rest is saved. */
		exchange_options probe = opt->ex;
		probe.dry_run = true;
		for (int round = 0; round < 4 && rc == 0 && !clean && named; round++)
			rc = run_import(&r, &clean, &named, db, who, rows, excluded, &probe, out->conflicts);
		if (rc == 0 && !clean)
			rc = err_set(ERR_CONFLICT, "the rows kept changing while they were checked; nothing was saved, try again");
		if (rc == 0 && !opt->ex.dry_run)
			rc = run_import(&r, &clean, &named, db, who, rows, excluded, &opt->ex, out->conflicts);
		if (rc == 0 && !clean)
			rc = err_set(ERR_CONFLICT, "the rows kept changing while they were checked; nothing was saved, try again");
		for (int i = 0; i < rows->n; i++)
			out->ignored += excluded[i];
	}
	if (rc == 0 && !out->error) {
		out->imported = r.created;
		out->updated = r.updated;
		out->ignored += r.ignored;
	}
	free(excluded);
	return rc;
}

/* ------------------------------------------------------------ deleting */

/* The unit's path (empty when there is no such unit). */
static int unit_path_of(char path[320], db_conn *db, const char *code)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT path FROM unit WHERE code = ?");
	path[0] = '\0';
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, code);
	if ((rc = db_step(s)) == DB_ROW)
		snprintf(path, 320, "%s", db_column_text(s, 0));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Checks a row to delete: *field is the field at fault (the error set),
 * or -1; then the key's canonical period is in code. */
static int delete_check(int *field, char code[16], db_conn *db, const principal *who, const exchange_row *row)
{
	const char *ind = row->f[EX_INDICATOR] ? row->f[EX_INDICATOR] : "", *unit = row->f[EX_UNIT] ? row->f[EX_UNIT] : "";
	const char *per = row->f[EX_PERIOD] ? row->f[EX_PERIOD] : "";
	char path[320];
	int64_t id = 0;
	period p;
	int rc;
	*field = -1;
	if ((rc = db_run(db, &id, "SELECT id FROM indicator WHERE code = ?", "t", ind)) < 0 ||
	    (rc = unit_path_of(path, db, unit)) < 0)
		return rc;
	if (!id) {
		err_set(ERR_INVALID, "no indicator with code '%.60s'", ind);
		*field = EX_INDICATOR;
	} else if (!path[0]) {
		err_set(ERR_INVALID, "no unit with code '%.60s'", unit);
		*field = EX_UNIT;
	} else if (authz_check(who, ACT_REPORT_WRITE, path) < 0) {
		err_set(ERR_INVALID, "you may not report for unit %s", unit);
		*field = EX_UNIT;
	} else if (period_parse(&p, per, strlen(per)) < 0) {
		*field = EX_PERIOD;
	} else {
		period_format(&p, code);
	}
	return 0;
}

/* The value of the key (0 when there is none) and its status. */
static int value_of(int64_t *id, char status[16], db_conn *db, const char *ind, const char *unit, const char *code)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT v.id, v.status FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id "
		"JOIN unit u ON u.id = v.unit_id WHERE i.code = ? AND u.code = ? AND v.period = ?");
	*id = 0;
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, ind);
	db_bind_text(s, 2, unit);
	db_bind_text(s, 3, code);
	if ((rc = db_step(s)) == DB_ROW) {
		*id = db_column_int64(s, 0);
		snprintf(status, 16, "%s", db_column_text(s, 1));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Deletes the row's value when it is a draft or returned; *deleted says
 * whether it did. A problem is a conflict appended to conflicts. */
static int delete_row(bool *deleted, bool *conflict, db_conn *db, const principal *who, const exchange_rows *rows, int at,
	json_t *conflicts)
{
	const exchange_row *row = &rows->rows[at];
	char code[16] = "", status[16] = "";
	int64_t id = 0;
	int field, rc;
	*deleted = *conflict = false;
	if ((rc = delete_check(&field, code, db, who, row)) < 0 ||
	    (field < 0 && (rc = value_of(&id, status, db, row->f[EX_INDICATOR], row->f[EX_UNIT], code)) < 0))
		return rc;
	if (field < 0 && id && strcmp(status, "approved") == 0) {
		err_set(ERR_INVALID, "the value of %s for %s in %s is approved; only a draft can be deleted",
			row->f[EX_INDICATOR], row->f[EX_UNIT], code);
		field = EX_VALUE;
	} else if (field < 0 && id && strcmp(status, "submitted") == 0) {
		err_set(ERR_INVALID, "the value of %s for %s in %s is submitted; only a draft can be deleted",
			row->f[EX_INDICATOR], row->f[EX_UNIT], code);
		field = EX_VALUE;
	}
	if (field >= 0) {
		json_t *d = json_err_detail(json_pack("{s:i, s:s}", "row", row->row, "field", rows->src.names[field]));
		int where;
		json_array_append_new(conflicts, conflict_of(d, rows, &where));
		json_decref(d);
		*conflict = true;
		return 0;
	}
	if (!id)
		return 0;
	if ((rc = value_delete_in_tx(db, who, id, row->f[EX_INDICATOR], row->f[EX_UNIT], code)) < 0)
		return rc;
	*deleted = true;
	return 0;
}

static int delete_values(dhis2_summary *out, db_conn *db, const principal *who, const exchange_rows *rows,
	const dhis2_import_options *opt)
{
	int rc = db_begin_write(db), conflicts = 0;
	for (int i = 0; i < rows->n && rc == 0; i++) {
		bool deleted, conflict;
		if ((rc = delete_row(&deleted, &conflict, db, who, rows, i, out->conflicts)) < 0)
			break;
		out->deleted += deleted;
		out->ignored += !deleted;
		conflicts += conflict;
	}
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	if (conflicts && !opt->atomic_none) {
		out->error = true;
		out->deleted = 0;
		out->ignored = rows->n;
	}
	if (out->error || opt->ex.dry_run)
		return db_rollback(db);
	return db_commit(db);
}

int dhis2_import(dhis2_summary *out, db_conn *db, arena *a, const principal *who, exchange_rows *rows,
	const dhis2_import_options *opt)
{
	memset(out, 0, sizeof(*out));
	if (!(out->conflicts = json_array()))
		return err_set(ERR_NOMEM, "out of memory");
	int rc = rows_to_codes(rows, db, a, opt);
	if (rc == 0)
		rc = opt->delete ? delete_values(out, db, who, rows, opt) : import_values(out, db, who, rows, opt);
	if (rc < 0) {
		json_decref(out->conflicts);
		out->conflicts = NULL;
	}
	return rc;
}
