/*
 * xlsx_out.c - JSON tables as an xlsx workbook of one or more sheets
 * (see xlsx_out.h); xlsx_table is the one-sheet case of xlsx_book.
 *
 * libxlsxwriter 1.1 writes only to files: the workbook goes to a temporary
 * file (mkstemp in $TMPDIR or /tmp), which is read back and removed. Cells
 * by JSON type: strings are text (also in number columns, so nothing is
 * silently lost), numbers are numbers with the column's format (PERCENT
 * values are fractions: 0.25 shows as 25.0%), booleans are 是/否, null or a
 * missing key is an empty cell, arrays and objects are their JSON text.
 */
#include "io/xlsx_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_DEFAULT_WIDTH 12
#define XLSX_MAX_SHEET_CHARS 31
#define XLSX_MAX_CELL_BYTES 32767

static void xlsx_set_err(char **err, const char *what, const char *detail)
{
    if (!err)
        return;
    size_t n = strlen(what) + (detail ? strlen(detail) : 0) + 3;
    *err = malloc(n);
    if (*err)
        snprintf(*err, n, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

/* Excel sheet names: at most 31 characters, none of []:*?/\ . */
static void xlsx_sheet_name(const char *title, char *out, size_t outsz)
{
    size_t n = 0;
    int chars = 0;
    const unsigned char *p = (const unsigned char *)(title && *title ? title : "Sheet1");
    while (*p && chars < XLSX_MAX_SHEET_CHARS) {
        size_t clen = 1;
        if (*p >= 0xf0)
            clen = 4;
        else if (*p >= 0xe0)
            clen = 3;
        else if (*p >= 0xc0)
            clen = 2;
        if (n + clen + 1 > outsz || strnlen((const char *)p, clen) < clen)
            break;
        if (clen == 1 && (strchr("[]:*?/\\'", *p) || *p < 0x20)) {
            out[n++] = '_';
        } else {
            memcpy(out + n, p, clen);
            n += clen;
        }
        p += clen;
        chars++;
    }
    out[n] = '\0';
    if (n == 0)
        snprintf(out, outsz, "Sheet1");
}

/* Write a string, cut at Excel's cell limit on a UTF-8 boundary. */
static lxw_error xlsx_write_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                                 lxw_format *fmt)
{
    size_t len = strlen(s);
    if (len <= XLSX_MAX_CELL_BYTES)
        return worksheet_write_string(ws, row, col, s, fmt);
    size_t cut = XLSX_MAX_CELL_BYTES;
    while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
        cut--;
    char *copy = strndup(s, cut);
    lxw_error rc = copy ? worksheet_write_string(ws, row, col, copy, fmt)
                        : LXW_ERROR_MEMORY_MALLOC_FAILED;
    free(copy);
    return rc;
}

static lxw_error xlsx_write_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, json_t *v,
                                 lxw_format *num_fmt)
{
    if (!v || json_is_null(v))
        return LXW_NO_ERROR;
    if (json_is_string(v))
        return xlsx_write_text(ws, row, col, json_string_value(v), NULL);
    if (json_is_integer(v))
        return worksheet_write_number(ws, row, col, (double)json_integer_value(v), num_fmt);
    if (json_is_real(v))
        return worksheet_write_number(ws, row, col, json_real_value(v), num_fmt);
    if (json_is_boolean(v))
        return worksheet_write_string(ws, row, col, json_is_true(v) ? "是" : "否", NULL);
    /* Arrays and objects: their JSON text. */
    char *text = json_dumps(v, JSON_COMPACT);
    lxw_error rc = text ? xlsx_write_text(ws, row, col, text, NULL) : LXW_ERROR_MEMORY_MALLOC_FAILED;
    free(text);
    return rc;
}

static int xlsx_read_file(const char *path, char **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    char *buf = malloc((size_t)size + 1);
    if (!buf) {
        fclose(f);
        return -1;
    }
    size_t got = fread(buf, 1, (size_t)size, f);
    fclose(f);
    if (got != (size_t)size) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = got;
    return 0;
}

/* ------------------------------------------------------------- workbook */

struct xlsx_book {
    char path[4096];          /* the temporary file */
    lxw_workbook *wb;
    lxw_format *head, *fmt_int, *fmt_real, *fmt_pct;
    lxw_worksheet *ws;        /* the sheet being written, or NULL */
    const xlsx_col *cols;     /* its columns */
    lxw_col_t ncols;
    lxw_row_t next_row;       /* the next data row (0-based; 0 is the header) */
    lxw_error rc;             /* the first error, reported by xlsx_book_finish */
};

/* Remember the first error; returns -1 when there is one. */
static int xlsx_book_check(xlsx_book *b, lxw_error rc)
{
    if (rc != LXW_NO_ERROR && b->rc == LXW_NO_ERROR)
        b->rc = rc;
    return b->rc == LXW_NO_ERROR ? 0 : -1;
}

