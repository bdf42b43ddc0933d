/*
 * stats_demo.c - the demo county's 基表 of 2019-2021 and the province
 * benchmark's 2021 records (see stats_demo.h).
 *
 * From the seed and our own PRNG (demo_gen.h; a stream per school, so a
 * school's figures do not depend on the others), each school gets a
 * profile: per stage the entrants of each entry year (a cohort moves up a
 * grade each year: growing in 城区, shrinking in 乡村), a typical class
 * size (城区 50-58, 乡村 30-40, so classes = ceil(pupils / size)), pupils
 * per teacher, PE/music/art specialists per 100 pupils (乡村 weak), shares
 * of girls, boarders, 随迁子女, 留守儿童, teachers' 学历 and 骨干; school
 * wide factors for rooms, grounds and equipment around the standards
 * (standards.md §1), canteen and lunch mode. A year's values are computed
 * from the profile, looked up by key in that year's form (stats_fields):
 * a key the form lacks is skipped, a computed total is summed from its
 * parts as the form says. The county then fixes the 2021 kindergarten and
 * high-school places to the seed's shares, picks the few 超大班额 classes
 * (more in 2019, fewer each year) and the 2021 statuses.
 *
 * The county (stats_demo_generate) saves each record with
 * stats_record_save (no audit row each), with explanations for the
 * warnings stats_check finds, then sets its status, round and times as the
 * workflow would have. The benchmark (stats_demo_bulk) runs the same
 * generator and writes the rows itself, in demo_gen.h's batches.
 */
#include "domain/stats_demo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/demo_gen.h"
#include "domain/org.h"
#include "domain/schools.h"
#include "domain/stats.h"
#include "domain/stats_rounds.h"
#include "util/arena.h"

#define SD_PRE 2018 /* the year before the first: graduates */
#define SD_NY 4     /* 2018 .. 2021 */
#define SD_E0 2008  /* first entry year of a cohort */
#define SD_NE 16    /* entry years 2008 .. 2023 */
#define SD_MAXG 6
#define SD_KG_SHARE 0.187     /* public share of kindergarten places, 2021 */
#define SD_SENIOR_SHARE 0.581 /* public share of high-school places, 2021 */
#define SD_DRAFTS 5           /* 2021 drafts besides the 超大班额 one */
#define SD_RETURNED 2
#define SD_BULK_NOTE                                                                               \
    "基准测试数据生成（edubureau generate --stats）：批量写入，本条为汇总记录，未逐条记录审计"

/* ----------------------------------------------------------------- helpers */

static int sd_round(double d)
{
    return d <= 0 ? 0 : (int)(d + 0.5);
}

/* ---------------------------------------------------------------- stages */

enum { ST_KG, ST_PRIMARY, ST_JUNIOR, ST_SENIOR, ST_VOC, SD_STAGES };
enum { SD_CITY, SD_TOWN, SD_RURAL };

/* A stage: its form section, its grades' key suffixes, the standards per
 * pupil the school's rooms and equipment are sized by (standards.md §1;
 * kindergarten, senior and vocational are our own), and the shares of the
 * 专任教师 teaching 语文, 数学, 英语, 科学 (理化生) and 信息技术. */
static const struct sd_stage_def {
    const char *section;
    int grades;
    const char *grade[SD_MAXG];
    double teach, sports, equip, books;
    double subjects[5];
} sd_stage_defs[SD_STAGES] = {
    {"kg", 3, {"small", "middle", "large"}, 4.0, 4.0, 600, 10, {0, 0, 0, 0, 0}},
    {"primary",
     6,
     {"g1", "g2", "g3", "g4", "g5", "g6"},
     4.5,
     7.5,
     2000,
     30,
     {0.30, 0.24, 0.07, 0.05, 0.02}},
    {"junior", 3, {"g7", "g8", "g9"}, 5.8, 10.2, 2500, 40, {0.14, 0.14, 0.13, 0.18, 0.03}},
    {"senior", 3, {"g10", "g11", "g12"}, 6.5, 11.0, 3200, 45, {0.12, 0.12, 0.12, 0.24, 0.03}},
    {"vocational", 3, {"y1", "y2", "y3"}, 8.0, 10.0, 5000, 35, {0.10, 0.08, 0.08, 0.05, 0.06}},
};
static const int sd_kg_class[3] = {25, 30, 35}; /* 小班, 中班, 大班 (幼儿园工作规程) */

/* One stage of one school. */
typedef struct sd_stage {
    int on, grades;            /* grades taught (a 教学点 teaches 3 or 4) */
    double intake[SD_NE];      /* entrants of each entry year */
    double retention;          /* a cohort's change per grade */
    int size;                  /* typical class size in 2021 (kg: added to 25/30/35) */
    int extra[SD_NY][SD_MAXG]; /* pupils of schools merged into this one */
    double ratio;              /* pupils per teacher (kg: teachers per class) */
    double girls, boarders, migrant, left_behind, disabled;
    double pe_art;                              /* PE/music/art specialists per 100 pupils */
    double key, postgrad, bachelor, highschool; /* shares of the teachers */
} sd_stage;

/* Classes and pupils of one stage in one year. */
typedef struct sd_sy {
    int pupils[SD_MAXG], classes[SD_MAXG];
    int pupils_total, classes_total, band56, band66;
    int mixed_classes, mixed_children; /* kindergarten 混合班 */
} sd_sy;

typedef struct sd_school {
    int64_t id, user_id, merged_into;
    char *path, *name, *type, *nature;
    int area, pub, point, high; /* area SD_*; 公办; 教学点; 高级中学 */
    int first_year, last_year;  /* records of these school years (0: none) */
    uint64_t seed;
    sd_stage st[SD_STAGES];
    int kg_mixed;
    double f_teach, f_sports, f_equip, books_pp, computers_per, staff_extra, build_ratio;
    double rebuilt; /* teaching area of 2021 / of 2019-2020 */
    int gym, canteen, rooms_extra, music_rooms, art_rooms;
    const char *lunch;
    double after_school[3]; /* share of compulsory pupils, 2019-2021 */
    int capacity;
    int huge[SD_NY]; /* classes of 66+ to make that year */
    int huge_stage;
    const char *status;  /* of 2021 */
    const char *comment; /* review comment of a 已退回 record */
    int typo;            /* 2021 draft with a 学历 typo */
    json_t *previous;    /* last year's values */
} sd_school;

/* A year's form of a school type, looked up once. */
typedef struct sd_form {
    int year;
    char *type;
    json_t *fields; /* stats_fields */
    json_t *by_key; /* key -> field */
} sd_form;

#define SD_FORMS 64

typedef struct sd_gen {
    store_db *db;
    uint64_t seed;
    char *err;
    size_t err_size;
    sd_form forms[SD_FORMS];
    int nforms;
    /* the county being generated */
    int64_t county_id;
    char *county_path;
    sd_school *schools;
    int nschools;
    int64_t dept_user;
    int64_t rounds[SD_NY];
    long records[SD_NY];
} sd_gen;

static int sd_fail(sd_gen *g, const char *what, int rc, const refusal *e)
{
    return demo_gen_fail(g->db, g->err, g->err_size, what, rc, e);
}

static const char *sd_text(json_t *row, const char *key)
{
    return json_string_value(json_object_get(row, key));
}

static int sd_is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* 1 when text ends with suffix. */
static int sd_ends(const char *text, const char *suffix)
{
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcmp(text + n - m, suffix) == 0;
}

/* ----------------------------------------------------------------- forms */

static sd_form *sd_form_of(sd_gen *g, int year, const char *type)
{
    for (int i = 0; i < g->nforms; i++)
        if (g->forms[i].year == year && strcmp(g->forms[i].type, type) == 0)
            return &g->forms[i];
    if (g->nforms == SD_FORMS)
        return NULL;
    sd_form *f = &g->forms[g->nforms];
    if (stats_fields(g->db, year, type, &f->fields) != STORE_OK)
        return NULL;
    f->year = year;
    f->type = strdup(type);
    f->by_key = json_object();
    size_t i;
    json_t *field;
    json_array_foreach(f->fields, i, field)
        json_object_set(f->by_key, sd_text(field, "key"), field);
    g->nforms++;
    return f;
}

/* 1 when the form has a field of section. */
static int sd_form_has(sd_form *f, const char *section)
{
    size_t i;
    json_t *field;
    json_array_foreach(f->fields, i, field) if (sd_is(sd_text(field, "section"), section)) return 1;
    return 0;
}

/* Set key to d in values when the form has it, as its kind wants. */
static void sd_put(sd_form *f, json_t *values, const char *key, double d)
{
    json_t *field = json_object_get(f->by_key, key);
    if (!field)
        return;
    const char *kind = sd_text(field, "kind");
    if (sd_is(kind, "real"))
        json_object_set_new(values, key, json_real(round(d * 100) / 100));
    else if (sd_is(kind, "int") || sd_is(kind, "bool"))
        json_object_set_new(values, key, json_integer(sd_round(d)));
}

