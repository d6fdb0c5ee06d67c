/* cli: the nq57 command and its subcommands, listed in one table in main.c.
 * Each command parses its own flags, prints one-line errors to stderr as
 * "nq57: error: ..." and returns the process exit status. */
#ifndef NQ57_CLI_H
#define NQ57_CLI_H

#include <stddef.h>

#include "cli/config.h"
#include "db/db.h"
#include "domain/people/authz.h"

typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the command name */
	const char *summary;
	const char *usage;                   /* full --help text */
} cli_command;

/* Prints "nq57: error: <msg>" and returns the exit status for errors. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True if argv holds -h or --help; prints the command's usage then. */
int cli_wants_help(int argc, char **argv, const cli_command *cmd);
const cli_command *cli_find(const char *name);

#define CLI_MAX_POS 8
#define CLI_MAX_OWN 16

/* A subcommand's command line: --db and --log go to cfg (after the NQ57_*
 * environment); options listed in `own` land in vals[] at the same index
 * (a name ending in '!' is a flag without a value, set to "1"); the rest
 * are positional. */
typedef struct cli_args {
	nq57_config cfg;
	const char *vals[CLI_MAX_OWN];
	const char *pos[CLI_MAX_POS];
	int n_pos;
} cli_args;

/* own is NULL-terminated, at most CLI_MAX_OWN names. ERR_INVALID for an
 * unknown option, a missing value or a bad database URL. */
int cli_parse(cli_args *a, int argc, char **argv, const char *const *own);
/* Opens the configured database and applies pending migrations. */
int cli_open_db(db_conn **out, cli_args *a);
/* The principal that command-line changes are recorded under ("cli:root"). */
void cli_principal(principal *out);
/* Reads one line from standard input (prompting when it is a terminal). */
int cli_read_password(char *out, size_t size, const char *prompt);

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_unit(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_programme(int argc, char **argv);
int cmd_registry(int argc, char **argv);
int cmd_stmap(int argc, char **argv);
int cmd_market(int argc, char **argv);
int cmd_network(int argc, char **argv);
int cmd_values(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_remind(int argc, char **argv);
int cmd_index(int argc, char **argv);

#endif
