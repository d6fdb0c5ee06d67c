/* job_lease: jobs claimed once across the servers of one database
 * (job_lease.h). The statements name a job table from the constant queues
 * below — never a value from outside — so they are formatted with it. */
#include "domain/job_lease.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const job_queue job_queue_report = { .table = "report_job", .start_progress = 5, .kind = "report" };
const job_queue job_queue_uncertainty = { .table = "index_uncertainty", .start_progress = 0, .kind = "uncertainty analysis" };
const job_queue job_queue_index_run = { .table = "index_run", .start_progress = 0, .kind = "index run" };

/* Every queue, for the keeper. */
static const job_queue *const queues[] = { &job_queue_report, &job_queue_uncertainty, &job_queue_index_run };
#define N_QUEUES ((int)(sizeof(queues) / sizeof(queues[0])))

#define SQL_SIZE 768

static atomic_int lease_seconds = JOB_LEASE_DEFAULT_SECONDS;
static char owner[96];
static pthread_once_t owner_once = PTHREAD_ONCE_INIT;

void job_lease_set_seconds(int seconds)
{
	atomic_store(&lease_seconds, seconds >= 1 && seconds <= 3600 ? seconds : JOB_LEASE_DEFAULT_SECONDS);
}

int job_lease_seconds(void) { return atomic_load(&lease_seconds); }

static void make_owner(void)
{
	char host[64] = "";
	unsigned char r[4] = { 0 };
	if (gethostname(host, sizeof(host)) < 0 || !*host)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	if (sodium_init() >= 0)
		randombytes_buf(r, sizeof(r));
	snprintf(owner, sizeof(owner), "%s:%ld:%02x%02x%02x%02x", host, (long)getpid(), r[0], r[1], r[2], r[3]);
}

const char *job_lease_owner(void)
{
	pthread_once(&owner_once, make_owner);
	return owner;
}

int64_t job_lease_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t lease_until(void) { return job_lease_now_ms() + (int64_t)job_lease_seconds() * 1000; }

/* ----------------------------------------------------------------- claim */

/* Lapsed jobs that already stopped a server too often: failed, so that a
 * job that kills its server is not run for ever. */
static int fail_exhausted(db_conn *db, const job_queue *q, int64_t now)
{
	char sql[SQL_SIZE], at[TIME_ISO_SIZE], why[160];
	time_now_iso(at);
	snprintf(why, sizeof(why), "the %s stopped %d times before it finished; start it again", q->kind, JOB_LEASE_MAX_ATTEMPTS);
	snprintf(sql, sizeof(sql),
		"UPDATE %s SET status = 'failed', error = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL "
		"WHERE status = 'running' AND (lease_until IS NULL OR lease_until < ?) AND attempts >= ?", q->table);
	int rc = db_run(db, NULL, sql, "ttii", why, at, now, (int64_t)JOB_LEASE_MAX_ATTEMPTS);
	if (rc == 0 && db_changes(db) > 0)
		log_warn("%s: %lld job(s) failed after %d attempts", q->kind, (long long)db_changes(db), JOB_LEASE_MAX_ATTEMPTS);
	return rc;
}

int job_lease_claim(int64_t *id, db_conn *db, const job_queue *q)
{
	char sql[SQL_SIZE];
	int64_t now = job_lease_now_ms();
	bool pg = db_conn_kind(db) == DB_POSTGRES;
	int rc;
	*id = 0;
	/* a read first: an idle server does not take the write lock */
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s WHERE status = 'queued' OR "
		"(status = 'running' AND (lease_until IS NULL OR lease_until < ?))", q->table);
	int64_t free_jobs = 0;
	if ((rc = db_run(db, &free_jobs, sql, "i", now)) < 0 || free_jobs == 0)
		return rc;
	if ((rc = fail_exhausted(db, q, now)) < 0)
		return rc;
	/* One statement takes the oldest free job: on PostgreSQL a row another
	 * server is claiming is skipped, not waited for; on SQLite the
	 * immediate transaction holds the only write lock. */
	snprintf(sql, sizeof(sql),
		"UPDATE %s SET status = 'running', progress = %d, lease_owner = ?, lease_until = ?, attempts = attempts + 1 "
		"WHERE id = (SELECT id FROM %s WHERE status = 'queued' OR "
		"(status = 'running' AND (lease_until IS NULL OR lease_until < ?)) ORDER BY id LIMIT 1%s) RETURNING id",
		q->table, q->start_progress, q->table, pg ? " FOR UPDATE SKIP LOCKED" : "");
	if (!pg && (rc = db_begin_write(db)) < 0)
		return rc;
	rc = db_run(db, id, sql, "tii", job_lease_owner(), lease_until(), now);
	if (!pg) {
		if (rc < 0)
			db_rollback(db);
		else if ((rc = db_commit(db)) < 0)
			*id = 0;
	}
	if (rc == 0 && *id)
		log_info("%s %lld: claimed by %s for %d s", q->kind, (long long)*id, job_lease_owner(), job_lease_seconds());
	return rc;
}

