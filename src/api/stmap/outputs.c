/* outputs: /api/v1/outputs/... Publications, patents, projects and
 * spin-offs are public; contracts too, but their values only for
 * signed-in people; the review list of unmatched institutions needs a
 * sign-in. Imports and links are the registry writers' (ACT_REGISTRY_WRITE). */
#include "api/stmap/outputs.h"
#include "domain/people/unit.h"
#include "domain/stmap/openalex.h"
#include "domain/stmap/outputs.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- common */

static bool signed_in(http_req *req)
{
	const principal *who;
	return api_principal(&who, req) == 0 && (who->person_id || who->cli);
}

static const char *query_or_null(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && *v ? v : NULL;
}

static bool flag(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* The start of every write: a registry writer and the database. */
static int writer(const principal **who, db_conn **db, http_req *req)
{
	int rc;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = api_principal(who, req)) < 0)
		return rc;
	return api_db(db, req);
}

/* The common filters: organisation_id, unit (a code) or unit_id, year_from,
 * year_to, q, limit and offset. */
typedef struct common_filter {
	int64_t organisation_id, year_from, year_to, limit, offset;
	const char *unit_path, *q;
} common_filter;

static int read_filter(common_filter *f, db_conn **db, http_req *req)
{
	int64_t unit_id = 0;
	const char *code = query_or_null(req, "unit");
	int rc;
	memset(f, 0, sizeof(*f));
	f->q = query_or_null(req, "q");
	if ((rc = api_query_int64(&f->limit, req, "limit", 50, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&f->offset, req, "offset", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f->organisation_id, req, "organisation_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f->year_from, req, "year_from", 0, 0, 9999)) < 0 ||
	    (rc = api_query_int64(&f->year_to, req, "year_to", 0, 0, 9999)) < 0 ||
	    (rc = api_query_int64(&unit_id, req, "unit_id", 0, 0, INT64_MAX)) < 0 || (rc = api_db(db, req)) < 0)
		return rc;
	if (code || unit_id) {
		int64_t found = 0;
		const char *found_code;
		if ((rc = unit_find(&found, &f->unit_path, &found_code, *db, &req->a, code, unit_id)) < 0)
			return rc;
		if (!found)
			return err_set(ERR_INVALID, "'unit': there is no unit with the code %s", code ? code : "?");
	}
	return 0;
}

/* ----------------------------------------------------------------- works */

int api_outputs_summary(http_req *req)
{
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_db(&db, req)) < 0 || (rc = outputs_summary(&out, db)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_works_list(http_req *req)
{
	common_filter c;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = read_filter(&c, &db, req)) < 0)
		return rc;
	work_filter f = { .organisation_id = c.organisation_id, .unit_path = c.unit_path, .year_from = (int)c.year_from,
		.year_to = (int)c.year_to, .field = query_or_null(req, "field"), .q = c.q, .limit = c.limit,
		.offset = c.offset };
	if ((rc = outputs_works_list(&out, db, &f)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_works_get(http_req *req)
{
	db_conn *db;
	int64_t id;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = outputs_work_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* The body is OpenAlex's JSON Lines, one work per line. */
int api_works_import(http_req *req)
{
	const principal *who;
	db_conn *db;
	openalex_result r;
	openalex_options o = { .dry_run = flag(req, "dry_run") };
	int rc;
	if ((rc = writer(&who, &db, req)) < 0 ||
	    (rc = openalex_import_text(&r, db, who, req->body.ptr ? req->body.ptr : "", req->body.len, &o)) < 0)
		return rc;
	return api_respond_json(req, 200, json_pack("{s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:I, s:b}",
		"works", (json_int_t)r.works, "created", (json_int_t)r.created, "updated", (json_int_t)r.updated, "authors",
		(json_int_t)r.authors, "affiliations", (json_int_t)r.affiliations, "matched", "openalex",
		(json_int_t)r.by_openalex, "ror", (json_int_t)r.by_ror, "manual", (json_int_t)r.by_manual, "name",
		(json_int_t)r.by_name, "unmatched", (json_int_t)r.unmatched, "dry_run", o.dry_run));
}

/* ------------------------------------------------ institutions to review */

int api_institutions_list(http_req *req)
{
	int64_t limit, offset;
	db_conn *db;
	json_t *out;
	int rc;
	if (!signed_in(req))
		return err_set(ERR_UNAUTHORIZED, "sign in to review the institutions of the publications");
	if ((rc = api_query_int64(&limit, req, "limit", 50, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&offset, req, "offset", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = outputs_institutions(&out, db, query_or_null(req, "country"), query_or_null(req, "q"), limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_institutions_link(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body = NULL;
	const char *key;
	long long org = 0;
	int present = 0;
	int64_t n = 0;
	int rc;
	if ((rc = writer(&who, &db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&key, body, "key", 1)) == 0 &&
	    (rc = json_get_int(&org, &present, body, "organisation_id", 1)) == 0)
		rc = outputs_institution_link(&n, db, who, key, org);
	json_t *out = rc == 0 ? json_pack("{s:s, s:I, s:I}", "key", key, "organisation_id", (json_int_t)org,
				      "affiliations", (json_int_t)n) : NULL;
	json_decref(body);
	return rc < 0 ? rc : api_respond_json(req, 200, out);
}

int api_institutions_unlink(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body = NULL;
	const char *key;
	int rc;
	if ((rc = writer(&who, &db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&key, body, "key", 1)) == 0)
		rc = outputs_institution_unlink(db, who, key);
	json_decref(body);
	return rc < 0 ? rc : api_respond_json(req, 200, json_pack("{s:b}", "unlinked", 1));
}

/* ---------------------------------- patents, projects, contracts, spin-offs */

static int kind_list(http_req *req, output_kind k)
{
	common_filter c;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = read_filter(&c, &db, req)) < 0)
		return rc;
	output_filter f = { .organisation_id = c.organisation_id, .unit_path = c.unit_path, .kind = query_or_null(req, "kind"),
		.year_from = (int)c.year_from, .year_to = (int)c.year_to, .q = c.q, .signed_in = signed_in(req),
		.limit = c.limit, .offset = c.offset };
	if ((rc = outputs_list(&out, db, k, &f)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

static int kind_get(http_req *req, output_kind k)
{
	db_conn *db;
	int64_t id;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = outputs_get(&out, db, k, id, signed_in(req))) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* CSV (text/csv) or an .xlsx workbook; ?dry_run=1 saves nothing. */
static int kind_import(http_req *req, output_kind k)
{
	const principal *who;
	db_conn *db;
	outputs_import_result r;
	bool dry = flag(req, "dry_run");
	int rc;
	if ((rc = writer(&who, &db, req)) < 0 || (rc = api_body_table(req)) < 0)
		return rc;
	rc = outputs_import(&r, db, who, k, req->body.ptr ? req->body.ptr : "", req->body.len, dry, false);
	if (rc == ERR_INVALID && json_array_size(r.bad))
		return api_respond_error(req, rc, r.bad);
	json_decref(r.bad);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 200, json_pack("{s:i, s:i, s:i, s:i, s:b}", "total", r.total, "created", r.created,
		"updated", r.updated, "unchanged", r.unchanged, "dry_run", dry));
}

/* ?format=xlsx for a workbook (CSV otherwise); ?template=1 for the empty
 * template. */
static int kind_export(http_req *req, output_kind k)
{
	const char *format = http_req_query(req, "format");
	bool xlsx = format && strcmp(format, "xlsx") == 0, tpl = flag(req, "template");
	db_conn *db;
	char *data, name[64];
	size_t len;
	int rc;
	if ((rc = api_db(&db, req)) < 0 || (rc = outputs_export(&data, &len, db, k, xlsx, tpl, signed_in(req))) < 0)
		return rc;
	snprintf(name, sizeof(name), "%s%s.%s", output_kind_name(k), tpl ? "-template" : "", xlsx ? "xlsx" : "csv");
	http_req_add_header(req, "Content-Disposition", api_disposition(req, name, false));
	http_req_add_header(req, "Cache-Control", "no-store");
	rc = http_respond(req, 200, xlsx ? API_XLSX_TYPE : "text/csv; charset=utf-8", data, len);
	free(data);
	return rc;
}

#define KIND_HANDLERS(name, k) \
	int api_##name##_list(http_req *req) { return kind_list(req, k); } \
	int api_##name##_get(http_req *req) { return kind_get(req, k); } \
	int api_##name##_import(http_req *req) { return kind_import(req, k); } \
	int api_##name##_export(http_req *req) { return kind_export(req, k); }

KIND_HANDLERS(patents, OUT_PATENT)
KIND_HANDLERS(projects, OUT_PROJECT)
KIND_HANDLERS(contracts, OUT_CONTRACT)
KIND_HANDLERS(spinoffs, OUT_SPINOFF)
