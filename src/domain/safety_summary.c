/*
 * safety_summary.c - 安全 figures: the summary of a period, the alerts of
 * 首页, the printable 台账 of one school, and the route table safety_routes
 * (which also routes the activity and vaccination handlers of
 * safety_activities.c). Also the helpers and pure computations shared by
 * the safety files (safety.h).
 *
 * Summary (GET /api/safety/summary?from=&to=, default the current calendar
 * year): hazards found (found_on in the period) and closed (closed_on in the
 * period) by grade, category, status and month; open, overdue and
 * supervised_open as of today over the whole scope; closure_rate = closed by
 * now / found, for the hazards found in the period; the median days from
 * found_on to closed_on of the hazards closed in the period, computed here;
 * activities by kind; the latest vaccination period in the window;
 * inspections visible to the caller in the period, and the active schools
 * they inspected (findings recorded), as the coverage counts them; by_status
 * is of the hazards found in the period. Counting is done by GROUP BY
 * queries on the scope range, the breakdown and the median in C, so that no
 * SQL date function is needed. Rates are null without a denominator. When
 * the caller's scope is a province, city or county and the period is whole
 * months, the hazard figures come instead from the counts safety_counts.c
 * keeps (the same numbers from a few hundred rows; safety_counts_usable).
 *
 * Reads only: every handler asks access_can_read(u, "safety", path).
 */
#include "domain/safety.h"

#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/hazards.h"
#include "domain/org.h"
#include "domain/safety_counts.h"
#include "domain/schools.h"
#include "http/query.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/text.h"

/* The longest period a summary breaks down by month (10 years). */
#define SUMMARY_MAX_MONTHS 120
/* At most this many hazards in the alerts. */
#define SUMMARY_MAX_ALERTS 500

static const char *const summary_statuses[] = {"已登记", "整改中", "待验收", "已销号", NULL};

/* ------------------------------------------------------ shared helpers */

int safety_date_valid(const char *text)
{
    return clock_date_valid(text);
}

int safety_period_valid(const char *text)
{
    char date[11];
    if (!text || strlen(text) != 7)
        return 0;
    memcpy(date, text, 7);
    memcpy(date + 7, "-01", 4);
    return safety_date_valid(date);
}

int safety_json_count(json_t *obj, const char *key, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0))
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = json_integer_value(v);
        return 1;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        if (n <= 12 && strspn(s, "0123456789") == n) {
            *out = strtoll(s, NULL, 10);
            return 1;
        }
    }
    return -1;
}

int safety_school_row(store_db *db, int64_t id, json_t **row)
{
    sval p[] = {SV_I(id)};
    return db_query_one(db,
                        "SELECT s.id, s.name, s.code, s.path, s.status, s.town_id, t.name AS town "
                        "FROM schools s LEFT JOIN org_units t ON t.id = s.town_id WHERE s.id = ?",
                        p, 1, row);
}

int safety_school_for_write(store_db *db, const user_ctx *u, json_t *in, const char *field,
                            json_t **row, refusal *e)
{
    int64_t id = 0;
    int got = safety_json_count(in, field, &id);
    *row = NULL;
    if (got == 0)
        return refuse(e, 400, "missing", field, "请选择学校");
    if (got < 0 || id <= 0)
        return refuse(e, 400, "invalid", field, "学校无效");
    int rc = safety_school_row(db, id, row);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 404, "not_found", field, "学校不存在");
    if (rc != STORE_OK)
        return rc;
    const char *path = json_string_value(json_object_get(*row, "path"));
    if (u && !access_can_read(u, "safety", path)) {
        json_decref(*row);
        *row = NULL;
        return refuse(e, 404, "not_found", field, "学校不存在");
    }
    if (u && !access_can_write(u, "safety", path)) {
        json_decref(*row);
        *row = NULL;
        return refuse(e, 403, "forbidden", NULL, "无权限");
    }
    return STORE_OK;
}

/* ------------------------------------------------- pure computations */

