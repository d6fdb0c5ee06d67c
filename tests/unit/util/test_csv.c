/* Tests for util/csv: reading RFC 4180 files as officials save them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/csv.h"
#include "util/err.h"

static void test_csv__quotes_commas_newlines_and_bom(void **state)
{
	(void)state;
	const char *text = "\xEF\xBB\xBF" "code,name\r\n"
			   "01,\"Thành phố Hà Nội, thủ đô\"\r\n"
			   "\r\n"
			   "02,\"Dòng một\nDòng hai\"\n"
			   "03,\"Có \"\"ngoặc\"\"\",\n"
			   "04,";
	csv_reader r;
	csv_record rec;
	csv_init(&r, text, strlen(text));
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(rec.line, 1);
	assert_int_equal(rec.n, 2);
	assert_string_equal(rec.f[0], "code");
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(rec.line, 2);
	assert_string_equal(rec.f[1], "Thành phố Hà Nội, thủ đô");
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(rec.line, 4);   /* the blank line 3 is skipped */
	assert_string_equal(rec.f[1], "Dòng một\nDòng hai");
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(rec.line, 6);   /* the quoted newline counted */
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.f[1], "Có \"ngoặc\"");
	assert_string_equal(rec.f[2], "");
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(rec.n, 2);
	assert_string_equal(rec.f[1], "");
	assert_int_equal(csv_read(&r, &rec), 0);
	csv_free(&r);
}

static void test_csv__broken_quotes_name_their_line(void **state)
{
	(void)state;
	const char *text = "a,b\n1,\"không đóng\n2,3\n";
	csv_reader r;
	csv_record rec;
	csv_init(&r, text, strlen(text));
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(csv_read(&r, &rec), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "line 2"));
	csv_free(&r);
	const char *stray = "a,b\n1,x\"y\n";
	csv_init(&r, stray, strlen(stray));
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(csv_read(&r, &rec), ERR_INVALID);
	csv_free(&r);
}

static void test_csv__writing_quotes_only_when_needed(void **state)
{
	(void)state;
	str s = STR_INIT;
	csv_append_field(&s, "Sở Y tế");
	str_appendc(&s, ',');
	csv_append_field(&s, "a,b");
	str_appendc(&s, ',');
	csv_append_field(&s, "say \"hi\"");
	assert_string_equal(str_cstr(&s), "Sở Y tế,\"a,b\",\"say \"\"hi\"\"\"");
	/* and it reads back */
	csv_reader r;
	csv_record rec;
	csv_init(&r, s.ptr, s.len);
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.f[1], "a,b");
	assert_string_equal(rec.f[2], "say \"hi\"");
	csv_free(&r);
	str_free(&s);
}

/* OWASP's list: a text cell a spreadsheet would run as a formula is
 * written quoted behind a single quote; plain numbers are left alone. */
static void test_csv__formulas_written_as_text(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ "+SUM(A1)", "\"'+SUM(A1)\"" },
		{ "-2+3", "\"'-2+3\"" },
		{ "@cmd", "\"'@cmd\"" },
		{ "\tx", "\"'\tx\"" },
		{ "\rx", "\"'\rx\"" },
		{ "-", "\"'-\"" },
		{ "-5", "-5" },
		{ "+3.25", "+3.25" },
		{ "-1e-3", "-1e-3" },
		{ "-.5", "-.5" },
		{ "a=b", "a=b" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		str s = STR_INIT;
		csv_append_field(&s, cases[i][0]);
		assert_string_equal(str_cstr(&s), cases[i][1]);
		str_free(&s);
	}
	assert_false(csv_cell_is_formula("-5"));
	assert_true(csv_cell_is_formula("-5-5"));
	assert_true(csv_cell_is_formula("-e5"));
}

static void test_csv__nul_and_bad_utf8_name_line_and_column(void **state)
{
	(void)state;
	static const char nul[] = "a,b\n1,x\0y\n";
	csv_reader r;
	csv_record rec;
	csv_init(&r, nul, sizeof(nul) - 1);
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(csv_read(&r, &rec), ERR_INVALID);
	assert_string_equal(err_msg(), "line 2, column 2: the file holds a NUL byte, which is not text");
	csv_free(&r);
	/* inside a quoted field that spans lines: the record's first line */
	static const char bad[] = "a,b\n\"x\ny\",\"\xC3\x28\"\n";
	csv_init(&r, bad, sizeof(bad) - 1);
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(csv_read(&r, &rec), ERR_INVALID);
	assert_string_equal(err_msg(), "line 2, column 2: the text is not valid UTF-8 (save the file as CSV UTF-8)");
	csv_free(&r);
}

static void test_csv__width_against_the_header(void **state)
{
	(void)state;
	static const char text[] = "a,b,c\n1,2,3\n1,5,x,y\n";
	csv_reader r;
	csv_record rec;
	csv_init(&r, text, sizeof(text) - 1);
	assert_int_equal(csv_read(&r, &rec), 1);
	int width = rec.n;
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(csv_check_width(&rec, width), 0);
	assert_int_equal(csv_read(&r, &rec), 1);
	assert_int_equal(csv_check_width(&rec, width), ERR_INVALID);
	assert_string_equal(err_msg(), "line 3 has 4 fields but the header has 3 (a decimal comma, or a comma in an unquoted text?)");
	csv_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv__quotes_commas_newlines_and_bom),
		cmocka_unit_test(test_csv__broken_quotes_name_their_line),
		cmocka_unit_test(test_csv__writing_quotes_only_when_needed),
		cmocka_unit_test(test_csv__formulas_written_as_text),
		cmocka_unit_test(test_csv__nul_and_bad_utf8_name_line_and_column),
		cmocka_unit_test(test_csv__width_against_the_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
