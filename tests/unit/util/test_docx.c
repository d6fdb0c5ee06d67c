/* Tests for util/docx: the package holds the parts a word processor
 * needs, each well-formed XML; the text comes through exactly; the layout
 * is A4 with the decree's margins and Times New Roman; the national
 * header block; named styles; a table's header row repeats; and the same
 * calls give the same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>

#include "util/docx.h"
#include "util/zip.h"

static uint32_t get32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* The unpacked entry name of the package in buf (malloc'd, NUL-terminated),
 * checked to be well-formed XML; NULL when absent. */
static char *entry(const char *buf, size_t len, const char *name)
{
	zip_reader r;
	char *out;
	size_t n;
	assert_int_equal(zip_open(&r, buf, len, "document"), 0);
	int rc = zip_extract(&r, name, &out, &n);
	assert_true(rc >= 0);
	if (rc == 0)
		return NULL;
	XML_Parser p = XML_ParserCreateNS(NULL, '|');
	if (XML_Parse(p, out, (int)n, 1) == XML_STATUS_ERROR)
		fail_msg("%s, line %lu: %s", name, (unsigned long)XML_GetCurrentLineNumber(p),
			 XML_ErrorString(XML_GetErrorCode(p)));
	XML_ParserFree(p);
	return out;
}

/* How many times needle occurs in hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
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
	/* named styles: the headings are Word's, with outline levels */
	assert_non_null(strstr(doc, "<w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t xml:space=\"preserve\">BÁO CÁO</w:t>"));
	assert_non_null(strstr(doc, "<w:pStyle w:val=\"Heading1\"/>"));
	assert_non_null(strstr(styles, "w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"));
	assert_non_null(strstr(styles, "<w:outlineLvl w:val=\"0\"/>"));
	assert_non_null(strstr(styles, "w:styleId=\"BodyText\""));
	assert_non_null(strstr(styles, "<w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/>"));   /* 1 cm, justified */
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

static void header_block(char **out, size_t *len)
{
	docx_writer d;
	docx_init(&d);
	docx_header h = { .parent = "UBND THÀNH PHỐ HÀ NỘI", .issuer = "BAN CHỈ ĐẠO\nCHUYỂN ĐỔI SỐ",
		.number = "Số: 12/BC-BCĐ", .national = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		.motto = "Độc lập - Tự do - Hạnh phúc", .place_date = "Hà Nội, ngày 05 tháng 6 năm 2025" };
	docx_header_block(&d, &h);
	docx_para_begin(&d, DOCX_BODY);
	docx_run(&d, "Kết quả: ", DOCX_BOLD);
	docx_run(&d, "đạt\t95,5%", DOCX_ITALIC | DOCX_UNDERLINE);
	docx_para(&d, "Nơi nhận:", DOCX_SMALL);   /* ends the open paragraph */
	docx_para(&d, "TM. BAN CHỈ ĐẠO", DOCX_SIGNATURE);
	assert_int_equal(docx_finish(&d, out, len), 0);
}

