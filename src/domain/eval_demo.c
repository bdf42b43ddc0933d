/*
 * eval_demo.c - the demo county's inputs to 评估 that the 基表 lacks (see
 * eval.h): the population aged 3-5 of each town for the demo years, and
 * the bureau's own targets.
 *
 * The population is derived from the town's kindergarten children of the
 * year (its 幼儿园 records, written by stats_demo.c before us) divided by a
 * 毛入园率 drawn between 88% and 93%, so the county lands around 90% as a
 * Henan county of 2021 would. The targets are those of the seed: its 2022
 * plan ("普惠性资源覆盖率至90%，公办学位占比至25%") and the "省定55%" its
 * 2021 summary cites, which no public text confirms (standards.md §3): a
 * bureau target, editable like the others.
 *
 * Our own PRNG stream (demo_gen.h), so the other demo data do not change.
 * Plain INSERTs in the caller's transaction and one summary audit row.
 */
#include "domain/eval.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/demo_gen.h"
#include "domain/org.h"
#include "domain/stats_demo.h"
#include "util/arena.h"

#define ED_RATE_LO 0.88
#define ED_RATE_HI 0.93
#define ED_SOURCE "公安户籍人口（演示）"

/* The bureau's targets (level 本局). */
static const struct ed_target {
    const char *indicator, *name;
    double threshold;
    int year_from;
    const char *source, *note, *created;
} ed_targets[] = {
    {"public_place_share", "公办幼儿园学位占比", 0.55, 2021,
     "2021年工作总结：公办幼儿学位占比仅为18.7%，与省定55%的目标相去甚远",
     "“省定55%”未在公开的省级文件中查到，作为本局目标保存，可修改", "2021-12-20"},
    {"public_place_share", "公办幼儿园学位占比", 0.25, 2022,
     "2022年教育工作谋划：公办学位占比达到25%", NULL, "2022-01-10"},
    {"inclusive_coverage", "普惠性幼儿园覆盖率", 0.90, 2022,
     "2022年教育工作谋划：普惠性资源覆盖率达到90%", NULL, "2022-01-10"},
};

/* The kindergarten children of town in year among rows, 0 when none. */
static double ed_children(json_t *rows, int64_t town, int year)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (json_integer_value(json_object_get(row, "town_id")) == town &&
            json_integer_value(json_object_get(row, "year")) == year)
            return json_number_value(json_object_get(row, "children"));
    }
    return 0;
}

/* The population of every town and demo year; *count the rows written. */
static int ed_population(store_db *db, demo_rng *r, const char *path, const char *path_hi,
                         int *count, char *err, size_t err_size)
{
    json_t *towns = NULL, *children = NULL;
    sval range[] = {SV_T(path), SV_T(path_hi)};
    int rc = db_query(db,
                      "SELECT id, path FROM org_units WHERE level = 'town' "
                      "AND path >= ? AND path < ? ORDER BY id",
                      range, 2, &towns);
    sval p[] = {SV_T(path), SV_T(path_hi), SV_I(STATS_DEMO_FIRST_YEAR), SV_I(STATS_DEMO_LAST_YEAR)};
    if (rc == STORE_OK)
        rc = db_query(db,
                      "SELECT s.town_id AS town_id, r.year AS year, SUM(v.num) AS children "
                      "FROM stat_records r JOIN schools s ON s.id = r.school_id "
                      "JOIN stat_values v ON v.record_id = r.id AND v.field = 'kg_children' "
                      "WHERE s.type = '幼儿园' AND r.path >= ? AND r.path < ? "
                      "AND r.year >= ? AND r.year <= ? GROUP BY s.town_id, r.year",
                      p, 4, &children);
    size_t i;
    json_t *town;
    json_array_foreach(towns, i, town)
    {
        int64_t id = json_integer_value(json_object_get(town, "id"));
        const char *town_path = demo_gen_text(town, "path");
        for (int y = STATS_DEMO_FIRST_YEAR; y <= STATS_DEMO_LAST_YEAR && rc == STORE_OK; y++) {
            double rate = demo_rng_real(r, ED_RATE_LO, ED_RATE_HI);
            double kids = ed_children(children, id, y);
            int64_t population =
                kids > 0 ? (int64_t)llround(kids / rate) : demo_rng_draw(r, 150, 400);
            char day[24];
            snprintf(day, sizeof day, "%04d-10-15", y);
            sval row[] = {SV_I(id),         SV_T(town_path), SV_I(y),
                          SV_I(population), SV_T(ED_SOURCE), SV_I(demo_gen_day(day))};
            rc = db_exec(db,
                         "INSERT INTO eval_population (town_id, path, year, population, source, "
                         "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?)",
                         row, 6);
            if (rc == STORE_OK)
                (*count)++;
        }
        if (rc != STORE_OK)
            break;
    }
    json_decref(towns);
    json_decref(children);
    return rc == STORE_OK ? STORE_OK : demo_gen_fail(db, err, err_size, "3-5周岁人口", rc, NULL);
}

/* The bureau's own targets of the county. */
static int ed_targets_write(store_db *db, int64_t county_org_id, char *err, size_t err_size)
{
    for (int i = 0; i < DEMO_COUNT(ed_targets); i++) {
        const struct ed_target *t = &ed_targets[i];
        sval p[] = {SV_T(t->indicator), SV_T(t->name),
                    SV_R(t->threshold), SV_T(t->source),
                    SV_I(t->year_from), SV_I(county_org_id),
                    SV_T(t->note),      SV_I(demo_gen_day(t->created))};
        int rc = db_exec(db,
                         "INSERT INTO eval_standards (indicator, stage, name, unit, threshold, "
                         "comparison, level, source, year_from, year_to, county_org_id, note, "
                         "created_by, created_at) "
                         "VALUES (?, 'kg', ?, NULL, ?, '>=', '本局', ?, ?, NULL, ?, ?, NULL, ?)",
                         p, 8);
        if (rc != STORE_OK)
            return demo_gen_fail(db, err, err_size, "本局目标", rc, NULL);
    }
    return STORE_OK;
}

int eval_demo_generate(store_db *db, uint64_t seed, int64_t county_org_id, char *err,
                       size_t err_size)
{
    json_t *county = NULL;
    int rc = org_get(db, county_org_id, &county);
    if (rc != STORE_OK)
        return demo_gen_fail(db, err, err_size, "评估演示数据：县", rc, NULL);
    arena *a = arena_new();
    const char *path = demo_gen_text(county, "path");
    const char *path_hi = a ? org_scope_upper(a, path) : NULL;
    demo_rng r = {seed ^ 0xE7A1D3E0F00D5EEDULL ^ (uint64_t)county_org_id * 0x9E3779B97F4A7C15ULL};
    int count = 0;
    rc = path_hi ? ed_population(db, &r, path, path_hi, &count, err, err_size)
                 : demo_gen_fail(db, err, err_size, "内存不足", STORE_ERROR, NULL);
    if (rc == STORE_OK)
        rc = ed_targets_write(db, county_org_id, err, err_size);
    if (rc == STORE_OK)
        rc = demo_gen_audit(db, "eval", path,
                            json_pack("{si si si si ss}", "population_rows", count, "year_from",
                                      STATS_DEMO_FIRST_YEAR, "year_to", STATS_DEMO_LAST_YEAR,
                                      "targets", DEMO_COUNT(ed_targets), "note", DEMO_GEN_NOTE),
                            err, err_size);
    arena_free(a);
    json_decref(county);
    return rc;
}
