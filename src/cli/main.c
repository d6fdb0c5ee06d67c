/* main: the nq57 command. Subcommands live in one table; each has a file
 * cmd_<name>.c and its own --help. */
#include "cli/cli.h"
#include "domain/people/password.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
	{ "serve", cmd_serve, "run the HTTP server (web UI and API)",
	  "usage: nq57 serve [options]\n"
	  "Applies pending migrations, then serves the web UI and /api/v1 until\n"
	  "SIGINT or SIGTERM; requests in flight finish before it exits.\n\n"
	  "options (each also read from the environment variable shown):\n"
	  "  --db URL          sqlite:PATH or postgresql://USER@HOST:PORT/DB  [NQ57_DB, default sqlite:var/nq57.db]\n"
	  "  --listen H:P      address to listen on, port 0 picks a free one  [NQ57_LISTEN, default 127.0.0.1:8057]\n"
	  "  --data-dir DIR    where uploaded evidence files are stored       [NQ57_DATA_DIR, default var/data]\n"
	  "  --web-dir DIR     the built web UI                               [NQ57_WEB_DIR, default web/ beside the binary]\n"
	  "  --threads N       network threads (health, static files)         [NQ57_THREADS, default: CPU count]\n"
	  "  --workers N       most threads for API requests                  [NQ57_WORKERS, default 16]\n"
	  "  --heavy-workers N most threads for dashboards, exports, imports  [NQ57_HEAVY_WORKERS, default: CPU count]\n"
	  "  --max-connections N  open connections; beyond, 503               [NQ57_MAX_CONNECTIONS, default 2048]\n"
	  "  --max-per-address N  per client address, 0: no limit             [NQ57_MAX_PER_ADDRESS, default 256]\n"
	  "                    (behind a reverse proxy: 0, and limit at the proxy)\n"
	  "  --header-timeout S   seconds to send a request's headers         [NQ57_HEADER_TIMEOUT, default 10]\n"
	  "  --body-timeout S     seconds to send a body, +1 per 32 KiB       [NQ57_BODY_TIMEOUT, default 10]\n"
	  "  --max-body SIZE   largest accepted request body, e.g. 1M         [NQ57_MAX_BODY, default 1M]\n"
	  "  --max-upload SIZE largest evidence file                          [NQ57_MAX_UPLOAD, default 20M]\n"
	  "  --log LEVEL       debug, info, warn, error or off                [NQ57_LOG, default info]\n"
	  "  --smtp H:P        mail relay for deadline reminders (no TLS)     [NQ57_SMTP, default: no email]\n"
	  "  --mail-from ADDR  the reminders' sender address                  [NQ57_MAIL_FROM]\n"
	  "  --job-lease SECS  a job unrenewed this long is taken over by      [NQ57_JOB_LEASE, default 60]\n"
	  "                    another server sharing the database\n"
	  "A background thread runs report jobs and, once a day, the deadline reminders.\n" },
	{ "migrate", cmd_migrate, "apply pending database migrations",
	  "usage: nq57 migrate [--db URL] [--status]\n"
	  "Applies every pending migration in one transaction and prints the\n"
	  "schema version; with --status only prints the versions.\n" },
	{ "schema", cmd_schema, "print the database's tables and columns as JSON",
	  "usage: nq57 schema [--db URL]\n"
	  "Prints {\"table\": [\"column\", ...]} for the database as it is.\n" },
	{ "user", cmd_user, "add people, set passwords, disable, grant roles",
	  "usage: nq57 user add LOGIN --name NAME [--email E] [--role ROLE --unit CODE]\n"
	  "       nq57 user passwd LOGIN\n"
	  "       nq57 user disable LOGIN\n"
	  "       nq57 user enable LOGIN\n"
	  "       nq57 user grant LOGIN --role ROLE --unit CODE\n"
	  "       nq57 user list\n"
	  "Passwords are read from standard input (one line), never from the\n"
	  "command line. ROLE is admin, steering, officer or viewer; CODE is a\n"
	  "unit's code. Every change is recorded in the audit trail.\n"
	  "options: --db URL  [NQ57_DB]\n" },
	{ "unit", cmd_unit, "import and export organisation units as CSV, load their boundaries",
	  "usage: nq57 unit import FILE.csv\n"
	  "       nq57 unit export [FILE.csv]\n"
	  "       nq57 unit list\n"
	  "       nq57 unit boundaries FILE.geojson[.gz] [--dry-run] [--quiet]\n"
	  "CSV columns (header row, any order): code, name, and optionally\n"
	  "parent_code (or province_code), kind, active, public. A row whose code\n"
	  "exists updates that unit. One bad row changes nothing; every bad row is\n"
	  "reported with its line number.\n"
	  "boundaries reads a GeoJSON FeatureCollection (or the same gzip-compressed)\n"
	  "whose features carry the unit code in the property \"code\" and a Polygon\n"
	  "or MultiPolygon geometry, and replaces the boundaries of the units it\n"
	  "matches (coordinates kept to 5 decimals). Features whose code is no\n"
	  "unit's are listed and skipped; a feature without a code or with a bad\n"
	  "geometry is named by its index and nothing is saved. --dry-run checks\n"
	  "and lists without saving; --quiet prints the counts only.\n"
	  "options: --db URL  [NQ57_DB]\n" },
	{ "audit", cmd_audit, "verify the audit trail's hash chain",
	  "usage: nq57 audit verify\n"
	  "Recomputes every entry's hash in order and names the first entry that\n"
	  "does not match (exit 1); prints the number of entries checked.\n"
	  "options: --db URL  [NQ57_DB]\n" },
	{ "programme", cmd_programme, "load documents, indicators and tasks from JSON",
	  "usage: nq57 programme load FILE.json\n"
	  "Loads {\"documents\": [...], \"indicators\": [...], \"tasks\": [...]} (each item\n"
	  "as POST /api/v1/documents, /indicators and /tasks take it) in one\n"
	  "transaction: the first bad item is named and nothing is saved.\n"
	  "options: --db URL  [NQ57_DB]\n" },
	{ "registry", cmd_registry, "load the innovation ecosystem registry from JSON",
	  "usage: nq57 registry load FILE.json\n"
	  "Loads organisations (each with a \"key\" the other records use), networks,\n"
	  "resources, bookings, agreements, funds, investments, support programmes,\n"
	  "commercialisation projects and indicators computed from the registry\n"
	  "(scripts/demo/registry.json is an example) in one transaction: the first\n"
	  "bad record is named and nothing is saved.\n"
	  "options: --db URL  [NQ57_DB]\n" },
	{ "market", cmd_market, "import listings of the technology market",
	  "usage: nq57 market import FILE.csv|FILE.xlsx [--dry-run]\n"
	  "Imports technology offers, problems and experts (a fair's catalogue;\n"
	  "scripts/demo/market.csv is an example) with a header row of field names\n"
	  "as GET /api/v1/market/listings/export writes them, in one transaction:\n"
	  "every bad cell is named by line and column and nothing is saved.\n"
	  "A row with an id updates that listing; one without is added (published\n"
	  "unless its status says draft or submitted).\n"
	  "options: --dry-run  check only\n"
	  "         --db URL  [NQ57_DB]\n" },
	{ "stmap", cmd_stmap, "research outputs of the S&T map",
	  "usage: nq57 stmap import FILE.jsonl [--dry-run] [--demo]\n"
	  "       nq57 stmap import-sheet KIND FILE [--dry-run] [--demo]\n"
	  "       nq57 stmap export-sheet KIND FILE [--template]\n"
	  "import reads OpenAlex works in JSON Lines (one per line; '-' is standard\n"
	  "input), matches each affiliation to a registry organisation (OpenAlex id,\n"
	  "ROR, a link made on the review list, then name) and saves all in one\n"
	  "transaction: a malformed line is named and nothing is saved; works\n"
	  "already imported are updated. KIND is patents, projects, contracts or\n"
	  "spinoffs: import-sheet reads its CSV or XLSX template (every bad row\n"
	  "named, nothing saved if one is wrong), export-sheet writes every record\n"
	  "(or with --template the columns only) as CSV, or XLSX for FILE.xlsx.\n"
	  "options: --db URL  [NQ57_DB]\n" },
	{ "network", cmd_network, "cluster and lay out a network (VOSviewer files)",
	  "usage: nq57 network analyse NETWORK.txt [--map MAP.txt] [options]\n"
	  "Reads a VOSviewer network file (id1, id2, strength; tab-separated) and,\n"
	  "with --map, its map file; clusters the network with the Leiden algorithm\n"
	  "and lays it out with the VOS layout; writes the map with clusters and\n"
	  "coordinates (to --out, else to standard output) and prints the number of\n"
	  "clusters, the clustering and layout quality values and their times.\n"
	  "options:\n"
	  "  --normalisation none|association|fractionalization   [association]\n"
	  "  --quality cpm|modularity   quality function of the clustering [cpm]\n"
	  "  --resolution R             [1]\n"
	  "  --randomness R             of the refinement [0.01]\n"
	  "  --iterations N             Leiden iterations, 0: until stable [10]\n"
	  "  --starts N                 keep the best of N clusterings [1]\n"
	  "  --attraction A --repulsion R   of the layout [2, 1]\n"
	  "  --layout-iterations N      most gradient-descent sweeps [1000]\n"
	  "  --fast                     layout sums reassociated (vector code): faster;\n"
	  "                             a layout of the same quality, not the reference's\n"
	  "  --seed S                   [0]\n"
	  "  --random java|fast         java.util.Random's generator (results equal\n"
	  "                             CWTS networkanalysis) or xoshiro256** [java]\n"
	  "  --layout-only | --clusters-only   keep the map's clusters or coordinates\n"
	  "  --out MAP.txt\n" },
	{ "index", cmd_index, "compute a composite index and its ranking from a table",
	  "usage: nq57 index run DEF.json DATA.csv [--denominators DEN.csv] [--format csv|json]\n"
	  "       nq57 index save DEF.json\n"
	  "       nq57 index uncertainty DEF.json DATA.csv [--runs N] [--seed S] [--spread X]\n"
	  "                  [--norms minmax,zscore] [--aggs arith,geom] [--imputations none,mean]\n"
	  "                  [--sensitivity] [--denominators DEN.csv]\n"
	  "Runs the index defined in DEF.json (its tree of aggregates and indicators\n"
	  "with weights and directions, and the options: imputation, outlier\n"
	  "treatment, normalisation, aggregation and coverage per level) over the\n"
	  "units of DATA.csv (one row per unit, a column per indicator code) and\n"
	  "prints every unit's score and rank for each aggregate, best first.\n"
	  "--denominators joins a second table of denominators by unit code.\n"
	  "save checks DEF.json and stores it as the next version of its index\n"
	  "(as POST /api/v1/indices does). options: --db URL  [NQ57_DB]\n"
	  "uncertainty ranks the units again in --runs random runs (default 1000,\n"
	  "from --seed, default 1): every weight within +-spread (default 0.25) of\n"
	  "its value, the normalisation, aggregation (one mean at every level) and\n"
	  "imputation drawn from the lists given; prints, as JSON, each unit's\n"
	  "nominal rank and the median, 5th and 95th percentile of its rank, and\n"
	  "with --sensitivity the first-order and total sensitivity index of each\n"
	  "assumption that varies. The same options give the same result.\n" },
	{ "remind", cmd_remind, "record (and email) today's deadline reminders",
	  "usage: nq57 remind [--day YYYY-MM-DD] [--smtp HOST:PORT --mail-from ADDRESS]\n"
	  "Records, for each unit, its open tasks that are due soon (sắp đến hạn) or\n"
	  "overdue on that day, by the same status every screen shows (the window is\n"
	  "the task_warn_days setting, 14 days by default), as the server's worker\n"
	  "does once a day; with a mail relay,\n"
	  "emails each unit's people the reminders not yet sent. Running it again\n"
	  "the same day adds nothing.\n"
	  "options: --db URL  [NQ57_DB]; NQ57_SMTP, NQ57_MAIL_FROM\n" },
	{ "report", cmd_report, "write a review report (sơ kết, tổng kết) as files",
	  "usage: nq57 report review --document NUMBER --period PERIOD [--final]\n"
	  "                         [--out DIR] [--format html,docx,xlsx,json|all]\n"
	  "The review report of the document (e.g. 43/KH-UBND) over the period\n"
	  "(2025, 2025S1, 2025M9, ...), with the numbers the dashboards show now:\n"
	  "a printable HTML page, an editable DOCX (Decree 30/2020/ND-CP layout),\n"
	  "an XLSX with one sheet per table, and the content as JSON. --final\n"
	  "makes it a tổng kết (the whole term) rather than a sơ kết. Files are\n"
	  "named bao-cao-NUMBER-PERIOD.EXT in DIR (default: here).\n"
	  "options: --db URL  [NQ57_DB]\n" },
	{ "values", cmd_values, "import and export indicator values as CSV",
	  "usage: nq57 values import FILE.csv|FILE.xlsx [--dry-run] [--approved]\n"
	  "       nq57 values export [FILE.csv|FILE.xlsx]\n"
	  "CSV columns: indicator_code, unit_code, period, value (digits with a dot\n"
	  "for decimals) and optionally note; an .xlsx has them on its first sheet\n"
	  "(codes or Vietnamese titles in the header). Every row is checked first; with any\n"
	  "problem nothing is saved and each is printed as FILE:ROW:COLUMN message.\n"
	  "Imported values are drafts. One transaction, one audit entry.\n"
	  "--dry-run checks and counts without saving; --approved loads official\n"
	  "figures as approved values instead of drafts.\n"
	  "options: --db URL  [NQ57_DB]\n" },
	{ "version", cmd_version, "print the version",
	  "usage: nq57 version\n" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("nq57: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cli_wants_help(int argc, char **argv, const cli_command *cmd)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(cmd->usage, stdout);
			return 1;
		}
	return 0;
}

const cli_command *cli_find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fputs("usage: nq57 <command> [options]\n\n"
	      "nq57 tracks a programme under Resolution 57-NQ/TW: indicators, tasks,\n"
	      "units, reports, approvals, dashboards and indices.\n\ncommands:\n", f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'nq57 <command> --help' tells more about one command.\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		const cli_command *cmd = argc > 2 ? cli_find(argv[2]) : NULL;
		if (cmd)
			fputs(cmd->usage, stdout);
		else
			usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv + 1);
	if (password_init() < 0)
		return cli_fail("%s", err_msg());
	const cli_command *cmd = cli_find(argv[1]);
	if (!cmd) {
		cli_fail("unknown command '%s' (see nq57 --help)", argv[1]);
		return 2;
	}
	if (cli_wants_help(argc - 1, argv + 1, cmd))
		return 0;
	return cmd->run(argc - 1, argv + 1);
}
