/* task_page: contributions, progress over time, comments and deadline
 * extension requests of one task. */
#include "domain/programme/task_page.h"
#include "domain/people/audit.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/time.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNITS_MAX 64

/* ------------------------------------------------------------------ units */

int task_units_load(task_units *out, db_conn *db, arena *a, int64_t task_id)
{
	db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc = db_prepare(&s, db, "SELECT u.id, u.path, u.code FROM task t JOIN unit u ON u.id = t.lead_unit_id WHERE t.id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, task_id);
	if ((rc = db_step(s)) == DB_ROW) {
		out->lead_id = db_column_int64(s, 0);
		out->lead_path = arena_strdup(a, db_column_text(s, 1));
		out->lead_code = arena_strdup(a, db_column_text(s, 2));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!out->lead_id)
		return err_set(ERR_NOTFOUND, "no task with id %lld", (long long)task_id);
	out->ids = arena_alloc(a, sizeof(int64_t) * UNITS_MAX);
	out->paths = arena_alloc(a, sizeof(char *) * UNITS_MAX);
	out->codes = arena_alloc(a, sizeof(char *) * UNITS_MAX);
	if (!out->ids || !out->paths || !out->codes)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = db_prepare(&s, db, "SELECT u.id, u.path, u.code FROM task_unit tu JOIN unit u ON u.id = tu.unit_id "
				     "WHERE tu.task_id = ? ORDER BY u.path")) < 0)
		return rc;
	db_bind_int64(s, 1, task_id);
	while ((rc = db_step(s)) == DB_ROW && out->n < UNITS_MAX) {
		out->ids[out->n] = db_column_int64(s, 0);
		out->paths[out->n] = arena_strdup(a, db_column_text(s, 1));
		out->codes[out->n++] = arena_strdup(a, db_column_text(s, 2));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static bool officer_reaches(const principal *who, const char *path)
{
	for (int i = 0; who && path && i < who->n_grants; i++)
		if (who->grants[i].role == ROLE_OFFICER && authz_path_within(who->grants[i].unit_path, path))
			return true;
	return false;
}

const char *task_role_of(int64_t *unit_id, const principal *who, const task_units *u)
{
	if (unit_id)
		*unit_id = 0;
	if (officer_reaches(who, u->lead_path)) {
		if (unit_id)
			*unit_id = u->lead_id;
		return "lead";
	}
	for (int i = 0; i < u->n; i++)
		if (officer_reaches(who, u->paths[i])) {
			if (unit_id)
				*unit_id = u->ids[i];
			return "support";
		}
	return NULL;
}

/* The same on paths only, for list items. */
static const char *role_on_paths(const principal *who, const char *lead, const json_t *supporting_paths)
{
	if (officer_reaches(who, lead))
		return "lead";
	size_t i;
	json_t *p;
	json_array_foreach(supporting_paths, i, p)
		if (officer_reaches(who, json_string_value(p)))
			return "support";
	return NULL;
}

int task__list_units(json_t *list, db_conn *db, const principal *who)
{
	if (!json_array_size(list))
		return 0;
	/* every task's supporting units at once, then handed to the page's tasks */
	json_t *units = json_object(), *paths = json_object();
	db_stmt *s = NULL;
	int rc = db_prepare(&s, db, "SELECT tu.task_id, u.id, u.code, u.name, u.path FROM task_unit tu "
				    "JOIN unit u ON u.id = tu.unit_id ORDER BY tu.task_id, u.path");
	while (s && (rc = db_step(s)) == DB_ROW) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)db_column_int64(s, 0));
		json_t *a = json_object_get(units, key), *pa = json_object_get(paths, key);
		if (!a) {
			json_object_set_new(units, key, a = json_array());
			json_object_set_new(paths, key, pa = json_array());
		}
		json_array_append_new(a, json_pack("{s:I, s:s?, s:s}", "id", (json_int_t)db_column_int64(s, 1), "code",
			db_column_text(s, 2), "name", db_column_text(s, 3)));
		json_array_append_new(pa, json_string(db_column_text(s, 4)));
	}
	if (s)
		db_finalize(s);
	if (rc >= 0) {
		size_t i;
		json_t *t;
		json_array_foreach(list, i, t) {
			char key[24];
			snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(t, "id")));
			json_t *a = json_object_get(units, key);
			json_object_set_new(t, "supporting_units", a ? json_incref(a) : json_array());
			if (who) {
				const char *role = role_on_paths(who, json_string_value(json_object_get(t, "_lead_path")),
					json_object_get(paths, key));
				json_object_set_new(t, "my_role", role ? json_string(role) : json_null());
			}
			json_object_del(t, "_lead_path");
		}
		rc = 0;
	}
	json_decref(units);
	json_decref(paths);
	return rc;
}

