/* Tests for http/pool: jobs run on threads with their context, the pool
 * grows with waiting work up to its limit, a full queue refuses, and jobs
 * still queued at the end are handed back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "http/pool.h"
#include "util/err.h"

typedef struct fixture {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool release;              /* blocked jobs may finish */
	int running, done, inits, dones, dropped;
	int ctx_seen;              /* jobs that saw their thread's context */
} fixture;

static void wait_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int thread_init(void **out, void *cls)
{
	fixture *f = cls;
	pthread_mutex_lock(&f->lock);
	f->inits++;
	pthread_mutex_unlock(&f->lock);
	*out = f;
	return 0;
}

static void thread_done(void *ctx, void *cls)
{
	fixture *f = cls;
	(void)ctx;
	pthread_mutex_lock(&f->lock);
	f->dones++;
	pthread_mutex_unlock(&f->lock);
}

/* Waits until the test releases it. */
static void run_blocking(void *job, void *ctx, void *cls)
{
	fixture *f = cls;
	(void)job;
	pthread_mutex_lock(&f->lock);
	f->running++;
	f->ctx_seen += ctx == f;
	while (!f->release)
		pthread_cond_wait(&f->cond, &f->lock);
	f->running--;
	f->done++;
	pthread_mutex_unlock(&f->lock);
}

static void drop(void *job, void *cls)
{
	fixture *f = cls;
	(void)job;
	f->dropped++;
}

static int count(fixture *f, int *field)
{
	pthread_mutex_lock(&f->lock);
	int n = *field;
	pthread_mutex_unlock(&f->lock);
	return n;
}

static void wait_for(fixture *f, int *field, int want)
{
	for (int i = 0; i < 500 && count(f, field) != want; i++)
		wait_ms(10);
	assert_int_equal(count(f, field), want);
}

static void test_pool__grows_with_work_and_refuses_when_full(void **state)
{
	(void)state;
	fixture f = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	http_pool_config cfg = { .name = "test", .max_threads = 3, .max_queue = 4, .idle_ms = 60000,
		.run = run_blocking, .thread_init = thread_init, .thread_done = thread_done, .cls = &f };
	http_pool *p;
	int job = 0, queued, threads;
	assert_int_equal(http_pool_new(&p, &cfg), 0);
	/* three jobs take the three threads, started as they were needed */
	for (int i = 0; i < 3; i++)
		assert_int_equal(http_pool_push(p, &job), 0);
	wait_for(&f, &f.running, 3);
	assert_int_equal(count(&f, &f.ctx_seen), 3);
	/* the queue holds four more; the fifth is refused */
	for (int i = 0; i < 4; i++)
		assert_int_equal(http_pool_push(p, &job), 0);
	assert_int_equal(http_pool_push(p, &job), ERR_TOOMANY);
	http_pool_stats(p, &queued, &threads);
	assert_int_equal(queued, 4);
	assert_int_equal(threads, 3);
	/* released, everything queued runs */
	pthread_mutex_lock(&f.lock);
	f.release = true;
	pthread_cond_broadcast(&f.cond);
	pthread_mutex_unlock(&f.lock);
	wait_for(&f, &f.done, 7);
	http_pool_free(p, drop);
	assert_int_equal(f.dropped, 0);
	assert_int_equal(f.inits, 3);
	assert_int_equal(f.dones, 3);
}

static void test_pool__queued_jobs_are_handed_back_at_the_end(void **state)
{
	(void)state;
	fixture f = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	http_pool_config cfg = { .name = "test", .max_threads = 1, .max_queue = 8, .idle_ms = 60000,
		.run = run_blocking, .cls = &f };
	http_pool *p;
	int job = 0;
	assert_int_equal(http_pool_new(&p, &cfg), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(http_pool_push(p, &job), 0);
	wait_for(&f, &f.running, 1);
	/* the running job finishes once released; the two waiting are dropped */
	pthread_mutex_lock(&f.lock);
	f.release = true;
	pthread_cond_broadcast(&f.cond);
	pthread_mutex_unlock(&f.lock);
	http_pool_free(p, drop);
	assert_true(f.done + f.dropped == 3);
	assert_true(f.done >= 1);
}

static void test_pool__idle_threads_leave_but_one_stays(void **state)
{
	(void)state;
	fixture f = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER, .release = true };
	http_pool_config cfg = { .name = "test", .max_threads = 4, .max_queue = 8, .idle_ms = 50,
		.run = run_blocking, .thread_init = thread_init, .thread_done = thread_done, .cls = &f };
	http_pool *p;
	int job = 0, queued, threads = 0;
	assert_int_equal(http_pool_new(&p, &cfg), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(http_pool_push(p, &job), 0);
	wait_for(&f, &f.done, 8);
	for (int i = 0; i < 100; i++) {
		http_pool_stats(p, &queued, &threads);
		if (threads == 1)
			break;
		wait_ms(20);
	}
	assert_int_equal(threads, 1);
	/* work after the others left still runs, on a thread started again */
	assert_int_equal(http_pool_push(p, &job), 0);
	wait_for(&f, &f.done, 9);
	http_pool_free(p, drop);
	assert_int_equal(f.inits, f.dones);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool__grows_with_work_and_refuses_when_full),
		cmocka_unit_test(test_pool__queued_jobs_are_handed_back_at_the_end),
		cmocka_unit_test(test_pool__idle_threads_leave_but_one_stays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
