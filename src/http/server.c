/* server: libmicrohttpd glue — request lifecycle, body limits, connection
 * limits and deadlines, the lanes that run handlers, security headers,
 * access log, graceful stop. */
#include "http/pool.h"
#include "http/server.h"
#include "http/static.h"
#include "util/err.h"
#include "util/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The thread contexts of the network threads, ended at stop. */
typedef struct worker_ctx {
	struct worker_ctx *next;
	void *worker;
} worker_ctx;

/* What a connection is doing, for its deadline. */
enum { CONN_HEADERS, CONN_BODY, CONN_BUSY, CONN_IDLE };

/* One open connection (MHD's socket context), on the server's list. */
typedef struct conn_track {
	struct conn_track *prev, *next;
	int fd;
	bool cut;                      /* shut down by the sweeper */
	atomic_int phase;
	_Atomic uint64_t since_ns;     /* when the phase began */
	_Atomic uint64_t bytes;        /* of the body so far */
} conn_track;

/* Under pressure (more open connections than the limit) a connection gets
 * this long to send its headers, and an idle one is closed after it. */
#define PRESSURE_TIMEOUT_S 2
#define SWEEP_INTERVAL_MS 200
/* Jobs waiting in each pool before the server answers 503. */
#define POOL_MAX_QUEUE 2048
#define POOL_IDLE_MS 30000
#define HEAVY_NICE 10

struct http_server {
	http_server_config cfg;
	struct MHD_Daemon *daemon;
	int listen_fd;
	int port;
	atomic_int in_flight;
	pthread_mutex_t workers_lock;
	worker_ctx *workers;     /* the network threads' contexts */
	http_pool *quick, *heavy;
	pthread_mutex_t conns_lock;
	conn_track *conns;
	atomic_int n_conns;
	pthread_t sweeper;
	bool sweeping;
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	bool stopping;
	uint32_t id_prefix;
	atomic_uint_fast64_t id_counter;
};

static _Thread_local void *tl_worker;
static _Thread_local const http_server *tl_worker_owner;

