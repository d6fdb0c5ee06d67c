/* nq57 remind: the daily deadline reminders, run now (the server's
 * worker runs them once a day by itself; this is for cron and tests). */
#include "cli/cli.h"
#include "domain/programme/reminder.h"
#include "domain/programme/task.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_remind(int argc, char **argv)
{
	static const char *const own[] = { "day", "smtp", "mail-from", NULL };
	cli_args a;
	db_conn *db;
	date_ymd day = task_today();
	int rc, created = 0, sent = 0;
	if ((rc = cli_parse(&a, argc, argv, own)) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos != 0)
		return cli_fail("usage: nq57 remind [--day YYYY-MM-DD] (see nq57 remind --help)");
	for (int k = 1; k <= 2; k++)
		if (a.vals[k] && (rc = config_set(&a.cfg, own[k], a.vals[k])) < 0)
			return cli_fail("--%s: %s", own[k], err_msg());
	if (a.vals[0] && date_parse(&day, a.vals[0], strlen(a.vals[0])) < 0)
		return cli_fail("--day: %s", err_msg());
	if (a.cfg.smtp && ((rc = config_parse_listen(a.cfg.smtp_host, sizeof(a.cfg.smtp_host), &a.cfg.smtp_port, a.cfg.smtp)) < 0 ||
			   !a.cfg.mail_from))
		return cli_fail("--smtp needs HOST:PORT and --mail-from ADDRESS");
	if ((rc = cli_open_db(&db, &a)) < 0)
		return cli_fail("%s", err_msg());
	rc = reminder_run(&created, db, day);
	if (rc == 0 && a.cfg.smtp) {
		reminder_mail mail = { .host = a.cfg.smtp_host, .port = a.cfg.smtp_port, .from = a.cfg.mail_from };
		rc = reminder_send(&sent, db, &mail, day);
	}
	db_close(db);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	printf("%d reminder(s) recorded, %d message(s) sent\n", created, sent);
	return 0;
}
