/* nq57 values import FILE.csv | export [FILE.csv]: indicator values in the
 * CSV template, as the operator (who may report for every unit). */
#include "cli/cli.h"
#include "domain/exchange.h"
#include "domain/value.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int slurp(char **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(ERR_NOTFOUND, "cannot open '%s': %s", path, strerror(errno));
	str s = STR_INIT;
	char buf[1 << 16];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_appendn(&s, buf, n);
	bool failed = ferror(f);
	fclose(f);
	if (failed || str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_GENERIC, "cannot read '%s'", path);
	}
	*len = s.len;
	*out = s.ptr ? str_detach(&s) : strdup("");
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

static int values_import(db_conn *db, const char *path)
{
	principal cli;
	exchange_rows rows;
	exchange_result r;
	char *text;
	size_t len;
	int rc;
	if ((rc = slurp(&text, &len, path)) < 0)
		return cli_fail("%s", err_msg());
	rc = exchange_csv_read(&rows, text, len);
	free(text);
	if (rc < 0)
		return cli_fail("%s: %s", path, err_msg());
	cli_principal(&cli);
	rc = exchange_import(&r, db, &cli, rows.rows, rows.n, &rows.src, false);
	exchange_rows_free(&rows);
	if (rc == ERR_INVALID && r.problems) {
		size_t i;
		json_t *p;
		json_array_foreach(r.problems, i, p) {
			const char *col = json_string_value(json_object_get(p, "column"));
			fprintf(stderr, "%s:%lld:%s%s %s\n", path, (long long)json_integer_value(json_object_get(p, "row")),
				col ? col : "", col ? ":" : "", json_string_value(json_object_get(p, "message")));
		}
		json_decref(r.problems);
	}
	if (rc < 0)
		return cli_fail("%s", err_msg());
	printf("%d created, %d updated, %d rows\n", r.created, r.updated, r.total);
	return 0;
}

static int values_export(db_conn *db, const char *path)
{
	principal cli;
	json_t *list;
	char *csv;
	size_t len;
	cli_principal(&cli);
	value_filter f = { .who = &cli, .limit = INT64_MAX / 2 };
	int rc = value_list(&list, db, &f);
	if (rc == 0) {
		rc = exchange_csv_write(&csv, &len, list);
		json_decref(list);
	}
	if (rc < 0)
		return cli_fail("%s", err_msg());
	FILE *out = path ? fopen(path, "wb") : stdout;
	bool ok = out && fwrite(csv, 1, len, out) == len;
	if (out && path)
		ok = fclose(out) == 0 && ok;
	free(csv);
	return ok ? 0 : cli_fail("cannot write '%s'", path ? path : "standard output");
}

int cmd_values(int argc, char **argv)
{
	cli_args a;
	db_conn *db;
	int rc;
	if ((rc = cli_parse(&a, argc, argv, NULL)) < 0)
		return cli_fail("%s", err_msg());
	bool import = a.n_pos == 2 && strcmp(a.pos[0], "import") == 0;
	bool export = a.n_pos >= 1 && a.n_pos <= 2 && strcmp(a.pos[0], "export") == 0;
	if (!import && !export)
		return cli_fail("usage: nq57 values import FILE.csv | export [FILE.csv] (see nq57 values --help)");
	if ((rc = cli_open_db(&db, &a)) < 0)
		return cli_fail("%s", err_msg());
	rc = import ? values_import(db, a.pos[1]) : values_export(db, a.n_pos == 2 ? a.pos[1] : NULL);
	db_close(db);
	return rc;
}