static int safety_cmp_days(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int safety_median(int64_t *days, size_t n, double *out)
{
    if (!days || n == 0)
        return 0;
    qsort(days, n, sizeof *days, safety_cmp_days);
    if (n % 2)
        *out = (double)days[n / 2];
    else
        *out = ((double)days[n / 2 - 1] + (double)days[n / 2]) / 2.0;
    return 1;
}

int safety_days_between(const char *a, const char *b, int64_t *out)
{
    int64_t ta, tb;
    *out = 0;
    if (!safety_date_valid(a) || !safety_date_valid(b))
        return -1;
    if (clock_parse(a, &ta) != 0 || clock_parse(b, &tb) != 0)
        return -1;
    *out = (tb - ta) / 86400;
    return 0;
}

int safety_months(const char *from, const char *to, char (*out)[8], int max)
{
    if (!safety_date_valid(from) || !safety_date_valid(to) || strcmp(from, to) > 0)
        return -1;
    int y = atoi(from), m = atoi(from + 5);
    int end_y = atoi(to), end_m = atoi(to + 5);
    int n = 0;
    while (y < end_y || (y == end_y && m <= end_m)) {
        if (n >= max)
            return -1;
        snprintf(out[n++], 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return n;
}

int safety_rate(int64_t num, int64_t den, double *out)
{
    if (den <= 0)
        return 0;
    *out = (double)num / (double)den;
    return 1;
}

json_t *safety_rate_json(int64_t num, int64_t den)
{
    double rate;
    return safety_rate(num, den, &rate) ? json_real(rate) : json_null();
}

/* ------------------------------------------------------------ summary */

/* One line of a breakdown: its name and the found and closed counts. */
typedef struct summary_line {
    const char *name;
    int64_t id;
    int active;
    int64_t found, closed;
} summary_line;

/* The scope range and the period; counts: the hazard figures come from
 * the counts of safety_counts.c (the scope is a unit, whole months), with
 * the months first_month..last_month. */
typedef struct summary_period {
    const char *lower, *upper, *from, *to;
    int counts;
    char first_month[8], last_month[8];
} summary_period;

/* The hazard breakdowns being added up from the grouped rows. */
typedef struct summary_tally {
    summary_line grades[2], statuses[4], *cats, *months;
    int ncats, nmonths;
    int64_t found, closed, closed_of_found;
} summary_tally;

/* Days to close, with how many hazards took them (for the median). */
typedef struct summary_days {
    int64_t days, n;
} summary_days;

static int64_t summary_int(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    return json_is_integer(v) ? json_integer_value(v) : (int64_t)json_number_value(v);
}

static const char *summary_text(json_t *row, const char *key)
{
    return json_string_value(json_object_get(row, key));
}

static summary_line *summary_find_name(summary_line *lines, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(lines[i].name, name) == 0)
            return &lines[i];
    return NULL;
}

static summary_line *summary_find_id(summary_line *lines, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (lines[i].id == id)
            return &lines[i];
    return NULL;
}

/* The month line of date "YYYY-MM-DD" (months[0] is the period's first
 * month), or NULL outside the period. */
static summary_line *summary_find_month(summary_tally *t, const char *date)
{
    if (!date || strlen(date) < 7 || !t->nmonths)
        return NULL;
    const char *first = t->months[0].name;
    int k = (atoi(date) - atoi(first)) * 12 + (atoi(date + 5) - atoi(first + 5));
    if (k < 0 || k >= t->nmonths || strncmp(t->months[k].name, date, 7) != 0)
        return NULL;
    return &t->months[k];
}

/* [{"name","found","closed"}] of the lines (categories: active ones and
 * any with hazards; key "month" for months). */
static json_t *summary_lines_json(const summary_line *lines, int n, const char *key,
                                  int skip_idle_inactive)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        if (skip_idle_inactive && !lines[i].active && !lines[i].found && !lines[i].closed)
            continue;
        json_array_append_new(a, json_pack("{ss sI sI}", key, lines[i].name, "found",
                                           (json_int_t)lines[i].found, "closed",
                                           (json_int_t)lines[i].closed));
    }
    return a;
}

static int summary_cmp_days(const void *a, const void *b)
{
    int64_t x = ((const summary_days *)a)->days, y = ((const summary_days *)b)->days;
    return (x > y) - (x < y);
}

/* The days of the k-th hazard (from 0) of the sorted runs. */
static int64_t summary_days_at(const summary_days *runs, size_t nruns, int64_t k)
{
    for (size_t i = 0; i < nruns; i++) {
        if (k < runs[i].n)
            return runs[i].days;
        k -= runs[i].n;
    }
    return nruns ? runs[nruns - 1].days : 0;
}

