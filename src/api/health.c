/* health: GET /api/v1/health — version, database kind, schema version and
 * uptime. Plain health answers without touching the database so it stays
 * cheap; ?db=1 also asks the database (through this worker's connection,
 * reconnecting if the server restarted) and is 503 when it cannot answer. */
#include "api/api.h"
#include "db/migrate.h"
#include "util/err.h"

#include <stdio.h>

int api_health_get(http_req *req)
{
	const api_app *app = req->app;
	const char *deep = http_req_query(req, "db");
	int schema = app->schema_version;
	if (deep && deep[0] && deep[0] != '0') {
		db_conn *db;
		int rc = api_db(&db, req);
		if (rc < 0 || (rc = migrate_current(&schema, db)) < 0)
			return err_set(ERR_UNAVAILABLE, "the database does not answer: %s", err_msg());
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long uptime = (long long)(now.tv_sec - app->started.tv_sec);
	char body[256];
	int n = snprintf(body, sizeof(body),
		"{\"status\":\"ok\",\"version\":\"%s\",\"database\":\"%s\",\"schema_version\":%d,\"uptime_seconds\":%lld}",
		app->version, db_kind_name(app->db_kind), schema, uptime);
	return api_respond_raw(req, 200, body, (size_t)n);
}
