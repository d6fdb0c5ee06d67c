/* zip: a deterministic ZIP writer, a checking reader of archives in
 * memory, and XML escaping for the parts (zip.h). */
#include "util/zip.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define ZIP_DATE 0x0021   /* 1980-01-01, MS-DOS format */

/* ---- writing ---- */

void zip_writer_init(zip_writer *z)
{
	memset(z, 0, sizeof(*z));
}

void zip_writer_free(zip_writer *z)
{
	for (int i = 0; i < z->n; i++)
		free(z->entries[i].name);
	free(z->entries);
	str_free(&z->out);
	memset(z, 0, sizeof(*z));
}

static void put16(str *s, unsigned v)
{
	char b[2] = { (char)(v & 0xFF), (char)((v >> 8) & 0xFF) };
	str_appendn(s, b, 2);
}

static void put32(str *s, uint32_t v)
{
	put16(s, v & 0xFFFF);
	put16(s, v >> 16);
}

/* A local (central = false) or central directory header for e. */
static void header(str *s, const zip_entry *e, bool central)
{
	unsigned version = e->method == ZIP_DEFLATED ? 20 : 10;
	put32(s, central ? ZIP_CENTRAL : ZIP_LOCAL);
	if (central)
		put16(s, 20);       /* made by: MS-DOS, version 2.0 */
	put16(s, version);          /* needed: 2.0 for deflate, else 1.0 */
	put16(s, 0);                /* flags */
	put16(s, e->method);
	put16(s, 0);                /* time 00:00:00 */
	put16(s, ZIP_DATE);
	put32(s, e->crc);
	put32(s, e->csize);
	put32(s, e->usize);
	put16(s, (unsigned)strlen(e->name));
	put16(s, 0);                /* extra field */
	if (central) {
		put16(s, 0);        /* comment */
		put16(s, 0);        /* disk */
		put16(s, 0);        /* internal attributes */
		put32(s, 0);        /* external attributes */
		put32(s, e->offset);
	}
	str_append(s, e->name);
}

/* Deflates the chunks onto the end of out; *csize is the compressed size. */
static int deflate_chunks(str *out, const strv *chunks, int n, uint32_t *csize)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return err_set(ERR_NOMEM, "out of memory");
	unsigned char buf[16384];
	int rc = 0, zr = Z_OK;
	for (int i = 0; i <= n && !rc; i++) {
		int flush = i == n ? Z_FINISH : Z_NO_FLUSH;
		z.next_in = i < n ? (Bytef *)chunks[i].p : NULL;
		z.avail_in = i < n ? (uInt)chunks[i].len : 0;
		do {
			z.next_out = buf;
			z.avail_out = sizeof(buf);
			zr = deflate(&z, flush);
			if (zr == Z_STREAM_ERROR) {
				rc = err_set(ERR_GENERIC, "deflate failed");
				break;
			}
			str_appendn(out, (const char *)buf, sizeof(buf) - z.avail_out);
		} while (z.avail_out == 0);
	}
	if (!rc && (zr != Z_STREAM_END || z.total_out > UINT32_MAX))
		rc = err_set(ERR_TOOLARGE, "the file is too large");
	*csize = (uint32_t)z.total_out;
	deflateEnd(&z);
	return rc;
}

/* Replaces the deflated data after the header at start with the chunks
 * as they are, when that is no larger. */
static void store_instead(str *out, size_t start, zip_entry *e, const strv *chunks, int n)
{
	if (e->csize < e->usize || str_oom(out))
		return;
	out->len = start;
	out->ptr[start] = '\0';
	for (int i = 0; i < n; i++)
		str_appendn(out, chunks[i].p, chunks[i].len);
	e->method = ZIP_STORED;
	e->csize = e->usize;
}

static int fail(zip_writer *z, int rc)
{
	if (!z->err)
		z->err = rc;
	return rc;
}

