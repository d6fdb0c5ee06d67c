/* person: people who sign in, and the roles they hold on unit subtrees.
 * Every change is one transaction that also appends to the audit trail;
 * password hashes never leave this module (nor enter the audit trail). */
#ifndef NQ57_PERSON_H
#define NQ57_PERSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/arena.h"

typedef struct person_new {
	const char *login;      /* 3-64 of a-z 0-9 . _ - (lower-cased) */
	const char *name;
	const char *email;      /* may be NULL */
	const char *password;
	int n_grants;
	const struct person_grant_new { const char *role; int64_t unit_id; } *grants;
} person_new;

/* Adds a person (and grants). ERR_INVALID for a bad field, ERR_CONFLICT
 * for a taken login, ERR_NOTFOUND for an unknown unit. */
int person_add(int64_t *out_id, db_conn *db, const principal *who, const person_new *p);

typedef struct person_change {
	const char *name;       /* NULL: unchanged */
	const char *email;      /* NULL: unchanged; "" clears */
	int active;             /* -1 unchanged, 0 disable, 1 enable */
	const char *password;   /* NULL: unchanged */
} person_change;

/* Changes a person; disabling ends their sessions and API tokens, a new
 * password ends their sessions (and, set by another signed-in person,
 * must be changed at the next sign-in). ERR_NOTFOUND for no such person;
 * ERR_CONFLICT for disabling oneself. */
int person_update(db_conn *db, const principal *who, int64_t id, const person_change *c);

/* Grants role on unit to person id; *out_grant_id is the new grant's id. */
int person_grant(int64_t *out_grant_id, db_conn *db, const principal *who, int64_t id, const char *role,
	int64_t unit_id);
/* Sets a new password for person id, who must change it at the next
 * sign-in; ends their sessions. ERR_CONFLICT for one's own (change it
 * with the current one instead), ERR_INVALID for a password the rule
 * refuses. */
int person_set_password(db_conn *db, const principal *who, int64_t id, const char *password);
/* Removes grant grant_id of person id; ERR_CONFLICT for an
 * administrator's own administrator grant. */
int person_revoke(db_conn *db, const principal *who, int64_t id, int64_t grant_id);

/* The person as JSON: {id, login, name, email, active, created_at,
 * must_change_password,
 * grants: [{id, role, unit_id, unit_code, unit_name}]}. */
int person_get(json_t **out, db_conn *db, int64_t id);
/* {"people": [...], "total": N} ordered by login; q matches login or the
 * folded name; unit_id (0: any) keeps those with a grant on that unit. */
int person_list(json_t **out, db_conn *db, const char *q, int64_t unit_id, int64_t limit, int64_t offset);

/* Id of the person with this login; ERR_NOTFOUND naming it. */
int person_id_by_login(int64_t *out, db_conn *db, const char *login);
/* The paths of the units person id holds grants on (arena a); *n may be 0. */
int person_grant_paths(const char ***out, int *n, db_conn *db, arena *a, int64_t id);
/* The path of a grant's unit (arena a). ERR_NOTFOUND. */
int grant_unit_path(const char **out, db_conn *db, arena *a, int64_t person_id, int64_t grant_id);

#endif
