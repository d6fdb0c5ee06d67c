/* organisations: /api/v1/organisations — the registry's organisations.
 * Anyone reads the published ones (without contacts), signed-in people
 * read all; registry writers (the steering office, administrators) add,
 * change, merge and import them and name their editors; an
 * organisation's editors propose changes to its profile for review. */
#include "api/ecosystem/organisations.h"
#include "domain/ecosystem/organisation.h"
#include "domain/people/unit.h"
#include "util/err.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The request's principal, who must be signed in to change anything. */
static int signed_in(const principal **who, http_req *req)
{
	int rc = api_principal(who, req);
	if (rc == 0 && !(*who)->person_id && !(*who)->cli)
		rc = err_set(ERR_UNAUTHORIZED, "sign in to change the registry");
	return rc;
}

static bool anonymous(const principal *who)
{
	return !who->person_id && !who->cli;
}

/* Registry writers, or the editors of organisation id too when editors is
 * true. */
static int may_edit(const principal **who, http_req *req, int64_t id, bool editors)
{
	int rc = signed_in(who, req);
	if (rc < 0)
		return rc;
	if (authz_registry_writer(*who) || (editors && authz_edits_organisation(*who, id)))
		return 0;
	return api_require(req, ACT_REGISTRY_WRITE, NULL);
}