/* ------------------------------------------------------------------ reads */

static json_t *text_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_string(db_column_text(s, i));
}

static json_t *unit_or_null(db_stmt *s, int i)
{
	if (db_column_is_null(s, i))
		return json_null();
	return json_pack("{s:I, s:o, s:o}", "id", (json_int_t)db_column_int64(s, i), "code", text_or_null(s, i + 1), "name",
		text_or_null(s, i + 2));
}

static json_t *person_or_null(db_stmt *s, int i)
{
	if (db_column_is_null(s, i))
		return json_null();
	return json_pack("{s:I, s:o, s:o}", "id", (json_int_t)db_column_int64(s, i), "login", text_or_null(s, i + 1), "name",
		text_or_null(s, i + 2));
}

static int comments(json_t **out, db_conn *db, int64_t task_id)
{
	db_stmt *s;
	*out = json_array();
	int rc = db_prepare(&s, db, "SELECT c.id, c.at, c.text, p.id, p.login, p.name, u.id, u.code, u.name "
				    "FROM task_comment c JOIN person p ON p.id = c.person_id LEFT JOIN unit u ON u.id = c.unit_id "
				    "WHERE c.task_id = ? ORDER BY c.id");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, task_id);
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)db_column_int64(s, 0), "at",
			text_or_null(s, 1), "text", text_or_null(s, 2), "person", person_or_null(s, 3), "unit", unit_or_null(s, 6)));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int extensions(json_t **out, db_conn *db, int64_t task_id)
{
	db_stmt *s;
	*out = json_array();
	int rc = db_prepare(&s, db,
		"SELECT e.id, e.at, e.proposed_deadline, e.reason, e.previous_deadline, e.status, e.decided_at, "
		"e.decision_reason, u.id, u.code, u.name, p.id, p.login, p.name, dp.id, dp.login, dp.name "
		"FROM task_extension e JOIN unit u ON u.id = e.unit_id JOIN person p ON p.id = e.person_id "
		"LEFT JOIN person dp ON dp.id = e.decided_by WHERE e.task_id = ? ORDER BY e.id");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, task_id);
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
			(json_int_t)db_column_int64(s, 0), "at", text_or_null(s, 1), "proposed_deadline", text_or_null(s, 2),
			"reason", text_or_null(s, 3), "previous_deadline", text_or_null(s, 4), "status", text_or_null(s, 5),
			"decided_at", text_or_null(s, 6), "decision_reason", text_or_null(s, 7), "unit", unit_or_null(s, 8),
			"person", person_or_null(s, 11), "decided_by", person_or_null(s, 14)));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The lead unit's reports in order, and each supporting unit's latest. */
