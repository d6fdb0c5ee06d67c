/* agreements: /api/v1/agreements, /funds, /investments,
 * /support-programmes and /commercialisations. Signed-in people of any
 * role read everything; anonymous readers see agreements in force or
 * expired (without their actions and problems) and funds with their
 * totals (without each member's amount or the investments). Writes are
 * the registry writers' (ACT_REGISTRY_WRITE). */
#include "api/ecosystem/agreements.h"
#include "domain/ecosystem/agreement.h"
#include "domain/ecosystem/fund.h"
#include "domain/people/unit.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/json.h"
#include "util/table.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- common */

static bool anonymous(http_req *req)
{
	const principal *who;
	return api_principal(&who, req) < 0 || who->person_id == 0;
}

static int signed_in(http_req *req)
{
	const principal *who;
	int rc = api_principal(&who, req);
	if (rc == 0 && !who->person_id && !who->cli)
		rc = err_set(ERR_UNAUTHORIZED, "sign in to see investments, support programmes and commercialisation projects");
	return rc;
}

/* The start of every write: a registry writer, the database, the body. */
static int writer(const principal **who, db_conn **db, json_t **body, http_req *req)
{
	int rc;
	if (body)
		*body = NULL;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = api_principal(who, req)) < 0 ||
	    (rc = api_db(db, req)) < 0)
		return rc;
	return body ? api_body_object(body, req) : 0;
}

static const char *query_or_null(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && *v ? v : NULL;
}