static const char *const security_headers[][2] = {
	{ "Content-Security-Policy",
	  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	  "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "same-origin" },
	{ "X-Frame-Options", "DENY" },
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- requests */

/* Paths that take files (evidence, imports): the larger upload limit. */
static bool is_upload(const char *url)
{
	static const char *const prefixes[] = { "/api/v1/attachments", "/api/v1/values/import", "/api/v1/units/import",
		"/api/v1/units/boundaries", "/api/v1/dataValueSets", "/api/v1/indices/", "/api/v1/outputs/" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(url, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static http_req *req_new(http_server *s, struct MHD_Connection *conn, const char *method, const char *url)
{
	http_req *req = calloc(1, sizeof(*req));
	if (!req)
		return NULL;
	arena_init(&req->a, 4096);
	req->srv = s;
	req->app = s->cfg.app;
	req->conn = conn;
	req->method = method;
	req->path = url;
	req->started_ns = now_ns();
	req->max_body = s->cfg.max_upload && is_upload(url) ? s->cfg.max_upload : s->cfg.max_body;
	uint64_t n = atomic_fetch_add(&s->id_counter, 1);
	snprintf(req->id, sizeof(req->id), "%06x%010llx", s->id_prefix & 0xffffffu,
		(unsigned long long)(n & 0xffffffffffull));
	return req;
}

static void req_free(http_req *req)
{
	str_free(&req->body);
	arena_free(&req->a);
	free(req);
}

static bool content_length_exceeds(struct MHD_Connection *conn, size_t max)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!cl)
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(cl, &end, 10);
	return errno != 0 || *end != '\0' || v > max;
}

static void body_append(http_req *req, const char *data, size_t n)
{
	if (req->too_large)
		return;
	if (req->body.len + n > req->max_body) {
		req->too_large = true;
		str_free(&req->body);
		return;
	}
	str_appendn(&req->body, data, n);
	if (req->track)
		atomic_fetch_add(&req->track->bytes, n);
}

/* libmicrohttpd decodes the path and query before the handler sees them,
 * so "%00" would silently cut them short; the raw URI is checked here
 * instead and such a request is marked for a 400. */
static char bad_uri_mark;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	size_t len = strlen(uri);   /* the query too: "?period=2025%00x" would read as 2025 */
	for (size_t i = 0; i + 2 < len; i++)
		if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
			return &bad_uri_mark;
	return NULL;
}

/* The context of the calling network thread, made on first use. */
static void *network_worker(http_server *s)
{
	if (tl_worker_owner == s)
		return tl_worker;
	void *w = NULL;
	worker_ctx *node = malloc(sizeof(*node));
	if (!node || (s->cfg.worker_new && s->cfg.worker_new(&w, s->cfg.app) < 0)) {
		log_error("cannot prepare a network thread: %s", err_msg());
		free(node);
		return NULL;
	}
	node->worker = w;
	pthread_mutex_lock(&s->workers_lock);
	node->next = s->workers;
	s->workers = node;
	pthread_mutex_unlock(&s->workers_lock);
	tl_worker = w;
	tl_worker_owner = s;
	return w;
}

/* Runs the handler; the response it makes waits in req->resp. */
static void dispatch(http_req *req)
{
	int rc;
	log_set_request_id(req->id);
	bool api = strncmp(req->path, "/api/", 5) == 0 || strcmp(req->path, "/api") == 0;
	if (req->bad_path && !api) {   /* the API answers it in its own shape */
		static const char msg[] = "the request path contains an encoded NUL byte\n";
		rc = http_respond(req, 400, "text/plain; charset=utf-8", msg, sizeof(msg) - 1);
	} else if (req->refused || api)
		rc = req->srv->cfg.api(req);
	else
		rc = http_static_serve(req, req->srv->cfg.web_dir);
	if (rc < 0 && req->status == 0) {
		log_error("unanswered error %d: %s", rc, err_msg());
		static const char msg[] = "internal error\n";
		http_respond(req, 500, "text/plain; charset=utf-8", msg, sizeof(msg) - 1);
	}
	log_set_request_id(NULL);
}

/* Hands the response made by dispatch to MHD (network thread only). */
static enum MHD_Result queue_pending(http_req *req)
{
	if (!req->resp)
		return MHD_NO;
	enum MHD_Result ok = MHD_queue_response(req->conn, (unsigned)req->status, req->resp);
	MHD_destroy_response(req->resp);
	req->resp = NULL;
	if (ok != MHD_YES)
		log_error("cannot queue the response");
	return ok;
}

static enum MHD_Result run_inline(http_server *s, http_req *req)
{
	req->worker = network_worker(s);
	dispatch(req);
	return queue_pending(req);
}

/* True when the client closed its connection while the request waited
 * (a client that gave up): its answer would go nowhere. */
static bool client_gone(const http_req *req)
{
	int fd = req->track ? req->track->fd : -1;
	char c;
	if (fd < 0)
		return false;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* A pool thread's turn: run the handler, then let the network thread send
 * the answer. */
static void run_pooled(void *job, void *worker, void *cls)
{
	http_req *req = job;
	(void)cls;
	req->worker = worker;
	if (client_gone(req))
		req->gone = true;
	else
		dispatch(req);
	MHD_resume_connection(req->conn);
}

/* A request still queued at stop: answered 503 by the network thread. */
static void drop_pooled(void *job, void *cls)
{
	http_req *req = job;
	(void)cls;
	req->refused = HTTP_REFUSE_BUSY;
	MHD_resume_connection(req->conn);
}

static int pool_thread_init(void **out, void *cls)
{
	http_server *s = cls;
	*out = NULL;
	return s->cfg.worker_new ? s->cfg.worker_new(out, s->cfg.app) : 0;
}

static void pool_thread_done(void *worker, void *cls)
{
	http_server *s = cls;
	if (s->cfg.worker_free)
		s->cfg.worker_free(worker, s->cfg.app);
}

static conn_track *track_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void track_phase(conn_track *t, int phase)
{
	if (!t)
		return;
	atomic_store(&t->since_ns, now_ns());
	atomic_store(&t->phase, phase);
}

/* The request and its body are in: run it on its lane. */
static enum MHD_Result start_handler(http_server *s, http_req *req)
{
	track_phase(req->track, CONN_BUSY);
	http_lane lane = HTTP_LANE_INLINE;
	if (!req->bad_path && !req->too_large && !req->refused && s->cfg.lane)
		lane = s->cfg.lane(req);
	if (lane == HTTP_LANE_INLINE)
		return run_inline(s, req);
	req->pooled = true;
	MHD_suspend_connection(req->conn);
	if (http_pool_push(lane == HTTP_LANE_HEAVY ? s->heavy : s->quick, req) < 0) {
		/* answered 503 when the network thread takes it back */
		err_clear();
		req->refused = HTTP_REFUSE_BUSY;
		MHD_resume_connection(req->conn);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
	const char *method, const char *version, const char *upload_data,
	size_t *upload_data_size, void **con_cls)
{
	http_server *s = cls;
	http_req *req = *con_cls;
	(void)version;
	if (!req || req == (void *)&bad_uri_mark) {
		bool bad_path = req != NULL;
		if (!(req = req_new(s, conn, method, url))) {
			*con_cls = NULL;
			return MHD_NO;
		}
		req->bad_path = bad_path;
		req->track = track_of(conn);
		track_phase(req->track, CONN_BODY);
		*con_cls = req;
		atomic_fetch_add(&s->in_flight, 1);
		if (atomic_load(&s->n_conns) > s->cfg.max_connections) {
			/* Answered now, without reading a body; MHD then closes
			 * the connection, which frees its place. */
			req->refused = HTTP_REFUSE_CONNECTIONS;
			return run_inline(s, req);
		}
		if (content_length_exceeds(conn, req->max_body)) {
			/* Answer now without reading the body; MHD then closes
			 * the connection, which is what we want here. */
			req->too_large = true;
			return run_inline(s, req);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		body_append(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->resp)        /* back from a pool thread */
		return queue_pending(req);
	if (req->gone)        /* nobody to answer: close */
		return MHD_NO;
	if (req->status)      /* answered and queued already */
		return MHD_YES;
	if (req->pooled)      /* back without an answer: refused */
		return run_inline(s, req);
	return start_handler(s, req);
}

static void access_log(const http_req *req)
{
	if (log_threshold > LOG_INFO)
		return;
	char line[640], at[40];
	uint64_t us = (now_ns() - req->started_ns) / 1000;
	log_timestamp(at, sizeof(at));
	int n = snprintf(line, sizeof(line), "%s access req=%s %s %.400s %d %zu %llu.%03llums", at,
		req->id, req->method, req->path, req->status, req->resp_bytes,
		(unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
	if (n > 0)
		log_write_line(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	http_server *s = cls;
	http_req *req = *con_cls;
	if (!req || req == (void *)&bad_uri_mark) {
		*con_cls = NULL;
		return;
	}
	if (req->status == 0)
		req->status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? 0 : 499;
	access_log(req);
	if (req->track && req->track == track_of(conn))
		track_phase(req->track, CONN_IDLE);
	if (req->resp)
		MHD_destroy_response(req->resp);
	req_free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* --------------------------------------------------------------- responses */

/* Finishes resp and keeps it for the network thread, which alone may hand
 * it to MHD (the handler may run on a pool thread). */
static int queue(http_req *req, int status, const char *content_type, struct MHD_Response *resp, size_t len)
{
	if (!resp)
		return err_set(ERR_NOMEM, "cannot create response");
	/* a handler's own header of the same name replaces the default */
	for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++) {
		bool own = false;
		for (int h = 0; h < req->n_headers; h++)
			own |= strcasecmp(req->resp_headers[h][0], security_headers[i][0]) == 0;
		if (!own)
			MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, "X-Request-Id", req->id);
	for (int i = 0; i < req->n_headers; i++)
		MHD_add_response_header(resp, req->resp_headers[i][0], req->resp_headers[i][1]);
	if (req->resp)
		MHD_destroy_response(req->resp);
	req->resp = resp;
	req->status = status;
	req->resp_bytes = len;
	return 0;
}

int http_respond(http_req *req, int status, const char *content_type, const char *body, size_t len)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	return queue(req, status, content_type, resp, len);
}

int http_respond_fd(http_req *req, int status, const char *content_type, int fd, uint64_t size)
{
	struct MHD_Response *resp = MHD_create_response_from_fd64(size, fd);
	if (!resp)
		close(fd);
	return queue(req, status, content_type, resp, (size_t)size);
}

void http_req_add_header(http_req *req, const char *name, const char *value)
{
	if (req->n_headers >= HTTP_MAX_RESP_HEADERS) {
		log_error("too many response headers; dropped %s", name);
		return;
	}
	req->resp_headers[req->n_headers][0] = name;
	req->resp_headers[req->n_headers][1] = value;
	req->n_headers++;
}

const char *http_req_header(http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_req_address(http_req *req)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof(buf));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof(buf));
	}
	return arena_strdup(&req->a, buf);
}

const char *http_req_cookie(http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

bool http_req_secure(http_req *req)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_PROTOCOL);
	if (ci && ci->protocol)
		return true;
	const char *proto = http_req_header(req, "X-Forwarded-Proto");
	return proto && strcmp(proto, "https") == 0;
}

const char *http_req_query(http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

typedef struct query_all {
	const char *name;
	const char **out;
	int n, max;
} query_all;

static enum MHD_Result query_each(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	query_all *q = cls;
	(void)kind;
	if (key && strcmp(key, q->name) == 0 && q->n < q->max)
		q->out[q->n++] = value ? value : "";
	return MHD_YES;
}

int http_req_query_all(http_req *req, const char *name, const char **out, int max)
{
	query_all q = { name, out, 0, max };
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_each, &q);
	return q.n;
}

typedef struct query_pairs {
	const char **keys, **values;
	int n, max;
} query_pairs;

static enum MHD_Result query_pair(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	query_pairs *q = cls;
	(void)kind;
	if (key && q->n < q->max) {
		q->keys[q->n] = key;
		q->values[q->n++] = value ? value : "";
	}
	return MHD_YES;
}

int http_req_query_pairs(http_req *req, const char **keys, const char **values, int max)
{
	query_pairs q = { keys, values, 0, max };
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_pair, &q);
	return q.n;
}

/* ----------------------------------------------- connections and deadlines */

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	enum MHD_ConnectionNotificationCode code)
{
	http_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		conn_track *t = calloc(1, sizeof(*t));
		*socket_context = t;
		atomic_fetch_add(&s->n_conns, 1);
		if (!t)
			return;
		t->fd = ci ? ci->connect_fd : -1;
		atomic_init(&t->phase, CONN_HEADERS);
		atomic_init(&t->since_ns, now_ns());
		atomic_init(&t->bytes, 0);
		pthread_mutex_lock(&s->conns_lock);
		t->next = s->conns;
		if (s->conns)
			s->conns->prev = t;
		s->conns = t;
		pthread_mutex_unlock(&s->conns_lock);
		return;
	}
	/* MHD_CONNECTION_NOTIFY_CLOSED: before MHD closes the socket, so the
	 * sweeper never shuts down a descriptor reused by another file. */
	conn_track *t = *socket_context;
	*socket_context = NULL;
	atomic_fetch_sub(&s->n_conns, 1);
	if (!t)
		return;
	pthread_mutex_lock(&s->conns_lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		s->conns = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&s->conns_lock);
	free(t);
}

/* How long a connection may stay in its phase, in nanoseconds (0: no
 * deadline). The idle timeout of MHD only counts silence, so a client
 * sending a byte a second would otherwise hold its place for ever. */
static uint64_t phase_limit_ns(const http_server *s, const conn_track *t, bool pressure)
{
	const uint64_t sec = 1000000000u;
	switch (atomic_load(&t->phase)) {
	case CONN_HEADERS:
		return (uint64_t)(pressure && s->cfg.header_timeout > PRESSURE_TIMEOUT_S ? PRESSURE_TIMEOUT_S
			: s->cfg.header_timeout) * sec;
	case CONN_BODY:
		return (uint64_t)s->cfg.body_timeout * sec + atomic_load(&t->bytes) * (sec / HTTP_BODY_MIN_RATE);
	case CONN_IDLE:
		return (uint64_t)(pressure ? PRESSURE_TIMEOUT_S : HTTP_KEEPALIVE_TIMEOUT) * sec;
	default:
		return 0;   /* the handler's time, or sending the answer */
	}
}

/* Shuts down the connections past their deadline; MHD sees the end of the
 * stream and closes them in their own thread. */
static void sweep(http_server *s)
{
	bool pressure = atomic_load(&s->n_conns) > s->cfg.max_connections;
	uint64_t now = now_ns();
	int n_cut = 0;
	pthread_mutex_lock(&s->conns_lock);
	for (conn_track *t = s->conns; t; t = t->next) {
		if (t->cut || t->fd < 0)
			continue;
		uint64_t limit = phase_limit_ns(s, t, pressure), since = atomic_load(&t->since_ns);
		if (limit && now > since && now - since > limit) {
			shutdown(t->fd, SHUT_RDWR);
			t->cut = true;
			n_cut++;
		}
	}
	pthread_mutex_unlock(&s->conns_lock);
	if (n_cut)
		log_warn("closed %d connections that did not send their request in time%s", n_cut,
			pressure ? " (the server is at its connection limit)" : "");
}

static void *sweeper_main(void *arg)
{
	http_server *s = arg;
	pthread_mutex_lock(&s->stop_lock);
	while (!s->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += SWEEP_INTERVAL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L)
			until.tv_sec++, until.tv_nsec -= 1000000000L;
		pthread_cond_timedwait(&s->stop_cond, &s->stop_lock, &until);
		if (s->stopping)
			break;
		pthread_mutex_unlock(&s->stop_lock);
		sweep(s);
		pthread_mutex_lock(&s->stop_lock);
	}
	pthread_mutex_unlock(&s->stop_lock);
	return NULL;
}

