/* api/ecosystem/registry: the sectors of the registry, and the records
 * behind a figure computed from it (added to api.c's table by
 * API_REGISTRY_ROUTES). */
#ifndef NQ57_API_REGISTRY_H
#define NQ57_API_REGISTRY_H

#include "api/api.h"

int api_sectors_list(http_req *req);
int api_sectors_save(http_req *req);
int api_indicator_registry_records(http_req *req);

#define API_REGISTRY_ROUTES \
	{ "GET", "/api/v1/sectors", api_sectors_list, 0 }, \
	{ "POST", "/api/v1/sectors", api_sectors_save, 0 }, \
	{ "GET", "/api/v1/indicators/{id}/registry", api_indicator_registry_records, 0 },

#endif
