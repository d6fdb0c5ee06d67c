/* Tests for domain/password: Argon2id hashes, the password rule, secrets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "domain/people/password.h"
#include "util/err.h"

static void test_password__default_hash_is_argon2id_interactive(void **state)
{
	(void)state;
	char hash[PASSWORD_HASH_SIZE];
	unsetenv("NQ57_PWHASH");
	assert_int_equal(password_init(), 0);
	assert_int_equal(password_hash(hash, "mật khẩu đủ dài 2025"), 0);
	/* libsodium's interactive limits: 64 MiB, 2 passes */
	assert_true(strncmp(hash, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0);
	assert_true(password_verify(hash, "mật khẩu đủ dài 2025"));
	assert_false(password_verify(hash, "mat khau du dai 2025"));
	assert_false(password_verify(NULL, "x"));
	char again[PASSWORD_HASH_SIZE];
	assert_int_equal(password_hash(again, "mật khẩu đủ dài 2025"), 0);
	assert_string_not_equal(hash, again);   /* salted */
}

static void test_password__rule_counts_characters_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(password_check_rule("ngắn"), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "10"));
	assert_int_equal(password_check_rule("đường đẹp!"), 0);            /* 10 characters, 16 bytes */
	assert_int_equal(password_check_rule("đườngđẹp1"), ERR_INVALID);    /* 9 characters */
	assert_int_equal(password_check_rule("abc\xff\xfe" "defghijk"), ERR_INVALID);
	char longpw[300];
	memset(longpw, 'a', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	assert_int_equal(password_check_rule(longpw), ERR_INVALID);
}

static void test_secret__random_and_hashed(void **state)
{
	(void)state;
	char a[SECRET_SIZE], b[SECRET_SIZE], h[SECRET_HASH_SIZE];
	secret_new(a);
	secret_new(b);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	secret_hash(h, "abc");
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(secret_equal(a, a));
	assert_false(secret_equal(a, b));
	assert_false(secret_equal("abc", "abcd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password__default_hash_is_argon2id_interactive),
		cmocka_unit_test(test_password__rule_counts_characters_not_bytes),
		cmocka_unit_test(test_secret__random_and_hashed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
