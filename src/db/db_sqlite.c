/* db_sqlite: the SQLite backend (WAL, foreign keys on, busy timeout). */
#include "db/db.h"
#include "util/err.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef struct sq_conn {
	db_conn base;
	sqlite3 *db;
} sq_conn;

typedef struct sq_stmt {
	db_stmt base;
	sqlite3_stmt *st;
} sq_stmt;

#define SQ_BUSY_TIMEOUT_MS 5000

static int sq_error(sqlite3 *db, int rc)
{
	int primary = rc & 0xff;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	if (primary == SQLITE_CONSTRAINT)
		return err_set(ERR_CONFLICT, "%s", msg);
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return err_set(ERR_UNAVAILABLE, "database is busy: %s", msg);
	if (primary == SQLITE_NOMEM)
		return err_set(ERR_NOMEM, "out of memory");
	return err_set(ERR_GENERIC, "database error: %s", msg);
}

static int sq_exec(db_conn *c, const char *sql)
{
	sq_conn *sc = (sq_conn *)c;
	int rc = sqlite3_exec(sc->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sq_error(sc->db, rc);
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
	sqlite3_extended_result_codes(c->db, 1);
	*out = &c->base;
	/* journal_mode returns a row; sqlite3_exec ignores it. */
	rc = sq_exec(*out, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
			   "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;");
	if (rc < 0) {
		err_set(ERR_UNAVAILABLE, "cannot use SQLite database '%s': %s", path, err_msg());
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
#define SQDB(s) (((sq_conn *)(s)->conn)->db)

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
	int rc = sqlite3_step(SQ(s)->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return sq_error(SQDB(s), rc);
}

static int sq_reset(db_stmt *s)
{
	sqlite3_reset(SQ(s)->st);
	sqlite3_clear_bindings(SQ(s)->st);
	return 0;
}

static void sq_finalize(db_stmt *s)
{
	sqlite3_finalize(SQ(s)->st);
	free(s);
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