static void sd_put_text(sd_form *f, json_t *values, const char *key, const char *text)
{
    json_t *field = json_object_get(f->by_key, key);
    if (field && sd_is(sd_text(field, "kind"), "enum"))
        json_object_set_new(values, key, json_string(text));
}

/* "<section>_<what>" or "<section>_<what>_<grade>". */
static void sd_putk(sd_form *f, json_t *values, double d, const char *section, const char *what,
                    const char *grade)
{
    char key[96];
    if (grade)
        snprintf(key, sizeof key, "%s_%s_%s", section, what, grade);
    else
        snprintf(key, sizeof key, "%s_%s", section, what);
    sd_put(f, values, key, d);
}

/* Every computed total (a+b+c) as the sum of its parts present. */
static void sd_totals(sd_form *f, json_t *values)
{
    size_t i;
    json_t *field;
    json_array_foreach(f->fields, i, field)
    {
        const char *expr = sd_text(field, "computed");
        if (!expr || !*expr)
            continue;
        double total = 0;
        int present = 0;
        char key[128];
        for (const char *s = expr; *s;) {
            const char *plus = strchr(s, '+');
            size_t n = plus ? (size_t)(plus - s) : strlen(s);
            if (n && n < sizeof key) {
                memcpy(key, s, n);
                key[n] = '\0';
                json_t *v = json_object_get(values, key);
                if (json_is_number(v)) {
                    total += json_number_value(v);
                    present++;
                }
            }
            s += n + (plus ? 1 : 0);
        }
        if (present)
            sd_put(f, values, sd_text(field, "key"), total);
    }
}

static int sd_num(json_t *values, const char *key)
{
    return (int)json_number_value(json_object_get(values, key));
}

/* -------------------------------------------------------------- pupils */

/* Pupils of grade g (0-based) of stage s in year y by the model. */
static int sd_pupils(const sd_school *k, int s, int y, int g)
{
    const sd_stage *st = &k->st[s];
    if (!st->on || g >= st->grades)
        return 0;
    int e = y - g - SD_E0;
    if (e < 0 || e >= SD_NE)
        return 0;
    double v = st->intake[e];
    for (int i = 0; i < g; i++)
        v *= st->retention;
    int n = sd_round(v);
    if (n < 1)
        n = 1;
    return n + st->extra[y - SD_PRE][g];
}

/* Class-size bands of n pupils in c classes spread evenly. */
static void sd_bands(int n, int c, int *b56, int *b66)
{
    if (c <= 0)
        return;
    int q = n / c, r = n % c;
    const int sizes[2] = {q + 1, q}, counts[2] = {r, c - r};
    for (int i = 0; i < 2; i++) {
        if (sizes[i] >= 66)
            *b66 += counts[i];
        else if (sizes[i] >= 56)
            *b56 += counts[i];
    }
}

/* Classes and pupils of stage s of k in year y. */
static void sd_stage_year(const sd_school *k, int s, int y, sd_sy *sy)
{
    const sd_stage *st = &k->st[s];
    memset(sy, 0, sizeof *sy);
    if (!st->on)
        return;
    int crowded = k->area == SD_CITY && s != ST_KG ? SD_PRE + SD_NY - 1 - y : 0;
    for (int g = 0; g < sd_stage_defs[s].grades; g++) {
        int n = sd_pupils(k, s, y, g);
        int size = s == ST_KG ? sd_kg_class[g] + st->size : st->size + crowded;
        sy->pupils[g] = n;
        sy->classes[g] = n > 0 ? (n + size - 1) / size : 0;
        if (k->point && n > 0)
            sy->classes[g] = 1;
        sy->pupils_total += n;
    }
    if (s == ST_KG && k->kg_mixed) {
        sy->mixed_children = sy->pupils_total;
        sy->mixed_classes = (sy->pupils_total + 27 + st->size - 1) / (27 + st->size);
        for (int g = 0; g < 3; g++)
            sy->pupils[g] = sy->classes[g] = 0;
    }
    /* one 超大班额 class in the grade with the fullest classes */
    int huge_grade = -1;
    if (k->huge[y - SD_PRE] && k->huge_stage == s) {
        double best = 0;
        for (int g = 0; g < sd_stage_defs[s].grades; g++)
            if (sy->classes[g] >= 2 && (double)sy->pupils[g] / sy->classes[g] > best) {
                best = (double)sy->pupils[g] / sy->classes[g];
                huge_grade = g;
            }
    }
    for (int g = 0; g < sd_stage_defs[s].grades; g++) {
        sy->classes_total += sy->classes[g];
        if (s == ST_KG)
            continue;
        int n = sy->pupils[g], c = sy->classes[g];
        int big = 66 + (int)(k->seed % 4);
        if (g == huge_grade && n - big >= 35 * (c - 1)) {
            sy->band66++;
            sd_bands(n - big, c - 1, &sy->band56, &sy->band66);
        } else {
            sd_bands(n, c, &sy->band56, &sy->band66);
        }
    }
    sy->classes_total += sy->mixed_classes;
}

/* Pupils of every stage of k in year y. */
static int sd_all_pupils(const sd_school *k, int y, int *by_stage)
{
    int total = 0;
    for (int s = 0; s < SD_STAGES; s++) {
        sd_sy sy;
        sd_stage_year(k, s, y, &sy);
        if (by_stage)
            by_stage[s] = sy.pupils_total;
        total += sy.pupils_total;
    }
    return total;
}

/* ------------------------------------------------------------- profiles */

/* One real draw in the range of area: ranges of 城区, 镇区, 乡村. */
static double sd_by_area(demo_rng *r, int area, const double range[3][2])
{
    return demo_rng_real(r, range[area][0], range[area][1]);
}

/* Entrants per grade in 2021 by stage, school type (NULL: any other) and
 * nature (1 公办, 0 民办, -1 either), for a school in 城区, 镇区, 乡村: the
 * first row that fits. */
static const struct sd_intake {
    int stage;
    const char *type;
    int pub;
    int lo[3], hi[3];
} sd_intakes[] = {
    {ST_KG, NULL, 1, {85, 50, 12}, {120, 85, 30}},
    {ST_KG, NULL, 0, {50, 40, 16}, {120, 95, 50}},
    {ST_PRIMARY, "教学点", -1, {4, 4, 4}, {14, 14, 14}},
    {ST_PRIMARY, "特殊教育学校", -1, {6, 6, 6}, {14, 14, 14}},
    {ST_PRIMARY, "小学", -1, {220, 110, 14}, {420, 220, 45}},
    {ST_PRIMARY, NULL, -1, {120, 30, 30}, {250, 70, 70}},
    {ST_JUNIOR, "特殊教育学校", -1, {5, 5, 5}, {12, 12, 12}},
    {ST_JUNIOR, "初中", -1, {450, 220, 100}, {800, 450, 220}},
    {ST_JUNIOR, "完全中学", 1, {280, 280, 280}, {450, 450, 450}},
    {ST_JUNIOR, "完全中学", 0, {300, 300, 300}, {480, 480, 480}},
    {ST_JUNIOR, "十二年一贯制学校", -1, {250, 250, 250}, {400, 400, 400}},
    {ST_JUNIOR, NULL, -1, {200, 45, 45}, {300, 100, 100}},
    {ST_SENIOR, "高级中学", -1, {600, 600, 600}, {1200, 1200, 1200}},
    {ST_SENIOR, "完全中学", 1, {250, 250, 250}, {400, 400, 400}},
    {ST_SENIOR, "完全中学", 0, {1000, 1000, 1000}, {1300, 1300, 1300}},
    {ST_SENIOR, NULL, -1, {750, 750, 750}, {1000, 1000, 1000}},
    {ST_VOC, NULL, -1, {500, 500, 500}, {900, 900, 900}},
};

/* Entrants per grade in 2021, and the class size, by stage and school. */
static void sd_stage_size(const sd_school *k, int s, demo_rng *r, int *lo, int *hi, int *size)
{
    int city = k->area == SD_CITY, town = k->area == SD_TOWN;
    *lo = *hi = 0;
    for (int i = 0; i < DEMO_COUNT(sd_intakes); i++) {
        const struct sd_intake *in = &sd_intakes[i];
        if (in->stage == s && (!in->type || sd_is(k->type, in->type)) &&
            (in->pub < 0 || in->pub == k->pub)) {
            *lo = in->lo[k->area];
            *hi = in->hi[k->area];
            break;
        }
    }
    if (s == ST_KG) {
        *size = k->pub ? (city ? demo_rng_range(r, 3, 7) : demo_rng_range(r, 0, 5))
                       : demo_rng_range(r, -4, 3);
        return;
    }
    if (sd_is(k->type, "特殊教育学校"))
        *size = demo_rng_range(r, 8, 12);
    else if (s == ST_SENIOR)
        *size = k->pub ? demo_rng_range(r, 50, 56) : demo_rng_range(r, 48, 54);
    else if (s == ST_VOC)
        *size = demo_rng_range(r, 45, 52);
    else if (city && !k->pub)
        *size = demo_rng_range(r, 45, 52);
    else if (city)
        *size = s == ST_PRIMARY ? demo_rng_range(r, 50, 58) : demo_rng_range(r, 52, 58);
    else if (town)
        *size = s == ST_PRIMARY ? demo_rng_range(r, 42, 50) : demo_rng_range(r, 46, 54);
    else
        *size = s == ST_PRIMARY ? demo_rng_range(r, 30, 40) : demo_rng_range(r, 38, 46);
}

