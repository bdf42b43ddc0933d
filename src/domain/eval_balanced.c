/* eval_balanced.c - STUB: the eval helper replaces this file (see eval.h). */
#include "domain/eval.h"

int eval_balanced(store_db *db, const eval_scope *scope, int year, const char *stage,
                  json_t *changes, json_t **out, refusal *e)
{
    (void)db, (void)scope, (void)year, (void)stage, (void)changes, (void)e;
    *out = NULL;
    return STORE_ERROR;
}
