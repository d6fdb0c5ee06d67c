/* worker: the background thread (worker.h). */
#include "domain/worker.h"
#include "domain/people/inbox.h"
#include "domain/indices/index_store.h"
#include "domain/indices/index_uncertainty.h"
#include "domain/job_lease.h"
#include "domain/programme/reminder.h"
#include "domain/reports/report_job.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct worker {
	worker_config cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop, woken;
	atomic_bool cancel;     /* set by worker_stop: a long index analysis stops and is queued again */
	int threads;            /* for index analyses: the CPUs online */
	db_conn *db;
	job_lease_keeper *keeper;   /* renews the leases of the jobs this server runs */
	long reminded_day;      /* days since 1970 of the last reminder run, 0 before */
	time_t mail_after;      /* no mail attempt before this time */
	char inbox_mark[INBOX_MARK_SIZE];   /* the inbox's state when it was last mailed */
};

/* Runs every queued job: a report, an index run, then an index analysis,
 * in turn. */
static void run_jobs(worker *w)
{
	bool ran = true, ran_run = false, ran_index = false;
	while (ran || ran_run || ran_index) {
		pthread_mutex_lock(&w->lock);
		bool stop = w->stop;
		pthread_mutex_unlock(&w->lock);
		if (stop)
			return;
		if (!w->db && db_open(&w->db, w->cfg.db_url) < 0) {
			log_error("worker: cannot open the database: %s", err_msg());
			w->db = NULL;
			return;
		}
		if (report_job_run_next(&ran, w->db, w->cfg.cache, w->cfg.data_dir, task_today()) < 0) {
			log_error("worker: report job: %s", err_msg());
			db_close(w->db);   /* reconnect next time */
			w->db = NULL;
			return;
		}
		if (index_run_run_next(&ran_run, w->db, &w->cancel) < 0) {
			log_error("worker: index run: %s", err_msg());
			db_close(w->db);
			w->db = NULL;
			return;
		}
		if (index_uncertainty_run_next(&ran_index, w->db, w->threads, &w->cancel) < 0) {
			log_error("worker: index uncertainty analysis: %s", err_msg());
			db_close(w->db);
			w->db = NULL;
			return;
		}
	}
}

/* Once a day the reminders; then, when a mail server is set, the unsent
 * ones are mailed, and each person's new inbox items when something
 * happened since the last look (after a failure, again a minute later). */
static void remind(worker *w)
{
	date_ymd today = task_today();
	int created = 0, sent = 0;
	if (!w->db)
		return;
	if (date_to_days(today) != w->reminded_day) {
		if (reminder_run(&created, w->db, today) < 0) {
			log_error("worker: reminders: %s", err_msg());
			return;
		}
		w->reminded_day = date_to_days(today);
		if (created)
			log_info("worker: %d reminder(s) for today", created);
	}
	if (!w->cfg.smtp_host || time(NULL) < w->mail_after)
		return;
	reminder_mail mail = { .host = w->cfg.smtp_host, .port = w->cfg.smtp_port, .from = w->cfg.mail_from };
	if (reminder_send(&sent, w->db, &mail, today) < 0) {
		log_error("worker: reminder mail: %s", err_msg());
		w->mail_after = time(NULL) + 60;
		return;
	}
	if (sent)
		log_info("worker: %d reminder message(s) sent", sent);
	char mark[INBOX_MARK_SIZE];
	if (inbox_mark(mark, w->db) < 0) {
		log_error("worker: inbox: %s", err_msg());
		return;
	}
	if (strcmp(mark, w->inbox_mark) == 0)
		return;
	if (inbox_send(&sent, w->db, &mail) < 0) {
		log_error("worker: inbox mail: %s", err_msg());
		w->mail_after = time(NULL) + 60;
		return;
	}
	memcpy(w->inbox_mark, mark, sizeof(mark));
	if (sent)
		log_info("worker: %d inbox message(s) sent", sent);
}

static void *main_loop(void *arg)
{
	worker *w = arg;
	int poll = w->cfg.poll_ms > 0 ? w->cfg.poll_ms : 2000;
	for (;;) {
		run_jobs(w);
		remind(w);
		pthread_mutex_lock(&w->lock);
		if (!w->stop && !w->woken) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += poll / 1000;
			until.tv_nsec += (long)(poll % 1000) * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (!w->stop && !w->woken && pthread_cond_timedwait(&w->cond, &w->lock, &until) != ETIMEDOUT)
				;
		}
		bool stop = w->stop;
		w->woken = false;
		pthread_mutex_unlock(&w->lock);
		if (stop)
			break;
	}
	db_close(w->db);
	return NULL;
}

int worker_start(worker **out, const worker_config *cfg)
{
	worker *w = calloc(1, sizeof(*w));
	if (!w)
		return err_set(ERR_NOMEM, "out of memory");
	w->cfg = *cfg;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	w->threads = cpus < 1 ? 1 : cpus > INDEX_MC_MAX_THREADS ? INDEX_MC_MAX_THREADS : (int)cpus;
	atomic_init(&w->cancel, false);
	job_lease_set_seconds(cfg->lease_seconds);
	log_info("worker: jobs are claimed as %s with a lease of %d s", job_lease_owner(), job_lease_seconds());
	int rc = job_lease_keeper_start(&w->keeper, cfg->db_url);
	if (rc < 0) {
		free(w);
		return rc;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, main_loop, w) != 0) {
		job_lease_keeper_stop(w->keeper);
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->cond);
		free(w);
		return err_set(ERR_GENERIC, "cannot start the background worker");
	}
	*out = w;
	return 0;
}

void worker_wake(worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->woken = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void worker_stop(worker *w)
{
	if (!w)
		return;
	atomic_store(&w->cancel, true);
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	job_lease_keeper_stop(w->keeper);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}
