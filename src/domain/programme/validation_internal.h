/* validation_internal: what validation.c (rules: loading, checking,
 * setting) shares with validation_analysis.c (the analysis over a subtree
 * and periods). Private to the two. */
#ifndef NQ57_VALIDATION_INTERNAL_H
#define NQ57_VALIDATION_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "analytics/expr.h"
#include "db/db.h"
#include "util/arena.h"

#define RULES_MAX 64

enum { RULE_BOUNDS, RULE_JUMP, RULE_COMPARE };

typedef struct vrule {
	int64_t id;                 /* 0: a default of the measure */
	int64_t unit_id;            /* bounds of this unit only; 0: every unit */
	int kind;
	bool hard;
	double min, max, percent;   /* NaN: none */
	const char *op, *left, *right, *name_vi, *name_en, *unit_code, *unit_name;
	expr *le, *re;              /* compare: compiled */
} vrule;

typedef struct indicator_info {
	int64_t id;
	const char *code, *measure;
	bool rules_set, derived;
} indicator_info;

/* What a rule is checked with: the value, and a look-up of the unit's
 * other figures (the value itself where asked for its own key). */
typedef struct vctx {
	const indicator_info *I;
	int64_t unit_id;
	const char *period;
	double value;
	int (*get)(double *out, struct vctx *c, const char *code, const char *period);
	db_stmt *by_code;
	void *data;
} vctx;

/* A nullable text column copied into a (NULL when null). */
const char *validation__text_or_null(arena *a, db_stmt *s, int i);
/* The rules of indicator I (its own, or the defaults of its measure; with
 * others, those of other indicators that name it too), at most RULES_MAX. */
int validation__rules_load(vrule *r, int *n, db_conn *db, arena *a, const indicator_info *I, bool others);
/* Whether rule r is broken by c's value. */
int validation__rule_check(bool *broken, vctx *c, const vrule *r);
/* The rule r as a violation: its kind, hardness, names and message. */
json_t *validation__violation(const vrule *r);

#endif
