/* outputs: publications as the API reads them, the review of unmatched
 * institutions and the links writers make, the counts of every output. */
#include "domain/stmap/outputs.h"

#include "domain/ecosystem/registry.h"
#include "domain/people/audit.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int outputs_generation_bump(db_conn *db)
{
	/* Programme indicators counted from the publications follow at once. */
	int rc = db_run(db, NULL, "UPDATE output_generation SET n = n + 1 WHERE id = 1", "");
	return rc < 0 ? rc : registry_refresh_for(db, "publication");
}

int outputs_generation(int64_t *out, db_conn *db)
{
	return db_run(db, out, "SELECT n FROM output_generation WHERE id = 1", "");
}

/* ------------------------------------------------------ bound parameters */

/* A query built in pieces with its parameters in order. */
typedef struct query {
	str sql;
	int n;
	struct { char type; int64_t i; char *t; } p[16];
} query;

static void q_text(query *q, const char *t)
{
	if (q->n >= 16)
		return;
	q->p[q->n].type = 't';
	q->p[q->n++].t = strdup(t);
}

static void q_int(query *q, int64_t i)
{
	if (q->n >= 16)
		return;
	q->p[q->n].type = 'i';
	q->p[q->n++].i = i;
}

static void q_free(query *q)
{
	for (int i = 0; i < q->n; i++)
		if (q->p[i].type == 't')
			free(q->p[i].t);
	str_free(&q->sql);
}

static int q_prepare(db_stmt **out, db_conn *db, query *q)
{
	if (str_oom(&q->sql))
		return err_set(ERR_NOMEM, "out of memory");
	int rc = db_prepare(out, db, str_cstr(&q->sql));
	for (int i = 0; rc == 0 && i < q->n; i++)
		rc = q->p[i].type == 't' ? db_bind_text(*out, i + 1, q->p[i].t) : db_bind_int64(*out, i + 1, q->p[i].i);
	if (rc < 0 && *out) {
		db_finalize(*out);
		*out = NULL;
	}
	return rc;
}

/* "%folded words%" for a LIKE over a folded column, with LIKE's own
 * characters taken literally (ESCAPE '\'). */
static int like_pattern(char **out, const char *q)
{
	char *folded = NULL;
	int rc = vn_fold(&folded, q, strlen(q));
	if (rc < 0)
		return rc;
	str s = STR_INIT;
	str_appendc(&s, '%');
	for (const char *p = folded; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			str_appendc(&s, '\\');
		str_appendc(&s, *p);
	}
	str_appendc(&s, '%');
	free(folded);
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out = str_detach(&s);
	return 0;
}

/* The bounds of a unit subtree for "path >= ? AND path < ?". */
static void subtree_bounds(query *q, const char *path)
{
	size_t n = strlen(path);
	char *hi = strdup(path);
	if (hi && n)
		hi[n - 1] = '0';   /* '/' + 1 */
	q_text(q, path);
	q_text(q, hi ? hi : path);
	free(hi);
}

static json_t *text_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_string(db_column_text(s, i));
}

static json_t *int_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_integer(db_column_int64(s, i));
}

static json_t *bool_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_boolean(db_column_int64(s, i) != 0);
}

static json_t *real_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_real(db_column_double(s, i));
}

/* ----------------------------------------------------------------- works */

#define WORK_SELECT \
	"SELECT w.id, w.openalex_id, w.doi, w.title, w.year, w.type, w.language, w.venue, w.field_id, w.field, " \
	"w.subfield_id, w.subfield, w.domain_id, w.domain, w.is_oa, w.oa_status, w.cited_by_count, w.fwci, " \
	"w.percentile, w.is_top10, w.is_top1, w.referenced_works_count, w.n_authors, w.source, w.task_id, w.demo, " \
	"w.updated_at FROM work w"

