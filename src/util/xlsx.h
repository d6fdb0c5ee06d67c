/* xlsx: a small Office Open XML spreadsheet writer (workbooks of one or
 * more worksheets: inline strings, numbers in formats, title rows, a bold
 * frozen header row printed on every page, column widths, A4 print
 * settings) and a reader of a workbook's first worksheet. The ZIP
 * container is util/zip; expat parses the XML. */
#ifndef NQ57_XLSX_H
#define NQ57_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/csv.h"
#include "util/str.h"

typedef struct xlsx_writer {
	str name;             /* the sheet name, cleaned, not yet escaped */
	str rows;             /* the <row> elements of <sheetData> */
	double *widths;       /* per column (0-based), 0 = the default width */
	int nwidths;
	int row;              /* the current row (from 1), 0 before the first */
	int col;              /* the next cell's column (0-based) */
	int header_row;       /* the row xlsx_header wrote and froze, 0 if none */
	bool row_open;
	int err;              /* the first error (sticky), reported by finish */
	bool portrait;        /* printed upright rather than landscape */
} xlsx_writer;

/* One worksheet named sheet_name: invalid XML characters are dropped,
 * []:*?/\ become spaces, the name is cut to 31 characters ("Sheet1" if
 * nothing is left). */
void xlsx_writer_init(xlsx_writer *w, const char *sheet_name);
/* Starts the next row (the first call starts row 1). */
void xlsx_row(xlsx_writer *w);
/* The next cell, a string (an inline string); NULL or "" is an empty cell,
 * skipped. Characters invalid in XML 1.0 are dropped. */
void xlsx_text(xlsx_writer *w, const char *v);
/* The next cell, a number written with %.15g (NaN and infinities are left
 * empty). */
void xlsx_number(xlsx_writer *w, double v);
/* The same shown in a number format. */
typedef enum xlsx_format {
	XLSX_GENERAL,
	XLSX_INTEGER,     /* #,##0 */
	XLSX_DECIMAL,     /* #,##0.00 */
	XLSX_PERCENT      /* 0.0% of a share: 0.25 shows 25.0% */
} xlsx_format;
void xlsx_number_as(xlsx_writer *w, double v, xlsx_format f);
/* Starts a row of n bold cells, freezes the sheet below it and prints it
 * at the top of every page. */
void xlsx_header(xlsx_writer *w, const char *const *names, int n);
/* A row of one cell, text in bold 14 pt: a title above the header. */
void xlsx_title(xlsx_writer *w, const char *text);
/* Sets the width of column col (0-based) in characters (at most 255). */
void xlsx_col_width(xlsx_writer *w, int col, double width);
/* How the sheet prints on A4, as wide as the page: landscape (the
 * default) or portrait. */
typedef enum xlsx_orientation { XLSX_LANDSCAPE, XLSX_PORTRAIT } xlsx_orientation;
void xlsx_page(xlsx_writer *w, xlsx_orientation o);
/* Stores the malloc'd bytes of the .xlsx in *out (the caller frees) and
 * *len, and frees the writer state. The output is the same bytes for the
 * same calls. Returns 0, ERR_NOMEM, ERR_INVALID (more than 16384 columns
 * or 1048576 rows) or ERR_TOOLARGE (a part over 4 GiB); on failure *out is
 * NULL. */
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
