/*
 * test_safety_summary.c - the pure computations behind the 安全 summary
 * (safety.h): the median of day counts, days between dates, the months of
 * a period, rates with zero denominators, and the date/period checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain/safety.h"

static void test_median_odd(void **state)
{
    (void)state;
    int64_t days[] = {9, 1, 5};
    double m = -1;
    assert_int_equal(safety_median(days, 3, &m), 1);
    assert_true(m == 5.0);
    int64_t one[] = {42};
    assert_int_equal(safety_median(one, 1, &m), 1);
    assert_true(m == 42.0);
}

static void test_median_even(void **state)
{
    (void)state;
    int64_t days[] = {10, 2, 7, 3};
    double m = -1;
    assert_int_equal(safety_median(days, 4, &m), 1);
    assert_true(m == 5.0);  /* (3 + 7) / 2 */
    int64_t halves[] = {1, 2};
    assert_int_equal(safety_median(halves, 2, &m), 1);
    assert_true(m == 1.5);
    int64_t same[] = {4, 4, 4, 4};
    assert_int_equal(safety_median(same, 4, &m), 1);
    assert_true(m == 4.0);
}

static void test_median_empty(void **state)
{
    (void)state;
    double m = -1;
    int64_t days[1] = {7};
    assert_int_equal(safety_median(days, 0, &m), 0);
    assert_int_equal(safety_median(NULL, 0, &m), 0);
    assert_true(m == -1);  /* untouched */
}

static void test_days_between(void **state)
{
    (void)state;
    int64_t d = -1;
    assert_int_equal(safety_days_between("2021-03-01", "2021-03-01", &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(safety_days_between("2021-02-28", "2021-03-01", &d), 0);
    assert_int_equal(d, 1);
    assert_int_equal(safety_days_between("2020-02-28", "2020-03-01", &d), 0);
    assert_int_equal(d, 2);  /* leap year */
    assert_int_equal(safety_days_between("2021-12-31", "2022-01-01", &d), 0);
    assert_int_equal(d, 1);
    assert_int_equal(safety_days_between("2021-01-10", "2021-01-01", &d), 0);
    assert_int_equal(d, -9);
    assert_int_equal(safety_days_between("2021-02-30", "2021-03-01", &d), -1);
    assert_int_equal(d, 0);
    assert_int_equal(safety_days_between(NULL, "2021-03-01", &d), -1);
}

static void test_months(void **state)
{
    (void)state;
    char months[24][8];
    int n = safety_months("2021-01-01", "2021-12-31", months, 24);
    assert_int_equal(n, 12);
    assert_string_equal(months[0], "2021-01");
    assert_string_equal(months[11], "2021-12");

    n = safety_months("2021-11-15", "2022-02-01", months, 24);
    assert_int_equal(n, 4);
    assert_string_equal(months[0], "2021-11");
    assert_string_equal(months[1], "2021-12");
    assert_string_equal(months[2], "2022-01");
    assert_string_equal(months[3], "2022-02");

    n = safety_months("2021-05-03", "2021-05-20", months, 24);
    assert_int_equal(n, 1);
    assert_string_equal(months[0], "2021-05");
}

static void test_months_refused(void **state)
{
    (void)state;
    char months[12][8];
    assert_int_equal(safety_months("2021-03-01", "2021-02-01", months, 12), -1);  /* reversed */
    assert_int_equal(safety_months("2020-01-01", "2021-01-01", months, 12), -1);  /* 13 > max */
    assert_int_equal(safety_months("2021-01-01", "2021-12-31", months, 12), 12);  /* exactly max */
    assert_int_equal(safety_months("2021-13-01", "2021-12-31", months, 12), -1);
    assert_int_equal(safety_months("20210101", "2021-12-31", months, 12), -1);
    assert_int_equal(safety_months(NULL, "2021-12-31", months, 12), -1);
}

static void test_rates(void **state)
{
    (void)state;
    double rate = -1;
    assert_int_equal(safety_rate(796, 800, &rate), 1);
    assert_true(rate == 796.0 / 800.0);
    assert_int_equal(safety_rate(0, 5, &rate), 1);
    assert_true(rate == 0.0);
    rate = -1;
    assert_int_equal(safety_rate(0, 0, &rate), 0);
    assert_int_equal(safety_rate(3, 0, &rate), 0);
    assert_int_equal(safety_rate(3, -1, &rate), 0);
    assert_true(rate == -1);  /* untouched */

    json_t *r = safety_rate_json(1, 4);
    assert_true(json_is_real(r));
    assert_true(json_real_value(r) == 0.25);
    json_decref(r);
    r = safety_rate_json(0, 0);
    assert_true(json_is_null(r));
    json_decref(r);
}

static void test_dates_and_periods(void **state)
{
    (void)state;
    assert_true(safety_date_valid("2021-02-28"));
    assert_true(safety_date_valid("2020-02-29"));
    assert_false(safety_date_valid("2021-02-29"));
    assert_false(safety_date_valid("2021-2-28"));
    assert_false(safety_date_valid("2021-02-28 08:00"));
    assert_false(safety_date_valid("+021-02-28"));
    assert_false(safety_date_valid(NULL));
    assert_true(safety_period_valid("2021-12"));
    assert_false(safety_period_valid("2021-13"));
    assert_false(safety_period_valid("2021-00"));
    assert_false(safety_period_valid("2021-1"));
    assert_false(safety_period_valid("2021-12-01"));
    assert_false(safety_period_valid(NULL));
}

static void test_json_count(void **state)
{
    (void)state;
    json_t *o = json_pack("{sI ss ss sI sf sn ss}", "n", (json_int_t)12, "s", "34", "bad", "3a",
                          "neg", (json_int_t)-1, "real", 1.5, "null", "empty", "");
    int64_t v = -1;
    assert_int_equal(safety_json_count(o, "n", &v), 1);
    assert_int_equal(v, 12);
    assert_int_equal(safety_json_count(o, "s", &v), 1);
    assert_int_equal(v, 34);
    assert_int_equal(safety_json_count(o, "bad", &v), -1);
    assert_int_equal(safety_json_count(o, "neg", &v), -1);
    assert_int_equal(safety_json_count(o, "real", &v), -1);
    assert_int_equal(safety_json_count(o, "null", &v), 0);
    assert_int_equal(safety_json_count(o, "empty", &v), 0);
    assert_int_equal(safety_json_count(o, "absent", &v), 0);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median_odd),     cmocka_unit_test(test_median_even),
        cmocka_unit_test(test_median_empty),   cmocka_unit_test(test_days_between),
        cmocka_unit_test(test_months),         cmocka_unit_test(test_months_refused),
        cmocka_unit_test(test_rates),          cmocka_unit_test(test_dates_and_periods),
        cmocka_unit_test(test_json_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
