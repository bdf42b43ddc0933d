/*
 * test_plan_status.c - the arithmetic of 目标 status (plan_status.c) on
 * fixed dates: time elapsed, progress from baseline to floor in both
 * directions and without a baseline, target status at every boundary
 * (achieved exactly at the floor, overdue the day after the due date and
 * not on it, on_track / at_risk / behind at the margins), item status from
 * a report, roll-up by weight and section status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "domain/plan.h"

/* 2022: 364 days from 1 January to 31 December; 2 July is day 182. */
#define START "2022-01-01"
#define DUE "2022-12-31"
#define MID "2022-07-02"

static const plan_margins defaults = {10, 25};

static void assert_near(double a, double b)
{
    if (fabs(a - b) > 1e-9)
        fail_msg("%.12f != %.12f", a, b);
}

static void test_status_codes(void **state)
{
    (void)state;
    for (int i = 0; i < PLAN_NSTATUS; i++)
        assert_int_equal(plan_status_of(plan_status_codes[i]), i);
    assert_int_equal(plan_status_of("overdue"), PLAN_OVERDUE);
    assert_int_equal(plan_status_of("late"), -1);
    assert_int_equal(plan_status_of(""), -1);
    assert_int_equal(plan_status_of(NULL), -1);
    assert_string_equal(plan_status_labels[PLAN_AT_RISK], "有风险");
}

static void test_time_elapsed(void **state)
{
    (void)state;
    assert_near(plan_time_elapsed(START, DUE, START), 0);
    assert_near(plan_time_elapsed(START, DUE, MID), 0.5);
    assert_near(plan_time_elapsed(START, DUE, DUE), 1);
    assert_near(plan_time_elapsed(START, DUE, "2021-12-01"), 0);   /* before: clamped */
    assert_near(plan_time_elapsed(START, DUE, "2023-03-01"), 1);   /* after: clamped */
    assert_near(plan_time_elapsed("2022-03-01", "2022-03-11", "2022-03-05"), 0.4);
    /* across 29 February 2024: 1 Feb to 1 Mar is 29 days */
    assert_near(plan_time_elapsed("2024-02-01", "2024-03-01", "2024-02-29"), 28.0 / 29.0);
    /* due on or before start: all the time is gone */
    assert_near(plan_time_elapsed("2022-05-01", "2022-05-01", "2022-01-01"), 1);
    assert_near(plan_time_elapsed("2022-05-01", "2022-04-01", "2022-01-01"), 1);
}

static void test_progress_higher(void **state)
{
    (void)state;
    assert_near(plan_target_progress(20, 30, 25, 0), 0.5);
    assert_near(plan_target_progress(20, 30, 20, 0), 0);
    assert_near(plan_target_progress(20, 30, 30, 0), 1);
    assert_near(plan_target_progress(20, 30, 35, 0), 1.5);  /* not clamped above */
    assert_near(plan_target_progress(20, 30, 15, 0), 0);    /* below baseline: 0 */
    assert_true(isnan(plan_target_progress(20, 30, NAN, 0)));
}

static void test_progress_lower(void **state)
{
    (void)state;
    /* 10 -> 5: the same formula, both differences negative */
    assert_near(plan_target_progress(10, 5, 7.5, 1), 0.5);
    assert_near(plan_target_progress(10, 5, 5, 1), 1);
    assert_near(plan_target_progress(10, 5, 4, 1), 1.2);
    assert_near(plan_target_progress(10, 5, 12, 1), 0);  /* worse than baseline */
    assert_true(isnan(plan_target_progress(10, 5, NAN, 1)));
}

static void test_progress_no_baseline(void **state)
{
    (void)state;
    assert_near(plan_target_progress(NAN, 30, 15, 0), 0.5);
    assert_near(plan_target_progress(NAN, 30, 45, 0), 1.5);
    assert_near(plan_target_progress(NAN, 30, -3, 0), 0);
    assert_near(plan_target_progress(NAN, 5, 5, 1), 1);
    assert_near(plan_target_progress(NAN, 5, 4, 1), 1);
    assert_near(plan_target_progress(NAN, 5, 6, 1), 0);
    assert_near(plan_target_progress(NAN, 0, 0, 0), 1);   /* floor 0: reached or not */
    assert_true(isnan(plan_target_progress(NAN, 30, NAN, 0)));
    /* baseline already at the floor */
    assert_near(plan_target_progress(30, 30, 30, 0), 1);
    assert_near(plan_target_progress(30, 30, 29, 0), 0);
}

