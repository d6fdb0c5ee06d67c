/* validation: an indicator's value rules (GET/PUT
 * /api/v1/indicators/{id}/rules), a check of a value before it is saved
 * (POST /api/v1/values/check) and the analysis of stored values against
 * the rules over a unit subtree (GET /api/v1/validation). */
#include "api/api.h"
#include "domain/programme/indicator.h"
#include "domain/people/unit.h"
#include "domain/programme/validation.h"
#include "domain/programme/value.h"
#include "util/err.h"
#include "util/json.h"

#include <stdint.h>

#define ANALYSIS_MAX 2000

/* Anyone signed in reads the rules an indicator's values must meet. */
int api_indicator_rules_get(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0)
		return rc;
	if (!who->person_id && !who->cli)
		return err_set(ERR_UNAUTHORIZED, "sign in to read the validation rules");
	if ((rc = api_db(&db, req)) < 0 || (rc = validation_rules_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* Set by whoever may define the indicator (assign work over its owner). */
int api_indicator_rules_put(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_indicator_change_begin(&id, &who, &db, &body, req)) < 0)
		return rc;
	if (!json_is_object(body)) {
		json_decref(body);
		return err_set(ERR_INVALID, "the request body must be a JSON object");
	}
	rc = validation_rules_set(db, who, id, body);
	json_decref(body);
	if (rc < 0 || (rc = validation_rules_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* {indicator_code | indicator_id, unit_code | unit_id, period, value}:
 * {ok, hard, soft}, saving nothing; for those who report for the unit or
 * review it. */
int api_values_check(http_req *req)
{
	const principal *who;
	const char *path;
	json_t *body, *out;
	value_key k;
	double value;
	int present, rc;
	db_conn *db;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!who->person_id && !who->cli)
		return err_set(ERR_UNAUTHORIZED, "sign in to check values");
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = value_key_read(&k, &path, db, &req->a, body)) < 0 ||
	    (rc = json_get_number(&value, &present, body, "value", 1)) < 0) {
		json_decref(body);
		return rc;
	}
	json_decref(body);
	if (authz_check(who, ACT_REPORT_WRITE, path) < 0 && (rc = api_require(req, ACT_APPROVE, path)) < 0)
		return rc;
	err_clear();
	if ((rc = validation_check(&out, db, &k, value)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* ?unit_id= (the top unit by default)&from=&to= (period codes): the
 * violations of the stored values, for who reviews the subtree. */
int api_validation_list(http_req *req)
{
	const char *from = http_req_query(req, "from"), *to = http_req_query(req, "to"), *path;
	int64_t unit_id, limit;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_require(req, ACT_APPROVE, NULL)) < 0 ||
	    (rc = api_query_int64(&unit_id, req, "unit_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&limit, req, "limit", 500, 1, ANALYSIS_MAX)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!unit_id && (rc = validation_default_unit(&unit_id, db)) < 0)
		return rc;
	if ((rc = unit_path(&path, db, &req->a, unit_id)) < 0 || (rc = api_require(req, ACT_APPROVE, path)) < 0)
		return rc;
	if ((rc = validation_analysis(&out, db, unit_id, from && *from ? from : NULL, to && *to ? to : NULL, limit)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
