/* plan_demo.c - STUB: replaced (see plan.h). */
#include "domain/plan.h"

int plan_demo_generate(store_db *db, int64_t county_org_id, char *err, size_t err_size)
{
    (void)db, (void)county_org_id, (void)err, (void)err_size;
    return STORE_OK;
}
