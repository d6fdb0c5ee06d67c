/* password: Argon2id through libsodium, and random secrets. */
#include "domain/people/password.h"
#include "util/err.h"
#include "util/utf8.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static bool fast_hash;
static char dummy_hash[PASSWORD_HASH_SIZE];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

int password_init(void)
{
	if (sodium_init() < 0)
		return err_set(ERR_GENERIC, "libsodium cannot start");
	const char *mode = getenv("NQ57_PWHASH");
	fast_hash = mode && strcmp(mode, "fast") == 0;
	return 0;
}

static size_t count_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

int password_check_rule(const char *pw)
{
	size_t n = strlen(pw);
	if (!utf8_valid(pw, n))
		return err_set(ERR_INVALID, "the password is not valid UTF-8 text");
	if (count_chars(pw, n) < PASSWORD_MIN_LEN)
		return err_set(ERR_INVALID, "the password must have at least %d characters", PASSWORD_MIN_LEN);
	if (n > PASSWORD_MAX_LEN)
		return err_set(ERR_INVALID, "the password must have at most %d bytes", PASSWORD_MAX_LEN);
	return 0;
}

int password_hash(char out[static PASSWORD_HASH_SIZE], const char *pw)
{
	unsigned long long ops = fast_hash ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = fast_hash ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return err_set(ERR_NOMEM, "out of memory while hashing the password");
	return 0;
}

bool password_verify(const char *hash, const char *pw)
{
	return hash && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

static void dummy_init(void)
{
	if (password_hash(dummy_hash, "not a real password") < 0)
		dummy_hash[0] = '\0';
}

void password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, dummy_init);
	(void)password_verify(dummy_hash, pw);
}

void secret_new(char out[static SECRET_SIZE])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SECRET_SIZE, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void secret_hash(char out[static SECRET_HASH_SIZE], const char *s)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, SECRET_HASH_SIZE, digest, sizeof(digest));
}

bool secret_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}
