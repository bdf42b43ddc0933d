/* eval_demo.c - STUB: replaced (see eval.h). */
#include "domain/eval.h"

int eval_demo_generate(store_db *db, uint64_t seed, int64_t county_org_id, char *err,
                       size_t err_size)
{
    (void)db, (void)seed, (void)county_org_id, (void)err, (void)err_size;
    return STORE_OK;
}
