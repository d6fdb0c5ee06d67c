/* approvals: /api/v1/approvals — what waits for the caller's review: the
 * submitted values it may approve, each with what it is judged by (the
 * unit's previous value, target and trend, the note and the evidence), and
 * how many values and completion requests wait (the menu's badge). */
#include "api/api.h"
#include "domain/programme/task.h"
#include "domain/programme/value.h"
#include "domain/programme/value_review.h"
#include "util/err.h"

#include <stdint.h>

#define QUEUE_MAX 500

int api_approvals_list(http_req *req)
{
	const principal *who;
	value_filter f = { .status = "submitted", .to_approve = true, .limit = QUEUE_MAX };
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_require(req, ACT_APPROVE, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0)
		return rc;
	f.who = who;
	if ((rc = value_list(&out, db, &f)) < 0)
		return rc;
	json_t *all = json_object_get(out, "values"), *mine = json_array();
	if ((rc = value_items_detail(all, db, who)) == 0) {
		size_t i;
		json_t *v;
		json_array_foreach(all, i, v)
			if (json_is_true(json_object_get(json_object_get(v, "can"), "approve")))
				json_array_append(mine, v);
		rc = value_items_context(mine, db);
	}
	json_decref(out);
	if (rc < 0) {
		json_decref(mine);
		return rc;
	}
	return api_respond_json(req, 200, json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(mine), "values", mine));
}

/* {values, tasks, total}: submitted values the caller may approve and
 * tasks whose completion request waits. */
int api_approvals_count(http_req *req)
{
	const principal *who;
	task_filter f = { .waiting = true };
	int64_t values = 0, tasks = 0;
	db_conn *db;
	json_t *list;
	int rc;
	if ((rc = api_require(req, ACT_APPROVE, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = value_count_waiting(&values, db, who)) < 0 ||
	    (rc = task_list(&list, db, &f, task_today(), 1, 0)) < 0)
		return rc;
	tasks = json_integer_value(json_object_get(list, "total"));
	json_decref(list);
	http_req_add_header(req, "Cache-Control", "no-store");
	return api_respond_json(req, 200, json_pack("{s:I, s:I, s:I}", "values", (json_int_t)values, "tasks",
		(json_int_t)tasks, "total", (json_int_t)(values + tasks)));
}
