/* xlsx: the first-sheet reader of Office Open XML spreadsheets (xlsx.h),
 * over util/zip's ZIP code with expat for XML. */
#include "util/xlsx.h"
#include "util/err.h"
#include "util/str.h"
#include "util/zip.h"

#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOT_XLSX "the file is not an .xlsx workbook"

/* ---- XML parts ---- */

/* The common head of every part's parsing state. */
typedef struct xml_job {
	XML_Parser parser;
	const char *part;
	int rc;                     /* the first error, which stops the parser */
} xml_job;

static void job_fail(xml_job *j, int rc)
{
	if (!j->rc) {
		j->rc = rc;
		XML_StopParser(j->parser, XML_FALSE);
	}
}

static void job_nomem(xml_job *j) { job_fail(j, err_set(ERR_NOMEM, "out of memory")); }

/* OOXML has no DOCTYPE; refusing it keeps entity tricks out. */
static void no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
		       const XML_Char *pubid, int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	xml_job *j = ud;
	job_fail(j, err_set(ERR_INVALID, "the workbook is damaged (%s has a DOCTYPE)", j->part));
}

static int xml_sink(void *ctx, const char *p, size_t n, bool last)
{
	xml_job *j = ctx;
	if (XML_Parse(j->parser, p, (int)n, last) != XML_STATUS_ERROR)
		return 0;
	if (j->rc)
		return j->rc;
	return err_set(ERR_INVALID, "the workbook is damaged (%s, line %lu: %s)", j->part,
		       (unsigned long)XML_GetCurrentLineNumber(j->parser),
		       XML_ErrorString(XML_GetErrorCode(j->parser)));
}

/* The name without its namespace (expat joins them with '|'). */
static const char *local(const XML_Char *name)
{
	const char *bar = strrchr(name, '|');
	return bar ? bar + 1 : name;
}

static bool is(const XML_Char *name, const char *want) { return strcmp(local(name), want) == 0; }

/* The attribute with that local name, or NULL. */
static const char *attr(const XML_Char **atts, const char *want)
{
	for (int i = 0; atts[i]; i += 2)
		if (is(atts[i], want))
			return atts[i + 1];
	return NULL;
}

/* Parses the part with the handlers: 1 if done, 0 if the part is absent,
 * or an error. */
static int parse_part(const zip_reader *z, const char *name, xml_job *j,
		      XML_StartElementHandler start, XML_EndElementHandler end,
		      XML_CharacterDataHandler text)
{
	zip_file f;
	int rc = zip_find(z, name, &f);
	if (rc <= 0)
		return rc;
	j->parser = XML_ParserCreateNS(NULL, '|');
	if (!j->parser)
		return err_set(ERR_NOMEM, "out of memory");
	j->part = name;
	j->rc = 0;
	XML_SetUserData(j->parser, j);
	XML_SetElementHandler(j->parser, start, end);
	XML_SetCharacterDataHandler(j->parser, text);
	XML_SetStartDoctypeDeclHandler(j->parser, no_doctype);
	rc = zip_read(z, &f, name, xml_sink, j);
	XML_ParserFree(j->parser);
	j->parser = NULL;
	return rc < 0 ? rc : 1;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* xl/workbook.xml: the relationship ids of the sheets, in order. */
typedef struct workbook_job {
	xml_job j;
	str ids;                    /* NUL-terminated, one after another */
	int n;
} workbook_job;

static void workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	workbook_job *w = ud;
	const char *id = attr(atts, "id");
	if (w->j.rc || !is(name, "sheet") || !id)
		return;
	str_appendn(&w->ids, id, strlen(id) + 1);
	w->n++;
}

/* xl/_rels/workbook.xml.rels: the worksheets and the shared strings. */
typedef struct rels_job {
	xml_job j;
	str sheets;                 /* id NUL target NUL, for each worksheet */
	str strings;                /* the shared strings' target */
} rels_job;