static void from_reports(json_t *t)
{
	json_t *history = json_array(), *contributions = json_array(), *reports = json_object_get(t, "reports");
	size_t i, j;
	json_t *r, *u;
	json_array_foreach(reports, i, r)
		if (strcmp(json_string_value(json_object_get(r, "role")), "lead") == 0)
			json_array_append_new(history, json_pack("{s:O, s:O, s:O, s:O}", "at", json_object_get(r, "at"), "progress",
				json_object_get(r, "progress"), "kind", json_object_get(r, "kind"), "status",
				json_object_get(r, "status")));
	json_array_foreach(json_object_get(t, "supporting_units"), i, u) {
		json_t *latest = NULL;
		json_int_t id = json_integer_value(json_object_get(u, "id"));
		json_array_foreach(reports, j, r)
			if (json_integer_value(json_object_get(r, "unit_id")) == id)
				latest = r;
		json_array_append_new(contributions, json_pack("{s:O, s:O}", "unit", u, "report", latest ? latest : json_null()));
	}
	json_object_set_new(t, "progress_history", history);
	json_object_set_new(t, "contributions", contributions);
}

int task_page_details(json_t *t, db_conn *db)
{
	int64_t id = json_integer_value(json_object_get(t, "id")), waiting = 0;
	json_t *c = NULL, *e = NULL;
	db_stmt *s;
	int rc;
	if ((rc = comments(&c, db, id)) < 0 || (rc = extensions(&e, db, id)) < 0 ||
	    (rc = db_prepare(&s, db, "SELECT previous_deadline FROM task_extension WHERE task_id = ? AND status = 'approved' "
				     "ORDER BY id LIMIT 1")) < 0) {
		json_decref(c);
		json_decref(e);
		return rc;
	}
	db_bind_int64(s, 1, id);
	json_t *original = json_incref(json_object_get(t, "deadline"));
	if ((rc = db_step(s)) == DB_ROW) {
		json_decref(original);
		original = json_string(db_column_text(s, 0));
	}
	db_finalize(s);
	size_t i;
	json_t *x;
	json_array_foreach(e, i, x)
		waiting += strcmp(json_string_value(json_object_get(x, "status")), "submitted") == 0;
	json_object_set_new(t, "original_deadline", original ? original : json_null());
	json_object_set_new(t, "comments", c);
	json_object_set_new(t, "extensions", e);
	json_object_set_new(t, "extension_waiting", json_boolean(waiting > 0));
	from_reports(t);
	return rc < 0 ? rc : 0;
}

/* ----------------------------------------------------------------- writes */

/* Text typed by a person, without the blanks around it, in NFC (*out is
 * the caller's): 0, TYPED_EMPTY or TYPED_LONG (over TASK_COMMENT_MAX
 * bytes; the caller says which field), or a negative error. */
enum { TYPED_EMPTY = 1, TYPED_LONG = 2 };
static int trimmed_nfc(char **out, const char *p)
{
	size_t len = p ? strlen(p) : 0;
	while (len && strchr(" \t\r\n", *p))
		p++, len--;
	while (len && strchr(" \t\r\n", p[len - 1]))
		len--;
	if (!len)
		return TYPED_EMPTY;
	if (len > TASK_COMMENT_MAX)
		return TYPED_LONG;
	return utf8_nfc(out, p, len);
}

int task_comment_add(int64_t *out_id, db_conn *db, const principal *who, int64_t task_id, int64_t unit_id,
	const char *text)
{
	char now[TIME_ISO_SIZE], *nfc = NULL;
	int64_t found = 0;
	int rc;
	if ((rc = trimmed_nfc(&nfc, text)) == TYPED_EMPTY)
		return err_set(ERR_INVALID, "'text': write the comment");
	if (rc == TYPED_LONG)
		return err_set(ERR_INVALID, "'text' is longer than %d bytes", TASK_COMMENT_MAX);
	if (rc < 0)
		return rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if ((rc = db_run(db, &found, "SELECT COUNT(*) FROM task WHERE id = ?", "i", task_id)) < 0)
		goto fail;
	if (!found) {
		rc = err_set(ERR_NOTFOUND, "no task with id %lld", (long long)task_id);
		goto fail;
	}
	rc = unit_id ? db_run(db, out_id, "INSERT INTO task_comment (task_id, person_id, unit_id, at, text) "
				   "VALUES (?, ?, ?, ?, ?) RETURNING id", "iiitt", task_id, who->person_id, unit_id, now, nfc)
		     : db_run(db, out_id, "INSERT INTO task_comment (task_id, person_id, at, text) VALUES (?, ?, ?, ?) RETURNING id",
			     "iitt", task_id, who->person_id, now, nfc);
	if (rc < 0)
		goto fail;
	json_t *after = json_pack("{s:I, s:I, s:s}", "task_id", (json_int_t)task_id, "person_id", (json_int_t)who->person_id,
		"text", nfc);
	json_object_set_new(after, "unit_id", unit_id ? json_integer(unit_id) : json_null());
	if ((rc = audit_append_id(db, who, "comment", "task_comment", *out_id, NULL, after)) < 0)
		goto fail;
	rc = db_commit(db);
	goto done;
fail:
	db_rollback(db);
done:
	free(nfc);
	return rc;
}

