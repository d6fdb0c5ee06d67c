/* completeness: who was expected to report an indicator for a period and
 * who did (DHIS2's reporting-rate summary). The expected reporters of a
 * subtree are those of the roll-up (rollup_completeness): the active units
 * of the indicator's report_kinds. A unit has reported when its value is
 * submitted or approved, on time when it was not submitted late. */
#ifndef NQ57_COMPLETENESS_H
#define NQ57_COMPLETENESS_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/dashboards/rollup.h"

/* {indicator, unit, period, label_vi, threshold, total: {expected,
 * reported, approved, on_time, rate, approved_rate, on_time_rate},
 * children: [{unit_id, code, name, kind, ...the same counts}], missing:
 * [{unit_id, code, name}] (the first expected units that have not
 * reported)}. period NULL: the latest period with an approved value of the
 * indicator. ERR_NOTFOUND for an unknown indicator or unit. */
int completeness_report(json_t **out, rollup_cache *cache, db_conn *db, int64_t indicator_id, int64_t unit_id,
	const char *period, bool all_indicators);

#endif
