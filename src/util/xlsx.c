/* xlsx: an Office Open XML spreadsheet writer and first-sheet reader over
 * util/zip's ZIP code, with expat for XML. */
#include "util/xlsx.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/zip.h"

#include <expat.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XLSX_MAX_COLS 16384
#define XLSX_MAX_ROWS 1048576
#define SHEET_NAME_MAX 31

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define CT_PREFIX "application/vnd.openxmlformats-"

#define NOT_XLSX "the file is not an .xlsx workbook"

/* Cell styles (the cellXfs of styles below). */
enum { STYLE_HEADER = 1, STYLE_FORMATS = 2, STYLE_TITLE = 5 };

/* ---- XML text ---- */

static void xml_text(str *s, const char *v) { xml_escape(s, v, strlen(v)); }

/* Cuts s to at most max characters, counted in UTF-16 units as Excel
 * counts them; s holds valid UTF-8. */
static void cut_units(str *s, int max)
{
	const unsigned char *p = (const unsigned char *)s->ptr;
	size_t at = 0;
	int units = 0;
	while (p && at < s->len) {
		uint32_t cp;
		size_t k = xml_utf8_next(p + at, s->len - at, &cp);
		int w = cp >= 0x10000 ? 2 : 1;
		if (!k || units + w > max)
			break;
		units += w;
		at += k;
	}
	if (p && at < s->len) {
		s->len = at;
		s->ptr[at] = '\0';
	}
}

/* Appends the sheet name Excel accepts, not yet escaped: no []:*?/\ or
 * control characters (spaces instead), no apostrophe at either end, at
 * most 31 characters; "Sheet1" when nothing is left. */
static void sheet_name(str *out, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name), start = out->len;
	while (n) {
		uint32_t cp;
		size_t k = xml_utf8_next(p, n, &cp);
		if (k && xml_char_ok(cp)) {
			if (cp < 0x20 || (cp < 0x80 && strchr("[]:*?/\\", (int)cp)))
				str_appendc(out, ' ');
			else
				str_appendn(out, (const char *)p, k);
		}
		k = k ? k : 1;
		p += k;
		n -= k;
	}
	cut_units(out, SHEET_NAME_MAX);
	if (out->len > start && !out->oom) {
		if (out->ptr[start] == '\'')
			out->ptr[start] = ' ';
		if (out->ptr[out->len - 1] == '\'')
			out->ptr[out->len - 1] = ' ';
	}
	if (out->len == start)
		str_append(out, "Sheet1");
}

/* Appends a number with %.15g (or %g for widths), a '.' whatever the
 * locale. */
static void append_number(str *s, const char *fmt, double v)
{
	char buf[40];
	snprintf(buf, sizeof(buf), fmt, v);
	for (char *c = buf; *c; c++)
		if (*c == ',')
			*c = '.';
	str_append(s, buf);
}

/* Appends a cell reference: column (0-based) as letters, row (from 1). */
static void append_ref(str *s, int col, int row)
{
	char buf[8];
	int i = (int)sizeof(buf);
	for (int c = col + 1; c > 0 && i > 0; c = (c - 1) / 26)
		buf[--i] = (char)('A' + (c - 1) % 26);
	str_appendn(s, buf + i, sizeof(buf) - (size_t)i);
	str_appendf(s, "%d", row);
}

/* ---- writer ---- */

void xlsx_writer_init(xlsx_writer *w, const char *name)
{
	memset(w, 0, sizeof(*w));
	sheet_name(&w->name, name ? name : "");
}

void xlsx_writer_free(xlsx_writer *w)
{
	str_free(&w->name);
	str_free(&w->rows);
	free(w->widths);
	w->widths = NULL;
	w->nwidths = 0;
}

static void close_row(xlsx_writer *w)
{
	if (w->row_open)
		str_append(&w->rows, "</row>");
	w->row_open = false;
}

void xlsx_row(xlsx_writer *w)
{
	if (w->err)
		return;
	close_row(w);
	if (w->row >= XLSX_MAX_ROWS) {
		w->err = ERR_INVALID;
		return;
	}
	w->row++;
	w->col = 0;
	str_appendf(&w->rows, "<row r=\"%d\">", w->row);
	w->row_open = true;
}

/* Moves past an empty cell. */
static void skip_cell(xlsx_writer *w)
{
	if (!w->row_open)
		xlsx_row(w);
	if (!w->err)
		w->col++;
}

