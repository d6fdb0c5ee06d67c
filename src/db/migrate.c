/* migrate: apply sql/<dialect>/NNNN_*.sql in order, record them in
 * schema_version, and describe the schema for cross-dialect checks. */
#include "db/migrate.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

#include <string.h>

static const char *dialect_dir(db_kind kind) { return kind == DB_SQLITE ? "sqlite" : "postgres"; }

int migrate_latest(db_kind kind)
{
	int latest = 0;
	for (const struct migration *m = migrations; m->dialect; m++)
		if (strcmp(m->dialect, dialect_dir(kind)) == 0 && m->version > latest)
			latest = m->version;
	return latest;
}

static int query_int(int *out, db_conn *c, const char *sql)
{
	db_stmt *s;
	int rc = db_prepare(&s, c, sql);
	if (rc < 0)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		*out = db_column_is_null(s, 0) ? 0 : (int)db_column_int64(s, 0);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int migrate_current(int *out, db_conn *c)
{
	int exists = 0, rc;
	const char *probe = db_conn_kind(c) == DB_SQLITE
		? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
		: "SELECT COUNT(*) FROM information_schema.tables "
		  "WHERE table_schema = current_schema() AND table_name = 'schema_version'";
	*out = 0;
	if ((rc = query_int(&exists, c, probe)) < 0 || !exists)
		return rc;
	return query_int(out, c, "SELECT MAX(version) FROM schema_version");
}

static int record_version(db_conn *c, const struct migration *m)
{
	db_stmt *s;
	char at[TIME_ISO_SIZE];
	int rc = db_prepare(&s, c, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)");
	if (rc < 0)
		return rc;
	time_now_iso(at);
	if ((rc = db_bind_int64(s, 1, m->version)) == 0 && (rc = db_bind_text(s, 2, m->name)) == 0 &&
	    (rc = db_bind_text(s, 3, at)) == 0)
		rc = db_step(s);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int apply_pending(int *n_applied, db_conn *c)
{
	int current, rc;
	const char *dir = dialect_dir(db_conn_kind(c));
	if (db_conn_kind(c) == DB_POSTGRES &&
	    (rc = db_exec(c, "SELECT pg_advisory_xact_lock(570057)")) < 0)
		return rc;
	if ((rc = migrate_current(&current, c)) < 0)
		return rc;
	int latest = migrate_latest(db_conn_kind(c));
	if (current > latest)
		return err_set(ERR_CONFLICT, "database schema version %d is newer than this nq57 knows (%d); upgrade nq57",
			current, latest);
	for (int v = current + 1; v <= latest; v++) {
		const struct migration *m = migrations;
		while (m->dialect && !(m->version == v && strcmp(m->dialect, dir) == 0))
			m++;
		if (!m->dialect)
			return err_set(ERR_GENERIC, "migration %d for %s is missing from this build", v, dir);
		if ((rc = db_exec(c, m->sql)) < 0)
			return err_set(rc, "migration %s: %s", m->name, err_msg());
		if ((rc = record_version(c, m)) < 0)
			return rc;
		log_info("applied migration %s", m->name);
		(*n_applied)++;
	}
	return 0;
}

int migrate_apply(int *n_applied, db_conn *c)
{
	int rc;
	*n_applied = 0;
	/* The write lock is taken now, so two starting servers do not both
	 * decide to migrate. */
	rc = db_begin_write(c);
	if (rc < 0)
		return rc;
	if ((rc = apply_pending(n_applied, c)) < 0) {
		db_rollback(c);
		*n_applied = 0;
		return rc;
	}
	return db_commit(c);
}

static int add_column(json_t *tables, const char *table, const char *column)
{
	json_t *cols = json_object_get(tables, table);
	if (!cols) {
		cols = json_array();
		if (!cols || json_object_set_new(tables, table, cols) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	}
	if (json_array_append_new(cols, json_string(column)) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

int migrate_describe(json_t **out, db_conn *c)
{
	const char *sql = db_conn_kind(c) == DB_SQLITE
		? "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
		  "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.name"
		: "SELECT table_name, column_name FROM information_schema.columns "
		  "WHERE table_schema = current_schema() ORDER BY table_name, column_name";
	db_stmt *s;
	int rc = db_prepare(&s, c, sql);
	if (rc < 0)
		return rc;
	json_t *tables = json_object();
	while ((rc = db_step(s)) == DB_ROW)
		if ((rc = add_column(tables, db_column_text(s, 0), db_column_text(s, 1))) < 0)
			break;
	db_finalize(s);
	if (rc < 0) {
		json_decref(tables);
		return rc;
	}
	*out = tables;
	return 0;
}
