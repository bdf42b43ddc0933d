/*
 * table_read.c - what the xlsx and CSV readers share (see table_read.h):
 * the default limits and telling an xlsx (a zip) from a CSV by its first
 * bytes, in a buffer or a file.
 */
#include "io/table_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void table_limits_default(table_limits *l)
{
    l->max_file = 20u * 1024 * 1024;
    l->max_unzipped = 200u * 1024 * 1024;
    l->max_ratio = 200;
    l->max_rows = 1100000;
    l->max_cols = 1024;
}

void table_limits_use(const table_limits *given, table_limits *l)
{
    if (given)
        *l = *given;
    else
        table_limits_default(l);
    if (l->max_cols < 1)
        l->max_cols = 1;
    if (l->max_rows < 1)
        l->max_rows = 1;
}

int table_is_xlsx(const void *data, size_t len)
{
    return data && len >= 4 && memcmp(data, "PK\3\4", 4) == 0;
}

FILE *table_file_open(const char *path, size_t *size, char **err)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (f && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
        *size = (size_t)st.st_size;
        return f;
    }
    if (f)
        fclose(f);
    if (err && asprintf(err, "无法打开文件 %s", path) < 0) {
        fputs("edubureau: 内存不足\n", stderr);
        abort();
    }
    return NULL;
}

int table_file_is_xlsx(const char *path)
{
    unsigned char head[4];
    size_t size;
    FILE *f = table_file_open(path, &size, NULL);
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return table_is_xlsx(head, n);
}
