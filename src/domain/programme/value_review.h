/* value_review: reviewing indicator values many at a time and with their
 * context. A unit's drafts (and returned values) of a period are submitted,
 * and a reviewer's selection approved, each in one transaction: every row
 * is checked, and when any is refused nothing is saved and every refusal
 * is named. List items learn what the caller may do with them and why a
 * value was last returned; a reviewer's items also carry what a value is
 * judged by: the previous period's value, the target, the unit's trend. */
#ifndef NQ57_VALUE_REVIEW_H
#define NQ57_VALUE_REVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "domain/programme/value.h"
#include "util/arena.h"

#define VALUE_BULK_MAX 1000

/* The ids of unit_id's draft and returned values for period (canonical
 * code), in *out (arena a). ERR_CONFLICT naming the unit and period when
 * there are none. */
int value_ids_to_submit(int64_t **out, size_t *n, db_conn *db, arena *a, int64_t unit_id, const char *unit_code,
	const char *period);

/* Applies step (VALUE_SUBMIT or VALUE_APPROVE) to every value of ids[0..n)
 * in one transaction, checking that who may do it on each value's unit.
 * On success *out is {"count", "values": [...]}. When any row is refused
 * nothing is saved, the error names how many, and *refused (owned by the
 * caller) lists each: {id, indicator_code, unit_code, unit_name, period,
 * code, message, template, params}; the code is that of the refusals when
 * they all share one, else ERR_INVALID. */
int value_bulk_step(json_t **out, json_t **refused, db_conn *db, const principal *who, const int64_t *ids, size_t n,
	value_step step);

/* Adds to each item of values (value_list's array): period_label_vi/_en,
 * last_return {reason, at, by, by_name} or null, evidence, and
 * can {edit, submit, approve, return} for who. */
int value_items_detail(json_t *values, db_conn *db, const principal *who);

/* Adds to each item: previous {period, value, status} or null, target
 * {period, value, unit_id, unit_name, own} (the unit's, else its nearest
 * ancestor's: the first ending at or after the value's period, else the
 * last) or null, and trend [{period, value}] (the unit's last approved
 * values of the same kind of period before this one, oldest first). */
int value_items_context(json_t *values, db_conn *db);

/* The number of submitted values within the subtrees where who may approve. */
int value_count_waiting(int64_t *out, db_conn *db, const principal *who);

#endif
