/* dashboard_internal: what dashboard.c and dashboard_tasks.c share.
 * Private to the two. */
#ifndef NQ57_DASHBOARD_INTERNAL_H
#define NQ57_DASHBOARD_INTERNAL_H

#include "domain/dashboards/dashboard.h"

/* Tasks of the document (and unit_id), their counts, the overdue and the
 * due-soon ones on day, into o; with_ranking: units ranked by the share
 * of their tasks done on time; with_list: the tasks themselves. */
int dashboard__task_part(json_t *o, db_conn *db, const dashboard_query *q, int64_t unit_id, date_ymd day, bool with_ranking,
	bool with_list);

#endif
