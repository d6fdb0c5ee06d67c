/* index_mc_internal: what analytics/index_mc.c (checking, preparing,
 * threads, statistics) and index_mc_run.c (one batch of runs: drawing,
 * weighing, aggregating, ranking) share. Private to the two. */
#ifndef NQ57_INDEX_MC_INTERNAL_H
#define NQ57_INDEX_MC_INTERNAL_H

#include "analytics/index_mc.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COVERAGE_SLACK 1e-9     /* as index_tree.c: 2 of 3 children meet a share of 2/3 */
#define MSG_MAX 512
#define STAT_BLOCK 16           /* units whose ranks are gathered together: one cache line of ints */
#define MAX_RANK_CELLS ((size_t)1 << 31)   /* ranks kept for the statistics: 8 GiB (4 narrow) */
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
 * value, 1 when missing (each of these three NULL unless some choice of
 * means reads it); m 1 when present. Per aggregate whose children
 * are all indicators (at most 64 of them): the patterns of children
 * present among its units, pat_start[a].. (the first: every child); of
 * each, pat_in[c n_pat + p] 1 when child c is present, 0 when not, and
 * pat_cover whether it meets the coverage rule; pat_of, n_units per
 * aggregate, each unit's. A few patterns serve many units. */
typedef struct variant {
	double *x0, *xp0, *lp0, *hp1;
	unsigned char *m;
	double *shift;                     /* n_indicators: what xp0, lp0 and hp1 add to each column */
	int *pat_start, n_pat;             /* pat_start: n_aggs + 1 */
	double *pat_in;                    /* the most children x n_pat */
	unsigned char *pat_cover;          /* n_pat */
	int *pat_of;                       /* n_aggs x n_units */
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
	bool need_lin, need_log, need_harm;  /* the variants' xp0, lp0, hp1 */
	int n_factors;
	index_mc_factor factor[INDEX_MC_FACTORS];
	int runs, samples, evaluations;
	int threads;                       /* as many as asked, at most one a run */
	void *ranks;                       /* by column, block of units, sample (keep_ranks): uint16_t when
	                                      narrow, else int */
	bool narrow;                       /* fewer than 65536 units: half the ranks' memory to fill and read */
	int *nominal;                      /* n_cols x n_units */
	double *y;                         /* evaluations */
	int *order;                        /* evaluations, sorted by choice_key */
	atomic_int next, done;
	atomic_bool stopped;
	atomic_int job;                    /* the next job of a parallel phase: a column, a block of units */
	index_mc_result *r;
} mc;

/* The scores of one run of a batch. */
typedef struct run_space {
	double *t;                         /* n_units per result column's aggregate (mc_scores) */
	double *tb;                        /* n_aggs x UNIT_BLOCK: the other aggregates' scores over one block */
	double *w;                         /* n_nodes: the run's weights */
	double *den;                       /* the variants' most patterns: the divisor of an all-indicator
	                                      aggregate's mean for the units with that pattern, NaN for no score */
} run_space;

/* A batch: runs taken together, each indicator value of a block of units
 * read from memory once for all of them and weighed for WEIGH at a time
 * while it is in L1 (more runs gain little, and take from the progress
 * reports and cancelling, which come between batches). */
#define BATCH 8
#define WEIGH 4
/* Units evaluated together, every aggregate of a batch's runs before the
 * next block: a block's indicators (52 x 256 doubles) and its runs'
 * scores stay in L2 while the next level sums them. A multiple of 16,
 * the widest step of the loops over units. */
#define UNIT_BLOCK 256

/* Scratch space of one thread. */
typedef struct worker {
	mc *m;
	bool caller;
	run_space run[BATCH];
	double *spare;                     /* UNIT_BLOCK: the scores of the runs a batch lacks */
	double *wrow;                      /* BATCH x n_nodes: per all-indicator aggregate, its children's
	                                      weights of each run */
	double *num, *den, *cnt, *cv, *cm; /* UNIT_BLOCK: a mixed aggregate's sums over one block */
	double *cw;                        /* 2 x n_nodes: an aggregate's children's weights, then those not 0 */
	const double **cx;                 /* 2 x n_nodes: their scores over one block */
	double *key_v;                     /* n_units */
	int *rank;                         /* BATCH x n_units: one column's ranks of each run */
	uint16_t *s0, *s1;                 /* n_units: the values' 16-bit keys */
	uint32_t *idx, *idx2;              /* n_units: the units in order of their values */
	uint64_t *k0, *k1;                 /* n_units: the radix sort's keys */
	double *sv;                        /* n_units: the values in order */
	int *hist;                         /* n_units + 1: a unit's ranks counted for the statistics */
} worker;

/* Rank i of the store m->ranks. */
static inline int mc_rank_kept(const mc *m, size_t i)
{
	return m->narrow ? ((const uint16_t *)m->ranks)[i] : ((const int *)m->ranks)[i];
}

/* index_mc_run.c */
int mc_choice_key(const mc *m, const choice *ch);
void mc_evaluate(worker *wk, const choice *ch, int nr);
void mc_rank_aggregate(worker *wk, const run_space *rs, const choice *ch, int a, int *rank);
void mc_run_batch(worker *wk, int from, int nr);
void mc_choose(const mc *m, choice *ch, int e, int *slot);
double *mc_scores(const mc *m, const run_space *rs, int a);

/* index_mc_stats.c */
void *mc_run_stats(void *arg);
void mc_sensitivity(mc *m);

#endif
