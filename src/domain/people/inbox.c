/* inbox: each person's items, derived from where things happened, and
 * their read marks (inbox.h). */
#include "domain/people/inbox.h"
#include "domain/market/matching.h"
#include "domain/market/notice.h"
#include "util/err.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SOURCE_MAX 500     /* items one source gives at most */
#define KEY_MAX 200

/* ------------------------------------------------------------------ scope */

/* The subtrees whose work reaches the person: those of its officer and
 * administrator grants, and those of its steering grants (for waiting
 * approvals). A subtree inside another is left out. */
typedef struct scope {
	const char **mine;
	int n_mine;
	const char **steer;
	int n_steer;
	int64_t steer_unit;      /* the unit of the first steering grant */
} scope;

static void scope_add(const char **list, int *n, const char *path)
{
	for (int i = 0; i < *n; i++)
		if (authz_path_within(list[i], path))
			return;
	int kept = 0;
	for (int i = 0; i < *n; i++)
		if (!authz_path_within(path, list[i]))
			list[kept++] = list[i];
	list[kept++] = path;
	*n = kept;
}

static int scope_init(scope *sc, const principal *who)
{
	memset(sc, 0, sizeof(*sc));
	size_t n = who->n_grants > 0 ? (size_t)who->n_grants : 1;
	sc->mine = calloc(n, sizeof(char *));
	sc->steer = calloc(n, sizeof(char *));
	if (!sc->mine || !sc->steer) {
		free(sc->mine);
		free(sc->steer);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < who->n_grants; i++) {
		const grant *g = &who->grants[i];
		if (g->role == ROLE_OFFICER || g->role == ROLE_ADMIN)
			scope_add(sc->mine, &sc->n_mine, g->unit_path);
		else if (g->role == ROLE_STEERING) {
			if (!sc->n_steer)
				sc->steer_unit = g->unit_id;
			scope_add(sc->steer, &sc->n_steer, g->unit_path);
		}
	}
	return 0;
}

static void scope_free(scope *sc)
{
	free(sc->mine);
	free(sc->steer);
}

/* "(col >= ? AND col < ?) OR ...": a subtree is a range of paths, from
 * "/1/5/" up to "/1/50" ('0' follows '/'). */
static void append_within(str *sql, const char *col, int n)
{
	str_append(sql, "(");
	for (int i = 0; i < n; i++)
		str_appendf(sql, "%s(%s >= ? AND %s < ?)", i ? " OR " : "", col, col);
	str_append(sql, ")");
}

static int bind_within(db_stmt *s, int *at, const char *const *paths, int n)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		char *upper = strdup(paths[i]);
		if (!upper)
			return err_set(ERR_NOMEM, "out of memory");
		size_t len = strlen(upper);
		if (len)
			upper[len - 1] = '0';
		if ((rc = db_bind_text(s, (*at)++, paths[i])) == 0)
			rc = db_bind_text(s, (*at)++, upper);
		free(upper);
	}
	return rc;
}

/* A task t led or supported by a unit of the scope. */
static void append_task_mine(str *sql, int n)
{
	str_append(sql, " AND EXISTS (SELECT 1 FROM unit m WHERE (m.id = t.lead_unit_id OR m.id IN "
			"(SELECT tu.unit_id FROM task_unit tu WHERE tu.task_id = t.id)) AND ");
	append_within(sql, "m.path", n);
	str_append(sql, ")");
}

/* ------------------------------------------------------------------ items */

/* "#/nhiem-vu/NV-005", the code percent-encoded where it must be. */
static json_t *task_link(const char *code)
{
	str s = STR_INIT;
	str_append(&s, "#/nhiem-vu/");
	for (const unsigned char *p = (const unsigned char *)(code ? code : ""); *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
			str_appendc(&s, (char)*p);
		else
			str_appendf(&s, "%%%02X", *p);
	}
	json_t *out = str_oom(&s) ? NULL : json_string(str_cstr(&s));
	str_free(&s);
	return out;
}

/* An item's common fields; the unit is read from columns unit_col..+2
 * (id, code, name). */
