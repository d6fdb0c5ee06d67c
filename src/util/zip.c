/* zip: a deterministic ZIP writer (zip.h). */
#include "util/zip.h"
#include "util/err.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ZIP_DATE 0x0021   /* 1980-01-01, MS-DOS format */

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

static void set32(char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (char)((v >> (8 * i)) & 0xFF);
}

/* A local (central = false) or central directory header for e. */
static void header(str *s, const zip_entry *e, bool central)
{
	put32(s, central ? ZIP_CENTRAL : ZIP_LOCAL);
	if (central)
		put16(s, 20);       /* made by: MS-DOS, version 2.0 */
	put16(s, 20);               /* needed: 2.0 (deflate) */
	put16(s, 0);                /* flags */
	put16(s, 8);                /* deflate */
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

static int fail(zip_writer *z, int rc)
{
	if (!z->err)
		z->err = rc;
	return rc;
}

int zip_add(zip_writer *z, const char *name, const strv *chunks, int n)
{
	if (z->err)
		return z->err;
	size_t usize = 0;
	uLong crc = crc32(0, NULL, 0);
	for (int i = 0; i < n; i++) {
		usize += chunks[i].len;
		if (chunks[i].len > UINT32_MAX || usize > UINT32_MAX)
			return fail(z, err_set(ERR_TOOLARGE, "%s is too large for a ZIP without ZIP64", name));
		crc = crc32(crc, (const Bytef *)chunks[i].p, (uInt)chunks[i].len);
	}
	if (z->out.len > UINT32_MAX)
		return fail(z, err_set(ERR_TOOLARGE, "the file is too large for a ZIP without ZIP64"));
	if (z->n == z->cap) {
		int cap = z->cap ? z->cap * 2 : 16;
		zip_entry *e = realloc(z->entries, (size_t)cap * sizeof(*e));
		if (!e)
			return fail(z, err_set(ERR_NOMEM, "out of memory"));
		z->entries = e;
		z->cap = cap;
	}
	zip_entry *e = &z->entries[z->n];
	*e = (zip_entry){ .name = strdup(name), .crc = (uint32_t)crc, .usize = (uint32_t)usize, .offset = (uint32_t)z->out.len };
	if (!e->name)
		return fail(z, err_set(ERR_NOMEM, "out of memory"));
	z->n++;
	header(&z->out, e, false);
	int rc = deflate_chunks(&z->out, chunks, n, &e->csize);
	if (rc < 0)
		return fail(z, rc);
	if (!str_oom(&z->out))
		set32(z->out.ptr + e->offset + 18, e->csize);
	return 0;
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
