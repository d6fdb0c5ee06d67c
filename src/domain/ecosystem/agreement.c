/* agreement: agreements, their parties, committed actions (tasks) and the
 * problems partners bring; reads with the derived status. The CSV
 * exchange is at the end of the file. */
#include "domain/ecosystem/agreement.h"
#include "domain/ecosystem/agreement_internal.h"
#include "domain/people/audit.h"
#include "domain/programme/attachment.h"
#include "domain/programme/task.h"
#include "util/csv.h"
#include "util/table.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const agreement_kinds[] = { "mou", "cooperation", "contract", "other", NULL };
const char *const agreement_statuses[] = { "draft", "active", "expired", "ended", NULL };
const char *const agreement_problem_statuses[] = { "open", "commissioned", "solved", "dropped", NULL };

#define CODE_MAX 40
#define TITLE_MAX 1000
#define TEXT_MAX 20000
#define FOCUS_MAX 16

static bool in_list(const char *const *list, const char *v)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

/* The derived status as SQL over agreement a, with today bound at ?. */
#define STATUS_SQL "CASE WHEN a.status = 'active' AND a.ends_on IS NOT NULL AND a.ends_on < ? THEN 'expired' ELSE a.status END"

static void today_text(char out[11], date_ymd today) { date_format_iso(today, out); }

/* ------------------------------------------------------------------ reads */

static int parties_of(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT o.id, o.name, o.kind, p.role FROM agreement_party p "
				    "JOIN organisation o ON o.id = p.organisation_id WHERE p.agreement_id = ? ORDER BY o.name_folded, o.id");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "organisation_id",
				(json_int_t)db_column_int64(s, 0), "name", db_column_text(s, 1), "kind", db_column_text(s, 2),
				"role", db_column_text(s, 3)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

#define AGREEMENT_SELECT \
	"SELECT a.id, a.code, a.kind, a.title, a.signed_on, a.ends_on, a.focus, " STATUS_SQL ", a.description, a.demo, " \
	"a.created_at, a.updated_at, (SELECT COUNT(*) FROM agreement_action x WHERE x.agreement_id = a.id), " \
	"(SELECT COUNT(*) FROM agreement_problem x WHERE x.agreement_id = a.id) FROM agreement a"

static json_t *agreement_row(db_stmt *s)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:o, s:s, s:s?, s:b, s:s, s:s, s:I, s:I}", "id",
		(json_int_t)db_column_int64(s, 0), "code", db_column_text(s, 1), "kind", db_column_text(s, 2), "title",
		db_column_text(s, 3), "signed_on", db_column_text(s, 4), "ends_on", db_column_text(s, 5), "focus",
		json_csv_list(db_column_text(s, 6)), "status", db_column_text(s, 7), "description", db_column_text(s, 8),
		"demo", db_column_int64(s, 9) != 0, "created_at", db_column_text(s, 10), "updated_at",
		db_column_text(s, 11), "n_actions", (json_int_t)db_column_int64(s, 12), "n_problems",
		(json_int_t)db_column_int64(s, 13));
	return o;
}

static int actions_of(json_t **out, db_conn *db, int64_t id, date_ymd as_of)
{
	db_stmt *s;
	json_t *ids = json_array(), *list = json_array();
	int rc = db_prepare(&s, db, "SELECT x.task_id FROM agreement_action x JOIN task t ON t.id = x.task_id "
				    "WHERE x.agreement_id = ? ORDER BY t.deadline, t.code");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(ids, json_integer(db_column_int64(s, 0)));
		db_finalize(s);
	}
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		json_t *t;
		if (rc < 0 || (rc = task_get(&t, db, json_integer_value(v), as_of)) < 0)
			break;
		json_t *a = json_pack("{s:O, s:O, s:O, s:O?, s:O?, s:O, s:O, s:O, s:O}", "task_id", json_object_get(t, "id"),
			"code", json_object_get(t, "code"), "title", json_object_get(t, "title"), "deadline",
			json_object_get(t, "deadline"), "product", json_object_get(t, "product"), "lead_unit",
			json_object_get(t, "lead_unit"), "progress", json_object_get(t, "progress"), "status",
			json_object_get(t, "status"), "status_label", json_object_get(t, "status_label"));
		json_decref(t);
		json_array_append_new(list, a);
	}
	json_decref(ids);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

