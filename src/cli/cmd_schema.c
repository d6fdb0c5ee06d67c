/* nq57 schema: the tables and columns of a database, as JSON. */
#include "cli/cli.h"
#include "cli/config.h"
#include "db/migrate.h"
#include "util/err.h"

#include <stdio.h>

int cmd_schema(int argc, char **argv)
{
	static const char *const allowed[] = { "db", "log", NULL };
	nq57_config cfg;
	int rc;
	if ((rc = config_load_env(&cfg)) < 0 || (rc = config_parse_args(&cfg, argc, argv, allowed)) < 0 ||
	    (rc = config_check_db(&cfg)) < 0)
		return cli_fail("%s", err_msg());
	db_conn *db;
	json_t *tables = NULL;
	if ((rc = db_open(&db, cfg.db_url)) < 0)
		return cli_fail("%s", err_msg());
	rc = migrate_describe(&tables, db);
	db_close(db);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	json_dumpf(tables, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	fputc('\n', stdout);
	json_decref(tables);
	return 0;
}
