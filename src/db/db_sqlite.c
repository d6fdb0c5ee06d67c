/* db_sqlite: the SQLite backend (WAL, foreign keys on, busy timeout, one
 * writer at a time per database file in the process). */
#include "db/db.h"
#include "util/err.h"
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct write_gate write_gate;

typedef struct sq_conn {
	db_conn base;
	sqlite3 *db;
	write_gate *gate;   /* NULL for a database in memory */
	bool writing;       /* this connection holds its gate */
} sq_conn;

typedef struct sq_stmt {
	db_stmt base;
	sqlite3_stmt *st;
} sq_stmt;

/* How long a writer waits for another process's write (SQLite's busy
 * handler), and for the writers of this process before it (the gate). */
#define SQ_BUSY_TIMEOUT_MS 30000
#define SQ_WRITE_WAIT_MS 120000

/* The message every "busy" ends in; the cause goes to the log. */
#define SQ_BUSY_MESSAGE "the database is busy with a long write, such as a large import; try again in a minute"

static int sq_error(sqlite3 *db, int rc)
{
	int primary = rc & 0xff;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	if (primary == SQLITE_CONSTRAINT)
		return err_set(ERR_CONFLICT, "%s", msg);
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
		log_warn("sqlite: %s", msg);
		return err_set(ERR_UNAVAILABLE, SQ_BUSY_MESSAGE);
	}
	if (primary == SQLITE_NOMEM)
		return err_set(ERR_NOMEM, "out of memory");
	if (primary == SQLITE_FULL)
		return err_set(ERR_NOSPACE, "database is full: %s", msg);
	return err_set(ERR_GENERIC, "database error: %s", msg);
}

/* ------------------------------------------------------------ write gate */

/* SQLite lets one connection write at a time and makes the others poll
 * (the busy handler) until a timeout, after which they fail: a long import
 * made a short save fail with "database is locked". Inside the process,
 * writers queue at a gate per database file instead, first come first
 * served, and the gate is handed to the next when a write transaction
 * ends; the busy handler is left for other processes (another server on
 * the same file, the command line). A connection takes the gate before
 * BEGIN IMMEDIATE or a statement that writes outside a transaction, and
 * gives it back when the connection is in autocommit again with no write
 * under way. A deferred transaction (BEGIN) takes no gate: it writes only
 * temporary tables (an import's stage) or meets the busy handler. */
typedef struct gate_waiter {
	struct gate_waiter *next;
	pthread_cond_t cond;
	bool granted;
} gate_waiter;

struct write_gate {
	write_gate *next;
	char *path;
	int refs;
	bool held;
	gate_waiter *head, *tail;   /* the writers waiting, in arrival order */
};

static pthread_mutex_t gates_lock = PTHREAD_MUTEX_INITIALIZER;
static write_gate *gates;

/* The gate of the file at path (absolute), made on first use. */
static write_gate *gate_get(const char *path)
{
	write_gate *g;
	pthread_mutex_lock(&gates_lock);
	for (g = gates; g && strcmp(g->path, path) != 0; g = g->next)
		;
	if (!g && (g = calloc(1, sizeof(*g)))) {
		if ((g->path = strdup(path))) {
			g->next = gates;
			gates = g;
		} else {
			free(g);
			g = NULL;
		}
	}
	if (g)
		g->refs++;
	pthread_mutex_unlock(&gates_lock);
	return g;
}

static void gate_put(write_gate *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&gates_lock);
	if (--g->refs == 0) {
		write_gate **p = &gates;
		while (*p != g)
			p = &(*p)->next;
		*p = g->next;
		free(g->path);
		free(g);
	}
	pthread_mutex_unlock(&gates_lock);
}

