/* utf8: validation, NFC and Vietnamese folding on top of utf8proc; the
 * Vietnamese rules (đ, tone placement, onsets) are ours. */
#include "util/utf8.h"
#include "util/err.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <utf8proc.h>

bool utf8_valid(const char *p, size_t len)
{
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)p;
	size_t i = 0;
	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		/* Never more than 4 bytes: keeps the length in utf8proc's range. */
		size_t rest = len - i < 4 ? len - i : 4;
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)rest, &cp);
		if (n <= 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

/* ---------------------------------------------------------------------- */

static int utf8__fail(utf8proc_ssize_t code)
{
	switch (code) {
	case UTF8PROC_ERROR_NOMEM: return err_set(ERR_NOMEM, "out of memory");
	case UTF8PROC_ERROR_OVERFLOW: return err_set(ERR_TOOLARGE, "text is too long");
	case UTF8PROC_ERROR_INVALIDUTF8: return err_set(ERR_INVALID, "text is not valid UTF-8");
	default: return err_set(ERR_GENERIC, "utf8proc: %s", utf8proc_errmsg(code));
	}
}

/* Checks what every public transform needs before utf8proc sees p. */
static int utf8__check(char **out, const char *p, size_t len)
{
	*out = NULL;
	if (len > (size_t)SSIZE_MAX / 8)
		return err_set(ERR_TOOLARGE, "text is too long");
	if (!utf8_valid(p, len))
		return err_set(ERR_INVALID, "text is not valid UTF-8");
	return 0;
}

static int utf8__map(char **out, const char *p, size_t len, utf8proc_option_t opts,
		     utf8proc_custom_func fn)
{
	int rc = utf8__check(out, p, len);
	if (rc < 0)
		return rc;
	if (len == 0) {
		/* utf8proc wants a real pointer even for nothing; answer directly. */
		*out = calloc(1, 1);
		return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
	}
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n = utf8proc_map_custom((const utf8proc_uint8_t *)p,
		(utf8proc_ssize_t)len, &dst, opts, fn, NULL);
	if (n < 0)
		return utf8__fail(n);
	*out = (char *)dst;
	return 0;
}

int utf8_nfc(char **out, const char *p, size_t len)
{
	return utf8__map(out, p, len, UTF8PROC_COMPOSE | UTF8PROC_STABLE, NULL);
}

/* ---------------------------------------------------------------------- */

static bool utf8__is_space(utf8proc_int32_t cp)
{
	if (cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85)
		return true;
	if (cp < 0x80)
		return false;
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

static utf8proc_int32_t vn__lower_cp(utf8proc_int32_t cp, void *data)
{
	(void)data;
	return utf8proc_tolower(cp);
}

/* Applied to each code point before decomposition, so marks from NFC and
 * NFD input alike are stripped afterwards. Đ/đ are letters of their own,
 * not d plus a mark, which is why they need mapping here. */
static utf8proc_int32_t vn__fold_cp(utf8proc_int32_t cp, void *data)
{
	(void)data;
	if (utf8__is_space(cp))
		return ' ';
	if (cp == 0x0110 || cp == 0x0111)
		return 'd';
	return utf8proc_tolower(cp);
}

/* Collapses runs of ' ' to one and trims both ends, in place. */
static void vn__squeeze(char *s)
{
	char *w = s;
	for (const char *r = s; *r; r++) {
		if (*r == ' ' && (w == s || w[-1] == ' '))
			continue;
		*w++ = *r;
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

int vn_fold(char **out, const char *p, size_t len)
{
	int rc = utf8__map(out, p, len,
		UTF8PROC_COMPOSE | UTF8PROC_STABLE | UTF8PROC_STRIPMARK, vn__fold_cp);
	if (rc == 0)
		vn__squeeze(*out);
	return rc;
}

int vn_lower(char **out, const char *p, size_t len)
{
	return utf8__map(out, p, len, UTF8PROC_COMPOSE | UTF8PROC_STABLE, vn__lower_cp);
}

/* ---------------------------------------------------------------------- */

static bool vn__is_mark(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

static bool vn__is_letter(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

/* The five tone marks, as they appear after decomposition. */
static bool vn__is_tone(utf8proc_int32_t cp)
{
	return cp == 0x0300 || cp == 0x0301 || cp == 0x0303 || cp == 0x0309 || cp == 0x0323;
}

static char vn__ascii_lower(utf8proc_int32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return (char)(cp - 'A' + 'a');
	if (cp >= 'a' && cp <= 'z')
		return (char)cp;
	return 0;
}

/* True if cps[0..n) is a Vietnamese initial consonant (or nothing). Keeps
 * foreign words such as "Chloé" out, and "qu" + "ý" out because the bare
 * "q" left before "uy" is not an onset. */
static bool vn__is_onset(const utf8proc_int32_t *cps, size_t n)
{
	static const char *const onsets[] = {
		"", "b", "c", "ch", "d", "D", "g", "gh", "gi", "h", "k", "kh", "l", "m",
		"n", "ng", "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"
	};
	char z[4];
	if (n >= sizeof(z))
		return false;
	for (size_t i = 0; i < n; i++) {
		z[i] = (cps[i] == 0x0110 || cps[i] == 0x0111) ? 'D' : vn__ascii_lower(cps[i]);
		if (!z[i])
			return false;
	}
	z[n] = '\0';
	for (size_t i = 0; i < sizeof(onsets) / sizeof(onsets[0]); i++)
		if (strcmp(z, onsets[i]) == 0)
			return true;
	return false;
}

/* In one decomposed syllable s[0..n), swaps "o a <tone>" to "o <tone> a"
 * (and the same for oe, uy) when the pair ends the syllable, the first
 * vowel carries no mark and the second only the tone. */
static void vn__syllable_retone(utf8proc_int32_t *s, size_t n)
{
	if (n < 3 || !vn__is_tone(s[n - 1]))
		return;
	size_t v2 = n - 2, v1 = n - 3;
	if (vn__is_mark(s[v2]) || vn__is_mark(s[v1]))
		return;
	char a = vn__ascii_lower(s[v1]), b = vn__ascii_lower(s[v2]);
	if (!((a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y')))
		return;
	if (!vn__is_onset(s, v1))
		return;
	utf8proc_int32_t tone = s[n - 1];
	s[n - 1] = s[v2];
	s[v2] = tone;
}

/* Finds each run of letters and marks (a syllable) and retones it. */
static void vn__retone_all(utf8proc_int32_t *cps, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (!vn__is_letter(cps[i]) && !vn__is_mark(cps[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < n && (vn__is_letter(cps[i]) || vn__is_mark(cps[i])))
			i++;
		vn__syllable_retone(cps + start, i - start);
	}
}

int vn_tone_normalise(char **out, const char *p, size_t len)
{
	int rc = utf8__check(out, p, len);
	if (rc < 0)
		return rc;
	if (len == 0)
		return utf8__map(out, p, len, 0, NULL);
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)p;
	utf8proc_option_t opts = UTF8PROC_DECOMPOSE | UTF8PROC_STABLE;
	utf8proc_ssize_t n = utf8proc_decompose(s, (utf8proc_ssize_t)len, NULL, 0, opts);
	if (n < 0)
		return utf8__fail(n);
	/* reencode writes UTF-8 over the code points plus one NUL byte. */
	utf8proc_int32_t *cps = malloc(((size_t)n + 1) * sizeof(*cps));
	if (!cps)
		return err_set(ERR_NOMEM, "out of memory");
	n = utf8proc_decompose(s, (utf8proc_ssize_t)len, cps, n, opts);
	if (n >= 0) {
		vn__retone_all(cps, (size_t)n);
		n = utf8proc_reencode(cps, n, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	}
	if (n < 0) {
		free(cps);
		return utf8__fail(n);
	}
	*out = (char *)cps;
	return 0;
}