static int problems_of(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT p.id, p.title, p.description, p.status, p.created_at, o.id, o.name, o.kind "
				    "FROM agreement_problem p LEFT JOIN organisation o ON o.id = p.organisation_id "
				    "WHERE p.agreement_id = ? ORDER BY p.id");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW) {
			json_t *p = json_pack("{s:I, s:s, s:s?, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0), "title",
				db_column_text(s, 1), "description", db_column_text(s, 2), "status", db_column_text(s, 3),
				"created_at", db_column_text(s, 4));
			json_object_set_new(p, "organisation", db_column_is_null(s, 5) ? json_null()
				: json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 5), "name", db_column_text(s, 6),
					  "kind", db_column_text(s, 7)));
			json_array_append_new(list, p);
		}
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

/* The base record (fields and parties) of agreement id, for reads and the
 * audit trail; NULL in *out when there is none. */
static int agreement_load(json_t **out, db_conn *db, int64_t id, date_ymd today)
{
	char day[11];
	db_stmt *s;
	json_t *parties;
	*out = NULL;
	today_text(day, today);
	int rc = db_prepare(&s, db, AGREEMENT_SELECT " WHERE a.id = ?");
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, day);
	db_bind_int64(s, 2, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = agreement_row(s);
	db_finalize(s);
	if (rc < 0 || !*out)
		return rc < 0 ? rc : 0;
	if ((rc = parties_of(&parties, db, id)) < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "parties", parties);
	return 0;
}

int agreement_get(json_t **out, db_conn *db, int64_t id, date_ymd today, bool details, bool public_only)
{
	json_t *a, *files, *x;
	int rc = agreement_load(&a, db, id, today);
	*out = NULL;
	if (rc < 0)
		return rc;
	const char *status = a ? json_string_value(json_object_get(a, "status")) : NULL;
	if (!a || (public_only && strcmp(status, "active") != 0 && strcmp(status, "expired") != 0)) {
		json_decref(a);
		return err_set(ERR_NOTFOUND, "no agreement with id %lld", (long long)id);
	}
	if ((rc = attachment_list(&files, db, "agreement", id)) < 0)
		goto fail;
	size_t n = json_array_size(files);
	json_object_set(a, "file", n ? json_array_get(files, n - 1) : json_null());
	json_object_set_new(a, "files", files);
	if (details) {
		if ((rc = actions_of(&x, db, id, today)) < 0)
			goto fail;
		json_object_set_new(a, "actions", x);
		if ((rc = problems_of(&x, db, id)) < 0)
			goto fail;
		json_object_set_new(a, "problems", x);
	}
	*out = a;
	return 0;
fail:
	json_decref(a);
	return rc;
}

int agreement_id_by_code(int64_t *out, db_conn *db, const char *code)
{
	int rc = db_run(db, out, "SELECT id FROM agreement WHERE code = ?", "t", code);
	if (rc == 0 && !*out)
		return err_set(ERR_NOTFOUND, "no agreement with code '%s'", code);
	return rc;
}

static int like_pattern(char **out, const char *q)
{
	char *folded;
	int rc;
	*out = NULL;
	if ((rc = vn_fold(&folded, q, strlen(q))) < 0)
		return rc;
	str s = STR_INIT;
	str_appendc(&s, '%');
	for (const char *p = folded; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			str_appendc(&s, '\\');
		str_appendc(&s, *p);
	}
	str_appendc(&s, '%');
	free(folded);
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out = str_detach(&s);
	return 0;
}

/* Binds the filter's parameters in the order list_where wrote them. */
typedef struct list_params {
	const char *day, *like, *kind, *status, *focus;
	int64_t org;
	bool public_only;
} list_params;

static void list_where(str *sql, const list_params *p)
{
	str_append(sql, " WHERE 1 = 1");
	if (p->like)
		str_append(sql, " AND (LOWER(a.code) LIKE ? ESCAPE '\\' OR a.title_folded LIKE ? ESCAPE '\\')");
	if (p->kind)
		str_append(sql, " AND a.kind = ?");
	if (p->status)
		str_append(sql, " AND (" STATUS_SQL ") = ?");
	if (p->org)
		str_append(sql, " AND EXISTS (SELECT 1 FROM agreement_party y WHERE y.agreement_id = a.id AND y.organisation_id = ?)");
	if (p->focus)
		str_append(sql, " AND (',' || a.focus || ',') LIKE ? ESCAPE '\\'");
	if (p->public_only)
		str_append(sql, " AND a.status IN ('active', 'expired')");
}

