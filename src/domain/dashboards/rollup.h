/* rollup: approved values combined over unit subtrees, live.
 *
 * The server keeps every approved value in memory, one column of doubles
 * per indicator and period with a cell per unit in the order of the unit
 * tree (a subtree is a contiguous range), plus the units, indicators,
 * formulas and targets. rollup_open brings that copy up to date with the
 * data_change log before each use (migration 0008: triggers log every
 * approved value set or withdrawn and every change of a unit, indicator or
 * target; since 0012 an insert is not logged by a trigger: values are
 * inserted as drafts, or by an import between rollup_pause and
 * rollup_resume), so what it answers is what the database holds at that moment;
 * nothing is rebuilt on a schedule.
 *
 * The roll-up of indicator I over unit U for period p:
 *   - the reporters are the top-most units of U's subtree that have an
 *     approved value: U itself if it has one, else for each child the
 *     same rule (a city's own figure wins over its communes' figures);
 *   - they are combined by I's aggregation: sum, mean, min, max,
 *     weighted_mean (weights: the weight indicator rolled up over each
 *     reporter's subtree, for the same period; reporters without a weight
 *     are left out), none (U's own value only);
 *   - a derived indicator is its formula over its inputs rolled up over U.
 * The tree is today's: a unit that moved counts under its new parent for
 * every period, so a series stays comparable across a reorganisation. */
#ifndef NQ57_ROLLUP_H
#define NQ57_ROLLUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "analytics/expr.h"
#include "db/db.h"
#include "util/period.h"

typedef enum rollup_aggregation { AGG_SUM, AGG_MEAN, AGG_WEIGHTED_MEAN, AGG_MIN, AGG_MAX, AGG_NONE } rollup_aggregation;
typedef enum rollup_direction { DIR_UP, DIR_DOWN, DIR_EXACT } rollup_direction;

typedef struct rollup_unit {
	int64_t id, parent_id;
	char *code, *name, *kind;
	int depth;
	bool active, public;
	int parent;   /* slot of the parent, -1 for a root */
	int end;      /* the subtree is the slots [own slot, end) */
} rollup_unit;

typedef struct rollup_target {
	int64_t unit_id;
	int period;   /* index into the view's periods */
	double value;
} rollup_target;

typedef struct rollup_indicator {
	int64_t id, document_id;
	char *code, *name_vi, *name_en, *measure;
	rollup_direction direction;
	rollup_aggregation aggregation;
	int weight;                    /* indicator index, -1 */
	bool derived;
	expr formula;
	int operand[EXPR_MAX_VARS];    /* indicator index of each formula variable, -1 if unknown */
	bool public;
	double baseline_value;         /* NaN if none */
	int baseline_year;
	double bound_min, bound_max;   /* hard bounds of every unit's values (validation.h); NaN if none */
	int n_targets;
	rollup_target *targets;
	int64_t values_seq;            /* the data_change entry that last changed its approved values */
	int64_t reload_seq;            /* the entry that last had all of them reloaded */
	int64_t presence_seq;          /* the entry that last gave a unit a value or took one away */
	int n_columns;                 /* allocated entries of columns and column_seq */
	double **columns;              /* [period][slot], NaN when no approved value; NULL when none at all */
	int64_t *column_seq;           /* [period]: the entry that last changed one value of the column */
	char *report_kinds;            /* "commune,department"; NULL: the kinds that have reported it */
	double threshold;              /* completeness (percent) a roll-up needs to be the headline */
	int *expected_before;          /* [slot]: expected reporters in slots [0, slot); n_units + 1 entries */
	int64_t expected_seq;          /* the entry expected_before was counted at */
} rollup_indicator;

typedef struct rollup_period {
	char code[16];
	period p;
	long first_day, last_day;      /* days since 1970-01-01 */
} rollup_period;

typedef struct rollup_cache rollup_cache;

/* A read-locked, current view of the cache. Everything in it is borrowed
 * until rollup_close. */
typedef struct rollup_view {
	rollup_cache *cache;
	int64_t seq;                   /* the last data_change entry applied */
	int64_t structure_seq;         /* the last entry that changed units, indicators, targets or periods */
	int n_units;
	const rollup_unit *units;      /* in tree order (by path) */
	int n_indicators;
	const rollup_indicator *indicators;   /* by id */
	int n_periods;
	const rollup_period *periods;  /* in the order first seen */
	const int *period_order;       /* indices of periods by first day, then last day */
	bool updating;                 /* a bulk change is being loaded: the figures are those before it */
} rollup_view;

int rollup_cache_new(rollup_cache **out);
void rollup_cache_free(rollup_cache *c);

