/*
 * safety_counts.c - the 安全 summary's counts (safety_counts.h, tables of
 * migrations/007_safety_counts.sql), kept exactly in step with hazards.
 *
 * A hazard contributes, under each unit (an org unit of level province,
 * city or county whose path is a prefix of the hazard's path), one count
 * to hazard_found_counts, and when 已销号 one to hazard_closed_counts and
 * hazard_close_days, and when open one to hazard_open_counts. Those are
 * sums over hazards, so a write subtracts the row's old contribution and
 * adds its new one. hazard_school_runs is not a sum over hazards: it is
 * derived from each (unit, school)'s set of months with a hazard found,
 * so a write recomputes that set for the school before and after.
 *
 * Both the writes (safety_counts_move) and the rebuild gather their
 * changes in one map from a key ("table\x1funit\x1fcolumn...") to a count,
 * built by the same functions, then write the map: the incremental path
 * and the rebuild cannot disagree on what a hazard counts for.
 */
#include "domain/safety_counts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/org.h"
#include "domain/safety.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"

#define SC_SEP "\x1f"
#define SC_KEY_MAX 512
#define SC_MAX_PREFIXES 16
#define SC_PAGE 20000

enum { SC_FOUND, SC_CLOSED, SC_DAYS, SC_OPEN, SC_RUNS, SC_TABLES };

/* Each table's key columns and their types (T text, I integer). */
static const struct sc_table {
    const char *name;
    const char *cols[5];
    const char *types;
} sc_tables[SC_TABLES] = {
    {"hazard_found_counts", {"unit_path", "month", "grade", "category_id", "status"}, "TTTIT"},
    {"hazard_closed_counts", {"unit_path", "month", "grade", "category_id"}, "TTTI"},
    {"hazard_close_days", {"unit_path", "month", "days"}, "TTI"},
    {"hazard_open_counts", {"unit_path", "deadline", "supervised"}, "TTI"},
    {"hazard_school_runs", {"unit_path", "month", "prev_month"}, "TTT"},
};

static const char *const sc_open_statuses[] = {"已登记", "整改中", "待验收", NULL};
static const char *const sc_grades[] = {"一般", "重大", NULL};

/* ------------------------------------------------------------ the map */

/* Key -> count, open addressing. Keys are malloced; each slot keeps its
 * key's hash, so that a probe compares strings only when hashes agree. */
typedef struct sc_map {
    char **keys;
    int64_t *vals;
    uint64_t *hashes;
    size_t cap, len;
} sc_map;

static uint64_t sc_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    h ^= h >> 33; /* FNV-1a, then mix the high bits into the low ones */
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

static int sc_map_grow(sc_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    char **keys = calloc(cap, sizeof *keys);
    int64_t *vals = calloc(cap, sizeof *vals);
    uint64_t *hashes = calloc(cap, sizeof *hashes);
    if (!keys || !vals || !hashes) {
        free(keys);
        free(vals);
        free(hashes);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = m->hashes[i] & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
        hashes[j] = m->hashes[i];
    }
    free(m->keys);
    free(m->vals);
    free(m->hashes);
    m->keys = keys;
    m->vals = vals;
    m->hashes = hashes;
    m->cap = cap;
    return 0;
}

/* The slot of key, added with count 0 when new; -1 when out of memory. */
static long sc_map_slot(sc_map *m, const char *key)
{
    if ((m->len + 1) * 10 > m->cap * 7 && sc_map_grow(m) != 0)
        return -1;
    uint64_t h = sc_hash(key);
    size_t j = h & (m->cap - 1);
    while (m->keys[j] && (m->hashes[j] != h || strcmp(m->keys[j], key) != 0))
        j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) {
        if (!(m->keys[j] = strdup(key)))
            return -1;
        m->vals[j] = 0;
        m->hashes[j] = h;
        m->len++;
    }
    return (long)j;
}

static int sc_map_add(sc_map *m, const char *key, int64_t d)
{
    long j = sc_map_slot(m, key);
    if (j < 0)
        return STORE_ERROR;
    m->vals[j] += d;
    return STORE_OK;
}

static void sc_map_free(sc_map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    free(m->hashes);
    memset(m, 0, sizeof *m);
}

