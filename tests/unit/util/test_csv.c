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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv__quotes_commas_newlines_and_bom),
		cmocka_unit_test(test_csv__broken_quotes_name_their_line),
		cmocka_unit_test(test_csv__writing_quotes_only_when_needed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
