/* networks: /api/v1/networks, /api/v1/resources and /api/v1/bookings —
 * networks of innovation centres, their members and shared resources
 * (public to read), requests from the public form, the providers'
 * decisions and usage, calendars and the monthly usage report. */
#include "api/ecosystem/networks.h"
#include "domain/ecosystem/booking.h"
#include "domain/ecosystem/network.h"
#include "domain/people/password.h"
#include "util/err.h"
#include "util/json.h"
#include "util/table.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The request's principal, its database, and whether it writes the registry. */
static int begin(const principal **who, db_conn **db, http_req *req)
{
	int rc;
	if ((rc = api_principal(who, req)) < 0 || (rc = api_db(db, req)) < 0)
		return rc;
	return 0;
}

static int signed_in(http_req *req, const principal **who)
{
	int rc = api_principal(who, req);
	if (rc < 0)
		return rc;
	if (!(*who)->person_id && !(*who)->cli)
		return err_set(ERR_UNAUTHORIZED, "sign in first");
	return 0;
}

/* A body that may be empty (an approval needs nothing). */
static int body_or_empty(json_t **out, http_req *req)
{
	if (!req->body.len) {
		*out = json_object();
		return 0;
	}
	return api_body_object(out, req);
}

/* ------------------------------------------------------------- networks */

