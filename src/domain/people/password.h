/* password: Argon2id hashes (libsodium's crypto_pwhash_str), the rule a new
 * password must meet, and random secrets for sessions and tokens. */
#ifndef NQ57_PASSWORD_H
#define NQ57_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_SIZE 128   /* crypto_pwhash_STRBYTES */
#define PASSWORD_MIN_LEN 10
#define PASSWORD_MAX_LEN 256
#define SECRET_SIZE 44           /* 32 random bytes as base64url, NUL */
#define SECRET_HASH_SIZE 65      /* SHA-256 hex, NUL */

/* Call once at start (sodium_init). ERR_GENERIC if libsodium cannot start. */
int password_init(void);

/* ERR_INVALID with a message for a password that is too short or long or
 * not valid UTF-8. */
int password_check_rule(const char *pw);

/* Argon2id with the interactive limits; NQ57_PWHASH=fast (tests only)
 * uses the minimum limits. The hash stores its own limits, so verifying
 * works whichever way it was made. */
int password_hash(char out[static PASSWORD_HASH_SIZE], const char *pw);
bool password_verify(const char *hash, const char *pw);
/* Spends about the time of one verification, for unknown logins. */
void password_verify_dummy(const char *pw);

/* 32 random bytes, base64url without padding. */
void secret_new(char out[static SECRET_SIZE]);
/* SHA-256 of s in hex: what is stored instead of a session or token. */
void secret_hash(char out[static SECRET_HASH_SIZE], const char *s);
/* Constant-time comparison of two NUL-terminated strings. */
bool secret_equal(const char *a, const char *b);

#endif
