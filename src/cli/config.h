/* config: settings from the environment, overridden by flags, checked once
 * at start with a one-line message for each mistake. */
#ifndef NQ57_CONFIG_H
#define NQ57_CONFIG_H

#include <stddef.h>

#include "db/db.h"

typedef struct nq57_config {
	const char *db_url;      /* NQ57_DB, --db */
	const char *listen;      /* NQ57_LISTEN, --listen: HOST:PORT */
	const char *data_dir;    /* NQ57_DATA_DIR, --data-dir: uploads */
	const char *web_dir;     /* NQ57_WEB_DIR, --web-dir */
	const char *log_level;   /* NQ57_LOG, --log */
	int threads;             /* NQ57_THREADS, --threads */
	size_t max_body;         /* NQ57_MAX_BODY, --max-body: bytes, k/M suffix */
	size_t max_upload;       /* NQ57_MAX_UPLOAD, --max-upload: evidence files */
	int workers;             /* NQ57_WORKERS, --workers: most threads for requests */
	int heavy_workers;       /* NQ57_HEAVY_WORKERS, --heavy-workers: for dashboards, exports, imports */
	int max_connections;     /* NQ57_MAX_CONNECTIONS, --max-connections */
	int max_per_address;     /* NQ57_MAX_PER_ADDRESS, --max-per-address: 0 = no limit */
	int header_timeout;      /* NQ57_HEADER_TIMEOUT, --header-timeout: seconds */
	int body_timeout;        /* NQ57_BODY_TIMEOUT, --body-timeout: seconds, plus time by size */
	int job_lease;           /* NQ57_JOB_LEASE, --job-lease: seconds a background job stays claimed unrenewed */
	const char *smtp;        /* NQ57_SMTP, --smtp: HOST:PORT of a mail relay; NULL: no email */
	const char *mail_from;   /* NQ57_MAIL_FROM, --mail-from: the reminders' sender */
	/* Filled by config_check: */
	db_kind db_kind;
	char host[64];
	int port;
	char web_dir_buf[4096];
	char smtp_host[256];
	int smtp_port;
} nq57_config;

#define CONFIG_DEFAULT_DB "sqlite:var/nq57.db"
#define CONFIG_DEFAULT_LISTEN "127.0.0.1:8057"
#define CONFIG_DEFAULT_DATA_DIR "var/data"

/* Defaults, then the NQ57_* environment. ERR_INVALID for a bad number. */
int config_load_env(nq57_config *c);
/* Sets one option by its flag name ("db", "listen", ...). */
int config_set(nq57_config *c, const char *name, const char *value);
/* Applies "--name value" / "--name=value" flags of argv[1..] that are in
 * the NULL-terminated allowed list; anything else is ERR_INVALID. */
int config_parse_args(nq57_config *c, int argc, char **argv, const char *const *allowed);
/* Checks the database URL and log level, creating nothing (every
 * command, also those that never open the database). */
int config_check_db_url(nq57_config *c);
/* The same, then creates the directory of an SQLite file (commands that
 * open the database). */
int config_check_db(nq57_config *c);
/* Checks everything serve needs: listen address, data dir (created if
 * missing, must be writable), web dir (must hold index.html). */
int config_check_serve(nq57_config *c);
/* Parses "HOST:PORT" or "[V6]:PORT". */
int config_parse_listen(char *host, size_t host_size, int *port, const char *s);
/* Parses "1048576", "512k", "1M". */
int config_parse_size(size_t *out, const char *s);

#endif
