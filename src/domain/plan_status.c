/*
 * plan_status.c - the arithmetic of 目标 status (docs/api-plan.md, Status):
 * the fraction of an item's time elapsed, a target's progress from its
 * baseline to its floor (保底), the status of a target on a date, of an item
 * from its latest report, the roll-up of children by weight and the status
 * of a section; and the date arithmetic the other plan files share
 * (plan_internal.h): day numbers, a year's bounds, a period's last day.
 * Pure functions of their arguments: no database, no clock; dates are
 * "YYYY-MM-DD" strings. plan_figures.c applies them to a plan.
 */
#include "domain/plan_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

/* Comparisons at the margins tolerate the rounding of the divisions. */
#define PLAN_EPSILON 1e-9

const char *const plan_status_codes[PLAN_NSTATUS] = {"achieved", "on_track", "at_risk",
                                                     "behind",   "overdue",  "no_data"};
const char *const plan_status_labels[PLAN_NSTATUS] = {"已完成", "正常", "有风险",
                                                      "滞后",   "逾期", "未报送"};

int plan_status_of(const char *code)
{
    for (int i = 0; code && i < PLAN_NSTATUS; i++)
        if (strcmp(code, plan_status_codes[i]) == 0)
            return i;
    return -1;
}

/* ----------------------------------------------------------------- dates */

int plan_day(const char *date, int64_t *day)
{
    int64_t t;

    if (!clock_date_valid(date) || clock_parse(date, &t) != 0)
        return -1;
    /* clock_parse gives the start of the day in UTC+8: 16:00 UTC the day
     * before; shift back to a whole day count. */
    *day = (t + 8 * 3600) / 86400;
    return 0;
}

void plan_year_bounds(int year, char first[11], char last[11])
{
    snprintf(first, 11, "%04u-01-01", (unsigned)year % 10000u);
    snprintf(last, 11, "%04u-12-31", (unsigned)year % 10000u);
}

void plan_date_or(char out[11], const char *date, const char *fallback)
{
    snprintf(out, 11, "%s", clock_date_valid(date) ? date : fallback);
}

void plan_period_end(const char *period, char out[11])
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year = atoi(period) % 10000, month;
    if (period[5] == 'Q')
        month = (period[6] - '0') * 3;
    else
        month = (period[5] - '0') * 10 + (period[6] - '0');
    int last = days[month - 1];
    if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
        last = 29;
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)year % 10000u, (unsigned)month % 100u,
             (unsigned)last % 100u);
}

/* ---------------------------------------------------------------- status */

/* 1 when on lies after due (both valid dates), else 0. */
static int plan_past(const char *due, const char *on)
{
    int64_t d, o;

    if (plan_day(due, &d) != 0 || plan_day(on, &o) != 0)
        return 0;
    return o > d;
}

double plan_time_elapsed(const char *start, const char *due, const char *on)
{
    int64_t s, d, o;

    if (plan_day(start, &s) != 0 || plan_day(due, &d) != 0 || plan_day(on, &o) != 0)
        return 0;
    if (d <= s)
        return 1;
    double t = (double)(o - s) / (double)(d - s);
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

/* 1 when current reaches floor in the target's direction. */
static int plan_reached(double floor, double current, int lower_is_better)
{
    if (isnan(current))
        return 0;
    return lower_is_better ? current <= floor + PLAN_EPSILON : current >= floor - PLAN_EPSILON;
}

double plan_target_progress(double baseline, double floor, double current, int lower_is_better)
{
    double p;

    if (isnan(current))
        return NAN;
    if (isnan(baseline)) {
        if (lower_is_better || floor == 0)
            return plan_reached(floor, current, lower_is_better) ? 1 : 0;
        p = current / floor;
    } else if (floor == baseline) {
        return plan_reached(floor, current, lower_is_better) ? 1 : 0;
    } else {
        p = (current - baseline) / (floor - baseline);
    }
    return p < 0 ? 0 : p;
}

/* The status of progress p against the time elapsed t. */
static plan_status plan_pace(double p, double t, const plan_margins *m)
{
    double at_risk = m ? m->at_risk : 10, behind = m ? m->behind : 25;

    if (p >= t - at_risk / 100 - PLAN_EPSILON)
        return PLAN_ON_TRACK;
    if (p >= t - behind / 100 - PLAN_EPSILON)
        return PLAN_AT_RISK;
    return PLAN_BEHIND;
}

plan_status plan_target_status(double baseline, double floor, double current,
                               int lower_is_better, const char *start, const char *due,
                               const char *on, const plan_margins *m)
{
    if (plan_reached(floor, current, lower_is_better))
        return PLAN_ACHIEVED;
    if (plan_past(due, on))
        return PLAN_OVERDUE;
    if (isnan(current))
        return PLAN_NO_DATA;
    return plan_pace(plan_target_progress(baseline, floor, current, lower_is_better),
                     plan_time_elapsed(start, due, on), m);
}

plan_status plan_item_status(int reported_state, const char *due, const char *on)
{
    if (reported_state == PLAN_ACHIEVED)
        return PLAN_ACHIEVED;
    if (plan_past(due, on))
        return PLAN_OVERDUE;
    if (reported_state < 0 || reported_state >= PLAN_NSTATUS)
        return PLAN_NO_DATA;
    return (plan_status)reported_state;
}

double plan_rollup(const double *weights, const double *progress, int n)
{
    double sum = 0, weight = 0;

    for (int i = 0; i < n; i++) {
        if (isnan(progress[i]) || isnan(weights[i]) || weights[i] < 0)
            continue;
        sum += weights[i] * progress[i];
        weight += weights[i];
    }
    return weight > 0 ? sum / weight : NAN;
}

plan_status plan_section_status(double progress, const char *start, const char *due,
                                const char *on, const plan_margins *m)
{
    if (!isnan(progress) && progress >= 1 - PLAN_EPSILON)
        return PLAN_ACHIEVED;
    if (plan_past(due, on))
        return PLAN_OVERDUE;
    if (isnan(progress))
        return PLAN_NO_DATA;
    return plan_pace(progress, plan_time_elapsed(start, due, on), m);
}