/* The profile of stage s of k. */
static void sd_stage_profile(sd_school *k, int s, demo_rng *r)
{
    sd_stage *st = &k->st[s];
    int lo, hi, city = k->area == SD_CITY, rural = k->area == SD_RURAL;
    int special = sd_is(k->type, "特殊教育学校");
    st->on = 1;
    st->grades = sd_stage_defs[s].grades;
    if (k->point)
        st->grades = demo_rng_chance(r, 70) ? 3 : 4;
    sd_stage_size(k, s, r, &lo, &hi, &st->size);
    double base = demo_rng_range(r, lo, hi);
    double trend = s == ST_SENIOR
                       ? demo_rng_real(r, 1.02, 1.06)
                       : sd_by_area(r, k->area,
                                    (const double[3][2]){{1.02, 1.05}, {0.99, 1.02}, {0.93, 0.98}});
    st->retention =
        s == ST_VOC ? demo_rng_real(r, 0.93, 0.97)
        : s == ST_SENIOR
            ? demo_rng_real(r, 0.98, 0.995)
            : sd_by_area(r, k->area,
                         (const double[3][2]){{1.005, 1.02}, {0.99, 1.01}, {0.97, 0.99}});
    for (int e = 0; e < SD_NE; e++)
        st->intake[e] = base * pow(trend, SD_E0 + e - 2021) * demo_rng_real(r, 0.95, 1.05);

    st->girls = s == ST_VOC      ? demo_rng_real(r, 0.35, 0.45)
                : s == ST_SENIOR ? demo_rng_real(r, 0.47, 0.52)
                                 : demo_rng_real(r, 0.45, 0.49);
    st->migrant =
        sd_by_area(r, k->area, (const double[3][2]){{0.08, 0.18}, {0.03, 0.08}, {0, 0.02}});
    st->left_behind =
        s >= ST_SENIOR ? demo_rng_real(r, 0.05, 0.12)
                       : sd_by_area(r, k->area,
                                    (const double[3][2]){{0.01, 0.05}, {0.08, 0.18}, {0.15, 0.30}});
    st->disabled = s == ST_PRIMARY || s == ST_JUNIOR ? demo_rng_real(r, 0, 0.004) : 0;
    switch (s) {
    case ST_KG:
        st->boarders = 0;
        st->ratio = k->pub ? demo_rng_real(r, 1.8, 2.2) : demo_rng_real(r, 1.4, 2.0);
        st->pe_art = 0;
        st->key = demo_rng_real(r, 0.04, 0.12);
        st->postgrad = demo_rng_real(r, 0, 0.01);
        st->bachelor = demo_rng_real(r, 0.30, 0.55);
        st->highschool = demo_rng_real(r, 0.05, 0.15);
        return;
    case ST_PRIMARY:
        st->boarders = city ? 0 : rural ? demo_rng_real(r, 0, 0.08) : demo_rng_real(r, 0, 0.05);
        st->ratio = sd_by_area(r, k->area, (const double[3][2]){{19, 22.5}, {16, 19}, {12, 17}});
        break;
    case ST_JUNIOR:
        st->boarders =
            sd_by_area(r, k->area, (const double[3][2]){{0, 0.15}, {0.2, 0.45}, {0.3, 0.7}});
        st->ratio =
            sd_by_area(r, k->area, (const double[3][2]){{13.5, 16}, {12, 14}, {10.5, 13.5}});
        break;
    case ST_SENIOR:
        st->boarders = k->pub ? demo_rng_real(r, 0.6, 0.9) : demo_rng_real(r, 0.85, 0.98);
        st->ratio = k->pub ? demo_rng_real(r, 13, 16) : demo_rng_real(r, 12, 15);
        break;
    default:
        st->boarders = demo_rng_real(r, 0.4, 0.7);
        st->ratio = demo_rng_real(r, 16, 22);
        break;
    }
    if (special) {
        st->boarders = demo_rng_real(r, 0.3, 0.6);
        st->ratio = demo_rng_real(r, 3, 4.5);
        st->disabled = 0;
    }
    /* 农村学校体音美等学科普遍存在非专业学科教师兼任 */
    st->pe_art = s >= ST_SENIOR    ? demo_rng_real(r, 0.6, 1.2)
                 : city || special ? demo_rng_real(r, 0.95, 1.4)
                 : rural           ? demo_rng_real(r, 0.2, 1.0)
                                   : demo_rng_real(r, 0.75, 1.15);
    st->key =
        sd_by_area(r, k->area, (const double[3][2]){{0.18, 0.30}, {0.14, 0.24}, {0.12, 0.20}});
    if (s == ST_PRIMARY) {
        st->postgrad = city ? demo_rng_real(r, 0.01, 0.04) : demo_rng_real(r, 0, 0.01);
        st->bachelor =
            sd_by_area(r, k->area, (const double[3][2]){{0.70, 0.85}, {0.6, 0.75}, {0.45, 0.65}});
        st->highschool =
            sd_by_area(r, k->area, (const double[3][2]){{0, 0.01}, {0, 0.03}, {0.02, 0.06}});
    } else if (s == ST_JUNIOR) {
        st->postgrad = demo_rng_real(r, 0.02, 0.06);
        st->bachelor = demo_rng_real(r, 0.80, 0.92);
        st->highschool = demo_rng_real(r, 0, 0.01);
    } else {
        st->postgrad = demo_rng_real(r, 0.04, 0.12);
        st->bachelor = demo_rng_real(r, 0.80, 0.9);
        st->highschool = 0;
    }
}

/* The school-wide part of k's profile (after its stages). */
static void sd_school_profile(sd_school *k, demo_rng *r)
{
    int city = k->area == SD_CITY, rural = k->area == SD_RURAL;
    int kg = k->st[ST_KG].on, year = k->last_year;
    k->f_teach = sd_by_area(r, k->area, (const double[3][2]){{0.85, 1.4}, {0.95, 1.6}, {1.0, 2.2}});
    k->f_sports =
        sd_by_area(r, k->area, (const double[3][2]){{0.6, 1.3}, {0.85, 1.6}, {0.95, 2.6}});
    k->f_equip = city ? demo_rng_real(r, 0.95, 1.7) : demo_rng_real(r, 0.92, 1.6);
    k->books_pp = demo_rng_real(r, 0.85, 1.5);
    k->computers_per = demo_rng_real(r, 6, 12);
    k->staff_extra = demo_rng_real(r, 0.06, 0.15);
    k->build_ratio = demo_rng_real(r, 1.35, 1.65);
    k->rebuilt = 1;
    /* 改扩建中小学校9所 (2021); 新建二高综合楼一栋 */
    if ((!kg && !city && demo_rng_chance(r, 6)) || sd_ends(k->name, "第二高级中学"))
        k->rebuilt = demo_rng_real(r, 1.12, 1.25);
    int classes = 0;
    for (int s = 0; s < SD_STAGES; s++) {
        sd_sy sy;
        sd_stage_year(k, s, year, &sy);
        classes += sy.classes_total;
    }
    int big = k->st[ST_JUNIOR].on || k->st[ST_SENIOR].on || k->st[ST_VOC].on || classes >= 24;
    k->gym = !kg && big &&
                     demo_rng_chance(r, city    ? 45
                                        : rural ? 5
                                                : 25)
                 ? demo_rng_range(r, 600, 2000)
                 : 0;
    k->rooms_extra =
        kg      ? demo_rng_range(r, 0, 1)
        : rural ? demo_rng_range(r, 0, 2)
                : sd_round(classes * demo_rng_real(r, 0.1, 0.22)) + demo_rng_range(r, 2, 6);
    if (kg) {
        k->music_rooms = k->pub || demo_rng_chance(r, 50);
        k->art_rooms = k->pub && demo_rng_chance(r, 70);
    } else if (rural && classes < 12) {
        k->music_rooms = demo_rng_chance(r, 45);
        k->art_rooms = demo_rng_chance(r, 35);
    } else {
        k->music_rooms = (classes + 11) / 12;
        k->art_rooms = (classes + 11) / 12;
    }
    int boarding = k->st[ST_SENIOR].on || k->st[ST_VOC].on || k->st[ST_JUNIOR].on ||
                   sd_is(k->type, "特殊教育学校");
    if (kg)
        k->canteen = k->pub || demo_rng_chance(r, 90);
    else if (k->point)
        k->canteen = 0;
    else
        k->canteen = boarding || demo_rng_chance(r, city ? 50 : rural ? 30 : 60);
    if (k->canteen)
        k->lunch = demo_rng_chance(r, 70) ? "自办食堂" : "委托餐饮企业经营食堂";
    else if (city)
        k->lunch = demo_rng_chance(r, 60) ? "第三方配餐" : "无";
    else {
        int roll = demo_rng_range(r, 1, 100);
        k->lunch = roll <= 35 ? "邻校食堂配餐" : roll <= 55 ? "第三方配餐" : "无";
    }
    /* 课后延时服务: tried in town in 2019-2020, everywhere in 2021 */
    k->after_school[0] = city && demo_rng_chance(r, 30) ? demo_rng_real(r, 0.15, 0.3) : 0;
    k->after_school[1] = demo_rng_chance(r, city    ? 60
                                            : rural ? 10
                                                    : 30)
                             ? demo_rng_real(r, 0.2, 0.45)
                             : 0;
    k->after_school[2] = rural ? demo_rng_real(r, 0.5, 0.9) : demo_rng_real(r, 0.6, 0.95);
}

