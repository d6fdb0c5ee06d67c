/* maps: /api/v1/map/units — a unit's children with their boundaries as a
 * GeoJSON FeatureCollection, public for public units, answered from each
 * server's memory with an ETag (and gzip-compressed when the client takes
 * it); POST /api/v1/units/boundaries — loading a GeoJSON file of
 * boundaries matched by unit code, as `nq57 unit boundaries` does;
 * GET /api/v1/map/organisations — the organisations of a unit's subtree
 * with their coordinates, the points of a map. */
#include "api/stmap/maps.h"
#include "domain/ecosystem/organisation.h"
#include "domain/stmap/boundaries.h"
#include "domain/stmap/map_points.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Whether the client takes gzip (and has not refused it with q=0). */
static bool accepts_gzip(http_req *req)
{
	const char *ae = http_req_header(req, "Accept-Encoding"), *g = ae ? strstr(ae, "gzip") : NULL;
	if (!g)
		return false;
	g += 4;
	while (*g == ' ')
		g++;
	if (strncmp(g, ";q=0", 4) != 0 && strncmp(g, "; q=0", 5) != 0)
		return true;
	g = strchr(g, '=') + 1;
	return strtod(g, NULL) > 0;
}

int api_map_units(http_req *req)
{
	const principal *who;
	int64_t parent;
	db_conn *db;
	boundaries_map m;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_query_int64(&parent, req, "parent", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_db(&db, req)) < 0)
		return rc;
	bool gzip = accepts_gzip(req);
	if ((rc = boundaries_map_get(&m, db, parent, who->person_id == 0, gzip)) < 0)
		return rc;
	const char *etag = arena_strdup(&req->a, m.etag), *inm = http_req_header(req, "If-None-Match");
	http_req_add_header(req, "ETag", etag ? etag : "");
	http_req_add_header(req, "Cache-Control", "private, no-cache");
	http_req_add_header(req, "Vary", "Accept-Encoding, Cookie, Authorization");
	if (inm && etag && strcmp(inm, etag) == 0) {
		boundaries_map_release(&m);
		return http_respond(req, 304, "application/json", "", 0);
	}
	if (m.gzipped)
		http_req_add_header(req, "Content-Encoding", "gzip");
	rc = http_respond(req, 200, "application/json", m.body, m.len);
	boundaries_map_release(&m);
	return rc;
}

int api_units_boundaries(http_req *req)
{
	const principal *who;
	const char *dry = http_req_query(req, "dry_run"), *source = http_req_query(req, "source");
	bool dry_run = dry && (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0);
	boundaries_result r;
	db_conn *db;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0 ||
	    (rc = api_db(&db, req)) < 0)
		return rc;
	if (!source || !*source)
		source = "upload";
	rc = boundaries_load(&r, db, who, req->body.ptr ? req->body.ptr : "", req->body.len, source, dry_run);
	if (rc == ERR_INVALID && json_array_size(r.problems)) {
		json_t *problems = json_incref(r.problems);
		boundaries_result_free(&r);
		return api_respond_error(req, rc, problems);
	}
	if (rc < 0) {
		boundaries_result_free(&r);
		return rc;
	}
	json_t *out = json_pack("{s:i, s:i, s:i, s:b, s:O}", "total", r.total, "matched", r.matched, "unmatched",
		r.unmatched, "dry_run", dry_run, "unmatched_features", r.unmatched_list);
	boundaries_result_free(&r);
	return api_respond_json(req, 200, out);
}

int api_map_organisations(http_req *req)
{
	const principal *who;
	const char *kind = http_req_query(req, "kind");
	int64_t unit;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_principal(&who, req)) < 0 || (rc = api_query_int64(&unit, req, "unit", 0, 1, INT64_MAX)) < 0)
		return rc;
	if (!unit)
		return err_set(ERR_INVALID, "'%s' is required", "unit");
	if (kind && !*kind)
		kind = NULL;
	bool known = !kind;
	for (int i = 0; kind && organisation_kinds[i]; i++)
		known = known || strcmp(organisation_kinds[i], kind) == 0;
	if (!known)
		return err_set(ERR_INVALID, "'%s' is not a kind of organisation", kind);
	if ((rc = api_db(&db, req)) < 0 || (rc = map_points_list(&out, db, unit, kind, who->person_id == 0)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
