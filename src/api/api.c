/* api: route table, dispatch, error mapping, JSON in and out. */
#include "api/api.h"
#include "api/ecosystem/agreements.h"
#include "api/ecosystem/networks.h"
#include "api/ecosystem/organisations.h"
#include "api/ecosystem/registry.h"
#include "api/market/listings.h"
#include "api/market/matching.h"
#include "api/stmap/collaboration.h"
#include "api/stmap/indicators.h"
#include "api/stmap/maps.h"
#include "api/stmap/outputs.h"
#include "domain/people/password.h"
#include "domain/people/session.h"
#include "http/router.h"
#include "util/err.h"
#include "util/json.h"
#include "util/log.h"
#include "util/table.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const http_route routes[] = {
	{ "GET", "/api/v1/health", api_health_get, ROUTE_INLINE },
	{ "GET", "/api/v1/openapi.json", api_openapi_get, ROUTE_INLINE },
	{ "GET", "/api/v1/periods/{code}", api_periods_get, 0 },
	{ "POST", "/api/v1/periods/resolve", api_periods_resolve, 0 },
	{ "GET", "/api/v1/session", api_session_get, 0 },
	{ "POST", "/api/v1/session", api_session_create, ROUTE_NO_CSRF },
	{ "DELETE", "/api/v1/session", api_session_delete, 0 },
	{ "POST", "/api/v1/session/password", api_session_password, 0 },
	{ "GET", "/api/v1/tokens", api_tokens_list, 0 },
	{ "POST", "/api/v1/tokens", api_tokens_create, 0 },
	{ "DELETE", "/api/v1/tokens/{id}", api_tokens_delete, 0 },
	{ "GET", "/api/v1/audit", api_audit_list, 0 },
	{ "GET", "/api/v1/audit/verify", api_audit_verify, ROUTE_HEAVY },
	{ "GET", "/api/v1/units", api_units_list, 0 },
	{ "POST", "/api/v1/units", api_units_create, 0 },
	{ "GET", "/api/v1/units/export", api_units_export, ROUTE_HEAVY },
	{ "POST", "/api/v1/units/import", api_units_import, ROUTE_HEAVY },
	{ "GET", "/api/v1/units/{id}", api_units_get, 0 },
	{ "PATCH", "/api/v1/units/{id}", api_units_update, 0 },
	{ "GET", "/api/v1/people", api_people_list, 0 },
	{ "POST", "/api/v1/people", api_people_create, 0 },
	{ "GET", "/api/v1/people/{id}", api_people_get, 0 },
	{ "PATCH", "/api/v1/people/{id}", api_people_update, 0 },
	{ "POST", "/api/v1/people/{id}/grants", api_people_grant, 0 },
	{ "DELETE", "/api/v1/people/{id}/grants/{grant_id}", api_people_revoke, 0 },
	{ "POST", "/api/v1/people/{id}/password", api_people_password, 0 },
	{ "GET", "/api/v1/documents", api_documents_list, 0 },
	{ "POST", "/api/v1/documents", api_documents_create, 0 },
	{ "GET", "/api/v1/documents/tree", api_documents_tree, 0 },
	{ "GET", "/api/v1/documents/{id}", api_documents_get, 0 },
	{ "PATCH", "/api/v1/documents/{id}", api_documents_update, 0 },
	{ "GET", "/api/v1/indicators", api_indicators_list, 0 },
	{ "POST", "/api/v1/indicators", api_indicators_create, 0 },
	{ "GET", "/api/v1/indicators/{id}", api_indicators_get, 0 },
	{ "PUT", "/api/v1/indicators/{id}/targets", api_indicators_targets, 0 },
	{ "PUT", "/api/v1/indicators/{id}/reporting", api_indicators_reporting, 0 },
	{ "GET", "/api/v1/indicators/{id}/rules", api_indicator_rules_get, 0 },
	{ "PUT", "/api/v1/indicators/{id}/rules", api_indicator_rules_put, 0 },
	{ "POST", "/api/v1/values/check", api_values_check, 0 },
	{ "GET", "/api/v1/validation", api_validation_list, ROUTE_HEAVY },
	{ "GET", "/api/v1/values", api_values_list, 0 },
	{ "PUT", "/api/v1/values", api_values_save, 0 },
	{ "GET", "/api/v1/values/export", api_values_export, ROUTE_HEAVY },
	{ "GET", "/api/v1/values/template", api_values_template, ROUTE_HEAVY },
	{ "GET", "/api/v1/values/grid", api_values_grid, ROUTE_HEAVY },
	{ "POST", "/api/v1/values/import", api_values_import, ROUTE_HEAVY },
	{ "GET", "/api/v1/dataValueSets", api_dhis2_export, ROUTE_HEAVY },
	{ "POST", "/api/v1/dataValueSets", api_dhis2_import, ROUTE_HEAVY },
	{ "GET", "/api/v1/dataValueSets.json", api_dhis2_export, ROUTE_HEAVY },
	{ "POST", "/api/v1/dataValueSets.json", api_dhis2_import, ROUTE_HEAVY },
	{ "GET", "/api/v1/dataValueSets.csv", api_dhis2_export, ROUTE_HEAVY },
	{ "POST", "/api/v1/dataValueSets.csv", api_dhis2_import, ROUTE_HEAVY },
	{ "POST", "/api/v1/values/submit", api_values_submit_many, 0 },
	{ "POST", "/api/v1/values/approve", api_values_approve_many, 0 },
	{ "GET", "/api/v1/approvals", api_approvals_list, 0 },
	{ "GET", "/api/v1/approvals/count", api_approvals_count, 0 },
	{ "GET", "/api/v1/values/{id}", api_values_get, 0 },
	{ "POST", "/api/v1/values/{id}/submit", api_values_submit, 0 },
	{ "POST", "/api/v1/values/{id}/approve", api_values_approve, 0 },
	{ "POST", "/api/v1/values/{id}/return", api_values_return, 0 },
	{ "POST", "/api/v1/attachments", api_attachments_upload, ROUTE_HEAVY },
	{ "GET", "/api/v1/attachments/{id}", api_attachments_get, 0 },
	{ "GET", "/api/v1/rollup", api_rollup_get, ROUTE_HEAVY },
	{ "GET", "/api/v1/dashboard", api_dashboard_overview, ROUTE_HEAVY },
	{ "GET", "/api/v1/dashboard/indicators/{id}", api_dashboard_indicator, ROUTE_HEAVY },
	{ "GET", "/api/v1/dashboard/units/{id}", api_dashboard_unit, ROUTE_HEAVY },
	{ "GET", "/api/v1/completeness", api_completeness_get, ROUTE_HEAVY },
	{ "GET", "/api/v1/reminders", api_reminders_list, 0 },
	{ "GET", "/api/v1/inbox", api_inbox_list, 0 },
	{ "POST", "/api/v1/inbox/read", api_inbox_read, 0 },
	{ "GET", "/api/v1/indices", api_indices_list, 0 },
	{ "POST", "/api/v1/indices", api_indices_create, 0 },
	{ "GET", "/api/v1/indices/{code}", api_indices_get, 0 },
	{ "GET", "/api/v1/indices/{code}/definition", api_indices_definition, 0 },
	{ "GET", "/api/v1/indices/{code}/runs", api_indices_runs, 0 },
	{ "POST", "/api/v1/indices/{code}/runs", api_indices_run, ROUTE_HEAVY },
	{ "GET", "/api/v1/index-runs/{id}", api_index_run_get, 0 },
	{ "GET", "/api/v1/index-runs/{id}/input", api_index_run_input, ROUTE_HEAVY },
	{ "POST", "/api/v1/index-runs/{id}/cancel", api_index_run_cancel, 0 },
	{ "GET", "/api/v1/index-runs/{id}/uncertainty", api_index_uncertainty_list, 0 },
	{ "POST", "/api/v1/index-runs/{id}/uncertainty", api_index_uncertainty_create, ROUTE_HEAVY },
	{ "GET", "/api/v1/index-uncertainty/{id}", api_index_uncertainty_get, 0 },
	{ "GET", "/api/v1/reports", api_reports_list, 0 },
	{ "POST", "/api/v1/reports", api_reports_create, 0 },
	{ "GET", "/api/v1/reports/{id}", api_reports_get, 0 },
	{ "GET", "/api/v1/reports/{id}/{format}", api_reports_file, 0 },
	{ "GET", "/api/v1/tasks", api_tasks_list, 0 },
	{ "POST", "/api/v1/tasks", api_tasks_create, 0 },
	{ "GET", "/api/v1/tasks/{id}", api_tasks_get, 0 },
	{ "POST", "/api/v1/tasks/{id}/reports", api_tasks_report, 0 },
	{ "POST", "/api/v1/tasks/{id}/reports/{report_id}/approve", api_tasks_approve, 0 },
	{ "POST", "/api/v1/tasks/{id}/reports/{report_id}/return", api_tasks_return, 0 },
	{ "POST", "/api/v1/tasks/{id}/comments", api_tasks_comment, 0 },
	{ "POST", "/api/v1/tasks/{id}/extensions", api_tasks_extension, 0 },
	{ "POST", "/api/v1/tasks/{id}/extensions/{extension_id}/approve", api_tasks_extension_approve, 0 },
	{ "POST", "/api/v1/tasks/{id}/extensions/{extension_id}/refuse", api_tasks_extension_refuse, 0 },
	/* the ecosystem registry (api/ecosystem/) */
	API_ORGANISATIONS_ROUTES
	API_NETWORKS_ROUTES
	API_AGREEMENTS_ROUTES
	API_REGISTRY_ROUTES
	/* the S&T map (api/stmap/) */
	API_OUTPUTS_ROUTES
	API_STMAP_INDICATORS_ROUTES
	API_MAPS_ROUTES
	API_COLLABORATION_ROUTES
	/* the technology market (api/market/) */
	API_LISTINGS_ROUTES
	API_MATCHING_ROUTES
};

