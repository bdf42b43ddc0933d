/*
 * table_read.h - the one shape in which uploaded tables are read.
 *
 * The xlsx reader (xlsx_read.c) and the CSV reader (csv_read.c) both stream
 * a file row by row into a table_row_fn: sheet name, 1-based row number as
 * the user sees it in Excel, and the cells as UTF-8 text (NULL for empty),
 * indexed by 0-based column. Numbers come as their shortest exact text
 * ("12", "3.5"), dates as "YYYY-MM-DD", booleans as "1"/"0". Errors are
 * Chinese sentences naming where the file is broken.
 */
#ifndef EDU_TABLE_READ_H
#define EDU_TABLE_READ_H

#include <stddef.h>

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

/* 1 when data looks like an xlsx (a zip: "PK\3\4"), else 0 (CSV). */
int table_is_xlsx(const void *data, size_t len);

#endif