/* Opens the next cell's <c> element; false if it cannot be written. */
static bool cell_begin(xlsx_writer *w, int style, const char *type)
{
	if (!w->row_open)
		xlsx_row(w);
	if (w->err)
		return false;
	if (w->col >= XLSX_MAX_COLS) {
		w->err = ERR_INVALID;
		return false;
	}
	str_append(&w->rows, "<c r=\"");
	append_ref(&w->rows, w->col++, w->row);
	str_appendc(&w->rows, '"');
	if (style)
		str_appendf(&w->rows, " s=\"%d\"", style);
	if (type)
		str_appendf(&w->rows, " t=\"%s\"", type);
	str_appendc(&w->rows, '>');
	return true;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void text_cell(xlsx_writer *w, const char *v, int style)
{
	if (!v || !*v) {
		skip_cell(w);
		return;
	}
	if (!cell_begin(w, style, "inlineStr"))
		return;
	size_t n = strlen(v);
	str_append(&w->rows, is_space(v[0]) || is_space(v[n - 1])
			     ? "<is><t xml:space=\"preserve\">" : "<is><t>");
	xml_text(&w->rows, v);
	str_append(&w->rows, "</t></is></c>");
}

void xlsx_text(xlsx_writer *w, const char *v) { text_cell(w, v, 0); }

void xlsx_number(xlsx_writer *w, double v) { xlsx_number_as(w, v, XLSX_GENERAL); }

void xlsx_number_as(xlsx_writer *w, double v, xlsx_format f)
{
	if (!isfinite(v)) {
		skip_cell(w);
		return;
	}
	int style = f > XLSX_GENERAL && f <= XLSX_PERCENT ? STYLE_FORMATS + (int)f - XLSX_INTEGER : 0;
	if (!cell_begin(w, style, NULL))
		return;
	str_append(&w->rows, "<v>");
	append_number(&w->rows, "%.15g", v);
	str_append(&w->rows, "</v></c>");
}

void xlsx_title(xlsx_writer *w, const char *text)
{
	xlsx_row(w);
	text_cell(w, text, STYLE_TITLE);
}

void xlsx_header(xlsx_writer *w, const char *const *names, int n)
{
	xlsx_row(w);
	if (w->err)
		return;
	w->header_row = w->row;
	for (int i = 0; i < n; i++)
		text_cell(w, names[i], STYLE_HEADER);
}

void xlsx_col_width(xlsx_writer *w, int col, double width)
{
	if (w->err || col < 0 || col >= XLSX_MAX_COLS || !(width >= 0))
		return;
	if (width > 255)
		width = 255;
	if (col >= w->nwidths) {
		double *p = realloc(w->widths, (size_t)(col + 1) * sizeof(*p));
		if (!p) {
			w->err = ERR_NOMEM;
			return;
		}
		for (int i = w->nwidths; i <= col; i++)
			p[i] = 0;
		w->widths = p;
		w->nwidths = col + 1;
	}
	w->widths[col] = width;
}

void xlsx_page(xlsx_writer *w, xlsx_orientation o)
{
	w->portrait = o == XLSX_PORTRAIT;
}

/* ---- the package ---- */

/* The fixed parts of the package. */
static const char package_rels[] = XML_DECL
	"<Relationships xmlns=\"" NS_PKG_REL "\">"
	"<Relationship Id=\"rId1\" Type=\"" NS_REL "/officeDocument\" Target=\"xl/workbook.xml\"/>"
	"</Relationships>";

/* Style 0 is the default, 1 bold (headers), 2 whole numbers "#,##0", 3
 * decimals "#,##0.00", 4 percentages "0.0%" (the reader's locale decides
 * the separators shown), 5 titles (bold, 14 pt). */
static const char styles[] = XML_DECL
	"<styleSheet xmlns=\"" NS_MAIN "\">"
	"<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.0%\"/></numFmts>"
	"<fonts count=\"3\">"
	"<font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
	"<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
	"<font><b/><sz val=\"14\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
	"</fonts>"
	"<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
	"<fill><patternFill patternType=\"gray125\"/></fill></fills>"
	"<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
	"<cellXfs count=\"6\">"
	"<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
	"<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
	"<xf numFmtId=\"3\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
	"<xf numFmtId=\"4\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
	"<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
	"<xf numFmtId=\"0\" fontId=\"2\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
	"</cellXfs>"
	"<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
	"</styleSheet>";

static void build_content_types(int n, str *s)
{
	str_append(s, XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		      "<Default Extension=\"rels\" ContentType=\"" CT_PREFIX "package.relationships+xml\"/>"
		      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		      "<Override PartName=\"/xl/workbook.xml\" ContentType=\"" CT_PREFIX "officedocument.spreadsheetml.sheet.main+xml\"/>");
	for (int i = 1; i <= n; i++)
		str_appendf(s, "<Override PartName=\"/xl/worksheets/sheet%d.xml\" ContentType=\""
			       CT_PREFIX "officedocument.spreadsheetml.worksheet+xml\"/>", i);
	str_append(s, "<Override PartName=\"/xl/styles.xml\" ContentType=\"" CT_PREFIX "officedocument.spreadsheetml.styles+xml\"/>"
		      "</Types>");
}

static void build_workbook_rels(int n, str *s)
{
	str_append(s, XML_DECL "<Relationships xmlns=\"" NS_PKG_REL "\">");
	for (int i = 1; i <= n; i++)
		str_appendf(s, "<Relationship Id=\"rId%d\" Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet%d.xml\"/>", i, i);
	str_appendf(s, "<Relationship Id=\"rId%d\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/></Relationships>", n + 1);
}

/* True if key (a lower-cased name) is taken by keys[0..n) or reserved
 * ("History" is Excel's). */
static bool name_taken(char *const *keys, int n, const char *key)
{
	if (strcmp(key, "history") == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

/* Names unique within the book as Excel compares them (ignoring case): a
 * name already taken gets " (2)", " (3)", ..., cut (and trimmed) to stay
 * within 31 characters. names[i] gets the name of sheets[i], not yet
 * escaped. */
static int unique_names(const xlsx_writer *sheets, int n, str *names)
{
	char **keys = calloc((size_t)(n ? n : 1), sizeof(*keys));
	int rc = keys ? 0 : err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; !rc && i < n; i++) {
		const str *name = &sheets[i].name;
		for (int k = 1; !rc && !keys[i]; k++) {
			char suffix[16] = "";
			if (k > 1)
				snprintf(suffix, sizeof(suffix), " (%d)", k);
			str_clear(&names[i]);
			str_appendn(&names[i], name->ptr ? name->ptr : "", name->len);
			cut_units(&names[i], SHEET_NAME_MAX - (int)strlen(suffix));
			while (k > 1 && names[i].len > 1 && names[i].ptr[names[i].len - 1] == ' ')
				names[i].ptr[--names[i].len] = '\0';
			str_append(&names[i], suffix);
			char *key = NULL;
			if (str_oom(&names[i]))
				rc = err_set(ERR_NOMEM, "out of memory");
			else
				rc = vn_lower(&key, names[i].ptr, names[i].len);
			if (!rc && name_taken(keys, i, key))
				free(key);
			else
				keys[i] = key;
		}
	}
	for (int i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
	return rc;
}

/* The reference to the rows from..to of a sheet in a formula: the name
 * quoted, its apostrophes doubled. */
static void rows_ref(str *s, const str *name, int from, int to)
{
	str_appendc(s, '\'');
	for (size_t k = 0; k < name->len; k++) {
		if (name->ptr[k] == '\'')
			str_appendc(s, '\'');
		str_appendc(s, name->ptr[k]);
	}
	str_appendf(s, "'!$%d:$%d", from, to);
}

static void build_workbook(const xlsx_writer *sheets, int n, const str *names, str *s)
{
	str_append(s, XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
		      "<bookViews><workbookView/></bookViews><sheets>");
	for (int i = 0; i < n; i++) {
		str_append(s, "<sheet name=\"");
		xml_escape(s, names[i].ptr ? names[i].ptr : "", names[i].len);
		str_appendf(s, "\" sheetId=\"%d\" r:id=\"rId%d\"/>", i + 1, i + 1);
	}
	str_append(s, "</sheets>");
	/* the header row repeats on every printed page */
	bool any = false;
	for (int i = 0; i < n; i++) {
		if (!sheets[i].header_row)
			continue;
		if (!any)
			str_append(s, "<definedNames>");
		any = true;
		str ref = STR_INIT;
		rows_ref(&ref, &names[i], sheets[i].header_row, sheets[i].header_row);
		str_appendf(s, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"%d\">", i);
		xml_escape(s, ref.ptr ? ref.ptr : "", ref.len);
		str_append(s, "</definedName>");
		if (str_oom(&ref))
			s->oom = true;
		str_free(&ref);
	}
	if (any)
		str_append(s, "</definedNames>");
	str_append(s, "</workbook>");
}

/* What comes before the rows of a sheet: fit to the page's width, the
 * frozen pane and the widths. */
static void build_sheet_head(const xlsx_writer *w, str *s)
{
	str_append(s, XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>");
	if (w->header_row && w->header_row < XLSX_MAX_ROWS) {
		int top = w->header_row + 1;
		str_appendf(s, "<sheetViews><sheetView workbookViewId=\"0\">"
			       "<pane ySplit=\"%d\" topLeftCell=\"A%d\" activePane=\"bottomLeft\" state=\"frozen\"/>"
			       "<selection pane=\"bottomLeft\" activeCell=\"A%d\" sqref=\"A%d\"/>"
			       "</sheetView></sheetViews>", w->header_row, top, top, top);
	}
	bool cols = false;
	for (int i = 0; i < w->nwidths; i++) {
		if (w->widths[i] <= 0)
			continue;
		if (!cols)
			str_append(s, "<cols>");
		cols = true;
		str_appendf(s, "<col min=\"%d\" max=\"%d\" width=\"", i + 1, i + 1);
		append_number(s, "%.6g", w->widths[i]);
		str_append(s, "\" customWidth=\"1\"/>");
	}
	if (cols)
		str_append(s, "</cols>");
	str_append(s, "<sheetData>");
}

/* After the rows: A4 (paperSize 9), as wide as the page, as many pages
 * down as needed. */
static const char sheet_tail[] = "</sheetData>"
	"<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
	"<pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/></worksheet>";
static const char sheet_tail_portrait[] = "</sheetData>"
	"<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
	"<pageSetup paperSize=\"9\" orientation=\"portrait\" fitToWidth=\"1\" fitToHeight=\"0\"/></worksheet>";

static strv view(const str *s) { return (strv){ s->ptr ? s->ptr : "", s->len }; }

/* Adds sheets[i] as xl/worksheets/sheet<i+1>.xml. */
static void add_sheet(zip_writer *z, const xlsx_writer *w, int i)
{
	str head = STR_INIT;
	char name[40];
	build_sheet_head(w, &head);
	strv parts[3] = { view(&head), view(&w->rows), w->portrait ? STRV(sheet_tail_portrait) : STRV(sheet_tail) };
	snprintf(name, sizeof(name), "xl/worksheets/sheet%d.xml", i + 1);
	if (str_oom(&head) || str_oom(&w->rows))
		z->err = z->err ? z->err : err_set(ERR_NOMEM, "out of memory");
	zip_add(z, name, parts, 3);
	str_free(&head);
}

static int build_book(xlsx_writer *sheets, int n, char **out, size_t *len)
{
	zip_writer z;
	str types = STR_INIT, rels = STR_INIT, book = STR_INIT, *names = calloc((size_t)(n ? n : 1), sizeof(str));
	int rc = names ? unique_names(sheets, n, names) : err_set(ERR_NOMEM, "out of memory");
	zip_writer_init(&z);
	if (!rc) {
		build_content_types(n, &types);
		build_workbook_rels(n, &rels);
		build_workbook(sheets, n, names, &book);
		if (str_oom(&types) || str_oom(&rels) || str_oom(&book))
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	if (!rc) {
		strv part;
		zip_add(&z, "[Content_Types].xml", (part = view(&types), &part), 1);
		zip_add(&z, "_rels/.rels", (part = STRV(package_rels), &part), 1);
		zip_add(&z, "xl/workbook.xml", (part = view(&book), &part), 1);
		zip_add(&z, "xl/_rels/workbook.xml.rels", (part = view(&rels), &part), 1);
		zip_add(&z, "xl/styles.xml", (part = STRV(styles), &part), 1);
		for (int i = 0; i < n; i++)
			add_sheet(&z, &sheets[i], i);
		rc = zip_finish(&z, out, len);
	} else
		zip_writer_free(&z);
	for (int i = 0; names && i < n; i++)
		str_free(&names[i]);
	free(names);
	str_free(&types);
	str_free(&rels);
	str_free(&book);
	return rc;
}

/* The first error of the sheets, with its message. */
static int sheets_error(xlsx_writer *sheets, int n)
{
	for (int i = 0; i < n; i++) {
		close_row(&sheets[i]);
		int rc = sheets[i].err;
		if (rc == ERR_INVALID)
			return err_set(rc, "the sheet has more than %d rows or %d columns", XLSX_MAX_ROWS, XLSX_MAX_COLS);
		if (rc)
			return err_set(rc, "out of memory");
	}
	return 0;
}

int xlsx_book_finish(xlsx_writer *sheets, int n, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int rc = sheets_error(sheets, n);
	if (!rc)
		rc = build_book(sheets, n, out, len);
	for (int i = 0; i < n; i++)
		xlsx_writer_free(&sheets[i]);
	return rc;
}

int xlsx_finish(xlsx_writer *w, char **out, size_t *len)
{
	return xlsx_book_finish(w, 1, out, len);
}


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