static int sd_area_of(const char *area)
{
    return sd_is(area, "城区") ? SD_CITY : sd_is(area, "镇区") ? SD_TOWN : SD_RURAL;
}

/* The stages of a school: the sections of its form (2021, else the last). */
static int sd_profile(sd_gen *g, sd_school *k)
{
    demo_rng r = {k->seed};
    sd_form *f = sd_form_of(g, k->last_year, k->type);
    if (!f)
        return sd_fail(g, "读取基表字段", STORE_ERROR, NULL);
    for (int s = 0; s < SD_STAGES; s++)
        if (sd_form_has(f, sd_stage_defs[s].section))
            sd_stage_profile(k, s, &r);
    if (k->st[ST_KG].on) {
        sd_sy sy;
        sd_stage_year(k, ST_KG, k->last_year, &sy);
        k->kg_mixed = sy.pupils_total < 75;
        if (k->kg_mixed)
            k->st[ST_KG].size = demo_rng_range(&r, -2, 3);
    }
    sd_school_profile(k, &r);
    return STORE_OK;
}

/* --------------------------------------------------------------- values */

/* Teachers of one stage of a year and how they split. */
typedef struct sd_staff {
    int teachers, key, subject[5], pe, music, art, other;
    int postgrad, bachelor, college, highschool, carers;
} sd_staff;

static void sd_stage_staff(const sd_school *k, int s, int y, const sd_sy *sy, demo_rng *r,
                           sd_staff *out)
{
    const sd_stage *st = &k->st[s];
    memset(out, 0, sizeof *out);
    if (!st->on || sy->pupils_total == 0)
        return;
    int t;
    if (s == ST_KG) {
        t = sd_round(sy->classes_total * st->ratio * demo_rng_real(r, 0.97, 1.03));
        out->carers = sd_round(sy->classes_total * demo_rng_real(r, 0.75, 1.0));
    } else {
        static const double per_class[SD_STAGES] = {0, 1.5, 2.8, 3.0, 2.0};
        double need = k->point ? sy->classes_total : sy->classes_total * per_class[s];
        t = sd_round(sy->pupils_total / (st->ratio * demo_rng_real(r, 0.97, 1.03)));
        if (t < (int)ceil(need))
            t = (int)ceil(need);
    }
    if (t < 1)
        t = 1;
    out->teachers = t;
    out->key = sd_round(t * st->key);
    int used = 0;
    for (int i = 0; i < 5; i++)
        used += out->subject[i] = sd_round(t * sd_stage_defs[s].subjects[i]);
    if (s != ST_KG) {
        int pa = sd_round(st->pe_art * sy->pupils_total / 100.0 * demo_rng_real(r, 0.97, 1.03));
        if (pa > t / 3)
            pa = t / 3;
        out->pe = sd_round(pa * 0.45);
        out->music = sd_round((pa - out->pe) * 0.5);
        out->art = pa - out->pe - out->music;
        used += pa;
    }
    for (int i = 0; used > t && i < 5; i++) {
        int cut = out->subject[i] < used - t ? out->subject[i] : used - t;
        out->subject[i] -= cut;
        used -= cut;
    }
    out->other = t - used;
    /* newer teachers hold a 本科: the share grows each year */
    double shift = 0.015 * (y - STATS_DEMO_FIRST_YEAR);
    out->postgrad = sd_round(t * st->postgrad);
    out->bachelor = sd_round(t * (st->bachelor + shift));
    out->highschool = sd_round(t * st->highschool);
    if (out->postgrad + out->bachelor + out->highschool > t)
        out->bachelor = t - out->postgrad - out->highschool;
    if (out->bachelor < 0) {
        out->highschool += out->bachelor;
        out->bachelor = 0;
    }
    out->college = t - out->postgrad - out->bachelor - out->highschool;
}

/* The values of one stage. */
static void sd_stage_values(sd_form *f, json_t *v, const sd_school *k, int s, int y,
                            const sd_sy *sy, demo_rng *r)
{
    const struct sd_stage_def *d = &sd_stage_defs[s];
    const sd_stage *st = &k->st[s];
    const char *sec = d->section;
    int n = sy->pupils_total;
    if (s == ST_KG) {
        for (int g = 0; g < 3; g++) {
            sd_putk(f, v, sy->classes[g], sec, "classes", d->grade[g]);
            sd_putk(f, v, sy->pupils[g], sec, "children", d->grade[g]);
        }
        sd_put(f, v, "kg_classes_mixed", sy->mixed_classes);
        sd_put(f, v, "kg_children_mixed", sy->mixed_children);
        sd_put(f, v, "kg_girls", n * st->girls);
        int entrants = sd_pupils(k, ST_KG, y, 0);
        sd_put(f, v, "kg_entrants", entrants < n ? entrants : n);
        sd_put(f, v, "kg_inclusive", !sd_is(k->nature, "民办"));
        return;
    }
    for (int g = 0; g < d->grades; g++) {
        sd_putk(f, v, sy->classes[g], sec, "classes", d->grade[g]);
        sd_putk(f, v, sy->pupils[g], sec, "pupils", d->grade[g]);
    }
    sd_putk(f, v, sy->band56, sec, "classes_56_65", NULL);
    sd_putk(f, v, sy->band66, sec, "classes_66plus", NULL);
    sd_putk(f, v, sd_round(n * st->girls * demo_rng_real(r, 0.99, 1.01)), sec, "girls", NULL);
    sd_putk(f, v, sy->pupils[0], sec, "entrants", NULL);
    /* graduates of the summer: last year's top grade */
    int top = st->grades == d->grades ? sd_pupils(k, s, y - 1, d->grades - 1) : 0;
    sd_putk(f, v, sd_round(top * demo_rng_real(r, 0.97, 1.0)), sec, "graduates", NULL);
    double boarders = s == ST_PRIMARY
                          ? st->boarders * 2 * (sy->pupils[3] + sy->pupils[4] + sy->pupils[5])
                          : st->boarders * n;
    sd_putk(f, v, boarders < n ? boarders : n, sec, "boarders", NULL);
    sd_putk(f, v, n * st->migrant, sec, "migrant", NULL);
    sd_putk(f, v, n * st->left_behind, sec, "left_behind", NULL);
    sd_putk(f, v, n * st->disabled, sec, "disabled", NULL);
}

