/* tasks: /api/v1/tasks — assigned by whoever may assign work over the
 * lead unit; reported on by the lead and supporting units (completion
 * requests by the lead only); completion approved or returned by whoever
 * may approve for the lead unit. Comments come from the task units'
 * officers and whoever approves for the lead unit; the lead unit asks for
 * a later deadline, whoever approves for it decides. Signed-in people read
 * tasks, named by id or code; ?as_of=DATE derives the status on another
 * day. Every answer about one task is the task's page: the task, its
 * history, comments, extensions, the caller's role (my_role) and what the
 * caller may do (can). */
#include "api/api.h"
#include "domain/ecosystem/agreement.h"
#include "domain/programme/task.h"
#include "domain/programme/task_page.h"
#include "domain/people/unit.h"
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
	return task_as_of(out, http_req_query(req, "as_of"));
}

static const char *query_or_null(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && *v ? v : NULL;
}

/* The task of path parameter 0: its id, or its code (NV-005). */
static int task_param(int64_t *out, http_req *req, db_conn *db)
{
	const char *p = api_param_text(req, 0);
	size_t n = strspn(p, "0123456789");
	if (*p && !p[n])
		return api_param_id(out, req, 0);
	return task_id_by_code(out, db, p);
}

static bool allowed(const principal *who, action a, const char *path)
{
	return who->person_id && authz_check(who, a, path) == 0;
}

/* What who may do on task t (as task_page_details completed it). */
static json_t *task_can(const principal *who, const json_t *t, const task_units *u)
{
	const char *status = json_string_value(json_object_get(t, "status"));
	bool done = strncmp(status, "done_", 5) == 0, one_deadline = !json_object_get(t, "recurrence") &&
		json_is_string(json_object_get(t, "deadline"));
	bool waiting = json_is_true(json_object_get(t, "completion_waiting")),
	     ext_waiting = json_is_true(json_object_get(t, "extension_waiting"));
	bool lead = allowed(who, ACT_REPORT_WRITE, u->lead_path), approve = allowed(who, ACT_APPROVE, u->lead_path);
	bool any_unit = lead;
	json_t *support = json_array();
	for (int i = 0; i < u->n; i++)
		if (allowed(who, ACT_REPORT_WRITE, u->paths[i])) {
			any_unit = true;
			if (!done)
				json_array_append_new(support, json_string(u->codes[i]));
		}
	return json_pack("{s:b, s:o, s:b, s:b, s:b, s:b, s:b}", "report_lead", lead && !done, "report_support", support,
		"request_completion", lead && !done && !waiting, "review", approve && waiting, "comment", any_unit || approve,
		"request_extension", lead && !done && !ext_waiting && one_deadline, "decide_extension", approve && ext_waiting);
}

/* Marks each report's evidence as downloadable (can_download) by who:
 * as GET /api/v1/attachments/{id} decides, by the reporting unit or the
 * task's lead unit (which reads its supporting units' contributions). */
static void mark_downloads(json_t *t, const principal *who, const task_units *u)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(t, "reports"), i, r) {
		int64_t unit = json_integer_value(json_object_get(r, "unit_id"));
		const char *path = unit == u->lead_id ? u->lead_path : NULL;
		for (int k = 0; k < u->n && !path; k++)
			if (u->ids[k] == unit)
				path = u->paths[k];
		bool may = authz_sees_all(who) || (path && allowed(who, ACT_UNIT_READ, path)) ||
			allowed(who, ACT_UNIT_READ, u->lead_path);
		json_object_set_new(r, "can_download", json_boolean(may));
	}
}

/* Answers with the page of task id as the caller sees it. */
static int respond_task(http_req *req, db_conn *db, const principal *who, int64_t id, int status)
{
	task_units u;
	date_ymd day;
	json_t *out;
	int rc;
	if ((rc = as_of(&day, req)) < 0 || (rc = task_units_load(&u, db, &req->a, id)) < 0 ||
	    (rc = task_get(&out, db, id, day)) < 0)
		return rc;
	mark_downloads(out, who, &u);
	json_t *agreements;
	if ((rc = task_page_details(out, db)) < 0 || (rc = agreement_of_task(&agreements, db, id, day)) < 0) {
		json_decref(out);
		return rc;
	}
	json_object_set_new(out, "agreements", agreements);   /* the agreements it is an action of */
	const char *role = task_role_of(NULL, who, &u);
	json_object_set_new(out, "my_role", role ? json_string(role) : json_null());
	json_object_set_new(out, "can", task_can(who, out, &u));
	return api_respond_json(req, status, out);
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
	const char *waiting = query_or_null(req, "waiting"), *mine = query_or_null(req, "mine");
	f.waiting = waiting && (strcmp(waiting, "1") == 0 || strcmp(waiting, "true") == 0);
	f.mine = mine && (strcmp(mine, "1") == 0 || strcmp(mine, "true") == 0);
	if ((rc = signed_in(&who, req)) < 0)
		return rc;
	f.who = who;
	if ((rc = as_of(&day, req)) < 0 || (rc = api_query_int64(&f.unit_id, req, "unit_id", 0, 0, INT64_MAX)) < 0 ||
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
	db_conn *db;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = task_param(&id, req, db)) < 0)
		return rc;
	return respond_task(req, db, who, id, 200);
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

