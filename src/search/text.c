/* search/text: Vietnamese text analysis for the search engine: syllables
 * with a folded key ("duong") and an exact key that is the same for NFC,
 * NFD and old-style tone placement ("hoà" and "hòa"). One pass over the
 * code points, decomposing each, without a whole-text normalisation. */
#include "search/search_internal.h"
#include "util/err.h"
#include "util/utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void sx_text_free(sx_text *t)
{
	free(t->tok);
	free(t->buf);
	*t = (sx_text){ 0 };
}

static int sx__reserve(sx_text *t, size_t more)
{
	if (t->len + more > t->cap_buf) {
		size_t cap = t->cap_buf ? t->cap_buf : 256;
		while (cap < t->len + more)
			cap *= 2;
		char *b = realloc(t->buf, cap);
		if (!b)
			return err_set(ERR_NOMEM, "out of memory");
		t->buf = b;
		t->cap_buf = cap;
	}
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 32;
		sx_tok *v = realloc(t->tok, (size_t)cap * sizeof(*v));
		if (!v)
			return err_set(ERR_NOMEM, "out of memory");
		t->tok = v;
		t->cap = cap;
	}
	return 0;
}

static size_t sx__put_utf8(char *dst, int32_t cp)
{
	return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)dst);
}

/* ---------------------------------------------------------------------- */

static bool sx__is_tone(int32_t cp)
{
	return cp == 0x0300 || cp == 0x0301 || cp == 0x0303 || cp == 0x0309 || cp == 0x0323;
}

/* What analysis needs of a code point, looked up in a table for the
 * Latin, Vietnamese and combining ranges (below U+2000), which is where
 * nearly all the text is: utf8proc's lookups cost more than the rest. */
enum { SX_SEP, SX_WORD, SX_MARK, SX_SPACE };
#define SX_FAST_CP 0x2000

typedef struct sx_cpinfo {
	int32_t d[4];               /* lower case, canonically decomposed */
	uint8_t n;                  /* code points in d; 0: too long, ask utf8proc */
	uint8_t kind;
	uint8_t ccc;                /* combining class of a mark */
} sx_cpinfo;

static sx_cpinfo sx_cp[SX_FAST_CP];
static pthread_once_t sx_cp_once = PTHREAD_ONCE_INIT;

static uint8_t sx__kind_slow(int32_t cp)
{
	if (cp == ' ' || (cp >= '\t' && cp <= '\r'))
		return SX_SPACE;
	utf8proc_category_t c = utf8proc_category(cp);
	if (c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME)
		return SX_MARK;
	if ((c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO))
		return SX_WORD;
	if (c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP)
		return SX_SPACE;
	return SX_SEP;
}

static void sx__cp_init(void)
{
	for (int32_t cp = 0; cp < SX_FAST_CP; cp++) {
		sx_cpinfo *k = &sx_cp[cp];
		k->kind = sx__kind_slow(cp);
		k->ccc = (uint8_t)utf8proc_get_property(cp)->combining_class;
		int32_t d[8];
		int bc = 0;
		utf8proc_ssize_t n = utf8proc_decompose_char(utf8proc_tolower(cp), d, 8,
			UTF8PROC_DECOMPOSE, &bc);
		if (n > 0 && n <= 4) {
			memcpy(k->d, d, (size_t)n * sizeof(int32_t));
			k->n = (uint8_t)n;
		}
	}
}

static uint8_t sx__kind(int32_t cp)
{
	return cp < SX_FAST_CP ? sx_cp[cp].kind : sx__kind_slow(cp);
}

static bool sx__is_mark_cp(int32_t cp)
{
	return sx__kind(cp) == SX_MARK;
}

static int sx__ccc(int32_t cp)
{
	return cp < SX_FAST_CP ? sx_cp[cp].ccc : utf8proc_get_property(cp)->combining_class;
}

/* True if cps[0..n) (lower case, decomposed) is a Vietnamese onset, so
 * that "q" + "uý" and foreign words keep their marks where they are. */
static bool sx__is_onset(const int32_t *cps, size_t n)
{
	static const char *const onsets[] = {
		"", "b", "c", "ch", "d", "D", "g", "gh", "gi", "h", "k", "kh", "l", "m",
		"n", "ng", "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"
	};
	char z[4];
	if (n >= sizeof(z))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (cps[i] == 0x0111)
			z[i] = 'D';
		else if (cps[i] >= 'a' && cps[i] <= 'z')
			z[i] = (char)cps[i];
		else
			return false;
	}
	z[n] = '\0';
	for (size_t i = 0; i < sizeof(onsets) / sizeof(onsets[0]); i++)
		if (strcmp(z, onsets[i]) == 0)
			return true;
	return false;
}

/* Old-style tone placement "o a <tone>" (and o e, u y) at the end of a
 * syllable becomes "o <tone> a", the current official placement. */
