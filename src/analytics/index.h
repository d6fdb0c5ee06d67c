/* index: composite indices, the scoreboards that add many indicators up
 * into one score per unit (the Global Innovation Index, ASEM's
 * Sustainable Connectivity). Operations over arrays, and an evaluator of
 * a whole index tree (index -> sub-indices -> pillars -> indicators) over
 * a units x indicators matrix:
 *   denominate -> impute -> treat outliers -> normalise -> aggregate level
 *   by level -> rank,
 * keeping every stage's matrix so that a caller can compare each one with
 * a reference build. The conventions are the COINr R package's defaults
 * (which are GII's). A missing value is NaN throughout; infinities are
 * refused. Pure: no global state; the evaluator's allocations belong to
 * its result. */
#ifndef NQ57_INDEX_H
#define NQ57_INDEX_H

#include <stdbool.h>

#define INDEX_MAX_CODE 64
#define INDEX_MAX_LEVELS 8   /* aggregation levels above the indicators */

/* ---- operations over one array of n values ---- */

/* out[i] = x[i] / den[i]: missing when either is missing or den[i] is 0.
 * out may be x. */
void index_denominate(double *out, const double *x, const double *den, int n);

/* Efficiency ratio out[i] = output[i] / input[i], by the same rules. */
void index_efficiency(double *out, const double *output, const double *input, int n);

typedef enum index_impute { INDEX_IMPUTE_NONE, INDEX_IMPUTE_GROUP_MEAN, INDEX_IMPUTE_MEAN } index_impute;

/* Fills the missing x[i]: MEAN with the mean of the present values,
 * GROUP_MEAN with the mean of the present values of the units in the same
 * group (group[i], any ints). A value stays missing when there is nothing
 * to take the mean of. Returns how many were filled, ERR_INVALID for a
 * group mean without groups, or ERR_NOMEM. */
int index_impute_values(double *x, int n, index_impute how, const int *group);

/* Sample-adjusted skewness and excess kurtosis of the present values,
 * exactly Excel's SKEW and KURT (and e1071's type 2, which COINr uses):
 *   SKEW = n / ((n-1)(n-2)) * sum(((x - mean) / s)^3)
 *   KURT = n(n+1) / ((n-1)(n-2)(n-3)) * sum(((x - mean) / s)^4)
 *          - 3 (n-1)^2 / ((n-2)(n-3)),   s the sample sd (n - 1).
 * NaN with fewer than 3 (SKEW) or 4 (KURT) values, or all of them equal. */
double index_skew(const double *x, int n);
double index_kurt(const double *x, int n);

/* What replaces winsorising that did not bring an indicator within the
 * thresholds. Both transform the original values, min and max over the
 * present ones:
 *   CT  (COINr's default "CTlog", the COIN Tool's): ln(x - min + 0.01 (max - min))
 *   GII (COINr's "GIIlog"): ln((max - 1) (x - min) / (max - min) + 1); needs max > 0
 *   NONE: keep the winsorised values. */
typedef enum index_log { INDEX_LOG_CT, INDEX_LOG_GII, INDEX_LOG_NONE } index_log;

typedef struct index_treat_spec {
	int winmax;          /* distinct values winsorised at most; 0 no treatment (COINr: ceil(units / 10)) */
	double skew_max;     /* 2 */
	double kurt_max;     /* 3.5 */
	index_log fallback;
} index_treat_spec;

/* What index_treat did to one indicator. */
typedef struct index_treat_info {
	int winsorised;      /* distinct values moved inward: COINr's "Winsorised N points" */
	int low, high;       /* points changed at the low and the high end (ties count each) */
	bool logged;         /* winsorising failed: the fallback transformed the values */
	double skew, kurt;   /* of the treated values */
} index_treat_info;

/* Per point: how treatment changed it (COINr's TreatFlags). */
enum { INDEX_FLAG_NONE, INDEX_FLAG_LOW, INDEX_FLAG_HIGH, INDEX_FLAG_LOG };

