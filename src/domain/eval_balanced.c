/*
 * eval_balanced.c - 义务教育优质均衡 of one stage (小学 or 初中) in one
 * school year (docs/api-eval.md, GET /api/eval/balanced and POST
 * /api/eval/what-if; formulas in ../shared/standards.md §1).
 *
 * The path of one evaluation:
 *   1. the standards in force (eval_standards_in_force) give the rules and
 *      eval_load.c reads the schools and their values into an ev_data;
 *   2. what-if changes, when given, are applied to those numbers by
 *      eval_whatif.c (never saved), after a first evaluation of the data
 *      as is (the "before");
 *   3. ev_evaluate (here) makes the stage parts, their 7 values and
 *      verdicts, the 差异系数 of each indicator, the 政府保障 items;
 *   4. ev_json writes the answer, the only place that makes JSON per
 *      value; without detail it leaves out the per-school rows, which are
 *      most of a province's answer.
 *
 * A gap's shortfall is what the school must add to its own total (a
 * combined school's part gets only its share of a new teacher), so the
 * shortfall of a part with share s is computed on pupils ÷ s.
 */
#include "domain/eval_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One stage part of a school. */
typedef struct ev_part {
    size_t school;
    const char *name;
    double pupils, share, v[EVAL_NINDICATORS];
    int met[EVAL_NINDICATORS], met_count, pass;
} ev_part;

/* A school left out, or failing a guarantee item. */
typedef struct ev_mark {
    size_t school;
    double value, a, b, required;
} ev_mark;

enum { G_CLASS_SIZE, G_SCHOOL_SIZE, G_MUSIC_ART, G_N };
static const char *const ev_guarantee_keys[G_N] = {"class_size_max", "school_size_max",
                                                   "music_art_rooms"};
static const char *const ev_guarantee_names[G_N] = {"班额", "学校规模", "音乐、美术专用教室"};

/* The outcome of one evaluation. */
typedef struct ev_result {
    ev_part *parts;
    size_t nparts;
    ev_mark *excluded; /* value: pupils; a: EV_SPECIAL or EV_POINT */
    size_t nexcluded;
    ev_mark *failing[G_N];
    size_t nfailing[G_N];
    double cv[EVAL_NINDICATORS], mean[EVAL_NINDICATORS], min[EVAL_NINDICATORS],
        max[EVAL_NINDICATORS], total[EVAL_NINDICATORS], pupils;
    int meeting[EVAL_NINDICATORS], cv_pass[EVAL_NINDICATORS];
    size_t passing;
    int pass;
} ev_result;

/* ------------------------------------------------------------ evaluation */

static void ev_result_free(ev_result *res)
{
    free(res->parts);
    free(res->excluded);
    for (int g = 0; g < G_N; g++)
        free(res->failing[g]);
    memset(res, 0, sizeof *res);
}

/* Room for n parts, exclusions and failures of each item in res. */
static int ev_result_alloc(ev_result *res, size_t n)
{
    memset(res, 0, sizeof *res);
    res->parts = malloc(n * sizeof *res->parts);
    res->excluded = malloc(n * sizeof *res->excluded);
    int ok = res->parts && res->excluded;
    for (int g = 0; g < G_N; g++) {
        res->failing[g] = malloc(n * sizeof *res->failing[g]);
        ok = ok && res->failing[g];
    }
    if (ok)
        return STORE_OK;
    ev_result_free(res);
    return STORE_ERROR;
}

/* The 7 values of the part of school i at stage with pupils and share. */
static void ev_values(const double *v, int stage, double pupils, double share,
                      double out[EVAL_NINDICATORS], double resources[EVAL_NINDICATORS])
{
    resources[EVAL_QUALIFIED_TEACHERS] =
        v[F_POSTGRAD] + v[F_BACHELOR] + (stage == EVAL_PRIMARY ? v[F_COLLEGE] : 0);
    resources[EVAL_KEY_TEACHERS] = v[F_KEY];
    resources[EVAL_PE_ART_TEACHERS] = v[F_PE] + v[F_MUSIC] + v[F_ART];
    resources[EVAL_TEACHING_AREA] = v[F_TEACHING_AREA];
    resources[EVAL_SPORTS_AREA] = v[F_GROUND] + v[F_GYM];
    resources[EVAL_EQUIPMENT_VALUE] = v[F_EQUIPMENT];
    resources[EVAL_MULTIMEDIA_ROOMS] = v[F_MULTIMEDIA];
    for (int k = 0; k < EVAL_NINDICATORS; k++) {
        resources[k] *= share;
        int per_hundred = k == EVAL_QUALIFIED_TEACHERS || k == EVAL_KEY_TEACHERS ||
                          k == EVAL_PE_ART_TEACHERS || k == EVAL_MULTIMEDIA_ROOMS;
        out[k] = (per_hundred ? 100 : 1) * resources[k] / pupils;
    }
}