static int list_bind(db_stmt *s, const list_params *p, int i)
{
	if (p->like) {
		db_bind_text(s, i++, p->like);
		db_bind_text(s, i++, p->like);
	}
	if (p->kind)
		db_bind_text(s, i++, p->kind);
	if (p->status) {
		db_bind_text(s, i++, p->day);
		db_bind_text(s, i++, p->status);
	}
	if (p->org)
		db_bind_int64(s, i++, p->org);
	if (p->focus) {
		/* ",code," within ",a,b,", with '_' taken literally */
		char pat[2 * CODE_MAX + 8];
		size_t n = 0;
		pat[n++] = '%';
		pat[n++] = ',';
		for (const char *c = p->focus; *c; c++) {
			if (*c == '_')
				pat[n++] = '\\';
			pat[n++] = *c;
		}
		pat[n++] = ',';
		pat[n++] = '%';
		pat[n] = '\0';
		db_bind_text(s, i++, pat);
	}
	return i;
}

int agreement_list(json_t **out, db_conn *db, const agreement_filter *f, date_ymd today, int64_t limit, int64_t offset)
{
	char day[11];
	char *like = NULL;
	int64_t total = 0;
	db_stmt *s;
	int rc;
	*out = NULL;
	today_text(day, today);
	if (f->status && !in_list(agreement_statuses, f->status))
		return err_set(ERR_INVALID, "'status' must be one of draft, active, expired, ended");
	if (f->kind && !in_list(agreement_kinds, f->kind))
		return err_set(ERR_INVALID, "'kind' must be one of mou, cooperation, contract, other");
	if (f->focus && (strlen(f->focus) > CODE_MAX || strpbrk(f->focus, ",%\\")))
		return err_set(ERR_INVALID, "'focus' must be one focus area code");
	if (f->q && *f->q && (rc = like_pattern(&like, f->q)) < 0)
		return rc;
	list_params p = { .day = day, .like = like, .kind = f->kind, .status = f->status, .focus = f->focus,
		.org = f->organisation_id, .public_only = f->public_only };
	str sql = STR_INIT;
	str_append(&sql, "SELECT COUNT(*) FROM agreement a");
	list_where(&sql, &p);
	if ((rc = db_prepare(&s, db, str_cstr(&sql))) == 0) {
		list_bind(s, &p, 1);
		if ((rc = db_step(s)) == DB_ROW)
			total = db_column_int64(s, 0);
		db_finalize(s);
	}
	str_clear(&sql);
	str_append(&sql, AGREEMENT_SELECT);
	list_where(&sql, &p);
	str_append(&sql, " ORDER BY a.signed_on DESC, a.code LIMIT ? OFFSET ?");
	json_t *list = json_array();
	if (rc >= 0 && (rc = db_prepare(&s, db, str_cstr(&sql))) == 0) {
		db_bind_text(s, 1, day);
		int i = list_bind(s, &p, 2);
		db_bind_int64(s, i++, limit);
		db_bind_int64(s, i, offset);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, agreement_row(s));
		db_finalize(s);
	}
	size_t k;
	json_t *a;
	json_array_foreach(list, k, a) {
		json_t *parties;
		if (rc < 0 || (rc = parties_of(&parties, db, json_integer_value(json_object_get(a, "id")))) < 0)
			break;
		json_object_set_new(a, "parties", parties);
	}
	str_free(&sql);
	free(like);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "agreements", list, "total", (json_int_t)total);
	return 0;
}

