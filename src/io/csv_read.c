/*
 * csv_read.c - CSV as Chinese Excel and WPS save it (see csv_read.h).
 *
 * One reader for a buffer (uploads) and a file (the command line): both
 * are a cr_source read in chunks of CR_CHUNK bytes, so a file of any size
 * costs one chunk, one record and the caller's row, never the file.
 *
 * Encoding, decided by a first pass over the bytes: a UTF-8 BOM is skipped
 * and means UTF-8. Without it the bytes are checked as strict UTF-8 (no
 * overlong forms, surrogates or code points above U+10FFFF); when that
 * fails they are read as GB18030 (a superset of GBK) through iconv, and a
 * byte sequence that is not GB18030 either is an error naming a line and
 * byte offset: where the encoding that read further (probably the one
 * meant) breaks. UTF-16 (as "Unicode text") is refused with a hint. A NUL
 * byte means the file is not text. All of this is known before the first
 * row is delivered, so a refused file delivers nothing.
 *
 * Parsing, the second pass, follows RFC 4180: comma separated; a field
 * starting with '"' is quoted and may hold commas, line breaks and doubled
 * quotes; like Excel, text after the closing quote is kept. Records end at
 * CRLF, LF or a lone CR. A record cut by the end of a chunk is read again
 * from its start once the next chunk is there (the carry-over). Row numbers
 * count records (the rows Excel shows), so a quoted line break does not
 * shift them. Empty fields are NULL, trailing empty fields are dropped, and
 * records without any value (blank lines, the final newline) are not
 * delivered.
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
#ifndef CR_CHUNK
#define CR_CHUNK (256 * 1024)   /* bytes read at a time (the fuzz build makes it tiny) */
#endif

static void cr_oom(void)
{
    fputs("edubureau: 内存不足\n", stderr);
    abort();
}

static int cr_fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cr_fail(char **err, const char *fmt, ...)
{
    if (err && !*err) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(err, fmt, ap) < 0)
            cr_oom();
        va_end(ap);
    }
    return -1;
}

/* ---- where the bytes come from ------------------------------------------ */

typedef struct cr_source {
    const char *mem;    /* a buffer of len bytes, or */
    FILE *file;         /* a file of len bytes */
    size_t len, pos;
} cr_source;

/* Up to cap bytes into buf: the count (0 at the end), or -1 on a read error. */
static long cr_source_read(cr_source *src, char *buf, size_t cap)
{
    size_t n = src->len - src->pos < cap ? src->len - src->pos : cap;
    if (src->file) {
        n = fread(buf, 1, cap, src->file);
        if (n < cap && ferror(src->file))
            return -1;
    } else if (n) {
        memcpy(buf, src->mem + src->pos, n);
    }
    src->pos += n;
    return (long)n;
}

/* Back to byte off of the source; 0 or -1. */
static int cr_source_seek(cr_source *src, size_t off)
{
    if (src->file && fseeko(src->file, (off_t)off, SEEK_SET) != 0)
        return -1;
    src->pos = off;
    return 0;
}

/* 1-based line of byte off of the source (counted from byte from). */
static long cr_source_line(cr_source *src, size_t from, size_t off, char *buf)
{
    long line = 1;
    size_t at = from;
    if (cr_source_seek(src, from) != 0)
        return 0;
    while (at < off) {
        long n = cr_source_read(src, buf, CR_CHUNK);
        if (n <= 0)
            break;
        size_t use = (size_t)n < off - at ? (size_t)n : off - at;
        for (const char *p = buf; (p = memchr(p, '\n', use - (size_t)(p - buf))) != NULL; p++)
            line++;
        at += use;
    }
    return line;
}

/* ---- encodings ----------------------------------------------------------- */

enum { CR_UTF8_OK, CR_UTF8_CUT, CR_UTF8_BAD };

/* Strict UTF-8 over s[0..n): CR_UTF8_OK, or CR_UTF8_BAD with *stop the
 * offset of the first byte that is not, or (unless final) CR_UTF8_CUT with
 * *stop where a sequence is cut by the end of s. */
static int cr_utf8_check(const unsigned char *s, size_t n, int final, size_t *stop)
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
            *stop = i;
            return CR_UTF8_BAD;
        }
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n) {
                *stop = i;
                return final ? CR_UTF8_BAD : CR_UTF8_CUT;
            }
            if (k == 1 ? s[i + 1] < lo || s[i + 1] > hi : (s[i + k] & 0xc0) != 0x80) {
                *stop = i;
                return CR_UTF8_BAD;
            }
        }
        i += len;
    }
    return CR_UTF8_OK;
}

