/* openapi: GET /api/v1/openapi.json — the API's OpenAPI 3.1 description,
 * kept as src/api/openapi.json and compiled into the binary. Public: it
 * says what the API takes, nothing about the data. */
#include "api/api.h"

extern const char openapi_json[];
extern const unsigned long openapi_json_len;

int api_openapi_get(http_req *req)
{
	http_req_add_header(req, "Cache-Control", "public, max-age=300");
	return http_respond(req, 200, "application/json; charset=utf-8", openapi_json, openapi_json_len);
}
