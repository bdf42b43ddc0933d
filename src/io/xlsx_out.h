/*
 * xlsx_out.h - write a table (JSON rows) as an xlsx workbook (libxlsxwriter).
 *
 * One sheet, a bold frozen header row with Chinese titles, column widths,
 * number formats by column kind, and an autofilter. libxlsxwriter writes
 * files only, so the workbook goes to a temporary file that is read back and
 * removed.
 */
#ifndef EDU_XLSX_OUT_H
#define EDU_XLSX_OUT_H

#include <stddef.h>
#include <jansson.h>

typedef enum { XLSX_TEXT = 0, XLSX_INT, XLSX_REAL, XLSX_PERCENT } xlsx_kind;

typedef struct xlsx_col {
    const char *key;     /* key in each row object; NULL ends the list */
    const char *title;   /* Chinese column header */
    int width;           /* in characters; 0 = default 12 */
    xlsx_kind kind;
} xlsx_col;

/* Returns 0 and a malloced buffer in *out, or -1 with *err (malloced). */
int xlsx_table(const char *sheet_title, const xlsx_col *cols, json_t *rows,
               char **out, size_t *out_len, char **err);

#endif
