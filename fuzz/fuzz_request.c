/* Request bodies through the real request path: the server
 * (http/server.c) with the API's dispatcher (api/api.c) on a SQLite
 * database loaded with the demo units, programme and index, and a signed-in
 * administrator, so that each handler parses its JSON body (or query, or
 * CSV) and goes as deep as the input lets it. Requests travel over one
 * loopback keep-alive connection: no mock of the HTTP layer.
 *
 * Input: a request line "METHOD /api/v1/path?query", optionally ending in
 * " csv", then a newline and the body, sent as application/json (or
 * text/csv) with the session's cookie and CSRF token. The server must
 * answer every request, and never with a 500. */
#include "fuzz.h"
#include "api/api.h"
#include "db/migrate.h"
#include "domain/indices/index_store.h"
#include "domain/people/password.h"
#include "domain/people/person.h"
#include "domain/programme/programme.h"
#include "domain/dashboards/rollup.h"
#include "domain/people/session.h"
#include "domain/people/unit.h"
#include "domain/worker.h"
#include "http/server.h"
#include "util/err.h"
#include "util/json.h"
#include "util/log.h"
#include "util/str.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define LOGIN "fuzzadmin"
#define PASSWORD "fuzz-target-password-2026"

static api_app app = { .version = "fuzz" };
static http_server *srv;
static int port, sock = -1;
static char db_url[512], data_dir[256];
static signin_result session;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_request: %s: %s\n", what, err_msg());
	abort();
}

static int read_file(char **out, size_t *len, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", NQ57_SOURCE_ROOT, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	str s = STR_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_appendn(&s, buf, n);
	fclose(f);
	*len = s.len;
	*out = str_detach(&s);
	return *out ? 0 : -1;
}

static int json_file(json_t **out, const char *rel)
{
	char *text;
	size_t len;
	if (read_file(&text, &len, rel) < 0)
		return -1;
	int rc = json_parse(out, text, len);
	free(text);
	return rc;
}

/* The demo units, programme and index, and an administrator of city 01. */
static void seed(void)
{
	db_conn *db;
	principal cli = { .login = "cli:fuzz", .name = "cli:fuzz", .cli = true };
	unit_import_result ur;
	programme_counts pc;
	json_t *in, *saved = NULL;
	char *csv;
	size_t len;
	int applied;
	int64_t unit, person;
	if (db_open(&db, db_url) < 0 || migrate_apply(&applied, db) < 0 ||
	    migrate_current(&app.schema_version, db) < 0)
		fail("database");
	if (read_file(&csv, &len, "scripts/demo/units.csv") < 0 || unit_import(&ur, db, &cli, csv, len) < 0)
		fail("scripts/demo/units.csv");
	free(csv);
	json_decref(ur.bad);
	if (json_file(&in, "scripts/demo/programme.json") < 0 || programme_load(&pc, db, &cli, in) < 0)
		fail("scripts/demo/programme.json");
	json_decref(in);
	if (json_file(&in, "scripts/demo/index-xa.json") < 0 || index_store_save(&saved, db, &cli, in) < 0)
		fail("scripts/demo/index-xa.json");
	json_decref(in);
	json_decref(saved);
	struct person_grant_new g = { "admin", 0 };
	person_new p = { .login = LOGIN, .name = "Fuzz", .password = PASSWORD, .n_grants = 1, .grants = &g };
	if (unit_id_by_code(&unit, db, "01") < 0)
		fail("unit 01");
	g.unit_id = unit;
	if (person_add(&person, db, &cli, &p) < 0)
		fail("person");
	db_close(db);
}

/* Opens the session the requests carry. An input may have changed the
 * administrator's password or disabled them (PATCH /api/v1/people/{id}):
 * the command line's principal then puts both back. */
static void sign_in(void)
{
	db_conn *db;
	principal cli = { .login = "cli:fuzz", .name = "cli:fuzz", .cli = true };
	person_change back = { .active = 1, .password = PASSWORD };
	int64_t id;
	if (db_open(&db, db_url) < 0)
		fail("database");
	if (session_signin(&session, db, LOGIN, PASSWORD, "127.0.0.1") < 0 &&
	    (person_id_by_login(&id, db, LOGIN) < 0 || person_update(db, &cli, id, &back) < 0 ||
		    session_signin(&session, db, LOGIN, PASSWORD, "127.0.0.1") < 0))
		fail("sign in");
	db_close(db);
}

static void stop_all(void)
{
	if (sock >= 0)
		close(sock);
	http_server_stop(srv, 1000);
	worker_stop(app.worker);
	rollup_cache_free(app.rollup);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_request: could not remove %s\n", data_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	log_threshold = getenv("NQ57_FUZZ_LOG") ? LOG_INFO : LOG_OFF;
	/* the cheap password hash the tests use: people are added by inputs */
	setenv("NQ57_PWHASH", "fast", 0);
	if (password_init() < 0)
		fail("libsodium");
	snprintf(data_dir, sizeof(data_dir), "/tmp/nq57-fuzz-request.XXXXXX");
	if (!mkdtemp(data_dir))
		abort();
	snprintf(db_url, sizeof(db_url), "sqlite:%s/nq57.db", data_dir);
	seed();
	sign_in();
	app.data_dir = data_dir;
	clock_gettime(CLOCK_MONOTONIC, &app.started);
	worker_config wc = { .db_url = db_url, .data_dir = data_dir };
	if (rollup_cache_new(&app.rollup) < 0 || ((wc.cache = app.rollup), worker_start(&app.worker, &wc) < 0))
		fail("worker");
	app.db_url = db_url;
	http_server_config hc = { .host = "127.0.0.1", .port = 0, .threads = 1, .workers = 2, .heavy_workers = 1,
		.max_body = 1 << 20, .max_upload = 8 << 20, .max_connections = 64, .header_timeout = 30,
		.body_timeout = 30, .web_dir = NQ57_SOURCE_ROOT "/web", .api = api_dispatch, .lane = api_lane,
		.worker_new = api_worker_new, .worker_free = api_worker_free, .app = &app };
	if (http_server_start(&srv, &hc) < 0)
		fail("server");
	port = http_server_port(srv);
	atexit(stop_all);
	return 0;
}

