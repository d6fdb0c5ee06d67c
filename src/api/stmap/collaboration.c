/* api/stmap/collaboration: GET /api/v1/collaboration (the network, public:
 * anonymous readers see published organisations and agreements in force or
 * expired), GET /api/v1/collaboration/vosviewer (the same as a VOSviewer
 * map or network file) and POST /api/v1/collaboration/import (VOSviewer
 * files sent by a signed-in person, analysed and answered, not stored). */
#include "api/stmap/collaboration.h"
#include "domain/stmap/collaboration.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool anonymous(http_req *req)
{
	const principal *who;
	return api_principal(&who, req) < 0 || who->person_id == 0;
}

/* The query's kind, from, to, normalisation and resolution. */
static int read_query(collab_query *q, http_req *req)
{
	int rc, k;
	int64_t v;
	collab_query_defaults(q);
	q->public_only = anonymous(req);
	const char *kind = http_req_query(req, "kind"), *norm = http_req_query(req, "normalisation");
	const char *res = http_req_query(req, "resolution");
	if (kind && *kind) {
		if ((k = collab_kind_parse(kind)) < 0)
			return err_set(ERR_INVALID, "kind '%s' is not coauthorship, projects or agreements", kind);
		q->kind = (collab_kind)k;
	}
	if (norm && *norm) {
		if ((k = network_normalisation_parse(norm)) < 0)
			return err_set(ERR_INVALID, "normalisation '%s' is not none, association or fractionalization", norm);
		q->normalisation = (network_normalisation)k;
	}
	if (res && *res) {
		char *end;
		errno = 0;
		double r = strtod(res, &end);
		if (end == res || *end || errno || !(r >= 0 && r <= 1e6))
			return err_set(ERR_INVALID, "resolution '%s' is not a number from 0 to 1000000", res);
		q->resolution = r;
	}
	if ((rc = api_query_int64(&v, req, "from", 0, 0, 9999)) < 0)
		return rc;
	q->year_from = (int)v;
	if ((rc = api_query_int64(&v, req, "to", 0, 0, 9999)) < 0)
		return rc;
	q->year_to = (int)v;
	if (q->year_from && q->year_to && q->year_from > q->year_to)
		return err_set(ERR_INVALID, "the years from %d to %d are in the wrong order", q->year_from, q->year_to);
	return 0;
}

int api_collaboration_get(http_req *req)
{
	collab_query q;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = read_query(&q, req)) < 0 || (rc = api_db(&db, req)) < 0 || (rc = collab_network(&out, db, &q)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_collaboration_vosviewer(http_req *req)
{
	collab_query q;
	db_conn *db;
	str text = { 0 };
	int rc;
	const char *file = http_req_query(req, "file");
	bool map = !file || !*file || !strcmp(file, "map");
	if (!map && strcmp(file, "network"))
		return err_set(ERR_INVALID, "file '%s' is not map or network", file);
	if ((rc = read_query(&q, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = collab_vosviewer(map ? &text : NULL, map ? NULL : &text, db, &q)) < 0) {
		str_free(&text);
		return rc;
	}
	if (str_oom(&text)) {
		str_free(&text);
		return err_set(ERR_NOMEM, "out of memory");
	}
	char name[96];
	snprintf(name, sizeof(name), "mang-hop-tac-%s-%s.txt", collab_kind_name(q.kind), map ? "map" : "network");
	http_req_add_header(req, "Content-Disposition", api_disposition(req, name, false));
	http_req_add_header(req, "Cache-Control", "no-store");
	rc = http_respond(req, 200, "text/plain; charset=utf-8", text.ptr ? text.ptr : "", text.len);
	str_free(&text);
	return rc;
}

int api_collaboration_import(http_req *req)
{
	collab_query q;
	json_t *body, *out;
	int rc;
	if (anonymous(req))
		return err_set(ERR_UNAUTHORIZED, "sign in to draw a network from VOSviewer files");
	if ((rc = read_query(&q, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	const json_t *map = json_object_get(body, "map"), *net = json_object_get(body, "network");
	if ((map && !json_is_string(map) && !json_is_null(map)) || !json_is_string(net)) {
		json_decref(body);
		return err_set(ERR_INVALID, "'%s' is required", "network");
	}
	const char *mt = json_is_string(map) ? json_string_value(map) : "";
	rc = collab_import(&out, mt, strlen(mt), json_string_value(net), json_string_length(net), &q);
	json_decref(body);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
