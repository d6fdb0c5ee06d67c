/* Tests for util/zip: entries written deflated or stored are read back
 * by the reader and agree with an independent walk of the headers (what
 * `unzip -t` checks), the same entries give the same bytes, errors stick,
 * damaged archives are refused, and XML escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/err.h"
#include "util/zip.h"

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

/* 1000 bytes deflate cannot shrink. */
static void noise(unsigned char *buf, size_t n)
{
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 24);
	}
}

/* A text entry in two chunks, an incompressible entry and an empty one. */
static void sample(char **out, size_t *len)
{
	static unsigned char bin[1000];
	noise(bin, sizeof(bin));
	zip_writer z;
	zip_writer_init(&z);
	strv text[2] = { STRV("<p>Cộng hòa xã hội chủ nghĩa Việt Nam</p>"),
			 STRV("<p>Cộng hòa xã hội chủ nghĩa Việt Nam</p><p>Độc lập - Tự do - Hạnh phúc</p>") };
	strv data = { (const char *)bin, sizeof(bin) }, none = { "", 0 };
	assert_int_equal(zip_add(&z, "word/document.xml", text, 2), 0);
	assert_int_equal(zip_add(&z, "media/noise.bin", &data, 1), 0);
	assert_int_equal(zip_add(&z, "empty", &none, 1), 0);
	assert_int_equal(zip_finish(&z, out, len), 0);
}

/* Walks the central directory as a separate reader would, checking each
 * entry against its local header, its CRC-32 and its unpacked size. */
static void check_directory(const char *buf, size_t len, int want_entries)
{
	const unsigned char *p = (const unsigned char *)buf, *e = p + len - 22;
	assert_int_equal(rd32(e), ZIP_END);
	unsigned n = rd16(e + 10);
	assert_int_equal(n, want_entries);
	size_t pos = rd32(e + 16);
	assert_int_equal(pos + rd32(e + 12), len - 22);
	for (unsigned i = 0; i < n; i++) {
		const unsigned char *c = p + pos;
		assert_int_equal(rd32(c), ZIP_CENTRAL);
		assert_int_equal(rd16(c + 12), 0);        /* 00:00:00 */
		assert_int_equal(rd16(c + 14), 0x21);     /* 1980-01-01 */
		unsigned method = rd16(c + 10), nlen = rd16(c + 28);
		uint32_t crc = rd32(c + 16), csize = rd32(c + 20), usize = rd32(c + 24);
		const unsigned char *l = p + rd32(c + 42);
		assert_int_equal(rd32(l), ZIP_LOCAL);
		assert_memory_equal(l + 8, c + 10, 18);   /* method .. sizes agree */
		assert_memory_equal(l + 30, c + 46, nlen);
		const unsigned char *data = l + 30 + nlen + rd16(l + 28);
		unsigned char *out = malloc(usize + 1);
		if (method == ZIP_STORED) {
			assert_int_equal(csize, usize);
			memcpy(out, data, usize);
		} else {
			assert_int_equal(method, ZIP_DEFLATED);
			uLongf got = usize;
			z_stream z;
			memset(&z, 0, sizeof(z));
			assert_int_equal(inflateInit2(&z, -15), Z_OK);
			z.next_in = (Bytef *)data;
			z.avail_in = csize;
			z.next_out = out;
			z.avail_out = (uInt)got;
			assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
			assert_int_equal(z.total_out, usize);
			inflateEnd(&z);
		}
		assert_int_equal(crc32(0, out, usize), crc);
		free(out);
		pos += 46 + nlen + rd16(c + 30) + rd16(c + 32);
	}
}

static void test_zip__entries_read_back(void **state)
{
	(void)state;
	char *buf, *text;
	size_t len, n;
	sample(&buf, &len);
	check_directory(buf, len, 3);
	zip_reader r;
	zip_file f;
	assert_int_equal(zip_open(&r, buf, len, "archive"), 0);
	/* the text: deflated, its chunks joined */
	assert_int_equal(zip_find(&r, "word/document.xml", &f), 1);
	assert_int_equal(f.method, ZIP_DEFLATED);
	assert_true(f.csize < f.usize);
	assert_int_equal(zip_extract(&r, "WORD/Document.xml", &text, &n), 1);   /* case is ignored */
	assert_string_equal(text, "<p>Cộng hòa xã hội chủ nghĩa Việt Nam</p><p>Cộng hòa xã hội chủ nghĩa Việt Nam</p>"
				  "<p>Độc lập - Tự do - Hạnh phúc</p>");
	assert_int_equal(n, strlen(text));
	free(text);
	/* the noise: stored as it is */
	unsigned char bin[1000];
	noise(bin, sizeof(bin));
	assert_int_equal(zip_find(&r, "media/noise.bin", &f), 1);
	assert_int_equal(f.method, ZIP_STORED);
	assert_int_equal(zip_extract(&r, "media/noise.bin", &text, &n), 1);
	assert_int_equal(n, sizeof(bin));
	assert_memory_equal(text, bin, n);
	free(text);
	/* the empty entry is an empty string; a missing one is absent */
	assert_int_equal(zip_extract(&r, "empty", &text, &n), 1);
	assert_string_equal(text, "");
	assert_int_equal(n, 0);
	free(text);
	assert_int_equal(zip_extract(&r, "missing", &text, &n), 0);
	assert_null(text);
	free(buf);
}

