/* review_html: the report as one self-contained HTML page that prints on
 * A4 from the browser: Times New Roman 13 pt, the margins of Decree
 * 30/2020/NĐ-CP, table headers repeated on each printed page, bar charts
 * drawn as inline SVG. */
#include "domain/reports/review.h"
#include "domain/reports/review_sink.h"
#include "util/err.h"
#include "util/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct html_ctx {
	str out;
	int col;
} html_ctx;

static void esc(str *s, const char *t)
{
	for (; t && *t; t++) {
		switch (*t) {
		case '&': str_append(s, "&amp;"); break;
		case '<': str_append(s, "&lt;"); break;
		case '>': str_append(s, "&gt;"); break;
		case '"': str_append(s, "&quot;"); break;
		default: str_appendc(s, *t);
		}
	}
}

static const char page_css[] =
	"@page{size:A4;margin:20mm 15mm 20mm 30mm}"
	"body{font-family:'Times New Roman',Times,serif;font-size:13pt;line-height:1.35;color:#000;max-width:165mm;margin:0 auto}"
	"table{border-collapse:collapse;width:100%;margin:6pt 0;font-size:11pt}table.grid{table-layout:fixed}"
	"table.grid th,table.grid td{border:1px solid #000;padding:2pt 4pt;vertical-align:top}"
	"table.grid th{font-weight:bold;text-align:center}"
	"table.grid td.n{text-align:right}"
	"thead{display:table-header-group}tr{page-break-inside:avoid}"
	"table.head td{text-align:center;vertical-align:top;border:0;font-size:12pt}table.head td.left{width:38%}"
	"table.head td.right{width:62%}.national{white-space:nowrap}"
	".national{font-weight:bold}.motto{font-weight:bold;text-decoration:underline}"
	".place{font-style:italic}.issuer{font-weight:bold}"
	"h1{font-size:13pt;margin:12pt 0 6pt}h2{font-size:13pt;margin:9pt 0 4pt}"
	"p{margin:0 0 6pt;text-align:justify;text-indent:1cm}"
	"p.title{text-align:center;text-indent:0;font-weight:bold;font-size:14pt;margin-top:12pt}"
	"p.subtitle{text-align:center;text-indent:0;font-weight:bold}"
	"p.center-italic{text-align:center;text-indent:0;font-style:italic}"
	"p.note{font-style:italic;border-left:3px solid #888;padding-left:6pt;text-indent:0}"
	"p.small{font-size:11pt;text-indent:0;margin-top:18pt}p.signature{text-align:right;font-weight:bold;text-indent:0}"
	"figure{margin:6pt 0;page-break-inside:avoid}figcaption{font-style:italic;text-align:center;font-size:11pt}";

static void h_header(void *ctx, const json_t *h)
{
	str *s = &((html_ctx *)ctx)->out;
	str_append(s, "<table class=\"head\"><tr><td class=\"left\"><div class=\"issuer\">");
	esc(s, json_string_value(json_object_get(h, "issuer")));
	str_append(s, "</div><div>");
	esc(s, json_string_value(json_object_get(h, "number")));
	str_append(s, "</div></td><td class=\"right\"><div class=\"national\">");
	esc(s, json_string_value(json_object_get(h, "national")));
	str_append(s, "</div><div class=\"motto\">");
	esc(s, json_string_value(json_object_get(h, "motto")));
	str_append(s, "</div><div class=\"place\">");
	esc(s, json_string_value(json_object_get(h, "place_date")));
	str_append(s, "</div></td></tr></table>\n");
}

static void h_heading(void *ctx, int level, const char *text)
{
	str *s = &((html_ctx *)ctx)->out;
	str_appendf(s, "<h%d>", level);
	esc(s, text);
	str_appendf(s, "</h%d>\n", level);
}

static void h_para(void *ctx, const char *text, review_para style)
{
	static const char *const classes[] = { [PARA_BODY] = "", [PARA_TITLE] = "title", [PARA_SUBTITLE] = "subtitle",
		[PARA_CENTER_ITALIC] = "center-italic", [PARA_NOTE] = "note", [PARA_SMALL] = "small",
		[PARA_SIGNATURE] = "signature" };
	str *s = &((html_ctx *)ctx)->out;
	if (!text || !*text)
		return;
	if (*classes[style])
		str_appendf(s, "<p class=\"%s\">", classes[style]);
	else
		str_append(s, "<p>");
	esc(s, text);
	str_append(s, "</p>\n");
}

