/* index_store: definitions in versions, runs with their input
 * (index_store.h). */
#include "domain/indices/index_store.h"
#include "domain/people/audit.h"
#include "domain/indices/index_spec.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- definitions */

int index_store_save(json_t **out, db_conn *db, const principal *who, const json_t *definition)
{
	index_spec spec;
	int64_t version = 0, id = 0;
	char now[TIME_ISO_SIZE];
	int rc;
	if ((rc = index_spec_parse(&spec, definition)) < 0)
		return rc;
	char *text = json_dumps(definition, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text) {
		index_spec_free(&spec);
		return err_set(ERR_NOMEM, "out of memory");
	}
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if ((rc = db_run(db, &version, "SELECT COALESCE(MAX(version), 0) + 1 FROM index_definition WHERE code = ?", "t", spec.code)) < 0)
		goto fail;
	rc = who->person_id
		? db_run(db, &id, "INSERT INTO index_definition (code, version, name, definition, created_by, created_at) "
				  "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", "tittit", spec.code, version, spec.name, text, who->person_id, now)
		: db_run(db, &id, "INSERT INTO index_definition (code, version, name, definition, created_by, created_at) "
				  "VALUES (?, ?, ?, ?, NULL, ?) RETURNING id", "titt" "t", spec.code, version, spec.name, text, now);
	if (rc < 0)
		goto fail;
	json_t *after = json_pack("{s:s, s:I, s:s}", "code", spec.code, "version", (json_int_t)version, "name", spec.name);
	char id_text[24];
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	rc = audit_append_json(db, who, "create", "index_definition", id_text, NULL, after);
	json_decref(after);
	if (rc < 0 || (rc = db_commit(db)) < 0)
		goto fail;
	*out = json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)id, "code", spec.code, "version", (json_int_t)version, "name",
		spec.name);
	goto done;
fail:
	db_rollback(db);
done:
	free(text);
	index_spec_free(&spec);
	return rc;
}

int index_store_list(json_t **out, db_conn *db)
{
	db_stmt *s;
	int rc;
	if ((rc = db_prepare(&s, db, "SELECT d.code, d.version, d.name, d.created_at FROM index_definition d "
				     "WHERE d.version = (SELECT MAX(version) FROM index_definition x WHERE x.code = d.code) ORDER BY d.code")) < 0)
		return rc;
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:s, s:I, s:s, s:s}", "code", db_column_text(s, 0), "version",
			(json_int_t)db_column_int64(s, 1), "name", db_column_text(s, 2), "created_at", db_column_text(s, 3)));
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "indices", list);
	return 0;
}

int index_store_get(json_t **out, db_conn *db, const char *code, int version)
{
	db_stmt *s;
	int rc;
	json_t *def = NULL;
	if ((rc = db_prepare(&s, db, version > 0
					     ? "SELECT id, code, version, name, created_at, definition FROM index_definition WHERE code = ? AND version = ?"
					     : "SELECT id, code, version, name, created_at, definition FROM index_definition WHERE code = ? "
					       "ORDER BY version DESC LIMIT 1")) < 0)
		return rc;
	db_bind_text(s, 1, code);
	if (version > 0)
		db_bind_int64(s, 2, version);
	if ((rc = db_step(s)) == DB_ROW) {
		json_error_t e;
		def = json_pack("{s:I, s:s, s:I, s:s, s:s, s:o}", "id", (json_int_t)db_column_int64(s, 0), "code", db_column_text(s, 1),
			"version", (json_int_t)db_column_int64(s, 2), "name", db_column_text(s, 3), "created_at", db_column_text(s, 4),
			"definition", json_loads(db_column_text(s, 5), 0, &e));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!def)
		return version > 0 ? err_set(ERR_NOTFOUND, "no index '%s' in version %d", code, (int)version)
				   : err_set(ERR_NOTFOUND, "no index '%s'", code);
	json_t *versions = json_array();
	if ((rc = db_prepare(&s, db, "SELECT version FROM index_definition WHERE code = ? ORDER BY version")) == 0) {
		db_bind_text(s, 1, code);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(versions, json_integer(db_column_int64(s, 0)));
		db_finalize(s);
	}
	json_object_set_new(def, "versions", versions);
	if (rc < 0) {
		json_decref(def);
		return rc;
	}
	*out = def;
	return 0;
}