static json_t *item_new(const char *kind, const char *key, const char *at, json_t *link, db_stmt *s, int unit_col)
{
	json_t *unit = json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)db_column_int64(s, unit_col), "code",
		db_column_text(s, unit_col + 1), "name", db_column_text(s, unit_col + 2));
	return json_pack("{s:s, s:s, s:s?, s:b, s:o?, s:o?}", "key", key, "kind", kind, "at", at, "read", 0, "link", link,
		"unit", unit);
}

static json_t *task_of(db_stmt *s, int col)
{
	return json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)db_column_int64(s, col), "code", db_column_text(s, col + 1),
		"title", db_column_text(s, col + 2));
}

static void set_text(json_t *item, const char *name, const char *text)
{
	if (item && text && *text)
		json_object_set_new(item, name, json_string(text));
}

typedef json_t *(*row_fn)(db_stmt *s);

#define VALUE_SQL \
	"SELECT h.id, h.value_id, h.action, h.at, h.reason, h.value, v.period, i.id, i.code, i.name_vi, " \
	"u.id, u.code, u.name, p.name FROM indicator_value_history h " \
	"JOIN indicator_value v ON v.id = h.value_id JOIN indicator i ON i.id = v.indicator_id " \
	"JOIN unit u ON u.id = v.unit_id LEFT JOIN person p ON p.id = h.person_id " \
	"WHERE h.action IN ('return', 'approve') AND h.at >= ? AND (h.person_id IS NULL OR h.person_id <> ?) AND "

static json_t *value_row(db_stmt *s)
{
	bool returned = strcmp(db_column_text(s, 2), "return") == 0;
	char key[KEY_MAX], link[64], label_vi[PERIOD_LABEL_MAX] = "", label_en[PERIOD_LABEL_MAX] = "";
	int64_t value_id = db_column_int64(s, 1);
	snprintf(key, sizeof(key), "%s:%lld:%lld", returned ? "value-returned" : "value-approved", (long long)value_id,
		(long long)db_column_int64(s, 0));
	snprintf(link, sizeof(link), "#/viec-cua-toi?value=%lld", (long long)value_id);
	const char *code = db_column_text(s, 6);
	period p;
	if (code && period_parse(&p, code, strlen(code)) == 0) {
		period_format_vi(&p, label_vi);
		period_label_en(&p, label_en, sizeof(label_en));
	}
	json_t *item = item_new(returned ? "value_returned" : "value_approved", key, db_column_text(s, 3), json_string(link), s, 10);
	if (!item)
		return NULL;
	json_object_set_new(item, "value_id", json_integer(value_id));
	json_object_set_new(item, "indicator", json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)db_column_int64(s, 7), "code",
		db_column_text(s, 8), "name", db_column_text(s, 9)));
	json_object_set_new(item, "period", json_pack("{s:s?, s:s, s:s}", "code", code, "vi", label_vi, "en", label_en));
	json_object_set_new(item, "value", db_column_is_null(s, 5) ? json_null() : json_real(db_column_double(s, 5)));
	set_text(item, "by", db_column_text(s, 13));
	if (returned)
		set_text(item, "reason", db_column_text(s, 4));
	return item;
}

#define REPORT_SQL \
	"SELECT r.id, r.kind, r.status, r.reviewed_at, r.reason, r.progress, t.id, t.code, t.title, " \
	"u.id, u.code, u.name, p.name FROM task_report r JOIN task t ON t.id = r.task_id " \
	"JOIN unit u ON u.id = r.unit_id LEFT JOIN person p ON p.id = r.reviewed_by " \
	"WHERE r.status IN ('returned', 'approved') AND r.reviewed_at >= ? AND (r.reviewed_by IS NULL OR r.reviewed_by <> ?)"