static void test_target_achieved(void **state)
{
    (void)state;
    /* exactly at the floor, on any date, in either direction */
    assert_int_equal(plan_target_status(20, 30, 30, 0, START, DUE, "2022-02-01", &defaults),
                     PLAN_ACHIEVED);
    assert_int_equal(plan_target_status(20, 30, 30, 0, START, DUE, "2023-02-01", &defaults),
                     PLAN_ACHIEVED);
    assert_int_equal(plan_target_status(10, 5, 5, 1, START, DUE, MID, &defaults), PLAN_ACHIEVED);
    assert_int_equal(plan_target_status(10, 5, 4.9, 1, START, DUE, MID, &defaults),
                     PLAN_ACHIEVED);
    /* just short of it is not */
    assert_int_not_equal(plan_target_status(20, 30, 29.99, 0, START, DUE, MID, &defaults),
                         PLAN_ACHIEVED);
    assert_int_not_equal(plan_target_status(10, 5, 5.01, 1, START, DUE, MID, &defaults),
                         PLAN_ACHIEVED);
}

static void test_target_overdue(void **state)
{
    (void)state;
    /* on the due day: judged by pace (t = 1, p = 0.9: on track) */
    assert_int_equal(plan_target_status(0, 100, 90, 0, START, DUE, DUE, &defaults),
                     PLAN_ON_TRACK);
    /* the day after: overdue */
    assert_int_equal(plan_target_status(0, 100, 90, 0, START, DUE, "2023-01-01", &defaults),
                     PLAN_OVERDUE);
    /* with no figure at all, overdue wins over no_data past due */
    assert_int_equal(plan_target_status(0, 100, NAN, 0, START, DUE, "2023-01-01", &defaults),
                     PLAN_OVERDUE);
    assert_int_equal(plan_target_status(0, 100, NAN, 0, START, DUE, DUE, &defaults),
                     PLAN_NO_DATA);
    /* a lower-is-better target not yet down to its floor */
    assert_int_equal(plan_target_status(10, 5, 6, 1, START, "2022-06-30", "2022-07-01",
                                        &defaults),
                     PLAN_OVERDUE);
}

static void test_target_margins(void **state)
{
    (void)state;
    /* t = 0.5 on 2 July: on_track down to p = 0.40, at_risk down to 0.25 */
    assert_int_equal(plan_target_status(0, 100, 50, 0, START, DUE, MID, &defaults),
                     PLAN_ON_TRACK);
    assert_int_equal(plan_target_status(0, 100, 40, 0, START, DUE, MID, &defaults),
                     PLAN_ON_TRACK);
    assert_int_equal(plan_target_status(0, 100, 39.9, 0, START, DUE, MID, &defaults),
                     PLAN_AT_RISK);
    assert_int_equal(plan_target_status(0, 100, 25, 0, START, DUE, MID, &defaults),
                     PLAN_AT_RISK);
    assert_int_equal(plan_target_status(0, 100, 24.9, 0, START, DUE, MID, &defaults),
                     PLAN_BEHIND);
    /* NULL margins are the defaults */
    assert_int_equal(plan_target_status(0, 100, 40, 0, START, DUE, MID, NULL), PLAN_ON_TRACK);
    assert_int_equal(plan_target_status(0, 100, 24.9, 0, START, DUE, MID, NULL), PLAN_BEHIND);
    /* margins from the settings: 5 and 15 points */
    plan_margins tight = {5, 15};
    assert_int_equal(plan_target_status(0, 100, 45, 0, START, DUE, MID, &tight), PLAN_ON_TRACK);
    assert_int_equal(plan_target_status(0, 100, 44.9, 0, START, DUE, MID, &tight), PLAN_AT_RISK);
    assert_int_equal(plan_target_status(0, 100, 35, 0, START, DUE, MID, &tight), PLAN_AT_RISK);
    assert_int_equal(plan_target_status(0, 100, 34.9, 0, START, DUE, MID, &tight), PLAN_BEHIND);
    /* lower is better, 10 -> 5 at t = 0.5: 8 is p = 0.4 (on track), 8.8 is 0.24 */
    assert_int_equal(plan_target_status(10, 5, 8, 1, START, DUE, MID, &defaults), PLAN_ON_TRACK);
    assert_int_equal(plan_target_status(10, 5, 8.5, 1, START, DUE, MID, &defaults), PLAN_AT_RISK);
    assert_int_equal(plan_target_status(10, 5, 8.8, 1, START, DUE, MID, &defaults), PLAN_BEHIND);
    /* no baseline: p = current / floor */
    assert_int_equal(plan_target_status(NAN, 200, 80, 0, START, DUE, MID, &defaults),
                     PLAN_ON_TRACK);
    assert_int_equal(plan_target_status(NAN, 200, 40, 0, START, DUE, MID, &defaults),
                     PLAN_BEHIND);
    /* early in the year anything counts as on track */
    assert_int_equal(plan_target_status(0, 100, 0, 0, START, DUE, "2022-02-01", &defaults),
                     PLAN_ON_TRACK);
}

