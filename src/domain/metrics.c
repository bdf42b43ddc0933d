/* metrics.c - STUB: the metrics helper replaces this file (see metrics.h). */
#include "domain/metrics.h"

#include <math.h>

const metric_def metrics_registry[] = {{0}};

int metrics_key_valid(store_db *db, const char *key)
{
    (void)db, (void)key;
    return 0;
}

int metrics_value(store_db *db, const char *key, const char *path, const char *path_hi,
                  int64_t county_org_id, int year, double *value, json_t **as_of)
{
    (void)db, (void)key, (void)path, (void)path_hi, (void)county_org_id, (void)year;
    *value = NAN;
    if (as_of)
        *as_of = NULL;
    return STORE_NOTFOUND;
}

int metrics_list(store_db *db, const char *path, const char *path_hi, int64_t county_org_id,
                 int year, json_t **out)
{
    (void)db, (void)path, (void)path_hi, (void)county_org_id, (void)year;
    *out = json_array();
    return STORE_OK;
}
