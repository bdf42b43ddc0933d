/*
 * xlsx_read.c - our own streaming xlsx reader (see xlsx_read.h).
 *
 * An xlsx is a zip of XML parts. The zip is opened with libzip from memory
 * (xlsx_read) or from the file (xlsx_read_file, read as entries are needed)
 * and, before anything is decompressed, every entry's declared size is
 * checked: the total must stay under max_unzipped, and an entry above 1 MiB
 * may not be more than max_ratio times its compressed size (a zip bomb).
 * While decompressing, the bytes actually produced are counted again against
 * the declared size. Each part goes to expat in 64 KiB chunks (zip_fread into
 * XML_GetBuffer), so no part is ever held whole. A DOCTYPE or an entity
 * declaration stops the parser: no billion laughs, no external entities.
 * Sheets, nearly all of the bytes, go the same way through a small tokenizer
 * of our own (xr_parse_sheet, below) that calls the same handlers and
 * refuses the same things; expat keeps the other parts and any sheet not
 * in UTF-8.
 *
 * Parts: _rels/.rels names the workbook (xl/workbook.xml when absent); the
 * workbook gives the sheet names and r:ids in order and date1904; its .rels
 * maps r:ids to sheet parts and names sharedStrings and styles. Shared
 * strings are held (one buffer plus offsets). Styles give, per cellXfs
 * index, whether the number format is a date: built-in 14-22 and 45-47, the
 * Chinese-locale built-ins 27-36 and 50-58 (Chinese Excel writes them
 * without a numFmt), or a custom code with y, m, d or h outside quotes,
 * escapes and [brackets].
 *
 * Merged ranges: <mergeCells> comes after <sheetData>, so a sheet whose XML
 * contains the bytes "mergeCell" is parsed twice: a first pass collects only
 * the ranges, the second delivers the rows and gives every cell of a range
 * its top-left value (rows absent from the XML but covered by a range with a
 * value are delivered too). Other sheets cost one extra decompression for
 * that byte scan, never a second parse. The byte scans run in a helper
 * thread (xr_prescan) with its own zip_t over the same buffer or file,
 * started once the sheet parts are known, so they overlap the shared
 * strings and the rows; a sheet waits only for its own result, and scans
 * again itself when the helper could not tell (the error is then its own).
 * Memory is one row, the shared strings and the ranges, whatever the
 * number of rows.
 *
 * Cells: r="B3" gives the column (a missing r means the next column; a row
 * without r is the row after the previous one; rows must ascend). t="s"
 * shared string, "inlineStr" the <is> text (rich runs concatenated, phonetic
 * runs skipped), "b" "1"/"0", "str" and "e" their text, "d" an ISO date,
 * otherwise a number: kept as written when it is a plain decimal of at most
 * 15 digits, else an integer as digits, else the shortest of %.15g, %.16g,
 * %.17g that reads back as the same double; or "YYYY-MM-DD" when the
 * style is a date (1900 system with Excel's 1900-02-29, or 1904). Text
 * escapes _xHHHH_ are decoded. Rows without any value are not delivered.
 */
#include "io/xlsx_read.h"

#include <expat.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/clock.h"
#include "util/strbuf.h"

#define XR_CHUNK (64 * 1024)
#define XR_RATIO_MIN_SIZE (1024 * 1024)     /* smaller entries cannot be bombs */
#define XR_MAX_CELL_BYTES (32767 * 4)       /* Excel's 32767 characters in UTF-8 */
#define XR_MAX_MERGES 100000
#define XR_MAX_MERGED_CELLS 4000000L
#define XR_DATE_MAX 2958465.0                /* 9999-12-31 in the 1900 system */

typedef struct xr_rel {
    char *id, *type, *target;
} xr_rel;

typedef struct xr_sheetref {
    char *name, *rid;
} xr_sheetref;

typedef struct xr_numfmt {
    long id;
    int is_date;
} xr_numfmt;

/* One xlsx_read call. Every parser's user data starts with a pointer to it. */
typedef struct xr_reader {
    zip_t *zip;
    table_limits lim;
    table_row_fn fn;
    void *ctx;
    char *err;              /* the first error, malloced */
    int stop_value;         /* the callback's non-zero value */
    int halted;             /* the current parser was stopped */
    XML_Parser parser;      /* the current parser */
    int date1904;
    strbuf sst;             /* shared strings, each NUL-terminated */
    uint32_t *sst_off;
    size_t sst_n, sst_cap;
    long *xf_fmt;           /* cellXfs index -> numFmtId */
    size_t xf_n, xf_cap;
    unsigned char *xf_date; /* cellXfs index -> 1 when a date format */
    xr_numfmt *fmts;        /* custom number formats */
    size_t fmts_n, fmts_cap;
    xr_rel *rels;           /* of the part being resolved */
    size_t rels_n, rels_cap;
    xr_sheetref *sheets;
    size_t sheets_n, sheets_cap;
} xr_reader;

/* ---- small helpers ------------------------------------------------------ */

static void xr_oom(void)
{
    fputs("edubureau: 内存不足\n", stderr);
    abort();
}

static void *xr_alloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p)
        xr_oom();
    return p;
}

static char *xr_strdup(const char *s)
{
    char *p = strdup(s ? s : "");
    if (!p)
        xr_oom();
    return p;
}

/* Make room for need elements of elsize bytes in *arr (capacity *cap). */
static void xr_reserve(void *arr, size_t *cap, size_t need, size_t elsize)
{
    void **a = arr;
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(*a, n * elsize);
    if (!p)
        xr_oom();
    *a = p;
    *cap = n;
}

static void xr_halt(xr_reader *x)
{
    x->halted = 1;
    if (x->parser)
        XML_StopParser(x->parser, XML_FALSE);
}

static void xr_fail(xr_reader *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xr_fail(xr_reader *x, const char *fmt, ...)
{
    if (!x->err) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&x->err, fmt, ap) < 0)
            xr_oom();
        va_end(ap);
    }
    xr_halt(x);
}

/* The name without its namespace prefix ("x:row" -> "row"). Namespaces are
 * not processed: every generator uses the SpreadsheetML names, with or
 * without a prefix, and a prefix-free comparison is cheaper. */
static const char *xr_local(const char *name)
{
    for (const char *p = name; *p; p++)    /* names are short: no strchr call */
        if (*p == ':')
            return p + 1;
    return name;
}

/* The value of the attribute whose local name is local, or NULL. */
static const char *xr_attr(const char **atts, const char *local)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(xr_local(atts[i]), local) == 0 && strncmp(atts[i], "xmlns", 5) != 0)
            return atts[i + 1];
    return NULL;
}

static int xr_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A non-negative decimal integer of at most 9 digits, or -1. */
static long xr_uint(const char *s)
{
    long v = 0;
    int digits = 0;
    if (!s)
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 9)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return digits && !*s ? v : -1;
}

/* "B12" -> column 1 (0-based), row 12; "B" -> row 0. Returns the bytes
 * consumed, 0 when s does not start with one to three column letters. */
static int xr_cellref(const char *s, int *col, long *row)
{
    int c = 0, letters = 0, i = 0;
    long r = 0;
    while ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')) {
        if (++letters > 3)
            return 0;
        c = c * 26 + ((s[i] | 0x20) - 'a' + 1);
        i++;
    }
    if (!letters)
        return 0;
    if (s[i] == '$')
        i++;
    for (int digits = 0; s[i] >= '0' && s[i] <= '9'; i++) {
        if (++digits > 8)
            return 0;
        r = r * 10 + (s[i] - '0');
    }
    *col = c - 1;
    *row = r;
    return i;
}

/* ---- text: OOXML escapes, numbers, dates -------------------------------- */

static int xr_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

/* Undo the _xHHHH_ escapes of OOXML text (Excel writes CR as _x000D_), in
 * place from byte from of sb. */
static void xr_unescape(strbuf *sb, size_t from)
{
    if (!sb->buf || !strstr(sb->buf + from, "_x"))
        return;
    char *b = sb->buf;
    size_t w = from, i = from;
    while (i < sb->len) {
        if (b[i] == '_' && i + 6 < sb->len && b[i + 1] == 'x' && b[i + 6] == '_') {
            unsigned cp = 0;
            int k = 2;
            for (; k < 6 && xr_hex(b[i + k]) >= 0; k++)
                cp = cp << 4 | (unsigned)xr_hex(b[i + k]);
            if (k == 6 && cp != 0 && (cp < 0xd800 || cp > 0xdfff)) {
                if (cp < 0x80) {
                    b[w++] = (char)cp;
                } else if (cp < 0x800) {
                    b[w++] = (char)(0xc0 | (cp >> 6));
                    b[w++] = (char)(0x80 | (cp & 0x3f));
                } else {
                    b[w++] = (char)(0xe0 | (cp >> 12));
                    b[w++] = (char)(0x80 | ((cp >> 6) & 0x3f));
                    b[w++] = (char)(0x80 | (cp & 0x3f));
                }
                i += 7;
                continue;
            }
        }
        b[w++] = b[i++];
    }
    sb->len = w;
    b[w] = '\0';
}

