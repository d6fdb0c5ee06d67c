/* unit: the unit tree — reading, creating, changing, moving (CSV import
 * and export: unit_import.c). Writes are one transaction each, with their
 * audit entry. */
#include "domain/people/unit.h"
#include "domain/people/unit_internal.h"
#include "domain/people/audit.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const unit_kinds[] = { "province", "department", "agency", "commune", "university", "enterprise",
	"innovation_centre", "other", NULL };

#define CODE_MAX 40
#define NAME_MAX_BYTES 300

bool unit_kind_valid(const char *kind)
{
	for (int i = 0; kind && unit_kinds[i]; i++)
		if (strcmp(kind, unit_kinds[i]) == 0)
			return true;
	return false;
}

/* The upper bound of a subtree's paths: "/1/5/" -> "/1/50" ('0' follows '/'). */
static void subtree_end(char *out, size_t size, const char *path)
{
	snprintf(out, size, "%s", path);
	size_t n = strlen(out);
	if (n)
		out[n - 1] = '0';
}

/* NFC with current tone placement: the form names are stored in. */
int unit_clean_name(char **out, const char *name)
{
	char *nfc = NULL;
	*out = NULL;
	int rc = vn_tone_normalise(&nfc, name, strlen(name));
	if (rc < 0)
		return rc;
	/* trim */
	char *p = nfc;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0 || n > NAME_MAX_BYTES) {
		free(nfc);
		return err_set(ERR_INVALID, n ? "the name is longer than %d bytes" : "the name is empty", NAME_MAX_BYTES);
	}
	memmove(nfc, p, n);
	nfc[n] = '\0';
	*out = nfc;
	return 0;
}

int unit_check_code(const char *code)
{
	size_t n = strlen(code);
	if (n > CODE_MAX)
		return err_set(ERR_INVALID, "code '%.40s…' is longer than %d bytes", code, CODE_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)code[i] <= ' ' || code[i] == ',' || code[i] == '"')
			return err_set(ERR_INVALID, "code '%s' may not hold spaces, commas or quotes", code);
	return 0;
}

/* ------------------------------------------------------------------ reads */

#define UNIT_SELECT \
	"SELECT u.id, u.code, u.name, u.kind, u.parent_id, p.code, u.path, u.depth, u.active, u.public, " \
	"(SELECT COUNT(*) FROM unit c WHERE c.parent_id = u.id) FROM unit u LEFT JOIN unit p ON p.id = u.parent_id"

static json_t *unit_row_json(db_stmt *s)
{
	return json_pack("{s:I, s:s?, s:s, s:s, s:o, s:s?, s:s, s:I, s:b, s:b, s:I}", "id",
		(json_int_t)db_column_int64(s, 0), "code", db_column_text(s, 1), "name", db_column_text(s, 2), "kind",
		db_column_text(s, 3), "parent_id",
		db_column_is_null(s, 4) ? json_null() : json_integer(db_column_int64(s, 4)), "parent_code",
		db_column_text(s, 5), "path", db_column_text(s, 6), "depth", (json_int_t)db_column_int64(s, 7),
		"active", db_column_int64(s, 8) != 0, "public", db_column_int64(s, 9) != 0, "n_children",
		(json_int_t)db_column_int64(s, 10));
}

int unit_path(const char **out, db_conn *db, arena *a, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT path FROM unit WHERE id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = arena_strdup(a, db_column_text(s, 0));
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)id);
}

int unit_find(int64_t *id, const char **path, const char **code_out, db_conn *db, arena *a, const char *code, int64_t by_id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, code ? "SELECT id, path, code FROM unit WHERE code = ?" : "SELECT id, path, code FROM unit WHERE id = ?");
	*id = 0;
	*path = *code_out = NULL;
	if (rc < 0)
		return rc;
	if (code)
		db_bind_text(s, 1, code);
	else
		db_bind_int64(s, 1, by_id);
	if ((rc = db_step(s)) == DB_ROW) {
		*id = db_column_int64(s, 0);
		*path = arena_strdup(a, db_column_text(s, 1));
		*code_out = arena_strdup(a, db_column_text(s, 2));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int unit_path_open(const char **out, bool *open, db_conn *db, arena *a, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT path, public, active FROM unit WHERE id = ?");
	*out = NULL;
	*open = false;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		*out = arena_strdup(a, db_column_text(s, 0));
		*open = db_column_int64(s, 1) && db_column_int64(s, 2);
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)id);
}

