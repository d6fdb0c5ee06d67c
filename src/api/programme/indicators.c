/* indicators: /api/v1/indicators — definitions and targets; public ones
 * readable by anyone, defined by whoever may assign work over the owner
 * unit (any such person when the indicator has no owner). */
#include "api/api.h"
#include "domain/programme/indicator.h"
#include "domain/people/unit.h"
#include "util/err.h"
#include "util/json.h"

int api_indicators_list(http_req *req)
{
	int64_t limit, offset, document_id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_query_int64(&limit, req, "limit", 100, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&offset, req, "offset", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&document_id, req, "document_id", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = indicator_list(&out, db, http_req_query(req, "q"), document_id, limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_indicators_get(http_req *req)
{
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = indicator_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_indicators_create(http_req *req)
{
	const principal *who;
	const char *path = NULL;
	json_t *body = NULL, *out;
	long long owner = 0;
	int present;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_int(&owner, &present, body, "owner_unit_id", 0)) < 0)
		goto done;
	if (owner && ((rc = unit_path(&path, db, &req->a, owner)) < 0 || (rc = api_require(req, ACT_ASSIGN, path)) < 0)) {
		if (rc == ERR_NOTFOUND)
			rc = err_set(ERR_INVALID, "'owner_unit_id': no unit with id %lld", owner);
		goto done;
	}
	if ((rc = indicator_create(&id, db, who, body)) < 0 || (rc = indicator_get(&out, db, id)) < 0)
		goto done;
	rc = api_respond_json(req, 201, out);
done:
	json_decref(body);
	return rc;
}

int api_indicator_change_begin(int64_t *id, const principal **who, db_conn **db, json_t **body, http_req *req)
{
	const char *path;
	int rc;
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_param_id(id, req, 0)) < 0 ||
	    (rc = api_principal(who, req)) < 0 || (rc = api_db(db, req)) < 0 ||
	    (rc = indicator_owner_path(&path, *db, &req->a, *id)) < 0 || (path && (rc = api_require(req, ACT_ASSIGN, path)) < 0))
		return rc;
	return api_body_json(body, req);
}

int api_indicators_targets(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_indicator_change_begin(&id, &who, &db, &body, req)) < 0)
		return rc;
	rc = indicator_set_targets(db, who, id, body);
	json_decref(body);
	if (rc < 0 || (rc = indicator_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* PUT /api/v1/indicators/{id}/reporting {"report_kinds": [...] | null,
 * "completeness_threshold": 90}: which kinds of unit report it and the
 * share of them a roll-up needs to be the headline, set by whoever
 * defines it (either key may be left out). */
int api_indicators_reporting(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_indicator_change_begin(&id, &who, &db, &body, req)) < 0)
		return rc;
	rc = indicator_set_report_kinds(db, who, id, body);
	json_decref(body);
	if (rc < 0 || (rc = indicator_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
