/* server: the HTTP server on libmicrohttpd (epoll thread pool). It owns the
 * listening socket, the connection limits and deadlines, one request
 * context with its arena per request, the pools that run the application's
 * handlers, and the access log. It calls the application's dispatcher for
 * /api/ paths and serves web/ for the rest. It knows no database: each
 * thread that runs handlers gets its context from the application. */
#ifndef NQ57_HTTP_SERVER_H
#define NQ57_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/str.h"

typedef struct http_server http_server;
typedef struct http_req http_req;

/* Handles one API request: must answer with http_respond() (or a helper on
 * top of it) and return 0, or return a negative ERR_* code. */
typedef int (*http_dispatch_fn)(http_req *req);

/* Where a request runs. INLINE: on the network thread that read it, for
 * answers that never wait (health, static files, errors); QUICK: the pool
 * for small reads and writes; HEAVY: a pool at a lower CPU priority for
 * dashboards, exports and imports, so they never delay the others. */
typedef enum http_lane { HTTP_LANE_INLINE, HTTP_LANE_QUICK, HTTP_LANE_HEAVY } http_lane;
/* Chooses the lane of a request whose body has been read. */
typedef http_lane (*http_lane_fn)(http_req *req);

/* Why the server refused a request before any handler saw it; the
 * dispatcher answers 503 in its own error shape. */
typedef enum http_refusal { HTTP_REFUSE_NONE, HTTP_REFUSE_CONNECTIONS, HTTP_REFUSE_BUSY } http_refusal;

typedef struct http_server_config {
	const char *host;        /* numeric IPv4 or IPv6 address */
	int port;                /* 0 picks a free port */
	int threads;             /* network threads (inline lane) */
	int workers;             /* at most this many threads in the quick pool */
	int heavy_workers;       /* and in the heavy pool */
	size_t max_body;         /* bytes; larger bodies get 413 */
	size_t max_upload;       /* the same for evidence uploads and imports */
	int max_connections;     /* open connections; beyond, 503 then refusal */
	int max_per_address;     /* open connections from one address; 0: no limit */
	int header_timeout;      /* seconds to receive a request's headers */
	int body_timeout;        /* seconds to receive a body, plus 1 s per HTTP_BODY_MIN_RATE bytes */
	const char *web_dir;
	http_dispatch_fn api;    /* for paths under /api/ */
	http_lane_fn lane;       /* NULL: everything inline */
	/* The context of each thread that runs handlers (req->worker), made
	 * on the thread's first request and ended when the thread ends. */
	int (*worker_new)(void **out, void *app);
	void (*worker_free)(void *worker, void *app);
	void *app;               /* read-only application state, req->app */
} http_server_config;

/* The slowest body upload accepted, in bytes per second, after the
 * body_timeout floor. */
#define HTTP_BODY_MIN_RATE (32 * 1024)
/* A kept-alive connection must start and finish its next request's headers
 * within this many seconds of the previous answer. */
#define HTTP_KEEPALIVE_TIMEOUT 30

#define HTTP_MAX_PARAMS 8
#define HTTP_MAX_RESP_HEADERS 8

struct http_req {
	arena a;                 /* everything request-scoped */
	http_server *srv;
	void *app;
	void *worker;            /* the running thread's context (worker_new) */
	void *ctx;               /* the API layer's per-request state (arena) */
	struct MHD_Connection *conn;
	const char *method;
	const char *path;        /* decoded path, without the query */
	char id[20];             /* request id, also in X-Request-Id */
	str body;
	size_t max_body;
	bool too_large;
	bool bad_path;           /* an encoded NUL in the path or query: 400 (the API answers its own) */
	http_refusal refused;    /* answered 503 by the dispatcher */
	bool pooled;             /* handed to a pool thread */
	bool gone;               /* the client left before a pool thread took it */
	struct MHD_Response *resp;   /* made by http_respond, queued by the network thread */
	struct conn_track *track;    /* the connection's deadlines */
	int n_params;            /* route parameters, filled by the router */
	strv params[HTTP_MAX_PARAMS];
	int n_headers;           /* extra response headers */
	const char *resp_headers[HTTP_MAX_RESP_HEADERS][2];
	int status;              /* 0 until answered */
	size_t resp_bytes;
	uint64_t started_ns;
};

/* Binds the listening socket without serving yet (so a port in use is
 * reported before anything else is done); *out is owned by the caller
 * (http_server_stop). Then http_server_run starts the workers. */
int http_server_bind(http_server **out, const http_server_config *cfg);
int http_server_run(http_server *s);
/* Both of the above; *out is owned by the caller (http_server_stop).
 * Errors: ERR_UNAVAILABLE "address 127.0.0.1:8057 is already in use" etc. */
int http_server_start(http_server **out, const http_server_config *cfg);
/* The port actually bound (useful with port 0). */
int http_server_port(const http_server *s);
/* Stops accepting, lets requests in flight finish (up to grace_ms), stops
 * the pools and ends every thread's context (worker_free); frees s. */
void http_server_stop(http_server *s, int grace_ms);

/* A request header or query argument, or NULL. Borrowed from the request. */
const char *http_req_header(http_req *req, const char *name);
const char *http_req_query(http_req *req, const char *name);
/* Every value of a query argument given once or more (name=a&name=b), in
 * order, into out[0..max); returns how many. Borrowed from the request. */
int http_req_query_all(http_req *req, const char *name, const char **out, int max);
/* Every query argument as keys[i]=values[i], in order, up to max;
 * returns how many. Borrowed from the request. */
int http_req_query_pairs(http_req *req, const char **keys, const char **values, int max);
/* The client's IP address as text ("127.0.0.1"), or "" if unknown. */
const char *http_req_address(http_req *req);
/* A cookie sent with the request, or NULL. */
const char *http_req_cookie(http_req *req, const char *name);
/* True if the request came over TLS or through a proxy that says so
 * (X-Forwarded-Proto: https): cookies are then marked Secure. */
bool http_req_secure(http_req *req);
/* Adds a response header; both strings must live as long as the request. */
void http_req_add_header(http_req *req, const char *name, const char *value);
/* Queues the response (body copied). Returns 0 or ERR_GENERIC. */
int http_respond(http_req *req, int status, const char *content_type, const char *body, size_t len);
/* Queues a file response; takes ownership of fd. */
int http_respond_fd(http_req *req, int status, const char *content_type, int fd, uint64_t size);

#endif