/* ------------------------------------------------------------------ runs */

/* The newest definition of code, parsed; *definition_id its row. */
static int load_spec(index_spec *spec, int64_t *definition_id, db_conn *db, const char *code)
{
	json_t *stored;
	int rc;
	if ((rc = index_store_get(&stored, db, code, 0)) < 0)
		return rc;
	*definition_id = json_integer_value(json_object_get(stored, "id"));
	rc = index_spec_parse(spec, json_object_get(stored, "definition"));
	json_decref(stored);
	return rc;
}

typedef struct run_row {
	int64_t definition_id, unit_id, data_seq;
	const char *source, *period, *kind, *input, *previous_input;
} run_row;

/* Queues a run for the worker, within who's quota of unfinished runs. */
static int queue_run(int64_t *id, db_conn *db, const principal *who, const run_row *r)
{
	char now[TIME_ISO_SIZE];
	int64_t active = 0;
	db_stmt *s;
	int rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if (who->person_id &&
	    (rc = db_run(db, &active, "SELECT COUNT(*) FROM index_run WHERE created_by = ? AND status IN ('queued', 'running')", "i",
		     who->person_id)) < 0)
		goto fail;
	if (active >= INDEX_RUN_MAX_ACTIVE) {
		rc = err_set(ERR_TOOMANY, "you already have %d index runs queued or running; wait for one to finish or cancel one",
			(int)active);
		goto fail;
	}
	if ((rc = db_prepare(&s, db, "INSERT INTO index_run (definition_id, source, period, unit_id, unit_kind, input, previous_input, "
				     "data_seq, status, progress, created_by, created_at) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?) RETURNING id")) < 0)
		goto fail;
	db_bind_int64(s, 1, r->definition_id);
	db_bind_text(s, 2, r->source);
	db_bind_text(s, 3, r->period);
	if (r->unit_id)
		db_bind_int64(s, 4, r->unit_id);
	else
		db_bind_null(s, 4);
	db_bind_text(s, 5, r->kind);
	db_bind_text(s, 6, r->input);
	db_bind_text(s, 7, r->previous_input);
	if (r->data_seq)
		db_bind_int64(s, 8, r->data_seq);
	else
		db_bind_null(s, 8);
	if (who->person_id)
		db_bind_int64(s, 9, who->person_id);
	else
		db_bind_null(s, 9);
	db_bind_text(s, 10, now);
	if ((rc = db_step(s)) == DB_ROW)
		*id = db_column_int64(s, 0);
	db_finalize(s);
	if (rc < 0 || (rc = db_commit(db)) < 0)
		goto fail;
	return 0;
fail:
	err_keep();
	db_rollback(db);
	err_restore();
	return rc;
}

int index_run_table(int64_t *out_id, db_conn *db, const principal *who, const char *code, const char *csv, size_t len)
{
	index_spec spec;
	index_table t;
	int64_t def_id;
	int rc;
	if (len > INDEX_RUN_MAX_BYTES)
		return err_set(ERR_TOOLARGE, "the table has %zu bytes; an index run takes at most %d MB", len,
			INDEX_RUN_MAX_BYTES / (1024 * 1024));
	if ((rc = load_spec(&spec, &def_id, db, code)) < 0)
		return rc;
	/* Reading checks every cell, the columns and the size in one pass
	 * over the text; the computing is left to the worker. A bad table is
	 * the caller's to fix: nothing is kept. */
	rc = index_table_read(&t, &spec, csv, len, NULL, 0);
	index_spec_free(&spec);
	if (rc < 0)
		return rc;
	index_table_free(&t);
	char *input = strndup(csv, len);
	if (!input)
		return err_set(ERR_NOMEM, "out of memory");
	run_row row = { .definition_id = def_id, .source = "table", .input = input };
	rc = queue_run(out_id, db, who, &row);
	free(input);
	return rc;
}

/* The units of the run: of kind under the unit in slot, or its children. */
static int pick_units(int *slots, const rollup_view *v, int slot, const char *kind)
{
	int n = 0, a = slot < 0 ? 0 : slot + 1, b = slot < 0 ? v->n_units : v->units[slot].end;
	for (int pos = a; pos < b;) {
		const rollup_unit *u = &v->units[pos];
		if (kind ? strcmp(u->kind, kind) == 0 && u->active : u->active && (slot < 0 ? u->parent < 0 : u->parent == slot))
			slots[n++] = pos;
		pos = kind ? pos + 1 : u->end;
	}
	return n;
}

