/* authz: who may do what, decided here and nowhere else. A person holds
 * roles, each granted on one unit and reaching that unit's whole subtree.
 * Every handler that reads something private or writes anything calls
 * authz_check (through api_require) before it touches the database. */
#ifndef NQ57_AUTHZ_H
#define NQ57_AUTHZ_H

#include <stdbool.h>
#include <stdint.h>

typedef enum role {
	ROLE_ADMIN,      /* everything within the subtree, people included */
	ROLE_STEERING,   /* steering office: sees all; assigns and approves in its subtree */
	ROLE_OFFICER,    /* unit officer: reports for its own subtree */
	ROLE_VIEWER,     /* reads its subtree */
	ROLE_COUNT
} role;

typedef enum action {
	ACT_UNIT_READ,     /* see a unit that is not public, and its people */
	ACT_UNIT_WRITE,    /* create under, edit, move, import units */
	ACT_PERSON_READ,   /* list people and their grants */
	ACT_PERSON_WRITE,  /* add, edit, disable people; grant and revoke roles */
	ACT_AUDIT_READ,    /* the audit trail */
	ACT_REPORT_WRITE,  /* enter and submit values and reports */
	ACT_ASSIGN,        /* assign tasks and indicators to units */
	ACT_APPROVE,       /* approve or return submitted reports */
	ACT_REGISTRY_WRITE, /* create and change records of the ecosystem registry */
	ACT_COUNT
} action;

typedef struct grant {
	role role;
	int64_t unit_id;
	const char *unit_path;   /* materialised path "/1/5/" of unit_id */
} grant;

/* The one acting: a signed-in person, a person's API token, the command
 * line (person_id 0, cli true) or nobody (person_id 0: anonymous). */
typedef struct principal {
	int64_t person_id;
	const char *login;
	const char *name;
	bool cli;                /* nq57 on the command line: may do anything */
	bool via_token;          /* authenticated by an API token, not a cookie */
	int n_grants;
	const grant *grants;
	int n_orgs;              /* organisations whose profile this person edits */
	const int64_t *orgs;     /* (the organisation editor role) */
} principal;

/* "admin", "steering", "officer", "viewer"; role_parse returns -1 for others. */
const char *role_name(role r);
int role_parse(const char *s);
const char *action_name(action a);

/* True if the path `inner` lies in the subtree rooted at the path `outer`. */
bool authz_path_within(const char *outer, const char *inner);

/* 0 if p may do a on the unit whose path is unit_path (NULL for actions not
 * about one unit: then any grant that allows a somewhere suffices).
 * ERR_UNAUTHORIZED for anonymous, ERR_FORBIDDEN naming the action. */
int authz_check(const principal *p, action a, const char *unit_path);

/* Whether p may read everything regardless of unit (steering, CLI, an
 * administrator of a root unit is not enough: it sees its tree). */
bool authz_sees_all(const principal *p);

/* Whether p may change the organisation org_id: the registry's writers
 * (ACT_REGISTRY_WRITE anywhere, the command line) and its organisation
 * editors. */
bool authz_edits_organisation(const principal *p, int64_t org_id);
/* Whether p writes the registry itself (not only as an organisation editor). */
bool authz_registry_writer(const principal *p);

#endif
