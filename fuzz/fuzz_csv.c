/* CSV reader (util/csv.c): every record of arbitrary bytes is read or
 * refused with ERR_INVALID; every field read is UTF-8 text; a record
 * read, written back with csv_append_field and read again, gives the same
 * fields (a text a spreadsheet would run as a formula comes back behind
 * the single quote that neutralises it). */
#include "fuzz.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/str.h"
#include "util/utf8.h"

/* Writes rec as one CSV line and checks that it reads back the same. The
 * reader cannot give back a record of one empty field (a blank line is
 * skipped) nor a field holding NUL (fields are NUL-terminated). */
static void check_round_trip(const csv_record *rec)
{
	if (rec->n == 1 && rec->f[0][0] == '\0')
		return;
	str line = STR_INIT;
	for (int i = 0; i < rec->n; i++) {
		if (i)
			str_appendc(&line, ',');
		csv_append_field(&line, rec->f[i]);
	}
	str_appendc(&line, '\n');
	FUZZ_CHECK(!str_oom(&line));
	csv_reader r;
	csv_record back;
	csv_init(&r, line.ptr, line.len);
	int rc = csv_read(&r, &back);
	/* a lone leading BOM in the first field is eaten by csv_init */
	if (!(rec->f[0][0] == '\xEF' && strncmp(rec->f[0], "\xEF\xBB\xBF", 3) == 0)) {
		FUZZ_CHECK(rc == 1);
		FUZZ_CHECK(back.n == rec->n);
		for (int i = 0; i < rec->n; i++) {
			const char *b = back.f[i];
			if (csv_cell_is_formula(rec->f[i]))
				FUZZ_CHECK(*b++ == '\'');
			FUZZ_CHECK(strcmp(b, rec->f[i]) == 0);
		}
		FUZZ_CHECK(csv_read(&r, &back) == 0);
	}
	csv_free(&r);
	str_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	csv_reader r;
	csv_record rec;
	int rc, last_line = 0;
	csv_init(&r, (const char *)data, size);
	while ((rc = csv_read(&r, &rec)) == 1) {
		FUZZ_CHECK(rec.n >= 1 && rec.n <= CSV_MAX_FIELDS);
		FUZZ_CHECK(rec.line > last_line);
		last_line = rec.line;
		for (int i = 0; i < rec.n; i++)
			FUZZ_CHECK(utf8_valid(rec.f[i], strlen(rec.f[i])));
		check_round_trip(&rec);
	}
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
	FUZZ_CHECK(rc == 0 || err_msg()[0] != '\0');
	csv_free(&r);
	return 0;
}
