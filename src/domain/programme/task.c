/* task: creating tasks, reporting on them, reviewing completion, and the
 * derived status. */
#include "domain/programme/task.h"
#include "domain/programme/attachment.h"
#include "domain/people/audit.h"
#include "domain/people/unit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 8000
#define SUPPORTING_MAX 50

/* ------------------------------------------------------------------ status */

forecast_colour task_colour(task_status st, int progress, date_ymd start, const task_facts *f, date_ymd as_of)
{
	if (st == TASK_DONE_ON_TIME)
		return FORECAST_GREEN;
	if (st == TASK_DONE_LATE)
		return FORECAST_YELLOW;
	if (st == TASK_OPEN_OVERDUE)
		return FORECAST_RED;
	if (!f->has_deadline)
		return FORECAST_GREY;
	long from = date_to_days(start), to = date_to_days(f->deadline), now = date_to_days(as_of);
	double gone = to > from ? (double)(now - from) / (double)(to - from) : 1;
	double behind = 100 * (gone < 0 ? 0 : gone > 1 ? 1 : gone) - progress;
	forecast_colour c = behind <= TASK_BEHIND_GREEN ? FORECAST_GREEN : behind <= TASK_BEHIND_YELLOW ? FORECAST_YELLOW : FORECAST_RED;
	return st == TASK_OPEN_DUE_SOON && c == FORECAST_GREEN ? FORECAST_YELLOW : c;
}

static const struct {
	const char *code, *vi;
} status_names[] = {
	[TASK_DONE_ON_TIME] = { "done_on_time", "Hoàn thành đúng hạn" },
	[TASK_DONE_LATE] = { "done_late", "Hoàn thành quá hạn" },
	[TASK_OPEN_OVERDUE] = { "open_overdue", "Chưa hoàn thành – quá hạn" },
	[TASK_OPEN_DUE_SOON] = { "open_due_soon", "Sắp đến hạn" },
	[TASK_OPEN_IN_TIME] = { "open_in_time", "Chưa hoàn thành – trong hạn" },
};

#define N_STATUS ((int)(sizeof(status_names) / sizeof(status_names[0])))

const char *task_status_code(task_status s) { return status_names[s].code; }
const char *task_status_label_vi(task_status s) { return status_names[s].vi; }

int task_status_parse(const char *code)
{
	for (int i = 0; code && i < N_STATUS; i++)
		if (strcmp(code, status_names[i].code) == 0)
			return i;
	return -1;
}

task_status task_status_derive(const task_facts *f, date_ymd as_of, int warn_days)
{
	long today = date_to_days(as_of);
	if (f->completed) {
		if (!f->has_deadline || date_to_days(f->completed_on) <= date_to_days(f->deadline))
			return TASK_DONE_ON_TIME;
		return TASK_DONE_LATE;
	}
	if (!f->has_deadline)
		return TASK_OPEN_IN_TIME;
	long due = date_to_days(f->deadline);
	if (today > due)
		return TASK_OPEN_OVERDUE;
	if (due - today <= warn_days && f->progress < TASK_DUE_SOON_PROGRESS)
		return TASK_OPEN_DUE_SOON;
	return TASK_OPEN_IN_TIME;
}

/* ------------------------------------------------------------ recurrence */

int task_recurrence_parse(period_kind *out, const char *name)
{
	if (name && strcmp(name, "yearly") == 0)
		*out = PERIOD_YEAR;
	else if (name && strcmp(name, "quarterly") == 0)
		*out = PERIOD_QUARTER;
	else
		return err_set(ERR_INVALID, "'recurrence' must be yearly or quarterly");
	return 0;
}

static period period_holding(period_kind kind, date_ymd d)
{
	period p = { .kind = kind, .year = d.y, .n = kind == PERIOD_QUARTER ? (d.m + 2) / 3 : 0 };
	return p;
}

int task_occurrences(period *out, int max, period_kind kind, date_ymd starts_on, const date_ymd *end, date_ymd as_of)
{
	date_ymd last = as_of;
	if (end && date_to_days(*end) < date_to_days(last))
		last = *end;
	period p = period_holding(kind, starts_on), stop = period_holding(kind, last);
	int n = 0;
	out[n++] = p;
	while (n < max && date_to_days(period_start(&p)) < date_to_days(period_start(&stop))) {
		p = period_next(&p);
		out[n++] = p;
	}
	return n;
}

int task_deciding_occurrence(const task_occurrence *occ, int n)
{
	for (int i = 0; i < n; i++)
		if (!occ[i].completed)
			return i;
	return n - 1;
}

static int warn_days(int *out, db_conn *db)
{
	int64_t set = 0, days = TASK_DEFAULT_WARN_DAYS;
	int rc = db_run(db, &set, "SELECT COUNT(*) FROM setting WHERE key = 'task_warn_days'", "");
	if (rc == 0 && set)
		rc = db_run(db, &days, "SELECT value FROM setting WHERE key = 'task_warn_days'", "");
	*out = (int)days;
	return rc;
}

/* ----------------------------------------------------------------- create */

static int code_to_id(int64_t *out, db_conn *db, const char *table_sql, const char *code, const char *field)
{
	int rc = db_run(db, out, table_sql, "t", code);
	if (rc == 0 && !*out)
		return err_set(ERR_INVALID, "'%s': nothing with code '%s'", field, code);
	return rc;
}

typedef struct task_fields {
	const char *code, *title, *lead_code, *document_number, *product, *deadline, *recurrence, *starts_on, *objective_code;
	long long lead_id, document_id, objective_id, due_days;
	int has_lead, has_doc, has_objective, has_due_days;
	int64_t lead, doc;
} task_fields;

