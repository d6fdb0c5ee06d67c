/* document: documents, the chain of what implements what, objectives. */
#include "domain/programme/document.h"
#include "domain/people/audit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const document_kinds[] = { "resolution", "programme", "plan", "decision", "directive", "regulation",
	"official_letter", "other", NULL };

#define CHAIN_MAX 32

static bool in_list(const char *const *list, const char *v)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ reads */

#define DOC_SELECT \
	"SELECT d.id, d.number, d.kind, d.title, d.issued_on, d.issuer, d.basis_id, b.number FROM document d " \
	"LEFT JOIN document b ON b.id = d.basis_id"

static json_t *doc_row(db_stmt *s)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:o, s:s?}", "id", (json_int_t)db_column_int64(s, 0), "number",
		db_column_text(s, 1), "kind", db_column_text(s, 2), "title", db_column_text(s, 3), "issued_on",
		db_column_text(s, 4), "issuer", db_column_text(s, 5), "basis_id",
		db_column_is_null(s, 6) ? json_null() : json_integer(db_column_int64(s, 6)), "basis_number",
		db_column_text(s, 7));
}

/* Rows of sql (one optional int64 parameter) as an array of doc_row. */
static int doc_rows(json_t **out, db_conn *db, const char *sql, int64_t param)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, sql);
	*out = NULL;
	if (rc < 0)
		return rc;
	if (param)
		db_bind_int64(s, 1, param);
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, doc_row(s));
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

int document_list(json_t **out, db_conn *db, const char *q, int64_t limit, int64_t offset)
{
	char *folded = NULL, *like = NULL;
	int64_t total = 0;
	db_stmt *s;
	int rc;
	*out = NULL;
	if (q && *q) {
		if ((rc = vn_fold(&folded, q, strlen(q))) < 0)
			return rc;
		like = malloc(strlen(folded) + 3);
		if (!like) {
			free(folded);
			return err_set(ERR_NOMEM, "out of memory");
		}
		sprintf(like, "%%%s%%", folded);
		free(folded);
	}
	const char *where = like ? " WHERE (LOWER(d.number) LIKE ? OR d.title_folded LIKE ?)" : "";
	str sql = STR_INIT;
	str_appendf(&sql, "SELECT COUNT(*) FROM document d%s", where);
	if ((rc = db_prepare(&s, db, sql.ptr)) == 0) {
		if (like) {
			db_bind_text(s, 1, like);
			db_bind_text(s, 2, like);
		}
		if ((rc = db_step(s)) == DB_ROW)
			total = db_column_int64(s, 0);
		db_finalize(s);
	}
	str_clear(&sql);
	str_appendf(&sql, DOC_SELECT "%s ORDER BY d.issued_on, d.number LIMIT ? OFFSET ?", where);
	if (rc >= 0 && (rc = db_prepare(&s, db, sql.ptr)) == 0) {
		int i = 1;
		if (like) {
			db_bind_text(s, i++, like);
			db_bind_text(s, i++, like);
		}
		db_bind_int64(s, i++, limit);
		db_bind_int64(s, i, offset);
		json_t *list = json_array();
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, doc_row(s));
		db_finalize(s);
		if (rc < 0)
			json_decref(list);
		else
			*out = json_pack("{s:o, s:I}", "documents", list, "total", (json_int_t)total);
	}
	str_free(&sql);
	free(like);
	return rc < 0 ? rc : 0;
}

static int add_chain(json_t *doc, db_conn *db)
{
	json_t *chain = json_array();
	int64_t basis = json_integer_value(json_object_get(doc, "basis_id"));
	int rc = 0;
	for (int depth = 0; basis && depth < CHAIN_MAX; depth++) {
		json_t *rows;
		if ((rc = doc_rows(&rows, db, DOC_SELECT " WHERE d.id = ?", basis)) < 0)
			break;
		json_t *b = json_array_get(rows, 0);
		basis = b ? json_integer_value(json_object_get(b, "basis_id")) : 0;
		if (b)
			json_array_insert(chain, 0, b);
		json_decref(rows);
	}
	json_object_set_new(doc, "chain", chain);
	return rc;
}

static int add_objectives(json_t *doc, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT id, code, kind, title FROM objective WHERE document_id = ? ORDER BY code");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0),
				"code", db_column_text(s, 1), "kind", db_column_text(s, 2), "title", db_column_text(s, 3)));
		db_finalize(s);
	}
	json_object_set_new(doc, "objectives", list);
	return rc < 0 ? rc : 0;
}

