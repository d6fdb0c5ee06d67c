/* listings: /api/v1/market/listings and what hangs on them. Published
 * listings are read without signing in (never their contacts); drafts
 * only by their owners and the market operator; who may change what is
 * decided in domain/market/listing.c and engagement.c. */
#include "api/market/listings.h"
#include "domain/market/engagement.h"
#include "domain/market/expert_record.h"
#include "domain/market/listing.h"
#include "domain/programme/attachment.h"
#include "util/err.h"
#include "util/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *query_or_null(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && *v ? v : NULL;
}

static bool flag(http_req *req, const char *name)
{
	const char *v = http_req_query(req, name);
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* The start of most handlers: who, the database, the listing's id. */
static int begin(const principal **who, db_conn **db, int64_t *id, http_req *req)
{
	int rc;
	if ((rc = api_principal(who, req)) < 0 || (rc = api_db(db, req)) < 0)
		return rc;
	return id ? api_param_id(id, req, 0) : 0;
}

static int respond_listing(http_req *req, db_conn *db, const principal *who, int64_t id, int status)
{
	json_t *out;
	int rc = listing_get(&out, db, who, id, false);
	return rc < 0 ? rc : api_respond_json(req, status, out);
}

int api_listings_list(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int64_t trl, org;
	listing_filter f = { .kind = query_or_null(req, "kind"), .status = query_or_null(req, "status"),
		.sector = query_or_null(req, "sector"), .mine = flag(req, "mine") };
	int rc;
	if ((rc = begin(&who, &db, NULL, req)) < 0 || (rc = api_query_int64(&f.limit, req, "limit", 50, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&f.offset, req, "offset", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&trl, req, "trl", 0, 1, 9)) < 0 ||
	    (rc = api_query_int64(&org, req, "organisation_id", 0, 1, INT64_MAX)) < 0)
		return rc;
	f.trl = (int)trl;
	f.organisation_id = org;
	if ((rc = listing_list(&out, db, who, &f)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_listings_create(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body;
	int64_t id;
	int rc;
	if ((rc = begin(&who, &db, NULL, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to create a listing");
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = listing_create(&id, db, who, body);
	json_decref(body);
	return rc < 0 ? rc : respond_listing(req, db, who, id, 201);
}

int api_listings_get(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int64_t id;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0 || (rc = listing_get(&out, db, who, id, true)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_listings_update(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *body;
	int64_t id;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to change a listing");
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = listing_update(db, who, id, body);
	json_decref(body);
	return rc < 0 ? rc : respond_listing(req, db, who, id, 200);
}

/* A change of state that takes no body: submit, publish, withdraw. */
static int transition(http_req *req, int (*change)(db_conn *, const principal *, int64_t))
{
	const principal *who;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0 || (rc = change(db, who, id)) < 0)
		return rc;
	return respond_listing(req, db, who, id, 200);
}

int api_listings_submit(http_req *req)
{
	return transition(req, listing_submit);
}

int api_listings_publish(http_req *req)
{
	return transition(req, listing_publish);
}

/* {reason} */
int api_listings_return(http_req *req)
{
	const principal *who;
	const char *reason = NULL;
	db_conn *db;
	json_t *body = NULL;
	int64_t id;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to change a listing");
	if ((rc = api_body_object(&body, req)) == 0 && (rc = json_get_string(&reason, body, "reason", 0)) == 0)
		rc = listing_return(db, who, id, reason);
	json_decref(body);
	return rc < 0 ? rc : respond_listing(req, db, who, id, 200);
}

int api_listings_withdraw(http_req *req)
{
	return transition(req, listing_withdraw);
}

/* The file is the body; ?name=FILE&role=file|image. */
int api_listings_file_add(http_req *req)
{
	const api_app *app = req->app;
	const principal *who;
	const char *name = http_req_query(req, "name");
	db_conn *db;
	json_t *out;
	int64_t id;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to change a listing");
	if ((rc = listing_file_add(&out, db, who, app->data_dir, id, query_or_null(req, "role"), name,
		     req->body.ptr ? req->body.ptr : "", req->body.len)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

/* A file of a listing its reader may see (listing_get decides). */
int api_listings_file_get(http_req *req)
{
	const api_app *app = req->app;
	const principal *who;
	attachment_file f;
	db_conn *db;
	json_t *seen;
	int64_t id, file_id;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0 || (rc = api_param_id(&file_id, req, 1)) < 0 ||
	    (rc = listing_get(&seen, db, who, id, false)) < 0)
		return rc;
	json_decref(seen);
	if ((rc = listing_file_check(db, id, file_id)) < 0 || (rc = attachment_find(&f, db, &req->a, app->data_dir, file_id)) < 0)
		return rc;
	int fd = open(f.path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return err_set(ERR_GENERIC, "the stored file of attachment %lld is missing: %s", (long long)file_id, strerror(errno));
	}
	bool image = strcmp(f.type, "image/png") == 0 || strcmp(f.type, "image/jpeg") == 0;
	bool show = image || (flag(req, "inline") && strcmp(f.type, "application/pdf") == 0);
	http_req_add_header(req, "Content-Disposition", api_disposition(req, f.name, show));
	if (show)
		http_req_add_header(req, "Content-Security-Policy", "default-src 'none'; img-src 'self'; frame-ancestors 'self'");
	http_req_add_header(req, "Cache-Control", "private, no-store");
	return http_respond_fd(req, 200, f.type, fd, (uint64_t)st.st_size);
}

int api_listings_record(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int64_t id;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0 || (rc = expert_record_get(&out, db, who, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_listings_panel(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int64_t id;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0 || (rc = engagement_panel(&out, db, who, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* Runs a write that takes a JSON body and answers {id} with 201. */
static int body_write(http_req *req, int (*fn)(int64_t *, db_conn *, const principal *, int64_t, const json_t *))
{
	const principal *who;
	db_conn *db;
	json_t *body;
	int64_t id, new_id;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to take part in the market");
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	rc = fn(&new_id, db, who, id, body);
	json_decref(body);
	return rc < 0 ? rc : api_respond_json(req, 201, json_pack("{s:I, s:I}", "id", (json_int_t)new_id, "listing_id", (json_int_t)id));
}

int api_listings_engage(http_req *req)
{
	return body_write(req, engagement_create);
}

int api_listings_feedback(http_req *req)
{
	return body_write(req, feedback_create);
}

int api_listings_deal(http_req *req)
{
	return body_write(req, deal_create);
}

/* {status: read | accepted | declined} */
int api_listings_answer(http_req *req)
{
	const principal *who;
	const char *status = NULL;
	db_conn *db;
	json_t *body = NULL, *out;
	int64_t id, eid;
	int rc;
	if ((rc = begin(&who, &db, &id, req)) < 0 || (rc = api_param_id(&eid, req, 1)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to see what a listing received");
	if ((rc = api_body_object(&body, req)) == 0 && (rc = json_get_string(&status, body, "status", 1)) == 0)
		rc = engagement_answer(db, who, id, eid, status);
	json_decref(body);
	if (rc < 0 || (rc = engagement_panel(&out, db, who, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_market_engagements_mine(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = begin(&who, &db, NULL, req)) < 0 || (rc = engagement_mine(&out, db, who)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_market_stats(http_req *req)
{
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (api_wants_sheet(req)) {
		/* several tables: a workbook of its own rather than api/sheet.c's one list */
		char *data;
		size_t len;
		bool en = api_wants_english(req);
		if ((rc = market_stats_xlsx(&data, &len, db, en)) < 0)
			return rc;
		http_req_add_header(req, "Content-Disposition",
			api_disposition(req, en ? "market-statistics.xlsx" : "thong-ke-cho-cong-nghe.xlsx", false));
		http_req_add_header(req, "Cache-Control", "no-store");
		rc = http_respond(req, 200, API_XLSX_TYPE, data, len);
		free(data);
		return rc;
	}
	if ((rc = market_stats(&out, db)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* ?format=xlsx for a workbook, CSV otherwise: the operator's. */
int api_listings_export(http_req *req)
{
	const char *format = http_req_query(req, "format");
	bool xlsx = format && strcmp(format, "xlsx") == 0;
	db_conn *db;
	char *data;
	size_t len;
	int rc;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = listing_export(&data, &len, db, xlsx)) < 0)
		return rc;
	http_req_add_header(req, "Content-Disposition", api_disposition(req, xlsx ? "cho-cong-nghe.xlsx" : "cho-cong-nghe.csv", false));
	http_req_add_header(req, "Cache-Control", "no-store");
	rc = http_respond(req, 200, xlsx ? API_XLSX_TYPE : "text/csv; charset=utf-8", data, len);
	free(data);
	return rc;
}

/* CSV or an .xlsx workbook; ?dry_run=1 saves nothing and says what each
 * row would do. */
int api_listings_import(http_req *req)
{
	const principal *who;
	listing_import_result r;
	bool dry_run = flag(req, "dry_run");
	db_conn *db;
	int rc;
	if ((rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 || (rc = begin(&who, &db, NULL, req)) < 0 ||
	    (rc = api_body_table(req)) < 0)
		return rc;
	rc = listing_import(&r, db, who, req->body.ptr ? req->body.ptr : "", req->body.len, dry_run);
	if (rc == ERR_INVALID && json_array_size(r.problems)) {
		json_decref(r.rows);
		return api_respond_error(req, rc, r.problems);
	}
	json_decref(r.problems);
	if (rc < 0) {
		json_decref(r.rows);
		return rc;
	}
	return api_respond_json(req, 200, json_pack("{s:i, s:i, s:i, s:i, s:b, s:o}", "created", r.created, "updated",
		r.updated, "unchanged", r.unchanged, "total", r.total, "dry_run", dry_run, "rows", r.rows));
}