/* Room for one more entry. */
static int grow(zip_writer *z)
{
	if (z->n < z->cap)
		return 0;
	if (z->n >= 65535)
		return err_set(ERR_TOOLARGE, "more than 65535 entries need ZIP64");
	int cap = z->cap ? z->cap * 2 : 16;
	zip_entry *e = realloc(z->entries, (size_t)cap * sizeof(*e));
	if (!e)
		return err_set(ERR_NOMEM, "out of memory");
	z->entries = e;
	z->cap = cap;
	return 0;
}

int zip_add(zip_writer *z, const char *name, const strv *chunks, int n)
{
	if (z->err)
		return z->err;
	size_t usize = 0;
	uLong crc = crc32(0, NULL, 0);
	if (!*name || strlen(name) > 0xFFFF)
		return fail(z, err_set(ERR_INVALID, "a ZIP entry name must have 1 to 65535 bytes"));
	for (int i = 0; i < n; i++) {
		usize += chunks[i].len;
		if (chunks[i].len > UINT32_MAX || usize > UINT32_MAX)
			return fail(z, err_set(ERR_TOOLARGE, "%s is too large for a ZIP without ZIP64", name));
		crc = crc32(crc, (const Bytef *)chunks[i].p, (uInt)chunks[i].len);
	}
	if (z->out.len > UINT32_MAX)
		return fail(z, err_set(ERR_TOOLARGE, "the file is too large for a ZIP without ZIP64"));
	int rc = grow(z);
	if (rc < 0)
		return fail(z, rc);
	zip_entry *e = &z->entries[z->n];
	*e = (zip_entry){ .name = strdup(name), .method = ZIP_DEFLATED, .crc = (uint32_t)crc,
			  .usize = (uint32_t)usize, .offset = (uint32_t)z->out.len };
	if (!e->name)
		return fail(z, err_set(ERR_NOMEM, "out of memory"));
	z->n++;
	header(&z->out, e, false);
	size_t start = z->out.len;
	rc = deflate_chunks(&z->out, chunks, n, &e->csize);
	if (rc < 0)
		return fail(z, rc);
	store_instead(&z->out, start, e, chunks, n);
	if (str_oom(&z->out))
		return fail(z, err_set(ERR_NOMEM, "out of memory"));
	/* the header went out before the sizes were known: write it again */
	str head = STR_INIT;
	header(&head, e, false);
	if (str_oom(&head))
		rc = fail(z, err_set(ERR_NOMEM, "out of memory"));
	else
		memcpy(z->out.ptr + e->offset, head.ptr, head.len);
	str_free(&head);
	return rc;
}

