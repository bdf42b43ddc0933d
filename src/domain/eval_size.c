/* eval_size.c - STUB: the eval helper replaces this file (see eval.h). */
#include "domain/eval.h"

int eval_class_size(store_db *db, const eval_scope *scope, int year, json_t **out)
{
    (void)db, (void)scope, (void)year;
    *out = NULL;
    return STORE_ERROR;
}

int eval_school_card(store_db *db, int64_t school_id, int year, json_t **out)
{
    (void)db, (void)school_id, (void)year;
    *out = NULL;
    return STORE_NOTFOUND;
}
