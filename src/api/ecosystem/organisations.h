/* api/ecosystem/organisations: handlers, and the routes they answer (added to
 * api.c's table by API_ORGANISATIONS_ROUTES). */
#ifndef NQ57_API_ORGANISATIONS_H
#define NQ57_API_ORGANISATIONS_H

#include "api/api.h"

int api_organisations_list(http_req *req);
int api_organisations_create(http_req *req);
int api_organisations_get(http_req *req);
int api_organisations_update(http_req *req);
int api_organisations_history(http_req *req);
int api_organisations_duplicates(http_req *req);
int api_organisations_merge(http_req *req);
int api_organisations_editors(http_req *req);
int api_organisations_editor_add(http_req *req);
int api_organisations_editor_remove(http_req *req);
int api_organisations_changes(http_req *req);
int api_organisations_change_approve(http_req *req);
int api_organisations_change_refuse(http_req *req);
int api_organisations_import(http_req *req);
int api_organisations_export(http_req *req);

#define API_ORGANISATIONS_ROUTES \
	{ "GET", "/api/v1/organisations", api_organisations_list, 0 }, \
	{ "POST", "/api/v1/organisations", api_organisations_create, 0 }, \
	{ "GET", "/api/v1/organisations/duplicates", api_organisations_duplicates, ROUTE_HEAVY }, \
	{ "POST", "/api/v1/organisations/import", api_organisations_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/organisations/export", api_organisations_export, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/organisations/{id}", api_organisations_get, 0 }, \
	{ "PATCH", "/api/v1/organisations/{id}", api_organisations_update, 0 }, \
	{ "GET", "/api/v1/organisations/{id}/history", api_organisations_history, 0 }, \
	{ "POST", "/api/v1/organisations/{id}/merge", api_organisations_merge, 0 }, \
	{ "GET", "/api/v1/organisations/{id}/editors", api_organisations_editors, 0 }, \
	{ "POST", "/api/v1/organisations/{id}/editors", api_organisations_editor_add, 0 }, \
	{ "DELETE", "/api/v1/organisations/{id}/editors/{person_id}", api_organisations_editor_remove, 0 }, \
	{ "GET", "/api/v1/organisations/{id}/changes", api_organisations_changes, 0 }, \
	{ "POST", "/api/v1/organisations/{id}/changes/{change_id}/approve", api_organisations_change_approve, 0 }, \
	{ "POST", "/api/v1/organisations/{id}/changes/{change_id}/refuse", api_organisations_change_refuse, 0 },

#endif
