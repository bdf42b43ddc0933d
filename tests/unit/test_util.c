/*
 * test_util.c - arena, strbuf, clock and text.
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
#include "util/text.h"

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

static void test_clock_dates(void **state)
{
    (void)state;
    char day[11];
    /* 2022-09-25 15:59:59 UTC is still the 25th in UTC+8, 16:00 the 26th. */
    setenv("EDUBUREAU_NOW", "1664121599", 1);
    clock_today(day);
    assert_string_equal(day, "2022-09-25");
    setenv("EDUBUREAU_NOW", "1664121600", 1);
    clock_today(day);
    assert_string_equal(day, "2022-09-26");
    unsetenv("EDUBUREAU_NOW");
    clock_date_of_days(0, day);
    assert_string_equal(day, "1970-01-01");
    clock_date_of_days(-1, day);
    assert_string_equal(day, "1969-12-31");
    clock_date_of_days(19000, day);
    assert_string_equal(day, "2022-01-08");
    assert_true(clock_date_valid("2024-02-29"));
    assert_false(clock_date_valid("2023-02-29"));
    assert_false(clock_date_valid("2022-9-30"));
    assert_false(clock_date_valid("2022-09-30 08:00"));
    assert_false(clock_date_valid("+022-09-30"));
    assert_false(clock_date_valid(""));
    assert_false(clock_date_valid(NULL));
}

static void test_text(void **state)
{
    (void)state;
    assert_int_equal(text_chars("学校a"), 3);
    assert_int_equal(text_chars(""), 0);
    assert_int_equal(text_chars(NULL), 0);
    assert_true(text_is("一般", "一般"));
    assert_false(text_is("一般", "重大"));
    assert_false(text_is(NULL, NULL));
    static const char *const grades[] = {"一般", "重大", NULL};
    assert_true(text_in_list(grades, "重大"));
    assert_false(text_in_list(grades, "其他"));
    assert_false(text_in_list(grades, NULL));

    /* ASCII spaces and U+3000 on either side go; inner ones stay. */
    const char *s = "\xe3\x80\x80 \t实验 小学\r\n\xe3\x80\x80";
    size_t len = strlen(s);
    text_trim(&s, &len);
    assert_int_equal(len, strlen("实验 小学"));
    assert_memory_equal(s, "实验 小学", len);
    json_t *v = json_string(" \xe3\x80\x80 "), *t = text_trimmed(v);
    assert_null(t);
    json_decref(v);
    v = json_string(" 东街 ");
    t = text_trimmed(v);
    assert_string_equal(json_string_value(t), "东街");
    json_decref(t);
    json_decref(v);
    assert_null(text_trimmed(NULL));

    t = text_masked_phone("13812345678");
    assert_string_equal(json_string_value(t), "138****5678");
    json_decref(t);
    t = text_masked_phone("1234567");
    assert_string_equal(json_string_value(t), "****");
    json_decref(t);

    json_t *row = json_pack("{ss ss sI sn}", "name", "实验小学", "note", "", "id", (json_int_t)17,
                            "phone");
    assert_string_equal(text_field(row, "name"), "实验小学");
    assert_string_equal(text_field(row, "note"), "");
    assert_null(text_field_nonempty(row, "note"));
    assert_null(text_field(row, "phone"));
    assert_null(text_field(row, "missing"));
    assert_null(text_field(NULL, "name"));
    assert_int_equal(text_field_int(row, "id"), 17);
    assert_int_equal(text_field_int(row, "name"), 0);
    json_decref(row);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alloc),  cmocka_unit_test(test_arena_strings),
        cmocka_unit_test(test_strbuf),       cmocka_unit_test(test_clock_format),
        cmocka_unit_test(test_clock_parse),  cmocka_unit_test(test_clock_now_override),
        cmocka_unit_test(test_clock_dates),  cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
