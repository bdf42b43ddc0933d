/* eval_calc.c - STUB: the eval helper replaces this file (see eval.h). */
#include "domain/eval.h"

#include <math.h>

const char *const eval_indicator_keys[EVAL_NINDICATORS] = {
    "qualified_teachers", "key_teachers",    "pe_art_teachers", "teaching_area",
    "sports_area",        "equipment_value", "multimedia_rooms"};

double eval_weighted_cv(const double *x, const double *p, size_t n, double *mean_out,
                        double *sd_out)
{
    (void)x, (void)p, (void)n, (void)mean_out, (void)sd_out;
    return NAN;
}

void eval_stage_shares(const double pupils[EVAL_NSTAGES], const double weights[EVAL_NSTAGES],
                       double shares[EVAL_NSTAGES])
{
    (void)pupils, (void)weights;
    for (int i = 0; i < EVAL_NSTAGES; i++)
        shares[i] = 0;
}

int eval_school_verdict(const double values[EVAL_NINDICATORS],
                        const double thresholds[EVAL_NINDICATORS], int min_met,
                        double remaining_ratio, int met[EVAL_NINDICATORS], int *met_count)
{
    (void)values, (void)thresholds, (void)min_met, (void)remaining_ratio, (void)met;
    *met_count = 0;
    return 0;
}

double eval_shortfall(int indicator, double value, double threshold, double pupils)
{
    (void)indicator, (void)value, (void)threshold, (void)pupils;
    return 0;
}