/* The values of k in year y (a new object holding only the keys of the form). */
static json_t *sd_values(sd_gen *g, sd_school *k, int y)
{
    sd_form *f = sd_form_of(g, y, k->type);
    if (!f)
        return NULL;
    json_t *v = json_object();
    demo_rng r = {k->seed ^ (uint64_t)y * 0xA24BAED4963EE407ULL};
    sd_staff all;
    memset(&all, 0, sizeof all);
    int classes = 0, compulsory = 0, sized = 0;
    int now[SD_STAGES];
    sd_all_pupils(k, k->last_year, now);
    double teach = 0, sports = 0, equip = 0, books = 0;
    for (int s = 0; s < SD_STAGES; s++) {
        if (!k->st[s].on)
            continue;
        sd_sy sy;
        sd_staff one;
        sd_stage_year(k, s, y, &sy);
        sd_stage_values(f, v, k, s, y, &sy, &r);
        sd_stage_staff(k, s, y, &sy, &r, &one);
        all.teachers += one.teachers;
        all.key += one.key;
        for (int i = 0; i < 5; i++)
            all.subject[i] += one.subject[i];
        all.pe += one.pe, all.music += one.music, all.art += one.art, all.other += one.other;
        all.postgrad += one.postgrad, all.bachelor += one.bachelor;
        all.college += one.college, all.highschool += one.highschool;
        all.carers += one.carers;
        classes += sy.classes_total;
        if (s == ST_PRIMARY || s == ST_JUNIOR)
            compulsory += sy.pupils_total;
        /* rooms and equipment are sized by the school's latest pupils */
        const struct sd_stage_def *d = &sd_stage_defs[s];
        teach += now[s] * d->teach;
        sports += now[s] * d->sports;
        equip += now[s] * d->equip;
        books += now[s] * d->books;
        sized += now[s];
    }
    if (k->st[ST_KG].on)
        sd_put(f, v, "kg_carers", all.carers);

    int staff = all.teachers + all.carers + sd_round(all.teachers * k->staff_extra) +
                (k->canteen && sd_is(k->lunch, "自办食堂") ? 2 + (int)(k->seed % 5) : 0);
    sd_put(f, v, "staff_total", staff);
    sd_put(f, v, "teachers_total", all.teachers);
    sd_put(f, v, "teachers_key", all.key);
    static const char *const subject_keys[5] = {
        "teachers_chinese", "teachers_math", "teachers_english", "teachers_science", "teachers_it"};
    for (int i = 0; i < 5; i++)
        sd_put(f, v, subject_keys[i], all.subject[i]);
    sd_put(f, v, "teachers_pe", all.pe);
    sd_put(f, v, "teachers_music", all.music);
    sd_put(f, v, "teachers_art", all.art);
    sd_put(f, v, "teachers_other", all.other);
    sd_put(f, v, "teachers_postgrad", all.postgrad);
    sd_put(f, v, "teachers_bachelor", all.bachelor);
    sd_put(f, v, "teachers_college", all.college);
    sd_put(f, v, "teachers_highschool", all.highschool);

    int latest_classes = 0;
    for (int s = 0; s < SD_STAGES; s++) {
        sd_sy sy;
        sd_stage_year(k, s, k->last_year, &sy);
        latest_classes += sy.classes_total;
    }
    double area = teach * k->f_teach;
    if (area < 90.0 * latest_classes + 80)
        area = 90.0 * latest_classes + 80;
    if (y < 2021)
        area /= k->rebuilt;
    area = round(area);
    double ground = sports * k->f_sports;
    double ground_min = k->st[ST_KG].on ? 150 : k->area == SD_RURAL ? 1200 : 800;
    sd_put(f, v, "teaching_area", area);
    sd_put(f, v, "building_area", round(area * k->build_ratio) + k->gym);
    sd_put(f, v, "gym_area", k->gym);
    sd_put(f, v, "sports_ground_area", round(ground < ground_min ? ground_min : ground));
    static const double growth[SD_NY] = {0.89, 0.89, 0.95, 1.0};
    sd_put(f, v, "equipment_value", round(equip * k->f_equip * growth[y - SD_PRE] / 100) * 100);
    sd_put(f, v, "multimedia_rooms", classes + k->rooms_extra);
    sd_put(f, v, "books", books * k->books_pp * (0.94 + 0.03 * (y - STATS_DEMO_FIRST_YEAR)));
    sd_put(f, v, "computers", sized / k->computers_per + all.teachers * 0.5);
    sd_put(f, v, "music_rooms", k->music_rooms);
    sd_put(f, v, "art_rooms", k->art_rooms);
    sd_put(f, v, "capacity", k->capacity);
    sd_put(f, v, "has_canteen", k->canteen);
    sd_put_text(f, v, "lunch_mode", k->lunch);
    int after = sd_round(compulsory * k->after_school[y - STATS_DEMO_FIRST_YEAR]);
    int after_staff = after ? sd_round(after / demo_rng_real(&r, 22, 35)) + 1 : 0;
    sd_put(f, v, "after_school_pupils", after);
    sd_put(f, v, "after_school_staff", after_staff < staff ? after_staff : staff);
    sd_totals(f, v);
    return v;
}

/* ------------------------------------------------------------- schools */

/* The county's schools with the school years they have records of. */
static int sd_load(sd_gen *g)
{
    json_t *unit = NULL, *rows = NULL, *row;
    int rc = org_get(g->db, g->county_id, &unit);
    if (rc != STORE_OK)
        return sd_fail(g, "读取县", rc, NULL);
    g->county_path = strdup(sd_text(unit, "path"));
    json_decref(unit);
    if (!g->county_path)
        return sd_fail(g, "内存不足", STORE_ERROR, NULL);
    g->schools = demo_gen_county_schools(
        g->db, g->county_path,
        "SELECT s.id, s.path, s.name, s.type, s.nature, s.area, s.founded_year, s.closed_on, "
        "s.merged_into, u.user_id FROM schools s LEFT JOIN (SELECT school_id, MIN(id) AS "
        "user_id FROM users WHERE role = ? AND school_id IS NOT NULL GROUP BY school_id) u ON "
        "u.school_id = s.id WHERE s.path >= ? AND s.path < ? ORDER BY s.id",
        sizeof *g->schools, &rows, g->err, g->err_size);
    if (!g->schools)
        return STORE_ERROR;
    size_t i;
    json_array_foreach(rows, i, row)
    {
        sd_school *k = &g->schools[g->nschools++];
        const char *closed = sd_text(row, "closed_on");
        json_t *founded = json_object_get(row, "founded_year");
        k->id = json_integer_value(json_object_get(row, "id"));
        k->user_id = json_integer_value(json_object_get(row, "user_id"));
        k->merged_into = json_integer_value(json_object_get(row, "merged_into"));
        k->path = strdup(sd_text(row, "path"));
        k->name = strdup(sd_text(row, "name"));
        k->type = strdup(sd_text(row, "type"));
        k->nature = strdup(sd_text(row, "nature"));
        if (!k->path || !k->name || !k->type || !k->nature) {
            json_decref(rows);
            return sd_fail(g, "内存不足", STORE_ERROR, NULL);
        }
        k->area = sd_area_of(sd_text(row, "area"));
        k->pub = sd_is(k->nature, "公办");
        k->point = sd_is(k->type, "教学点");
        k->high = sd_is(k->type, "高级中学");
        k->first_year = json_is_integer(founded) ? (int)json_integer_value(founded) : 1990;
        if (k->first_year < STATS_DEMO_FIRST_YEAR)
            k->first_year = STATS_DEMO_FIRST_YEAR;
        k->last_year = STATS_DEMO_LAST_YEAR;
        if (closed && strlen(closed) >= 10) {
            /* open on 1 September of the years before it closed */
            int year = atoi(closed);
            k->last_year = strcmp(closed + 5, "09-01") <= 0 ? year - 1 : year;
        }
        /* 陈寔路学校 is still being built (续建) in 2021: no pupils yet. */
        if (sd_ends(k->name, "陈寔路学校") || k->last_year < k->first_year)
            k->last_year = 0;
        k->seed = g->seed ^ 0x57A75D3E0C0FFEEULL ^ ((uint64_t)k->id * 0x9E3779B97F4A7C15ULL);
        k->huge_stage = -1;
        k->status = "已通过";
    }
    json_decref(rows);
    return STORE_OK;
}

static void sd_free_schools(sd_gen *g)
{
    for (int i = 0; i < g->nschools; i++) {
        sd_school *k = &g->schools[i];
        free(k->path);
        free(k->name);
        free(k->type);
        free(k->nature);
        json_decref(k->previous);
    }
    free(g->schools);
    free(g->county_path);
    g->schools = NULL;
    g->county_path = NULL;
    g->nschools = 0;
}

static sd_school *sd_school_by_id(sd_gen *g, int64_t id)
{
    for (int i = 0; i < g->nschools; i++)
        if (g->schools[i].id == id)
            return &g->schools[i];
    return NULL;
}

/* Pupils of a school merged away join the school it merged into. */
static void sd_merge_pupils(sd_gen *g)
{
    for (int i = 0; i < g->nschools; i++) {
        sd_school *from = &g->schools[i], *to;
        if (!from->merged_into || !from->last_year ||
            !(to = sd_school_by_id(g, from->merged_into)) || !to->last_year)
            continue;
        for (int s = 0; s < SD_STAGES; s++) {
            if (!from->st[s].on || !to->st[s].on)
                continue;
            for (int y = from->last_year + 1; y <= STATS_DEMO_LAST_YEAR; y++)
                for (int gr = 0; gr < SD_MAXG; gr++)
                    to->st[s].extra[y - SD_PRE][gr] +=
                        sd_pupils(from, s, y, gr) - from->st[s].extra[y - SD_PRE][gr];
        }
    }
}

/* ------------------------------------------------------------ capacity */

/* 核定学位 from the latest pupils: crowded public schools in town, empty
 * seats in the villages, room to spare in private schools. */
static void sd_capacity(sd_school *k)
{
    demo_rng r = {k->seed ^ 0xCA9AC17ULL};
    int pupils = sd_all_pupils(k, k->last_year, NULL);
    double occupancy;
    if (k->st[ST_KG].on)
        occupancy = !k->pub
                        ? demo_rng_real(&r, 0.7, 0.9)
                        : sd_by_area(&r, k->area,
                                     (const double[3][2]){{1.0, 1.12}, {0.95, 1.05}, {0.85, 1.0}});
    else if (!k->pub)
        occupancy =
            k->st[ST_SENIOR].on ? demo_rng_real(&r, 0.65, 0.8) : demo_rng_real(&r, 0.75, 0.9);
    else if (k->high)
        occupancy = demo_rng_real(&r, 1.15, 1.35);
    else
        occupancy =
            sd_by_area(&r, k->area, (const double[3][2]){{1.02, 1.15}, {0.85, 1.0}, {0.55, 0.85}});
    k->capacity = sd_round(pupils / occupancy);
    if (k->capacity < 10)
        k->capacity = 10;
}

