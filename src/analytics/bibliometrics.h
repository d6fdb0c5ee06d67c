/* bibliometrics: the indicators of the CWTS Leiden Ranking methodology
 * over a set of publications, per organisation or per any grouping of
 * organisations (communes) and of publications (years, fields, periods).
 *
 * Counting. Full counting gives a publication weight 1 to every
 * organisation among its affiliations. Fractional counting gives each
 * author 1 / (number of authors) of the publication, split equally over
 * the author's affiliations; an organisation's weight is the sum of the
 * shares of its affiliations. Authors without an affiliation keep their
 * share, so the weights of a publication add up to the share of its
 * authors with an affiliation (at most 1). A group of organisations (a
 * commune) counts a publication once in full counting and with the sum of
 * its organisations' weights in fractional counting.
 *
 * Normalisation, over every counted publication of the input, whatever
 * part of it a grouping reports: a publication's normalised citation
 * score (NCS) is its citations over the mean citations of the publications
 * of the same field and year; with fractional counting that mean weighs
 * each publication by its total weight, so that the world's MNCS is 1 in
 * both countings. A field and year in which nothing is cited gives every
 * publication NCS 1. A publication's top x % value is 1 when the
 * publications cited more than it weigh at most x % of its field and year
 * minus its own tie group, 0 when those cited more already weigh x % or
 * more, and in between a publication tied at the threshold gets
 * (x V - A) / B, V the weight of the field and year, A the weight of the
 * publications cited more, B the weight of its tie group: the values of a
 * field and year add up to exactly x % of it (the Leiden Ranking's rule
 * for ties, Waltman and Schreiber 2013).
 *
 * Collaboration: a publication is a collaboration when it has two or more
 * distinct institutions or countries, an international collaboration with
 * two or more countries, an industry collaboration when one of its
 * institutions is industry. Its geographical collaboration distance (GCD)
 * is the largest great-circle distance between two of its institutions,
 * known only when every institution has coordinates (0 for a publication
 * of one institution). P(<100 km) counts collaborations with a known GCD
 * of at most 100 km, P(>5000 km) those of at least 5000 km; MGCD is the
 * weighted mean GCD of the publications whose GCD is known.
 *
 * The h-index of a set of publications sorted by citations c_1 >= c_2 >=
 * ... with cumulative weights W_i is max_i min(c_i, W_i): the usual
 * h-index in full counting, with fractional ranks in fractional counting.
 *
 * Stability intervals: each cell's publications with their weights are
 * resampled with replacement n_boot times, from a xoshiro256** stream
 * seeded through splitmix64 from the seed and the cell's key, and the
 * 2.5th and 97.5th percentiles (linear interpolation, R's type 7) of each
 * size-independent indicator are kept: the publications' own values are
 * resampled, the normalisation is never recomputed. The same seed, input
 * and cell give the same interval whatever the number of threads and
 * whatever other cells are computed. Pure: no global state. */
#ifndef NQ57_BIBLIOMETRICS_H
#define NQ57_BIBLIOMETRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BIBLIO_MAX_THREADS 16
#define BIBLIO_MAX_BOOT 100000

typedef enum biblio_counting { BIBLIO_FULL, BIBLIO_FRACTIONAL } biblio_counting;

/* The top classes: top 1 %, 10 % and 50 %. */
enum { BIBLIO_TOP1, BIBLIO_TOP10, BIBLIO_TOP50, BIBLIO_N_TOP };

/* The size-independent indicators that get a stability interval. */
enum {
	BIBLIO_CI_MCS,
	BIBLIO_CI_MNCS,
	BIBLIO_CI_PP_TOP1,
	BIBLIO_CI_PP_TOP10,
	BIBLIO_CI_PP_TOP50,
	BIBLIO_CI_PP_COLLAB,
	BIBLIO_CI_PP_INT_COLLAB,
	BIBLIO_N_CI
};

/* One institution of one author of a publication. */
typedef struct biblio_affil {
	int32_t author;    /* the author's position, 0 .. n_authors - 1 */
	int32_t org;       /* the caller's organisation 0 .. n_orgs - 1, or -1 (not one of them) */
	int32_t inst;      /* the institution: distinct values make a collaboration; -1 unknown */
	char country[3];   /* ISO 3166 alpha-2, "" unknown */
	bool industry;
	double lat, lon;   /* degrees; NaN unknown */
} biblio_affil;

