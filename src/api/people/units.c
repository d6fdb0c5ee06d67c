/* units: /api/v1/units — the unit tree: list and search, one unit with its
 * ancestors and history, create, change and move, CSV import and export.
 * Anonymous callers see public, active units only. */
#include "api/api.h"
#include "domain/people/unit.h"
#include "util/err.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int anonymous(bool *out, http_req *req)
{
	const principal *who;
	int rc = api_principal(&who, req);
	*out = rc == 0 && who->person_id == 0;
	return rc;
}

int api_units_list(http_req *req)
{
	unit_filter f = { .q = http_req_query(req, "q"), .kind = http_req_query(req, "kind"), .active = -1 };
	const char *parent = http_req_query(req, "parent_id"), *active = http_req_query(req, "active");
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = anonymous(&f.public_only, req)) < 0 || (rc = api_query_int64(&f.under, req, "under", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f.limit, req, "limit", 100, 1, 10000)) < 0 ||
	    (rc = api_query_int64(&f.offset, req, "offset", 0, 0, INT64_MAX)) < 0)
		return rc;
	if (parent && strcmp(parent, "root") == 0)
		f.parent_id = -1;
	else if ((rc = api_query_int64(&f.parent_id, req, "parent_id", 0, 0, INT64_MAX)) < 0)
		return rc;
	if (active && *active)
		f.active = strcmp(active, "0") != 0;
	if (f.kind && *f.kind && !unit_kind_valid(f.kind))
		return err_set(ERR_INVALID, "kind '%.40s' is not a unit kind", f.kind);
	if ((rc = api_db(&db, req)) < 0 || (rc = unit_list(&out, db, &f)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_units_get(http_req *req)
{
	int64_t id;
	bool anon;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = anonymous(&anon, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = unit_get(&out, db, id, anon)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* Reads the fields of a create or change; -1 / NULL where absent. */
static int read_fields(unit_fields *f, db_conn *db, const json_t *body)
{
	long long parent_id = 0;
	int present, b, rc;
	const char *parent_code = NULL;
	f->active = f->is_public = -1;
	if ((rc = json_get_string(&f->code, body, "code", 0)) < 0 || (rc = json_get_string(&f->name, body, "name", 0)) < 0 ||
	    (rc = json_get_string(&f->kind, body, "kind", 0)) < 0 ||
	    (rc = json_get_int(&parent_id, &present, body, "parent_id", 0)) < 0 ||
	    (rc = json_get_string(&parent_code, body, "parent_code", 0)) < 0)
		return rc;
	f->parent_id = parent_id;
	if ((rc = json_get_bool(&b, &present, body, "active", 0)) < 0)
		return rc;
	if (present)
		f->active = b;
	if ((rc = json_get_bool(&b, &present, body, "public", 0)) < 0)
		return rc;
	if (present)
		f->is_public = b;
	if (parent_code && !f->parent_id) {
		if ((rc = unit_id_by_code(&f->parent_id, db, parent_code)) < 0)
			return rc;
		if (!f->parent_id)
			return err_set(ERR_INVALID, "no unit with code '%s'", parent_code);
	}
	return 0;
}

/* The path the caller needs ACT_UNIT_WRITE on to place a unit under
 * parent_id: the parent's, or "/" (command line only) for a root. */
static int parent_path(const char **out, http_req *req, db_conn *db, int64_t parent_id)
{
	if (!parent_id) {
		*out = "/";
		return 0;
	}
	int rc = unit_path(out, db, &req->a, parent_id);
	return rc == ERR_NOTFOUND ? err_set(ERR_INVALID, "no parent unit with id %lld", (long long)parent_id) : rc;
}

int api_units_create(http_req *req)
{
	json_t *body = NULL, *out;
	unit_fields f;
	const principal *who;
	const char *path;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_principal(&who, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to change units");
	if ((rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = read_fields(&f, db, body)) < 0 || (rc = parent_path(&path, req, db, f.parent_id)) < 0 ||
	    (rc = api_require(req, ACT_UNIT_WRITE, path)) < 0 || (rc = unit_create(&id, db, who, &f)) < 0 ||
	    (rc = unit_get(&out, db, id, false)) < 0)
		goto done;
	rc = api_respond_json(req, 201, out);
done:
	json_decref(body);
	return rc;
}

int api_units_update(http_req *req)
{
	json_t *body = NULL, *out;
	unit_fields f;
	const principal *who;
	const char *path, *new_parent;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_param_id(&id, req, 0)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to change units");
	if ((rc = api_db(&db, req)) < 0 || (rc = unit_path(&path, db, &req->a, id)) < 0 ||
	    (rc = api_require(req, ACT_UNIT_WRITE, path)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = read_fields(&f, db, body)) < 0)
		goto done;
	if (f.parent_id && ((rc = parent_path(&new_parent, req, db, f.parent_id)) < 0 ||
			    (rc = api_require(req, ACT_UNIT_WRITE, new_parent)) < 0))
		goto done;
	if ((rc = unit_update(db, who, id, &f)) < 0 || (rc = unit_get(&out, db, id, false)) < 0)
		goto done;
	rc = api_respond_json(req, 200, out);
done:
	json_decref(body);
	return rc;
}

int api_units_import(http_req *req)
{
	const principal *who;
	const char *ct = http_req_header(req, "Content-Type");
	db_conn *db;
	int rc;
	if ((rc = api_principal(&who, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to import units");
	if ((rc = api_require(req, ACT_UNIT_WRITE, NULL)) < 0)
		return rc;
	if (!ct || (strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "text/plain", 10) != 0))
		return err_set(ERR_INVALID, "send the file as text/csv, not '%.60s'", ct ? ct : "nothing");
	if ((rc = api_db(&db, req)) < 0)
		return rc;
	unit_import_result r;
	rc = unit_import(&r, db, who, req->body.ptr ? req->body.ptr : "", req->body.len);
	if (rc == ERR_INVALID && r.bad)
		return api_respond_error(req, rc, r.bad);
	json_decref(r.bad);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 200, json_pack("{s:i, s:i, s:i}", "created", r.created, "updated", r.updated,
		"total", r.total));
}

int api_units_export(http_req *req)
{
	bool anon;
	db_conn *db;
	char *csv;
	size_t len;
	int rc;
	if ((rc = anonymous(&anon, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = unit_export(&csv, &len, db, anon)) < 0)
		return rc;
	http_req_add_header(req, "Content-Disposition", "attachment; filename=\"units.csv\"");
	http_req_add_header(req, "Cache-Control", "no-store");
	rc = http_respond(req, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
	return rc;
}