/* The table for spec from the roll-ups of period pi over the units. */
static int programme_table(str *csv, const rollup_view *v, const index_spec *spec, const int *slots, int n, int pi)
{
	int cols[512], ncols = 0;
	const char *names[512];
	str_append(csv, "unit_code,unit_name");
	if (spec->group_column) {
		str_appendc(csv, ',');
		csv_append_field(csv, spec->group_column);
	}
	for (int i = 0; i < spec->def.n_nodes && ncols < 512; i++)
		if (spec->def.nodes[i].indicator)
			names[ncols++] = spec->def.nodes[i].code;
	for (int k = 0; k < spec->n_denominators && ncols < 512; k++)
		names[ncols++] = spec->denominators[k];
	for (int c = 0; c < ncols; c++) {
		if ((cols[c] = rollup_indicator_by_code(v, names[c])) < 0)
			return err_set(ERR_INVALID, "'%s' is not an indicator of the programme", names[c]);
		str_appendc(csv, ',');
		csv_append_field(csv, names[c]);
	}
	str_appendc(csv, '\n');
	for (int k = 0; k < n; k++) {
		const rollup_unit *u = &v->units[slots[k]];
		csv_append_field(csv, u->code ? u->code : "");
		str_appendc(csv, ',');
		csv_append_field(csv, u->name);
		if (spec->group_column) {
			str_appendc(csv, ',');
			csv_append_field(csv, u->parent >= 0 && v->units[u->parent].code ? v->units[u->parent].code : "");
		}
		for (int c = 0; c < ncols; c++) {
			double x = rollup_value(v, cols[c], slots[k], pi, NULL);
			if (isfinite(x))
				str_appendf(csv, ",%.17g", x);
			else
				str_appendc(csv, ',');
		}
		str_appendc(csv, '\n');
	}
	return str_oom(csv) ? err_set(ERR_NOMEM, "out of memory") : 0;
}

int index_run_programme(int64_t *out_id, rollup_cache *cache, db_conn *db, const principal *who, const char *code,
	const char *period_code, int64_t unit_id, const char *kind)
{
	index_spec spec;
	rollup_view v;
	int64_t def_id;
	period p;
	int rc;
	if (!period_code || period_parse(&p, period_code, strlen(period_code)) < 0)
		return period_code ? err_set(ERR_INVALID, "'period': %s", err_msg())
				   : err_set(ERR_INVALID, "'period': give the period, e.g. 2025");
	char code_p[16], code_prev[16];
	period_format(&p, code_p);
	period prev = period_prev(&p);
	period_format(&prev, code_prev);
	if ((rc = load_spec(&spec, &def_id, db, code)) < 0)
		return rc;
	if ((rc = rollup_open(&v, cache, db)) < 0) {
		index_spec_free(&spec);
		return rc;
	}
	int slot = unit_id ? rollup_unit_slot(&v, unit_id) : (v.n_units > 0 && v.units[0].end == v.n_units ? 0 : -1);
	int *slots = malloc((size_t)(v.n_units ? v.n_units : 1) * sizeof(int)), n = 0;
	str now = { 0 }, before = { 0 };
	if (unit_id && slot < 0)
		rc = err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)unit_id);
	else if (!slots)
		rc = err_set(ERR_NOMEM, "out of memory");
	else if ((n = pick_units(slots, &v, slot, kind)) < 2)
		rc = kind ? err_set(ERR_INVALID, "a ranking needs at least two units; found %d of kind %s", n, kind)
			  : err_set(ERR_INVALID, "a ranking needs at least two units; found %d", n);
	else if (n > INDEX_TABLE_MAX_UNITS)
		rc = err_set(ERR_TOOLARGE, "a ranking takes at most %d units; found %d", INDEX_TABLE_MAX_UNITS, n);
	else if ((rc = programme_table(&now, &v, &spec, slots, n, rollup_period_index(&v, code_p))) == 0)
		rc = programme_table(&before, &v, &spec, slots, n, rollup_period_index(&v, code_prev));
	int64_t seq = v.seq;
	rollup_close(&v);
	free(slots);
	index_spec_free(&spec);
	if (rc == 0) {
		run_row row = { .definition_id = def_id, .source = "programme", .period = code_p, .unit_id = unit_id, .kind = kind,
			.input = now.ptr, .previous_input = before.ptr, .data_seq = seq };
		rc = queue_run(out_id, db, who, &row);
	}
	str_free(&now);
	str_free(&before);
	return rc;
}

