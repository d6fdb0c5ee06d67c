/* api/market/matching: the market's search, the matches of a listing and
 * saved searches; handlers, and the routes they answer (added to api.c's
 * table by API_MATCHING_ROUTES). */
#ifndef NQ57_API_MARKET_MATCHING_H
#define NQ57_API_MARKET_MATCHING_H

#include "api/api.h"

int api_market_search(http_req *req);
int api_market_matches(http_req *req);
int api_saved_searches_list(http_req *req);
int api_saved_searches_create(http_req *req);
int api_saved_searches_get(http_req *req);
int api_saved_searches_delete(http_req *req);

#define API_MATCHING_ROUTES \
	{ "GET", "/api/v1/market/search", api_market_search, 0 }, \
	{ "GET", "/api/v1/market/listings/{id}/matches", api_market_matches, 0 }, \
	{ "GET", "/api/v1/market/saved-searches", api_saved_searches_list, 0 }, \
	{ "POST", "/api/v1/market/saved-searches", api_saved_searches_create, 0 }, \
	{ "GET", "/api/v1/market/saved-searches/{id}", api_saved_searches_get, 0 }, \
	{ "DELETE", "/api/v1/market/saved-searches/{id}", api_saved_searches_delete, 0 },

#endif
