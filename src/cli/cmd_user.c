/* nq57 user: add people, set passwords, disable and enable them, grant
 * roles, list them — as the operator, recorded in the audit trail. */
#include "cli/cli.h"
#include "domain/people/password.h"
#include "domain/people/person.h"
#include "domain/people/unit.h"
#include "util/err.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum { OPT_NAME, OPT_EMAIL, OPT_ROLE, OPT_UNIT };
static const char *const own_options[] = { "name", "email", "role", "unit", NULL };

typedef struct user_cmd {
	cli_args args;
	db_conn *db;
	principal cli;
	char login[72];   /* lower-cased, as stored */
} user_cmd;

static int unit_by_code(int64_t *out, db_conn *db, const char *code)
{
	int rc = unit_id_by_code(out, db, code);
	if (rc == 0 && !*out)
		return err_set(ERR_NOTFOUND, "no unit with code '%s'", code);
	return rc;
}

static int need_login(user_cmd *u, const char *verb)
{
	if (u->args.n_pos != 2)
		return err_set(ERR_INVALID, "usage: nq57 user %s LOGIN (see nq57 user --help)", verb);
	const char *given = u->args.pos[1];
	size_t i = 0;
	for (; given[i] && i + 1 < sizeof(u->login); i++)
		u->login[i] = (char)tolower((unsigned char)given[i]);
	u->login[i] = '\0';
	return 0;
}

static int user_add(user_cmd *u)
{
	const char *role = u->args.vals[OPT_ROLE], *unit = u->args.vals[OPT_UNIT];
	char password[PASSWORD_MAX_LEN + 2];
	struct person_grant_new g;
	person_new p = { .name = u->args.vals[OPT_NAME], .email = u->args.vals[OPT_EMAIL], .password = password };
	int64_t id;
	int rc;
	if ((rc = need_login(u, "add")) < 0)
		return rc;
	p.login = u->login;
	if (!p.name)
		return err_set(ERR_INVALID, "nq57 user add needs --name");
	if ((role == NULL) != (unit == NULL))
		return err_set(ERR_INVALID, "--role and --unit go together");
	if (role) {
		if ((rc = unit_by_code(&g.unit_id, u->db, unit)) < 0)
			return rc;
		g.role = role;
		p.grants = &g;
		p.n_grants = 1;
	}
	if ((rc = cli_read_password(password, sizeof(password), "Mật khẩu / password: ")) < 0 ||
	    (rc = person_add(&id, u->db, &u->cli, &p)) < 0)
		return rc;
	printf("added person '%s' (id %lld)%s%s%s%s\n", u->login, (long long)id, role ? " as " : "", role ? role : "",
		role ? " of " : "", role ? unit : "");
	return 0;
}

static int user_change(user_cmd *u, const char *verb, person_change *c, const char *done)
{
	int64_t id;
	int rc;
	if ((rc = need_login(u, verb)) < 0 || (rc = person_id_by_login(&id, u->db, u->login)) < 0 ||
	    (rc = person_update(u->db, &u->cli, id, c)) < 0)
		return rc;
	printf("%s '%s'\n", done, u->login);
	return 0;
}

static int user_passwd(user_cmd *u)
{
	char password[PASSWORD_MAX_LEN + 2];
	person_change c = { .active = -1, .password = password };
	int rc;
	if ((rc = need_login(u, "passwd")) < 0 ||
	    (rc = cli_read_password(password, sizeof(password), "Mật khẩu mới / new password: ")) < 0)
		return rc;
	return user_change(u, "passwd", &c, "password changed for");
}

static int user_grant(user_cmd *u)
{
	const char *role = u->args.vals[OPT_ROLE], *unit = u->args.vals[OPT_UNIT];
	int64_t id, unit_id, grant_id;
	int rc;
	if ((rc = need_login(u, "grant")) < 0)
		return rc;
	if (!role || !unit)
		return err_set(ERR_INVALID, "nq57 user grant needs --role and --unit");
	if ((rc = person_id_by_login(&id, u->db, u->login)) < 0 || (rc = unit_by_code(&unit_id, u->db, unit)) < 0 ||
	    (rc = person_grant(&grant_id, u->db, &u->cli, id, role, unit_id)) < 0)
		return rc;
	printf("granted %s of %s to '%s'\n", role, unit, u->login);
	return 0;
}

static int user_list(user_cmd *u)
{
	json_t *out;
	int rc = person_list(&out, u->db, NULL, 0, 100000, 0);
	if (rc < 0)
		return rc;
	size_t i, j;
	json_t *p, *g;
	json_array_foreach(json_object_get(out, "people"), i, p) {
		printf("%-20s %-30s %s", json_string_value(json_object_get(p, "login")),
			json_string_value(json_object_get(p, "name")),
			json_is_true(json_object_get(p, "active")) ? "active" : "disabled");
		json_array_foreach(json_object_get(p, "grants"), j, g) printf(" %s@%s", json_string_value(json_object_get(g, "role")),
			json_string_value(json_object_get(g, "unit_code")) ? json_string_value(json_object_get(g, "unit_code")) : "?");
		putchar('\n');
	}
	json_decref(out);
	return 0;
}

static int run(user_cmd *u)
{
	const char *verb = u->args.n_pos ? u->args.pos[0] : "";
	person_change off = { .active = 0 }, on = { .active = 1 };
	if (strcmp(verb, "add") == 0)
		return user_add(u);
	if (strcmp(verb, "passwd") == 0)
		return user_passwd(u);
	if (strcmp(verb, "disable") == 0)
		return user_change(u, "disable", &off, "disabled");
	if (strcmp(verb, "enable") == 0)
		return user_change(u, "enable", &on, "enabled");
	if (strcmp(verb, "grant") == 0)
		return user_grant(u);
	if (strcmp(verb, "list") == 0)
		return user_list(u);
	return err_set(ERR_INVALID, "unknown 'nq57 user %s' (add, passwd, disable, enable, grant, list)", verb);
}

int cmd_user(int argc, char **argv)
{
	user_cmd u = { 0 };
	int rc;
	if ((rc = cli_parse(&u.args, argc, argv, own_options)) < 0)
		return cli_fail("%s", err_msg());
	if ((rc = cli_open_db(&u.db, &u.args)) < 0)
		return cli_fail("%s", err_msg());
	cli_principal(&u.cli);
	rc = run(&u);
	db_close(u.db);
	return rc < 0 ? cli_fail("%s", err_msg()) : 0;
}
