/* db: one interface over SQLite and PostgreSQL. A db_conn belongs to one
 * thread at a time (each HTTP worker owns its own). SQL is written once with
 * '?' placeholders; the PostgreSQL backend numbers them ($1, $2, ...).
 * Every function returns 0 (or DB_ROW/DB_DONE from db_step) or a negative
 * ERR_* code with the message set (ERR_UNAVAILABLE when the server cannot
 * be reached, ERR_CONFLICT on a unique or foreign-key violation). */
#ifndef NQ57_DB_H
#define NQ57_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum db_kind { DB_SQLITE, DB_POSTGRES } db_kind;

typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

enum { DB_DONE = 0, DB_ROW = 1 };

/* Checks a database URL without connecting: "sqlite:PATH" (PATH may be
 * ":memory:") or "postgresql://..." / "postgres://...". */
int db_url_check(db_kind *out, const char *url);

/* Opens a connection; *out is owned by the caller (db_close). */
int db_open(db_conn **out, const char *url);
void db_close(db_conn *c);
db_kind db_conn_kind(const db_conn *c);
const char *db_kind_name(db_kind k);   /* "sqlite" or "postgresql" */

/* Runs one or more statements without parameters or results. */
int db_exec(db_conn *c, const char *sql);

int db_begin(db_conn *c);
/* A transaction that will write: on SQLite it takes the write lock at once
 * (BEGIN IMMEDIATE), so two writers wait for each other instead of failing
 * with "database is locked" when the reader upgrades. */
int db_begin_write(db_conn *c);
int db_commit(db_conn *c);
int db_rollback(db_conn *c);   /* safe to call when no transaction is open */
/* Returns call's result run in a write transaction of its own: committed
 * when it succeeds, rolled back (its error kept) when it fails. */
#define DB_IN_WRITE(db, call)                       \
	do {                                        \
		int rc_ = db_begin_write(db);       \
		if (rc_ < 0)                        \
			return rc_;                 \
		if ((rc_ = (call)) < 0) {           \
			db_rollback(db);            \
			return rc_;                 \
		}                                   \
		return db_commit(db);               \
	} while (0)

/* Prepares sql; *out is owned by the caller (db_finalize). */
int db_prepare(db_stmt **out, db_conn *c, const char *sql);
/* Parameters are numbered from 1. Text is copied. */
int db_bind_text(db_stmt *s, int i, const char *v);
/* Binds text that stays valid and unchanged until the next step, reset or
 * finalize, without copying it (bulk writes). */
int db_bind_text_static(db_stmt *s, int i, const char *v);
int db_bind_int64(db_stmt *s, int i, int64_t v);
int db_bind_double(db_stmt *s, int i, double v);
int db_bind_null(db_stmt *s, int i);
/* Executes on the first call; returns DB_ROW while rows remain, then DB_DONE. */
int db_step(db_stmt *s);
/* Makes the statement ready to bind and run again. */
int db_reset(db_stmt *s);
void db_finalize(db_stmt *s);

/* Column accessors for the current row, numbered from 0. Text is borrowed
 * until the next step/reset/finalize; NULL for SQL NULL. */
int db_column_count(db_stmt *s);
const char *db_column_name(db_stmt *s, int i);
bool db_column_is_null(db_stmt *s, int i);
const char *db_column_text(db_stmt *s, int i);
int64_t db_column_int64(db_stmt *s, int i);
double db_column_double(db_stmt *s, int i);

/* Runs one statement with parameters given by types, one letter each:
 * 't' text (NULL binds NULL), 'i' int64_t, 'd' double, 'n' NULL (no
 * argument). For writes and for reads of one value: *out_first (may be
 * NULL) gets the first column of the first row as int64, 0 if no row. */
int db_run(db_conn *c, int64_t *out_first, const char *sql, const char *types, ...);

/* Rows changed by the last INSERT/UPDATE/DELETE statement on c. */
int64_t db_changes(db_conn *c);

/* One backend: the functions above dispatch through this table. */
typedef struct db_backend {
	const char *name;
	int (*open)(db_conn **out, const char *url);
	void (*close)(db_conn *c);
	int (*exec)(db_conn *c, const char *sql);
	int (*prepare)(db_stmt **out, db_conn *c, const char *sql);
	int (*bind_text)(db_stmt *s, int i, const char *v);
	int (*bind_text_static)(db_stmt *s, int i, const char *v);
	int (*bind_int64)(db_stmt *s, int i, int64_t v);
	int (*bind_double)(db_stmt *s, int i, double v);
	int (*bind_null)(db_stmt *s, int i);
	int (*step)(db_stmt *s);
	int (*reset)(db_stmt *s);
	void (*finalize)(db_stmt *s);
	int (*column_count)(db_stmt *s);
	const char *(*column_name)(db_stmt *s, int i);
	bool (*column_is_null)(db_stmt *s, int i);
	const char *(*column_text)(db_stmt *s, int i);
	int64_t (*column_int64)(db_stmt *s, int i);
	double (*column_double)(db_stmt *s, int i);
	int64_t (*changes)(db_conn *c);
} db_backend;

/* Every backend's connection and statement start with these headers. */
struct db_conn {
	const db_backend *be;
	db_kind kind;
};
struct db_stmt {
	const db_backend *be;
	db_conn *conn;
};

extern const db_backend db_sqlite_backend;
extern const db_backend db_pg_backend;

#endif
