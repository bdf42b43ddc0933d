/*
 * password.c - argon2id password hashes, the password policy, random tokens.
 *
 * Hashes are libsodium's self-describing "$argon2id$v=19$m=...,t=...,p=1$..."
 * strings, so the cost parameters can be raised later without breaking the
 * hashes already stored: crypto_pwhash_str_verify reads them from the string.
 *
 * Cost: OWASP's minimum recommendation for argon2id, m = 19 MiB (19456 KiB),
 * t = 2, p = 1. libsodium's INTERACTIVE preset (64 MiB) makes each login and
 * every test that creates a user noticeably slow, and 19 MiB per concurrent
 * login keeps the server well inside its memory goal while still costing an
 * attacker tens of milliseconds and 19 MiB per guess.
 *
 * Policy (password_policy_error): at least 8 characters counted as UTF-8
 * code points (汉字 count as one character each, and as "other"), and at
 * least 3 of the 4 classes lower-case, upper-case, digit, other.
 */
#include "auth/password.h"

#include <string.h>
#include <sodium.h>

#define PASSWORD_OPSLIMIT 2ULL
#define PASSWORD_MEMLIMIT ((size_t)19456 * 1024)
#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MIN_CLASSES 3

int password_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

int password_hash(const char *password, char *out)
{
    _Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");
    if (crypto_pwhash_str_alg(out, password, strlen(password), PASSWORD_OPSLIMIT,
                              PASSWORD_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return -1;
    return 0;
}

int password_verify(const char *hash, const char *password)
{
    if (!hash || !password || !hash[0])
        return 0;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

const char *password_policy_error(const char *password)
{
    size_t chars = 0;
    int lower = 0, upper = 0, digit = 0, other = 0;

    if (!password)
        return "密码至少需要 8 个字符";
    for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;  /* UTF-8 continuation byte: same character */
        chars++;
        if (*p >= 'a' && *p <= 'z')
            lower = 1;
        else if (*p >= 'A' && *p <= 'Z')
            upper = 1;
        else if (*p >= '0' && *p <= '9')
            digit = 1;
        else
            other = 1;
    }
    if (chars < PASSWORD_MIN_CHARS)
        return "密码至少需要 8 个字符";
    if (lower + upper + digit + other < PASSWORD_MIN_CLASSES)
        return "密码需包含大写字母、小写字母、数字、符号中的至少三类";
    return NULL;
}

void password_random_hex(char *out, size_t nbytes)
{
    unsigned char chunk[64];
    size_t done = 0;

    out[0] = '\0';
    while (done < nbytes) {
        size_t n = nbytes - done < sizeof chunk ? nbytes - done : sizeof chunk;
        randombytes_buf(chunk, n);
        sodium_bin2hex(out + 2 * done, 2 * n + 1, chunk, n);
        done += n;
    }
    sodium_memzero(chunk, sizeof chunk);
}

int password_equal(const char *a, const char *b)
{
    size_t len;

    if (!a || !b)
        return 0;
    len = strlen(a);
    if (len != strlen(b))
        return 0;
    return sodium_memcmp(a, b, len) == 0;
}