int index_run_cancel(db_conn *db, const principal *who, int64_t id)
{
	int64_t owner = 0, found = 0;
	char now[TIME_ISO_SIZE];
	int rc;
	if ((rc = db_run(db, &found, "SELECT COUNT(*) FROM index_run WHERE id = ?", "i", id)) < 0)
		return rc;
	if (!found)
		return err_set(ERR_NOTFOUND, "no index run with id %lld", (long long)id);
	if ((rc = db_run(db, &owner, "SELECT created_by FROM index_run WHERE id = ?", "i", id)) < 0)
		return rc;
	if (!who->cli && owner != who->person_id)
		return err_set(ERR_FORBIDDEN, "index run %lld was started by someone else; only they may cancel it", (long long)id);
	time_now_iso(now);
	if ((rc = db_run(db, NULL, "UPDATE index_run SET status = 'cancelled', finished_at = ? "
				   "WHERE id = ? AND status IN ('queued', 'running')", "ti", now, id)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return err_set(ERR_CONFLICT, "index run %lld has already finished", (long long)id);
	return 0;
}

#define RUN_SELECT \
	"SELECT r.id, d.code, d.version, r.source, r.period, r.unit_id, r.unit_kind, r.status, r.error, r.created_at, r.data_seq, " \
	"r.results, r.progress, r.finished_at, r.created_by, r.error_detail FROM index_run r " \
	"JOIN index_definition d ON d.id = r.definition_id"

static json_t *run_json(db_stmt *s, bool with_results)
{
	json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s?, s:s?, s:s, s:s?, s:s}", "id", (json_int_t)db_column_int64(s, 0), "code",
		db_column_text(s, 1), "version", (json_int_t)db_column_int64(s, 2), "source", db_column_text(s, 3), "period",
		db_column_text(s, 4), "unit_kind", db_column_text(s, 6), "status", db_column_text(s, 7), "error", db_column_text(s, 8),
		"created_at", db_column_text(s, 9));
	json_object_set_new(o, "unit_id", db_column_is_null(s, 5) ? json_null() : json_integer(db_column_int64(s, 5)));
	json_object_set_new(o, "data_seq", db_column_is_null(s, 10) ? json_null() : json_integer(db_column_int64(s, 10)));
	json_object_set_new(o, "progress", json_integer(db_column_int64(s, 12)));
	json_object_set_new(o, "finished_at", db_column_is_null(s, 13) ? json_null() : json_string(db_column_text(s, 13)));
	json_object_set_new(o, "created_by", db_column_is_null(s, 14) ? json_null() : json_integer(db_column_int64(s, 14)));
	json_error_t e;
	const char *detail = db_column_text(s, 15);
	json_t *said = detail ? json_loads(detail, 0, &e) : NULL;
	json_object_set_new(o, "error_detail", said ? said : json_null());
	if (with_results) {
		json_error_t e;
		const char *text = db_column_text(s, 11);
		json_object_set_new(o, "results", text ? json_loads(text, 0, &e) : json_null());
	}
	return o;
}

int index_run_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc;
	if ((rc = db_prepare(&s, db, RUN_SELECT " WHERE r.id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	json_t *run = (rc = db_step(s)) == DB_ROW ? run_json(s, true) : NULL;
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!run)
		return err_set(ERR_NOTFOUND, "no index run with id %lld", (long long)id);
	*out = run;
	return 0;
}

int index_run_list(json_t **out, db_conn *db, const char *code)
{
	db_stmt *s;
	int rc;
	if ((rc = db_prepare(&s, db, RUN_SELECT " WHERE d.code = ? ORDER BY r.id DESC LIMIT 200")) < 0)
		return rc;
	db_bind_text(s, 1, code);
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, run_json(s, false));
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "runs", list);
	return 0;
}

int index_run_input(char **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc;
	*out = NULL;
	if ((rc = db_prepare(&s, db, "SELECT input FROM index_run WHERE id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW && !(*out = strdup(db_column_text(s, 0))))
		rc = err_set(ERR_NOMEM, "out of memory");
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "no index run with id %lld", (long long)id);
}