/* Outlier treatment as COINr and GII do it. While |skew| > skew_max AND
 * kurt > kurt_max (the boundary passes), the extreme value on the side of
 * the skew (high when skew >= 0) moves to the next distinct value inward;
 * every point equal to the extreme moves together and counts as one of
 * winmax; the side is chosen afresh each step. Stops early when only two
 * distinct values are left. If the thresholds are still not met after
 * that, the fallback transforms the original values (every present point
 * flagged INDEX_FLAG_LOG). Missing values take no part and stay missing.
 * flags (n, may be NULL) gets INDEX_FLAG_*. Returns 0, or ERR_INVALID for
 * a bad spec or a GII log that cannot be taken. */
int index_treat(double *x, int n, const index_treat_spec *s, index_treat_info *info, unsigned char *flags);

typedef enum index_norm {
	INDEX_NORM_MINMAX,     /* lo + (hi - lo) (x - min) / (max - min) */
	INDEX_NORM_ZSCORE,     /* (x - mean) / s, s the sample sd */
	INDEX_NORM_RANK,       /* 1..n, ties get the mean of their ranks (R's rank, "average") */
	INDEX_NORM_TARGET,     /* x / target; direction -1: target / x */
	INDEX_NORM_GOALPOSTS,  /* lo + (hi - lo) (x - post_lo) / (post_hi - post_lo), clipped to lo..hi */
	INDEX_NORM_NONE
} index_norm;

typedef struct index_norm_spec {
	index_norm method;
	double lo, hi;          /* MINMAX, GOALPOSTS: the scale, 0 and 100 */
	double target;          /* TARGET: finite, not 0 */
	bool cap;               /* TARGET: scores above 1 become 1 */
	double post_lo, post_hi;   /* GOALPOSTS: in the indicator's units, post_lo < post_hi */
} index_norm_spec;

/* Normalises x into out (may be x). direction 1: higher is better; -1:
 * lower is better, which MINMAX, ZSCORE and RANK apply by negating x
 * first (COINr's way: min-max gives lo + (hi - lo) (max - x) / (max -
 * min)) and GOALPOSTS by scoring from post_hi down. TARGET with direction
 * -1 scores a 0 as 1 when capped and as missing when not. Missing stays
 * missing. ERR_INVALID for a bad spec or direction, or nothing to scale:
 * MINMAX with every value equal, ZSCORE with a zero sd. */
int index_normalise(double *out, const double *x, int n, int direction, const index_norm_spec *s);

typedef enum index_agg { INDEX_AGG_ARITH, INDEX_AGG_GEOM, INDEX_AGG_HARM } index_agg;

/* Weighted mean of the present values, the weights of the missing ones
 * dropped and the rest renormalised: ARITH sum(w x) / sum(w), GEOM
 * exp(sum(w ln x) / sum(w)), HARM sum(w) / sum(w / x). *out is NaN when no
 * value with a weight above 0 is present. ERR_INVALID naming the position
 * (from 1) for a weight that is not finite or is negative, or a present
 * value not above 0 for GEOM and HARM. */
int index_aggregate(double *out, const double *x, const double *w, int n, index_agg how);

/* x rounded to digits decimals as R's round() does: the nearer of the
 * two candidates, a true half to the even one. */
double index_round(double x, int digits);

/* rank[i] = 1 + the number of present values above x[i]: the highest
 * score ranks 1 and ties share the smallest rank (R's rank(-x, ties =
 * "min")); 0 for a missing value. digits >= 0 ranks the values rounded to
 * that many decimals (COINr's published tables rank scores rounded to 2).
 * Returns 0 or ERR_NOMEM. */
int index_rank(int *rank, const double *x, int n, int digits);

/* ---- an index tree, built from code ---- */

typedef struct index_node {
	char code[INDEX_MAX_CODE];
	char parent[INDEX_MAX_CODE];   /* "" for the root */
	double weight;                 /* relative to its siblings */
	bool indicator;
	/* indicators only */
	int direction;                 /* 1 higher is better, -1 lower */
	int denominator;               /* column of index_input.denominators, -1 none */
	double target, post_lo, post_hi;   /* for INDEX_NORM_TARGET and INDEX_NORM_GOALPOSTS */
	/* set by index_def_check */
	int parent_node;               /* -1 for the root */
	int level;                     /* 0 indicators; aggregates 1 + the highest level among their children */
	int column;                    /* indicators: column of the values; aggregates: column of the scores */
} index_node;

typedef struct index_def {
	int n_nodes, cap;
	index_node *nodes;             /* in the order added */
	int n_indicators, n_aggregates;
	int n_levels;                  /* the root's level, set by index_def_check */
} index_def;