/* GB18030 in[0..n) as UTF-8 appended to out (when out is NULL only
 * checked): the bytes consumed, a sequence cut by the end of in left over
 * unless final; or -1 with *bad the offset of the first byte that is not
 * GB18030. */
static long cr_gb18030(iconv_t cd, const char *in, size_t n, int final, strbuf *out, size_t *bad)
{
    char scratch[4096];
    char *ip = (char *)in;
    size_t ileft = n;
    while (ileft > 0) {
        char *op;
        size_t oleft;
        if (out) {
            size_t want = out->len + ileft * 2 + 16;
            if (out->cap < want + 1) {
                char *p = realloc(out->buf, want + 1);
                if (!p)
                    cr_oom();
                out->buf = p;
                out->cap = want + 1;
            }
            op = out->buf + out->len;
            oleft = out->cap - 1 - out->len;
        } else {
            op = scratch;
            oleft = sizeof scratch;
        }
        char *op0 = op;
        size_t rc = iconv(cd, &ip, &ileft, &op, &oleft);
        if (out) {
            out->len += (size_t)(op - op0);
            out->buf[out->len] = '\0';
        }
        if (rc != (size_t)-1 || errno == E2BIG)
            continue;
        if (errno == EINVAL && !final)
            break;      /* cut: the rest comes with the next chunk */
        *bad = (size_t)(ip - in);
        return -1;
    }
    return (long)(ip - in);
}

/* What the first pass learnt. */
typedef struct cr_scan {
    size_t base;        /* 3 after a UTF-8 BOM, else 0 */
    int gbk;            /* 1: read as GB18030 */
    size_t utf8_bad;    /* offset (from base) of the first byte that is not UTF-8, or CR_NONE */
    size_t nul;         /* offset (from base) of the first NUL, or CR_NONE */
} cr_scan;

/* The first pass: BOM, UTF-16, UTF-8 validity and NUL; when the bytes are
 * not UTF-8 (and have no BOM), a second look checks them as GB18030.
 * 0 with *sc filled, or -1 with *err. */
static int cr_detect(cr_source *src, char *buf, cr_scan *sc, char **err)
{
    sc->base = 0;
    sc->gbk = 0;
    sc->utf8_bad = sc->nul = CR_NONE;
    unsigned char head[3];
    long got = cr_source_read(src, (char *)head, 3);
    if (got < 0)
        return cr_fail(err, "读取文件失败");
    if (got >= 2 && ((head[0] == 0xff && head[1] == 0xfe) || (head[0] == 0xfe && head[1] == 0xff)))
        return cr_fail(err, "不支持 UTF-16（Unicode 文本）编码的 CSV，请另存为“CSV UTF-8”");
    int bom = got == 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0;
    sc->base = bom ? 3 : 0;
    if (cr_source_seek(src, sc->base) != 0)
        return cr_fail(err, "读取文件失败");

    size_t have = 0, at = 0;    /* bytes carried over; offset of buf[0] from base */
    for (;;) {
        long n = cr_source_read(src, buf + have, CR_CHUNK);
        if (n < 0)
            return cr_fail(err, "读取文件失败");
        size_t len = have + (size_t)n, stop = 0;
        int final = n == 0;
        if (sc->nul == CR_NONE) {
            const char *z = memchr(buf + have, '\0', (size_t)n);
            if (z)
                sc->nul = at + (size_t)(z - buf);
        }
        have = 0;
        if (sc->utf8_bad == CR_NONE) {
            int rc = cr_utf8_check((const unsigned char *)buf, len, final, &stop);
            if (rc == CR_UTF8_BAD)
                sc->utf8_bad = at + stop;
            else if (rc == CR_UTF8_CUT)
                have = len - stop;
        }
        if (final)
            break;
        memmove(buf, buf + len - have, have);
        at += len - have;
    }
    if (sc->utf8_bad == CR_NONE)
        return 0;
    if (bom)
        return cr_fail(err, "文件以 UTF-8 标记开头，但第 %ld 行（第 %zu 字节）不是有效的 UTF-8",
                       cr_source_line(src, sc->base, sc->base + sc->utf8_bad, buf),
                       sc->base + sc->utf8_bad + 1);

    /* not UTF-8: GB18030 all through? */
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return cr_fail(err, "文件不是 UTF-8 编码，而本机无法转换 GBK 编码");
    size_t gbk_bad = CR_NONE;
    have = 0;
    at = 0;
    if (cr_source_seek(src, 0) != 0) {
        iconv_close(cd);
        return cr_fail(err, "读取文件失败");
    }
    for (;;) {
        long n = cr_source_read(src, buf + have, CR_CHUNK);
        if (n < 0) {
            iconv_close(cd);
            return cr_fail(err, "读取文件失败");
        }
        size_t len = have + (size_t)n, bad = 0;
        long used = cr_gb18030(cd, buf, len, n == 0, NULL, &bad);
        if (used < 0) {
            gbk_bad = at + bad;
            break;
        }
        if (n == 0)
            break;
        have = len - (size_t)used;
        memmove(buf, buf + used, have);
        at += (size_t)used;
    }
    iconv_close(cd);
    if (gbk_bad != CR_NONE) {
        size_t bad = gbk_bad > sc->utf8_bad ? gbk_bad : sc->utf8_bad;
        return cr_fail(err, "文件编码无法识别：既不是有效的 UTF-8，也不是有效的 GBK（第 %ld 行，第 %zu 字节）",
                       cr_source_line(src, 0, bad, buf), bad + 1);
    }
    sc->gbk = 1;
    return 0;
}