/* Waits for the connection's turn to write, SQ_WRITE_WAIT_MS at most. */
static int gate_enter(sq_conn *c)
{
	write_gate *g = c->gate;
	if (!g || c->writing)
		return 0;
	pthread_mutex_lock(&gates_lock);
	if (!g->held && !g->head) {
		g->held = c->writing = true;
		pthread_mutex_unlock(&gates_lock);
		return 0;
	}
	gate_waiter w = { .granted = false };
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w.cond, &attr);
	pthread_condattr_destroy(&attr);
	if (g->tail)
		g->tail->next = &w;
	else
		g->head = &w;
	g->tail = &w;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += SQ_WRITE_WAIT_MS / 1000;
	int rc = 0;
	while (!w.granted && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&w.cond, &gates_lock, &until);
	if (!w.granted) {
		/* gave up: leave the line */
		gate_waiter **p = &g->head, *prev = NULL;
		while (*p != &w) {
			prev = *p;
			p = &(*p)->next;
		}
		*p = w.next;
		if (g->tail == &w)
			g->tail = prev;
	}
	c->writing = w.granted;
	pthread_mutex_unlock(&gates_lock);
	pthread_cond_destroy(&w.cond);
	if (!c->writing) {
		log_warn("sqlite: no turn to write after %d s", SQ_WRITE_WAIT_MS / 1000);
		return err_set(ERR_UNAVAILABLE, SQ_BUSY_MESSAGE);
	}
	return 0;
}

/* Hands the gate to the next writer in line, or opens it. */
static void gate_leave(sq_conn *c)
{
	write_gate *g = c->gate;
	pthread_mutex_lock(&gates_lock);
	gate_waiter *next = g->head;
	if (next) {
		g->head = next->next;
		if (!g->head)
			g->tail = NULL;
		next->granted = true;   /* g->held stays true: the gate passes on */
		pthread_cond_signal(&next->cond);
	} else {
		g->held = false;
	}
	c->writing = false;
	pthread_mutex_unlock(&gates_lock);
}

/* Gives the gate back once no transaction and no writing statement is
 * open on the connection. */
static void gate_check(sq_conn *c)
{
	if (!c->writing || !sqlite3_get_autocommit(c->db))
		return;
	for (sqlite3_stmt *st = sqlite3_next_stmt(c->db, NULL); st; st = sqlite3_next_stmt(c->db, st))
		if (sqlite3_stmt_busy(st) && !sqlite3_stmt_readonly(st))
			return;
	gate_leave(c);
}

/* ------------------------------------------------------------ connection */

static int sq_exec(db_conn *c, const char *sql)
{
	sq_conn *sc = (sq_conn *)c;
	int rc;
	if (strncmp(sql, "BEGIN IMMEDIATE", 15) == 0 && (rc = gate_enter(sc)) < 0)
		return rc;
	rc = sqlite3_exec(sc->db, sql, NULL, NULL, NULL);
	rc = rc == SQLITE_OK ? 0 : sq_error(sc->db, rc);
	gate_check(sc);
	return rc;
}

/* Memory statistics cost a global mutex on every allocation; nq57 does
 * not read them. Must run before SQLite initialises. */
static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(db_conn **out, const char *url)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_configure);
	const char *path = url + strlen("sqlite:");
	sq_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		err_set(ERR_UNAVAILABLE, "cannot open SQLite database '%s': %s", path,
			c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sqlite3_close(c->db);
		free(c);
		return ERR_UNAVAILABLE;
	}
	sqlite3_busy_timeout(c->db, SQ_BUSY_TIMEOUT_MS);
	const char *file = sqlite3_db_filename(c->db, "main");
	if (file && *file && !(c->gate = gate_get(file))) {
		sqlite3_close(c->db);
		free(c);
		return err_set(ERR_NOMEM, "out of memory");
	}
	sqlite3_extended_result_codes(c->db, 1);
	*out = &c->base;
	/* journal_mode returns a row; sqlite3_exec ignores it. */
	rc = sq_exec(*out, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
			   "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;");
	if (rc < 0) {
		err_set(ERR_UNAVAILABLE, "cannot use SQLite database '%s': %s", path, err_msg());
		gate_put(c->gate);
		sqlite3_close(c->db);
		free(c);
		*out = NULL;
		return ERR_UNAVAILABLE;
	}
	return 0;
}

