/* Unit tests for src/util/utf8.c: validation, NFC, Vietnamese folding,
 * lower case and tone placement, with hand-written expected strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/err.h"
#include "util/utf8.h"

typedef int (*transform_fn)(char **out, const char *p, size_t len);

static void expect_out(transform_fn fn, const char *in, const char *want)
{
	char *out = NULL;
	int rc = fn(&out, in, strlen(in));
	if (rc != 0)
		fail_msg("'%s': rc %d (%s)", in, rc, err_msg());
	assert_non_null(out);
	if (strcmp(out, want) != 0)
		fail_msg("'%s' gave '%s', expected '%s'", in, out, want);
	free(out);
}

/* Each vowel base with no tone, then huyền, sắc, hỏi, ngã, nặng. */
static const char *const lower_vowels[] = {
	"aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị",
	"oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ", "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ",
};
static const char *const upper_vowels[] = {
	"AÀÁẢÃẠ", "ĂẰẮẲẴẶ", "ÂẦẤẨẪẬ", "EÈÉẺẼẸ", "ÊỀẾỂỄỆ", "IÌÍỈĨỊ",
	"OÒÓỎÕỌ", "ÔỒỐỔỖỘ", "ƠỜỚỞỠỢ", "UÙÚỦŨỤ", "ƯỪỨỬỮỰ", "YỲÝỶỸỴ",
};
static const char folded_vowels[] = "aaaeeiooouuy";
#define N_VOWELS (sizeof(lower_vowels) / sizeof(lower_vowels[0]))

/* ---------------------------------------------------------------------- */

static void test_utf8__valid_accepts_well_formed(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(NULL, 0));
	assert_true(utf8_valid("abc", 3));
	assert_true(utf8_valid("Hà Nội", strlen("Hà Nội")));
	assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));      /* U+1F600 */
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));      /* U+10FFFF */
	assert_true(utf8_valid("a\0b", 3));                  /* NUL is a character */
}

static void test_utf8__valid_rejects_malformed(void **state)
{
	(void)state;
	assert_false(utf8_valid("\xc3", 1));                 /* truncated à */
	assert_false(utf8_valid("H\xc3", 2));
	assert_false(utf8_valid("\x80", 1));                 /* lone continuation */
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\xc0\xaf", 2));             /* overlong '/' */
	assert_false(utf8_valid("\xe0\x80\xaf", 3));         /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80", 3));         /* surrogate D800 */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));     /* above U+10FFFF */
	/* à cut in half by the length, though the bytes go on. */
	assert_false(utf8_valid("H\xc3\xa0", 2));
}

static void test_utf8__invalid_input_rejected_by_every_transform(void **state)
{
	(void)state;
	transform_fn fns[] = { utf8_nfc, vn_fold, vn_tone_normalise, vn_lower };
	const char bad[] = "H\xc3 N\xe1\xbb";
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		char *out = (char *)"sentinel";
		err_clear();
		assert_int_equal(fns[i](&out, bad, sizeof(bad) - 1), ERR_INVALID);
		assert_null(out);
		assert_string_equal(err_msg(), "text is not valid UTF-8");
	}
}

static void test_utf8__empty_input_gives_empty_string(void **state)
{
	(void)state;
	transform_fn fns[] = { utf8_nfc, vn_fold, vn_tone_normalise, vn_lower };
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		char *out = NULL;
		assert_int_equal(fns[i](&out, NULL, 0), 0);
		assert_string_equal(out, "");
		free(out);
	}
}

static void test_utf8__input_need_not_be_nul_terminated(void **state)
{
	(void)state;
	const char buf[] = "Hà Nội!!!";
	char *out = NULL;
	assert_int_equal(vn_fold(&out, buf, strlen(buf) - 3), 0);
	assert_string_equal(out, "ha noi");
	free(out);
	assert_int_equal(utf8_nfc(&out, buf, strlen(buf) - 3), 0);
	assert_string_equal(out, "Hà Nội");
	free(out);
}

/* ---------------------------------------------------------------------- */

static void test_utf8__nfc_composes_nfd(void **state)
{
	(void)state;
	/* "Hà Nội" with a + grave, o + circumflex + dot below. */
	expect_out(utf8_nfc, "Ha\xcc\x80 No\xcc\x82\xcc\xa3i", "Hà Nội");
	/* Marks in the other order compose to the same letter ộ. */
	expect_out(utf8_nfc, "No\xcc\xa3\xcc\x82i", "Nội");
	/* ư + horn + hook above -> ử; Đ is untouched. */
	expect_out(utf8_nfc, "\xc4\x90u\xcc\x9b\xcc\x89", "Đử");
	expect_out(utf8_nfc, "Hà Nội", "Hà Nội");
	assert_int_equal(strlen("Hà Nội"), 9);
}

