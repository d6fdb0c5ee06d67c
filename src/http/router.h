/* router: matches a method and path against an explicit route table.
 * Patterns are literal segments and "{name}" segments, which capture one
 * non-empty segment into req->params in order. */
#ifndef NQ57_HTTP_ROUTER_H
#define NQ57_HTTP_ROUTER_H

#include <stddef.h>

#include "http/server.h"

typedef int (*http_handler)(http_req *req);

enum {
	ROUTE_NO_CSRF = 1,   /* a write that needs no CSRF token (signing in) */
	ROUTE_INLINE = 2,    /* answered at once without the database: on the network thread */
	ROUTE_HEAVY = 4,     /* may take long (dashboards, exports, imports): the heavy pool */
};

typedef struct http_route {
	const char *method;
	const char *pattern;
	http_handler handler;
	unsigned flags;
} http_route;

/* Finds the route for req->method and req->path. Returns 0 with *out set,
 * ERR_NOTFOUND if no pattern matches the path, or ERR_METHOD if patterns
 * match only with other methods; then allow lists them ("GET, POST"). */
int http_route_match(const http_route **out, const http_route *table, size_t n_routes,
	http_req *req, char *allow, size_t allow_size);

/* The lane a route's handler runs on (server.h), from its flags. */
http_lane http_route_lane(const http_route *route);

#endif