/* High-school places of k in 2021: capacity x senior share of pupils. */
static double sd_senior_places(const sd_school *k)
{
    int by_stage[SD_STAGES];
    if (!k->st[ST_SENIOR].on || k->last_year != STATS_DEMO_LAST_YEAR)
        return 0;
    int all = sd_all_pupils(k, STATS_DEMO_LAST_YEAR, by_stage);
    if (k->high)
        return k->capacity;
    return all ? (double)k->capacity * by_stage[ST_SENIOR] / all : 0;
}

/* Scale the capacities of the schools picked by which so that they hold
 * share of the places: others are the places of the rest (fixed, not
 * picked), mine_fixed the picked side's places not adjustable. */
static void sd_fix_share(sd_gen *g, int (*adjustable)(const sd_school *), double share,
                         double mine_fixed, double others)
{
    double want = share * others / (1 - share) - mine_fixed, have = 0;
    sd_school *last = NULL;
    for (int i = 0; i < g->nschools; i++)
        if (adjustable(&g->schools[i])) {
            have += g->schools[i].capacity;
            last = &g->schools[i];
        }
    if (!last || have <= 0 || want <= 0)
        return;
    double sum = 0;
    for (int i = 0; i < g->nschools; i++) {
        sd_school *k = &g->schools[i];
        if (!adjustable(k))
            continue;
        if (k != last) {
            k->capacity = sd_round(k->capacity * want / have);
            sum += k->capacity;
        }
    }
    last->capacity = sd_round(want - sum);
    if (last->capacity < 10)
        last->capacity = 10;
}

static int sd_kg_2021(const sd_school *k)
{
    return k->st[ST_KG].on && k->last_year == STATS_DEMO_LAST_YEAR;
}

static int sd_public_kg(const sd_school *k)
{
    return sd_kg_2021(k) && k->pub;
}

static int sd_public_high(const sd_school *k)
{
    return k->high && k->pub && k->last_year == STATS_DEMO_LAST_YEAR;
}

/* The seed's shares of 2021: public kindergartens 18.7% of the places,
 * public high schools 58.1%. */
static void sd_capacities(sd_gen *g)
{
    double kg_private = 0, senior_private = 0, senior_public_fixed = 0;
    for (int i = 0; i < g->nschools; i++) {
        sd_school *k = &g->schools[i];
        if (!k->last_year)
            continue;
        sd_capacity(k);
        if (sd_kg_2021(k) && !k->pub)
            kg_private += k->capacity;
        double places = sd_senior_places(k);
        if (!k->pub)
            senior_private += places;
        else if (!k->high)
            senior_public_fixed += places;
    }
    sd_fix_share(g, sd_public_kg, SD_KG_SHARE, 0, kg_private);
    sd_fix_share(g, sd_public_high, SD_SENIOR_SHARE, senior_public_fixed, senior_private);
}

/* ----------------------------------------------------- county's choices */

/* 1 when k's stage s could hold a 超大班额 class in year y. */
static int sd_huge_fits(sd_school *k, int s, int y)
{
    sd_sy sy;
    if (!k->st[s].on)
        return 0;
    sd_stage_year(k, s, y, &sy);
    for (int g = 0; g < sd_stage_defs[s].grades; g++)
        if (sy.classes[g] >= 2 && sy.pupils[g] - 70 >= 35 * (sy.classes[g] - 1))
            return 1;
    return 0;
}

/* Pick count 城区 schools (public, primary or junior; of type when not
 * NULL) for a 66+ class in year y; returns how many were picked, their
 * indexes in picked. */
static int sd_pick_huge(sd_gen *g, demo_rng *r, int y, int count, const char *type, int *picked)
{
    int n = 0;
    for (int tries = 0; tries < 2000 && n < count; tries++) {
        sd_school *k = &g->schools[demo_rng_range(r, 0, g->nschools - 1)];
        int s = demo_rng_chance(r, 50) ? ST_PRIMARY : ST_JUNIOR;
        if ((type && !sd_is(k->type, type)) || k->area != SD_CITY || !k->pub ||
            k->huge[y - SD_PRE] || k->last_year < y || k->first_year > y ||
            (k->huge_stage >= 0 && k->huge_stage != s) || !sd_huge_fits(k, s, y))
            continue;
        k->huge[y - SD_PRE] = 1;
        k->huge_stage = s;
        picked[n++] = (int)(k - g->schools);
    }
    return n;
}

/* What the 基础教育股 wrote when returning a record (a school, a kindergarten). */
static const char *const sd_return_comments[2][SD_RETURNED] = {
    {"体育、音乐、美术专任教师数与上年差异较大，请核实任教学科后重新提交",
     "核定学位数与在校生数不符，请按批复文件核实核定学位数后重新提交"},
    {"核定学位数与在园幼儿数不符，请按批复文件核实核定学位数后重新提交",
     "保育员数与班级数不匹配，请核实后重新提交"},
};

/* The 超大班额 classes of each year (fewer each year, as the 2020 goal
 * asked) and the statuses of 2021. The two drafts left with an error are
 * an 初中 (a 66+ class not explained) and a 幼儿园 (a 学历 typo), so that
 * the 小学 drafts the tests and the workflow start from are clean. */
static void sd_choose(sd_gen *g)
{
    demo_rng r = {g->seed ^ 0xC0C0A5E5ULL ^ (uint64_t)g->county_id * 0xD6E8FEB86659FD93ULL};
    int picked[4];
    sd_pick_huge(g, &r, 2019, 3, NULL, picked);
    sd_pick_huge(g, &r, 2020, 2, NULL, picked);
    sd_pick_huge(g, &r, 2021, 1, NULL, picked); /* explained, approved */
    if (sd_pick_huge(g, &r, 2021, 1, "初中", picked) == 1)
        g->schools[picked[0]].status = "草稿";

    int *order = malloc(sizeof(int) * (size_t)(g->nschools + 1)), m = 0;
    if (!order)
        return;
    for (int i = 0; i < g->nschools; i++)
        if (g->schools[i].last_year == STATS_DEMO_LAST_YEAR && !g->schools[i].huge[2021 - SD_PRE])
            order[m++] = i;
    for (int i = m - 1; i > 0; i--) {
        int j = demo_rng_range(&r, 0, i), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < m; i++) /* the typo: the first 幼儿园 */
        if (sd_is(g->schools[order[i]].type, "幼儿园")) {
            int t = order[i];
            order[i] = order[0];
            order[0] = t;
            g->schools[t].typo = 1;
            break;
        }
    for (int i = 0; i < m; i++) {
        sd_school *k = &g->schools[order[i]];
        if (i < SD_DRAFTS) {
            k->status = "草稿";
        } else if (i < SD_DRAFTS + SD_RETURNED) {
            k->status = "已退回";
            k->comment = sd_return_comments[sd_is(k->type, "幼儿园")][i - SD_DRAFTS];
        } else {
            k->status = demo_rng_chance(&r, 13) ? "已提交" : "已通过";
        }
    }
    free(order);
}

/* ---------------------------------------------------------- explanations */

/* What a school writes for a warning of rule on field. */
static const char *sd_explanation(const char *rule, const char *field)
{
    if (sd_is(rule, "class_size"))
        return strstr(field, "66")
                   ? "秋季插班生集中入学，已制定分班方案，本学期内消除超大班额"
                   : "城区学位紧张，部分年级班额偏大，正通过新建、改扩建学校逐步消除大班额";
    if (strstr(field, "area"))
        return "改扩建工程竣工，新增校舍投入使用";
    if (strstr(field, "equipment"))
        return "本年度新购置教学仪器设备";
    if (strstr(field, "staff") || strstr(field, "teachers"))
        return "教师招聘、交流轮岗后人数变化";
    return "学校布局调整及生源变化，人数变化较大";
}

/* 1 when values may draw a warning: a class-size band in use, or a number
 * that moved by more than a quarter since last year. Only those records go
 * through stats_check (the speed of the demo). */
static int sd_may_warn(json_t *values, json_t *previous)
{
    const char *key;
    json_t *v;
    json_object_foreach(values, key, v)
    {
        double now = json_number_value(v), before;
        if (now > 0 && (sd_ends(key, "_56_65") || sd_ends(key, "_66plus")))
            return 1;
        json_t *was = json_object_get(previous, key);
        if (!json_is_number(was) || (before = json_number_value(was)) == 0)
            continue;
        if (fabs(now - before) / fabs(before) > 0.25)
            return 1;
    }
    return 0;
}

