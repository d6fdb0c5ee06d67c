/* audit: GET /api/v1/audit — the audit trail, newest first, filtered by
 * entity, entity id, person and time, for administrators and the steering
 * office; GET /api/v1/audit/verify — the chain walked, for the same. */
#include "api/api.h"
#include "domain/people/audit.h"
#include "util/err.h"
#include "util/time.h"

static int time_param(const char **out, http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	time_t t;
	*out = NULL;
	if (!v || !*v)
		return 0;
	if (!time_parse_iso(&t, v))
		return err_set(ERR_INVALID, "query parameter '%s' must be a date (2025-09-30) or a UTC time "
					    "(2025-09-30T08:00:00Z)", name);
	char *iso = arena_alloc(&req->a, TIME_ISO_SIZE);
	if (!iso)
		return err_set(ERR_NOMEM, "out of memory");
	/* A bare date as "to" means the whole of that day. */
	bool day_only = v[10] == '\0';
	time_iso_from(iso, t + (day_only && name[0] == 't' ? 86399 : 0));
	*out = iso;
	return 0;
}

int api_audit_list(http_req *req)
{
	audit_filter f = { .entity = http_req_query(req, "entity"), .entity_id = http_req_query(req, "entity_id") };
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_require(req, ACT_AUDIT_READ, NULL)) < 0)
		return rc;
	if (f.entity && !*f.entity)
		f.entity = NULL;
	if (f.entity_id && !*f.entity_id)
		f.entity_id = NULL;
	if ((rc = api_query_int64(&f.person_id, req, "person_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f.limit, req, "limit", 100, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&f.offset, req, "offset", 0, 0, INT64_MAX)) < 0 ||
	    (rc = time_param(&f.from, req, "from")) < 0 || (rc = time_param(&f.to, req, "to")) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = audit_list(&out, db, &f)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* {ok, entries, head, head_seq, first_bad: null | {seq, why, message}}:
 * entries counts those that matched before the first that does not. */
int api_audit_verify(http_req *req)
{
	audit_report r;
	db_conn *db;
	int rc;
	if ((rc = api_require(req, ACT_AUDIT_READ, NULL)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = audit_verify(db, &r)) < 0)
		return rc;
	json_t *bad = r.bad_seq ? json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)r.bad_seq, "why", r.why_code,
					  "message", r.why)
				: json_null();
	return api_respond_json(req, 200, json_pack("{s:b, s:I, s:s, s:I, s:o}", "ok", !r.bad_seq, "entries",
		(json_int_t)r.n_checked, "head", r.head, "head_seq", (json_int_t)r.head_seq, "first_bad", bad));
}
