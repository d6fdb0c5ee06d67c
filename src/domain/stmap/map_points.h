/* map_points: the organisations a map draws as points — where they are
 * (their own coordinates when known, else the commune they are in), their
 * kind and size — for a unit's subtree. */
#ifndef NQ57_STMAP_MAP_POINTS_H
#define NQ57_STMAP_MAP_POINTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* {"organisations": [{id, name, short_name, kind, unit_id, lat, lon,
 * employees}], "total": N} for the organisations (not merged, not
 * dissolved) in the subtree of unit_id, of kind when not NULL, published
 * ones only when public_only; ordered by name. lat and lon are null when
 * the organisation has none. ERR_NOTFOUND when unit_id is not a unit (or,
 * public_only, not a public one). */
int map_points_list(json_t **out, db_conn *db, int64_t unit_id, const char *kind, bool public_only);

#endif