void index_def_init(index_def *d);
void index_def_free(index_def *d);

/* Adds an indicator, the next column of the values matrix (columns in
 * the order indicators are added), under the aggregate coded parent. No
 * denominator, target 1, goalposts 0 and 100 until set on the node.
 * ERR_INVALID for a code that is empty, too long or already used, a
 * weight that is not finite or negative, or a direction not 1 or -1. */
int index_def_indicator(index_def *d, const char *code, const char *parent, double weight, int direction);
/* Adds an aggregate (pillar, sub-index, ...); parent NULL or "" for the
 * index itself, the root. Its score is the next column of the scores. */
int index_def_aggregate(index_def *d, const char *code, const char *parent, double weight);
/* The node coded code, or -1. */
int index_def_find(const index_def *d, const char *code);
/* Resolves parents and levels. ERR_INVALID naming the culprit: a parent
 * not defined or an indicator, an indicator without a parent, an
 * aggregate without children, a cycle, no root or two, more than
 * INDEX_MAX_LEVELS levels, a weight or direction edited into something
 * invalid. index_evaluate calls it. */
int index_def_check(index_def *d);

/* ---- evaluating the tree ---- */

typedef struct index_input {
	int n_units;
	const double *values;          /* n_units x n_indicators, row-major: values[u * n_indicators + i] */
	const double *denominators;    /* n_units x n_denominators, row-major; NULL when none */
	int n_denominators;
	const int *groups;             /* n_units group ids for INDEX_IMPUTE_GROUP_MEAN; else may be NULL */
	const char *const *unit_codes; /* n_units names for messages; NULL: "unit 3" (from 1) */
} index_input;

typedef struct index_options {
	index_impute impute;
	index_treat_spec treat;        /* winmax 0: no treatment */
	index_norm_spec norm;          /* target and goalposts come from each indicator */
	index_agg agg[INDEX_MAX_LEVELS + 1];        /* by level, 1..: how that level's aggregates are formed */
	double coverage[INDEX_MAX_LEVELS + 1];      /* by level: the least share of an aggregate's children a
	                                               unit must have present to get a score there; 0 any one */
	int rank_digits;               /* ranks of scores rounded to this many decimals; -1 unrounded */
} index_options;

/* No imputation or treatment (skew 2, kurtosis 3.5, CT log set, winmax
 * 0), min-max to 0..100, arithmetic means at every level, no coverage
 * rule, ranks of unrounded scores. */
index_options index_options_default(void);

typedef struct index_result {
	int n_units, n_indicators, n_aggregates;
	/* n_units x n_indicators, row-major like the values: each stage's output */
	double *denominated, *imputed, *treated, *normalised;
	unsigned char *flags;          /* n_units x n_indicators: INDEX_FLAG_* of the treatment */
	index_treat_info *treat;       /* per indicator */
	double *scores;                /* n_units x n_aggregates, columns in the order aggregates were added */
	int *ranks;                    /* n_units x n_aggregates, of the scores; 0 for no score */
} index_result;

/* Runs the pipeline: denominate (indicators with a denominator), impute,
 * treat, normalise (direction applied), then aggregate level by level:
 * each aggregate is the options' mean at its level of its children's
 * normalised values or scores, weighted by their weights renormalised
 * over those present, and missing for a unit with fewer than the
 * coverage share of its children present. ERR_INVALID naming the
 * indicator, node or unit: the definition (index_def_check), a value or
 * denominator not finite and not missing, a denominator column out of
 * range, an indicator with every value missing (as given, or after its
 * denominator), group imputation without groups, an indicator that cannot
 * be treated or normalised, a mean that cannot be taken. ERR_NOMEM. On
 * failure *r holds nothing; after success free it with index_result_free. */
/* What index_evaluate checks of the options and the input of a checked
 * definition d: ERR_INVALID naming the culprit (an unknown method, a
 * coverage outside 0..1, no units, a denominator column that is not
 * there, a group mean without groups). */
int index_check_run(const index_def *d, const index_input *in, const index_options *o);
int index_evaluate(index_result *r, index_def *d, const index_input *in, const index_options *o);

/* Frees everything r holds; a zeroed result is fine. */
void index_result_free(index_result *r);

#endif
