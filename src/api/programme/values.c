/* values: /api/v1/values — a unit's officers save and submit the values
 * they report for their subtree; the steering office approves or returns
 * them. Approved values of public indicators are public. */
#include "api/api.h"
#include "domain/programme/exchange.h"
#include "domain/people/unit.h"
#include "domain/programme/value.h"
#include "domain/programme/value_review.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int api_values_save(http_req *req)
{
	const principal *who;
	const char *path, *note = NULL;
	json_t *body, *out;
	value_key k;
	double value;
	int present, rc;
	int64_t id;
	db_conn *db;
	if ((rc = api_require(req, ACT_REPORT_WRITE, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = value_key_read(&k, &path, db, &req->a, body)) < 0 || (rc = api_require(req, ACT_REPORT_WRITE, path)) < 0 ||
	    (rc = json_get_number(&value, &present, body, "value", 1)) < 0 || (rc = json_get_string(&note, body, "note", 0)) < 0 ||
	    (rc = value_save(&id, db, who, &k, value, note)) < 0 || (rc = value_get(&out, db, id)) < 0) {
		json_decref(body);
		return rc;
	}
	json_decref(body);
	return api_respond_json(req, 200, out);
}

/* submit needs the right to report for the unit; approve and return the
 * right to approve there. */
static int step(http_req *req, value_step st)
{
	const principal *who;
	const char *path, *status, *reason = NULL;
	json_t *body = NULL, *out;
	int64_t id;
	db_conn *db;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to review values");
	if ((rc = value_lookup(&path, &status, db, &req->a, id)) < 0 ||
	    (rc = api_require(req, st == VALUE_SUBMIT ? ACT_REPORT_WRITE : ACT_APPROVE, path)) < 0)
		return rc;
	if (st == VALUE_RETURN) {
		if ((rc = api_body_object(&body, req)) < 0)
			return rc;
		if ((rc = json_get_string(&reason, body, "reason", 1)) < 0) {
			json_decref(body);
			return rc;
		}
	}
	rc = value_step_apply(db, who, id, st, reason);
	json_decref(body);
	if (rc < 0 || (rc = value_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_values_submit(http_req *req) { return step(req, VALUE_SUBMIT); }
int api_values_approve(http_req *req) { return step(req, VALUE_APPROVE); }
int api_values_return(http_req *req) { return step(req, VALUE_RETURN); }

int api_values_get(http_req *req)
{
	const principal *who;
	const char *path, *status;
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = value_lookup(&path, &status, db, &req->a, id)) < 0)
		return rc;
	if ((rc = value_get(&out, db, id)) < 0)
		return rc;
	/* Not yet approved: only those who may read the unit. */
	if (strcmp(status, "approved") != 0 && !authz_sees_all(who) && (rc = api_require(req, ACT_UNIT_READ, path)) < 0) {
		json_decref(out);
		return rc;
	}
	return api_respond_json(req, 200, out);
}

int api_values_list(http_req *req)
{
	const principal *who;
	value_filter f = { .period = http_req_query(req, "period"), .status = http_req_query(req, "status") };
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 ||
	    (rc = api_query_int64(&f.indicator_id, req, "indicator_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f.unit_id, req, "unit_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f.limit, req, "limit", 100, 1, 10000)) < 0 ||
	    (rc = api_query_int64(&f.offset, req, "offset", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (f.period && !*f.period)
		f.period = NULL;
	if (f.status && !*f.status)
		f.status = NULL;
	f.who = who;
	const char *mine = http_req_query(req, "mine");
	f.mine = mine && (strcmp(mine, "1") == 0 || strcmp(mine, "true") == 0);
	if ((rc = value_list(&out, db, &f)) < 0)
		return rc;
	if ((rc = value_items_detail(json_object_get(out, "values"), db, who)) < 0) {
		json_decref(out);
		return rc;
	}
	return api_respond_json(req, 200, out);
}

/* ------------------------------------------------------------ many at once */

/* The ids of body's "ids" (arena). */
static int ids_read(int64_t **out, size_t *n, http_req *req, const json_t *body)
{
	const json_t *list = json_object_get(body, "ids");
	*out = NULL;
	*n = 0;
	if (!json_is_array(list))
		return err_set(ERR_INVALID, "'ids' must be a list of value ids");
	if (json_array_size(list) > VALUE_BULK_MAX)
		return err_set(ERR_INVALID, "'ids': at most %d values at once", VALUE_BULK_MAX);
	int64_t *ids = arena_alloc(&req->a, (json_array_size(list) + 1) * sizeof(*ids));
	if (!ids)
		return err_set(ERR_NOMEM, "out of memory");
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_set(ERR_INVALID, "'ids': item %zu is not a value id", i + 1);
		ids[i] = json_integer_value(v);
	}
	*out = ids;
	*n = json_array_size(list);
	return 0;
}

/* {unit_code | unit_id, period}: the unit's drafts and returned values of
 * the period, for one who may report for the unit. */
static int unit_period_read(int64_t **out, size_t *n, http_req *req, db_conn *db, const json_t *body)
{
	const char *code = NULL, *text, *path, *unit_code;
	long long unit_id = 0;
	int present, rc;
	period p;
	char canonical[16];
	if ((rc = json_get_string(&code, body, "unit_code", 0)) < 0 ||
	    (rc = json_get_int(&unit_id, &present, body, "unit_id", 0)) < 0 || (rc = json_get_string(&text, body, "period", 1)) < 0)
		return rc;
	if (period_parse(&p, text, strlen(text)) < 0)
		return err_set(ERR_INVALID, "'period': %s", err_msg());
	period_format(&p, canonical);
	int64_t id;
	if ((rc = unit_find(&id, &path, &unit_code, db, &req->a, code, unit_id)) < 0)
		return rc;
	if (!id)
		return err_set(ERR_INVALID, code || unit_id ? "'unit': no such unit" : "'unit_code' or 'unit_id' is needed");
	if ((rc = api_require(req, ACT_REPORT_WRITE, path)) < 0)
		return rc;
	return value_ids_to_submit(out, n, db, &req->a, id, unit_code, canonical);
}

static int many(http_req *req, value_step step)
{
	const principal *who;
	json_t *body, *out, *refused;
	int64_t *ids;
	size_t n;
	db_conn *db;
	int rc;
	if ((rc = api_require(req, step == VALUE_SUBMIT ? ACT_REPORT_WRITE : ACT_APPROVE, NULL)) < 0 ||
	    (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if (step == VALUE_SUBMIT && !json_object_get(body, "ids"))
		rc = unit_period_read(&ids, &n, req, db, body);
	else
		rc = ids_read(&ids, &n, req, body);
	json_decref(body);
	if (rc < 0)
		return rc;
	if ((rc = value_bulk_step(&out, &refused, db, who, ids, n, step)) < 0)
		return refused ? api_respond_error(req, rc, refused) : rc;
	return api_respond_json(req, 200, out);
}

/* POST /api/v1/values/submit {ids} or {unit_code | unit_id, period} */
int api_values_submit_many(http_req *req) { return many(req, VALUE_SUBMIT); }
/* POST /api/v1/values/approve {ids} */
int api_values_approve_many(http_req *req) { return many(req, VALUE_APPROVE); }

/* ------------------------------------------------------------- exchange */

static int import_reply(http_req *req, int rc, exchange_result *r, const exchange_options *opt)
{
	if ((rc == ERR_INVALID || rc == ERR_FORBIDDEN) && r->problems) {
		json_t *p = r->problems;
		r->problems = NULL;
		return api_respond_error(req, rc, p);
	}
	if (rc < 0)
		return rc;
	json_t *out = json_pack("{s:i, s:i, s:i, s:i, s:i, s:b}", "created", r->created, "updated", r->updated, "ignored",
		r->ignored, "skipped", r->skipped, "total", r->total, "dry_run", opt->dry_run);
	if (r->rows)
		json_object_set(out, "rows", r->rows);
	return api_respond_json(req, 200, out);
}

static bool flag(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Our template as CSV (text/csv) or as an .xlsx workbook (told apart by
 * its content, whatever the Content-Type says). A row without a value is
 * not reported and is skipped. ?dry_run=1 saves nothing and answers the
 * rows as they would be saved ("rows"), for a preview. */
int api_values_import(http_req *req)
{
	const char *ct = http_req_header(req, "Content-Type");
	const char *body = req->body.ptr ? req->body.ptr : "";
	const principal *who;
	db_conn *db;
	exchange_result r;
	int rc;
	if ((rc = api_require(req, ACT_REPORT_WRITE, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0)
		return rc;
	exchange_options opt = { .dry_run = flag(req, "dry_run"), .skip_blank = true, .preview = true };
	if (exchange_is_xlsx(body, req->body.len))
		rc = exchange_xlsx_import(&r, db, who, body, req->body.len, &opt);
	else if (ct && strncasecmp(ct, "text/csv", 8) == 0)
		rc = exchange_csv_import(&r, db, who, body, req->body.len, &opt);
	else
		return err_set(ERR_INVALID, "send the values as text/csv or as an .xlsx workbook, not '%.60s'",
			ct ? ct : "nothing");
	rc = import_reply(req, rc, &r, &opt);
	json_decref(r.problems);
	json_decref(r.rows);
	return rc;
}

/* The values the caller may see, filtered like GET /api/v1/values. */
static int visible_values(json_t **out, http_req *req)
{
	const principal *who;
	value_filter f = { .period = http_req_query(req, "period"), .status = http_req_query(req, "status"), .limit = 1000000 };
	db_conn *db;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 ||
	    (rc = api_query_int64(&f.indicator_id, req, "indicator_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f.unit_id, req, "unit_id", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (f.period && !*f.period)
		f.period = NULL;
	if (f.status && !*f.status)
		f.status = NULL;
	f.who = who;
	return value_list(out, db, &f);
}

/* Sends a file made by make, or CSV of list when the request asks for
 * it (?format=csv; xlsx by default or with ?format=xlsx), under the file
 * name base.xlsx or base.csv. */
static int send_values(http_req *req, const json_t *list, const char *base, bool xlsx_default,
	int (*make)(char **out, size_t *len, const json_t *list, const exchange_sheet_meta *meta))
{
	const char *format = http_req_query(req, "format");
	bool xlsx = format ? strcmp(format, "xlsx") == 0 : xlsx_default;
	char *data, disposition[160];
	size_t len;
	if (format && !xlsx && strcmp(format, "csv") != 0)
		return err_set(ERR_INVALID, "format %.20s is not offered (csv, xlsx)", format);
	str filter = STR_INIT;
	exchange_sheet_meta meta = { .en = api_wants_english(req) };
	api_sheet_filter(&filter, req, meta.en);
	meta.filter = filter.ptr;
	int rc = xlsx ? make(&data, &len, list, &meta) : exchange_csv_write(&data, &len, list);
	str_free(&filter);
	if (rc < 0)
		return rc;
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%.100s.%s\"", base, xlsx ? "xlsx" : "csv");
	http_req_add_header(req, "Content-Disposition", disposition);
	http_req_add_header(req, "Cache-Control", "no-store");
	rc = http_respond(req, 200, xlsx ? API_XLSX_TYPE : "text/csv; charset=utf-8", data, len);
	free(data);
	return rc;
}

int api_values_export(http_req *req)
{
	json_t *list;
	int rc;
	if ((rc = visible_values(&list, req)) < 0)
		return rc;
	rc = send_values(req, list, "values", false, exchange_xlsx_write);
	json_decref(list);
	return rc;
}

/* GET /api/v1/values/template?unit_id= | unit_code=, period= (a code or
 * words: "Quý III/2026")[, format=xlsx | csv | json][, lang=en]: what the
 * unit reports for the period, pre-filled, with last period's value and
 * the target, for those who may report for it. */
int api_values_template(http_req *req)
{
	const char *period = http_req_query(req, "period"), *code = http_req_query(req, "unit_code"), *path;
	const char *format = http_req_query(req, "format");
	int64_t unit_id = 0;
	db_conn *db;
	json_t *tpl;
	int rc;
	if ((rc = api_query_int64(&unit_id, req, "unit_id", 0, 1, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (!unit_id && code && *code) {
		if ((rc = unit_id_by_code(&unit_id, db, code)) < 0)
			return rc;
		if (!unit_id)
			return err_set(ERR_NOTFOUND, "no unit with code '%.60s'", code);
	}
	if (!unit_id || !period || !*period)
		return err_set(ERR_INVALID, "a template needs a unit (unit_id or unit_code) and a period");
	if ((rc = unit_path(&path, db, &req->a, unit_id)) < 0 || (rc = api_require(req, ACT_REPORT_WRITE, path)) < 0 ||
	    (rc = exchange_template(&tpl, db, unit_id, period)) < 0)
		return rc;
	if (format && strcmp(format, "json") == 0)
		return api_respond_json(req, 200, tpl);
	char base[100];
	snprintf(base, sizeof(base), "mau-bao-cao-%.40s-%.16s", json_string_value(json_object_get(json_object_get(tpl, "unit"), "code")),
		json_string_value(json_object_get(tpl, "period")));
	for (char *c = base; *c; c++)   /* an ASCII file name */
		if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || *c == '-'))
			*c = '-';
	rc = send_values(req, tpl, base, true, exchange_template_xlsx);
	json_decref(tpl);
	return rc;
}