/* Explanations for every warning (and explainable error) of values. */
static int sd_explain(sd_gen *g, sd_school *k, int y, json_t *values, json_t **out)
{
    json_t *problems = NULL, *p;
    int errors = 0;
    size_t i;
    *out = NULL;
    if (!sd_may_warn(values, k->previous))
        return STORE_OK;
    int rc = stats_check(g->db, y, k->type, values, k->previous, NULL, &problems, &errors);
    if (rc != STORE_OK)
        return sd_fail(g, "检查基表", rc, NULL);
    *out = json_object();
    json_array_foreach(problems, i, p)
    {
        const char *rule = sd_text(p, "rule"), *field = sd_text(p, "field");
        if (!field || sd_is(rule, "sum") || sd_is(rule, "le") || sd_is(rule, "kind"))
            continue;
        json_object_set_new(*out, field, json_string(sd_explanation(rule, field)));
    }
    json_decref(problems);
    return STORE_OK;
}

/* ---------------------------------------------------------------- rounds */

/* 'YYYY-MM-DD' of day d of September of year y (day 31 = 1 October ...). */
static int64_t sd_sept(int y, int d, int hour, demo_rng *r)
{
    char ymd[16];
    snprintf(ymd, sizeof ymd, "%04d-09-01", y);
    return demo_gen_day(ymd) + (int64_t)(d - 1) * 86400 + hour * 3600 + demo_rng_range(r, 0, 3599);
}

/* The round of year y for the county (every school type). */
static int sd_round_of(sd_gen *g, int y, int closed, int64_t *id)
{
    char name[64], deadline[16], at[24];
    refusal e = {0};
    snprintf(name, sizeof name, "%d学年教育事业统计", y);
    snprintf(deadline, sizeof deadline, "%d-09-20", y);
    json_t *types = json_array();
    for (int i = 0; schools_types[i]; i++)
        json_array_append_new(types, json_string(schools_types[i]));
    json_t *in =
        json_pack("{ss si so ss ss}", "name", name, "year", y, "school_types", types, "deadline",
                  deadline, "note", "各校以9月1日为统计时点填报基表，9月20日前提交");
    int rc = stats_rounds_create(g->db, NULL, NULL, g->county_id, in, 0, id, &e);
    json_decref(in);
    if (rc != STORE_OK)
        return sd_fail(g, name, rc, &e);
    snprintf(at, sizeof at, "%d-09-01 08:30", y);
    int64_t created = demo_gen_day(at);
    sval p[] = {SV_T(closed ? "已结束" : "进行中"), g->dept_user ? SV_I(g->dept_user) : SV_NUL,
                SV_I(created), SV_I(*id)};
    rc = db_exec(g->db,
                 "UPDATE stat_rounds SET status = ?, created_by = ?, created_at = ? WHERE id = ?",
                 p, 4);
    return rc == STORE_OK ? STORE_OK : sd_fail(g, name, rc, NULL);
}

/* ------------------------------------------------------------- the county */

/* The status, round and times of k's record of year y, as the workflow
 * would have left them. */
static int sd_workflow(sd_gen *g, sd_school *k, int y, const char *status)
{
    demo_rng r = {k->seed ^ 0x5EED5EEDULL ^ (uint64_t)y};
    int draft = sd_is(status, "草稿");
    int day = sd_is(status, "已提交") ? demo_rng_range(&r, 12, 26) : demo_rng_range(&r, 3, 20);
    int64_t submitted = sd_sept(y, day, demo_rng_range(&r, 8, 17), &r);
    int64_t reviewed =
        submitted + (int64_t)demo_rng_range(&r, 1, 6) * 86400 + demo_rng_range(&r, 0, 7200);
    int reviewed_set = sd_is(status, "已通过") || sd_is(status, "已退回");
    int64_t updated =
        draft ? sd_sept(y, demo_rng_range(&r, 8, 25), demo_rng_range(&r, 8, 17), &r) : submitted;
    sval who = k->user_id ? SV_I(k->user_id) : SV_NUL;
    sval dept = g->dept_user ? SV_I(g->dept_user) : SV_NUL;
    sval p[] = {SV_T(status),
                SV_I(g->rounds[y - SD_PRE]),
                draft ? SV_NUL : SV_I(submitted),
                draft ? SV_NUL : who,
                reviewed_set ? SV_I(reviewed) : SV_NUL,
                reviewed_set ? dept : SV_NUL,
                SV_T(sd_is(status, "已退回") ? k->comment : NULL),
                SV_I(reviewed_set ? reviewed : updated),
                reviewed_set ? dept : who,
                SV_I(k->id),
                SV_I(y)};
    int rc = db_exec(g->db,
                     "UPDATE stat_records SET status = ?, round_id = ?, submitted_at = ?, "
                     "submitted_by = ?, reviewed_at = ?, reviewed_by = ?, review_comment = ?, "
                     "updated_at = ?, updated_by = ? WHERE school_id = ? AND year = ?",
                     p, 11);
    return rc == STORE_OK ? STORE_OK : sd_fail(g, k->name, rc, NULL);
}

/* One record: values, explanations, save, status. */
static int sd_record(sd_gen *g, sd_school *k, int y)
{
    const char *status = y < STATS_DEMO_LAST_YEAR ? "已通过" : k->status;
    json_t *values = sd_values(g, k, y), *explanations = NULL;
    if (!values)
        return sd_fail(g, "读取基表字段", STORE_ERROR, NULL);
    if (k->typo && y == STATS_DEMO_LAST_YEAR && sd_num(values, "teachers_bachelor") > 0)
        sd_put(sd_form_of(g, y, k->type), values, "teachers_bachelor",
               sd_num(values, "teachers_bachelor") - 1); /* a typo in a draft */
    int rc = sd_is(status, "草稿") ? STORE_OK : sd_explain(g, k, y, values, &explanations);
    if (rc == STORE_OK) {
        refusal e = {0};
        rc = stats_record_save(g->db, NULL, NULL, k->id, y, values, explanations, 0, &e);
        if (rc != STORE_OK)
            rc = sd_fail(g, k->name, rc, &e);
    }
    if (rc == STORE_OK)
        rc = sd_workflow(g, k, y, status);
    json_decref(explanations);
    json_decref(k->previous);
    k->previous = values;
    if (rc == STORE_OK)
        g->records[y - SD_PRE]++;
    return rc;
}

/* The county's schools with their profiles and the county's choices. */
static int sd_prepare(sd_gen *g)
{
    int rc = sd_load(g);
    for (int i = 0; i < g->nschools && rc == STORE_OK; i++)
        if (g->schools[i].last_year)
            rc = sd_profile(g, &g->schools[i]);
    if (rc != STORE_OK)
        return rc;
    sd_merge_pupils(g);
    sd_capacities(g);
    return STORE_OK;
}

static int sd_audit(sd_gen *g, int y, int bulk)
{
    json_t *after = json_pack(
        "{si sI sI ss}", "year", y, "count", (json_int_t)g->records[y - SD_PRE], "round_id",
        (json_int_t)g->rounds[y - SD_PRE], "note", bulk ? SD_BULK_NOTE : DEMO_GEN_NOTE);
    return demo_gen_audit(g->db, "stat_record", g->county_path, after, g->err, g->err_size);
}

static int sd_county(sd_gen *g)
{
    int rc = sd_prepare(g);
    if (rc != STORE_OK)
        return rc;
    sd_choose(g);
    sval p[] = {SV_T("jijiao")};
    rc = db_query_int(g->db, "SELECT id FROM users WHERE username = ?", p, 1, &g->dept_user);
    if (rc == STORE_NOTFOUND)
        g->dept_user = 0;
    else if (rc != STORE_OK)
        return sd_fail(g, "读取用户", rc, NULL);
    for (int y = STATS_DEMO_FIRST_YEAR; y <= STATS_DEMO_LAST_YEAR; y++) {
        rc = sd_round_of(g, y, y < STATS_DEMO_LAST_YEAR, &g->rounds[y - SD_PRE]);
        for (int i = 0; i < g->nschools && rc == STORE_OK; i++) {
            sd_school *k = &g->schools[i];
            if (k->last_year && k->first_year <= y && y <= k->last_year)
                rc = sd_record(g, k, y);
        }
        if (rc == STORE_OK)
            rc = sd_audit(g, y, 0);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static void sd_free_forms(sd_gen *g)
{
    for (int i = 0; i < g->nforms; i++) {
        free(g->forms[i].type);
        json_decref(g->forms[i].fields);
        json_decref(g->forms[i].by_key);
    }
    g->nforms = 0;
}

/* A generator writing into db, failing into err; NULL, said, out of memory. */
static sd_gen *sd_new(store_db *db, uint64_t seed, char *err, size_t err_size)
{
    sd_gen *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, err_size, "内存不足");
        return NULL;
    }
    g->db = db;
    g->seed = seed;
    g->err = err;
    g->err_size = err_size;
    return g;
}

int stats_demo_generate(store_db *db, uint64_t seed, int64_t county_org_id, char *err,
                        size_t err_size)
{
    sd_gen *g = sd_new(db, seed, err, err_size);
    if (!g)
        return STORE_ERROR;
    g->county_id = county_org_id;
    int rc = sd_county(g);
    sd_free_schools(g);
    sd_free_forms(g);
    free(g);
    return rc;
}

