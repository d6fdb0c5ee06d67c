/* inbox: GET /api/v1/inbox — the signed-in person's items, newest first,
 * with the unread count; POST /api/v1/inbox/read — {keys: [...]} or
 * {all: true} marks items read (domain/inbox.h). */
#include "api/api.h"
#include "domain/people/inbox.h"
#include "util/err.h"
#include "util/json.h"

int api_inbox_list(http_req *req)
{
	const principal *who;
	int64_t limit, offset;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_principal(&who, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to see your inbox");
	if ((rc = api_query_int64(&limit, req, "limit", 50, 1, 500)) < 0 ||
	    (rc = api_query_int64(&offset, req, "offset", 0, 0, 1000000)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = inbox_list(&out, db, who, limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_inbox_read(http_req *req)
{
	const principal *who;
	json_t *body = NULL;
	int all = 0, present = 0, marked, unread, rc;
	db_conn *db;
	if ((rc = api_principal(&who, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to see your inbox");
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	const json_t *keys = json_object_get(body, "keys");
	if ((rc = json_get_bool(&all, &present, body, "all", 0)) == 0 && !all && !keys)
		rc = err_set(ERR_INVALID, "give 'keys' (the items to mark read) or 'all': true");
	if (rc == 0 && (rc = api_db(&db, req)) == 0)
		rc = inbox_mark_read(&marked, &unread, db, who, all ? NULL : keys);
	json_decref(body);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 200, json_pack("{s:i, s:i}", "marked", marked, "unread", unread));
}
