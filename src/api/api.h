/* api: JSON over HTTP. The route table lives in api.c; each resource has
 * its own file of handlers. This is the only place that maps ERR_* codes
 * to HTTP statuses and writes the one error shape:
 *   {"error": {"code": "invalid", "message": "...", "details": [...]}} */
#ifndef NQ57_API_H
#define NQ57_API_H

#include <jansson.h>
#include <time.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "http/server.h"

/* Read-only state shared by all requests (req->app). */
typedef struct api_app {
	const char *version;
	db_kind db_kind;
	int schema_version;
	struct timespec started;   /* CLOCK_MONOTONIC */
	const char *data_dir;      /* uploaded evidence lives under it */
	const char *db_url;        /* each handler thread opens its own connection */
	struct rollup_cache *rollup;   /* approved values in memory (domain/rollup.h) */
	struct worker *worker;         /* the background thread (domain/worker.h) */
} api_app;

/* The server's dispatcher for /api/ paths. */
int api_dispatch(http_req *req);
/* The lane of a request (http_lane_fn): from its route's flags. */
http_lane api_lane(http_req *req);
/* Each handler thread's context (the server's worker_new/worker_free):
 * its database connection, opened on first use. */
int api_worker_new(void **out, void *app);
void api_worker_free(void *worker, void *app);
/* The route table api_dispatch matches against, with its length in *n. */
struct http_route;
const struct http_route *api_routes(size_t *n);

/* The HTTP status for an ERR_* code. */
int api_status_for(int code);
/* Answers with the error shape for code and err_msg(); details may be NULL
 * and is stolen. */
int api_respond_error(http_req *req, int code, json_t *details);
/* Answers with v serialised (v is stolen). */
int api_respond_json(http_req *req, int status, json_t *v);
/* A GET with ?format=xlsx: api_respond_json answers lists as a workbook
 * (api/sheet.c): the first array of objects in the answer, one row each. */
#define API_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
bool api_wants_sheet(http_req *req);
int api_respond_sheet(http_req *req, const json_t *answer);
/* True when the request asks for English (?lang=en): sheets and files
 * in English rather than Vietnamese. */
bool api_wants_english(http_req *req);
/* The request's filter in words for a sheet's first lines ("Kỳ báo cáo:
 * Quý III/2026; Trạng thái: Đã duyệt"), appended to out; nothing when the
 * request has no filter. */
void api_sheet_filter(str *out, http_req *req, bool en);
/* Answers with an already serialised JSON text. */
int api_respond_raw(http_req *req, int status, const char *json, size_t len);

/* Parses the request body as a JSON object. ERR_MALFORMED for bad JSON,
 * ERR_INVALID for a non-object or a wrong Content-Type. *out is owned by
 * the caller. */
int api_body_object(json_t **out, http_req *req);
/* The same for any JSON value (an array of targets). */
int api_body_json(json_t **out, http_req *req);
/* An import's body: an .xlsx workbook (told by its content) or CSV sent
 * as text/csv or text/plain; ERR_INVALID naming the type sent otherwise. */
int api_body_table(http_req *req);

#define API_SESSION_COOKIE "nq57_session"
#define API_CSRF_HEADER "X-CSRF-Token"

/* The request's principal, resolved once from an "Authorization: Bearer"
 * API token or else the session cookie; anonymous (person_id 0) when
 * neither is valid. Borrowed from the request. */
int api_principal(const principal **out, http_req *req);
/* The one authorisation call of every handler: authz_check for the
 * request's principal. Returns 0, or ERR_UNAUTHORIZED / ERR_FORBIDDEN with
 * the message set, which the handler returns as it is. */
int api_require(http_req *req, action a, const char *unit_path);
/* The session token of the request's cookie, if that is what signed it in. */
const char *api_session_token(http_req *req);
/* That session's CSRF token, or NULL. */
const char *api_session_csrf(http_req *req);
/* The calling thread's database connection (api_worker_new). */
int api_db(db_conn **out, http_req *req);
/* An integer query parameter: def when absent (but max for "limit" when
 * the list is exported as a workbook); ERR_INVALID naming it when
 * it is not an integer within [min, max]. */
int api_query_int64(int64_t *out, http_req *req, const char *name, int64_t def, int64_t min, int64_t max);
/* A path parameter as text (request arena; "" when absent). */
const char *api_param_text(http_req *req, int index);
/* A Content-Disposition value for a download named name (inline_view:
 * shown in the browser rather than saved). */
const char *api_disposition(http_req *req, const char *name, bool inline_view);
/* A path parameter {id} as a positive integer, or ERR_NOTFOUND. */
int api_param_id(int64_t *out, http_req *req, int index);