/* The median days to close of the hazards closed in the period, from
 * their (closed_on, found_on) counts, or from hazard_close_days: the same
 * as safety_median over one entry per hazard, without the entries. */
static int summary_median(req *r, const summary_period *pd, const sval *p, json_t **out)
{
    json_t *rows = NULL, *row;
    size_t i, nruns = 0;
    int64_t total = 0;
    sval q[] = {SV_T(pd->lower), SV_T(pd->first_month), SV_T(pd->last_month)};
    int rc = pd->counts ? db_query(r->db,
                                   "SELECT days, SUM(n) AS n FROM hazard_close_days "
                                   "WHERE unit_path = ? AND month >= ? AND month <= ? "
                                   "GROUP BY days",
                                   q, 3, &rows)
                        : db_query(r->db,
                                   "SELECT closed_on, found_on, COUNT(*) AS n FROM hazards "
                                   "WHERE path >= ? AND path < ? AND status = '已销号' "
                                   "AND closed_on >= ? AND closed_on <= ? "
                                   "GROUP BY closed_on, found_on",
                                   p, 4, &rows);
    if (rc != STORE_OK)
        return rc;
    summary_days *runs = arena_alloc(r->a, (json_array_size(rows) + 1) * sizeof *runs);
    json_array_foreach(rows, i, row) {
        int64_t d;
        if (pd->counts)
            d = summary_int(row, "days");
        else if (safety_days_between(summary_text(row, "found_on"),
                                     summary_text(row, "closed_on"), &d) != 0)
            continue;
        runs[nruns++] = (summary_days){d < 0 ? 0 : d, summary_int(row, "n")};
        total += runs[nruns - 1].n;
    }
    json_decref(rows);
    qsort(runs, nruns, sizeof *runs, summary_cmp_days);
    if (total == 0)
        *out = json_null();
    else if (total % 2)
        *out = json_real((double)summary_days_at(runs, nruns, total / 2));
    else
        *out = json_real(((double)summary_days_at(runs, nruns, total / 2 - 1) +
                          (double)summary_days_at(runs, nruns, total / 2)) /
                         2.0);
    return STORE_OK;
}

/* Open, overdue and supervised_open as of today over the whole scope.
 * status and grade are listed (all grades: the CHECK allows no other) so
 * that the count reads the range of hazards_open. */
static int summary_now(req *r, const summary_period *pd, json_t *o)
{
    char today[11];
    json_t *row = NULL;
    const char *day = today;
    clock_today(today);
    sval p[] = {SV_T(day), SV_T(pd->lower), SV_T(pd->upper)};
    int rc = pd->counts
                 ? db_query_one(r->db,
                                "SELECT COALESCE(SUM(n), 0) AS open_count, COALESCE(SUM(CASE "
                                "WHEN deadline <> '' AND deadline < ? THEN n ELSE 0 END), 0) AS "
                                "overdue, COALESCE(SUM(CASE WHEN supervised = 1 THEN n ELSE 0 "
                                "END), 0) AS supervised_open FROM hazard_open_counts "
                                "WHERE unit_path = ?",
                                p, 2, &row)
                 : db_query_one(r->db,
                                "SELECT COUNT(*) AS open_count, COALESCE(SUM(CASE WHEN deadline "
                                "IS NOT NULL AND deadline < ? THEN 1 ELSE 0 END), 0) AS overdue, "
                                "COALESCE(SUM(CASE WHEN supervised = 1 THEN 1 ELSE 0 END), 0) AS "
                                "supervised_open FROM hazards WHERE path >= ? AND path < ? "
                                "AND status IN ('已登记', '整改中', '待验收') "
                                "AND grade IN ('一般', '重大')",
                                p, 3, &row);
    if (rc != STORE_OK)
        return rc;
    json_object_set_new(o, "open", json_integer(summary_int(row, "open_count")));
    json_object_set_new(o, "overdue", json_integer(summary_int(row, "overdue")));
    json_object_set_new(o, "supervised_open", json_integer(summary_int(row, "supervised_open")));
    json_decref(row);
    return STORE_OK;
}

