/* nq57 audit verify: walk the audit trail's hash chain. */
#include "cli/cli.h"
#include "domain/people/audit.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

int cmd_audit(int argc, char **argv)
{
	cli_args a;
	db_conn *db;
	int rc;
	if ((rc = cli_parse(&a, argc, argv, NULL)) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos != 1 || strcmp(a.pos[0], "verify") != 0)
		return cli_fail("usage: nq57 audit verify (see nq57 audit --help)");
	if ((rc = cli_open_db(&db, &a)) < 0)
		return cli_fail("%s", err_msg());
	audit_report r;
	rc = audit_verify(db, &r);
	db_close(db);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	if (r.bad_seq)
		return cli_fail("audit entry %lld does not match: %s (%lld entries before it are intact)",
			(long long)r.bad_seq, r.why, (long long)r.n_checked);
	printf("audit trail intact: %lld entries verified\n", (long long)r.n_checked);
	return 0;
}