/* An Excel serial as "YYYY-MM-DD" into out[16]; 0 when not a date. */
static int xr_date_text(double serial, int date1904, char *out)
{
    double lo = date1904 ? 0 : 1, hi = date1904 ? XR_DATE_MAX - 1462 : XR_DATE_MAX;
    if (!(serial >= lo && serial < hi + 1))
        return 0;
    long whole = (long)floor(serial);
    if (!date1904 && whole == 60) {
        strcpy(out, "1900-02-29");
        return 1;
    }
    /* days since 1899-12-30; the 1900 system counts a 29 February 1900 */
    long days = date1904 ? whole + 1462 : whole < 60 ? whole + 1 : whole;
    clock_date_of_days(days - 25569, out);
    return 1;
}

/* 1 when v is already the text we would make: -?(0|[1-9][0-9]*)(.[0-9]*[1-9])?
 * with at most 15 digits, which a double holds exactly (DBL_DIG). */
static int xr_plain_decimal(const char *v)
{
    const char *p = v + (*v == '-');
    int digits = 0;
    if (*p == '0' && p[1] != '.' && p[1])
        return 0;
    if (*p == '-' || !*p || (*v == '-' && *p == '0' && !p[1]))
        return 0;       /* "--", "", "-0" */
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (!digits)
        return 0;
    if (*p == '.') {
        int frac = 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            frac++;
        if (!frac || p[-1] == '0')
            return 0;
        digits += frac;
    }
    return !*p && digits <= 15;
}

/* A <v> number as its shortest exact text (or a date), appended to out. */
static void xr_number_text(const char *v, int is_date, int date1904, strbuf *out)
{
    if (!is_date && xr_plain_decimal(v)) {
        sb_append(out, v);
        return;
    }
    char *end;
    double d = strtod(v, &end);
    char buf[40];
    int converted = end != v;
    while (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t')
        end++;      /* pretty-printed XML */
    if (!converted || *end || !isfinite(d)) {
        sb_append(out, v);
        return;
    }
    if (is_date && xr_date_text(d, date1904, buf)) {
        sb_append(out, buf);
        return;
    }
    if (d == 0)
        d = 0;      /* no "-0" */
    if (d == floor(d) && fabs(d) < 9007199254740992.0) {
        snprintf(buf, sizeof buf, "%.0f", d);
    } else {
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, d);
            if (strtod(buf, NULL) == d)
                break;
        }
    }
    sb_append(out, buf);
}

/* 1 when an Excel number format code shows a date or a time. */
static int xr_format_is_date(const char *code)
{
    for (const char *p = code; *p; p++) {
        if (*p == '"') {
            const char *q = strchr(p + 1, '"');
            if (!q)
                return 0;
            p = q;
        } else if (*p == '[') {
            const char *q = strchr(p + 1, ']');
            if (!q)
                return 0;
            p = q;
        } else if (*p == '\\' || *p == '_' || *p == '*') {
            if (!p[1])
                return 0;
            p++;
        } else if (strchr("yYmMdDhH", *p)) {
            return 1;
        }
    }
    return 0;
}

static int xr_builtin_is_date(long id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

/* ---- zip entries -------------------------------------------------------- */

/* Every entry's declared size against the limits, before decompressing. */
static int xr_check_entries(xr_reader *x)
{
    zip_int64_t n = zip_get_num_entries(x->zip, 0);
    zip_uint64_t total = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(x->zip, (zip_uint64_t)i, 0, &st) != 0 ||
            !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
            xr_fail(x, "文件不是有效的 xlsx（zip）文件");
            return -1;
        }
        if (st.size > x->lim.max_unzipped || total + st.size > x->lim.max_unzipped) {
            xr_fail(x, "文件过大：解压后超过 %zu MB", x->lim.max_unzipped / (1024 * 1024));
            return -1;
        }
        total += st.size;
        if (st.size > XR_RATIO_MIN_SIZE && (double)st.size > (double)st.comp_size * x->lim.max_ratio) {
            xr_fail(x, "压缩比异常，疑似压缩炸弹（%s）", st.name ? st.name : "?");
            return -1;
        }
    }
    return 0;
}

/* The index of the part at path, or -1. */
static zip_int64_t xr_locate(xr_reader *x, const char *path)
{
    zip_int64_t i = zip_name_locate(x->zip, path, 0);
    if (i < 0)
        i = zip_name_locate(x->zip, path, ZIP_FL_NOCASE);
    return i;
}

static zip_file_t *xr_open_entry(xr_reader *x, zip_int64_t idx, const char *path, zip_uint64_t *size)
{
    zip_stat_t st;
    zip_file_t *f = NULL;
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) == 0)
        f = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!f) {
        int ze = zip_error_code_zip(zip_get_error(x->zip));
        if (ze == ZIP_ER_NOPASSWD || ze == ZIP_ER_WRONGPASSWD || ze == ZIP_ER_ENCRNOTSUPP)
            xr_fail(x, "文件已加密，请取消密码后再上传");
        else
            xr_fail(x, "文件不是有效的 xlsx（zip）文件：无法读取 %s", path);
        return NULL;
    }
    *size = st.size;
    return f;
}

/* Read a chunk of an entry, counting against its declared size; -1 on error. */
static zip_int64_t xr_read_chunk(xr_reader *x, zip_file_t *f, void *buf, const char *path,
                                 zip_uint64_t declared, zip_uint64_t *total)
{
    zip_int64_t n = zip_fread(f, buf, XR_CHUNK);
    if (n < 0) {
        xr_fail(x, "文件不是有效的 xlsx（zip）文件：%s 已损坏", path);
        return -1;
    }
    *total += (zip_uint64_t)n;
    if (*total > declared) {
        xr_fail(x, "压缩比异常，疑似压缩炸弹（%s 解压后大于声明的大小）", path);
        return -1;
    }
    return n;
}

/* 1 when the entry's bytes contain needle (shorter than 32 bytes), 0 when
 * not, -1 on error. */
static int xr_scan(xr_reader *x, zip_int64_t idx, const char *path, const char *needle)
{
    zip_uint64_t size, total = 0;
    zip_file_t *f = xr_open_entry(x, idx, path, &size);
    if (!f)
        return -1;
    size_t keep = strlen(needle) - 1;
    char *buf = xr_alloc(XR_CHUNK + 32);
    size_t have = 0;    /* bytes kept from the previous chunk */
    int found = 0;
    for (;;) {
        zip_int64_t n = xr_read_chunk(x, f, buf + have, path, size, &total);
        if (n < 0) {
            found = -1;
            break;
        }
        if (n == 0)
            break;
        size_t len = have + (size_t)n;
        if (memmem(buf, len, needle, keep + 1)) {
            found = 1;
            break;
        }
        have = len < keep ? len : keep;
        memmove(buf, buf + len - have, have);
    }
    free(buf);
    zip_fclose(f);
    return found;
}

static void XMLCALL xr_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    xr_fail(*(xr_reader **)ud, "XML 格式错误：文件含有不允许的 DOCTYPE 声明");
}

static void XMLCALL xr_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid;
    (void)pubid, (void)notation;
    xr_fail(*(xr_reader **)ud, "XML 格式错误：文件含有不允许的实体声明");
}

/* Parse the part at index idx with the given handlers. sheet (and *row)
 * name the place in an XML error; otherwise the part's path and XML line. */