static void sq_close(db_conn *c)
{
	sq_conn *sc = (sq_conn *)c;
	sqlite3_close(sc->db);
	if (sc->writing)
		gate_leave(sc);
	gate_put(sc->gate);
	free(sc);
}

static int sq_prepare(db_stmt **out, db_conn *c, const char *sql)
{
	sq_conn *sc = (sq_conn *)c;
	sq_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(ERR_NOMEM, "out of memory");
	int rc = sqlite3_prepare_v2(sc->db, sql, -1, &s->st, NULL);
	if (rc != SQLITE_OK) {
		rc = sq_error(sc->db, rc);
		free(s);
		*out = NULL;
		return rc;
	}
	*out = &s->base;
	return 0;
}

#define SQ(s) ((sq_stmt *)(s))
#define SQC(s) ((sq_conn *)(s)->conn)
#define SQDB(s) (SQC(s)->db)

static int sq_bind_rc(db_stmt *s, int rc) { return rc == SQLITE_OK ? 0 : sq_error(SQDB(s), rc); }

static int sq_bind_text(db_stmt *s, int i, const char *v)
{
	return sq_bind_rc(s, sqlite3_bind_text(SQ(s)->st, i, v, -1, SQLITE_TRANSIENT));
}

static int sq_bind_text_static(db_stmt *s, int i, const char *v)
{
	return sq_bind_rc(s, sqlite3_bind_text(SQ(s)->st, i, v, -1, SQLITE_STATIC));
}

static int sq_bind_int64(db_stmt *s, int i, int64_t v)
{
	return sq_bind_rc(s, sqlite3_bind_int64(SQ(s)->st, i, v));
}

static int sq_bind_double(db_stmt *s, int i, double v)
{
	return sq_bind_rc(s, sqlite3_bind_double(SQ(s)->st, i, v));
}

static int sq_bind_null(db_stmt *s, int i) { return sq_bind_rc(s, sqlite3_bind_null(SQ(s)->st, i)); }

static int sq_step(db_stmt *s)
{
	sq_conn *c = SQC(s);
	int rc;
	if (!c->writing && c->gate && sqlite3_get_autocommit(c->db) && !sqlite3_stmt_readonly(SQ(s)->st) &&
	    (rc = gate_enter(c)) < 0)
		return rc;
	rc = sqlite3_step(SQ(s)->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	rc = rc == SQLITE_DONE ? DB_DONE : sq_error(SQDB(s), rc);
	gate_check(c);
	return rc;
}

static int sq_reset(db_stmt *s)
{
	sqlite3_reset(SQ(s)->st);
	sqlite3_clear_bindings(SQ(s)->st);
	gate_check(SQC(s));
	return 0;
}

static void sq_finalize(db_stmt *s)
{
	sq_conn *c = SQC(s);
	sqlite3_finalize(SQ(s)->st);
	free(s);
	gate_check(c);
}

static int sq_column_count(db_stmt *s) { return sqlite3_column_count(SQ(s)->st); }
static const char *sq_column_name(db_stmt *s, int i) { return sqlite3_column_name(SQ(s)->st, i); }

static bool sq_column_is_null(db_stmt *s, int i)
{
	return sqlite3_column_type(SQ(s)->st, i) == SQLITE_NULL;
}

static const char *sq_column_text(db_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(SQ(s)->st, i);
}

static int64_t sq_column_int64(db_stmt *s, int i) { return sqlite3_column_int64(SQ(s)->st, i); }
static double sq_column_double(db_stmt *s, int i) { return sqlite3_column_double(SQ(s)->st, i); }
static int64_t sq_changes(db_conn *c) { return sqlite3_changes64(((sq_conn *)c)->db); }

const db_backend db_sqlite_backend = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_text = sq_bind_text,
	.bind_text_static = sq_bind_text_static,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.reset = sq_reset,
	.finalize = sq_finalize,
	.column_count = sq_column_count,
	.column_name = sq_column_name,
	.column_is_null = sq_column_is_null,
	.column_text = sq_column_text,
	.column_int64 = sq_column_int64,
	.column_double = sq_column_double,
	.changes = sq_changes,
};
