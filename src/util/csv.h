/* csv: RFC 4180 reading (quotes, doubled quotes, commas and newlines in
 * quoted fields, CRLF or LF, a UTF-8 byte order mark) and writing. */
#ifndef NQ57_CSV_H
#define NQ57_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/str.h"

#define CSV_MAX_FIELDS 64

typedef struct csv_reader {
	const char *p, *end;
	int line;             /* physical line where the next record starts (from 1) */
	str buf;              /* the current record's fields, NUL-separated */
} csv_reader;

typedef struct csv_record {
	int line;             /* physical line the record started on */
	int n;                /* number of fields */
	const char *f[CSV_MAX_FIELDS];   /* borrowed from the reader until the next read */
} csv_record;

void csv_init(csv_reader *r, const char *p, size_t len);
void csv_free(csv_reader *r);
/* Reads the next record: returns 1 with *rec filled, 0 at the end, or
 * ERR_INVALID ("line 7: a quoted field is not closed", "line 3: more than
 * 64 fields", "line 2, column 3: the file holds a NUL byte…", "… is not
 * valid UTF-8"). Blank lines are skipped. */
int csv_read(csv_reader *r, csv_record *rec);
/* 0 when rec has n_header fields, else ERR_INVALID naming its line: an
 * import refuses such a row rather than guess which field is which. */
int csv_check_width(const csv_record *rec, int n_header);

/* Appends v as one text field, quoted when it holds a comma, quote or
 * newline. A text that a spreadsheet would run as a formula (it begins
 * with =, +, -, @, tab or carriage return, OWASP's list) is written quoted
 * behind a single quote, so it opens as text: "'=1+2". A plain number such
 * as -5 or +3.25 is written as it is. Numbers held as numbers are written
 * by the caller, not through here. */
void csv_append_field(str *s, const char *v);
/* True when csv_append_field would neutralise v. */
bool csv_cell_is_formula(const char *v);

#endif
