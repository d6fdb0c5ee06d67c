/* api/ecosystem/registry: GET /api/v1/sectors (anyone), POST
 * /api/v1/sectors (registry writers), and GET
 * /api/v1/indicators/{id}/registry?unit_id=&period= — the records behind
 * a figure computed from the registry: anyone for a public indicator,
 * those signed in otherwise. */
#include "api/ecosystem/registry.h"
#include "domain/ecosystem/registry.h"
#include "util/err.h"

int api_sectors_list(http_req *req)
{
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_db(&db, req)) < 0 || (rc = registry_sectors(&out, db)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_sectors_save(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int rc;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = registry_sector_save(db, who, body);
	json_decref(body);
	if (rc < 0 || (rc = registry_sectors(&out, db)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_indicator_registry_records(http_req *req)
{
	const principal *who;
	int64_t id, unit_id, limit, is_public = 0;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_query_int64(&unit_id, req, "unit_id", 0, 1, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&limit, req, "limit", 200, 1, 5000)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0)
		return rc;
	if (!unit_id)
		return err_set(ERR_INVALID, "'unit_id' is needed");
	const char *code = NULL;
	if ((rc = registry_indicator_code(&code, &is_public, db, &req->a, id)) < 0)
		return rc;
	if (!is_public && !who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to see the records behind this figure");
	if ((rc = registry_records(&out, db, code, unit_id, http_req_query(req, "period"), limit)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