typedef struct list_sql {
	str where;
	const char *texts[6];
	int n_texts;
	int64_t ints[3];
	int n_ints;
	char end[300], start[300];
	char *like_code, *like_name;
} list_sql;

static int list_sql_build(list_sql *l, db_conn *db, const unit_filter *f)
{
	int rc;
	memset(l, 0, sizeof(*l));
	str_append(&l->where, " WHERE 1=1");
	if (f->public_only)
		str_append(&l->where, " AND u.public = 1 AND u.active = 1");
	if (f->active >= 0)
		str_append(&l->where, f->active ? " AND u.active = 1" : " AND u.active = 0");
	if (f->kind && *f->kind) {
		str_append(&l->where, " AND u.kind = ?");
		l->texts[l->n_texts++] = f->kind;
	}
	if (f->parent_id == -1)
		str_append(&l->where, " AND u.parent_id IS NULL");
	else if (f->parent_id > 0) {
		str_append(&l->where, " AND u.parent_id = ?");
		l->ints[l->n_ints++] = f->parent_id;
	}
	if (f->under > 0) {
		arena a;
		const char *path;
		arena_init(&a, 256);
		rc = unit_path(&path, db, &a, f->under);
		if (rc == 0) {
			snprintf(l->start, sizeof(l->start), "%s", path);
			subtree_end(l->end, sizeof(l->end), path);
		}
		arena_free(&a);
		if (rc < 0)
			return rc;
		str_append(&l->where, " AND u.path >= ? AND u.path < ?");
		l->texts[l->n_texts++] = l->start;
		l->texts[l->n_texts++] = l->end;
	}
	if (f->q && *f->q) {
		char *folded = NULL;
		if ((rc = vn_fold(&folded, f->q, strlen(f->q))) < 0)
			return rc;
		l->like_code = malloc(strlen(folded) + 2);
		l->like_name = malloc(strlen(folded) + 3);
		if (l->like_code && l->like_name) {
			sprintf(l->like_code, "%s%%", folded);
			sprintf(l->like_name, "%%%s%%", folded);
		}
		free(folded);
		if (!l->like_code || !l->like_name)
			return err_set(ERR_NOMEM, "out of memory");
		str_append(&l->where, " AND (LOWER(u.code) LIKE ? OR u.name_folded LIKE ?)");
		l->texts[l->n_texts++] = l->like_code;
		l->texts[l->n_texts++] = l->like_name;
	}
	return str_oom(&l->where) ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static void list_sql_free(list_sql *l)
{
	str_free(&l->where);
	free(l->like_code);
	free(l->like_name);
}

/* Binds in the order the clauses were added: texts and ints interleave
 * only as kind, parent, under, q — so bind by walking the same order. */
static int list_bind(db_stmt *s, const list_sql *l, const unit_filter *f)
{
	int i = 1, t = 0;
	if (f->kind && *f->kind)
		db_bind_text(s, i++, l->texts[t++]);
	if (f->parent_id > 0)
		db_bind_int64(s, i++, f->parent_id);
	while (t < l->n_texts)
		db_bind_text(s, i++, l->texts[t++]);
	return i;
}

int unit_list(json_t **out, db_conn *db, const unit_filter *f)
{
	list_sql l;
	str q = STR_INIT;
	db_stmt *s = NULL;
	int64_t total = 0;
	json_t *units = NULL;
	int rc;
	*out = NULL;
	if ((rc = list_sql_build(&l, db, f)) < 0)
		goto done;
	str_append(&q, "SELECT COUNT(*) FROM unit u");
	str_append(&q, l.where.ptr);
	if ((rc = db_prepare(&s, db, q.ptr)) < 0)
		goto done;
	list_bind(s, &l, f);
	if ((rc = db_step(s)) == DB_ROW)
		total = db_column_int64(s, 0);
	db_finalize(s);
	s = NULL;
	if (rc < 0)
		goto done;
	str_clear(&q);
	str_append(&q, UNIT_SELECT);
	str_append(&q, l.where.ptr);
	str_append(&q, " ORDER BY u.path LIMIT ? OFFSET ?");
	if (str_oom(&q)) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = db_prepare(&s, db, q.ptr)) < 0)
		goto done;
	int i = list_bind(s, &l, f);
	db_bind_int64(s, i, f->limit);
	db_bind_int64(s, i + 1, f->offset);
	units = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(units, unit_row_json(s));
	if (rc < 0)
		goto done;
	*out = json_pack("{s:o, s:I}", "units", units, "total", (json_int_t)total);
	units = NULL;
	rc = 0;