/* From now on the reloads a bulk change asks for (an import's 'values'
 * entries) run on a thread of their own with a connection to db_url; a
 * rollup_open in the first wait_ms milliseconds of a load waits for it
 * to end, later ones answer at once with the copy as it was
 * (view.updating). The changes logged after a bulk one wait until it is
 * loaded. Without it (the command line) rollup_open loads them itself. */
int rollup_cache_background(rollup_cache *c, const char *db_url, long wait_ms);

/* Applies the data_change entries after the last one seen (loading
 * everything the first time) and read-locks the cache. Many views may be
 * open at once; rollup_close releases each. */
int rollup_open(rollup_view *v, rollup_cache *c, db_conn *db);
void rollup_close(rollup_view *v);

/* A bulk write of approved values inside the caller's open write
 * transaction: rollup_pause stops the per-value log entries (for this
 * transaction only); rollup_resume logs instead that the approved values
 * of the indicators selected by indicators_sql (one column named id) have
 * changed, and the cache reloads those indicators. */
int rollup_pause(db_conn *db);
int rollup_resume(db_conn *db, const char *indicators_sql);

/* What indicator k's figures depend on changed last at this data_change
 * entry: its approved values, those of its formula's inputs and of its
 * weight indicator, or the structure (units, indicators, targets,
 * periods). Figures of k computed at the same version are the same. */
int64_t rollup_indicator_version(const rollup_view *v, int k);

/* The same for its figures of period pi alone. */
int64_t rollup_figure_version(const rollup_view *v, int k, int pi);

/* rollup_value of indicator k over slot (-1: the whole tree) for every
 * period pi < v->n_periods that ends by day until (the others NaN, with 0
 * reporters), into value[] and reporters[], and where there is a figure
 * its rollup_completeness into approved[] and expected[] (else 0), each
 * v->n_periods long. Figures computed before are reused while their
 * rollup_figure_version (and the expected reporters) hold, so after a
 * change only the periods it touched are rolled up again. */
int rollup_series(const rollup_view *v, int k, int slot, long until, double *value, int *reporters, int *approved,
	int *expected);

/* Results computed from a view, kept under key with the version of what
 * they came from (say rollup_indicator_version): rollup_memo_get returns a
 * new reference, or NULL when nothing is kept at that version;
 * rollup_memo_put keeps a reference to value unless a newer version is
 * kept. Thread-safe. */
json_t *rollup_memo_get(const rollup_view *v, const char *key, int64_t version);
void rollup_memo_put(const rollup_view *v, const char *key, int64_t version, json_t *value);

/* The same for large results kept as text (a JSON string): at most
 * TEXT_MEMO_BYTES of them in all, the oldest forgotten first. */
json_t *rollup_memo_text_get(const rollup_view *v, const char *key, int64_t version);
void rollup_memo_text_put(const rollup_view *v, const char *key, int64_t version, json_t *text);

/* Lookups: -1 when absent. A period is known once a value or a target
 * names it. */
int rollup_unit_slot(const rollup_view *v, int64_t unit_id);
int rollup_indicator_index(const rollup_view *v, int64_t id);
int rollup_indicator_by_code(const rollup_view *v, const char *code);
int rollup_period_index(const rollup_view *v, const char *code);

/* The roll-up of indicator ind over the unit in slot (-1: every root
 * together) for period pi; NaN when nothing is known. *reporters (may be
 * NULL) gets how many units' values went into it (for a derived indicator,
 * the fewest of its inputs'). */
double rollup_value(const rollup_view *v, int ind, int slot, int pi, int *reporters);

/* Completeness of the roll-up of indicator ind over slot (-1: the whole
 * tree) for period pi. The expected reporters are the active units of the
 * subtree whose kind is in the indicator's report_kinds (when it has none:
 * the kinds of the units that have approved values of it) and that have
 * no such unit below them (a unit above reporters is covered by them, or
 * by its own figure, which covers them all); *expected gets
 * how many, and the result is how many of them are covered by an approved
 * value: their own, or that of a unit above them within the subtree (the
 * roll-up's top-most reporters). For a derived indicator, the input
 * with the lowest share; for aggregation none, the unit itself. */
int rollup_completeness(const rollup_view *v, int ind, int slot, int pi, int *expected);

/* Whether the roll-up is complete enough to be a headline: no expected
 * reporters, or approved/expected at least the indicator's threshold. */
bool rollup_complete(const rollup_view *v, int ind, int approved, int expected);

/* The approved value the unit itself reported, NaN if none. */
double rollup_own_value(const rollup_view *v, int ind, int slot, int pi);

/* The target set for the unit (slot -1: the only root, if there is one)
 * for period pi; NaN if none. */
double rollup_target_value(const rollup_view *v, int ind, int slot, int pi);

#endif