/* MHD's hard limit, above max_connections: the places in between are for
 * answering 503 rather than refusing silently. Also raises the limit of
 * open files so that they fit. */
static unsigned connection_hard_limit(const http_server *s)
{
	unsigned limit = (unsigned)s->cfg.max_connections + (unsigned)s->cfg.max_connections / 8 + 16;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		/* files, database connections and the pools need some too */
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)limit + 128) {
			unsigned fit = rl.rlim_cur > 256 ? (unsigned)rl.rlim_cur - 128 : 128;
			log_warn("only %u connections fit in the limit of %llu open files (ulimit -n)", fit,
				(unsigned long long)rl.rlim_cur);
			limit = fit;
		}
	}
	return limit;
}

/* ------------------------------------------------------------ start / stop */

static int bind_listen(http_server *s)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, s->cfg.host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)s->cfg.port);
		sslen = sizeof(*a4);
	} else if (inet_pton(AF_INET6, s->cfg.host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)s->cfg.port);
		sslen = sizeof(*a6);
	} else {
		return err_set(ERR_INVALID, "listen address '%s' is not a numeric IP address", s->cfg.host);
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_set(ERR_GENERIC, "cannot create socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0 || listen(fd, 1024) < 0) {
		int e = errno;
		close(fd);
		if (e == EADDRINUSE)
			return err_set(ERR_UNAVAILABLE, "address %s:%d is already in use", s->cfg.host, s->cfg.port);
		return err_set(ERR_UNAVAILABLE, "cannot listen on %s:%d: %s", s->cfg.host, s->cfg.port, strerror(e));
	}
	getsockname(fd, (struct sockaddr *)&ss, &sslen);
	s->port = ss.ss_family == AF_INET ? ntohs(a4->sin_port) : ntohs(a6->sin6_port);
	s->listen_fd = fd;
	return 0;
}

