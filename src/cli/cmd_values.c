/* nq57 values import FILE.csv | export [FILE.csv]: indicator values in the
 * CSV template, as the operator (who may report for every unit). */
#include "cli/cli.h"
#include "domain/programme/exchange.h"
#include "domain/programme/value.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Lets the kernel drop the pages of the mapped file that the reader has
 * passed, so the import's memory does not grow with the file. */
static void release_pages(void *ctx, const char *text, size_t done, size_t *released)
{
	(void)ctx;
	size_t step = (size_t)16 << 20;
	if (done < *released + step)   /* called for every row: the cheap test first */
		return;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), upto = done / page * page;
	if (upto < *released + step)
		return;
	madvise((void *)(text + *released), upto - *released, MADV_DONTNEED);
	*released = upto;
}

static void print_problems(const char *path, json_t *problems)
{
	size_t i;
	json_t *p;
	json_array_foreach(problems, i, p) {
		const char *col = json_string_value(json_object_get(p, "column"));
		fprintf(stderr, "%s:%lld:%s%s %s\n", path, (long long)json_integer_value(json_object_get(p, "row")),
			col ? col : "", col ? ":" : "", json_string_value(json_object_get(p, "message")));
	}
}

static int values_import(db_conn *db, const char *path, bool dry_run, bool approved)
{
	principal cli;
	exchange_result r;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return cli_fail("cannot open '%s': %s", path, strerror(errno));
	}
	size_t len = (size_t)st.st_size;
	const char *text = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : "";
	close(fd);
	if (text == MAP_FAILED)
		return cli_fail("cannot read '%s': %s", path, strerror(errno));
	cli_principal(&cli);
	exchange_options opt = { .dry_run = dry_run, .approved = approved, .release = release_pages };
	int rc = exchange_is_xlsx(text, len) ? exchange_xlsx_import(&r, db, &cli, text, len, &opt)
					      : exchange_csv_import(&r, db, &cli, text, len, &opt);
	if (len)
		munmap((void *)text, len);
	if (rc == ERR_INVALID && r.problems)
		print_problems(path, r.problems);
	json_decref(r.problems);
	if (rc < 0)
		return cli_fail("%s", err_msg());
	printf("%d created, %d updated, %d rows%s\n", r.created, r.updated, r.total, dry_run ? " (dry run: nothing saved)" : "");
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
		size_t n = path ? strlen(path) : 0;
		bool xlsx = n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
		rc = xlsx ? exchange_xlsx_write(&csv, &len, list, NULL) : exchange_csv_write(&csv, &len, list);
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
	static const char *const own[] = { "dry-run!", "approved!", NULL };
	if ((rc = cli_parse(&a, argc, argv, own)) < 0)
		return cli_fail("%s", err_msg());
	bool import = a.n_pos == 2 && strcmp(a.pos[0], "import") == 0;
	bool export = a.n_pos >= 1 && a.n_pos <= 2 && strcmp(a.pos[0], "export") == 0;
	if (!import && !export)
		return cli_fail("usage: nq57 values import FILE.csv | export [FILE.csv] (see nq57 values --help)");
	if ((rc = cli_open_db(&db, &a)) < 0)
		return cli_fail("%s", err_msg());
	rc = import ? values_import(db, a.pos[1], a.vals[0] != NULL, a.vals[1] != NULL) : values_export(db, a.n_pos == 2 ? a.pos[1] : NULL);
	db_close(db);
	return rc;
}