/* The schools with a hazard found in the period. Both queries on hazards
 * count the same schools; with more hazards than schools one probe per
 * school (hazards_school_found) is cheaper than a distinct set of every
 * hazard's school. From the counts: each school's first month with a
 * hazard in the period is a run whose previous month is before it. */
static int summary_schools(req *r, const summary_period *pd, const sval *p, int64_t found,
                           int64_t *out)
{
    int64_t schools = 0;
    if (pd->counts) {
        sval q[] = {SV_T(pd->lower), SV_T(pd->first_month), SV_T(pd->last_month),
                    SV_T(pd->first_month)};
        return db_query_int(r->db,
                            "SELECT COALESCE(SUM(n), 0) FROM hazard_school_runs "
                            "WHERE unit_path = ? AND month >= ? AND month <= ? "
                            "AND prev_month < ?",
                            q, 4, out);
    }
    int rc = db_query_int(r->db, "SELECT COUNT(*) FROM schools", NULL, 0, &schools);
    if (rc != STORE_OK)
        return rc;
    if (found <= schools)
        return db_query_int(r->db,
                            "SELECT COUNT(DISTINCT school_id) FROM hazards WHERE path >= ? "
                            "AND path < ? AND found_on >= ? AND found_on <= ?",
                            p, 4, out);
    return db_query_int(r->db,
                        "SELECT COUNT(*) FROM schools s WHERE EXISTS (SELECT 1 FROM hazards h "
                        "WHERE h.school_id = s.id AND h.path >= ? AND h.path < ? "
                        "AND h.found_on >= ? AND h.found_on <= ?)",
                        p, 4, out);
}

/* The categories, as breakdown lines (arena). */
static int summary_categories(req *r, summary_line **lines, int *n)
{
    json_t *rows = NULL;
    int rc = db_query(r->db, "SELECT id, name, active FROM hazard_categories ORDER BY sort, id",
                      NULL, 0, &rows);
    if (rc != STORE_OK)
        return rc;
    *n = (int)json_array_size(rows);
    *lines = arena_alloc(r->a, (size_t)(*n ? *n : 1) * sizeof **lines);
    for (int i = 0; i < *n; i++) {
        json_t *row = json_array_get(rows, (size_t)i);
        (*lines)[i].id = summary_int(row, "id");
        (*lines)[i].name = arena_strdup(r->a, json_string_value(json_object_get(row, "name")));
        (*lines)[i].active = summary_int(row, "active") != 0;
    }
    json_decref(rows);
    return STORE_OK;
}

/* Add the rows of one grouped query (day column, grade, category_id,
 * [status], n) to the found or the closed counts. */
static void summary_add(summary_tally *t, json_t *rows, const char *day, int closed)
{
    json_t *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        int64_t n = summary_int(row, "n");
        summary_line *lines[4] = {
            summary_find_name(t->grades, 2, summary_text(row, "grade")),
            summary_find_id(t->cats, t->ncats, summary_int(row, "category_id")),
            summary_find_month(t, summary_text(row, day)),
            closed ? NULL : summary_find_name(t->statuses, 4, summary_text(row, "status")),
        };
        for (int k = 0; k < 4; k++)
            if (lines[k])
                *(closed ? &lines[k]->closed : &lines[k]->found) += n;
        if (closed)
            t->closed += n;
        else
            t->found += n;
        if (!closed && lines[3] == &t->statuses[3])
            t->closed_of_found += n;
    }
}

/* The grouped queries of the found (by found_on) and closed (by closed_on)
 * counts of the period. From the counts: the unit's rows of
 * hazard_found_counts and hazard_closed_counts for the period's months
 * (unit, first and last month); else one grouped read of each covering
 * index in index order (scope range, from, to). */
static const struct {
    int counts, closed;
    const char *day, *sql;
} summary_tally_sql[] = {
    {1, 0, "month",
     "SELECT month, grade, category_id, status, n FROM hazard_found_counts "
     "WHERE unit_path = ? AND month >= ? AND month <= ?"},
    {1, 1, "month",
     "SELECT month, grade, category_id, n FROM hazard_closed_counts "
     "WHERE unit_path = ? AND month >= ? AND month <= ?"},
    {0, 0, "found_on",
     "SELECT found_on, grade, category_id, status, COUNT(*) AS n FROM hazards "
     "WHERE path >= ? AND path < ? AND found_on >= ? AND found_on <= ? "
     "GROUP BY found_on, grade, category_id, status"},
    {0, 1, "closed_on",
     "SELECT closed_on, grade, category_id, COUNT(*) AS n FROM hazards "
     "WHERE path >= ? AND path < ? AND status = '已销号' "
     "AND closed_on >= ? AND closed_on <= ? GROUP BY closed_on, grade, category_id"},
};

