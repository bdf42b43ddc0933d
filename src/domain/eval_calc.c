/*
 * eval_calc.c - the arithmetic of 义务教育优质均衡 (../shared/standards.md
 * §1), pure functions without the database so that each is unit-tested
 * alone (tests/unit/test_eval.c):
 *
 *   eval_weighted_cv     the 差异系数 weighted by enrollment
 *   eval_stage_shares    the split of a combined school's shared resources
 *   eval_school_verdict  6 of the 7 indicators met, the rest at 85%
 *   eval_shortfall       what a school lacks, in the planner's unit
 *
 * Thresholds come from the caller (eval_standards); nothing here is a
 * constant of the standard. Comparisons at a threshold use
 * eval_compare (eval_standards.c), which allows a relative 1e-9: a value
 * computed as 100 × 21 / 500 = 4.2000000000000002 or 4.1999999999999993
 * meets the threshold 4.2, as the inspector's calculator says it does.
 */
#include "domain/eval.h"

#include <math.h>

const char *const eval_indicator_keys[EVAL_NINDICATORS] = {
    "qualified_teachers", "key_teachers",    "pe_art_teachers", "teaching_area",
    "sports_area",        "equipment_value", "multimedia_rooms"};

double eval_weighted_cv(const double *x, const double *p, size_t n, double *mean_out,
                        double *sd_out)
{
    double total = 0, weighted = 0, var = 0;
    int all_equal = 1;

    if (mean_out)
        *mean_out = NAN;
    if (sd_out)
        *sd_out = NAN;
    if (n == 0)
        return NAN;
    for (size_t i = 0; i < n; i++) {
        total += p[i];
        weighted += p[i] * x[i];
        if (x[i] != x[0])
            all_equal = 0;
    }
    if (!(total > 0))
        return NAN;
    double mean = weighted / total;
    if (mean_out)
        *mean_out = mean;
    if (all_equal) {
        /* the exact answer, not the rounding noise of Σpx/P − x */
        if (mean_out)
            *mean_out = x[0];
        if (sd_out)
            *sd_out = 0;
        return x[0] == 0 ? NAN : 0;
    }
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - mean;
        var += p[i] / total * d * d;
    }
    double sd = sqrt(var);
    if (sd_out)
        *sd_out = sd;
    if (mean == 0)
        return NAN;
    return sd / mean;
}

void eval_stage_shares(const double pupils[EVAL_NSTAGES], const double weights[EVAL_NSTAGES],
                       double shares[EVAL_NSTAGES])
{
    double sum = 0;

    for (int i = 0; i < EVAL_NSTAGES; i++)
        if (pupils[i] > 0 && weights[i] > 0)
            sum += weights[i] * pupils[i];
    for (int i = 0; i < EVAL_NSTAGES; i++)
        shares[i] = sum > 0 && pupils[i] > 0 && weights[i] > 0 ? weights[i] * pupils[i] / sum : 0;
}

/* A threshold that is NAN (no standard in force) does not count against a
 * school: the indicator is taken as met. */
int eval_school_verdict(const double values[EVAL_NINDICATORS],
                        const double thresholds[EVAL_NINDICATORS], int min_met,
                        double remaining_ratio, int met[EVAL_NINDICATORS], int *met_count)
{
    int count = 0, remaining_ok = 1;

    for (int i = 0; i < EVAL_NINDICATORS; i++) {
        if (isnan(thresholds[i]))
            met[i] = 1;
        else
            met[i] = !isnan(values[i]) && eval_compare(values[i], ">=", thresholds[i]);
        count += met[i];
        if (!met[i] && (isnan(values[i]) ||
                        !eval_compare(values[i], ">=", remaining_ratio * thresholds[i])))
            remaining_ok = 0;
    }
    *met_count = count;
    return count >= min_met && remaining_ok;
}

/* A lack x > 0 rounded up to a multiple of 1/scale, forgiving the rounding
 * noise of the multiplication that made it (2.0000000000004 teachers are
 * 2); never less than one unit, since something is lacking. */
static double eval_round_up(double x, double scale)
{
    double r = ceil(x * scale - 1e-6) / scale;
    return r < 1 / scale ? 1 / scale : r;
}

double eval_shortfall(int indicator, double value, double threshold, double pupils)
{
    if (isnan(threshold) || !(pupils > 0) || indicator < 0 || indicator >= EVAL_NINDICATORS)
        return 0;
    if (isnan(value))
        value = 0;
    if (eval_compare(value, ">=", threshold))
        return 0;
    double lack = (threshold - value) * pupils;
    switch (indicator) {
    case EVAL_QUALIFIED_TEACHERS:
    case EVAL_KEY_TEACHERS:
    case EVAL_PE_ART_TEACHERS:
    case EVAL_MULTIMEDIA_ROOMS:
        return eval_round_up(lack / 100, 1); /* per 100 pupils: whole people, rooms */
    case EVAL_TEACHING_AREA:
    case EVAL_SPORTS_AREA:
        return eval_round_up(lack, 10); /* m², one decimal */
    default:
        return eval_round_up(lack, 1); /* 元 */
    }
}
