/* docx: the document's body as WordprocessingML, packed with the fixed
 * parts (docx.h). */
#include "util/docx.h"
#include "util/err.h"
#include "util/zip.h"

#include <stdio.h>
#include <string.h>

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define CT "application/vnd.openxmlformats-officedocument."

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

/* Text for <w:t>: XML-escaped, without the control characters XML 1.0
 * forbids. */
static void text(str *s, const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == '&')
			str_append(s, "&amp;");
		else if (c == '<')
			str_append(s, "&lt;");
		else if (c == '>')
			str_append(s, "&gt;");
		else if (c >= 0x20 || c == '\t')
			str_appendc(s, (char)c);
	}
}

/* Runs for text with its lines broken at '\n'. */
static void runs(str *s, const char *t, int format, int half_points)
{
	str_append(s, "<w:r><w:rPr>");
	if (format & DOCX_BOLD)
		str_append(s, "<w:b/>");
	if (format & DOCX_ITALIC)
		str_append(s, "<w:i/>");
	if (half_points)
		str_appendf(s, "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>", half_points, half_points);
	if (format & DOCX_UNDERLINE)
		str_append(s, "<w:u w:val=\"single\"/>");
	str_append(s, "</w:rPr>");
	for (const char *p = t ? t : ""; ; ) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		str_append(s, "<w:t xml:space=\"preserve\">");
		text(s, p, n);
		str_append(s, "</w:t>");
		if (!nl)
			break;
		str_append(s, "<w:br/>");
		p = nl + 1;
	}
	str_append(s, "</w:r>");
}

void docx_para(docx_writer *d, const char *t, docx_style style)
{
	static const struct {
		const char *ppr;
		int format, size;
	} look[] = {
		[DOCX_BODY] = { "<w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/>", 0, 0 },
		[DOCX_TITLE] = { "<w:jc w:val=\"center\"/><w:spacing w:before=\"240\" w:after=\"0\"/>", DOCX_BOLD, 28 },
		[DOCX_SUBTITLE] = { "<w:jc w:val=\"center\"/><w:spacing w:after=\"0\"/>", DOCX_BOLD, 0 },
		[DOCX_CENTER_ITALIC] = { "<w:jc w:val=\"center\"/>", DOCX_ITALIC, 0 },
		[DOCX_HEADING1] = { "<w:keepNext/><w:spacing w:before=\"200\" w:after=\"120\"/><w:ind w:firstLine=\"567\"/>", DOCX_BOLD, 0 },
		[DOCX_HEADING2] = { "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"120\"/><w:ind w:firstLine=\"567\"/>", DOCX_BOLD, 0 },
		[DOCX_NOTE] = { "<w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/>", DOCX_ITALIC, 0 },
		[DOCX_SMALL] = { "<w:spacing w:before=\"360\"/>", 0, 22 },
		[DOCX_SIGNATURE] = { "<w:spacing w:before=\"240\"/><w:jc w:val=\"right\"/>", DOCX_BOLD, 0 },
	};
	str_appendf(&d->body, "<w:p><w:pPr>%s</w:pPr>", look[style].ppr);
	runs(&d->body, t, look[style].format, look[style].size);
	str_append(&d->body, "</w:p>");
}

