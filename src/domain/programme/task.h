/* task: tasks (nhiệm vụ) with a lead unit, supporting units, a product
 * and a deadline; progress reports; a completion request that the
 * steering office approves or returns. The status is derived, in the
 * official words:
 *   hoàn thành đúng hạn / hoàn thành quá hạn (completion approved; on time
 *     if it was requested by the deadline),
 *   chưa hoàn thành – quá hạn (past the deadline),
 *   sắp đến hạn (due within task_warn_days, 14 by default, with progress
 *     under 80%),
 *   chưa hoàn thành – trong hạn (otherwise). */
#ifndef NQ57_TASK_H
#define NQ57_TASK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "analytics/forecast.h"
#include "db/db.h"
#include "domain/people/authz.h"
#include "util/arena.h"
#include "util/period.h"

#define TASK_DEFAULT_WARN_DAYS 14
#define TASK_DUE_SOON_PROGRESS 80

typedef enum task_status {
	TASK_DONE_ON_TIME,
	TASK_DONE_LATE,
	TASK_OPEN_OVERDUE,
	TASK_OPEN_DUE_SOON,
	TASK_OPEN_IN_TIME,
} task_status;

typedef struct task_facts {
	bool has_deadline;
	date_ymd deadline;
	bool completed;          /* a completion request was approved */
	date_ymd completed_on;   /* the day that request was made */
	int progress;            /* the latest reported percentage */
} task_facts;

/* A recurring task (recurrence yearly or quarterly, starts_on, due_days)
 * has an occurrence for each period from the one holding starts_on, due
 * due_days after the period ends, until its deadline when it has one.
 * Its status is that of the oldest occurrence not completed (overdue,
 * due soon or in time by its own due day), else of the latest one;
 * reports name the occurrence's period. */
typedef struct task_occurrence {
	period p;
	date_ymd due;
	bool completed;
	date_ymd completed_on;
	int progress;
} task_occurrence;

/* "yearly" -> PERIOD_YEAR, "quarterly" -> PERIOD_QUARTER; ERR_INVALID. */
int task_recurrence_parse(period_kind *out, const char *name);
/* The occurrences' periods on as_of: from the one holding starts_on to
 * the one holding as_of (or *end, if earlier), at least one, at most max. */
int task_occurrences(period *out, int max, period_kind kind, date_ymd starts_on, const date_ymd *end, date_ymd as_of);
/* The index of the occurrence that decides the status. */
int task_deciding_occurrence(const task_occurrence *occ, int n);

/* Today in Viet Nam (UTC+7) by the server's clock. */
date_ymd task_today(void);
/* The one day every screen, count, export and report derives task
 * statuses for: text (YYYY-MM-DD) when given, else today. ERR_INVALID
 * ("'as_of': ...") for a text that is not a date. */
int task_as_of(date_ymd *out, const char *text);
/* The status on day as_of. Pure. */
task_status task_status_derive(const task_facts *f, date_ymd as_of, int warn_days);
/* The dashboards' colour for a task: done on time xanh, done late vàng,
 * overdue đỏ; an open task by its progress against the share of time gone
 * from start to deadline: behind by at most TASK_BEHIND_GREEN points
 * xanh, by at most TASK_BEHIND_YELLOW vàng, more đỏ (a task due soon is
 * at best vàng); without a deadline xám. Pure. */
#define TASK_BEHIND_GREEN 10
#define TASK_BEHIND_YELLOW 30
forecast_colour task_colour(task_status s, int progress, date_ymd start, const task_facts *f, date_ymd as_of);

/* "done_on_time", ... and "hoàn thành đúng hạn", ... */
const char *task_status_code(task_status s);
const char *task_status_label_vi(task_status s);
int task_status_parse(const char *code);   /* -1 if unknown */

/* Creates a task from JSON {code, title, lead_unit_code | lead_unit_id,
 * supporting_unit_codes?, document_number? | document_id?, objective_id?,
 * product?, deadline?, recurrence? (with starts_on, due_days?)}. */
int task_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);

/* The lead unit's path and the paths of the supporting units (arena). */
int task_unit_paths(const char **lead, const char ***supporting, int *n, db_conn *db, arena *a, int64_t id);

/* The same inside the caller's open write transaction (for loaders),
 * which may also bring the task's past reports: "reports": [{at,
 * progress, text?, unit_code?, period?, complete?, review?, reviewed_at?,
 * reason?}]. */
int task_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);

/* The path of the lead unit of the task that report report_id is on
 * (arena): its evidence is the lead unit's to read too. ERR_NOTFOUND. */
int task_report_lead_path(const char **out, db_conn *db, arena *a, int64_t report_id);

/* The lead unit's id. ERR_NOTFOUND. */
int task_lead_unit(int64_t *out, db_conn *db, int64_t id);

/* A progress report (complete: a completion request, lead unit only,
 * progress 100). unit_id is the reporting unit. period: for a recurring
 * task, the occurrence (NULL: the one deciding its status); NULL else. */
int task_report_add(int64_t *out_id, db_conn *db, const principal *who, int64_t task_id, int64_t unit_id,
	int64_t progress, const char *text, bool complete, const char *period);
/* Approves or returns completion request report_id of task_id. */
int task_report_review(db_conn *db, const principal *who, int64_t task_id, int64_t report_id, bool approve,
	const char *reason);

/* One task with status (as of as_of), progress, units and reports. */
int task_get(json_t **out, db_conn *db, int64_t id, date_ymd as_of);
/* What task_list keeps: NULL or 0 for any. */
typedef struct task_filter {
	const char *q;            /* code or title, diacritics ignored */
	const char *status;       /* the derived status code */
	int64_t unit_id;          /* lead or supporting unit */
	int64_t document_id;
	const char *due_from, *due_to;   /* YYYY-MM-DD, on the deadline that decides the status */
	bool waiting;             /* a completion request waits for review */
	const principal *who;     /* when set, each task says who's unit role in it (my_role) */
	bool mine;                /* only tasks whose lead or a supporting unit lies within who's officer grants */
} task_filter;

/* {"tasks": [...], "total", "counts": {status: n}}, each task with its
 * supporting_units [{id, code, name}] (and my_role when f->who is set)
 * and "tasks_as_of" (the day of the statuses, YYYY-MM-DD),
 * ordered by the
 * deciding deadline; the counts are over everything the other filters
 * keep, before the status filter. */
int task_list(json_t **out, db_conn *db, const task_filter *f, date_ymd as_of, int64_t limit, int64_t offset);

/* The task with this code, or ERR_NOTFOUND. */
int task_id_by_code(int64_t *out, db_conn *db, const char *code);

/* Adds supporting_units to each task of list (and my_role when who is
 * given: see task_role_of); drops the internal "_lead_path". task_page.c */
int task__list_units(json_t *list, db_conn *db, const principal *who);

#endif