int agreement_of_task(json_t **out, db_conn *db, int64_t task_id, date_ymd today)
{
	char day[11];
	db_stmt *s;
	json_t *list = json_array();
	today_text(day, today);
	int rc = db_prepare(&s, db, "SELECT a.code, a.title, a.kind, " STATUS_SQL " FROM agreement_action x "
				    "JOIN agreement a ON a.id = x.agreement_id WHERE x.task_id = ? ORDER BY a.code");
	if (rc == 0) {
		db_bind_text(s, 1, day);
		db_bind_int64(s, 2, task_id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "code", db_column_text(s, 0), "title",
				db_column_text(s, 1), "kind", db_column_text(s, 2), "status", db_column_text(s, 3)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

int agreement_review(json_t **out, db_conn *db, date_ymd from, date_ymd to, date_ymd as_of)
{
	char f[11], t[11];
	db_stmt *s;
	json_t *ids = json_array(), *list = json_array();
	date_format_iso(from, f);
	date_format_iso(to, t);
	int rc = db_prepare(&s, db, "SELECT a.id FROM agreement a WHERE a.status <> 'draft' AND "
				    "(a.signed_on IS NULL OR a.signed_on <= ?) AND (a.ends_on IS NULL OR a.ends_on >= ?) "
				    "ORDER BY a.signed_on, a.code");
	if (rc == 0) {
		db_bind_text(s, 1, t);
		db_bind_text(s, 2, f);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(ids, json_integer(db_column_int64(s, 0)));
		db_finalize(s);
	}
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		json_t *a, *actions;
		if (rc < 0 || (rc = agreement_load(&a, db, json_integer_value(v), as_of)) < 0)
			break;
		if ((rc = actions_of(&actions, db, json_integer_value(v), as_of)) < 0) {
			json_decref(a);
			break;
		}
		json_object_set_new(a, "actions", actions);
		json_array_append_new(list, a);
	}
	json_decref(ids);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

/* ----------------------------------------------------------------- writes */

static int check_date(const char *field, const char *v)
{
	date_ymd d;
	if (v && *v && date_parse(&d, v, strlen(v)) < 0)
		return err_set(ERR_INVALID, "'%s': %s", field, err_msg());
	return 0;
}

static int check_focus(str *out, const json_t *focus)
{
	size_t i;
	json_t *v;
	if (!json_is_array(focus) || json_array_size(focus) > FOCUS_MAX)
		return err_set(ERR_INVALID, "'focus' must be an array of at most %d area codes", FOCUS_MAX);
	json_array_foreach(focus, i, v) {
		const char *c = json_string_value(v);
		size_t n = c ? strlen(c) : 0;
		bool ok = n > 0 && n <= CODE_MAX;
		for (size_t k = 0; ok && k < n; k++)
			ok = (c[k] >= 'a' && c[k] <= 'z') || (c[k] >= '0' && c[k] <= '9') || c[k] == '_';
		if (!ok)
			return err_set(ERR_INVALID, "focus[%zu] must be a code of lower-case letters, digits and '_', such as innovation", i);
		if (out->len)
			str_appendc(out, ',');
		str_append(out, c);
	}
	return 0;
}

int agreement__read_fields(agreement_fields *f, const json_t *in, bool creating)
{
	int rc;
	memset(f, 0, sizeof(*f));
	if ((rc = json_require_object(in, "the agreement")) < 0 || (rc = json_get_string(&f->code, in, "code", creating)) < 0 ||
	    (rc = json_get_string(&f->kind, in, "kind", creating)) < 0 ||
	    (rc = json_get_string(&f->title, in, "title", creating)) < 0 ||
	    (rc = json_get_string(&f->signed_on, in, "signed_on", 0)) < 0 ||
	    (rc = json_get_string(&f->ends_on, in, "ends_on", 0)) < 0 ||
	    (rc = json_get_string(&f->status, in, "status", 0)) < 0 ||
	    (rc = json_get_string(&f->description, in, "description", 0)) < 0 ||
	    (rc = json_get_bool(&f->demo, &f->has_demo, in, "demo", 0)) < 0)
		return rc;
	f->focus = json_object_get(in, "focus");
	f->parties = json_object_get(in, "parties");
	if (f->code && (!*f->code || strlen(f->code) > CODE_MAX || strpbrk(f->code, " \t\r\n,\"/?#%")))
		return err_set(ERR_INVALID, "'code' must have 1 to %d characters without spaces, commas, quotes or slashes", CODE_MAX);
	if (f->kind && !in_list(agreement_kinds, f->kind))
		return err_set(ERR_INVALID, "'kind' must be one of mou, cooperation, contract, other");
	if (f->title && (!*f->title || strlen(f->title) > TITLE_MAX))
		return err_set(ERR_INVALID, "'title' must have 1 to %d bytes", TITLE_MAX);
	if (f->description && strlen(f->description) > TEXT_MAX)
		return err_set(ERR_INVALID, "'description' is longer than %d bytes", TEXT_MAX);
	if (f->status && strcmp(f->status, "draft") != 0 && strcmp(f->status, "active") != 0 && strcmp(f->status, "ended") != 0)
		return err_set(ERR_INVALID, "'status' must be one of draft, active, ended (expired follows from ends_on)");
	if ((rc = check_date("signed_on", f->signed_on)) < 0 || (rc = check_date("ends_on", f->ends_on)) < 0)
		return rc;
	if (f->signed_on && *f->signed_on && f->ends_on && *f->ends_on && strcmp(f->ends_on, f->signed_on) < 0)
		return err_set(ERR_INVALID, "'ends_on' (%s) is before 'signed_on' (%s)", f->ends_on, f->signed_on);
	return 0;
}

int agreement__organisation_exists(db_conn *db, int64_t id, const char *field)
{
	int64_t n = 0;
	int rc = db_run(db, &n, "SELECT COUNT(*) FROM organisation WHERE id = ?", "i", id);
	if (rc == 0 && !n)
		return err_set(ERR_INVALID, "'%s': no organisation with id %lld", field, (long long)id);
	return rc;
}

/* Replaces the parties of agreement id by list [{organisation_id, role?}]. */
static int write_parties(db_conn *db, int64_t id, const json_t *list)
{
	size_t i;
	json_t *p;
	int rc;
	if (!json_is_array(list))
		return err_set(ERR_INVALID, "'parties' must be an array of {organisation_id, role}");
	if ((rc = db_run(db, NULL, "DELETE FROM agreement_party WHERE agreement_id = ?", "i", id)) < 0)
		return rc;
	json_array_foreach(list, i, p) {
		long long org = 0;
		int present;
		const char *role = NULL;
		char field[40];
		snprintf(field, sizeof(field), "parties[%zu]", i);
		if (!json_is_object(p) || json_get_int(&org, &present, p, "organisation_id", 1) < 0 ||
		    json_get_string(&role, p, "role", 0) < 0)
			return err_set(ERR_INVALID, "parties[%zu] must be {organisation_id, role}", i);
		if (role && (!*role || strlen(role) > CODE_MAX))
			return err_set(ERR_INVALID, "parties[%zu]: a role has 1 to %d bytes", i, CODE_MAX);
		if ((rc = agreement__organisation_exists(db, org, field)) < 0)
			return rc;
		int64_t twice = 0;
		if ((rc = db_run(db, &twice, "SELECT COUNT(*) FROM agreement_party WHERE agreement_id = ? AND organisation_id = ?",
			     "ii", id, (int64_t)org)) < 0)
			return rc;
		if (twice)
			return err_set(ERR_INVALID, "parties[%zu]: organisation %lld is a party twice", i, org);
		if ((rc = db_run(db, NULL, "INSERT INTO agreement_party (agreement_id, organisation_id, role) VALUES (?, ?, ?)",
			     "iit", id, (int64_t)org, role ? role : "party")) < 0)
			return rc;
	}
	return 0;
}

static int audit_agreement(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before)
{
	json_t *after;
	int rc = agreement_load(&after, db, id, task_today());
	if (rc < 0) {
		json_decref(before);
		return rc;
	}
	return audit_append_id(db, who, action, "agreement", id, before, after);
}

int agreement_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	agreement_fields f;
	char now[TIME_ISO_SIZE], *folded = NULL;
	str focus = STR_INIT;
	int64_t exists = 0;
	int rc;
	if ((rc = agreement__read_fields(&f, in, true)) < 0 || (f.focus && (rc = check_focus(&focus, f.focus)) < 0))
		goto done;
	/* checked before the insert: on PostgreSQL a failed statement ends the transaction (imports go on) */
	if ((rc = db_run(db, &exists, "SELECT COUNT(*) FROM agreement WHERE code = ?", "t", f.code)) < 0)
		goto done;
	if (exists) {
		rc = err_set(ERR_CONFLICT, "an agreement with code '%s' exists already", f.code);
		goto done;
	}
	if ((rc = vn_fold(&folded, f.title, strlen(f.title))) < 0)
		goto done;
	time_now_iso(now);
	rc = db_run(db, out_id,
		"INSERT INTO agreement (code, kind, title, title_folded, signed_on, ends_on, focus, status, description, "
		"demo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"tttttttttitt", f.code, f.kind, f.title, folded, f.signed_on && *f.signed_on ? f.signed_on : NULL,
		f.ends_on && *f.ends_on ? f.ends_on : NULL, str_cstr(&focus), f.status ? f.status : "active",
		f.description && *f.description ? f.description : NULL, (int64_t)(f.demo ? 1 : 0), now, now);
	if (rc == 0 && f.parties)
		rc = write_parties(db, *out_id, f.parties);
	if (rc == 0)
		rc = audit_agreement(db, who, "create", *out_id, NULL);
done:
	free(folded);
	str_free(&focus);
	return rc;
}

/* Runs fn inside one write transaction. */

int agreement_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	DB_IN_WRITE(db, agreement_insert(out_id, db, who, in));
}

int agreement__update_in(db_conn *db, const principal *who, int64_t id, const agreement_fields *f)
{
	char now[TIME_ISO_SIZE], *folded = NULL;
	json_t *before;
	str focus = STR_INIT;
	int rc = agreement_load(&before, db, id, task_today());
	if (rc < 0)
		return rc;
	if (!before)
		return err_set(ERR_NOTFOUND, "no agreement with id %lld", (long long)id);
	if (f->focus && (rc = check_focus(&focus, f->focus)) < 0)
		goto done;
	/* the term as it will be, checked as a whole */
	const char *signed_on = f->signed_on ? f->signed_on : json_string_value(json_object_get(before, "signed_on"));
	const char *ends_on = f->ends_on ? f->ends_on : json_string_value(json_object_get(before, "ends_on"));
	if (signed_on && *signed_on && ends_on && *ends_on && strcmp(ends_on, signed_on) < 0) {
		rc = err_set(ERR_INVALID, "'ends_on' (%s) is before 'signed_on' (%s)", ends_on, signed_on);
		goto done;
	}
	if (f->title && ((rc = vn_fold(&folded, f->title, strlen(f->title))) < 0 ||
			 (rc = db_run(db, NULL, "UPDATE agreement SET title = ?, title_folded = ? WHERE id = ?", "tti",
				  f->title, folded, id)) < 0))
		goto done;
	if ((f->kind && (rc = db_run(db, NULL, "UPDATE agreement SET kind = ? WHERE id = ?", "ti", f->kind, id)) < 0) ||
	    (f->signed_on && (rc = db_run(db, NULL, "UPDATE agreement SET signed_on = ? WHERE id = ?", "ti",
				      *f->signed_on ? f->signed_on : NULL, id)) < 0) ||
	    (f->ends_on && (rc = db_run(db, NULL, "UPDATE agreement SET ends_on = ? WHERE id = ?", "ti",
				    *f->ends_on ? f->ends_on : NULL, id)) < 0) ||
	    (f->status && (rc = db_run(db, NULL, "UPDATE agreement SET status = ? WHERE id = ?", "ti", f->status, id)) < 0) ||
	    (f->description && (rc = db_run(db, NULL, "UPDATE agreement SET description = ? WHERE id = ?", "ti",
					*f->description ? f->description : NULL, id)) < 0) ||
	    (f->focus && (rc = db_run(db, NULL, "UPDATE agreement SET focus = ? WHERE id = ?", "ti", str_cstr(&focus), id)) < 0) ||
	    (f->parties && (rc = write_parties(db, id, f->parties)) < 0))
		goto done;
	time_now_iso(now);
	if ((rc = db_run(db, NULL, "UPDATE agreement SET updated_at = ? WHERE id = ?", "ti", now, id)) == 0) {
		rc = audit_agreement(db, who, "update", id, before);
		before = NULL;
	}
done:
	json_decref(before);
	free(folded);
	str_free(&focus);
	return rc;
}

int agreement_update(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	agreement_fields f;
	int rc;
	if ((rc = agreement__read_fields(&f, in, false)) < 0)
		return rc;
	if (f.code)
		return err_set(ERR_INVALID, "an agreement's code does not change");
	DB_IN_WRITE(db, agreement__update_in(db, who, id, &f));
}

/* ----------------------------------------------------------- actions */

static int action_audit(db_conn *db, const principal *who, const char *action, int64_t id, int64_t task_id)
{
	return audit_append_id(db, who, action, "agreement", id, NULL,
		json_pack("{s:I}", "task_id", (json_int_t)task_id));
}

static int link_in(db_conn *db, const principal *who, int64_t id, int64_t task_id)
{
	int64_t n = 0;
	int rc;
	if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM agreement WHERE id = ?", "i", id)) < 0)
		return rc;
	if (!n)
		return err_set(ERR_NOTFOUND, "no agreement with id %lld", (long long)id);
	if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM task WHERE id = ?", "i", task_id)) < 0)
		return rc;
	if (!n)
		return err_set(ERR_INVALID, "'task_id': no task with id %lld", (long long)task_id);
	if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM agreement_action WHERE agreement_id = ? AND task_id = ?", "ii", id,
		     task_id)) < 0)
		return rc;
	if (n)
		return err_set(ERR_CONFLICT, "the task is an action of this agreement already");
	if ((rc = db_run(db, NULL, "INSERT INTO agreement_action (agreement_id, task_id) VALUES (?, ?)", "ii", id, task_id)) < 0)
		return rc;
	return action_audit(db, who, "link_action", id, task_id);
}

