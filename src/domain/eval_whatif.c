/*
 * eval_whatif.c - the what-if of 义务教育优质均衡 (POST /api/eval/what-if,
 * the scenarios; docs/api-eval.md): the changes a planner tries, checked
 * and applied to the numbers eval_load.c read (never saved) before
 * eval_balanced.c evaluates them again. A change is one of
 *
 *   {"school_id", "field", "add" | "set"}   a numeric 基表 field the
 *                                           school's type fills
 *   {"move_pupils", "from_school_id", "to_school_id"}  pupils of the stage
 *
 * A change that does not apply is refused with 400, the field naming the
 * change and its member ("changes[2].field") and a Chinese message.
 */
#include "domain/eval_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No 基表 figure comes near this: a larger value or result is refused, so
 * that sums and squares of the CV stay finite (1e308 would make them inf). */
#define EV_WHATIF_MAX 1e12

static _Thread_local char ev_field_buf[64];
static _Thread_local char ev_message_buf[256];

/* Refuses change index's member (NULL: the change itself) with a message. */
__attribute__((format(printf, 4, 5))) static int
ev_refuse_change(refusal *e, size_t index, const char *member, const char *fmt, ...)
{
    va_list ap;
    if (member)
        snprintf(ev_field_buf, sizeof ev_field_buf, "changes[%zu].%s", index, member);
    else
        snprintf(ev_field_buf, sizeof ev_field_buf, "changes[%zu]", index);
    va_start(ap, fmt);
    vsnprintf(ev_message_buf, sizeof ev_message_buf, fmt, ap);
    va_end(ap);
    return refuse(e, 400, "invalid", ev_field_buf, ev_message_buf);
}

int ev_whatif_check(json_t *changes, refusal *e)
{
    if (changes && !json_is_array(changes))
        return refuse(e, 400, "invalid", "changes", "调整（changes）应为数组");
    if (json_array_size(changes) > EV_MAX_CHANGES)
        return refuse(e, 400, "invalid", "changes", "一次最多 200 项调整");
    return STORE_OK;
}

void ev_whatif_fields(ev_data *d, json_t *changes)
{
    size_t i;
    json_t *change;
    json_array_foreach(changes, i, change)
    {
        const char *key = json_string_value(json_object_get(change, "field"));
        if (key && strlen(key) < 64)
            ev_add_field(d, key);
    }
}

/* ------------------------------------------------------------ catalogue */

/* What the what-if checks fields and schools against: the numeric fields
 * of the year with their section, and the sections of each school type. */
typedef struct ev_catalogue {
    json_t *fields;   /* key -> section */
    json_t *sections; /* [{"school_type","section"}] */
} ev_catalogue;

