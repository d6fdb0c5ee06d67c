/* value: saving, submitting, approving and returning indicator values. */
#include "domain/programme/value.h"
#include "domain/programme/attachment.h"
#include "domain/people/audit.h"
#include "domain/programme/validation.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_MAX 4000

/* ------------------------------------------------------------------ keys */

static int indicator_of(value_key *k, db_conn *db, const json_t *in)
{
	const char *code;
	long long id = 0;
	int present, rc;
	if ((rc = json_get_string(&code, in, "indicator_code", 0)) < 0 ||
	    (rc = json_get_int(&id, &present, in, "indicator_id", 0)) < 0)
		return rc;
	db_stmt *s;
	if ((rc = db_prepare(&s, db, code ? "SELECT id, formula, registry FROM indicator WHERE code = ?"
					  : "SELECT id, formula, registry FROM indicator WHERE id = ?")) < 0)
		return rc;
	if (code)
		db_bind_text(s, 1, code);
	else
		db_bind_int64(s, 1, id);
	bool derived = false, registry = false;
	k->indicator_id = 0;
	if ((rc = db_step(s)) == DB_ROW) {
		k->indicator_id = db_column_int64(s, 0);
		derived = !db_column_is_null(s, 1);
		registry = !db_column_is_null(s, 2);
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!k->indicator_id)
		return err_set(ERR_INVALID, code || id ? "'indicator': no such indicator" : "'indicator_code' or 'indicator_id' is needed");
	if (derived)
		return err_set(ERR_INVALID, "'indicator': a derived indicator is computed from its formula, not reported");
	if (registry)
		return err_set(ERR_INVALID, "'indicator': this indicator is computed from the ecosystem registry, not reported");
	return 0;
}

static int unit_of(value_key *k, const char **path, db_conn *db, arena *a, const json_t *in)
{
	const char *code;
	long long id = 0;
	int present, rc;
	if ((rc = json_get_string(&code, in, "unit_code", 0)) < 0 || (rc = json_get_int(&id, &present, in, "unit_id", 0)) < 0)
		return rc;
	db_stmt *s;
	if ((rc = db_prepare(&s, db, code ? "SELECT id, path FROM unit WHERE code = ?" : "SELECT id, path FROM unit WHERE id = ?")) < 0)
		return rc;
	if (code)
		db_bind_text(s, 1, code);
	else
		db_bind_int64(s, 1, id);
	k->unit_id = 0;
	if ((rc = db_step(s)) == DB_ROW) {
		k->unit_id = db_column_int64(s, 0);
		*path = arena_strdup(a, db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return k->unit_id ? 0 : err_set(ERR_INVALID, code || id ? "'unit': no such unit" : "'unit_code' or 'unit_id' is needed");
}

int value_key_read(value_key *out, const char **unit_path, db_conn *db, arena *a, const json_t *in)
{
	const char *code;
	period p;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = json_get_string(&code, in, "period", 1)) < 0)
		return rc;
	if (period_parse(&p, code, strlen(code)) < 0)
		return err_set(ERR_INVALID, "'period': %s", err_msg());
	period_format(&p, out->period);
	if ((rc = indicator_of(out, db, in)) < 0 || (rc = unit_of(out, unit_path, db, a, in)) < 0)
		return rc;
	return 0;
}

/* ----------------------------------------------------------------- writes */

static int deadline_of(char out[11], db_conn *db, const char *code)
{
	period p;
	int64_t days = VALUE_DEFAULT_DEADLINE_DAYS;
	int64_t set = 0;
	int rc = db_run(db, &set, "SELECT COUNT(*) FROM setting WHERE key = 'report_deadline_days'", "");
	if (rc < 0)
		return rc;
	if (set && (rc = db_run(db, &days, "SELECT value FROM setting WHERE key = 'report_deadline_days'", "")) < 0)
		return rc;
	period_parse(&p, code, strlen(code));
	date_format_iso(period_deadline(&p, (int)days), out);
	return 0;
}