static int xr_parse(xr_reader *x, zip_int64_t idx, const char *path, void *ud,
                    XML_StartElementHandler start, XML_EndElementHandler end,
                    XML_CharacterDataHandler text, const char *sheet, const long *row)
{
    zip_uint64_t size, total = 0;
    zip_file_t *f = xr_open_entry(x, idx, path, &size);
    if (!f)
        return -1;
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        xr_oom();
    XML_SetUserData(p, ud);
    XML_SetElementHandler(p, start, end);
    if (text)
        XML_SetCharacterDataHandler(p, text);
    XML_SetStartDoctypeDeclHandler(p, xr_doctype);
    XML_SetEntityDeclHandler(p, xr_entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    x->parser = p;
    x->halted = 0;
    int ok = 0;
    for (;;) {
        void *buf = XML_GetBuffer(p, XR_CHUNK);
        if (!buf)
            xr_oom();
        zip_int64_t n = xr_read_chunk(x, f, buf, path, size, &total);
        if (n < 0)
            break;
        if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
            if (!x->halted) {
                const char *why = XML_ErrorString(XML_GetErrorCode(p));
                if (sheet && *row > 0)
                    xr_fail(x, "XML 格式错误（工作表「%s」第 %ld 行）：%s", sheet, *row, why);
                else if (sheet)
                    xr_fail(x, "XML 格式错误（工作表「%s」）：%s", sheet, why);
                else
                    xr_fail(x, "XML 格式错误（%s 第 %lu 行）：%s", path,
                            (unsigned long)XML_GetCurrentLineNumber(p), why);
            }
            break;
        }
        if (x->halted)
            break;
        if (n == 0) {
            ok = 1;
            break;
        }
    }
    x->parser = NULL;
    XML_ParserFree(p);
    zip_fclose(f);
    return ok ? 0 : -1;
}

/* ---- relationships, workbook, shared strings, styles -------------------- */

static void XMLCALL xr_rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xr_reader *x = *(xr_reader **)ud;
    if (x->halted || strcmp(xr_local(name), "Relationship") != 0)
        return;
    const char *id = xr_attr(atts, "Id"), *type = xr_attr(atts, "Type");
    const char *target = xr_attr(atts, "Target"), *mode = xr_attr(atts, "TargetMode");
    if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
        return;
    xr_reserve(&x->rels, &x->rels_cap, x->rels_n + 1, sizeof *x->rels);
    xr_rel *r = &x->rels[x->rels_n++];
    r->id = xr_strdup(id);
    r->type = xr_strdup(type);
    r->target = xr_strdup(target);
}

static void XMLCALL xr_ignore_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

static void xr_rels_free(xr_reader *x)
{
    for (size_t i = 0; i < x->rels_n; i++) {
        free(x->rels[i].id);
        free(x->rels[i].type);
        free(x->rels[i].target);
    }
    x->rels_n = 0;
}

/* The relationships of the part at path (none when it has no .rels). */
static int xr_read_rels(xr_reader *x, const char *path)
{
    xr_rels_free(x);
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0;
    strbuf rels = STRBUF_INIT;
    sb_appendn(&rels, path, dir);
    sb_appendf(&rels, "_rels/%s.rels", path + dir);
    zip_int64_t idx = xr_locate(x, sb_str(&rels));
    int rc = 0;
    if (idx >= 0)
        rc = xr_parse(x, idx, sb_str(&rels), &x, xr_rels_start, xr_ignore_end, NULL, NULL, NULL);
    sb_free(&rels);
    return rc;
}

/* The path of a relationship target seen from the part at base: relative to
 * base's folder, or from the root when it starts with '/'. Malloced. */
static char *xr_resolve(const char *base, const char *target)
{
    strbuf path = STRBUF_INIT;
    if (target[0] != '/') {
        const char *slash = strrchr(base, '/');
        if (slash)
            sb_appendn(&path, base, (size_t)(slash - base + 1));
    }
    sb_append(&path, target[0] == '/' ? target + 1 : target);
    /* drop "." and resolve ".." segments */
    strbuf out = STRBUF_INIT;
    const char *p = sb_str(&path);
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *last = out.len > 1 ? memrchr(out.buf, '/', out.len - 1) : NULL;
            out.len = last ? (size_t)(last - out.buf + 1) : 0;
            if (out.buf)
                out.buf[out.len] = '\0';
        } else if (n && !(n == 1 && p[0] == '.')) {
            sb_appendn(&out, p, n);
            if (e)
                sb_appendc(&out, '/');
        }
        p += n + (e ? 1 : 0);
    }
    sb_free(&path);
    return sb_steal(&out);
}

/* The target (resolved from base) of the first relationship whose type
 * ends with suffix, or with id; NULL when none. Malloced. */
static char *xr_rel_target(xr_reader *x, const char *base, const char *suffix, const char *id,
                           int *is_type)
{
    for (size_t i = 0; i < x->rels_n; i++) {
        const xr_rel *r = &x->rels[i];
        if ((suffix && !id && xr_ends_with(r->type, suffix)) || (id && strcmp(r->id, id) == 0)) {
            if (is_type)
                *is_type = suffix ? xr_ends_with(r->type, suffix) : 1;
            return xr_resolve(base, r->target);
        }
    }
    return NULL;
}

static void XMLCALL xr_workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xr_reader *x = *(xr_reader **)ud;
    const char *local = xr_local(name);
    if (x->halted)
        return;
    if (strcmp(local, "sheet") == 0) {
        const char *sheet = xr_attr(atts, "name"), *rid = xr_attr(atts, "id");
        if (!sheet || !rid)
            return;
        xr_reserve(&x->sheets, &x->sheets_cap, x->sheets_n + 1, sizeof *x->sheets);
        x->sheets[x->sheets_n].name = xr_strdup(sheet);
        x->sheets[x->sheets_n].rid = xr_strdup(rid);
        x->sheets_n++;
    } else if (strcmp(local, "workbookPr") == 0) {
        const char *d = xr_attr(atts, "date1904");
        x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    }
}

/* Shared strings: the text of <t> in <si>, also in runs, not in <rPh>. */
typedef struct xr_sst_state {
    xr_reader *x;
    int in_si, in_t, rph;
    strbuf text;
} xr_sst_state;

static void XMLCALL xr_sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xr_sst_state *s = ud;
    const char *local = xr_local(name);
    (void)atts;
    if (s->x->halted)
        return;
    if (strcmp(local, "si") == 0) {
        s->in_si = 1;
        s->rph = 0;
        sb_reset(&s->text);
    } else if (s->in_si && strcmp(local, "rPh") == 0) {
        s->rph++;
    } else if (s->in_si && !s->rph && strcmp(local, "t") == 0) {
        s->in_t = 1;
    }
}

static void XMLCALL xr_sst_end(void *ud, const XML_Char *name)
{
    xr_sst_state *s = ud;
    xr_reader *x = s->x;
    const char *local = xr_local(name);
    if (x->halted)
        return;
    if (strcmp(local, "t") == 0) {
        s->in_t = 0;
    } else if (strcmp(local, "rPh") == 0) {
        if (s->rph > 0)
            s->rph--;
    } else if (strcmp(local, "si") == 0 && s->in_si) {
        s->in_si = 0;
        xr_unescape(&s->text, 0);
        if (x->sst.len + s->text.len >= UINT32_MAX) {
            xr_fail(x, "文件过大：共享字符串超过 4 GB");
            return;
        }
        xr_reserve(&x->sst_off, &x->sst_cap, x->sst_n + 1, sizeof *x->sst_off);
        x->sst_off[x->sst_n++] = (uint32_t)x->sst.len;
        sb_appendn(&x->sst, sb_str(&s->text), s->text.len);
        sb_appendn(&x->sst, "", 1);
    }
}

static void XMLCALL xr_sst_text(void *ud, const XML_Char *text, int len)
{
    xr_sst_state *s = ud;
    if (!s->x->halted && s->in_t && !s->rph)
        sb_appendn(&s->text, text, (size_t)len);
}

/* Styles: custom number formats and each cellXfs entry's numFmtId. */
typedef struct xr_styles_state {
    xr_reader *x;
    int in_xfs;
} xr_styles_state;

static void XMLCALL xr_styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xr_styles_state *s = ud;
    xr_reader *x = s->x;
    const char *local = xr_local(name);
    if (x->halted)
        return;
    if (strcmp(local, "numFmt") == 0) {
        long id = xr_uint(xr_attr(atts, "numFmtId"));
        const char *code = xr_attr(atts, "formatCode");
        if (id < 0 || !code)
            return;
        xr_reserve(&x->fmts, &x->fmts_cap, x->fmts_n + 1, sizeof *x->fmts);
        x->fmts[x->fmts_n].id = id;
        x->fmts[x->fmts_n].is_date = xr_format_is_date(code);
        x->fmts_n++;
    } else if (strcmp(local, "cellXfs") == 0) {
        s->in_xfs = 1;
    } else if (s->in_xfs && strcmp(local, "xf") == 0) {
        long id = xr_uint(xr_attr(atts, "numFmtId"));
        xr_reserve(&x->xf_fmt, &x->xf_cap, x->xf_n + 1, sizeof *x->xf_fmt);
        x->xf_fmt[x->xf_n++] = id < 0 ? 0 : id;
    }
}

