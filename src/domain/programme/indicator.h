/* indicator: the programme's indicators (chỉ tiêu) — name, measure,
 * direction, how values combine over units, baseline, targets by period
 * and unit, and for derived indicators a formula over other indicators. */
#ifndef NQ57_INDICATOR_H
#define NQ57_INDICATOR_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/arena.h"

extern const char *const indicator_directions[];    /* up, down, exact */
extern const char *const indicator_aggregations[];  /* sum, mean, weighted_mean, min, max, none */

/* {"indicators": [...], "total"}; q matches the code or the folded
 * Vietnamese name; document_id (0: any) keeps those of its objectives. */
int indicator_list(json_t **out, db_conn *db, const char *q, int64_t document_id, int64_t limit, int64_t offset);
/* One indicator with its "targets" [{unit_id, unit_code, period, value}]
 * and, when derived, "operands" (the codes its formula uses). */
int indicator_get(json_t **out, db_conn *db, int64_t id);
/* The id of the indicator with this code. ERR_NOTFOUND. */
int indicator_id_by_code(int64_t *out, db_conn *db, const char *code);
/* The owner unit's path (NULL if none), for authorisation. */
int indicator_owner_path(const char **out, db_conn *db, arena *a, int64_t id);

/* Creates an indicator from JSON (see the API description in README.md).
 * A formula must compile and name existing indicators, without cycles;
 * targets name a unit (unit_id or unit_code) and a period code. Every
 * problem is ERR_INVALID naming the field. */
int indicator_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* The same inside the caller's open write transaction (for loaders). */
int indicator_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* The kinds of unit that report an indicator (its reporting level), from
 * JSON ["commune", "department"] as stored ("commune,department"; *out
 * malloc'd) or NULL for null or absent: every kind. ERR_INVALID naming a
 * kind that is not one. */
int indicator_report_kinds(char **out, const json_t *in);
/* Sets the reporting level from {"report_kinds": [...] | null}, audited. */
int indicator_set_report_kinds(db_conn *db, const principal *who, int64_t id, const json_t *in);
/* Replaces the targets with in = [{unit_id | unit_code, period, value}]. */
int indicator_set_targets(db_conn *db, const principal *who, int64_t id, const json_t *in);

#endif