/* The found and closed counts of the period into t (summary_add). */
static int summary_tally_rows(req *r, const summary_period *pd, const sval *p, summary_tally *t)
{
    sval months[] = {SV_T(pd->lower), SV_T(pd->first_month), SV_T(pd->last_month)};
    for (size_t k = 0; k < sizeof summary_tally_sql / sizeof summary_tally_sql[0]; k++) {
        json_t *rows = NULL;
        if (summary_tally_sql[k].counts != pd->counts)
            continue;
        int rc = pd->counts ? db_query(r->db, summary_tally_sql[k].sql, months, 3, &rows)
                            : db_query(r->db, summary_tally_sql[k].sql, p, 4, &rows);
        if (rc != STORE_OK)
            return rc;
        summary_add(t, rows, summary_tally_sql[k].day, summary_tally_sql[k].closed);
        json_decref(rows);
    }
    return STORE_OK;
}

static int summary_hazards(req *r, const summary_period *pd, char (*months)[8], int nmonths,
                           json_t **out)
{
    sval p[] = {SV_T(pd->lower), SV_T(pd->upper), SV_T(pd->from), SV_T(pd->to)};
    summary_tally t = {.grades = {{.name = "一般"}, {.name = "重大"}}, .nmonths = nmonths};
    int64_t schools = 0;
    json_t *median = NULL;

    t.months = arena_alloc(r->a, (size_t)(nmonths ? nmonths : 1) * sizeof *t.months);
    for (int k = 0; k < 4; k++)
        t.statuses[k] = (summary_line){.name = summary_statuses[k]};
    for (int k = 0; k < nmonths; k++)
        t.months[k] = (summary_line){.name = months[k]};
    int rc = summary_categories(r, &t.cats, &t.ncats);
    if (rc == STORE_OK)
        rc = summary_tally_rows(r, pd, p, &t);
    if (rc == STORE_OK)
        rc = summary_schools(r, pd, p, t.found, &schools);
    if (rc == STORE_OK)
        rc = summary_median(r, pd, p, &median);
    json_t *o = json_object();
    if (rc == STORE_OK) {
        json_object_set_new(o, "found", json_integer(t.found));
        json_object_set_new(o, "closed", json_integer(t.closed));
        rc = summary_now(r, pd, o);
    }
    if (rc != STORE_OK) {
        json_decref(o);
        json_decref(median);
        return rc;
    }
    json_object_set_new(o, "schools", json_integer(schools));
    json_object_set_new(o, "closure_rate", safety_rate_json(t.closed_of_found, t.found));
    json_object_set_new(o, "median_days_to_close", median);
    json_object_set_new(o, "by_grade", summary_lines_json(t.grades, 2, "name", 0));
    for (int k = 0; k < t.ncats; k++)
        t.cats[k].name = t.cats[k].name ? t.cats[k].name : "";
    json_object_set_new(o, "by_category", summary_lines_json(t.cats, t.ncats, "name", 1));
    json_t *by_status = json_array();
    for (int k = 0; k < 4; k++)
        json_array_append_new(by_status, json_pack("{ss sI}", "name", t.statuses[k].name, "value",
                                                   (json_int_t)t.statuses[k].found));
    json_object_set_new(o, "by_status", by_status);
    json_object_set_new(o, "by_month", summary_lines_json(t.months, nmonths, "month", 0));
    *out = o;
    return STORE_OK;
}