int document_get(json_t **out, db_conn *db, int64_t id)
{
	json_t *rows, *below;
	int rc = doc_rows(&rows, db, DOC_SELECT " WHERE d.id = ?", id);
	*out = NULL;
	if (rc < 0)
		return rc;
	json_t *doc = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!doc)
		return err_set(ERR_NOTFOUND, "no document with id %lld", (long long)id);
	if ((rc = add_chain(doc, db)) < 0 || (rc = add_objectives(doc, db, id)) < 0 ||
	    (rc = doc_rows(&below, db, DOC_SELECT " WHERE d.basis_id = ? ORDER BY d.issued_on, d.number", id)) < 0) {
		json_decref(doc);
		return rc;
	}
	json_object_set_new(doc, "implemented_by", below);
	*out = doc;
	return 0;
}

/* ----------------------------------------------------------------- writes */

typedef struct doc_fields {
	const char *number, *kind, *title, *issued_on, *issuer, *basis_number;
	long long basis_id;
	int has_basis;
} doc_fields;

static int read_fields(doc_fields *f, const json_t *in, bool creating)
{
	int rc, present = 0;
	memset(f, 0, sizeof(*f));
	if ((rc = json_require_object(in, "the document")) < 0 ||
	    (rc = json_get_string(&f->number, in, "number", creating)) < 0 ||
	    (rc = json_get_string(&f->kind, in, "kind", creating)) < 0 ||
	    (rc = json_get_string(&f->title, in, "title", creating)) < 0 ||
	    (rc = json_get_string(&f->issued_on, in, "issued_on", 0)) < 0 ||
	    (rc = json_get_string(&f->issuer, in, "issuer", 0)) < 0 ||
	    (rc = json_get_string(&f->basis_number, in, "basis_number", 0)) < 0 ||
	    (!json_is_null(json_object_get(in, "basis_id")) &&
	     (rc = json_get_int(&f->basis_id, &present, in, "basis_id", 0)) < 0))
		return rc;
	f->has_basis = present || f->basis_number || json_is_null(json_object_get(in, "basis_id"));
	if (f->number && (!*f->number || strlen(f->number) > 60 || strpbrk(f->number, "\r\n\t")))
		return err_set(ERR_INVALID, "'number' must be a document number of 1 to 60 characters, such as 43/KH-UBND");
	if (f->kind && !in_list(document_kinds, f->kind))
		return err_set(ERR_INVALID, "'kind' must be one of resolution, programme, plan, decision, directive, "
					    "regulation, official_letter, other");
	if (f->title && !*f->title)
		return err_set(ERR_INVALID, "'title' is empty");
	date_ymd d;
	if (f->issued_on && *f->issued_on && date_parse(&d, f->issued_on, strlen(f->issued_on)) < 0)
		return err_set(ERR_INVALID, "'issued_on': %s", err_msg());
	return 0;
}

/* Resolves the basis to an id (0: none); refuses a basis that is id
 * itself or implements id, directly or not. */
static int resolve_basis(int64_t *out, db_conn *db, const doc_fields *f, int64_t id)
{
	int rc;
	*out = f->basis_id;
	if (f->basis_number && (rc = db_run(db, out, "SELECT id FROM document WHERE number = ?", "t", f->basis_number)) < 0)
		return rc;
	if (f->basis_number && !*out)
		return err_set(ERR_INVALID, "'basis_number': no document numbered '%s'", f->basis_number);
	int64_t at = *out;
	for (int depth = 0; at && depth <= CHAIN_MAX; depth++) {
		int64_t exists = 0, next = 0;
		if ((rc = db_run(db, &exists, "SELECT COUNT(*) FROM document WHERE id = ?", "i", at)) < 0)
			return rc;
		if (!exists)
			return err_set(ERR_INVALID, "'basis_id': no document with id %lld", (long long)at);
		if (id && at == id)
			return err_set(ERR_INVALID, "a document cannot implement itself, directly or through others");
		if ((rc = db_run(db, &next, "SELECT basis_id FROM document WHERE id = ?", "i", at)) < 0)
			return rc;
		at = next;
	}
	return 0;
}

