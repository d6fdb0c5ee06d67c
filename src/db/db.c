/* db: URL checking and dispatch to the backend of a connection. */
#include "db/db.h"
#include "util/err.h"

#include <stdarg.h>
#include <string.h>

int db_url_check(db_kind *out, const char *url)
{
	if (!url || !*url)
		return err_set(ERR_INVALID, "database URL is empty (use sqlite:PATH or postgresql://...)");
	if (strncmp(url, "sqlite:", 7) == 0) {
		if (url[7] == '\0')
			return err_set(ERR_INVALID, "database URL 'sqlite:' has no file path");
		*out = DB_SQLITE;
		return 0;
	}
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		*out = DB_POSTGRES;
		return 0;
	}
	const char *colon = strchr(url, ':');
	int n = colon ? (int)(colon - url) : (int)strlen(url);
	if (n > 40)
		n = 40;
	return err_set(ERR_INVALID, "database URL scheme '%.*s' is not supported (use sqlite:PATH or postgresql://...)", n, url);
}

const char *db_kind_name(db_kind k) { return k == DB_SQLITE ? "sqlite" : "postgresql"; }

int db_open(db_conn **out, const char *url)
{
	db_kind kind;
	int rc;
	*out = NULL;
	if ((rc = db_url_check(&kind, url)) < 0)
		return rc;
	const db_backend *be = kind == DB_SQLITE ? &db_sqlite_backend : &db_pg_backend;
	if ((rc = be->open(out, url)) < 0)
		return rc;
	(*out)->be = be;
	(*out)->kind = kind;
	return 0;
}

void db_close(db_conn *c)
{
	if (c)
		c->be->close(c);
}

db_kind db_conn_kind(const db_conn *c) { return c->kind; }
int db_exec(db_conn *c, const char *sql) { return c->be->exec(c, sql); }
int db_begin(db_conn *c) { return c->be->exec(c, "BEGIN"); }
int db_begin_write(db_conn *c) { return c->be->exec(c, c->kind == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN"); }
int db_commit(db_conn *c) { return c->be->exec(c, "COMMIT"); }

int db_rollback(db_conn *c)
{
	/* Keep the error that made the caller roll back: a ROLLBACK that
	 * succeeds leaves it (with its template and parameters) untouched. */
	int code = err_code();
	err_keep();
	int rc = c->be->exec(c, "ROLLBACK");
	if (rc < 0 && code)
		err_restore();
	return rc;
}

int db_prepare(db_stmt **out, db_conn *c, const char *sql)
{
	int rc = c->be->prepare(out, c, sql);
	if (rc == 0) {
		(*out)->be = c->be;
		(*out)->conn = c;
	}
	return rc;
}

int db_bind_text(db_stmt *s, int i, const char *v) { return v ? s->be->bind_text(s, i, v) : s->be->bind_null(s, i); }
int db_bind_text_static(db_stmt *s, int i, const char *v)
{
	return v ? s->be->bind_text_static(s, i, v) : s->be->bind_null(s, i);
}
int db_bind_int64(db_stmt *s, int i, int64_t v) { return s->be->bind_int64(s, i, v); }
int db_bind_double(db_stmt *s, int i, double v) { return s->be->bind_double(s, i, v); }
int db_bind_null(db_stmt *s, int i) { return s->be->bind_null(s, i); }
int db_step(db_stmt *s) { return s->be->step(s); }
int db_reset(db_stmt *s) { return s->be->reset(s); }

void db_finalize(db_stmt *s)
{
	if (s)
		s->be->finalize(s);
}

int db_column_count(db_stmt *s) { return s->be->column_count(s); }
const char *db_column_name(db_stmt *s, int i) { return s->be->column_name(s, i); }
bool db_column_is_null(db_stmt *s, int i) { return s->be->column_is_null(s, i); }
const char *db_column_text(db_stmt *s, int i) { return s->be->column_text(s, i); }
int64_t db_column_int64(db_stmt *s, int i) { return s->be->column_int64(s, i); }
double db_column_double(db_stmt *s, int i) { return s->be->column_double(s, i); }
int64_t db_changes(db_conn *c) { return c->be->changes(c); }

int db_run(db_conn *c, int64_t *out_first, const char *sql, const char *types, ...)
{
	db_stmt *s;
	int rc = db_prepare(&s, c, sql);
	if (out_first)
		*out_first = 0;
	if (rc < 0)
		return rc;
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i] && rc == 0; i++) {
		switch (types[i]) {
		case 't': rc = db_bind_text(s, i + 1, va_arg(ap, const char *)); break;
		case 'i': rc = db_bind_int64(s, i + 1, va_arg(ap, int64_t)); break;
		case 'd': rc = db_bind_double(s, i + 1, va_arg(ap, double)); break;
		default: rc = db_bind_null(s, i + 1); break;
		}
	}
	va_end(ap);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW && out_first)
		*out_first = db_column_is_null(s, 0) ? 0 : db_column_int64(s, 0);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}
