/* index_spec: a composite index as an analyst writes it down, in JSON, and
 * the table of units it runs over, in CSV.
 *
 *   {"code": "PII-HN", "name": "Chỉ số đổi mới sáng tạo cấp xã",
 *    "group_column": "Group",                     (for group-mean imputation)
 *    "options": {"imputation": "group_mean" | "mean" | "none",
 *                "treatment": {"winmax": 6, "skew_max": 2, "kurt_max": 3.5,
 *                              "fallback": "ct" | "gii" | "none"},   (winmax 0: none)
 *                "normalisation": {"method": "minmax" | "zscore" | "rank" |
 *                                  "target" | "goalposts" | "none",
 *                                  "lo": 0, "hi": 100, "cap": false},
 *                "levels": [{"aggregation": "arithmetic" | "geometric" |
 *                            "harmonic", "coverage": 0.5}, ...],   (level 1 first)
 *                "rank_digits": 2},
 *    "nodes": [{"code": "INDEX", "name": "...", "weight": 1},      (the root: no parent)
 *              {"code": "P1", "parent": "INDEX", "weight": 1},
 *              {"code": "I1", "parent": "P1", "indicator": true, "weight": 1,
 *               "direction": 1 | -1, "denominator": "Den_GDP",
 *               "target": 100, "goalposts": [0, 50]}]}
 *
 * The table: one row per unit; the unit's code in a column named
 * UnitCode, unit_code or code (else the first column), its name in
 * UnitName, unit_name or name when there is one; one column per indicator
 * code, per denominator name and the group column. Empty cells and NA are
 * missing values. Every problem is ERR_INVALID naming the field, the node,
 * the column or the row: a key the format does not have (keys that begin
 * with '_' are notes), an aggregate whose children all weigh 0, fewer
 * `levels` than the tree has, a text that is not a number, a unit on two
 * rows. docs/index-definition.md describes the format. */
#ifndef NQ57_INDEX_SPEC_H
#define NQ57_INDEX_SPEC_H

#include <jansson.h>
#include <stddef.h>

#include "analytics/index.h"

#define INDEX_SPEC_MAX_DENOMINATORS 32
#define INDEX_TABLE_MAX_UNITS 50000          /* rows of a table; more: ERR_TOOLARGE */

typedef struct index_spec {
	char code[INDEX_MAX_CODE];
	char *name;
	char *group_column;                  /* NULL when none */
	index_def def;
	index_options options;
	int n_denominators;
	char *denominators[INDEX_SPEC_MAX_DENOMINATORS];   /* names, in column order */
	char **node_names;                   /* per node, may be NULL */
} index_spec;

/* Reads a definition; on failure nothing is left to free. */
int index_spec_parse(index_spec *s, const json_t *in);
void index_spec_free(index_spec *s);

/* The units of a table, ready for index_evaluate. */
typedef struct index_table {
	int n_units;
	char **codes, **names;
	double *values;          /* n_units x n_indicators */
	double *denominators;    /* n_units x n_denominators */
	int *groups;             /* n_units, when the spec has a group column */
	index_input input;       /* points into the above */
} index_table;

/* Reads the CSV text for spec; den_csv (may be NULL) is a second table
 * of denominators joined by unit code. */
int index_table_read(index_table *t, const index_spec *s, const char *csv, size_t len, const char *den_csv,
	size_t den_len);
void index_table_free(index_table *t);

/* The results as JSON: {"index": code, "aggregates": [{code, name, level}],
 * "units": [{code, name, scores: {agg: score}, ranks: {agg: rank}}]},
 * units ordered by the root's rank. */
json_t *index_results_json(const index_spec *s, const index_table *t, const index_result *r);

#endif
