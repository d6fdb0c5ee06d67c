/* validation: the plausibility rules an indicator's values must meet
 * (migration 0018). Three kinds: bounds (min and/or max, for every unit or
 * one unit's own), a jump against the same unit's previous period (beyond
 * ±percent), and a comparison of two formulas over the same unit and
 * period ({DN-KHCN} <= {DN}). A hard rule refuses the value; a soft one
 * lets it be saved only with a note and flags it for the reviewer. An
 * indicator whose rules were never set follows its measure's defaults:
 * 0–100 for a percentage, at least 0 for any other measure but a rate
 * per year (none without a measure), and a soft jump check at ±50 %. */
#ifndef NQ57_VALIDATION_H
#define NQ57_VALIDATION_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "domain/programme/value.h"

#define VALIDATION_DEFAULT_JUMP 50.0

/* {indicator_id, code, measure, defaults (true while never set), rules:
 * [{id, kind, hard, unit_code, unit_name, min, max, percent, left, op,
 * right, name_vi, name_en}]}. ERR_NOTFOUND. */
int validation_rules_get(json_t **out, db_conn *db, int64_t indicator_id);

/* Replaces the indicator's rules with in's {"rules": [...]} (null: back
 * to the defaults), audited. ERR_INVALID naming the rule and field. */
int validation_rules_set(db_conn *db, const principal *who, int64_t indicator_id, const json_t *in);

/* {ok, hard: [violation], soft: [violation]} for value at k, saving
 * nothing; a violation is {rule, kind, hard, name_vi, name_en, template,
 * params, message}. */
int validation_check(json_t **out, db_conn *db, const value_key *k, double value);

/* What saving or submitting value at k with note asks: ERR_INVALID with
 * the first hard rule's message, or, when soft rules are broken and note
 * is empty, a message asking for a note. Else 0 with *flags (malloc, the
 * caller frees) the soft violations as JSON text, or NULL for none. */
int validation_enforce(char **flags, db_conn *db, const value_key *k, double value, const char *note);

/* Each indicator's hard bounds for every unit (NaN: none), for forecasts,
 * in one query: fn(ctx, id, lo, hi) in order of id. */
int validation_bounds_each(db_conn *db, void (*fn)(void *ctx, int64_t indicator_id, double lo, double hi), void *ctx);

/* {unit, from, to, total, violations: [{indicator_id, indicator_code,
 * indicator_name, unit_id, unit_code, unit_name, period, period_label_vi,
 * period_label_en, value, status, ...violation}]}: every stored value in
 * unit_id's subtree whose period lies within from..to (codes, NULL: open)
 * checked against its indicator's rules, at most limit listed. */
int validation_analysis(json_t **out, db_conn *db, int64_t unit_id, const char *from, const char *to, int64_t limit);

/* The top unit of the hierarchy (the analysis' default). ERR_NOTFOUND. */
int validation_default_unit(int64_t *out, db_conn *db);

/* For imports, which check many rows and save them set-at-a-time: each
 * indicator's hard bounds are loaded once per cache. validation_cache_bounds
 * answers ERR_INVALID with the rule's message when value breaks one.
 * (Soft rules and rules across indicators are checked when the imported
 * drafts are submitted.) */
typedef struct validation_cache validation_cache;
int validation_cache_new(validation_cache **out);
void validation_cache_free(validation_cache *c);      /* NULL is fine */
int validation_cache_bounds(validation_cache *c, db_conn *db, int64_t indicator_id, int64_t unit_id, double value);

#endif
