/* nq57 registry load FILE.json: the ecosystem registry (organisations,
 * networks, resources, bookings, agreements, funds, investments, support,
 * commercialisation and indicators computed from them) in one transaction. */
#include "cli/cli.h"
#include "domain/ecosystem/registry.h"
#include "util/err.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

int cmd_registry(int argc, char **argv)
{
	cli_args a;
	db_conn *db;
	json_error_t jerr;
	int rc;
	if ((rc = cli_parse(&a, argc, argv, NULL)) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos != 2 || strcmp(a.pos[0], "load") != 0)
		return cli_fail("usage: nq57 registry load FILE.json (see nq57 registry --help)");
	json_t *in = json_load_file(a.pos[1], JSON_REJECT_DUPLICATES, &jerr);
	if (!in)
		return cli_fail("%s: line %d, column %d: %s", a.pos[1], jerr.line, jerr.column, jerr.text);
	if ((rc = json_nfc(in)) < 0 || (rc = cli_open_db(&db, &a)) < 0) {
		json_decref(in);
		return cli_fail("%s", err_msg());
	}
	principal cli;
	registry_counts n;
	cli_principal(&cli);
	rc = registry_load(&n, db, &cli, in);
	json_decref(in);
	db_close(db);
	if (rc < 0)
		return cli_fail("%s: %s; nothing was loaded", a.pos[1], err_msg());
	printf("%d organisations, %d networks, %d resources, %d bookings, %d agreements, %d funds, %d investments, "
	       "%d support programmes, %d commercialisation projects, %d indicators loaded\n",
		n.organisations, n.networks, n.resources, n.bookings, n.agreements, n.funds, n.investments,
		n.support_programmes, n.commercialisations, n.indicators);
	return 0;
}
