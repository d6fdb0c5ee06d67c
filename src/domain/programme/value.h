/* value: the figure a unit reports for an indicator and a period, and its
 * review: draft -> submitted -> approved, or returned with a reason and
 * then saved and submitted again. Every step is kept in
 * indicator_value_history and the audit trail (a state an import gave a
 * value is written there when the value next changes: migration 0012). A submission after the
 * period's deadline (its end plus the programme's report_deadline_days
 * setting, 15 by default) is marked late. */
#ifndef NQ57_VALUE_H
#define NQ57_VALUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/arena.h"

#define VALUE_DEFAULT_DEADLINE_DAYS 15

typedef struct value_key {
	int64_t indicator_id;
	int64_t unit_id;
	char period[16];      /* canonical code */
} value_key;

/* Resolves {indicator_id | indicator_code, unit_id | unit_code, period}
 * from JSON. ERR_INVALID naming the field; a derived indicator is refused
 * (its values are computed). *unit_path (arena a) is for authorisation. */
int value_key_read(value_key *out, const char **unit_path, db_conn *db, arena *a, const json_t *in);

/* Saves a draft (creating the value, or changing a draft or returned
 * one). ERR_CONFLICT when it is submitted or approved. */
int value_save(int64_t *out_id, db_conn *db, const principal *who, const value_key *k, double value, const char *note);

/* The same inside the caller's open write transaction; *created (may be
 * NULL) tells whether the value is new. */
int value_save_in_tx(int64_t *out_id, bool *created, db_conn *db, const principal *who, const value_key *k, double value,
	const char *note);

typedef enum value_step { VALUE_SUBMIT, VALUE_APPROVE, VALUE_RETURN } value_step;

/* Moves value id one step (return needs a reason). ERR_CONFLICT naming
 * the state when the step does not apply. */
int value_step_apply(db_conn *db, const principal *who, int64_t id, value_step step, const char *reason);
/* The same inside the caller's open write transaction. */
int value_step_in_tx(db_conn *db, const principal *who, int64_t id, value_step step, const char *reason);

/* The unit path and status of value id (arena a). ERR_NOTFOUND. */
int value_lookup(const char **unit_path, const char **status, db_conn *db, arena *a, int64_t id);

/* One value with its "history". */
int value_get(json_t **out, db_conn *db, int64_t id);

/* Deletes value id (the caller has checked it is a draft or returned)
 * with its history and evidence links, inside the caller's write
 * transaction, and says so in the audit trail (indicator, unit and period
 * codes as its before). */
int value_delete_in_tx(db_conn *db, const principal *who, int64_t id, const char *ind, const char *unit, const char *period);

typedef struct value_filter {
	int64_t indicator_id, unit_id;
	const char *period, *status;
	const principal *who;    /* sees approved values of public indicators,
				    and others where it may read the unit */
	bool mine;               /* only units within who's grants to report (officer, admin) */
	bool to_approve;         /* only units within who's grants to approve (steering, admin) */
	int64_t limit, offset;
} value_filter;

int value_list(json_t **out, db_conn *db, const value_filter *f);

#endif