static int history(db_conn *db, const principal *who, int64_t id, const char *action, const char *now)
{
	return db_run(db, NULL,
		"INSERT INTO indicator_value_history (value_id, at, person_id, action, status, value, note, reason) "
		"SELECT id, ?, ?, ?, status, value, note, reason FROM indicator_value WHERE id = ?",
		"titi", now, who->person_id, action, id);
}

static int audit_value(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before)
{
	json_t *after;
	char id_text[24];
	int rc = value_get(&after, db, id);
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	if (rc == 0) {
		json_object_del(after, "history");
		json_object_del(after, "evidence");
		if (before) {
			json_object_del(before, "history");
			json_object_del(before, "evidence");
		}
		rc = audit_append_json(db, who, action, "indicator_value", id_text, before, after);
	}
	json_decref(after);
	return rc;
}

typedef struct current {
	int64_t id;
	char status[16];
} current;

static int current_of(current *c, db_conn *db, const value_key *k)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT id, status FROM indicator_value WHERE indicator_id = ? AND unit_id = ? AND period = ?");
	memset(c, 0, sizeof(*c));
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, k->indicator_id);
	db_bind_int64(s, 2, k->unit_id);
	db_bind_text(s, 3, k->period);
	if ((rc = db_step(s)) == DB_ROW) {
		c->id = db_column_int64(s, 0);
		snprintf(c->status, sizeof(c->status), "%s", db_column_text(s, 1));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int save_in_tx(int64_t *out_id, json_t **before, db_conn *db, const principal *who, const value_key *k,
	double value, const char *note, const char *now)
{
	current c;
	char deadline[11];
	int rc;
	if ((rc = current_of(&c, db, k)) < 0)
		return rc;
	if (c.id && (strcmp(c.status, "submitted") == 0 || strcmp(c.status, "approved") == 0))
		return strcmp(c.status, "approved") == 0
			? err_set(ERR_CONFLICT, "the value is approved and cannot change; the steering office can return it")
			: err_set(ERR_CONFLICT, "the value is submitted and cannot change; the steering office can return it");
	/* the rules: a hard one refuses, a soft one needs a note and flags */
	char *flags = NULL;
	if ((rc = validation_enforce(&flags, db, k, value, note)) < 0)
		return rc;
	if (c.id) {
		*out_id = c.id;
		if ((rc = value_get(before, db, c.id)) == 0)
			rc = db_run(db, NULL, "UPDATE indicator_value SET value = ?, note = ?, status = 'draft', flags = ?, "
					      "updated_by = ?, updated_at = ?, history_pending = 0 WHERE id = ?", "dttiti", value, note,
				flags, who->person_id, now, c.id);
	} else if ((rc = deadline_of(deadline, db, k->period)) == 0) {
		rc = db_run(db, out_id,
			"INSERT INTO indicator_value (indicator_id, unit_id, period, value, note, status, deadline, flags, "
			"updated_by, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id",
			"iitdtttit", k->indicator_id, k->unit_id, k->period, value, note, deadline, flags, who->person_id, now);
	}
	free(flags);
	return rc;
}

int value_save_in_tx(int64_t *out_id, bool *created, db_conn *db, const principal *who, const value_key *k, double value,
	const char *note)
{
	char now[TIME_ISO_SIZE];
	json_t *before = NULL;
	int rc;
	if (!isfinite(value))
		return err_set(ERR_INVALID, "'value' must be a number");
	if (note && strlen(note) > NOTE_MAX)
		return err_set(ERR_INVALID, "'note' is longer than %d bytes", NOTE_MAX);
	time_now_iso(now);
	if ((rc = save_in_tx(out_id, &before, db, who, k, value, note, now)) == 0 &&
	    (rc = history(db, who, *out_id, "save", now)) == 0)
		rc = audit_value(db, who, "save", *out_id, before);
	if (created)
		*created = before == NULL;
	json_decref(before);
	return rc;
}

int value_save(int64_t *out_id, db_conn *db, const principal *who, const value_key *k, double value, const char *note)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = value_save_in_tx(out_id, NULL, db, who, k, value, note)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

static const struct {
	const char *action, *from, *to;
} steps[] = {
	[VALUE_SUBMIT] = { "submit", "draft", "submitted" },
	[VALUE_APPROVE] = { "approve", "submitted", "approved" },
	[VALUE_RETURN] = { "return", "submitted", "returned" },
};

/* The rules again at submission (the previous period or a compared
 * figure may have changed since the value was saved). */
static int submit_check(char **flags, db_conn *db, const json_t *v)
{
	const json_t *x = json_object_get(v, "value");
	value_key k = { .indicator_id = json_integer_value(json_object_get(v, "indicator_id")),
		.unit_id = json_integer_value(json_object_get(v, "unit_id")) };
	*flags = NULL;
	if (!json_is_number(x))
		return 0;
	snprintf(k.period, sizeof(k.period), "%s", json_string_value(json_object_get(v, "period")));
	return validation_enforce(flags, db, &k, json_number_value(x), json_string_value(json_object_get(v, "note")));
}

int value_step_in_tx(db_conn *db, const principal *who, int64_t id, value_step step, const char *reason)
{
	char now[TIME_ISO_SIZE];
	json_t *before = NULL;
	int rc;
	if (step == VALUE_RETURN && (!reason || !*reason))
		return err_set(ERR_INVALID, "'reason': say why the value is returned");
	time_now_iso(now);
	if ((rc = value_get(&before, db, id)) < 0)
		return rc;
	const char *status = json_string_value(json_object_get(before, "status"));
	bool resubmit = step == VALUE_SUBMIT && strcmp(status, "returned") == 0;
	if (strcmp(status, steps[step].from) != 0 && !resubmit) {
		rc = step == VALUE_SUBMIT ? err_set(ERR_CONFLICT, "the value is %s; only a draft or a returned value is submitted", status)
			: step == VALUE_APPROVE ? err_set(ERR_CONFLICT, "the value is %s; only a submitted value is approved", status)
			: err_set(ERR_CONFLICT, "the value is %s; only a submitted value is returned", status);
		goto done;
	}
	if (step == VALUE_SUBMIT) {
		const char *deadline = json_string_value(json_object_get(before, "deadline"));
		int late = strncmp(now, deadline, 10) > 0;
		char *flags = NULL;
		if ((rc = submit_check(&flags, db, before)) < 0)
			goto done;
		rc = db_run(db, NULL, "UPDATE indicator_value SET status = 'submitted', submitted_at = ?, late = ?, reason = NULL, "
					"flags = ?, updated_by = ?, updated_at = ?, history_pending = 0 WHERE id = ?", "tititi", now,
			(int64_t)late, flags, who->person_id, now, id);
		free(flags);
	} else {
		rc = db_run(db, NULL, "UPDATE indicator_value SET status = ?, reason = ?, updated_by = ?, updated_at = ?, "
					"history_pending = 0 WHERE id = ?", "ttiti", steps[step].to, step == VALUE_RETURN ? reason : NULL,
			who->person_id, now, id);
	}
	if (rc == 0 && (rc = history(db, who, id, steps[step].action, now)) == 0)
		rc = audit_value(db, who, steps[step].action, id, before);
done:
	json_decref(before);
	return rc;
}

int value_step_apply(db_conn *db, const principal *who, int64_t id, value_step step, const char *reason)
{
	int rc;
	if (step == VALUE_RETURN && (!reason || !*reason))
		return err_set(ERR_INVALID, "'reason': say why the value is returned");
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = value_step_in_tx(db, who, id, step, reason)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ------------------------------------------------------------------ reads */

int value_lookup(const char **unit_path, const char **status, db_conn *db, arena *a, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT u.path, v.status FROM indicator_value v JOIN unit u ON u.id = v.unit_id WHERE v.id = ?");
	*unit_path = *status = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		*unit_path = arena_strdup(a, db_column_text(s, 0));
		*status = arena_strdup(a, db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *unit_path ? 0 : err_set(ERR_NOTFOUND, "no value with id %lld", (long long)id);
}

#define VALUE_SELECT \
	"SELECT v.id, i.code, i.name_vi, u.code, u.name, v.period, v.value, v.note, v.status, v.reason, v.deadline, " \
	"v.submitted_at, v.late, v.updated_at, v.indicator_id, v.unit_id, i.measure, v.flags FROM indicator_value v " \
	"JOIN indicator i ON i.id = v.indicator_id JOIN unit u ON u.id = v.unit_id"

static json_t *value_row(db_stmt *s)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s?, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0),
		"indicator_id", (json_int_t)db_column_int64(s, 14), "indicator_code", db_column_text(s, 1), "indicator_name",
		db_column_text(s, 2), "unit_id", (json_int_t)db_column_int64(s, 15), "unit_code", db_column_text(s, 3),
		"unit_name", db_column_text(s, 4), "period", db_column_text(s, 5));
	json_object_set_new(o, "value", db_column_is_null(s, 6) ? json_null() : json_real(db_column_double(s, 6)));
	json_object_set_new(o, "note", db_column_text(s, 7) ? json_string(db_column_text(s, 7)) : json_null());
	json_object_set_new(o, "status", json_string(db_column_text(s, 8)));
	json_object_set_new(o, "reason", db_column_text(s, 9) ? json_string(db_column_text(s, 9)) : json_null());
	json_object_set_new(o, "deadline", json_string(db_column_text(s, 10)));
	json_object_set_new(o, "submitted_at", db_column_text(s, 11) ? json_string(db_column_text(s, 11)) : json_null());
	json_object_set_new(o, "late", json_boolean(db_column_int64(s, 12) != 0));
	json_object_set_new(o, "updated_at", json_string(db_column_text(s, 13)));
	json_object_set_new(o, "measure", db_column_text(s, 16) ? json_string(db_column_text(s, 16)) : json_null());
	/* the soft rules it broke when last saved or submitted (validation.h) */
	json_t *flags = db_column_text(s, 17) ? json_loads(db_column_text(s, 17), 0, NULL) : NULL;
	json_object_set_new(o, "flags", json_is_array(flags) ? flags : json_array());
	if (flags && !json_is_array(flags))
		json_decref(flags);
	return o;
}

