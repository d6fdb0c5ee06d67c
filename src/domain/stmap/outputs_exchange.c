/* outputs_exchange: patents and utility solutions, research projects,
 * technology-transfer contracts and spin-offs — their lists, and their
 * templates in CSV or a workbook: import (every bad cell named by line and
 * column, nothing saved when a row is wrong, a known number, code or name
 * updated, an identical row left alone) and export that re-imports to no
 * change. One table of columns per kind drives all of it. */
#include "domain/stmap/outputs.h"
#include "domain/people/audit.h"
#include "domain/programme/task.h"
#include "util/arena.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/table.h"
#include "util/time.h"
#include "util/utf8.h"
#include "util/xlsx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ----------------------------------------------------------- the tables */

typedef enum col_type {
	C_TEXT,      /* text as given */
	C_CHOICE,    /* one of the column's choices */
	C_DATE,      /* YYYY-MM-DD (DD/MM/YYYY accepted) */
	C_MONEY,     /* an amount in VND */
	C_ORG,       /* a registry organisation: its id or its name */
	C_ORGS,      /* organisations separated by ';' (project partners) */
	C_TASK,      /* a programme task by code */
	C_PROBLEM    /* a problem of an agreement by id */
} col_type;

typedef struct col {
	const char *name;       /* the template's column */
	const char *db;         /* the table's column; NULL for the partners */
	col_type type;
	bool required;
	bool not_null;          /* an empty optional text is stored as '' */
	const char *choices;    /* C_CHOICE: "a, b, c" */
	const char *name_db;    /* C_ORG: the column keeping the organisation's name */
} col;

typedef struct kind_desc {
	const char *name, *table, *key_db;
	const col *cols;
	int n_cols;
	int folded_from;        /* the column whose folded text is kept */
	const char *folded_db;
	const char *list_sql;   /* the main table is x */
	const char *org_cond;   /* with n_org_params '?' for the organisation */
	int n_org_params;
	const char *unit_cond;  /* '%1$s' is the subquery of organisations in the subtree */
	int n_unit_pairs;
	const char *date_db, *kind_db, *order;
	const char *export_sql; /* the template's columns in order, then x.id */
} kind_desc;

#define MAX_COLS 12

/* An organisation's cell in an export: its name, or its id when another
 * organisation has the same name. */
#define ORG_CELL(a) \
	"CASE WHEN (SELECT COUNT(*) FROM organisation d WHERE d.name_folded = " a ".name_folded AND d.status <> " \
	"'merged') > 1 THEN CAST(" a ".id AS TEXT) ELSE " a ".name END"

#define UNIT_SUB "SELECT o.id FROM organisation o JOIN unit u ON u.id = o.unit_id WHERE u.path >= ? AND u.path < ?"

static const col patent_cols[] = {
	{ "number", "number", C_TEXT, true, false, NULL, NULL },
	{ "kind", "kind", C_CHOICE, true, false, "patent, utility_solution", NULL },
	{ "title", "title", C_TEXT, true, false, NULL, NULL },
	{ "owner", "organisation_id", C_ORG, true, false, NULL, "owner_name" },
	{ "inventors", "inventors", C_TEXT, false, true, NULL, NULL },
	{ "ipc", "ipc", C_TEXT, false, false, NULL, NULL },
	{ "filed_on", "filed_on", C_DATE, false, false, NULL, NULL },
	{ "granted_on", "granted_on", C_DATE, false, false, NULL, NULL },
	{ "task", "task_id", C_TASK, false, false, NULL, NULL },
};

static const col project_cols[] = {
	{ "code", "code", C_TEXT, true, false, NULL, NULL },
	{ "title", "title", C_TEXT, true, false, NULL, NULL },
	{ "funder", "funder", C_TEXT, false, false, NULL, NULL },
	{ "budget", "budget", C_MONEY, false, false, NULL, NULL },
	{ "started_on", "started_on", C_DATE, false, false, NULL, NULL },
	{ "ends_on", "ends_on", C_DATE, false, false, NULL, NULL },
	{ "lead", "organisation_id", C_ORG, true, false, NULL, NULL },
	{ "partners", NULL, C_ORGS, false, false, NULL, NULL },
	{ "problem", "agreement_problem_id", C_PROBLEM, false, false, NULL, NULL },
	{ "task", "task_id", C_TASK, false, false, NULL, NULL },
};

static const col contract_cols[] = {
	{ "number", "number", C_TEXT, true, false, NULL, NULL },
	{ "kind", "kind", C_CHOICE, true, false, "transfer, licence, service, joint_development, other", NULL },
	{ "title", "title", C_TEXT, true, false, NULL, NULL },
	{ "seller", "seller_id", C_ORG, true, false, NULL, "seller_name" },
	{ "buyer", "buyer_id", C_ORG, true, false, NULL, "buyer_name" },
	{ "value", "value", C_MONEY, false, false, NULL, NULL },
	{ "signed_on", "signed_on", C_DATE, false, false, NULL, NULL },
	{ "task", "task_id", C_TASK, false, false, NULL, NULL },
};