static json_t *work_row(db_stmt *s)
{
	static const char *const names[] = { "id", "openalex_id", "doi", "title", "year", "type", "language", "venue",
		"field_id", "field", "subfield_id", "subfield", "domain_id", "domain", "is_oa", "oa_status",
		"cited_by_count", "fwci", "percentile", "is_top10", "is_top1", "referenced_works_count", "n_authors",
		"source", "task_id", "demo", "updated_at" };
	json_t *o = json_object();
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		json_t *v;
		switch (i) {
		case 0: case 4: case 16: case 21: case 22: case 24: v = int_or_null(s, i); break;
		case 14: case 19: case 20: case 25: v = bool_or_null(s, i); break;
		case 17: case 18: v = real_or_null(s, i); break;
		default: v = text_or_null(s, i); break;
		}
		json_object_set_new(o, names[i], v);
	}
	return o;
}

/* The WHERE of a work filter (without the field when with_field is
 * false), appended to q. */
static int works_where(query *q, const work_filter *f, bool with_field)
{
	str_append(&q->sql, " WHERE 1 = 1");
	if (f->organisation_id) {
		str_append(&q->sql, " AND w.id IN (SELECT work_id FROM work_affiliation WHERE organisation_id = ?)");
		q_int(q, f->organisation_id);
	}
	if (f->unit_path) {
		str_append(&q->sql, " AND w.id IN (SELECT a.work_id FROM work_affiliation a JOIN organisation o ON "
				    "o.id = a.organisation_id JOIN unit u ON u.id = o.unit_id WHERE u.path >= ? AND u.path < ?)");
		subtree_bounds(q, f->unit_path);
	}
	if (f->year_from) {
		str_append(&q->sql, " AND w.year >= ?");
		q_int(q, f->year_from);
	}
	if (f->year_to) {
		str_append(&q->sql, " AND w.year <= ?");
		q_int(q, f->year_to);
	}
	if (with_field && f->field) {
		str_append(&q->sql, " AND w.field_id = ?");
		q_text(q, f->field);
	}
	if (f->q && *f->q) {
		char *like;
		int rc = like_pattern(&like, f->q);
		if (rc < 0)
			return rc;
		str_append(&q->sql, " AND w.title_folded LIKE ? ESCAPE '\\'");
		q_text(q, like);
		free(like);
	}
	return 0;
}

static int count_query(int64_t *out, db_conn *db, query *q)
{
	db_stmt *s;
	int rc = q_prepare(&s, db, q);
	*out = 0;
	if (rc < 0)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*out = db_column_int64(s, 0);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Adds "organisations": [{id, name}] to every work of the page. */
static int works_organisations(db_conn *db, json_t *works)
{
	size_t n = json_array_size(works), i;
	if (!n)
		return 0;
	str sql = STR_INIT;
	str_append(&sql, "SELECT DISTINCT a.work_id, o.id, o.name FROM work_affiliation a JOIN organisation o ON o.id = "
			 "a.organisation_id WHERE a.work_id IN (");
	json_t *w;
	json_array_foreach(works, i, w) {
		str_appendf(&sql, "%s%lld", i ? ", " : "", (long long)json_integer_value(json_object_get(w, "id")));
		json_object_set_new(w, "organisations", json_array());
	}
	str_append(&sql, ") ORDER BY a.work_id, o.name");
	db_stmt *s;
	int rc = str_oom(&sql) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, str_cstr(&sql));
	str_free(&sql);
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		json_int_t wid = db_column_int64(s, 0);
		json_array_foreach(works, i, w)
			if (json_integer_value(json_object_get(w, "id")) == wid)
				json_array_append_new(json_object_get(w, "organisations"),
					json_pack("{s:I, s:s}", "id", (json_int_t)db_column_int64(s, 1), "name",
						db_column_text(s, 2)));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int works_fields(json_t **out, db_conn *db, const work_filter *f)
{
	query q = { .sql = STR_INIT };
	db_stmt *s;
	str_append(&q.sql, "SELECT w.field_id, MAX(w.field), COUNT(*) FROM work w");
	int rc = works_where(&q, f, false);
	str_append(&q.sql, " AND w.field_id IS NOT NULL GROUP BY w.field_id ORDER BY COUNT(*) DESC, w.field_id");
	if (rc == 0)
		rc = q_prepare(&s, db, &q);
	q_free(&q);
	if (rc < 0)
		return rc;
	*out = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:s, s:o, s:I}", "id", db_column_text(s, 0), "name",
			text_or_null(s, 1), "works", (json_int_t)db_column_int64(s, 2)));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int outputs_works_list(json_t **out, db_conn *db, const work_filter *f)
{
	query q = { .sql = STR_INIT }, c = { .sql = STR_INIT };
	json_t *works = json_array(), *fields = NULL;
	db_stmt *s = NULL;
	int64_t total = 0;
	int rc;
	*out = NULL;
	str_append(&q.sql, WORK_SELECT);
	str_append(&c.sql, "SELECT COUNT(*) FROM work w");
	if ((rc = works_where(&q, f, true)) < 0 || (rc = works_where(&c, f, true)) < 0)
		goto done;
	str_append(&q.sql, " ORDER BY w.year DESC, w.cited_by_count DESC, w.id LIMIT ? OFFSET ?");
	q_int(&q, f->limit);
	q_int(&q, f->offset);
	if ((rc = q_prepare(&s, db, &q)) < 0)
		goto done;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(works, work_row(s));
	db_finalize(s);
	if (rc < 0 || (rc = count_query(&total, db, &c)) < 0 || (rc = works_organisations(db, works)) < 0 ||
	    (rc = works_fields(&fields, db, f)) < 0)
		goto done;
	*out = json_pack("{s:O, s:I, s:o}", "works", works, "total", (json_int_t)total, "fields", fields);
done:
	json_decref(works);
	q_free(&q);
	q_free(&c);
	return rc < 0 ? rc : 0;
}

