/* plan_tree.c - STUB: the plan helper replaces this file (see plan.h). */
#include "domain/plan.h"

#include <string.h>

int plan_load(store_db *db, int64_t plan_id, json_t **out)
{
    sval p[] = {SV_I(plan_id)};
    return db_query_one(db, "SELECT * FROM plans WHERE id = ?", p, 1, out);
}
void plan_status_date(json_t *plan, const char *on, char out[11])
{
    (void)plan;
    strcpy(out, on ? on : "2022-12-31");
}
int plan_tree(store_db *db, int64_t plan_id, const char *on, int64_t dept_id, const char *status,
              json_t **out)
{
    (void)db, (void)plan_id, (void)on, (void)dept_id, (void)status;
    *out = NULL;
    return STORE_ERROR;
}
int plan_reminders(store_db *db, int64_t plan_id, const char *on, json_t **out)
{
    (void)db, (void)plan_id, (void)on;
    *out = NULL;
    return STORE_ERROR;
}
int plan_headline(store_db *db, const char *path, const char *on, json_t **out)
{
    (void)db, (void)path, (void)on;
    *out = NULL;
    return STORE_NOTFOUND;
}
int plan_item_detail(store_db *db, int64_t item_id, const char *on, json_t **out)
{
    (void)db, (void)item_id, (void)on;
    *out = NULL;
    return STORE_NOTFOUND;
}