/* libmicrohttpd's own messages, at most a few a second: an attack can make
 * it report every refused connection. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	static _Atomic uint64_t window;
	static atomic_int n_in_window, n_dropped;
	char buf[512];
	(void)cls;
	uint64_t sec = now_ns() / 1000000000u, was = atomic_load(&window);
	if (sec != was && atomic_compare_exchange_strong(&window, &was, sec)) {
		atomic_store(&n_in_window, 0);
		int dropped = atomic_exchange(&n_dropped, 0);
		if (dropped)
			log_warn("libmicrohttpd: %d more messages not shown", dropped);
	}
	if (atomic_fetch_add(&n_in_window, 1) >= 5) {
		atomic_fetch_add(&n_dropped, 1);
		return;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	log_warn("libmicrohttpd: %s", buf);
}

static void server_free(http_server *s)
{
	pthread_mutex_destroy(&s->workers_lock);
	pthread_mutex_destroy(&s->conns_lock);
	pthread_mutex_destroy(&s->stop_lock);
	pthread_cond_destroy(&s->stop_cond);
	free(s);
}

int http_server_bind(http_server **out, const http_server_config *cfg)
{
	http_server *s = calloc(1, sizeof(*s));
	int rc;
	*out = NULL;
	if (!s)
		return err_set(ERR_NOMEM, "out of memory");
	s->cfg = *cfg;
	s->listen_fd = -1;
	/* zero: the defaults (max_per_address 0 is no limit) */
	if (s->cfg.max_connections <= 0)
		s->cfg.max_connections = 2048;
	if (s->cfg.header_timeout <= 0)
		s->cfg.header_timeout = 10;
	if (s->cfg.body_timeout <= 0)
		s->cfg.body_timeout = 10;
	pthread_mutex_init(&s->workers_lock, NULL);
	pthread_mutex_init(&s->conns_lock, NULL);
	pthread_mutex_init(&s->stop_lock, NULL);
	pthread_cond_init(&s->stop_cond, NULL);
	if (getrandom(&s->id_prefix, sizeof(s->id_prefix), 0) != sizeof(s->id_prefix))
		s->id_prefix = (uint32_t)getpid();
	if ((rc = bind_listen(s)) < 0) {
		server_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int start_pools(http_server *s)
{
	http_pool_config pc = {
		.name = "request", .max_threads = s->cfg.workers > 0 ? s->cfg.workers : 1,
		.max_queue = POOL_MAX_QUEUE, .idle_ms = POOL_IDLE_MS, .run = run_pooled,
		.thread_init = pool_thread_init, .thread_done = pool_thread_done, .cls = s,
	};
	int rc = http_pool_new(&s->quick, &pc);
	if (rc < 0)
		return rc;
	pc.name = "heavy request";
	pc.max_threads = s->cfg.heavy_workers > 0 ? s->cfg.heavy_workers : 1;
	pc.nice = HEAVY_NICE;
	return http_pool_new(&s->heavy, &pc);
}

int http_server_run(http_server *s)
{
	int rc;
	if ((rc = start_pools(s)) < 0)
		return rc;
	if (pthread_create(&s->sweeper, NULL, sweeper_main, s) != 0)
		return err_set(ERR_GENERIC, "cannot start the connection sweeper");
	s->sweeping = true;
	/* poll(), not epoll: with epoll (edge-triggered) and connections
	 * suspended for the pools, libmicrohttpd 0.9.75 now and then left a
	 * browser's next request on a kept-alive connection unread until some
	 * other connection woke its thread (a page waited 30 s, about one run
	 * in three of the task journey under the sanitizers; none in ten with
	 * poll). poll asks for every connection's state on every turn. */
	unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
		MHD_USE_ERROR_LOG;
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
		MHD_OPTION_LISTEN_SOCKET, s->listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_KEEPALIVE_TIMEOUT,
		MHD_OPTION_CONNECTION_LIMIT, connection_hard_limit(s),
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s->cfg.max_per_address,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		MHD_OPTION_END);
	if (!s->daemon)
		return err_set(ERR_GENERIC, "cannot start the HTTP server on %s:%d", s->cfg.host, s->port);
	return 0;
}

