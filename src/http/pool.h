/* pool: a bounded queue of requests served by an elastic set of threads.
 * The server keeps one pool per kind of work (quick, heavy) so cheap
 * requests never wait behind expensive ones. Threads are started when work
 * waits and none is idle, up to max_threads, and leave after idle_ms. */
#ifndef NQ57_HTTP_POOL_H
#define NQ57_HTTP_POOL_H

typedef struct http_pool http_pool;

typedef struct http_pool_config {
	const char *name;        /* in log lines */
	int max_threads;
	int max_queue;           /* jobs waiting; more are refused */
	int nice;                /* added to each thread's nice value (Linux) */
	int idle_ms;             /* an idle thread leaves after this (one stays) */
	/* Runs one job on a pool thread; ctx is the thread's context. */
	void (*run)(void *job, void *ctx, void *cls);
	/* The context of a new thread (may leave *out NULL), and its end. */
	int (*thread_init)(void **out, void *cls);
	void (*thread_done)(void *ctx, void *cls);
	void *cls;
} http_pool_config;

/* *out is owned by the caller (http_pool_free). */
int http_pool_new(http_pool **out, const http_pool_config *cfg);
/* Queues job. ERR_TOOMANY when max_queue jobs already wait. */
int http_pool_push(http_pool *p, void *job);
/* Jobs waiting and threads running, for logs and tests. */
void http_pool_stats(const http_pool *p, int *queued, int *threads);
/* Lets running jobs finish, hands every job still queued to drop, joins
 * the threads and frees p. */
void http_pool_free(http_pool *p, void (*drop)(void *job, void *cls));

#endif