done:
	db_finalize(s);
	json_decref(units);
	str_free(&q);
	list_sql_free(&l);
	return rc;
}

static int unit_one(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, UNIT_SELECT " WHERE u.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = unit_row_json(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)id);
}

static int add_ancestors(json_t *unit, db_conn *db)
{
	const char *path = json_string_value(json_object_get(unit, "path"));
	json_t *list = json_array();
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT id, code, name FROM unit WHERE id = ?");
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	int64_t self = json_integer_value(json_object_get(unit, "id"));
	for (const char *p = path + 1; *p; p = strchr(p, '/') + 1) {
		int64_t id = strtoll(p, NULL, 10);
		if (id == self)
			break;
		db_reset(s);
		db_bind_int64(s, 1, id);
		if ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s?, s:s}", "id", (json_int_t)id, "code",
				db_column_text(s, 1), "name", db_column_text(s, 2)));
		if (rc < 0)
			break;
	}
	db_finalize(s);
	json_object_set_new(unit, "ancestors", list);
	return rc < 0 ? rc : 0;
}

static int add_history(json_t *unit, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db,
		"SELECT h.parent_id, p.code, p.name, h.valid_from, h.valid_to FROM unit_parent_history h "
		"LEFT JOIN unit p ON p.id = h.parent_id WHERE h.unit_id = ? ORDER BY h.valid_from, (h.valid_to IS NULL), h.valid_to");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:o, s:s?, s:s?, s:s, s:s?}", "parent_id",
				db_column_is_null(s, 0) ? json_null() : json_integer(db_column_int64(s, 0)), "parent_code",
				db_column_text(s, 1), "parent_name", db_column_text(s, 2), "valid_from", db_column_text(s, 3),
				"valid_to", db_column_text(s, 4)));
		db_finalize(s);
	}
	json_object_set_new(unit, "history", list);
	return rc < 0 ? rc : 0;
}

