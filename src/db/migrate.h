/* migrate: the numbered schema migrations compiled into the binary, applied
 * in one transaction, and a description of the resulting schema. */
#ifndef NQ57_MIGRATE_H
#define NQ57_MIGRATE_H

#include <jansson.h>

#include "db/db.h"

struct migration {
	const char *dialect;   /* "sqlite" or "postgresql"'s folder name "postgres" */
	int version;
	const char *name;
	const char *sql;
};

/* Generated from sql/ by tools/embed.c; ends with an all-zero entry. */
extern const struct migration migrations[];

/* The newest version known to this binary for the connection's dialect. */
int migrate_latest(db_kind kind);
/* The version the database is at (0 when it has no schema yet). */
int migrate_current(int *out, db_conn *c);
/* Applies every pending migration in one transaction; *n_applied tells how
 * many. ERR_CONFLICT if the database is newer than this binary. */
int migrate_apply(int *n_applied, db_conn *c);
/* {"table": ["column", ...], ...} for every table of the application,
 * tables and columns sorted by name. *out is owned by the caller. */
int migrate_describe(json_t **out, db_conn *c);

#endif
