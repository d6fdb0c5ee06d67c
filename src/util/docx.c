/* docx: the document's body as WordprocessingML, packed with the fixed
 * parts (docx.h). */
#include "util/docx.h"
#include "util/err.h"
#include "util/zip.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define CT "application/vnd.openxmlformats-officedocument."

/* The styles' ids in word/styles.xml, by docx_style. */
static const char *const style_id[] = {
	[DOCX_BODY] = "BodyText",
	[DOCX_TITLE] = "Title",
	[DOCX_SUBTITLE] = "Subtitle",
	[DOCX_CENTER_ITALIC] = "CenterItalic",
	[DOCX_HEADING1] = "Heading1",
	[DOCX_HEADING2] = "Heading2",
	[DOCX_NOTE] = "Note",
	[DOCX_SMALL] = "Small",
	[DOCX_SIGNATURE] = "Signature",
	[DOCX_CENTERED] = "Centered",
	[DOCX_RIGHT_ITALIC] = "RightItalic",
};

#define N_STYLES ((int)(sizeof(style_id) / sizeof(style_id[0])))

void docx_init(docx_writer *d)
{
	memset(d, 0, sizeof(*d));
}

void docx_free(docx_writer *d)
{
	str_free(&d->body);
	for (int i = 0; i < d->n_charts; i++)
		str_free(&d->charts[i]);
	d->n_charts = 0;
}

/* ----------------------------------------------------------------- text */

/* Text for runs: XML-escaped, '\n' a line break, '\t' a tab, CR and what
 * XML cannot hold dropped. */
static void run_text(str *s, const char *t, size_t n)
{
	str_append(s, "<w:t xml:space=\"preserve\">");
	while (n) {
		size_t k = strcspn(t, "\n\t\r");
		k = k < n ? k : n;
		xml_escape(s, t, k);
		if (k == n)
			break;
		if (t[k] == '\n')
			str_append(s, "</w:t><w:br/><w:t xml:space=\"preserve\">");
		else if (t[k] == '\t')
			str_append(s, "</w:t><w:tab/><w:t xml:space=\"preserve\">");
		t += k + 1;
		n -= k + 1;
	}
	str_append(s, "</w:t>");
}

/* A run of t[0..n) with the format and, if not 0, a size in half points. */
static void run(str *s, const char *t, size_t n, int format, int half_points)
{
	str_append(s, "<w:r>");
	if (format || half_points) {
		str_append(s, "<w:rPr>");
		if (format & DOCX_BOLD)
			str_append(s, "<w:b/>");
		if (format & DOCX_ITALIC)
			str_append(s, "<w:i/>");
		if (half_points)
			str_appendf(s, "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>", half_points, half_points);
		if (format & DOCX_UNDERLINE)
			str_append(s, "<w:u w:val=\"single\"/>");
		str_append(s, "</w:rPr>");
	}
	run_text(s, t, n);
	str_append(s, "</w:r>");
}

/* ----------------------------------------------------------- paragraphs */

void docx_para_begin(docx_writer *d, docx_style style)
{
	docx_para_end(d);
	docx_table_end(d);   /* a paragraph follows a table */
	int i = (int)style >= 0 && (int)style < N_STYLES ? (int)style : DOCX_BODY;
	str_appendf(&d->body, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style_id[i]);
	d->in_para = true;
}

void docx_run(docx_writer *d, const char *t, int format)
{
	if (!d->in_para)
		docx_para_begin(d, DOCX_BODY);
	if (t && *t)
		run(&d->body, t, strlen(t), format, 0);
}

void docx_para_end(docx_writer *d)
{
	if (d->in_para)
		str_append(&d->body, "</w:p>");
	d->in_para = false;
}

void docx_para(docx_writer *d, const char *t, docx_style style)
{
	docx_para_begin(d, style);
	docx_run(d, t, 0);
	docx_para_end(d);
}

/* --------------------------------------------------------------- tables */

static const char borders[] = "<w:tblBorders>"
	"<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	"<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	"<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	"<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	"<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	"<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>";

