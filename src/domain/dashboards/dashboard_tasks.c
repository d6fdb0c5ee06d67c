/* dashboard_tasks: the task part of the overview and of a unit's
 * scorecard (dashboard_internal.h). */
#include "domain/dashboards/dashboard_internal.h"
#include "domain/programme/task.h"

#include <stdlib.h>
#include <string.h>

#define TASK_LIST_MAX 20


static json_t *tasks_with(const json_t *tasks, const char *status)
{
	json_t *list = json_array(), *t;
	size_t i;
	json_array_foreach(tasks, i, t) {
		const char *s = json_string_value(json_object_get(t, "status"));
		if (s && strcmp(s, status) == 0 && json_array_size(list) < TASK_LIST_MAX)
			json_array_append(list, t);
	}
	return list;
}

static int ranking_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	double sx = json_real_value(json_object_get(x, "share_on_time")), sy = json_real_value(json_object_get(y, "share_on_time"));
	if (sx != sy)
		return sx > sy ? -1 : 1;
	json_int_t nx = json_integer_value(json_object_get(x, "assigned")), ny = json_integer_value(json_object_get(y, "assigned"));
	if (nx != ny)
		return nx > ny ? -1 : 1;
	const char *cx = json_string_value(json_object_get(x, "unit_code")), *cy = json_string_value(json_object_get(y, "unit_code"));
	return strcmp(cx ? cx : "", cy ? cy : "");
}

/* Lead units ranked by the share of their tasks done on time. */
static json_t *ranking(const json_t *tasks)
{
	json_t *by_unit = json_object(), *t, *row;
	size_t i;
	const char *key;
	json_array_foreach(tasks, i, t) {
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(t, "lead_unit_id")));
		if (!(row = json_object_get(by_unit, id))) {
			row = json_pack("{s:O, s:O, s:O, s:i, s:i, s:i, s:i, s:i}", "unit_id", json_object_get(t, "lead_unit_id"),
				"unit_code", json_object_get(t, "lead_unit_code"), "unit_name", json_object_get(t, "lead_unit_name"),
				"assigned", 0, "done_on_time", 0, "done_late", 0, "open", 0, "overdue", 0);
			json_object_set_new(by_unit, id, row);
		}
		const char *s = json_string_value(json_object_get(t, "status"));
		const char *field = !s ? "open" : strcmp(s, "done_on_time") == 0 ? "done_on_time" :
			strcmp(s, "done_late") == 0 ? "done_late" : strcmp(s, "open_overdue") == 0 ? "overdue" : "open";
		json_integer_set(json_object_get(row, "assigned"), json_integer_value(json_object_get(row, "assigned")) + 1);
		json_integer_set(json_object_get(row, field), json_integer_value(json_object_get(row, field)) + 1);
	}
	size_t n = json_object_size(by_unit), k = 0;
	json_t **rows = calloc(n ? n : 1, sizeof(*rows));
	json_object_foreach(by_unit, key, row) {
		double assigned = (double)json_integer_value(json_object_get(row, "assigned"));
		json_object_set_new(row, "share_on_time",
			json_real(assigned > 0 ? (double)json_integer_value(json_object_get(row, "done_on_time")) / assigned : 0));
		if (rows)
			rows[k++] = row;
	}
	json_t *list = json_array();
	if (rows) {
		qsort(rows, k, sizeof(*rows), ranking_cmp);
		for (size_t r = 0; r < k; r++) {
			json_object_set_new(rows[r], "rank", json_integer((json_int_t)r + 1));
			json_array_append(list, rows[r]);
		}
	}
	free(rows);
	json_decref(by_unit);
	return list;
}

int dashboard__task_part(json_t *o, db_conn *db, const dashboard_query *q, int64_t unit_id, date_ymd day, bool with_ranking,
	bool with_list)
{
	task_filter f = { .document_id = q->document_id, .unit_id = unit_id };
	json_t *list;
	char iso[11];
	int rc;
	if ((rc = task_list(&list, db, &f, day, 100000, 0)) < 0)
		return rc;
	json_t *tasks = json_object_get(list, "tasks");
	date_format_iso(day, iso);
	json_object_set_new(o, "tasks_as_of", json_string(iso));
	json_object_set_new(o, "task_counts", json_incref(json_object_get(list, "counts")));
	json_object_set_new(o, "task_total", json_incref(json_object_get(list, "total")));
	json_object_set_new(o, "overdue", tasks_with(tasks, "open_overdue"));
	json_object_set_new(o, "due_soon", tasks_with(tasks, "open_due_soon"));
	if (with_ranking)
		json_object_set_new(o, "ranking", ranking(tasks));
	if (with_list)
		json_object_set(o, "tasks", tasks);
	json_decref(list);
	return 0;
}