/* The unit a report is made for: the one named (unit_code), else the
 * lead unit, or, for a caller who may not report for the lead, the first
 * supporting unit it may report for; it must be the lead or a supporting
 * unit, within the caller's reach to report. Completion requests come
 * from the lead. */
static int report_unit(int64_t *out, http_req *req, db_conn *db, int64_t task_id, const char *code, bool complete)
{
	const char *lead, **supporting;
	const principal *who;
	task_units u;
	int n, rc;
	if ((rc = task_unit_paths(&lead, &supporting, &n, db, &req->a, task_id)) < 0 ||
	    (rc = api_principal(&who, req)) < 0 || (rc = task_units_load(&u, db, &req->a, task_id)) < 0)
		return rc;
	const char *path = lead;
	if (!code && !allowed(who, ACT_REPORT_WRITE, lead))
		for (int i = 0; i < u.n && !code; i++)
			if (allowed(who, ACT_REPORT_WRITE, u.paths[i]))
				code = u.codes[i];
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
	json_t *body = NULL;
	int64_t id, unit, rid;
	db_conn *db;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = task_param(&id, req, db)) < 0)
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
	    (rc = task_report_add(&rid, db, who, id, unit, progress, text, complete, period)) < 0)
		goto done;
	rc = respond_task(req, db, who, id, 201);
done:
	json_decref(body);
	return rc;
}

/* What whoever may approve for the lead unit decides on item {1} of task
 * {0}: a completion request or an extension request (the domain asks a
 * refusal for its reason). */
typedef int (*task_decide_fn)(db_conn *db, const principal *who, int64_t task_id, int64_t item_id, bool approve,
	const char *reason);

static int decision(http_req *req, task_decide_fn decide, bool approve)
{
	const principal *who;
	const char *reason = NULL;
	json_t *body = NULL;
	int64_t id, item;
	task_units u;
	db_conn *db;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = task_param(&id, req, db)) < 0 ||
	    (rc = api_param_id(&item, req, 1)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to review tasks");
	if ((rc = task_units_load(&u, db, &req->a, id)) < 0 || (rc = api_require(req, ACT_APPROVE, u.lead_path)) < 0)
		return rc;
	if (!approve) {
		if ((rc = api_body_object(&body, req)) < 0)
			return rc;
		if ((rc = json_get_string(&reason, body, "reason", 0)) < 0)
			goto done;
	}
	if ((rc = decide(db, who, id, item, approve, reason)) < 0)
		goto done;
	rc = respond_task(req, db, who, id, 200);
done:
	json_decref(body);
	return rc;
}

int api_tasks_approve(http_req *req) { return decision(req, task_report_review, true); }
int api_tasks_return(http_req *req) { return decision(req, task_report_review, false); }

/* ------------------------------------------------- comments, extensions */

int api_tasks_comment(http_req *req)
{
	const principal *who;
	const char *text = NULL;
	json_t *body = NULL;
	int64_t id, cid, unit;
	task_units u;
	db_conn *db;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = task_param(&id, req, db)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to comment");
	if ((rc = task_units_load(&u, db, &req->a, id)) < 0)
		return rc;
	/* the task units' officers (and admins) and whoever approves for the lead unit */
	bool may = allowed(who, ACT_REPORT_WRITE, u.lead_path) || allowed(who, ACT_APPROVE, u.lead_path);
	for (int i = 0; i < u.n && !may; i++)
		may = allowed(who, ACT_REPORT_WRITE, u.paths[i]);
	if (!may)
		return err_set(ERR_FORBIDDEN, "%s may not comment on this task", who->login ? who->login : "");
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	task_role_of(&unit, who, &u);
	if ((rc = json_get_string(&text, body, "text", 1)) < 0 || (rc = task_comment_add(&cid, db, who, id, unit, text)) < 0)
		goto done;
	rc = respond_task(req, db, who, id, 201);
done:
	json_decref(body);
	return rc;
}

int api_tasks_extension(http_req *req)
{
	const principal *who;
	const char *proposed = NULL, *reason = NULL;
	json_t *body = NULL;
	int64_t id, eid;
	task_units u;
	db_conn *db;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = task_param(&id, req, db)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to ask for more time");
	if ((rc = task_units_load(&u, db, &req->a, id)) < 0 || (rc = api_require(req, ACT_REPORT_WRITE, u.lead_path)) < 0 ||
	    (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&proposed, body, "proposed_deadline", 1)) < 0 ||
	    (rc = json_get_string(&reason, body, "reason", 1)) < 0 ||
	    (rc = task_extension_request(&eid, db, who, id, u.lead_id, proposed, reason)) < 0)
		goto done;
	rc = respond_task(req, db, who, id, 201);
done:
	json_decref(body);
	return rc;
}

int api_tasks_extension_approve(http_req *req) { return decision(req, task_extension_decide, true); }
int api_tasks_extension_refuse(http_req *req) { return decision(req, task_extension_decide, false); }