/* Add d to the key table, fields... (NULL-terminated, already text). */
static int sc_add_key(sc_map *m, int table, int64_t d, const char *const *fields)
{
    char key[SC_KEY_MAX];
    size_t used = (size_t)snprintf(key, sizeof key, "%d", table);
    for (int i = 0; fields[i]; i++) {
        int n = snprintf(key + used, sizeof key - used, SC_SEP "%s", fields[i]);
        if (n < 0 || (size_t)n >= sizeof key - used) {
            log_error("安全计数键过长: %s", fields[0]);
            return STORE_ERROR;
        }
        used += (size_t)n;
    }
    return sc_map_add(m, key, d);
}

/* ------------------------------------------------------- hazard fields */

static const char *sc_text(json_t *row, const char *key)
{
    return json_string_value(json_object_get(row, key));
}

static int64_t sc_int(json_t *row, const char *key)
{
    return json_integer_value(json_object_get(row, key));
}

static int sc_in(const char *const *list, const char *s)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* 1 when unit is a prefix of path (the hazard is in the unit's range). */
static int sc_under(const char *path, const char *unit)
{
    return path && unit && strncmp(path, unit, strlen(unit)) == 0;
}

/* The units of path: org units of level province, city or county whose
 * path is a prefix of it ending at a '/'. New array of {"path"}. */
static int sc_units(store_db *db, const char *path, json_t **out)
{
    char prefixes[SC_MAX_PREFIXES][128];
    sval p[SC_MAX_PREFIXES];
    int n = 0;
    size_t len = path ? strlen(path) : 0;
    *out = NULL;
    for (size_t i = 0; i < len && n < SC_MAX_PREFIXES; i++) {
        if (path[i] != '/' || i + 1 >= sizeof prefixes[0])
            continue;
        memcpy(prefixes[n], path, i + 1);
        prefixes[n][i + 1] = '\0';
        p[n] = SV_T(prefixes[n]);
        n++;
    }
    if (n == 0) {
        *out = json_array();
        return STORE_OK;
    }
    strbuf sql = STRBUF_INIT;
    sb_append(&sql, "SELECT path FROM org_units WHERE level IN ('province', 'city', 'county') "
                    "AND path IN (?");
    for (int i = 1; i < n; i++)
        sb_append(&sql, ", ?");
    sb_append(&sql, ")");
    int rc = db_query(db, sb_str(&sql), p, n, out);
    sb_free(&sql);
    return rc;
}

/* The additive counts of hazard h under each unit, times sign. */
static int sc_hazard_keys(sc_map *m, json_t *units, json_t *h, int64_t sign)
{
    char month[8], closed_month[8], category[24], days_text[24], supervised[24];
    const char *status = sc_text(h, "status"), *closed_on = sc_text(h, "closed_on");
    const char *grade = sc_text(h, "grade"), *deadline = sc_text(h, "deadline");
    int closed = status && strcmp(status, "已销号") == 0 && closed_on;
    int open = sc_in(sc_open_statuses, status) && sc_in(sc_grades, grade);
    int64_t days = 0;
    int has_days = closed && safety_days_between(sc_text(h, "found_on"), closed_on, &days) == 0;

    snprintf(month, sizeof month, "%.7s", sc_text(h, "found_on") ? sc_text(h, "found_on") : "");
    snprintf(closed_month, sizeof closed_month, "%.7s", closed_on ? closed_on : "");
    snprintf(category, sizeof category, "%lld", (long long)sc_int(h, "category_id"));
    snprintf(days_text, sizeof days_text, "%lld", (long long)(days < 0 ? 0 : days));
    snprintf(supervised, sizeof supervised, "%lld", (long long)sc_int(h, "supervised"));
    if (!grade || !status)
        return STORE_ERROR;
    size_t i;
    json_t *u;
    int rc = STORE_OK;
    json_array_foreach(units, i, u) {
        const char *unit = sc_text(u, "path");
        const char *found[] = {unit, month, grade, category, status, NULL};
        const char *closing[] = {unit, closed_month, grade, category, NULL};
        const char *taking[] = {unit, closed_month, days_text, NULL};
        const char *pending[] = {unit, deadline ? deadline : "", supervised, NULL};
        rc = sc_add_key(m, SC_FOUND, sign, found);
        if (rc == STORE_OK && closed)
            rc = sc_add_key(m, SC_CLOSED, sign, closing);
        if (rc == STORE_OK && has_days)
            rc = sc_add_key(m, SC_DAYS, sign, taking);
        if (rc == STORE_OK && open)
            rc = sc_add_key(m, SC_OPEN, sign, pending);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* ---------------------------------------------------- the school runs */

/* One month of a school and how many of its hazards were found then. */
typedef struct sc_month {
    char month[8];
    int64_t n;
} sc_month;

/* Add sign to the runs of the months with n > 0, in ascending order:
 * (month, previous month or ''). */
static int sc_runs_keys(sc_map *m, const char *unit, const sc_month *months, size_t count,
                        int64_t sign)
{
    const char *prev = "";
    for (size_t i = 0; i < count; i++) {
        if (months[i].n <= 0)
            continue;
        const char *fields[] = {unit, months[i].month, prev, NULL};
        int rc = sc_add_key(m, SC_RUNS, sign, fields);
        if (rc != STORE_OK)
            return rc;
        prev = months[i].month;
    }
    return STORE_OK;
}

static int sc_month_cmp(const void *a, const void *b)
{
    return strcmp(((const sc_month *)a)->month, ((const sc_month *)b)->month);
}

/* Add d to month (of date "YYYY-MM-DD") in the sorted array, inserting it. */
static int sc_month_add(sc_month **months, size_t *count, const char *date, int64_t d)
{
    char month[8];
    snprintf(month, sizeof month, "%.7s", date ? date : "");
    for (size_t i = 0; i < *count; i++) {
        if (strcmp((*months)[i].month, month) == 0) {
            (*months)[i].n += d;
            return STORE_OK;
        }
    }
    sc_month *grown = realloc(*months, (*count + 1) * sizeof **months);
    if (!grown)
        return STORE_ERROR;
    *months = grown;
    memcpy(grown[*count].month, month, sizeof month);
    grown[(*count)++].n = d;
    qsort(grown, *count, sizeof *grown, sc_month_cmp);
    return STORE_OK;
}

/* 1 when hazard row h (may be NULL) is of school and under unit. */
static int sc_counts_for(json_t *h, int64_t school, const char *unit)
{
    return h && sc_int(h, "school_id") == school && sc_under(sc_text(h, "path"), unit);
}

/* The change of the runs of (unit, school) made by a write of one hazard
 * from before to after: the months now (from hazards), the months before
 * (now, less after, plus before), the runs of each. */
static int sc_runs_move(store_db *db, sc_map *m, const char *unit, int64_t school, json_t *before,
                        json_t *after)
{
    json_t *rows = NULL, *row;
    sc_month *months = NULL;
    size_t count = 0, i;
    arena *a = arena_new();
    if (!a)
        return STORE_ERROR;
    sval p[] = {SV_I(school), SV_T(unit), SV_T(org_scope_upper(a, unit))};
    int rc = db_query(db,
                      "SELECT substr(found_on, 1, 7) AS month, COUNT(*) AS n FROM hazards "
                      "WHERE school_id = ? AND path >= ? AND path < ? "
                      "GROUP BY substr(found_on, 1, 7)",
                      p, 3, &rows);
    json_array_foreach(rows, i, row) {
        if (rc == STORE_OK)
            rc = sc_month_add(&months, &count, sc_text(row, "month"), sc_int(row, "n"));
    }
    json_decref(rows);
    if (rc == STORE_OK)
        rc = sc_runs_keys(m, unit, months, count, 1);
    if (rc == STORE_OK && sc_counts_for(after, school, unit))
        rc = sc_month_add(&months, &count, sc_text(after, "found_on"), -1);
    if (rc == STORE_OK && sc_counts_for(before, school, unit))
        rc = sc_month_add(&months, &count, sc_text(before, "found_on"), 1);
    if (rc == STORE_OK)
        rc = sc_runs_keys(m, unit, months, count, -1);
    free(months);
    arena_free(a);
    return rc;
}

/* ------------------------------------------------------------- writing */

/* Split a map key into its table and bound fields (pointers into buf). */
static int sc_key_fields(const char *key, char *buf, size_t size, sval *p, int *table)
{
    snprintf(buf, size, "%s", key);
    *table = buf[0] - '0';
    if (*table < 0 || *table >= SC_TABLES || buf[1] != SC_SEP[0])
        return -1;
    const struct sc_table *t = &sc_tables[*table];
    char *field = buf + 2;
    int ncols = (int)strlen(t->types);
    for (int i = 0; i < ncols; i++) {
        char *end = strchr(field, SC_SEP[0]);
        if ((end == NULL) != (i == ncols - 1))
            return -1;
        if (end)
            *end = '\0';
        p[i] = t->types[i] == 'I' ? SV_I(strtoll(field, NULL, 10)) : SV_T(field);
        field = end ? end + 1 : NULL;
    }
    return ncols;
}

/* Write the map: add each count to its row (upsert), and remove the rows
 * that reach 0 (apply), or insert each count into empty tables. */
static int sc_map_write(store_db *db, const sc_map *m, int apply)
{
    strbuf upsert[SC_TABLES], zero[SC_TABLES];
    for (int t = 0; t < SC_TABLES; t++) {
        const struct sc_table *tab = &sc_tables[t];
        int ncols = (int)strlen(tab->types);
        upsert[t] = (strbuf)STRBUF_INIT;
        zero[t] = (strbuf)STRBUF_INIT;
        sb_appendf(&upsert[t], "INSERT INTO %s (", tab->name);
        sb_appendf(&zero[t], "DELETE FROM %s WHERE ", tab->name);
        for (int i = 0; i < ncols; i++) {
            sb_appendf(&upsert[t], "%s, ", tab->cols[i]);
            sb_appendf(&zero[t], "%s = ? AND ", tab->cols[i]);
        }
        sb_append(&upsert[t], "n) VALUES (");
        for (int i = 0; i <= ncols; i++)
            sb_append(&upsert[t], i ? ", ?" : "?");
        sb_append(&upsert[t], ")");
        if (apply) {
            sb_append(&upsert[t], " ON CONFLICT (");
            for (int i = 0; i < ncols; i++)
                sb_appendf(&upsert[t], i ? ", %s" : "%s", tab->cols[i]);
            sb_appendf(&upsert[t], ") DO UPDATE SET n = %s.n + excluded.n", tab->name);
        }
        sb_append(&zero[t], "n = 0");
    }
    int rc = STORE_OK;
    for (size_t i = 0; i < m->cap && rc == STORE_OK; i++) {
        char buf[SC_KEY_MAX];
        sval p[6];
        int table;
        if (!m->keys[i] || m->vals[i] == 0)
            continue;
        int ncols = sc_key_fields(m->keys[i], buf, sizeof buf, p, &table);
        if (ncols < 0) {
            rc = STORE_ERROR;
            break;
        }
        p[ncols] = SV_I(m->vals[i]);
        rc = db_exec(db, sb_str(&upsert[table]), p, ncols + 1);
        if (rc == STORE_OK && apply && m->vals[i] < 0)
            rc = db_exec(db, sb_str(&zero[table]), p, ncols);
    }
    for (int t = 0; t < SC_TABLES; t++) {
        sb_free(&upsert[t]);
        sb_free(&zero[t]);
    }
    return rc;
}

/* ---------------------------------------------------------- interface */

int safety_counts_valid(store_db *db)
{
    json_t *row = NULL;
    if (db_query_one(db, "SELECT value FROM settings WHERE key = 'hazard_counts_valid'", NULL, 0,
                     &row) != STORE_OK)
        return 0;
    const char *value = sc_text(row, "value");
    int valid = value && strcmp(value, "1") == 0;
    json_decref(row);
    return valid;
}

/* Add (unit, school) to the pairs when new. */
static int sc_pair_add(json_t *pairs, const char *unit, int64_t school)
{
    size_t i;
    json_t *pair;
    json_array_foreach(pairs, i, pair) {
        if (strcmp(sc_text(pair, "unit"), unit) == 0 && sc_int(pair, "school") == school)
            return STORE_OK;
    }
    return json_array_append_new(pairs, json_pack("{ss sI}", "unit", unit, "school",
                                                  (json_int_t)school)) == 0
               ? STORE_OK
               : STORE_ERROR;
}

int safety_counts_move(store_db *db, json_t *before, json_t *after)
{
    sc_map m = {0};
    json_t *rows[2] = {before, after}, *units[2] = {NULL, NULL}, *pairs = json_array();
    int rc = STORE_OK;
    if (!safety_counts_valid(db)) {
        json_decref(pairs);
        return STORE_OK;
    }
    for (int k = 0; k < 2 && rc == STORE_OK; k++) {
        size_t i;
        json_t *u;
        if (!rows[k])
            continue;
        rc = sc_units(db, sc_text(rows[k], "path"), &units[k]);
        if (rc == STORE_OK)
            rc = sc_hazard_keys(&m, units[k], rows[k], k ? 1 : -1);
        json_array_foreach(units[k], i, u) {
            if (rc == STORE_OK)
                rc = sc_pair_add(pairs, sc_text(u, "path"), sc_int(rows[k], "school_id"));
        }
    }
    size_t i;
    json_t *pair;
    json_array_foreach(pairs, i, pair) {
        if (rc == STORE_OK)
            rc = sc_runs_move(db, &m, sc_text(pair, "unit"), sc_int(pair, "school"), before, after);
    }
    if (rc == STORE_OK)
        rc = sc_map_write(db, &m, 1);
    sc_map_free(&m);
    json_decref(units[0]);
    json_decref(units[1]);
    json_decref(pairs);
    return rc;
}

/* ------------------------------------------------------------ rebuild */

/* Units of each hazard path, read once per path. */
typedef struct sc_units_cache {
    sc_map index; /* path -> position in lists */
    json_t *lists;
} sc_units_cache;

static int sc_cached_units(store_db *db, sc_units_cache *c, const char *path, json_t **units)
{
    long j = sc_map_slot(&c->index, path ? path : "");
    if (j < 0)
        return STORE_ERROR;
    if (c->index.vals[j] == 0) {
        json_t *list = NULL;
        int rc = sc_units(db, path, &list);
        if (rc != STORE_OK)
            return rc;
        json_array_append_new(c->lists, list);
        c->index.vals[j] = (int64_t)json_array_size(c->lists); /* position + 1 */
    }
    *units = json_array_get(c->lists, (size_t)(c->index.vals[j] - 1));
    return STORE_OK;
}

/* The additive counts of every hazard, a page of rows at a time. */
static int sc_rebuild_hazards(store_db *db, sc_map *m, sc_units_cache *c, long *read)
{
    int64_t last = 0;
    for (;;) {
        json_t *rows = NULL, *row, *units;
        size_t i;
        sval p[] = {SV_I(last), SV_I(SC_PAGE)};
        int rc = db_query(db,
                          "SELECT h.id, " SAFETY_COUNTS_COLUMNS " FROM hazards h WHERE h.id > ? "
                          "ORDER BY h.id LIMIT ?",
                          p, 2, &rows);
        if (rc != STORE_OK)
            return rc;
        size_t n = json_array_size(rows);
        json_array_foreach(rows, i, row) {
            if (rc == STORE_OK)
                rc = sc_cached_units(db, c, sc_text(row, "path"), &units);
            if (rc == STORE_OK)
                rc = sc_hazard_keys(m, units, row, 1);
            last = sc_int(row, "id");
        }
        json_decref(rows);
        if (rc != STORE_OK)
            return rc;
        *read += (long)n;
        if (n < SC_PAGE)
            return STORE_OK;
    }
}

/* The runs of one school from its (path, month) rows [from, to) of rows,
 * which are in month order: for each unit of any of its paths, the months
 * of the rows under that unit. */
static int sc_rebuild_school(store_db *db, sc_map *m, sc_units_cache *c, json_t *rows,
                             size_t from, size_t to)
{
    json_t *done = json_array();
    int rc = STORE_OK;
    for (size_t r = from; r < to && rc == STORE_OK; r++) {
        json_t *units, *u;
        size_t i;
        rc = sc_cached_units(db, c, sc_text(json_array_get(rows, r), "path"), &units);
        if (rc != STORE_OK)
            break;
        json_array_foreach(units, i, u) {
            const char *unit = sc_text(u, "path");
            int seen = 0;
            size_t k;
            json_t *d;
            json_array_foreach(done, k, d) {
                if (strcmp(json_string_value(d), unit) == 0)
                    seen = 1;
            }
            if (seen || rc != STORE_OK)
                continue;
            json_array_append_new(done, json_string(unit));
            sc_month *months = calloc(to - from, sizeof *months);
            size_t count = 0;
            if (!months) {
                rc = STORE_ERROR;
                break;
            }
            for (size_t q = from; q < to; q++) {
                json_t *row = json_array_get(rows, q);
                const char *month = sc_text(row, "month");
                if (!month || !sc_under(sc_text(row, "path"), unit))
                    continue;
                if (count && strcmp(months[count - 1].month, month) == 0)
                    continue;
                snprintf(months[count].month, sizeof months[count].month, "%s", month);
                months[count++].n = 1;
            }
            rc = sc_runs_keys(m, unit, months, count, 1);
            free(months);
        }
    }
    json_decref(done);
    return rc;
}

/* The runs of every school, a window of school ids at a time. */
static int sc_rebuild_runs(store_db *db, sc_map *m, sc_units_cache *c)
{
    int64_t last = -1;
    for (;;) {
        int64_t bound = 0;
        json_t *rows = NULL;
        sval w[] = {SV_I(last), SV_I(SC_PAGE)};
        int rc = db_query_int(db,
                              "SELECT school_id FROM hazards WHERE school_id > ? "
                              "ORDER BY school_id LIMIT 1 OFFSET ?",
                              w, 2, &bound);
        if (rc == STORE_NOTFOUND)
            rc = db_query_int(db, "SELECT COALESCE(MAX(school_id), 0) FROM hazards", NULL, 0,
                              &bound);
        if (rc != STORE_OK)
            return rc;
        if (bound <= last)
            return STORE_OK;
        sval p[] = {SV_I(last), SV_I(bound)};
        rc = db_query(db,
                      "SELECT school_id, path, substr(found_on, 1, 7) AS month FROM hazards "
                      "WHERE school_id > ? AND school_id <= ? "
                      "GROUP BY school_id, path, substr(found_on, 1, 7) "
                      "ORDER BY school_id, month",
                      p, 2, &rows);
        size_t n = json_array_size(rows), start = 0;
        for (size_t r = 1; r <= n && rc == STORE_OK; r++) {
            if (r < n && sc_int(json_array_get(rows, r), "school_id") ==
                             sc_int(json_array_get(rows, start), "school_id"))
                continue;
            rc = sc_rebuild_school(db, m, c, rows, start, r);
            start = r;
        }
        json_decref(rows);
        if (rc != STORE_OK)
            return rc;
        last = bound;
    }
}

int safety_counts_rebuild(store_db *db, long *hazards)
{
    sc_map m = {0};
    sc_units_cache c = {.lists = json_array()};
    long read = 0;
    int rc = STORE_OK;
    for (int t = 0; t < SC_TABLES && rc == STORE_OK; t++) {
        char sql[64];
        snprintf(sql, sizeof sql, "DELETE FROM %s", sc_tables[t].name);
        rc = db_exec(db, sql, NULL, 0);
    }
    if (rc == STORE_OK)
        rc = db_exec(db, "DELETE FROM settings WHERE key = 'hazard_counts_valid'", NULL, 0);
    if (rc == STORE_OK)
        rc = sc_rebuild_hazards(db, &m, &c, &read);
    if (rc == STORE_OK)
        rc = sc_rebuild_runs(db, &m, &c);
    if (rc == STORE_OK)
        rc = sc_map_write(db, &m, 0);
    if (rc == STORE_OK)
        rc = db_exec(db,
                     "INSERT INTO settings (key, value, note) VALUES ('hazard_counts_valid', '1', "
                     "'安全汇总计数表与隐患一致（edubureau safety-rebuild 重建）')",
                     NULL, 0);
    sc_map_free(&m);
    sc_map_free(&c.index);
    json_decref(c.lists);
    if (hazards)
        *hazards = rc == STORE_OK ? read : 0;
    return rc;
}

/* ------------------------------------------------------------- reading */

int safety_counts_usable(store_db *db, const char *scope_path, const char *from, const char *to)
{
    char next[20];
    int64_t t;
    json_t *row = NULL;
    if (!scope_path || !safety_date_valid(from) || !safety_date_valid(to) ||
        strcmp(from + 8, "01") != 0 || clock_parse(to, &t) != 0)
        return 0;
    clock_format(t + 86400, next, sizeof next);
    if (strncmp(next + 8, "01", 2) != 0)
        return 0; /* to is not the last day of its month */
    sval p[] = {SV_T(scope_path)};
    if (db_query_one(db, "SELECT level FROM org_units WHERE path = ?", p, 1, &row) != STORE_OK)
        return 0;
    int unit = sc_in((const char *const[]){"province", "city", "county", NULL},
                     sc_text(row, "level"));
    json_decref(row);
    return unit && safety_counts_valid(db);
}