#define CELL_MARGIN 57   /* twips left and right in a cell: 1 mm */

void docx_table_begin(docx_writer *d, int ncols, const double *widths, bool with_borders)
{
	docx_para_end(d);
	docx_table_end(d);   /* tables are not nested */
	d->ncols = ncols < 0 ? 0 : ncols > DOCX_MAX_COLS ? DOCX_MAX_COLS : ncols;
	d->col = 0;
	d->in_row = false;
	d->in_table = true;
	str_append(&d->body, "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/>");
	if (with_borders)
		str_append(&d->body, borders);
	str_appendf(&d->body, "<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"%d\" w:type=\"dxa\"/>"
			      "<w:right w:w=\"%d\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>", CELL_MARGIN, CELL_MARGIN);
	for (int i = 0; i < d->ncols; i++) {
		double w = widths[i] > 0 ? widths[i] : 0;
		d->widths[i] = (int)(w / 100.0 * DOCX_TEXT_WIDTH + 0.5);
		str_appendf(&d->body, "<w:gridCol w:w=\"%d\"/>", d->widths[i]);
	}
	str_append(&d->body, "</w:tblGrid>");
}

void docx_row_begin(docx_writer *d, bool header)
{
	if (d->in_row)
		docx_row_end(d);
	str_append(&d->body, header ? "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" : "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
	d->in_row = true;
	d->header_row = header;
	d->col = 0;
}

/* Opens the next cell of the row; returns the mark cell_end needs. */
static size_t cell_begin(docx_writer *d)
{
	if (!d->in_row)
		docx_row_begin(d, false);
	int width = d->col < d->ncols ? d->widths[d->col] : 1000;
	str_appendf(&d->body, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>%s</w:tcPr>", width,
		    d->header_row ? "<w:vAlign w:val=\"center\"/>" : "");
	return d->body.len;
}

/* Closes the cell opened at mark, with an empty paragraph if it has none
 * (a cell must have one). */
static void cell_end(docx_writer *d, size_t mark)
{
	if (d->body.len == mark)
		str_append(&d->body, "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr></w:p>");
	str_append(&d->body, "</w:tc>");
	d->col++;
}

/* A paragraph of a cell: t[0..n) in one run. extra goes into its pPr
 * after the style (spacing before jc, as the schema orders them). */
static void cell_para(docx_writer *d, const char *t, size_t n, const char *extra, const char *jc, int format, int half_points)
{
	str_appendf(&d->body, "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/>%s<w:jc w:val=\"%s\"/></w:pPr>", extra, jc);
	if (n)
		run(&d->body, t, n, format, half_points);
	str_append(&d->body, "</w:p>");
}

void docx_cell(docx_writer *d, const char *t, docx_align align, int format)
{
	static const char *const jc[] = { "left", "center", "right" };
	const char *a = jc[align >= DOCX_LEFT && align <= DOCX_RIGHT ? align : DOCX_LEFT];
	size_t mark = cell_begin(d);
	const char *p = t ? t : "";
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		cell_para(d, p, n, "", a, format, 0);
		if (!nl)
			break;
		p = nl + 1;
	}
	cell_end(d, mark);
}

void docx_row_end(docx_writer *d)
{
	if (!d->in_row)
		return;
	while (d->col < d->ncols)
		docx_cell(d, "", DOCX_LEFT, 0);
	str_append(&d->body, "</w:tr>");
	d->in_row = false;
}

void docx_table_end(docx_writer *d)
{
	if (!d->in_table)
		return;
	docx_row_end(d);
	d->in_table = false;
	/* a paragraph after a table keeps the next one from joining it */
	str_append(&d->body, "</w:tbl><w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr></w:p>");
}

/* --------------------------------------------------------- header block */

#define HEADER_LEFT 38.0   /* percent of the text width */

/* Sizes in half points: the names 12 pt, the rest 13 pt (the decree
 * allows 12-13 for the names, 13-14 for the motto and the date). */
#define SZ_NAME 24
#define SZ_TEXT 26

