/*
 * xlsx_out.c - one JSON table as an xlsx workbook (see xlsx_out.h).
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

/* Fill the worksheet; returns LXW_NO_ERROR or the first error. */
static lxw_error xlsx_fill(lxw_workbook *wb, lxw_worksheet *ws, const xlsx_col *cols, json_t *rows)
{
    lxw_format *head = workbook_add_format(wb);
    lxw_format *fmt_int = workbook_add_format(wb);
    lxw_format *fmt_real = workbook_add_format(wb);
    lxw_format *fmt_pct = workbook_add_format(wb);
    if (!head || !fmt_int || !fmt_real || !fmt_pct)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    format_set_pattern(head, LXW_PATTERN_SOLID);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_align(head, LXW_ALIGN_CENTER);
    format_set_num_format(fmt_int, "0");
    format_set_num_format(fmt_real, "0.00");
    format_set_num_format(fmt_pct, "0.0%");

    lxw_col_t ncols = 0;
    for (const xlsx_col *c = cols; c->key; c++, ncols++) {
        lxw_error rc = worksheet_write_string(ws, 0, ncols, c->title ? c->title : c->key, head);
        if (rc != LXW_NO_ERROR)
            return rc;
        double width = c->width > 0 ? c->width : XLSX_DEFAULT_WIDTH;
        rc = worksheet_set_column(ws, ncols, ncols, width, NULL);
        if (rc != LXW_NO_ERROR)
            return rc;
    }
    size_t nrows = json_is_array(rows) ? json_array_size(rows) : 0;
    for (size_t i = 0; i < nrows; i++) {
        json_t *row = json_array_get(rows, i);
        if (!json_is_object(row))
            continue;
        lxw_row_t at = (lxw_row_t)(i + 1);
        lxw_col_t col = 0;
        for (const xlsx_col *c = cols; c->key; c++, col++) {
            lxw_format *num = c->kind == XLSX_INT ? fmt_int
                            : c->kind == XLSX_REAL ? fmt_real
                            : c->kind == XLSX_PERCENT ? fmt_pct : NULL;
            lxw_error rc = xlsx_write_cell(ws, at, col, json_object_get(row, c->key), num);
            if (rc != LXW_NO_ERROR)
                return rc;
        }
    }
    if (ncols > 0) {
        lxw_error rc = worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows, (lxw_col_t)(ncols - 1));
        if (rc != LXW_NO_ERROR)
            return rc;
    }
    worksheet_freeze_panes(ws, 1, 0);
    return LXW_NO_ERROR;
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
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir || access(dir, W_OK) != 0)
        dir = "/tmp";
    char path[4096];
    if (snprintf(path, sizeof path, "%s/edubureau-xlsx-XXXXXX", dir) >= (int)sizeof path) {
        xlsx_set_err(err, "xlsx: TMPDIR too long", NULL);
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        xlsx_set_err(err, "xlsx: mkstemp", strerror(errno));
        return -1;
    }
    close(fd);

    lxw_workbook_options opts = {.constant_memory = 0, .tmpdir = (char *)dir, .use_zip64 = 0};
    lxw_workbook *wb = workbook_new_opt(path, &opts);
    if (!wb) {
        unlink(path);
        xlsx_set_err(err, "xlsx: workbook_new_opt failed", NULL);
        return -1;
    }
    char name[XLSX_MAX_SHEET_CHARS * 4 + 1];
    xlsx_sheet_name(sheet_title, name, sizeof name);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    lxw_error rc = ws ? xlsx_fill(wb, ws, cols, rows) : LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error close_rc = workbook_close(wb);
    if (rc == LXW_NO_ERROR)
        rc = close_rc;
    if (rc != LXW_NO_ERROR) {
        unlink(path);
        xlsx_set_err(err, "xlsx", lxw_strerror(rc));
        return -1;
    }
    int read_rc = xlsx_read_file(path, out, out_len);
    unlink(path);
    if (read_rc != 0) {
        xlsx_set_err(err, "xlsx: cannot read back the workbook", NULL);
        return -1;
    }
    return 0;
}
