/* task_page: what a task's page shows beyond the task itself (each
 * supporting unit's latest contribution, the lead unit's progress over
 * time, the comment thread, deadline extension requests) and the writes
 * of the last two: comments, and extension requests (đề nghị gia hạn)
 * that the steering office approves, moving the deadline, or refuses. */
#ifndef NQ57_TASK_PAGE_H
#define NQ57_TASK_PAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/arena.h"

#define TASK_COMMENT_MAX 4000

/* A task's units: the lead and the supporting ones (arena). */
typedef struct task_units {
	int64_t lead_id;
	const char *lead_path, *lead_code;
	int n;
	int64_t *ids;
	const char **paths, **codes;
} task_units;

/* ERR_NOTFOUND when there is no task task_id. */
int task_units_load(task_units *out, db_conn *db, arena *a, int64_t task_id);

/* "lead" when one of who's officer grants reaches the lead unit,
 * "support" when one reaches a supporting unit, else NULL. *unit_id (may
 * be NULL) gets that unit. */
const char *task_role_of(int64_t *unit_id, const principal *who, const task_units *u);

/* Adds to task t (as task_get answers it): original_deadline,
 * progress_history [{at, progress, kind, status}] of the lead unit,
 * contributions [{unit {id, code, name}, report | null}] (each supporting
 * unit's latest report), comments [{id, at, text, person {id, login,
 * name}, unit | null}], extensions [{id, at, unit, person, proposed_deadline,
 * reason, previous_deadline, status, decided_by, decided_at,
 * decision_reason}] and extension_waiting. */
int task_page_details(json_t *t, db_conn *db);

/* Adds who's comment to task_id, said for unit_id (0: for no task unit,
 * the steering office). Audited. ERR_INVALID for an empty or long text. */
int task_comment_add(int64_t *out_id, db_conn *db, const principal *who, int64_t task_id, int64_t unit_id,
	const char *text);

/* The lead unit (unit_id) asks to move the deadline to proposed
 * (YYYY-MM-DD, later than the current one) for reason. Audited.
 * ERR_INVALID; ERR_CONFLICT when the task is completed or a request waits. */
int task_extension_request(int64_t *out_id, db_conn *db, const principal *who, int64_t task_id, int64_t unit_id,
	const char *proposed, const char *reason);

/* Approves request eid of task_id, moving the task's deadline to the
 * proposed one (the request keeps the one it replaced), or refuses it
 * (reason required). Audited. ERR_NOTFOUND, ERR_CONFLICT when decided. */
int task_extension_decide(db_conn *db, const principal *who, int64_t task_id, int64_t eid, bool approve,
	const char *reason);

#endif