static json_t *report_row(db_stmt *s)
{
	bool returned = strcmp(db_column_text(s, 2), "returned") == 0;
	char key[KEY_MAX];
	snprintf(key, sizeof(key), "%s:%lld", returned ? "report-returned" : "report-approved", (long long)db_column_int64(s, 0));
	json_t *item = item_new(returned ? "report_returned" : "report_approved", key, db_column_text(s, 3),
		task_link(db_column_text(s, 7)), s, 9);
	if (!item)
		return NULL;
	json_object_set_new(item, "task", task_of(s, 6));
	json_object_set_new(item, "report_id", json_integer(db_column_int64(s, 0)));
	json_object_set_new(item, "report_kind", json_string(db_column_text(s, 1)));
	json_object_set_new(item, "progress", json_integer(db_column_int64(s, 5)));
	set_text(item, "by", db_column_text(s, 12));
	if (returned)
		set_text(item, "reason", db_column_text(s, 4));
	return item;
}

#define COMMENT_SQL \
	"SELECT c.id, c.at, c.text, t.id, t.code, t.title, u.id, u.code, u.name, p.name FROM task_comment c " \
	"JOIN task t ON t.id = c.task_id JOIN unit u ON u.id = t.lead_unit_id LEFT JOIN person p ON p.id = c.person_id " \
	"WHERE c.at >= ? AND (c.person_id IS NULL OR c.person_id <> ?)"

static json_t *comment_row(db_stmt *s)
{
	char key[KEY_MAX];
	snprintf(key, sizeof(key), "comment:%lld", (long long)db_column_int64(s, 0));
	json_t *item = item_new("comment", key, db_column_text(s, 1), task_link(db_column_text(s, 4)), s, 6);
	if (!item)
		return NULL;
	json_object_set_new(item, "task", task_of(s, 3));
	json_object_set_new(item, "comment_id", json_integer(db_column_int64(s, 0)));
	set_text(item, "text", db_column_text(s, 2));
	set_text(item, "by", db_column_text(s, 9));
	return item;
}

#define EXTENSION_SQL \
	"SELECT e.id, e.status, e.decided_at, e.decision_reason, e.proposed_deadline, e.previous_deadline, " \
	"t.id, t.code, t.title, u.id, u.code, u.name, p.name FROM task_extension e JOIN task t ON t.id = e.task_id " \
	"JOIN unit u ON u.id = e.unit_id LEFT JOIN person p ON p.id = e.decided_by " \
	"WHERE e.status IN ('approved', 'refused') AND e.decided_at >= ? AND (e.decided_by IS NULL OR e.decided_by <> ?)"

static json_t *extension_row(db_stmt *s)
{
	char key[KEY_MAX];
	snprintf(key, sizeof(key), "extension-decided:%lld", (long long)db_column_int64(s, 0));
	json_t *item = item_new("extension_decided", key, db_column_text(s, 2), task_link(db_column_text(s, 7)), s, 9);
	if (!item)
		return NULL;
	json_object_set_new(item, "task", task_of(s, 6));
	json_object_set_new(item, "extension_id", json_integer(db_column_int64(s, 0)));
	json_object_set_new(item, "decision", json_string(db_column_text(s, 1)));
	set_text(item, "proposed_deadline", db_column_text(s, 4));
	set_text(item, "previous_deadline", db_column_text(s, 5));
	set_text(item, "reason", db_column_text(s, 3));
	set_text(item, "by", db_column_text(s, 12));
	return item;
}

/* The newest day's reminders; an item keeps its key (and the day it
 * first appeared) while the task stays due soon or overdue on the same
 * deadline. */
#define REMINDER_SQL \
	"SELECT r.task_id, r.kind, r.deadline, t.code, t.title, u.id, u.code, u.name, " \
	"(SELECT MIN(r2.day) FROM reminder r2 WHERE r2.unit_id = r.unit_id AND r2.task_id = r.task_id " \
	"AND r2.kind = r.kind AND r2.deadline = r.deadline) FROM reminder r " \
	"JOIN task t ON t.id = r.task_id JOIN unit u ON u.id = r.unit_id " \
	"WHERE r.day = (SELECT MAX(day) FROM reminder)"

