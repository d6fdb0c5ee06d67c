/* Tests for util/xlsx: writing a sheet and reading it back, determinism,
 * workbooks of several sheets (unique names, number formats, titles, print
 * settings), workbooks as Excel saves them (shared strings, rich text),
 * and damaged or foreign files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/err.h"
#include "util/xlsx.h"

/* Collects each row as "line:n|f0|f1|...\n". */
static int collect(void *ctx, const csv_record *rec)
{
	str *s = ctx;
	str_appendf(s, "%d:%d", rec->line, rec->n);
	for (int i = 0; i < rec->n; i++) {
		str_appendc(s, '|');
		str_append(s, rec->f[i]);
	}
	str_appendc(s, '\n');
	return 0;
}

static int stop_at_first(void *ctx, const csv_record *rec)
{
	(void)ctx, (void)rec;
	return ERR_CONFLICT;
}

/* The sample sheet; the same calls give the same bytes. */
static void write_sample(char **out, size_t *len)
{
	static const char *const head[] = { "Mã", "Tên đơn vị", "Giá trị" };
	xlsx_writer w;
	xlsx_writer_init(&w, "Báo cáo [2024]: Q1/Q2?*");
	xlsx_header(&w, head, 3);
	xlsx_col_width(&w, 1, 30);
	xlsx_row(&w);
	xlsx_text(&w, "01");
	xlsx_text(&w, "Thành phố Hà Nội");
	xlsx_number(&w, 12.5);
	xlsx_row(&w);
	xlsx_text(&w, "a<b & \"c\" 'd' >");
	xlsx_text(&w, "");
	xlsx_number(&w, -3);
	xlsx_row(&w);          /* an empty row: not read back */
	xlsx_row(&w);
	xlsx_number(&w, 1e-7);
	xlsx_text(&w, NULL);
	xlsx_text(&w, " x\x01y\r\nz ");
	assert_int_equal(xlsx_finish(&w, out, len), 0);
	xlsx_writer_free(&w);  /* harmless after finish */
}

/* ---- a little ZIP reading and writing on the test's side ---- */

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

/* The offset of name's central directory header. */
static size_t central_of(const char *zip, size_t len, const char *name)
{
	const unsigned char *p = (const unsigned char *)zip;
	size_t n = strlen(name);
	for (size_t i = 0; i + 46 + n <= len; i++)
		if (rd32(p + i) == 0x02014b50 && rd16(p + i + 28) == n && memcmp(p + i + 46, name, n) == 0)
			return i;
	fail_msg("%s is not in the ZIP", name);
	return 0;
}

/* The offset of name's packed bytes. */
static size_t data_of(const char *zip, size_t len, const char *name)
{
	const unsigned char *p = (const unsigned char *)zip;
	size_t local = rd32(p + central_of(zip, len, name) + 42);
	return local + 30 + rd16(p + local + 26) + rd16(p + local + 28);
}

/* The unpacked text of a deflated entry (free it). */
static char *entry_text(const char *zip, size_t len, const char *name)
{
	const unsigned char *p = (const unsigned char *)zip;
	size_t c = central_of(zip, len, name);
	uLong csize = rd32(p + c + 20), usize = rd32(p + c + 24);
	assert_int_equal(rd16(p + c + 10), 8);
	char *out = calloc(1, usize + 1);
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, -15), Z_OK);
	z.next_in = (Bytef *)(p + data_of(zip, len, name));
	z.avail_in = (uInt)csize;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)usize;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	inflateEnd(&z);
	return out;
}

static void le16(str *s, unsigned v)
{
	str_appendc(s, (char)(v & 0xFF));
	str_appendc(s, (char)(v >> 8));
}

static void le32(str *s, uint32_t v)
{
	le16(s, v & 0xFFFF);
	le16(s, v >> 16);
}

typedef struct part {
	const char *name, *text;
} part;

/* One stored (uncompressed) entry header, local or central. */
static void stored_header(str *s, const part *e, uint32_t offset, bool central)
{
	uint32_t n = (uint32_t)strlen(e->text);
	le32(s, central ? 0x02014b50 : 0x04034b50);
	if (central)
		le16(s, 20);
	le16(s, 10);
	le16(s, 0);
	le16(s, 0);          /* stored */
	le16(s, 0);
	le16(s, 0x21);
	le32(s, (uint32_t)crc32(0, (const Bytef *)e->text, n));
	le32(s, n);
	le32(s, n);
	le16(s, (unsigned)strlen(e->name));
	le16(s, 0);
	if (central) {
		le16(s, 0);
		le16(s, 0);
		le16(s, 0);
		le32(s, 0);
		le32(s, offset);
	}
	str_append(s, e->name);
}