/* The task's deadline, whether it recurs and whether its completion was
 * approved, read inside the caller's transaction. */
static int deadline_facts(char deadline[11], bool *recurs, bool *completed, db_conn *db, int64_t task_id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT deadline, recurrence, (SELECT COUNT(*) FROM task_report r WHERE r.task_id = t.id "
				    "AND r.kind = 'completion' AND r.status = 'approved') FROM task t WHERE t.id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, task_id);
	deadline[0] = '\0';
	if ((rc = db_step(s)) == DB_ROW) {
		snprintf(deadline, 11, "%s", db_column_is_null(s, 0) ? "" : db_column_text(s, 0));
		*recurs = !db_column_is_null(s, 1);
		*completed = db_column_int64(s, 2) > 0;
		rc = 0;
	} else if (rc >= 0) {
		rc = err_set(ERR_NOTFOUND, "no task with id %lld", (long long)task_id);
	}
	db_finalize(s);
	return rc;
}

/* The reason of a request (refusal: of a refusal). */
static int reason_text(char **out, const char *reason, bool refusal)
{
	int rc = trimmed_nfc(out, reason);
	if (rc == TYPED_EMPTY && refusal)
		return err_set(ERR_INVALID, "'reason': say why the extension is refused");
	if (rc == TYPED_EMPTY)
		return err_set(ERR_INVALID, "'reason': say why the deadline should move");
	if (rc == TYPED_LONG)
		return err_set(ERR_INVALID, "'reason' is longer than %d bytes", TASK_COMMENT_MAX);
	return rc;
}

int task_extension_request(int64_t *out_id, db_conn *db, const principal *who, int64_t task_id, int64_t unit_id,
	const char *proposed, const char *reason)
{
	char now[TIME_ISO_SIZE], deadline[11], *why = NULL;
	bool recurs = false, completed = false;
	int64_t waiting = 0;
	date_ymd d;
	int rc;
	if (!proposed || strlen(proposed) != 10 || date_parse(&d, proposed, 10) < 0)
		return err_set(ERR_INVALID, "'proposed_deadline' must be a date (YYYY-MM-DD)");
	if ((rc = reason_text(&why, reason, false)) < 0)
		return rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if ((rc = deadline_facts(deadline, &recurs, &completed, db, task_id)) < 0 ||
	    (rc = db_run(db, &waiting, "SELECT COUNT(*) FROM task_extension WHERE task_id = ? AND status = 'submitted'", "i",
		     task_id)) < 0)
		goto fail;
	if (recurs)
		rc = err_set(ERR_INVALID, "a recurring task's occurrences have their own due days; its deadline is not extended");
	else if (!*deadline)
		rc = err_set(ERR_INVALID, "the task has no deadline to extend");
	else if (completed)
		rc = err_set(ERR_CONFLICT, "the task's completion was approved; its deadline no longer moves");
	else if (waiting)
		rc = err_set(ERR_CONFLICT, "an extension request of this task is already waiting for a decision");
	else if (strcmp(proposed, deadline) <= 0)
		rc = err_set(ERR_INVALID, "'proposed_deadline' %s must be later than the deadline %s", proposed, deadline);
	if (rc < 0)
		goto fail;
	if ((rc = db_run(db, out_id,
		     "INSERT INTO task_extension (task_id, unit_id, person_id, at, proposed_deadline, reason, previous_deadline, status) "
		     "VALUES (?, ?, ?, ?, ?, ?, ?, 'submitted') RETURNING id", "iiitttt", task_id, unit_id, who->person_id, now,
		     proposed, why, deadline)) < 0)
		goto fail;
	json_t *after = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "task_id", (json_int_t)task_id, "unit_id", (json_int_t)unit_id,
		"proposed_deadline", proposed, "reason", why, "previous_deadline", deadline, "status", "submitted");
	if ((rc = audit_append_id(db, who, "request_extension", "task_extension", *out_id, NULL, after)) < 0)
		goto fail;
	rc = db_commit(db);
	goto done;
fail:
	db_rollback(db);
done:
	free(why);
	return rc;
}