int unit_get(json_t **out, db_conn *db, int64_t id, bool public_only)
{
	int rc = unit_one(out, db, id);
	if (rc < 0)
		return rc;
	if (public_only && (!json_is_true(json_object_get(*out, "public")) || !json_is_true(json_object_get(*out, "active")))) {
		json_decref(*out);
		*out = NULL;
		return err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)id);
	}
	if ((rc = add_ancestors(*out, db)) < 0 || (rc = add_history(*out, db, id)) < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ----------------------------------------------------------------- writes */

static int ref_by(unit_ref *out, db_conn *db, const char *sql, const char *text, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, sql);
	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	if (text)
		db_bind_text(s, 1, text);
	else
		db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		out->id = db_column_int64(s, 0);
		snprintf(out->path, sizeof(out->path), "%s", db_column_text(s, 1));
		out->depth = (int)db_column_int64(s, 2);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int unit_ref_by_id(unit_ref *out, db_conn *db, int64_t id)
{
	return ref_by(out, db, "SELECT id, path, depth FROM unit WHERE id = ?", NULL, id);
}

int unit_ref_by_code(unit_ref *out, db_conn *db, const char *code)
{
	return ref_by(out, db, "SELECT id, path, depth FROM unit WHERE code = ?", code, 0);
}

int unit_id_by_code(int64_t *out, db_conn *db, const char *code)
{
	unit_ref ref;
	int rc = unit_ref_by_code(&ref, db, code);
	*out = ref.id;
	return rc;
}

static int history_open(db_conn *db, int64_t id, int64_t parent_id, const char *now)
{
	if (parent_id)
		return db_run(db, NULL, "INSERT INTO unit_parent_history (unit_id, parent_id, valid_from) VALUES (?, ?, ?)",
			"iit", id, parent_id, now);
	return db_run(db, NULL, "INSERT INTO unit_parent_history (unit_id, parent_id, valid_from) VALUES (?, NULL, ?)",
		"it", id, now);
}

/* Inserts a unit under parent (NULL for a root); fields already clean. */
int unit_insert(int64_t *out, db_conn *db, const unit_fields *f, const char *name, const unit_ref *parent,
	const char *now)
{
	char *folded = NULL, path[320], tmp[64];
	db_stmt *s;
	int rc = vn_fold(&folded, name, strlen(name));
	if (rc < 0)
		return rc;
	snprintf(tmp, sizeof(tmp), "#new:%s", now);
	rc = db_prepare(&s, db,
		"INSERT INTO unit (code, name, name_folded, kind, parent_id, path, depth, active, public, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (rc == 0) {
		db_bind_text(s, 1, f->code && *f->code ? f->code : NULL);
		db_bind_text(s, 2, name);
		db_bind_text(s, 3, folded);
		db_bind_text(s, 4, f->kind);
		if (parent)
			db_bind_int64(s, 5, parent->id);
		else
			db_bind_null(s, 5);
		db_bind_text(s, 6, tmp);
		db_bind_int64(s, 7, parent ? parent->depth + 1 : 0);
		db_bind_int64(s, 8, f->active == 0 ? 0 : 1);
		db_bind_int64(s, 9, f->is_public == 0 ? 0 : 1);
		db_bind_text(s, 10, now);
		db_bind_text(s, 11, now);
		if ((rc = db_step(s)) == DB_ROW)
			*out = db_column_int64(s, 0);
		db_finalize(s);
	}
	free(folded);
	if (rc == ERR_CONFLICT)
		return err_set(ERR_CONFLICT, "a unit with code '%s' exists already", f->code ? f->code : "");
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s%lld/", parent ? parent->path : "/", (long long)*out);
	if ((rc = db_run(db, NULL, "UPDATE unit SET path = ? WHERE id = ?", "ti", path, *out)) < 0)
		return rc;
	return history_open(db, *out, parent ? parent->id : 0, now);
}

static int check_fields(const unit_fields *f, bool creating)
{
	int rc;
	if (f->code && *f->code && (rc = unit_check_code(f->code)) < 0)
		return rc;
	if ((creating || f->kind) && !unit_kind_valid(f->kind))
		return err_set(ERR_INVALID, "kind '%.40s' is not one of province, department, agency, commune, university, "
					    "enterprise, innovation_centre, other", f->kind ? f->kind : "");
	if (creating && !f->name)
		return err_set(ERR_INVALID, "a unit needs a name");
	return 0;
}

static int audit_unit(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before)
{
	char id_text[24];
	json_t *after = NULL;
	int rc = unit_one(&after, db, id);
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	if (rc == 0)
		rc = audit_append_json(db, who, action, "unit", id_text, before, after);
	json_decref(after);
	return rc;
}

int unit_create(int64_t *out_id, db_conn *db, const principal *who, const unit_fields *f)
{
	char now[TIME_ISO_SIZE], *name = NULL;
	unit_ref parent;
	int rc;
	if ((rc = check_fields(f, true)) < 0 || (rc = unit_clean_name(&name, f->name)) < 0)
		return rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if (f->parent_id && (rc = unit_ref_by_id(&parent, db, f->parent_id)) == 0 && !parent.id)
		rc = err_set(ERR_INVALID, "no parent unit with id %lld", (long long)f->parent_id);
	if (rc < 0 || (rc = unit_insert(out_id, db, f, name, f->parent_id ? &parent : NULL, now)) < 0 ||
	    (rc = audit_unit(db, who, "create", *out_id, NULL)) < 0) {
		db_rollback(db);
		goto done;
	}
	rc = db_commit(db);
done:
	free(name);
	return rc;
}

/* Moves unit (at ref u) under new_parent (NULL: make it a root). */
int unit_move(db_conn *db, const unit_ref *u, const unit_ref *new_parent, const char *now)
{
	char new_path[320], end[320];
	if (new_parent && strncmp(new_parent->path, u->path, strlen(u->path)) == 0)
		return err_set(ERR_INVALID, "a unit cannot move under itself or one of its own units");
	snprintf(new_path, sizeof(new_path), "%s%lld/", new_parent ? new_parent->path : "/", (long long)u->id);
	subtree_end(end, sizeof(end), u->path);
	int64_t shift = (new_parent ? new_parent->depth + 1 : 0) - u->depth;
	int rc = db_run(db, NULL,
		"UPDATE unit SET path = CAST(? AS TEXT) || substr(path, CAST(? AS INTEGER)), "
		"depth = depth + CAST(? AS INTEGER) WHERE path >= ? AND path < ?",
		"tiitt", new_path, (int64_t)strlen(u->path) + 1, shift, u->path, end);
	if (rc < 0)
		return rc;
	if (new_parent)
		rc = db_run(db, NULL, "UPDATE unit SET parent_id = ?, updated_at = ? WHERE id = ?", "iti", new_parent->id, now, u->id);
	else
		rc = db_run(db, NULL, "UPDATE unit SET parent_id = NULL, updated_at = ? WHERE id = ?", "ti", now, u->id);
	if (rc < 0 || (rc = db_run(db, NULL, "UPDATE unit_parent_history SET valid_to = ? WHERE unit_id = ? AND valid_to IS NULL",
			       "ti", now, u->id)) < 0)
		return rc;
	return history_open(db, u->id, new_parent ? new_parent->id : 0, now);
}

/* Applies name/code/kind/active/public changes (not the parent). */
static int apply_fields(db_conn *db, int64_t id, const unit_fields *f, const char *name, const char *now)
{
	int rc = 0;
	if (name) {
		char *folded = NULL;
		if ((rc = vn_fold(&folded, name, strlen(name))) < 0)
			return rc;
		rc = db_run(db, NULL, "UPDATE unit SET name = ?, name_folded = ?, updated_at = ? WHERE id = ?", "ttti", name,
			folded, now, id);
		free(folded);
		if (rc < 0)
			return rc;
	}
	if (f->code && *f->code && (rc = db_run(db, NULL, "UPDATE unit SET code = ?, updated_at = ? WHERE id = ?", "tti",
					     f->code, now, id)) < 0)
		return rc == ERR_CONFLICT ? err_set(ERR_CONFLICT, "a unit with code '%s' exists already", f->code) : rc;
	if (f->code && !*f->code && (rc = db_run(db, NULL, "UPDATE unit SET code = NULL WHERE id = ?", "i", id)) < 0)
		return rc;
	if (f->kind && (rc = db_run(db, NULL, "UPDATE unit SET kind = ?, updated_at = ? WHERE id = ?", "tti", f->kind, now, id)) < 0)
		return rc;
	if (f->active >= 0 && (rc = db_run(db, NULL, "UPDATE unit SET active = ?, updated_at = ? WHERE id = ?", "iti",
				       (int64_t)f->active, now, id)) < 0)
		return rc;
	if (f->is_public >= 0 && (rc = db_run(db, NULL, "UPDATE unit SET public = ?, updated_at = ? WHERE id = ?", "iti",
					  (int64_t)f->is_public, now, id)) < 0)
		return rc;
	return 0;
}

int unit_current_parent(int64_t *out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT parent_id FROM unit WHERE id = ?");
	*out = 0;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW && !db_column_is_null(s, 0))
		*out = db_column_int64(s, 0);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Changes unit id inside an open transaction; *moved tells if it moved. */
int unit_update_in_tx(db_conn *db, int64_t id, const unit_fields *f, const char *name, const char *now, bool *moved)
{
	unit_ref u, parent;
	int64_t old_parent;
	int rc;
	*moved = false;
	if ((rc = unit_ref_by_id(&u, db, id)) < 0 || (rc = unit_current_parent(&old_parent, db, id)) < 0)
		return rc;
	if (!u.id)
		return err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)id);
	if ((rc = apply_fields(db, id, f, name, now)) < 0)
		return rc;
	if (f->parent_id && f->parent_id != old_parent) {
		if ((rc = unit_ref_by_id(&parent, db, f->parent_id)) < 0)
			return rc;
		if (!parent.id)
			return err_set(ERR_INVALID, "no parent unit with id %lld", (long long)f->parent_id);
		if ((rc = unit_move(db, &u, &parent, now)) < 0)
			return rc;
		*moved = true;
	}
	return 0;
}

int unit_update(db_conn *db, const principal *who, int64_t id, const unit_fields *f)
{
	char now[TIME_ISO_SIZE], *name = NULL;
	json_t *before = NULL;
	bool moved;
	int rc;
	if ((rc = check_fields(f, false)) < 0 || (f->name && (rc = unit_clean_name(&name, f->name)) < 0))
		return rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if ((rc = unit_one(&before, db, id)) < 0 || (rc = unit_update_in_tx(db, id, f, name, now, &moved)) < 0 ||
	    (rc = audit_unit(db, who, moved ? "move" : "update", id, before)) < 0) {
		db_rollback(db);
		goto done;
	}
	rc = db_commit(db);
done:
	json_decref(before);
	free(name);
	return rc;
}