static void rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	rels_job *r = ud;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
	if (r->j.rc || !is(name, "Relationship") || !id || !type || !target)
		return;
	if (ends_with(type, "/worksheet")) {
		str_appendn(&r->sheets, id, strlen(id) + 1);
		str_appendn(&r->sheets, target, strlen(target) + 1);
	} else if (ends_with(type, "/sharedStrings") && !r->strings.len) {
		str_append(&r->strings, target);
	}
}

/* The part name of a target relative to xl/ (or absolute), with "." and
 * ".." segments resolved. */
static void resolve_target(str *out, const char *target)
{
	str_clear(out);
	if (*target == '/')
		target++;
	else
		str_append(out, "xl");
	while (*target && !out->oom) {
		size_t n = strcspn(target, "/");
		if (n == 2 && memcmp(target, "..", 2) == 0) {
			char *slash = out->len ? memrchr(out->ptr, '/', out->len) : NULL;
			out->len = slash ? (size_t)(slash - out->ptr) : 0;
			if (out->ptr)
				out->ptr[out->len] = '\0';
		} else if (n && !(n == 1 && *target == '.')) {
			if (out->len)
				str_appendc(out, '/');
			str_appendn(out, target, n);
		}
		target += n;
		if (*target == '/')
			target++;
	}
}

/* The target of the worksheet relationship id, or NULL. */
static const char *rels_sheet(const rels_job *r, const char *id)
{
	for (size_t pos = 0; pos < r->sheets.len;) {
		const char *rid = r->sheets.ptr + pos, *target = rid + strlen(rid) + 1;
		if (strcmp(rid, id) == 0)
			return target;
		pos = (size_t)(target + strlen(target) + 1 - r->sheets.ptr);
	}
	return NULL;
}

/* Finds the first worksheet through the workbook and its relationships
 * (else xl/worksheets/sheet1.xml), and the shared strings part. */
static int locate_parts(const zip_reader *z, str *sheet, str *strings)
{
	workbook_job wb = { 0 };
	rels_job rels = { 0 };
	zip_file f;
	int rc = parse_part(z, "xl/workbook.xml", &wb.j, workbook_start, NULL, NULL);
	bool have_workbook = rc == 1;
	if (have_workbook)
		rc = parse_part(z, "xl/_rels/workbook.xml.rels", &rels.j, rels_start, NULL, NULL);
	if (rc >= 0 && (str_oom(&wb.ids) || str_oom(&rels.sheets) || str_oom(&rels.strings)))
		rc = err_set(ERR_NOMEM, "out of memory");
	const char *id = wb.ids.ptr;
	for (int i = 0; rc >= 0 && i < wb.n && !sheet->len; i++, id += strlen(id) + 1) {
		const char *target = rels_sheet(&rels, id);
		if (!target)
			continue;
		resolve_target(sheet, target);
		rc = str_oom(sheet) ? err_set(ERR_NOMEM, "out of memory") : zip_find(z, sheet->ptr, &f);
		if (rc == 0)
			str_clear(sheet);
	}
	if (rc >= 0 && !sheet->len) {
		rc = zip_find(z, "xl/worksheets/sheet1.xml", &f);
		if (rc == 1)
			str_append(sheet, "xl/worksheets/sheet1.xml");
		else if (rc == 0)
			rc = err_set(ERR_INVALID, have_workbook ? "the workbook has no worksheet" : NOT_XLSX);
	}
	if (rels.strings.len)
		resolve_target(strings, rels.strings.ptr);
	else
		str_append(strings, "xl/sharedStrings.xml");
	if (rc >= 0 && (str_oom(sheet) || str_oom(strings)))
		rc = err_set(ERR_NOMEM, "out of memory");
	str_free(&wb.ids);
	str_free(&rels.sheets);
	str_free(&rels.strings);
	return rc < 0 ? rc : 0;
}

/* xl/sharedStrings.xml: each <si>'s text, rich-text runs joined and
 * phonetic runs (<rPh>) left out. */
typedef struct strings_job {
	xml_job j;
	str text;                   /* the strings, each NUL-terminated */
	size_t *offs;
	size_t n, cap;
	size_t start;               /* where the current string's text began */
	bool in_si, in_t;
	int phonetic;               /* depth of <rPh> */
} strings_job;

