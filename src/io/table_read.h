/*
 * table_read.h - the one shape in which uploaded tables are read.
 *
 * The xlsx reader (xlsx_read.c) and the CSV reader (csv_read.c) both stream
 * a buffer (an upload) or a file (xlsx_read_file, csv_read_file: the command
 * line, any size) row by row into a table_row_fn: sheet name, 1-based row number as
 * the user sees it in Excel, and the cells as UTF-8 text (NULL for empty),
 * indexed by 0-based column. Numbers come as their shortest exact text
 * ("12", "3.5"), dates as "YYYY-MM-DD", booleans as "1"/"0". Errors are
 * Chinese sentences naming where the file is broken.
 */
#ifndef EDU_TABLE_READ_H
#define EDU_TABLE_READ_H

#include <stddef.h>
#include <stdio.h>

/* Return 0 to go on, anything else stops the reading (returned by the reader). */
typedef int (*table_row_fn)(void *ctx, const char *sheet, long row, int ncells,
                            const char *const *cells);

typedef struct table_limits {
    size_t max_file;        /* bytes of the uploaded file (default 20 MiB) */
    size_t max_unzipped;    /* total uncompressed bytes of an xlsx (default 200 MiB) */
    double max_ratio;       /* uncompressed/compressed per zip entry (default 200) */
    long max_rows;          /* per sheet (default 1,100,000) */
    int max_cols;           /* per row (default 1024) */
} table_limits;

void table_limits_default(table_limits *l);
/* The limits a reader uses: *given, or the defaults when NULL; at least one
 * row and one column. */
void table_limits_use(const table_limits *given, table_limits *l);

/* 1 when data looks like an xlsx (a zip: "PK\3\4"), else 0 (CSV). */
int table_is_xlsx(const void *data, size_t len);
/* The same for the first bytes of the file at path (0 when unreadable: the
 * CSV reader then names the file it cannot open). */
int table_file_is_xlsx(const char *path);

/* The regular file at path opened for reading, *size its bytes; NULL with
 * *err (malloced, "无法打开文件 …") when it cannot be. */
FILE *table_file_open(const char *path, size_t *size, char **err);

#endif
