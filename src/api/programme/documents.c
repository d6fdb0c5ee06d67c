/* documents: /api/v1/documents — the programme's documents, readable by
 * anyone; added and changed by whoever may assign work (the steering
 * office, administrators). */
#include "api/api.h"
#include "domain/programme/document.h"
#include "domain/programme/task.h"
#include "util/err.h"

#include <string.h>

/* ?as_of=YYYY-MM-DD: the day the tasks' statuses are derived on (today). */
static int as_of(date_ymd *out, http_req *req)
{
	const char *v = http_req_query(req, "as_of");
	*out = task_today();
	if (v && *v && date_parse(out, v, strlen(v)) < 0)
		return err_set(ERR_INVALID, "'as_of': %s", err_msg());
	return 0;
}

int api_documents_list(http_req *req)
{
	int64_t limit, offset;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_query_int64(&limit, req, "limit", 100, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&offset, req, "offset", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = document_list(&out, db, http_req_query(req, "q"), limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* The document's page; its tasks are listed to those signed in (as
 * /api/v1/tasks is), the counts to anyone. */
int api_documents_get(http_req *req)
{
	const principal *who;
	int64_t id;
	date_ymd day;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = as_of(&day, req)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = document_page(&out, db, id, day, who->person_id != 0)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_documents_tree(http_req *req)
{
	date_ymd day;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = as_of(&day, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = document_tree(&out, db, day)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_documents_create(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = document_create(&id, db, who, body);
	json_decref(body);
	if (rc < 0 || (rc = document_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

int api_documents_update(http_req *req)
{
	const principal *who;
	json_t *body, *out;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 ||
	    (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = document_update(db, who, id, body);
	json_decref(body);
	if (rc < 0 || (rc = document_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
