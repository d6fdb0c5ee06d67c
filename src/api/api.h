/* api: JSON over HTTP. The route table lives in api.c; each resource has
 * its own file of handlers. This is the only place that maps ERR_* codes
 * to HTTP statuses and writes the one error shape:
 *   {"error": {"code": "invalid", "message": "...", "details": [...]}} */
#ifndef NQ57_API_H
#define NQ57_API_H

#include <jansson.h>
#include <time.h>

#include "db/db.h"
#include "http/server.h"

/* Read-only state shared by all requests (req->app). */
typedef struct api_app {
	const char *version;
	db_kind db_kind;
	int schema_version;
	struct timespec started;   /* CLOCK_MONOTONIC */
} api_app;

/* The server's dispatcher for /api/ paths. */
int api_dispatch(http_req *req);

/* The HTTP status for an ERR_* code. */
int api_status_for(int code);
/* Answers with the error shape for code and err_msg(); details may be NULL
 * and is stolen. */
int api_respond_error(http_req *req, int code, json_t *details);
/* Answers with v serialised (v is stolen). */
int api_respond_json(http_req *req, int status, json_t *v);
/* Answers with an already serialised JSON text. */
int api_respond_raw(http_req *req, int status, const char *json, size_t len);

/* Parses the request body as a JSON object. ERR_MALFORMED for bad JSON,
 * ERR_INVALID for a non-object or a wrong Content-Type. *out is owned by
 * the caller. */
int api_body_object(json_t **out, http_req *req);

/* Handlers, one file per resource. */
int api_health_get(http_req *req);
int api_periods_get(http_req *req);
int api_periods_resolve(http_req *req);

#endif
