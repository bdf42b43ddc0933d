/* plan_reports.c - STUB: the plan helper replaces this file (see plan.h). */
#include "domain/plan.h"

int plan_report_create(store_db *db, const user_ctx *u, const char *ip, int64_t item_id,
                       json_t *body, int64_t *id_out, refusal *e)
{
    (void)db, (void)u, (void)ip, (void)item_id, (void)body, (void)e;
    *id_out = 0;
    return STORE_ERROR;
}
int plan_can_report(const user_ctx *u, const char *plan_path, int64_t lead_dept_id)
{
    (void)u, (void)plan_path, (void)lead_dept_id;
    return 0;
}
