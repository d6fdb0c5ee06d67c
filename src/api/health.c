/* health: GET /api/v1/health — version, database kind, schema version and
 * uptime, answered without touching the database so it stays cheap. */
#include "api/api.h"

#include <stdio.h>

int api_health_get(http_req *req)
{
	const api_app *app = req->app;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long uptime = (long long)(now.tv_sec - app->started.tv_sec);
	char body[256];
	int n = snprintf(body, sizeof(body),
		"{\"status\":\"ok\",\"version\":\"%s\",\"database\":\"%s\",\"schema_version\":%d,\"uptime_seconds\":%lld}",
		app->version, db_kind_name(app->db_kind), app->schema_version, uptime);
	return api_respond_raw(req, 200, body, (size_t)n);
}
