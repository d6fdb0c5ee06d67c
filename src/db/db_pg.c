/* db_pg: the PostgreSQL backend over libpq. Statements run as unnamed
 * parameterised queries (text format), so a connection that was reset
 * after a server restart needs nothing re-prepared. A connection found
 * broken outside a transaction is reset and the statement retried once. */
#include "db/db.h"
#include "util/err.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pg_conn {
	db_conn base;
	PGconn *pg;
	int64_t changes;
} pg_conn;

typedef struct pg_stmt {
	db_stmt base;
	char *sql;       /* with $1, $2, ... */
	int nparams;
	char **params;   /* owned copies; NULL for SQL NULL */
	PGresult *res;
	int row;         /* current row, -1 before the first */
	bool executed;
} pg_stmt;

#define PC(c) ((pg_conn *)(c))
#define PS(s) ((pg_stmt *)(s))

static void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* libpq messages end with a newline and may span lines; keep one line. */
static const char *one_line(char *buf, size_t n, const char *msg)
{
	size_t j = 0;
	for (size_t i = 0; msg && msg[i] && j + 1 < n; i++)
		buf[j++] = (msg[i] == '\n' || msg[i] == '\r' || msg[i] == '\t') ? ' ' : msg[i];
	while (j > 0 && buf[j - 1] == ' ')
		j--;
	buf[j] = '\0';
	return buf;
}

static int connection_error(PGconn *pg, const char *what)
{
	char line[512];
	const char *host = PQhost(pg), *port = PQport(pg);
	return err_set(ERR_UNAVAILABLE, "%s PostgreSQL at %s:%s: %s", what, host && *host ? host : "localhost",
		port && *port ? port : "5432", one_line(line, sizeof(line), PQerrorMessage(pg)));
}

static int result_error(PGconn *pg, const PGresult *res)
{
	char line[512];
	if (PQstatus(pg) != CONNECTION_OK)
		return connection_error(pg, "lost the connection to");
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pg);
	if (!msg || !*msg)
		msg = PQerrorMessage(pg);
	one_line(line, sizeof(line), msg);
	if (strncmp(line, "ERROR:  ", 8) == 0)
		memmove(line, line + 8, strlen(line + 8) + 1);
	if (state && strncmp(state, "23", 2) == 0)
		return err_set(ERR_CONFLICT, "%s", line);
	if (state && (strncmp(state, "08", 2) == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		      strncmp(state, "57P", 3) == 0))
		return err_set(ERR_UNAVAILABLE, "database is unavailable: %s", line);
	if (state && strcmp(state, "53200") == 0)
		return err_set(ERR_NOMEM, "database is out of memory: %s", line);
	if (state && strcmp(state, "53100") == 0)
		return err_set(ERR_NOSPACE, "database is full: %s", line);
	return err_set(ERR_GENERIC, "database error: %s", line);
}

/* Makes sure the connection is usable, resetting it if the server went away. */
static int ensure_connected(pg_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK)
		return connection_error(c->pg, "cannot reconnect to");
	return 0;
}

static bool result_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static void note_changes(pg_conn *c, const PGresult *res)
{
	const char *n = PQcmdTuples((PGresult *)res);
	c->changes = n && *n ? strtoll(n, NULL, 10) : 0;
}

/* Runs one query, retrying once after a reset if the connection broke while
 * no transaction was open (a retry inside a transaction would lose it).
 * On success *out holds the result, owned by the caller. */
static int run_query(PGresult **out, pg_conn *c, const char *sql, int nparams, const char *const *params)
{
	*out = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		int rc = ensure_connected(c);
		if (rc < 0)
			return rc;
		PGTransactionStatusType before = PQtransactionStatus(c->pg);
		PGresult *res = nparams > 0 ? PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0)
					    : PQexec(c->pg, sql);
		if (res && result_ok(res)) {
			*out = res;
			return 0;
		}
		bool broken = PQstatus(c->pg) != CONNECTION_OK;
		if (broken && before == PQTRANS_IDLE && attempt == 0) {
			PQclear(res);
			continue;
		}
		rc = result_error(c->pg, res);
		PQclear(res);
		return rc;
	}
	return err_set(ERR_UNAVAILABLE, "lost the connection to PostgreSQL");
}

