/* auth: signing in and out (/api/v1/session), changing one's password and
 * one's API tokens (/api/v1/tokens). */
#include "api/api.h"
#include "domain/people/session.h"
#include "util/err.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

static int signed_in(const principal **who, http_req *req)
{
	int rc = api_principal(who, req);
	if (rc < 0)
		return rc;
	if (!(*who)->person_id)
		return err_set(ERR_UNAUTHORIZED, "not signed in");
	return 0;
}

static void set_cookie(http_req *req, const char *value, long max_age)
{
	const char *cookie = arena_sprintf(&req->a, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
		API_SESSION_COOKIE, value, max_age, http_req_secure(req) ? "; Secure" : "");
	if (cookie)
		http_req_add_header(req, "Set-Cookie", cookie);
}

/* {"person", "grants", "csrf_token"} */
static int respond_session(http_req *req, db_conn *db, const principal *who, const char *csrf)
{
	json_t *body;
	int rc = principal_json(&body, db, who);
	if (rc < 0)
		return rc;
	json_object_set_new(body, "csrf_token", csrf ? json_string(csrf) : json_null());
	return api_respond_json(req, 200, body);
}

int api_session_get(http_req *req)
{
	const principal *who;
	db_conn *db;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	return respond_session(req, db, who, api_session_csrf(req));
}

int api_session_create(http_req *req)
{
	json_t *body;
	const char *login, *password;
	db_conn *db;
	int rc;
	if ((rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&login, body, "login", 1)) < 0 ||
	    (rc = json_get_string(&password, body, "password", 1)) < 0 || (rc = api_db(&db, req)) < 0) {
		json_decref(body);
		return rc;
	}
	signin_result r;
	rc = session_signin(&r, db, login, password, http_req_address(req));
	json_decref(body);
	if (rc == ERR_TOOMANY) {
		http_req_add_header(req, "Retry-After", arena_sprintf(&req->a, "%ld", r.retry_after));
		return rc;
	}
	if (rc < 0)
		return rc;
	principal who;
	if ((rc = principal_load(&who, db, &req->a, r.person_id)) < 0)
		return rc;
	set_cookie(req, r.token, SESSION_TTL_SECONDS);
	return respond_session(req, db, &who, r.csrf);
}

int api_session_delete(http_req *req)
{
	const principal *who;
	db_conn *db;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	const char *token = api_session_token(req);
	if (token && (rc = session_signout(db, who, token)) < 0)
		return rc;
	set_cookie(req, "", 0);
	return api_respond_raw(req, 200, "{\"signed_out\":true}", 19);
}

int api_session_password(http_req *req)
{
	const principal *who;
	json_t *body = NULL;
	const char *current, *next;
	db_conn *db;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&current, body, "current_password", 1)) == 0 &&
	    (rc = json_get_string(&next, body, "new_password", 1)) == 0 && (rc = api_db(&db, req)) == 0)
		rc = session_change_password(db, who, current, next, api_session_token(req));
	json_decref(body);
	if (rc < 0)
		return rc;
	return api_respond_raw(req, 200, "{\"password_changed\":true}", 25);
}

int api_tokens_list(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = token_list(&out, db, who)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_tokens_create(http_req *req)
{
	const principal *who;
	json_t *body = NULL, *out = NULL;
	const char *name;
	long long days = 0;
	int present;
	db_conn *db;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&name, body, "name", 1)) == 0 &&
	    (rc = json_get_int(&days, &present, body, "expires_in_days", 0)) == 0 && (rc = api_db(&db, req)) == 0) {
		if (days < 0 || days > 3660)
			rc = err_set(ERR_INVALID, "expires_in_days must be from 0 (never) to 3660");
		else
			rc = token_create(&out, db, who, name, (int)days);
	}
	json_decref(body);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

int api_tokens_delete(http_req *req)
{
	const principal *who;
	int64_t id;
	db_conn *db;
	int rc;
	if ((rc = signed_in(&who, req)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = token_revoke(db, who, id)) < 0)
		return rc;
	return api_respond_raw(req, 200, "{\"revoked\":true}", 16);
}