static void test_target_no_data(void **state)
{
    (void)state;
    assert_int_equal(plan_target_status(20, 30, NAN, 0, START, DUE, MID, &defaults),
                     PLAN_NO_DATA);
    assert_int_equal(plan_target_status(NAN, 30, NAN, 1, START, DUE, START, &defaults),
                     PLAN_NO_DATA);
}

static void test_item_status(void **state)
{
    (void)state;
    assert_int_equal(plan_item_status(PLAN_ACHIEVED, DUE, MID), PLAN_ACHIEVED);
    assert_int_equal(plan_item_status(PLAN_ACHIEVED, DUE, "2023-05-01"), PLAN_ACHIEVED);
    assert_int_equal(plan_item_status(PLAN_ON_TRACK, DUE, MID), PLAN_ON_TRACK);
    assert_int_equal(plan_item_status(PLAN_AT_RISK, DUE, MID), PLAN_AT_RISK);
    assert_int_equal(plan_item_status(PLAN_BEHIND, DUE, MID), PLAN_BEHIND);
    assert_int_equal(plan_item_status(PLAN_ON_TRACK, "2022-06-30", "2022-06-30"), PLAN_ON_TRACK);
    assert_int_equal(plan_item_status(PLAN_ON_TRACK, "2022-06-30", "2022-07-01"), PLAN_OVERDUE);
    assert_int_equal(plan_item_status(-1, DUE, MID), PLAN_NO_DATA);
    assert_int_equal(plan_item_status(-1, "2022-06-30", "2022-07-01"), PLAN_OVERDUE);
}

static void test_rollup(void **state)
{
    (void)state;
    double w1[] = {2, 1, 1}, p1[] = {0.5, 1, 0};
    assert_near(plan_rollup(w1, p1, 3), (2 * 0.5 + 1 + 0) / 4.0);
    /* a child without progress is left out, weight and all */
    double w2[] = {2, 3, 1}, p2[] = {0.5, NAN, 1};
    assert_near(plan_rollup(w2, p2, 3), (2 * 0.5 + 1 * 1) / 3.0);
    /* a weight of 0 counts for nothing */
    double w3[] = {0, 1}, p3[] = {1, 0.2};
    assert_near(plan_rollup(w3, p3, 2), 0.2);
    double w4[] = {1, 1}, p4[] = {NAN, NAN};
    assert_true(isnan(plan_rollup(w4, p4, 2)));
    assert_true(isnan(plan_rollup(w4, p4, 0)));
    double w5[] = {0, 0}, p5[] = {0.3, 0.6};
    assert_true(isnan(plan_rollup(w5, p5, 2)));
}

static void test_section_status(void **state)
{
    (void)state;
    assert_int_equal(plan_section_status(1, START, DUE, MID, &defaults), PLAN_ACHIEVED);
    assert_int_equal(plan_section_status(1, START, DUE, "2023-01-02", &defaults), PLAN_ACHIEVED);
    assert_int_equal(plan_section_status(0.99, START, DUE, "2023-01-01", &defaults),
                     PLAN_OVERDUE);
    assert_int_equal(plan_section_status(0.99, START, DUE, DUE, &defaults), PLAN_ON_TRACK);
    assert_int_equal(plan_section_status(0.4, START, DUE, MID, &defaults), PLAN_ON_TRACK);
    assert_int_equal(plan_section_status(0.39, START, DUE, MID, &defaults), PLAN_AT_RISK);
    assert_int_equal(plan_section_status(0.25, START, DUE, MID, &defaults), PLAN_AT_RISK);
    assert_int_equal(plan_section_status(0.24, START, DUE, MID, &defaults), PLAN_BEHIND);
    assert_int_equal(plan_section_status(NAN, START, DUE, MID, &defaults), PLAN_NO_DATA);
    assert_int_equal(plan_section_status(NAN, START, DUE, "2023-01-01", &defaults),
                     PLAN_OVERDUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_codes),      cmocka_unit_test(test_time_elapsed),
        cmocka_unit_test(test_progress_higher),   cmocka_unit_test(test_progress_lower),
        cmocka_unit_test(test_progress_no_baseline), cmocka_unit_test(test_target_achieved),
        cmocka_unit_test(test_target_overdue),    cmocka_unit_test(test_target_margins),
        cmocka_unit_test(test_target_no_data),    cmocka_unit_test(test_item_status),
        cmocka_unit_test(test_rollup),            cmocka_unit_test(test_section_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
