/*
 * csv_read.h - CSV as Chinese Excel and WPS save it.
 *
 * UTF-8 with or without BOM, or GBK (GB18030) when the bytes are not valid
 * UTF-8 (converted with iconv); comma separated, RFC 4180 quoting (quoted
 * fields may hold commas, doubled quotes and line breaks), CRLF or LF. The
 * sheet name passed to the callback is "CSV". See table_read.h.
 *
 * csv_read reads a buffer, csv_read_file a file in chunks (memory stays
 * the same whatever its size); both go through the same parser.
 */
#ifndef EDU_CSV_READ_H
#define EDU_CSV_READ_H

#include "io/table_read.h"

int csv_read(const void *data, size_t len, const table_limits *limits, table_row_fn fn,
             void *ctx, char **err);
int csv_read_file(const char *path, const table_limits *limits, table_row_fn fn, void *ctx,
                  char **err);

#endif
