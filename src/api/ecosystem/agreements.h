/* api/ecosystem/agreements: agreements with their actions and problems,
 * funds, investments, support programmes and commercialisation projects
 * (agreements.c), and the routes they answer (added to api.c's table by
 * API_AGREEMENTS_ROUTES). */
#ifndef NQ57_API_AGREEMENTS_H
#define NQ57_API_AGREEMENTS_H

#include "api/api.h"

int api_agreements_list(http_req *req);
int api_agreements_create(http_req *req);
int api_agreements_export(http_req *req);
int api_agreements_import(http_req *req);
int api_agreements_get(http_req *req);
int api_agreements_update(http_req *req);
int api_agreements_action_add(http_req *req);
int api_agreements_action_remove(http_req *req);
int api_agreements_problem_add(http_req *req);
int api_agreements_problem_update(http_req *req);
int api_funds_list(http_req *req);
int api_funds_create(http_req *req);
int api_funds_get(http_req *req);
int api_funds_update(http_req *req);
int api_investments_list(http_req *req);
int api_investments_create(http_req *req);
int api_investments_export(http_req *req);
int api_investments_import(http_req *req);
int api_support_list(http_req *req);
int api_support_create(http_req *req);
int api_support_get(http_req *req);
int api_support_recipient_add(http_req *req);
int api_commercialisations_list(http_req *req);
int api_commercialisations_create(http_req *req);

#define API_AGREEMENTS_ROUTES \
	{ "GET", "/api/v1/agreements", api_agreements_list, 0 }, \
	{ "POST", "/api/v1/agreements", api_agreements_create, 0 }, \
	{ "GET", "/api/v1/agreements/export", api_agreements_export, ROUTE_HEAVY }, \
	{ "POST", "/api/v1/agreements/import", api_agreements_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/agreements/{code}", api_agreements_get, 0 }, \
	{ "PATCH", "/api/v1/agreements/{code}", api_agreements_update, 0 }, \
	{ "POST", "/api/v1/agreements/{code}/actions", api_agreements_action_add, 0 }, \
	{ "DELETE", "/api/v1/agreements/{code}/actions/{task_id}", api_agreements_action_remove, 0 }, \
	{ "POST", "/api/v1/agreements/{code}/problems", api_agreements_problem_add, 0 }, \
	{ "PATCH", "/api/v1/agreements/{code}/problems/{id}", api_agreements_problem_update, 0 }, \
	{ "GET", "/api/v1/funds", api_funds_list, 0 }, \
	{ "POST", "/api/v1/funds", api_funds_create, 0 }, \
	{ "GET", "/api/v1/funds/{code}", api_funds_get, 0 }, \
	{ "PATCH", "/api/v1/funds/{code}", api_funds_update, 0 }, \
	{ "GET", "/api/v1/investments", api_investments_list, 0 }, \
	{ "POST", "/api/v1/investments", api_investments_create, 0 }, \
	{ "GET", "/api/v1/investments/export", api_investments_export, ROUTE_HEAVY }, \
	{ "POST", "/api/v1/investments/import", api_investments_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/support-programmes", api_support_list, 0 }, \
	{ "POST", "/api/v1/support-programmes", api_support_create, 0 }, \
	{ "GET", "/api/v1/support-programmes/{code}", api_support_get, 0 }, \
	{ "POST", "/api/v1/support-programmes/{code}/recipients", api_support_recipient_add, 0 }, \
	{ "GET", "/api/v1/commercialisations", api_commercialisations_list, 0 }, \
	{ "POST", "/api/v1/commercialisations", api_commercialisations_create, 0 },

#endif
