/* authz: the role × action policy and the subtree rule. */
#include "domain/authz.h"
#include "util/err.h"

#include <string.h>

static const char *const role_names[ROLE_COUNT] = { "admin", "steering", "officer", "viewer" };

static const char *const action_names[ACT_COUNT] = {
	"read units", "change units", "read people", "change people", "read the audit trail",
	"report", "assign work", "approve reports",
};

/* What each role may do within its subtree. */
static const bool policy[ROLE_COUNT][ACT_COUNT] = {
	[ROLE_ADMIN] = { [ACT_UNIT_READ] = true, [ACT_UNIT_WRITE] = true, [ACT_PERSON_READ] = true,
			 [ACT_PERSON_WRITE] = true, [ACT_AUDIT_READ] = true, [ACT_REPORT_WRITE] = true,
			 [ACT_ASSIGN] = true, [ACT_APPROVE] = true },
	[ROLE_STEERING] = { [ACT_UNIT_READ] = true, [ACT_PERSON_READ] = true, [ACT_AUDIT_READ] = true,
			    [ACT_ASSIGN] = true, [ACT_APPROVE] = true },
	[ROLE_OFFICER] = { [ACT_UNIT_READ] = true, [ACT_REPORT_WRITE] = true },
	[ROLE_VIEWER] = { [ACT_UNIT_READ] = true },
};

/* Reads the steering office may do anywhere, not only in its subtree. */
static const bool steering_everywhere[ACT_COUNT] = {
	[ACT_UNIT_READ] = true, [ACT_PERSON_READ] = true, [ACT_AUDIT_READ] = true,
};

const char *role_name(role r) { return r >= 0 && r < ROLE_COUNT ? role_names[r] : "unknown"; }
const char *action_name(action a) { return a >= 0 && a < ACT_COUNT ? action_names[a] : "unknown"; }

int role_parse(const char *s)
{
	for (int r = 0; s && r < ROLE_COUNT; r++)
		if (strcmp(s, role_names[r]) == 0)
			return r;
	return -1;
}

bool authz_path_within(const char *outer, const char *inner)
{
	size_t n = strlen(outer);
	return n > 0 && strncmp(outer, inner, n) == 0;
}

bool authz_sees_all(const principal *p)
{
	if (p->cli)
		return true;
	for (int i = 0; i < p->n_grants; i++)
		if (p->grants[i].role == ROLE_STEERING)
			return true;
	return false;
}

static bool grant_allows(const grant *g, action a, const char *unit_path)
{
	if (!policy[g->role][a])
		return false;
	if (!unit_path)
		return true;
	if (g->role == ROLE_STEERING && steering_everywhere[a])
		return true;
	return authz_path_within(g->unit_path, unit_path);
}

int authz_check(const principal *p, action a, const char *unit_path)
{
	if (p->cli)
		return 0;
	if (p->person_id == 0)
		return err_set(ERR_UNAUTHORIZED, "sign in to %s", action_name(a));
	for (int i = 0; i < p->n_grants; i++)
		if (grant_allows(&p->grants[i], a, unit_path))
			return 0;
	if (unit_path)
		return err_set(ERR_FORBIDDEN, "%s may not %s for this unit", p->login ? p->login : "this person",
			action_name(a));
	return err_set(ERR_FORBIDDEN, "%s may not %s", p->login ? p->login : "this person", action_name(a));
}
