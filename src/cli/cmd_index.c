/* nq57 index run DEF.json DATA.csv: a composite index over a table of
 * units, printed as a ranking (CSV or JSON); nq57 index uncertainty: how
 * far that ranking moves when its assumptions vary, as JSON. */
#include "cli/cli.h"
#include "domain/indices/index_spec.h"
#include "domain/indices/index_store.h"
#include "domain/indices/index_uncertainty.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Reads the definition at def_path and the table at data_path (with the
 * denominators at den_path, may be NULL); the message names the file. */
static int load_index(index_spec *spec, index_table *table, const char *def_path, const char *data_path, const char *den_path)
{
	char *def_text = NULL, *data = NULL, *den = NULL;
	size_t def_len, data_len, den_len = 0;
	json_error_t jerr;
	int rc;
	if ((rc = read_file(&def_text, &def_len, def_path)) != 0 || (rc = read_file(&data, &data_len, data_path)) != 0 ||
	    (den_path && (rc = read_file(&den, &den_len, den_path)) != 0))
		goto done;
	json_t *def = json_loadb(def_text, def_len, 0, &jerr);
	if (!def) {
		rc = cli_fail("%s:%d: %s", def_path, jerr.line, jerr.text);
		goto done;
	}
	rc = index_spec_parse(spec, def);
	json_decref(def);
	if (rc < 0) {
		rc = cli_fail("%s: %s", def_path, err_msg());
		goto done;
	}
	if ((rc = index_table_read(table, spec, data, data_len, den, den_len)) < 0) {
		rc = cli_fail("%s: %s", data_path, err_msg());
		index_spec_free(spec);
	}
done:
	free(def_text);
	free(data);
	free(den);
	return rc;
}

static void print_json(const json_t *v, int precision)
{
	char *text = json_dumps(v, JSON_INDENT(1) | (precision ? JSON_REAL_PRECISION(precision) : 0));
	if (text)
		puts(text);
	free(text);
}

static int index_run(const char *def_path, const char *data_path, const char *den_path, const char *format)
{
	index_spec spec;
	index_table table;
	index_result result;
	int rc;
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return cli_fail("--format: csv or json");
	if ((rc = load_index(&spec, &table, def_path, data_path, den_path)) != 0)
		return rc;
	if ((rc = index_evaluate(&result, &spec.def, &table.input, &spec.options)) < 0)
		rc = cli_fail("%s", err_msg());
	else {
		json_t *res = index_results_json(&spec, &table, &result);
		if (strcmp(format, "json") == 0)
			print_json(res, 15);
		else
			print_csv(res);
		json_decref(res);
		index_result_free(&result);
	}
	index_table_free(&table);
	index_spec_free(&spec);
	return rc;
}

/* ---------------------------------------------------------- uncertainty */

/* The options of nq57 index, in cli_parse's order. */
enum { OPT_DENOMINATORS, OPT_FORMAT, OPT_RUNS, OPT_SEED, OPT_SPREAD, OPT_NORMS, OPT_AGGS, OPT_IMPUTATIONS, OPT_SENSITIVITY };

/* "minmax,zscore" as a JSON list of names. */
static json_t *name_list(const char *text)
{
	json_t *list = json_array();
	for (const char *p = text; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n)
			json_array_append_new(list, json_stringn(p, n));
		p += n + (comma != NULL);
	}
	return list;
}

/* Sets field of spec from a flag's text: a whole number or any number. */
static int number_field(json_t *spec, const char *field, const char *flag, const char *text, bool whole)
{
	char *end;
	errno = 0;
	if (whole) {
		long long v = strtoll(text, &end, 10);
		if (errno || end == text || *end)
			return cli_fail("--%s: '%s' is not a whole number", flag, text);
		json_object_set_new(spec, field, json_integer(v));
	} else {
		double v = strtod(text, &end);
		if (errno || end == text || *end)
			return cli_fail("--%s: '%s' is not a number", flag, text);
		json_object_set_new(spec, field, json_real(v));
	}
	return 0;
}