static void test_utf8__nfc_keeps_case_and_other_text(void **state)
{
	(void)state;
	expect_out(utf8_nfc, "ĐƯỜNG 3/2, Q.10", "ĐƯỜNG 3/2, Q.10");
	expect_out(utf8_nfc, "  two  spaces\t", "  two  spaces\t");
}

/* ---------------------------------------------------------------------- */

static void test_utf8__fold_place_names(void **state)
{
	(void)state;
	expect_out(vn_fold, "Hà Nội", "ha noi");
	expect_out(vn_fold, "ĐƯỜNG", "duong");
	expect_out(vn_fold, "Thành phố Hồ Chí Minh", "thanh pho ho chi minh");
	expect_out(vn_fold, "Đắk Lắk", "dak lak");
	expect_out(vn_fold, "Bà Rịa – Vũng Tàu", "ba ria – vung tau");
}

static void test_utf8__fold_d_with_stroke(void **state)
{
	(void)state;
	expect_out(vn_fold, "đ", "d");
	expect_out(vn_fold, "Đ", "d");
	expect_out(vn_fold, "Đường Đồng Khởi", "duong dong khoi");
	/* dương, đương and đường all meet at one key. */
	expect_out(vn_fold, "dương", "duong");
	expect_out(vn_fold, "đương", "duong");
	expect_out(vn_fold, "đường", "duong");
}

static void test_utf8__fold_nfd_same_as_nfc(void **state)
{
	(void)state;
	expect_out(vn_fold, "Ha\xcc\x80 No\xcc\x82\xcc\xa3i", "ha noi");
	expect_out(vn_fold, "\xc4\x90u\xcc\x9bo\xcc\x9b\xcc\x80ng", "duong");
}

static void test_utf8__fold_old_and_new_tone_placement(void **state)
{
	(void)state;
	expect_out(vn_fold, "Hoà", "hoa");
	expect_out(vn_fold, "Hòa", "hoa");
	expect_out(vn_fold, "thuỷ", "thuy");
	expect_out(vn_fold, "thủy", "thuy");
}

static void test_utf8__fold_every_tone_on_every_vowel(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_VOWELS; i++) {
		char want[7];
		memset(want, folded_vowels[i], 6);
		want[6] = '\0';
		expect_out(vn_fold, lower_vowels[i], want);
		expect_out(vn_fold, upper_vowels[i], want);
	}
	expect_out(vn_fold, "ắằẳẵặ", "aaaaa");
}

static void test_utf8__fold_every_vowel_in_nfd(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_VOWELS; i++) {
		/* utf8proc only builds the NFD input; the answer is hand-written. */
		char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)upper_vowels[i]);
		assert_non_null(nfd);
		assert_true(strlen(nfd) > strlen(upper_vowels[i]));
		char want[7];
		memset(want, folded_vowels[i], 6);
		want[6] = '\0';
		expect_out(vn_fold, nfd, want);
		free(nfd);
	}
}

static void test_utf8__fold_collapses_and_trims_white_space(void **state)
{
	(void)state;
	expect_out(vn_fold, "  Hà\t\tNội \n ", "ha noi");
	expect_out(vn_fold, "Hà\xc2\xa0Nội", "ha noi");              /* no-break space */
	expect_out(vn_fold, "Hà\xe2\x80\x83\xe2\x80\xa8Nội", "ha noi"); /* em space, LS */
	expect_out(vn_fold, "   ", "");
	expect_out(vn_fold, "a", "a");
	expect_out(vn_fold, "a  b   c", "a b c");
}

static void test_utf8__fold_keeps_digits_and_punctuation(void **state)
{
	(void)state;
	expect_out(vn_fold, "Kế hoạch 43/KH-UBND", "ke hoach 43/kh-ubnd");
}

/* ---------------------------------------------------------------------- */

static void test_utf8__lower_keeps_diacritics(void **state)
{
	(void)state;
	expect_out(vn_lower, "Đường", "đường");
	expect_out(vn_lower, "HÀ NỘI", "hà nội");
	expect_out(vn_lower, "  UBND  Tỉnh ", "  ubnd  tỉnh ");
	for (size_t i = 0; i < N_VOWELS; i++)
		expect_out(vn_lower, upper_vowels[i], lower_vowels[i]);
}

static void test_utf8__lower_gives_nfc(void **state)
{
	(void)state;
	expect_out(vn_lower, "HA\xcc\x80 NO\xcc\x82\xcc\xa3I", "hà nội");
	expect_out(vn_lower, "\xc4\x90U\xcc\x9bO\xcc\x9b\xcc\x80NG", "đường");
}

