/* document_page: what a document's page and the documents' tree show —
 * the chain, the task groups with their tasks and indicators, and the
 * progress of the tasks in the task module's derived statuses. */
#include "domain/programme/document.h"
#include "domain/programme/task.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

/* Every status of a task, as task_list counts them. */
static const char *const status_codes[] = { "done_on_time", "done_late", "open_in_time", "open_due_soon",
	"open_overdue", NULL };

static json_t *zero_counts(void)
{
	json_t *c = json_object();
	for (int i = 0; status_codes[i]; i++)
		json_object_set_new(c, status_codes[i], json_integer(0));
	return c;
}

static void count_status(json_t *counts, const char *status)
{
	json_t *n = json_object_get(counts, status);
	if (n)
		json_integer_set(n, json_integer_value(n) + 1);
}

/* The tasks of document id on as_of, as task_list gives them (at most
 * limit of them; the counts and total cover all). */
static int document_tasks(json_t **out, db_conn *db, int64_t id, date_ymd as_of, int64_t limit)
{
	task_filter f = { .document_id = id };
	return task_list(out, db, &f, as_of, limit, 0);
}

/* Adds "counts" and "tasks_total" of document doc's own tasks. */
static int add_progress(json_t *doc, db_conn *db, date_ymd as_of)
{
	json_t *list;
	int rc = document_tasks(&list, db, json_integer_value(json_object_get(doc, "id")), as_of, 1);
	if (rc < 0)
		return rc;
	json_object_set(doc, "counts", json_object_get(list, "counts"));
	json_object_set(doc, "tasks_total", json_object_get(list, "total"));
	json_decref(list);
	return 0;
}

/* What a group's table shows of a task. */
static json_t *task_brief(const json_t *t)
{
	static const char *const keep[] = { "id", "code", "title", "lead_unit_id", "lead_unit_code", "lead_unit_name",
		"deadline", "period_deadline", "progress", "status", "status_label", "completion_waiting", NULL };
	json_t *o = json_object();
	for (int i = 0; keep[i]; i++) {
		json_t *v = json_object_get(t, keep[i]);
		if (v)
			json_object_set(o, keep[i], v);
	}
	return o;
}

static json_t *new_group(json_t *objective)
{
	json_t *g = json_object();
	json_object_update(g, objective);
	json_object_set_new(g, "tasks", json_array());
	json_object_set_new(g, "indicators", json_array());
	json_object_set_new(g, "counts", zero_counts());
	return g;
}

/* The group holding tasks of no group, added on first use. */
static json_t *ungrouped(json_t *groups)
{
	json_t *last = json_array_get(groups, json_array_size(groups) - 1);
	if (last && json_is_null(json_object_get(last, "code")))
		return last;
	json_t *o = json_pack("{s:n, s:n, s:s, s:s}", "id", "code", "kind", "task_group", "title", "");
	json_t *g = new_group(o);
	json_decref(o);
	json_array_append_new(groups, g);
	return g;
}

static json_t *group_by_code(json_t *groups, const char *code)
{
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g) {
		const char *c = json_string_value(json_object_get(g, "code"));
		if (code && c && strcmp(c, code) == 0)
			return g;
	}
	return ungrouped(groups);
}

static void add_tasks(json_t *groups, const json_t *tasks)
{
	size_t i;
	json_t *t;
	json_array_foreach(tasks, i, t) {
		json_t *g = group_by_code(groups, json_string_value(json_object_get(t, "group_code")));
		json_array_append_new(json_object_get(g, "tasks"), task_brief(t));
		count_status(json_object_get(g, "counts"), json_string_value(json_object_get(t, "status")));
	}
}

static int add_indicators(json_t *groups, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT i.id, i.code, i.name_vi, i.name_en, i.measure, o.code FROM indicator i "
		"JOIN objective o ON o.id = i.objective_id WHERE o.document_id = ? ORDER BY i.code");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *g = group_by_code(groups, db_column_text(s, 5));
		json_array_append_new(json_object_get(g, "indicators"),
			json_pack("{s:I, s:s, s:s, s:s?, s:s?}", "id", (json_int_t)db_column_int64(s, 0), "code",
				db_column_text(s, 1), "name_vi", db_column_text(s, 2), "name_en", db_column_text(s, 3),
				"measure", db_column_text(s, 4)));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Groups of doc (its objectives and task groups, in their order) with
 * their tasks and indicators. */
static int add_groups(json_t *doc, db_conn *db, int64_t id, const json_t *tasks, bool with_tasks)
{
	json_t *groups = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(doc, "objectives"), i, o)
		json_array_append_new(groups, new_group(o));
	add_tasks(groups, tasks);
	int rc = add_indicators(groups, db, id);
	json_array_foreach(groups, i, o) {
		size_t n = json_array_size(json_object_get(o, "tasks"));
		json_object_set_new(o, "tasks_total", json_integer((json_int_t)n));
		if (!with_tasks)
			json_object_set_new(o, "tasks", json_array());
	}
	json_object_set_new(doc, "groups", groups);
	return rc;
}

int document_page(json_t **out, db_conn *db, int64_t id, date_ymd as_of, bool with_tasks)
{
	json_t *doc, *tasks = NULL;
	size_t i;
	json_t *child;
	int rc;
	*out = NULL;
	if ((rc = document_get(&doc, db, id)) < 0)
		return rc;
	if ((rc = document_tasks(&tasks, db, id, as_of, INT32_MAX)) < 0)
		goto fail;
	json_object_set(doc, "counts", json_object_get(tasks, "counts"));
	json_object_set(doc, "tasks_total", json_object_get(tasks, "total"));
	if ((rc = add_groups(doc, db, id, json_object_get(tasks, "tasks"), with_tasks)) < 0)
		goto fail;
	json_array_foreach(json_object_get(doc, "implemented_by"), i, child)
		if ((rc = add_progress(child, db, as_of)) < 0)
			goto fail;
	json_decref(tasks);
	*out = doc;
	return 0;
fail:
	json_decref(tasks);
	json_decref(doc);
	return rc;
}

/* ------------------------------------------------------------------- tree */

int document_tree(json_t **out, db_conn *db, date_ymd as_of)
{
	json_t *list, *roots = json_array(), *by_id = json_object();
	size_t i;
	json_t *d;
	char key[24];
	int rc;
	*out = NULL;
	if ((rc = document_list(&list, db, NULL, INT32_MAX, 0)) < 0) {
		json_decref(roots);
		json_decref(by_id);
		return rc;
	}
	json_t *docs = json_object_get(list, "documents");
	json_array_foreach(docs, i, d) {
		if ((rc = add_progress(d, db, as_of)) < 0)
			break;
		json_object_set_new(d, "children", json_array());
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(d, "id")));
		json_object_set(by_id, key, d);
	}
	/* Listed by issue date, so a basis comes before what implements it,
	 * but an older plan may implement a newer text: look every parent up. */
	json_array_foreach(docs, i, d) {
		json_t *basis = json_object_get(d, "basis_id"), *parent = NULL;
		if (json_is_integer(basis)) {
			snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(basis));
			parent = json_object_get(by_id, key);
		}
		json_array_append(parent ? json_object_get(parent, "children") : roots, d);
	}
	json_decref(by_id);
	json_decref(list);
	if (rc < 0) {
		json_decref(roots);
		return rc;
	}
	*out = json_pack("{s:o}", "roots", roots);
	return 0;
}
