/* review_office: the review report as an editable DOCX (the national
 * header block, numbered sections, tables whose header rows repeat on
 * every page, Times New Roman on A4 as Decree 30/2020/NĐ-CP lays out
 * administrative documents) and as an XLSX with one sheet per table
 * (Vietnamese headers, number formats, frozen headers, A4 print
 * settings). Both are fed by review_render's one walk of the report. */
#include "domain/reports/review.h"
#include "domain/reports/review_sink.h"
#include "util/docx.h"
#include "util/err.h"
#include "util/xlsx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ DOCX */

typedef struct docx_ctx {
	docx_writer d;
	int col;
	bool row_open;
} docx_ctx;

static void d_header(void *ctx, const json_t *h)
{
	docx_writer *d = &((docx_ctx *)ctx)->d;
	static const double widths[] = { 38, 62 };
	char left[512];
	docx_table_begin(d, 2, widths, false);
	docx_row_begin(d, false);
	snprintf(left, sizeof(left), "%s", json_string_value(json_object_get(h, "issuer")));
	docx_cell(d, left, DOCX_CENTER, DOCX_BOLD);
	docx_cell(d, json_string_value(json_object_get(h, "national")), DOCX_CENTER, DOCX_BOLD);
	docx_row_begin(d, false);
	docx_cell(d, json_string_value(json_object_get(h, "number")), DOCX_CENTER, 0);
	docx_cell(d, json_string_value(json_object_get(h, "motto")), DOCX_CENTER, DOCX_BOLD | DOCX_UNDERLINE);
	docx_row_begin(d, false);
	docx_cell(d, "", DOCX_CENTER, 0);
	docx_cell(d, json_string_value(json_object_get(h, "place_date")), DOCX_CENTER, DOCX_ITALIC);
	docx_table_end(d);
}

static void d_heading(void *ctx, int level, const char *text)
{
	docx_para(&((docx_ctx *)ctx)->d, text, level <= 1 ? DOCX_HEADING1 : DOCX_HEADING2);
}

static void d_para(void *ctx, const char *text, review_para style)
{
	static const docx_style map[] = { [PARA_BODY] = DOCX_BODY, [PARA_TITLE] = DOCX_TITLE, [PARA_SUBTITLE] = DOCX_SUBTITLE,
		[PARA_CENTER_ITALIC] = DOCX_CENTER_ITALIC, [PARA_NOTE] = DOCX_NOTE, [PARA_SMALL] = DOCX_SMALL,
		[PARA_SIGNATURE] = DOCX_SIGNATURE };
	if (text && *text)
		docx_para(&((docx_ctx *)ctx)->d, text, map[style]);
}

static void d_table_begin(void *ctx, const char *name, int ncols, const char *const *head, const double *widths)
{
	(void)name;
	docx_ctx *c = ctx;
	docx_table_begin(&c->d, ncols, widths, true);
	docx_row_begin(&c->d, true);
	for (int i = 0; i < ncols; i++)
		docx_cell(&c->d, head[i], DOCX_CENTER, DOCX_BOLD);
	c->row_open = false;
}

static void d_cell(void *ctx, const char *text, double value, review_cell kind)
{
	(void)value;
	docx_ctx *c = ctx;
	if (!c->row_open) {
		docx_row_begin(&c->d, false);
		c->row_open = true;
	}
	docx_cell(&c->d, text, kind == CELL_TEXT ? DOCX_LEFT : DOCX_RIGHT, 0);
}

static void d_row_end(void *ctx)
{
	docx_ctx *c = ctx;
	docx_row_end(&c->d);
	c->row_open = false;
}

static void d_table_end(void *ctx)
{
	docx_table_end(&((docx_ctx *)ctx)->d);
}

static void d_chart(void *ctx, const char *title, const char *const *labels, const double *values, int n)
{
	docx_bar_chart(&((docx_ctx *)ctx)->d, title, title, labels, values, n);
}