/* Marks school i failing guarantee item g. */
static void ev_fail(ev_result *res, int g, ev_mark mark)
{
    res->failing[g][res->nfailing[g]++] = mark;
}

/* 班额: the part fails with an average over the limit or a class of 56+. */
static void ev_class_size(const double *v, const ev_rules *r, size_t i, double pupils,
                          ev_result *res)
{
    int st = r->stage;
    double classes = v[F_CLASSES + st];
    double big = v[F_CLASSES_56 + st] + v[F_CLASSES_66 + st];
    double average = classes > 0 ? pupils / classes : NAN;
    if (!isnan(r->class_size_max) &&
        (big > 0 || (!isnan(average) && !eval_compare(average, "<=", r->class_size_max))))
        ev_fail(res, G_CLASS_SIZE, (ev_mark){i, average, big, 0, r->class_size_max});
}

/* 学校规模: the school's compulsory pupils against its limit. */
static void ev_school_size(const ev_data *d, const ev_rules *r, size_t i, ev_result *res)
{
    const double *v = ev_row(d, i);
    double compulsory = v[F_PUPILS + EVAL_PRIMARY] + v[F_PUPILS + EVAL_JUNIOR];
    double limit = ev_through_school(d, i) ? r->school_size_combined : r->school_size_max;
    if (!isnan(limit) && !eval_compare(compulsory, "<=", limit))
        ev_fail(res, G_SCHOOL_SIZE, (ev_mark){i, compulsory, 0, 0, limit});
}

/* 音乐、美术专用教室: each at least one per 12 compulsory classes. */
static void ev_music_art(const double *v, const ev_rules *r, size_t i, ev_result *res)
{
    double all_classes = v[F_CLASSES + EVAL_PRIMARY] + v[F_CLASSES + EVAL_JUNIOR];
    double dozens = all_classes > 12 ? ceil(all_classes / 12 - 1e-9) : 1;
    double required = dozens * r->music_art;
    double music = v[F_MUSIC_ROOMS], art = v[F_ART_ROOMS];
    if (!isnan(required) &&
        (!eval_compare(music, ">=", required) || !eval_compare(art, ">=", required)))
        ev_fail(res, G_MUSIC_ART, (ev_mark){i, music < art ? music : art, music, art, required});
}

/* The 政府保障 items of the part of school i: marks its failures. */
static void ev_guarantee(const ev_data *d, const ev_rules *r, size_t i, double pupils,
                         ev_result *res)
{
    const double *v = ev_row(d, i);
    ev_class_size(v, r, i, pupils, res);
    ev_school_size(d, r, i, res);
    ev_music_art(v, r, i, res);
}

/* The per-indicator figures of the parts: CV, mean, min, max, meeting. */
static int ev_indicators(const ev_rules *r, ev_result *res)
{
    size_t n = res->nparts;
    double *x = malloc((n ? n : 1) * sizeof *x), *p = malloc((n ? n : 1) * sizeof *p);
    if (!x || !p) {
        free(x);
        free(p);
        return STORE_ERROR;
    }
    for (int k = 0; k < EVAL_NINDICATORS; k++) {
        res->min[k] = n ? INFINITY : NAN;
        res->max[k] = n ? -INFINITY : NAN;
        res->meeting[k] = 0;
        for (size_t j = 0; j < n; j++) {
            const ev_part *part = &res->parts[j];
            x[j] = part->v[k];
            p[j] = part->pupils;
            res->meeting[k] += part->met[k];
            if (x[j] < res->min[k])
                res->min[k] = x[j];
            if (x[j] > res->max[k])
                res->max[k] = x[j];
        }
        res->cv[k] = eval_weighted_cv(x, p, n, &res->mean[k], NULL);
        res->cv_pass[k] = isnan(r->cv_threshold) ||
                          (!isnan(res->cv[k]) && eval_compare(res->cv[k], "<=", r->cv_threshold));
    }
    free(x);
    free(p);
    return STORE_OK;
}