int api_networks_list(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = begin(&who, &db, req)) < 0 || (rc = network_list(&out, db, authz_registry_writer(who))) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_networks_get(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = begin(&who, &db, req)) < 0 ||
	    (rc = network_get(&out, db, api_param_text(req, 0), authz_registry_writer(who), true)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_networks_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id;
	int rc;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = begin(&who, &db, req)) < 0 ||
	    (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = network_create(&id, db, who, body);
	const char *code = json_string_value(json_object_get(body, "code"));
	if (rc == 0)
		rc = network_get(&out, db, code, true, true);
	json_decref(body);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

int api_networks_update(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	const char *code = api_param_text(req, 0);
	int rc;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = begin(&who, &db, req)) < 0 ||
	    (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = network_update(db, who, code, body);
	json_decref(body);
	if (rc < 0 || (rc = network_get(&out, db, code, true, true)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_network_members_put(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	const char *code = api_param_text(req, 0);
	int rc;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = begin(&who, &db, req)) < 0 ||
	    (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = network_member_put(db, who, code, body);
	json_decref(body);
	if (rc < 0 || (rc = network_get(&out, db, code, true, true)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

int api_network_members_remove(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	const char *code = api_param_text(req, 0);
	int64_t org;
	int rc;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = api_param_id(&org, req, 1)) < 0 ||
	    (rc = begin(&who, &db, req)) < 0 || (rc = network_member_remove(db, who, code, org)) < 0 ||
	    (rc = network_get(&out, db, code, true, true)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* The monthly usage report: figures without names of people, for whoever
 * is signed in; ?format=xlsx gives the members' rows as a workbook. */
int api_network_usage(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(req, &who)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = booking_usage_report(&out, db, api_param_text(req, 0), http_req_query(req, "month"),
		     authz_registry_writer(who))) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* ------------------------------------------------------------ resources */

static int read_filter(resource_filter *f, http_req *req, const principal *who)
{
	int rc;
	memset(f, 0, sizeof(*f));
	const char *net = http_req_query(req, "network"), *kind = http_req_query(req, "kind"), *q = http_req_query(req, "q");
	f->network = net && *net ? net : NULL;
	f->kind = kind && *kind ? kind : NULL;
	f->q = q && *q ? q : NULL;
	if ((rc = api_query_int64(&f->organisation_id, req, "organisation", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f->limit, req, "limit", 100, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&f->offset, req, "offset", 0, 0, INT64_MAX)) < 0)
		return rc;
	f->see_private = authz_registry_writer(who);
	/* the provider sees its inactive resources too */
	f->see_inactive = f->see_private || (f->organisation_id && authz_edits_organisation(who, f->organisation_id));
	return 0;
}

int api_resources_list(http_req *req)
{
	const principal *who;
	resource_filter f;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = begin(&who, &db, req)) < 0 || (rc = read_filter(&f, req, who)) < 0 || (rc = resource_list(&out, db, &f)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* Whether who provides resource id (edits its organisation). */
static int provides(bool *out, db_conn *db, const principal *who, int64_t id)
{
	int64_t org = 0;
	int rc = resource_owner(&org, db, id);
	*out = rc == 0 && authz_edits_organisation(who, org);
	return rc;
}

int api_resources_get(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int64_t id;
	bool provider;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = begin(&who, &db, req)) < 0 || (rc = provides(&provider, db, who, id)) < 0 ||
	    (rc = resource_get(&out, db, id, provider)) < 0)
		return rc;
	json_object_set_new(out, "can_manage", json_boolean(provider));
	return api_respond_json(req, 200, out);
}

int api_resources_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id;
	int rc;
	if ((rc = signed_in(req, &who)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = resource_create(&id, db, who, body);
	json_decref(body);
	if (rc < 0 || (rc = resource_get(&out, db, id, true)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

int api_resources_update(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = signed_in(req, &who)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = resource_update(db, who, id, body);
	json_decref(body);
	if (rc < 0 || (rc = resource_get(&out, db, id, true)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_resources_export(http_req *req)
{
	const principal *who;
	resource_filter f;
	db_conn *db;
	char *csv;
	size_t len;
	int rc;
	if ((rc = begin(&who, &db, req)) < 0 || (rc = read_filter(&f, req, who)) < 0 ||
	    (rc = resource_export(&csv, &len, db, &f)) < 0)
		return rc;
	http_req_add_header(req, "Content-Disposition", "attachment; filename=\"resources.csv\"");
	http_req_add_header(req, "Cache-Control", "no-store");
	rc = http_respond(req, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
	return rc;
}

int api_resources_import(http_req *req)
{
	const principal *who;
	const char *dry = http_req_query(req, "dry_run");
	db_conn *db;
	int rc;
	if ((rc = signed_in(req, &who)) < 0)
		return rc;
	if (!authz_registry_writer(who) && who->n_orgs == 0)
		return err_set(ERR_FORBIDDEN, "only the registry's writers and organisation editors import resources");
	if ((rc = api_body_table(req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	bool dry_run = dry && (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0);
	resource_import_result r;
	rc = resource_import(&r, db, who, req->body.ptr ? req->body.ptr : "", req->body.len, dry_run);
	if (rc == ERR_INVALID && json_array_size(r.bad))
		return api_respond_error(req, rc, r.bad);
	json_decref(r.bad);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 200, json_pack("{s:i, s:i, s:i, s:b}", "created", r.created, "updated", r.updated,
		"total", r.total, "dry_run", dry_run));
}

int api_resources_calendar(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int64_t id;
	bool provider;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = begin(&who, &db, req)) < 0 || (rc = provides(&provider, db, who, id)) < 0 ||
	    (rc = booking_calendar(&out, db, id, http_req_query(req, "from"), http_req_query(req, "to"), provider)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* The route takes anonymous requests without a CSRF token; a request the
 * session cookie signs in must still carry the session's token. */
static int check_cookie_csrf(http_req *req)
{
	if (!api_session_token(req))
		return 0;
	const char *sent = http_req_header(req, API_CSRF_HEADER), *csrf = api_session_csrf(req);
	if (!sent || !csrf || !secret_equal(sent, csrf))
		return err_set(ERR_FORBIDDEN, "the %s header is missing or does not match this session", API_CSRF_HEADER);
	return 0;
}

int api_resources_book(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id, booking;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = begin(&who, &db, req)) < 0 || (rc = check_cookie_csrf(req)) < 0 ||
	    (rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = booking_request(&booking, db, who, id, body);
	json_decref(body);
	if (rc < 0 || (rc = booking_get(&out, db, booking)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

/* ------------------------------------------------------------- bookings */

int api_bookings_list(http_req *req)
{
	const principal *who;
	booking_filter f = { 0 };
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(req, &who)) < 0)
		return rc;
	if (!authz_registry_writer(who) && who->n_orgs == 0)
		return err_set(ERR_FORBIDDEN, "only the providers of resources see their requests");
	const char *status = http_req_query(req, "status"), *net = http_req_query(req, "network");
	f.status = status && *status ? status : NULL;
	f.network = net && *net ? net : NULL;
	if ((rc = api_query_int64(&f.resource_id, req, "resource", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&f.limit, req, "limit", 100, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&f.offset, req, "offset", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = booking_list(&out, db, who, &f)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

static int decide(http_req *req, booking_decision d)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	const char *reason = NULL;
	int64_t id;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = signed_in(req, &who)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = body_or_empty(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&reason, body, "reason", 0)) == 0)
		rc = booking_decide(db, who, id, d, reason);
	json_decref(body);
	if (rc < 0 || (rc = booking_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_bookings_approve(http_req *req) { return decide(req, BOOKING_APPROVE); }
int api_bookings_refuse(http_req *req) { return decide(req, BOOKING_REFUSE); }
int api_bookings_cancel(http_req *req) { return decide(req, BOOKING_CANCEL); }

int api_bookings_usage(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body, *out;
	int64_t id;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = signed_in(req, &who)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = body_or_empty(&body, req)) < 0)
		return rc;
	rc = booking_record_usage(db, who, id, body);
	json_decref(body);
	if (rc < 0 || (rc = booking_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
