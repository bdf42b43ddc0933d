/*
 * stats_exchange.c - the 基表 in Excel and CSV (see stats_exchange.h):
 * export workbook, import check and preview, apply, and the HTTP routes
 * GET /api/stats/export, POST /api/stats/import and
 * POST /api/stats/import/{token}/apply.
 *
 * The import streams: the reader hands over one row at a time (from a
 * buffer, or from a file read in chunks) and only the problems (capped),
 * the changes and the codes of the schools already seen are kept, never
 * the file's cells. Per data row the school and its record of the year
 * come in one query by its 学校标识码 (a code seen before needs none: the
 * row is a repeat), read without JSON (db_each). The stored values to
 * compare with: the first 32 records of a type one query each; after that
 * every record of the type and year in the caller's scope in ONE ordered
 * query, kept as a compact array (record -> slice of (field index, number
 * or text)), so memory follows the database's values of that type, not the
 * file; a sheet's values are dropped when the next sheet starts. A record
 * that query did not hold is read on its own. Values go by field of the
 * form into an array (each form's fields are resolved once: kind, bounds,
 * key order; each sheet's headers mapped once). A cell holding a
 * plain number equal to the stored one is unchanged at once; any other is
 * parsed by stats_value_parse and compared. Tables owned: stat_imports
 * (previews waiting to be applied).
 */
#include "domain/stats_exchange.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "auth/password.h"
#include "domain/org.h"
#include "domain/schools.h"
#include "domain/stats.h"
#include "domain/stats_rounds.h"
#include "http/reply.h"
#include "http/router.h"
#include "io/csv_read.h"
#include "io/xlsx_out.h"
#include "io/xlsx_read.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"

#define EXCH_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define EXCH_CODE "学校标识码"
#define EXCH_NAME "学校名称"
#define EXCH_TYPE "办学类型"
#define EXCH_MAX_TYPES 16
#define EXCH_MAX_VALUE_BYTES 200

static const char *const exch_statuses[] = {"未填报", "草稿", "已提交", "已退回", "已通过", NULL};

/* ---------------------------------------------------------------- helpers */

static int exch_in_list(const char *const *list, const char *text)
{
    for (int i = 0; text && list[i]; i++)
        if (strcmp(list[i], text) == 0)
            return 1;
    return 0;
}

/* Index of type in schools_types, or -1. */
static int exch_type_index(const char *type)
{
    for (int i = 0; type && schools_types[i] && i < EXCH_MAX_TYPES; i++)
        if (strcmp(schools_types[i], type) == 0)
            return i;
    return -1;
}

static int exch_role_is(const user_ctx *u, const char *role)
{
    return u && u->role && strcmp(u->role, role) == 0;
}

/* Length of the space at s (ASCII white space or U+3000), 0 when none. */
static size_t exch_space_len(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        return 1;
    if (strncmp(s, "\xe3\x80\x80", 3) == 0)
        return 3;
    return 0;
}

/* The text of a cell without surrounding spaces: its start, *len bytes
 * (not NUL-terminated when spaces followed); "" for NULL. */
static const char *exch_span(const char *cell, size_t *len)
{
    size_t step;
    *len = 0;
    if (!cell)
        return "";
    while (*cell && (step = exch_space_len(cell)) > 0)
        cell += step;
    size_t n = strlen(cell);
    while (n > 0) {
        if (exch_space_len(cell + n - 1) == 1)
            n--;
        else if (n >= 3 && memcmp(cell + n - 3, "\xe3\x80\x80", 3) == 0)
            n -= 3;
        else
            break;
    }
    *len = n;
    return cell;
}

/* The span as a C string: itself when it ends the cell, else a copy in sb. */
static const char *exch_span_text(strbuf *sb, const char *text, size_t len)
{
    if (text[len] == '\0')
        return text;
    sb_reset(sb);
    sb_append(sb, "");
    sb_appendn(sb, text, len);
    return sb_str(sb);
}

/* text without surrounding spaces (a copy in sb when needed); "" for NULL. */
static const char *exch_trim(strbuf *sb, const char *text)
{
    size_t len;
    const char *span = exch_span(text, &len);
    return exch_span_text(sb, span, len);
}

/* text with every space removed into sb. */
static const char *exch_squeeze(strbuf *sb, const char *text)
{
    sb_reset(sb);
    sb_append(sb, "");
    while (text && *text) {
        size_t step = exch_space_len(text);
        if (step) {
            text += step;
            continue;
        }
        sb_appendc(sb, *text++);
    }
    return sb_str(sb);
}

/* "A", ..., "Z", "AA", ... for 0-based column col. */
static void exch_column_letter(int col, char out[8])
{
    char tmp[8];
    int n = 0;
    for (int c = col + 1; c > 0 && n < 7; c = (c - 1) / 26)
        tmp[n++] = (char)('A' + (c - 1) % 26);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

static const char *exch_text(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* "label（unit）", or the label when there is no unit; malloced. */
static char *exch_title(json_t *field)
{
    const char *label = exch_text(field, "label");
    const char *unit = exch_text(field, "unit");
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, label ? label : exch_text(field, "key"));
    if (unit && *unit)
        sb_appendf(&sb, "（%s）", unit);
    return sb_steal(&sb);
}

json_t *stats_exchange_match_header(json_t *fields, const char *header)
{
    strbuf want = STRBUF_INIT, label_sb = STRBUF_INIT, unit_sb = STRBUF_INIT, both = STRBUF_INIT;
    json_t *found = NULL, *f;
    size_t i;
    const char *h = exch_squeeze(&want, header);
    json_array_foreach(fields, i, f) {
        if (!*h)
            break;
        const char *key = exch_text(f, "key");
        const char *label = exch_squeeze(&label_sb, exch_text(f, "label"));
        const char *unit = exch_squeeze(&unit_sb, exch_text(f, "unit"));
        if ((key && strcmp(key, h) == 0) || (*label && strcmp(label, h) == 0)) {
            found = f;
            break;
        }
        if (!*unit)
            continue;
        sb_reset(&both);
        sb_appendf(&both, "%s（%s）", label, unit);
        if (strcmp(sb_str(&both), h) == 0) {
            found = f;
            break;
        }
        sb_reset(&both);
        sb_appendf(&both, "%s(%s)", label, unit);
        if (strcmp(sb_str(&both), h) == 0) {
            found = f;
            break;
        }
    }
    sb_free(&want);
    sb_free(&label_sb);
    sb_free(&unit_sb);
    sb_free(&both);
    return found;
}

/* 1 when two numbers are the same value (within rounding). */
static int exch_numbers_same(double a, double b)
{
    double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
    return fabs(a - b) <= 1e-9 * scale;
}

/* 1 when a stored value and an imported one mean the same. */
static int exch_same(json_t *old, json_t *new_value)
{
    int old_empty = !old || json_is_null(old), new_empty = !new_value || json_is_null(new_value);
    if (old_empty || new_empty)
        return old_empty && new_empty;
    if ((json_is_number(old) || json_is_boolean(old)) &&
        (json_is_number(new_value) || json_is_boolean(new_value))) {
        double a = json_is_boolean(old) ? json_is_true(old) : json_number_value(old);
        double b = json_is_boolean(new_value) ? json_is_true(new_value) : json_number_value(new_value);
        return exch_numbers_same(a, b);
    }
    if (json_is_string(old) && json_is_string(new_value))
        return strcmp(json_string_value(old), json_string_value(new_value)) == 0;
    return json_equal(old, new_value);
}

char *stats_import_problem_text(json_t *problem)
{
    strbuf sb = STRBUF_INIT;
    const char *sheet = exch_text(problem, "sheet");
    json_t *row = json_object_get(problem, "row");
    const char *column = exch_text(problem, "column");
    const char *value = exch_text(problem, "value");
    const char *reason = exch_text(problem, "reason");
    if (sheet)
        sb_appendf(&sb, "工作表「%s」", sheet);
    if (json_is_integer(row))
        sb_appendf(&sb, "第 %lld 行", (long long)json_integer_value(row));
    if (column)
        sb_appendf(&sb, "「%s」", column);
    if (value)
        sb_appendf(&sb, "值「%s」", value);
    if (sb.len)
        sb_append(&sb, "：");
    sb_append(&sb, reason ? reason : "");
    return sb_steal(&sb);
}

/* ---------------------------------------------------------------- export */

/* Fill the round's area and types; REFUSED 404 when there is none. */
static int exch_round(store_db *db, int64_t round_id, char **path, json_t **types, refusal *e)
{
    json_t *round = NULL;
    int rc = stats_rounds_load(db, round_id, &round, path);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 404, "not_found", "round", "填报任务不存在");
    if (rc != STORE_OK)
        return rc;
    *types = json_incref(json_object_get(round, "school_types"));
    json_decref(round);
    return STORE_OK;
}

