/*
 * xlsx_read.h - our own streaming xlsx reader (libzip + expat).
 *
 * Reads every worksheet in workbook order, resolving shared strings and
 * inline strings, numbers, dates (by the cell's number format), booleans,
 * empty cells and merged ranges (every cell of a merged range reads as its
 * top-left value). Refuses zip bombs, bad XML and oversized files with a
 * clear Chinese error. See table_read.h for the row callback.
 */
#ifndef EDU_XLSX_READ_H
#define EDU_XLSX_READ_H

#include "io/table_read.h"

/* 0 when every row was delivered; the callback's non-zero value when it
 * stopped; -1 with *err (malloced, Chinese) when the file is bad. limits
 * may be NULL for the defaults. */
int xlsx_read(const void *data, size_t len, const table_limits *limits, table_row_fn fn,
              void *ctx, char **err);
/* The same for the file at path, which libzip reads entry by entry as the
 * parts are needed: memory does not grow with the file. */
int xlsx_read_file(const char *path, const table_limits *limits, table_row_fn fn, void *ctx,
                   char **err);

#endif