/* ------------------------------------------------------------ the client */

static int connect_server(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	struct timeval tv = { .tv_sec = 60 };
	if (s < 0)
		abort();
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("fuzz_request: connect");
		abort();
	}
	return s;
}

static bool send_all(int s, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(s, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return false;
		p += w, n -= (size_t)w;
	}
	return true;
}

/* Reads one response; returns its status, 0 if the connection closed
 * before a response began, or -1 for a response cut short. *keep is
 * false when the server closes the connection after it. */
static int read_response(int s, bool head, bool *keep)
{
	str in = STR_INIT;
	char buf[65536];
	size_t header_end = 0, body = 0;
	int status = -1;
	*keep = true;
	for (;;) {
		if (!header_end) {
			char *e = in.len ? memmem(in.ptr, in.len, "\r\n\r\n", 4) : NULL;
			if (e) {
				header_end = (size_t)(e - in.ptr) + 4;
				FUZZ_CHECK(sscanf(in.ptr, "HTTP/1.1 %d", &status) == 1);
				in.ptr[header_end - 2] = '\0';
				const char *cl = strcasestr(in.ptr, "\r\nContent-Length:");
				FUZZ_CHECK(head || cl != NULL);
				body = head || !cl ? 0 : strtoull(cl + 17, NULL, 10);
				if (strcasestr(in.ptr, "\r\nConnection: close"))
					*keep = false;
			}
		}
		if (header_end && in.len >= header_end + body)
			break;
		ssize_t r = recv(s, buf, sizeof(buf), 0);
		if (r <= 0) {
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				fprintf(stderr, "fuzz_request: no answer within 60 s\n");
				abort();
			}
			status = in.len ? -1 : 0;
			*keep = false;
			break;
		}
		str_appendn(&in, buf, (size_t)r);
	}
	str_free(&in);
	return status;
}

/* Appends the request target, percent-encoding what may not stand in a
 * request line (an input's own %XX escapes pass through). */
static void append_target(str *s, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c > ' ' && c < 0x7f && c != '#')
			str_appendc(s, (char)c);
		else {
			str_appendc(s, '%');
			str_appendc(s, hex[c >> 4]);
			str_appendc(s, hex[c & 15]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data, *end = line + size;
	const char *nl = memchr(line, '\n', size);
	const char *body = nl ? nl + 1 : end, *line_end = nl ? nl : end;
	bool csv = line_end - line >= 4 && memcmp(line_end - 4, " csv", 4) == 0;
	if (csv)
		line_end -= 4;
	const char *sp = memchr(line, ' ', (size_t)(line_end - line));
	if (!sp || sp == line || sp - line > 8)
		return 0;
	for (const char *m = line; m < sp; m++)
		if (*m < 'A' || *m > 'Z')
			return 0;
	size_t body_len = (size_t)(end - body);
	str req = STR_INIT;
	str_appendn(&req, line, (size_t)(sp - line + 1));
	/* the path always starts under /api/: static files are not parsers */
	str_append(&req, "/api/v1/");
	const char *target = sp + 1;
	if ((size_t)(line_end - target) >= 8 && memcmp(target, "/api/v1/", 8) == 0)
		target += 8;
	/* Signing in and out and changing one's password are left to the API
	 * tests: guesses would lock the administrator out (sign-in
	 * throttling). The server decodes %XX, so paths with it go too. */
	const char *qm = memchr(target, '?', (size_t)(line_end - target));
	size_t path_len = (size_t)((qm ? qm : line_end) - target);
	if (memchr(target, '%', path_len) || (path_len >= 7 && memcmp(target, "session", 7) == 0)) {
		str_free(&req);
		return 0;
	}
	append_target(&req, target, (size_t)(line_end - target));
	str_appendf(&req,
		" HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " API_SESSION_COOKIE "=%s\r\n" API_CSRF_HEADER ": %s\r\n"
		"Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
		session.token, session.csrf, csv ? "text/csv" : "application/json", body_len);
	str_appendn(&req, body, body_len);
	FUZZ_CHECK(!str_oom(&req));
	bool keep;
	int status = 0;
	for (int attempt = 0; attempt < 2 && status == 0; attempt++) {
		if (sock < 0)
			sock = connect_server();
		if (send_all(sock, req.ptr, req.len))
			status = read_response(sock, sp - line == 4 && memcmp(line, "HEAD", 4) == 0, &keep);
		else
			keep = false;
		if (!keep) {
			close(sock);
			sock = -1;
		}
	}
	if (status == 401)
		sign_in();   /* an input ended the session: sign in again */
	if (status == 500 || status <= 0)
		fprintf(stderr, "fuzz_request: %.*s answered %d\n", (int)(req.len < 300 ? req.len : 300), req.ptr,
			status);
	FUZZ_CHECK(status > 0);
	FUZZ_CHECK(status != 500);
	str_free(&req);
	return 0;
}