/* The characters of the longest line of t. */
static int longest_line(const char *t)
{
	int best = 0, cur = 0;
	for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
		if (*p == '\n')
			cur = 0;
		else if ((*p & 0xC0) != 0x80 && ++cur > best)
			best = cur;
	}
	return best;
}

/* A line in the header block (centred), if there is text. */
static void header_line(docx_writer *d, const char *t, const char *extra, int format, int half_points)
{
	if (t && *t)
		cell_para(d, t, strlen(t), extra, "center", format, half_points);
}

/* The short rule under the issuer: a bottom border on an empty paragraph
 * about 2/5 as long as the issuer's name (the decree: 1/3 to 1/2), from
 * a width of some 150 twips a capital letter at 12 pt bold. */
static void issuer_rule(docx_writer *d, const char *issuer, int cell_width)
{
	int room = cell_width - 2 * CELL_MARGIN;
	int len = longest_line(issuer) * 150 * 2 / 5;
	len = len < 567 ? 567 : len > room ? room : len;
	int ind = (room - len) / 2;
	str_appendf(&d->body, "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/>"
			      "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>"
			      "<w:spacing w:line=\"80\" w:lineRule=\"exact\"/><w:ind w:left=\"%d\" w:right=\"%d\"/>"
			      "<w:rPr><w:sz w:val=\"8\"/></w:rPr></w:pPr></w:p>", ind, ind);
}

void docx_header_block(docx_writer *d, const docx_header *h)
{
	static const double widths[] = { HEADER_LEFT, 100 - HEADER_LEFT };
	static const char before[] = "<w:spacing w:before=\"160\"/>";
	docx_table_begin(d, 2, widths, false);
	docx_row_begin(d, false);
	size_t mark = cell_begin(d);
	header_line(d, h->parent, "", 0, SZ_NAME);
	header_line(d, h->issuer, "", DOCX_BOLD, SZ_NAME);
	if (h->issuer && *h->issuer)
		issuer_rule(d, h->issuer, d->widths[0]);
	cell_end(d, mark);
	mark = cell_begin(d);
	header_line(d, h->national, "", DOCX_BOLD, SZ_NAME);
	header_line(d, h->motto, "", DOCX_BOLD | DOCX_UNDERLINE, SZ_TEXT);
	cell_end(d, mark);
	docx_row_begin(d, false);
	mark = cell_begin(d);
	header_line(d, h->number, before, 0, SZ_TEXT);
	cell_end(d, mark);
	mark = cell_begin(d);
	header_line(d, h->place_date, before, DOCX_ITALIC, SZ_TEXT);
	cell_end(d, mark);
	docx_table_end(d);
}

/* --------------------------------------------------------------- charts */

#define NS_C "http://schemas.openxmlformats.org/drawingml/2006/chart"
#define NS_A "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_WP "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

static void chart_escape(str *s, const char *t)
{
	if (t)
		xml_escape(s, t, strlen(t));
}

static void chart_text(str *s, const char *t)
{
	str_append(s, "<c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>");
	chart_escape(s, t);
	str_append(s, "</a:t></a:r></a:p></c:rich></c:tx>");
}

/* The chart's series: the labels and the values. */
static void chart_series(str *c, const char *series, const char *const *labels, const double *values, int n)
{
	str_append(c, "<c:ser><c:idx val=\"0\"/><c:order val=\"0\"/><c:tx><c:v>");
	chart_escape(c, series);
	str_append(c, "</c:v></c:tx><c:spPr><a:solidFill><a:srgbClr val=\"4A6FA5\"/></a:solidFill></c:spPr>"
		      "<c:dLbls><c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/><c:showCatName val=\"0\"/>"
		      "<c:showSerName val=\"0\"/><c:showPercent val=\"0\"/><c:showBubbleSize val=\"0\"/></c:dLbls>");
	str_appendf(c, "<c:cat><c:strLit><c:ptCount val=\"%d\"/>", n);
	for (int i = 0; i < n; i++) {
		str_appendf(c, "<c:pt idx=\"%d\"><c:v>", i);
		chart_escape(c, labels[i]);
		str_append(c, "</c:v></c:pt>");
	}
	str_appendf(c, "</c:strLit></c:cat><c:val><c:numLit><c:formatCode>General</c:formatCode><c:ptCount val=\"%d\"/>", n);
	for (int i = 0; i < n; i++)
		if (isfinite(values[i]))
			str_appendf(c, "<c:pt idx=\"%d\"><c:v>%.15g</c:v></c:pt>", i, values[i]);
	str_append(c, "</c:numLit></c:val></c:ser>");
}

