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
 * 64 fields"). Blank lines are skipped. */
int csv_read(csv_reader *r, csv_record *rec);

/* Appends v as one field (quoted when it holds a comma, quote or newline). */
void csv_append_field(str *s, const char *v);

#endif