static int work_authors(json_t *work, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *authors = json_array();
	int rc = db_prepare(&s, db, "SELECT position, name, orcid, author_id, countries, is_corresponding FROM "
				    "work_author WHERE work_id = ? ORDER BY position");
	json_object_set_new(work, "authors", authors);
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(authors, json_pack("{s:I, s:o, s:o, s:o, s:s, s:b, s:[]}", "position",
			(json_int_t)db_column_int64(s, 0), "name", text_or_null(s, 1), "orcid", text_or_null(s, 2),
			"author_id", text_or_null(s, 3), "countries", db_column_text(s, 4), "is_corresponding",
			db_column_int64(s, 5) != 0, "affiliations"));
	db_finalize(s);
	if (rc < 0 || (rc = db_prepare(&s, db, "SELECT a.position, a.institution_id, a.ror, a.name, a.country_code, "
				"a.type, a.organisation_id, o.name, a.match, o.unit_id FROM work_affiliation a LEFT JOIN "
				"organisation o ON o.id = a.organisation_id WHERE a.work_id = ? ORDER BY a.position, a.id")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	while ((rc = db_step(s)) == DB_ROW) {
		size_t pos = (size_t)db_column_int64(s, 0), i;
		json_t *a = NULL, *aff = json_pack("{s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "institution_id",
			text_or_null(s, 1), "ror", text_or_null(s, 2), "name", db_column_text(s, 3), "country_code",
			text_or_null(s, 4), "type", text_or_null(s, 5), "organisation_id", int_or_null(s, 6),
			"organisation_name", text_or_null(s, 7), "match", text_or_null(s, 8), "unit_id", int_or_null(s, 9));
		json_array_foreach(authors, i, a)
			if ((size_t)json_integer_value(json_object_get(a, "position")) == pos)
				break;
		if (a)
			json_array_append(json_object_get(a, "affiliations"), aff);
		json_decref(aff);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int outputs_work_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *w = NULL;
	int rc = db_prepare(&s, db, WORK_SELECT " WHERE w.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		w = work_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!w)
		return err_set(ERR_NOTFOUND, "no work with id %lld", (long long)id);
	if ((rc = work_authors(w, db, id)) < 0) {
		json_decref(w);
		return rc;
	}
	*out = w;
	return 0;
}

#define INSTITUTION_KEY \
	"CASE WHEN institution_id IS NOT NULL THEN 'openalex:' || institution_id WHEN ror IS NOT NULL THEN " \
	"'ror:' || ror ELSE 'name:' || name_folded END"

int outputs_summary(json_t **out, db_conn *db)
{
	static const char *const names[] = { "works", "patents", "utility_solutions", "projects", "contracts",
		"spinoffs", "unmatched_institutions", "generation" };
	static const char *const sql[] = {
		"SELECT COUNT(*) FROM work",
		"SELECT COUNT(*) FROM patent WHERE kind = 'patent'",
		"SELECT COUNT(*) FROM patent WHERE kind = 'utility_solution'",
		"SELECT COUNT(*) FROM project",
		"SELECT COUNT(*) FROM contract",
		"SELECT COUNT(*) FROM spinoff",
		"SELECT COUNT(DISTINCT " INSTITUTION_KEY ") FROM work_affiliation WHERE organisation_id IS NULL",
		"SELECT n FROM output_generation WHERE id = 1",
	};
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int64_t n;
		int rc = db_run(db, &n, sql[i], "");
		if (rc < 0) {
			json_decref(o);
			return rc;
		}
		json_object_set_new(o, names[i], json_integer(n));
	}
	*out = o;
	return 0;
}

/* ------------------------------------------------ institutions to review */

static int institutions_from(query *q, const char *country, const char *like)
{
	str_append(&q->sql, " FROM (SELECT " INSTITUTION_KEY " AS k, institution_id, ror, name, country_code, type, "
			    "work_id FROM work_affiliation WHERE organisation_id IS NULL");
	if (country) {
		str_append(&q->sql, " AND country_code = ?");
		q_text(q, country);
	}
	if (like) {
		str_append(&q->sql, " AND name_folded LIKE ? ESCAPE '\\'");
		q_text(q, like);
	}
	str_append(&q->sql, ") x GROUP BY k");
	return 0;
}

int outputs_institutions(json_t **out, db_conn *db, const char *country, const char *q_text_, int64_t limit,
	int64_t offset)
{
	query q = { .sql = STR_INIT }, c = { .sql = STR_INIT };
	char *like = NULL;
	db_stmt *s = NULL;
	json_t *list = json_array();
	int64_t total = 0;
	int rc = 0;
	*out = NULL;
	if (q_text_ && *q_text_ && (rc = like_pattern(&like, q_text_)) < 0)
		goto done;
	str_append(&q.sql, "SELECT k, MAX(institution_id), MAX(ror), MAX(name), MAX(country_code), MAX(type), "
			   "COUNT(DISTINCT work_id)");
	institutions_from(&q, country, like);
	str_append(&q.sql, " ORDER BY COUNT(DISTINCT work_id) DESC, MAX(name), k LIMIT ? OFFSET ?");
	q_int(&q, limit);
	q_int(&q, offset);
	str_append(&c.sql, "SELECT COUNT(*) FROM (SELECT k");
	institutions_from(&c, country, like);
	str_append(&c.sql, ") y");
	if ((rc = q_prepare(&s, db, &q)) < 0)
		goto done;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:I}", "key", db_column_text(s, 0),
			"institution_id", text_or_null(s, 1), "ror", text_or_null(s, 2), "name", db_column_text(s, 3),
			"country_code", text_or_null(s, 4), "type", text_or_null(s, 5), "works",
			(json_int_t)db_column_int64(s, 6)));
	db_finalize(s);
	if (rc < 0 || (rc = count_query(&total, db, &c)) < 0)
		goto done;
	*out = json_pack("{s:O, s:I}", "institutions", list, "total", (json_int_t)total);
done:
	free(like);
	json_decref(list);
	q_free(&q);
	q_free(&c);
	return rc < 0 ? rc : 0;
}

