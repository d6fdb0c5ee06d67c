/* unit: CSV import and export of the unit tree (unit.h), with the
 * checks and writes of unit.c. */
#include "domain/people/unit.h"
#include "domain/people/unit_internal.h"
#include "domain/people/audit.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
/* Lists the last error as line's problem: its message, and its template
 * and parameters for clients that say it in their language. */
static void bad_row_last(importer *im, int line)
{
	json_array_append_new(im->bad, json_err_detail(json_pack("{s:i}", "line", line)));
}

static void bad_row(importer *im, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_setv(ERR_INVALID, fmt, ap);
	va_end(ap);
	bad_row_last(im, line);
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
		return h->n > 1 ? err_set(ERR_INVALID, "line 1: the header needs the columns code and name (found: %s, %s)", h->f[0], h->f[1])
				: err_set(ERR_INVALID, "line 1: the header needs the columns code and name (found: %s)", h->n ? h->f[0] : "");
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
	if (!utf8_valid(name, strlen(name)) || unit_clean_name(&row->name, name) < 0) {
		if (utf8_valid(name, strlen(name)))
			bad_row_last(im, r->line);
		else
			bad_row(im, r->line, "the name is not valid UTF-8");
		row->bad = true;
	}
	if (!*row->code) {
		bad_row(im, r->line, "the code is empty");
		row->bad = true;
	} else if (unit_check_code(row->code) < 0) {
		bad_row_last(im, r->line);
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
	int width = rec.n;
	while ((rc = csv_read(&r, &rec)) == 1) {
		if (csv_check_width(&rec, width) < 0)
			bad_row_last(im, rec.line);
		else if ((rc = add_row(im, &rec)) < 0)
			break;
	}
	csv_free(&r);
	if (rc < 0 && rc != ERR_NOMEM) {
		/* a broken quote ends the reading: report it as a bad row */
		int line = 0;
		sscanf(err_msg(), "line %d", &line);
		bad_row_last(im, line);
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
			int rc = unit_ref_by_code(&ref, db, row->parent_code);
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
		int rc = unit_ref_by_code(&ref, db, row->parent_code);
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
	int rc = unit_ref_by_code(&ref, db, row->parent_code);
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
		if ((rc = unit_ref_by_code(&existing, db, row->code)) < 0 ||
		    (*row->parent_code && (rc = unit_ref_by_code(&parent, db, row->parent_code)) < 0))
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
	if (*row->parent_code && (rc = unit_ref_by_code(&parent, db, row->parent_code)) < 0)
		return rc;
	if ((rc = unit_ref_by_code(&existing, db, row->code)) < 0)
		return rc;
	unit_fields f = { .code = row->code, .name = row->name, .kind = row->kind, .parent_id = parent.id,
		.active = row->active, .is_public = row->is_public };
	if (!existing.id) {
		int64_t id;
		r->created++;
		return unit_insert(&id, db, &f, row->name, parent.id ? &parent : NULL, now);
	}
	bool changed;
	if ((rc = row_changes(&changed, db, row, existing.id, parent.id)) < 0 || !changed)
		return rc;
	r->updated++;
	f.code = NULL;
	bool moved;
	if ((rc = unit_update_in_tx(db, existing.id, &f, row->name, now, &moved)) < 0)
		return rc;
	if (!parent.id) {
		int64_t old_parent;
		if ((rc = unit_current_parent(&old_parent, db, existing.id)) < 0)
			return rc;
		if (old_parent) {
			unit_ref u;
			if ((rc = unit_ref_by_id(&u, db, existing.id)) < 0 || (rc = unit_move(db, &u, NULL, now)) < 0)
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
