/* Tests for util/table: the same rows, with their lines, from a CSV text
 * and from a workbook; short workbook rows widened to the header; damaged
 * workbooks refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/table.h"
#include "util/xlsx.h"

/* All rows as "line:n|f0|f1|...\n". */
static char *rows_of(const void *data, size_t len)
{
	table_reader t;
	csv_record rec;
	str s = STR_INIT;
	int rc;
	assert_int_equal(table_open(&t, data, len), 0);
	while ((rc = table_read(&t, &rec)) == 1) {
		str_appendf(&s, "%d:%d", rec.line, rec.n);
		for (int i = 0; i < rec.n; i++) {
			str_appendc(&s, '|');
			str_append(&s, rec.f[i]);
		}
		str_appendc(&s, '\n');
	}
	assert_int_equal(rc, 0);
	table_free(&t);
	return str_detach(&s);
}

static void test_table__csv_and_workbook_give_the_same_rows(void **state)
{
	(void)state;
	static const char *const head[] = { "code", "name", "amount_vnd" };
	const char *csv = "\xEF\xBB\xBF" "code,name,amount_vnd\r\n"
			  "HN-01,\"Quỹ Đổi mới, Hà Nội\",1500000000\r\n"
			  "\r\n"
			  "HN-02,Trung tâm Đổi mới sáng tạo,\r\n";
	xlsx_writer w;
	char *book;
	size_t len;
	xlsx_writer_init(&w, "Dữ liệu");
	xlsx_header(&w, head, 3);
	xlsx_row(&w);
	xlsx_text(&w, "HN-01");
	xlsx_text(&w, "Quỹ Đổi mới, Hà Nội");
	xlsx_number(&w, 1500000000);
	xlsx_row(&w);          /* row 3 left empty: skipped as the blank line is */
	xlsx_row(&w);
	xlsx_text(&w, "HN-02");
	xlsx_text(&w, "Trung tâm Đổi mới sáng tạo");
	assert_int_equal(xlsx_finish(&w, &book, &len), 0);
	assert_true(table_is_xlsx(book, len));
	assert_false(table_is_xlsx(csv, strlen(csv)));

	char *from_csv = rows_of(csv, strlen(csv));
	char *from_book = rows_of(book, len);
	assert_string_equal(from_csv, "1:3|code|name|amount_vnd\n"
				      "2:3|HN-01|Quỹ Đổi mới, Hà Nội|1500000000\n"
				      "4:3|HN-02|Trung tâm Đổi mới sáng tạo|\n");
	assert_string_equal(from_book, from_csv);
	free(from_csv);
	free(from_book);
	free(book);
}

static void test_table__a_wider_workbook_row_stays_wider(void **state)
{
	(void)state;
	static const char *const head[] = { "a", "b" };
	xlsx_writer w;
	char *book;
	size_t len;
	xlsx_writer_init(&w, "Sheet1");
	xlsx_header(&w, head, 2);
	xlsx_row(&w);
	xlsx_text(&w, "1");
	xlsx_text(&w, "2");
	xlsx_text(&w, "3");
	assert_int_equal(xlsx_finish(&w, &book, &len), 0);
	table_reader t;
	csv_record rec;
	assert_int_equal(table_open(&t, book, len), 0);
	assert_int_equal(table_read(&t, &rec), 1);
	assert_int_equal(table_read(&t, &rec), 1);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.n, 3);
	assert_int_equal(csv_check_width(&rec, 2), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "2"));
	assert_int_equal(table_read(&t, &rec), 0);
	assert_int_equal(table_read(&t, &rec), 0);
	table_free(&t);
	free(book);
}

static void test_table__errors_as_the_formats_name_them(void **state)
{
	(void)state;
	static const char damaged[] = "PK\x03\x04 not really a workbook";
	table_reader t;
	csv_record rec;
	assert_int_equal(table_open(&t, damaged, sizeof(damaged) - 1), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "damaged"));
	table_free(&t);

	const char *csv = "a,b\n1,\"not closed\n";
	assert_int_equal(table_open(&t, csv, strlen(csv)), 0);
	assert_int_equal(table_read(&t, &rec), 1);
	assert_int_equal(table_read(&t, &rec), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "line 2"));
	table_free(&t);

	assert_int_equal(table_open(&t, NULL, 0), 0);
	assert_int_equal(table_read(&t, &rec), 0);
	table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table__csv_and_workbook_give_the_same_rows),
		cmocka_unit_test(test_table__a_wider_workbook_row_stays_wider),
		cmocka_unit_test(test_table__errors_as_the_formats_name_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