static int summary_activities(req *r, const summary_period *pd, json_t **out)
{
    sval p[] = {SV_T(pd->lower), SV_T(pd->upper), SV_T(pd->from), SV_T(pd->to)};
    json_t *rows = NULL;
    int64_t repaired = 0;
    int rc = db_query(r->db,
                      "SELECT kind, COUNT(*) AS count, COALESCE(SUM(participants), 0) AS "
                      "participants, COALESCE(SUM(quantity), 0) AS quantity, "
                      "COALESCE(SUM(funds), 0) AS funds, COUNT(DISTINCT school_id) AS schools "
                      "FROM safety_activities WHERE path >= ? AND path < ? "
                      "AND on_date >= ? AND on_date <= ? GROUP BY kind",
                      p, 4, &rows);
    if (rc != STORE_OK)
        return rc;
    json_t *by_kind = json_array();
    for (int k = 0; safety_activity_kinds[k]; k++) {
        const char *kind = safety_activity_kinds[k];
        json_t *hit = NULL, *row;
        size_t i;
        json_array_foreach(rows, i, row) {
            const char *name = json_string_value(json_object_get(row, "kind"));
            if (name && strcmp(name, kind) == 0)
                hit = row;
        }
        int64_t schools = hit ? summary_int(hit, "schools") : 0;
        if (strcmp(kind, "维修") == 0)
            repaired = schools;
        json_array_append_new(
            by_kind, json_pack("{ss sI sI sI sf sI}", "kind", kind, "count",
                               (json_int_t)(hit ? summary_int(hit, "count") : 0), "participants",
                               (json_int_t)(hit ? summary_int(hit, "participants") : 0),
                               "quantity", (json_int_t)(hit ? summary_int(hit, "quantity") : 0),
                               "funds", hit ? json_number_value(json_object_get(hit, "funds")) : 0.0,
                               "schools", (json_int_t)schools));
    }
    json_decref(rows);
    *out = json_pack("{so sI}", "by_kind", by_kind, "repaired_schools", (json_int_t)repaired);
    return STORE_OK;
}

/* The latest vaccination period in the window, with sums and rates. */
static int summary_vaccination(req *r, const summary_period *pd, json_t **out)
{
    json_t *row = NULL;
    char first[8], last[8];
    snprintf(first, sizeof first, "%.7s", pd->from);
    snprintf(last, sizeof last, "%.7s", pd->to);
    const char *first_month = first, *last_month = last;
    sval p[] = {SV_T(pd->lower), SV_T(pd->upper), SV_T(first_month), SV_T(last_month)};
    int rc = db_query_one(r->db,
                          "SELECT MAX(period) AS period FROM vaccinations WHERE path >= ? "
                          "AND path < ? AND period >= ? AND period <= ?",
                          p, 4, &row);
    if (rc != STORE_OK)
        return rc;
    const char *period = json_string_value(json_object_get(row, "period"));
    rc = safety_vaccination_totals(r->db, pd->lower, pd->upper, period, out);
    json_decref(row);
    return rc;
}

static int summary_inspections(req *r, const summary_period *pd, json_t **out)
{
    int64_t count = 0, schools = 0;
    sval p[] = {SV_T(pd->lower), SV_T(pd->upper), SV_T(pd->lower), SV_T(pd->upper),
                SV_T(pd->from), SV_T(pd->to)};
    int rc = db_query_int(r->db,
                          "SELECT COUNT(*) FROM inspections i WHERE " SAFETY_INSPECTION_VISIBLE
                          " AND i.on_date >= ? AND i.on_date <= ?",
                          p, 6, &count);
    if (rc == STORE_OK)
        rc = db_query_int(r->db,
                          "SELECT COUNT(DISTINCT x.school_id) FROM inspection_schools x "
                          "JOIN inspections i ON i.id = x.inspection_id WHERE x.path >= ? "
                          "AND x.path < ? AND x.done = 1 "
                          "AND i.on_date >= ? AND i.on_date <= ?",
                          p + 2, 4, &schools);
    if (rc != STORE_OK)
        return rc;
    *out = json_pack("{sI sI}", "count", (json_int_t)count, "schools_inspected",
                     (json_int_t)schools);
    return STORE_OK;
}

/* Whether the hazard figures of pd come from the counts (safety_counts.c). */
static void summary_use_counts(store_db *db, summary_period *pd)
{
    pd->counts = safety_counts_usable(db, pd->lower, pd->from, pd->to);
    snprintf(pd->first_month, sizeof pd->first_month, "%.7s", pd->from);
    snprintf(pd->last_month, sizeof pd->last_month, "%.7s", pd->to);
}

