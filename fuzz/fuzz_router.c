/* The router (http/router.c) over the API's own route table: any method
 * and decoded path is matched, refused as unknown (404) or as another
 * method (405, with the allowed methods listed); captured parameters are
 * non-empty segments of the path. The input is "METHOD path". */
#include "fuzz.h"
#include "api/api.h"
#include "http/router.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *block;
	const char *part[2];
	size_t len[2];
	(void)fuzz_split(&block, part, len, 2, data, size);
	/* the server hands the router NUL-terminated text: method, then path */
	char *text = block, *sp = strchr(text, ' ');
	const char *method = "GET", *path = text;
	if (sp) {
		*sp = '\0';
		method = text;
		path = sp + 1;
	}
	size_t n_routes;
	const http_route *table = api_routes(&n_routes), *route;
	http_req req;
	char allow[64];
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = path;
	int rc = http_route_match(&route, table, n_routes, &req, allow, sizeof(allow));
	FUZZ_CHECK(rc == 0 || rc == ERR_NOTFOUND || rc == ERR_METHOD);
	FUZZ_CHECK(memchr(allow, '\0', sizeof(allow)) != NULL);
	if (rc == 0) {
		FUZZ_CHECK(route >= table && route < table + n_routes);
		FUZZ_CHECK(req.n_params >= 0 && req.n_params <= HTTP_MAX_PARAMS);
		size_t plen = strlen(path);
		for (int i = 0; i < req.n_params; i++) {
			FUZZ_CHECK(req.params[i].len > 0);
			FUZZ_CHECK(req.params[i].p >= path && req.params[i].p + req.params[i].len <= path + plen);
			FUZZ_CHECK(!memchr(req.params[i].p, '/', req.params[i].len));
		}
	} else if (rc == ERR_METHOD) {
		FUZZ_CHECK(allow[0] != '\0');
	}
	free(block);
	return 0;
}