static int insert_objectives(db_conn *db, int64_t doc_id, const json_t *list)
{
	if (!list)
		return 0;
	if (!json_is_array(list))
		return err_set(ERR_INVALID, "'objectives' must be an array of {code, kind, title}");
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		const char *code, *title, *kind = NULL;
		int rc;
		if (!json_is_object(o))
			return err_set(ERR_INVALID, "objectives[%zu] must be an object", i);
		if ((rc = json_get_string(&code, o, "code", 1)) < 0 || (rc = json_get_string(&title, o, "title", 1)) < 0 ||
		    (rc = json_get_string(&kind, o, "kind", 0)) < 0)
			return err_set(ERR_INVALID, "objectives[%zu]: %s", i, err_msg());
		if (kind && strcmp(kind, "objective") != 0 && strcmp(kind, "task_group") != 0)
			return err_set(ERR_INVALID, "objectives[%zu]: kind is objective or task_group", i);
		rc = db_run(db, NULL, "INSERT INTO objective (document_id, code, kind, title) VALUES (?, ?, ?, ?)", "ittt",
			doc_id, code, kind ? kind : "objective", title);
		if (rc == ERR_CONFLICT)
			return err_set(ERR_INVALID, "objectives[%zu]: code '%s' appears twice", i, code);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int audit_doc(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before)
{
	json_t *after;
	char id_text[24];
	int rc = document_get(&after, db, id);
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	if (rc == 0)
		rc = audit_append_json(db, who, action, "document", id_text, before, after);
	json_decref(after);
	return rc;
}

int document_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	doc_fields f;
	char now[TIME_ISO_SIZE], *title = NULL, *folded = NULL;
	int64_t basis;
	int rc;
	if ((rc = read_fields(&f, in, true)) < 0 || (rc = utf8_nfc(&title, f.title, strlen(f.title))) < 0)
		return rc;
	if ((rc = vn_fold(&folded, title, strlen(title))) < 0 || (rc = resolve_basis(&basis, db, &f, 0)) < 0)
		goto done;
	time_now_iso(now);
	const char *issued = f.issued_on && *f.issued_on ? f.issued_on : NULL;
	if (basis)
		rc = db_run(db, out_id, "INSERT INTO document (number, kind, title, title_folded, issued_on, issuer, basis_id, "
				       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			"ttttttitt", f.number, f.kind, title, folded, issued, f.issuer, basis, now, now);
	else
		rc = db_run(db, out_id, "INSERT INTO document (number, kind, title, title_folded, issued_on, issuer, "
				       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			"tttttttt", f.number, f.kind, title, folded, issued, f.issuer, now, now);
	if (rc == ERR_CONFLICT)
		rc = err_set(ERR_CONFLICT, "a document numbered '%s' exists already", f.number);
	if (rc == 0 && (rc = insert_objectives(db, *out_id, json_object_get(in, "objectives"))) == 0)
		rc = audit_doc(db, who, "create", *out_id, NULL);
done:
	free(title);
	free(folded);
	return rc;
}

int document_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = document_insert(out_id, db, who, in)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int document_update(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	doc_fields f;
	char now[TIME_ISO_SIZE], *folded = NULL;
	json_t *before = NULL;
	int64_t basis;
	int rc;
	if ((rc = read_fields(&f, in, false)) < 0)
		return rc;
	if (f.number)
		return err_set(ERR_INVALID, "a document's number does not change; add the new document instead");
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = document_get(&before, db, id)) < 0)
		goto fail;
	if (f.title && ((rc = vn_fold(&folded, f.title, strlen(f.title))) < 0 ||
			(rc = db_run(db, NULL, "UPDATE document SET title = ?, title_folded = ? WHERE id = ?", "tti", f.title,
				 folded, id)) < 0))
		goto fail;
	if (f.kind && (rc = db_run(db, NULL, "UPDATE document SET kind = ? WHERE id = ?", "ti", f.kind, id)) < 0)
		goto fail;
	if (f.issued_on && (rc = db_run(db, NULL, "UPDATE document SET issued_on = ? WHERE id = ?", "ti",
				    *f.issued_on ? f.issued_on : NULL, id)) < 0)
		goto fail;
	if (f.issuer && (rc = db_run(db, NULL, "UPDATE document SET issuer = ? WHERE id = ?", "ti", f.issuer, id)) < 0)
		goto fail;
	if (f.has_basis && ((rc = resolve_basis(&basis, db, &f, id)) < 0 ||
			    (rc = basis ? db_run(db, NULL, "UPDATE document SET basis_id = ? WHERE id = ?", "ii", basis, id)
					: db_run(db, NULL, "UPDATE document SET basis_id = NULL WHERE id = ?", "i", id)) < 0))
		goto fail;
	if ((rc = db_run(db, NULL, "UPDATE document SET updated_at = ? WHERE id = ?", "ti", now, id)) < 0 ||
	    (rc = audit_doc(db, who, "update", id, before)) < 0)
		goto fail;
	json_decref(before);
	free(folded);
	return db_commit(db);
fail:
	json_decref(before);
	free(folded);
	db_rollback(db);
	return rc;
}