static bool flag(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static int limits(int64_t *limit, int64_t *offset, http_req *req)
{
	int rc = api_query_int64(limit, req, "limit", 100, 1, 1000);
	return rc < 0 ? rc : api_query_int64(offset, req, "offset", 0, 0, INT64_MAX);
}

static int respond_csv(http_req *req, const char *name, char *csv, size_t len)
{
	http_req_add_header(req, "Content-Disposition", api_disposition(req, name, false));
	http_req_add_header(req, "Cache-Control", "no-store");
	int rc = http_respond(req, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
	return rc;
}

/* ------------------------------------------------------------ agreements */

static int agreement_param(int64_t *out, http_req *req, db_conn *db)
{
	return agreement_id_by_code(out, db, api_param_text(req, 0));
}

static int respond_agreement(http_req *req, db_conn *db, int64_t id, int status)
{
	json_t *out;
	int rc = agreement_get(&out, db, id, task_today(), true, false);
	return rc < 0 ? rc : api_respond_json(req, status, out);
}

int api_agreements_list(http_req *req)
{
	int64_t limit, offset, org = 0;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = limits(&limit, &offset, req)) < 0 ||
	    (rc = api_query_int64(&org, req, "organisation_id", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	agreement_filter f = { .q = query_or_null(req, "q"), .kind = query_or_null(req, "kind"),
		.status = query_or_null(req, "status"), .focus = query_or_null(req, "focus"), .organisation_id = org,
		.public_only = anonymous(req) };
	if ((rc = agreement_list(&out, db, &f, task_today(), limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_agreements_get(http_req *req)
{
	bool anon = anonymous(req);
	db_conn *db;
	int64_t id;
	json_t *out;
	int rc;
	if ((rc = api_db(&db, req)) < 0 || (rc = agreement_param(&id, req, db)) < 0 ||
	    (rc = agreement_get(&out, db, id, task_today(), !anon, anon)) < 0)
		return rc == ERR_NOTFOUND ? err_set(ERR_NOTFOUND, "no agreement with code '%s'", api_param_text(req, 0)) : rc;
	return api_respond_json(req, 200, out);
}

int api_agreements_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body;
	int64_t id;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	rc = agreement_create(&id, db, who, body);
	json_decref(body);
	return rc < 0 ? rc : respond_agreement(req, db, id, 201);
}

int api_agreements_update(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body;
	int64_t id;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	if ((rc = agreement_param(&id, req, db)) == 0)
		rc = agreement_update(db, who, id, body);
	json_decref(body);
	return rc < 0 ? rc : respond_agreement(req, db, id, 200);
}

/* {task_id} links a task; {task_code} the same by code; {task: {...}}
 * creates the task first, with a lead unit within the caller's reach. */
int api_agreements_action_add(http_req *req)
{
	const principal *who;
	const char *code = NULL, *lead_code = NULL, *path;
	long long task_id = 0, lead_id = 0;
	int present = 0, has_lead = 0;
	db_conn *db;
	json_t *body;
	int64_t id = 0, tid = 0, lead = 0;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	const json_t *task = json_object_get(body, "task");
	if ((rc = agreement_param(&id, req, db)) < 0 || (rc = json_get_int(&task_id, &present, body, "task_id", 0)) < 0 ||
	    (rc = json_get_string(&code, body, "task_code", 0)) < 0)
		goto done;
	if (task) {
		if (!json_is_object(task)) {
			rc = err_set(ERR_INVALID, "'task' must be an object {title, lead_unit_code, deadline, code?}");
			goto done;
		}
		if ((rc = json_get_string(&lead_code, task, "lead_unit_code", 0)) < 0 ||
		    (rc = json_get_int(&lead_id, &has_lead, task, "lead_unit_id", 0)) < 0)
			goto done;
		lead = lead_id;
		if (lead_code && (rc = unit_id_by_code(&lead, db, lead_code)) < 0) {
			rc = err_set(ERR_INVALID, "'lead_unit_code': nothing with code '%s'", lead_code);
			goto done;
		}
		if (lead && (rc = unit_path(&path, db, &req->a, lead)) == 0 && (rc = api_require(req, ACT_ASSIGN, path)) < 0)
			goto done;
		if (rc == ERR_NOTFOUND)
			rc = 0;
		else if (rc < 0)
			goto done;
		rc = agreement_action_create(&tid, db, who, id, task);
	} else if (code) {
		if ((rc = task_id_by_code(&tid, db, code)) == ERR_NOTFOUND)
			rc = err_set(ERR_INVALID, "'task_code': no task with code '%s'", code);
		if (rc == 0)
			rc = agreement_action_link(db, who, id, tid);
	} else if (present) {
		rc = agreement_action_link(db, who, id, task_id);
	} else {
		rc = err_set(ERR_INVALID, "give 'task_id' or 'task_code' of a task to link, or 'task' to create one");
	}
done:
	json_decref(body);
	return rc < 0 ? rc : respond_agreement(req, db, id, 201);
}

int api_agreements_action_remove(http_req *req)
{
	const principal *who;
	db_conn *db;
	int64_t id, task_id;
	int rc;
	if ((rc = writer(&who, &db, NULL, req)) < 0 || (rc = agreement_param(&id, req, db)) < 0 ||
	    (rc = api_param_id(&task_id, req, 1)) < 0 || (rc = agreement_action_unlink(db, who, id, task_id)) < 0)
		return rc;
	return respond_agreement(req, db, id, 200);
}

int api_agreements_problem_add(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body;
	int64_t id, pid;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	if ((rc = agreement_param(&id, req, db)) == 0)
		rc = agreement_problem_add(&pid, db, who, id, body);
	json_decref(body);
	return rc < 0 ? rc : respond_agreement(req, db, id, 201);
}

int api_agreements_problem_update(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body;
	int64_t id, pid;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	if ((rc = agreement_param(&id, req, db)) == 0 && (rc = api_param_id(&pid, req, 1)) == 0)
		rc = agreement_problem_update(db, who, id, pid, body);
	json_decref(body);
	return rc < 0 ? rc : respond_agreement(req, db, id, 200);
}

int api_agreements_export(http_req *req)
{
	db_conn *db;
	char *csv;
	size_t len;
	int rc;
	if ((rc = api_db(&db, req)) < 0 || (rc = agreement_export(&csv, &len, db, anonymous(req), task_today())) < 0)
		return rc;
	return respond_csv(req, "agreements.csv", csv, len);
}

int api_agreements_import(http_req *req)
{
	const principal *who;
	db_conn *db;
	agreement_import_result r;
	bool dry = flag(req, "dry_run");
	int rc;
	if ((rc = writer(&who, &db, NULL, req)) < 0 || (rc = api_body_table(req)) < 0)
		return rc;
	rc = agreement_import(&r, db, who, req->body.ptr ? req->body.ptr : "", req->body.len, dry);
	if (rc == ERR_INVALID && json_array_size(r.bad))
		return api_respond_error(req, rc, r.bad);
	json_decref(r.bad);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 200, json_pack("{s:i, s:i, s:i, s:b}", "created", r.created, "updated", r.updated,
		"total", r.total, "dry_run", dry));
}

/* ----------------------------------------------------------------- funds */

static int fund_param(int64_t *out, http_req *req, db_conn *db)
{
	return fund_id_by_code(out, db, api_param_text(req, 0));
}

static int respond_fund(http_req *req, db_conn *db, int64_t id, int status)
{
	json_t *out;
	int rc = fund_get(&out, db, id, true, false);
	return rc < 0 ? rc : api_respond_json(req, status, out);
}

int api_funds_list(http_req *req)
{
	int64_t limit, offset;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = limits(&limit, &offset, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = fund_list(&out, db, query_or_null(req, "q"), query_or_null(req, "kind"), anonymous(req), limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_funds_get(http_req *req)
{
	bool anon = anonymous(req);
	db_conn *db;
	json_t *out;
	int64_t id;
	int rc;
	if ((rc = api_db(&db, req)) < 0 || (rc = fund_param(&id, req, db)) < 0 || (rc = fund_get(&out, db, id, !anon, anon)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_funds_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body;
	int64_t id;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	rc = fund_create(&id, db, who, body);
	json_decref(body);
	return rc < 0 ? rc : respond_fund(req, db, id, 201);
}

int api_funds_update(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body;
	int64_t id;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	if ((rc = fund_param(&id, req, db)) == 0)
		rc = fund_update(db, who, id, body);
	json_decref(body);
	return rc < 0 ? rc : respond_fund(req, db, id, 200);
}

/* ----------------------------------------------------------- investments */

int api_investments_list(http_req *req)
{
	int64_t limit, offset, fund = 0, startup = 0, investor = 0;
	db_conn *db;
	json_t *out;
	int rc;
	const char *fund_code = query_or_null(req, "fund");
	if ((rc = signed_in(req)) < 0 || (rc = limits(&limit, &offset, req)) < 0 ||
	    (rc = api_query_int64(&startup, req, "startup_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&investor, req, "investor_id", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (fund_code && (rc = fund_id_by_code(&fund, db, fund_code)) < 0)
		return rc == ERR_NOTFOUND ? err_set(ERR_INVALID, "'fund': no fund with code '%s'", fund_code) : rc;
	investment_filter f = { .fund_id = fund, .startup_id = startup, .investor_id = investor,
		.from = query_or_null(req, "from"), .to = query_or_null(req, "to") };
	if ((rc = investment_list(&out, db, &f, limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_investments_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	rc = investment_create(&id, db, who, body);
	json_decref(body);
	if (rc < 0 || (rc = investment_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

int api_investments_export(http_req *req)
{
	db_conn *db;
	char *csv;
	size_t len;
	int rc;
	if ((rc = signed_in(req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = investment_export(&csv, &len, db)) < 0)
		return rc;
	return respond_csv(req, "investments.csv", csv, len);
}

int api_investments_import(http_req *req)
{
	const principal *who;
	db_conn *db;
	investment_import_result r;
	bool dry = flag(req, "dry_run");
	int rc;
	if ((rc = writer(&who, &db, NULL, req)) < 0 || (rc = api_body_table(req)) < 0)
		return rc;
	rc = investment_import(&r, db, who, req->body.ptr ? req->body.ptr : "", req->body.len, dry);
	if (rc == ERR_INVALID && json_array_size(r.bad))
		return api_respond_error(req, rc, r.bad);
	json_decref(r.bad);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 200, json_pack("{s:i, s:i, s:b}", "created", r.created, "total", r.total, "dry_run", dry));
}

/* ---------------------------------------------------- support programmes */

int api_support_list(http_req *req)
{
	int64_t limit, offset;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(req)) < 0 || (rc = limits(&limit, &offset, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = support_list(&out, db, limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_support_get(http_req *req)
{
	db_conn *db;
	json_t *out;
	int64_t id;
	int rc;
	if ((rc = signed_in(req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = support_id_by_code(&id, db, api_param_text(req, 0))) < 0 || (rc = support_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_support_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	rc = support_create(&id, db, who, body);
	json_decref(body);
	if (rc < 0 || (rc = support_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

int api_support_recipient_add(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	if ((rc = support_id_by_code(&id, db, api_param_text(req, 0))) == 0)
		rc = support_recipient_add(db, who, id, body);
	json_decref(body);
	if (rc < 0 || (rc = support_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

/* ------------------------------------------------------ commercialisation */

int api_commercialisations_list(http_req *req)
{
	int64_t limit, offset;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(req)) < 0 || (rc = limits(&limit, &offset, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = commercialisation_list(&out, db, query_or_null(req, "status"), limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_commercialisations_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id;
	int rc;
	if ((rc = writer(&who, &db, &body, req)) < 0)
		return rc;
	rc = commercialisation_create(&id, db, who, body);
	json_decref(body);
	if (rc < 0 || (rc = commercialisation_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}
