/* pool: bounded job queue and elastic worker threads (see pool.h). */
#include "http/pool.h"
#include "util/err.h"
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { SLOT_FREE, SLOT_RUNNING, SLOT_EXITED };

typedef struct slot {
	pthread_t tid;
	int state;
	struct http_pool *pool;
} slot;

struct http_pool {
	http_pool_config cfg;
	pthread_mutex_t lock;
	pthread_cond_t work;       /* a job was queued, or stopping */
	void **queue;              /* ring of cfg.max_queue jobs */
	int head, n_queued;
	int n_threads, n_idle;
	bool stopping;
	slot *slots;               /* cfg.max_threads */
};

static void *pool_thread(void *arg);

/* Starts one thread into a free or exited slot; lock held. */
static int spawn_locked(http_pool *p)
{
	for (int i = 0; i < p->cfg.max_threads; i++) {
		slot *s = &p->slots[i];
		if (s->state == SLOT_RUNNING)
			continue;
		if (s->state == SLOT_EXITED)
			pthread_join(s->tid, NULL);
		s->state = SLOT_FREE;
		s->pool = p;
		int e = pthread_create(&s->tid, NULL, pool_thread, s);
		if (e != 0)
			return err_set(ERR_GENERIC, "cannot start a %s thread: %s", p->cfg.name, strerror(e));
		s->state = SLOT_RUNNING;
		p->n_threads++;
		return 0;
	}
	return 0;
}

static void *pool_thread(void *arg)
{
	slot *self = arg;
	http_pool *p = self->pool;
	void *ctx = NULL;
	if (p->cfg.nice)
		setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), p->cfg.nice);
	if (p->cfg.thread_init && p->cfg.thread_init(&ctx, p->cfg.cls) < 0)
		log_error("%s thread: %s", p->cfg.name, err_msg());
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->n_queued == 0 && !p->stopping) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += p->cfg.idle_ms / 1000;
			until.tv_nsec += (long)(p->cfg.idle_ms % 1000) * 1000000L;
			if (until.tv_nsec >= 1000000000L)
				until.tv_sec++, until.tv_nsec -= 1000000000L;
			p->n_idle++;
			int e = pthread_cond_timedwait(&p->work, &p->lock, &until);
			p->n_idle--;
			if (e == ETIMEDOUT && p->n_queued == 0 && p->n_threads > 1)
				goto leave;
		}
		if (p->stopping)
			break;
		void *job = p->queue[p->head];
		p->head = (p->head + 1) % p->cfg.max_queue;
		p->n_queued--;
		pthread_mutex_unlock(&p->lock);
		p->cfg.run(job, ctx, p->cfg.cls);
		pthread_mutex_lock(&p->lock);
	}
leave:
	p->n_threads--;
	self->state = SLOT_EXITED;
	pthread_mutex_unlock(&p->lock);
	if (p->cfg.thread_done)
		p->cfg.thread_done(ctx, p->cfg.cls);
	return NULL;
}

int http_pool_new(http_pool **out, const http_pool_config *cfg)
{
	http_pool *p = calloc(1, sizeof(*p));
	*out = NULL;
	if (!p || !(p->queue = calloc((size_t)cfg->max_queue, sizeof(void *))) ||
	    !(p->slots = calloc((size_t)cfg->max_threads, sizeof(slot)))) {
		if (p)
			free(p->queue);
		free(p);
		return err_set(ERR_NOMEM, "out of memory");
	}
	p->cfg = *cfg;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_mutex_lock(&p->lock);
	int rc = spawn_locked(p);   /* one thread waits from the start */
	pthread_mutex_unlock(&p->lock);
	if (rc < 0) {
		http_pool_free(p, NULL);
		return rc;
	}
	*out = p;
	return 0;
}

int http_pool_push(http_pool *p, void *job)
{
	int rc = 0;
	pthread_mutex_lock(&p->lock);
	if (p->stopping || p->n_queued >= p->cfg.max_queue) {
		rc = err_set(ERR_TOOMANY, "the server is busy; try again in a moment");
	} else {
		p->queue[(p->head + p->n_queued) % p->cfg.max_queue] = job;
		p->n_queued++;
		/* a job nobody idle can take starts a thread, if one is left */
		if (p->n_idle < p->n_queued && p->n_threads < p->cfg.max_threads && spawn_locked(p) < 0) {
			log_warn("%s", err_msg());
			err_clear();
		}
		pthread_cond_signal(&p->work);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void http_pool_stats(const http_pool *p, int *queued, int *threads)
{
	pthread_mutex_lock((pthread_mutex_t *)&p->lock);
	*queued = p->n_queued;
	*threads = p->n_threads;
	pthread_mutex_unlock((pthread_mutex_t *)&p->lock);
}

void http_pool_free(http_pool *p, void (*drop)(void *job, void *cls))
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->cfg.max_threads; i++)
		if (p->slots[i].state != SLOT_FREE)
			pthread_join(p->slots[i].tid, NULL);
	for (; p->n_queued > 0; p->n_queued--) {
		if (drop)
			drop(p->queue[p->head], p->cfg.cls);
		p->head = (p->head + 1) % p->cfg.max_queue;
	}
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->slots);
	free(p->queue);
	free(p);
}