int safety_summary_hazards(store_db *db, arena *a, const char *scope_path, const char *from,
                           const char *to, int use_counts, json_t **out)
{
    /* the summary's functions read only the request's db and arena */
    req r = {.a = a, .db = db};
    summary_period pd = {.lower = scope_path, .upper = org_scope_upper(a, scope_path),
                         .from = from, .to = to};
    char(*months)[8] = arena_alloc(a, SUMMARY_MAX_MONTHS * sizeof *months);
    int nmonths = safety_months(from, to, months, SUMMARY_MAX_MONTHS);
    *out = NULL;
    if (nmonths < 0)
        return STORE_ERROR;
    if (use_counts)
        summary_use_counts(db, &pd);
    return summary_hazards(&r, &pd, months, nmonths, out);
}

static void safety_summary_handler(req *r)
{
    const user_ctx *u = r->user;
    summary_period pd;
    char(*months)[8] = arena_alloc(r->a, SUMMARY_MAX_MONTHS * sizeof *months);
    json_t *hazards = NULL, *activities = NULL, *vaccination = NULL, *inspections = NULL;

    if (req_can_read(r, "safety") != 0)
        return;
    if (query_period(r, 1, &pd.from, &pd.to) != 0)
        return;
    int nmonths = safety_months(pd.from, pd.to, months, SUMMARY_MAX_MONTHS);
    if (nmonths < 0) {
        reply_bad_request(r, "to", "统计期间不能超过 10 年");
        return;
    }
    pd.lower = u->scope_path;
    pd.upper = org_scope_upper(r->a, u->scope_path);
    summary_use_counts(r->db, &pd);
    int rc = summary_hazards(r, &pd, months, nmonths, &hazards);
    if (rc == STORE_OK)
        rc = summary_activities(r, &pd, &activities);
    if (rc == STORE_OK)
        rc = summary_vaccination(r, &pd, &vaccination);
    if (rc == STORE_OK)
        rc = summary_inspections(r, &pd, &inspections);
    if (rc != STORE_OK) {
        json_decref(hazards);
        json_decref(activities);
        json_decref(vaccination);
        log_error("GET /api/safety/summary: %s", db_errmsg(r->db));
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200,
               json_pack("{ss ss so so so so}", "from", pd.from, "to", pd.to, "hazards", hazards,
                         "activities", activities, "vaccination", vaccination, "inspections",
                         inspections));
}

/* ------------------------------------------------------------- alerts */

/* The hazard objects (hazards_load) of the ids in rows, in order. */
static int safety_hazard_objects(req *r, json_t *rows, int with_detail, json_t **out)
{
    json_t *items = json_array(), *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        json_t *o = NULL;
        int rc = hazards_load(r->db, r->user, summary_int(row, "id"), with_detail, &o);
        if (rc == STORE_NOTFOUND)
            continue;
        if (rc != STORE_OK) {
            json_decref(items);
            return rc;
        }
        json_array_append_new(items, o);
    }
    *out = items;
    return STORE_OK;
}

