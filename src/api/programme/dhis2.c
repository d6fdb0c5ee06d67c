/* dhis2: /api/v1/dataValueSets as DHIS2 clients use it — GET with DHIS2's
 * own parameters (JSON, or CSV by ?format=csv or Accept), POST of JSON or
 * CSV answered with DHIS2's import summary. A request that cannot be read
 * at all gets our own error shape. */
#include "api/api.h"
#include "domain/programme/dhis2.h"
#include "util/err.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_REPEATED 200

/* DHIS2 clients also name the format in the path: dataValueSets.csv. */
static bool csv_path(http_req *req)
{
	size_t n = strlen(req->path);
	return n > 4 && strcmp(req->path + n - 4, ".csv") == 0;
}

static bool flag(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Every value of a repeatable parameter (arena). */
static int repeated(const char ***out, int *n, http_req *req, const char *name)
{
	const char **list = arena_alloc(&req->a, MAX_REPEATED * sizeof(*list));
	if (!list)
		return err_set(ERR_NOMEM, "out of memory");
	*n = http_req_query_all(req, name, list, MAX_REPEATED);
	*out = list;
	return 0;
}

/* idScheme for both, then dataElementIdScheme and orgUnitIdScheme. */
static int schemes(dhis2_scheme *de, dhis2_scheme *ou, http_req *req)
{
	dhis2_scheme all = DHIS2_CODE;
	int rc;
	if ((rc = dhis2_scheme_parse(&all, http_req_query(req, "idScheme"), "idScheme")) < 0)
		return rc;
	*de = *ou = all;
	if ((rc = dhis2_scheme_parse(de, http_req_query(req, "dataElementIdScheme"), "dataElementIdScheme")) < 0)
		return rc;
	return dhis2_scheme_parse(ou, http_req_query(req, "orgUnitIdScheme"), "orgUnitIdScheme");
}

/* GET /api/v1/dataValueSets: dataSet, dataElement, orgUnit (repeatable),
 * children, period (repeatable), startDate, endDate, lastUpdated, the id
 * schemes, status (ours), format=csv; includeDeleted is accepted and
 * ignored (deleted values are not kept). */
int api_dhis2_export(http_req *req)
{
	const char *format = http_req_query(req, "format"), *accept = http_req_header(req, "Accept");
	dhis2_query q = { .children = flag(req, "children"), .start_date = http_req_query(req, "startDate"),
		.end_date = http_req_query(req, "endDate"), .last_updated = http_req_query(req, "lastUpdated"),
		.status = http_req_query(req, "status") };
	db_conn *db;
	json_t *list;
	int rc;
	bool csv = csv_path(req) || (format && strcmp(format, "csv") == 0) ||
		   (!format && accept && strstr(accept, "application/csv"));
	if (format && !csv && strcmp(format, "json") != 0)
		return err_set(ERR_INVALID, "format %.20s is not offered (json, csv)", format);
	if ((rc = api_principal(&q.who, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = schemes(&q.de_scheme, &q.ou_scheme, req)) < 0 ||
	    (rc = repeated(&q.data_sets, &q.n_data_sets, req, "dataSet")) < 0 ||
	    (rc = repeated(&q.data_elements, &q.n_data_elements, req, "dataElement")) < 0 ||
	    (rc = repeated(&q.org_units, &q.n_org_units, req, "orgUnit")) < 0 ||
	    (rc = repeated(&q.periods, &q.n_periods, req, "period")) < 0 || (rc = dhis2_values(&list, db, &q)) < 0)
		return rc;
	if (csv) {
		char *text;
		size_t len;
		rc = exchange_dhis2_csv_write(&text, &len, list);
		json_decref(list);
		if (rc < 0)
			return rc;
		http_req_add_header(req, "Content-Disposition", "attachment; filename=\"dataValueSets.csv\"");
		http_req_add_header(req, "Cache-Control", "no-store");
		rc = http_respond(req, 200, "application/csv; charset=utf-8", text, len);
		free(text);
		return rc;
	}
	json_t *out = dhis2_value_set(list);
	json_decref(list);
	return api_respond_json(req, 200, out);
}

/* ------------------------------------------------------------ import */

static const char *const strategy_names[] = { "CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE" };

static int import_options(dhis2_import_options *opt, http_req *req)
{
	const char *strategy = http_req_query(req, "importStrategy"), *atomic = http_req_query(req, "atomicMode");
	int rc;
	memset(opt, 0, sizeof(*opt));
	opt->ex.dry_run = flag(req, "dryRun");
	if (!strategy || !*strategy || strcasecmp(strategy, "CREATE_AND_UPDATE") == 0 || strcasecmp(strategy, "NEW_AND_UPDATES") == 0)
		opt->ex.strategy = EX_CREATE_AND_UPDATE;
	else if (strcasecmp(strategy, "CREATE") == 0 || strcasecmp(strategy, "NEW") == 0)
		opt->ex.strategy = EX_CREATE;
	else if (strcasecmp(strategy, "UPDATE") == 0 || strcasecmp(strategy, "UPDATES") == 0)
		opt->ex.strategy = EX_UPDATE;
	else if (strcasecmp(strategy, "DELETE") == 0 || strcasecmp(strategy, "DELETES") == 0)
		opt->delete = true;
	else
		return err_set(ERR_INVALID, "importStrategy %.40s is not offered (CREATE_AND_UPDATE, CREATE, UPDATE, DELETE)",
			strategy);
	if (atomic && *atomic && strcasecmp(atomic, "NONE") == 0)
		opt->atomic_none = true;
	else if (atomic && *atomic && strcasecmp(atomic, "ALL") != 0)
		return err_set(ERR_INVALID, "atomicMode %.40s is not offered (ALL, NONE)", atomic);
	if ((rc = schemes(&opt->de_scheme, &opt->ou_scheme, req)) < 0)
		return rc;
	return 0;
}

/* DHIS2's import summary; 409 when the import was refused (status
 * ERROR), else 200 (SUCCESS, or WARNING with conflicts). */
static int summary_reply(http_req *req, dhis2_summary *s, const dhis2_import_options *opt)
{
	static const char *const scheme_names[] = { "CODE", "UID", "NAME" };
	const char *status = s->error ? "ERROR" : json_array_size(s->conflicts) ? "WARNING" : "SUCCESS";
	const char *description = s->error ? "The import was not saved: every conflict is listed; nothing was imported"
				  : json_array_size(s->conflicts) ? "Import process completed with conflicts; the other rows were imported"
								  : "Import process completed successfully";
	int strategy = opt->delete ? 3 : (int)opt->ex.strategy;
	json_t *out = json_pack("{s:s, s:s, s:{s:{s:s, s:s}, s:b, s:s, s:s, s:b}, s:s, s:{s:i, s:i, s:i, s:i}, s:o, s:b}",
		"responseType", "ImportSummary", "status", status, "importOptions", "idSchemes", "dataElementIdScheme",
		scheme_names[opt->de_scheme], "orgUnitIdScheme", scheme_names[opt->ou_scheme], "dryRun", opt->ex.dry_run,
		"importStrategy", strategy_names[strategy], "atomicMode", opt->atomic_none ? "NONE" : "ALL", "async", 0,
		"description", description, "importCount", "imported", s->imported, "updated", s->updated, "ignored", s->ignored,
		"deleted", s->deleted, "conflicts", s->conflicts, "dryRun", opt->ex.dry_run);
	s->conflicts = NULL;
	if (!out)
		return err_set(ERR_NOMEM, "out of memory");
	return api_respond_json(req, s->error ? 409 : 200, out);
}

/* DHIS2 sends CSV as application/csv; text/csv is taken too. */
static bool is_csv(const char *ct)
{
	return ct && (strncasecmp(ct, "application/csv", 15) == 0 || strncasecmp(ct, "text/csv", 8) == 0);
}

/* DHIS2 writes values as strings; a number sent as a JSON number is read
 * as its text. */
static void values_as_text(json_t *body)
{
	size_t i;
	json_t *dv;
	json_array_foreach(json_object_get(body, "dataValues"), i, dv) {
		json_t *v = json_object_get(dv, "value");
		if (json_is_number(v)) {
			char text[40];
			snprintf(text, sizeof(text), "%.17g", json_number_value(v));
			json_object_set_new(dv, "value", json_string(text));
		}
	}
}

/* POST /api/v1/dataValueSets: importStrategy, atomicMode, dryRun, the id
 * schemes; JSON {dataValues: [...]} or DHIS2's CSV. */
int api_dhis2_import(http_req *req)
{
	const principal *who;
	dhis2_import_options opt;
	dhis2_summary sum;
	exchange_rows rows = { 0 };
	json_t *body = NULL;
	db_conn *db;
	int rc;
	if ((rc = api_require(req, ACT_REPORT_WRITE, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = import_options(&opt, req)) < 0)
		return rc;
	if (csv_path(req) || is_csv(http_req_header(req, "Content-Type")))
		rc = dhis2_csv_rows(&rows, &req->a, req->body.ptr ? req->body.ptr : "", req->body.len);
	else if ((rc = api_body_object(&body, req)) == 0) {
		values_as_text(body);
		rc = exchange_dhis2_read(&rows, body);
	}
	if (rc == 0 && (rc = dhis2_import(&sum, db, &req->a, who, &rows, &opt)) == 0)
		rc = summary_reply(req, &sum, &opt);
	exchange_rows_free(&rows);
	json_decref(body);
	return rc;
}