/* ---------------------------------------------------------------------- */

static void test_utf8__tone_moves_final_oa_oe_uy(void **state)
{
	(void)state;
	expect_out(vn_tone_normalise, "hoà", "hòa");
	expect_out(vn_tone_normalise, "khoẻ", "khỏe");
	expect_out(vn_tone_normalise, "thuỷ", "thủy");
	expect_out(vn_tone_normalise, "hoá học", "hóa học");
	expect_out(vn_tone_normalise, "toạ độ", "tọa độ");
	expect_out(vn_tone_normalise, "xoã", "xõa");
	expect_out(vn_tone_normalise, "loè loẹt", "lòe loẹt");
	expect_out(vn_tone_normalise, "nguỵ", "ngụy");
	expect_out(vn_tone_normalise, "tuỳ", "tùy");
	expect_out(vn_tone_normalise, "oà khóc", "òa khóc");
	expect_out(vn_tone_normalise, "Thanh Hoá, Khánh Hoà.", "Thanh Hóa, Khánh Hòa.");
	expect_out(vn_tone_normalise, "hoà2025", "hòa2025");
}

static void test_utf8__tone_preserves_case(void **state)
{
	(void)state;
	expect_out(vn_tone_normalise, "Uỷ ban", "Ủy ban");
	expect_out(vn_tone_normalise, "UỶ BAN", "ỦY BAN");
	expect_out(vn_tone_normalise, "HOÀ BÌNH", "HÒA BÌNH");
	expect_out(vn_tone_normalise, "HoÀ", "HòA");
	expect_out(vn_tone_normalise, "KHOẺ", "KHỎE");
}

static void test_utf8__tone_leaves_non_final_clusters(void **state)
{
	(void)state;
	const char *same[] = {
		"hoàng", "quyết", "thuyền", "hoàn thành", "khuya", "ngoài",
		"khoảng", "huyện", "quý", "quỷ", "quà", "quỳnh",
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		expect_out(vn_tone_normalise, same[i], same[i]);
}

static void test_utf8__tone_leaves_new_style_and_foreign_words(void **state)
{
	(void)state;
	const char *same[] = { "hòa", "khỏe", "thủy", "ủy ban", "Chloé", "Zoë", "hoa", "" };
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		expect_out(vn_tone_normalise, same[i], same[i]);
}

static void test_utf8__tone_output_is_nfc(void **state)
{
	(void)state;
	expect_out(vn_tone_normalise, "hoa\xcc\x80", "hòa");
	expect_out(vn_tone_normalise, "Ha\xcc\x80 No\xcc\x82\xcc\xa3i", "Hà Nội");
	expect_out(vn_tone_normalise, "thu\xcc\x9bo\xcc\x9b\xcc\x80ng", "thường");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8__valid_accepts_well_formed),
		cmocka_unit_test(test_utf8__valid_rejects_malformed),
		cmocka_unit_test(test_utf8__invalid_input_rejected_by_every_transform),
		cmocka_unit_test(test_utf8__empty_input_gives_empty_string),
		cmocka_unit_test(test_utf8__input_need_not_be_nul_terminated),
		cmocka_unit_test(test_utf8__nfc_composes_nfd),
		cmocka_unit_test(test_utf8__nfc_keeps_case_and_other_text),
		cmocka_unit_test(test_utf8__fold_place_names),
		cmocka_unit_test(test_utf8__fold_d_with_stroke),
		cmocka_unit_test(test_utf8__fold_nfd_same_as_nfc),
		cmocka_unit_test(test_utf8__fold_old_and_new_tone_placement),
		cmocka_unit_test(test_utf8__fold_every_tone_on_every_vowel),
		cmocka_unit_test(test_utf8__fold_every_vowel_in_nfd),
		cmocka_unit_test(test_utf8__fold_collapses_and_trims_white_space),
		cmocka_unit_test(test_utf8__fold_keeps_digits_and_punctuation),
		cmocka_unit_test(test_utf8__lower_keeps_diacritics),
		cmocka_unit_test(test_utf8__lower_gives_nfc),
		cmocka_unit_test(test_utf8__tone_moves_final_oa_oe_uy),
		cmocka_unit_test(test_utf8__tone_preserves_case),
		cmocka_unit_test(test_utf8__tone_leaves_non_final_clusters),
		cmocka_unit_test(test_utf8__tone_leaves_new_style_and_foreign_words),
		cmocka_unit_test(test_utf8__tone_output_is_nfc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