/* The spec JSON from the command line's options. */
static int spec_from_args(json_t **out, const cli_args *a)
{
	json_t *spec = json_object();
	int rc = 0;
	if ((a->vals[OPT_RUNS] && (rc = number_field(spec, "runs", "runs", a->vals[OPT_RUNS], true)) != 0) ||
	    (a->vals[OPT_SEED] && (rc = number_field(spec, "seed", "seed", a->vals[OPT_SEED], true)) != 0) ||
	    (a->vals[OPT_SPREAD] && (rc = number_field(spec, "spread", "spread", a->vals[OPT_SPREAD], false)) != 0)) {
		json_decref(spec);
		return rc;
	}
	if (a->vals[OPT_NORMS])
		json_object_set_new(spec, "normalisations", name_list(a->vals[OPT_NORMS]));
	if (a->vals[OPT_AGGS])
		json_object_set_new(spec, "aggregations", name_list(a->vals[OPT_AGGS]));
	if (a->vals[OPT_IMPUTATIONS])
		json_object_set_new(spec, "imputations", name_list(a->vals[OPT_IMPUTATIONS]));
	if (a->vals[OPT_SENSITIVITY])
		json_object_set_new(spec, "sensitivity", json_true());
	*out = spec;
	return 0;
}

/* Shows the share done on a terminal. */
static void show_progress(void *ctx, double done)
{
	int *shown = ctx, percent = (int)(done * 100);
	if (percent == *shown)
		return;
	*shown = percent;
	fprintf(stderr, "\r%3d %%%s", percent, percent >= 100 ? "\n" : "");
}

/* nq57 index uncertainty DEF.json DATA.csv [options]: the analysis the
 * server's jobs make (domain/index_uncertainty.h), printed as JSON. */
static int index_uncertainty(const cli_args *a)
{
	index_spec spec;
	index_table table;
	index_mc_spec mc;
	json_t *body, *canonical = NULL, *res = NULL;
	int rc, shown = -1;
	if (a->vals[OPT_FORMAT] && strcmp(a->vals[OPT_FORMAT], "json") != 0)
		return cli_fail("--format: the analysis is printed as json");
	if ((rc = spec_from_args(&body, a)) != 0)
		return rc;
	if ((rc = load_index(&spec, &table, a->pos[1], a->pos[2], a->vals[OPT_DENOMINATORS])) != 0) {
		json_decref(body);
		return rc;
	}
	if ((rc = index_uncertainty_spec(&mc, &canonical, body, &spec)) < 0)
		rc = cli_fail("%s", err_msg());
	else {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		mc.threads = cpus < 1 ? 1 : cpus > INDEX_MC_MAX_THREADS ? INDEX_MC_MAX_THREADS : (int)cpus;
		if (isatty(STDERR_FILENO)) {
			mc.progress = show_progress;
			mc.progress_ctx = &shown;
		}
		if ((rc = index_uncertainty_compute(&res, &spec, &table, &mc)) < 0)
			rc = cli_fail("%s", err_msg());
		else {
			json_object_set(res, "spec", canonical);
			print_json(res, 0);
		}
	}
	json_decref(res);
	json_decref(canonical);
	json_decref(body);
	index_table_free(&table);
	index_spec_free(&spec);
	return rc;
}

int cmd_index(int argc, char **argv)
{
	static const char *const own[] = { "denominators", "format", "runs", "seed", "spread", "norms", "aggs", "imputations",
		"sensitivity!", NULL };
	static const char *const usage =
		"usage: nq57 index run DEF.json DATA.csv [--denominators DEN.csv] [--format csv|json] | save DEF.json |\n"
		"       uncertainty DEF.json DATA.csv [--runs N] [--seed S] [--spread X] [--norms minmax,zscore]\n"
		"       [--aggs arith,geom] [--imputations none,mean] [--sensitivity] [--denominators DEN.csv]";
	cli_args a;
	int rc;
	if ((rc = cli_parse(&a, argc, argv, own)) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos == 2 && strcmp(a.pos[0], "save") == 0)
		return index_save(&a, a.pos[1]);
	if (a.n_pos == 3 && strcmp(a.pos[0], "uncertainty") == 0)
		return index_uncertainty(&a);
	if (a.n_pos != 3 || strcmp(a.pos[0], "run") != 0)
		return cli_fail("%s", usage);
	for (int k = OPT_RUNS; k <= OPT_SENSITIVITY; k++)
		if (a.vals[k])
			return cli_fail("--%s is an option of nq57 index uncertainty", own[k][strlen(own[k]) - 1] == '!'
				? "sensitivity" : own[k]);
	return index_run(a.pos[1], a.pos[2], a.vals[OPT_DENOMINATORS], a.vals[OPT_FORMAT] ? a.vals[OPT_FORMAT] : "csv");
}