/* A stored ZIP of the parts, as a hand-made workbook. */
static void stored_zip(str *s, const part *parts, int n)
{
	uint32_t offs[16];
	for (int i = 0; i < n; i++) {
		offs[i] = (uint32_t)s->len;
		stored_header(s, &parts[i], 0, false);
		str_append(s, parts[i].text);
	}
	size_t cd = s->len;
	for (int i = 0; i < n; i++)
		stored_header(s, &parts[i], offs[i], true);
	size_t size = s->len - cd;
	le32(s, 0x06054b50);
	le16(s, 0);
	le16(s, 0);
	le16(s, (unsigned)n);
	le16(s, (unsigned)n);
	le32(s, (uint32_t)size);
	le32(s, (uint32_t)cd);
	le16(s, 0);
	assert_false(str_oom(s));
}

/* Reads a hand-made workbook into "line:n|..." rows. */
static int read_parts(const part *parts, int n, str *rows)
{
	str zip = STR_INIT;
	stored_zip(&zip, parts, n);
	int rc = xlsx_read(zip.ptr, zip.len, collect, rows);
	str_free(&zip);
	return rc;
}

/* ---- tests ---- */

static void test_xlsx__round_trip(void **state)
{
	(void)state;
	char *out;
	size_t len;
	write_sample(&out, &len);
	str rows = STR_INIT;
	assert_int_equal(xlsx_read(out, len, collect, &rows), 0);
	assert_string_equal(str_cstr(&rows),
			    "1:3|Mã|Tên đơn vị|Giá trị\n"
			    "2:3|01|Thành phố Hà Nội|12.5\n"
			    "3:3|a<b & \"c\" 'd' >||-3\n"
			    "5:3|1E-07|| xy\nz \n");
	str_free(&rows);
	free(out);
}

static void test_xlsx__parts_excel_expects(void **state)
{
	(void)state;
	char *out;
	size_t len;
	write_sample(&out, &len);
	assert_memory_equal(out, "PK\x03\x04", 4);
	char *wb = entry_text(out, len, "xl/workbook.xml");
	assert_non_null(strstr(wb, "<sheet name=\"Báo cáo  2024   Q1 Q2  \" sheetId=\"1\" r:id=\"rId1\"/>"));
	free(wb);
	char *sheet = entry_text(out, len, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"));
	/* the width set (Excel's 30 with its padding); the others fitted */
	assert_non_null(strstr(sheet, "<col min=\"2\" max=\"2\" width=\"30.7109375\" customWidth=\"1\"/>"));
	assert_non_null(strstr(sheet, "<col min=\"1\" max=\"1\" width=\"16.7109375\" customWidth=\"1\"/>"));
	assert_non_null(strstr(sheet, "<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>Mã</t></is></c>"));
	assert_non_null(strstr(sheet, "<t>a&lt;b &amp; \"c\" 'd' &gt;</t>"));
	assert_non_null(strstr(sheet, "<c r=\"C3\"><v>-3</v></c>"));
	assert_non_null(strstr(sheet, "<c r=\"C5\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> xy\nz </t>"));
	free(sheet);
	char *styles = entry_text(out, len, "xl/styles.xml");
	assert_non_null(strstr(styles, "<font><b/>"));
	free(styles);
	/* a long name is cut to 31 characters, never inside a character */
	xlsx_writer w;
	xlsx_writer_init(&w, "Ủy ban nhân dân thành phố Hồ Chí Minh");
	free(out);
	assert_int_equal(xlsx_finish(&w, &out, &len), 0);
	wb = entry_text(out, len, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"Ủy ban nhân dân thành phố Hồ Ch\""));
	free(wb);
	free(out);
}

