/* api/stmap/indicators: the bibliometric indicators of the S&T map —
 * GET /api/v1/stmap/indicators (a table by organisation, commune, field or
 * year) and GET /api/v1/stmap/organisations/{id}/indicators (one
 * organisation by year) — and their routes, added to api.c's table by
 * API_STMAP_INDICATORS_ROUTES. */
#ifndef NQ57_API_STMAP_INDICATORS_H
#define NQ57_API_STMAP_INDICATORS_H

#include "api/api.h"

int api_stmap_indicators(http_req *req);
int api_stmap_org_indicators(http_req *req);

#define API_STMAP_INDICATORS_ROUTES \
	{ "GET", "/api/v1/stmap/indicators", api_stmap_indicators, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/stmap/organisations/{id}/indicators", api_stmap_org_indicators, ROUTE_HEAVY },

#endif
