/* nq57 programme load FILE.json: documents, indicators and tasks in one
 * transaction. */
#include "cli/cli.h"
#include "domain/programme/programme.h"
#include "util/err.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

int cmd_programme(int argc, char **argv)
{
	cli_args a;
	db_conn *db;
	json_error_t jerr;
	int rc;
	if ((rc = cli_parse(&a, argc, argv, NULL)) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos != 2 || strcmp(a.pos[0], "load") != 0)
		return cli_fail("usage: nq57 programme load FILE.json (see nq57 programme --help)");
	json_t *in = json_load_file(a.pos[1], JSON_REJECT_DUPLICATES, &jerr);
	if (!in)
		return cli_fail("%s: line %d, column %d: %s", a.pos[1], jerr.line, jerr.column, jerr.text);
	if ((rc = json_nfc(in)) < 0 || (rc = cli_open_db(&db, &a)) < 0) {
		json_decref(in);
		return cli_fail("%s", err_msg());
	}
	principal cli;
	programme_counts n;
	cli_principal(&cli);
	rc = programme_load(&n, db, &cli, in);
	json_decref(in);
	db_close(db);
	if (rc < 0)
		return cli_fail("%s: %s; nothing was loaded", a.pos[1], err_msg());
	printf("%d documents, %d indicators, %d tasks loaded\n", n.documents, n.indicators, n.tasks);
	return 0;
}