static void XMLCALL xr_styles_end(void *ud, const XML_Char *name)
{
    xr_styles_state *s = ud;
    if (strcmp(xr_local(name), "cellXfs") == 0)
        s->in_xfs = 0;
}

static void xr_styles_resolve(xr_reader *x)
{
    x->xf_date = xr_alloc(x->xf_n);
    for (size_t i = 0; i < x->xf_n; i++) {
        int is_date = xr_builtin_is_date(x->xf_fmt[i]);
        for (size_t j = 0; j < x->fmts_n; j++)
            if (x->fmts[j].id == x->xf_fmt[i])
                is_date = x->fmts[j].is_date;
        x->xf_date[i] = (unsigned char)is_date;
    }
}

/* ---- sheets ------------------------------------------------------------- */

typedef struct xr_merge {
    long r1, r2;        /* 1-based rows */
    int c1, c2;         /* 0-based columns */
    char *value;        /* the top-left value once its row was read */
} xr_merge;

typedef struct xr_sheet {
    xr_reader *x;
    const char *name;
    int merge_pass;         /* 1: collect <mergeCell ref> only */
    int in_data, in_row, in_cell, in_v, in_is, in_t, rph;
    long row;               /* current or last row number, 0 before the first */
    int col;                /* current cell's column, -1 before the first */
    char type;              /* the cell's t: 'n' 's' 'b' 'i'(inlineStr) 'd' or 't'(text) */
    long style;
    strbuf text;            /* the cell's <v> or <is> text */
    strbuf rowtext;         /* the row's values, each NUL-terminated */
    long *off;              /* per column: offset in rowtext, -1 when empty */
    int used;               /* 1 + the highest column with a value */
    const char **cells;     /* handed to the callback */
    xr_merge *merges;       /* sorted by r1 after the first pass */
    size_t merges_n, merges_cap;
    long merged_cells;
    size_t next;            /* first merge whose top-left row is not reached */
    size_t *active;         /* merges with a value covering rows still to come */
    size_t active_n;
    long done;              /* last row delivered or passed */
} xr_sheet;

static void xr_merge_add(xr_sheet *s, const char *ref)
{
    xr_reader *x = s->x;
    int c1, c2;
    long r1, r2;
    int n = ref ? xr_cellref(ref, &c1, &r1) : 0;
    if (!n || r1 < 1)
        return;
    if (ref[n] == ':') {
        if (!xr_cellref(ref + n + 1, &c2, &r2) || r2 < 1)
            return;
    } else {
        return;     /* a single cell merges nothing */
    }
    if (r2 < r1) {
        long t = r1;
        r1 = r2;
        r2 = t;
    }
    if (c2 < c1) {
        int t = c1;
        c1 = c2;
        c2 = t;
    }
    if (r1 > x->lim.max_rows || c1 >= x->lim.max_cols)
        return;
    if (r2 > x->lim.max_rows)
        r2 = x->lim.max_rows;
    if (c2 >= x->lim.max_cols)
        c2 = x->lim.max_cols - 1;
    if (r1 == r2 && c1 == c2)
        return;
    s->merged_cells += (r2 - r1 + 1) * (long)(c2 - c1 + 1);
    if (s->merges_n >= XR_MAX_MERGES || s->merged_cells > XR_MAX_MERGED_CELLS) {
        xr_fail(x, "工作表「%s」的合并单元格过多", s->name);
        return;
    }
    xr_reserve(&s->merges, &s->merges_cap, s->merges_n + 1, sizeof *s->merges);
    s->merges[s->merges_n++] = (xr_merge){r1, r2, c1, c2, NULL};
}

static int xr_merge_cmp(const void *a, const void *b)
{
    const xr_merge *m = a, *n = b;
    return (m->r1 > n->r1) - (m->r1 < n->r1);
}

/* Drop the active merges that end before row r. */
static void xr_merge_prune(xr_sheet *s, long r)
{
    size_t w = 0;
    for (size_t i = 0; i < s->active_n; i++) {
        xr_merge *m = &s->merges[s->active[i]];
        if (m->r2 < r) {
            free(m->value);
            m->value = NULL;
        } else {
            s->active[w++] = s->active[i];
        }
    }
    s->active_n = w;
}

/* Hand row r to the callback: its own cells (real) and the merged values. */
static void xr_deliver(xr_sheet *s, long r, int real)
{
    xr_reader *x = s->x;
    int n = 0;
    if (real) {
        for (int c = 0; c < s->used; c++)
            s->cells[c] = s->off[c] >= 0 ? s->rowtext.buf + s->off[c] : NULL;
        n = s->used;
    }
    for (size_t i = 0; i < s->active_n; i++) {
        const xr_merge *m = &s->merges[s->active[i]];
        if (r < m->r1 || r > m->r2)
            continue;
        for (int c = m->c1; c <= m->c2; c++) {
            while (n <= c)
                s->cells[n++] = NULL;
            if (r != m->r1 || c != m->c1)
                s->cells[c] = m->value;
        }
    }
    if (n == 0)
        return;
    int rc = x->fn ? x->fn(x->ctx, s->name, r, n, s->cells) : 0;
    if (rc) {
        x->stop_value = rc;
        xr_halt(x);
    }
}

/* Before row R: deliver the absent rows that merged values cover, forget
 * the merges whose top-left row never came. */
static void xr_rows_before(xr_sheet *s, long R)
{
    for (long r = s->done + 1; r < R && s->active_n > 0 && !s->x->halted; r++) {
        xr_merge_prune(s, r);
        if (s->active_n > 0)
            xr_deliver(s, r, 0);
    }
    while (s->next < s->merges_n && s->merges[s->next].r1 < R)
        s->next++;
    xr_merge_prune(s, R);
    s->done = R - 1;
}

static void xr_row_start(xr_sheet *s, const char **atts)
{
    xr_reader *x = s->x;
    long r = xr_uint(xr_attr(atts, "r"));
    if (r <= 0)
        r = s->row + 1;
    if (r <= s->row) {
        xr_fail(x, "XML 格式错误（工作表「%s」第 %ld 行）：行号 %ld 不在前一行之后", s->name,
                s->row, r);
        return;
    }
    if (r > x->lim.max_rows) {
        xr_fail(x, "工作表「%s」超过 %ld 行的上限", s->name, x->lim.max_rows);
        return;
    }
    xr_rows_before(s, r);
    s->row = r;
    s->in_row = 1;
    s->col = -1;
    for (int c = 0; c < s->used; c++)
        s->off[c] = -1;
    s->used = 0;
    sb_reset(&s->rowtext);
}

static void xr_row_end(xr_sheet *s)
{
    s->in_row = 0;
    while (s->next < s->merges_n && s->merges[s->next].r1 <= s->row) {
        xr_merge *m = &s->merges[s->next];
        if (m->c1 < s->used && s->off[m->c1] >= 0) {
            m->value = xr_strdup(s->rowtext.buf + s->off[m->c1]);
            s->active[s->active_n++] = s->next;
        }
        s->next++;
    }
    xr_deliver(s, s->row, 1);
    s->done = s->row;
}

static void xr_cell_start(xr_sheet *s, const char **atts)
{
    const char *ref = NULL, *t = NULL, *style = NULL;
    for (int i = 0; atts[i]; i += 2) {     /* one pass over r, s and t (as xr_attr) */
        const char *name = atts[i];
        if (name[0] && name[1]) {
            if (strncmp(name, "xmlns", 5) == 0)
                continue;
            name = xr_local(name);
        }
        if (name[0] && !name[1]) {
            const char **slot = name[0] == 'r' ? &ref : name[0] == 't' ? &t : name[0] == 's' ? &style : NULL;
            if (slot && !*slot)
                *slot = atts[i + 1];
        }
    }
    int col;
    long row;
    if (ref && xr_cellref(ref, &col, &row))
        s->col = col;
    else
        s->col++;
    s->type = 'n';
    if (t) {
        if (strcmp(t, "s") == 0)
            s->type = 's';
        else if (strcmp(t, "b") == 0)
            s->type = 'b';
        else if (strcmp(t, "inlineStr") == 0)
            s->type = 'i';
        else if (strcmp(t, "d") == 0)
            s->type = 'd';
        else if (strcmp(t, "n") != 0)
            s->type = 't';      /* "str", "e" and anything else: the text */
    }
    s->style = xr_uint(style);
    s->in_cell = 1;
    s->in_v = s->in_is = s->in_t = s->rph = 0;
    sb_reset(&s->text);
}

