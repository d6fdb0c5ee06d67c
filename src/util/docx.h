/* docx: a small WordprocessingML writer for documents laid out as
 * Vietnamese administrative documents are (Decree 30/2020/NĐ-CP): A4,
 * margins 20 mm top and bottom, 30 mm left, 15 mm right, Times New Roman
 * 13 pt, page numbers centred at the foot; paragraphs in a few styles and
 * tables whose header rows repeat on every page. The same calls give the
 * same bytes. */
#ifndef NQ57_DOCX_H
#define NQ57_DOCX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/str.h"

typedef enum docx_style {
	DOCX_BODY,            /* justified, first line indented 1 cm */
	DOCX_TITLE,           /* centred, bold, 14 pt */
	DOCX_SUBTITLE,        /* centred, bold */
	DOCX_CENTER_ITALIC,
	DOCX_HEADING1,        /* "I. ...": bold */
	DOCX_HEADING2,        /* "1. ...": bold */
	DOCX_NOTE,            /* italic */
	DOCX_SMALL,           /* 11 pt */
	DOCX_SIGNATURE        /* right, bold */
} docx_style;

typedef enum docx_align { DOCX_LEFT, DOCX_CENTER, DOCX_RIGHT } docx_align;

/* Run formatting for table cells. */
enum { DOCX_BOLD = 1, DOCX_ITALIC = 2, DOCX_UNDERLINE = 4 };

#define DOCX_MAX_CHARTS 16

typedef struct docx_writer {
	str body;
	str charts[DOCX_MAX_CHARTS];   /* word/charts/chartN.xml */
	int n_charts;
	int ncols;
	int widths[64];       /* twips, of the open table */
	int col;
	bool in_row;
} docx_writer;

#define DOCX_TEXT_WIDTH 9355   /* twips between the margins of A4 */

void docx_init(docx_writer *d);
/* A paragraph; '\n' in text starts a new line within it. */
void docx_para(docx_writer *d, const char *text, docx_style style);
/* A table of ncols columns (at most 64), widths in percent of the text
 * width; borders false for layout tables (the header block). */
void docx_table_begin(docx_writer *d, int ncols, const double *widths, bool borders);
/* A row; a header row repeats at the top of each page and is bold. */
void docx_row_begin(docx_writer *d, bool header);
/* The next cell of the row; '\n' starts a new paragraph in it. */
void docx_cell(docx_writer *d, const char *text, docx_align align, int format);
void docx_row_end(docx_writer *d);
void docx_table_end(docx_writer *d);
/* A horizontal bar chart (a Word chart, editable, its figures kept in
 * the document) of n labelled values, under title. At most
 * DOCX_MAX_CHARTS; more are left out. */
void docx_bar_chart(docx_writer *d, const char *title, const char *series, const char *const *labels, const double *values,
	int n);
/* The .docx bytes, malloc'd (the caller frees); frees the writer.
 * ERR_NOMEM or ERR_TOOLARGE. */
int docx_finish(docx_writer *d, char **out, size_t *len);
void docx_free(docx_writer *d);

#endif
