/* probe: the timing helper of bench/rollup.sh, on SQLite or PostgreSQL.
 *
 *   probe sql DB RUNS SQL [-o FILE]
 *       Runs SQL once to warm up, then RUNS times, each time preparing it,
 *       stepping through every row and reading every column (as a client
 *       would). With -o FILE the warm-up's rows are written there as CSV
 *       (numbers with 17 significant digits).
 *   probe get DB PORT PATH RUNS CHANGE_SQL
 *       RUNS times (after one warm-up): runs CHANGE_SQL on the database,
 *       then times one GET PATH on 127.0.0.1:PORT over a kept-alive
 *       connection, so that every request is the first after a change.
 *   probe settle DB PORT PATH RUNS CHANGE_SQL
 *       The same, then after each first answer GETs PATH every 20 ms until
 *       the answer no longer says "updating" (a bulk change the server
 *       loads in the background): prints "median_ms p99_ms median_settle_ms
 *       n", the first answers' times and the median time from the change
 *       to an answer with its figures.
 *   probe changes DB EVERY_MS SECONDS CHANGE_SQL
 *       Runs CHANGE_SQL every EVERY_MS for SECONDS; prints how many ran.
 *
 * sql and get print "median_ms p99_ms min_ms n" (n: rows, or requests; p99
 * is the slowest run when there are fewer than 100 runs). DB is sqlite:PATH
 * (read with a 256 MiB page cache) or a postgresql:// URL (the server's
 * settings, one connection for every run).
 *
 * Build: cc -O2 -o probe probe.c $(pkg-config --cflags --libs sqlite3 libpq) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static sqlite3 *lite;
static PGconn *pg;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "probe: %s: %s\n", what, msg ? msg : "?");
	exit(1);
}

static void db_open(const char *url, int readonly)
{
	if (strncmp(url, "sqlite:", 7) == 0) {
		if (sqlite3_open_v2(url + 7, &lite, readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
			die("open", sqlite3_errmsg(lite));
		sqlite3_busy_timeout(lite, 10000);
		sqlite3_exec(lite, "PRAGMA cache_size = -262144; PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	} else {
		pg = PQconnectdb(url);
		if (PQstatus(pg) != CONNECTION_OK)
			die("connect", PQerrorMessage(pg));
	}
}

static void db_close(void)
{
	if (lite)
		sqlite3_close(lite);
	if (pg)
		PQfinish(pg);
}

static void csv_field(FILE *out, const char *s, int first)
{
	if (!first)
		fputc(',', out);
	if (!s)
		return;
	if (strpbrk(s, ",\"\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else
		fputs(s, out);
}

/* One run of sql: rows read; writes them to out when not NULL. */
static long run_sql(const char *sql, FILE *out)
{
	long rows = 0;
	volatile double sink = 0;
	if (lite) {
		sqlite3_stmt *s;
		const char *tail = sql;
		while (tail && *tail) {
			if (sqlite3_prepare_v2(lite, tail, -1, &s, &tail) != SQLITE_OK)
				die("prepare", sqlite3_errmsg(lite));
			if (!s)
				break;
			int rc, n = sqlite3_column_count(s);
			while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
				rows++;
				for (int i = 0; i < n; i++) {
					if (!out) {
						sink += sqlite3_column_double(s, i);
						continue;
					}
					char buf[64];
					const char *text;
					if (sqlite3_column_type(s, i) == SQLITE_FLOAT) {
						snprintf(buf, sizeof(buf), "%.17g", sqlite3_column_double(s, i));
						text = buf;
					} else
						text = (const char *)sqlite3_column_text(s, i);
					csv_field(out, text, i == 0);
				}
				if (out)
					fputc('\n', out);
			}
			if (rc != SQLITE_DONE)
				die("step", sqlite3_errmsg(lite));
			sqlite3_finalize(s);
		}
		return rows;
	}
	PGresult *res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		die("query", PQerrorMessage(pg));
	rows = PQntuples(res);
	int n = PQnfields(res);
	for (long r = 0; r < rows; r++) {
		for (int i = 0; i < n; i++) {
			const char *v = PQgetisnull(res, (int)r, i) ? NULL : PQgetvalue(res, (int)r, i);
			if (out)
				csv_field(out, v, i == 0);
			else if (v)
				sink += strtod(v, NULL);
		}
		if (out)
			fputc('\n', out);
	}
	PQclear(res);
	return rows;
}

/* ------------------------------------------------------------------ HTTP */

static int sock = -1;
static char buf[1 << 16];
static size_t have;   /* bytes in buf not yet consumed */

