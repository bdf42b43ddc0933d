/* plan_status.c - STUB: the plan helper replaces this file (see plan.h). */
#include "domain/plan.h"

#include <math.h>

const char *const plan_status_codes[PLAN_NSTATUS] = {"achieved", "on_track", "at_risk",
                                                     "behind",   "overdue",  "no_data"};
const char *const plan_status_labels[PLAN_NSTATUS] = {"已完成", "正常", "有风险",
                                                      "滞后",   "逾期", "未报送"};

int plan_status_of(const char *code) { (void)code; return -1; }
double plan_time_elapsed(const char *start, const char *due, const char *on)
{
    (void)start, (void)due, (void)on;
    return 0;
}
double plan_target_progress(double baseline, double floor, double current, int lower_is_better)
{
    (void)baseline, (void)floor, (void)current, (void)lower_is_better;
    return NAN;
}
plan_status plan_target_status(double baseline, double floor, double current,
                               int lower_is_better, const char *start, const char *due,
                               const char *on, const plan_margins *m)
{
    (void)baseline, (void)floor, (void)current, (void)lower_is_better, (void)start, (void)due,
        (void)on, (void)m;
    return PLAN_NO_DATA;
}
plan_status plan_item_status(int reported_state, const char *due, const char *on)
{
    (void)reported_state, (void)due, (void)on;
    return PLAN_NO_DATA;
}
double plan_rollup(const double *weights, const double *progress, int n)
{
    (void)weights, (void)progress, (void)n;
    return NAN;
}
plan_status plan_section_status(double progress, const char *start, const char *due,
                                const char *on, const plan_margins *m)
{
    (void)progress, (void)start, (void)due, (void)on, (void)m;
    return PLAN_NO_DATA;
}
