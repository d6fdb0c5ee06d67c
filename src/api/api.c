/* api: route table, dispatch, error mapping, JSON in and out. */
#include "api/api.h"
#include "http/router.h"
#include "util/err.h"
#include "util/json.h"
#include "util/log.h"

#include <string.h>
#include <strings.h>

static const http_route routes[] = {
	{ "GET", "/api/v1/health", api_health_get },
	{ "GET", "/api/v1/periods/{code}", api_periods_get },
	{ "POST", "/api/v1/periods/resolve", api_periods_resolve },
};

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
	case ERR_UNAVAILABLE: return 503;
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
		 * internals. */
		log_error("%s %s: %s", req->method, req->path, msg[0] ? msg : "unknown error");
		if (status == 500)
			msg = "internal error; the request id identifies it in the server log";
	}
	json_t *err = json_pack("{s:s, s:s}", "code", err_name(code), "message", msg[0] ? msg : err_name(code));
	if (!err)
		return err_set(ERR_NOMEM, "out of memory");
	json_object_set_new(err, "details", details ? details : json_array());
	json_object_set_new(err, "request_id", json_string(req->id));
	return api_respond_json(req, status, json_pack("{s:o}", "error", err));
}

int api_body_object(json_t **out, http_req *req)
{
	const char *ct = http_req_header(req, "Content-Type");
	*out = NULL;
	if (ct && strncasecmp(ct, "application/json", 16) != 0)
		return err_set(ERR_INVALID, "Content-Type must be application/json, not '%.60s'", ct);
	json_t *v;
	int rc = json_parse(&v, req->body.ptr ? req->body.ptr : "", req->body.len);
	if (rc < 0)
		return rc;
	if ((rc = json_require_object(v, "the request body")) < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return 0;
}

int api_dispatch(http_req *req)
{
	const http_route *route;
	char allow[64];
	int rc;
	if (req->too_large) {
		err_set(ERR_TOOLARGE, "the request body is larger than the limit of %zu bytes", req->max_body);
		rc = ERR_TOOLARGE;
	} else {
		err_clear();
		rc = http_route_match(&route, routes, sizeof(routes) / sizeof(routes[0]), req, allow, sizeof(allow));
		if (rc == ERR_METHOD)
			http_req_add_header(req, "Allow", arena_strdup(&req->a, allow));
		else if (rc == 0)
			rc = route->handler(req);
	}
	if (rc < 0 && req->status == 0)
		return api_respond_error(req, rc, NULL);
	return rc;
}