int agreement_action_link(db_conn *db, const principal *who, int64_t id, int64_t task_id)
{
	DB_IN_WRITE(db, link_in(db, who, id, task_id));
}

static int create_action_in(int64_t *out_task_id, db_conn *db, const principal *who, int64_t id, const json_t *task)
{
	json_t *in = NULL;
	int rc;
	if (!json_is_object(task))
		return err_set(ERR_INVALID, "'task' must be an object {title, lead_unit_code, deadline, code?}");
	if (!json_object_get(task, "code")) {
		/* the next free "<agreement code>-HD<n>" */
		char code[CODE_MAX * 2];
		const char *acode = NULL;
		db_stmt *s;
		if ((rc = db_prepare(&s, db, "SELECT code FROM agreement WHERE id = ?")) < 0)
			return rc;
		db_bind_int64(s, 1, id);
		if ((rc = db_step(s)) == DB_ROW)
			acode = db_column_text(s, 0);
		if (rc < 0 || !acode) {
			db_finalize(s);
			return rc < 0 ? rc : err_set(ERR_NOTFOUND, "no agreement with id %lld", (long long)id);
		}
		in = json_deep_copy(task);
		for (int k = 1; k < 1000; k++) {
			int64_t used = 0;
			snprintf(code, sizeof(code), "%s-HD%d", acode, k);
			if ((rc = db_run(db, &used, "SELECT COUNT(*) FROM task WHERE code = ?", "t", code)) < 0)
				break;
			if (!used)
				break;
		}
		db_finalize(s);
		if (rc < 0) {
			json_decref(in);
			return rc;
		}
		json_object_set_new(in, "code", json_string(code));
	} else {
		int64_t used = 0;
		const char *code = json_string_value(json_object_get(task, "code"));
		if (code && (rc = db_run(db, &used, "SELECT COUNT(*) FROM task WHERE code = ?", "t", code)) < 0)
			return rc;
		if (used)
			return err_set(ERR_CONFLICT, "a task with code '%s' exists already", code);
		in = json_incref((json_t *)task);
	}
	rc = task_insert(out_task_id, db, who, in);
	json_decref(in);
	if (rc < 0)
		return rc;
	return link_in(db, who, id, *out_task_id);
}

