/* nq57 migrate: apply pending migrations, or report the versions. */
#include "cli/cli.h"
#include "cli/config.h"
#include "db/migrate.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

int cmd_migrate(int argc, char **argv)
{
	static const char *const allowed[] = { "db", "log", NULL };
	nq57_config cfg;
	int status_only = 0, n = 0, rc, current;
	char *args[64];
	for (int i = 0; i < argc && n < 64; i++) {
		if (strcmp(argv[i], "--status") == 0)
			status_only = 1;
		else
			args[n++] = argv[i];
	}
	if ((rc = config_load_env(&cfg)) < 0 || (rc = config_parse_args(&cfg, n, args, allowed)) < 0 ||
	    (rc = config_check_db(&cfg)) < 0)
		return cli_fail("%s", err_msg());
	db_conn *db;
	if ((rc = db_open(&db, cfg.db_url)) < 0)
		return cli_fail("%s", err_msg());
	int applied = 0;
	if (!status_only)
		rc = migrate_apply(&applied, db);
	if (rc == 0)
		rc = migrate_current(&current, db);
	db_close(db);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	printf("database (%s) at schema version %d of %d; %d migration%s applied\n",
		db_kind_name(cfg.db_kind), current, migrate_latest(cfg.db_kind), applied, applied == 1 ? "" : "s");
	return 0;
}