static int pg_open(db_conn **out, const char *url)
{
	pg_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	c->pg = PQconnectdb(url);
	if (!c->pg) {
		free(c);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if (PQstatus(c->pg) != CONNECTION_OK) {
		int rc = connection_error(c->pg, "cannot connect to");
		PQfinish(c->pg);
		free(c);
		*out = NULL;
		return rc;
	}
	PQsetNoticeProcessor(c->pg, pg_quiet, NULL);
	PGresult *res = PQexec(c->pg, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
	bool ok = res && result_ok(res);
	int rc = ok ? 0 : result_error(c->pg, res);
	PQclear(res);
	if (!ok) {
		PQfinish(c->pg);
		free(c);
		*out = NULL;
		return rc;
	}
	*out = &c->base;
	return 0;
}

static void pg_close(db_conn *c)
{
	PQfinish(PC(c)->pg);
	free(c);
}

static int pg_exec(db_conn *c, const char *sql)
{
	PGresult *res;
	int rc = run_query(&res, PC(c), sql, 0, NULL);
	if (rc < 0)
		return rc;
	note_changes(PC(c), res);
	PQclear(res);
	return 0;
}

/* Rewrites '?' placeholders as $1, $2, ... outside quotes and comments.
 * Returns the new string (malloc) and the count, or NULL when out of memory. */
static char *number_placeholders(const char *sql, int *count)
{
	size_t len = strlen(sql), q = 0;
	for (size_t i = 0; i < len; i++)
		q += sql[i] == '?';
	char *out = malloc(len + q * 6 + 1);
	if (!out)
		return NULL;
	size_t j = 0;
	int n = 0;
	char quote = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = sql[i];
		if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '-' && sql[i + 1] == '-') {
			while (i < len && sql[i] != '\n')
				out[j++] = sql[i++];
			if (i == len)
				break;
			ch = sql[i];
		} else if (ch == '?' && n < 99999) {
			j += (size_t)snprintf(out + j, 7, "$%d", ++n);
			continue;
		}
		out[j++] = ch;
	}
	out[j] = '\0';
	*count = n;
	return out;
}

static void clear_result(pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->executed = false;
}

static int pg_prepare(db_stmt **out, db_conn *c, const char *sql)
{
	(void)c;
	*out = NULL;
	pg_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(ERR_NOMEM, "out of memory");
	s->sql = number_placeholders(sql, &s->nparams);
	if (!s->sql || (s->nparams > 0 && !(s->params = calloc((size_t)s->nparams, sizeof(char *))))) {
		free(s->sql);
		free(s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	s->row = -1;
	*out = &s->base;
	return 0;
}

static int set_param(db_stmt *st, int i, char *owned)
{
	pg_stmt *s = PS(st);
	if (i < 1 || i > s->nparams) {
		free(owned);
		return err_set(ERR_GENERIC, "parameter %d is out of range (the statement has %d)", i, s->nparams);
	}
	free(s->params[i - 1]);
	s->params[i - 1] = owned;
	return 0;
}

static int pg_bind_text(db_stmt *s, int i, const char *v)
{
	char *copy = strdup(v);
	if (!copy)
		return err_set(ERR_NOMEM, "out of memory");
	return set_param(s, i, copy);
}

static int pg_bind_int64(db_stmt *s, int i, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return pg_bind_text(s, i, buf);
}

static int pg_bind_double(db_stmt *s, int i, double v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%.17g", v);
	return pg_bind_text(s, i, buf);
}

static int pg_bind_null(db_stmt *s, int i) { return set_param(s, i, NULL); }

static int pg_step(db_stmt *st)
{
	pg_stmt *s = PS(st);
	if (!s->executed) {
		pg_conn *c = PC(st->conn);
		int rc = run_query(&s->res, c, s->sql, s->nparams, (const char *const *)s->params);
		if (rc < 0)
			return rc;
		s->executed = true;
		s->row = -1;
		note_changes(c, s->res);
	}
	if (PQresultStatus(s->res) != PGRES_TUPLES_OK)
		return DB_DONE;
	if (s->row + 1 >= PQntuples(s->res)) {
		s->row = PQntuples(s->res);
		return DB_DONE;
	}
	s->row++;
	return DB_ROW;
}

static int pg_reset(db_stmt *st)
{
	pg_stmt *s = PS(st);
	clear_result(s);
	for (int i = 0; i < s->nparams; i++) {
		free(s->params[i]);
		s->params[i] = NULL;
	}
	return 0;
}

static void pg_finalize(db_stmt *st)
{
	pg_reset(st);
	free(PS(st)->params);
	free(PS(st)->sql);
	free(st);
}

static bool has_row(pg_stmt *s, int i)
{
	return s->res && s->row >= 0 && s->row < PQntuples(s->res) && i >= 0 && i < PQnfields(s->res);
}

static int pg_column_count(db_stmt *s) { return PS(s)->res ? PQnfields(PS(s)->res) : 0; }

static const char *pg_column_name(db_stmt *s, int i)
{
	return PS(s)->res && i >= 0 && i < PQnfields(PS(s)->res) ? PQfname(PS(s)->res, i) : NULL;
}

static bool pg_column_is_null(db_stmt *st, int i)
{
	pg_stmt *s = PS(st);
	return !has_row(s, i) || PQgetisnull(s->res, s->row, i);
}

static const char *pg_column_text(db_stmt *st, int i)
{
	pg_stmt *s = PS(st);
	return pg_column_is_null(st, i) ? NULL : PQgetvalue(s->res, s->row, i);
}

static int64_t pg_column_int64(db_stmt *s, int i)
{
	const char *v = pg_column_text(s, i);
	if (!v)
		return 0;
	if (v[0] == 't' && v[1] == '\0')   /* boolean true */
		return 1;
	return strtoll(v, NULL, 10);
}

static double pg_column_double(db_stmt *s, int i)
{
	const char *v = pg_column_text(s, i);
	return v ? strtod(v, NULL) : 0.0;
}

static int64_t pg_changes(db_conn *c) { return PC(c)->changes; }

const db_backend db_pg_backend = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_text = pg_bind_text,
	.bind_text_static = pg_bind_text,   /* libpq takes its own copy anyway */
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_is_null = pg_column_is_null,
	.column_text = pg_column_text,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.changes = pg_changes,
};
