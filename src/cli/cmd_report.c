/* nq57 report review --document NUMBER --period PERIOD: the review report
 * of a document over a period, written as files (the same content as the
 * server's report jobs produce). */
#include "cli/cli.h"
#include "domain/reports/review.h"
#include "domain/dashboards/rollup.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (f)
		ok = fclose(f) == 0 && ok;
	return ok ? 0 : cli_fail("cannot write '%s'", path);
}

static int write_format(const json_t *report, const str *base, int k)
{
	char *data;
	size_t len;
	int rc = review_formats[k].render(&data, &len, report);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	str path = { 0 };
	str_appendf(&path, "%s.%s", base->ptr, review_formats[k].ext);
	rc = write_file(path.ptr, data, len);
	if (rc == 0)
		printf("%s\n", path.ptr);
	str_free(&path);
	free(data);
	return rc;
}

static bool wanted(const char *list, const char *ext)
{
	if (!list || strcmp(list, "all") == 0)
		return true;
	size_t n = strlen(ext);
	for (const char *p = list; (p = strstr(p, ext)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
	return false;
}

/* Every name in the comma-separated list is a format. */
static int check_formats(const char *list)
{
	if (strcmp(list, "all") == 0)
		return 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		bool known = n == 4 && strncmp(p, "json", 4) == 0;
		for (int f = 0; f < review_n_formats; f++)
			known |= strlen(review_formats[f].ext) == n && strncmp(p, review_formats[f].ext, n) == 0;
		if (!known)
			return cli_fail("--format: '%.*s' is not one of html, docx, xlsx, json, all", (int)n, p);
		p += n + (p[n] == ',');
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const char *const own[] = { "document", "period", "final!", "out", "format", NULL };
	cli_args a;
	db_conn *db;
	rollup_cache *cache;
	json_t *report;
	int rc;
	if ((rc = cli_parse(&a, argc, argv, own)) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos != 1 || strcmp(a.pos[0], "review") != 0 || !a.vals[0] || !a.vals[1])
		return cli_fail("usage: nq57 report review --document NUMBER --period PERIOD (see nq57 report --help)");
	if (a.vals[4] && (rc = check_formats(a.vals[4])) < 0)
		return rc;
	if ((rc = cli_open_db(&db, &a)) < 0)
		return cli_fail("%s", err_msg());
	if ((rc = rollup_cache_new(&cache)) < 0) {
		db_close(db);
		return cli_fail("%s", err_msg());
	}
	review_query q = { .document = a.vals[0], .period = a.vals[1], .final = a.vals[2] != NULL, .today = task_today() };
	rc = review_build(&report, cache, db, &q);
	rollup_cache_free(cache);
	db_close(db);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	str base = { 0 };
	char *stem = review_file_stem(report);
	str_appendf(&base, "%s/%s", a.vals[3] ? a.vals[3] : ".", stem ? stem : "bao-cao");
	free(stem);
	for (int k = 0; rc == 0 && k < review_n_formats; k++)
		if (wanted(a.vals[4], review_formats[k].ext))
			rc = write_format(report, &base, k);
	if (rc == 0 && wanted(a.vals[4], "json")) {
		char *text = json_dumps(report, JSON_INDENT(1) | JSON_SORT_KEYS);
		str path = { 0 };
		str_appendf(&path, "%s.json", base.ptr);
		rc = text ? write_file(path.ptr, text, strlen(text)) : cli_fail("out of memory");
		if (rc == 0)
			printf("%s\n", path.ptr);
		str_free(&path);
		free(text);
	}
	const json_t *notes = json_object_get(report, "notes"), *n;
	size_t i;
	json_array_foreach(notes, i, n)
		fprintf(stderr, "nq57: note: %s\n", json_string_value(n));
	str_free(&base);
	json_decref(report);
	return rc;
}