/* Writes the decision of a waiting request and, on approval, the task's
 * new deadline; both audited. */
static int decide(db_conn *db, const principal *who, int64_t task_id, int64_t eid, bool approve, const char *why,
	const char *proposed, const char *previous)
{
	char now[TIME_ISO_SIZE];
	int rc;
	time_now_iso(now);
	if ((rc = db_run(db, NULL, "UPDATE task_extension SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ? "
				   "WHERE id = ?", "titti", approve ? "approved" : "refused", who->person_id, now, why, eid)) < 0)
		return rc;
	rc = audit_append_id(db, who, approve ? "approve_extension" : "refuse_extension", "task_extension", eid,
		json_pack("{s:s}", "status", "submitted"),
		json_pack("{s:s, s:s?}", "status", approve ? "approved" : "refused", "decision_reason", why));
	if (rc < 0 || !approve)
		return rc;
	if ((rc = db_run(db, NULL, "UPDATE task SET deadline = ?, updated_at = ? WHERE id = ?", "tti", proposed, now, task_id)) < 0)
		return rc;
	return audit_append_id(db, who, "extend_deadline", "task", task_id, json_pack("{s:s}", "deadline", previous),
		json_pack("{s:s, s:I}", "deadline", proposed, "extension_id", (json_int_t)eid));
}

int task_extension_decide(db_conn *db, const principal *who, int64_t task_id, int64_t eid, bool approve,
	const char *reason)
{
	char *why = NULL, proposed[11] = "", previous[11] = "", status[16] = "";
	db_stmt *s;
	int rc;
	if (!approve && (rc = reason_text(&why, reason, true)) < 0)
		return rc;
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if ((rc = db_prepare(&s, db, "SELECT e.proposed_deadline, e.status, t.deadline FROM task_extension e "
				     "JOIN task t ON t.id = e.task_id WHERE e.id = ? AND e.task_id = ?")) < 0)
		goto fail;
	db_bind_int64(s, 1, eid);
	db_bind_int64(s, 2, task_id);
	if ((rc = db_step(s)) == DB_ROW) {
		snprintf(proposed, sizeof(proposed), "%s", db_column_text(s, 0));
		snprintf(status, sizeof(status), "%s", db_column_text(s, 1));
		snprintf(previous, sizeof(previous), "%s", db_column_is_null(s, 2) ? "" : db_column_text(s, 2));
	}
	db_finalize(s);
	if (rc < 0)
		goto fail;
	if (!*status)
		rc = err_set(ERR_NOTFOUND, "no extension request %lld of this task", (long long)eid);
	else if (strcmp(status, "submitted") != 0)
		rc = err_set(ERR_CONFLICT, "extension request %lld was decided already", (long long)eid);
	else
		rc = decide(db, who, task_id, eid, approve, why, proposed, previous);
	if (rc < 0)
		goto fail;
	rc = db_commit(db);
	goto done;
fail:
	db_rollback(db);
done:
	free(why);
	return rc;
}
