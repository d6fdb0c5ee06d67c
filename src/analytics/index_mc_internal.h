/* index_mc_internal: what analytics/index_mc.c (checking, preparing,
 * threads, statistics) and index_mc_run.c (one batch of runs: drawing,
 * weighing, aggregating, ranking) share. Private to the two. */
#ifndef NQ57_INDEX_MC_INTERNAL_H
#define NQ57_INDEX_MC_INTERNAL_H

#include "analytics/index_mc.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define COVERAGE_SLACK 1e-9     /* as index_tree.c: 2 of 3 children meet a share of 2/3 */
#define MSG_MAX 512
#define STAT_BLOCK 16           /* units whose ranks are gathered together: one cache line of ints */
#define MAX_RANK_CELLS ((size_t)1 << 31)   /* ranks kept for the statistics: 8 GiB */
#define N_CHOICES (INDEX_MC_MAX_ALTS + 1)   /* the options' choice, then the alternatives */
#define MAX_UNITS (1 << 23)     /* rank_shift sums 256 ranks in an int */
#define MAX_PATTERNS 256        /* patterns of children present looked through for a unit's */

enum { SAMPLE_A, SAMPLE_B };

/* the prepared analysis */

typedef struct agg_info {
	int node;                  /* in d->nodes */
	int level;
	int n_children;
	int *children;             /* nodes, in the order defined */
	bool indicators_only;
} agg_info;

/* The indicators of one choice of imputation and normalisation, column
 * by column (n_units each): x0 the normalised value, 0 when missing; xp0
 * and lp0 the shifted value and its log, 0 when missing; hp1 the shifted
 * value, 1 when missing; m 1 when present. Per aggregate whose children
 * are all indicators (at most 64 of them): inc lists the units missing one
 * of them, inc_pat the pattern of children they have, one of pat_bits
 * (bit c: child c); a few patterns serve many units. */
typedef struct variant {
	double *x0, *xp0, *lp0, *hp1;
	unsigned char *m;
	int *inc_start, *inc, *inc_pat;   /* inc_start, pat_start: n_aggs + 1 */
	int *pat_start, n_pat;
	uint64_t *pat_bits;
} variant;

/* One run's choices: indexes into the choice lists (0 the options'). */
typedef struct choice {
	int imp, norm, agg;
	double *w;                 /* n_nodes */
} choice;

typedef struct mc {
	const index_def *d;
	const index_mc_spec *s;
	const index_options *o;
	int n_units, n_aggs, root;         /* root: index into aggs */
	agg_info *aggs;                    /* by level, then in the order defined */
	int *agg_of_node;                  /* n_nodes: index into aggs, -1 for indicators */
	int n_cols, *col_agg;              /* result columns and their aggregate */
	index_impute imp_choice[N_CHOICES];
	index_norm_spec norm_choice[N_CHOICES];
	index_mc_agg agg_choice[N_CHOICES];
	bool positive[N_CHOICES];          /* the aggregation choice takes a geometric or harmonic mean */
	int imp_id[N_CHOICES], norm_id[N_CHOICES], n_imp_u, n_norm_u;
	variant *var;                      /* n_imp_u x n_norm_u */
	bool need_pos, need_harm;
	int n_factors;
	index_mc_factor factor[INDEX_MC_FACTORS];
	int runs, samples, evaluations;
	int *ranks;                        /* by column, block of units, sample: keep_ranks */
	int *nominal;                      /* n_cols x n_units */
	double *y;                         /* evaluations */
	int *order;                        /* evaluations, sorted by choice_key */
	atomic_int next, done;
	atomic_bool stopped;
	atomic_int job;
	index_mc_result *r;
} mc;

/* The scores of one run of a batch. */
typedef struct run_space {
	double *t;                         /* n_aggs x n_units: the score (a geometric mean: its log), NaN none */
	int *none, *n_none;                /* n_aggs x n_units, n_aggs: the units with NaN in t */
	double *num, *den;                 /* n_units */
	double *w;                         /* n_nodes: the run's weights */
} run_space;

#define BATCH 4                        /* runs weighed in one pass over the indicators */

/* Scratch space of one thread. */
typedef struct worker {
	mc *m;
	bool caller;
	run_space run[BATCH];
	double *spare;                     /* n_units: the sums of the runs a batch lacks */
	double *wrow;                      /* BATCH x 64: the children's weights of each run */
	double *cv, *cm, *cnt, *key_v;     /* n_units */
	int *rank;                         /* n_units: one column */
	uint64_t *k0, *k1;
	uint32_t *i0, *i1;
	uint16_t *s0, *s1;                 /* n_units: 16-bit keys */
	double *sv;                        /* n_units: the values in order */
	double *pat_w;                     /* the variants' most patterns */
	bool *pat_ok;
	unsigned *seen, stamp;             /* n_units: units already listed in this pass when seen[u] == stamp */
	int *vals, *hist;                  /* statistics: STAT_BLOCK x samples, n_units + 1 */
} worker;

/* index_mc_run.c */
int mc_choice_key(const mc *m, const choice *ch);
void mc_evaluate(worker *wk, const choice *ch, int nr);
void mc_rank_aggregate(worker *wk, const run_space *rs, const choice *ch, int a, int *rank);
void mc_run_batch(worker *wk, int from, int nr);
void mc_choose(const mc *m, choice *ch, int e, int *slot);

#endif
