/* session: signing in and out, cookie sessions, API tokens, sign-in
 * throttling, and loading a person's grants into a principal. */
#ifndef NQ57_SESSION_H
#define NQ57_SESSION_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "domain/people/password.h"
#include "util/arena.h"

#define SESSION_TTL_SECONDS (12 * 3600)
#define SIGNIN_FREE_FAILURES 5          /* failures in a row before waiting */
#define SIGNIN_FIRST_WAIT_SECONDS 30    /* doubles with each further failure */
#define SIGNIN_MAX_WAIT_SECONDS 900
#define TOKEN_PREFIX "nq57_"

typedef struct signin_result {
	char token[SECRET_SIZE];   /* the cookie value; only its hash is stored */
	char csrf[SECRET_SIZE];
	int64_t person_id;
	long retry_after;          /* seconds, when ERR_TOOMANY */
} signin_result;

/* Checks login and password and opens a session. ERR_UNAUTHORIZED for a
 * wrong login or password or a disabled person (one message for all);
 * ERR_TOOMANY with r->retry_after after too many failures in a row for
 * the login or the address. */
int session_signin(signin_result *r, db_conn *db, const char *login, const char *password, const char *address);

/* Fills *p (strings and grants from a) for a live session token: not
 * expired, not revoked, person active. Returns 0 and p->person_id 0 (an
 * anonymous principal) when the token is unknown or dead; csrf (arena)
 * is the session's CSRF token. */
int session_resolve(principal *p, const char **csrf, db_conn *db, arena *a, const char *token);
/* The same for an API token ("nq57_..."). */
int token_resolve(principal *p, db_conn *db, arena *a, const char *token);

/* Ends the session (idempotent), recorded in the audit trail. */
int session_signout(db_conn *db, const principal *who, const char *token);

/* Changes who's own password after checking the current one, ends the
 * person's other sessions. keep_token: the session to keep (may be NULL). */
int session_change_password(db_conn *db, const principal *who, const char *current, const char *next,
	const char *keep_token);

/* API tokens of who: {"tokens": [...]} newest first. */
int token_list(json_t **out, db_conn *db, const principal *who);
/* Creates a token named name, valid days days (0: no end); *out gets
 * {"id", "name", "token" (shown once), "prefix", "created_at", "expires_at"}. */
int token_create(json_t **out, db_conn *db, const principal *who, const char *name, int days);
/* Revokes token id of who. ERR_NOTFOUND if who has no such token. */
int token_revoke(db_conn *db, const principal *who, int64_t id);

/* Loads person id's login, name and grants into *p (arena a). ERR_NOTFOUND
 * if there is no such person; an inactive person, or one who must change
 * a password an administrator set, loads with no grants. */
int principal_load(principal *p, db_conn *db, arena *a, int64_t person_id);
/* {"person": {...}, "grants": [{"role", "unit_id", "unit_code", "unit_name"}],
 * "must_change_password"} */
int principal_json(json_t **out, db_conn *db, const principal *p);

#endif