/* The value's history, oldest first. A state an import gave the value and
 * nothing changed since has no history row yet (history_pending, migration
 * 0012): it is read from the value itself and comes last. */
static int add_history(json_t *v, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db,
		"SELECT h.at, p.login, h.action, h.status, h.value, h.reason, h.id, p.name, h.note FROM indicator_value_history h "
		"LEFT JOIN person p ON p.id = h.person_id WHERE h.value_id = ? "
		"UNION ALL SELECT v.updated_at, p.login, 'import', v.status, v.value, v.reason, NULL, p.name, v.note "
		"FROM indicator_value v "
		"LEFT JOIN person p ON p.id = v.updated_by WHERE v.id = ? AND v.history_pending = 1 "
		"ORDER BY 7 NULLS LAST");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		db_bind_int64(s, 2, id);
		while ((rc = db_step(s)) == DB_ROW) {
			json_t *h = json_pack("{s:s, s:s?, s:s, s:s}", "at", db_column_text(s, 0), "by", db_column_text(s, 1),
				"action", db_column_text(s, 2), "status", db_column_text(s, 3));
			json_object_set_new(h, "value", db_column_is_null(s, 4) ? json_null() : json_real(db_column_double(s, 4)));
			json_object_set_new(h, "reason", db_column_text(s, 5) ? json_string(db_column_text(s, 5)) : json_null());
			json_object_set_new(h, "by_name", db_column_text(s, 7) ? json_string(db_column_text(s, 7)) : json_null());
			json_object_set_new(h, "note", db_column_text(s, 8) ? json_string(db_column_text(s, 8)) : json_null());
			json_array_append_new(list, h);
		}
		db_finalize(s);
	}
	json_object_set_new(v, "history", list);
	return rc < 0 ? rc : 0;
}