/* Evaluates the part of school i with pupils of the stage into res. */
static void ev_part_add(const ev_data *d, const ev_rules *r, size_t i, double pupils,
                        ev_result *res)
{
    ev_part *part = &res->parts[res->nparts++];
    double resources[EVAL_NINDICATORS];
    part->school = i;
    part->name = ev_str(d, d->schools[i].name);
    part->pupils = pupils;
    part->share = ev_share(d, i, r->stage);
    ev_values(ev_row(d, i), r->stage, pupils, part->share, part->v, resources);
    part->pass = eval_school_verdict(part->v, r->threshold, r->min_met, r->remaining_ratio,
                                     part->met, &part->met_count);
    res->passing += (size_t)part->pass;
    res->pupils += pupils;
    for (int k = 0; k < EVAL_NINDICATORS; k++)
        res->total[k] += resources[k];
}

/* The whole verdict: every part, every CV and every guarantee item passes. */
static int ev_verdict(const ev_result *res)
{
    int pass = res->nparts > 0 && res->passing == res->nparts;
    for (int k = 0; k < EVAL_NINDICATORS; k++)
        pass = pass && res->cv_pass[k];
    for (int g = 0; g < G_N; g++)
        pass = pass && res->nfailing[g] == 0;
    return pass;
}

/* Evaluates the loaded data under r into res (freed with ev_result_free). */
static int ev_evaluate(const ev_data *d, const ev_rules *r, ev_result *res)
{
    if (ev_result_alloc(res, d->n ? d->n : 1) != STORE_OK)
        return STORE_ERROR;
    for (size_t i = 0; i < d->n; i++) {
        double pupils = ev_row(d, i)[F_PUPILS + r->stage];
        if (!(pupils > 0))
            continue;
        int kind = ev_exclusion(d, r, i, pupils);
        if (kind != EV_SCHOOL) {
            res->excluded[res->nexcluded++] = (ev_mark){i, pupils, kind, 0, 0};
            continue;
        }
        ev_part_add(d, r, i, pupils, res);
        ev_guarantee(d, r, i, pupils, res);
    }
    if (ev_indicators(r, res) != STORE_OK) {
        ev_result_free(res);
        return STORE_ERROR;
    }
    res->pass = ev_verdict(res);
    return STORE_OK;
}

/* ------------------------------------------------------------ the answer */

/* x rounded to 4 decimals as a JSON number, null for NAN. */
static json_t *ev_num(double x)
{
    if (isnan(x) || isinf(x))
        return json_null();
    return json_real(round(x * 1e4) / 1e4);
}

/* A count: an integer when whole. */
static json_t *ev_count(double x)
{
    return x == floor(x) && fabs(x) < 9e15 ? json_integer((json_int_t)x) : ev_num(x);
}

/* A quantity for a text: "350" or "350.5". */
static void ev_quantity(char *out, size_t size, double x)
{
    if (fabs(x - round(x)) < 1e-9)
        snprintf(out, size, "%.0f", x);
    else
        snprintf(out, size, "%.1f", x);
}

/* The sentence of a shortfall of indicator k: "还差 2 名体育艺术专任教师". */
static void ev_gap_text(char *text, size_t size, int k, double shortfall)
{
    static const char *const what[EVAL_NINDICATORS] = {
        "名高于规定学历教师", "名县级以上骨干教师", "名体育艺术专任教师", " m² 教学及辅助用房",
        " m² 体育运动场馆",   " 教学仪器设备",      "间网络多媒体教室"};
    char amount[48];
    if (k == EVAL_EQUIPMENT_VALUE && shortfall >= 10000) {
        ev_quantity(amount, sizeof amount, ceil(shortfall / 1000 - 1e-9) / 10);
        snprintf(text, size, "还差 ¥%s 万%s", amount, what[k]);
    } else if (k == EVAL_EQUIPMENT_VALUE) {
        snprintf(text, size, "还差 ¥%.0f%s", shortfall, what[k]);
    } else if (k == EVAL_TEACHING_AREA || k == EVAL_SPORTS_AREA) {
        ev_quantity(amount, sizeof amount, shortfall);
        snprintf(text, size, "还差 %s%s", amount, what[k]);
    } else {
        snprintf(text, size, "还差 %.0f %s", shortfall, what[k]);
    }
}

