/* eval_standards.c - STUB: the eval helper replaces this file (see eval.h). */
#include "domain/eval.h"

#include <math.h>

int eval_standards_in_force(store_db *db, int year, int64_t county_org_id, json_t **out)
{
    (void)db, (void)year, (void)county_org_id;
    *out = json_array();
    return STORE_OK;
}

double eval_standard_threshold(json_t *standards, const char *indicator, const char *stage,
                               const char *level)
{
    (void)standards, (void)indicator, (void)stage, (void)level;
    return NAN;
}

int eval_compare(double value, const char *comparison, double threshold)
{
    (void)value, (void)comparison, (void)threshold;
    return 0;
}
