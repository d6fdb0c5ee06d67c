/* indices: /api/v1/indices — composite index definitions (stored in
 * versions by whoever may assign work) and runs over an uploaded table
 * (text/csv) or over the programme's approved values ({period, unit_id,
 * kind}), queued for the background worker by whoever may assign work;
 * signed-in people read them. Uncertainty analyses of a run are
 * background jobs asked for by whoever may assign work
 * (/api/v1/index-runs/{id}/uncertainty, /api/v1/index-uncertainty/{id}). */
#include "api/api.h"
#include "domain/indices/index_store.h"
#include "domain/indices/index_uncertainty.h"
#include "domain/worker.h"
#include "util/err.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int signed_in(const principal **who, http_req *req)
{
	int rc = api_principal(who, req);
	if (rc == 0 && !(*who)->person_id)
		rc = err_set(ERR_UNAUTHORIZED, "sign in to see indices");
	return rc;
}

int api_indices_list(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = index_store_list(&out, db)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_indices_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int rc;
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = index_store_save(&out, db, who, body);
	json_decref(body);
	return rc < 0 ? rc : api_respond_json(req, 201, out);
}

int api_indices_get(http_req *req)
{
	const principal *who;
	int64_t version;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_query_int64(&version, req, "version", 0, 0, INT32_MAX)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = index_store_get(&out, db, api_param_text(req, 0), (int)version)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* GET /api/v1/indices/{code}/definition: the JSON as uploaded, to edit
 * and upload again. */
int api_indices_definition(http_req *req)
{
	const principal *who;
	int64_t version;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_query_int64(&version, req, "version", 0, 0, INT32_MAX)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = index_store_get(&out, db, api_param_text(req, 0), (int)version)) < 0)
		return rc;
	json_t *def = json_incref(json_object_get(out, "definition"));
	json_decref(out);
	return api_respond_json(req, 200, def);
}

/* POST /api/v1/indices/{code}/runs: a CSV table (text/csv) or {period,
 * unit_id, kind}; checked here and queued for the worker: 202 with the
 * run, to follow at /api/v1/index-runs/{id}. */
int api_indices_run(http_req *req)
{
	const api_app *app = req->app;
	const principal *who;
	db_conn *db;
	json_t *out, *body;
	int64_t id = 0;
	int rc;
	/* A run ranks units and is kept for everyone to read: the steering
	 * office's and administrators' decision, as defining the index is. */
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0)
		return rc;
	const char *code = api_param_text(req, 0), *ct = http_req_header(req, "Content-Type");
	if (ct && strncasecmp(ct, "text/csv", 8) == 0)
		rc = index_run_table(&id, db, who, code, req->body.ptr ? req->body.ptr : "", req->body.len);
	else {
		const char *period = NULL, *kind = NULL;
		long long unit_id = 0;
		int present;
		if ((rc = api_body_object(&body, req)) < 0)
			return rc;
		if ((rc = json_get_string(&period, body, "period", 1)) == 0 && (rc = json_get_string(&kind, body, "kind", 0)) == 0 &&
		    (rc = json_get_int(&unit_id, &present, body, "unit_id", 0)) == 0)
			rc = index_run_programme(&id, app->rollup, db, who, code, period, unit_id, kind);
		json_decref(body);
	}
	if (rc < 0 || (rc = index_run_get(&out, db, id)) < 0)
		return rc;
	worker_wake(app->worker);
	return api_respond_json(req, 202, out);
}

/* POST /api/v1/index-runs/{id}/cancel: stops a queued or running run its
 * starter no longer wants; the run as it is then. */
int api_index_run_cancel(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = index_run_cancel(db, who, id)) < 0 ||
	    (rc = index_run_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_indices_runs(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = index_run_list(&out, db, api_param_text(req, 0))) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_index_run_get(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = index_run_get(&out, db, id)) < 0)
		return rc;
	if (api_wants_sheet(req)) {
		/* the ranking as a workbook: one row per unit */
		json_t *units = json_object_get(json_object_get(out, "results"), "units"), *rows = json_array(), *u;
		size_t i;
		json_array_foreach(units, i, u) {
			json_t *row = json_pack("{s:O, s:O}", "code", json_object_get(u, "code"), "name", json_object_get(u, "name"));
			const char *agg;
			json_t *v;
			json_object_foreach(json_object_get(u, "scores"), agg, v) {
				char key[96];
				snprintf(key, sizeof(key), "%s (điểm)", agg);
				json_object_set(row, key, v);
				snprintf(key, sizeof(key), "%s (hạng)", agg);
				json_object_set(row, key, json_object_get(json_object_get(u, "ranks"), agg));
			}
			json_array_append_new(rows, row);
		}
		json_decref(out);
		out = json_pack("{s:o}", "units", rows);
	}
	return api_respond_json(req, 200, out);
}

int api_index_run_input(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	char *csv;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = index_run_input(&csv, db, id)) < 0)
		return rc;
	rc = http_respond(req, 200, "text/csv; charset=utf-8", csv, strlen(csv));
	free(csv);
	return rc;
}

/* ------------------------------------------------- uncertainty analyses */

/* POST /api/v1/index-runs/{id}/uncertainty {seed, runs, spread, ...}: 202
 * with the queued job; an empty body takes every default. */
int api_index_uncertainty_create(http_req *req)
{
	const api_app *app = req->app;
	const principal *who;
	int64_t run_id, id;
	db_conn *db;
	json_t *body, *out;
	int rc;
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_param_id(&run_id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (req->body.len == 0)
		body = json_object();
	else if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = index_uncertainty_create(&id, db, who, run_id, body)) == 0 && (rc = index_uncertainty_get(&out, db, id)) == 0) {
		worker_wake(app->worker);
		rc = api_respond_json(req, 202, out);
	}
	json_decref(body);
	return rc;
}

/* GET /api/v1/index-runs/{id}/uncertainty: the run's analyses, newest first. */
int api_index_uncertainty_list(http_req *req)
{
	const principal *who;
	int64_t run_id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_param_id(&run_id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = index_uncertainty_list(&out, db, run_id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* The rank intervals of a finished analysis as rows of a workbook. */
static int uncertainty_sheet(json_t **out, json_t *job)
{
	if (strcmp(json_string_value(json_object_get(job, "status")), "done") != 0)
		return err_set(ERR_CONFLICT, "uncertainty analysis %lld is not finished",
			(long long)json_integer_value(json_object_get(job, "id")));
	json_t *rows = json_array(), *u;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(job, "result"), "units"), i, u)
		json_array_append_new(rows, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "code", json_object_get(u, "code"), "name",
			json_object_get(u, "name"), "Hạng danh nghĩa", json_object_get(u, "nominal"), "Hạng trung vị",
			json_object_get(u, "median"), "Hạng phân vị 5 %", json_object_get(u, "p05"), "Hạng phân vị 95 %",
			json_object_get(u, "p95")));
	*out = json_pack("{s:o}", "units", rows);
	return 0;
}

/* GET /api/v1/index-uncertainty/{id}: status, progress and, when done,
 * the result; ?format=xlsx the table of a finished one. */
int api_index_uncertainty_get(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out, *sheet = NULL;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = index_uncertainty_get(&out, db, id)) < 0)
		return rc;
	if (api_wants_sheet(req)) {
		rc = uncertainty_sheet(&sheet, out);
		json_decref(out);
		if (rc < 0)
			return rc;
		out = sheet;
	}
	return api_respond_json(req, 200, out);
}