static void sx__retone(int32_t *s, size_t n)
{
	if (n < 3 || !sx__is_tone(s[n - 1]))
		return;
	size_t v2 = n - 2, v1 = n - 3;
	if (sx__is_mark_cp(s[v2]) || sx__is_mark_cp(s[v1]))
		return;
	int32_t a = s[v1], b = s[v2];
	if (!((a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y')))
		return;
	if (!sx__is_onset(s, v1))
		return;
	int32_t tone = s[n - 1];
	s[n - 1] = s[v2];
	s[v2] = tone;
}

/* Puts each run of marks in canonical order (by combining class), as NFD
 * does, so that marks typed in another order compare equal. */
static void sx__order_marks(int32_t *s, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		int32_t cp = s[i];
		if (!sx__is_mark_cp(cp))
			continue;
		int cc = sx__ccc(cp);
		size_t j = i;
		while (j > 0 && sx__is_mark_cp(s[j - 1]) && sx__ccc(s[j - 1]) > cc) {
			s[j] = s[j - 1];
			j--;
		}
		s[j] = cp;
	}
}

/* Writes the syllable cps[0..n) as fold and exact strings. */
static int sx__emit(sx_text *t, int32_t *cps, size_t n, uint32_t start, uint32_t end,
		    bool adjacent)
{
	int rc = sx__reserve(t, 2 * (4 * n + 1));
	if (rc < 0)
		return rc;
	sx__order_marks(cps, n);
	sx__retone(cps, n);
	sx_tok *k = &t->tok[t->n++];
	k->start = start;
	k->len = end - start;
	k->adjacent = adjacent;
	k->marked = false;
	k->fold = (uint32_t)t->len;
	for (size_t i = 0; i < n; i++) {
		if (sx__is_mark_cp(cps[i])) {
			k->marked = true;
			continue;
		}
		int32_t cp = cps[i];
		if (cp == 0x0111) {
			cp = 'd';
			k->marked = true;
		}
		t->len += sx__put_utf8(t->buf + t->len, cp);
	}
	k->fold_len = (uint16_t)(t->len - k->fold);
	t->buf[t->len++] = '\0';
	k->exact = (uint32_t)t->len;
	for (size_t i = 0; i < n; i++)
		t->len += sx__put_utf8(t->buf + t->len, cps[i]);
	k->exact_len = (uint16_t)(t->len - k->exact);
	t->buf[t->len++] = '\0';
	return 0;
}

int sx_analyse(sx_text *t, const char *p, size_t len)
{
	pthread_once(&sx_cp_once, sx__cp_init);
	t->n = 0;
	t->len = 0;
	if (!utf8_valid(p, len))
		return err_set(ERR_INVALID, "text is not valid UTF-8");
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)p;
	int32_t cps[SX_MAX_SYLLABLE + 8];
	size_t n = 0;
	uint32_t start = 0, end = 0;
	bool in_word = false, adjacent = false, gap_clean = false;
	size_t i = 0;
	while (i <= len) {
		int32_t cp = -1;
		size_t step = 1;
		if (i < len) {
			if (s[i] < 0x80) {
				cp = s[i];
			} else {
				size_t rest = len - i < 4 ? len - i : 4;
				utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)rest, &cp);
				step = (size_t)k;
			}
		}
		uint8_t kind = cp < 0 ? SX_SEP : sx__kind(cp);
		if (kind == SX_WORD || (kind == SX_MARK && in_word)) {
			if (!in_word) {
				in_word = true;
				n = 0;
				start = (uint32_t)i;
				adjacent = gap_clean && t->n > 0;
			}
			if (cp < 0x80) {
				if (n < SX_MAX_SYLLABLE)
					cps[n++] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
			} else if (cp < SX_FAST_CP && sx_cp[cp].n) {
				for (int j = 0; j < sx_cp[cp].n && n < SX_MAX_SYLLABLE; j++)
					cps[n++] = sx_cp[cp].d[j];
			} else {
				int32_t d[8];
				int bc = 0;
				utf8proc_ssize_t k = utf8proc_decompose_char(utf8proc_tolower(cp), d, 8,
					UTF8PROC_DECOMPOSE, &bc);
				for (utf8proc_ssize_t j = 0; j < k && j < 8; j++)
					if (n < SX_MAX_SYLLABLE)
						cps[n++] = d[j];
			}
			end = (uint32_t)(i + step);
		} else {
			if (in_word) {
				int rc = sx__emit(t, cps, n, start, end, adjacent);
				if (rc < 0)
					return rc;
				in_word = false;
				gap_clean = true;
			}
			if (cp >= 0 && kind != SX_SPACE)
				gap_clean = false;
		}
		i += step;
	}
	return 0;
}

char *sx_compose(const char *nfd, size_t len)
{
	char *out = NULL;
	if (utf8_nfc(&out, nfd, len) < 0)
		return NULL;
	return out;
}

/* ---------------------------------------------------------------------- */

int search_tokenise(search_tokens **out, const char *text, size_t len)
{
	*out = NULL;
	sx_text t = { 0 };
	int rc = sx_analyse(&t, text, len);
	if (rc < 0)
		goto done;
	/* One block: the array, then every string. */
	size_t bytes = sizeof(search_tokens) + (size_t)t.n * sizeof(search_token) + t.len * 2 + 1;
	search_tokens *r = calloc(1, bytes);
	if (!r) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	r->v = (search_token *)(r + 1);
	r->n = t.n;
	char *w = (char *)(r->v + t.n);
	for (int i = 0; i < t.n; i++) {
		search_token *k = &r->v[i];
		k->start = t.tok[i].start;
		k->len = t.tok[i].len;
		char *nfc = sx_compose(sx_tok_exact(&t, i), t.tok[i].exact_len);
		if (!nfc) {
			free(r);
			rc = err_set(ERR_NOMEM, "out of memory");
			goto done;
		}
		/* Composition never makes a string longer. */
		size_t n = strlen(nfc);
		memcpy(w, nfc, n + 1);
		free(nfc);
		k->exact = w;
		w += n + 1;
		memcpy(w, sx_tok_fold(&t, i), (size_t)t.tok[i].fold_len + 1);
		k->folded = w;
		w += t.tok[i].fold_len + 1;
	}
	*out = r;
done:
	sx_text_free(&t);
	return rc;
}

void search_tokens_free(search_tokens *t)
{
	free(t);
}