int api_organisations_list(http_req *req)
{
	const principal *who;
	organisation_filter f = { .q = http_req_query(req, "q"), .kind = http_req_query(req, "kind"),
		.sector = http_req_query(req, "sector"), .status = http_req_query(req, "status") };
	const char *unit_code = http_req_query(req, "unit");
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_query_int64(&f.limit, req, "limit", 50, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&f.offset, req, "offset", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f.unit_id, req, "unit_id", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (unit_code && *unit_code) {
		if ((rc = unit_id_by_code(&f.unit_id, db, unit_code)) < 0)
			return rc;
		if (!f.unit_id)
			return err_set(ERR_INVALID, "'unit': there is no unit with the code %s", unit_code);
	}
	f.public_only = anonymous(who);
	if (f.public_only && f.status && strcmp(f.status, "merged") == 0)
		f.status = NULL;
	if ((rc = organisation_list(&out, db, &f)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_organisations_create(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = organisation_create(&id, db, who, body);
	json_decref(body);
	if (rc < 0 || (rc = organisation_get(&out, db, who, id)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

int api_organisations_get(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = organisation_get(&out, db, who, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* A registry writer's change is applied; an editor's is kept for review
 * and the answer shows it as "change". */
int api_organisations_update(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int64_t id, change_id;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = signed_in(&who, req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!authz_edits_organisation(who, id) && (rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0)
		return rc;
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = organisation_update(&change_id, db, who, id, body);
	json_decref(body);
	if (rc < 0 || (rc = organisation_get(&out, db, who, id)) < 0)
		return rc;
	(void)change_id;
	return api_respond_json(req, 200, out);
}

int api_organisations_history(http_req *req)
{
	const principal *who;
	int64_t id, limit, offset;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = may_edit(&who, req, id, true)) < 0 ||
	    (rc = api_query_int64(&limit, req, "limit", 50, 1, 500)) < 0 ||
	    (rc = api_query_int64(&offset, req, "offset", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = organisation_history(&out, db, id, limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_organisations_duplicates(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = organisation_duplicates(&out, db)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_organisations_merge(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int64_t id;
	long long dup;
	int rc, present;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = may_edit(&who, req, id, false)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = json_get_int(&dup, &present, body, "duplicate_id", 1);
	json_decref(body);
	if (rc < 0 || (rc = organisation_merge(db, who, id, dup)) < 0 || (rc = organisation_get(&out, db, who, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_organisations_editors(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = may_edit(&who, req, id, false)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = organisation_editors(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* {person_id} or {login}. */
int api_organisations_editor_add(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int64_t id, person = 0;
	long long pid = 0;
	const char *login = NULL;
	int rc, present = 0;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = may_edit(&who, req, id, false)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_int(&pid, &present, body, "person_id", 0)) == 0 && !present &&
	    (rc = json_get_string(&login, body, "login", 0)) == 0) {
		if (!login)
			rc = err_set(ERR_INVALID, "name the editor by 'person_id' or 'login'");
		else if ((rc = db_run(db, &person, "SELECT id FROM person WHERE login = ?", "t", login)) == 0 && !person)
			rc = err_set(ERR_INVALID, "'login': there is no person %s", login);
	}
	json_decref(body);
	if (present)
		person = pid;
	if (rc < 0 || (rc = organisation_editor_add(db, who, id, person)) < 0 || (rc = organisation_editors(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_organisations_editor_remove(http_req *req)
{
	const principal *who;
	int64_t id, person;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_param_id(&person, req, 1)) < 0 ||
	    (rc = may_edit(&who, req, id, false)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = organisation_editor_remove(db, who, id, person)) < 0 || (rc = organisation_editors(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_organisations_changes(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = may_edit(&who, req, id, true)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = organisation_changes(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

static int decide(http_req *req, bool approve)
{
	const principal *who;
	int64_t id, change_id;
	db_conn *db;
	json_t *out, *body = NULL;
	const char *reason = NULL;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_param_id(&change_id, req, 1)) < 0 ||
	    (rc = may_edit(&who, req, id, false)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!approve && ((rc = api_body_object(&body, req)) < 0 || (rc = json_get_string(&reason, body, "reason", 0)) < 0)) {
		json_decref(body);
		return rc;
	}
	rc = approve ? organisation_change_approve(db, who, id, change_id)
		     : organisation_change_refuse(db, who, id, change_id, reason);
	json_decref(body);
	if (rc < 0 || (rc = organisation_get(&out, db, who, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_organisations_change_approve(http_req *req)
{
	return decide(req, true);
}

int api_organisations_change_refuse(http_req *req)
{
	return decide(req, false);
}

static bool flag(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* CSV (text/csv) or an .xlsx workbook (told apart by its content); with
 * ?dry_run=1 nothing is saved and "rows" says what each row would do. */
int api_organisations_import(http_req *req)
{
	const principal *who;
	const char *body = req->body.ptr ? req->body.ptr : "";
	bool dry_run = flag(req, "dry_run");
	organisation_import_result r;
	db_conn *db;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 ||
	    (rc = api_db(&db, req)) < 0)
		return rc;
	if ((rc = api_body_table(req)) < 0)
		return rc;
	rc = organisation_import(&r, db, who, body, req->body.len, dry_run);
	if (rc == ERR_INVALID && r.problems) {
		json_decref(r.rows);
		return api_respond_error(req, rc, r.problems);
	}
	json_decref(r.problems);
	if (rc < 0) {
		json_decref(r.rows);
		return rc;
	}
	return api_respond_json(req, 200, json_pack("{s:i, s:i, s:i, s:i, s:b, s:o}", "created", r.created, "updated",
		r.updated, "unchanged", r.unchanged, "total", r.total, "dry_run", dry_run, "rows", r.rows));
}

int api_organisations_export(http_req *req)
{
	const principal *who;
	db_conn *db;
	char *csv;
	size_t len;
	int rc;
	if ((rc = api_principal(&who, req)) < 0)
		return rc;
	if (anonymous(who))
		return err_set(ERR_UNAUTHORIZED, "sign in to export the organisations");
	if ((rc = api_db(&db, req)) < 0 || (rc = organisation_export(&csv, &len, db)) < 0)
		return rc;
	http_req_add_header(req, "Content-Disposition", api_disposition(req, "to-chuc.csv", false));
	http_req_add_header(req, "Cache-Control", "no-store");
	rc = http_respond(req, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
	return rc;
}
