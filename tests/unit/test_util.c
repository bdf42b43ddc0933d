/*
 * test_util.c - arena, strbuf and clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/arena.h"
#include "util/clock.h"
#include "util/strbuf.h"

static void test_arena_alloc(void **state)
{
    (void)state;
    arena *a = arena_new();
    char *small = arena_alloc(a, 10);
    for (int i = 0; i < 10; i++)
        assert_int_equal(small[i], 0);
    assert_int_equal((uintptr_t)small % 16, 0);
    /* Many allocations spill over several blocks; earlier ones stay intact. */
    int *nums[1000];
    for (int i = 0; i < 1000; i++) {
        nums[i] = arena_alloc(a, sizeof(int) * 3);
        nums[i][0] = i;
    }
    for (int i = 0; i < 1000; i++)
        assert_int_equal(nums[i][0], i);
    /* A big allocation gets its own block. */
    unsigned char *big = arena_alloc(a, 1 << 20);
    big[(1 << 20) - 1] = 7;
    assert_int_equal(big[0], 0);
    char *after = arena_alloc(a, 8);
    assert_non_null(after);
    arena_free(a);
}

static void test_arena_strings(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_null(arena_strdup(a, NULL));
    assert_string_equal(arena_strdup(a, "学校"), "学校");
    assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
    assert_string_equal(arena_printf(a, "%s-%d", "id", 42), "id-42");
    char *owned = malloc(100);
    strcpy(owned, "freed with the arena");
    arena_own(a, owned);
    arena_own(a, NULL);
    arena_free(a);
    arena_free(NULL);
}

static void test_strbuf(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    assert_string_equal(sb_str(&sb), "");
    sb_append(&sb, "SELECT ");
    sb_appendn(&sb, "id, name", 2);
    sb_appendc(&sb, ' ');
    sb_appendf(&sb, "LIMIT %d", 20);
    assert_string_equal(sb_str(&sb), "SELECT id LIMIT 20");
    assert_int_equal(sb.len, strlen("SELECT id LIMIT 20"));
    for (int i = 0; i < 1000; i++)
        sb_append(&sb, "0123456789");
    assert_int_equal(sb.len, 18 + 10000);
    sb_reset(&sb);
    assert_int_equal(sb.len, 0);
    assert_string_equal(sb_str(&sb), "");
    sb_append(&sb, "x");
    char *s = sb_steal(&sb);
    assert_string_equal(s, "x");
    assert_null(sb.buf);
    free(s);
    s = sb_steal(&sb);
    assert_string_equal(s, "");
    free(s);
    sb_free(&sb);
}

static void test_clock_format(void **state)
{
    (void)state;
    char out[20];
    clock_format(0, out, sizeof out);
    assert_string_equal(out, "1970-01-01 08:00:00");
    clock_format(1630456200, out, sizeof out);
    assert_string_equal(out, "2021-09-01 08:30:00");
    clock_format(1582991999, out, sizeof out);
    assert_string_equal(out, "2020-02-29 23:59:59");
    clock_format(-8 * 3600 - 1, out, sizeof out);
    assert_string_equal(out, "1969-12-31 23:59:59");
}

static void test_clock_parse(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(clock_parse("2021-09-01", &t), 0);
    assert_int_equal(t, 1630425600);
    assert_int_equal(clock_parse("2021-09-01 08:30", &t), 0);
    assert_int_equal(t, 1630456200);
    assert_int_equal(clock_parse("2021-09-01 08:30:00", &t), 0);
    assert_int_equal(t, 1630456200);
    assert_int_equal(clock_parse("2020-02-29 23:59:59", &t), 0);
    assert_int_equal(t, 1582991999);
    assert_int_equal(clock_parse("2000-02-29", &t), 0);
    /* Round trip. */
    char out[20];
    clock_format(t, out, sizeof out);
    assert_string_equal(out, "2000-02-29 00:00:00");

    const char *bad[] = {
        "2021-02-30", "2021-02-29", "1900-02-29", "2021-04-31", "2021-13-01", "2021-00-10",
        "2021-01-00", "2021-9-1", "21-09-01", "2021/09/01", "2021-09-01 24:00", "2021-09-01 23:60",
        "2021-09-01 23:59:60", "2021-09-01x", "2021-09-01 8:30", "", "abcd-ef-gh", "0000-01-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = 12345;
        assert_int_equal(clock_parse(bad[i], &t), -1);
        assert_int_equal(t, 12345);
    }
    assert_int_equal(clock_parse(NULL, &t), -1);
}

static void test_clock_now_override(void **state)
{
    (void)state;
    setenv("EDUBUREAU_NOW", "1630456200", 1);
    assert_int_equal(clock_now(), 1630456200);
    setenv("EDUBUREAU_NOW", "not a number", 1);
    assert_true(clock_now() > 1600000000);
    unsetenv("EDUBUREAU_NOW");
    assert_true(clock_now() > 1600000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alloc),  cmocka_unit_test(test_arena_strings),
        cmocka_unit_test(test_strbuf),       cmocka_unit_test(test_clock_format),
        cmocka_unit_test(test_clock_parse),  cmocka_unit_test(test_clock_now_override),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
