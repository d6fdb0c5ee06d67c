/* Uploads (POST /api/v1/attachments, domain/attachment.c). An upload is
 * the file's raw bytes with its name in the query, not a multipart body:
 * what parses it is attachment_sniff, which decides the type from the
 * bytes (PDF, PNG, JPEG, Office Open XML, UTF-8 text). The input is the
 * name, a NUL byte, then the file. The type is one of the accepted ones,
 * or NULL with ERR_INVALID. */
#include "fuzz.h"
#include "domain/programme/attachment.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { "application/pdf", "image/png", "image/jpeg",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text/csv", "text/plain" };
	const uint8_t *nul = memchr(data, '\0', size);
	size_t name_len = nul ? (size_t)(nul - data) : 0;
	char *name = malloc(name_len + 1);
	if (!name)
		abort();
	memcpy(name, data, name_len);
	name[name_len] = '\0';
	size_t off = nul ? name_len + 1 : 0;
	/* the file in its own block, so that reading past it is caught */
	char *file = malloc(size - off + 1);
	if (!file)
		abort();
	memcpy(file, data + off, size - off);
	err_clear();
	const char *type = attachment_sniff(file, size - off, name);
	if (type) {
		bool known = false;
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			known = known || strncmp(type, types[i], strlen(types[i])) == 0;
		FUZZ_CHECK(known);
	} else {
		FUZZ_CHECK(err_code() == ERR_INVALID);
	}
	free(file);
	free(name);
	return 0;
}