static int read_task(task_fields *f, db_conn *db, const json_t *in)
{
	int rc;
	memset(f, 0, sizeof(*f));
	if ((rc = json_require_object(in, "the task")) < 0 || (rc = json_get_string(&f->code, in, "code", 1)) < 0 ||
	    (rc = json_get_string(&f->title, in, "title", 1)) < 0 ||
	    (rc = json_get_string(&f->lead_code, in, "lead_unit_code", 0)) < 0 ||
	    (rc = json_get_int(&f->lead_id, &f->has_lead, in, "lead_unit_id", 0)) < 0 ||
	    (rc = json_get_string(&f->document_number, in, "document_number", 0)) < 0 ||
	    (rc = json_get_int(&f->document_id, &f->has_doc, in, "document_id", 0)) < 0 ||
	    (rc = json_get_int(&f->objective_id, &f->has_objective, in, "objective_id", 0)) < 0 ||
	    (rc = json_get_string(&f->objective_code, in, "objective_code", 0)) < 0 ||
	    (rc = json_get_string(&f->product, in, "product", 0)) < 0 ||
	    (rc = json_get_string(&f->deadline, in, "deadline", 0)) < 0 ||
	    (rc = json_get_string(&f->recurrence, in, "recurrence", 0)) < 0 ||
	    (rc = json_get_string(&f->starts_on, in, "starts_on", 0)) < 0 ||
	    (rc = json_get_int(&f->due_days, &f->has_due_days, in, "due_days", 0)) < 0)
		return rc;
	if (f->recurrence) {
		period_kind k;
		date_ymd from;
		if ((rc = task_recurrence_parse(&k, f->recurrence)) < 0)
			return rc;
		if (!f->starts_on || date_parse(&from, f->starts_on, strlen(f->starts_on)) < 0)
			return err_set(ERR_INVALID, "'starts_on': a recurring task needs the day its duty starts (YYYY-MM-DD)");
		if (f->due_days < 0 || f->due_days > 366)
			return err_set(ERR_INVALID, "'due_days' must be from 0 to 366 days after each period ends");
	} else if (f->starts_on || f->has_due_days) {
		return err_set(ERR_INVALID, "'starts_on' and 'due_days' are for recurring tasks (give 'recurrence')");
	}
	if (!*f->code || strlen(f->code) > 40 || strpbrk(f->code, " \t\r\n,\""))
		return err_set(ERR_INVALID, "'code' must have 1 to 40 characters without spaces, commas or quotes");
	if (!*f->title || strlen(f->title) > TEXT_MAX)
		return err_set(ERR_INVALID, "'title' must have 1 to %d bytes", TEXT_MAX);
	date_ymd d;
	if (f->deadline && date_parse(&d, f->deadline, strlen(f->deadline)) < 0)
		return err_set(ERR_INVALID, "'deadline': %s", err_msg());
	f->lead = f->lead_id;
	if (f->lead_code && (rc = code_to_id(&f->lead, db, "SELECT id FROM unit WHERE code = ?", f->lead_code, "lead_unit_code")) < 0)
		return rc;
	if (!f->lead_code && f->has_lead && (rc = db_run(db, &f->lead, "SELECT id FROM unit WHERE id = ?", "i", (int64_t)f->lead_id)) < 0)
		return rc;
	if (!f->lead)
		return err_set(ERR_INVALID, "'lead_unit_code' or 'lead_unit_id' must name a unit");
	f->doc = f->document_id;
	if (f->document_number &&
	    (rc = code_to_id(&f->doc, db, "SELECT id FROM document WHERE number = ?", f->document_number, "document_number")) < 0)
		return rc;
	int64_t found = 0;
	if (f->objective_code) {
		/* a task group (or objective) of the task's own document */
		if (!f->doc)
			return err_set(ERR_INVALID, "'objective_code' names a group of the task's document: give 'document_number'");
		if ((rc = db_run(db, &found, "SELECT id FROM objective WHERE document_id = ? AND code = ?", "it", f->doc,
			     f->objective_code)) < 0)
			return rc;
		if (!found)
			return err_set(ERR_INVALID, "'objective_code': the document has no group '%s'", f->objective_code);
		f->objective_id = found;
		f->has_objective = 1;
		return 0;
	}
	if (f->has_objective &&
	    ((rc = db_run(db, &found, "SELECT COUNT(*) FROM objective WHERE id = ?", "i", (int64_t)f->objective_id)) < 0 || !found))
		return rc < 0 ? rc : err_set(ERR_INVALID, "'objective_id': no such objective");
	return 0;
}

static int insert_supporting(db_conn *db, int64_t task_id, int64_t lead, const json_t *list)
{
	if (!list)
		return 0;
	if (!json_is_array(list) || json_array_size(list) > SUPPORTING_MAX)
		return err_set(ERR_INVALID, "'supporting_unit_codes' must be an array of at most %d unit codes", SUPPORTING_MAX);
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c) {
		int64_t unit = 0;
		int rc;
		if (!json_is_string(c))
			return err_set(ERR_INVALID, "supporting_unit_codes[%zu] must be a unit code", i);
		if ((rc = code_to_id(&unit, db, "SELECT id FROM unit WHERE code = ?", json_string_value(c), "supporting_unit_codes")) < 0)
			return rc;
		if (unit == lead)
			continue;
		rc = db_run(db, NULL, "INSERT INTO task_unit (task_id, unit_id) VALUES (?, ?)", "ii", task_id, unit);
		if (rc < 0 && rc != ERR_CONFLICT)
			return rc;
	}
	return 0;
}