int agreement_action_create(int64_t *out_task_id, db_conn *db, const principal *who, int64_t id, const json_t *task)
{
	DB_IN_WRITE(db, create_action_in(out_task_id, db, who, id, task));
}

static int unlink_in(db_conn *db, const principal *who, int64_t id, int64_t task_id)
{
	int rc = db_run(db, NULL, "DELETE FROM agreement_action WHERE agreement_id = ? AND task_id = ?", "ii", id, task_id);
	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return err_set(ERR_NOTFOUND, "task %lld is not an action of this agreement", (long long)task_id);
	return action_audit(db, who, "unlink_action", id, task_id);
}

int agreement_action_unlink(db_conn *db, const principal *who, int64_t id, int64_t task_id)
{
	DB_IN_WRITE(db, unlink_in(db, who, id, task_id));
}

/* ----------------------------------------------------------- problems */

typedef struct problem_fields {
	const char *title, *description, *status;
	long long org;
	int has_org;
	bool org_null;
} problem_fields;

static int read_problem(problem_fields *f, db_conn *db, const json_t *in, bool creating)
{
	int rc;
	memset(f, 0, sizeof(*f));
	f->org_null = json_is_null(json_object_get(in, "organisation_id"));
	if ((rc = json_require_object(in, "the problem")) < 0 || (rc = json_get_string(&f->title, in, "title", creating)) < 0 ||
	    (rc = json_get_string(&f->description, in, "description", 0)) < 0 ||
	    (rc = json_get_string(&f->status, in, "status", 0)) < 0 ||
	    (!f->org_null && (rc = json_get_int(&f->org, &f->has_org, in, "organisation_id", 0)) < 0))
		return rc;
	if (f->title && (!*f->title || strlen(f->title) > TITLE_MAX))
		return err_set(ERR_INVALID, "'title' must have 1 to %d bytes", TITLE_MAX);
	if (f->description && strlen(f->description) > TEXT_MAX)
		return err_set(ERR_INVALID, "'description' is longer than %d bytes", TEXT_MAX);
	if (f->status && !in_list(agreement_problem_statuses, f->status))
		return err_set(ERR_INVALID, "'status' must be one of open, commissioned, solved, dropped");
	if (f->has_org && (rc = agreement__organisation_exists(db, f->org, "organisation_id")) < 0)
		return rc;
	return 0;
}

