/* Tests for util/docx and util/zip: the package holds the parts a word
 * processor needs, the text comes through exactly, the layout is A4 with
 * the decree's margins and Times New Roman, a table's header row repeats,
 * and the same calls give the same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/docx.h"
#include "util/zip.h"

static uint32_t get32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static unsigned get16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

/* The inflated entry name of the ZIP in buf (malloc'd, NUL-terminated),
 * found by walking the local headers; NULL when absent. */
static char *entry(const char *buf, size_t len, const char *name)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t off = 0;
	while (off + 30 <= len && get32(p + off) == ZIP_LOCAL) {
		uint32_t csize = get32(p + off + 18), usize = get32(p + off + 22);
		unsigned nlen = get16(p + off + 26), xlen = get16(p + off + 28);
		const unsigned char *data = p + off + 30 + nlen + xlen;
		if (nlen == strlen(name) && memcmp(p + off + 30, name, nlen) == 0) {
			char *out = malloc(usize + 1);
			z_stream z = { 0 };
			inflateInit2(&z, -15);
			z.next_in = (Bytef *)data;
			z.avail_in = csize;
			z.next_out = (Bytef *)out;
			z.avail_out = usize;
			int zr = inflate(&z, Z_FINISH);
			inflateEnd(&z);
			assert_int_equal(zr, Z_STREAM_END);
			assert_int_equal(crc32(0, (Bytef *)out, usize), get32(p + off + 14));
			out[usize] = '\0';
			return out;
		}
		off = (size_t)(data - p) + csize;
	}
	return NULL;
}

static void report(char **out, size_t *len)
{
	docx_writer d;
	static const double head_w[] = { 38, 62 }, w[] = { 10, 60, 30 };
	docx_init(&d);
	docx_table_begin(&d, 2, head_w, false);
	docx_row_begin(&d, false);
	docx_cell(&d, "UBND THÀNH PHỐ HÀ NỘI", DOCX_CENTER, DOCX_BOLD);
	docx_cell(&d, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", DOCX_CENTER, DOCX_BOLD);
	docx_row_begin(&d, false);
	docx_cell(&d, "Số: …/BC-…", DOCX_CENTER, 0);
	docx_cell(&d, "Độc lập - Tự do - Hạnh phúc", DOCX_CENTER, DOCX_BOLD | DOCX_UNDERLINE);
	docx_table_end(&d);
	docx_para(&d, "BÁO CÁO", DOCX_TITLE);
	docx_para(&d, "I. KẾT QUẢ & <TỒN TẠI>", DOCX_HEADING1);
	docx_para(&d, "Dòng một\nDòng hai", DOCX_BODY);
	docx_table_begin(&d, 3, w, true);
	docx_row_begin(&d, true);
	docx_cell(&d, "TT", DOCX_CENTER, DOCX_BOLD);
	docx_cell(&d, "Nhiệm vụ", DOCX_CENTER, DOCX_BOLD);
	docx_cell(&d, "Tình trạng", DOCX_CENTER, DOCX_BOLD);
	docx_row_begin(&d, false);
	docx_cell(&d, "1", DOCX_RIGHT, 0);
	docx_cell(&d, "Số hóa hồ sơ", DOCX_LEFT, 0);
	docx_table_end(&d);   /* the missing third cell is filled in */
	static const char *const labels[] = { "Hoàn thành đúng hạn", "Quá hạn" };
	static const double values[] = { 24, 7 };
	docx_bar_chart(&d, "Nhiệm vụ theo tình trạng", "Số nhiệm vụ", labels, values, 2);
	assert_int_equal(docx_finish(&d, out, len), 0);
}

static void test_docx__parts_text_and_layout(void **state)
{
	(void)state;
	char *buf;
	size_t len;
	report(&buf, &len);
	char *types = entry(buf, len, "[Content_Types].xml"), *doc = entry(buf, len, "word/document.xml");
	char *styles = entry(buf, len, "word/styles.xml"), *footer = entry(buf, len, "word/footer1.xml");
	assert_non_null(types);
	assert_non_null(doc);
	assert_non_null(styles);
	assert_non_null(footer);
	assert_non_null(strstr(types, "wordprocessingml.document.main+xml"));
	assert_non_null(strstr(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
	assert_non_null(strstr(doc, "Độc lập - Tự do - Hạnh phúc"));
	assert_non_null(strstr(doc, "KẾT QUẢ &amp; &lt;TỒN TẠI&gt;"));
	assert_non_null(strstr(doc, "Dòng một</w:t><w:br/><w:t xml:space=\"preserve\">Dòng hai"));
	assert_non_null(strstr(doc, "<w:tblHeader/>"));
	assert_non_null(strstr(doc, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));   /* A4 */
	assert_non_null(strstr(doc, "w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\""));   /* 20/15/20/30 mm */
	assert_non_null(strstr(styles, "w:ascii=\"Times New Roman\""));
	assert_non_null(strstr(styles, "<w:sz w:val=\"26\"/>"));   /* 13 pt */
	assert_non_null(strstr(footer, " PAGE "));
	/* the chart: a part of its own, related and typed, with its figures */
	char *chart = entry(buf, len, "word/charts/chart1.xml"), *rels = entry(buf, len, "word/_rels/document.xml.rels");
	assert_non_null(chart);
	assert_non_null(strstr(chart, "<c:v>Hoàn thành đúng hạn</c:v>"));
	assert_non_null(strstr(chart, "<c:pt idx=\"1\"><c:v>7</c:v></c:pt>"));
	assert_non_null(strstr(rels, "Target=\"charts/chart1.xml\""));
	assert_non_null(strstr(types, "/word/charts/chart1.xml"));
	assert_non_null(strstr(doc, "r:id=\"rIdChart1\""));
	free(chart);
	free(rels);
	/* three cells in the short row */
	const char *row = strstr(doc, "Số hóa hồ sơ");
	assert_non_null(row);
	assert_non_null(strstr(row, "<w:tc>"));
	free(types);
	free(doc);
	free(styles);
	free(footer);
	free(buf);
}

static void test_docx__same_calls_same_bytes(void **state)
{
	(void)state;
	char *a, *b;
	size_t la, lb;
	report(&a, &la);
	report(&b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	/* the end of central directory record closes the archive */
	assert_int_equal(get32((const unsigned char *)a + la - 22), ZIP_END);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docx__parts_text_and_layout),
		cmocka_unit_test(test_docx__same_calls_same_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
