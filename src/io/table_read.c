/*
 * table_read.c - what the xlsx and CSV readers share (see table_read.h):
 * the default limits and telling an xlsx (a zip) from a CSV by its bytes.
 */
#include "io/table_read.h"

#include <string.h>

void table_limits_default(table_limits *l)
{
    l->max_file = 20u * 1024 * 1024;
    l->max_unzipped = 200u * 1024 * 1024;
    l->max_ratio = 200;
    l->max_rows = 1100000;
    l->max_cols = 1024;
}

int table_is_xlsx(const void *data, size_t len)
{
    return data && len >= 4 && memcmp(data, "PK\3\4", 4) == 0;
}