static void xr_cell_end(xr_sheet *s)
{
    xr_reader *x = s->x;
    s->in_cell = 0;
    if (s->text.len == 0 || s->col < 0)
        return;
    if (s->col >= x->lim.max_cols) {
        xr_fail(x, "工作表「%s」第 %ld 行超过 %d 列的上限", s->name, s->row, x->lim.max_cols);
        return;
    }
    const char *v = s->text.buf;
    size_t start = s->rowtext.len;
    switch (s->type) {
    case 's': {
        long i = xr_uint(v);
        if (i < 0 || (size_t)i >= x->sst_n) {
            xr_fail(x, "XML 格式错误（工作表「%s」第 %ld 行）：共享字符串编号 %s 不存在",
                    s->name, s->row, v);
            return;
        }
        sb_append(&s->rowtext, x->sst.buf + x->sst_off[i]);
        break;
    }
    case 'b':
        sb_append(&s->rowtext, strcmp(v, "1") == 0 || strcmp(v, "true") == 0   ? "1"
                               : strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ? "0"
                                                                                : v);
        break;
    case 'd':
        if (strlen(v) >= 10 && v[4] == '-' && v[7] == '-')
            sb_appendn(&s->rowtext, v, 10);
        else
            sb_append(&s->rowtext, v);
        break;
    case 'i':
    case 't':
        xr_unescape(&s->text, 0);
        sb_append(&s->rowtext, s->text.buf);
        break;
    default: {
        int is_date = s->style >= 0 && (size_t)s->style < x->xf_n && x->xf_date[s->style];
        xr_number_text(v, is_date, x->date1904, &s->rowtext);
        break;
    }
    }
    if (s->rowtext.len == start) {
        s->off[s->col] = -1;
        return;
    }
    sb_appendn(&s->rowtext, "", 1);
    s->off[s->col] = (long)start;
    if (s->col + 1 > s->used) {
        for (int c = s->used; c < s->col; c++)
            s->off[c] = -1;
        s->used = s->col + 1;
    }
}

static void XMLCALL xr_sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xr_sheet *s = ud;
    const char *local = xr_local(name);
    if (s->x->halted)
        return;
    if (s->merge_pass) {
        if (strcmp(local, "mergeCell") == 0) {
            xr_merge_add(s, xr_attr(atts, "ref"));
        } else if (strcmp(local, "row") == 0) {
            long r = xr_uint(xr_attr(atts, "r"));
            s->row = r > 0 ? r : s->row + 1;
        }
        return;
    }
    if (!s->in_data) {
        if (strcmp(local, "sheetData") == 0)
            s->in_data = 1;
        return;
    }
    if (strcmp(local, "row") == 0) {
        if (!s->in_row)
            xr_row_start(s, atts);
    } else if (!s->in_row) {
        return;
    } else if (strcmp(local, "c") == 0) {
        if (!s->in_cell)
            xr_cell_start(s, atts);
    } else if (!s->in_cell) {
        return;
    } else if (strcmp(local, "v") == 0) {
        s->in_v = 1;
    } else if (strcmp(local, "is") == 0) {
        s->in_is = 1;
    } else if (s->in_is && strcmp(local, "rPh") == 0) {
        s->rph++;
    } else if (s->in_is && !s->rph && strcmp(local, "t") == 0) {
        s->in_t = 1;
    }
}

static void XMLCALL xr_sheet_end(void *ud, const XML_Char *name)
{
    xr_sheet *s = ud;
    const char *local = xr_local(name);
    if (s->x->halted || s->merge_pass || !s->in_data)
        return;
    if (strcmp(local, "sheetData") == 0) {
        s->in_data = 0;
    } else if (strcmp(local, "row") == 0) {
        if (s->in_row)
            xr_row_end(s);
    } else if (strcmp(local, "c") == 0) {
        if (s->in_cell)
            xr_cell_end(s);
    } else if (strcmp(local, "v") == 0) {
        s->in_v = 0;
    } else if (strcmp(local, "is") == 0) {
        s->in_is = 0;
    } else if (strcmp(local, "t") == 0) {
        s->in_t = 0;
    } else if (strcmp(local, "rPh") == 0) {
        if (s->rph > 0)
            s->rph--;
    }
}

static void XMLCALL xr_sheet_text(void *ud, const XML_Char *text, int len)
{
    xr_sheet *s = ud;
    if (s->x->halted || !s->in_cell || !(s->in_v || (s->in_is && s->in_t && !s->rph)))
        return;
    sb_appendn(&s->text, text, (size_t)len);
    if (s->text.len > XR_MAX_CELL_BYTES)
        xr_fail(s->x, "工作表「%s」第 %ld 行有单元格超过 32767 个字符", s->name, s->row);
}

/* ---- the sheet tokenizer ------------------------------------------------
 * Sheet parts are nearly all of a workbook's bytes (64 MB of XML for a
 * province), and expat's general machinery cost more than the rest of an
 * import. So a sheet in UTF-8 is read by this small tokenizer, which calls
 * the same handlers as expat would (xr_sheet_start/end/text, names with
 * their prefix, atts as name/value pairs): elements, attributes in "" or
 * '', the five predefined entities and character references, CDATA,
 * comments and processing instructions; \r\n and \r read as \n in text,
 * attribute white space normalised. It checks what expat checks and the
 * reader relies on: UTF-8 (no overlong forms, surrogates or code points
 * above U+10FFFF), no control characters, tags that nest and match, one
 * root element, nothing but white space outside it; a DOCTYPE is refused as
 * by expat's handler, and any other entity is undefined (there is no DTD).
 * Errors use expat's texts. A part declared in another encoding (or with a
 * UTF-16 byte order) goes to expat. Memory: the chunk and the longest token
 * (text runs are handed over in pieces). */
#define XR_TOK_FLUSH (256 * 1024)           /* text handed over in pieces beyond this */
#define XR_TOK_MAX (16 * 1024 * 1024)       /* the longest tag, comment or CDATA */
#define XR_TOK_DEPTH 256

typedef struct xr_tok {
    xr_sheet *s;
    int text;               /* call xr_sheet_text */
    char *buf;              /* unparsed bytes: [pos, len) */
    size_t pos, len, cap;
    strbuf names;           /* the open elements' names, each NUL-terminated */
    size_t open[XR_TOK_DEPTH];
    int depth, seen_root, root_done;
    const char **atts;
    size_t atts_cap;
    int need;               /* UTF-8: continuation bytes still to come */
    unsigned char lo, hi;   /* and the bounds of the next one */
} xr_tok;

/* Check n more bytes as UTF-8 XML characters: n when all are good, else
 * where the first bad one is. */
static size_t xr_tok_utf8(xr_tok *t, const unsigned char *p, size_t n)
{
    int need = t->need;
    unsigned lo = t->lo, hi = t->hi;
    size_t i = 0;
    while (i < n) {
        if (!need && i + 8 <= n) {  /* eight printable ASCII bytes at once */
            uint64_t v;
            memcpy(&v, p + i, 8);
            if (((v | (v - 0x2020202020202020ULL)) & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        unsigned c = p[i++];
        if (need) {
            if (c < lo || c > hi)
                return i - 1;
            lo = 0x80, hi = 0xBF;
            need--;
        } else if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return i - 1;
        } else if (c < 0xC2 || c > 0xF4) {
            return i - 1;
        } else if (c < 0xE0) {
            need = 1, lo = 0x80, hi = 0xBF;
        } else if (c < 0xF0) {
            need = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        } else {
            need = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        }
    }
    t->need = need;
    t->lo = (unsigned char)lo;
    t->hi = (unsigned char)hi;
    return n;
}

/* The reference at p ('&', before end) as UTF-8 into out (*outlen bytes);
 * *used: its length. 0 or an XML_Error. */
static int xr_tok_entity(const char *p, const char *end, char out[4], size_t *outlen, size_t *used)
{
    size_t room = (size_t)(end - p) < 12 ? (size_t)(end - p) : 12;
    const char *semi = memchr(p, ';', room);
    if (!semi)
        return XML_ERROR_INVALID_TOKEN;
    const char *name = p + 1;
    size_t n = (size_t)(semi - name);
    static const struct { const char *name; char c; } predefined[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    *used = n + 2;
    *outlen = 1;
    for (size_t i = 0; i < sizeof predefined / sizeof *predefined; i++)
        if (strlen(predefined[i].name) == n && memcmp(predefined[i].name, name, n) == 0) {
            out[0] = predefined[i].c;
            return 0;
        }
    if (n < 2 || name[0] != '#')
        return n ? XML_ERROR_UNDEFINED_ENTITY : XML_ERROR_INVALID_TOKEN;
    int hex = name[1] == 'x';
    size_t i = hex ? 2 : 1;
    uint32_t cp = 0;
    if (i >= n)
        return XML_ERROR_INVALID_TOKEN;
    for (; i < n; i++) {
        int d = hex ? xr_hex(name[i]) : (name[i] >= '0' && name[i] <= '9' ? name[i] - '0' : -1);
        if (d < 0)
            return XML_ERROR_INVALID_TOKEN;
        cp = cp * (hex ? 16 : 10) + (uint32_t)d;
        if (cp > 0x10FFFF)
            return XML_ERROR_BAD_CHAR_REF;
    }
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp == 0xFFFE || cp == 0xFFFF)
        return XML_ERROR_BAD_CHAR_REF;
    if (cp < 0x80) {
        out[0] = (char)cp;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3F));
        *outlen = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12), out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        *outlen = 3;
    } else {
        out[0] = (char)(0xF0 | cp >> 18), out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), out[3] = (char)(0x80 | (cp & 0x3F));
        *outlen = 4;
    }
    return 0;
}

