/* The XLSX reader (util/xlsx_read.c over util/zip.c and expat). The first
 * input byte chooses what the rest is:
 *   even: a whole file, as uploaded;
 *   odd:  the parts of a workbook separated by NUL bytes (the first
 *         worksheet, shared strings, workbook.xml, its relationships),
 *         packed here with the project's ZIP writer so that the XML
 *         reaches the parser past the container's checksums.
 * Every row reaches the callback within the documented limits, or the
 * file is refused with ERR_INVALID. */
#include "fuzz.h"
#include "util/err.h"
#include "util/xlsx.h"
#include "util/zip.h"

typedef struct rows {
	int last_line, n;
} rows;

static int on_row(void *ctx, const csv_record *rec)
{
	rows *r = ctx;
	FUZZ_CHECK(rec->n >= 1 && rec->n <= CSV_MAX_FIELDS);
	/* rows come in the sheet's order, which a damaged file may not keep */
	FUZZ_CHECK(rec->line >= 1);
	r->last_line = rec->line;
	size_t total = 0;
	for (int i = 0; i < rec->n; i++)
		total += strlen(rec->f[i]);
	(void)total;
	/* a callback may stop the reading: its code comes back */
	return ++r->n == 5000 ? ERR_CONFLICT : 0;
}

static void read_file(const void *p, size_t len)
{
	rows r = { 0 };
	int rc = xlsx_read(p, len, on_row, &r);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_NOMEM);
	FUZZ_CHECK(rc != ERR_CONFLICT || r.n == 5000);
}

static void read_parts(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
		"xl/_rels/workbook.xml.rels" };
	char *block;
	const char *part[4];
	size_t len[4];
	int n = fuzz_split(&block, part, len, 4, data, size);
	zip_writer z;
	zip_writer_init(&z);
	for (int i = 0; i < n; i++) {
		strv chunk = { part[i], len[i] };
		if (i > 0 && len[i] == 0)
			continue;   /* an empty part is a part left out */
		FUZZ_CHECK(zip_add(&z, names[i], &chunk, 1) == 0);
	}
	char *file;
	size_t file_len;
	FUZZ_CHECK(zip_finish(&z, &file, &file_len) == 0);
	read_file(file, file_len);
	free(file);
	free(block);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		read_parts(data + 1, size - 1);
	else
		read_file(data + 1, size - 1);
	return 0;
}
