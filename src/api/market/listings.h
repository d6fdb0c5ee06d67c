/* api/market/listings: the technology market's listings, their review,
 * files, an expert's record, engagement (interest, proposals, questions, feedback, deals), the
 * operator's statistics and the exchange of a fair's catalogue
 * (listings.c); the routes are added to api.c's table by
 * API_LISTINGS_ROUTES. */
#ifndef NQ57_API_MARKET_LISTINGS_H
#define NQ57_API_MARKET_LISTINGS_H

#include "api/api.h"

int api_listings_list(http_req *req);
int api_listings_create(http_req *req);
int api_listings_export(http_req *req);
int api_listings_import(http_req *req);
int api_listings_get(http_req *req);
int api_listings_update(http_req *req);
int api_listings_submit(http_req *req);
int api_listings_publish(http_req *req);
int api_listings_return(http_req *req);
int api_listings_withdraw(http_req *req);
int api_listings_file_add(http_req *req);
int api_listings_file_get(http_req *req);
int api_listings_record(http_req *req);
int api_listings_panel(http_req *req);
int api_listings_engage(http_req *req);
int api_listings_answer(http_req *req);
int api_listings_feedback(http_req *req);
int api_listings_deal(http_req *req);
int api_market_engagements_mine(http_req *req);
int api_market_stats(http_req *req);

#define API_LISTINGS_ROUTES \
	{ "GET", "/api/v1/market/listings", api_listings_list, 0 }, \
	{ "POST", "/api/v1/market/listings", api_listings_create, 0 }, \
	{ "GET", "/api/v1/market/listings/export", api_listings_export, ROUTE_HEAVY }, \
	{ "POST", "/api/v1/market/listings/import", api_listings_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/market/listings/{id}", api_listings_get, 0 }, \
	{ "PATCH", "/api/v1/market/listings/{id}", api_listings_update, 0 }, \
	{ "POST", "/api/v1/market/listings/{id}/submit", api_listings_submit, 0 }, \
	{ "POST", "/api/v1/market/listings/{id}/publish", api_listings_publish, 0 }, \
	{ "POST", "/api/v1/market/listings/{id}/return", api_listings_return, 0 }, \
	{ "POST", "/api/v1/market/listings/{id}/withdraw", api_listings_withdraw, 0 }, \
	{ "POST", "/api/v1/market/listings/{id}/files", api_listings_file_add, 0 }, \
	{ "GET", "/api/v1/market/listings/{id}/files/{file_id}", api_listings_file_get, 0 }, \
	{ "GET", "/api/v1/market/listings/{id}/record", api_listings_record, 0 }, \
	{ "GET", "/api/v1/market/listings/{id}/engagements", api_listings_panel, 0 }, \
	{ "POST", "/api/v1/market/listings/{id}/engagements", api_listings_engage, 0 }, \
	{ "PATCH", "/api/v1/market/listings/{id}/engagements/{eid}", api_listings_answer, 0 }, \
	{ "POST", "/api/v1/market/listings/{id}/feedback", api_listings_feedback, 0 }, \
	{ "POST", "/api/v1/market/listings/{id}/deals", api_listings_deal, 0 }, \
	{ "GET", "/api/v1/market/engagements", api_market_engagements_mine, 0 }, \
	{ "GET", "/api/v1/market/stats", api_market_stats, 0 },

#endif