static void http_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if ((sock = socket(AF_INET, SOCK_STREAM, 0)) < 0 || connect(sock, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect", "cannot connect to the server");
	int one = 1;
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	have = 0;
}

/* Reads more into buf; 0 at the end of the stream. */
static ssize_t fill(void)
{
	if (have == sizeof(buf))
		die("http", "headers too long");
	ssize_t n = read(sock, buf + have, sizeof(buf) - have);
	if (n < 0)
		die("http", "read failed");
	have += (size_t)n;
	return n;
}

/* One GET on the kept-alive connection (reconnecting when the server
 * closed it); fails unless the status is 200. Whether the answer's head
 * (its first bytes) says "updating". */
static int http_get(int port, const char *path)
{
	char req[2048];
	int len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", path, port);
	if (sock < 0)
		http_connect(port);
	if (write(sock, req, (size_t)len) != len)
		die("http", "write failed");
	char *end;
	while (!(end = memmem(buf, have, "\r\n\r\n", 4)))
		if (fill() == 0)
			die("http", "the server closed the connection");
	size_t head = (size_t)(end - buf) + 4;
	if (have < 12 || strncmp(buf + 8, " 200", 4) != 0) {
		fprintf(stderr, "probe: %.*s\n", (int)(head > 200 ? 200 : head), buf);
		die("http", "status other than 200");
	}
	long body = -1;
	int closing = 0;
	for (char *line = memchr(buf, '\n', head); line && line < buf + head; line = memchr(line, '\n', (size_t)(buf + head - line))) {
		line++;
		if (strncasecmp(line, "content-length:", 15) == 0)
			body = strtol(line + 15, NULL, 10);
		if (strncasecmp(line, "connection: close", 17) == 0)
			closing = 1;
	}
	if (body < 0)
		die("http", "no Content-Length");
	size_t need = head + (size_t)body, got = have < need ? have : need;
	int updating = memmem(buf + head, got - head, "\"updating\":true", 15) != NULL;
	while (got < need) {
		/* the body may be larger than buf: count it and drop it */
		have = 0;
		if (fill() == 0)
			die("http", "the body ended early");
		got += have;
	}
	size_t extra = got - need;   /* bytes of a next answer (none expected) */
	memmove(buf, buf + have - extra, extra);
	have = extra;
	if (closing) {
		close(sock);
		sock = -1;
	}
	return updating;
}

/* ------------------------------------------------------------------ main */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(double *ms, int runs, long n)
{
	qsort(ms, (size_t)runs, sizeof(double), cmp_double);
	double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
	int p99 = (int)((runs - 1) * 0.99 + 0.5);
	printf("%.3f %.3f %.3f %ld\n", median, ms[p99], ms[0], n);
}

static void usage(void)
{
	fprintf(stderr, "usage: probe sql DB RUNS SQL [-o FILE]\n"
			"       probe get DB PORT PATH RUNS CHANGE_SQL\n"
			"       probe settle DB PORT PATH RUNS CHANGE_SQL\n"
			"       probe changes DB EVERY_MS SECONDS CHANGE_SQL\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "sql") == 0 && (argc == 5 || (argc == 7 && strcmp(argv[5], "-o") == 0))) {
		int runs = atoi(argv[3]) > 0 ? atoi(argv[3]) : 1;
		double *ms = calloc((size_t)runs, sizeof(double));
		long rows = 0;
		db_open(argv[2], 1);
		for (int r = -1; r < runs; r++) {
			FILE *out = NULL;
			if (r == -1 && argc == 7 && !(out = fopen(argv[6], "w")))
				die("open", argv[6]);
			double t0 = now_ms();
			rows = run_sql(argv[4], out);
			double t1 = now_ms();
			if (out)
				fclose(out);
			if (r >= 0)
				ms[r] = t1 - t0;
		}
		report(ms, runs, rows);
	} else if (strcmp(argv[1], "get") == 0 && argc == 7) {
		int port = atoi(argv[3]), runs = atoi(argv[5]) > 0 ? atoi(argv[5]) : 1;
		double *ms = calloc((size_t)runs, sizeof(double));
		db_open(argv[2], 0);
		for (int r = -1; r < runs; r++) {
			run_sql(argv[6], NULL);
			double t0 = now_ms();
			http_get(port, argv[4]);
			double t1 = now_ms();
			if (r >= 0)
				ms[r] = t1 - t0;
		}
		report(ms, runs, runs);
	} else if (strcmp(argv[1], "settle") == 0 && argc == 7) {
		int port = atoi(argv[3]), runs = atoi(argv[5]) > 0 ? atoi(argv[5]) : 1;
		double *ms = calloc((size_t)runs, sizeof(double)), *settle = calloc((size_t)runs, sizeof(double));
		db_open(argv[2], 0);
		for (int r = 0; r < runs; r++) {
			run_sql(argv[6], NULL);
			double t0 = now_ms();
			int updating = http_get(port, argv[4]);
			ms[r] = now_ms() - t0;
			while (updating) {
				usleep(20000);
				updating = http_get(port, argv[4]);
			}
			settle[r] = now_ms() - t0;
		}
		qsort(settle, (size_t)runs, sizeof(double), cmp_double);
		double settled = runs % 2 ? settle[runs / 2] : (settle[runs / 2 - 1] + settle[runs / 2]) / 2;
		qsort(ms, (size_t)runs, sizeof(double), cmp_double);
		double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
		printf("%.3f %.3f %.3f %d\n", median, ms[(int)((runs - 1) * 0.99 + 0.5)], settled, runs);
	} else if (strcmp(argv[1], "changes") == 0 && argc == 6) {
		double every = atof(argv[3]), until = now_ms() + atof(argv[4]) * 1000, next = now_ms();
		long n = 0;
		db_open(argv[2], 0);
		while (now_ms() < until) {
			run_sql(argv[5], NULL);
			n++;
			next += every;
			double wait = next - now_ms();
			if (wait > 0) {
				struct timespec ts = { (time_t)(wait / 1000), (long)((wait - (long)(wait / 1000) * 1000) * 1e6) };
				nanosleep(&ts, NULL);
			}
		}
		printf("%ld\n", n);
	} else
		usage();
	db_close();
	return 0;
}