/* ---- records ------------------------------------------------------------- */

/* One record's fields while it is being read. */
typedef struct cr_record {
    strbuf text;        /* the fields, each NUL-terminated */
    size_t *off;        /* per field: offset in text, CR_NONE when empty */
    const char **cells;
    int n;              /* fields stored (at most max_cols) */
    int used;           /* 1 + the last non-empty field */
} cr_record;

/* The second pass. */
typedef struct cr_parser {
    table_limits lim;
    table_row_fn fn;
    void *ctx;
    char **err;
    cr_record rec;
    long row;           /* records read */
} cr_parser;

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

enum { CR_DONE = 0, CR_MORE = 1 };

/* The record starting at s[*pos] (*pos < n) into p->rec: CR_DONE with *pos
 * after it; CR_MORE when it may go on past n and more text follows (not
 * final); -1 with the error. */
static int cr_record_read(cr_parser *p, const char *s, size_t n, int final, size_t *pos)
{
    cr_record *rec = &p->rec;
    size_t i = *pos;
    sb_reset(&rec->text);
    rec->n = rec->used = 0;
    for (;;) {      /* one field, starting at i < n */
        size_t start = rec->text.len;
        if (s[i] == '"') {
            i++;
            for (;;) {
                const char *q = memchr(s + i, '"', n - i);
                if (!q)
                    return final ? cr_fail(p->err, "CSV 格式错误：第 %ld 行的引号没有闭合", p->row)
                                 : CR_MORE;
                if ((size_t)(q - s) + 1 == n && !final)
                    return CR_MORE;     /* a doubled quote or the closing one? */
                sb_appendn(&rec->text, s + i, (size_t)(q - s) - i);
                i = (size_t)(q - s) + 1;
                if (i < n && s[i] == '"') {
                    sb_appendc(&rec->text, '"');
                    i++;
                } else {
                    break;
                }
            }
        }
        size_t run = i;
        while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
            i++;
        if (i == n && !final)
            return CR_MORE;
        sb_appendn(&rec->text, s + run, i - run);
        if (cr_field_end(rec, start, p->lim.max_cols) != 0)
            return cr_fail(p->err, "第 %ld 行超过 %d 列的上限", p->row, p->lim.max_cols);
        if (i < n && s[i] == ',') {
            i++;
            if (i < n)
                continue;
            if (!final)
                return CR_MORE;
            break;      /* a trailing comma at the end of the file */
        }
        if (i < n && s[i] == '\r') {
            i++;
            if (i == n && !final)
                return CR_MORE;     /* CRLF cut in two? */
            if (i < n && s[i] == '\n')
                i++;
        } else if (i < n && s[i] == '\n') {
            i++;
        }
        break;
    }
    *pos = i;
    return CR_DONE;
}

/* Deliver the complete records of s[0..n); *used: the bytes read (the
 * rest starts a record that goes on in the next chunk). 0 to go on, the
 * callback's value, or -1 with the error. */