static const col spinoff_cols[] = {
	{ "name", "name", C_TEXT, true, false, NULL, NULL },
	{ "parent", "parent_id", C_ORG, true, false, NULL, NULL },
	{ "organisation", "organisation_id", C_ORG, false, false, NULL, NULL },
	{ "founded_on", "founded_on", C_DATE, false, false, NULL, NULL },
	{ "field", "field", C_TEXT, false, false, NULL, NULL },
	{ "task", "task_id", C_TASK, false, false, NULL, NULL },
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const kind_desc kinds[N_OUTPUT_KINDS] = {
	[OUT_PATENT] = { "patents", "patent", "number", patent_cols, N(patent_cols), 2, "title_folded",
		"SELECT x.id, x.kind, x.number, x.title, x.organisation_id, x.owner_name, o.unit_id, x.inventors, x.ipc, "
		"x.filed_on, x.granted_on, x.task_id, t.code AS task_code, x.demo FROM patent x LEFT JOIN organisation o "
		"ON o.id = x.organisation_id LEFT JOIN task t ON t.id = x.task_id",
		"x.organisation_id = ?", 1, "x.organisation_id IN (" UNIT_SUB ")", 1, "x.granted_on", "x.kind",
		"x.granted_on DESC, x.number",
		"SELECT x.number, x.kind, x.title, " ORG_CELL("o") ", x.inventors, x.ipc, x.filed_on, x.granted_on, t.code, "
		"x.id FROM patent x LEFT JOIN organisation o ON o.id = x.organisation_id LEFT JOIN task t ON t.id = "
		"x.task_id ORDER BY x.number" },
	[OUT_PROJECT] = { "projects", "project", "code", project_cols, N(project_cols), 1, "title_folded",
		"SELECT x.id, x.code, x.title, x.funder, x.budget, x.started_on, x.ends_on, x.organisation_id, "
		"o.name AS lead_name, o.unit_id, x.agreement_problem_id, x.task_id, t.code AS task_code, x.demo FROM "
		"project x LEFT JOIN organisation o ON o.id = x.organisation_id LEFT JOIN task t ON t.id = x.task_id",
		"(x.organisation_id = ? OR x.id IN (SELECT project_id FROM project_partner WHERE organisation_id = ?))", 2,
		"x.organisation_id IN (" UNIT_SUB ")", 1, "x.started_on", NULL, "x.started_on DESC, x.code",
		"SELECT x.code, x.title, x.funder, x.budget, x.started_on, x.ends_on, " ORG_CELL("o") ", NULL, "
		"x.agreement_problem_id, t.code, x.id FROM project x LEFT JOIN organisation o ON o.id = x.organisation_id "
		"LEFT JOIN task t ON t.id = x.task_id ORDER BY x.code" },
	[OUT_CONTRACT] = { "contracts", "contract", "number", contract_cols, N(contract_cols), 2, "title_folded",
		"SELECT x.id, x.number, x.kind, x.title, x.seller_id, x.seller_name, s.unit_id AS seller_unit_id, "
		"x.buyer_id, x.buyer_name, b.unit_id AS buyer_unit_id, x.value, x.signed_on, x.task_id, t.code AS "
		"task_code, x.demo FROM contract x LEFT JOIN organisation s ON s.id = x.seller_id LEFT JOIN organisation "
		"b ON b.id = x.buyer_id LEFT JOIN task t ON t.id = x.task_id",
		"(x.seller_id = ? OR x.buyer_id = ?)", 2,
		"(x.seller_id IN (" UNIT_SUB ") OR x.buyer_id IN (" UNIT_SUB "))", 2, "x.signed_on", "x.kind",
		"x.signed_on DESC, x.number",
		"SELECT x.number, x.kind, x.title, " ORG_CELL("s") ", " ORG_CELL("b") ", x.value, x.signed_on, t.code, x.id "
		"FROM contract x LEFT JOIN organisation s ON s.id = x.seller_id LEFT JOIN organisation b ON b.id = "
		"x.buyer_id LEFT JOIN task t ON t.id = x.task_id ORDER BY x.number" },
	[OUT_SPINOFF] = { "spinoffs", "spinoff", "name_folded", spinoff_cols, N(spinoff_cols), 0, "name_folded",
		"SELECT x.id, x.name, x.parent_id, p.name AS parent_name, p.unit_id, x.organisation_id, o.name AS "
		"organisation_name, x.founded_on, x.field, x.task_id, t.code AS task_code, x.demo FROM spinoff x JOIN "
		"organisation p ON p.id = x.parent_id LEFT JOIN organisation o ON o.id = x.organisation_id LEFT JOIN "
		"task t ON t.id = x.task_id",
		"(x.parent_id = ? OR x.organisation_id = ?)", 2, "x.parent_id IN (" UNIT_SUB ")", 1, "x.founded_on", NULL,
		"x.founded_on DESC, x.name",
		"SELECT x.name, " ORG_CELL("p") ", " ORG_CELL("o") ", x.founded_on, x.field, t.code, x.id FROM spinoff x "
		"JOIN organisation p ON p.id = x.parent_id LEFT JOIN organisation o ON o.id = x.organisation_id LEFT JOIN "
		"task t ON t.id = x.task_id ORDER BY x.name" },
};

const char *output_kind_name(output_kind k)
{
	return k < N_OUTPUT_KINDS ? kinds[k].name : NULL;
}

int output_kind_from(const char *name)
{
	for (int k = 0; name && k < N_OUTPUT_KINDS; k++)
		if (strcmp(kinds[k].name, name) == 0)
			return k;
	return -1;
}

/* ----------------------------------------------------------------- lists */

/* A row as JSON from its column names: ids are integers, amounts numbers,
 * demo a boolean, the rest text. */
static json_t *row_json(db_stmt *s)
{
	json_t *o = json_object();
	for (int i = 0; i < db_column_count(s); i++) {
		const char *name = db_column_name(s, i);
		size_t n = strlen(name);
		json_t *v;
		if (db_column_is_null(s, i))
			v = json_null();
		else if (strcmp(name, "id") == 0 || (n > 3 && strcmp(name + n - 3, "_id") == 0))
			v = json_integer(db_column_int64(s, i));
		else if (strcmp(name, "value") == 0 || strcmp(name, "budget") == 0)
			v = json_real(db_column_double(s, i));
		else if (strcmp(name, "demo") == 0)
			v = json_boolean(db_column_int64(s, i) != 0);
		else
			v = json_string(db_column_text(s, i));
		json_object_set_new(o, name, v);
	}
	return o;
}

/* A project's partners: [{id, name}] by name. */
static int project_partners(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT o.id, o.name FROM project_partner p JOIN organisation o ON o.id = "
				    "p.organisation_id WHERE p.project_id = ? ORDER BY o.name, o.id");
	*out = json_array();
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:I, s:s}", "id", (json_int_t)db_column_int64(s, 0), "name",
			db_column_text(s, 1)));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* What a record shows: partners of a project; a contract's value only to
 * signed-in people. */