/* The schools of one sheet: {id, code, name} of type within the filter. */
static int exch_export_schools(store_db *db, arena *a, const user_ctx *u,
                               const stats_export_filter *f, const char *round_path,
                               const char *type, json_t **rows)
{
    strbuf sql = STRBUF_INIT;
    sval p[12];
    int n = 0;
    sb_append(&sql, "SELECT s.id, s.code, s.name FROM schools s LEFT JOIN stat_records r "
                    "ON r.school_id = s.id AND r.year = ? "
                    "WHERE (s.status = '在办' OR r.id IS NOT NULL) "
                    "AND COALESCE(r.school_type, s.type) = ?");
    p[n++] = SV_I(f->year);
    p[n++] = SV_T(type);
    if (u) {
        sb_append(&sql, " AND s.path >= ? AND s.path < ?");
        p[n++] = SV_T(u->scope_path);
        p[n++] = SV_T(org_scope_upper(a, u->scope_path));
        if (exch_role_is(u, ROLE_SCHOOL)) {
            sb_append(&sql, " AND s.id = ?");
            p[n++] = SV_I(u->school_id);
        }
    }
    if (round_path) {
        sb_append(&sql, " AND s.path >= ? AND s.path < ?");
        p[n++] = SV_T(round_path);
        p[n++] = SV_T(org_scope_upper(a, round_path));
    }
    if (f->town_id) {
        sb_append(&sql, " AND s.town_id = ?");
        p[n++] = SV_I(f->town_id);
    }
    if (f->status && strcmp(f->status, "未填报") == 0) {
        sb_append(&sql, " AND r.id IS NULL");
    } else if (f->status) {
        sb_append(&sql, " AND r.status = ?");
        p[n++] = SV_T(f->status);
    }
    sb_append(&sql, " ORDER BY s.code");
    int rc = db_query(db, sb_str(&sql), p, n, rows);
    sb_free(&sql);
    return rc;
}

/* The columns of a type's sheet: code, name, then the fields. The array,
 * the titles and the fields' keys are malloced. */
static xlsx_col *exch_cols(json_t *fields)
{
    size_t nf = json_array_size(fields), i;
    xlsx_col *cols = calloc(nf + 3, sizeof *cols);
    json_t *f;
    if (!cols)
        return NULL;
    cols[0] = (xlsx_col){EXCH_CODE, strdup(EXCH_CODE), 14, XLSX_TEXT};
    cols[1] = (xlsx_col){EXCH_NAME, strdup(EXCH_NAME), 30, XLSX_TEXT};
    json_array_foreach(fields, i, f) {
        const char *kind = exch_text(f, "kind");
        char *title = exch_title(f);
        size_t chars = 0;
        for (const char *s = title; s && *s; s++)
            chars += ((unsigned char)*s & 0xC0) != 0x80;
        int width = (int)(chars * 2 + 2);
        cols[i + 2] = (xlsx_col){strdup(exch_text(f, "key")), title, width < 10 ? 10 : width > 40 ? 40 : width,
                                 kind && strcmp(kind, "int") == 0    ? XLSX_INT
                                 : kind && strcmp(kind, "real") == 0 ? XLSX_REAL
                                                                     : XLSX_TEXT};
    }
    return cols;
}

/* The row of one school: code, name and its current values (bools as
 * true/false, which the writer shows as 是/否). */
static int exch_export_row(store_db *db, int year, json_t *school, json_t *fields, json_t **out)
{
    json_t *rec = NULL, *row = json_object(), *f;
    size_t i;
    int64_t id = json_integer_value(json_object_get(school, "id"));
    json_object_set(row, EXCH_CODE, json_object_get(school, "code"));
    json_object_set(row, EXCH_NAME, json_object_get(school, "name"));
    int rc = stats_record_load(db, id, year, &rec);
    if (rc == STORE_NOTFOUND) {
        *out = row;
        return STORE_OK;
    }
    if (rc != STORE_OK) {
        json_decref(row);
        return rc;
    }
    json_t *values = json_object_get(rec, "values");
    json_array_foreach(fields, i, f) {
        const char *key = exch_text(f, "key");
        const char *kind = exch_text(f, "kind");
        json_t *v = json_object_get(values, key);
        if (!key || !v || json_is_null(v))
            continue;
        if (kind && strcmp(kind, "bool") == 0 && json_is_number(v))
            json_object_set_new(row, key, json_boolean(json_number_value(v) != 0));
        else
            json_object_set(row, key, v);
    }
    json_decref(rec);
    *out = row;
    return STORE_OK;
}

/* Write one type's sheet (skipped when no school is in it unless
 * always). *written is set when a sheet was added. */
static int exch_export_sheet(store_db *db, arena *a, const user_ctx *u, const stats_export_filter *f,
                             const char *round_path, const char *type, int always, xlsx_book *book,
                             int *written)
{
    json_t *schools = NULL, *fields = NULL, *s;
    size_t i;
    int rc = exch_export_schools(db, a, u, f, round_path, type, &schools);
    if (rc != STORE_OK)
        return rc;
    if (json_array_size(schools) == 0 && !always) {
        json_decref(schools);
        return STORE_OK;
    }
    rc = stats_fields(db, f->year, type, &fields);
    if (rc != STORE_OK) {
        json_decref(schools);
        return rc;
    }
    if (json_array_size(fields) == 0 && !always) {
        json_decref(schools);
        json_decref(fields);
        return STORE_OK;
    }
    xlsx_col *cols = exch_cols(fields);
    if (!cols || xlsx_book_sheet(book, type, cols, NULL) != 0)
        rc = STORE_ERROR;
    json_array_foreach(schools, i, s) {
        json_t *row = NULL;
        if (rc != STORE_OK)
            break;
        rc = exch_export_row(db, f->year, s, fields, &row);
        if (rc == STORE_OK && xlsx_book_row(book, row) != 0)
            rc = STORE_ERROR;
        json_decref(row);
    }
    *written = *written || rc == STORE_OK;
    json_decref(schools);
    json_decref(fields);
    /* The book reads cols until the next sheet or the finish: the arena
     * keeps them until the request is done. */
    for (xlsx_col *c = cols; c && c->key; c++) {
        arena_own(a, (char *)c->title);
        if (c - cols >= 2)
            arena_own(a, (char *)c->key);
    }
    if (cols)
        arena_own(a, cols);
    return rc;
}

