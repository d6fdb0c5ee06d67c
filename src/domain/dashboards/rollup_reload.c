/* rollup_reload: bulk changes (an import's 'values' entries) loaded into
 * the roll-up cache by a thread of its own while readers keep the copy as
 * it was (rollup_cache_background in rollup.h). */
#include "domain/dashboards/rollup.h"
#include "domain/dashboards/rollup_cache.h"
#include "util/err.h"
#include "util/log.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void fresh_free(rollup_fresh *f, int n)
{
	for (int k = 0; f && k < n; k++) {
		for (int p = 0; p < f[k].n; p++)
			free(f[k].columns[p]);
		free(f[k].columns);
	}
	free(f);
}


/* Indicator k's approved values into f, outside the lock: while loading,
 * the loader is the only writer of the cache, so reading its units and
 * periods is safe; a new period is added under the lock. */
static int columns_read(rollup_fresh *f, rollup_cache *c, int k, db_conn *db)
{
	db_stmt *s;
	int rc;
	if ((rc = db_prepare(&s, db,
		     "SELECT unit_id, period, value FROM indicator_value WHERE indicator_id = ? AND status = 'approved'")) < 0)
		return rc;
	db_bind_int64(s, 1, c->indicators[k].id);
	while ((rc = db_step(s)) == DB_ROW) {
		int slot = rollup__find_id_slot(c->unit_index, c->n_units, db_column_int64(s, 0));
		const char *code = db_column_text(s, 1);
		if (slot < 0 || db_column_is_null(s, 2))
			continue;
		int pi = rollup__period_find(c, code);
		if (pi < 0) {
			pthread_rwlock_wrlock(&c->lock);
			rc = rollup__period_intern(&pi, c, code);
			pthread_rwlock_unlock(&c->lock);
			if (rc == ERR_INVALID)
				continue;
			if (rc < 0)
				break;
		}
		if (pi >= f->n) {
			double **cols = realloc(f->columns, (size_t)c->cap_periods * sizeof(*cols));
			if (!cols) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			memset(cols + f->n, 0, (size_t)(c->cap_periods - f->n) * sizeof(*cols));
			f->columns = cols;
			f->n = c->cap_periods;
		}
		if (!f->columns[pi]) {
			if (!(f->columns[pi] = malloc((size_t)c->n_units * sizeof(double)))) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			for (int i = 0; i < c->n_units; i++)
				f->columns[pi][i] = NAN;
		}
		f->columns[pi][slot] = db_column_double(s, 2);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Puts f's columns in place of indicator k's (under the lock). */
static int columns_install(rollup_cache *c, int k, rollup_fresh *f)
{
	rollup_indicator *ind = &c->indicators[k];
	if (ind->n_columns < f->n) {
		double **cols = realloc(ind->columns, (size_t)f->n * sizeof(*cols));
		if (!cols)
			return err_set(ERR_NOMEM, "out of memory");
		ind->columns = cols;
		int64_t *seqs = realloc(ind->column_seq, (size_t)f->n * sizeof(*seqs));
		if (!seqs)
			return err_set(ERR_NOMEM, "out of memory");
		ind->column_seq = seqs;
		memset(cols + ind->n_columns, 0, (size_t)(f->n - ind->n_columns) * sizeof(*cols));
		memset(seqs + ind->n_columns, 0, (size_t)(f->n - ind->n_columns) * sizeof(*seqs));
		ind->n_columns = f->n;
	}
	for (int p = 0; p < ind->n_columns; p++) {
		free(ind->columns[p]);
		ind->columns[p] = p < f->n ? f->columns[p] : NULL;
	}
	free(f->columns);
	f->columns = NULL;
	f->n = 0;
	ind->reload_seq = ind->values_seq = ind->presence_seq = f->seq;
	return 0;
}

/* For tests: NQ57_TEST_RELOAD_DELAY_MS holds a background reload back so
 * that what is served meanwhile can be seen. */
static void test_delay(void)
{
	const char *ms = getenv("NQ57_TEST_RELOAD_DELAY_MS");
	long n = ms ? strtol(ms, NULL, 10) : 0;
	if (n > 0 && n < 600000)
		nanosleep(&(struct timespec){ n / 1000, n % 1000 * 1000000L }, NULL);
}

/* The loader's work: the entries after the cache's, structure first
 * (under the lock), then the values of every indicator a bulk entry names
 * (outside it), then both in place with the other entries (under it). */
static int background_reload(rollup_cache *c, db_conn *db)
{
	change *list;
	rollup_fresh *f = NULL;
	int n, rc, n_periods;
	bool structure = false;
	pthread_rwlock_rdlock(&c->lock);   /* waits for the writer that started us */
	n_periods = c->n_periods;
	pthread_rwlock_unlock(&c->lock);
	if ((rc = rollup__changes_read(&list, &n, c, db)) < 0)
		return rc;
	if (n == 0)
		goto done;
	pthread_rwlock_wrlock(&c->lock);
	rc = rollup__structure_apply(&structure, c, db, list, n);
	pthread_rwlock_unlock(&c->lock);
	if (rc < 0)
		goto done;
	if (!(f = calloc((size_t)(c->n_indicators ? c->n_indicators : 1), sizeof(*f)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	for (int i = 0; i < n; i++) {
		int k = list[i].kind == 'V' ? rollup__indicator_at(c->indicators, c->n_indicators, list[i].indicator_id) : -1;
		if (k >= 0) {
			f[k].wanted = true;
			f[k].seq = list[i].seq;
		}
	}
	for (int k = 0; k < c->n_indicators && rc == 0; k++)
		if (f[k].wanted)
			rc = columns_read(&f[k], c, k, db);
	if (rc < 0)
		goto done;
	test_delay();
	pthread_rwlock_wrlock(&c->lock);
	for (int k = 0; k < c->n_indicators && rc == 0; k++)
		if (f[k].wanted)
			rc = columns_install(c, k, &f[k]);
	if (rc == 0 && (rc = rollup__values_apply(c, db, list, n, f)) == 0)
		rc = rollup__applied(c, list[n - 1].seq, structure || c->n_periods != n_periods);
	pthread_rwlock_unlock(&c->lock);
done:
	fresh_free(f, c->n_indicators);
	free(list);
	return rc;
}

static void *loader_main(void *arg)
{
	rollup_cache *c = arg;
	db_conn *db = NULL;
	int rc = db_open(&db, c->loader_url);
	if (rc == 0)
		rc = background_reload(c, db);
	if (rc < 0)
		log_error("roll-ups: loading a bulk change failed (loaded by the next request instead): %s", err_msg());
	db_close(db);
	pthread_rwlock_wrlock(&c->lock);
	c->loading = false;
	c->load_failed_at = rc < 0 ? (int64_t)time(NULL) : 0;
	pthread_rwlock_unlock(&c->lock);
	pthread_mutex_lock(&c->wait_lock);
	c->waiting_load = false;
	pthread_cond_broadcast(&c->wait_cond);
	pthread_mutex_unlock(&c->wait_lock);
	return NULL;
}

/* Starts the loader (under the lock); false when it cannot. */
bool rollup__loader_start(rollup_cache *c)
{
	if (c->loader_started) {
		pthread_join(c->loader, NULL);   /* it has finished: loading is false */
		c->loader_started = false;
	}
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += c->wait_ms / 1000;
	until.tv_nsec += c->wait_ms % 1000 * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->wait_lock);
	c->waiting_load = true;
	c->wait_until = until;
	pthread_mutex_unlock(&c->wait_lock);
	c->loading = true;
	if (pthread_create(&c->loader, NULL, loader_main, c) != 0) {
		c->loading = false;
		pthread_mutex_lock(&c->wait_lock);
		c->waiting_load = false;
		pthread_mutex_unlock(&c->wait_lock);
		return false;
	}
	c->loader_started = true;
	return true;
}

/* Waits for a load that started less than wait_ms ago to end. */
void rollup__loader_wait(rollup_cache *c)
{
	pthread_mutex_lock(&c->wait_lock);
	while (c->waiting_load && pthread_cond_timedwait(&c->wait_cond, &c->wait_lock, &c->wait_until) == 0)
		;
	c->waiting_load = false;   /* past the end of the wait: nobody waits any more */
	pthread_mutex_unlock(&c->wait_lock);
}

int rollup_cache_background(rollup_cache *c, const char *db_url, long wait_ms)
{
	c->wait_ms = wait_ms < 0 ? 0 : wait_ms;
	char *url = db_url ? strdup(db_url) : NULL;
	if (db_url && !url)
		return err_set(ERR_NOMEM, "out of memory");
	free(c->loader_url);
	c->loader_url = url;
	return 0;
}
