/* UTF-8 validation, NFC and Vietnamese folding (util/utf8.c): invalid
 * input is refused by every function exactly when utf8_valid says so;
 * every output is valid UTF-8, and NFC, folding and tone placement are
 * idempotent. */
#include "fuzz.h"
#include "util/err.h"
#include "util/utf8.h"

typedef int (*transform)(char **out, const char *p, size_t len);

static void check(transform f, const char *p, size_t len, bool valid, bool idempotent)
{
	char *out = NULL, *again = NULL;
	int rc = f(&out, p, len);
	if (!valid) {
		FUZZ_CHECK(rc == ERR_INVALID && out == NULL);
		return;
	}
	FUZZ_CHECK(rc == 0 && out != NULL);
	size_t n = strlen(out);
	FUZZ_CHECK(utf8_valid(out, n));
	if (idempotent) {
		FUZZ_CHECK(f(&again, out, n) == 0);
		FUZZ_CHECK(strcmp(again, out) == 0);
	}
	free(again);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	/* the transforms return NUL-terminated text: inputs with NUL are
	 * checked for validation only */
	bool valid = utf8_valid(p, size);
	if (memchr(p, '\0', size))
		return 0;
	check(utf8_nfc, p, size, valid, true);
	check(vn_fold, p, size, valid, true);
	check(vn_tone_normalise, p, size, valid, true);
	check(vn_lower, p, size, valid, true);
	return 0;
}