/* Decode [p, end) in place (references; \r\n and \r as \n, or in an
 * attribute every white space as a space); *n: the bytes left. A reference
 * is never shorter than what it stands for, so the text only shrinks. */
static int xr_tok_decode(char *p, const char *end, int attribute, size_t *n)
{
    char *w = p;
    const char *r = p;
    while (r < end) {
        char c = *r;
        if (c == '&') {
            char out[4];
            size_t outlen, used;
            int rc = xr_tok_entity(r, end, out, &outlen, &used);
            if (rc)
                return rc;
            memcpy(w, out, outlen);
            w += outlen;
            r += used;
        } else if (c == '\r') {
            *w++ = attribute ? ' ' : '\n';
            r += r + 1 < end && r[1] == '\n' ? 2 : 1;
        } else if (attribute && (c == '\n' || c == '\t')) {
            *w++ = ' ';
            r++;
        } else if (c == '<') {
            return XML_ERROR_INVALID_TOKEN;
        } else {
            *w++ = c;
            r++;
        }
    }
    *n = (size_t)(w - p);
    return 0;
}

static int xr_tok_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Character data [p, p + n): inside the root to the handler, outside only
 * white space. cdata: taken as it is (but \r\n). */
static int xr_tok_text(xr_tok *t, char *p, size_t n, int cdata)
{
    if (t->depth == 0) {
        for (size_t i = 0; i < n; i++)
            if (!xr_tok_space(p[i]))
                return t->root_done ? XML_ERROR_JUNK_AFTER_DOC_ELEMENT : XML_ERROR_SYNTAX;
        return 0;
    }
    if (n == 0)
        return 0;
    if (memchr(p, '\r', n) || (!cdata && memchr(p, '&', n))) {  /* references checked in any pass */
        if (cdata) {
            char *w = p;
            for (size_t i = 0; i < n; i++) {
                if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
                    continue;
                *w++ = p[i] == '\r' ? '\n' : p[i];
            }
            n = (size_t)(w - p);
        } else {
            int rc = xr_tok_decode(p, p + n, 0, &n);
            if (rc)
                return rc;
        }
    }
    if (t->text)
        xr_sheet_text(t->s, p, (int)n);
    return 0;
}

/* The tag between '<' and '>' (both excluded): [p, end). */
static int xr_tok_tag(xr_tok *t, char *p, char *end)
{
    if (*p == '/') {            /* an end tag */
        char *name = ++p;
        while (p < end && !xr_tok_space(*p))
            p++;
        char *name_end = p;
        while (p < end && xr_tok_space(*p))
            p++;
        if (name_end == name || p != end)
            return XML_ERROR_INVALID_TOKEN;
        if (t->depth == 0)
            return XML_ERROR_TAG_MISMATCH;
        const char *open = t->names.buf + t->open[t->depth - 1];
        size_t n = (size_t)(name_end - name);
        if (strlen(open) != n || memcmp(open, name, n) != 0)
            return XML_ERROR_TAG_MISMATCH;
        *name_end = '\0';
        t->depth--;
        t->names.len = t->open[t->depth];
        if (t->depth == 0)
            t->root_done = 1;
        xr_sheet_end(t->s, name);
        return 0;
    }
    int empty = end > p && end[-1] == '/';
    if (empty)
        end--;
    char *name = p;
    while (p < end && !xr_tok_space(*p))
        p++;
    if (p == name)
        return XML_ERROR_INVALID_TOKEN;
    char *name_end = p;
    size_t natts = 0;
    for (;;) {
        char *before = p;
        while (p < end && xr_tok_space(*p))
            p++;
        if (p == end)
            break;
        if (p == before)        /* attributes are separated by white space */
            return XML_ERROR_INVALID_TOKEN;
        char *aname = p;
        while (p < end && *p != '=' && !xr_tok_space(*p))
            p++;
        char *aname_end = p;
        while (p < end && xr_tok_space(*p))
            p++;
        if (aname_end == aname || p == end || *p != '=')
            return XML_ERROR_INVALID_TOKEN;
        p++;
        while (p < end && xr_tok_space(*p))
            p++;
        if (p == end || (*p != '"' && *p != '\''))
            return XML_ERROR_INVALID_TOKEN;
        char quote = *p++;
        char *value = p, *value_end = memchr(p, quote, (size_t)(end - p));
        if (!value_end)
            return XML_ERROR_INVALID_TOKEN;
        size_t n;
        int rc = xr_tok_decode(value, value_end, 1, &n);
        if (rc)
            return rc;
        value[n] = '\0';
        *aname_end = '\0';
        p = value_end + 1;
        xr_reserve(&t->atts, &t->atts_cap, 2 * natts + 3, sizeof *t->atts);
        t->atts[2 * natts] = aname;
        t->atts[2 * natts + 1] = value;
        natts++;
    }
    xr_reserve(&t->atts, &t->atts_cap, 2 * natts + 1, sizeof *t->atts);
    t->atts[2 * natts] = NULL;
    if (t->depth == 0 && t->root_done)
        return XML_ERROR_JUNK_AFTER_DOC_ELEMENT;
    if (t->depth >= XR_TOK_DEPTH)
        return XML_ERROR_NO_MEMORY;
    *name_end = '\0';
    t->seen_root = 1;
    if (!empty) {
        t->open[t->depth++] = t->names.len;
        sb_appendn(&t->names, name, (size_t)(name_end - name) + 1);
    }
    xr_sheet_start(t->s, name, t->atts);
    if (empty && !t->s->x->halted) {
        if (t->depth == 0)
            t->root_done = 1;
        xr_sheet_end(t->s, name);
    }
    return 0;
}

/* Where the tag at p ('<') ends (its '>'), quotes respected; NULL when not
 * in [p, end). *bad: a '<' inside. */
static char *xr_tok_tag_end(char *p, char *end, int *bad)
{
    char quote = 0;
    for (p++; p < end; p++) {
        char c = *p;
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '<')
                break;
        } else if (c == '>') {
            return p;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '<') {
            break;
        }
    }
    *bad = p < end;
    return NULL;
}

/* Tokens in [pos, len) while they are whole (or eof: the last bytes came).
 * 0 when more bytes are needed or all is read, else an XML_Error. */