int http_server_start(http_server **out, const http_server_config *cfg)
{
	int rc = http_server_bind(out, cfg);
	if (rc == 0 && (rc = http_server_run(*out)) < 0) {
		http_server_stop(*out, 0);
		*out = NULL;
	}
	return rc;
}

int http_server_port(const http_server *s) { return s->port; }

static void stop_sweeper(http_server *s)
{
	if (!s->sweeping)
		return;
	pthread_mutex_lock(&s->stop_lock);
	s->stopping = true;
	pthread_cond_signal(&s->stop_cond);
	pthread_mutex_unlock(&s->stop_lock);
	pthread_join(s->sweeper, NULL);
	s->sweeping = false;
}

static void free_network_workers(http_server *s)
{
	worker_ctx *w = s->workers;
	s->workers = NULL;
	while (w) {
		worker_ctx *next = w->next;
		if (s->cfg.worker_free)
			s->cfg.worker_free(w->worker, s->cfg.app);
		free(w);
		w = next;
	}
}

void http_server_stop(http_server *s, int grace_ms)
{
	if (!s)
		return;
	if (!s->daemon) {   /* bound but never run, or failed to start */
		stop_sweeper(s);
		http_pool_free(s->quick, NULL);
		http_pool_free(s->heavy, NULL);
		if (s->listen_fd >= 0)
			close(s->listen_fd);
		server_free(s);
		return;
	}
	/* Closing the listening socket now refuses new connections at once
	 * (otherwise the kernel would queue them until the daemon stops). */
	MHD_socket fd = MHD_quiesce_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	uint64_t deadline = now_ns() + (uint64_t)grace_ms * 1000000u;
	int left;
	while ((left = atomic_load(&s->in_flight)) > 0 && now_ns() < deadline) {
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
	if (left > 0)
		log_warn("stopping with %d requests still in flight", left);
	/* Running handlers finish; queued ones are answered 503. */
	http_pool_free(s->quick, drop_pooled);
	http_pool_free(s->heavy, drop_pooled);
	stop_sweeper(s);
	MHD_stop_daemon(s->daemon);
	free_network_workers(s);
	server_free(s);
}
