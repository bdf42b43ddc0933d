/*
 * xlsx_out.h - write tables (JSON rows) as an xlsx workbook (libxlsxwriter).
 *
 * Each sheet has a bold frozen header row with Chinese titles, column
 * widths, number formats by column kind, and an autofilter. xlsx_table
 * writes one sheet; xlsx_book writes several (the 基表 export: one sheet
 * per 办学类型), row by row if need be. libxlsxwriter writes files only, so
 * the workbook goes to a temporary file that is read back and removed.
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

/* A workbook being written: new, then for each sheet xlsx_book_sheet and
 * any number of xlsx_book_row, then xlsx_book_finish (which always frees
 * it). streaming != 0 writes each row out at once (constant memory, strings
 * inline rather than shared): rows must come in order, sheet by sheet. */
typedef struct xlsx_book xlsx_book;

/* NULL with *err (malloced) on failure. */
xlsx_book *xlsx_book_new(int streaming, char **err);
/* Start a sheet (name cut to Excel's 31 characters, []:*?/\ replaced) with
 * the header of cols, then rows (may be NULL). cols must stay valid until
 * the next sheet or the finish. 0, or -1 (the error is reported by finish). */
int xlsx_book_sheet(xlsx_book *b, const char *name, const xlsx_col *cols, json_t *rows);
/* One more row (object keyed by the columns' keys) on the current sheet. */
int xlsx_book_row(xlsx_book *b, json_t *row);
/* Close the workbook: 0 and a malloced buffer in *out, or -1 with *err. */
int xlsx_book_finish(xlsx_book *b, char **out, size_t *out_len, char **err);

#endif
