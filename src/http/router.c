/* router: segment-by-segment matching of the route table. */
#include "http/router.h"
#include "util/err.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Matches path against pattern, capturing {name} segments into params. */
static bool pattern_match(const char *pattern, const char *path, strv *params, int *n_params)
{
	int n = 0;
	const char *p = pattern, *q = path;
	while (*p && *q) {
		if (*p != '/' || *q != '/')
			return false;
		p++, q++;
		size_t plen = strcspn(p, "/"), qlen = strcspn(q, "/");
		if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (qlen == 0 || n >= HTTP_MAX_PARAMS)
				return false;
			params[n++] = (strv){ q, qlen };
		} else if (plen != qlen || memcmp(p, q, plen) != 0) {
			return false;
		}
		p += plen, q += qlen;
	}
	if (*p || *q)
		return false;
	*n_params = n;
	return true;
}

static void allow_add(char *allow, size_t size, const char *method)
{
	if (strstr(allow, method))
		return;
	size_t len = strlen(allow);
	snprintf(allow + len, size - len, "%s%s", len ? ", " : "", method);
}

/* Among the patterns that match a path, the ones with the fewest {name}
 * segments own it: GET /periods/resolve is the literal route's path (405
 * if only POST is routed there), not a {code} of GET /periods/{code}. */
int http_route_match(const http_route **out, const http_route *table, size_t n_routes,
	http_req *req, char *allow, size_t allow_size)
{
	strv params[HTTP_MAX_PARAMS];
	int n_params = 0, fewest = HTTP_MAX_PARAMS + 1;
	const http_route *best = NULL;
	allow[0] = '\0';
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	for (size_t i = 0; i < n_routes; i++)
		if (pattern_match(table[i].pattern, req->path, params, &n_params) && n_params < fewest)
			fewest = n_params;
	*out = NULL;
	if (fewest > HTTP_MAX_PARAMS)
		return err_set(ERR_NOTFOUND, "no such resource: %s", req->path);
	for (size_t i = 0; i < n_routes; i++) {
		if (!pattern_match(table[i].pattern, req->path, params, &n_params) || n_params != fewest)
			continue;
		allow_add(allow, allow_size, table[i].method);
		if (!best && strcmp(table[i].method, method) == 0) {
			best = &table[i];
			memcpy(req->params, params, sizeof(params[0]) * (size_t)n_params);
			req->n_params = n_params;
		}
	}
	if (best) {
		*out = best;
		return 0;
	}
	return err_set(ERR_METHOD, "method %s is not allowed on %s (allowed: %s)", req->method, req->path, allow);
}

http_lane http_route_lane(const http_route *route)
{
	if (route->flags & ROUTE_INLINE)
		return HTTP_LANE_INLINE;
	return route->flags & ROUTE_HEAVY ? HTTP_LANE_HEAVY : HTTP_LANE_QUICK;
}