static void safety_alerts_handler(req *r)
{
    const user_ctx *u = r->user;
    char today[11];
    json_t *rows = NULL, *items = NULL;
    if (req_can_read(r, "safety") != 0)
        return;
    const char *day = today;
    clock_today(today);
    sval p[] = {SV_T(u->scope_path), SV_T(org_scope_upper(r->a, u->scope_path)), SV_T(day),
                SV_I(SUMMARY_MAX_ALERTS)};
    int rc = db_query(r->db,
                      "SELECT id FROM hazards WHERE path >= ? AND path < ? AND grade = '重大' "
                      "AND status <> '已销号' AND deadline IS NOT NULL AND deadline < ? "
                      "ORDER BY deadline, id LIMIT ?",
                      p, 4, &rows);
    if (rc == STORE_OK)
        rc = safety_hazard_objects(r, rows, 0, &items);
    json_decref(rows);
    if (rc != STORE_OK) {
        log_error("GET /api/safety/alerts: %s", db_errmsg(r->db));
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{so}", "overdue_major", items));
}

/* ------------------------------------------------------------- ledger */

/* The rows of select for one school (school_col = id), with date_col in
 * [from, to] when they are given, in order. */
static int ledger_rows(req *r, const char *select, const char *school_col, const char *date_col,
                       const char *order, int64_t school_id, const char *from, const char *to,
                       json_t **rows)
{
    sval p[3] = {SV_I(school_id)};
    int n = 1;
    char *sql = arena_printf(r->a, "%s WHERE %s = ?", select, school_col);
    if (from) {
        sql = arena_printf(r->a, "%s AND %s >= ?", sql, date_col);
        p[n++] = SV_T(from);
    }
    if (to) {
        sql = arena_printf(r->a, "%s AND %s <= ?", sql, date_col);
        p[n++] = SV_T(to);
    }
    sql = arena_printf(r->a, "%s ORDER BY %s", sql, order);
    return db_query(r->db, sql, p, n, rows);
}

static void safety_ledger_handler(req *r)
{
    const user_ctx *u = r->user;
    const char *from, *to, *sid = req_query(r, "school_id");
    json_t *row = NULL, *school = NULL, *hazard_rows = NULL, *hazards = NULL;
    json_t *activity_rows = NULL, *vaccination_rows = NULL;
    char first[8], last[8];

    if (!sid) {
        reply_error(r, 400, "missing", "请选择学校", "school_id");
        return;
    }
    int64_t id = parse_id(sid);
    if (!id) {
        reply_bad_request(r, "school_id", "学校无效");
        return;
    }
    if (query_period(r, 0, &from, &to) != 0)
        return;
    int rc = safety_school_row(r->db, id, &row);
    if (rc == STORE_OK &&
        !access_can_read(u, "safety", json_string_value(json_object_get(row, "path"))))
        rc = STORE_NOTFOUND;
    json_decref(row);
    if (rc == STORE_OK)
        rc = schools_load(r->db, u, id, 0, &school);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "学校不存在", NULL);
        return;
    }
    snprintf(first, sizeof first, "%.7s", from ? from : "");
    snprintf(last, sizeof last, "%.7s", to ? to : "");
    if (rc == STORE_OK)
        rc = ledger_rows(r, "SELECT id FROM hazards", "school_id", "found_on", "found_on, id",
                         id, from, to, &hazard_rows);
    if (rc == STORE_OK)
        rc = safety_hazard_objects(r, hazard_rows, 1, &hazards);
    if (rc == STORE_OK)
        rc = ledger_rows(r, SAFETY_ACTIVITY_SELECT, "a.school_id", "a.on_date",
                         "a.on_date, a.id", id, from, to, &activity_rows);
    if (rc == STORE_OK)
        rc = ledger_rows(r, SAFETY_VACCINATION_SELECT, "v.school_id", "v.period", "v.period", id,
                         from ? first : NULL, to ? last : NULL, &vaccination_rows);
    json_decref(hazard_rows);
    if (rc != STORE_OK) {
        json_decref(school);
        json_decref(hazards);
        json_decref(activity_rows);
        json_decref(vaccination_rows);
        log_error("GET /api/safety/ledger: %s", db_errmsg(r->db));
        reply_store_error(r, rc);
        return;
    }
    json_t *activities = json_array(), *vaccinations = json_array(), *item;
    size_t i;
    json_array_foreach(activity_rows, i, item)
        json_array_append_new(activities, safety_activity_object(item));
    json_array_foreach(vaccination_rows, i, item)
        json_array_append_new(vaccinations, safety_vaccination_object(item));
    json_decref(activity_rows);
    json_decref(vaccination_rows);
    reply_json(r, 200,
               json_pack("{so ss? ss? so so so}", "school", school, "from", from, "to", to,
                         "hazards", hazards, "activities", activities, "vaccinations",
                         vaccinations));
}

const route safety_routes[] = {
    {"GET", "/api/safety/summary", safety_summary_handler, 0},
    {"GET", "/api/safety/alerts", safety_alerts_handler, 0},
    {"GET", "/api/safety/ledger", safety_ledger_handler, 0},
    {"GET", "/api/safety/activities", safety_activities_list_handler, 0},
    {"POST", "/api/safety/activities", safety_activities_create_handler, 0},
    {"GET", "/api/safety/activities/totals", safety_activities_totals_handler, 0},
    {"GET", "/api/safety/vaccinations", safety_vaccinations_list_handler, 0},
    {"PUT", "/api/safety/vaccinations", safety_vaccinations_put_handler, 0},
    {NULL, NULL, NULL, 0},
};