/* The affiliations of a key: the condition and its one parameter. */
static int key_condition(const char **cond, const char **value, const char *key)
{
	if (strncmp(key, "openalex:", 9) == 0 && key[9]) {
		*cond = "institution_id = ?";
		*value = key + 9;
	} else if (strncmp(key, "ror:", 4) == 0 && key[4]) {
		*cond = "institution_id IS NULL AND ror = ?";
		*value = key + 4;
	} else if (strncmp(key, "name:", 5) == 0 && key[5]) {
		*cond = "institution_id IS NULL AND ror IS NULL AND name_folded = ?";
		*value = key + 5;
	} else {
		return err_set(ERR_INVALID, "'%s' is not an institution key (openalex:I..., ror:... or name:...)", key);
	}
	return 0;
}

static int link_in(int64_t *n_out, db_conn *db, const principal *who, const char *key, int64_t org)
{
	const char *cond, *value;
	char now[TIME_ISO_SIZE], sql[200];
	db_stmt *s;
	int64_t exists = 0;
	int rc;
	if ((rc = key_condition(&cond, &value, key)) < 0)
		return rc;
	if ((rc = db_run(db, &exists, "SELECT COUNT(*) FROM organisation WHERE id = ? AND status <> 'merged'", "i", org)) < 0)
		return rc;
	if (!exists)
		return err_set(ERR_INVALID, "no organisation with id %lld", (long long)org);
	snprintf(sql, sizeof(sql), "SELECT MAX(name) FROM work_affiliation WHERE %s", cond);
	if ((rc = db_prepare(&s, db, sql)) < 0)
		return rc;
	db_bind_text(s, 1, value);
	char *name = NULL;
	if ((rc = db_step(s)) == DB_ROW && !db_column_is_null(s, 0))
		name = strdup(db_column_text(s, 0));
	db_finalize(s);
	if (rc < 0) {
		free(name);
		return rc;
	}
	if (!name)
		return err_set(ERR_NOTFOUND, "no work names the institution '%s'", key);
	time_now_iso(now);
	static const char upsert[] = "INSERT INTO institution_link (key, organisation_id, name, linked_by, linked_at) "
		"VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET organisation_id = excluded.organisation_id, "
		"linked_by = excluded.linked_by, linked_at = excluded.linked_at";
	rc = who && who->person_id ? db_run(db, NULL, upsert, "titit", key, org, name, who->person_id, now)
		: db_run(db, NULL, upsert, "titnt", key, org, name, now);
	free(name);
	if (rc < 0)
		return rc;
	snprintf(sql, sizeof(sql), "UPDATE work_affiliation SET organisation_id = ?, match = 'manual' WHERE %s", cond);
	if ((rc = db_run(db, NULL, sql, "it", org, value)) < 0)
		return rc;
	*n_out = db_changes(db);
	if ((rc = outputs_generation_bump(db)) < 0)
		return rc;
	json_t *after = json_pack("{s:I, s:I}", "organisation_id", (json_int_t)org, "affiliations", (json_int_t)*n_out);
	rc = audit_append_json(db, who, "link", "institution", key, NULL, after);
	json_decref(after);
	return rc;
}

int outputs_institution_link(int64_t *n_out, db_conn *db, const principal *who, const char *key, int64_t organisation_id)
{
	*n_out = 0;
	DB_IN_WRITE(db, link_in(n_out, db, who, key, organisation_id));
}

static int unlink_in(db_conn *db, const principal *who, const char *key)
{
	const char *cond, *value;
	char sql[200];
	int rc;
	if ((rc = key_condition(&cond, &value, key)) < 0 ||
	    (rc = db_run(db, NULL, "DELETE FROM institution_link WHERE key = ?", "t", key)) < 0)
		return rc;
	if (db_changes(db) == 0)
		return err_set(ERR_NOTFOUND, "the institution '%s' is not linked", key);
	snprintf(sql, sizeof(sql), "UPDATE work_affiliation SET organisation_id = NULL, match = NULL WHERE match = "
				   "'manual' AND %s", cond);
	if ((rc = db_run(db, NULL, sql, "t", value)) < 0 || (rc = outputs_generation_bump(db)) < 0)
		return rc;
	return audit_append_json(db, who, "unlink", "institution", key, NULL, NULL);
}

int outputs_institution_unlink(db_conn *db, const principal *who, const char *key)
{
	DB_IN_WRITE(db, unlink_in(db, who, key));
}