static void test_xlsx__same_calls_same_bytes(void **state)
{
	(void)state;
	char *a, *b;
	size_t alen, blen;
	write_sample(&a, &alen);
	write_sample(&b, &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
}

/* A book of six sheets, the names of the last five taken or reserved. */
static void write_book(char **out, size_t *len)
{
	static const char *const head[] = { "Chỉ tiêu", "Số lượng", "Kinh phí (triệu đồng)", "Tỷ lệ" };
	static const char *const names[] = { "Bảng", "BẢNG", "It's R&D", "Chỉ tiêu chuyển đổi số cấp xã 2025",
		"Chỉ tiêu chuyển đổi số cấp xã 2025", "History" };
	xlsx_writer sheets[7];
	xlsx_writer_init(&sheets[0], "Tổng hợp");
	xlsx_title(&sheets[0], "Kết quả thực hiện năm 2025");
	xlsx_header(&sheets[0], head, 4);
	xlsx_row(&sheets[0]);
	xlsx_text(&sheets[0], "Hồ sơ số hóa");
	xlsx_number_as(&sheets[0], 1234567, XLSX_INTEGER);
	xlsx_number_as(&sheets[0], 2500.5, XLSX_DECIMAL);
	xlsx_number_as(&sheets[0], 0.955, XLSX_PERCENT);
	xlsx_page(&sheets[0], XLSX_PORTRAIT);
	for (int i = 0; i < 6; i++) {
		xlsx_writer_init(&sheets[i + 1], names[i]);
		xlsx_header(&sheets[i + 1], head, 1);
	}
	assert_int_equal(xlsx_book_finish(sheets, 7, out, len), 0);
}

static void test_xlsx__book_of_sheets(void **state)
{
	(void)state;
	char *out;
	size_t len;
	write_book(&out, &len);
	char *wb = entry_text(out, len, "xl/workbook.xml");
	/* names unique ignoring case, cut to 31 characters with their number */
	assert_non_null(strstr(wb, "<sheets><sheet name=\"Tổng hợp\" sheetId=\"1\" r:id=\"rId1\"/>"
				   "<sheet name=\"Bảng\" sheetId=\"2\" r:id=\"rId2\"/>"
				   "<sheet name=\"BẢNG (2)\" sheetId=\"3\" r:id=\"rId3\"/>"
				   "<sheet name=\"It's R&amp;D\" sheetId=\"4\" r:id=\"rId4\"/>"
				   "<sheet name=\"Chỉ tiêu chuyển đổi số cấp xã 2\" sheetId=\"5\" r:id=\"rId5\"/>"
				   "<sheet name=\"Chỉ tiêu chuyển đổi số cấp (2)\" sheetId=\"6\" r:id=\"rId6\"/>"
				   "<sheet name=\"History (2)\" sheetId=\"7\" r:id=\"rId7\"/></sheets>"));
	/* each header row prints on every page; apostrophes doubled */
	assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'Tổng hợp'!$2:$2</definedName>"));
	assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"3\">"
				   "'It''s R&amp;D'!$1:$1</definedName>"));
	free(wb);
	char *types = entry_text(out, len, "[Content_Types].xml");
	assert_non_null(strstr(types, "/xl/worksheets/sheet7.xml"));
	free(types);
	/* the first sheet: a title, the header frozen below it, formats, portrait */
	char *sheet = entry_text(out, len, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>Kết quả thực hiện năm 2025</t>"));
	assert_non_null(strstr(sheet, "<pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" state=\"frozen\"/>"));
	assert_non_null(strstr(sheet, "<c r=\"B3\" s=\"3\"><v>1234567</v></c><c r=\"C3\" s=\"4\"><v>2500.5</v></c>"
				      "<c r=\"D3\" s=\"5\"><v>0.955</v></c>"));
	assert_non_null(strstr(sheet, "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"));
	assert_non_null(strstr(sheet, "<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"portrait\"/>"));
	free(sheet);
	sheet = entry_text(out, len, "xl/worksheets/sheet2.xml");
	assert_non_null(strstr(sheet, "orientation=\"landscape\""));
	free(sheet);
	char *styles = entry_text(out, len, "xl/styles.xml");
	/* the formats the sheets use, and only those */
	assert_non_null(strstr(styles, "<numFmts count=\"3\"><numFmt numFmtId=\"164\" formatCode=\"#,##0\"/>"
				       "<numFmt numFmtId=\"165\" formatCode=\"#,##0.00\"/><numFmt numFmtId=\"166\" formatCode=\"0.0%\"/>"));
	assert_non_null(strstr(styles, "<cellXfs count=\"6\">"));
	free(styles);
	/* the reader sees the first sheet, numbers as numbers */
	str rows = STR_INIT;
	assert_int_equal(xlsx_read(out, len, collect, &rows), 0);
	assert_string_equal(str_cstr(&rows), "1:1|Kết quả thực hiện năm 2025\n"
					     "2:4|Chỉ tiêu|Số lượng|Kinh phí (triệu đồng)|Tỷ lệ\n"
					     "3:4|Hồ sơ số hóa|1234567|2500.5|0.955\n");
	str_free(&rows);
	/* the same calls, the same bytes */
	char *again;
	size_t again_len;
	write_book(&again, &again_len);
	assert_int_equal(len, again_len);
	assert_memory_equal(out, again, len);
	free(again);
	free(out);
}