int stats_export_workbook(store_db *db, arena *a, const user_ctx *u,
                          const stats_export_filter *f, char **out, size_t *len, refusal *e)
{
    *out = NULL;
    *len = 0;
    for (int i = 0; f->types && f->types[i]; i++)
        if (!schools_type_valid(f->types[i]))
            return refuse(e, 400, "invalid", "type", "办学类型无效");
    if (f->status && !exch_in_list(exch_statuses, f->status))
        return refuse(e, 400, "invalid", "status",
                      "状态只能是 未填报、草稿、已提交、已退回 或 已通过");
    char *round_path = NULL;
    json_t *round_types = NULL;
    if (f->round_id) {
        int rc = exch_round(db, f->round_id, &round_path, &round_types, e);
        if (rc != STORE_OK)
            return rc;
    }
    char *err = NULL;
    xlsx_book *book = xlsx_book_new(1, &err);
    if (!book) {
        log_error("stats export: %s", err ? err : "?");
        free(err);
        free(round_path);
        json_decref(round_types);
        return STORE_ERROR;
    }
    int rc = STORE_OK, written = 0;
    const char *first = NULL;
    for (int i = 0; schools_types[i] && rc == STORE_OK; i++) {
        const char *type = schools_types[i];
        if (f->types && !exch_in_list(f->types, type))
            continue;
        if (round_types) {
            int in_round = 0;
            size_t k;
            json_t *t;
            json_array_foreach(round_types, k, t) in_round |= json_is_string(t) &&
                                                             strcmp(json_string_value(t), type) == 0;
            if (!in_round)
                continue;
        }
        if (!first)
            first = type;
        rc = exch_export_sheet(db, a, u, f, round_path, type, 0, book, &written);
    }
    if (rc == STORE_OK && !written && first)
        rc = exch_export_sheet(db, a, u, f, round_path, first, 1, book, &written);
    if (rc == STORE_OK && !written) {
        static const xlsx_col bare[] = {{EXCH_CODE, EXCH_CODE, 14, XLSX_TEXT},
                                        {EXCH_NAME, EXCH_NAME, 30, XLSX_TEXT},
                                        {NULL, NULL, 0, XLSX_TEXT}};
        xlsx_book_sheet(book, "基表", bare, NULL);
    }
    free(round_path);
    json_decref(round_types);
    if (xlsx_book_finish(book, out, len, &err) != 0) {
        log_error("stats export: %s", err ? err : "?");
        free(err);
        return rc == STORE_OK ? STORE_ERROR : rc;
    }
    if (rc != STORE_OK) {
        free(*out);
        *out = NULL;
        *len = 0;
    }
    return rc;
}

/* ---------------------------------------------------------------- import */

/* A field of a form as the import reads it, resolved once per form. */
typedef struct exch_field {
    json_t *json;       /* the element of stats_fields (borrowed) */
    const char *key;
    char kind;          /* 'i' int, 'r' real, 'b' bool, 'e' enum, '?' unknown */
    double min, max;    /* bounds of a number: min (else 0), max (else HUGE_VAL) */
} exch_field;

/* A stored value of the school being read (text borrowed from the query's rows). */
typedef struct exch_old {
    int has;
    double num;
    const char *text;   /* an enum's text; NULL for a number */
} exch_old;

/* Stored values of records, read in one query: per record a slice of
 * vals, each a field of the form (its index) with its number or text. */
typedef struct exch_stored {
    int32_t field;      /* index in the form's f */
    int32_t text;       /* offset in texts; -1 for a number */
    double num;
} exch_stored;

typedef struct exch_slice {
    int64_t record_id;
    size_t start, count; /* in vals */
} exch_slice;

typedef struct exch_values {
    exch_slice *recs;   /* by record_id once loaded */
    size_t nrecs, recs_cap;
    exch_stored *vals;
    size_t nvals, vals_cap;
    strbuf texts;       /* the enum texts, each NUL-terminated */
    const struct exch_form *form;  /* while loading: whose fields */
    size_t next;        /* while loading: key-order hint (exch_form_find) */
} exch_values;

/* The records of a type are read one query each until EXCH_BULK_AFTER of
 * them have been; then all of the type and year in the caller's scope in
 * one query (exch_load_type). A small file asks little, a large one once. */
#define EXCH_BULK_AFTER 32

/* The school of a data row and its record of the year (exch_school_get). */
typedef struct exch_school {
    int found;
    int64_t id;
    int64_t record_id;  /* 0: no record of the year yet */
    const char *name, *path, *type, *status, *school_type;  /* in texts; NULL when null */
    strbuf texts;
} exch_school;

/* The form of one 办学类型 in the year, loaded when first needed. */
typedef struct exch_form {
    int loaded;
    json_t *fields;     /* stats_fields */
    exch_field *f;      /* the same, resolved */
    size_t n;
    size_t *by_key;     /* indexes of f in strcmp order of key */
    int *colmap;        /* per header column of the current sheet: index of f, -1 for none */
    int mapped;         /* colmap built for the current sheet */
    long single;        /* records read one query each so far */
    int bulk;           /* stored holds every record of the type in scope */
    exch_values stored;
} exch_form;

typedef struct exch_ctx {
    store_db *db;
    const stats_import_opts *o;
    stats_import_result *res;
    int rc;                         /* a store error that stopped the reading */
    int csv;
    exch_form forms[EXCH_MAX_TYPES];
    json_t *seen;                   /* code -> sheet index << 32 | row where it was read */
    json_t *sheets;                 /* the sheet names so far */
    exch_old *olds;                 /* per field of the row's form: its stored value */
    size_t olds_cap;
    exch_values one;                /* the values of a record read on its own */
    exch_school school;             /* the current row's school */
    strbuf tmp, code;

    /* The current sheet. */
    char *sheet;
    int form;                       /* index of the sheet's type; -1 for CSV */
    enum { EXCH_HEADER, EXCH_ROWS, EXCH_SKIP } state;
    long header_row;
    int ncols;
    char **headers;                 /* trimmed header text per column, NULL when empty */
    unsigned char *ignored;         /* per column: a header that names no field (学校名称) */
    int code_col;
} exch_ctx;

static void *exch_grow(void *items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return items;
    size_t more = *cap ? *cap * 2 : 64;
    while (more < need)
        more *= 2;
    items = realloc(items, more * size);
    if (!items) {
        fputs("edubureau: 内存不足\n", stderr);
        abort();
    }
    *cap = more;
    return items;
}

static void exch_values_free(exch_values *v)
{
    free(v->recs);
    free(v->vals);
    sb_free(&v->texts);
    memset(v, 0, sizeof *v);
}

/* Note a problem; only the first STATS_IMPORT_MAX_PROBLEMS are listed (and
 * their reason, printf-style, formatted), the rest only counted. */
static void exch_vproblem(exch_ctx *x, const char *sheet, long row, const char *column,
                          const char *value, const char *fmt, va_list ap)
{
    x->res->nproblems++;
    if (x->res->nproblems > STATS_IMPORT_MAX_PROBLEMS)
        return;
    char *cut = NULL, reason[400];
    if (value && strlen(value) > EXCH_MAX_VALUE_BYTES) {
        size_t n = EXCH_MAX_VALUE_BYTES;
        while (n > 0 && ((unsigned char)value[n] & 0xC0) == 0x80)
            n--;
        cut = malloc(n + 4);
        if (cut) {
            memcpy(cut, value, n);
            memcpy(cut + n, "…", 4);
        }
    }
    vsnprintf(reason, sizeof reason, fmt, ap);
    json_t *p = json_pack("{s:s?, s:o, s:s?, s:s?, s:s}", "sheet", sheet, "row",
                          row > 0 ? json_integer(row) : json_null(), "column", column, "value",
                          cut ? cut : value, "reason", reason);
    free(cut);
    if (p)
        json_array_append_new(x->res->problems, p);
}