/* ------------------------------------------------------------- a held job */

int job_lease_progress(db_conn *db, const job_queue *q, int64_t id, int percent)
{
	char sql[SQL_SIZE];
	int rc;
	if (percent >= 0) {
		snprintf(sql, sizeof(sql), "UPDATE %s SET progress = ?, lease_until = ? WHERE " JOB_LEASE_HELD, q->table);
		rc = db_run(db, NULL, sql, "iiit", (int64_t)percent, lease_until(), id, job_lease_owner());
	} else {
		snprintf(sql, sizeof(sql), "UPDATE %s SET lease_until = ? WHERE " JOB_LEASE_HELD, q->table);
		rc = db_run(db, NULL, sql, "iit", lease_until(), id, job_lease_owner());
	}
	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return err_set(ERR_CONFLICT, "job %lld (%s) is no longer held by this server", (long long)id, q->table);
	return 0;
}

int job_lease_release(db_conn *db, const job_queue *q, int64_t id)
{
	char sql[SQL_SIZE];
	snprintf(sql, sizeof(sql),
		"UPDATE %s SET status = 'queued', progress = 0, lease_owner = NULL, lease_until = NULL, attempts = attempts - 1 "
		"WHERE " JOB_LEASE_HELD, q->table);
	return db_run(db, NULL, sql, "it", id, job_lease_owner());
}

/* ---------------------------------------------------------------- keeper */

struct job_lease_keeper {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	char *db_url;
};

/* Renews every lease this process holds; the connection is reopened after
 * a failure (a database restart). */
static void renew_all(db_conn **db, const char *db_url)
{
	char sql[SQL_SIZE];
	if (!*db && db_open(db, db_url) < 0) {
		log_warn("job leases: cannot open the database: %s", err_msg());
		*db = NULL;
		return;
	}
	for (int i = 0; i < N_QUEUES; i++) {
		snprintf(sql, sizeof(sql), "UPDATE %s SET lease_until = ? WHERE lease_owner = ? AND status = 'running'",
			queues[i]->table);
		if (db_run(*db, NULL, sql, "it", lease_until(), job_lease_owner()) < 0) {
			log_warn("job leases: not renewed: %s", err_msg());
			db_close(*db);
			*db = NULL;
			return;
		}
	}
}

static void *keeper_main(void *arg)
{
	job_lease_keeper *k = arg;
	db_conn *db = NULL;
	pthread_mutex_lock(&k->lock);
	while (!k->stop) {
		int64_t every = (int64_t)job_lease_seconds() * 1000 / 3;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)(every / 1000);
		until.tv_nsec += (long)(every % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		int rc = 0;
		while (!k->stop && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&k->cond, &k->lock, &until);
		if (k->stop)
			break;
		pthread_mutex_unlock(&k->lock);
		renew_all(&db, k->db_url);
		pthread_mutex_lock(&k->lock);
	}
	pthread_mutex_unlock(&k->lock);
	db_close(db);
	return NULL;
}

int job_lease_keeper_start(job_lease_keeper **out, const char *db_url)
{
	job_lease_keeper *k = calloc(1, sizeof(*k));
	if (!k || !(k->db_url = strdup(db_url))) {
		free(k);
		return err_set(ERR_NOMEM, "out of memory");
	}
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->cond, NULL);
	if (pthread_create(&k->thread, NULL, keeper_main, k) != 0) {
		pthread_mutex_destroy(&k->lock);
		pthread_cond_destroy(&k->cond);
		free(k->db_url);
		free(k);
		return err_set(ERR_GENERIC, "cannot start the job lease keeper");
	}
	*out = k;
	return 0;
}

void job_lease_keeper_stop(job_lease_keeper *k)
{
	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = true;
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->thread, NULL);
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->cond);
	free(k->db_url);
	free(k);
}