/* ------------------------------------------------------------ benchmark */

#define SD_REC_COLS 12
#define SD_REC_ROWS 80
#define SD_VAL_COLS 4
#define SD_VAL_ROWS 400

static const char sd_rec_head[] =
    "INSERT INTO stat_records (id, school_id, year, path, school_type, round_id, status, "
    "explanations, submitted_at, submitted_by, updated_at, updated_by) VALUES ";
static const char sd_val_head[] = "INSERT INTO stat_values (record_id, field, num, text) VALUES ";

typedef struct sd_bulk {
    demo_batch rec, val;
    int64_t next_id;
    char **texts; /* explanations waiting for their flush */
    int ntexts, cap_texts;
    long records, values;
} sd_bulk;

/* Records first (the values refer to them), then the texts they used. */
static int sd_bulk_flush(sd_gen *g, sd_bulk *b)
{
    int rc = demo_batch_flush(g->db, &b->rec, "写入基表", g->err, g->err_size);
    if (rc == STORE_OK)
        rc = demo_batch_flush(g->db, &b->val, "写入基表数据", g->err, g->err_size);
    for (int i = 0; i < b->ntexts; i++)
        free(b->texts[i]);
    b->ntexts = 0;
    return rc;
}

/* The next free row of batch, flushing everything when it is full. */
static sval *sd_bulk_row(sd_gen *g, sd_bulk *b, demo_batch *batch)
{
    if (demo_batch_full(batch) && sd_bulk_flush(g, b) != STORE_OK)
        return NULL;
    return demo_batch_row(batch);
}

/* Explanations of the class-size bands of values (no last year here). */
static char *sd_band_explanations(json_t *values)
{
    json_t *expl = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(values, key, v)
    {
        if (json_number_value(v) > 0 &&
            (sd_ends(key, "_classes_56_65") || sd_ends(key, "_classes_66plus")))
            json_object_set_new(expl, key, json_string(sd_explanation("class_size", key)));
    }
    char *text = json_object_size(expl) ? json_dumps(expl, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(expl);
    return text;
}

/* One submitted 2021 record of k with its values. */
static int sd_bulk_record(sd_gen *g, sd_bulk *b, sd_school *k)
{
    const int y = STATS_DEMO_LAST_YEAR;
    sd_form *f = sd_form_of(g, y, k->type);
    json_t *values = sd_values(g, k, y);
    if (!f || !values) {
        json_decref(values);
        return sd_fail(g, "读取基表字段", STORE_ERROR, NULL);
    }
    char *expl = sd_band_explanations(values);
    if (expl) {
        if (b->ntexts == b->cap_texts) {
            int cap = b->cap_texts ? b->cap_texts * 2 : 256;
            char **more = realloc(b->texts, sizeof *more * (size_t)cap);
            if (!more) {
                free(expl);
                json_decref(values);
                return sd_fail(g, "内存不足", STORE_ERROR, NULL);
            }
            b->texts = more;
            b->cap_texts = cap;
        }
        b->texts[b->ntexts++] = expl;
    }
    demo_rng r = {k->seed ^ 0xB0B5ULL};
    int64_t submitted = sd_sept(y, demo_rng_range(&r, 3, 20), demo_rng_range(&r, 8, 17), &r);
    int64_t id = b->next_id++;
    sval *row = sd_bulk_row(g, b, &b->rec);
    if (!row) {
        json_decref(values);
        return STORE_ERROR;
    }
    sval who = k->user_id ? SV_I(k->user_id) : SV_NUL;
    row[0] = SV_I(id);
    row[1] = SV_I(k->id);
    row[2] = SV_I(y);
    row[3] = SV_T(k->path);
    row[4] = SV_T(k->type);
    row[5] = SV_I(g->rounds[y - SD_PRE]);
    row[6] = SV_T("已提交");
    row[7] = SV_T(expl);
    row[8] = SV_I(submitted);
    row[9] = who;
    row[10] = SV_I(submitted);
    row[11] = who;
    b->records++;
    const char *key;
    json_t *v;
    json_object_foreach(values, key, v)
    {
        /* the key as the form holds it: it outlives values */
        const char *field = sd_text(json_object_get(f->by_key, key), "key");
        if (!field || !(row = sd_bulk_row(g, b, &b->val))) {
            json_decref(values);
            return field ? STORE_ERROR : sd_fail(g, key, STORE_ERROR, NULL);
        }
        row[0] = SV_I(id);
        row[1] = SV_T(field);
        row[2] = json_is_number(v) ? SV_R(json_number_value(v)) : SV_NUL;
        /* the one text value is the lunch mode, a string constant */
        row[3] =
            json_is_string(v) && sd_is(json_string_value(v), k->lunch) ? SV_T(k->lunch) : SV_NUL;
        b->values++;
    }
    json_decref(values);
    return STORE_OK;
}

/* The 2021 records of the county g->county_id (none yet). */
static int sd_bulk_county(sd_gen *g, sd_bulk *b)
{
    int rc = sd_prepare(g);
    if (rc == STORE_OK)
        rc = sd_round_of(g, STATS_DEMO_LAST_YEAR, 0, &g->rounds[STATS_DEMO_LAST_YEAR - SD_PRE]);
    g->records[STATS_DEMO_LAST_YEAR - SD_PRE] = 0;
    long before = b->records;
    for (int i = 0; i < g->nschools && rc == STORE_OK; i++) {
        sd_school *k = &g->schools[i];
        if (k->last_year == STATS_DEMO_LAST_YEAR && k->first_year <= STATS_DEMO_LAST_YEAR)
            rc = sd_bulk_record(g, b, k);
    }
    /* the rows point into this county's schools: write them now */
    if (rc == STORE_OK)
        rc = sd_bulk_flush(g, b);
    g->records[STATS_DEMO_LAST_YEAR - SD_PRE] = b->records - before;
    if (rc == STORE_OK)
        rc = sd_audit(g, STATS_DEMO_LAST_YEAR, 1);
    sd_free_schools(g);
    return rc;
}

static int sd_bulk_run(sd_gen *g, sd_bulk *b)
{
    json_t *counties = NULL, *c;
    size_t i;
    if (demo_batch_init(&b->rec, sd_rec_head, SD_REC_COLS, SD_REC_ROWS) != STORE_OK ||
        demo_batch_init(&b->val, sd_val_head, SD_VAL_COLS, SD_VAL_ROWS) != STORE_OK)
        return sd_fail(g, "内存不足", STORE_ERROR, NULL);
    int rc = db_query(g->db, "SELECT id, path FROM org_units WHERE level = 'county' ORDER BY id",
                      NULL, 0, &counties);
    if (rc != STORE_OK)
        return sd_fail(g, "读取县", rc, NULL);
    rc = demo_gen_bulk_begin(g->db, g->err, g->err_size);
    if (rc != STORE_OK) {
        json_decref(counties);
        return rc;
    }
    rc = db_query_int(g->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM stat_records", NULL, 0,
                      &b->next_id);
    if (rc != STORE_OK)
        sd_fail(g, "读取编号", rc, NULL);
    json_array_foreach(counties, i, c)
    {
        if (rc != STORE_OK)
            break;
        const char *path = sd_text(c, "path");
        arena *a = arena_new();
        int64_t done = 0;
        sval p[] = {SV_I(STATS_DEMO_LAST_YEAR), SV_T(path), SV_T(org_scope_upper(a, path))};
        rc = db_query_int(g->db,
                          "SELECT COUNT(*) FROM stat_records WHERE year = ? AND path >= ? AND "
                          "path < ?",
                          p, 3, &done);
        arena_free(a);
        if (rc != STORE_OK) {
            rc = sd_fail(g, "读取基表", rc, NULL);
            break;
        }
        if (done)
            continue;
        g->county_id = json_integer_value(json_object_get(c, "id"));
        rc = sd_bulk_county(g, b);
    }
    json_decref(counties);
    if (rc == STORE_OK)
        rc = demo_gen_sequence(g->db, "stat_records", g->err, g->err_size);
    return demo_gen_bulk_end(g->db, rc, g->err, g->err_size);
}

int stats_demo_bulk(store_db *db, uint64_t seed, stats_bulk_counts *out, char *err, size_t err_size)
{
    sd_gen *g = sd_new(db, seed, err, err_size);
    sd_bulk *b = g ? calloc(1, sizeof *b) : NULL;
    if (!b) {
        free(g);
        snprintf(err, err_size, "内存不足");
        return STORE_ERROR;
    }
    int rc = sd_bulk_run(g, b);
    if (out) {
        out->records = rc == STORE_OK ? b->records : 0;
        out->values = rc == STORE_OK ? b->values : 0;
    }
    for (int i = 0; i < b->ntexts; i++)
        free(b->texts[i]);
    free(b->texts);
    demo_batch_free(&b->rec);
    demo_batch_free(&b->val);
    sd_free_schools(g);
    sd_free_forms(g);
    free(g);
    free(b);
    return rc;
}
