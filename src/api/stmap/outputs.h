/* api/stmap/outputs: the research outputs of the S&T map — publications
 * and their OpenAlex import, the review of unmatched institutions, patents,
 * projects, contracts and spin-offs with their templates (outputs.c) — and
 * the routes they answer, added to api.c's table by API_OUTPUTS_ROUTES. */
#ifndef NQ57_API_STMAP_OUTPUTS_H
#define NQ57_API_STMAP_OUTPUTS_H

#include "api/api.h"

int api_outputs_summary(http_req *req);
int api_works_list(http_req *req);
int api_works_import(http_req *req);
int api_works_get(http_req *req);
int api_institutions_list(http_req *req);
int api_institutions_link(http_req *req);
int api_institutions_unlink(http_req *req);

#define API_OUTPUT_KIND_HANDLERS(k) \
	int api_##k##_list(http_req *req); \
	int api_##k##_get(http_req *req); \
	int api_##k##_import(http_req *req); \
	int api_##k##_export(http_req *req);
API_OUTPUT_KIND_HANDLERS(patents)
API_OUTPUT_KIND_HANDLERS(projects)
API_OUTPUT_KIND_HANDLERS(contracts)
API_OUTPUT_KIND_HANDLERS(spinoffs)

#define API_OUTPUTS_ROUTES \
	{ "GET", "/api/v1/outputs/summary", api_outputs_summary, 0 }, \
	{ "GET", "/api/v1/outputs/works", api_works_list, 0 }, \
	{ "POST", "/api/v1/outputs/works/import", api_works_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/outputs/works/{id}", api_works_get, 0 }, \
	{ "GET", "/api/v1/outputs/institutions", api_institutions_list, 0 }, \
	{ "POST", "/api/v1/outputs/institutions/link", api_institutions_link, 0 }, \
	{ "POST", "/api/v1/outputs/institutions/unlink", api_institutions_unlink, 0 }, \
	{ "GET", "/api/v1/outputs/patents", api_patents_list, 0 }, \
	{ "POST", "/api/v1/outputs/patents/import", api_patents_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/outputs/patents/export", api_patents_export, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/outputs/patents/{id}", api_patents_get, 0 }, \
	{ "GET", "/api/v1/outputs/projects", api_projects_list, 0 }, \
	{ "POST", "/api/v1/outputs/projects/import", api_projects_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/outputs/projects/export", api_projects_export, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/outputs/projects/{id}", api_projects_get, 0 }, \
	{ "GET", "/api/v1/outputs/contracts", api_contracts_list, 0 }, \
	{ "POST", "/api/v1/outputs/contracts/import", api_contracts_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/outputs/contracts/export", api_contracts_export, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/outputs/contracts/{id}", api_contracts_get, 0 }, \
	{ "GET", "/api/v1/outputs/spinoffs", api_spinoffs_list, 0 }, \
	{ "POST", "/api/v1/outputs/spinoffs/import", api_spinoffs_import, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/outputs/spinoffs/export", api_spinoffs_export, ROUTE_HEAVY }, \
	{ "GET", "/api/v1/outputs/spinoffs/{id}", api_spinoffs_get, 0 },

#endif
