/* audit: GET /api/v1/audit — the audit trail, newest first, filtered by
 * entity, entity id, person and time, for administrators and the steering
 * office. */
#include "api/api.h"
#include "domain/audit.h"
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
