/* xlsx: spreadsheets as offices use them — workbooks of one or more
 * worksheets with title and note lines above a bold, frozen, filterable
 * header row printed on every page; numbers and dates in formats; input
 * cells with data validation; widths fitted to the contents; A4 print
 * settings. Written through libxlsxwriter; the reader of a workbook's
 * first worksheet (xlsx_read.c) is ours, over util/zip and expat. */
#ifndef NQ57_XLSX_H
#define NQ57_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/csv.h"
#include "util/str.h"

/* One cell as the writer keeps it until the workbook is written. */
typedef struct xlsx_cell {
	int row, col;         /* 0-based */
	unsigned char kind;   /* text, number, date, blank */
	unsigned char style;
	double num;           /* a number, or an Excel date serial */
	size_t text;          /* offset into the writer's texts */
} xlsx_cell;

typedef struct xlsx_range {
	int col, first_row, last_row;   /* 0-based */
} xlsx_range;

typedef struct xlsx_writer {
	str name;             /* the sheet name, cleaned, not yet escaped */
	str texts;            /* the text cells, each NUL-terminated */
	xlsx_cell *cells;
	size_t n_cells, cap_cells;
	double *widths;       /* per column (0-based), 0 = fitted to the contents */
	int nwidths;
	xlsx_range *checks;   /* cells that take a decimal number only */
	int n_checks;
	int row;              /* the current row (from 1), 0 before the first */
	int col;              /* the next cell's column (0-based) */
	int header_row;       /* the row xlsx_header wrote and froze, 0 if none */
	int header_cols;
	int err;              /* the first error (sticky), reported by finish */
	bool portrait;        /* printed upright rather than landscape */
	bool autofilter;      /* a filter button on each header cell */
} xlsx_writer;

/* One worksheet named sheet_name: invalid XML characters are dropped,
 * []:*?/\ become spaces, the name is cut to 31 characters ("Sheet1" if
 * nothing is left). */
void xlsx_writer_init(xlsx_writer *w, const char *sheet_name);
/* Starts the next row (the first call starts row 1). */
void xlsx_row(xlsx_writer *w);
/* The next cell, a string; NULL or "" is an empty cell, skipped.
 * Characters invalid in XML 1.0 and carriage returns are dropped. */
void xlsx_text(xlsx_writer *w, const char *v);
/* The next cell, a number (NaN and infinities are left empty). */
void xlsx_number(xlsx_writer *w, double v);
/* The same shown in a number format. */
typedef enum xlsx_format {
	XLSX_GENERAL,
	XLSX_INTEGER,     /* #,##0 */
	XLSX_DECIMAL,     /* #,##0.00 */
	XLSX_PERCENT      /* 0.0% of a share: 0.25 shows 25.0% */
} xlsx_format;
void xlsx_number_as(xlsx_writer *w, double v, xlsx_format f);
/* The next cell, an amount rounded as a reader expects: a whole number
 * as #,##0, others to 4 decimals shown #,##0.00, or below 1 to 6
 * significant digits shown 0.0##; noise such as 4.17e-18 is 0. */
void xlsx_amount(xlsx_writer *w, double v);
/* The next cell, a date shown dd/mm/yyyy; a day that does not exist is
 * an empty cell. */
void xlsx_date(xlsx_writer *w, int y, int m, int d);
/* The next cell, a moment shown dd/mm/yyyy hh:mm in Viet Nam's time
 * (UTC+7); t is UTC seconds. */
void xlsx_moment(xlsx_writer *w, time_t t);
/* The next cell, a cell for the reader to fill: shaded and bordered,
 * holding v (NaN: empty) or the text (NULL: empty). */
void xlsx_input_number(xlsx_writer *w, double v);
void xlsx_input_text(xlsx_writer *w, const char *v);
/* Cells first_row..last_row (from 1) of column col (0-based) accept a
 * decimal number only, with a Vietnamese prompt and error message. */
void xlsx_check_decimal(xlsx_writer *w, int col, int first_row, int last_row);
/* Starts a row of n bold cells, freezes the sheet below it and prints it
 * at the top of every page. */
void xlsx_header(xlsx_writer *w, const char *const *names, int n);
/* Filter buttons on the header's cells, over the rows below it. */
void xlsx_filter(xlsx_writer *w);
/* A row of one cell, text in bold 14 pt: a title above the header. */
void xlsx_title(xlsx_writer *w, const char *text);
/* A row of one cell in italics: the filter, the moment of the data, how
 * to fill in the sheet. Title and note cells do not widen their column. */
void xlsx_note(xlsx_writer *w, const char *text);
/* Sets the width of column col (0-based) in characters (at most 255);
 * columns without one are fitted to their contents. */
void xlsx_col_width(xlsx_writer *w, int col, double width);
/* How the sheet prints on A4, as wide as the page: landscape (the
 * default) or portrait. */
typedef enum xlsx_orientation { XLSX_LANDSCAPE, XLSX_PORTRAIT } xlsx_orientation;
void xlsx_page(xlsx_writer *w, xlsx_orientation o);
/* Stores the malloc'd bytes of the .xlsx in *out (the caller frees) and
 * *len, and frees the writer state. The output is the same bytes for the
 * same calls. Returns 0, ERR_NOMEM, ERR_INVALID (more than 16384 columns
 * or 1048576 rows) or -1 (the file could not be written: the error says
 * why); on failure *out is NULL. */
int xlsx_finish(xlsx_writer *w, char **out, size_t *len);
/* A workbook of the n sheets, in order. A name already taken, ignoring
 * case as Excel does, gets " (2)", " (3)", ... (cut to stay within 31
 * characters). Frees the sheets; otherwise as xlsx_finish. */
int xlsx_book_finish(xlsx_writer *sheets, int n, char **out, size_t *len);
/* Frees the writer state; safe after xlsx_finish and on error paths. */
void xlsx_writer_free(xlsx_writer *w);

/* Reads the first worksheet of the .xlsx in data[0..len), calling row_cb
 * once per non-empty row, in order, with rec->line = the sheet's row
 * number (from 1), rec->n = the last non-empty column + 1 and rec->f[i] =
 * the cell's text ("" for a missing cell; borrowed until the callback
 * returns): shared and inline strings (rich-text runs concatenated),
 * formula results, numbers as written ("12.5"), booleans "TRUE"/"FALSE".
 * Returns 0, the callback's negative return (which stops reading), or
 * ERR_INVALID ("the file is not an .xlsx workbook", "the workbook has no
 * worksheet", "row 7: more than 64 columns", an entry larger than 256 MiB
 * unpacked, a damaged file, ZIP64 or encryption), or ERR_NOMEM. */
int xlsx_read(const void *data, size_t len,
	      int (*row_cb)(void *ctx, const csv_record *rec), void *ctx);

#endif
