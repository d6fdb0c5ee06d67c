/* zip: writing a ZIP container (the package of .xlsx and .docx files):
 * entries deflated with zlib, no ZIP64, every timestamp 1980-01-01 so
 * that the same entries give the same bytes. */
#ifndef NQ57_ZIP_H
#define NQ57_ZIP_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

#define ZIP_LOCAL 0x04034b50u
#define ZIP_CENTRAL 0x02014b50u
#define ZIP_END 0x06054b50u
#define ZIP64_LOCATOR 0x07064b50u

typedef struct zip_entry {
	char *name;
	uint32_t crc, csize, usize, offset;
} zip_entry;

typedef struct zip_writer {
	str out;
	zip_entry *entries;
	int n, cap;
	int err;             /* the first error (sticky), returned by zip_finish */
} zip_writer;

void zip_writer_init(zip_writer *z);
/* Adds the entry name made of the n chunks, deflated. The first error is
 * kept and returned again by zip_finish. */
int zip_add(zip_writer *z, const char *name, const strv *chunks, int n);
/* The archive's malloc'd bytes in *out (the caller frees) and *len; frees
 * the writer. ERR_NOMEM, ERR_TOOLARGE (over 4 GiB) or an earlier error;
 * on failure *out is NULL. */
int zip_finish(zip_writer *z, char **out, size_t *len);
void zip_writer_free(zip_writer *z);

#endif
