/* api/stmap/maps: the units' boundaries for the maps — a unit's children as
 * GeoJSON, and loading boundaries; routes added to api.c's table by
 * API_MAPS_ROUTES. The organisations a map draws as points are read here
 * too. */
#ifndef NQ57_API_STMAP_MAPS_H
#define NQ57_API_STMAP_MAPS_H

#include "api/api.h"

int api_map_units(http_req *req);
int api_units_boundaries(http_req *req);
int api_map_organisations(http_req *req);

#define API_MAPS_ROUTES \
	{ "GET", "/api/v1/map/units", api_map_units, 0 }, \
	{ "GET", "/api/v1/map/organisations", api_map_organisations, 0 }, \
	{ "POST", "/api/v1/units/boundaries", api_units_boundaries, ROUTE_HEAVY },

#endif