static void test_zip__same_entries_same_bytes(void **state)
{
	(void)state;
	char *a, *b;
	size_t la, lb;
	sample(&a, &la);
	sample(&b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
}

static void test_zip__errors_stick(void **state)
{
	(void)state;
	zip_writer z;
	strv part = STRV("x");
	char *out = (char *)1;
	size_t len = 1;
	zip_writer_init(&z);
	assert_int_equal(zip_add(&z, "", &part, 1), ERR_INVALID);
	assert_int_equal(zip_add(&z, "fine", &part, 1), ERR_INVALID);
	assert_int_equal(zip_finish(&z, &out, &len), ERR_INVALID);
	assert_null(out);
	assert_int_equal(len, 0);
	/* an archive of nothing is still an archive */
	zip_writer_init(&z);
	assert_int_equal(zip_finish(&z, &out, &len), 0);
	assert_int_equal(len, 22);
	zip_reader r;
	assert_int_equal(zip_open(&r, out, len, "archive"), 0);
	assert_int_equal(r.entries, 0);
	free(out);
}

static void test_zip__damaged_archives_are_refused(void **state)
{
	(void)state;
	char *buf, *text;
	size_t len, n;
	zip_reader r;
	assert_int_equal(zip_open(&r, "plain text, not a zip archive", 29, "archive"), ERR_MALFORMED);
	assert_int_equal(zip_open(&r, NULL, 0, "archive"), ERR_MALFORMED);
	sample(&buf, &len);
	assert_int_equal(zip_open(&r, buf, len - 1, "document"), ERR_INVALID);
	assert_string_equal(err_msg(), "the file is damaged or cut short (its ZIP directory is missing)");
	/* a changed byte in each entry's data fails its CRC or inflating */
	static const char *const names[] = { "word/document.xml", "media/noise.bin" };
	for (int i = 0; i < 2; i++) {
		char *bad = malloc(len);
		memcpy(bad, buf, len);
		zip_file f;
		assert_int_equal(zip_open(&r, bad, len, "document"), 0);
		assert_int_equal(zip_find(&r, names[i], &f), 1);
		size_t at = f.local + 30 + strlen(names[i]) + 10;
		bad[at] = (char)(bad[at] ^ 0x55);
		text = NULL;
		assert_int_equal(zip_extract(&r, names[i], &text, &n), ERR_INVALID);
		assert_null(text);
		assert_non_null(strstr(err_msg(), "the file is damaged"));
		free(bad);
	}
	free(buf);
}

static void test_zip__xml_escape(void **state)
{
	(void)state;
	str s = STR_INIT;
	/* markup characters, a control character, invalid UTF-8, U+FFFE */
	const char in[] = "<a href=\"x\">B&B's</a>\x01\xC3(\xEF\xBF\xBE Hà Nội\r\n\t.";
	xml_escape(&s, in, sizeof(in) - 1);
	assert_string_equal(str_cstr(&s), "&lt;a href=&quot;x&quot;&gt;B&amp;B&apos;s&lt;/a&gt;( Hà Nội&#13;\n\t.");
	/* only the bytes asked for */
	str_clear(&s);
	xml_escape(&s, "Hà Nội", 3);
	assert_string_equal(str_cstr(&s), "Hà");
	str_free(&s);
	uint32_t cp;
	assert_int_equal(xml_utf8_next((const unsigned char *)"\xE1\xBB\x99", 3, &cp), 3);   /* ộ */
	assert_int_equal(cp, 0x1ED9);
	assert_int_equal(xml_utf8_next((const unsigned char *)"\xC0\x80", 2, &cp), 0);      /* overlong */
	assert_int_equal(xml_utf8_next((const unsigned char *)"\xED\xA0\x80", 3, &cp), 0);  /* a surrogate */
	assert_false(xml_char_ok(0x0B));
	assert_true(xml_char_ok(0x1F600));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zip__entries_read_back),
		cmocka_unit_test(test_zip__same_entries_same_bytes),
		cmocka_unit_test(test_zip__errors_stick),
		cmocka_unit_test(test_zip__damaged_archives_are_refused),
		cmocka_unit_test(test_zip__xml_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
