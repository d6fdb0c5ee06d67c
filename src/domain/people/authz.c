/* authz: the role × action policy and the subtree rule. */
#include "domain/people/authz.h"
#include "util/err.h"

#include <string.h>

static const char *const role_names[ROLE_COUNT] = { "admin", "steering", "officer", "viewer" };

static const char *const action_names[ACT_COUNT] = {
	"read units", "change units", "read people", "change people", "read the audit trail",
	"report", "assign work", "approve reports", "change the registry",
};

/* What each role may do within its subtree. */
static const bool policy[ROLE_COUNT][ACT_COUNT] = {
	[ROLE_ADMIN] = { [ACT_UNIT_READ] = true, [ACT_UNIT_WRITE] = true, [ACT_PERSON_READ] = true,
			 [ACT_PERSON_WRITE] = true, [ACT_AUDIT_READ] = true, [ACT_REPORT_WRITE] = true,
			 [ACT_ASSIGN] = true, [ACT_APPROVE] = true, [ACT_REGISTRY_WRITE] = true },
	[ROLE_STEERING] = { [ACT_UNIT_READ] = true, [ACT_PERSON_READ] = true, [ACT_AUDIT_READ] = true,
			    [ACT_ASSIGN] = true, [ACT_APPROVE] = true, [ACT_REGISTRY_WRITE] = true },
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

/* Refusals, one message (template) per action, so that clients can say
 * them in their own language; the action is in the words, never a
 * parameter. */
static int authz__anonymous(action a)
{
	switch (a) {
	case ACT_UNIT_READ: return err_set(ERR_UNAUTHORIZED, "sign in to read units");
	case ACT_UNIT_WRITE: return err_set(ERR_UNAUTHORIZED, "sign in to change units");
	case ACT_PERSON_READ: return err_set(ERR_UNAUTHORIZED, "sign in to read people");
	case ACT_PERSON_WRITE: return err_set(ERR_UNAUTHORIZED, "sign in to change people");
	case ACT_AUDIT_READ: return err_set(ERR_UNAUTHORIZED, "sign in to read the audit trail");
	case ACT_REPORT_WRITE: return err_set(ERR_UNAUTHORIZED, "sign in to report");
	case ACT_ASSIGN: return err_set(ERR_UNAUTHORIZED, "sign in to assign work");
	case ACT_APPROVE: return err_set(ERR_UNAUTHORIZED, "sign in to approve reports");
	case ACT_REGISTRY_WRITE: return err_set(ERR_UNAUTHORIZED, "sign in to change the registry");
	default: return err_set(ERR_UNAUTHORIZED, "not signed in");
	}
}

static int authz__refuse(const char *login, action a, bool for_unit)
{
	if (for_unit) {
		switch (a) {
		case ACT_UNIT_READ: return err_set(ERR_FORBIDDEN, "%s may not read units for this unit", login);
		case ACT_UNIT_WRITE: return err_set(ERR_FORBIDDEN, "%s may not change units for this unit", login);
		case ACT_PERSON_READ: return err_set(ERR_FORBIDDEN, "%s may not read people for this unit", login);
		case ACT_PERSON_WRITE: return err_set(ERR_FORBIDDEN, "%s may not change people for this unit", login);
		case ACT_AUDIT_READ: return err_set(ERR_FORBIDDEN, "%s may not read the audit trail for this unit", login);
		case ACT_REPORT_WRITE: return err_set(ERR_FORBIDDEN, "%s may not report for this unit", login);
		case ACT_ASSIGN: return err_set(ERR_FORBIDDEN, "%s may not assign work for this unit", login);
		case ACT_APPROVE: return err_set(ERR_FORBIDDEN, "%s may not approve reports for this unit", login);
		case ACT_REGISTRY_WRITE: return err_set(ERR_FORBIDDEN, "%s may not change the registry for this unit", login);
		default: return err_set(ERR_FORBIDDEN, "%s may not do this for this unit", login);
		}
	}
	switch (a) {
	case ACT_UNIT_READ: return err_set(ERR_FORBIDDEN, "%s may not read units", login);
	case ACT_UNIT_WRITE: return err_set(ERR_FORBIDDEN, "%s may not change units", login);
	case ACT_PERSON_READ: return err_set(ERR_FORBIDDEN, "%s may not read people", login);
	case ACT_PERSON_WRITE: return err_set(ERR_FORBIDDEN, "%s may not change people", login);
	case ACT_AUDIT_READ: return err_set(ERR_FORBIDDEN, "%s may not read the audit trail", login);
	case ACT_REPORT_WRITE: return err_set(ERR_FORBIDDEN, "%s may not report", login);
	case ACT_ASSIGN: return err_set(ERR_FORBIDDEN, "%s may not assign work", login);
	case ACT_APPROVE: return err_set(ERR_FORBIDDEN, "%s may not approve reports", login);
	case ACT_REGISTRY_WRITE: return err_set(ERR_FORBIDDEN, "%s may not change the registry", login);
	default: return err_set(ERR_FORBIDDEN, "%s may not do this", login);
	}
}

int authz_check(const principal *p, action a, const char *unit_path)
{
	if (p->cli)
		return 0;
	if (p->person_id == 0)
		return authz__anonymous(a);
	for (int i = 0; i < p->n_grants; i++)
		if (grant_allows(&p->grants[i], a, unit_path))
			return 0;
	return authz__refuse(p->login ? p->login : "?", a, unit_path != NULL);
}

bool authz_registry_writer(const principal *p)
{
	if (p->cli)
		return true;
	for (int i = 0; i < p->n_grants; i++)
		if (policy[p->grants[i].role][ACT_REGISTRY_WRITE])
			return true;
	return false;
}

bool authz_edits_organisation(const principal *p, int64_t org_id)
{
	if (authz_registry_writer(p))
		return true;
	for (int i = 0; i < p->n_orgs; i++)
		if (p->orgs[i] == org_id)
			return true;
	return false;
}
