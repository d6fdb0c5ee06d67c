/* table: the rows of an uploaded table, a CSV text or the first worksheet
 * of an .xlsx workbook, read through one contract (util/csv.h's
 * csv_record), so an import takes either file unchanged. */
#ifndef NQ57_TABLE_H
#define NQ57_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/csv.h"
#include "util/str.h"

typedef struct table_row {
	int line;             /* the sheet's row number */
	int n;                /* fields stored */
	size_t at;            /* offset of its NUL-separated fields in cells */
} table_row;

typedef struct table_reader {
	bool xlsx;
	csv_reader csv;       /* a CSV text */
	str cells;            /* a workbook: every row's fields, owned */
	table_row *rows;
	int n_rows, cap_rows, next;
} table_reader;

/* True when data starts as a ZIP file does ("PK\3\4"): an .xlsx. */
bool table_is_xlsx(const void *data, size_t len);
/* Opens data[0..len) (borrowed for a CSV text until table_free; a
 * workbook is read at once and its cells copied). Returns 0, or for a
 * workbook xlsx_read's ERR_INVALID ("the file is not an .xlsx workbook",
 * "row 7: more than 64 columns", ...) or ERR_NOMEM; table_free is safe
 * after a failure. */
int table_open(table_reader *t, const void *data, size_t len);
/* As csv_read: 1 with *rec filled (fields borrowed until the next read),
 * 0 at the end, or ERR_INVALID naming the CSV line. rec->line is the CSV
 * physical line or the sheet's row number. Empty rows are skipped. A
 * sheet keeps no empty cells at the end of a row, so a workbook's row
 * shorter than its first row is given empty fields up to that width. */
int table_read(table_reader *t, csv_record *rec);
void table_free(table_reader *t);

#endif
