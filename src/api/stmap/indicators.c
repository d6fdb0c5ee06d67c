/* indicators: the Leiden-style indicators of the S&T map, public as the
 * published outputs are: anyone reads those of published organisations,
 * signed-in people those of every organisation, and the value of
 * technology-transfer contracts. Every table also comes as a workbook
 * (?format=xlsx). */
#include "api/stmap/indicators.h"
#include "domain/stmap/indicators.h"
#include "util/err.h"

#include <string.h>

static bool anonymous(const principal *who)
{
	return !who->person_id && !who->cli;
}

/* A text parameter: NULL when absent or empty. */
static const char *query_text(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && *v ? v : NULL;
}

int api_stmap_indicators(http_req *req)
{
	const principal *who;
	stmap_ind_query q = { .by = STMAP_BY_ORGANISATION, .counting = BIBLIO_FRACTIONAL, .n_boot = STMAP_BOOT,
		.field = query_text(req, "field"), .kind = query_text(req, "kind") };
	const char *by = query_text(req, "by"), *counting = query_text(req, "counting");
	int64_t from, to;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_query_int64(&from, req, "from", 0, 1900, 2200)) < 0
		|| (rc = api_query_int64(&to, req, "to", 0, 1900, 2200)) < 0
		|| (rc = api_query_int64(&q.organisation_id, req, "organisation_id", 0, 1, INT64_MAX)) < 0)
		return rc;
	int b = by ? stmap_by_parse(by) : STMAP_BY_ORGANISATION;
	int c = counting ? biblio_counting_parse(counting) : BIBLIO_FRACTIONAL;
	if (b < 0)
		return err_set(ERR_INVALID, "'by': '%s' is not organisation, commune, field or year", by);
	if (c < 0)
		return err_set(ERR_INVALID, "'counting': '%s' is not full or fractional", counting);
	q.by = (stmap_by)b;
	q.counting = (biblio_counting)c;
	q.year_from = (int)from;
	q.year_to = (int)to;
	q.signed_in = !anonymous(who);
	q.unpublished = !anonymous(who);
	if ((rc = api_db(&db, req)) < 0 || (rc = stmap_indicators_table(&out, db, &q)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_stmap_org_indicators(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0
		|| (rc = stmap_indicators_organisation(&out, db, id, !anonymous(who), !anonymous(who))) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