date_ymd task_today(void)
{
	struct tm tm;
	time_vn_tm(&tm, time_now());
	return (date_ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

int task_as_of(date_ymd *out, const char *text)
{
	if (!text || !*text) {
		*out = task_today();
		return 0;
	}
	if (date_parse(out, text, strlen(text)) < 0)
		return err_set(ERR_INVALID, "'as_of': %s", err_msg());
	return 0;
}

static int audit_task(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before)
{
	json_t *after;
	char id_text[24];
	int rc = task_get(&after, db, id, task_today());
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	if (rc == 0) {
		json_object_del(after, "status");
		json_object_del(after, "status_label");
		if (before) {
			json_object_del(before, "status");
			json_object_del(before, "status_label");
		}
		rc = audit_append_json(db, who, action, "task", id_text, before, after);
	}
	json_decref(after);
	return rc;
}

/* A report from the task's past, as a loader brings it: {at, progress,
 * text?, unit_code? (the lead unit), period?, complete?, review?
 * ("approved" or "returned"), reviewed_at?, reason?}. */
static int insert_past_report(db_conn *db, int64_t task_id, int64_t lead, const json_t *r, size_t i)
{
	const char *at, *text = NULL, *unit_code = NULL, *period = NULL, *review = NULL, *reviewed_at = NULL, *reason = NULL;
	long long progress;
	int present, complete = 0, rc;
	int64_t unit = lead;
	date_ymd d;
	if ((rc = json_require_object(r, "a report")) < 0 || (rc = json_get_string(&at, r, "at", 1)) < 0 ||
	    (rc = json_get_int(&progress, &present, r, "progress", 1)) < 0 || (rc = json_get_string(&text, r, "text", 0)) < 0 ||
	    (rc = json_get_string(&unit_code, r, "unit_code", 0)) < 0 || (rc = json_get_string(&period, r, "period", 0)) < 0 ||
	    (rc = json_get_bool(&complete, &present, r, "complete", 0)) < 0 ||
	    (rc = json_get_string(&review, r, "review", 0)) < 0 || (rc = json_get_string(&reviewed_at, r, "reviewed_at", 0)) < 0 ||
	    (rc = json_get_string(&reason, r, "reason", 0)) < 0)
		return err_set(rc, "reports[%zu]: %s", i, err_msg());
	if (strlen(at) < 10 || date_parse(&d, at, 10) < 0 || (reviewed_at && (strlen(reviewed_at) < 10 || date_parse(&d, reviewed_at, 10) < 0)))
		return err_set(ERR_INVALID, "reports[%zu]: 'at' and 'reviewed_at' are ISO dates or times", i);
	if (progress < 0 || progress > 100 || (complete && progress != 100))
		return err_set(ERR_INVALID, "reports[%zu]: 'progress' is 0 to 100, and 100 for a completion", i);
	if (review && (!complete || (strcmp(review, "approved") != 0 && strcmp(review, "returned") != 0) || !reviewed_at))
		return err_set(ERR_INVALID, "reports[%zu]: a completion's 'review' is approved or returned, with 'reviewed_at'", i);
	if (unit_code && (rc = code_to_id(&unit, db, "SELECT id FROM unit WHERE code = ?", unit_code, "unit_code")) < 0)
		return rc;
	return db_run(db, NULL,
		"INSERT INTO task_report (task_id, unit_id, at, progress, text, kind, status, reason, reviewed_at, period) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"iititttttt", task_id, unit, at, (int64_t)progress, text, complete ? "completion" : "progress",
		complete ? (review ? review : "submitted") : "recorded", reason, reviewed_at, period);
}

static int insert_past_reports(db_conn *db, int64_t task_id, int64_t lead, const json_t *list)
{
	if (!list)
		return 0;
	if (!json_is_array(list))
		return err_set(ERR_INVALID, "'reports' must be an array");
	size_t i;
	json_t *r;
	json_array_foreach(list, i, r) {
		int rc = insert_past_report(db, task_id, lead, r, i);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int task_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	task_fields f;
	char now[TIME_ISO_SIZE], *title = NULL, *folded = NULL;
	int rc;
	time_now_iso(now);
	if ((rc = read_task(&f, db, in)) < 0 || (rc = utf8_nfc(&title, f.title, strlen(f.title))) < 0 ||
	    (rc = vn_fold(&folded, title, strlen(title))) < 0)
		goto done;
	rc = db_run(db, out_id,
		"INSERT INTO task (code, title, title_folded, lead_unit_id, product, deadline, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"tttitttt", f.code, title, folded, f.lead, f.product, f.deadline, now, now);
	if (rc == ERR_CONFLICT)
		rc = err_set(ERR_CONFLICT, "a task with code '%s' exists already", f.code);
	if (rc < 0 || (f.doc && (rc = db_run(db, NULL, "UPDATE task SET document_id = ? WHERE id = ?", "ii", f.doc, *out_id)) < 0) ||
	    (f.recurrence && (rc = db_run(db, NULL, "UPDATE task SET recurrence = ?, starts_on = ?, due_days = ? WHERE id = ?",
				      "ttii", f.recurrence, f.starts_on, (int64_t)f.due_days, *out_id)) < 0) ||
	    (f.has_objective && (rc = db_run(db, NULL, "UPDATE task SET objective_id = ? WHERE id = ?", "ii",
					 (int64_t)f.objective_id, *out_id)) < 0) ||
	    (rc = insert_supporting(db, *out_id, f.lead, json_object_get(in, "supporting_unit_codes"))) < 0 ||
	    (rc = insert_past_reports(db, *out_id, f.lead, json_object_get(in, "reports"))) < 0)
		goto done;
	rc = audit_task(db, who, "create", *out_id, NULL);
done:
	free(title);
	free(folded);
	return rc;
}

int task_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	if (json_object_get(in, "reports"))
		return err_set(ERR_INVALID, "'reports': a task's past reports are loaded with nq57 programme load only");
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = task_insert(out_id, db, who, in)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int task_unit_paths(const char **lead, const char ***supporting, int *n, db_conn *db, arena *a, int64_t id)
{
	db_stmt *s;
	*lead = NULL;
	*n = 0;
	*supporting = NULL;
	int rc = db_prepare(&s, db, "SELECT u.path FROM task t JOIN unit u ON u.id = t.lead_unit_id WHERE t.id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*lead = arena_strdup(a, db_column_text(s, 0));
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!*lead)
		return err_set(ERR_NOTFOUND, "no task with id %lld", (long long)id);
	const char **paths = arena_alloc(a, sizeof(char *) * SUPPORTING_MAX);
	if (!paths)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = db_prepare(&s, db, "SELECT u.path FROM task_unit tu JOIN unit u ON u.id = tu.unit_id WHERE tu.task_id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	while ((rc = db_step(s)) == DB_ROW && *n < SUPPORTING_MAX)
		paths[(*n)++] = arena_strdup(a, db_column_text(s, 0));
	db_finalize(s);
	*supporting = paths;
	return rc < 0 ? rc : 0;
}

int task_id_by_code(int64_t *out, db_conn *db, const char *code)
{
	int rc = db_run(db, out, "SELECT id FROM task WHERE code = ?", "t", code);
	if (rc == 0 && !*out)
		return err_set(ERR_NOTFOUND, "no task with code '%s'", code);
	return rc;
}

int task_lead_unit(int64_t *out, db_conn *db, int64_t id)
{
	int rc = db_run(db, out, "SELECT lead_unit_id FROM task WHERE id = ?", "i", id);
	if (rc == 0 && !*out)
		return err_set(ERR_NOTFOUND, "no task with id %lld", (long long)id);
	return rc;
}

int task_report_lead_path(const char **out, db_conn *db, arena *a, int64_t report_id)
{
	int64_t lead = 0;
	int rc = db_run(db, &lead, "SELECT t.lead_unit_id FROM task_report r JOIN task t ON t.id = r.task_id WHERE r.id = ?",
		"i", report_id);
	if (rc == 0 && !lead)
		return err_set(ERR_NOTFOUND, "no task report with id %lld", (long long)report_id);
	return rc < 0 ? rc : unit_path(out, db, a, lead);
}

/* ---------------------------------------------------------------- reports */

/* Completion requests of task_id in a state; for a recurring task, of the
 * occurrence period only. */
static int open_completion(int64_t *out, db_conn *db, int64_t task_id, const char *period, const char *status)
{
	if (period)
		return db_run(db, out, "SELECT COUNT(*) FROM task_report WHERE task_id = ? AND period = ? AND kind = 'completion' "
				       "AND status = ?", "itt", task_id, period, status);
	return db_run(db, out, "SELECT COUNT(*) FROM task_report WHERE task_id = ? AND kind = 'completion' AND status = ?",
		"it", task_id, status);
}

/* The occurrence a report on a recurring task is for: the one given (a
 * period of the task's kind that has started) or the one that decides the
 * task's status now. */
static int report_period(char out[16], const json_t *task, const char *given, date_ymd today)
{
	const char *recurrence = json_string_value(json_object_get(task, "recurrence"));
	if (!recurrence) {
		if (given)
			return err_set(ERR_INVALID, "'period' is for recurring tasks; this task has one deadline");
		out[0] = '\0';
		return 0;
	}
	if (!given) {
		snprintf(out, 16, "%s", json_string_value(json_object_get(task, "period")));
		return 0;
	}
	period_kind kind;
	period p, first;
	date_ymd from;
	const char *starts_on = json_string_value(json_object_get(task, "starts_on"));
	int rc;
	if ((rc = task_recurrence_parse(&kind, recurrence)) < 0 || (rc = period_parse(&p, given, strlen(given))) < 0)
		return rc;
	date_parse(&from, starts_on, strlen(starts_on));
	task_occurrences(&first, 1, kind, from, NULL, from);
	if (p.kind != kind || date_to_days(period_start(&p)) < date_to_days(period_start(&first)) ||
	    date_to_days(period_start(&p)) > date_to_days(today))
		return kind == PERIOD_YEAR
			? err_set(ERR_INVALID, "'period': %s is not a year of this yearly task that has started", given)
			: err_set(ERR_INVALID, "'period': %s is not a quarter of this quarterly task that has started", given);
	period_format(&p, out);
	return 0;
}

int task_report_add(int64_t *out_id, db_conn *db, const principal *who, int64_t task_id, int64_t unit_id,
	int64_t progress, const char *text, bool complete, const char *period)
{
	char now[TIME_ISO_SIZE], occ[16];
	json_t *before = NULL;
	date_ymd today = task_today();
	int64_t pending = 0, done = 0;
	int rc;
	if (progress < 0 || progress > 100)
		return err_set(ERR_INVALID, "'progress' must be a percentage from 0 to 100");
	if (complete && progress != 100)
		return err_set(ERR_INVALID, "a completion request reports 100%% progress");
	if (text && strlen(text) > TEXT_MAX)
		return err_set(ERR_INVALID, "'text' is longer than %d bytes", TEXT_MAX);
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = task_get(&before, db, task_id, today)) < 0 || (rc = report_period(occ, before, period, today)) < 0 ||
	    (rc = open_completion(&pending, db, task_id, *occ ? occ : NULL, "submitted")) < 0 ||
	    (rc = open_completion(&done, db, task_id, *occ ? occ : NULL, "approved")) < 0)
		goto fail;
	if (done) {
		rc = *occ ? err_set(ERR_CONFLICT, "the completion of %s was approved; it takes no more reports", occ)
			  : err_set(ERR_CONFLICT, "the task's completion was approved; it takes no more reports");
		goto fail;
	}
	if (complete && pending) {
		rc = err_set(ERR_CONFLICT, "a completion request is already waiting for review");
		goto fail;
	}
	if ((rc = db_run(db, out_id,
		     "INSERT INTO task_report (task_id, unit_id, person_id, at, progress, text, kind, status, period) "
		     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		     "iiititttt", task_id, unit_id, who->person_id, now, (int64_t)progress, text,
		     complete ? "completion" : "progress", complete ? "submitted" : "recorded", *occ ? occ : NULL)) < 0 ||
	    (rc = audit_task(db, who, complete ? "request_completion" : "report", task_id, before)) < 0)
		goto fail;
	json_decref(before);
	return db_commit(db);
fail:
	json_decref(before);
	db_rollback(db);
	return rc;
}

int task_report_review(db_conn *db, const principal *who, int64_t task_id, int64_t report_id, bool approve,
	const char *reason)
{
	char now[TIME_ISO_SIZE];
	json_t *before = NULL;
	date_ymd today = task_today();
	int64_t waiting = 0;
	int rc;
	if (!approve && (!reason || !*reason))
		return err_set(ERR_INVALID, "'reason': say why the completion is returned");
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = task_get(&before, db, task_id, today)) < 0 ||
	    (rc = db_run(db, &waiting, "SELECT COUNT(*) FROM task_report WHERE id = ? AND task_id = ? AND kind = 'completion' "
				   "AND status = 'submitted'", "ii", report_id, task_id)) < 0)
		goto fail;
	if (!waiting) {
		rc = err_set(ERR_CONFLICT, "report %lld is not a completion request waiting for review", (long long)report_id);
		goto fail;
	}
	if ((rc = db_run(db, NULL, "UPDATE task_report SET status = ?, reason = ?, reviewed_at = ?, reviewed_by = ? WHERE id = ?",
		     "tttii", approve ? "approved" : "returned", approve ? NULL : reason, now, who->person_id, report_id)) < 0 ||
	    (rc = audit_task(db, who, approve ? "approve_completion" : "return_completion", task_id, before)) < 0)
		goto fail;
	json_decref(before);
	return db_commit(db);
fail:
	json_decref(before);
	db_rollback(db);
	return rc;
}

/* ------------------------------------------------------------------ reads */

/* The end of day as_of: reports made later do not count for that day. */
static void end_of_day(char out[TIME_ISO_SIZE + 4], date_ymd as_of)
{
	char day[11];
	date_format_iso(as_of, day);
	snprintf(out, TIME_ISO_SIZE + 4, "%sT23:59:59Z", day);
}

/* Binds the end of day as_of twice, as TASK_SELECT's first parameters. */
static void bind_as_of(db_stmt *s, date_ymd as_of)
{
	char end[TIME_ISO_SIZE + 4];
	end_of_day(end, as_of);
	db_bind_text(s, 1, end);
	db_bind_text(s, 2, end);
}

#define TASK_SELECT \
	"SELECT t.id, t.code, t.title, t.product, t.deadline, t.lead_unit_id, u.code, u.name, d.number, " \
	"(SELECT r.progress FROM task_report r WHERE r.task_id = t.id AND r.unit_id = t.lead_unit_id AND r.at <= ? " \
	"ORDER BY r.id DESC LIMIT 1), " \
	"(SELECT MIN(r.at) FROM task_report r WHERE r.task_id = t.id AND r.kind = 'completion' AND r.status = 'approved' " \
	"AND r.reviewed_at <= ?), " \
	"(SELECT COUNT(*) FROM task_report r WHERE r.task_id = t.id AND r.kind = 'completion' AND r.status = 'submitted'), " \
	"t.recurrence, t.starts_on, t.due_days, t.created_at, d.issued_on, o.code, o.title, t.document_id, u.path " \
	"FROM task t JOIN unit u ON u.id = t.lead_unit_id LEFT JOIN document d ON d.id = t.document_id " \
	"LEFT JOIN objective o ON o.id = t.objective_id"

#define TASK_MAX_OCCURRENCES 400

/* Where period p falls among the occurrences that start at first, or -1. */
static int occurrence_index(const period *first, const period *p)
{
	if (p->kind != first->kind)
		return -1;
	int per_year = first->kind == PERIOD_QUARTER ? 4 : 1;
	int i = (p->year - first->year) * per_year + (p->n - first->n);
	return i;
}

/* A recurring task's occurrences on as_of, each with its due day, its
 * latest progress and whether its completion was approved by then. */
static int load_occurrences(task_occurrence *occ, int *n, db_conn *db, int64_t id, const char *recurrence,
	const char *starts_on, const char *deadline, int64_t due_days, date_ymd as_of)
{
	period ps[TASK_MAX_OCCURRENCES];
	period_kind kind;
	date_ymd from, end;
	bool has_end = deadline && date_parse(&end, deadline, strlen(deadline)) == 0;
	if (task_recurrence_parse(&kind, recurrence) < 0 || !starts_on || date_parse(&from, starts_on, strlen(starts_on)) < 0)
		return err_set(ERR_GENERIC, "task %lld has a broken recurrence", (long long)id);
	*n = task_occurrences(ps, TASK_MAX_OCCURRENCES, kind, from, has_end ? &end : NULL, as_of);
	for (int i = 0; i < *n; i++) {
		memset(&occ[i], 0, sizeof(occ[i]));
		occ[i].p = ps[i];
		occ[i].due = date_from_days(date_to_days(period_end(&ps[i])) + (long)due_days);
	}
	char until[TIME_ISO_SIZE + 4];
	end_of_day(until, as_of);
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT r.period, r.kind, r.status, r.progress, r.at, r.reviewed_at, "
				    "CASE WHEN r.unit_id = t.lead_unit_id THEN 1 ELSE 0 END FROM task_report r "
				    "JOIN task t ON t.id = r.task_id WHERE r.task_id = ? AND r.at <= ? AND r.period IS NOT NULL "
				    "ORDER BY r.id");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_text(s, 2, until);
	while ((rc = db_step(s)) == DB_ROW) {
		const char *code = db_column_text(s, 0), *at = db_column_text(s, 4), *reviewed = db_column_text(s, 5);
		period p;
		if (period_parse(&p, code, strlen(code)) < 0)
			continue;
		int i = occurrence_index(&ps[0], &p);
		if (i < 0 || i >= *n)
			continue;
		if (db_column_int64(s, 6))   /* a supporting unit's own progress is its contribution */
			occ[i].progress = (int)db_column_int64(s, 3);
		if (strcmp(db_column_text(s, 1), "completion") == 0 && strcmp(db_column_text(s, 2), "approved") == 0 &&
		    reviewed && strcmp(reviewed, until) <= 0 && at && date_parse(&occ[i].completed_on, at, 10) == 0)
			occ[i].completed = true;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* When the work began: the earlier of the day the task was recorded and
 * the day its document was issued (a plan's tasks run from its issue). */
static void task_start(date_ymd *out, db_stmt *s)
{
	const char *created = db_column_text(s, 15), *issued = db_column_text(s, 16);
	date_ymd d;
	if (created && strlen(created) >= 10 && date_parse(&d, created, 10) == 0 && date_to_days(d) < date_to_days(*out))
		*out = d;
	if (issued && strlen(issued) >= 10 && date_parse(&d, issued, 10) == 0 && date_to_days(d) < date_to_days(*out))
		*out = d;
}

static int task_row(json_t **out, db_stmt *s, db_conn *db, date_ymd as_of, int warn)
{
	task_facts f = { 0 };
	const char *deadline = db_column_text(s, 4), *done = db_column_text(s, 10), *recurrence = db_column_text(s, 12);
	char occ_code[16] = "", occ_due[11] = "";
	date_ymd start = as_of;
	task_start(&start, s);
	f.has_deadline = deadline && date_parse(&f.deadline, deadline, strlen(deadline)) == 0;
	f.completed = done && strlen(done) >= 10 && date_parse(&f.completed_on, done, 10) == 0;
	f.progress = db_column_is_null(s, 9) ? 0 : (int)db_column_int64(s, 9);
	if (recurrence) {
		static _Thread_local task_occurrence occ[TASK_MAX_OCCURRENCES];
		int n, rc = load_occurrences(occ, &n, db, db_column_int64(s, 0), recurrence, db_column_text(s, 13), deadline,
			db_column_int64(s, 14), as_of);
		if (rc < 0)
			return rc;
		const task_occurrence *o = &occ[task_deciding_occurrence(occ, n)];
		f = (task_facts){ .has_deadline = true, .deadline = o->due, .completed = o->completed,
			.completed_on = o->completed_on, .progress = o->progress };
		period_format(&o->p, occ_code);
		date_format_iso(o->due, occ_due);
		start = period_start(&o->p);
	}
	task_status st = task_status_derive(&f, as_of, warn);
	forecast_colour colour = task_colour(st, f.progress, start, &f, as_of);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:I, s:s?, s:s, s:s?, s:i, s:s, s:s, s:b}", "id",
		(json_int_t)db_column_int64(s, 0), "code", db_column_text(s, 1), "title", db_column_text(s, 2), "product",
		db_column_text(s, 3), "deadline", deadline, "lead_unit_id", (json_int_t)db_column_int64(s, 5),
		"lead_unit_code", db_column_text(s, 6), "lead_unit_name", db_column_text(s, 7), "document_number",
		db_column_text(s, 8), "progress", f.progress, "status", task_status_code(st), "status_label",
		task_status_label_vi(st), "completion_waiting", db_column_int64(s, 11) > 0);
	json_object_set_new(o, "colour", json_string(forecast_colour_name(colour)));
	json_object_set_new(o, "group_code", db_column_text(s, 17) ? json_string(db_column_text(s, 17)) : json_null());
	json_object_set_new(o, "group_title", db_column_text(s, 18) ? json_string(db_column_text(s, 18)) : json_null());
	json_object_set_new(o, "colour_vi", json_string(forecast_colour_vi(colour)));
	json_object_set_new(o, "document_id", db_column_is_null(s, 19) ? json_null() : json_integer(db_column_int64(s, 19)));
	json_object_set_new(o, "lead_unit", json_pack("{s:I, s:s?, s:s}", "id", (json_int_t)db_column_int64(s, 5), "code",
		db_column_text(s, 6), "name", db_column_text(s, 7)));
	if (recurrence) {
		json_object_set_new(o, "recurrence", json_string(recurrence));
		json_object_set_new(o, "starts_on", json_string(db_column_text(s, 13)));
		json_object_set_new(o, "due_days", json_integer(db_column_int64(s, 14)));
		json_object_set_new(o, "period", json_string(occ_code));
		json_object_set_new(o, "period_deadline", json_string(occ_due));
	}
	*out = o;
	return 0;
}

static int add_details(json_t *t, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *units = json_array(), *reports = json_array();
	int rc = db_prepare(&s, db, "SELECT u.id, u.code, u.name FROM task_unit tu JOIN unit u ON u.id = tu.unit_id "
				    "WHERE tu.task_id = ? ORDER BY u.path");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(units, json_pack("{s:I, s:s?, s:s}", "id", (json_int_t)db_column_int64(s, 0),
				"code", db_column_text(s, 1), "name", db_column_text(s, 2)));
		db_finalize(s);
	}
	if (rc >= 0 && (rc = db_prepare(&s, db,
				"SELECT r.id, r.at, u.code, p.login, r.progress, r.text, r.kind, r.status, r.reason, r.period, "
				"u.id, u.name, p.name, r.reviewed_at, rp.login, rp.name, "
				"CASE WHEN r.unit_id = t.lead_unit_id THEN 1 ELSE 0 END FROM task_report r "
				"JOIN task t ON t.id = r.task_id JOIN unit u ON u.id = r.unit_id "
				"LEFT JOIN person p ON p.id = r.person_id LEFT JOIN person rp ON rp.id = r.reviewed_by "
				"WHERE r.task_id = ? ORDER BY r.id")) == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW) {
			json_t *r = json_pack("{s:I, s:s, s:s?, s:s?, s:i, s:s?, s:s, s:s, s:s?, s:s?}", "id",
				(json_int_t)db_column_int64(s, 0), "at", db_column_text(s, 1), "unit_code", db_column_text(s, 2),
				"by", db_column_text(s, 3), "progress", (int)db_column_int64(s, 4), "text", db_column_text(s, 5),
				"kind", db_column_text(s, 6), "status", db_column_text(s, 7), "reason", db_column_text(s, 8),
				"period", db_column_text(s, 9));
			json_object_set_new(r, "unit_id", json_integer(db_column_int64(s, 10)));
			json_object_set_new(r, "unit_name", json_string(db_column_text(s, 11)));
			json_object_set_new(r, "by_name", db_column_text(s, 12) ? json_string(db_column_text(s, 12)) : json_null());
			json_object_set_new(r, "reviewed_at", db_column_text(s, 13) ? json_string(db_column_text(s, 13)) : json_null());
			json_object_set_new(r, "reviewed_by", db_column_text(s, 14) ? json_string(db_column_text(s, 14)) : json_null());
			json_object_set_new(r, "reviewed_by_name", db_column_text(s, 15) ? json_string(db_column_text(s, 15)) : json_null());
			json_object_set_new(r, "role", json_string(db_column_int64(s, 16) ? "lead" : "support"));
			json_array_append_new(reports, r);
		}
		db_finalize(s);
	}
	size_t i;
	json_t *r;
	json_array_foreach(reports, i, r) {
		json_t *evidence;
		if (rc < 0 || (rc = attachment_list(&evidence, db, "task_report", json_integer_value(json_object_get(r, "id")))) < 0)
			break;
		json_object_set_new(r, "evidence", evidence);
	}
	json_object_set_new(t, "supporting_units", units);
	json_object_set_new(t, "reports", reports);
	return rc < 0 ? rc : 0;
}