const http_route *api_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

/* ------------------------------------------------------ who is asking */

typedef struct api_ctx {
	bool resolved;
	principal who;
	const char *csrf;            /* of the cookie's session */
	const char *session_token;   /* the cookie, when it signed the request in */
	bool routed;                 /* the route below was matched (api_lane) */
	int route_rc;
	const http_route *route;
	char allow[64];
} api_ctx;

static api_ctx *ctx_of(http_req *req)
{
	if (!req->ctx && (req->ctx = arena_alloc(&req->a, sizeof(api_ctx))))
		memset(req->ctx, 0, sizeof(api_ctx));
	return req->ctx;
}

static const char *bearer_token(http_req *req)
{
	const char *h = http_req_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

int api_principal(const principal **out, http_req *req)
{
	api_ctx *c = ctx_of(req);
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	if (!c->resolved) {
		const char *bearer = bearer_token(req), *cookie = http_req_cookie(req, API_SESSION_COOKIE);
		db_conn *db;
		int rc = 0;
		if ((bearer || cookie) && (rc = api_db(&db, req)) < 0)
			return rc;
		if (bearer)
			rc = token_resolve(&c->who, db, &req->a, bearer);
		else if (cookie && (rc = session_resolve(&c->who, &c->csrf, db, &req->a, cookie)) == 0 &&
			 c->who.person_id)
			c->session_token = cookie;
		if (rc < 0)
			return rc;
		c->resolved = true;
	}
	*out = &c->who;
	return 0;
}

int api_require(http_req *req, action a, const char *unit_path)
{
	const principal *who;
	int rc = api_principal(&who, req);
	return rc < 0 ? rc : authz_check(who, a, unit_path);
}

const char *api_session_token(http_req *req)
{
	const principal *who;
	if (api_principal(&who, req) < 0)
		return NULL;
	return ((api_ctx *)req->ctx)->session_token;
}

const char *api_session_csrf(http_req *req)
{
	return api_session_token(req) ? ((api_ctx *)req->ctx)->csrf : NULL;
}

/* ------------------------------------------------ each thread's database */

/* The context of each thread that runs handlers: its own connection,
 * opened on first use. */
typedef struct api_worker {
	db_conn *db;
} api_worker;

int api_worker_new(void **out, void *app)
{
	(void)app;
	*out = calloc(1, sizeof(api_worker));
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

void api_worker_free(void *worker, void *app)
{
	api_worker *w = worker;
	(void)app;
	if (!w)
		return;
	if (w->db)
		db_close(w->db);
	free(w);
}

int api_db(db_conn **out, http_req *req)
{
	api_worker *w = req->worker;
	const api_app *app = req->app;
	if (!w)
		return err_set(ERR_UNAVAILABLE, "the server is busy; try again in a moment");
	if (!w->db) {
		int rc = db_open(&w->db, app->db_url);
		if (rc < 0)
			return rc;
	}
	*out = w->db;
	return 0;
}

/* A write signed in by the session cookie must repeat the session's CSRF
 * token in a header, which another site's page cannot read or send. */
static int check_csrf(http_req *req)
{
	const principal *who;
	int rc = api_principal(&who, req);
	if (rc < 0)
		return rc;
	api_ctx *c = req->ctx;
	if (!c->session_token)
		return 0;
	const char *sent = http_req_header(req, API_CSRF_HEADER);
	if (!sent || !c->csrf || !secret_equal(sent, c->csrf))
		return err_set(ERR_FORBIDDEN, "the %s header is missing or does not match this session", API_CSRF_HEADER);
	return 0;
}

static bool is_read(const char *method) { return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0; }

int api_query_int64(int64_t *out, http_req *req, const char *name, int64_t def, int64_t min, int64_t max)
{
	const char *v = http_req_query(req, name);
	/* A list exported as a workbook is whole unless a limit is given. */
	*out = strcmp(name, "limit") == 0 && api_wants_sheet(req) ? max : def;
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return err_set(ERR_INVALID, "query parameter '%s' must be a whole number from %lld to %lld",
			name, (long long)min, (long long)max);
	*out = n;
	return 0;
}

const char *api_param_text(http_req *req, int index)
{
	if (index >= req->n_params)
		return "";
	const char *t = arena_strndup(&req->a, req->params[index].p, req->params[index].len);
	return t ? t : "";
}

const char *api_disposition(http_req *req, const char *name, bool inline_view)
{
	str s = STR_INIT;
	str_append(&s, inline_view ? "inline; filename*=UTF-8''" : "attachment; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr(".-_", *p))
			str_appendc(&s, (char)*p);
		else
			str_appendf(&s, "%%%02X", *p);
	}
	const char *out = str_oom(&s) ? "attachment" : arena_strdup(&req->a, s.ptr);
	str_free(&s);
	return out;
}

int api_param_id(int64_t *out, http_req *req, int index)
{
	strv p = req->params[index];
	int64_t n = 0;
	if (index >= req->n_params || p.len == 0 || p.len > 18)
		return err_set(ERR_NOTFOUND, "no such resource: %s", req->path);
	for (size_t i = 0; i < p.len; i++) {
		if (p.p[i] < '0' || p.p[i] > '9')
			return err_set(ERR_NOTFOUND, "no such resource: %s", req->path);
		n = n * 10 + (p.p[i] - '0');
	}
	if (n <= 0)
		return err_set(ERR_NOTFOUND, "no such resource: %s", req->path);
	*out = n;
	return 0;
}

int api_status_for(int code)
{
	switch (code) {
	case ERR_MALFORMED: return 400;
	case ERR_UNAUTHORIZED: return 401;
	case ERR_FORBIDDEN: return 403;
	case ERR_NOTFOUND: return 404;
	case ERR_METHOD: return 405;
	case ERR_CONFLICT: return 409;
	case ERR_TOOLARGE: return 413;
	case ERR_INVALID: return 422;
	case ERR_TOOMANY: return 429;
	case ERR_UNAVAILABLE: return 503;
	case ERR_NOSPACE: return 507;
	default: return 500;
	}
}

int api_respond_raw(http_req *req, int status, const char *json, size_t len)
{
	http_req_add_header(req, "Cache-Control", "no-store");
	return http_respond(req, status, "application/json; charset=utf-8", json, len);
}

int api_respond_json(http_req *req, int status, json_t *v)
{
	if (status == 200 && api_wants_sheet(req)) {
		int rc = api_respond_sheet(req, v);
		json_decref(v);
		return rc;
	}
	str s = STR_INIT;
	json_append(&s, v);
	json_decref(v);
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	int rc = api_respond_raw(req, status, s.ptr, s.len);
	str_free(&s);
	return rc;
}

int api_respond_error(http_req *req, int code, json_t *details)
{
	int status = api_status_for(code);
	const char *msg = err_msg();
	if (status >= 500) {
		/* The operator sees the cause in the log; the client gets no
		 * internals. A 503 or 507 keeps its message only when it is one
		 * sentence written for people (a template without parameters);
		 * one that carries a lower layer's text (PostgreSQL's host and
		 * port, a file's path) is replaced by a plain one. */
		log_error("%s %s: %s", req->method, req->path, msg[0] ? msg : "unknown error");
		if (status == 500)
			msg = "internal error; the request id identifies it in the server log";
		else if (err_depth() != 1 || err_n_params(0) != 0) {
			err_set(code, status == 507 ? "the server's disk is full; nothing was saved, tell the administrator"
						    : "the service is unavailable for a moment; try again shortly");
			msg = err_msg();
		}
	}
	json_t *err = json_pack("{s:s, s:s}", "code", err_name(code), "message", msg[0] ? msg : err_name(code));
	if (!err)
		return err_set(ERR_NOMEM, "out of memory");
	json_t *said = status == 500 ? NULL : json_err_describe();
	if (said)
		json_object_update_new(err, said);
	json_object_set_new(err, "details", details ? details : json_array());
	json_object_set_new(err, "request_id", json_string(req->id));
	return api_respond_json(req, status, json_pack("{s:o}", "error", err));
}

int api_body_table(http_req *req)
{
	const char *ct = http_req_header(req, "Content-Type");
	if (table_is_xlsx(req->body.ptr, req->body.len))
		return 0;
	if (!ct || (strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "text/plain", 10) != 0))
		return err_set(ERR_INVALID, "send the file as text/csv or as an .xlsx workbook, not '%.60s'",
			ct ? ct : "nothing");
	return 0;
}

int api_body_json(json_t **out, http_req *req)
{
	const char *ct = http_req_header(req, "Content-Type");
	*out = NULL;
	if (ct && strncasecmp(ct, "application/json", 16) != 0)
		return err_set(ERR_INVALID, "Content-Type must be application/json, not '%.60s'", ct);
	return json_parse(out, req->body.ptr ? req->body.ptr : "", req->body.len);
}

int api_body_object(json_t **out, http_req *req)
{
	json_t *v;
	int rc = api_body_json(&v, req);
	if (rc < 0)
		return rc;
	if (!json_is_object(v)) {
		rc = err_set(ERR_INVALID, "the request body must be a JSON object");
		json_decref(v);
		return rc;
	}
	*out = v;
	return 0;
}

/* Matches the request's route once; the result stays in the context. */
static int route_of(const http_route **out, http_req *req)
{
	api_ctx *c = ctx_of(req);
	*out = NULL;
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	if (!c->routed) {
		err_clear();
		c->route_rc = http_route_match(&c->route, routes, sizeof(routes) / sizeof(routes[0]), req, c->allow,
			sizeof(c->allow));
		c->routed = true;
	}
	*out = c->route;
	return c->route_rc;
}

http_lane api_lane(http_req *req)
{
	const http_route *route = NULL;
	if (strncmp(req->path, "/api/", 5) != 0 && strcmp(req->path, "/api") != 0)
		return HTTP_LANE_INLINE;   /* static files */
	if (route_of(&route, req) < 0)
		return HTTP_LANE_INLINE;   /* 404, 405 */
	/* ?db=1 asks the database: not on the network thread */
	if (route->handler == api_health_get && http_req_query(req, "db"))
		return HTTP_LANE_QUICK;
	return http_route_lane(route);
}

/* The answer to a request the server refused before routing it. */
static int refusal(http_req *req)
{
	http_req_add_header(req, "Retry-After", "1");
	if (req->refused == HTTP_REFUSE_CONNECTIONS) {
		http_req_add_header(req, "Connection", "close");
		return err_set(ERR_UNAVAILABLE, "the server has too many open connections; try again in a moment");
	}
	return err_set(ERR_UNAVAILABLE, "the server is busy; try again in a moment");
}

/* The path and query as decoded must be text: a NUL would cut them short
 * and bytes that are not UTF-8 cannot be quoted back in a JSON answer. */
static int check_request_text(http_req *req)
{
	const char *keys[64], *values[64];
	if (req->bad_path)
		return err_set(ERR_MALFORMED, "the request path or query holds an encoded NUL byte (%%00)");
	if (!utf8_valid(req->path, strlen(req->path)))
		return err_set(ERR_MALFORMED, "the request path is not valid UTF-8 once decoded");
	int n = http_req_query_pairs(req, keys, values, 64);
	for (int i = 0; i < n; i++)
		if ((keys[i] && !utf8_valid(keys[i], strlen(keys[i]))) || (values[i] && !utf8_valid(values[i], strlen(values[i]))))
			return err_set(ERR_MALFORMED, "the query string is not valid UTF-8 once decoded");
	return 0;
}

int api_dispatch(http_req *req)
{
	const http_route *route = NULL;
	int rc;
	if (req->refused) {
		rc = refusal(req);
	} else if ((rc = check_request_text(req)) < 0) {
		/* answered below */
	} else if (req->too_large) {
		err_set(ERR_TOOLARGE, "the request body is larger than the limit of %zu bytes", req->max_body);
		rc = ERR_TOOLARGE;
	} else {
		rc = route_of(&route, req);
		if (rc < 0 && req->ctx)   /* the match's message, set again in this thread */
			rc = http_route_match(&route, routes, sizeof(routes) / sizeof(routes[0]), req,
				((api_ctx *)req->ctx)->allow, sizeof(((api_ctx *)req->ctx)->allow));
		else
			err_clear();
		if (rc == ERR_METHOD && req->ctx)
			http_req_add_header(req, "Allow", arena_strdup(&req->a, ((api_ctx *)req->ctx)->allow));
		else if (rc == 0 && !is_read(req->method) && !(route->flags & ROUTE_NO_CSRF))
			rc = check_csrf(req);
		if (rc == 0)
			rc = route->handler(req);
	}
	if (rc < 0 && req->status == 0)
		return api_respond_error(req, rc, NULL);
	return rc;
}
