/* index_mc: uncertainty and sensitivity analysis of a composite index, the
 * way COINr's get_sensitivity() does it, over the tree and options of
 * analytics/index.h. Each run draws the assumptions that vary:
 *   weights         every node's weight uniform within nominal x (1 +- spread)
 *                   (COINr's noisy weights); the means renormalise them over
 *                   the children present, as index_aggregate does
 *   normalisation   one of a list of index_norm_spec (min-max, z-score, ...)
 *   aggregation     one of a list of per-level methods (arithmetic, geometric)
 *   imputation      one of a list of index_impute (NONE is "off": the means
 *                   re-weight over the missing values)
 * and ranks the units. Per unit: the nominal rank, and over the runs the
 * median, mean, 5th and 95th percentile of its rank (R's quantile type 7,
 * numpy's "linear"). With a sensitivity analysis, per varied assumption the
 * first-order (Si) and total (STi) variance-based sensitivity indices of
 * the mean absolute rank shift.
 *
 * Sensitivity design (Saltelli 2010, COINr's SA_sample/SA_estimate): two
 * independent random samples A and B of N rows each, and for each of the k
 * varied assumptions the matrix A_B^(i), A with assumption i taken from B:
 * N (k + 2) runs. The output y of a run is COINr's: the mean over units of
 * |rank - nominal rank| of the root (units unranked in either left out).
 * V is the sample variance of y over the 2N runs of A and B, and
 *   Si  = (1/N)  sum_j (yB_j - m) (yABi_j - yA_j) / V   (Saltelli 2010)
 *   STi = (1/2N) sum_j (yA_j - yABi_j)^2 / V             (Jansen 1999)
 * m the mean of y over A and B: COINr uses yB uncentred, with the same
 * expectation; centring (as SALib does by standardising y) removes the
 * error a large mean adds. An assumption that changes nothing has exactly
 * Si = STi = 0. The weights are one assumption (a group of all of them).
 * The rank statistics come from the A runs (uncertainty analysis) or from
 * the A and B runs (sensitivity analysis), as COINr's do.
 *
 * Evaluation: the indicators are denominated, imputed and treated once per
 * imputation choice and normalised once per normalisation choice, by the
 * operations and with the checks and messages of index_evaluate; a run
 * then only weighs and aggregates them level by level and ranks. Its means
 * are index_aggregate's to the last bit (the same products, sums and
 * divisions in the same order), so a run with the nominal choices ranks
 * exactly as index_evaluate does. Runs with the same choices of methods
 * are weighed eight at a time, block of units by block (each value read
 * once for the eight).
 *
 * Geometric and harmonic means need values above 0: a choice of methods
 * that takes such a mean at any level works on shifted indicators: an
 * indicator whose lowest normalised value is 0 or below gets 1 - that
 * minimum added (min-max 0..100 becomes 1..101, a z-score starts at 1);
 * other indicators are kept (min-max on 1..100, ranks). Every aggregate of
 * values >= 1 is >= 1, so the shift is needed only at the indicators. A
 * geometric aggregate passes its logarithm to a geometric parent without
 * the exp/log round trip, and ranks by it (exp is increasing), so its
 * scores can differ from index_evaluate's in the last bits.
 *
 * Reproducible: the same seed gives the same result whatever the number
 * of threads: run j of sample A or B draws each assumption from its own
 * xoshiro256** stream seeded (through splitmix64) from the seed, the
 * sample, j and the assumption; the sums over runs are taken in run order
 * after the runs. Pure: no global state; the result owns its arrays. */
#ifndef NQ57_INDEX_MC_H
#define NQ57_INDEX_MC_H

#include "analytics/index.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define INDEX_MC_MAX_ALTS 8          /* alternatives per assumption */
#define INDEX_MC_MAX_RUNS 1000000
#define INDEX_MC_MAX_THREADS 64

typedef enum index_mc_factor {
	INDEX_MC_WEIGHTS,
	INDEX_MC_NORM,
	INDEX_MC_AGG,
	INDEX_MC_IMPUTE,
	INDEX_MC_FACTORS
} index_mc_factor;

/* One aggregation alternative: the mean of each level, 1.. (as index_options.agg). */
typedef struct index_mc_agg {
	index_agg level[INDEX_MAX_LEVELS + 1];
} index_mc_agg;

typedef struct index_mc_spec {
	uint64_t seed;
	int runs;                    /* N: random runs, or rows of A and of B with sensitivity */
	bool sensitivity;            /* also Si and STi: N (k + 2) runs in all */
	double weight_spread;        /* 0.25: each weight uniform in nominal x [0.75, 1.25]; 0 to 1 */
	/* Alternatives, drawn with equal chances. None: the options' choice in
	 * every run; one: that one in every run (not an assumption that varies). */
	int n_norms;
	index_norm_spec norms[INDEX_MC_MAX_ALTS];   /* target and goalposts come from each indicator */
	int n_aggs;
	index_mc_agg aggs[INDEX_MC_MAX_ALTS];
	int n_imputes;
	index_impute imputes[INDEX_MC_MAX_ALTS];
	bool every_aggregate;        /* rank statistics of every aggregate, not only the root */
	int threads;                 /* 0 or 1: the calling thread only; at most INDEX_MC_MAX_THREADS */
	/* Called on the calling thread with the share of runs done (0..1),
	 * about every 1 %, and with 1 at the end; may be NULL. */
	void (*progress)(void *ctx, double done);
	void *progress_ctx;
	const atomic_bool *cancel;   /* set to stop early: index_mc_run returns ERR_GENERIC, "cancelled"; may be NULL */
} index_mc_spec;

/* seed 1, 1,000 runs, no sensitivity, weights +-25 %, nothing else varied,
 * the root only, one thread. */
index_mc_spec index_mc_spec_default(void);

typedef struct index_mc_result {
	int n_units;
	int n_columns;               /* 1 (the root) or every aggregate, in the order they were added */
	int root_column;
	int samples;                 /* runs behind the rank statistics: N, or 2N with sensitivity */
	int evaluations;             /* runs evaluated, the nominal one not counted */
	/* n_units x n_columns, row-major like index_result.scores */
	int *nominal;                /* the nominal rank; 0 for no score */
	double *median, *p05, *p95, *mean;   /* over the samples that ranked the unit; NaN if none did */
	int *ranked;                 /* how many samples ranked the unit */
	double mean_shift;           /* the mean over the samples of y, the root's mean |rank - nominal| */
	/* sensitivity: the assumptions that vary, in index_mc_factor order */
	int n_factors;
	index_mc_factor factor[INDEX_MC_FACTORS];
	double si[INDEX_MC_FACTORS], sti[INDEX_MC_FACTORS];   /* NaN when y does not vary (V = 0) */
	double variance;             /* V */
} index_mc_result;

/* Runs the analysis of index d over input in, nominal options o. ERR_INVALID
 * naming the culprit: a bad spec (runs, spread, a count of alternatives, an
 * unknown method, a group mean without groups, threads, a sensitivity
 * analysis with nothing that varies); whatever index_evaluate refuses for
 * one of the choices ("normalisation alternative 2: indicator 'x': ...").
 * ERR_NOMEM; ERR_GENERIC when cancelled. On failure *r holds nothing;
 * after success free it with index_mc_result_free. */
int index_mc_run(index_mc_result *r, index_def *d, const index_input *in, const index_options *o,
	const index_mc_spec *s);

/* Frees everything r holds; a zeroed result is fine. */
void index_mc_result_free(index_mc_result *r);

/* "weights", "normalisation", "aggregation", "imputation". */
const char *index_mc_factor_name(index_mc_factor f);

#endif