static void strings_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)atts;
	strings_job *s = ud;
	if (s->j.rc)
		return;
	if (is(name, "si")) {
		s->in_si = true;
		s->start = s->text.len;
	} else if (s->in_si && is(name, "rPh"))
		s->phonetic++;
	else if (s->in_si && !s->phonetic && is(name, "t"))
		s->in_t = true;
}

/* Ends the current string. */
static void strings_push(strings_job *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		size_t *p = realloc(s->offs, cap * sizeof(*p));
		if (!p) {
			job_nomem(&s->j);
			return;
		}
		s->offs = p;
		s->cap = cap;
	}
	s->offs[s->n++] = s->start;
	str_appendc(&s->text, '\0');
	if (str_oom(&s->text))
		job_nomem(&s->j);
}

static void strings_end(void *ud, const XML_Char *name)
{
	strings_job *s = ud;
	if (s->j.rc)
		return;
	if (is(name, "t"))
		s->in_t = false;
	else if (is(name, "rPh") && s->phonetic)
		s->phonetic--;
	else if (is(name, "si") && s->in_si) {
		s->in_si = false;
		strings_push(s);
	}
}

static void strings_text(void *ud, const XML_Char *p, int n)
{
	strings_job *s = ud;
	if (!s->j.rc && s->in_t)
		str_appendn(&s->text, p, (size_t)n);
}

/* A worksheet, one row at a time. */
typedef struct sheet_job {
	xml_job j;
	const strings_job *strings;
	int (*row_cb)(void *ctx, const csv_record *rec);
	void *ctx;
	int row;                    /* the current row's number */
	int col;                    /* the current cell's column (0-based) */
	bool in_row, in_cell, in_v, in_is, in_t;
	int phonetic;
	char type[12];              /* the cell's t attribute */
	str v, is;                  /* the cell's <v> and inline string text */
	str cells;                  /* the row's non-empty cells, NUL-terminated */
	size_t offs[CSV_MAX_FIELDS];
	int n;                      /* the last non-empty column + 1 */
} sheet_job;