int value_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, VALUE_SELECT " WHERE v.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = value_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!*out)
		return err_set(ERR_NOTFOUND, "no value with id %lld", (long long)id);
	json_t *evidence = NULL;
	if ((rc = add_history(*out, db, id)) < 0 || (rc = attachment_list(&evidence, db, "indicator_value", id)) < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "evidence", evidence);
	return 0;
}

/* What who may see: everything (steering, command line); else approved
 * values of public indicators, and any value of a unit within a grant. */
static void visibility(str *q, const principal *who)
{
	if (authz_sees_all(who))
		return;
	str_append(q, " AND ((v.status = 'approved' AND i.public = 1)");
	for (int i = 0; i < who->n_grants; i++)
		str_append(q, " OR (u.path >= ? AND u.path < ?)");
	str_append(q, ")");
}

/* A grant that keeps the units of its subtree in a list restricted to
 * the units who reports for (mine) or approves in (to_approve). */
static bool in_scope(const grant *g, const value_filter *f)
{
	return f->mine ? g->role == ROLE_OFFICER || g->role == ROLE_ADMIN : g->role == ROLE_STEERING || g->role == ROLE_ADMIN;
}

int value_list(json_t **out, db_conn *db, const value_filter *f)
{
	str q = STR_INIT;
	str_append(&q, VALUE_SELECT " WHERE 1=1");
	if (f->indicator_id)
		str_append(&q, " AND v.indicator_id = ?");
	/* one search of (indicator_id, unit_id, period) per indicator: no
	 * index starts with the unit (migration 0012) */
	if (f->unit_id)
		str_append(&q, " AND v.indicator_id IN (SELECT id FROM indicator) AND v.unit_id = ?");
	if (f->period)
		str_append(&q, " AND v.period = ?");
	if (f->status)
		str_append(&q, " AND v.status = ?");
	visibility(&q, f->who);
	if ((f->mine || f->to_approve) && !f->who->cli) {
		str_append(&q, " AND (1=0");
		for (int i = 0; i < f->who->n_grants; i++)
			if (in_scope(&f->who->grants[i], f))
				str_append(&q, " OR (u.path >= ? AND u.path < ?)");
		str_append(&q, ")");
	}
	str_append(&q, " ORDER BY i.code, u.path, v.period LIMIT ? OFFSET ?");
	db_stmt *s;
	int rc = str_oom(&q) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, q.ptr);
	str_free(&q);
	*out = NULL;
	if (rc < 0)
		return rc;
	int k = 1;
	if (f->indicator_id)
		db_bind_int64(s, k++, f->indicator_id);
	if (f->unit_id)
		db_bind_int64(s, k++, f->unit_id);
	if (f->period)
		db_bind_text(s, k++, f->period);
	if (f->status)
		db_bind_text(s, k++, f->status);
	if (!authz_sees_all(f->who)) {
		for (int i = 0; i < f->who->n_grants; i++) {
			char end[320];
			snprintf(end, sizeof(end), "%s", f->who->grants[i].unit_path);
			end[strlen(end) - 1] = '0';
			db_bind_text(s, k++, f->who->grants[i].unit_path);
			db_bind_text(s, k++, end);
		}
	}
	for (int i = 0; (f->mine || f->to_approve) && !f->who->cli && i < f->who->n_grants; i++) {
		if (!in_scope(&f->who->grants[i], f))
			continue;
		char end[320];
		snprintf(end, sizeof(end), "%s", f->who->grants[i].unit_path);
		end[strlen(end) - 1] = '0';
		db_bind_text(s, k++, f->who->grants[i].unit_path);
		db_bind_text(s, k++, end);
	}
	db_bind_int64(s, k++, f->limit);
	db_bind_int64(s, k, f->offset);
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, value_row(s));
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "values", list);
	return 0;
}

int value_delete_in_tx(db_conn *db, const principal *who, int64_t id, const char *ind, const char *unit, const char *period)
{
	int rc;
	if ((rc = db_run(db, NULL, "DELETE FROM attachment WHERE entity = 'indicator_value' AND entity_id = ?", "i", id)) < 0 ||
	    (rc = db_run(db, NULL, "DELETE FROM indicator_value_history WHERE value_id = ?", "i", id)) < 0 ||
	    (rc = db_run(db, NULL, "DELETE FROM indicator_value WHERE id = ?", "i", id)) < 0)
		return rc;
	return audit_append_id(db, who, "delete", "indicator_value", id,
		json_pack("{s:s, s:s, s:s}", "indicator", ind, "unit", unit, "period", period), NULL);
}
