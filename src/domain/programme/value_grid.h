/* value_grid: the data-entry grid of one unit and period — every
 * indicator the unit reports (by its kind: the indicators' report_kinds,
 * as in the Excel template), last period's value, the target, and the
 * value of the period with its status and note, each row saying whether
 * it may still be changed. */
#ifndef NQ57_VALUE_GRID_H
#define NQ57_VALUE_GRID_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* {unit {id, code, name, kind}, period, period_label, period_label_en,
 * previous_period, previous_label, previous_label_en, deadline, can_edit,
 * rows: [{indicator_id, indicator_code, indicator_name,
 * indicator_name_en, measure, previous_value, previous_period,
 * previous_status, target, target_period, target_label, target_unit?,
 * value_id, value, status, note, can_edit}]} — a row without a target of
 * the unit's own carries the nearest enclosing unit's, which target_unit
 * {id, name} names; may_write says whether the reader may report
 * for the unit (a row can be edited when it may and the value is new, a
 * draft or returned). period is a code or words ("Quý III/2026").
 * ERR_NOTFOUND for an unknown unit, ERR_INVALID for a bad period. */
int value_grid(json_t **out, db_conn *db, int64_t unit_id, const char *period, bool may_write);

#endif
