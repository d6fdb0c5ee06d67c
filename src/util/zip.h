/* zip: the ZIP container of .xlsx and .docx packages, written and read.
 * The writer deflates each entry with zlib (or stores it when deflating
 * does not make it smaller), stamps every entry 1980-01-01 00:00 and so
 * gives the same bytes for the same entries; no ZIP64. The reader checks
 * sizes and CRC-32s and refuses ZIP64, encryption and methods other than
 * stored and deflate. Also here, because both packages' parts need it:
 * the escaping of UTF-8 text for XML. */
#ifndef NQ57_ZIP_H
#define NQ57_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

#define ZIP_LOCAL 0x04034b50u
#define ZIP_CENTRAL 0x02014b50u
#define ZIP_END 0x06054b50u
#define ZIP64_LOCATOR 0x07064b50u

#define ZIP_STORED 0
#define ZIP_DEFLATED 8

/* ---- writing ---- */

typedef struct zip_entry {
	char *name;
	unsigned method;     /* ZIP_STORED or ZIP_DEFLATED */
	uint32_t crc, csize, usize, offset;
} zip_entry;

typedef struct zip_writer {
	str out;
	zip_entry *entries;
	int n, cap;
	int err;             /* the first error (sticky), returned by zip_finish */
} zip_writer;

void zip_writer_init(zip_writer *z);
/* Adds the entry name (at most 65535 bytes) made of the n chunks in order,
 * deflated, or stored if deflating does not make it smaller. Returns 0 or
 * the first error (ERR_NOMEM, ERR_TOOLARGE, ERR_INVALID), which is kept and
 * returned again by zip_finish. */
int zip_add(zip_writer *z, const char *name, const strv *chunks, int n);
/* The archive's malloc'd bytes in *out (the caller frees) and *len; frees
 * the writer. ERR_NOMEM, ERR_TOOLARGE (over 4 GiB) or an earlier error;
 * on failure *out is NULL. */
int zip_finish(zip_writer *z, char **out, size_t *len);
void zip_writer_free(zip_writer *z);

/* ---- reading ---- */

#define ZIP_ENTRY_MAX (256u << 20)   /* the largest entry the reader unpacks */

/* An archive in memory: the caller's bytes, borrowed. */
typedef struct zip_reader {
	const unsigned char *p;
	size_t len;
	size_t cd, cd_end;          /* the central directory */
	unsigned entries;
	const char *what;           /* what the caller opened: "workbook" (messages say "the file") */
} zip_reader;

/* An entry, as its central directory header describes it. */
typedef struct zip_file {
	unsigned flags, method;
	uint32_t crc, csize, usize, local;
} zip_file;

/* Opens the archive in data[0..len); what names what the caller opened
 * (messages say "the file is damaged (...)", one template each). Returns 0, ERR_MALFORMED if the bytes
 * are not a ZIP archive at all (message "the file is not a ZIP archive"),
 * or ERR_INVALID (damaged or cut short, ZIP64, split archives). */
int zip_open(zip_reader *z, const void *data, size_t len, const char *what);
/* Looks name up, ignoring case as OPC part names do: 1 with *f filled, 0
 * if absent, or ERR_INVALID for a broken directory. */
int zip_find(const zip_reader *z, const char *name, zip_file *f);
/* Receives an entry's unpacked bytes; last is set on the final call. A
 * negative return stops the reading and is returned. */
typedef int (*zip_sink)(void *ctx, const char *p, size_t n, bool last);
/* Unpacks the entry f (found as name) into sink, checking its real size
 * and CRC-32 (at the end: sink may have seen the bytes of a damaged entry
 * by then). Returns 0, sink's error, ERR_INVALID (damaged, encrypted,
 * another method, over ZIP_ENTRY_MAX unpacked) or ERR_NOMEM. */
int zip_read(const zip_reader *z, const zip_file *f, const char *name, zip_sink sink, void *ctx);
/* The entry name unpacked into malloc'd *out (NUL-terminated, the caller
 * frees) and *len: 1, 0 if absent (*out NULL), or an error as zip_read. */
int zip_extract(const zip_reader *z, const char *name, char **out, size_t *len);

/* ---- XML text ---- */

/* Decodes the UTF-8 character at p (n > 0 bytes left): returns its length
 * with the code point in *cp, or 0 for an invalid sequence. */
size_t xml_utf8_next(const unsigned char *p, size_t n, uint32_t *cp);
/* True if XML 1.0 allows the character. */
bool xml_char_ok(uint32_t c);
/* Appends v[0..n) escaped for XML text or an attribute value (& < > " '),
 * dropping invalid UTF-8 and what XML 1.0 cannot hold; CR is kept as a
 * reference. */
void xml_escape(str *s, const char *v, size_t n);

#endif