static void exch_problem(exch_ctx *x, const char *sheet, long row, const char *column,
                         const char *value, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void exch_problem(exch_ctx *x, const char *sheet, long row, const char *column,
                         const char *value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    exch_vproblem(x, sheet, row, column, value, fmt, ap);
    va_end(ap);
}

/* The problem of a data cell of column col (header text or letter). */
static void exch_cell_problem(exch_ctx *x, long row, int col, const char *value, const char *fmt,
                              ...) __attribute__((format(printf, 5, 6)));
static void exch_cell_problem(exch_ctx *x, long row, int col, const char *value, const char *fmt,
                              ...)
{
    char letter[8];
    const char *column = col < x->ncols && x->headers[col] ? x->headers[col] : NULL;
    if (!column) {
        exch_column_letter(col, letter);
        column = letter;
    }
    va_list ap;
    va_start(ap, fmt);
    exch_vproblem(x, x->sheet, row, column, value, fmt, ap);
    va_end(ap);
}

static int exch_key_cmp(const void *a, const void *b, void *fields)
{
    const exch_field *f = fields;
    return strcmp(f[*(const size_t *)a].key, f[*(const size_t *)b].key);
}

/* The fields of form resolved: kind, bounds, and the order of their keys. */
static void exch_form_resolve(exch_form *form)
{
    size_t n = json_array_size(form->fields);
    form->n = n;
    form->f = calloc(n ? n : 1, sizeof *form->f);
    form->by_key = calloc(n ? n : 1, sizeof *form->by_key);
    if (!form->f || !form->by_key) {
        fputs("edubureau: 内存不足\n", stderr);
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        exch_field *f = &form->f[i];
        json_t *min = NULL, *max = NULL;
        f->json = json_array_get(form->fields, i);
        f->key = exch_text(f->json, "key");
        if (!f->key)
            f->key = "";
        const char *kind = exch_text(f->json, "kind");
        f->kind = !kind                         ? '?'
                  : strcmp(kind, "int") == 0    ? 'i'
                  : strcmp(kind, "real") == 0   ? 'r'
                  : strcmp(kind, "bool") == 0   ? 'b'
                  : strcmp(kind, "enum") == 0   ? 'e'
                                                : '?';
        min = json_object_get(f->json, "min");
        max = json_object_get(f->json, "max");
        f->min = json_is_number(min) ? json_number_value(min) : 0.0;
        f->max = json_is_number(max) ? json_number_value(max) : HUGE_VAL;
        form->by_key[i] = i;
    }
    qsort_r(form->by_key, n, sizeof *form->by_key, exch_key_cmp, form->f);
}

/* The index of the field of form with key, or -1. *next: where in key
 * order to look first (the stored values come in key order from SQLite's
 * primary key, so one comparison usually does), moved past the match. */
static long exch_form_find(const exch_form *form, const char *key, size_t *next)
{
    size_t lo = 0, hi = form->n;
    if (*next < form->n && strcmp(form->f[form->by_key[*next]].key, key) == 0)
        return (long)form->by_key[(*next)++];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(form->f[form->by_key[mid]].key, key);
        if (cmp == 0) {
            *next = mid + 1;
            return (long)form->by_key[mid];
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The form of type index t, loaded once; NULL on a store error (x->rc). */
static exch_form *exch_form_get(exch_ctx *x, int t)
{
    exch_form *f = &x->forms[t];
    if (!f->loaded) {
        int rc = stats_fields(x->db, x->o->year, schools_types[t], &f->fields);
        if (rc != STORE_OK) {
            x->rc = rc;
            f->fields = NULL;
            return NULL;
        }
        exch_form_resolve(f);
        f->loaded = 1;
    }
    return f;
}

/* The index in form f of field (an element of f->fields), or -1. */
static int exch_form_index(const exch_form *f, const json_t *field)
{
    for (size_t i = 0; field && i < f->n; i++)
        if (f->f[i].json == field)
            return (int)i;
    return -1;
}

/* Map the current sheet's header columns to the fields of form f. */
static void exch_form_map(exch_ctx *x, exch_form *f)
{
    if (f->mapped)
        return;
    free(f->colmap);
    f->colmap = malloc(sizeof *f->colmap * (size_t)(x->ncols > 0 ? x->ncols : 1));
    if (!f->colmap) {
        x->rc = STORE_ERROR;
        return;
    }
    for (int c = 0; c < x->ncols; c++)
        f->colmap[c] = x->headers[c] && c != x->code_col
                           ? exch_form_index(f, stats_exchange_match_header(f->fields, x->headers[c]))
                           : -1;
    f->mapped = 1;
}

static void exch_sheet_reset(exch_ctx *x)
{
    for (int c = 0; c < x->ncols; c++)
        free(x->headers[c]);
    free(x->headers);
    free(x->ignored);
    x->headers = NULL;
    x->ignored = NULL;
    x->ncols = 0;
    x->code_col = -1;
    free(x->sheet);
    x->sheet = NULL;
    for (int t = 0; t < EXCH_MAX_TYPES; t++) {
        x->forms[t].mapped = 0;
        x->forms[t].bulk = 0;
        x->forms[t].single = 0;
        exch_values_free(&x->forms[t].stored);  /* a sheet's type is not read again */
    }
}

/* A new sheet begins: its type from its name (CSV: none). */
static void exch_sheet_start(exch_ctx *x, const char *sheet, long row)
{
    exch_sheet_reset(x);
    x->sheet = strdup(sheet ? sheet : "");
    json_array_append_new(x->sheets, json_string(x->sheet ? x->sheet : ""));
    x->state = EXCH_HEADER;
    x->form = -1;
    if (x->csv)
        return;
    const char *name = exch_trim(&x->tmp, sheet);
    int t = exch_type_index(name);
    if (t < 0) {
        exch_problem(x, x->sheet, row, NULL, NULL, "%s",
                     "工作表名不是办学类型：每个工作表应以办学类型命名（如「小学」）");
        x->state = EXCH_SKIP;
        return;
    }
    exch_form *f = exch_form_get(x, t);
    if (!f)
        return;
    if (f->n == 0) {
        exch_problem(x, x->sheet, row, NULL, NULL, "「%s」在 %d 学年没有基表表单",
                     schools_types[t], x->o->year);
        x->state = EXCH_SKIP;
        return;
    }
    x->form = t;
}

/* Header text that names no field and is read by nobody. */
static int exch_header_ignored(const char *h)
{
    return strcmp(h, EXCH_NAME) == 0 || strcmp(h, EXCH_TYPE) == 0;
}

static int exch_row_empty(int ncells, const char *const *cells)
{
    size_t len;
    for (int c = 0; c < ncells; c++)
        if (exch_span(cells[c], &len), len > 0)
            return 0;
    return 1;
}

/* The field header column c maps to in any form (CSV), or NULL. */
static json_t *exch_any_field(exch_ctx *x, int c)
{
    for (int t = 0; t < EXCH_MAX_TYPES; t++) {
        exch_form *f = &x->forms[t];
        if (f->mapped && f->colmap && f->colmap[c] >= 0)
            return f->f[f->colmap[c]].json;
    }
    return NULL;
}

/* 1 when columns d and c name the same field in some form. */
static int exch_same_column(exch_ctx *x, int d, int c)
{
    for (int t = 0; t < EXCH_MAX_TYPES; t++) {
        exch_form *f = &x->forms[t];
        if (f->mapped && f->colmap && f->colmap[c] >= 0 && f->colmap[c] == f->colmap[d])
            return 1;
    }
    return 0;
}

/* The header row of the current sheet. */
static void exch_header(exch_ctx *x, long row, int ncells, const char *const *cells)
{
    x->header_row = row;
    x->ncols = ncells;
    x->headers = calloc((size_t)(ncells > 0 ? ncells : 1), sizeof *x->headers);
    x->ignored = calloc((size_t)(ncells > 0 ? ncells : 1), 1);
    if (!x->headers || !x->ignored) {
        x->rc = STORE_ERROR;
        return;
    }
    for (int c = 0; c < ncells; c++) {
        const char *h = exch_trim(&x->tmp, cells[c]);
        if (!*h)
            continue;
        x->headers[c] = strdup(h);
        x->ignored[c] = (unsigned char)exch_header_ignored(h);
        if (x->code_col < 0 && strcmp(h, EXCH_CODE) == 0)
            x->code_col = c;
    }
    if (x->code_col < 0) {
        exch_problem(x, x->sheet, row, EXCH_CODE, NULL, "%s", "缺少「学校标识码」列（表头应在第一行）");
        x->state = EXCH_SKIP;
        return;
    }
    if (x->csv) {
        for (int t = 0; schools_types[t] && t < EXCH_MAX_TYPES; t++) {
            exch_form *f = exch_form_get(x, t);
            if (!f)
                return;
            exch_form_map(x, f);
        }
    } else {
        exch_form_map(x, &x->forms[x->form]);
    }
    if (x->rc != STORE_OK)
        return;
    for (int c = 0; c < ncells; c++) {
        const char *h = x->headers[c];
        if (!h || c == x->code_col || x->ignored[c])
            continue;
        if (!exch_any_field(x, c)) {
            if (x->csv)
                exch_problem(x, x->sheet, row, h, h, "未知的列：不是 %d 学年任何办学类型基表的项目",
                             x->o->year);
            else
                exch_problem(x, x->sheet, row, h, h, "未知的列：不是「%s」%d 学年基表的项目",
                             schools_types[x->form], x->o->year);
            continue;
        }
        for (int d = 0; d < c; d++) {
            if (d == x->code_col || !x->headers[d] || !exch_same_column(x, d, c))
                continue;
            char letter[8];
            exch_column_letter(d, letter);
            exch_problem(x, x->sheet, row, h, h, "与 %s 列重复：同一项目只能有一列", letter);
            /* the later column is not read */
            for (int t = 0; t < EXCH_MAX_TYPES; t++)
                if (x->forms[t].mapped && x->forms[t].colmap)
                    x->forms[t].colmap[c] = -1;
            break;
        }
    }
    x->state = EXCH_ROWS;
}

/* "是"/"否" and the like as "1"/"0" for a bool field; else text itself. */
static const char *exch_bool_text(const exch_field *field, const char *text)
{
    static const char *const yes[] = {"是", "有", "true", "TRUE", "True", "√", "Y", "y", NULL};
    static const char *const no[] = {"否", "无", "false", "FALSE", "False", "×", "N", "n", NULL};
    if (field->kind != 'b')
        return text;
    if (exch_in_list(yes, text))
        return "1";
    if (exch_in_list(no, text))
        return "0";
    return text;
}

/* 1 when the cell text (len bytes) is a value stats_value_parse takes as it
 * is - a plain decimal of at most 15 digits within the bounds of a number
 * field, or 1/0/是/否 of a bool - and equal to the stored value: nothing
 * to check further, nothing changes. 0 sends the cell the long way. */
static int exch_unchanged(const exch_field *f, const char *text, size_t len, const exch_old *old)
{
    if (!old->has || old->text)
        return 0;
    if (f->kind == 'b') {
        int yes = (len == 1 && text[0] == '1') || (len == 3 && memcmp(text, "是", 3) == 0);
        int no = (len == 1 && text[0] == '0') || (len == 3 && memcmp(text, "否", 3) == 0);
        return (yes || no) && old->num == (yes ? 1.0 : 0.0);
    }
    if (f->kind != 'i' && f->kind != 'r')
        return 0;
    size_t i = 0, digits = 0;
    int64_t whole = 0;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++)
        whole = whole * 10 + (text[i] - '0');
    if (digits == 0 || digits > 15)
        return 0;
    double d = (double)whole;
    if (i < len) {
        size_t frac = 0;
        if (f->kind != 'r' || text[i] != '.')
            return 0;
        for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++)
            frac++;
        if (frac == 0 || i < len || digits + frac > 15)
            return 0;
        d = strtod(text, NULL);     /* stops where the digits do */
    }
    return d >= f->min && d <= f->max && d == old->num;
}

/* 1 when the stored value and an imported one (not null) mean the same, as exch_same. */
static int exch_same_old(const exch_old *old, json_t *v)
{
    if (!old->has)
        return 0;
    if (old->text)
        return json_is_string(v) && strcmp(old->text, json_string_value(v)) == 0;
    if (!json_is_number(v) && !json_is_boolean(v))
        return 0;
    return exch_numbers_same(old->num, json_is_boolean(v) ? json_is_true(v) : json_number_value(v));
}

/* The stored value as JSON (new): a number as an integer when whole. */
static json_t *exch_old_json(const exch_old *old)
{
    if (!old->has)
        return json_null();
    if (old->text)
        return json_string(old->text);
    if (isfinite(old->num) && old->num == floor(old->num) && fabs(old->num) < 9007199254740992.0)
        return json_integer((json_int_t)old->num);
    return json_real(old->num);
}

/* db_each: the first row (s.id, s.name, s.path, s.type, r.id, r.status,
 * r.school_type) into the exch_school at ctx. */
static int exch_school_row(void *ctx, int ncols, const sval *cols)
{
    static const int text_cols[] = {1, 2, 3, 5, 6};
    exch_school *school = ctx;
    const char **slots[] = {&school->name, &school->path, &school->type, &school->status,
                            &school->school_type};
    size_t at[5];
    if (ncols < 7 || cols[0].type != SV_INT)
        return 1;
    school->found = 1;
    school->id = cols[0].i;
    school->record_id = cols[4].type == SV_INT ? cols[4].i : 0;
    sb_reset(&school->texts);
    for (int i = 0; i < 5; i++) {
        const sval *v = &cols[text_cols[i]];
        at[i] = school->texts.len;
        if (v->type == SV_TEXT)
            sb_appendn(&school->texts, v->s, strlen(v->s) + 1);
    }
    for (int i = 0; i < 5; i++)  /* texts has moved while growing: point at the end */
        *slots[i] = cols[text_cols[i]].type == SV_TEXT ? school->texts.buf + at[i] : NULL;
    return 1;
}

/* The school of code as u may import it, with its record of the year
 * (record columns NULL without one), into x->school; NULL after a problem
 * (or a store error in x->rc). */
static const exch_school *exch_school_get(exch_ctx *x, long row, const char *code)
{
    exch_school *school = &x->school;
    school->found = 0;
    sval p[] = {SV_I(x->o->year), SV_T(code)};
    int rc = db_each(x->db,
                     "SELECT s.id, s.name, s.path, s.type, r.id AS record_id, r.status, "
                     "r.school_type FROM schools s LEFT JOIN stat_records r ON r.school_id = "
                     "s.id AND r.year = ? WHERE s.code = ?",
                     p, 2, exch_school_row, school);
    if (rc != STORE_OK) {
        x->rc = rc;
        return NULL;
    }
    if (!school->found) {
        exch_cell_problem(x, row, x->code_col, code, "%s", "没有这个学校标识码");
        return NULL;
    }
    const user_ctx *u = x->o->u;
    const char *reason = NULL;
    if (u && exch_role_is(u, ROLE_SCHOOL) && u->school_id != school->id)
        reason = "无权限：学校管理员只能导入本校的数据";
    else if (u && !access_can_write(u, "stats", school->path))
        reason = "无权限：您不能填报该学校的基表";
    if (reason) {
        exch_cell_problem(x, row, x->code_col, code, "%s", reason);
        return NULL;
    }
    return school;
}

/* 1 when the school of code was read before (a problem naming where); else
 * note that it is read here. */
static int exch_seen(exch_ctx *x, long row, const char *code)
{
    json_t *first = json_object_get(x->seen, code);
    if (first) {
        json_int_t at = json_integer_value(first);
        exch_cell_problem(x, row, x->code_col, code, "同一学校重复：已在工作表「%s」第 %lld 行",
                          json_string_value(json_array_get(x->sheets, (size_t)(at >> 32))),
                          (long long)(at & 0xffffffff));
        return 1;
    }
    json_int_t sheet = (json_int_t)json_array_size(x->sheets) - 1;
    json_object_set_new(x->seen, code, json_integer(sheet << 32 | (json_int_t)row));
    return 0;
}

/* db_each: a row (record_id, field, num, text) into the values loading;
 * a record's rows come together; field NULL: a record without values. */
static int exch_values_row(void *ctx, int ncols, const sval *cols)
{
    exch_values *v = ctx;
    if (ncols < 4 || cols[0].type != SV_INT)
        return 0;
    if (v->nrecs == 0 || v->recs[v->nrecs - 1].record_id != cols[0].i) {
        v->recs = exch_grow(v->recs, &v->recs_cap, v->nrecs + 1, sizeof *v->recs);
        v->recs[v->nrecs++] = (exch_slice){cols[0].i, v->nvals, 0};
        v->next = 0;
    }
    long k = cols[1].type == SV_TEXT ? exch_form_find(v->form, cols[1].s, &v->next) : -1;
    if (k < 0)
        return 0;
    exch_stored value = {(int32_t)k, -1, 0.0};
    if (cols[3].type == SV_TEXT) {
        value.text = (int32_t)v->texts.len;
        sb_appendn(&v->texts, cols[3].s, strlen(cols[3].s) + 1);
    } else if (cols[2].type == SV_REAL || cols[2].type == SV_INT) {
        value.num = cols[2].type == SV_REAL ? cols[2].d : (double)cols[2].i;
    } else {
        return 0;
    }
    v->vals = exch_grow(v->vals, &v->vals_cap, v->nvals + 1, sizeof *v->vals);
    v->vals[v->nvals++] = value;
    v->recs[v->nrecs - 1].count++;
    return 0;
}

static int exch_slice_cmp(const void *a, const void *b)
{
    int64_t x = ((const exch_slice *)a)->record_id, y = ((const exch_slice *)b)->record_id;
    return (x > y) - (x < y);
}

/* The values of the records that sql selects (rows record_id, field, num,
 * text, each record's together) as fields of form f into v. */
static int exch_values_load(exch_ctx *x, const exch_form *f, exch_values *v, const char *sql,
                            const sval *params, int nparams)
{
    v->nrecs = v->nvals = 0;
    sb_reset(&v->texts);
    v->form = f;
    int rc = db_each(x->db, sql, params, nparams, exch_values_row, v);
    if (rc == STORE_OK && v->nrecs > 1)
        qsort(v->recs, v->nrecs, sizeof *v->recs, exch_slice_cmp);
    return rc;
}

/* Every record of type index t in the year and the caller's scope into
 * f->stored: memory in proportion to the database's values of the type.
 * In index order (year, path, status), so SQLite sorts nothing. */
static int exch_load_type(exch_ctx *x, exch_form *f, int t)
{
    const char *scope = x->o->u && x->o->u->scope_path && *x->o->u->scope_path
                            ? x->o->u->scope_path : "/";
    strbuf upper = STRBUF_INIT;
    sb_append(&upper, scope);
    upper.buf[upper.len - 1]++;  /* "/1/3/" -> "/1/30": past every path under the scope */
    sval p[] = {SV_I(x->o->year), SV_T(scope), SV_T(sb_str(&upper)), SV_T(schools_types[t])};
    int rc = exch_values_load(x, f, &f->stored,
                              "SELECT r.id, v.field, v.num, v.text FROM stat_records r "
                              "LEFT JOIN stat_values v ON v.record_id = r.id "
                              "WHERE r.year = ? AND r.path >= ? AND r.path < ? AND r.school_type = ? "
                              "ORDER BY r.path, r.status, r.id",
                              p, 4);
    sb_free(&upper);
    f->bulk = rc == STORE_OK;
    return rc;
}

/* The values of record_id from v into x->olds; 0 when v does not hold it. */
static int exch_olds_fill(exch_ctx *x, exch_values *v, int64_t record_id)
{
    exch_slice key = {record_id, 0, 0};
    const exch_slice *rec = v->nrecs ? bsearch(&key, v->recs, v->nrecs, sizeof key, exch_slice_cmp)
                                     : NULL;
    if (!rec)
        return 0;
    for (size_t i = rec->start; i < rec->start + rec->count; i++) {
        const exch_stored *value = &v->vals[i];
        x->olds[value->field] =
            (exch_old){1, value->num, value->text >= 0 ? v->texts.buf + value->text : NULL};
    }
    return 1;
}

/* The stored values of record id (a school's record of form f, type index
 * t; 0: none yet) into x->olds, per field of f. A record the bulk
 * load did not hold (outside the scope's paths) is read on its own. */
static int exch_load_olds(exch_ctx *x, exch_form *f, int t, int64_t id)
{
    if (x->olds_cap < f->n) {
        free(x->olds);
        x->olds = malloc(sizeof *x->olds * f->n);
        if (!x->olds) {
            x->olds_cap = 0;
            return STORE_ERROR;
        }
        x->olds_cap = f->n;
    }
    memset(x->olds, 0, sizeof *x->olds * f->n);
    if (id <= 0)
        return STORE_OK;
    if (!f->bulk && f->single >= EXCH_BULK_AFTER) {
        int rc = exch_load_type(x, f, t);
        if (rc != STORE_OK)
            return rc;
    }
    if (f->bulk && exch_olds_fill(x, &f->stored, id))
        return STORE_OK;
    f->single++;
    sval p[] = {SV_I(id)};
    int rc = exch_values_load(x, f, &x->one,
                              "SELECT record_id, field, num, text FROM stat_values WHERE record_id = ?",
                              p, 1);
    if (rc == STORE_OK)
        exch_olds_fill(x, &x->one, id);
    return rc;
}

/* One change of the preview. */
static json_t *exch_change(const exch_school *school, const char *code, const exch_field *field,
                           const exch_old *old, json_t *new_value)
{
    return json_pack("{s:I, s:s?, s:s, s:s, s:s?, s:o, s:O}", "school_id",
                     (json_int_t)school->id, "school_name", school->name,
                     "code", code, "field", field->key, "label", exch_text(field->json, "label"),
                     "old", exch_old_json(old), "new", new_value);
}

/* Check (and with o->apply save) the changes of one school's row. */
static void exch_row_changes(exch_ctx *x, long row, const char *code, const exch_school *school,
                             json_t *changed, json_t *row_changes)
{
    const char *status = school->status;
    const char *reason = NULL;
    if (status && strcmp(status, "已通过") == 0)
        reason = "该校基表已通过审核（已锁定），不能修改";
    else if (status && strcmp(status, "已提交") == 0 && exch_role_is(x->o->u, ROLE_SCHOOL))
        reason = "该校基表已提交，等待审核，不能修改";
    if (reason) {
        exch_cell_problem(x, row, x->code_col, code, "%s", reason);
        return;
    }
    x->res->nchanges += (long)json_object_size(changed);
    if (x->res->changes && row_changes)
        json_array_extend(x->res->changes, row_changes);
    if (!x->o->apply || x->res->nproblems > 0)
        return;
    refusal e = {0};
    int rc = stats_record_save(x->db, x->o->u, x->o->ip, school->id, x->o->year, changed, NULL, 1,
                               &e);
    if (rc == REFUSED)
        exch_cell_problem(x, row, x->code_col, code, "%s", e.message ? e.message : "");
    else if (rc != STORE_OK)
        x->rc = rc;
}

/* The cells of a school's row against form f and the stored values in
 * x->olds: problems, or the changed values into changed (and the preview's
 * changes into row_changes). The number of problems. */
static int exch_row_cells(exch_ctx *x, long row, int ncells, const char *const *cells,
                          const exch_school *school, const char *code, const char *type,
                          exch_form *f,
                          json_t *changed, json_t *row_changes)
{
    int bad = 0;
    for (int c = 0; c < ncells; c++) {
        size_t len;
        const char *text = exch_span(cells[c], &len);
        if (c == x->code_col || len == 0)
            continue;
        if (c >= x->ncols || !x->headers[c]) {
            exch_cell_problem(x, row, c, exch_span_text(&x->tmp, text, len), "%s", "该列没有表头");
            bad++;
            continue;
        }
        if (x->ignored[c])
            continue;
        int k = f->colmap ? f->colmap[c] : -1;
        if (k < 0) {
            if (x->csv && exch_any_field(x, c)) {
                exch_cell_problem(x, row, c, exch_span_text(&x->tmp, text, len),
                                  "「%s」的基表没有这一项", type);
                bad++;
            }
            continue;  /* an unknown header: reported once, at the header */
        }
        const exch_field *field = &f->f[k];
        if (exch_unchanged(field, text, len, &x->olds[k]))
            continue;
        text = exch_span_text(&x->tmp, text, len);
        const char *why = NULL;
        json_t *v = stats_value_parse(field->json, exch_bool_text(field, text), &why);
        if (!v) {
            exch_cell_problem(x, row, c, text, "%s", why ? why : "无效的值");
            bad++;
            continue;
        }
        if (json_is_null(v) || exch_same_old(&x->olds[k], v) || json_object_get(changed, field->key)) {
            json_decref(v);
            continue;
        }
        if (row_changes)
            json_array_append_new(row_changes, exch_change(school, code, field, &x->olds[k], v));
        json_object_set_new(changed, field->key, v);
    }
    return bad;
}

/* A data row of the current sheet. */
static void exch_data_row(exch_ctx *x, long row, int ncells, const char *const *cells)
{
    if (exch_row_empty(ncells, cells))
        return;
    size_t len;
    const char *span = x->code_col < ncells ? exch_span(cells[x->code_col], &len) : (len = 0, "");
    if (len == 0) {
        exch_cell_problem(x, row, x->code_col, NULL, "%s", "缺少学校标识码");
        return;
    }
    sb_reset(&x->code);
    sb_appendn(&x->code, span, len);
    const char *code = sb_str(&x->code);
    if (json_object_get(x->seen, code)) {   /* read before: no need to ask the database */
        exch_seen(x, row, code);
        return;
    }
    const exch_school *school = exch_school_get(x, row, code);
    json_t *changed = NULL, *row_changes = NULL;
    if (!school || exch_seen(x, row, code))
        goto done;
    const char *type = school->school_type ? school->school_type : school->type;
    int t = exch_type_index(type);
    if (!x->csv && t != x->form) {
        exch_cell_problem(x, row, x->code_col, code, "该学校的办学类型是「%s」，应填在「%s」工作表",
                          type ? type : "", type ? type : "");
        goto done;
    }
    exch_form *f = t >= 0 ? exch_form_get(x, t) : NULL;
    if (t >= 0 && !f)
        goto done;
    if (!f || f->n == 0) {
        exch_cell_problem(x, row, x->code_col, code, "「%s」在 %d 学年没有基表表单",
                          type ? type : "", x->o->year);
        goto done;
    }
    exch_form_map(x, f);
    int rc = x->rc == STORE_OK ? exch_load_olds(x, f, t, school->record_id) : x->rc;
    if (rc != STORE_OK) {
        x->rc = rc;
        goto done;
    }
    x->res->schools++;
    changed = json_object();
    row_changes = x->res->changes ? json_array() : NULL;
    if (exch_row_cells(x, row, ncells, cells, school, code, type, f, changed, row_changes) > 0)
        goto done;
    if (json_object_size(changed) == 0)
        x->res->unchanged++;
    else
        exch_row_changes(x, row, code, school, changed, row_changes);
done:
    json_decref(changed);
    json_decref(row_changes);
}

static int exch_on_row(void *ctx, const char *sheet, long row, int ncells, const char *const *cells)
{
    exch_ctx *x = ctx;
    if (!x->sheet || strcmp(x->sheet, sheet ? sheet : "") != 0)
        exch_sheet_start(x, sheet, row);
    if (x->rc != STORE_OK)
        return 1;
    if (x->state == EXCH_HEADER) {
        if (!exch_row_empty(ncells, cells))
            exch_header(x, row, ncells, cells);
    } else if (x->state == EXCH_ROWS) {
        exch_data_row(x, row, ncells, cells);
    }
    return x->rc != STORE_OK;
}

/* The import of the buffer data (len bytes) or, when path is set, of the
 * file at path (see stats_import_run). */
static int exch_import(store_db *db, const stats_import_opts *o, const void *data, size_t len,
                       const char *path, stats_import_result *res)
{
    memset(res, 0, sizeof *res);
    res->problems = json_array();
    res->changes = o->keep_changes ? json_array() : NULL;
    exch_ctx x;
    memset(&x, 0, sizeof x);
    x.db = db;
    x.o = o;
    x.res = res;
    x.rc = STORE_OK;
    x.code_col = -1;
    x.form = -1;
    x.seen = json_object();
    x.sheets = json_array();
    strbuf sbinit = STRBUF_INIT;
    x.tmp = x.code = sbinit;

    char *err = NULL;
    int read_rc;
    if (path) {
        x.csv = !table_file_is_xlsx(path);
        read_rc = x.csv ? csv_read_file(path, o->limits, exch_on_row, &x, &err)
                        : xlsx_read_file(path, o->limits, exch_on_row, &x, &err);
    } else {
        x.csv = !table_is_xlsx(data, len);
        read_rc = x.csv ? csv_read(data, len, o->limits, exch_on_row, &x, &err)
                        : xlsx_read(data, len, o->limits, exch_on_row, &x, &err);
    }
    if (read_rc < 0 && x.rc == STORE_OK)
        exch_problem(&x, NULL, 0, NULL, NULL, "%s", err && *err ? err : "文件无法读取");
    else if (x.rc == STORE_OK && !x.sheet && res->nproblems == 0)
        exch_problem(&x, NULL, 0, NULL, NULL, "%s",
                     "文件中没有数据：第一行应为表头（学校标识码、学校名称和各项目）");
    free(err);
    if (res->nproblems > STATS_IMPORT_MAX_PROBLEMS) {
        char reason[80];
        snprintf(reason, sizeof reason, "还有 %ld 个问题未列出",
                 res->nproblems - STATS_IMPORT_MAX_PROBLEMS);
        json_array_append_new(res->problems, json_pack("{s:n, s:n, s:n, s:n, s:s}", "sheet", "row",
                                                       "column", "value", "reason", reason));
    }
    exch_sheet_reset(&x);
    for (int t = 0; t < EXCH_MAX_TYPES; t++) {
        json_decref(x.forms[t].fields);
        free(x.forms[t].f);
        free(x.forms[t].by_key);
        free(x.forms[t].colmap);
    }
    json_decref(x.seen);
    json_decref(x.sheets);
    free(x.olds);
    exch_values_free(&x.one);
    sb_free(&x.school.texts);
    sb_free(&x.tmp);
    sb_free(&x.code);
    return x.rc;
}

int stats_import_run(store_db *db, const stats_import_opts *o, const void *data, size_t len,
                     stats_import_result *res)
{
    return exch_import(db, o, data, len, NULL, res);
}

int stats_import_file(store_db *db, const stats_import_opts *o, const char *path,
                      stats_import_result *res)
{
    return exch_import(db, o, NULL, 0, path, res);
}

void stats_import_result_free(stats_import_result *res)
{
    json_decref(res->problems);
    json_decref(res->changes);
    res->problems = NULL;
    res->changes = NULL;
}

/* ---------------------------------------------------------------- apply */

int stats_import_apply(store_db *db, arena *a, const user_ctx *u, const char *ip, int year,
                       json_t *changes, long *applied, refusal *e)
{
    size_t n = json_array_size(changes), i = 0;
    *applied = 0;
    while (i < n) {
        json_int_t id = json_integer_value(json_object_get(json_array_get(changes, i), "school_id"));
        json_t *rec = NULL, *name_row = NULL, *values = json_object();
        sval p[] = {SV_I(id)};
        int rc = db_query_one(db, "SELECT name FROM schools WHERE id = ?", p, 1, &name_row);
        if (rc == STORE_OK)
            rc = stats_record_load(db, id, year, &rec);
        if (rc == STORE_NOTFOUND && name_row)
            rc = STORE_OK;
        const char *name = name_row ? exch_text(name_row, "name") : "";
        json_t *current = rec ? json_object_get(rec, "values") : NULL;
        int stale = rc != STORE_OK;
        size_t j = i;
        for (; j < n; j++) {
            json_t *c = json_array_get(changes, j);
            if (json_integer_value(json_object_get(c, "school_id")) != id)
                break;
            const char *field = exch_text(c, "field");
            if (!field)
                continue;
            if (!exch_same(json_object_get(current, field), json_object_get(c, "old")))
                stale = 1;
            json_object_set(values, field, json_object_get(c, "new"));
        }
        if (rc == STORE_OK && stale)
            rc = refuse(e, 409, "conflict", NULL,
                        arena_printf(a, "「%s」的基表在预览之后已被修改，请重新上传文件", name));
        if (rc == STORE_OK)
            rc = stats_record_save(db, u, ip, id, year, values, NULL, 1, e);
        if (rc == REFUSED && !stale) {  /* stats_record_save said no: name the school */
            e->status = 409;
            e->message = arena_printf(a, "「%s」：%s", name, e->message ? e->message : "");
        }
        if (rc == STORE_NOTFOUND)
            rc = refuse(e, 409, "conflict", NULL, "预览中的学校已不存在，请重新上传文件");
        json_decref(rec);
        json_decref(name_row);
        json_decref(values);
        if (rc != STORE_OK)
            return rc;
        *applied += (long)(j - i);
        i = j > i ? j : i + 1;
    }
    return STORE_OK;
}

/* ---------------------------------------------------------------- HTTP */

/* The year of the query: 0, or -1 after replying 400. */
static int exch_year(req *r, int *year)
{
    const char *text = req_query(r, "year");
    if (!text || strlen(text) != 4 || strspn(text, "0123456789") != 4 || atoi(text) < 1990 ||
        atoi(text) > 2100) {
        reply_bad_request(r, "year", "请给出学年（如 2021）");
        return -1;
    }
    *year = atoi(text);
    return 0;
}

/* An optional id of the query: 0 when absent, -1 after replying 400. */
static int64_t exch_query_id(req *r, const char *name, const char *message)
{
    const char *text = req_query(r, name);
    if (!text)
        return 0;
    int64_t id = parse_id(text);
    if (!id) {
        reply_bad_request(r, name, message);
        return -1;
    }
    return id;
}

void stats_exchange_reply_workbook(req *r, int year, const char *const *types, int64_t town_id,
                                   const char *status, int64_t round_id, const char *title)
{
    if (!r->user || !access_can_read(r->user, "stats", r->user->scope_path)) {
        reply_forbidden(r);
        return;
    }
    stats_export_filter f = {year, types, town_id, status, round_id};
    refusal e = {0};
    char *data = NULL;
    size_t len = 0;
    int rc = stats_export_workbook(r->db, r->a, r->user, &f, &data, &len, &e);
    if (rc != STORE_OK) {
        if (rc != REFUSED)
            log_error("%s %s: export failed: %s", r->method, r->path, db_errmsg(r->db));
        reply_refusal(r, rc, &e);
        return;
    }
    const char *name = title && *title ? arena_printf(r->a, "%s.xlsx", title)
                                       : arena_printf(r->a, "基表%d学年.xlsx", year);
    reply_bytes(r, 200, EXCH_XLSX_TYPE, name, data, len);
    free(data);
}

static void exch_export_handler(req *r)
{
    int year;
    if (exch_year(r, &year) != 0)
        return;
    int64_t town = exch_query_id(r, "town", "街道/乡镇编号无效");
    if (town < 0)
        return;
    int64_t round = exch_query_id(r, "round", "填报任务编号无效");
    if (round < 0)
        return;
    const char *type = req_query(r, "type");
    const char *types[] = {type, NULL};
    stats_exchange_reply_workbook(r, year, type ? types : NULL, town, req_query(r, "status"),
                                  round, NULL);
}

/* The changes as stat_imports keeps them: [{school_id, field, old, new}]. */
static char *exch_changes_text(json_t *changes)
{
    json_t *compact = json_array(), *c;
    size_t i;
    json_array_foreach(changes, i, c) {
        json_array_append_new(compact, json_pack("{s:O, s:O, s:O, s:O}", "school_id",
                                                 json_object_get(c, "school_id"), "field",
                                                 json_object_get(c, "field"), "old",
                                                 json_object_get(c, "old"), "new",
                                                 json_object_get(c, "new")));
    }
    char *text = json_dumps(compact, JSON_COMPACT);
    json_decref(compact);
    return text;
}

static void exch_import_handler(req *r)
{
    int year;
    if (exch_year(r, &year) != 0)
        return;
    if (!access_can_write(r->user, "stats", r->user->scope_path)) {
        reply_forbidden(r);
        return;
    }
    if (!r->body || r->body_len == 0) {
        reply_bad_request(r, "file", "请上传 xlsx 或 CSV 文件");
        return;
    }
    stats_import_opts o = {.year = year, .u = r->user, .ip = r->ip, .keep_changes = 1};
    stats_import_result res;
    int rc = stats_import_run(r->db, &o, r->body, r->body_len, &res);
    if (rc != STORE_OK) {
        log_error("%s %s: import failed: %s", r->method, r->path, db_errmsg(r->db));
        stats_import_result_free(&res);
        reply_store_error(r, rc);
        return;
    }
    if (res.nproblems > 0) {
        reply_error_details(r, 400, "import_failed",
                            arena_printf(r->a, "文件中有 %ld 个问题，未导入任何数据",
                                         res.nproblems),
                            NULL, "problems", res.problems);
        stats_import_result_free(&res);
        return;
    }
    char token_text[33];
    password_random_hex(token_text, 16);
    const char *token = token_text;
    char *text = exch_changes_text(res.changes);
    int64_t now = clock_now();
    if (!text) {
        stats_import_result_free(&res);
        reply_store_error(r, STORE_ERROR);
        return;
    }
    arena_own(r->a, text);
    if (req_begin(r) != 0) {
        stats_import_result_free(&res);
        return;
    }
    sval old[] = {SV_I(now - STATS_IMPORT_TTL)};
    rc = db_exec(r->db, "DELETE FROM stat_imports WHERE created_at < ?", old, 1);
    sval p[] = {SV_T(token), SV_I(r->user->id), SV_I(year), SV_T(req_query(r, "name")),
                SV_T(text), SV_I(now)};
    if (rc == STORE_OK)
        rc = db_exec(r->db,
                     "INSERT INTO stat_imports (token, user_id, year, file_name, changes, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                     p, 6);
    if (rc == STORE_OK)
        rc = db_commit(r->db);
    if (rc != STORE_OK) {
        db_rollback(r->db);
        log_error("%s %s: %s", r->method, r->path, db_errmsg(r->db));
        stats_import_result_free(&res);
        reply_store_error(r, rc);
        return;
    }
    json_t *body = json_pack("{s:s, s:O, s:I, s:I}", "token", token, "changes", res.changes,
                             "schools", (json_int_t)res.schools, "unchanged",
                             (json_int_t)res.unchanged);
    stats_import_result_free(&res);
    reply_json(r, 200, body);
}

static void exch_apply_handler(req *r)
{
    const char *token = req_param(r, "token");
    json_t *row = NULL;
    sval p[] = {SV_T(token)};
    int rc = token ? db_query_one(r->db,
                                  "SELECT user_id, year, changes, created_at FROM stat_imports "
                                  "WHERE token = ?",
                                  p, 1, &row)
                   : STORE_NOTFOUND;
    if (rc != STORE_OK && rc != STORE_NOTFOUND) {
        reply_store_error(r, rc);
        return;
    }
    if (rc == STORE_NOTFOUND ||
        json_integer_value(json_object_get(row, "user_id")) != r->user->id ||
        json_integer_value(json_object_get(row, "created_at")) < clock_now() - STATS_IMPORT_TTL) {
        json_decref(row);
        reply_error(r, 404, "not_found", "导入预览不存在或已过期，请重新上传文件", NULL);
        return;
    }
    int year = (int)json_integer_value(json_object_get(row, "year"));
    json_t *changes = json_loads(exch_text(row, "changes"), 0, NULL);
    json_decref(row);
    if (!json_is_array(changes)) {
        json_decref(changes);
        reply_store_error(r, STORE_ERROR);
        return;
    }
    if (req_begin(r) != 0) {
        json_decref(changes);
        return;
    }
    refusal e = {0};
    long applied = 0;
    rc = stats_import_apply(r->db, r->a, r->user, r->ip, year, changes, &applied, &e);
    json_decref(changes);
    if (rc == STORE_OK)
        rc = db_exec(r->db, "DELETE FROM stat_imports WHERE token = ?", p, 1);
    if (rc == STORE_OK)
        rc = db_commit(r->db);
    if (rc != STORE_OK) {
        db_rollback(r->db);
        if (rc != REFUSED)
            log_error("%s %s: %s", r->method, r->path, db_errmsg(r->db));
        reply_refusal(r, rc, &e);
        return;
    }
    reply_json(r, 200, json_pack("{s:I}", "applied", (json_int_t)applied));
}

const route stats_exchange_routes[] = {
    {"GET", "/api/stats/export", exch_export_handler, 0},
    {"POST", "/api/stats/import", exch_import_handler, ROUTE_RAW_BODY},
    {"POST", "/api/stats/import/{token}/apply", exch_apply_handler, 0},
    {NULL, NULL, NULL, 0},
};