/* The gap object of indicator k at a part, or NULL when met. */
static json_t *ev_gap(int k, double value, double threshold, double pupils, double share)
{
    static const char *const units[EVAL_NINDICATORS] = {"名", "名", "名", "m²", "m²", "元", "间"};
    double shortfall = eval_shortfall(k, value, threshold, share > 0 ? pupils / share : pupils);
    char text[160];
    if (shortfall <= 0)
        return NULL;
    ev_gap_text(text, sizeof text, k, shortfall);
    return json_pack("{ss so ss ss}", "indicator", eval_indicator_keys[k], "shortfall",
                     ev_count(shortfall), "unit", units[k], "text", text);
}

static int ev_part_order(const void *a, const void *b)
{
    const ev_part *x = a, *y = b;
    if (x->met_count != y->met_count)
        return x->met_count - y->met_count;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->school < y->school ? -1 : x->school > y->school);
}

/* One entry of "schools". */
static json_t *ev_part_json(const ev_data *d, const ev_rules *r, const ev_part *part)
{
    const ev_school *s = &d->schools[part->school];
    json_t *values = json_object(), *gaps = json_array();
    for (int k = 0; k < EVAL_NINDICATORS && values && gaps; k++) {
        json_object_set_new(values, eval_indicator_keys[k], ev_num(part->v[k]));
        if (!part->met[k]) {
            json_t *gap = ev_gap(k, part->v[k], r->threshold[k], part->pupils, part->share);
            if (gap)
                json_array_append_new(gaps, gap);
        }
    }
    return json_pack("{sI ss ss ss ss ss ss so so so si sb so}", "school_id",
                     (json_int_t)s->school_id, "code", ev_str(d, s->code), "name",
                     ev_str(d, s->name), "type", ev_str(d, s->type), "town", ev_str(d, s->town),
                     "area", ev_str(d, s->area), "record_status", ev_str(d, s->status), "pupils",
                     ev_count(part->pupils), "share", ev_num(part->share), "values", values, "met",
                     part->met_count, "pass", part->pass, "gaps", gaps);
}

/* "schools": the parts sorted by met then name; NULL out of memory. */
static json_t *ev_schools_json(const ev_data *d, const ev_rules *r, ev_result *res)
{
    qsort(res->parts, res->nparts, sizeof *res->parts, ev_part_order);
    json_t *schools = json_array();
    for (size_t j = 0; j < res->nparts && schools; j++) {
        json_t *one = ev_part_json(d, r, &res->parts[j]);
        if (!one || json_array_append_new(schools, one)) {
            json_decref(schools);
            schools = NULL;
        }
    }
    return schools;
}

static json_t *ev_indicators_json(const ev_rules *r, const ev_result *res)
{
    json_t *list = json_array();
    for (int k = 0; k < EVAL_NINDICATORS && list; k++)
        json_array_append_new(
            list,
            json_pack("{ss ss ss so so so so si so so so so so}", "key", eval_indicator_keys[k],
                      "name", r->name[k], "unit", r->unit[k], "threshold", ev_num(r->threshold[k]),
                      "cv", ev_num(res->cv[k]), "cv_threshold", ev_num(r->cv_threshold), "cv_pass",
                      json_boolean(res->cv_pass[k]), "schools_meeting", res->meeting[k], "mean",
                      ev_num(res->mean[k]), "min", ev_num(res->min[k]), "max", ev_num(res->max[k]),
                      "values_total", ev_num(res->total[k]), "pupils_total",
                      ev_count(res->pupils)));
    return list;
}

static json_t *ev_excluded_json(const ev_data *d, const ev_rules *r, const ev_result *res)
{
    json_t *list = json_array();
    char reason[96];
    for (size_t j = 0; j < res->nexcluded && list; j++) {
        const ev_mark *m = &res->excluded[j];
        const ev_school *s = &d->schools[m->school];
        if (m->a == EV_SPECIAL)
            snprintf(reason, sizeof reason, "特殊教育学校不参评");
        else
            snprintf(reason, sizeof reason, "教学点在校生不足%.0f人", r->point_pupils);
        json_array_append_new(list,
                              json_pack("{sI ss ss so ss}", "school_id", (json_int_t)s->school_id,
                                        "name", ev_str(d, s->name), "type", ev_str(d, s->type),
                                        "pupils", ev_count(m->value), "reason", reason));
    }
    return list;
}

