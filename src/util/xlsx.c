/* xlsx: an Office Open XML spreadsheet writer over util/zip's ZIP code
 * (the first-sheet reader: xlsx_read.c). */
#include "util/xlsx.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/zip.h"

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