static int cr_records(cr_parser *p, const char *s, size_t n, int final, size_t *used)
{
    size_t i = 0;
    int rc = 0;
    while (i < n && rc == 0) {
        p->row++;
        rc = cr_record_read(p, s, n, final, &i);
        if (rc == CR_MORE) {
            p->row--;
            rc = 0;
            break;
        }
        if (rc != 0)
            break;
        cr_record *rec = &p->rec;
        if (rec->used == 0)
            continue;
        if (p->row > p->lim.max_rows)
            return cr_fail(p->err, "文件超过 %ld 行的上限", p->lim.max_rows);
        for (int c = 0; c < rec->used; c++)
            rec->cells[c] = rec->off[c] == CR_NONE ? NULL : rec->text.buf + rec->off[c];
        rc = p->fn ? p->fn(p->ctx, "CSV", p->row, rec->used, rec->cells) : 0;
    }
    *used = i;
    return rc;
}

/* The second pass: the text (converted from GB18030 when sc says so) in
 * chunks, each with the carried-over start of a record before it. */
static int cr_parse(cr_source *src, const cr_scan *sc, char *buf, cr_parser *p)
{
    strbuf text = STRBUF_INIT;      /* carry-over + the chunk's text */
    size_t have = 0;                /* raw bytes carried over (a cut GB18030 sequence) */
    iconv_t cd = (iconv_t)-1;
    int rc = 0;
    if (sc->gbk && (cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
        return cr_fail(p->err, "文件不是 UTF-8 编码，而本机无法转换 GBK 编码");
    if (cr_source_seek(src, sc->base) != 0)
        rc = cr_fail(p->err, "读取文件失败");
    while (rc == 0) {
        long n = cr_source_read(src, buf + have, CR_CHUNK);
        if (n < 0) {
            rc = cr_fail(p->err, "读取文件失败");
            break;
        }
        int final = n == 0;
        size_t len = have + (size_t)n;
        if (sc->gbk) {
            size_t bad;
            long conv = cr_gb18030(cd, buf, len, final, &text, &bad);
            if (conv < 0) {     /* the first pass said it converts */
                rc = cr_fail(p->err, "文件在读取时被修改");
                break;
            }
            have = len - (size_t)conv;
            memmove(buf, buf + conv, have);
        } else {
            sb_appendn(&text, buf, len);
            have = 0;
        }
        size_t used = 0;
        rc = cr_records(p, text.buf ? text.buf : "", text.len, final, &used);
        if (rc != 0 || final)
            break;
        memmove(text.buf, text.buf + used, text.len - used);
        text.len -= used;
    }
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    sb_free(&text);
    return rc;
}

/* ---- the entry points ---------------------------------------------------- */

static int cr_run(cr_source *src, const table_limits *limits, table_row_fn fn, void *ctx,
                  char **err)
{
    cr_parser p = {.fn = fn, .ctx = ctx, .err = err, .rec = {STRBUF_INIT, NULL, NULL, 0, 0}};
    table_limits_use(limits, &p.lim);
    if (src->len > p.lim.max_file)
        return cr_fail(err, "文件过大（%.1f MB），上限为 %zu MB", (double)src->len / (1024 * 1024),
                       p.lim.max_file / (1024 * 1024));
    char *buf = malloc(CR_CHUNK + 8);   /* a chunk and the start of a cut character */
    if (!buf)
        cr_oom();
    cr_scan sc;
    int rc = cr_detect(src, buf, &sc, err);
    if (rc == 0 && sc.nul != CR_NONE)
        rc = cr_fail(err, "文件第 %ld 行含有空字符，不是文本文件",
                     cr_source_line(src, sc.base, sc.base + sc.nul, buf));
    if (rc == 0) {
        p.rec.off = malloc(sizeof *p.rec.off * (size_t)p.lim.max_cols);
        p.rec.cells = malloc(sizeof *p.rec.cells * (size_t)p.lim.max_cols);
        if (!p.rec.off || !p.rec.cells)
            cr_oom();
        rc = cr_parse(src, &sc, buf, &p);
    }
    sb_free(&p.rec.text);
    free(p.rec.off);
    free(p.rec.cells);
    free(buf);
    return rc;
}

int csv_read(const void *data, size_t len, const table_limits *limits, table_row_fn fn,
             void *ctx, char **err)
{
    if (err)
        *err = NULL;
    cr_source src = {.mem = data ? data : "", .len = data ? len : 0};
    return cr_run(&src, limits, fn, ctx, err);
}

int csv_read_file(const char *path, const table_limits *limits, table_row_fn fn, void *ctx,
                  char **err)
{
    if (err)
        *err = NULL;
    size_t size;
    FILE *f = table_file_open(path, &size, err);
    if (!f)
        return -1;
    cr_source src = {.file = f, .len = size};
    int rc = cr_run(&src, limits, fn, ctx, err);
    fclose(f);
    return rc;
}