static int xr_tok_run(xr_tok *t, int eof)
{
    xr_reader *x = t->s->x;
    while (t->pos < t->len && !x->halted) {
        char *p = t->buf + t->pos, *end = t->buf + t->len;
        size_t avail = (size_t)(end - p);
        if (*p != '<') {
            char *lt = memchr(p, '<', avail);
            size_t n = lt ? (size_t)(lt - p) : avail;
            if (!lt && !eof) {  /* a long run: hand over what cannot be cut short */
                if (avail < XR_TOK_FLUSH)
                    return 0;
                char *amp = memchr(end - 12, '&', 12);
                if (amp && !memchr(amp, ';', (size_t)(end - amp)))
                    n = (size_t)(amp - p);
                if (n > 0 && p[n - 1] == '\r')
                    n--;
            }
            int rc = xr_tok_text(t, p, n, 0);
            if (rc)
                return rc;
            t->pos += n;
            continue;
        }
        const char *close = NULL;
        size_t skip = 0, open = 0;
        if (avail >= 2 && p[1] == '!') {
            if (avail < 9 && !eof && (memcmp(p, "<!--", avail < 4 ? avail : 4) == 0 ||
                                      memcmp(p, "<![CDATA[", avail) == 0 ||
                                      memcmp(p, "<!DOCTYPE", avail) == 0))
                return 0;
            if (avail >= 4 && memcmp(p, "<!--", 4) == 0) {
                close = "-->", open = 4;
            } else if (avail >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
                if (t->depth == 0)
                    return XML_ERROR_INVALID_TOKEN;
                close = "]]>", open = 9;
            } else if (avail >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0) {
                xr_fail(x, "XML 格式错误：文件含有不允许的 DOCTYPE 声明");
                return 0;
            } else {
                return XML_ERROR_INVALID_TOKEN;
            }
        } else if (avail >= 2 && p[1] == '?') {
            close = "?>", open = 2;
        }
        if (close) {
            char *found = memmem(p + open, avail - open, close, strlen(close));
            if (!found)
                return eof ? XML_ERROR_UNCLOSED_TOKEN : 0;
            skip = (size_t)(found - p) + strlen(close);
            if (open == 9) {
                int rc = xr_tok_text(t, p + 9, (size_t)(found - p) - 9, 1);
                if (rc)
                    return rc;
            }
            t->pos += skip;
            continue;
        }
        int bad = 0;
        char *gt = xr_tok_tag_end(p, end, &bad);
        if (!gt)
            return bad ? XML_ERROR_INVALID_TOKEN : eof ? XML_ERROR_UNCLOSED_TOKEN : 0;
        int rc = xr_tok_tag(t, p + 1, gt);
        if (rc)
            return rc;
        t->pos += (size_t)(gt - p) + 1;
    }
    return 0;
}

/* 1 when the part's first bytes declare an encoding other than UTF-8, or
 * are UTF-16: expat reads it. */
static int xr_tok_foreign(const char *p, size_t n)
{
    if (n >= 2 && (p[0] == '\0' || p[1] == '\0' || (unsigned char)p[0] >= 0xFE))
        return 1;
    if (n < 5 || memcmp(p, "<?xml", 5) != 0)
        return 0;
    const char *decl_end = memmem(p, n, "?>", 2);
    const char *enc = decl_end ? memmem(p, (size_t)(decl_end - p), "encoding", 8) : NULL;
    if (!enc)
        return 0;
    enc += 8;
    while (enc < decl_end && (xr_tok_space(*enc) || *enc == '='))
        enc++;
    if (enc >= decl_end || (*enc != '"' && *enc != '\''))
        return 1;
    enc++;
    return !(strncasecmp(enc, "UTF-8", 5) == 0 && (enc[5] == '"' || enc[5] == '\'')) &&
           !(strncasecmp(enc, "UTF8", 4) == 0 && (enc[4] == '"' || enc[4] == '\''));
}

/* Parse the sheet part at idx into s with the tokenizer (expat for a
 * foreign encoding): 0, or -1 with x->err. text: call xr_sheet_text. */
static int xr_parse_sheet(xr_reader *x, zip_int64_t idx, const char *path, xr_sheet *s, int text)
{
    zip_uint64_t size, total = 0;
    zip_file_t *f = xr_open_entry(x, idx, path, &size);
    if (!f)
        return -1;
    xr_tok t = {.s = s, .text = text, .names = STRBUF_INIT};
    int rc = 0, ok = 0, first = 1;
    x->halted = 0;
    for (;;) {
        if (t.pos > 0) {
            memmove(t.buf, t.buf + t.pos, t.len - t.pos);
            t.len -= t.pos;
            t.pos = 0;
        }
        if (t.len > XR_TOK_MAX) {
            rc = XML_ERROR_NO_MEMORY;
            break;
        }
        xr_reserve(&t.buf, &t.cap, t.len + XR_CHUNK, 1);
        zip_int64_t n = xr_read_chunk(x, f, t.buf + t.len, path, size, &total);
        if (n < 0)
            break;
        if (first) {
            first = 0;
            if (xr_tok_foreign(t.buf, (size_t)n)) {
                rc = -1;
                break;
            }
            if (n >= 3 && memcmp(t.buf, "\xEF\xBB\xBF", 3) == 0)
                t.pos = 3;
        }
        size_t good = xr_tok_utf8(&t, (const unsigned char *)t.buf + t.len, (size_t)n);
        t.len += good;      /* the tokens before a bad byte are read first, as expat does */
        rc = xr_tok_run(&t, n == 0);
        if (rc == 0 && good < (size_t)n)
            rc = XML_ERROR_INVALID_TOKEN;
        if (rc || x->halted)
            break;
        if (n == 0) {
            rc = t.need ? XML_ERROR_PARTIAL_CHAR
                 : !t.seen_root || t.depth > 0 ? XML_ERROR_NO_ELEMENTS : 0;
            ok = rc == 0;
            break;
        }
    }
    free(t.buf);
    free(t.atts);
    sb_free(&t.names);
    zip_fclose(f);
    if (rc == -1)   /* not UTF-8: expat */
        return xr_parse(x, idx, path, s, xr_sheet_start, xr_sheet_end, text ? xr_sheet_text : NULL,
                        s->name, &s->row);
    if (rc > 0 && !x->halted) {
        const char *why = XML_ErrorString((enum XML_Error)rc);
        if (s->row > 0)
            xr_fail(x, "XML 格式错误（工作表「%s」第 %ld 行）：%s", s->name, s->row, why);
        else
            xr_fail(x, "XML 格式错误（工作表「%s」）：%s", s->name, why);
    }
    return ok && !x->halted ? 0 : -1;
}

/* merges: 1 or 0 when known to contain "mergeCell" or not, -1 to scan. */
static int xr_read_sheet(xr_reader *x, const char *name, const char *path, int merges)
{
    zip_int64_t idx = xr_locate(x, path);
    if (idx < 0) {
        xr_fail(x, "文件不是有效的 xlsx 文件：缺少工作表「%s」的内容（%s）", name, path);
        return -1;
    }
    xr_sheet s = {0};
    s.x = x;
    s.name = name;
    s.off = xr_alloc(sizeof *s.off * (size_t)x->lim.max_cols);
    s.cells = xr_alloc(sizeof *s.cells * (size_t)x->lim.max_cols);
    int rc = merges >= 0 ? merges : xr_scan(x, idx, path, "mergeCell");
    if (rc > 0) {
        s.merge_pass = 1;
        rc = xr_parse_sheet(x, idx, path, &s, 0);
        s.merge_pass = 0;
        s.row = 0;
        if (s.merges_n)
            qsort(s.merges, s.merges_n, sizeof *s.merges, xr_merge_cmp);
        s.active = xr_alloc(sizeof *s.active * (s.merges_n + 1));
    }
    if (rc == 0)
        rc = xr_parse_sheet(x, idx, path, &s, 1);
    if (rc == 0) {
        /* rows after the last one that merged values still cover */
        for (long r = s.done + 1; s.active_n > 0 && !x->halted; r++) {
            xr_merge_prune(&s, r);
            if (s.active_n > 0)
                xr_deliver(&s, r, 0);
        }
        rc = x->halted ? -1 : 0;
    }
    for (size_t i = 0; i < s.merges_n; i++)
        free(s.merges[i].value);
    free(s.merges);
    free(s.active);
    free(s.off);
    free(s.cells);
    sb_free(&s.text);
    sb_free(&s.rowtext);
    return rc;
}

/* ---- the whole workbook ------------------------------------------------- */

/* The zip over the buffer data (len bytes) or the file at path; NULL when
 * it is not one. */
static zip_t *xr_zip_open(const void *data, size_t len, const char *path)
{
    zip_t *zip = NULL;
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = path ? zip_source_file_create(path, 0, -1, &zerr)
                             : zip_source_buffer_create(data, len, 0, &zerr);
    if (src) {
        zip = zip_open_from_source(src, ZIP_RDONLY, &zerr);
        if (!zip)
            zip_source_free(src);
    }
    zip_error_fini(&zerr);
    return zip;
}

/* The "mergeCell" byte scans of every sheet, in order, in a helper thread
 * with its own zip_t (libzip's is not thread-safe). */
typedef struct xr_prescan {
    const void *data;       /* the workbook, as xr_open got it */
    size_t len;
    const char *path;
    table_limits lim;
    char **paths;           /* per sheet: its part, NULL when none */
    unsigned char *is_sheet;/* per sheet: 1 when a worksheet (not a chart) */
    int *found;             /* per sheet: 1/0, or -1 when the scan failed */
    size_t n, done;         /* found[0..done) are final */
    int stop, running;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
} xr_prescan;