/* The sentence of a failing entry of guarantee item g. */
static void ev_failing_text(char *text, size_t size, int g, const ev_mark *m)
{
    char avg[32];
    if (g == G_CLASS_SIZE) {
        if (isnan(m->value))
            snprintf(avg, sizeof avg, "未填");
        else
            snprintf(avg, sizeof avg, "%.1f 人", m->value);
        if (m->a > 0)
            snprintf(text, size, "平均班额 %s，56人以上班级 %.0f 个", avg, m->a);
        else
            snprintf(text, size, "平均班额 %s，超过 %.0f 人", avg, m->required);
    } else if (g == G_SCHOOL_SIZE) {
        snprintf(text, size, "义务教育阶段在校生 %.0f 人，超过 %.0f 人", m->value, m->required);
    } else {
        snprintf(text, size, "音乐专用教室 %.0f 间、美术专用教室 %.0f 间，应各 %.0f 间", m->a, m->b,
                 m->required);
    }
}

/* The failing entry of guarantee item g. */
static json_t *ev_failing_json(const ev_data *d, int g, const ev_mark *m)
{
    char text[200];
    const ev_school *s = &d->schools[m->school];
    ev_failing_text(text, sizeof text, g, m);
    return json_pack("{sI ss so ss}", "school_id", (json_int_t)s->school_id, "name",
                     ev_str(d, s->name), "value", ev_num(m->value), "text", text);
}

static json_t *ev_guarantee_json(const ev_data *d, const ev_rules *r, const ev_result *res)
{
    double thresholds[G_N] = {r->class_size_max, r->school_size_max, r->music_art};
    json_t *list = json_array();
    for (int g = 0; g < G_N && list; g++) {
        json_t *failing = json_array();
        for (size_t j = 0; j < res->nfailing[g] && failing; j++)
            json_array_append_new(failing, ev_failing_json(d, g, &res->failing[g][j]));
        json_t *item = json_pack("{ss ss so sb so}", "key", ev_guarantee_keys[g], "name",
                                 ev_guarantee_names[g], "threshold", ev_num(thresholds[g]), "pass",
                                 res->nfailing[g] == 0, "failing", failing);
        if (item && g == G_SCHOOL_SIZE)
            json_object_set_new(item, "threshold_combined", ev_num(r->school_size_combined));
        json_array_append_new(list, item);
    }
    return list;
}

/* The failures of the 差异系数 into list. */
static void ev_cv_failures(const ev_rules *r, const ev_result *res, json_t *list)
{
    char item[64], text[256];
    for (int k = 0; k < EVAL_NINDICATORS && res->nparts; k++) {
        if (res->cv_pass[k])
            continue;
        snprintf(item, sizeof item, "cv:%s", eval_indicator_keys[k]);
        if (isnan(res->cv[k]))
            snprintf(text, sizeof text, "%s 差异系数无法计算（均值为 0）", r->name[k]);
        else
            snprintf(text, sizeof text, "%s 差异系数 %.2f，超过 %.2f", r->name[k], res->cv[k],
                     r->cv_threshold);
        json_array_append_new(list, json_pack("{ss ss}", "item", item, "text", text));
    }
}

static json_t *ev_failures_json(const ev_rules *r, const ev_result *res)
{
    json_t *list = json_array();
    char item[64], text[256];
    if (!list)
        return NULL;
    if (res->nparts == 0)
        json_array_append_new(list,
                              json_pack("{ss ss}", "item", "schools", "text", "没有参评学校"));
    ev_cv_failures(r, res, list);
    if (res->passing < res->nparts) {
        snprintf(text, sizeof text, "%zu 所学校资源配置未达标", res->nparts - res->passing);
        json_array_append_new(list, json_pack("{ss ss}", "item", "schools", "text", text));
    }
    for (int g = 0; g < G_N; g++) {
        if (!res->nfailing[g])
            continue;
        snprintf(item, sizeof item, "guarantee:%s", ev_guarantee_keys[g]);
        snprintf(text, sizeof text, "%s：%zu 所学校未达要求", ev_guarantee_names[g],
                 res->nfailing[g]);
        json_array_append_new(list, json_pack("{ss ss}", "item", item, "text", text));
    }
    return list;
}

/* The summary of an evaluation: {"pass","schools_passing","schools_total","cv":{...}}. */
static json_t *ev_summary_json(const ev_result *res)
{
    json_t *cv = json_object();
    for (int k = 0; k < EVAL_NINDICATORS && cv; k++)
        json_object_set_new(cv, eval_indicator_keys[k], ev_num(res->cv[k]));
    return json_pack("{sb sI sI so}", "pass", res->pass, "schools_passing",
                     (json_int_t)res->passing, "schools_total", (json_int_t)res->nparts, "cv", cv);
}

