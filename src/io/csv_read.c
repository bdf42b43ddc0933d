/*
 * csv_read.c - CSV as Chinese Excel and WPS save it (see csv_read.h).
 *
 * Encoding: a UTF-8 BOM is skipped and means UTF-8. Without it the whole
 * buffer is checked as strict UTF-8 (no overlong forms, surrogates or code
 * points above U+10FFFF); when that fails it is converted from GB18030 (a
 * superset of GBK) with iconv, and a byte sequence that is not GB18030
 * either is an error naming a line and byte offset: where the encoding that
 * read further (probably the one meant) breaks. UTF-16 (as "Unicode
 * text") is refused with a hint. A NUL byte means the file is not text.
 *
 * Parsing follows RFC 4180: comma separated; a field starting with '"' is
 * quoted and may hold commas, line breaks and doubled quotes; like Excel,
 * text after the closing quote is kept. Records end at CRLF, LF or a lone CR.
 * Row numbers count records (the rows Excel shows), so a quoted line break
 * does not shift them. Empty fields are NULL, trailing empty fields are
 * dropped, and records without any value (blank lines, the final newline)
 * are not delivered.
 */
#include "io/csv_read.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

#define CR_NONE ((size_t)-1)

static void cr_oom(void)
{
    fputs("edubureau: 内存不足\n", stderr);
    abort();
}

static int cr_fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cr_fail(char **err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(err, fmt, ap) < 0)
            cr_oom();
        va_end(ap);
    }
    return -1;
}

/* The offset of the first byte that is not strict UTF-8, or CR_NONE. */
static size_t cr_utf8_invalid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned char lo = 0x80, hi = 0xbf;    /* range of the second byte */
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            if (c == 0xe0)
                lo = 0xa0;          /* no overlong forms */
            else if (c == 0xed)
                hi = 0x9f;          /* no surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f;          /* nothing above U+10FFFF */
        } else {
            return i;
        }
        if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
        i += len;
    }
    return CR_NONE;
}

/* 1-based line of byte offset off. */
static long cr_line_of(const char *s, size_t off)
{
    long line = 1;
    for (const char *p = s; (p = memchr(p, '\n', off - (size_t)(p - s))) != NULL; p++)
        line++;
    return line;
}

/* GB18030 bytes as UTF-8 in *out (malloced, *outlen bytes): 0, or -1 with
 * *bad the offset of the first byte that is not GB18030. */
static int cr_from_gb18030(const char *in, size_t n, char **out, size_t *outlen, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        *bad = CR_NONE;
        return -1;
    }
    size_t cap = n + n / 2 + 16;
    char *buf = malloc(cap);
    if (!buf)
        cr_oom();
    char *ip = (char *)in, *op = buf;
    size_t ileft = n, oleft = cap;
    int rc = 0;
    while (ileft > 0) {
        if (iconv(cd, &ip, &ileft, &op, &oleft) != (size_t)-1)
            break;
        if (errno != E2BIG) {
            *bad = (size_t)(ip - in);
            rc = -1;
            break;
        }
        size_t used = (size_t)(op - buf);
        cap *= 2;
        char *p = realloc(buf, cap);
        if (!p)
            cr_oom();
        buf = p;
        op = buf + used;
        oleft = cap - used;
    }
    iconv_close(cd);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    *outlen = (size_t)(op - buf);
    return 0;
}

/* One record's fields while it is being read. */
typedef struct cr_record {
    strbuf text;        /* the fields, each NUL-terminated */
    size_t *off;        /* per field: offset in text, CR_NONE when empty */
    const char **cells;
    int n;              /* fields stored (at most max_cols) */
    int used;           /* 1 + the last non-empty field */
} cr_record;

/* Close the field that starts at text offset start; -1 when over max_cols. */
static int cr_field_end(cr_record *rec, size_t start, int max_cols)
{
    int empty = rec->text.len == start;
    if (rec->n >= max_cols) {
        rec->text.len = start;
        if (rec->text.buf)
            rec->text.buf[start] = '\0';
        return empty ? 0 : -1;
    }
    if (!empty) {
        sb_appendn(&rec->text, "", 1);
        rec->used = rec->n + 1;
    }
    rec->off[rec->n++] = empty ? CR_NONE : start;
    return 0;
}