/* Handlers, one file per resource. */
int api_health_get(http_req *req);
/* dashboard.c: live roll-ups, the overview, indicator pages, scorecards */
int api_rollup_get(http_req *req);
/* reports.c: review reports as background jobs */
int api_reports_create(http_req *req);
int api_reports_list(http_req *req);
int api_reports_get(http_req *req);
int api_reports_file(http_req *req);
int api_reminders_list(http_req *req);
/* inbox.c: every person's inbox */
int api_inbox_list(http_req *req);
int api_inbox_read(http_req *req);
/* indices.c: composite index definitions and runs */
int api_indices_list(http_req *req);
int api_indices_create(http_req *req);
int api_indices_get(http_req *req);
int api_indices_run(http_req *req);
int api_indices_definition(http_req *req);
int api_indices_runs(http_req *req);
int api_index_run_get(http_req *req);
int api_index_run_input(http_req *req);
int api_index_run_cancel(http_req *req);
int api_index_uncertainty_create(http_req *req);
int api_index_uncertainty_list(http_req *req);
int api_index_uncertainty_get(http_req *req);
int api_indicator_rules_get(http_req *req);
int api_indicator_rules_put(http_req *req);
int api_values_check(http_req *req);
int api_validation_list(http_req *req);
int api_dashboard_overview(http_req *req);
int api_dashboard_indicator(http_req *req);
int api_dashboard_unit(http_req *req);
int api_completeness_get(http_req *req);
int api_periods_get(http_req *req);
int api_periods_resolve(http_req *req);
/* auth.c: signing in and out, password, API tokens */
int api_session_get(http_req *req);
int api_session_create(http_req *req);
int api_session_delete(http_req *req);
int api_session_password(http_req *req);
int api_tokens_list(http_req *req);
int api_tokens_create(http_req *req);
int api_tokens_delete(http_req *req);
/* audit.c */
int api_audit_list(http_req *req);
int api_audit_verify(http_req *req);
/* units.c */
int api_units_list(http_req *req);
int api_units_create(http_req *req);
int api_units_get(http_req *req);
int api_units_update(http_req *req);
int api_units_import(http_req *req);
int api_units_export(http_req *req);
/* people.c */
int api_people_list(http_req *req);
int api_people_create(http_req *req);
int api_people_get(http_req *req);
int api_people_update(http_req *req);
int api_people_grant(http_req *req);
int api_people_revoke(http_req *req);
int api_people_password(http_req *req);
/* documents.c */
int api_documents_list(http_req *req);
int api_documents_create(http_req *req);
int api_documents_get(http_req *req);
int api_documents_tree(http_req *req);
int api_documents_update(http_req *req);
/* indicators.c */
int api_indicators_list(http_req *req);
int api_indicators_create(http_req *req);
int api_indicators_get(http_req *req);
int api_indicators_targets(http_req *req);
/* The start of every change to indicator {id}'s definition (targets,
 * reporting, rules): the caller may assign work over the indicator's owner
 * unit; *body (the request's JSON, owned by the caller) is read last. */
int api_indicator_change_begin(int64_t *id, const principal **who, db_conn **db, json_t **body, http_req *req);
int api_indicators_reporting(http_req *req);
/* values.c */
int api_values_list(http_req *req);
int api_values_save(http_req *req);
int api_values_get(http_req *req);
int api_values_submit(http_req *req);
int api_values_approve(http_req *req);
int api_values_return(http_req *req);
int api_values_import(http_req *req);
int api_values_export(http_req *req);
int api_values_template(http_req *req);
int api_values_grid(http_req *req);
int api_values_submit_many(http_req *req);
int api_values_approve_many(http_req *req);
/* dhis2.c: dataValueSets as DHIS2 clients use it */
int api_dhis2_import(http_req *req);
int api_dhis2_export(http_req *req);
/* openapi.c: the API's OpenAPI 3.1 description */
int api_openapi_get(http_req *req);
/* approvals.c: the review queue and its count */
int api_approvals_list(http_req *req);
int api_approvals_count(http_req *req);
/* attachments.c */
int api_attachments_upload(http_req *req);
int api_attachments_get(http_req *req);
/* tasks.c */
int api_tasks_list(http_req *req);
int api_tasks_create(http_req *req);
int api_tasks_get(http_req *req);
int api_tasks_report(http_req *req);
int api_tasks_approve(http_req *req);
int api_tasks_return(http_req *req);
int api_tasks_comment(http_req *req);
int api_tasks_extension(http_req *req);
int api_tasks_extension_approve(http_req *req);
int api_tasks_extension_refuse(http_req *req);

#endif
