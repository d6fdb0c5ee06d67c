/* matching: /api/v1/market/search (anyone: the published listings with
 * highlights and facet counts), /api/v1/market/listings/{id}/matches (the
 * ranked matches of a listing one may read, with their reasons) and
 * /api/v1/market/saved-searches (a signed-in person's own). */
#include "api/market/matching.h"
#include "domain/market/market_search.h"
#include "domain/market/matching.h"
#include "util/err.h"

#include <stdlib.h>

#define MATCHES_DEFAULT 10

int api_market_search(http_req *req)
{
	market_query q = { .q = http_req_query(req, "q"), .kind = http_req_query(req, "kind"),
		.sector = http_req_query(req, "sector"), .trl = http_req_query(req, "trl"),
		.organisation_id = http_req_query(req, "organisation_id"),
		.transfer_type = http_req_query(req, "transfer_type") };
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_query_int64(&q.limit, req, "limit", 20, 1, 100)) < 0 ||
	    (rc = api_query_int64(&q.offset, req, "offset", 0, 0, 10000)) < 0 ||
	    (rc = api_query_int64(&q.unit_id, req, "unit_id", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = market_search(&out, db, &q)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_market_matches(http_req *req)
{
	const principal *who;
	int64_t id, limit;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_query_int64(&limit, req, "limit", MATCHES_DEFAULT, 1, 50)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = matching_for_listing(&out, db, who, id, (int)limit)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_saved_searches_list(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = saved_search_list(&out, db, who)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_saved_searches_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to save searches");
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = saved_search_create(&id, db, who, body);
	json_decref(body);
	if (rc < 0 || (rc = saved_search_get(&out, db, who, id)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

int api_saved_searches_get(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = saved_search_get(&out, db, who, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* Answers the searches that stay. */
int api_saved_searches_delete(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to save searches");
	if ((rc = saved_search_delete(db, who, id)) < 0 || (rc = saved_search_list(&out, db, who)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