typedef struct reexport {
	xlsx_writer w;
} reexport;

static int rewrite_row(void *ctx, const csv_record *rec)
{
	reexport *r = ctx;
	if (rec->line == 1) {
		xlsx_header(&r->w, rec->f, rec->n);
		return 0;
	}
	xlsx_row(&r->w);
	for (int i = 0; i < rec->n; i++)
		xlsx_text(&r->w, rec->f[i]);
	return 0;
}

static void test_xlsx__export_import_export_is_stable(void **state)
{
	(void)state;
	static const char *const head[] = { "Mã", "Tên" };
	xlsx_writer w;
	xlsx_writer_init(&w, "Đơn vị");
	xlsx_header(&w, head, 2);
	xlsx_row(&w);
	xlsx_text(&w, "01");
	xlsx_text(&w, "Thành phố Hà Nội");
	xlsx_row(&w);
	xlsx_text(&w, "79");
	xlsx_text(&w, "Thành phố Hồ Chí Minh");
	char *a, *b;
	size_t alen, blen;
	assert_int_equal(xlsx_finish(&w, &a, &alen), 0);
	reexport r;
	xlsx_writer_init(&r.w, "Đơn vị");
	assert_int_equal(xlsx_read(a, alen, rewrite_row, &r), 0);
	assert_int_equal(xlsx_finish(&r.w, &b, &blen), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
}

static const char content_types[] =
	"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";

static const char excel_workbook[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<x:sheets><x:sheet name=\"Chart\" sheetId=\"2\" rel:id=\"rId9\"/>"
	"<x:sheet name=\"Dữ liệu\" sheetId=\"1\" rel:id=\"rId3\"/></x:sheets></x:workbook>";

static const char excel_rels[] =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId9\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/data.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"../xl/./strings.xml\"/>"
	"</Relationships>";

static const char excel_strings[] =
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\" uniqueCount=\"3\">"
	"<si><t>Mã</t></si>"
	"<si><r><t xml:space=\"preserve\">Thành phố </t></r><r><rPr><b/></rPr><t>Hà Nội</t></r>"
	"<rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh></si>"
	"<si><t>a &amp; b</t></si>"
	"</sst>";

static const char excel_sheet[] =
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
	"<row r=\"2\" spans=\"1:3\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"C2\" t=\"s\"><v>1</v></c></row>"
	"<row r=\"3\"><c t=\"b\"><v>1</v></c><c t=\"b\"><v>0</v></c><c><v>12.5</v></c>"
	"<c t=\"str\"><f>A1&amp;\"!\"</f><v>Mã!</v></c>"
	"<c t=\"inlineStr\"><is><r><t>in</t></r><r><t>line</t></r></is></c>"
	"<c r=\"F3\" s=\"2\"/><c r=\"G3\" t=\"s\"><v>2</v></c><c r=\"BZ3\" s=\"4\"/></row>"
	"<row r=\"4\"><c r=\"A4\" s=\"1\"/><c r=\"B4\"><v></v></c></row>"
	"<row><c r=\"AB5\"><v>-7</v></c></row>"
	"<row r=\"7\"><c r=\"A7\"><v>1</v></c><c r=\"BM7\"><v>2</v></c></row>"
	"<row r=\"8\"><c r=\"A8\"><v>never read</v></c></row>"
	"</sheetData></worksheet>";

static void test_xlsx__reads_what_excel_writes(void **state)
{
	(void)state;
	const part parts[] = {
		{ "[Content_Types].xml", content_types },
		{ "xl/workbook.xml", excel_workbook },
		{ "xl/_rels/workbook.xml.rels", excel_rels },
		{ "xl/strings.xml", excel_strings },
		{ "xl/worksheets/data.xml", excel_sheet },
		{ "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c><v>wrong</v></c></row></sheetData></worksheet>" },
	};
	str rows = STR_INIT;
	assert_int_equal(read_parts(parts, 6, &rows), ERR_INVALID);
	assert_string_equal(err_msg(), "row 7: more than 64 columns");
	str want = STR_INIT;
	str_append(&want, "2:3|Mã||Thành phố Hà Nội\n"
			  "3:7|TRUE|FALSE|12.5|Mã!|inline||a & b\n"
			  "5:28");
	for (int i = 0; i < 27; i++)
		str_appendc(&want, '|');
	str_append(&want, "|-7\n");
	assert_string_equal(str_cstr(&rows), str_cstr(&want));
	str_free(&want);
	str_free(&rows);
	/* the callback stops the reading with its own error */
	str zip = STR_INIT;
	stored_zip(&zip, parts, 6);
	assert_int_equal(xlsx_read(zip.ptr, zip.len, stop_at_first, NULL), ERR_CONFLICT);
	str_free(&zip);
}

static void test_xlsx__finds_sheet1_without_a_workbook(void **state)
{
	(void)state;
	const part only_sheet[] = {
		{ "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>" },
	};
	str rows = STR_INIT;
	assert_int_equal(read_parts(only_sheet, 1, &rows), 0);
	assert_string_equal(str_cstr(&rows), "1:1|1\n");
	str_free(&rows);

	const part no_sheet[] = {
		{ "xl/workbook.xml", "<workbook><sheets/></workbook>" },
	};
	rows = STR_INIT;
	assert_int_equal(read_parts(no_sheet, 1, &rows), ERR_INVALID);
	assert_string_equal(err_msg(), "the workbook has no worksheet");
	assert_int_equal(rows.len, 0);

	const part docx[] = {
		{ "word/document.xml", "<document/>" },
	};
	assert_int_equal(read_parts(docx, 1, &rows), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "not an .xlsx"));

	const part doctype[] = {
		{ "xl/worksheets/sheet1.xml", "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet>&a;</worksheet>" },
	};
	assert_int_equal(read_parts(doctype, 1, &rows), ERR_INVALID);
	const part bad_xml[] = {
		{ "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>" },
	};
	assert_int_equal(read_parts(bad_xml, 1, &rows), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "xl/worksheets/sheet1.xml"));
	str_free(&rows);
}

