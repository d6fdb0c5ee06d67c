/* registry: the sectors of the registry, and indicators computed from it.
 *
 * An indicator whose "registry" is set is computed, never reported: a count
 * or a sum over the registry's records, for each year from its first year
 * to the current one. Its spec (stored as JSON in indicator.registry):
 *   {"entity": "organisation" | "investment" | "booking" | "publication",
 *    "measure": "count" | "sum",   sum: employees, amount_vnd, used_hours
 *    "mode": "stock" | "flow",     stock: as at the end of the year;
 *                                  flow: within the year
 *    "filter": {"kind": [...], "sector": "ai"}   (organisation kinds and
 *                                  sector of the organisation concerned)
 *    "from": 2025,                 the first year
 *    "scale": 1e-9}                (a sum in tỷ đồng rather than đồng)
 * Publications (stmap/indicators.h) are counted within each year, in
 * fractional counting: "count" is P, "sum" is P(top 10 %), each work's
 * share going to the units of its organisations.
 * Each record counts at the unit of its organisation (an investment at the
 * start-up's, a booking at the provider's). The figures are written as
 * approved values: every unit of the indicator's report_kinds gets one
 * (0 when nothing counts), and a unit of another kind that holds records
 * itself gets its whole subtree's figure (its own figure wins in the
 * roll-up), so that the roll-up over any unit equals the plain count over
 * its subtree. registry_refresh runs inside every registry write, so the
 * dashboards move with the write that moved them. */
#ifndef NQ57_REGISTRY_H
#define NQ57_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/arena.h"

/* Checks a spec; *out (malloc'd) is its canonical JSON text. ERR_INVALID
 * naming the field. */
int registry_spec_check(char **out, const json_t *spec);

/* Recomputes every indicator computed from the registry, inside the
 * caller's open write transaction; writes only the figures that changed. */
int registry_refresh(db_conn *db);
/* Only the indicators over entity ("investment", "booking"); an
 * organisation's change may move all of them (registry_refresh). */
int registry_refresh_for(db_conn *db, const char *entity);
/* The same for one indicator. */
int registry_refresh_indicator(db_conn *db, int64_t indicator_id);

/* The records behind a figure: indicator code, the unit (its subtree) and
 * period (a year) -> {"indicator", "unit", "period", "entity", "total",
 * "value", "records": [{id, name, kind, unit_code, unit_name, date,
 * amount?, organisation_id}]} (at most limit records). ERR_NOTFOUND,
 * ERR_INVALID for an indicator not from the registry. */
int registry_records(json_t **out, db_conn *db, const char *indicator_code, int64_t unit_id, const char *period,
	int64_t limit);

/* The code of indicator id and whether it is public (arena a). ERR_NOTFOUND. */
int registry_indicator_code(const char **code, int64_t *is_public, db_conn *db, arena *a, int64_t id);

/* {"sectors": [{code, name_vi, name_en, strategic, position}]} in order. */
int registry_sectors(json_t **out, db_conn *db);
/* Adds or changes a sector {code, name_vi, name_en?, position?}. */
int registry_sector_save(db_conn *db, const principal *who, const json_t *in);
/* Whether code names a sector. */
int registry_sector_exists(bool *out, db_conn *db, const char *code);

/* ------------------------------------------------------------------ load */

typedef struct registry_counts {
	int organisations, networks, resources, bookings, agreements, funds, investments, support_programmes,
		commercialisations, indicators;
} registry_counts;

/* Loads a whole registry in one transaction (registry_load.c): JSON
 * {organisations: [{key, ...organisation_insert's fields}], networks:
 * [{..., coordinator: key, members: [{organisation: key, role,
 * joined_on}]}], resources: [{organisation: key, network: code, ...}],
 * bookings: [{resource: name, requester: key, ...}], agreements: [{...,
 * parties: [keys], problems: [{title, brought_by: key}]}], funds: [{...,
 * organisation: key, members: [{organisation: key, committed_vnd}]}],
 * investments: [{fund: code, investor: key, startup: key, ...}],
 * support_programmes: [{..., provider: key, network: code, recipients:
 * [{organisation: key, support}]}], commercialisations: [{organisation:
 * key, partner: key, ...}], indicators: [indicator_insert's fields with
 * "registry"]}; then computes the indicators. Nothing is saved when one
 * record is refused: the error names it. */
int registry_load(registry_counts *out, db_conn *db, const principal *who, const json_t *in);

#endif