static void xr_prescan_post(xr_prescan *p, size_t i, int found, int *stop)
{
    pthread_mutex_lock(&p->mu);
    p->found[i] = found;
    p->done = i + 1;
    *stop = p->stop;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void *xr_prescan_run(void *arg)
{
    xr_prescan *p = arg;
    xr_reader x = {.lim = p->lim};
    x.zip = xr_zip_open(p->data, p->len, p->path);
    int stop = 0;
    for (size_t i = 0; i < p->n && !stop; i++) {
        int found = -1;
        zip_int64_t idx = x.zip && p->is_sheet[i] ? xr_locate(&x, p->paths[i]) : -1;
        if (idx >= 0)
            found = xr_scan(&x, idx, p->paths[i], "mergeCell");
        free(x.err);
        x.err = NULL;
        x.halted = 0;
        xr_prescan_post(p, i, found, &stop);
    }
    pthread_mutex_lock(&p->mu);
    p->done = p->n;         /* when stopped: the rest stays -1 */
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (x.zip)
        zip_discard(x.zip);
    return NULL;
}

/* The sheets' parts from the workbook's relationships (x->rels), and the
 * helper started when there is a worksheet. */
static void xr_prescan_start(xr_prescan *p, xr_reader *x, const char *book)
{
    p->n = x->sheets_n;
    p->paths = xr_alloc(sizeof *p->paths * (p->n + 1));
    p->is_sheet = xr_alloc(p->n + 1);
    p->found = xr_alloc(sizeof *p->found * (p->n + 1));
    p->lim = x->lim;
    int any = 0;
    for (size_t i = 0; i < p->n; i++) {
        int is_sheet = 0;
        p->paths[i] = xr_rel_target(x, book, "/worksheet", x->sheets[i].rid, &is_sheet);
        p->is_sheet[i] = p->paths[i] && is_sheet;
        p->found[i] = -1;
        any |= p->is_sheet[i];
    }
    if (!any || pthread_mutex_init(&p->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&p->cv, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        return;
    }
    p->running = pthread_create(&p->thread, NULL, xr_prescan_run, p) == 0;
    if (!p->running) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
    }
}

/* Sheet i's scan result (see xr_read_sheet's merges), waiting for it. */
static int xr_prescan_get(xr_prescan *p, size_t i)
{
    if (!p->running)
        return -1;
    pthread_mutex_lock(&p->mu);
    while (p->done <= i)
        pthread_cond_wait(&p->cv, &p->mu);
    int found = p->found[i];
    pthread_mutex_unlock(&p->mu);
    return found;
}

/* Stop the helper after its current scan, join it, free p. */
static void xr_prescan_end(xr_prescan *p)
{
    if (p->running) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->thread, NULL);
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
    }
    for (size_t i = 0; i < p->n; i++)
        free(p->paths[i]);
    free(p->paths);
    free(p->is_sheet);
    free(p->found);
}

/* Open the zip: the buffer data (len bytes), or the file at path (read by
 * libzip as entries are needed). head: the first bytes, len: the size. */
static int xr_open(xr_reader *x, const void *data, size_t len, const char *path,
                   const unsigned char *head, size_t headlen)
{
    if (len > x->lim.max_file) {
        xr_fail(x, "文件过大（%.1f MB），上限为 %zu MB", (double)len / (1024 * 1024),
                x->lim.max_file / (1024 * 1024));
        return -1;
    }
    if (headlen >= 4 && memcmp(head, "\xd0\xcf\x11\xe0", 4) == 0) {
        xr_fail(x, "文件是旧版 Excel（.xls）或已加密，请在 Excel 中另存为 .xlsx（不设密码）后再上传");
        return -1;
    }
    if (!table_is_xlsx(head, headlen)) {
        xr_fail(x, "文件不是有效的 xlsx（zip）文件");
        return -1;
    }
    x->zip = xr_zip_open(data, len, path);
    if (!x->zip) {
        xr_fail(x, "文件不是有效的 xlsx（zip）文件");
        return -1;
    }
    return 0;
}

/* Read the workbook opened by xr_open from data, len, path. */
static int xr_run(xr_reader *x, const void *data, size_t len, const char *path)
{
    xr_prescan pre = {.data = data, .len = len, .path = path};
    if (xr_check_entries(x) != 0)
        return -1;

    /* the workbook, named by the package relationships */
    if (xr_read_rels(x, "") != 0)
        return -1;
    char *book = xr_rel_target(x, "", "/officeDocument", NULL, NULL);
    if (!book)
        book = xr_strdup("xl/workbook.xml");
    zip_int64_t idx = xr_locate(x, book);
    int rc = -1;
    if (idx < 0) {
        xr_fail(x, "文件不是有效的 xlsx 文件：缺少工作簿 %s", book);
        goto out;
    }
    if (xr_parse(x, idx, book, &x, xr_workbook_start, xr_ignore_end, NULL, NULL, NULL) != 0 ||
        xr_read_rels(x, book) != 0)
        goto out;
    xr_prescan_start(&pre, x, book);

    /* shared strings and styles: optional parts */
    char *part = xr_rel_target(x, book, "/sharedStrings", NULL, NULL);
    if (!part)
        part = xr_resolve(book, "sharedStrings.xml");
    idx = xr_locate(x, part);
    if (idx >= 0) {
        xr_sst_state st = {x, 0, 0, 0, STRBUF_INIT};
        int prc = xr_parse(x, idx, part, &st, xr_sst_start, xr_sst_end, xr_sst_text, NULL, NULL);
        sb_free(&st.text);
        if (prc != 0) {
            free(part);
            goto out;
        }
    }
    free(part);
    part = xr_rel_target(x, book, "/styles", NULL, NULL);
    if (!part)
        part = xr_resolve(book, "styles.xml");
    idx = xr_locate(x, part);
    if (idx >= 0) {
        xr_styles_state st = {x, 0};
        if (xr_parse(x, idx, part, &st, xr_styles_start, xr_styles_end, NULL, NULL, NULL) != 0) {
            free(part);
            goto out;
        }
    }
    free(part);
    xr_styles_resolve(x);

    for (size_t i = 0; i < x->sheets_n; i++) {
        if (!pre.paths[i]) {
            xr_fail(x, "文件不是有效的 xlsx 文件：找不到工作表「%s」", x->sheets[i].name);
            goto out;
        }
        if (pre.is_sheet[i] &&      /* skip charts */
            xr_read_sheet(x, x->sheets[i].name, pre.paths[i], xr_prescan_get(&pre, i)) != 0)
            goto out;
    }
    rc = 0;
out:
    xr_prescan_end(&pre);
    free(book);
    return rc;
}

/* Set up x, open the zip (see xr_open), read it, free x. */
static int xr_read(const void *data, size_t len, const char *path, const unsigned char *head,
                   size_t headlen, const table_limits *limits, table_row_fn fn, void *ctx,
                   char **err)
{
    xr_reader x = {0};
    table_limits_use(limits, &x.lim);
    x.fn = fn;
    x.ctx = ctx;
    int rc = xr_open(&x, data, len, path, head, headlen);
    if (rc == 0)
        rc = xr_run(&x, data, len, path);
    if (x.zip)
        zip_discard(x.zip);
    xr_rels_free(&x);
    free(x.rels);
    for (size_t i = 0; i < x.sheets_n; i++) {
        free(x.sheets[i].name);
        free(x.sheets[i].rid);
    }
    free(x.sheets);
    sb_free(&x.sst);
    free(x.sst_off);
    free(x.xf_fmt);
    free(x.xf_date);
    free(x.fmts);
    if (x.stop_value) {
        free(x.err);
        return x.stop_value;
    }
    if (rc != 0) {
        if (!x.err)
            x.err = xr_strdup("文件不是有效的 xlsx 文件");
        if (err)
            *err = x.err;
        else
            free(x.err);
        return -1;
    }
    return 0;
}

int xlsx_read(const void *data, size_t len, const table_limits *limits, table_row_fn fn,
              void *ctx, char **err)
{
    if (err)
        *err = NULL;
    if (!data)
        data = "", len = 0;
    return xr_read(data, len, NULL, data, len, limits, fn, ctx, err);
}

int xlsx_read_file(const char *path, const table_limits *limits, table_row_fn fn, void *ctx,
                   char **err)
{
    if (err)
        *err = NULL;
    unsigned char head[4];
    size_t size;
    FILE *f = table_file_open(path, &size, err);
    if (!f)
        return -1;
    size_t headlen = fread(head, 1, sizeof head, f);
    fclose(f);
    return xr_read(NULL, size, path, head, headlen, limits, fn, ctx, err);
}