/* The org unit of the scope: {"id","name"} or null. */
static int ev_org_json(store_db *db, const eval_scope *scope, json_t **out)
{
    sval p[] = {SV_T(scope->path)};
    int rc = db_query_one(db, "SELECT id, name FROM org_units WHERE path = ?", p, 1, out);
    if (rc == STORE_NOTFOUND) {
        *out = json_null();
        return STORE_OK;
    }
    return rc;
}

/* The answer of res; org is stolen. Without detail, no "schools". */
static int ev_json(const ev_data *d, const ev_rules *r, ev_result *res, int year, int detail,
                   json_t *org, json_t **out)
{
    json_t *schools = detail ? ev_schools_json(d, r, res) : NULL;
    if (detail && !schools) {
        json_decref(org);
        return STORE_ERROR;
    }
    *out = json_pack(
        "{si ss so so so* so so sI sI sb so}", "year", year, "stage", eval_stage_keys[r->stage],
        "org", org, "indicators", ev_indicators_json(r, res), "schools", schools, "excluded",
        ev_excluded_json(d, r, res), "guarantee", ev_guarantee_json(d, r, res), "schools_total",
        (json_int_t)res->nparts, "schools_passing", (json_int_t)res->passing, "pass", res->pass,
        "failures", ev_failures_json(r, res));
    return *out ? STORE_OK : STORE_ERROR;
}

/* ------------------------------------------------------------ entry */

/* The stage of key ("primary" or "junior") into *stage, or a refusal. */
static int ev_stage_of(const char *key, int *stage, refusal *e)
{
    for (int s = EVAL_PRIMARY; s <= EVAL_JUNIOR; s++)
        if (key && strcmp(key, eval_stage_keys[s]) == 0) {
            *stage = s;
            return STORE_OK;
        }
    return refuse(e, 400, "invalid", "stage", "学段应为 primary（小学）或 junior（初中）");
}

/* Evaluates the loaded d under r, after the changes when given (then with
 * "before" and "changed_schools"), into *out for the scope's org. */
static int ev_answer(store_db *db, const eval_scope *scope, int year, ev_data *d, const ev_rules *r,
                     json_t *changes, int detail, json_t *org, json_t **out, refusal *e)
{
    ev_result before = {0}, after = {0};
    json_t *changed = NULL;
    int rc = STORE_OK;
    if (changes) {
        rc = ev_evaluate(d, r, &before);
        if (rc == STORE_OK)
            rc = ev_whatif_apply(db, scope, year, r->stage, d, changes, &changed, e);
    }
    if (rc == STORE_OK)
        rc = ev_evaluate(d, r, &after);
    if (rc == STORE_OK)
        rc = ev_json(d, r, &after, year, detail, json_incref(org), out);
    if (rc == STORE_OK && changes) {
        json_object_set_new(*out, "before", ev_summary_json(&before));
        json_object_set(*out, "changed_schools", changed);
    }
    ev_result_free(&before);
    ev_result_free(&after);
    json_decref(changed);
    return rc;
}

int eval_balanced(store_db *db, const eval_scope *scope, int year, const char *stage,
                  json_t *changes, int detail, json_t **out, refusal *e)
{
    json_t *standards = NULL, *org = NULL;
    ev_rules r;
    int st = EVAL_PRIMARY;

    *out = NULL;
    int rc = ev_stage_of(stage, &st, e);
    if (rc == STORE_OK)
        rc = ev_whatif_check(changes, e);
    if (rc != STORE_OK)
        return rc;
    ev_data *d = ev_data_new();
    if (!d)
        return STORE_ERROR;
    ev_whatif_fields(d, changes);
    rc = eval_standards_in_force(db, year, scope->county_org_id, &standards);
    if (rc == STORE_OK)
        rc = ev_org_json(db, scope, &org);
    if (rc == STORE_OK)
        rc = ev_load(db, scope, year, d);
    if (rc == STORE_OK) {
        ev_rules_load(standards, st, &r);
        rc = ev_answer(db, scope, year, d, &r, changes, detail, org, out, e);
    }
    json_decref(org);
    json_decref(standards);
    ev_data_free(d);
    return rc;
}
