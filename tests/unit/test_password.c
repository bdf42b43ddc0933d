/*
 * test_password.c - argon2id hashes, the password policy, tokens (password.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "auth/password.h"

#define TOO_SHORT "密码至少需要 8 个字符"
#define TOO_FEW_CLASSES "密码需包含大写字母、小写字母、数字、符号中的至少三类"

static int setup(void **state)
{
    (void)state;
    return password_init();
}

static void test_hash_and_verify(void **state)
{
    char hash[PASSWORD_HASH_MAX];
    (void)state;

    assert_int_equal(password_hash("Demo@2021", hash), 0);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_non_null(strstr(hash, "m=19456,t=2,p=1"));
    assert_int_equal(password_verify(hash, "Demo@2021"), 1);
    assert_int_equal(password_verify(hash, "demo@2021"), 0);
    assert_int_equal(password_verify(hash, ""), 0);
    assert_int_equal(password_verify("", "Demo@2021"), 0);
    assert_int_equal(password_verify(NULL, "Demo@2021"), 0);
    assert_int_equal(password_verify("not a hash", "Demo@2021"), 0);
}

static void test_hash_is_salted(void **state)
{
    char a[PASSWORD_HASH_MAX], b[PASSWORD_HASH_MAX];
    (void)state;

    assert_int_equal(password_hash("Same#pass1", a), 0);
    assert_int_equal(password_hash("Same#pass1", b), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(password_verify(b, "Same#pass1"), 1);
}

static void test_policy(void **state)
{
    (void)state;
    assert_null(password_policy_error("Abcdef1!"));          /* exactly 8, 4 classes */
    assert_null(password_policy_error("abcdef1!"));          /* 3 classes */
    assert_null(password_policy_error("ABCDEFG1a"));         /* 3 classes */
    assert_string_equal(password_policy_error("Abcde1!"), TOO_SHORT);    /* 7 */
    assert_string_equal(password_policy_error(""), TOO_SHORT);
    assert_string_equal(password_policy_error(NULL), TOO_SHORT);
    assert_string_equal(password_policy_error("abcdefgh"), TOO_FEW_CLASSES);  /* 1 class */
    assert_string_equal(password_policy_error("abcdefg1"), TOO_FEW_CLASSES);  /* 2 classes */
    assert_string_equal(password_policy_error("ABCDEFGHabc"), TOO_FEW_CLASSES);
    assert_string_equal(password_policy_error("12345678!!"), TOO_FEW_CLASSES);
}

static void test_policy_counts_characters_not_bytes(void **state)
{
    (void)state;
    /* 7 characters but 16 bytes: too short. */
    assert_string_equal(password_policy_error("中文密码Ab1"), TOO_SHORT);
    /* 8 characters, 汉字 count as "other": other, upper, lower, digit. */
    assert_null(password_policy_error("中文密码Abc1"));
    /* 汉字 + lower-case only: 2 classes. */
    assert_string_equal(password_policy_error("中文密码abcd"), TOO_FEW_CLASSES);
    /* 汉字 + lower + digit: 3 classes. */
    assert_null(password_policy_error("教育局abcd12"));
}

static int is_hex(const char *s)
{
    return strspn(s, "0123456789abcdef") == strlen(s);
}

static void test_random_hex(void **state)
{
    char a[65], b[65], big[201];
    (void)state;

    password_random_hex(a, 32);
    password_random_hex(b, 32);
    assert_int_equal(strlen(a), 64);
    assert_true(is_hex(a));
    assert_string_not_equal(a, b);
    password_random_hex(big, 100);  /* more than one internal chunk */
    assert_int_equal(strlen(big), 200);
    assert_true(is_hex(big));
    password_random_hex(a, 0);
    assert_string_equal(a, "");
}

static void test_equal(void **state)
{
    (void)state;
    assert_int_equal(password_equal("abc", "abc"), 1);
    assert_int_equal(password_equal("", ""), 1);
    assert_int_equal(password_equal("abc", "abd"), 0);
    assert_int_equal(password_equal("abc", "abcd"), 0);
    assert_int_equal(password_equal("abcd", "abc"), 0);
    assert_int_equal(password_equal(NULL, "abc"), 0);
    assert_int_equal(password_equal("abc", NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_and_verify),
        cmocka_unit_test(test_hash_is_salted),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_policy_counts_characters_not_bytes),
        cmocka_unit_test(test_random_hex),
        cmocka_unit_test(test_equal),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
