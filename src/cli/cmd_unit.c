/* nq57 unit: import and export organisation units as CSV, list them, load
 * their boundaries from GeoJSON. */
#include "cli/cli.h"
#include "domain/people/unit.h"
#include "domain/stmap/boundaries.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_MAX_BYTES (256u << 20)

static int read_file(char **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(ERR_NOTFOUND, "cannot open '%s': %s", path, strerror(errno));
	str s = STR_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && s.len <= IMPORT_MAX_BYTES)
		str_appendn(&s, buf, n);
	bool failed = ferror(f);
	fclose(f);
	if (failed || s.len > IMPORT_MAX_BYTES || str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_INVALID, "cannot read '%s' (at most %u MiB)", path, IMPORT_MAX_BYTES >> 20);
	}
	*len = s.len;
	*out = str_detach(&s);
	if (!*out)
		*out = strdup("");
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

static int unit_import_cmd(db_conn *db, const char *path)
{
	principal cli;
	char *csv;
	size_t len;
	unit_import_result r;
	int rc = read_file(&csv, &len, path);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	cli_principal(&cli);
	rc = unit_import(&r, db, &cli, csv, len);
	free(csv);
	if (rc == ERR_INVALID && r.bad) {
		size_t i;
		json_t *b;
		json_array_foreach(r.bad, i, b)
			fprintf(stderr, "%s:%lld: %s\n", path, (long long)json_integer_value(json_object_get(b, "line")),
				json_string_value(json_object_get(b, "message")));
		cli_fail("%s", err_msg());
		json_decref(r.bad);
		return 1;
	}
	json_decref(r.bad);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	printf("%d created, %d updated, %d rows\n", r.created, r.updated, r.total);
	return 0;
}

static int unit_export_cmd(db_conn *db, const char *path)
{
	char *csv;
	size_t len;
	int rc = unit_export(&csv, &len, db, false);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	FILE *f = path ? fopen(path, "wb") : stdout;
	if (!f) {
		free(csv);
		return cli_fail("cannot write '%s': %s", path, strerror(errno));
	}
	bool ok = fwrite(csv, 1, len, f) == len;
	if (path)
		ok = fclose(f) == 0 && ok;
	free(csv);
	return ok ? 0 : cli_fail("cannot write '%s'", path ? path : "standard output");
}

static int unit_list_cmd(db_conn *db)
{
	unit_filter f = { .active = -1, .limit = 1000000 };
	json_t *out;
	if (unit_list(&out, db, &f) < 0)
		return cli_fail("%s", err_msg());
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(out, "units"), i, u) {
		const char *code = json_string_value(json_object_get(u, "code"));
		printf("%*s%s  %s  (%s)\n", (int)json_integer_value(json_object_get(u, "depth")) * 2, "", code ? code : "-",
			json_string_value(json_object_get(u, "name")), json_string_value(json_object_get(u, "kind")));
	}
	json_decref(out);
	return 0;
}

/* Prints what a load matched; each unmatched feature on a line of its own
 * unless quiet. */
static void boundaries_print(const boundaries_result *r, bool quiet)
{
	size_t i;
	json_t *u;
	printf("%d features: %d matched to units%s, %d without a unit\n", r->total, r->matched,
		r->dry_run ? " (dry run: nothing saved)" : "", r->unmatched);
	if (quiet)
		return;
	json_array_foreach(r->unmatched_list, i, u)
		printf("  unmatched: features[%lld] code %s  %s\n", (long long)json_integer_value(json_object_get(u, "index")),
			json_string_value(json_object_get(u, "code")),
			json_string_value(json_object_get(u, "name")) ? json_string_value(json_object_get(u, "name")) : "");
}

static int unit_boundaries_cmd(db_conn *db, const char *path, bool dry_run, bool quiet)
{
	principal cli;
	char *data;
	size_t len;
	boundaries_result r;
	int rc = read_file(&data, &len, path);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	cli_principal(&cli);
	const char *base = strrchr(path, '/');
	rc = boundaries_load(&r, db, &cli, data, len, base ? base + 1 : path, dry_run);
	free(data);
	if (rc == ERR_INVALID && json_array_size(r.problems)) {
		size_t i;
		json_t *p;
		json_array_foreach(r.problems, i, p)
			fprintf(stderr, "%s: %s\n", path, json_string_value(json_object_get(p, "message")));
	}
	if (rc == 0)
		boundaries_print(&r, quiet);
	boundaries_result_free(&r);
	return rc < 0 ? cli_fail("%s", err_msg()) : 0;
}

int cmd_unit(int argc, char **argv)
{
	static const char *const own[] = { "dry-run!", "quiet!", NULL };
	cli_args a;
	db_conn *db;
	int rc;
	if ((rc = cli_parse(&a, argc, argv, own)) < 0)
		return cli_fail("%s", err_msg());
	const char *verb = a.n_pos ? a.pos[0] : "";
	bool import = strcmp(verb, "import") == 0, export = strcmp(verb, "export") == 0, list = strcmp(verb, "list") == 0;
	bool boundaries = strcmp(verb, "boundaries") == 0;
	if (!(import && a.n_pos == 2) && !(export && a.n_pos <= 2) && !(list && a.n_pos == 1) &&
	    !(boundaries && a.n_pos == 2))
		return cli_fail("usage: nq57 unit import FILE | export [FILE] | list | boundaries FILE [--dry-run] "
				"(see nq57 unit --help)");
	if ((rc = cli_open_db(&db, &a)) < 0)
		return cli_fail("%s", err_msg());
	rc = import ? unit_import_cmd(db, a.pos[1]) : export ? unit_export_cmd(db, a.n_pos == 2 ? a.pos[1] : NULL)
		: boundaries ? unit_boundaries_cmd(db, a.pos[1], a.vals[0] != NULL, a.vals[1] != NULL)
			     : unit_list_cmd(db);
	db_close(db);
	return rc;
}