static json_t *problem_json(const problem_fields *f)
{
	json_t *o = json_object();
	if (f->title)
		json_object_set_new(o, "title", json_string(f->title));
	if (f->description)
		json_object_set_new(o, "description", json_string(f->description));
	if (f->status)
		json_object_set_new(o, "status", json_string(f->status));
	if (f->has_org)
		json_object_set_new(o, "organisation_id", json_integer(f->org));
	return o;
}

int agreement_problem_insert(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	problem_fields f;
	char now[TIME_ISO_SIZE];
	int64_t n = 0;
	int rc;
	if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM agreement WHERE id = ?", "i", id)) < 0)
		return rc;
	if (!n)
		return err_set(ERR_NOTFOUND, "no agreement with id %lld", (long long)id);
	if ((rc = read_problem(&f, db, in, true)) < 0)
		return rc;
	time_now_iso(now);
	if ((rc = db_run(db, out_id, "INSERT INTO agreement_problem (agreement_id, title, description, status, created_at) "
				    "VALUES (?, ?, ?, ?, ?) RETURNING id", "itttt", id, f.title,
		     f.description && *f.description ? f.description : NULL, f.status ? f.status : "open", now)) < 0)
		return rc;
	if (f.has_org && (rc = db_run(db, NULL, "UPDATE agreement_problem SET organisation_id = ? WHERE id = ?", "ii",
				  (int64_t)f.org, *out_id)) < 0)
		return rc;
	json_t *after = problem_json(&f);
	json_object_set_new(after, "problem_id", json_integer(*out_id));
	return audit_append_id(db, who, "add_problem", "agreement", id, NULL, after);
}

