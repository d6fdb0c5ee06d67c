/* api/ecosystem/networks: networks of innovation centres, their members,
 * shared resources, requests and bookings, and the monthly usage report
 * (handlers, and the routes they answer, added to api.c's table by
 * API_NETWORKS_ROUTES). */
#ifndef NQ57_API_NETWORKS_H
#define NQ57_API_NETWORKS_H

#include "api/api.h"

#define API_NETWORKS_ROUTES \
	{ "GET", "/api/v1/networks", api_networks_list, 0 }, \
	{ "POST", "/api/v1/networks", api_networks_create, 0 }, \
	{ "GET", "/api/v1/networks/{code}", api_networks_get, 0 }, \
	{ "PATCH", "/api/v1/networks/{code}", api_networks_update, 0 }, \
	{ "POST", "/api/v1/networks/{code}/members", api_network_members_put, 0 }, \
	{ "DELETE", "/api/v1/networks/{code}/members/{organisation_id}", api_network_members_remove, 0 }, \
	{ "GET", "/api/v1/networks/{code}/usage", api_network_usage, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/resources", api_resources_list, 0 }, \
	{ "POST", "/api/v1/resources", api_resources_create, 0 }, \
	{ "GET", "/api/v1/resources/export", api_resources_export, ROUTE_HEAVY }, \
	{ "POST", "/api/v1/resources/import", api_resources_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/resources/{id}", api_resources_get, 0 }, \
	{ "PATCH", "/api/v1/resources/{id}", api_resources_update, 0 }, \
	{ "GET", "/api/v1/resources/{id}/calendar", api_resources_calendar, 0 }, \
	{ "POST", "/api/v1/resources/{id}/bookings", api_resources_book, ROUTE_NO_CSRF }, \
	{ "GET", "/api/v1/bookings", api_bookings_list, 0 }, \
	{ "POST", "/api/v1/bookings/{id}/approve", api_bookings_approve, 0 }, \
	{ "POST", "/api/v1/bookings/{id}/refuse", api_bookings_refuse, 0 }, \
	{ "POST", "/api/v1/bookings/{id}/cancel", api_bookings_cancel, 0 }, \
	{ "POST", "/api/v1/bookings/{id}/usage", api_bookings_usage, 0 },

int api_networks_list(http_req *req);
int api_networks_create(http_req *req);
int api_networks_get(http_req *req);
int api_networks_update(http_req *req);
int api_network_members_put(http_req *req);
int api_network_members_remove(http_req *req);
int api_network_usage(http_req *req);
int api_resources_list(http_req *req);
int api_resources_create(http_req *req);
int api_resources_export(http_req *req);
int api_resources_import(http_req *req);
int api_resources_get(http_req *req);
int api_resources_update(http_req *req);
int api_resources_calendar(http_req *req);
/* The public request form: anonymous, or signed in (a cookie session then
 * needs its CSRF header as every other write). */
int api_resources_book(http_req *req);
int api_bookings_list(http_req *req);
int api_bookings_approve(http_req *req);
int api_bookings_refuse(http_req *req);
int api_bookings_cancel(http_req *req);
int api_bookings_usage(http_req *req);

#endif