void docx_bar_chart(docx_writer *d, const char *title, const char *series, const char *const *labels, const double *values, int n)
{
	if (d->n_charts == DOCX_MAX_CHARTS || n < 0)
		return;
	docx_para_end(d);
	docx_table_end(d);
	int k = d->n_charts++;
	str *c = &d->charts[k];
	str_append(c, XML_DECL "<c:chartSpace xmlns:c=\"" NS_C "\" xmlns:a=\"" NS_A "\" xmlns:r=\"" NS_R "\">"
		      "<c:roundedCorners val=\"0\"/><c:chart><c:title>");
	chart_text(c, title);
	str_append(c, "<c:overlay val=\"0\"/></c:title><c:autoTitleDeleted val=\"0\"/><c:plotArea><c:layout/><c:barChart>"
		      "<c:barDir val=\"bar\"/><c:grouping val=\"clustered\"/><c:varyColors val=\"0\"/>");
	chart_series(c, series, labels, values, n);
	str_append(c, "<c:gapWidth val=\"60\"/><c:axId val=\"101\"/><c:axId val=\"102\"/></c:barChart>"
		      "<c:catAx><c:axId val=\"101\"/><c:scaling><c:orientation val=\"maxMin\"/></c:scaling><c:delete val=\"0\"/>"
		      "<c:axPos val=\"l\"/><c:numFmt formatCode=\"General\" sourceLinked=\"0\"/><c:tickLblPos val=\"nextTo\"/>"
		      "<c:crossAx val=\"102\"/><c:crosses val=\"autoZero\"/><c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/>"
		      "<c:lblOffset val=\"100\"/></c:catAx>"
		      "<c:valAx><c:axId val=\"102\"/><c:scaling><c:orientation val=\"minMax\"/></c:scaling><c:delete val=\"0\"/>"
		      "<c:axPos val=\"b\"/><c:majorGridlines/><c:numFmt formatCode=\"General\" sourceLinked=\"0\"/>"
		      "<c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"101\"/><c:crosses val=\"autoZero\"/>"
		      "<c:crossBetween val=\"between\"/></c:valAx></c:plotArea><c:plotVisOnly val=\"1\"/>"
		      "<c:dispBlanksAs val=\"gap\"/></c:chart></c:chartSpace>");
	/* in the text: the chart inline, 15 cm wide, 1 cm a bar plus 3 cm */
	long cx = 5400000, cy = 360000L * (n + 3);
	str_appendf(&d->body, "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" "
			      "distL=\"0\" distR=\"0\" xmlns:wp=\"" NS_WP "\"><wp:extent cx=\"%ld\" cy=\"%ld\"/>"
			      "<wp:docPr id=\"%d\" name=\"Chart %d\"/><a:graphic xmlns:a=\"" NS_A "\"><a:graphicData uri=\"" NS_C "\">"
			      "<c:chart xmlns:c=\"" NS_C "\" r:id=\"rIdChart%d\"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
		cx, cy, k + 1, k + 1, k + 1);
}

/* ------------------------------------------------------------- package */

static const char content_types[] = XML_DECL
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"" CT "wordprocessingml.document.main+xml\"/>"
	"<Override PartName=\"/word/styles.xml\" ContentType=\"" CT "wordprocessingml.styles+xml\"/>"
	"<Override PartName=\"/word/settings.xml\" ContentType=\"" CT "wordprocessingml.settings+xml\"/>"
	"<Override PartName=\"/word/footer1.xml\" ContentType=\"" CT "wordprocessingml.footer+xml\"/>"
	"<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
	"<Override PartName=\"/docProps/app.xml\" ContentType=\"" CT "extended-properties+xml\"/>"
	"</Types>";

