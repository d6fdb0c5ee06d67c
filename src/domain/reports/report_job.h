/* report_job: review reports generated in the background. A request
 * queues a job; the server's worker (domain/worker.h) runs it: builds the
 * content from the live dashboards, renders every format, stores the
 * files under the data directory by SHA-256 and keeps the content with
 * the data state it used (data_seq, as_of), so the same report can be
 * downloaded again later. Progress is kept in percent. */
#ifndef NQ57_REPORT_JOB_H
#define NQ57_REPORT_JOB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "domain/dashboards/rollup.h"
#include "util/arena.h"
#include "util/period.h"

/* Queues a review report of document (its number) over period, with the
 * tasks' statuses derived for the day tasks_as_of (YYYY-MM-DD; NULL or
 * "": the day the report is made). ERR_NOTFOUND for an unknown document,
 * ERR_INVALID for a bad period or day. */
int report_job_create(int64_t *out_id, db_conn *db, const principal *who, const char *document, const char *period,
	bool final, const char *tasks_as_of);

/* {id, kind, document_number, period, final, status, progress, error,
 * data_seq, as_of, tasks_as_of, created_at, finished_at, files: [{format,
 * name, size}]}; tasks_as_of is the day asked for, or the day used once
 * made (null while a report of "today" waits).
 * ERR_NOTFOUND. */
int report_job_get(json_t **out, db_conn *db, int64_t id);
/* {"reports": [...], "total"}, newest first. */
int report_job_list(json_t **out, db_conn *db, int64_t limit, int64_t offset);

/* Claims the oldest queued job, or one whose server stopped before it
 * finished (its lease lapsed; job_lease.h), and runs it, if any (*ran
 * tells). A job that fails is marked failed with the error; only a
 * database failure is returned. */
int report_job_run_next(bool *ran, db_conn *db, rollup_cache *cache, const char *data_dir, date_ymd today);

/* The content a finished job was rendered from, as JSON text (malloc'd).
 * ERR_NOTFOUND. */
int report_job_content(char **out, db_conn *db, int64_t id);

/* A finished job's stored file: its path (arena a), download name and
 * type. ERR_NOTFOUND. */
int report_job_file(const char **path, const char **name, const char **type, db_conn *db, arena *a, const char *data_dir,
	int64_t id, const char *format);

#endif
