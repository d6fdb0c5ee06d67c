/* nq57 index run DEF.json DATA.csv: a composite index over a table of
 * units, printed as a ranking (CSV or JSON). */
#include "cli/cli.h"
#include "domain/index_spec.h"
#include "domain/index_store.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_file(char **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cli_fail("cannot open '%s': %s", path, strerror(errno));
	str s = { 0 };
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_appendn(&s, buf, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad || str_oom(&s)) {
		str_free(&s);
		return cli_fail("cannot read '%s'", path);
	}
	*len = s.len;
	*out = s.ptr ? str_detach(&s) : strdup("");
	return 0;
}

static void print_csv(const json_t *res)
{
	str s = { 0 };
	const json_t *aggs = json_object_get(res, "aggregates"), *a, *u;
	size_t i, k;
	str_append(&s, "unit_code,unit_name");
	json_array_foreach(aggs, i, a) {
		char col[96];
		snprintf(col, sizeof(col), "%s_score", json_string_value(json_object_get(a, "code")));
		str_appendc(&s, ',');
		csv_append_field(&s, col);
		snprintf(col, sizeof(col), "%s_rank", json_string_value(json_object_get(a, "code")));
		str_appendc(&s, ',');
		csv_append_field(&s, col);
	}
	str_appendc(&s, '\n');
	json_array_foreach(json_object_get(res, "units"), k, u) {
		csv_append_field(&s, json_string_value(json_object_get(u, "code")));
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(u, "name")));
		json_array_foreach(aggs, i, a) {
			const char *code = json_string_value(json_object_get(a, "code"));
			const json_t *v = json_object_get(json_object_get(u, "scores"), code), *r = json_object_get(json_object_get(u, "ranks"), code);
			if (json_is_number(v))
				str_appendf(&s, ",%.15g", json_number_value(v));
			else
				str_append(&s, ",");
			if (json_is_integer(r))
				str_appendf(&s, ",%lld", (long long)json_integer_value(r));
			else
				str_append(&s, ",");
		}
		str_appendc(&s, '\n');
	}
	fwrite(s.ptr, 1, s.len, stdout);
	str_free(&s);
}

/* nq57 index save DEF.json: stores the definition as the next version of
 * its code. */
static int index_save(cli_args *a, const char *path)
{
	char *text;
	size_t len;
	json_error_t jerr;
	db_conn *db;
	principal cli;
	json_t *out;
	int rc;
	if ((rc = read_file(&text, &len, path)) != 0)
		return rc;
	json_t *def = json_loadb(text, len, 0, &jerr);
	free(text);
	if (!def)
		return cli_fail("%s:%d: %s", path, jerr.line, jerr.text);
	if ((rc = cli_open_db(&db, a)) < 0) {
		json_decref(def);
		return cli_fail("%s", err_msg());
	}
	cli_principal(&cli);
	rc = index_store_save(&out, db, &cli, def);
	json_decref(def);
	db_close(db);
	if (rc < 0)
		return cli_fail("%s: %s", path, err_msg());
	printf("saved %s version %lld\n", json_string_value(json_object_get(out, "code")),
		(long long)json_integer_value(json_object_get(out, "version")));
	json_decref(out);
	return 0;
}

int cmd_index(int argc, char **argv)
{
	static const char *const own[] = { "denominators", "format", NULL };
	cli_args a;
	char *def_text = NULL, *data = NULL, *den = NULL;
	size_t def_len, data_len, den_len = 0;
	json_error_t jerr;
	index_spec spec;
	index_table table;
	index_result result;
	int rc;
	if ((rc = cli_parse(&a, argc, argv, own)) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos == 2 && strcmp(a.pos[0], "save") == 0)
		return index_save(&a, a.pos[1]);
	if (a.n_pos != 3 || strcmp(a.pos[0], "run") != 0)
		return cli_fail("usage: nq57 index run DEF.json DATA.csv [--denominators DEN.csv] [--format csv|json] | save DEF.json");
	const char *format = a.vals[1] ? a.vals[1] : "csv";
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return cli_fail("--format: csv or json");
	if ((rc = read_file(&def_text, &def_len, a.pos[1])) != 0 || (rc = read_file(&data, &data_len, a.pos[2])) != 0 ||
	    (a.vals[0] && (rc = read_file(&den, &den_len, a.vals[0])) != 0))
		goto done;
	json_t *def = json_loadb(def_text, def_len, 0, &jerr);
	if (!def) {
		rc = cli_fail("%s:%d: %s", a.pos[1], jerr.line, jerr.text);
		goto done;
	}
	rc = index_spec_parse(&spec, def);
	json_decref(def);
	if (rc < 0) {
		rc = cli_fail("%s: %s", a.pos[1], err_msg());
		goto done;
	}
	if ((rc = index_table_read(&table, &spec, data, data_len, den, den_len)) < 0) {
		rc = cli_fail("%s: %s", a.pos[2], err_msg());
		index_spec_free(&spec);
		goto done;
	}
	if ((rc = index_evaluate(&result, &spec.def, &table.input, &spec.options)) < 0)
		rc = cli_fail("%s", err_msg());
	else {
		json_t *res = index_results_json(&spec, &table, &result);
		if (strcmp(format, "json") == 0) {
			char *text = json_dumps(res, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
			if (text)
				puts(text);
			free(text);
		} else
			print_csv(res);
		json_decref(res);
		index_result_free(&result);
	}
	index_table_free(&table);
	index_spec_free(&spec);
done:
	free(def_text);
	free(data);
	free(den);
	return rc;
}
