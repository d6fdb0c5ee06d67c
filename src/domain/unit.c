/* unit: the unit tree — reading, creating, changing, moving, CSV import
 * and export. Writes are one transaction each, with their audit entry. */
#include "domain/unit.h"
#include "domain/audit.h"
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
static int clean_name(char **out, const char *name)
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

static int check_code(const char *code)
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

typedef struct unit_ref {
	int64_t id;
	char path[300];
	int depth;
} unit_ref;

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

static int ref_by_id(unit_ref *out, db_conn *db, int64_t id)
{
	return ref_by(out, db, "SELECT id, path, depth FROM unit WHERE id = ?", NULL, id);
}

static int ref_by_code(unit_ref *out, db_conn *db, const char *code)
{
	return ref_by(out, db, "SELECT id, path, depth FROM unit WHERE code = ?", code, 0);
}

int unit_id_by_code(int64_t *out, db_conn *db, const char *code)
{
	unit_ref ref;
	int rc = ref_by_code(&ref, db, code);
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
static int insert_unit(int64_t *out, db_conn *db, const unit_fields *f, const char *name, const unit_ref *parent,
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
	if (f->code && *f->code && (rc = check_code(f->code)) < 0)
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
	if ((rc = check_fields(f, true)) < 0 || (rc = clean_name(&name, f->name)) < 0)
		return rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if (f->parent_id && (rc = ref_by_id(&parent, db, f->parent_id)) == 0 && !parent.id)
		rc = err_set(ERR_INVALID, "no parent unit with id %lld", (long long)f->parent_id);
	if (rc < 0 || (rc = insert_unit(out_id, db, f, name, f->parent_id ? &parent : NULL, now)) < 0 ||
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
static int move_unit(db_conn *db, const unit_ref *u, const unit_ref *new_parent, const char *now)
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

static int current_parent(int64_t *out, db_conn *db, int64_t id)
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
static int update_in_tx(db_conn *db, int64_t id, const unit_fields *f, const char *name, const char *now, bool *moved)
{
	unit_ref u, parent;
	int64_t old_parent;
	int rc;
	*moved = false;
	if ((rc = ref_by_id(&u, db, id)) < 0 || (rc = current_parent(&old_parent, db, id)) < 0)
		return rc;
	if (!u.id)
		return err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)id);
	if ((rc = apply_fields(db, id, f, name, now)) < 0)
		return rc;
	if (f->parent_id && f->parent_id != old_parent) {
		if ((rc = ref_by_id(&parent, db, f->parent_id)) < 0)
			return rc;
		if (!parent.id)
			return err_set(ERR_INVALID, "no parent unit with id %lld", (long long)f->parent_id);
		if ((rc = move_unit(db, &u, &parent, now)) < 0)
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
	if ((rc = check_fields(f, false)) < 0 || (f->name && (rc = clean_name(&name, f->name)) < 0))
		return rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if ((rc = unit_one(&before, db, id)) < 0 || (rc = update_in_tx(db, id, f, name, now, &moved)) < 0 ||
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

/* ----------------------------------------------------------------- import */

typedef struct import_row {
	int line;
	char *code, *name, *parent_code, *kind;
	int active, is_public;     /* -1: not given */
	int parent_row;            /* index of the parent row in the file, -1 */
	int depth_in_file;
	bool bad;
} import_row;

typedef struct importer {
	import_row *rows;
	int n, cap;
	json_t *bad;
	int col_code, col_name, col_parent, col_kind, col_active, col_public;
} importer;

static void bad_row(importer *im, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void bad_row(importer *im, int line, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(im->bad, json_pack("{s:i, s:s}", "line", line, "message", msg));
}

static int header(importer *im, const csv_record *h)
{
	im->col_code = im->col_name = im->col_parent = im->col_kind = im->col_active = im->col_public = -1;
	for (int i = 0; i < h->n; i++) {
		const char *c = h->f[i];
		if (strcasecmp(c, "code") == 0 || strcasecmp(c, "ma") == 0)
			im->col_code = i;
		else if (strcasecmp(c, "name") == 0 || strcasecmp(c, "ten") == 0)
			im->col_name = i;
		else if (strcasecmp(c, "parent_code") == 0 || strcasecmp(c, "province_code") == 0)
			im->col_parent = i;
		else if (strcasecmp(c, "kind") == 0)
			im->col_kind = i;
		else if (strcasecmp(c, "active") == 0)
			im->col_active = i;
		else if (strcasecmp(c, "public") == 0)
			im->col_public = i;
	}
	if (im->col_code < 0 || im->col_name < 0)
		return err_set(ERR_INVALID, "line 1: the header needs the columns code and name (found: %s%s%s)",
			h->n ? h->f[0] : "", h->n > 1 ? ", " : "", h->n > 1 ? h->f[1] : "");
	return 0;
}

static const char *field(const csv_record *r, int col) { return col >= 0 && col < r->n ? r->f[col] : ""; }

static int parse_flag(const char *v)
{
	if (!*v)
		return -1;
	if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "có"))
		return 1;
	if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "không"))
		return 0;
	return -2;
}

static const char *infer_kind(const char *name, bool has_parent)
{
	if (!has_parent)
		return "province";
	static const char *const commune_prefixes[] = { "Phường ", "Xã ", "Đặc khu ", NULL };
	for (int i = 0; commune_prefixes[i]; i++)
		if (strncmp(name, commune_prefixes[i], strlen(commune_prefixes[i])) == 0)
			return "commune";
	return NULL;
}

static char *dup_trim(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return strndup(s, n);
}

static int add_row(importer *im, const csv_record *r)
{
	if (im->n == im->cap) {
		int ncap = im->cap ? im->cap * 2 : 256;
		import_row *rows = realloc(im->rows, sizeof(*rows) * (size_t)ncap);
		if (!rows)
			return err_set(ERR_NOMEM, "out of memory");
		im->rows = rows;
		im->cap = ncap;
	}
	import_row *row = &im->rows[im->n];
	memset(row, 0, sizeof(*row));
	row->line = r->line;
	row->parent_row = -1;
	row->code = dup_trim(field(r, im->col_code));
	row->parent_code = dup_trim(field(r, im->col_parent));
	row->kind = dup_trim(field(r, im->col_kind));
	row->active = parse_flag(field(r, im->col_active));
	row->is_public = parse_flag(field(r, im->col_public));
	im->n++;
	if (!row->code || !row->parent_code || !row->kind)
		return err_set(ERR_NOMEM, "out of memory");
	const char *name = field(r, im->col_name);
	if (!utf8_valid(name, strlen(name)) || clean_name(&row->name, name) < 0) {
		bad_row(im, r->line, "%s", utf8_valid(name, strlen(name)) ? err_msg() : "the name is not valid UTF-8");
		row->bad = true;
	}
	if (!*row->code) {
		bad_row(im, r->line, "the code is empty");
		row->bad = true;
	} else if (check_code(row->code) < 0) {
		bad_row(im, r->line, "%s", err_msg());
		row->bad = true;
	}
	if (!*row->kind && row->name) {
		const char *k = infer_kind(row->name, *row->parent_code != '\0');
		free(row->kind);
		row->kind = strdup(k ? k : "");
		if (!k) {
			bad_row(im, r->line, "the kind is missing and cannot be told from the name '%s'", row->name);
			row->bad = true;
		}
	} else if (*row->kind && !unit_kind_valid(row->kind)) {
		bad_row(im, r->line, "kind '%s' is not one of province, department, agency, commune, university, "
				     "enterprise, innovation_centre, other", row->kind);
		row->bad = true;
	}
	if (row->active == -2 || row->is_public == -2) {
		bad_row(im, r->line, "active and public take 1/0, true/false or có/không");
		row->bad = true;
	}
	return 0;
}

static void importer_free(importer *im)
{
	for (int i = 0; i < im->n; i++) {
		free(im->rows[i].code);
		free(im->rows[i].name);
		free(im->rows[i].parent_code);
		free(im->rows[i].kind);
	}
	free(im->rows);
	json_decref(im->bad);
}

static int read_rows(importer *im, const char *csv, size_t len)
{
	csv_reader r;
	csv_record rec;
	int rc;
	csv_init(&r, csv, len);
	if ((rc = csv_read(&r, &rec)) <= 0) {
		csv_free(&r);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the file is empty (a header row code,name,... is needed)");
	}
	if ((rc = header(im, &rec)) < 0) {
		csv_free(&r);
		return rc;
	}
	while ((rc = csv_read(&r, &rec)) == 1)
		if ((rc = add_row(im, &rec)) < 0)
			break;
	csv_free(&r);
	if (rc < 0 && rc != ERR_NOMEM) {
		/* a broken quote ends the reading: report it as a bad row */
		int line = 0;
		sscanf(err_msg(), "line %d", &line);
		bad_row(im, line, "%s", strchr(err_msg(), ':') ? strchr(err_msg(), ':') + 2 : err_msg());
		return 0;
	}
	return rc < 0 ? rc : 0;
}

static int cmp_code(const void *a, const void *b, void *ctx)
{
	const importer *im = ctx;
	return strcmp(im->rows[*(const int *)a].code, im->rows[*(const int *)b].code);
}

/* Finds the file row with code (sorted index idx), or -1. */
static int find_row(const importer *im, const int *idx, const char *code)
{
	int lo = 0, hi = im->n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2, c = strcmp(im->rows[idx[mid]].code, code);
		if (c == 0)
			return idx[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Duplicate codes, parents (in the file, else in the database), cycles. */
static int link_rows(importer *im, db_conn *db, int *idx)
{
	for (int i = 0; i < im->n; i++)
		idx[i] = i;
	qsort_r(idx, (size_t)im->n, sizeof(int), cmp_code, im);
	for (int k = 1; k < im->n; k++) {
		import_row *a = &im->rows[idx[k - 1]], *b = &im->rows[idx[k]];
		if (*b->code && strcmp(a->code, b->code) == 0) {
			import_row *later = a->line > b->line ? a : b, *first = a->line > b->line ? b : a;
			bad_row(im, later->line, "code '%s' is also on line %d", later->code, first->line);
			later->bad = true;
		}
	}
	for (int i = 0; i < im->n; i++) {
		import_row *row = &im->rows[i];
		if (!*row->parent_code)
			continue;
		row->parent_row = find_row(im, idx, row->parent_code);
		if (row->parent_row < 0) {
			unit_ref ref;
			int rc = ref_by_code(&ref, db, row->parent_code);
			if (rc < 0)
				return rc;
			if (!ref.id) {
				bad_row(im, row->line, "parent code '%s' is neither in the file nor an existing unit", row->parent_code);
				row->bad = true;
			}
		}
	}
	for (int i = 0; i < im->n; i++) {
		int steps = 0, j = i;
		while (im->rows[j].parent_row >= 0 && steps <= im->n) {
			j = im->rows[j].parent_row;
			steps++;
		}
		im->rows[i].depth_in_file = steps;
		if (steps > im->n) {
			bad_row(im, im->rows[i].line, "unit '%s' would be its own ancestor", im->rows[i].code);
			im->rows[i].bad = true;
		}
	}
	return 0;
}

static int cmp_depth(const void *a, const void *b, void *ctx)
{
	const importer *im = ctx;
	const import_row *x = &im->rows[*(const int *)a], *y = &im->rows[*(const int *)b];
	return x->depth_in_file != y->depth_in_file ? x->depth_in_file - y->depth_in_file : x->line - y->line;
}

/* The path a row lands under, for authorisation: its parent's current path
 * if the parent exists, else (a new parent in the file) that parent's. "/"
 * for a root. */
static int landing_path(char *out, size_t size, importer *im, db_conn *db, int i)
{
	const import_row *row = &im->rows[i];
	while (row->parent_row >= 0) {
		unit_ref ref;
		int rc = ref_by_code(&ref, db, row->parent_code);
		if (rc < 0)
			return rc;
		if (ref.id) {
			snprintf(out, size, "%s", ref.path);
			return 0;
		}
		row = &im->rows[row->parent_row];
	}
	if (!*row->parent_code) {
		snprintf(out, size, "/");
		return 0;
	}
	unit_ref ref;
	int rc = ref_by_code(&ref, db, row->parent_code);
	snprintf(out, size, "%s", ref.id ? ref.path : "/");
	return rc;
}

static int row_changes(bool *out, db_conn *db, const import_row *row, int64_t id, int64_t parent_id);

/* Rows that create or change a unit must land within who's reach; rows
 * that change nothing need no right (so an exported file re-imports). */
static int authorise_rows(importer *im, db_conn *db, const principal *who)
{
	char path[320];
	for (int i = 0; i < im->n; i++) {
		const import_row *row = &im->rows[i];
		unit_ref existing, parent = { 0 };
		bool changed = true;
		int rc;
		if ((rc = ref_by_code(&existing, db, row->code)) < 0 ||
		    (*row->parent_code && (rc = ref_by_code(&parent, db, row->parent_code)) < 0))
			return rc;
		if (existing.id && (parent.id || !*row->parent_code) &&
		    (rc = row_changes(&changed, db, row, existing.id, parent.id)) < 0)
			return rc;
		if (!changed)
			continue;
		if ((rc = landing_path(path, sizeof(path), im, db, i)) < 0)
			return rc;
		if ((existing.id && (rc = authz_check(who, ACT_UNIT_WRITE, existing.path)) < 0) ||
		    (rc = authz_check(who, ACT_UNIT_WRITE, path)) < 0)
			return err_set(rc, "line %d: %s", row->line, err_msg());
	}
	return 0;
}

/* Unchanged rows are left alone, so a file exported and imported again
 * changes nothing. */
static int row_changes(bool *out, db_conn *db, const import_row *row, int64_t id, int64_t parent_id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT name, kind, parent_id, active, public FROM unit WHERE id = ?");
	*out = true;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		int64_t p = db_column_is_null(s, 2) ? 0 : db_column_int64(s, 2);
		*out = strcmp(db_column_text(s, 0), row->name) != 0 || strcmp(db_column_text(s, 1), row->kind) != 0 ||
		       p != parent_id || (row->active >= 0 && db_column_int64(s, 3) != row->active) ||
		       (row->is_public >= 0 && db_column_int64(s, 4) != row->is_public);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int import_row_write(unit_import_result *r, db_conn *db, const import_row *row, const char *now)
{
	unit_ref parent = { 0 }, existing;
	int rc;
	if (*row->parent_code && (rc = ref_by_code(&parent, db, row->parent_code)) < 0)
		return rc;
	if ((rc = ref_by_code(&existing, db, row->code)) < 0)
		return rc;
	unit_fields f = { .code = row->code, .name = row->name, .kind = row->kind, .parent_id = parent.id,
		.active = row->active, .is_public = row->is_public };
	if (!existing.id) {
		int64_t id;
		r->created++;
		return insert_unit(&id, db, &f, row->name, parent.id ? &parent : NULL, now);
	}
	bool changed;
	if ((rc = row_changes(&changed, db, row, existing.id, parent.id)) < 0 || !changed)
		return rc;
	r->updated++;
	f.code = NULL;
	bool moved;
	if ((rc = update_in_tx(db, existing.id, &f, row->name, now, &moved)) < 0)
		return rc;
	if (!parent.id) {
		int64_t old_parent;
		if ((rc = current_parent(&old_parent, db, existing.id)) < 0)
			return rc;
		if (old_parent) {
			unit_ref u;
			if ((rc = ref_by_id(&u, db, existing.id)) < 0 || (rc = move_unit(db, &u, NULL, now)) < 0)
				return rc;
		}
	}
	return 0;
}

static int import_write(unit_import_result *r, importer *im, db_conn *db, const principal *who, int *order)
{
	char now[TIME_ISO_SIZE];
	int rc;
	time_now_iso(now);
	for (int i = 0; i < im->n; i++)
		order[i] = i;
	qsort_r(order, (size_t)im->n, sizeof(int), cmp_depth, im);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	for (int i = 0; i < im->n; i++) {
		if ((rc = import_row_write(r, db, &im->rows[order[i]], now)) < 0) {
			rc = err_set(rc, "line %d: %s", im->rows[order[i]].line, err_msg());
			goto fail;
		}
	}
	if (r->created + r->updated > 0) {
		json_t *after = json_pack("{s:i, s:i, s:i}", "created", r->created, "updated", r->updated, "file_rows", im->n);
		rc = audit_append_json(db, who, "import", "unit", NULL, NULL, after);
		json_decref(after);
		if (rc < 0)
			goto fail;
	}
	return db_commit(db);
fail:
	db_rollback(db);
	r->created = r->updated = 0;
	return rc;
}

static int cmp_line(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "line"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "line"));
	return (x > y) - (x < y);
}

/* The bad rows in file order. */
static json_t *sorted_by_line(json_t *bad)
{
	size_t n = json_array_size(bad);
	json_t **items = malloc(sizeof(json_t *) * (n ? n : 1)), *out = json_array();
	if (!items)
		return json_incref(bad);
	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(bad, i);
	qsort(items, n, sizeof(json_t *), cmp_line);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, items[i]);
	free(items);
	return out;
}

int unit_import(unit_import_result *r, db_conn *db, const principal *who, const char *csv, size_t len)
{
	importer im = { .bad = json_array() };
	int *idx = NULL, rc;
	memset(r, 0, sizeof(*r));
	if ((rc = read_rows(&im, csv, len)) < 0)
		goto done;
	r->total = im.n;
	if (!(idx = malloc(sizeof(int) * (size_t)(im.n + 1)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = link_rows(&im, db, idx)) < 0)
		goto done;
	if (json_array_size(im.bad) > 0) {
		r->bad = sorted_by_line(im.bad);
		rc = err_set(ERR_INVALID, "%zu bad row(s); nothing was imported", json_array_size(im.bad));
		goto done;
	}
	if ((rc = authorise_rows(&im, db, who)) < 0)
		goto done;
	rc = import_write(r, &im, db, who, idx);
done:
	free(idx);
	importer_free(&im);
	return rc;
}

/* ----------------------------------------------------------------- export */

int unit_export(char **out, size_t *len, db_conn *db, bool public_only)
{
	db_stmt *s;
	str csv = STR_INIT;
	int rc = db_prepare(&s, db, public_only
		? "SELECT u.code, u.name, u.kind, p.code, u.active, u.public FROM unit u LEFT JOIN unit p ON p.id = u.parent_id "
		  "WHERE u.public = 1 AND u.active = 1 ORDER BY u.path"
		: "SELECT u.code, u.name, u.kind, p.code, u.active, u.public FROM unit u LEFT JOIN unit p ON p.id = u.parent_id "
		  "ORDER BY u.path");
	*out = NULL;
	if (rc < 0)
		return rc;
	str_append(&csv, "code,name,kind,parent_code,active,public\r\n");
	while ((rc = db_step(s)) == DB_ROW) {
		for (int i = 0; i < 4; i++) {
			csv_append_field(&csv, db_column_text(s, i));
			str_appendc(&csv, ',');
		}
		str_appendf(&csv, "%d,%d\r\n", db_column_int64(s, 4) != 0, db_column_int64(s, 5) != 0);
	}
	db_finalize(s);
	if (rc < 0 || str_oom(&csv)) {
		str_free(&csv);
		return rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
	}
	*len = csv.len;
	*out = str_detach(&csv);
	return 0;
}
