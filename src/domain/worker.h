/* worker: the server's one background thread, with its own database
 * connection. It runs queued report jobs (woken at once when one is
 * queued, else it looks every few seconds), queued index runs
 * (domain/index_store.h), then queued index uncertainty analyses
 * (domain/index_uncertainty.h), and, once a day, the deadline
 * reminders (domain/reminder.h); with a mail relay it mails the reminders
 * and each person's new inbox items (domain/inbox.h). */
#ifndef NQ57_WORKER_H
#define NQ57_WORKER_H

#include "domain/dashboards/rollup.h"

typedef struct worker worker;

typedef struct worker_config {
	const char *db_url;
	const char *data_dir;
	rollup_cache *cache;
	int poll_ms;            /* how often to look for work unasked; 0: 2000 */
	int lease_seconds;      /* how long a job stays claimed without renewal; 0: 60 (job_lease.h) */
	const char *smtp_host;  /* NULL: reminders are not emailed */
	int smtp_port;
	const char *mail_from;
} worker_config;

/* Starts the thread; *out is owned by the caller (worker_stop). */
int worker_start(worker **out, const worker_config *cfg);
/* Asks the thread to look for work now. */
void worker_wake(worker *w);
/* Lets the current report job finish (an index run or analysis under way
 * stops and goes back to the queue), stops the thread and frees it. A job
 * left running by a server that died is taken by any server once its
 * lease lapsed (job_lease.h), never at start: another server sharing the
 * database may be running it. */
void worker_stop(worker *w);

#endif