static int count_rows(void *ctx, const csv_record *rec)
{
	(void)rec;
	(*(int *)ctx)++;
	return 0;
}

static void test_xlsx__garbage_is_not_a_workbook(void **state)
{
	(void)state;
	int n = 0;
	const char *text = "Mã,Tên\n01,Hà Nội\n";
	assert_int_equal(xlsx_read(text, strlen(text), count_rows, &n), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "not an .xlsx"));
	assert_int_equal(xlsx_read(NULL, 0, count_rows, &n), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "not an .xlsx"));
	char junk[5000];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7919 % 251);
	memcpy(junk, "PK\x03\x04", 4);
	assert_int_equal(xlsx_read(junk, sizeof(junk), count_rows, &n), ERR_INVALID);
	assert_int_equal(n, 0);
}

static void test_xlsx__damaged_files_are_refused(void **state)
{
	(void)state;
	char *out;
	size_t len;
	int n = 0;
	write_sample(&out, &len);
	/* cut short anywhere */
	for (size_t cut = 0; cut < len; cut += len / 37 + 1)
		assert_int_equal(xlsx_read(out, cut, count_rows, &n), ERR_INVALID);
	assert_int_equal(xlsx_read(out, len - 1, count_rows, &n), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "cut short"));
	/* a changed byte in the sheet's packed data */
	char *bad = malloc(len);
	memcpy(bad, out, len);
	size_t at = data_of(out, len, "xl/worksheets/sheet1.xml") + 40;
	bad[at] = (char)(bad[at] ^ 0x55);
	assert_int_equal(xlsx_read(bad, len, count_rows, &n), ERR_INVALID);
	/* a declared size over 256 MiB, then one smaller than the real size */
	size_t c = central_of(out, len, "xl/worksheets/sheet1.xml");
	memcpy(bad, out, len);
	memcpy(bad + c + 24, "\x00\x00\x00\x20", 4);
	assert_int_equal(xlsx_read(bad, len, count_rows, &n), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "256 MiB"));
	memcpy(bad, out, len);
	memcpy(bad + c + 24, "\x10\x00\x00\x00", 4);
	assert_int_equal(xlsx_read(bad, len, count_rows, &n), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "larger unpacked than declared"));
	/* encryption and other methods */
	memcpy(bad, out, len);
	bad[c + 8] = 1;
	assert_int_equal(xlsx_read(bad, len, count_rows, &n), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "encrypted"));
	memcpy(bad, out, len);
	bad[c + 10] = 14;
	assert_int_equal(xlsx_read(bad, len, count_rows, &n), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "method 14"));
	/* ZIP64 */
	memcpy(bad, out, len);
	memcpy(bad + len - 22 + 16, "\xFF\xFF\xFF\xFF", 4);
	assert_int_equal(xlsx_read(bad, len, count_rows, &n), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "ZIP64"));
	free(bad);
	free(out);
}