int review_docx(char **out, size_t *len, const json_t *report)
{
	docx_ctx c = { 0 };
	docx_init(&c.d);
	review_sink k = { .ctx = &c, .header = d_header, .heading = d_heading, .para = d_para, .table_begin = d_table_begin,
		.cell = d_cell, .row_end = d_row_end, .table_end = d_table_end, .chart = d_chart };
	review_render(&k, report);
	return docx_finish(&c.d, out, len);
}

/* ------------------------------------------------------------------ XLSX */

#define MAX_SHEETS 16

typedef struct xlsx_ctx {
	xlsx_writer sheets[MAX_SHEETS];
	int n;                  /* sheets begun; sheets[0] is the summary */
	xlsx_writer *cur;       /* the sheet of the open table */
	char heading[300];      /* the last level-2 heading, for a table that carries on a sheet */
	int ncols;
	bool row_open;
} xlsx_ctx;

static void x_header(void *ctx, const json_t *h)
{
	xlsx_ctx *c = ctx;
	xlsx_writer *w = &c->sheets[0];
	static const char *const keys[] = { "issuer", "number", "national", "motto", "place_date", "title", "subtitle",
		"document_title" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		xlsx_row(w);
		xlsx_text(w, json_string_value(json_object_get(h, keys[i])));
	}
	xlsx_col_width(w, 0, 110);
}

static void x_heading(void *ctx, int level, const char *text)
{
	xlsx_ctx *c = ctx;
	if (level >= 2)
		snprintf(c->heading, sizeof(c->heading), "%s", text);
	else
		c->heading[0] = '\0';
}

static void x_para(void *ctx, const char *text, review_para style)
{
	xlsx_ctx *c = ctx;
	if (style == PARA_TITLE || style == PARA_SUBTITLE || !text || !*text)
		return;   /* already on the summary sheet with the header */
	xlsx_row(&c->sheets[0]);
	xlsx_text(&c->sheets[0], text);
}

/* A row naming the part of the table that follows (a task group). */
static void caption(xlsx_ctx *c)
{
	if (c->heading[0]) {
		xlsx_row(c->cur);
		xlsx_text(c->cur, c->heading);
	}
}

static void x_table_begin(void *ctx, const char *name, int ncols, const char *const *head, const double *widths)
{
	xlsx_ctx *c = ctx;
	c->ncols = ncols;
	c->row_open = false;
	if (!name && c->cur) {
		caption(c);   /* the same table goes on */
		return;
	}
	if (c->n == MAX_SHEETS) {
		c->cur = &c->sheets[MAX_SHEETS - 1];
		return;
	}
	c->cur = &c->sheets[c->n++];
	xlsx_writer_init(c->cur, name ? name : "Bảng");
	xlsx_header(c->cur, head, ncols);
	for (int i = 0; i < ncols; i++)
		xlsx_col_width(c->cur, i, widths[i] * 1.1 < 6 ? 6 : widths[i] * 1.1);
	caption(c);
}

static void x_cell(void *ctx, const char *text, double value, review_cell kind)
{
	static const xlsx_format formats[] = { [CELL_INT] = XLSX_INTEGER, [CELL_DECIMAL] = XLSX_DECIMAL, [CELL_PERCENT] = XLSX_PERCENT };
	xlsx_ctx *c = ctx;
	if (!c->cur)
		return;
	if (!c->row_open) {
		xlsx_row(c->cur);
		c->row_open = true;
	}
	if (kind == CELL_TEXT)
		xlsx_text(c->cur, text);
	else
		xlsx_number_as(c->cur, value, formats[kind]);   /* no number: an empty cell */
}

static void x_row_end(void *ctx)
{
	((xlsx_ctx *)ctx)->row_open = false;
}

static void x_table_end(void *ctx)
{
	(void)ctx;
}

int review_xlsx(char **out, size_t *len, const json_t *report)
{
	xlsx_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	xlsx_writer_init(&c->sheets[0], "Thông tin chung");
	c->n = 1;
	review_sink k = { .ctx = c, .header = x_header, .heading = x_heading, .para = x_para, .table_begin = x_table_begin,
		.cell = x_cell, .row_end = x_row_end, .table_end = x_table_end };
	review_render(&k, report);
	int rc = xlsx_book_finish(c->sheets, c->n, out, len);
	free(c);
	return rc;
}