static int cr_parse(const char *s, size_t n, const table_limits *lim, table_row_fn fn, void *ctx,
                    char **err)
{
    cr_record rec = {STRBUF_INIT, NULL, NULL, 0, 0};
    rec.off = malloc(sizeof *rec.off * (size_t)lim->max_cols);
    rec.cells = malloc(sizeof *rec.cells * (size_t)lim->max_cols);
    if (!rec.off || !rec.cells)
        cr_oom();
    size_t i = 0;
    long row = 0;
    int rc = 0;
    while (i < n && rc == 0) {
        row++;
        sb_reset(&rec.text);
        rec.n = rec.used = 0;
        for (;;) {      /* one field */
            size_t start = rec.text.len;
            if (s[i] == '"') {
                i++;
                for (;;) {
                    const char *q = memchr(s + i, '"', n - i);
                    if (!q) {
                        rc = cr_fail(err, "CSV 格式错误：第 %ld 行的引号没有闭合", row);
                        break;
                    }
                    sb_appendn(&rec.text, s + i, (size_t)(q - s) - i);
                    i = (size_t)(q - s) + 1;
                    if (i < n && s[i] == '"') {
                        sb_appendc(&rec.text, '"');
                        i++;
                    } else {
                        break;
                    }
                }
                if (rc != 0)
                    break;
            }
            size_t run = i;
            while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
                i++;
            sb_appendn(&rec.text, s + run, i - run);
            if (cr_field_end(&rec, start, lim->max_cols) != 0) {
                rc = cr_fail(err, "第 %ld 行超过 %d 列的上限", row, lim->max_cols);
                break;
            }
            if (i < n && s[i] == ',') {
                i++;
                if (i < n)
                    continue;
                break;      /* a trailing comma at the end of the file */
            }
            if (i < n && s[i] == '\r') {
                i++;
                if (i < n && s[i] == '\n')
                    i++;
            } else if (i < n && s[i] == '\n') {
                i++;
            }
            break;
        }
        if (rc != 0)
            break;
        if (rec.used == 0)
            continue;
        if (row > lim->max_rows) {
            rc = cr_fail(err, "文件超过 %ld 行的上限", lim->max_rows);
            break;
        }
        for (int c = 0; c < rec.used; c++)
            rec.cells[c] = rec.off[c] == CR_NONE ? NULL : rec.text.buf + rec.off[c];
        rc = fn ? fn(ctx, "CSV", row, rec.used, rec.cells) : 0;
    }
    sb_free(&rec.text);
    free(rec.off);
    free(rec.cells);
    return rc;
}

int csv_read(const void *data, size_t len, const table_limits *limits, table_row_fn fn,
             void *ctx, char **err)
{
    table_limits lim;
    if (err)
        *err = NULL;
    if (limits)
        lim = *limits;
    else
        table_limits_default(&lim);
    if (lim.max_cols < 1)
        lim.max_cols = 1;
    if (!data)
        len = 0;
    if (len > lim.max_file)
        return cr_fail(err, "文件过大（%.1f MB），上限为 %zu MB", (double)len / (1024 * 1024),
                       lim.max_file / (1024 * 1024));
    const char *s = data;
    size_t base = 0;
    if (len >= 2 && ((s[0] == '\xff' && s[1] == '\xfe') || (s[0] == '\xfe' && s[1] == '\xff')))
        return cr_fail(err, "不支持 UTF-16（Unicode 文本）编码的 CSV，请另存为“CSV UTF-8”");
    int bom = len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0;
    if (bom)
        base = 3;
    char *converted = NULL;
    size_t n = len - base;
    s += base;
    size_t bad = cr_utf8_invalid((const unsigned char *)s, n);
    if (bad != CR_NONE) {
        if (bom)
            return cr_fail(err, "文件以 UTF-8 标记开头，但第 %ld 行（第 %zu 字节）不是有效的 UTF-8",
                           cr_line_of(s, bad), base + bad + 1);
        /* neither: name the place where the likelier encoding breaks */
        size_t gbk_bad;
        if (cr_from_gb18030(s, n, &converted, &n, &gbk_bad) != 0) {
            if (gbk_bad == CR_NONE)
                return cr_fail(err, "文件不是 UTF-8 编码，而本机无法转换 GBK 编码");
            if (gbk_bad > bad)
                bad = gbk_bad;
            return cr_fail(err, "文件编码无法识别：既不是有效的 UTF-8，也不是有效的 GBK（第 %ld 行，第 %zu 字节）",
                           cr_line_of(s, bad), base + bad + 1);
        }
        s = converted;
    }
    const char *nul = memchr(s, '\0', n);
    int rc;
    if (nul)
        rc = cr_fail(err, "文件第 %ld 行含有空字符，不是文本文件", cr_line_of(s, (size_t)(nul - s)));
    else
        rc = cr_parse(s, n, &lim, fn, ctx, err);
    free(converted);
    return rc;
}