static const char package_rels[] = XML_DECL
	"<Relationships xmlns=\"" NS_PKG_REL "\">"
	"<Relationship Id=\"rId1\" Type=\"" NS_R "/officeDocument\" Target=\"word/document.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
	"Target=\"docProps/core.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" NS_R "/extended-properties\" Target=\"docProps/app.xml\"/>"
	"</Relationships>";

static const char document_rels[] = XML_DECL
	"<Relationships xmlns=\"" NS_PKG_REL "\">"
	"<Relationship Id=\"rId1\" Type=\"" NS_R "/styles\" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" NS_R "/settings\" Target=\"settings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" NS_R "/footer\" Target=\"footer1.xml\"/>"
	"</Relationships>";

#define FONT "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\" " \
	"w:eastAsia=\"Times New Roman\"/>"

/* A paragraph style based on Normal: id, name, pPr and rPr contents (in
 * the schema's order: keepNext, spacing, ind, jc, outlineLvl; b, i, sz). */
#define PSTYLE(id, name, ppr, rpr) \
	"<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"" id "\"><w:name w:val=\"" name "\"/>" \
	"<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>" ppr "</w:pPr><w:rPr>" rpr "</w:rPr></w:style>"
#define HSTYLE(id, name, ppr, rpr) \
	"<w:style w:type=\"paragraph\" w:styleId=\"" id "\"><w:name w:val=\"" name "\"/>" \
	"<w:basedOn w:val=\"Normal\"/><w:next w:val=\"BodyText\"/><w:qFormat/><w:pPr>" ppr "</w:pPr><w:rPr>" rpr "</w:rPr></w:style>"

#define INDENT "<w:ind w:firstLine=\"567\"/>"   /* 1 cm */

/* Times New Roman 13 pt, 6 pt after a paragraph, lines 1.2 apart. */
static const char styles[] = XML_DECL
	"<w:styles xmlns:w=\"" NS_W "\">"
	"<w:docDefaults><w:rPrDefault><w:rPr>" FONT "<w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/><w:lang w:val=\"vi-VN\"/>"
	"</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before=\"0\" w:after=\"120\" w:line=\"288\" w:lineRule=\"auto\"/>"
	"</w:pPr></w:pPrDefault></w:docDefaults>"
	"<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
	HSTYLE("BodyText", "Body Text", INDENT "<w:jc w:val=\"both\"/>", "")
	HSTYLE("Title", "Title", "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"0\"/><w:jc w:val=\"center\"/>",
	       "<w:b/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>")
	HSTYLE("Subtitle", "Subtitle", "<w:keepNext/><w:spacing w:after=\"0\"/><w:jc w:val=\"center\"/>", "<w:b/>")
	HSTYLE("Heading1", "heading 1", "<w:keepNext/><w:spacing w:before=\"200\" w:after=\"120\"/>" INDENT
	       "<w:jc w:val=\"both\"/><w:outlineLvl w:val=\"0\"/>", "<w:b/>")
	HSTYLE("Heading2", "heading 2", "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"120\"/>" INDENT
	       "<w:jc w:val=\"both\"/><w:outlineLvl w:val=\"1\"/>", "<w:b/>")
	PSTYLE("CenterItalic", "Centered Italic", "<w:jc w:val=\"center\"/>", "<w:i/>")
	PSTYLE("Note", "Note", INDENT "<w:jc w:val=\"both\"/>", "<w:i/>")
	PSTYLE("Small", "Small", "<w:spacing w:before=\"360\"/>", "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>")
	PSTYLE("Signature", "Signature Line", "<w:spacing w:before=\"240\"/><w:jc w:val=\"right\"/>", "<w:b/>")
	PSTYLE("Centered", "Centered", "<w:jc w:val=\"center\"/>", "")
	PSTYLE("RightItalic", "Right Italic", "<w:jc w:val=\"right\"/>", "<w:i/>")
	PSTYLE("TableText", "Table Text", "<w:spacing w:before=\"0\" w:after=\"0\"/>", "")
	"<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
	"<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>"
	"<w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>"
	"</w:tblCellMar></w:tblPr></w:style>"
	"</w:styles>";

