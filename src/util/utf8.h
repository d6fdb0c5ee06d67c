/* utf8: validation and NFC normalisation at the boundary, plus the
 * Vietnamese folding used for search columns and queries. */
#ifndef NQ57_UTF8_H
#define NQ57_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True if p[0..len) is well-formed UTF-8 (no overlong forms, surrogates
 * or code points above U+10FFFF). An empty input is valid. */
bool utf8_valid(const char *p, size_t len);

/* All functions below read p[0..len), which need not be NUL-terminated,
 * and on success store a malloc'd NUL-terminated string in *out that the
 * caller frees. They return 0, ERR_INVALID ("text is not valid UTF-8"),
 * ERR_TOOLARGE or ERR_NOMEM; on failure *out is NULL. */

/* Canonical composition (NFC). */
int utf8_nfc(char **out, const char *p, size_t len);

/* The search key: lower case, every combining mark stripped, đ/Đ -> d,
 * runs of white space (any Unicode space) -> one ' ', trimmed.
 * "Hà Nội" -> "ha noi"; NFC, NFD and old-style tone placement all fold
 * to the same key. */
int vn_fold(char **out, const char *p, size_t len);

/* NFC with old-style tone placement on a syllable-final oa, oe or uy
 * moved to the first vowel as current official writing does:
 * "hoà" -> "hòa", "khoẻ" -> "khỏe", "thuỷ" -> "thủy". Syllables where the
 * cluster is followed by a letter ("hoàng") or where u belongs to the
 * onset qu ("quý") are left alone; case is preserved. */
int vn_tone_normalise(char **out, const char *p, size_t len);

/* NFC lower case keeping diacritics: "Đường" -> "đường". */
int vn_lower(char **out, const char *p, size_t len);

#endif
