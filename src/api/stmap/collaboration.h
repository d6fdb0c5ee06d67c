/* api/stmap/collaboration: the collaboration networks of the S&T map,
 * the routes added to api.c's table by API_COLLABORATION_ROUTES. */
#ifndef NQ57_API_STMAP_COLLABORATION_H
#define NQ57_API_STMAP_COLLABORATION_H

#include "api/api.h"

int api_collaboration_get(http_req *req);
int api_collaboration_vosviewer(http_req *req);
int api_collaboration_import(http_req *req);

#define API_COLLABORATION_ROUTES \
	{ "GET", "/api/v1/collaboration", api_collaboration_get, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/collaboration/vosviewer", api_collaboration_vosviewer, ROUTE_HEAVY }, \
	{ "POST", "/api/v1/collaboration/import", api_collaboration_import, ROUTE_HEAVY },

#endif