int zip_finish(zip_writer *z, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int rc = z->err;
	size_t cd = z->out.len;
	for (int i = 0; !rc && i < z->n; i++)
		header(&z->out, &z->entries[i], true);
	size_t size = z->out.len - cd;
	if (!rc && (cd > UINT32_MAX || size > UINT32_MAX))
		rc = err_set(ERR_TOOLARGE, "the file is too large for a ZIP without ZIP64");
	if (!rc) {
		put32(&z->out, ZIP_END);
		put16(&z->out, 0);                      /* this disk */
		put16(&z->out, 0);                      /* the directory's disk */
		put16(&z->out, (unsigned)z->n);
		put16(&z->out, (unsigned)z->n);
		put32(&z->out, (uint32_t)size);
		put32(&z->out, (uint32_t)cd);
		put16(&z->out, 0);                      /* comment */
		if (str_oom(&z->out))
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	if (!rc) {
		*len = z->out.len;
		*out = str_detach(&z->out);
	}
	zip_writer_free(z);
	return rc;
}

/* ---- reading ---- */

static unsigned get16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int zip_open(zip_reader *z, const void *data, size_t len, const char *what)
{
	memset(z, 0, sizeof(*z));
	z->p = data;
	z->len = len;
	z->what = what;
	if (!data || len < 22)
		return err_set(ERR_MALFORMED, "the file is not a ZIP archive");
	/* the end record, after which only its comment (< 64 KiB) may come */
	size_t end = len - 22, min = len - 22 > 65535 ? len - 22 - 65535 : 0;
	while (get32(z->p + end) != ZIP_END || get16(z->p + end + 20) > len - 22 - end) {
		if (end == min && memcmp(data, "PK\x03\x04", 4) == 0)
			return err_set(ERR_INVALID, "the file is damaged or cut short (its ZIP directory is missing)");
		if (end == min)
			return err_set(ERR_MALFORMED, "the file is not a ZIP archive");
		end--;
	}
	const unsigned char *e = z->p + end;
	unsigned n = get16(e + 10);
	uint32_t size = get32(e + 12), off = get32(e + 16);
	if ((end >= 20 && get32(e - 20) == ZIP64_LOCATOR) || n == 0xFFFF || size == UINT32_MAX
	    || off == UINT32_MAX)
		return err_set(ERR_INVALID, "ZIP64 files are not supported");
	if (get16(e + 4) != 0 || get16(e + 6) != 0 || get16(e + 8) != n)
		return err_set(ERR_INVALID, "ZIP archives split over several files are not supported");
	if (off > end || size > end - off)
		return err_set(ERR_INVALID, "the file is damaged (its ZIP directory is out of bounds)");
	z->cd = off;
	z->cd_end = off + size;
	z->entries = n;
	return 0;
}

int zip_find(const zip_reader *z, const char *name, zip_file *f)
{
	size_t want = strlen(name), pos = z->cd;
	for (unsigned i = 0; i < z->entries; i++) {
		const unsigned char *h = z->p + pos;
		if (z->cd_end - pos < 46 || get32(h) != ZIP_CENTRAL)
			return err_set(ERR_INVALID, "the file is damaged (its ZIP directory is broken)");
		size_t nlen = get16(h + 28), rest = nlen + get16(h + 30) + get16(h + 32);
		if (z->cd_end - pos - 46 < rest)
			return err_set(ERR_INVALID, "the file is damaged (its ZIP directory is broken)");
		if (nlen == want && strncasecmp((const char *)h + 46, name, want) == 0) {
			f->flags = get16(h + 8);
			f->method = get16(h + 10);
			f->crc = get32(h + 16);
			f->csize = get32(h + 20);
			f->usize = get32(h + 24);
			f->local = get32(h + 42);
			return 1;
		}
		pos += 46 + rest;
	}
	return 0;
}

/* Checks what we support and finds the entry's packed bytes. */
static int entry_data(const zip_reader *z, const zip_file *f, const char *name,
		      const unsigned char **data)
{
	if (f->flags & 0x41)
		return err_set(ERR_INVALID, "encrypted files are not supported");
	if (f->csize == UINT32_MAX || f->usize == UINT32_MAX || f->local == UINT32_MAX)
		return err_set(ERR_INVALID, "ZIP64 files are not supported");
	if (f->method != ZIP_STORED && f->method != ZIP_DEFLATED)
		return err_set(ERR_INVALID, "%s: ZIP compression method %u is not supported", name, f->method);
	if (f->usize > ZIP_ENTRY_MAX)
		return err_set(ERR_INVALID, "%s is too large: more than %u MiB unpacked", name, ZIP_ENTRY_MAX >> 20);
	if (f->local > z->len || z->len - f->local < 30 || get32(z->p + f->local) != ZIP_LOCAL)
		return err_set(ERR_INVALID, "the file is damaged (%s cannot be found)", name);
	const unsigned char *h = z->p + f->local;
	size_t start = (size_t)f->local + 30 + get16(h + 26) + get16(h + 28);
	if (start > z->len || z->len - start < f->csize)
		return err_set(ERR_INVALID, "the file is damaged (%s is cut short)", name);
	if (f->method == ZIP_STORED && f->csize != f->usize)
		return err_set(ERR_INVALID, "the file is damaged (%s has the wrong size)", name);
	*data = z->p + start;
	return 0;
}

/* Inflates an entry into sink, checking its real size and CRC-32. */
static int inflate_entry(const unsigned char *src, const zip_file *f, const char *name, zip_sink sink, void *ctx)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		return err_set(ERR_NOMEM, "out of memory");
	z.next_in = (Bytef *)src;
	z.avail_in = f->csize;
	unsigned char buf[32768];
	uLong crc = crc32(0, NULL, 0);
	size_t total = 0;
	int rc = 0, zr;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = err_set(ERR_INVALID, "the file is damaged (%s: %s)", name,
				     z.msg ? z.msg : "the data is cut short");
			break;
		}
		size_t got = sizeof(buf) - z.avail_out;
		total += got;
		if (total > f->usize) {
			rc = err_set(ERR_INVALID, "the file is damaged (%s is larger unpacked than declared)", name);
			break;
		}
		crc = crc32(crc, buf, (uInt)got);
		if (got)
			rc = sink(ctx, (const char *)buf, got, false);
	} while (!rc && zr != Z_STREAM_END);
	inflateEnd(&z);
	if (!rc && total != f->usize)
		rc = err_set(ERR_INVALID, "the file is damaged (%s is smaller unpacked than declared)", name);
	if (!rc && crc != f->crc)
		rc = err_set(ERR_INVALID, "the file is damaged (%s fails its CRC check)", name);
	if (!rc)
		rc = sink(ctx, NULL, 0, true);
	return rc;
}