typedef struct biblio_pub {
	int32_t year;
	int32_t field;     /* the caller's field, >= 0; -1 is a class of its own */
	double citations;  /* >= 0 */
	bool counted;      /* false: a document type left out of every indicator */
	int32_t n_authors; /* every author, with or without an affiliation; >= 1 */
	uint32_t first, n; /* its affiliations affils[first .. first + n), one
	                      author's affiliations next to each other */
} biblio_pub;

typedef struct biblio_input {
	const biblio_pub *pubs;
	size_t n_pubs;
	const biblio_affil *affils;
	size_t n_affils;
	int32_t n_orgs;
} biblio_input;

/* What one publication brings to every indicator (biblio_prepare). */
typedef struct biblio_pubstat {
	double weight;        /* 1 in full counting; the share of authors with an affiliation in fractional */
	double ncs;
	double top[BIBLIO_N_TOP];
	double gcd;           /* km; NaN unknown */
	bool collab, int_collab, industry;
} biblio_pubstat;

/* Rows are groups of organisations, columns groups of publications; a
 * cell is row * n_cols + col. */
typedef struct biblio_grouping {
	const int32_t *org_row;  /* n_orgs: each organisation's row, -1 left out; NULL: row = organisation */
	int32_t n_rows;          /* with org_row NULL: n_orgs */
	const int32_t *pub_col;  /* n_pubs: each publication's column, -1 left out; NULL: all in column 0 */
	int32_t n_cols;          /* >= 1 */
	const uint64_t *row_key; /* n_rows: seeds each row's intervals (an id); NULL: the row index */
} biblio_grouping;

typedef struct biblio_options {
	biblio_counting counting;
	int n_boot;       /* resamples for the stability intervals; 0: none */
	uint64_t seed;
	int n_threads;    /* 0 or 1: this thread only */
} biblio_options;

typedef struct biblio_interval {
	double lo, hi;    /* NaN without resamples or publications */
} biblio_interval;

/* The indicators of one cell. Ratios are NaN when P is 0. */
typedef struct biblio_result {
	int32_t n_orgs;   /* organisations of the row with a publication in the cell */
	double p, tcs, mcs, tncs, mncs;
	double p_top[BIBLIO_N_TOP], pp_top[BIBLIO_N_TOP];
	double p_collab, pp_collab;
	double p_int_collab, pp_int_collab;
	double p_industry, pp_industry;
	double p_short_dist, pp_short_dist;   /* collaborations within 100 km */
	double p_long_dist, pp_long_dist;     /* collaborations 5000 km or more apart */
	double mgcd;      /* NaN when no publication's distance is known */
	double p_dist_known;   /* the weight of the publications whose distance is known */
	double h_index;
	biblio_interval ci[BIBLIO_N_CI];
} biblio_result;

/* Checks the input: ERR_INVALID naming the first publication or
 * affiliation that breaks a rule of the types above. */
int biblio_check(const biblio_input *in);

/* Fills out[0 .. n_pubs) for the counting: weights, NCS, top values,
 * collaboration and distance. Publications not counted get zeros. 0, or
 * ERR_INVALID (biblio_check), ERR_NOMEM. */
int biblio_prepare(biblio_pubstat *out, const biblio_input *in, biblio_counting counting);

/* The indicators of every cell of the grouping into out[0 .. n_rows *
 * n_cols), from the input and its biblio_prepare of the same counting.
 * 0, ERR_INVALID (a row or column out of range, options out of range),
 * ERR_NOMEM. */
int biblio_compute(biblio_result *out, const biblio_input *in, const biblio_pubstat *st,
	const biblio_grouping *g, const biblio_options *o);

/* A publication's fractional weight for each organisation: calls fn for
 * each organisation of publication p with its weight (once per
 * organisation up to 64 of them; beyond, an organisation may come in
 * parts that add up). */
void biblio_pub_org_weights(const biblio_input *in, size_t p,
	void (*fn)(void *ctx, int32_t org, double weight), void *ctx);

/* Great-circle distance in km between two points in degrees (mean Earth
 * radius 6371 km). */
double biblio_distance_km(double lat1, double lon1, double lat2, double lon2);

/* "full", "fractional" to the counting; -1 for anything else. */
int biblio_counting_parse(const char *name);
const char *biblio_counting_name(biblio_counting c);

#endif
