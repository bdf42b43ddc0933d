/*
 * password.h - argon2id password hashes (libsodium) and the password policy.
 *
 * Policy: at least 8 characters and at least 3 of the 4 classes lower-case,
 * upper-case, digit, other. password_policy_error returns NULL when the
 * password is acceptable, else the Chinese reason to show beside the field.
 */
#ifndef EDU_PASSWORD_H
#define EDU_PASSWORD_H

#include <stddef.h>

#define PASSWORD_HASH_MAX 128  /* >= crypto_pwhash_STRBYTES */

int password_init(void);  /* sodium_init; 0 ok */
/* 0 ok, -1 out of memory. out must hold PASSWORD_HASH_MAX bytes. */
int password_hash(const char *password, char *out);
/* 1 when password matches hash, 0 otherwise. */
int password_verify(const char *hash, const char *password);
const char *password_policy_error(const char *password);
/* Fill out with n random bytes as 2n hex characters + NUL (tokens). */
void password_random_hex(char *out, size_t nbytes);
/* Constant-time comparison of two NUL-terminated strings: 1 when equal. */
int password_equal(const char *a, const char *b);

#endif
