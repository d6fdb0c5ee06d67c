/* tasks: /api/v1/tasks — assigned by whoever may assign work over the
 * lead unit; reported on by the lead and supporting units (completion
 * requests by the lead only); completion approved or returned by whoever
 * may approve for the lead unit. Signed-in people read tasks; ?as_of=DATE
 * derives the status on another day. */
#include "api/api.h"
#include "domain/task.h"
#include "domain/unit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/time.h"

#include <string.h>

static int signed_in(const principal **who, http_req *req)
{
	int rc = api_principal(who, req);
	if (rc == 0 && !(*who)->person_id)
		rc = err_set(ERR_UNAUTHORIZED, "sign in to see tasks");
	return rc;
}

static int as_of(date_ymd *out, http_req *req)
{
	const char *v = http_req_query(req, "as_of");
	if (v && *v) {
		if (date_parse(out, v, strlen(v)) < 0)
			return err_set(ERR_INVALID, "'as_of': %s", err_msg());
		return 0;
	}
	*out = task_today();
	return 0;
}

static const char *query_or_null(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && *v ? v : NULL;
}

int api_tasks_list(http_req *req)
{
	const principal *who;
	int64_t limit, offset;
	date_ymd day;
	db_conn *db;
	json_t *out;
	int rc;
	task_filter f = { .q = query_or_null(req, "q"), .status = query_or_null(req, "status"),
		.due_from = query_or_null(req, "due_from"), .due_to = query_or_null(req, "due_to") };
	const char *waiting = query_or_null(req, "waiting");
	f.waiting = waiting && (strcmp(waiting, "1") == 0 || strcmp(waiting, "true") == 0);
	if ((rc = signed_in(&who, req)) < 0 || (rc = as_of(&day, req)) < 0 ||
	    (rc = api_query_int64(&f.unit_id, req, "unit_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f.document_id, req, "document_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&limit, req, "limit", 100, 1, 10000)) < 0 ||
	    (rc = api_query_int64(&offset, req, "offset", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = task_list(&out, db, &f, day, limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_tasks_get(http_req *req)
{
	const principal *who;
	int64_t id;
	date_ymd day;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 || (rc = as_of(&day, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = task_get(&out, db, id, day)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_tasks_create(http_req *req)
{
	const principal *who;
	const char *lead_code = NULL, *path;
	long long lead_id = 0;
	int present;
	json_t *body = NULL, *out;
	int64_t id, lead = 0;
	date_ymd day;
	db_conn *db;
	int rc;
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&lead_code, body, "lead_unit_code", 0)) < 0 ||
	    (rc = json_get_int(&lead_id, &present, body, "lead_unit_id", 0)) < 0)
		goto done;
	lead = lead_id;
	if (lead_code && (rc = unit_id_by_code(&lead, db, lead_code)) < 0)
		goto done;
	/* An unknown lead unit is reported by task_create; a known one must
	 * lie within the caller's reach. */
	if (lead && (rc = unit_path(&path, db, &req->a, lead)) == 0 && (rc = api_require(req, ACT_ASSIGN, path)) < 0)
		goto done;
	if (rc == ERR_NOTFOUND)
		rc = 0;
	else if (rc < 0)
		goto done;
	if ((rc = task_create(&id, db, who, body)) < 0 || (rc = as_of(&day, req)) < 0 || (rc = task_get(&out, db, id, day)) < 0)
		goto done;
	rc = api_respond_json(req, 201, out);
done:
	json_decref(body);
	return rc;
}

/* The unit a report is made for: the one named (unit_code) or else the
 * lead unit; it must be the lead or a supporting unit, within the
 * caller's reach to report. Completion requests come from the lead. */
static int report_unit(int64_t *out, http_req *req, db_conn *db, int64_t task_id, const char *code, bool complete)
{
	const char *lead, **supporting;
	int n, rc;
	if ((rc = task_unit_paths(&lead, &supporting, &n, db, &req->a, task_id)) < 0)
		return rc;
	const char *path = lead;
	if (code) {
		if ((rc = unit_id_by_code(out, db, code)) < 0)
			return rc;
		if (!*out)
			return err_set(ERR_INVALID, "'unit_code': no unit '%s'", code);
		if ((rc = unit_path(&path, db, &req->a, *out)) < 0)
			return rc;
		bool member = strcmp(path, lead) == 0;
		for (int i = 0; i < n && !member; i++)
			member = strcmp(path, supporting[i]) == 0;
		if (!member)
			return err_set(ERR_INVALID, "'unit_code': %s is neither the lead nor a supporting unit of the task", code);
		if (complete && strcmp(path, lead) != 0)
			return err_set(ERR_INVALID, "only the lead unit requests completion");
	}
	if ((rc = api_require(req, ACT_REPORT_WRITE, path)) < 0)
		return rc;
	return code ? 0 : task_lead_unit(out, db, task_id);
}

int api_tasks_report(http_req *req)
{
	const principal *who;
	const char *text = NULL, *code = NULL, *period = NULL;
	long long progress = 0;
	int present, complete = 0, rc;
	json_t *body = NULL, *out;
	int64_t id, unit, rid;
	date_ymd day;
	db_conn *db;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to report");
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_int(&progress, &present, body, "progress", 1)) < 0 ||
	    (rc = json_get_string(&text, body, "text", 0)) < 0 || (rc = json_get_string(&code, body, "unit_code", 0)) < 0 ||
	    (rc = json_get_bool(&complete, &present, body, "complete", 0)) < 0 ||
	    (rc = json_get_string(&period, body, "period", 0)) < 0 ||
	    (rc = report_unit(&unit, req, db, id, code, complete)) < 0 ||
	    (rc = task_report_add(&rid, db, who, id, unit, (int)progress, text, complete, period)) < 0 ||
	    (rc = as_of(&day, req)) < 0 || (rc = task_get(&out, db, id, day)) < 0)
		goto done;
	rc = api_respond_json(req, 201, out);
done:
	json_decref(body);
	return rc;
}

static int review(http_req *req, bool approve)
{
	const principal *who;
	const char *lead, **supporting, *reason = NULL;
	int n, rc;
	json_t *body = NULL, *out;
	int64_t id, rid;
	date_ymd day;
	db_conn *db;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_param_id(&rid, req, 1)) < 0 ||
	    (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to review tasks");
	if ((rc = task_unit_paths(&lead, &supporting, &n, db, &req->a, id)) < 0 ||
	    (rc = api_require(req, ACT_APPROVE, lead)) < 0)
		return rc;
	if (!approve) {
		if ((rc = api_body_object(&body, req)) < 0)
			return rc;
		if ((rc = json_get_string(&reason, body, "reason", 1)) < 0)
			goto done;
	}
	if ((rc = task_report_review(db, who, id, rid, approve, reason)) < 0 || (rc = as_of(&day, req)) < 0 ||
	    (rc = task_get(&out, db, id, day)) < 0)
		goto done;
	rc = api_respond_json(req, 200, out);
done:
	json_decref(body);
	return rc;
}

int api_tasks_approve(http_req *req) { return review(req, true); }
int api_tasks_return(http_req *req) { return review(req, false); }