static int finish_row(json_t *o, db_conn *db, output_kind k, bool signed_in)
{
	if (k == OUT_CONTRACT && !signed_in)
		json_object_del(o, "value");
	if (k != OUT_PROJECT)
		return 0;
	json_t *partners;
	int rc = project_partners(&partners, db, json_integer_value(json_object_get(o, "id")));
	json_object_set_new(o, "partners", partners);
	return rc;
}

typedef struct params {
	int n;
	struct { char type; int64_t i; char *t; } p[16];
} params;

static void p_text(params *p, const char *t)
{
	if (p->n < 16) {
		p->p[p->n].type = 't';
		p->p[p->n++].t = strdup(t ? t : "");
	}
}

static void p_int(params *p, int64_t i)
{
	if (p->n < 16) {
		p->p[p->n].type = 'i';
		p->p[p->n++].i = i;
	}
}

static void p_free(params *p)
{
	for (int i = 0; i < p->n; i++)
		if (p->p[i].type == 't')
			free(p->p[i].t);
}

static int p_prepare(db_stmt **out, db_conn *db, const str *sql, const params *p)
{
	if (str_oom(sql))
		return err_set(ERR_NOMEM, "out of memory");
	int rc = db_prepare(out, db, sql->ptr);
	for (int i = 0; rc == 0 && i < p->n; i++)
		rc = p->p[i].type == 't' ? db_bind_text(*out, i + 1, p->p[i].t) : db_bind_int64(*out, i + 1, p->p[i].i);
	if (rc < 0 && *out) {
		db_finalize(*out);
		*out = NULL;
	}
	return rc;
}

static int list_where(str *sql, params *p, const kind_desc *d, const output_filter *f)
{
	str_append(sql, " WHERE 1 = 1");
	if (f->organisation_id) {
		str_appendf(sql, " AND %s", d->org_cond);
		for (int i = 0; i < d->n_org_params; i++)
			p_int(p, f->organisation_id);
	}
	if (f->unit_path) {
		size_t n = strlen(f->unit_path);
		char *hi = strdup(f->unit_path);
		if (!hi)
			return err_set(ERR_NOMEM, "out of memory");
		if (n)
			hi[n - 1] = '0';
		str_appendf(sql, " AND %s", d->unit_cond);
		for (int i = 0; i < d->n_unit_pairs; i++) {
			p_text(p, f->unit_path);
			p_text(p, hi);
		}
		free(hi);
	}
	if (f->kind && *f->kind && d->kind_db) {
		str_appendf(sql, " AND %s = ?", d->kind_db);
		p_text(p, f->kind);
	}
	char y[16];
	if (f->year_from) {
		snprintf(y, sizeof(y), "%04d-01-01", f->year_from);
		str_appendf(sql, " AND %s >= ?", d->date_db);
		p_text(p, y);
	}
	if (f->year_to) {
		snprintf(y, sizeof(y), "%04d-12-31", f->year_to);
		str_appendf(sql, " AND %s <= ?", d->date_db);
		p_text(p, y);
	}
	if (f->q && *f->q) {
		char *folded = NULL;
		int rc = vn_fold(&folded, f->q, strlen(f->q));
		if (rc < 0)
			return rc;
		str like = STR_INIT;
		str_appendc(&like, '%');
		for (const char *c = folded; *c; c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				str_appendc(&like, '\\');
			str_appendc(&like, *c);
		}
		str_appendc(&like, '%');
		free(folded);
		str_appendf(sql, " AND x.%s LIKE ? ESCAPE '\\'", d->folded_db);
		p_text(p, str_cstr(&like));
		str_free(&like);
	}
	return 0;
}