static void h_table_begin(void *ctx, const char *name, int ncols, const char *const *head, const double *widths)
{
	(void)name;
	html_ctx *h = ctx;
	str_append(&h->out, "<table class=\"grid\"><colgroup>");
	for (int i = 0; i < ncols; i++)
		str_appendf(&h->out, "<col width=\"%.0f%%\">", widths[i]);
	str_append(&h->out, "</colgroup><thead><tr>");
	for (int i = 0; i < ncols; i++) {
		str_append(&h->out, "<th>");
		esc(&h->out, head[i]);
		str_append(&h->out, "</th>");
	}
	str_append(&h->out, "</tr></thead><tbody>\n<tr>");
	h->col = 0;
}

static void h_cell(void *ctx, const char *text, double value, review_cell kind)
{
	(void)value;
	html_ctx *h = ctx;
	str_append(&h->out, kind == CELL_TEXT ? "<td>" : "<td class=\"n\">");
	esc(&h->out, text);
	str_append(&h->out, "</td>");
	h->col++;
}

static void h_row_end(void *ctx)
{
	html_ctx *h = ctx;
	str_append(&h->out, "</tr>\n<tr>");
	h->col = 0;
}

static void h_table_end(void *ctx)
{
	html_ctx *h = ctx;
	/* drop the row opened after the last one */
	if (h->out.len >= 4 && memcmp(h->out.ptr + h->out.len - 4, "<tr>", 4) == 0)
		h->out.ptr[h->out.len -= 4] = '\0';
	str_append(&h->out, "</tbody></table>\n");
}

/* A horizontal bar chart as inline SVG. */
static void h_chart(void *ctx, const char *title, const char *const *labels, const double *values, int n)
{
	str *s = &((html_ctx *)ctx)->out;
	double max = 0;
	for (int i = 0; i < n; i++)
		if (isfinite(values[i]) && values[i] > max)
			max = values[i];
	const int row = 22, label_w = 230, bar_w = 300, height = n * row + 8;
	str_appendf(s, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"%d\" viewBox=\"0 0 600 %d\" role=\"img\" aria-label=\"",
		height, height);
	esc(s, title);
	str_append(s, "\">");
	for (int i = 0; i < n; i++) {
		double v = isfinite(values[i]) ? values[i] : 0, w = max > 0 ? v / max * bar_w : 0;
		char shown[32];
		review_format_number(shown, sizeof(shown), v, 0);
		str_appendf(s, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">", label_w - 6, 4 + i * row + 15);
		esc(s, labels[i]);
		str_appendf(s, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#4a6fa5\"/>", label_w, 4 + i * row + 2, w);
		str_appendf(s, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>", label_w + w + 4, 4 + i * row + 15, shown);
	}
	str_append(s, "</svg><figcaption>");
	esc(s, title);
	str_append(s, "</figcaption></figure>\n");
}

int review_html(char **out, size_t *len, const json_t *report)
{
	html_ctx h = { 0 };
	review_sink k = { .ctx = &h, .header = h_header, .heading = h_heading, .para = h_para, .table_begin = h_table_begin,
		.cell = h_cell, .row_end = h_row_end, .table_end = h_table_end, .chart = h_chart };
	str_append(&h.out, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>");
	esc(&h.out, json_string_value(json_object_get(json_object_get(report, "header"), "subtitle")));
	str_appendf(&h.out, "</title><style>%s</style></head><body>\n", page_css);
	review_render(&k, report);
	str_append(&h.out, "</body></html>\n");
	if (str_oom(&h.out)) {
		str_free(&h.out);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*len = h.out.len;
	*out = str_detach(&h.out);
	return 0;
}

const review_format review_formats[] = {
	{ "html", "text/html; charset=utf-8", review_html },
	{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", review_docx },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", review_xlsx },
};
const int review_n_formats = (int)(sizeof(review_formats) / sizeof(review_formats[0]));

char *review_file_stem(const json_t *report)
{
	const char *number = json_string_value(json_object_get(json_object_get(report, "document"), "number"));
	const char *period = json_string_value(json_object_get(report, "period"));
	str s = { 0 };
	str_append(&s, "bao-cao-");
	for (const char *p = number ? number : ""; *p; p++)
		str_appendc(&s, (*p == '/' || *p == ' ' || *p == '\\') ? '-' : *p);
	str_appendf(&s, "-%s", period ? period : "");
	if (str_oom(&s)) {
		str_free(&s);
		return NULL;
	}
	return str_detach(&s);
}