static void test_docx__header_block_and_runs(void **state)
{
	(void)state;
	char *buf;
	size_t len;
	header_block(&buf, &len);
	char *doc = entry(buf, len, "word/document.xml");
	/* the header: a borderless table of two rows, the text as given */
	assert_int_equal(count(doc, "<w:tbl>"), 1);
	assert_null(strstr(doc, "<w:tblBorders>"));
	assert_int_equal(count(doc, "<w:tr>"), 2);
	assert_non_null(strstr(doc, "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr>"
				    "<w:t xml:space=\"preserve\">UBND THÀNH PHỐ HÀ NỘI</w:t>"));
	assert_non_null(strstr(doc, "<w:b/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr>"
				    "<w:t xml:space=\"preserve\">BAN CHỈ ĐẠO</w:t><w:br/><w:t xml:space=\"preserve\">CHUYỂN ĐỔI SỐ</w:t>"));
	assert_non_null(strstr(doc, "<w:pBdr><w:bottom w:val=\"single\""));   /* the rule under the issuer */
	assert_non_null(strstr(doc, "<w:b/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr>"
				    "<w:t xml:space=\"preserve\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</w:t>"));
	assert_non_null(strstr(doc, "<w:b/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/><w:u w:val=\"single\"/></w:rPr>"
				    "<w:t xml:space=\"preserve\">Độc lập - Tự do - Hạnh phúc</w:t>"));
	assert_non_null(strstr(doc, "<w:t xml:space=\"preserve\">Số: 12/BC-BCĐ</w:t>"));
	assert_non_null(strstr(doc, "<w:i/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr>"
				    "<w:t xml:space=\"preserve\">Hà Nội, ngày 05 tháng 6 năm 2025</w:t>"));
	/* "Số" beside the date, below the names */
	assert_true(strstr(doc, "Số: 12/BC-BCĐ") > strstr(doc, "Hạnh phúc"));
	/* runs in one paragraph, then the next paragraphs */
	assert_non_null(strstr(doc, "<w:pStyle w:val=\"BodyText\"/></w:pPr>"
				    "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">Kết quả: </w:t></w:r>"
				    "<w:r><w:rPr><w:i/><w:u w:val=\"single\"/></w:rPr><w:t xml:space=\"preserve\">đạt</w:t>"
				    "<w:tab/><w:t xml:space=\"preserve\">95,5%</w:t></w:r></w:p>"
				    "<w:p><w:pPr><w:pStyle w:val=\"Small\"/></w:pPr>"));
	assert_non_null(strstr(doc, "<w:pStyle w:val=\"Signature\"/></w:pPr><w:r><w:t xml:space=\"preserve\">TM. BAN CHỈ ĐẠO</w:t>"));
	free(doc);
	/* the same calls, the same bytes */
	char *again;
	size_t again_len;
	header_block(&again, &again_len);
	assert_int_equal(len, again_len);
	assert_memory_equal(buf, again, len);
	free(again);
	free(buf);
}

static void test_docx__text_whole_and_clean(void **state)
{
	(void)state;
	static const double w[] = { 100 };
	str long_text = STR_INIT;
	for (int i = 0; i < 1000; i++)
		str_append(&long_text, "ộ");   /* 3000 bytes in one line of a cell */
	str_append(&long_text, "|end");
	docx_writer d;
	docx_init(&d);
	docx_para(&d, "a\x01" "b\xFF" "c\xEF\xBF\xBE" "d\r\ne & \"f\"", DOCX_BODY);
	docx_table_begin(&d, 1, w, true);
	docx_row_begin(&d, true);
	docx_cell(&d, "Đầu", DOCX_CENTER, DOCX_BOLD);
	docx_row_begin(&d, false);
	docx_cell(&d, long_text.ptr, DOCX_LEFT, 0);
	/* the table is left open: the next paragraph, then docx_finish end it */
	docx_para(&d, "sau bảng", DOCX_CENTERED);
	docx_table_begin(&d, 1, w, true);
	docx_cell(&d, "mở", DOCX_RIGHT, 0);
	char *buf;
	size_t len;
	assert_int_equal(docx_finish(&d, &buf, &len), 0);
	char *doc = entry(buf, len, "word/document.xml");
	/* control characters, bad UTF-8 and U+FFFE dropped; CR dropped; quotes escaped */
	assert_non_null(strstr(doc, ">abcd</w:t><w:br/><w:t xml:space=\"preserve\">e &amp; &quot;f&quot;</w:t>"));
	assert_non_null(strstr(doc, long_text.ptr));
	assert_non_null(strstr(doc, "<w:tblHeader/></w:trPr><w:tc><w:tcPr><w:tcW w:w=\"9355\" w:type=\"dxa\"/>"
				    "<w:vAlign w:val=\"center\"/></w:tcPr>"));
	assert_int_equal(count(doc, "<w:tbl>"), 2);
	assert_int_equal(count(doc, "</w:tbl>"), 2);
	assert_true(strstr(doc, "</w:tbl>") < strstr(doc, "sau bảng"));
	assert_non_null(strstr(doc, "<w:jc w:val=\"right\"/></w:pPr><w:r><w:t xml:space=\"preserve\">mở</w:t>"));
	free(doc);
	free(buf);
	str_free(&long_text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docx__parts_text_and_layout),
		cmocka_unit_test(test_docx__same_calls_same_bytes),
		cmocka_unit_test(test_docx__header_block_and_runs),
		cmocka_unit_test(test_docx__text_whole_and_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
