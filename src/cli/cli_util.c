/* cli_util: what the subcommands share — one argument parser, opening the
 * database (migrated) and the principal that command-line changes are
 * recorded under. */
#include "cli/cli.h"
#include "cli/config.h"
#include "db/migrate.h"
#include "util/err.h"

#include <pwd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int own_index(const char *const *own, const char *name, size_t n, bool *is_flag)
{
	for (int i = 0; own && own[i]; i++) {
		size_t len = strlen(own[i]);
		bool flag = len > 0 && own[i][len - 1] == '!';
		if ((flag ? len - 1 : len) == n && strncmp(own[i], name, n) == 0) {
			*is_flag = flag;
			return i;
		}
	}
	return -1;
}

int cli_parse(cli_args *a, int argc, char **argv, const char *const *own)
{
	int rc;
	memset(a, 0, sizeof(*a));
	if ((rc = config_load_env(&a->cfg)) < 0)
		return rc;
	/* Commands print their own result; routine log lines (migrations
	 * applied) stay out of the way unless asked for. */
	if (!getenv("NQ57_LOG"))
		a->cfg.log_level = "warn";
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			if (a->n_pos >= CLI_MAX_POS)
				return err_set(ERR_INVALID, "too many arguments (see nq57 %s --help)", argv[0]);
			a->pos[a->n_pos++] = arg;
			continue;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		bool flag = false;
		int k = own_index(own, name, n, &flag);
		const char *value;
		if (flag) {
			if (eq)
				return err_set(ERR_INVALID, "option --%.*s takes no value", (int)n, name);
			value = "1";
		} else if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			return err_set(ERR_INVALID, "option --%.*s needs a value", (int)n, name);
		}
		if (k >= 0) {
			a->vals[k] = value;
		} else if ((n == 2 && strncmp(name, "db", 2) == 0) || (n == 3 && strncmp(name, "log", 3) == 0)) {
			char opt[4];
			snprintf(opt, sizeof(opt), "%.*s", (int)n, name);
			if ((rc = config_set(&a->cfg, opt, value)) < 0)
				return rc;
		} else {
			return err_set(ERR_INVALID, "unknown option --%.*s for %s (see nq57 %s --help)", (int)n, name,
				argv[0], argv[0]);
		}
	}
	/* nothing is created until a command opens the database: `index run`
	 * reads two files and writes only to standard output */
	return config_check_db_url(&a->cfg);
}

int cli_open_db(db_conn **out, cli_args *a)
{
	int rc, applied;
	*out = NULL;
	if ((rc = config_check_db(&a->cfg)) < 0 || (rc = db_open(out, a->cfg.db_url)) < 0)
		return rc;
	if ((rc = migrate_apply(&applied, *out)) < 0) {
		db_close(*out);
		*out = NULL;
	}
	return rc;
}

void cli_principal(principal *out)
{
	static _Thread_local char login[64];
	struct passwd *pw = getpwuid(geteuid());
	snprintf(login, sizeof(login), "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
	memset(out, 0, sizeof(*out));
	out->login = login;
	out->name = login;
	out->cli = true;
}

int cli_read_password(char *out, size_t size, const char *prompt)
{
	bool tty = isatty(STDIN_FILENO);
	if (tty)
		fprintf(stderr, "%s", prompt);
	if (!fgets(out, (int)size, stdin))
		return err_set(ERR_INVALID, "no password given on standard input");
	size_t n = strcspn(out, "\r\n");
	if (out[n] == '\0' && n == size - 1)
		return err_set(ERR_INVALID, "the password is longer than %zu bytes", size - 2);
	out[n] = '\0';
	return 0;
}
