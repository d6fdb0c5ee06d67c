/* job_lease: background jobs claimed once by the servers that share one
 * database. A server claims a queued job in one statement (PostgreSQL:
 * FOR UPDATE SKIP LOCKED; SQLite: a conditional UPDATE in an immediate
 * transaction), records itself as the job's owner with a lease expiry, and
 * renews the lease while the job runs (at each progress step and from a
 * keeper thread). A running job whose lease lapsed — its server was killed
 * or lost the database for longer than the lease — is taken by the next
 * server that looks for work. Every write of a running job names its owner,
 * so a server that lost its lease can no longer touch the job. */
#ifndef NQ57_JOB_LEASE_H
#define NQ57_JOB_LEASE_H

#include <stdint.h>

#include "db/db.h"

/* One kind of job: its table (with id, status queued/running/...,
 * progress, error, finished_at, lease_owner, lease_until, attempts;
 * migration 0020) and the progress a claimed job starts with. */
typedef struct job_queue {
	const char *table;
	int start_progress;
	const char *kind;   /* for the log: "report", ... */
} job_queue;

extern const job_queue job_queue_report;        /* report_job */
extern const job_queue job_queue_uncertainty;   /* index_uncertainty */
extern const job_queue job_queue_index_run;     /* index_run */

#define JOB_LEASE_DEFAULT_SECONDS 60
/* A job that stopped its server this many times is marked failed. */
#define JOB_LEASE_MAX_ATTEMPTS 3

/* The lease length for this process, from 1 to 3600 seconds (else the
 * default); set once at start, before the worker runs. */
void job_lease_set_seconds(int seconds);
int job_lease_seconds(void);
/* This process's name as a job owner: "host:pid:random", made once. */
const char *job_lease_owner(void);
/* Milliseconds since 1970 on the wall clock (never the test clock). */
int64_t job_lease_now_ms(void);

/* Claims the oldest job of q that is queued or whose lease lapsed; *id 0
 * when there is none. Lapsed jobs already started JOB_LEASE_MAX_ATTEMPTS
 * times are marked failed first. Returns 0 or a database error. */
int job_lease_claim(int64_t *id, db_conn *db, const job_queue *q);

/* Writes the progress of job id (when percent >= 0) and renews its lease.
 * ERR_CONFLICT when this server no longer holds the job (it lapsed and
 * another server took it, or the job was cancelled). */
int job_lease_progress(db_conn *db, const job_queue *q, int64_t id, int percent);

/* Puts a job this server holds back in the queue (the server is stopping)
 * without counting the attempt. */
int job_lease_release(db_conn *db, const job_queue *q, int64_t id);

/* The owner condition a job's own writes add to their WHERE clause, with
 * two parameters: the id and job_lease_owner(). */
#define JOB_LEASE_HELD "id = ? AND lease_owner = ? AND status = 'running'"

/* Renews the leases of every job this process is running, on a thread of
 * its own with its own connection, every third of the lease; so a long
 * step without progress keeps its job. *out is owned by the caller. */
typedef struct job_lease_keeper job_lease_keeper;
int job_lease_keeper_start(job_lease_keeper **out, const char *db_url);
void job_lease_keeper_stop(job_lease_keeper *k);

#endif