int agreement_problem_add(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	DB_IN_WRITE(db, agreement_problem_insert(out_id, db, who, id, in));
}

static int problem_update_in(db_conn *db, const principal *who, int64_t id, int64_t problem_id, const json_t *in)
{
	problem_fields f;
	int64_t n = 0;
	int rc;
	if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM agreement_problem WHERE id = ? AND agreement_id = ?", "ii", problem_id,
		     id)) < 0)
		return rc;
	if (!n)
		return err_set(ERR_NOTFOUND, "no problem %lld on this agreement", (long long)problem_id);
	if ((rc = read_problem(&f, db, in, false)) < 0)
		return rc;
	if ((f.title && (rc = db_run(db, NULL, "UPDATE agreement_problem SET title = ? WHERE id = ?", "ti", f.title, problem_id)) < 0) ||
	    (f.description && (rc = db_run(db, NULL, "UPDATE agreement_problem SET description = ? WHERE id = ?", "ti",
				       *f.description ? f.description : NULL, problem_id)) < 0) ||
	    (f.status && (rc = db_run(db, NULL, "UPDATE agreement_problem SET status = ? WHERE id = ?", "ti", f.status,
				  problem_id)) < 0) ||
	    (f.has_org && (rc = db_run(db, NULL, "UPDATE agreement_problem SET organisation_id = ? WHERE id = ?", "ii",
				   (int64_t)f.org, problem_id)) < 0) ||
	    (f.org_null && (rc = db_run(db, NULL, "UPDATE agreement_problem SET organisation_id = NULL WHERE id = ?", "i",
				    problem_id)) < 0))
		return rc;
	json_t *after = problem_json(&f);
	json_object_set_new(after, "problem_id", json_integer(problem_id));
	return audit_append_id(db, who, "update_problem", "agreement", id, NULL, after);
}

int agreement_problem_update(db_conn *db, const principal *who, int64_t id, int64_t problem_id, const json_t *in)
{
	DB_IN_WRITE(db, problem_update_in(db, who, id, problem_id, in));
}