static json_t *reminder_row(db_stmt *s)
{
	bool overdue = strcmp(db_column_text(s, 1), "overdue") == 0;
	char key[KEY_MAX], at[TIME_ISO_SIZE];
	const char *deadline = db_column_text(s, 2), *first = db_column_text(s, 8);
	snprintf(key, sizeof(key), "%s:%lld:%s", overdue ? "task-overdue" : "task-due-soon", (long long)db_column_int64(s, 0),
		deadline ? deadline : "");
	snprintf(at, sizeof(at), "%.10sT00:00:00Z", first ? first : "");
	json_t *item = item_new(overdue ? "task_overdue" : "task_due_soon", key, at, task_link(db_column_text(s, 3)), s, 5);
	if (!item)
		return NULL;
	json_object_set_new(item, "task", json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)db_column_int64(s, 0), "code",
		db_column_text(s, 3), "title", db_column_text(s, 4)));
	set_text(item, "deadline", deadline);
	return item;
}

/* Runs one source: sql's parameters are since (when given), the person
 * (when given), then the scope's paths. */
static int run_source(json_t *items, db_conn *db, const str *sql, const char *since, int64_t me, const char *const *paths,
	int n_paths, row_fn row)
{
	db_stmt *s;
	int rc, at = 1;
	if (str_oom(sql))
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = db_prepare(&s, db, sql->ptr)) < 0)
		return rc;
	if (since)
		rc = db_bind_text(s, at++, since);
	if (rc == 0 && me)
		rc = db_bind_int64(s, at++, me);
	if (rc == 0)
		rc = bind_within(s, &at, paths, n_paths);
	while (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *item = row(s);
		if (!item || json_array_append_new(items, item) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		rc = 0;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* One source whose SQL is head, then " AND " and the scope's condition
 * (on the unit column, or on the task t when col is NULL), then tail. */
static int source(json_t *items, db_conn *db, const char *head, const char *col, const char *tail, const char *since,
	int64_t me, const scope *sc, row_fn row)
{
	str sql = STR_INIT;
	str_append(&sql, head);
	if (col)
		append_within(&sql, col, sc->n_mine);
	else
		append_task_mine(&sql, sc->n_mine);
	str_appendf(&sql, " %s LIMIT %d", tail, SOURCE_MAX);
	int rc = run_source(items, db, &sql, since, me, sc->mine, sc->n_mine, row);
	str_free(&sql);
	return rc;
}

/* Values submitted and completion requests waiting in the steering
 * office's subtrees, as one item, keyed by the day of the newest: it
 * comes back unread when a new day's submissions arrive. */
static int approvals_item(json_t *items, db_conn *db, const scope *sc)
{
	str sql = STR_INIT;
	db_stmt *s = NULL;
	int64_t n_values = 0, n_reports = 0;
	char newest[TIME_ISO_SIZE + 8] = "";
	int rc = 0;
	for (int pass = 0; rc == 0 && pass < 2; pass++) {
		str_clear(&sql);
		str_append(&sql, pass == 0
			? "SELECT COUNT(*), MAX(v.submitted_at) FROM indicator_value v JOIN unit u ON u.id = v.unit_id "
			  "WHERE v.status = 'submitted' AND "
			: "SELECT COUNT(*), MAX(r.at) FROM task_report r JOIN task t ON t.id = r.task_id "
			  "JOIN unit u ON u.id = t.lead_unit_id WHERE r.kind = 'completion' AND r.status = 'submitted' AND ");
		append_within(&sql, "u.path", sc->n_steer);
		int at = 1;
		if (str_oom(&sql))
			rc = err_set(ERR_NOMEM, "out of memory");
		else if ((rc = db_prepare(&s, db, sql.ptr)) == 0 && (rc = bind_within(s, &at, sc->steer, sc->n_steer)) == 0 &&
			 (rc = db_step(s)) == DB_ROW) {
			*(pass == 0 ? &n_values : &n_reports) = db_column_int64(s, 0);
			const char *last = db_column_text(s, 1);
			if (last && strcmp(last, newest) > 0)
				snprintf(newest, sizeof(newest), "%s", last);
			rc = 0;
		}
		db_finalize(s);
		s = NULL;
	}
	str_free(&sql);
	if (rc < 0 || n_values + n_reports == 0)
		return rc < 0 ? rc : 0;
	char key[KEY_MAX];
	snprintf(key, sizeof(key), "approvals-waiting:%.10s", newest);
	if ((rc = db_prepare(&s, db, "SELECT id, code, name FROM unit WHERE id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, sc->steer_unit);
	if ((rc = db_step(s)) == DB_ROW) {
		json_t *item = item_new("approvals_waiting", key, newest, json_string("#/phe-duyet"), s, 0);
		if (!item || json_array_append_new(items, item) < 0)
			rc = err_set(ERR_NOMEM, "out of memory");
		else {
			json_object_set_new(item, "values", json_integer(n_values));
			json_object_set_new(item, "reports", json_integer(n_reports));
			json_object_set_new(item, "count", json_integer(n_values + n_reports));
			rc = 0;
		}
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int newest_first(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
	const char *ax = json_string_value(json_object_get(x, "at")), *ay = json_string_value(json_object_get(y, "at"));
	int c = strcmp(ay ? ay : "", ax ? ax : "");
	if (c)
		return c;
	return strcmp(json_string_value(json_object_get(x, "key")), json_string_value(json_object_get(y, "key")));
}

static int sort_items(json_t **items)
{
	size_t n = json_array_size(*items);
	json_t **list = malloc((n ? n : 1) * sizeof(json_t *)), *sorted = json_array();
	if (!list || !sorted) {
		free(list);
		json_decref(sorted);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		list[i] = json_array_get(*items, i);
	qsort(list, n, sizeof(json_t *), newest_first);
	for (size_t i = 0; i < n; i++)
		json_array_append(sorted, list[i]);
	free(list);
	json_decref(*items);
	*items = sorted;
	return 0;
}

int inbox__collect(json_t **out, db_conn *db, const principal *who, const char *since)
{
	scope sc;
	json_t *items = json_array();
	int64_t me = who->person_id;
	int rc;
	if (!items)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = scope_init(&sc, who)) < 0) {
		json_decref(items);
		return rc;
	}
	if (sc.n_mine > 0 &&
	    ((rc = source(items, db, VALUE_SQL, "u.path", "ORDER BY h.at DESC", since, me, &sc, value_row)) < 0 ||
	     (rc = source(items, db, REPORT_SQL, NULL, "ORDER BY r.reviewed_at DESC", since, me, &sc, report_row)) < 0 ||
	     (rc = source(items, db, REMINDER_SQL, NULL, "ORDER BY r.deadline, t.code", NULL, 0, &sc, reminder_row)) < 0 ||
	     (rc = source(items, db, COMMENT_SQL, NULL, "ORDER BY c.at DESC", since, me, &sc, comment_row)) < 0 ||
	     (rc = source(items, db, EXTENSION_SQL, NULL, "ORDER BY e.decided_at DESC", since, me, &sc, extension_row)) < 0))
		goto done;
	if (sc.n_steer > 0 && (rc = approvals_item(items, db, &sc)) < 0)
		goto done;
	/* new listings of the market that the person's saved searches find */
	if ((rc = matching_inbox_items(items, db, who, since)) < 0)
		goto done;
	/* publications, returns and engagements of the listings the person owns */
	if ((rc = notice_inbox_items(items, db, who, since)) < 0)
		goto done;
	rc = sort_items(&items);
done:
	scope_free(&sc);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return 0;
}

/* ------------------------------------------------------------------ read */

/* The item keys that sql (one parameter: the person's id, given once for
 * every '?') selects, as the keys of a new object. */
int inbox__key_set(json_t **out, db_conn *db, const char *sql, int64_t person_id)
{
	db_stmt *s;
	json_t *set = json_object();
	int rc;
	if (!set)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = db_prepare(&s, db, sql)) < 0) {
		json_decref(set);
		return rc;
	}
	int n = 0;
	for (const char *q = strchr(sql, '?'); q; q = strchr(q + 1, '?'))
		db_bind_int64(s, ++n, person_id);
	while ((rc = db_step(s)) == DB_ROW)
		json_object_set_new(set, db_column_text(s, 0), json_true());
	db_finalize(s);
	if (rc < 0) {
		json_decref(set);
		return rc;
	}
	*out = set;
	return 0;
}

/* The keys who has read, as the keys of a new object. */
static int read_keys(json_t **out, db_conn *db, int64_t person_id)
{
	return inbox__key_set(out, db, "SELECT item_key FROM inbox_read WHERE person_id = ?", person_id);
}

static int signed_in(const principal *who)
{
	return who->person_id ? 0 : err_set(ERR_UNAUTHORIZED, "sign in to see your inbox");
}

/* Everything of who, read marks set; *unread counts the others. */
static int items_marked(json_t **out, int *unread, db_conn *db, const principal *who)
{
	char since[TIME_ISO_SIZE];
	json_t *items, *read = NULL, *item;
	size_t i;
	int rc;
	time_iso_from_now(since, -(long)INBOX_WINDOW_DAYS * 86400L);
	if ((rc = inbox__collect(&items, db, who, since)) < 0)
		return rc;
	if ((rc = read_keys(&read, db, who->person_id)) < 0) {
		json_decref(items);
		return rc;
	}
	*unread = 0;
	json_array_foreach(items, i, item) {
		bool is_read = json_object_get(read, json_string_value(json_object_get(item, "key"))) != NULL;
		json_object_set_new(item, "read", json_boolean(is_read));
		*unread += !is_read;
	}
	json_decref(read);
	*out = items;
	return 0;
}

int inbox_list(json_t **out, db_conn *db, const principal *who, int64_t limit, int64_t offset)
{
	json_t *items, *page;
	int unread, rc;
	if ((rc = signed_in(who)) < 0 || (rc = items_marked(&items, &unread, db, who)) < 0)
		return rc;
	size_t total = json_array_size(items);
	if (!(page = json_array())) {
		json_decref(items);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (size_t i = (size_t)offset; i < total && i < (size_t)(offset + limit); i++)
		json_array_append(page, json_array_get(items, i));
	json_decref(items);
	*out = json_pack("{s:o, s:i, s:I, s:I, s:I}", "items", page, "unread", unread, "total", (json_int_t)total, "limit",
		(json_int_t)limit, "offset", (json_int_t)offset);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* The keys asked for, as the keys of a new object. */
static int wanted_keys(json_t **out, const json_t *keys)
{
	size_t i;
	json_t *k;
	if (!json_is_array(keys) || json_array_size(keys) > INBOX_KEYS_MAX)
		return err_set(ERR_INVALID, "'keys' must be a list of at most %d item keys", INBOX_KEYS_MAX);
	json_t *set = json_object();
	if (!set)
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(keys, i, k) {
		const char *v = json_string_value(k);
		if (!v || !*v || strlen(v) >= KEY_MAX) {
			json_decref(set);
			return err_set(ERR_INVALID, "'keys' must be a list of at most %d item keys", INBOX_KEYS_MAX);
		}
		json_object_set_new(set, v, json_true());
	}
	*out = set;
	return 0;
}

int inbox_mark_read(int *marked, int *unread, db_conn *db, const principal *who, const json_t *keys)
{
	json_t *want = NULL, *items, *item;
	char now[TIME_ISO_SIZE];
	size_t i;
	int rc;
	*marked = 0;
	if ((rc = signed_in(who)) < 0 || (keys && (rc = wanted_keys(&want, keys)) < 0))
		return rc;
	if ((rc = items_marked(&items, unread, db, who)) < 0) {
		json_decref(want);
		return rc;
	}
	time_now_iso(now);
	if ((rc = db_begin_write(db)) == 0) {
		json_array_foreach(items, i, item) {
			const char *key = json_string_value(json_object_get(item, "key"));
			if (json_is_true(json_object_get(item, "read")) || (want && !json_object_get(want, key)))
				continue;
			if ((rc = db_run(db, NULL, "INSERT INTO inbox_read (person_id, item_key, read_at) VALUES (?, ?, ?) "
						   "ON CONFLICT (person_id, item_key) DO NOTHING", "itt", who->person_id, key, now)) < 0)
				break;
			(*unread)--;
			*marked += (int)db_changes(db);
		}
		if (rc < 0)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	json_decref(items);
	json_decref(want);
	return rc;
}