int outputs_list(json_t **out, db_conn *db, output_kind k, const output_filter *f)
{
	const kind_desc *d = &kinds[k];
	str sql = STR_INIT, count = STR_INIT;
	params p = { 0 }, pc = { 0 };
	db_stmt *s = NULL;
	json_t *rows = json_array();
	int64_t total = 0;
	int rc;
	*out = NULL;
	str_append(&sql, d->list_sql);
	str_appendf(&count, "SELECT COUNT(*) FROM %s x", d->table);
	if ((rc = list_where(&sql, &p, d, f)) < 0 || (rc = list_where(&count, &pc, d, f)) < 0)
		goto done;
	str_appendf(&sql, " ORDER BY %s LIMIT ? OFFSET ?", d->order);
	p_int(&p, f->limit);
	p_int(&p, f->offset);
	if ((rc = p_prepare(&s, db, &sql, &p)) < 0)
		goto done;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(rows, row_json(s));
	db_finalize(s);
	if (rc < 0 || (rc = p_prepare(&s, db, &count, &pc)) < 0)
		goto done;
	if ((rc = db_step(s)) == DB_ROW)
		total = db_column_int64(s, 0);
	db_finalize(s);
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o)
		if (rc >= 0 && (rc = finish_row(o, db, k, f->signed_in)) < 0)
			break;
	if (rc >= 0)
		*out = json_pack("{s:O, s:I}", d->name, rows, "total", (json_int_t)total);
done:
	json_decref(rows);
	str_free(&sql);
	str_free(&count);
	p_free(&p);
	p_free(&pc);
	return rc < 0 ? rc : 0;
}

int outputs_get(json_t **out, db_conn *db, output_kind k, int64_t id, bool signed_in)
{
	const kind_desc *d = &kinds[k];
	str sql = STR_INIT;
	db_stmt *s;
	json_t *o = NULL;
	str_appendf(&sql, "%s WHERE x.id = ?", d->list_sql);
	int rc = str_oom(&sql) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, sql.ptr);
	str_free(&sql);
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		o = row_json(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!o) {
		long long n = (long long)id;
		switch (k) {
		case OUT_PATENT: return err_set(ERR_NOTFOUND, "no patent with id %lld", n);
		case OUT_PROJECT: return err_set(ERR_NOTFOUND, "no project with id %lld", n);
		case OUT_CONTRACT: return err_set(ERR_NOTFOUND, "no contract with id %lld", n);
		default: return err_set(ERR_NOTFOUND, "no spin-off with id %lld", n);
		}
	}
	if ((rc = finish_row(o, db, k, signed_in)) < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* ---------------------------------------------------------------- import */

/* One cell read and resolved. */
typedef struct cell {
	const char *text;      /* NFC, trimmed ("" when empty); a date in ISO */
	int64_t id;            /* C_ORG, C_TASK, C_PROBLEM: 0 when empty */
	const char *org_name;  /* C_ORG: the organisation's name */
	double num;            /* C_MONEY */
	bool has_num;
	int64_t *ids;          /* C_ORGS, sorted */
	int n_ids;
} cell;

static char *trimmed(arena *a, const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	return arena_strndup(a, v, n);
}

static int read_date(cell *c, arena *a, const char *v)
{
	date_ymd d;
	int dd, mm, yy;
	char tail;
	if (sscanf(v, "%d/%d/%d%c", &dd, &mm, &yy, &tail) == 3) {
		d = (date_ymd){ yy, mm, dd };
		if (!date_valid(d))
			return err_set(ERR_INVALID, "'%s' is not a date (YYYY-MM-DD)", v);
	} else if (date_parse(&d, v, strlen(v)) < 0) {
		return err_set(ERR_INVALID, "'%s' is not a date (YYYY-MM-DD)", v);
	}
	char iso[11];
	date_format_iso(d, iso);
	c->text = arena_strdup(a, iso);
	return 0;
}

/* An amount: digits with an optional decimal part, or grouped by '.' or
 * ',' in threes as offices write them (1.500.000.000). */
static int read_money(cell *c, arena *a, const char *v)
{
	char *plain = arena_strdup(a, v), *w = plain, *end;
	size_t n = strlen(v);
	int groups = 0, sep = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] == '.' || v[i] == ',') {
			groups++;
			sep = v[i];
		}
	bool grouped = groups >= 2 || (groups == 1 && sep == ',');
	if (grouped) {
		for (size_t i = 0; i < n; i++)
			if (v[i] != sep)
				*w++ = v[i];
		*w = '\0';
	}
	double x = strtod(plain, &end);
	if (end == plain || *end || !(x >= 0) || x > 1e18)
		return err_set(ERR_INVALID, "'%s' is not an amount in VND", v);
	c->num = x;
	c->has_num = true;
	return 0;
}

