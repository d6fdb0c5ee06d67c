/* docx: a small WordprocessingML writer for documents laid out as
 * Vietnamese administrative documents are (Decree 30/2020/NĐ-CP): A4,
 * margins 20 mm top and bottom, 30 mm left, 15 mm right, Times New Roman
 * 13 pt, page numbers centred at the foot; paragraphs in named styles
 * (Word's "Heading 1" and "Heading 2" for the numbered sections, so they
 * show in the navigation pane), the national header block, and tables
 * whose header rows repeat on every page. Text is UTF-8; what XML cannot
 * hold is dropped. The same calls give the same bytes. */
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
	DOCX_HEADING1,        /* "I. ...": bold, Heading 1 */
	DOCX_HEADING2,        /* "1. ...": bold, Heading 2 */
	DOCX_NOTE,            /* justified, italic */
	DOCX_SMALL,           /* 11 pt */
	DOCX_SIGNATURE,       /* right, bold */
	DOCX_CENTERED,        /* centred */
	DOCX_RIGHT_ITALIC     /* right, italic */
} docx_style;

typedef enum docx_align { DOCX_LEFT, DOCX_CENTER, DOCX_RIGHT } docx_align;

/* Run formatting, added to the style's. */
enum { DOCX_BOLD = 1, DOCX_ITALIC = 2, DOCX_UNDERLINE = 4 };

#define DOCX_MAX_CHARTS 16
#define DOCX_MAX_COLS 64

typedef struct docx_writer {
	str body;
	str charts[DOCX_MAX_CHARTS];   /* word/charts/chartN.xml */
	int n_charts;
	int ncols;
	int widths[DOCX_MAX_COLS];     /* twips, of the open table */
	int col;
	bool in_row, header_row;       /* a row is open; it is a header row */
	bool in_para;                  /* a paragraph from docx_para_begin is open */
	bool in_table;                 /* a table is open */
} docx_writer;

#define DOCX_TEXT_WIDTH 9355   /* twips between the margins of A4 */

void docx_init(docx_writer *d);
/* A paragraph; '\n' in text starts a new line within it, '\t' is a tab. */
void docx_para(docx_writer *d, const char *text, docx_style style);
/* A paragraph built of runs: docx_para_begin, docx_run..., docx_para_end
 * ("Số: " then "12/BC-BCĐ" in bold). Text as docx_para's; format is
 * DOCX_BOLD | DOCX_ITALIC | DOCX_UNDERLINE or 0. An open paragraph is
 * ended by the next paragraph, table or chart, or by docx_finish. */
void docx_para_begin(docx_writer *d, docx_style style);
void docx_run(docx_writer *d, const char *text, int format);
void docx_para_end(docx_writer *d);

/* The national header block of Decree 30: a borderless table, on the left
 * the issuing body (parent upright, issuer bold, a short rule below) over
 * the number, on the right the national name (bold) and motto (bold, a
 * rule as long as itself) over the place and date (italic); all centred,
 * '\n' breaks a line. NULL or "" leaves a line out. The text is written as
 * given: the decree spells "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and
 * "Độc lập - Tự do - Hạnh phúc". */
typedef struct docx_header {
	const char *parent;      /* "UBND THÀNH PHỐ HÀ NỘI" */
	const char *issuer;      /* "BAN CHỈ ĐẠO ..." */
	const char *number;      /* "Số: 12/BC-BCĐ" */
	const char *national;    /* "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" */
	const char *motto;       /* "Độc lập - Tự do - Hạnh phúc" */
	const char *place_date;  /* "Hà Nội, ngày 5 tháng 6 năm 2025" */
} docx_header;
void docx_header_block(docx_writer *d, const docx_header *h);

/* A table of ncols columns (at most 64), widths in percent of the text
 * width; borders false for layout tables (the header block). */
void docx_table_begin(docx_writer *d, int ncols, const double *widths, bool borders);
/* A row, never split across pages; a header row repeats at the top of
 * each page (<w:tblHeader/>) and its cells are centred vertically. */
void docx_row_begin(docx_writer *d, bool header);
/* The next cell of the row; '\n' starts a new paragraph in it. */
void docx_cell(docx_writer *d, const char *text, docx_align align, int format);
/* Ends the row, filling it up with empty cells. */
void docx_row_end(docx_writer *d);
/* Ends the table (and a paragraph after it). A table left open is ended
 * by the next paragraph, table or chart, or by docx_finish. */
void docx_table_end(docx_writer *d);
/* A horizontal bar chart (a Word chart, editable, its figures kept in
 * the document) of n labelled values, under title; NaN and infinite
 * values are left out. At most DOCX_MAX_CHARTS; more are left out. */
void docx_bar_chart(docx_writer *d, const char *title, const char *series, const char *const *labels, const double *values,
	int n);
/* The .docx bytes, malloc'd (the caller frees); frees the writer.
 * ERR_NOMEM or ERR_TOOLARGE. */
int docx_finish(docx_writer *d, char **out, size_t *len);
void docx_free(docx_writer *d);

#endif
