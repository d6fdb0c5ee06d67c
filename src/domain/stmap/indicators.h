/* stmap/indicators: the Leiden-style bibliometric indicators
 * (analytics/bibliometrics.h) of the registry's organisations, their
 * communes, fields and years, from the works of the outputs (0023) and
 * their affiliations matched to organisations; the patents, projects,
 * contracts and spin-offs of the same organisations alongside.
 *
 * The works are read once into memory and kept until the outputs or the
 * organisations change (output_generation, organisation_generation), with
 * each publication's normalisation for both countings; a request only
 * groups and sums. Counted: articles, reviews and book chapters with a
 * year (the Leiden Ranking's document types); a field is OpenAlex's field
 * (or the 2022 schema's level-0 concept), normalised per field and year
 * over every counted work held. */
#ifndef NQ57_STMAP_INDICATORS_H
#define NQ57_STMAP_INDICATORS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "analytics/bibliometrics.h"
#include "db/db.h"

#define STMAP_BOOT 1000          /* resamples of the stability intervals */
#define STMAP_BOOT_SEED 57       /* their seed: the same intervals on every server */

typedef enum stmap_by { STMAP_BY_ORGANISATION, STMAP_BY_COMMUNE, STMAP_BY_FIELD, STMAP_BY_YEAR } stmap_by;

/* "organisation", "commune", "field", "year"; -1 for anything else. */
int stmap_by_parse(const char *name);
const char *stmap_by_name(stmap_by by);

typedef struct stmap_ind_query {
	stmap_by by;
	biblio_counting counting;
	int year_from, year_to;       /* 0: open */
	const char *field;            /* a field id ('17'); NULL: any */
	const char *kind;             /* an organisation kind; NULL: any */
	int64_t organisation_id;      /* 0: any */
	int n_boot;                   /* resamples; 0: no intervals */
	bool signed_in;               /* contract values are for signed-in people */
	bool unpublished;             /* organisations whose profile is not public too */
} stmap_ind_query;

/* {"by", "counting", "from", "to", "works", "rows": [...]}: one row per
 * organisation (commune, field, year) with at least one counted work in
 * the query's period, most publications first (years in order). Each row
 * names its organisation (organisation_id, name, short_name, kind,
 * unit_id, unit_code, unit_name), commune (unit_id, unit_code,
 * unit_name, n_organisations), field (field_id, field) or year, then the
 * indicators: p, tcs, mcs, tncs, mncs, p_top1 .. pp_top50, p_collab,
 * pp_collab, p_int_collab, pp_int_collab, p_industry, pp_industry,
 * p_short_dist, pp_short_dist, p_long_dist, pp_long_dist, mgcd, h_index,
 * and <indicator>_lo/_hi for the stability intervals of mcs, mncs,
 * pp_top1, pp_top10, pp_top50, pp_collab, pp_int_collab; organisation and
 * commune rows also patents, utility_solutions, projects, funding,
 * contracts, contract_value (signed in), spinoffs of the period.
 * ERR_INVALID for a period ending before it starts or an unknown kind. */
int stmap_indicators_table(json_t **out, db_conn *db, const stmap_ind_query *q);

/* One organisation's indicators: {"organisation": {...}, "rows": [{year,
 * counting, ...}] (the workbook's table), "total": {"full": {...},
 * "fractional": {...}}, "years": [{"year", "full", "fractional"}],
 * "outputs": {...}}, intervals included. ERR_NOTFOUND for an organisation
 * that does not exist or (unless unpublished) is not public. */
int stmap_indicators_organisation(json_t **out, db_conn *db, int64_t id, bool signed_in, bool unpublished);

/* ---- programme indicators computed from the registry (registry.c) ----
 * The fractional P or P(top 10 %) of each organisation in a year: sums
 * over a unit's subtree, as the registry's figures roll up. Read from the
 * caller's connection (inside its transaction), never from the cache. */
typedef struct stmap_pub_units stmap_pub_units;

typedef struct stmap_pub_filter {
	const char *const *kinds;   /* organisation kinds; n_kinds 0: any */
	int n_kinds;
	const char *sector;         /* a sector code the organisation lists; NULL: any */
} stmap_pub_filter;

typedef struct stmap_pub_figure {
	int64_t organisation_id, unit_id;
	const char *name, *kind, *unit_code, *unit_name, *unit_path;
	double value;
} stmap_pub_figure;

int stmap_pub_units_load(stmap_pub_units **out, db_conn *db);
void stmap_pub_units_free(stmap_pub_units *u);
/* Calls fn for every organisation with a unit, of the filter, whose value
 * in year is not 0 (P, or P(top 10 %) when top10); stops at fn's first
 * error and returns it. */
int stmap_pub_units_year(const stmap_pub_units *u, int year, bool top10, const stmap_pub_filter *f,
	int (*fn)(void *ctx, const stmap_pub_figure *fig), void *ctx);

/* Times of one computation of every organisation's indicators, for the
 * benchmark: reading the works, preparing both countings, and all
 * indicators of every organisation in each counting with n_boot
 * resamples. */
typedef struct stmap_ind_timing {
	double load_s, prepare_s, full_s, fractional_s;
	int64_t works, affiliations, organisations, rows;
} stmap_ind_timing;
int stmap_indicators_time(stmap_ind_timing *out, db_conn *db, int n_boot, int n_threads);

#endif