int task_get(json_t **out, db_conn *db, int64_t id, date_ymd as_of)
{
	db_stmt *s;
	int warn, rc = warn_days(&warn, db);
	*out = NULL;
	if (rc < 0 || (rc = db_prepare(&s, db, TASK_SELECT " WHERE t.id = ?")) < 0)
		return rc;
	bind_as_of(s, as_of);
	db_bind_int64(s, 3, id);
	if ((rc = db_step(s)) == DB_ROW)
		rc = task_row(out, s, db, as_of, warn);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!*out)
		return err_set(ERR_NOTFOUND, "no task with id %lld", (long long)id);
	if ((rc = add_details(*out, db, id)) < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* The deadline that decides a listed task's status: its occurrence's for
 * a recurring task. NULL when it has none. */
static const char *deciding_deadline(const json_t *t)
{
	const char *d = json_string_value(json_object_get(t, "period_deadline"));
	return d ? d : json_string_value(json_object_get(t, "deadline"));
}

static bool due_between(const json_t *t, const task_filter *f)
{
	const char *d = deciding_deadline(t);
	if (!f->due_from && !f->due_to)
		return true;
	return d && (!f->due_from || strcmp(d, f->due_from) >= 0) && (!f->due_to || strcmp(d, f->due_to) <= 0);
}

static int cmp_deadline(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *dx = deciding_deadline(x), *dy = deciding_deadline(y);
	int c = strcmp(dx ? dx : "9999", dy ? dy : "9999");
	return c ? c : strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
}

int task_list(json_t **out, db_conn *db, const task_filter *f, date_ymd as_of, int64_t limit, int64_t offset)
{
	char *like = NULL;
	int warn, rc;
	date_ymd d;
	*out = NULL;
	if (f->status && task_status_parse(f->status) < 0)
		return err_set(ERR_INVALID, "'status' must be one of done_on_time, done_late, open_overdue, open_due_soon, open_in_time");
	if ((f->due_from && date_parse(&d, f->due_from, strlen(f->due_from)) < 0) ||
	    (f->due_to && date_parse(&d, f->due_to, strlen(f->due_to)) < 0))
		return err_set(ERR_INVALID, "'due_from' and 'due_to' are dates (YYYY-MM-DD)");
	if ((rc = warn_days(&warn, db)) < 0)
		return rc;
	if (f->q && *f->q) {
		char *folded;
		if ((rc = vn_fold(&folded, f->q, strlen(f->q))) < 0)
			return rc;
		like = malloc(strlen(folded) + 3);
		if (like)
			sprintf(like, "%%%s%%", folded);
		free(folded);
		if (!like)
			return err_set(ERR_NOMEM, "out of memory");
	}
	str sql = STR_INIT;
	str_append(&sql, TASK_SELECT " WHERE 1=1");
	if (like)
		str_append(&sql, " AND (LOWER(t.code) LIKE ? OR t.title_folded LIKE ?)");
	if (f->unit_id)
		str_append(&sql, " AND (t.lead_unit_id = ? OR t.id IN (SELECT task_id FROM task_unit WHERE unit_id = ?))");
	if (f->document_id)
		str_append(&sql, " AND t.document_id = ?");
	int n_mine = 0;
	const char **mine = NULL;
	if (f->mine && f->who) {
		/* within one of the caller's officer grants: the lead or a supporting unit */
		if (!(mine = malloc(sizeof(char *) * (size_t)(f->who->n_grants ? f->who->n_grants : 1)))) {
			free(like);
			str_free(&sql);
			return err_set(ERR_NOMEM, "out of memory");
		}
		for (int i = 0; i < f->who->n_grants; i++)
			if (f->who->grants[i].role == ROLE_OFFICER)
				mine[n_mine++] = f->who->grants[i].unit_path;
		str_append(&sql, " AND EXISTS (SELECT 1 FROM unit mu WHERE (mu.id = t.lead_unit_id OR mu.id IN "
				 "(SELECT unit_id FROM task_unit WHERE task_id = t.id)) AND (1=0");
		for (int i = 0; i < n_mine; i++)
			str_append(&sql, " OR mu.path LIKE ?");
		str_append(&sql, "))");
	}
	db_stmt *s;
	rc = str_oom(&sql) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, sql.ptr);
	str_free(&sql);
	if (rc < 0) {
		free(like);
		free(mine);
		return rc;
	}
	int k = 3;
	bind_as_of(s, as_of);
	if (like) {
		db_bind_text(s, k++, like);
		db_bind_text(s, k++, like);
	}
	if (f->unit_id) {
		db_bind_int64(s, k++, f->unit_id);
		db_bind_int64(s, k++, f->unit_id);
	}
	if (f->document_id)
		db_bind_int64(s, k++, f->document_id);
	/* db_bind_text copies, so one buffer serves every pattern */
	for (int i = 0; i < n_mine; i++) {
		str pattern = STR_INIT;
		str_appendf(&pattern, "%s%%", mine[i]);
		rc = str_oom(&pattern) ? err_set(ERR_NOMEM, "out of memory") : db_bind_text(s, k++, pattern.ptr);
		str_free(&pattern);
		if (rc < 0)
			break;
	}
	/* The status and the deciding deadline are derived per row, so those
	 * filters, the counts, the order and the page are applied here. */
	json_t *kept = json_array(), *counts = json_object();
	for (int i = 0; i < N_STATUS; i++)
		json_object_set_new(counts, status_names[i].code, json_integer(0));
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *t;
		if ((rc = task_row(&t, s, db, as_of, warn)) < 0)
			break;
		if (f->who)
			json_object_set_new(t, "_lead_path", json_string(db_column_text(s, 20)));
		if (!due_between(t, f) || (f->waiting && !json_is_true(json_object_get(t, "completion_waiting")))) {
			json_decref(t);
			continue;
		}
		const char *st = json_string_value(json_object_get(t, "status"));
		json_object_set_new(counts, st, json_integer(json_integer_value(json_object_get(counts, st)) + 1));
		if (f->status && strcmp(st, f->status) != 0)
			json_decref(t);
		else
			json_array_append_new(kept, t);
	}
	db_finalize(s);
	free(like);
	free(mine);
	if (rc < 0) {
		json_decref(kept);
		json_decref(counts);
		return rc;
	}
	size_t n = json_array_size(kept);
	json_t **rows = malloc(sizeof(json_t *) * (n ? n : 1)), *list = json_array();
	if (!rows) {
		json_decref(kept);
		json_decref(counts);
		json_decref(list);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		rows[i] = json_array_get(kept, i);
	qsort(rows, n, sizeof(*rows), cmp_deadline);
	for (size_t i = (size_t)offset; i < n && (int64_t)(i - (size_t)offset) < limit; i++)
		json_array_append(list, rows[i]);
	free(rows);
	json_decref(kept);
	if ((rc = task__list_units(list, db, f->who)) < 0) {
		json_decref(list);
		json_decref(counts);
		return rc;
	}
	int64_t total = (int64_t)n;
	char day[11];
	date_format_iso(as_of, day);
	*out = json_pack("{s:o, s:I, s:o, s:s}", "tasks", list, "total", (json_int_t)total, "counts", counts, "tasks_as_of", day);
	return 0;
}
