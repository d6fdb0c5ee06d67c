/* grid: GET /api/v1/values/grid?unit_id=&period= — the data-entry grid of
 * one unit and period (domain/value_grid.h) for those who may read the
 * unit; rows are editable only for those who may report for it. The
 * grid saves through PUT /api/v1/values and sends through POST
 * /api/v1/values/submit {unit_id, period}. */
#include "api/api.h"
#include "domain/people/unit.h"
#include "domain/programme/value_grid.h"
#include "util/err.h"

int api_values_grid(http_req *req)
{
	const principal *who;
	const char *path;
	int64_t unit_id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_require(req, ACT_UNIT_READ, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_query_int64(&unit_id, req, "unit_id", 0, 1, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!unit_id)
		return err_set(ERR_INVALID, "'unit_id' is required");
	if ((rc = unit_path(&path, db, &req->a, unit_id)) < 0 || (rc = api_require(req, ACT_UNIT_READ, path)) < 0)
		return rc;
	bool may_write = authz_check(who, ACT_REPORT_WRITE, path) == 0;
	if ((rc = value_grid(&out, db, unit_id, http_req_query(req, "period"), may_write)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
