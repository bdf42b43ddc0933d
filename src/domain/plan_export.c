/* plan_export.c - STUB: replaced (see plan.h). */
#include "domain/plan.h"

#include <string.h>

int plan_export_xlsx(store_db *db, int64_t plan_id, const char *on, char **out, size_t *len,
                     char **err)
{
    (void)db, (void)plan_id, (void)on, (void)out, (void)len;
    *err = strdup("未实现");
    return -1;
}
int plan_export_docx(store_db *db, int64_t plan_id, const char *on, char **out, size_t *len,
                     char **err)
{
    (void)db, (void)plan_id, (void)on, (void)out, (void)len;
    *err = strdup("未实现");
    return -1;
}
