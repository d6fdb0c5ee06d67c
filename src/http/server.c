/* server: libmicrohttpd glue — request lifecycle, body limits, per-worker
 * database connections, security headers, access log, graceful stop. */
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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct worker_db {
	struct worker_db *next;
	db_conn *conn;
} worker_db;

struct http_server {
	http_server_config cfg;
	struct MHD_Daemon *daemon;
	int listen_fd;
	int port;
	atomic_int in_flight;
	pthread_mutex_t dbs_lock;
	worker_db *dbs;          /* every worker's connection, closed at stop */
	uint32_t id_prefix;
	atomic_uint_fast64_t id_counter;
};

static _Thread_local db_conn *tl_db;
static _Thread_local const http_server *tl_db_owner;

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
		"/api/v1/dataValueSets", "/api/v1/indices/" };
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
}

/* libmicrohttpd decodes the path before the handler sees it, so "%00"
 * would silently cut it short; the raw URI is checked here instead and
 * such a request is marked for a 400. */
static char bad_uri_mark;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	size_t path_len = strcspn(uri, "?");
	for (size_t i = 0; i + 2 < path_len; i++)
		if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
			return &bad_uri_mark;
	return NULL;
}

static int dispatch(http_req *req)
{
	int rc;
	log_set_request_id(req->id);
	if (req->bad_path) {
		static const char msg[] = "the request path contains an encoded NUL byte\n";
		rc = http_respond(req, 400, "text/plain; charset=utf-8", msg, sizeof(msg) - 1);
	} else if (strncmp(req->path, "/api/", 5) == 0 || strcmp(req->path, "/api") == 0)
		rc = req->srv->cfg.api(req);
	else
		rc = http_static_serve(req, req->srv->cfg.web_dir);
	if (rc < 0 && req->status == 0) {
		log_error("unanswered error %d: %s", rc, err_msg());
		static const char msg[] = "internal error\n";
		rc = http_respond(req, 500, "text/plain; charset=utf-8", msg, sizeof(msg) - 1);
	}
	log_set_request_id(NULL);
	return req->status ? MHD_YES : MHD_NO;
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
		*con_cls = req;
		atomic_fetch_add(&s->in_flight, 1);
		if (content_length_exceeds(conn, req->max_body)) {
			/* Answer now without reading the body; MHD then closes
			 * the connection, which is what we want here. */
			req->too_large = true;
			return (enum MHD_Result)dispatch(req);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		body_append(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->status)
		return MHD_YES;
	return (enum MHD_Result)dispatch(req);
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
	(void)conn;
	if (!req || req == (void *)&bad_uri_mark) {
		*con_cls = NULL;
		return;
	}
	if (req->status == 0)
		req->status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? 0 : 499;
	access_log(req);
	req_free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* --------------------------------------------------------------- responses */

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
	enum MHD_Result ok = MHD_queue_response(req->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	if (ok != MHD_YES)
		return err_set(ERR_GENERIC, "cannot queue response");
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

/* ------------------------------------------------------ worker connections */

int http_req_db(db_conn **out, http_req *req)
{
	http_server *s = req->srv;
	if (tl_db && tl_db_owner == s) {
		*out = tl_db;
		return 0;
	}
	db_conn *c;
	int rc = db_open(&c, s->cfg.db_url);
	if (rc < 0)
		return rc;
	worker_db *w = malloc(sizeof(*w));
	if (!w) {
		db_close(c);
		return err_set(ERR_NOMEM, "out of memory");
	}
	w->conn = c;
	pthread_mutex_lock(&s->dbs_lock);
	w->next = s->dbs;
	s->dbs = w;
	pthread_mutex_unlock(&s->dbs_lock);
	tl_db = c;
	tl_db_owner = s;
	*out = c;
	return 0;
}

static void close_worker_dbs(http_server *s)
{
	worker_db *w = s->dbs;
	s->dbs = NULL;
	while (w) {
		worker_db *next = w->next;
		db_close(w->conn);
		free(w);
		w = next;
	}
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

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	log_warn("libmicrohttpd: %s", buf);
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
	pthread_mutex_init(&s->dbs_lock, NULL);
	if (getrandom(&s->id_prefix, sizeof(s->id_prefix), 0) != sizeof(s->id_prefix))
		s->id_prefix = (uint32_t)getpid();
	if ((rc = bind_listen(s)) < 0) {
		pthread_mutex_destroy(&s->dbs_lock);
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int http_server_run(http_server *s)
{
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
		MHD_OPTION_LISTEN_SOCKET, s->listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
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

void http_server_stop(http_server *s, int grace_ms)
{
	if (!s)
		return;
	if (!s->daemon) {   /* bound but never run */
		close(s->listen_fd);
		pthread_mutex_destroy(&s->dbs_lock);
		free(s);
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
	MHD_stop_daemon(s->daemon);
	close_worker_dbs(s);
	pthread_mutex_destroy(&s->dbs_lock);
	free(s);
}
