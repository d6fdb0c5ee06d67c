/* cli: the nq57 command and its subcommands, listed in one table in main.c.
 * Each command parses its own flags, prints one-line errors to stderr as
 * "nq57: error: ..." and returns the process exit status. */
#ifndef NQ57_CLI_H
#define NQ57_CLI_H

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

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
