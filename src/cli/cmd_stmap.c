/* nq57 stmap: the research outputs of the S&T map from the command line.
 * Subcommands are listed in one table; each parses its own options. */
#include "cli/cli.h"
#include "domain/stmap/openalex.h"
#include "domain/stmap/indicators.h"
#include "domain/stmap/outputs.h"
#include "util/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct stmap_command {
	const char *name;
	int n_pos;                        /* positional arguments after the name */
	const char *const *own;           /* its options (cli_parse) */
	int (*run)(db_conn *db, cli_args *a);
	const char *usage;
} stmap_command;

/* ------------------------------------------------------------- import */

static int stmap_import(db_conn *db, cli_args *a)
{
	principal cli;
	openalex_result r;
	openalex_options o = { .dry_run = a->vals[0] != NULL, .demo = a->vals[1] != NULL };
	const char *path = a->pos[1];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return cli_fail("cannot open '%s': %s", path, strerror(errno));
	if (db_conn_kind(db) == DB_SQLITE)   /* a large import is bound by the page cache: 256 MB */
		db_exec(db, "PRAGMA cache_size = -262144");
	cli_principal(&cli);
	int rc = openalex_import_file(&r, db, &cli, f, &o);
	if (f != stdin)
		fclose(f);
	if (rc < 0)
		return cli_fail("%s: %s; nothing was saved", path, err_msg());
	printf("%lld works (%lld created, %lld updated), %lld authors, %lld affiliations: %lld matched by OpenAlex id, "
	       "%lld by ROR, %lld by link, %lld by name, %lld unmatched%s\n",
		(long long)r.works, (long long)r.created, (long long)r.updated, (long long)r.authors,
		(long long)r.affiliations, (long long)r.by_openalex, (long long)r.by_ror, (long long)r.by_manual,
		(long long)r.by_name, (long long)r.unmatched, o.dry_run ? " (dry run: nothing saved)" : "");
	return 0;
}

/* ------------------------------------------------------- sheets in and out */

static int kind_arg(output_kind *out, const char *name)
{
	int k = output_kind_from(name);
	if (k < 0)
		return cli_fail("'%s' is not a kind of output: patents, projects, contracts or spinoffs", name);
	*out = (output_kind)k;
	return 0;
}

static int stmap_import_sheet(db_conn *db, cli_args *a)
{
	principal cli;
	output_kind k = OUT_PATENT;
	outputs_import_result r;
	struct stat st;
	const char *path = a->pos[2];
	bool dry = a->vals[0] != NULL;
	if (kind_arg(&k, a->pos[1]) != 0)
		return 1;
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
	int rc = outputs_import(&r, db, &cli, k, text, len, dry, a->vals[1] != NULL);
	if (len)
		munmap((void *)text, len);
	size_t i;
	json_t *p;
	json_array_foreach(r.bad, i, p) {
		const char *col = json_string_value(json_object_get(p, "column"));
		fprintf(stderr, "%s:%lld:%s%s %s\n", path, (long long)json_integer_value(json_object_get(p, "line")),
			col ? col : "", col ? ":" : "", json_string_value(json_object_get(p, "message")));
	}
	json_decref(r.bad);
	if (rc < 0)
		return cli_fail("%s: %s", path, err_msg());
	printf("%d rows: %d created, %d updated, %d unchanged%s\n", r.total, r.created, r.updated, r.unchanged,
		dry ? " (dry run: nothing saved)" : "");
	return 0;
}

static int stmap_export_sheet(db_conn *db, cli_args *a)
{
	output_kind k = OUT_PATENT;
	char *data;
	size_t len;
	const char *path = a->pos[2];
	if (kind_arg(&k, a->pos[1]) != 0)
		return 1;
	size_t n = strlen(path);
	bool xlsx = n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
	if (outputs_export(&data, &len, db, k, xlsx, a->vals[0] != NULL, true) < 0)
		return cli_fail("%s", err_msg());
	FILE *out = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	bool ok = out && fwrite(data, 1, len, out) == len;
	if (out && out != stdout)
		ok = fclose(out) == 0 && ok;
	free(data);
	return ok ? 0 : cli_fail("cannot write '%s'", path);
}

/* ---------------------------------------------------------- indicators */

/* Every organisation's indicators in both countings, timed: the
 * benchmark's figures (bench/bibliometrics.sh). */
static int stmap_indicators(db_conn *db, cli_args *a)
{
	char *end;
	long boot = a->vals[0] ? strtol(a->vals[0], &end, 10) : 0;
	if (a->vals[0] && (*end || boot < 0 || boot > BIBLIO_MAX_BOOT))
		return cli_fail("--bootstrap: '%s' is not a number of resamples from 0 to %d", a->vals[0], BIBLIO_MAX_BOOT);
	long threads = a->vals[1] ? strtol(a->vals[1], &end, 10) : 2;
	if (a->vals[1] && (*end || threads < 1 || threads > BIBLIO_MAX_THREADS))
		return cli_fail("--threads: '%s' is not a number from 1 to %d", a->vals[1], BIBLIO_MAX_THREADS);
	if (db_conn_kind(db) == DB_SQLITE)
		db_exec(db, "PRAGMA cache_size = -262144");
	stmap_ind_timing t;
	if (stmap_indicators_time(&t, db, (int)boot, (int)threads) < 0)
		return cli_fail("%s", err_msg());
	printf("%lld works, %lld affiliations, %lld organisations (%lld with works); bootstrap %ld resamples, %ld threads\n",
		(long long)t.works, (long long)t.affiliations, (long long)t.organisations, (long long)t.rows, boot, threads);
	printf("read %.3f s, normalise both countings %.3f s, all indicators: full %.3f s, fractional %.3f s\n", t.load_s,
		t.prepare_s, t.full_s, t.fractional_s);
	return 0;
}

/* -------------------------------------------------------------- the table */

static const char *const import_own[] = { "dry-run!", "demo!", NULL };
static const char *const sheet_own[] = { "dry-run!", "demo!", NULL };
static const char *const export_own[] = { "template!", NULL };
static const char *const indicators_own[] = { "bootstrap", "threads", NULL };

static const stmap_command commands[] = {
	{ "import", 1, import_own, stmap_import, "import FILE.jsonl [--dry-run] [--demo]" },
	{ "import-sheet", 2, sheet_own, stmap_import_sheet, "import-sheet KIND FILE [--dry-run] [--demo]" },
	{ "export-sheet", 2, export_own, stmap_export_sheet, "export-sheet KIND FILE [--template]" },
	{ "indicators", 0, indicators_own, stmap_indicators, "indicators [--bootstrap N] [--threads N]" },
};

int cmd_stmap(int argc, char **argv)
{
	cli_args a;
	db_conn *db;
	const stmap_command *c = NULL;
	for (size_t i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			c = &commands[i];
	if (!c) {
		fprintf(stderr, "usage:\n");
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			fprintf(stderr, "  nq57 stmap %s\n", commands[i].usage);
		return cli_fail("see nq57 stmap --help");
	}
	if (cli_parse(&a, argc - 1, argv + 1, c->own) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos != c->n_pos)
		return cli_fail("usage: nq57 stmap %s", c->usage);
	/* the name of the subcommand is pos[0] for the functions above */
	for (int i = a.n_pos; i > 0; i--)
		a.pos[i] = a.pos[i - 1];
	a.pos[0] = c->name;
	a.n_pos++;
	if (cli_open_db(&db, &a) < 0)
		return cli_fail("%s", err_msg());
	int rc = c->run(db, &a);
	db_close(db);
	return rc;
}