void docx_table_begin(docx_writer *d, int ncols, const double *widths, bool borders)
{
	d->ncols = ncols > 64 ? 64 : ncols;
	d->col = 0;
	d->in_row = false;
	str_append(&d->body, "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/>");
	if (borders)
		str_append(&d->body, "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
				     "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
				     "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
				     "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
				     "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
				     "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>");
	str_append(&d->body, "<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar>"
			     "</w:tblPr><w:tblGrid>");
	for (int i = 0; i < d->ncols; i++) {
		d->widths[i] = (int)(widths[i] / 100.0 * DOCX_TEXT_WIDTH + 0.5);
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
	d->col = 0;
}

void docx_cell(docx_writer *d, const char *t, docx_align align, int format)
{
	static const char *const jc[] = { "left", "center", "right" };
	int width = d->col < d->ncols ? d->widths[d->col] : 1000;
	str_appendf(&d->body, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr>", width);
	const char *p = t ? t : "";
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		str_appendf(&d->body, "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\"/><w:jc w:val=\"%s\"/></w:pPr>", jc[align]);
		runs(&d->body, line, format, 0);
		str_append(&d->body, "</w:p>");
		if (!nl)
			break;
		p = nl + 1;
	}
	str_append(&d->body, "</w:tc>");
	d->col++;
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
	docx_row_end(d);
	/* a paragraph after a table keeps the next one from joining it */
	str_append(&d->body, "</w:tbl><w:p><w:pPr><w:spacing w:after=\"0\"/></w:pPr></w:p>");
}

/* --------------------------------------------------------------- charts */

#define NS_C "http://schemas.openxmlformats.org/drawingml/2006/chart"
#define NS_A "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_WP "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

static void chart_text(str *s, const char *t)
{
	str_append(s, "<c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>");
	text(s, t, strlen(t));
	str_append(s, "</a:t></a:r></a:p></c:rich></c:tx>");
}

void docx_bar_chart(docx_writer *d, const char *title, const char *series, const char *const *labels, const double *values, int n)
{
	if (d->n_charts == DOCX_MAX_CHARTS)
		return;
	int k = d->n_charts++;
	str *c = &d->charts[k];
	str_append(c, XML_DECL "<c:chartSpace xmlns:c=\"" NS_C "\" xmlns:a=\"" NS_A "\" xmlns:r=\"" NS_R "\">"
		      "<c:roundedCorners val=\"0\"/><c:chart><c:title>");
	chart_text(c, title);
	str_append(c, "<c:overlay val=\"0\"/></c:title><c:autoTitleDeleted val=\"0\"/><c:plotArea><c:layout/><c:barChart>"
		      "<c:barDir val=\"bar\"/><c:grouping val=\"clustered\"/><c:varyColors val=\"0\"/>"
		      "<c:ser><c:idx val=\"0\"/><c:order val=\"0\"/><c:tx><c:v>");
	text(c, series, strlen(series));
	str_append(c, "</c:v></c:tx><c:spPr><a:solidFill><a:srgbClr val=\"4A6FA5\"/></a:solidFill></c:spPr>"
		      "<c:dLbls><c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/><c:showCatName val=\"0\"/>"
		      "<c:showSerName val=\"0\"/><c:showPercent val=\"0\"/><c:showBubbleSize val=\"0\"/></c:dLbls>");
	str_appendf(c, "<c:cat><c:strLit><c:ptCount val=\"%d\"/>", n);
	for (int i = 0; i < n; i++) {
		str_appendf(c, "<c:pt idx=\"%d\"><c:v>", i);
		text(c, labels[i], strlen(labels[i]));
		str_append(c, "</c:v></c:pt>");
	}
	str_appendf(c, "</c:strLit></c:cat><c:val><c:numLit><c:formatCode>General</c:formatCode><c:ptCount val=\"%d\"/>", n);
	for (int i = 0; i < n; i++)
		if (values[i] == values[i])   /* not NaN */
			str_appendf(c, "<c:pt idx=\"%d\"><c:v>%.15g</c:v></c:pt>", i, values[i]);
	str_append(c, "</c:numLit></c:val></c:ser><c:gapWidth val=\"60\"/><c:axId val=\"101\"/><c:axId val=\"102\"/></c:barChart>"
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

static const char styles[] = XML_DECL
	"<w:styles xmlns:w=\"" NS_W "\">"
	"<w:docDefaults><w:rPrDefault><w:rPr>" FONT "<w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/><w:lang w:val=\"vi-VN\"/>"
	"</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before=\"0\" w:after=\"120\" w:line=\"288\" w:lineRule=\"auto\"/>"
	"</w:pPr></w:pPrDefault></w:docDefaults>"
	"<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
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
	"<w:ftr xmlns:w=\"" NS_W "\"><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>"
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

int docx_finish(docx_writer *d, char **out, size_t *len)
{
	zip_writer z;
	strv part;
	*out = NULL;
	*len = 0;
	if (str_oom(&d->body)) {
		docx_free(d);
		return err_set(ERR_NOMEM, "out of memory");
	}
	zip_writer_init(&z);
	str types = STR_INIT, rels = STR_INIT;
	str_appendn(&types, content_types, strlen(content_types) - strlen("</Types>"));
	str_appendn(&rels, document_rels, strlen(document_rels) - strlen("</Relationships>"));
	for (int i = 0; i < d->n_charts; i++) {
		str_appendf(&types, "<Override PartName=\"/word/charts/chart%d.xml\" ContentType=\"" CT "drawingml.chart+xml\"/>", i + 1);
		str_appendf(&rels, "<Relationship Id=\"rIdChart%d\" Type=\"" NS_R "/chart\" Target=\"charts/chart%d.xml\"/>", i + 1, i + 1);
	}
	str_append(&types, "</Types>");
	str_append(&rels, "</Relationships>");
	zip_add(&z, "[Content_Types].xml", (part = (strv){ types.ptr, types.len }, &part), 1);
	zip_add(&z, "_rels/.rels", (part = STRV(package_rels), &part), 1);
	zip_add(&z, "docProps/core.xml", (part = STRV(core), &part), 1);
	zip_add(&z, "docProps/app.xml", (part = STRV(app), &part), 1);
	zip_add(&z, "word/_rels/document.xml.rels", (part = (strv){ rels.ptr, rels.len }, &part), 1);
	for (int i = 0; i < d->n_charts; i++) {
		char name[40];
		snprintf(name, sizeof(name), "word/charts/chart%d.xml", i + 1);
		zip_add(&z, name, (part = (strv){ d->charts[i].ptr, d->charts[i].len }, &part), 1);
	}
	zip_add(&z, "word/styles.xml", (part = STRV(styles), &part), 1);
	zip_add(&z, "word/settings.xml", (part = STRV(settings), &part), 1);
	zip_add(&z, "word/footer1.xml", (part = STRV(footer), &part), 1);
	strv doc[4] = { STRV(XML_DECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>"),
		{ d->body.ptr ? d->body.ptr : "", d->body.len }, STRV(section), STRV("</w:body></w:document>") };
	zip_add(&z, "word/document.xml", doc, 4);
	int rc = str_oom(&types) || str_oom(&rels) ? (zip_writer_free(&z), err_set(ERR_NOMEM, "out of memory")) : zip_finish(&z, out, len);
	str_free(&types);
	str_free(&rels);
	docx_free(d);
	return rc;
}
