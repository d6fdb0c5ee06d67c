/* table: CSV or .xlsx rows behind one reader. */
#include "util/table.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xlsx.h"

bool table_is_xlsx(const void *data, size_t len)
{
	return data && len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

static int keep_row(void *ctx, const csv_record *rec)
{
	table_reader *t = ctx;
	if (t->n_rows == t->cap_rows) {
		int cap = t->cap_rows ? t->cap_rows * 2 : 64;
		table_row *rows = realloc(t->rows, (size_t)cap * sizeof(*rows));
		if (!rows)
			return err_set(ERR_NOMEM, "out of memory reading the workbook");
		t->rows = rows;
		t->cap_rows = cap;
	}
	table_row *row = &t->rows[t->n_rows++];
	row->line = rec->line;
	row->n = rec->n;
	row->at = t->cells.len;
	for (int i = 0; i < rec->n; i++)
		str_appendn(&t->cells, rec->f[i], strlen(rec->f[i]) + 1);
	if (str_oom(&t->cells))
		return err_set(ERR_NOMEM, "out of memory reading the workbook");
	return 0;
}

int table_open(table_reader *t, const void *data, size_t len)
{
	memset(t, 0, sizeof(*t));
	t->cells = STR_INIT;
	if (!table_is_xlsx(data, len)) {
		csv_init(&t->csv, data ? data : "", data ? len : 0);
		return 0;
	}
	t->xlsx = true;
	return xlsx_read(data, len, keep_row, t);
}

int table_read(table_reader *t, csv_record *rec)
{
	if (!t->xlsx)
		return csv_read(&t->csv, rec);
	if (t->next >= t->n_rows)
		return 0;
	const table_row *row = &t->rows[t->next++];
	const char *p = t->cells.ptr + row->at;
	int width = t->n_rows ? t->rows[0].n : 0;
	rec->line = row->line;
	rec->n = row->n;
	for (int i = 0; i < row->n; i++) {
		rec->f[i] = p;
		p += strlen(p) + 1;
	}
	for (; rec->n < width && rec->n < CSV_MAX_FIELDS; rec->n++)
		rec->f[rec->n] = "";
	return 1;
}

void table_free(table_reader *t)
{
	if (!t->xlsx)
		csv_free(&t->csv);
	str_free(&t->cells);
	free(t->rows);
	t->rows = NULL;
	t->n_rows = t->cap_rows = t->next = 0;
}
