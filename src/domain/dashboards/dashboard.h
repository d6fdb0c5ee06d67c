/* dashboard: what leaders see on one screen, computed at the moment of
 * the request from the live roll-ups (domain/rollup.h) and the tasks'
 * derived statuses. Every answer carries "as_of" (when the numbers were
 * read) and "data_seq" (the last change it includes).
 *
 * An indicator tile for a unit and a period P: the actual is the roll-up
 * at the latest period ending by P's end; the target is the unit's next
 * one (the first ending at or after the actual's period), else its last;
 * the colour is judged from the actual when the target's period is over,
 * else from a trend forecast (analytics/forecast.h) of the series of the
 * period kind with the most figures up to P: xanh when the probability
 * of reaching the target is at least 0.7, vàng from 0.3, đỏ below, xám
 * without a target or with fewer than three figures.
 *
 * The headline rule (GSO's: a total is published when enough units have
 * reported): a roll-up counts only when the approved values cover at least
 * the indicator's threshold of its expected reporters (rollup_complete).
 * The actual is the latest complete figure, and the trend and forecast use
 * complete figures only; a newer incomplete one is the tile's "partial"
 * {period, value, reporters, approved, expected}. Every tile carries
 * reporters, approved and expected. Without an asked period, the page's
 * period is the latest in which some indicator is complete, and
 * "period_in_progress" names a newer one with figures. */
#ifndef NQ57_DASHBOARD_H
#define NQ57_DASHBOARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "domain/dashboards/rollup.h"
#include "util/str.h"
#include "util/period.h"

typedef struct dashboard_query {
	int64_t unit_id;        /* 0: the only root (or all roots together) */
	int64_t document_id;    /* 0: every document */
	const char *period;     /* NULL: the latest with figures */
	const char *from, *to;  /* indicator page: the range of periods shown */
	const char *kind;       /* indicator page: year, quarter, ...; NULL: the kind with most figures */
	bool all_indicators;    /* also the indicators that are not public */
	date_ymd today;         /* the day task statuses are derived for: today, or the as_of asked */
} dashboard_query;

/* The city overview: indicator tiles, task counts by official status,
 * overdue and due-soon tasks, units ranked by the share of their tasks
 * done on time. tasks_visible false leaves the task parts out (anonymous). */
int dashboard_overview(json_t **out, rollup_cache *cache, db_conn *db, const dashboard_query *q, bool tasks_visible);

/* One indicator for a unit: the series by period with targets, the
 * forecast band to the last target, the breakdown by child unit and the
 * figures by unit code for a map, as JSON text appended to out (a
 * province's page holds thousands of figures: the part after the head is
 * kept as text while its figures are unchanged). ERR_NOTFOUND. */
int dashboard_indicator_text(str *out, rollup_cache *cache, db_conn *db, int64_t indicator_id, const dashboard_query *q);

/* The same as a JSON object. */
int dashboard_indicator(json_t **out, rollup_cache *cache, db_conn *db, int64_t indicator_id, const dashboard_query *q);

/* A unit's scorecard: its indicator tiles, its tasks (led or supported)
 * with their counts, what is late, and each indicator's history. */
int dashboard_unit(json_t **out, rollup_cache *cache, db_conn *db, const dashboard_query *q);

/* GET /api/v1/rollup: indicator (id) over a unit for the periods listed
 * (comma-separated) or from..to of one kind; by_children adds each
 * child's figures. */
int dashboard_rollup(json_t **out, rollup_cache *cache, db_conn *db, int64_t indicator_id, const dashboard_query *q,
	const char *periods, bool by_children);

#endif