/* A positive decimal number below 2^31, or 0. */
static int parse_uint(const char *s)
{
	long v = 0;
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

/* The 0-based column of a reference like "AB12", or -1 without letters. */
static int ref_col(const char *ref)
{
	int col = 0;
	const char *p = ref;
	for (; *p; p++) {
		char c = *p;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			break;
		if (col < 1000000)
			col = col * 26 + (c - 'A' + 1);
	}
	return p == ref ? -1 : col - 1;
}

static void row_start(sheet_job *s, const XML_Char **atts)
{
	int r = parse_uint(attr(atts, "r"));
	s->row = r > 0 ? r : s->row + 1;
	s->col = -1;
	s->n = 0;
	s->in_row = true;
	str_clear(&s->cells);
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		s->offs[i] = SIZE_MAX;
}

static void cell_start(sheet_job *s, const XML_Char **atts)
{
	const char *ref = attr(atts, "r"), *type = attr(atts, "t");
	int col = ref ? ref_col(ref) : -1;
	s->col = col >= 0 ? col : s->col + 1;
	snprintf(s->type, sizeof(s->type), "%s", type ? type : "");
	str_clear(&s->v);
	str_clear(&s->is);
	s->in_cell = true;
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	sheet_job *s = ud;
	if (s->j.rc)
		return;
	const char *n = local(name);
	if (strcmp(n, "row") == 0)
		row_start(s, atts);
	else if (s->in_row && strcmp(n, "c") == 0)
		cell_start(s, atts);
	else if (s->in_cell && strcmp(n, "v") == 0)
		s->in_v = true;
	else if (s->in_cell && strcmp(n, "is") == 0)
		s->in_is = true;
	else if (s->in_is && strcmp(n, "rPh") == 0)
		s->phonetic++;
	else if (s->in_is && !s->phonetic && strcmp(n, "t") == 0)
		s->in_t = true;
}

/* The text of the cell that just ended, or NULL after an error. */
static const char *cell_text(sheet_job *s)
{
	const char *v = str_cstr(&s->v);
	if (!v) {
		job_nomem(&s->j);
		return NULL;
	}
	if (strcmp(s->type, "s") == 0) {
		int i = parse_uint(v);
		if (!*v)
			return "";
		if ((i == 0 && strcmp(v, "0") != 0) || !s->strings || (size_t)i >= s->strings->n) {
			job_fail(&s->j, err_set(ERR_INVALID, "row %d: shared string %.20s does not exist",
						s->row, v));
			return NULL;
		}
		return s->strings->text.ptr + s->strings->offs[i];
	}
	if (strcmp(s->type, "inlineStr") == 0) {
		const char *t = str_cstr(&s->is);
		if (!t)
			job_nomem(&s->j);
		return t;
	}
	if (strcmp(s->type, "b") == 0 && *v)
		return strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ? "TRUE" : "FALSE";
	return v;
}

static void cell_end(sheet_job *s)
{
	s->in_cell = s->in_v = s->in_is = s->in_t = false;
	s->phonetic = 0;
	const char *text = cell_text(s);
	if (!text || !*text)
		return;
	if (s->col >= CSV_MAX_FIELDS) {
		job_fail(&s->j, err_set(ERR_INVALID, "row %d: more than %d columns", s->row, CSV_MAX_FIELDS));
		return;
	}
	s->offs[s->col] = s->cells.len;
	str_appendn(&s->cells, text, strlen(text) + 1);
	if (s->col + 1 > s->n)
		s->n = s->col + 1;
}

static void row_end(sheet_job *s)
{
	s->in_row = false;
	if (!s->n)
		return;
	if (str_oom(&s->cells)) {
		job_nomem(&s->j);
		return;
	}
	csv_record rec;
	rec.line = s->row;
	rec.n = s->n;
	for (int i = 0; i < s->n; i++)
		rec.f[i] = s->offs[i] == SIZE_MAX ? "" : s->cells.ptr + s->offs[i];
	int rc = s->row_cb(s->ctx, &rec);
	if (rc < 0)
		job_fail(&s->j, rc);
}

static void sheet_end(void *ud, const XML_Char *name)
{
	sheet_job *s = ud;
	if (s->j.rc)
		return;
	const char *n = local(name);
	if (strcmp(n, "row") == 0 && s->in_row)
		row_end(s);
	else if (strcmp(n, "c") == 0 && s->in_cell)
		cell_end(s);
	else if (strcmp(n, "v") == 0)
		s->in_v = false;
	else if (strcmp(n, "is") == 0)
		s->in_is = false;
	else if (strcmp(n, "rPh") == 0 && s->phonetic)
		s->phonetic--;
	else if (strcmp(n, "t") == 0)
		s->in_t = false;
}

static void sheet_text(void *ud, const XML_Char *p, int n)
{
	sheet_job *s = ud;
	if (s->j.rc)
		return;
	if (s->in_v)
		str_appendn(&s->v, p, (size_t)n);
	else if (s->in_t)
		str_appendn(&s->is, p, (size_t)n);
}

int xlsx_read(const void *data, size_t len,
	      int (*row_cb)(void *ctx, const csv_record *rec), void *ctx)
{
	zip_reader z;
	int rc = zip_open(&z, data, len, "workbook");
	if (rc == ERR_MALFORMED)
		return err_set(ERR_INVALID, NOT_XLSX);
	if (rc < 0)
		return rc;
	str sheet = STR_INIT, strings_part = STR_INIT;
	strings_job strings = { 0 };
	sheet_job s = { 0 };
	rc = locate_parts(&z, &sheet, &strings_part);
	if (rc >= 0)
		rc = parse_part(&z, strings_part.ptr, &strings.j, strings_start, strings_end, strings_text);
	if (rc >= 0) {
		s.strings = rc == 1 ? &strings : NULL;
		s.row_cb = row_cb;
		s.ctx = ctx;
		rc = parse_part(&z, sheet.ptr, &s.j, sheet_start, sheet_end, sheet_text);
	}
	str_free(&sheet);
	str_free(&strings_part);
	str_free(&strings.text);
	free(strings.offs);
	str_free(&s.v);
	str_free(&s.is);
	str_free(&s.cells);
	return rc < 0 ? rc : 0;
}