/* What an office sheet needs: a date and a moment as date cells, amounts
 * rounded in a format, input cells taking a decimal number only, notes
 * that do not widen their column, filter buttons on the header. */
static void test_xlsx__office_cells(void **state)
{
	(void)state;
	static const char *const head[] = { "Ngày", "Lúc", "Số", "Nhập" };
	xlsx_writer w;
	char *out;
	size_t len;
	xlsx_writer_init(&w, "Biểu");
	xlsx_note(&w, "Một dòng ghi chú rất dài không được làm rộng cột đầu tiên của bảng");
	xlsx_header(&w, head, 4);
	xlsx_filter(&w);
	xlsx_row(&w);
	xlsx_date(&w, 2026, 10, 15);
	xlsx_moment(&w, 1796144400);   /* 2026-12-01T17:00:00Z, midnight in Viet Nam */
	xlsx_amount(&w, 4.168208489038626e-18);
	xlsx_input_number(&w, NAN);
	xlsx_row(&w);
	xlsx_date(&w, 2026, 2, 30);    /* no such day: an empty cell */
	xlsx_text(&w, NULL);
	xlsx_amount(&w, 73.59999999999999);
	xlsx_input_number(&w, 12.5);
	xlsx_check_decimal(&w, 3, 3, 4);
	assert_int_equal(xlsx_finish(&w, &out, &len), 0);
	char *sheet = entry_text(out, len, "xl/worksheets/sheet1.xml");
	/* (styles numbered in the order of first use) */
	assert_non_null(strstr(sheet, "<c r=\"A3\" s=\"3\"><v>46310</v></c>"));        /* 15/10/2026 */
	assert_non_null(strstr(sheet, "<c r=\"B3\" s=\"4\"><v>46358</v></c>"));        /* 02/12/2026 00:00 */
	assert_non_null(strstr(sheet, "<c r=\"C3\" s=\"5\"><v>0</v></c>"));            /* no 4,17e-18 */
	assert_non_null(strstr(sheet, "<c r=\"D3\" s=\"6\"/>"));                      /* an empty input cell */
	assert_null(strstr(sheet, "r=\"A4\""));
	/* 73.6, as libxlsxwriter writes the nearest double (%.16G), shown #,##0.00 */
	assert_non_null(strstr(sheet, "<c r=\"C4\" s=\"7\"><v>73.59999999999999</v></c><c r=\"D4\" s=\"6\"><v>12.5</v></c>"));
	assert_non_null(strstr(sheet, "<autoFilter ref=\"A2:D4\"/>"));
	assert_non_null(strstr(sheet, "<dataValidation type=\"decimal\""));
	assert_non_null(strstr(sheet, "sqref=\"D3:D4\""));
	assert_non_null(strstr(sheet, "<col min=\"1\" max=\"1\" width=\"11.7109375\" customWidth=\"1\"/>"));
	free(sheet);
	char *styles = entry_text(out, len, "xl/styles.xml");
	assert_non_null(strstr(styles, "formatCode=\"dd/mm/yyyy\""));
	assert_non_null(strstr(styles, "formatCode=\"dd/mm/yyyy hh:mm\""));
	free(styles);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlsx__round_trip),
		cmocka_unit_test(test_xlsx__parts_excel_expects),
		cmocka_unit_test(test_xlsx__same_calls_same_bytes),
		cmocka_unit_test(test_xlsx__book_of_sheets),
		cmocka_unit_test(test_xlsx__export_import_export_is_stable),
		cmocka_unit_test(test_xlsx__reads_what_excel_writes),
		cmocka_unit_test(test_xlsx__finds_sheet1_without_a_workbook),
		cmocka_unit_test(test_xlsx__garbage_is_not_a_workbook),
		cmocka_unit_test(test_xlsx__damaged_files_are_refused),
		cmocka_unit_test(test_xlsx__office_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