static const char settings[] = XML_DECL
	"<w:settings xmlns:w=\"" NS_W "\"><w:defaultTabStop w:val=\"720\"/><w:compat>"
	"<w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>"
	"</w:compat></w:settings>";

static const char footer[] = XML_DECL
	"<w:ftr xmlns:w=\"" NS_W "\"><w:p><w:pPr><w:pStyle w:val=\"TableText\"/><w:jc w:val=\"center\"/></w:pPr>"
	"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
	"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
	"</w:p></w:ftr>";

static const char core[] = XML_DECL
	"<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>nq57</dc:creator></cp:coreProperties>";

static const char app[] = XML_DECL
	"<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
	"<Application>nq57</Application></Properties>";

/* A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm. */
static const char section[] =
	"<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId3\"/>"
	"<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
	"<w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>"
	"</w:sectPr>";

static strv view(const str *s) { return (strv){ s->ptr ? s->ptr : "", s->len }; }

/* The content types and the document's relationships, with the charts'. */
static void chart_parts(const docx_writer *d, str *types, str *rels)
{
	str_appendn(types, content_types, strlen(content_types) - strlen("</Types>"));
	str_appendn(rels, document_rels, strlen(document_rels) - strlen("</Relationships>"));
	for (int i = 0; i < d->n_charts; i++) {
		str_appendf(types, "<Override PartName=\"/word/charts/chart%d.xml\" ContentType=\"" CT "drawingml.chart+xml\"/>", i + 1);
		str_appendf(rels, "<Relationship Id=\"rIdChart%d\" Type=\"" NS_R "/chart\" Target=\"charts/chart%d.xml\"/>", i + 1, i + 1);
	}
	str_append(types, "</Types>");
	str_append(rels, "</Relationships>");
}

static bool any_oom(const docx_writer *d, const str *types, const str *rels)
{
	bool oom = str_oom(&d->body) || str_oom(types) || str_oom(rels);
	for (int i = 0; i < d->n_charts; i++)
		oom = oom || str_oom(&d->charts[i]);
	return oom;
}

int docx_finish(docx_writer *d, char **out, size_t *len)
{
	zip_writer z;
	strv part;
	str types = STR_INIT, rels = STR_INIT;
	*out = NULL;
	*len = 0;
	docx_para_end(d);
	docx_table_end(d);   /* a table left open is closed */
	chart_parts(d, &types, &rels);
	int rc = any_oom(d, &types, &rels) ? err_set(ERR_NOMEM, "out of memory") : 0;
	zip_writer_init(&z);
	zip_add(&z, "[Content_Types].xml", (part = view(&types), &part), 1);
	zip_add(&z, "_rels/.rels", (part = STRV(package_rels), &part), 1);
	zip_add(&z, "docProps/core.xml", (part = STRV(core), &part), 1);
	zip_add(&z, "docProps/app.xml", (part = STRV(app), &part), 1);
	zip_add(&z, "word/_rels/document.xml.rels", (part = view(&rels), &part), 1);
	for (int i = 0; i < d->n_charts; i++) {
		char name[40];
		snprintf(name, sizeof(name), "word/charts/chart%d.xml", i + 1);
		zip_add(&z, name, (part = view(&d->charts[i]), &part), 1);
	}
	zip_add(&z, "word/styles.xml", (part = STRV(styles), &part), 1);
	zip_add(&z, "word/settings.xml", (part = STRV(settings), &part), 1);
	zip_add(&z, "word/footer1.xml", (part = STRV(footer), &part), 1);
	strv doc[4] = { STRV(XML_DECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>"),
		view(&d->body), STRV(section), STRV("</w:body></w:document>") };
	zip_add(&z, "word/document.xml", doc, 4);
	if (rc)
		zip_writer_free(&z);
	else
		rc = zip_finish(&z, out, len);
	str_free(&types);
	str_free(&rels);
	docx_free(d);
	return rc;
}