xlsx_book *xlsx_book_new(int streaming, char **err)
{
    if (err)
        *err = NULL;
    xlsx_book *b = calloc(1, sizeof *b);
    if (!b) {
        xlsx_set_err(err, "xlsx: out of memory", NULL);
        return NULL;
    }
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir || access(dir, W_OK) != 0)
        dir = "/tmp";
    if (snprintf(b->path, sizeof b->path, "%s/edubureau-xlsx-XXXXXX", dir) >= (int)sizeof b->path) {
        free(b);
        xlsx_set_err(err, "xlsx: TMPDIR too long", NULL);
        return NULL;
    }
    int fd = mkstemp(b->path);
    if (fd < 0) {
        free(b);
        xlsx_set_err(err, "xlsx: mkstemp", strerror(errno));
        return NULL;
    }
    close(fd);
    lxw_workbook_options opts = {.constant_memory = streaming ? 1 : 0, .tmpdir = (char *)dir,
                                 .use_zip64 = 0};
    b->wb = workbook_new_opt(b->path, &opts);
    if (b->wb) {
        b->head = workbook_add_format(b->wb);
        b->fmt_int = workbook_add_format(b->wb);
        b->fmt_real = workbook_add_format(b->wb);
        b->fmt_pct = workbook_add_format(b->wb);
    }
    if (!b->wb || !b->head || !b->fmt_int || !b->fmt_real || !b->fmt_pct) {
        if (b->wb)
            workbook_close(b->wb);
        unlink(b->path);
        free(b);
        xlsx_set_err(err, "xlsx: workbook_new_opt failed", NULL);
        return NULL;
    }
    format_set_bold(b->head);
    format_set_bg_color(b->head, 0xDDEBF7);
    format_set_pattern(b->head, LXW_PATTERN_SOLID);
    format_set_border(b->head, LXW_BORDER_THIN);
    format_set_align(b->head, LXW_ALIGN_CENTER);
    format_set_num_format(b->fmt_int, "0");
    format_set_num_format(b->fmt_real, "0.00");
    format_set_num_format(b->fmt_pct, "0.0%");
    return b;
}

/* Close the current sheet: the autofilter over its header and rows. */
static int xlsx_book_end_sheet(xlsx_book *b)
{
    if (b->ws && b->ncols > 0) {
        lxw_row_t last = b->next_row > 1 ? b->next_row - 1 : 0;
        xlsx_book_check(b, worksheet_autofilter(b->ws, 0, 0, last, (lxw_col_t)(b->ncols - 1)));
    }
    b->ws = NULL;
    b->cols = NULL;
    b->ncols = 0;
    return b->rc == LXW_NO_ERROR ? 0 : -1;
}

int xlsx_book_sheet(xlsx_book *b, const char *name, const xlsx_col *cols, json_t *rows)
{
    if (!cols)
        return xlsx_book_check(b, LXW_ERROR_NULL_PARAMETER_IGNORED);
    if (xlsx_book_end_sheet(b) != 0)
        return -1;
    char sheet[XLSX_MAX_SHEET_CHARS * 4 + 1];
    xlsx_sheet_name(name, sheet, sizeof sheet);
    b->ws = workbook_add_worksheet(b->wb, sheet);
    if (!b->ws)
        return xlsx_book_check(b, LXW_ERROR_SHEETNAME_ALREADY_USED);
    b->cols = cols;
    b->next_row = 1;
    for (const xlsx_col *c = cols; c->key; c++, b->ncols++) {
        double width = c->width > 0 ? c->width : XLSX_DEFAULT_WIDTH;
        if (xlsx_book_check(b, worksheet_set_column(b->ws, b->ncols, b->ncols, width, NULL)) != 0)
            return -1;
    }
    lxw_col_t col = 0;
    for (const xlsx_col *c = cols; c->key; c++, col++)
        if (xlsx_book_check(b, worksheet_write_string(b->ws, 0, col, c->title ? c->title : c->key,
                                                      b->head)) != 0)
            return -1;
    worksheet_freeze_panes(b->ws, 1, 0);
    size_t nrows = json_is_array(rows) ? json_array_size(rows) : 0;
    for (size_t i = 0; i < nrows; i++)
        if (xlsx_book_row(b, json_array_get(rows, i)) != 0)
            return -1;
    return 0;
}

int xlsx_book_row(xlsx_book *b, json_t *row)
{
    if (!b->ws)
        return xlsx_book_check(b, LXW_ERROR_NULL_PARAMETER_IGNORED);
    if (!json_is_object(row))
        return b->rc == LXW_NO_ERROR ? 0 : -1;
    lxw_row_t at = b->next_row++;
    lxw_col_t col = 0;
    for (const xlsx_col *c = b->cols; c->key; c++, col++) {
        lxw_format *num = c->kind == XLSX_INT ? b->fmt_int
                        : c->kind == XLSX_REAL ? b->fmt_real
                        : c->kind == XLSX_PERCENT ? b->fmt_pct : NULL;
        if (xlsx_book_check(b, xlsx_write_cell(b->ws, at, col, json_object_get(row, c->key), num)) != 0)
            return -1;
    }
    return 0;
}

int xlsx_book_finish(xlsx_book *b, char **out, size_t *out_len, char **err)
{
    *out = NULL;
    *out_len = 0;
    if (err)
        *err = NULL;
    xlsx_book_end_sheet(b);
    lxw_error close_rc = workbook_close(b->wb);
    lxw_error rc = b->rc != LXW_NO_ERROR ? b->rc : close_rc;
    int result = 0;
    if (rc != LXW_NO_ERROR) {
        xlsx_set_err(err, "xlsx", lxw_strerror(rc));
        result = -1;
    } else if (xlsx_read_file(b->path, out, out_len) != 0) {
        xlsx_set_err(err, "xlsx: cannot read back the workbook", NULL);
        result = -1;
    }
    unlink(b->path);
    free(b);
    return result;
}

int xlsx_table(const char *sheet_title, const xlsx_col *cols, json_t *rows,
               char **out, size_t *out_len, char **err)
{
    *out = NULL;
    *out_len = 0;
    if (err)
        *err = NULL;
    if (!cols) {
        xlsx_set_err(err, "xlsx: no columns", NULL);
        return -1;
    }
    xlsx_book *b = xlsx_book_new(0, err);
    if (!b)
        return -1;
    xlsx_book_sheet(b, sheet_title, cols, rows);
    return xlsx_book_finish(b, out, out_len, err);
}