/* The numeric fields of year, key -> section, into c->fields. */
static int ev_catalogue_fields(store_db *db, int year, ev_catalogue *c)
{
    json_t *rows = NULL;
    sval p[] = {SV_I(year), SV_I(year)};
    int rc = db_query(db,
                      "SELECT key, section FROM stat_fields WHERE kind IN ('int', 'real') "
                      "AND year_from <= ? AND (year_to IS NULL OR year_to >= ?)",
                      p, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    c->fields = json_object();
    if (!c->fields) {
        json_decref(rows);
        return STORE_ERROR;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *key = json_string_value(json_object_get(row, "key"));
        if (key)
            json_object_set(c->fields, key, json_object_get(row, "section"));
    }
    json_decref(rows);
    return STORE_OK;
}

static int ev_catalogue_load(store_db *db, int year, ev_catalogue *c)
{
    int rc = ev_catalogue_fields(db, year, c);
    if (rc != STORE_OK)
        return rc;
    sval p[] = {SV_I(year), SV_I(year)};
    return db_query(db,
                    "SELECT school_type, section FROM stat_sections "
                    "WHERE year_from <= ? AND (year_to IS NULL OR year_to >= ?)",
                    p, 2, &c->sections);
}

/* 1 when a school of type fills section. */
static int ev_type_has_section(const ev_catalogue *c, const char *type, const char *section)
{
    size_t i;
    json_t *row;
    json_array_foreach(c->sections, i, row)
    {
        const char *t = json_string_value(json_object_get(row, "school_type"));
        const char *s = json_string_value(json_object_get(row, "section"));
        if (t && s && strcmp(t, type) == 0 && strcmp(s, section) == 0)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ schools */

/* The loaded school of school_id, or -1. */
static long ev_find_school(const ev_data *d, int64_t school_id)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->schools[i].school_id == school_id)
            return (long)i;
    return -1;
}

/* Why school id is not among the loaded ones: unknown, outside the
 * scope, or without a record of the year. */
static int ev_refuse_school(store_db *db, const eval_scope *scope, int year, int64_t id,
                            size_t index, const char *member, refusal *e)
{
    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    int rc = db_query_one(db, "SELECT path FROM schools WHERE id = ?", p, 1, &row);
    if (rc == STORE_NOTFOUND)
        return ev_refuse_change(e, index, member, "学校不存在");
    if (rc != STORE_OK)
        return rc;
    const char *path = json_string_value(json_object_get(row, "path"));
    int inside = path && strcmp(path, scope->path) >= 0 && strcmp(path, scope->path_hi) < 0;
    json_decref(row);
    if (!inside)
        return ev_refuse_change(e, index, member, "学校不在评估范围内");
    return ev_refuse_change(e, index, member, "该学校没有 %d 学年的基表记录", year);
}

/* The loaded school that member (an id) of change index names, or a
 * refusal: missing, unknown, outside the scope, without a record. */
static int ev_change_school(store_db *db, const eval_scope *scope, int year, const ev_data *d,
                            json_t *change, size_t index, const char *member, long *out, refusal *e)
{
    json_t *id = json_object_get(change, member);
    if (!json_is_integer(id) || json_integer_value(id) <= 0)
        return ev_refuse_change(e, index, member, "请选择学校");
    *out = ev_find_school(d, json_integer_value(id));
    if (*out >= 0)
        return STORE_OK;
    return ev_refuse_school(db, scope, year, json_integer_value(id), index, member, e);
}

/* ------------------------------------------------------------ changes */

/* The context of one what-if: where the changed schools must be, the
 * catalogue, the data changed and the school ids touched. */
typedef struct ev_whatif {
    store_db *db;
    const eval_scope *scope;
    int year, stage;
    ev_catalogue catalogue;
    ev_data *d;
    json_t *ids;
} ev_whatif;

/* Applies a move of pupils of the stage between two schools. */
static int ev_apply_move(ev_whatif *w, json_t *change, size_t index, refusal *e)
{
    json_t *moved = json_object_get(change, "move_pupils");
    double m = json_number_value(moved);
    if (!json_is_number(moved) || !(m > 0) || m != floor(m))
        return ev_refuse_change(e, index, "move_pupils", "调动学生数应为正整数");
    long from, to;
    int rc =
        ev_change_school(w->db, w->scope, w->year, w->d, change, index, "from_school_id", &from, e);
    if (rc == STORE_OK)
        rc =
            ev_change_school(w->db, w->scope, w->year, w->d, change, index, "to_school_id", &to, e);
    if (rc != STORE_OK)
        return rc;
    if (from == to)
        return ev_refuse_change(e, index, "to_school_id", "调出和调入学校不能相同");
    int st = w->stage;
    if (!ev_type_has_section(&w->catalogue, ev_str(w->d, w->d->schools[to].type),
                             eval_stage_keys[st]))
        return ev_refuse_change(e, index, "to_school_id", "调入学校没有%s学段",
                                eval_stage_labels[st]);
    double *vf = ev_row(w->d, (size_t)from), *vt = ev_row(w->d, (size_t)to);
    if (vf[F_PUPILS + st] < m)
        return ev_refuse_change(e, index, "move_pupils", "调出学校%s在校生只有 %.0f 人",
                                eval_stage_labels[st], vf[F_PUPILS + st]);
    vf[F_PUPILS + st] -= m;
    vt[F_PUPILS + st] += m;
    if (json_array_append_new(w->ids, json_integer(w->d->schools[from].school_id)) ||
        json_array_append_new(w->ids, json_integer(w->d->schools[to].school_id)))
        return STORE_ERROR;
    return STORE_OK;
}

/* The slot of the field change index names at school i, or a refusal:
 * missing, not a numeric field of the year, not filled by its type. */
static int ev_change_slot(const ev_whatif *w, json_t *change, size_t index, long i, int *slot,
                          refusal *e)
{
    json_t *field = json_object_get(change, "field");
    if (!json_is_string(field))
        return ev_refuse_change(e, index, "field", "请选择要调整的字段");
    const char *section =
        json_string_value(json_object_get(w->catalogue.fields, json_string_value(field)));
    if (!section)
        return ev_refuse_change(e, index, "field", "未知字段或非数值字段");
    if (!ev_type_has_section(&w->catalogue, ev_str(w->d, w->d->schools[i].type), section))
        return ev_refuse_change(e, index, "field", "该学校的基表没有此字段");
    *slot = ev_slot(w->d, json_string_value(field));
    if (*slot < 0)
        return ev_refuse_change(e, index, "field", "未知字段或非数值字段");
    return STORE_OK;
}

/* Applies an add or set of one field of one school. */
static int ev_apply_field(ev_whatif *w, json_t *change, size_t index, refusal *e)
{
    long i = -1;
    int slot = -1;
    int rc = ev_change_school(w->db, w->scope, w->year, w->d, change, index, "school_id", &i, e);
    if (rc == STORE_OK)
        rc = ev_change_slot(w, change, index, i, &slot, e);
    if (rc != STORE_OK)
        return rc;
    json_t *add = json_object_get(change, "add"), *set = json_object_get(change, "set");
    if ((add != NULL) == (set != NULL))
        return ev_refuse_change(e, index, add ? "set" : "add",
                                "请给出 add（增减）或 set（设为）其中一项");
    const char *member = add ? "add" : "set";
    if (!json_is_number(add ? add : set))
        return ev_refuse_change(e, index, member, "调整值应为数值");
    double *v = &ev_row(w->d, (size_t)i)[slot];
    double x = json_number_value(add ? add : set);
    double result = add ? *v + x : x;
    if (!isfinite(x) || fabs(x) > EV_WHATIF_MAX || !(result <= EV_WHATIF_MAX))
        return ev_refuse_change(e, index, member, "调整值过大（不能超过 1 万亿）");
    if (!eval_compare(result, ">=", 0))
        return ev_refuse_change(e, index, member, "调整后的值不能小于 0");
    *v = result < 0 ? 0 : result;
    if (json_array_append_new(w->ids, json_integer(w->d->schools[i].school_id)))
        return STORE_ERROR;
    return STORE_OK;
}

/* The ids, each once, in order of first appearance; NULL out of memory. */
static json_t *ev_unique_ids(json_t *ids)
{
    json_t *unique = json_array();
    size_t i, j;
    json_t *id, *seen;
    json_array_foreach(ids, i, id)
    {
        int dup = 0;
        json_array_foreach(unique, j, seen) dup = dup || json_equal(seen, id);
        if (unique && !dup && json_array_append(unique, id)) {
            json_decref(unique);
            return NULL;
        }
    }
    return unique;
}

int ev_whatif_apply(store_db *db, const eval_scope *scope, int year, int stage, ev_data *d,
                    json_t *changes, json_t **changed, refusal *e)
{
    ev_whatif w = {db, scope, year, stage, {0}, d, json_array()};
    int rc = w.ids ? ev_catalogue_load(db, year, &w.catalogue) : STORE_ERROR;
    size_t i;
    json_t *change;

    *changed = NULL;
    json_array_foreach(changes, i, change)
    {
        if (rc != STORE_OK)
            break;
        if (!json_is_object(change))
            rc = ev_refuse_change(e, i, NULL, "每项调整应为对象");
        else if (json_object_get(change, "move_pupils"))
            rc = ev_apply_move(&w, change, i, e);
        else
            rc = ev_apply_field(&w, change, i, e);
    }
    if (rc == STORE_OK && !(*changed = ev_unique_ids(w.ids)))
        rc = STORE_ERROR;
    json_decref(w.catalogue.fields);
    json_decref(w.catalogue.sections);
    json_decref(w.ids);
    return rc;
}
