/* nq57 market import FILE [--dry-run]: listings of the technology market
 * (a fair's catalogue, the demo's offers, problems and experts) from CSV or
 * an .xlsx workbook, as POST /api/v1/market/listings/import takes them, in
 * one transaction; every bad cell is named and nothing is saved. */
#include "cli/cli.h"
#include "domain/market/listing.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_file(char **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	str s = STR_INIT;
	char buf[65536];
	size_t n;
	if (!f)
		return err_set(ERR_INVALID, "cannot open '%s': %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_appendn(&s, buf, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad || str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_INVALID, "cannot read '%s'", path);
	}
	*len = s.len;
	*out = str_detach(&s);
	if (!*out)
		*out = calloc(1, 1);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

int cmd_market(int argc, char **argv)
{
	static const char *const own[] = { "dry-run!", NULL };
	cli_args a;
	db_conn *db;
	char *data;
	size_t len;
	int rc;
	if ((rc = cli_parse(&a, argc, argv, own)) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos != 2 || strcmp(a.pos[0], "import") != 0)
		return cli_fail("usage: nq57 market import FILE.csv|FILE.xlsx [--dry-run] (see nq57 market --help)");
	if ((rc = read_file(&data, &len, a.pos[1])) < 0)
		return cli_fail("%s", err_msg());
	if ((rc = cli_open_db(&db, &a)) < 0) {
		free(data);
		return cli_fail("%s", err_msg());
	}
	principal cli;
	listing_import_result r;
	cli_principal(&cli);
	rc = listing_import(&r, db, &cli, data, len, a.vals[0] != NULL);
	free(data);
	db_close(db);
	size_t i;
	json_t *p;
	json_array_foreach(r.problems, i, p) {
		const char *col = json_string_value(json_object_get(p, "column"));
		fprintf(stderr, "%s:%lld:%s%s %s\n", a.pos[1], (long long)json_integer_value(json_object_get(p, "line")),
			col ? col : "", col ? ":" : "", json_string_value(json_object_get(p, "message")));
	}
	json_decref(r.problems);
	json_decref(r.rows);
	if (rc < 0)
		return cli_fail("%s: %s", a.pos[1], err_msg());
	printf("%d listings created, %d updated, %d unchanged%s\n", r.created, r.updated, r.unchanged,
		a.vals[0] ? " (dry run: nothing saved)" : "");
	return 0;
}
