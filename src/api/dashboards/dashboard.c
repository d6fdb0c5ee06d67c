/* dashboard: /api/v1/rollup and /api/v1/dashboard — live figures for
 * leaders. Anyone may read the roll-ups of public indicators over public
 * units; signed-in people also see the other indicators and the tasks;
 * a unit that is not public needs the right to read it. Every answer
 * exports to XLSX with ?format=xlsx (its first table). */
#include "api/api.h"
#include "domain/dashboards/completeness.h"
#include "domain/dashboards/dashboard.h"
#include "domain/programme/indicator.h"
#include "domain/people/unit.h"
#include "domain/programme/task.h"
#include "util/err.h"

#include <string.h>

static const char *query(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && *v ? v : NULL;
}

static bool signed_in(const principal *who)
{
	return who->person_id != 0 || who->cli;
}

/* The query shared by every page; checks that the unit (unit_id, the
 * path's when not 0, else ?unit_id=) may be read. */
static int read_query(dashboard_query *q, const principal **who, db_conn **db, http_req *req, int64_t unit_id)
{
	int rc;
	memset(q, 0, sizeof(*q));
	if ((rc = api_principal(who, req)) < 0 || (rc = api_db(db, req)) < 0 ||
	    (rc = api_query_int64(&q->unit_id, req, "unit_id", unit_id, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&q->document_id, req, "document_id", 0, 0, INT64_MAX)) < 0)
		return rc;
	q->period = query(req, "period");
	q->from = query(req, "from");
	q->to = query(req, "to");
	q->kind = query(req, "kind");
	q->all_indicators = signed_in(*who);
	if ((rc = task_as_of(&q->today, query(req, "as_of"))) < 0)
		return rc;
	if (unit_id)
		q->unit_id = unit_id;
	if (q->unit_id) {
		const char *path;
		bool open;
		if ((rc = unit_path_open(&path, &open, *db, &req->a, q->unit_id)) < 0)
			return rc;
		if (!open && (rc = api_require(req, ACT_UNIT_READ, path)) < 0)
			return rc == ERR_UNAUTHORIZED ? err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)q->unit_id) : rc;
	}
	return 0;
}

static rollup_cache *cache_of(http_req *req)
{
	return ((const api_app *)req->app)->rollup;
}

static int indicator_param(int64_t *out, http_req *req, db_conn *db)
{
	const char *code = query(req, "indicator");
	int rc;
	if ((rc = api_query_int64(out, req, "indicator_id", 0, 0, INT64_MAX)) < 0 || *out)
		return rc;
	if (!code)
		return err_set(ERR_INVALID, "give 'indicator' (a code) or 'indicator_id'");
	return indicator_id_by_code(out, db, code);
}

int api_rollup_get(http_req *req)
{
	dashboard_query q;
	const principal *who;
	db_conn *db;
	int64_t id;
	json_t *out;
	int rc;
	const char *by = query(req, "by");
	if ((rc = read_query(&q, &who, &db, req, 0)) < 0 || (rc = indicator_param(&id, req, db)) < 0)
		return rc;
	if (by && strcmp(by, "children") != 0)
		return err_set(ERR_INVALID, "'by': only 'children'");
	if ((rc = dashboard_rollup(&out, cache_of(req), db, id, &q, query(req, "periods"), by != NULL)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_dashboard_overview(http_req *req)
{
	dashboard_query q;
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = read_query(&q, &who, &db, req, 0)) < 0 ||
	    (rc = dashboard_overview(&out, cache_of(req), db, &q, signed_in(who))) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_dashboard_indicator(http_req *req)
{
	dashboard_query q;
	const principal *who;
	db_conn *db;
	int64_t id;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = read_query(&q, &who, &db, req, 0)) < 0)
		return rc;
	if (api_wants_sheet(req)) {
		if ((rc = dashboard_indicator(&out, cache_of(req), db, id, &q)) < 0)
			return rc;
		return api_respond_json(req, 200, out);
	}
	str text = STR_INIT;
	if ((rc = dashboard_indicator_text(&text, cache_of(req), db, id, &q)) == 0)
		rc = api_respond_raw(req, 200, text.ptr, text.len);
	str_free(&text);
	return rc;
}

int api_dashboard_unit(http_req *req)
{
	dashboard_query q;
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_principal(&who, req)) < 0)
		return rc;
	if (!signed_in(who))
		return err_set(ERR_UNAUTHORIZED, "sign in to see a unit's scorecard");
	int64_t unit_id;
	if ((rc = api_param_id(&unit_id, req, 0)) < 0 || (rc = read_query(&q, &who, &db, req, unit_id)) < 0 ||
	    (rc = dashboard_unit(&out, cache_of(req), db, &q)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* GET /api/v1/completeness?indicator=&period=&unit_id=: expected,
 * reported, approved and on-time reporters by child unit. Signed-in
 * people only: it names the units that have not reported. */
int api_completeness_get(http_req *req)
{
	dashboard_query q;
	const principal *who;
	db_conn *db;
	int64_t id;
	json_t *out;
	int rc;
	if ((rc = api_principal(&who, req)) < 0)
		return rc;
	if (!signed_in(who))
		return err_set(ERR_UNAUTHORIZED, "sign in to see who has reported");
	if ((rc = read_query(&q, &who, &db, req, 0)) < 0 || (rc = indicator_param(&id, req, db)) < 0 ||
	    (rc = completeness_report(&out, cache_of(req), db, id, q.unit_id, q.period, true)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
