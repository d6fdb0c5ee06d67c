/* nq57 serve: migrate, then serve HTTP until SIGINT/SIGTERM. */
#include "api/api.h"
#include "cli/cli.h"
#include "cli/config.h"
#include "db/migrate.h"
#include "domain/dashboards/rollup.h"
#include "domain/worker.h"
#include "http/server.h"
#include "util/err.h"
#include "util/log.h"

#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHUTDOWN_GRACE_MS 10000

/* Opens the database once to apply migrations and read the version; the
 * handler threads open their own connections afterwards. */
static int prepare_database(api_app *app, const nq57_config *cfg)
{
	db_conn *db;
	int rc, applied;
	if ((rc = db_open(&db, cfg->db_url)) < 0)
		return rc;
	if ((rc = migrate_apply(&applied, db)) == 0)
		rc = migrate_current(&app->schema_version, db);
	if (rc == 0 && (rc = rollup_cache_new(&app->rollup)) == 0) {
		/* load the approved values now rather than on the first request */
		rollup_view v;
		if ((rc = rollup_open(&v, app->rollup, db)) == 0)
			rollup_close(&v);
		/* later bulk changes load in the background; a request waits
		 * for one at most NQ57_RELOAD_WAIT_MS (default 80 ms: with the
		 * answer itself, no request takes more than 100 ms) */
		const char *wait = getenv("NQ57_RELOAD_WAIT_MS");
		if (rc == 0)
			rc = rollup_cache_background(app->rollup, cfg->db_url, wait && *wait ? strtol(wait, NULL, 10) : 80);
	}
	db_close(db);
	app->db_kind = cfg->db_kind;
	app->data_dir = cfg->data_dir;
	return rc;
}

static int wait_for_signal(void)
{
	sigset_t set;
	int sig = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigwait(&set, &sig);
	return sig;
}

int cmd_serve(int argc, char **argv)
{
	static const char *const allowed[] = { "db", "listen", "data-dir", "web-dir", "threads", "max-body", "max-upload", "log", "smtp",
		"mail-from", "workers", "heavy-workers", "max-connections", "max-per-address", "header-timeout", "body-timeout", "job-lease",
		NULL };
	nq57_config cfg;
	api_app app = { .version = NQ57_VERSION };
	int rc;
	if ((rc = config_load_env(&cfg)) < 0 || (rc = config_parse_args(&cfg, argc, argv, allowed)) < 0 ||
	    (rc = config_check_db(&cfg)) < 0 || (rc = config_check_serve(&cfg)) < 0)
		return cli_fail("%s", err_msg());
	/* Block the stop signals in every thread; this one waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	app.db_url = cfg.db_url;
	http_server_config hc = {
		.host = cfg.host, .port = cfg.port, .threads = cfg.threads, .workers = cfg.workers,
		.heavy_workers = cfg.heavy_workers, .max_body = cfg.max_body, .max_upload = cfg.max_upload,
		.max_connections = cfg.max_connections, .max_per_address = cfg.max_per_address,
		.header_timeout = cfg.header_timeout, .body_timeout = cfg.body_timeout, .web_dir = cfg.web_dir,
		.api = api_dispatch, .lane = api_lane, .worker_new = api_worker_new, .worker_free = api_worker_free,
		.app = &app,
	};
	http_server *srv;
	if ((rc = http_server_bind(&srv, &hc)) < 0)
		return cli_fail("%s", err_msg());
	clock_gettime(CLOCK_MONOTONIC, &app.started);
	worker_config wc = { .db_url = cfg.db_url, .data_dir = cfg.data_dir,
		.smtp_host = cfg.smtp ? cfg.smtp_host : NULL, .smtp_port = cfg.smtp_port, .mail_from = cfg.mail_from,
		.lease_seconds = cfg.job_lease };
	if ((rc = prepare_database(&app, &cfg)) < 0 || ((wc.cache = app.rollup), (rc = worker_start(&app.worker, &wc)) < 0) ||
	    (rc = http_server_run(srv)) < 0) {
		http_server_stop(srv, 0);
		worker_stop(app.worker);
		rollup_cache_free(app.rollup);
		return cli_fail("%s", err_msg());
	}
	int v6 = strchr(cfg.host, ':') != NULL;
	log_info("nq57 %s listening on http://%s%s%s:%d (database %s, schema %d, %d threads, up to %d + %d workers)",
		NQ57_VERSION, v6 ? "[" : "", cfg.host, v6 ? "]" : "", http_server_port(srv), db_kind_name(cfg.db_kind),
		app.schema_version, cfg.threads, cfg.workers, cfg.heavy_workers);
	int sig = wait_for_signal();
	log_info("received %s; finishing requests in flight", sig == SIGINT ? "SIGINT" : "SIGTERM");
	http_server_stop(srv, SHUTDOWN_GRACE_MS);
	worker_stop(app.worker);
	rollup_cache_free(app.rollup);
	log_info("stopped");
	return 0;
}