int zip_read(const zip_reader *z, const zip_file *f, const char *name, zip_sink sink, void *ctx)
{
	const unsigned char *src = NULL;
	int rc = entry_data(z, f, name, &src);
	if (rc < 0)
		return rc;
	if (f->method == ZIP_DEFLATED)
		return inflate_entry(src, f, name, sink, ctx);
	if (crc32(0, src, f->usize) != f->crc)
		return err_set(ERR_INVALID, "the file is damaged (%s fails its CRC check)", name);
	return sink(ctx, (const char *)src, f->usize, true);
}

static int to_str(void *ctx, const char *p, size_t n, bool last)
{
	(void)last;
	str_appendn(ctx, p, n);
	return 0;
}

int zip_extract(const zip_reader *z, const char *name, char **out, size_t *len)
{
	zip_file f;
	*out = NULL;
	*len = 0;
	int rc = zip_find(z, name, &f);
	if (rc <= 0)
		return rc;
	str s = STR_INIT;
	rc = zip_read(z, &f, name, to_str, &s);
	size_t n = s.len;
	char *p = rc < 0 ? NULL : str_detach(&s);
	if (rc == 0 && !p)
		rc = err_set(ERR_NOMEM, "out of memory");
	str_free(&s);
	if (rc < 0) {
		free(p);
		return rc;
	}
	*len = n;
	*out = p;
	return 1;
}

/* ---- XML text ---- */

size_t xml_utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1Fu, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0Fu, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3Fu);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

bool xml_char_ok(uint32_t c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n' || c == '\r';
	return c != 0xFFFE && c != 0xFFFF;
}

void xml_escape(str *s, const char *v, size_t n)
{
	const unsigned char *p = (const unsigned char *)v;
	while (n) {
		uint32_t cp;
		size_t k = xml_utf8_next(p, n, &cp);
		if (k == 0) {
			k = 1;
		} else if (xml_char_ok(cp)) {
			switch (cp) {
			case '&': str_append(s, "&amp;"); break;
			case '<': str_append(s, "&lt;"); break;
			case '>': str_append(s, "&gt;"); break;
			case '"': str_append(s, "&quot;"); break;
			case '\'': str_append(s, "&apos;"); break;
			case '\r': str_append(s, "&#13;"); break;
			default: str_appendn(s, (const char *)p, k);
			}
		}
		p += k;
		n -= k;
	}
}