/* An organisation by id (digits) or by name or alias, diacritics and case
 * ignored; one only. */
static int read_org(int64_t *id, const char **name, arena *a, db_conn *db, const char *v)
{
	bool digits = true;
	int64_t n = 0;
	int rc;
	for (const char *p = v; *p && digits; p++)
		digits = isdigit((unsigned char)*p);
	if (digits) {
		db_stmt *s;
		if ((rc = db_prepare(&s, db, "SELECT id, name FROM organisation WHERE id = ? AND status <> 'merged'")) < 0)
			return rc;
		db_bind_int64(s, 1, strtoll(v, NULL, 10));
		*id = 0;
		if ((rc = db_step(s)) == DB_ROW) {
			*id = db_column_int64(s, 0);
			*name = arena_strdup(a, db_column_text(s, 1));
		}
		db_finalize(s);
		if (rc < 0)
			return rc;
		return *id ? 0 : err_set(ERR_INVALID, "no organisation with id %s", v);
	}
	char *folded = NULL;
	if ((rc = vn_fold(&folded, v, strlen(v))) < 0)
		return rc;
	static const char where[] = " FROM organisation o WHERE o.status <> 'merged' AND (o.name_folded = ? OR o.id IN "
				    "(SELECT organisation_id FROM organisation_alias WHERE alias_folded = ?))";
	rc = db_run(db, &n, "SELECT COUNT(*)" " FROM organisation o WHERE o.status <> 'merged' AND (o.name_folded = ? OR "
			    "o.id IN (SELECT organisation_id FROM organisation_alias WHERE alias_folded = ?))", "tt", folded, folded);
	if (rc == 0 && n == 1) {
		db_stmt *s;
		char sql[300];
		snprintf(sql, sizeof(sql), "SELECT o.id, o.name%s", where);
		if ((rc = db_prepare(&s, db, sql)) == 0) {
			db_bind_text(s, 1, folded);
			db_bind_text(s, 2, folded);
			if ((rc = db_step(s)) == DB_ROW) {
				*id = db_column_int64(s, 0);
				*name = arena_strdup(a, db_column_text(s, 1));
			}
			db_finalize(s);
		}
	}
	free(folded);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(ERR_INVALID, "no organisation named '%s'", v);
	if (n > 1)
		return err_set(ERR_INVALID, "%lld organisations are named '%s': give the id instead", (long long)n, v);
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int read_orgs(cell *c, arena *a, db_conn *db, const char *v)
{
	int n = 1, rc;
	for (const char *p = v; *p; p++)
		n += *p == ';';
	char *copy = arena_strdup(a, v), *cursor = copy;
	if (!copy || !(c->ids = arena_alloc(a, (size_t)n * sizeof(int64_t))))
		return err_set(ERR_NOMEM, "out of memory");
	while (cursor) {
		char *semi = strchr(cursor, ';');
		if (semi)
			*semi = '\0';
		char *piece = trimmed(a, cursor);
		cursor = semi ? semi + 1 : NULL;
		if (!*piece)
			continue;
		const char *name;
		if ((rc = read_org(&c->ids[c->n_ids], &name, a, db, piece)) < 0)
			return rc;
		bool seen = false;
		for (int i = 0; i < c->n_ids; i++)
			seen = seen || c->ids[i] == c->ids[c->n_ids];
		if (!seen)
			c->n_ids++;
	}
	qsort(c->ids, (size_t)c->n_ids, sizeof(int64_t), cmp_id);
	return 0;
}

static int read_cell(cell *c, arena *a, db_conn *db, const col *k, const char *raw)
{
	char *nfc = NULL;
	int rc;
	memset(c, 0, sizeof(*c));
	if ((rc = utf8_nfc(&nfc, raw, strlen(raw))) < 0)
		return rc;
	const char *v = trimmed(a, nfc);
	free(nfc);
	if (!v)
		return err_set(ERR_NOMEM, "out of memory");
	c->text = v;
	if (!*v)
		return k->required ? err_set(ERR_INVALID, "'%s' is required", k->name) : 0;
	switch (k->type) {
	case C_TEXT:
		return 0;
	case C_CHOICE: {
		size_t n = strlen(v);
		for (const char *p = k->choices; p;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			if (len == n && strncmp(p, v, n) == 0)
				return 0;
			p = comma ? comma + 2 : NULL;
		}
		return err_set(ERR_INVALID, "'%s' must be one of %s", k->name, k->choices);
	}
	case C_DATE:
		return read_date(c, a, v);
	case C_MONEY:
		return read_money(c, a, v);
	case C_ORG:
		return read_org(&c->id, &c->org_name, a, db, v);
	case C_ORGS:
		return read_orgs(c, a, db, v);
	case C_TASK:
		if ((rc = task_id_by_code(&c->id, db, v)) == ERR_NOTFOUND || (rc == 0 && !c->id))
			return err_set(ERR_INVALID, "no task with code '%s'", v);
		return rc;
	case C_PROBLEM: {
		int64_t n = 0;
		char *end;
		long long id = strtoll(v, &end, 10);
		if (*end || id <= 0 || (rc = db_run(db, &n, "SELECT COUNT(*) FROM agreement_problem WHERE id = ?", "i",
						    (int64_t)id)) < 0 || !n)
			return rc < 0 ? rc : err_set(ERR_INVALID, "no problem of an agreement with id '%s'", v);
		c->id = id;
		return 0;
	}
	}
	return 0;
}

/* The cells of a stored record in the same canonical form as read_cell's
 * (ids, ISO dates, amounts), to tell an identical row. */
static void canon_cell(str *out, const col *k, const cell *c)
{
	switch (k->type) {
	case C_ORG: case C_TASK: case C_PROBLEM:
		if (c->id)
			str_appendf(out, "%lld", (long long)c->id);
		break;
	case C_MONEY:
		if (c->has_num)
			str_appendf(out, "%.17g", c->num);
		break;
	case C_ORGS:
		for (int i = 0; i < c->n_ids; i++)
			str_appendf(out, "%s%lld", i ? "," : "", (long long)c->ids[i]);
		break;
	default:
		str_append(out, c->text ? c->text : "");
	}
	str_appendc(out, '\x1f');
}

static int canon_stored(str *out, db_conn *db, const kind_desc *d, int64_t id)
{
	str sql = STR_INIT;
	db_stmt *s;
	str_append(&sql, "SELECT ");
	for (int i = 0, n = 0; i < d->n_cols; i++)
		if (d->cols[i].db)
			str_appendf(&sql, "%s%s", n++ ? ", " : "", d->cols[i].db);
	str_appendf(&sql, " FROM %s WHERE id = ?", d->table);
	int rc = str_oom(&sql) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, sql.ptr);
	str_free(&sql);
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		for (int i = 0, j = 0; i < d->n_cols; i++) {
			const col *k = &d->cols[i];
			if (!k->db) {   /* the partners */
				db_stmt *p;
				int rp = db_prepare(&p, db, "SELECT organisation_id FROM project_partner WHERE project_id = ? "
							    "ORDER BY organisation_id");
				if (rp < 0) {
					rc = rp;
					break;
				}
				db_bind_int64(p, 1, id);
				for (int n = 0; (rp = db_step(p)) == DB_ROW; n++)
					str_appendf(out, "%s%lld", n ? "," : "", (long long)db_column_int64(p, 0));
				db_finalize(p);
				str_appendc(out, '\x1f');
				if (rp < 0) {
					rc = rp;
					break;
				}
				continue;
			}
			cell c = { .text = "" };
			if (!db_column_is_null(s, j)) {
				if (k->type == C_ORG || k->type == C_TASK || k->type == C_PROBLEM)
					c.id = db_column_int64(s, j);
				else if (k->type == C_MONEY)
					c.num = db_column_double(s, j), c.has_num = true;
				else
					c.text = db_column_text(s, j);
			}
			canon_cell(out, k, &c);
			j++;
		}
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The key of a row: its number or code as given, a spin-off's folded name. */
static int row_key(char **out, const kind_desc *d, const cell *cells)
{
	const char *v = cells[0].text;
	if (strcmp(d->key_db, "name_folded") == 0)
		return vn_fold(out, v, strlen(v));
	return (*out = strdup(v)) ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* INSERT or UPDATE of one record from its cells. */
static int save_row(int64_t *id, db_conn *db, const kind_desc *d, const cell *cells, bool demo)
{
	str sql = STR_INIT;
	char *folded = NULL;
	char now[TIME_ISO_SIZE];
	db_stmt *s;
	int rc, n = 0;
	const char *ft = cells[d->folded_from].text;
	if ((rc = vn_fold(&folded, ft, strlen(ft))) < 0)
		return rc;
	time_now_iso(now);
	if (*id) {
		str_appendf(&sql, "UPDATE %s SET ", d->table);
		for (int i = 0; i < d->n_cols; i++) {
			if (!d->cols[i].db)
				continue;
			str_appendf(&sql, "%s = ?, ", d->cols[i].db);
			if (d->cols[i].name_db)
				str_appendf(&sql, "%s = ?, ", d->cols[i].name_db);
		}
		str_appendf(&sql, "%s = ?, updated_at = ? WHERE id = ?", d->folded_db);
	} else {
		str_appendf(&sql, "INSERT INTO %s (", d->table);
		for (int i = 0; i < d->n_cols; i++) {
			if (!d->cols[i].db)
				continue;
			str_appendf(&sql, "%s, ", d->cols[i].db);
			if (d->cols[i].name_db)
				str_appendf(&sql, "%s, ", d->cols[i].name_db);
			n += d->cols[i].name_db ? 2 : 1;
		}
		str_appendf(&sql, "%s, demo, updated_at) VALUES (", d->folded_db);
		for (int i = 0; i < n + 3; i++)
			str_append(&sql, i ? ", ?" : "?");
		str_append(&sql, ") RETURNING id");
	}
	rc = str_oom(&sql) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, sql.ptr);
	str_free(&sql);
	if (rc < 0) {
		free(folded);
		return rc;
	}
	int b = 1;
	for (int i = 0; i < d->n_cols; i++) {
		const col *k = &d->cols[i];
		const cell *c = &cells[i];
		if (!k->db)
			continue;
		if (k->type == C_ORG || k->type == C_TASK || k->type == C_PROBLEM)
			c->id ? db_bind_int64(s, b++, c->id) : db_bind_null(s, b++);
		else if (k->type == C_MONEY)
			c->has_num ? db_bind_double(s, b++, c->num) : db_bind_null(s, b++);
		else
			*c->text || k->not_null ? db_bind_text(s, b++, c->text) : db_bind_null(s, b++);
		if (k->name_db)
			db_bind_text(s, b++, c->org_name ? c->org_name : "");
	}
	db_bind_text(s, b++, folded);
	if (!*id)
		db_bind_int64(s, b++, demo);
	db_bind_text(s, b++, now);
	if (*id)
		db_bind_int64(s, b, *id);
	if ((rc = db_step(s)) == DB_ROW && !*id)
		*id = db_column_int64(s, 0);
	db_finalize(s);
	free(folded);
	if (rc < 0)
		return rc;
	for (int i = 0; i < d->n_cols; i++) {
		if (d->cols[i].type != C_ORGS)
			continue;
		if ((rc = db_run(db, NULL, "DELETE FROM project_partner WHERE project_id = ?", "i", *id)) < 0)
			return rc;
		for (int j = 0; j < cells[i].n_ids; j++)
			if ((rc = db_run(db, NULL, "INSERT INTO project_partner (project_id, organisation_id) VALUES (?, ?)",
				     "ii", *id, cells[i].ids[j])) < 0)
				return rc;
	}
	return 0;
}

static void bad_cell(json_t *bad, int line, const char *column)
{
	json_t *d = json_pack("{s:i}", "line", line);
	if (column)
		json_object_set_new(d, "column", json_string(column));
	json_array_append_new(bad, json_err_detail(d));
}

typedef struct import_state {
	outputs_import_result *r;
	db_conn *db;
	const principal *who;
	const kind_desc *d;
	int col[MAX_COLS];
	int width;
	bool demo;
} import_state;

static int import_row(import_state *st, const csv_record *rec)
{
	const kind_desc *d = st->d;
	cell cells[MAX_COLS];
	arena a;
	int rc = 0;
	bool ok = true;
	arena_init(&a, 4096);
	st->r->total++;
	if (csv_check_width(rec, st->width) < 0) {
		bad_cell(st->r->bad, rec->line, NULL);
		arena_free(&a);
		return 0;
	}
	for (int i = 0; i < d->n_cols; i++) {
		const char *raw = st->col[i] >= 0 && st->col[i] < rec->n ? rec->f[st->col[i]] : "";
		if ((rc = read_cell(&cells[i], &a, st->db, &d->cols[i], raw)) == ERR_INVALID) {
			bad_cell(st->r->bad, rec->line, d->cols[i].name);
			ok = false;
			rc = 0;
		} else if (rc < 0) {
			goto done;
		}
	}
	if (!ok)
		goto done;
	char *key = NULL;
	int64_t id = 0;
	char sql[120];
	if ((rc = row_key(&key, d, cells)) < 0)
		goto done;
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ?", d->table, d->key_db);
	rc = db_run(st->db, &id, sql, "t", key);
	free(key);
	if (rc < 0)
		goto done;
	if (id) {
		str now = STR_INIT, was = STR_INIT;
		for (int i = 0; i < d->n_cols; i++)
			canon_cell(&now, &d->cols[i], &cells[i]);
		rc = canon_stored(&was, st->db, d, id);
		bool same = rc == 0 && !str_oom(&now) && !str_oom(&was) && now.len == was.len &&
			memcmp(now.ptr, was.ptr, now.len) == 0;
		str_free(&now);
		str_free(&was);
		if (rc < 0)
			goto done;
		if (same) {
			st->r->unchanged++;
			goto done;
		}
	}
	bool created = id == 0;
	if ((rc = save_row(&id, st->db, d, cells, st->demo)) == ERR_CONFLICT || rc == ERR_INVALID) {
		bad_cell(st->r->bad, rec->line, NULL);
		rc = 0;
		goto done;
	}
	if (rc == 0) {
		json_t *after = json_pack("{s:s}", d->key_db, cells[0].text);
		rc = audit_append_json(st->db, st->who, created ? "create" : "update", d->table, NULL, NULL, after);
		json_decref(after);
		if (created)
			st->r->created++;
		else
			st->r->updated++;
	}
done:
	arena_free(&a);
	return rc;
}

int outputs_import(outputs_import_result *r, db_conn *db, const principal *who, output_kind k, const char *data,
	size_t len, bool dry_run, bool demo)
{
	import_state st = { .r = r, .db = db, .who = who, .d = &kinds[k], .demo = demo };
	table_reader rd;
	csv_record h;
	int rc;
	memset(r, 0, sizeof(*r));
	r->bad = json_array();
	if ((rc = table_open(&rd, data, len)) < 0 || (rc = table_read(&rd, &h)) <= 0) {
		table_free(&rd);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the file is empty (a header row %s is needed)", st.d->cols[0].name);
	}
	st.width = h.n;
	str missing = STR_INIT;
	for (int c = 0; c < st.d->n_cols; c++) {
		st.col[c] = -1;
		for (int i = 0; i < h.n; i++)
			if (strcasecmp(h.f[i], st.d->cols[c].name) == 0)
				st.col[c] = i;
		if (st.col[c] < 0 && st.d->cols[c].required)
			str_appendf(&missing, "%s%s", missing.len ? ", " : "", st.d->cols[c].name);
	}
	if (missing.len) {
		rc = err_set(ERR_INVALID, "line 1: the header lacks the columns %s", str_cstr(&missing));
		str_free(&missing);
		table_free(&rd);
		return rc;
	}
	str_free(&missing);
	if ((rc = db_begin_write(db)) < 0) {
		table_free(&rd);
		return rc;
	}
	csv_record rec;
	while ((rc = table_read(&rd, &rec)) == 1)
		if ((rc = import_row(&st, &rec)) < 0)
			break;
	table_free(&rd);
	if (rc == 0 && json_array_size(r->bad))
		rc = err_set(ERR_INVALID, "%zu of %d rows are wrong; nothing was saved", json_array_size(r->bad), r->total);
	if (rc == 0 && (r->created || r->updated))
		rc = outputs_generation_bump(db);
	if (rc < 0 || dry_run) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ---------------------------------------------------------------- export */

/* Every record's cells in the template's order (each row a json array of
 * strings, amounts as numbers). */
static int export_rows(json_t **out, db_conn *db, const kind_desc *d, bool signed_in)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, d->export_sql);
	*out = json_array();
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *row = json_array();
		int64_t id = db_column_int64(s, d->n_cols);
		for (int i = 0; i < d->n_cols; i++) {
			const col *k = &d->cols[i];
			if (k->type == C_ORGS) {
				json_t *partners;
				str cell = STR_INIT;
				if ((rc = project_partners(&partners, db, id)) < 0) {
					json_decref(partners);
					json_decref(row);
					db_finalize(s);
					return rc;
				}
				size_t j;
				json_t *p;
				json_array_foreach(partners, j, p)
					str_appendf(&cell, "%s%s", j ? "; " : "", json_string_value(json_object_get(p, "name")));
				json_array_append_new(row, json_string(str_cstr(&cell)));
				str_free(&cell);
				json_decref(partners);
			} else if (db_column_is_null(s, i) || (k->type == C_MONEY && k == &contract_cols[5] && !signed_in)) {
				json_array_append_new(row, json_string(""));
			} else if (k->type == C_MONEY) {
				json_array_append_new(row, json_real(db_column_double(s, i)));
			} else {
				json_array_append_new(row, json_string(db_column_text(s, i)));
			}
		}
		json_array_append_new(*out, row);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int outputs_export(char **out, size_t *len, db_conn *db, output_kind k, bool xlsx, bool header_only, bool signed_in)
{
	const kind_desc *d = &kinds[k];
	const char *names[MAX_COLS];
	json_t *rows = NULL;
	int rc;
	*out = NULL;
	for (int i = 0; i < d->n_cols; i++)
		names[i] = d->cols[i].name;
	if (!header_only && (rc = export_rows(&rows, db, d, signed_in)) < 0) {
		json_decref(rows);
		return rc;
	}
	size_t i;
	json_t *row, *v;
	if (xlsx) {
		xlsx_writer w;
		xlsx_writer_init(&w, d->name);
		xlsx_header(&w, names, d->n_cols);
		json_array_foreach(rows, i, row) {
			size_t j;
			xlsx_row(&w);
			json_array_foreach(row, j, v) {
				if (json_is_number(v))
					xlsx_number(&w, json_number_value(v));
				else
					xlsx_text(&w, json_string_value(v));
			}
		}
		json_decref(rows);
		return xlsx_finish(&w, out, len);
	}
	str s = STR_INIT;
	for (int c = 0; c < d->n_cols; c++)
		str_appendf(&s, "%s%s", c ? "," : "", names[c]);
	str_append(&s, "\r\n");
	json_array_foreach(rows, i, row) {
		size_t j;
		json_array_foreach(row, j, v) {
			if (j)
				str_appendc(&s, ',');
			if (json_is_number(v)) {
				char num[40];
				snprintf(num, sizeof(num), "%.15g", json_number_value(v));
				str_append(&s, num);
			} else {
				csv_append_field(&s, json_string_value(v));
			}
		}
		str_append(&s, "\r\n");
	}
	json_decref(rows);
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*len = s.len;
	*out = str_detach(&s);
	return 0;
}
