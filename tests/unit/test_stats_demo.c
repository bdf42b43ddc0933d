/*
 * test_stats_demo.c - the demo county's 基表 of 2019-2021 (domain/
 * stats_demo.c), checked by SQL of its own over the records: a record per
 * school open on 1 September of each year, the seed's 2021 shares of
 * public places (kindergartens 18.7%, high schools 58.1%), every record
 * passing stats_check but the intended 2021 drafts, totals that add up,
 * crowded 城区 and weak 乡村 schools, the workflow statuses of 2021, the
 * same records for the same seed, and the benchmark's bulk records.
 */
#include <math.h>

#include "fixture.h"

#include "auth/password.h"
#include "domain/stats.h"
#include "domain/stats_demo.h"

typedef fx_store stdemo_db;

/* A fresh demo county generated with seed (counties: 1 or more). */
static stdemo_db *stdemo_new(uint64_t seed, int counties)
{
    return fx_demo_new("stdemo", seed, counties, 1);
}

static double real_of(json_t *row, const char *key)
{
    return json_number_value(json_object_get(row, key));
}

/* The value of field in a record, as a SQL expression over r.id. */
#define V(field)                                                                                   \
    "COALESCE((SELECT num FROM stat_values WHERE record_id = r.id AND field = '" field "'), 0)"

/* ------------------------------------------------------------- records */

static void test_three_years(void **state)
{
    stdemo_db *d = *state;
    char sql[1024];
    for (int y = 2019; y <= 2021; y++) {
        /* open on 1 September: founded by then, not closed before; 陈寔路学校
         * is still being built */
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM schools WHERE COALESCE(founded_year, 0) <= %d AND "
                 "(closed_on IS NULL OR closed_on > '%d-09-01') AND name NOT LIKE '%%陈寔路学校'",
                 y, y);
        int64_t open = fx_num(d->db, sql);
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM stat_records WHERE year = %d", y);
        assert_true(open > 300);
        assert_int_equal(fx_num(d->db, sql), open);
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM stat_records r JOIN schools s ON s.id = r.school_id "
                 "WHERE r.year = %d AND (r.school_type <> s.type OR r.path <> s.path)",
                 y);
        assert_int_equal(fx_num(d->db, sql), 0);
        /* one round per year, every record in it */
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM stat_records r JOIN stat_rounds o ON o.id = r.round_id "
                 "WHERE r.year = %d AND o.year = %d AND o.deadline = '%d-09-20'",
                 y, y, y);
        assert_int_equal(fx_num(d->db, sql), open);
    }
    /* the schools 撤并 in 2021 have 2019 and 2020 only */
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE status = '撤并'"), 4);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records r JOIN schools s ON s.id = "
                            "r.school_id WHERE s.status = '撤并' AND r.year < 2021"),
                     8);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records r JOIN schools s ON s.id = "
                            "r.school_id WHERE s.status = '撤并' AND r.year = 2021"),
                     0);
    /* every record is filled: stages and the school-wide part */
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records r WHERE (SELECT COUNT(*) FROM "
                            "stat_values v WHERE v.record_id = r.id) < 40"),
                     0);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_rounds"), 3);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_rounds WHERE status = '进行中'"), 1);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_rounds WHERE name = '2021学年教育事业统计' "
                            "AND school_types LIKE '%幼儿园%' AND school_types LIKE '%教学点%'"),
                     1);
    /* one summary audit row per year, saying so; none per record */
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'stat_record' AND "
                            "action = 'import' AND after_json LIKE '%汇总记录%'"),
                     3);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'stat_record' AND "
                            "action <> 'import'"),
                     0);
}

static void test_statuses(void **state)
{
    stdemo_db *d = *state;
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records WHERE year < 2021 AND (status <> "
                            "'已通过' OR reviewed_at IS NULL OR reviewed_by IS NULL)"),
                     0);
    int64_t all = fx_num(d->db, "SELECT COUNT(*) FROM stat_records WHERE year = 2021");
    int64_t approved = fx_num(d->db, "SELECT COUNT(*) FROM stat_records WHERE year = 2021 AND status = "
                              "'已通过'");
    int64_t submitted = fx_num(d->db, "SELECT COUNT(*) FROM stat_records WHERE year = 2021 AND status = "
                               "'已提交'");
    int64_t drafts = fx_num(d->db, "SELECT COUNT(*) FROM stat_records WHERE year = 2021 AND status = "
                            "'草稿'");
    assert_true(approved > all * 7 / 10);
    assert_true(submitted >= 10 && submitted < all / 4);
    assert_true(drafts >= 3 && drafts <= 8);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records WHERE year = 2021 AND status = "
                            "'已退回' AND review_comment IS NOT NULL AND review_comment <> '' "
                            "AND reviewed_at > submitted_at"),
                     2);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records WHERE status = '草稿' AND "
                            "submitted_at IS NOT NULL"),
                     0);
    /* submitted by the school's own administrator */
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records r LEFT JOIN users u ON u.id = "
                            "r.submitted_by WHERE r.status <> '草稿' AND (u.school_id IS NULL OR "
                            "u.school_id <> r.school_id)"),
                     0);
}

/* --------------------------------------------------------------- seed */

static void test_public_shares(void **state)
{
    stdemo_db *d = *state;
    json_t *kg = fx_rows(
        d->db, "SELECT SUM(CASE WHEN s.nature = '公办' THEN " V(
               "capacity") " ELSE 0 "
                           "END) AS pub, SUM(" V("capacity") ") AS total FROM stat_records r JOIN "
                                                             "schools s ON s.id = r.school_id "
                                                             "WHERE r.year = 2021 AND s.type = "
                                                             "'幼儿园'");
    json_t *row = json_array_get(kg, 0);
    double share = 100 * real_of(row, "pub") / real_of(row, "total");
    assert_true(fabs(share - 18.7) < 0.05);
    json_decref(kg);

    /* high-school places: a 高级中学's capacity, else the senior pupils'
     * share of the capacity */
    json_t *high = fx_rows(
        d->db,
        "SELECT s.nature, s.type, " V("capacity") " AS cap, " V("senior_pupils") " AS senior, " V(
            "primary_pupils") " + " V("junior_pupils") " + " V("senior_pupils") " AS pupils FROM "
                                                                                "stat_records r "
                                                                                "JOIN schools s "
                                                                                "ON s.id = "
                                                                                "r.school_id WHERE "
                                                                                "r.year = 2021 AND "
                                                                                "s.type IN "
                                                                                "('高级中学', "
                                                                                "'完全中学', "
                                                                                "'十二年一贯制学校'"
                                                                                ")");
    double pub = 0, total = 0;
    size_t i;
    json_array_foreach(high, i, row)
    {
        const char *type = json_string_value(json_object_get(row, "type"));
        double places = strcmp(type, "高级中学") == 0
                            ? real_of(row, "cap")
                            : real_of(row, "cap") * real_of(row, "senior") / real_of(row, "pupils");
        total += places;
        if (strcmp(json_string_value(json_object_get(row, "nature")), "公办") == 0)
            pub += places;
    }
    assert_true(json_array_size(high) >= 7);
    assert_true(fabs(100 * pub / total - 58.1) < 0.05);
    json_decref(high);
}

/* ------------------------------------------------------------- rules */

/* Every record passes stats_check (with last year's values and its own
 * explanations) but the intended 2021 drafts; submitted and approved
 * records have every warning explained. */
static void test_rules(void **state)
{
    stdemo_db *d = *state;
    json_t *list = fx_rows(d->db, "SELECT school_id, year, school_type, status FROM stat_records ORDER BY "
                           "year, school_id");
    size_t i;
    json_t *row;
    int failing_drafts = 0, explained = 0;
    json_array_foreach(list, i, row)
    {
        int64_t school = json_integer_value(json_object_get(row, "school_id"));
        int year = (int)json_integer_value(json_object_get(row, "year"));
        const char *status = json_string_value(json_object_get(row, "status"));
        json_t *rec = NULL, *prev = NULL, *problems = NULL, *p;
        int errors = -1;
        assert_int_equal(stats_record_load(d->db, school, year, &rec), STORE_OK);
        int rc = stats_record_load(d->db, school, year - 1, &prev);
        assert_true(rc == STORE_OK || rc == STORE_NOTFOUND);
        assert_int_equal(stats_check(d->db, year,
                                     json_string_value(json_object_get(row, "school_type")),
                                     json_object_get(rec, "values"),
                                     prev ? json_object_get(prev, "values") : NULL,
                                     json_object_get(rec, "explanations"), &problems, &errors),
                         STORE_OK);
        if (strcmp(status, "草稿") == 0) {
            assert_int_equal(year, 2021);
            failing_drafts += errors > 0;
            /* the 小学 drafts the workflow starts from are clean */
            if (errors)
                assert_string_not_equal(json_string_value(json_object_get(row, "school_type")),
                                        "小学");
        } else {
            if (errors)
                fail_msg("school %lld year %d (%s): %s", (long long)school, year, status,
                         json_dumps(problems, 0));
            size_t j;
            json_array_foreach(problems, j, p)
            {
                assert_true(json_is_true(json_object_get(p, "explained")));
                explained++;
            }
        }
        json_decref(problems);
        json_decref(rec);
        json_decref(prev);
    }
    /* the intended ones: a 超大班额 left unexplained (初中) and a 学历
     * typo (幼儿园) */
    assert_true(failing_drafts >= 1 && failing_drafts <= 2);
    assert_true(explained > 0);
    json_decref(list);
}

/* The same rules by independent SQL: totals add up, parts below wholes. */
static void test_totals(void **state)
{
    stdemo_db *d = *state;
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records r WHERE r.school_type = '小学' "
                            "AND " V("primary_pupils") " <> " V("primary_pupils_g1") " + " V("prima"
                                                                                             "ry_"
                                                                                             "pupil"
                                                                                             "s_g2") " + " V(
                                "primary_pupils_g3") " + " V("primary_pupils_g4") " + " V("primary_"
                                                                                          "pupils_"
                                                                                          "g5") " +"
                                                                                                " " V("primary_pupils_g6")),
                     0);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM stat_records r WHERE " V("junior_classes") " <> " V(
                   "junior_classes_g7") " + " V("junior_classes_g8") " + " V("junior_classes_g9")),
        0);
    assert_int_equal(
        fx_num(d->db,
            "SELECT COUNT(*) FROM stat_records r WHERE " V("kg_children") " <> " V("kg_children_"
                                                                                   "small") " + " V(
                "kg_children_middle") " + " V("kg_children_large") " + " V("kg_children_mixed")),
        0);
    assert_int_equal(fx_num(d->db,
                         "SELECT COUNT(*) FROM stat_records r WHERE " V("primary_girls") " > " V("p"
                                                                                                 "r"
                                                                                                 "i"
                                                                                                 "m"
                                                                                                 "a"
                                                                                                 "r"
                                                                                                 "y"
                                                                                                 "_"
                                                                                                 "p"
                                                                                                 "u"
                                                                                                 "p"
                                                                                                 "i"
                                                                                                 "l"
                                                                                                 "s") " OR " V(
                             "junior_girls") " > " V("junior_pupils") " OR " V("kg_girls") " > " V("kg_children")),
                     0);
    assert_int_equal(
        fx_num(d->db,
            "SELECT COUNT(*) FROM stat_records r WHERE " V("teachers_total") " > " V("staff_total") " OR " V("teachers_pe") " + " V("teachers_music") " + " V("teachers_art") " + " V("teachers_chinese") " + " V("teachers_math") " + " V(
                "teachers_english") " + " V("teachers_science") " + " V("teachers_it") " + " V("tea"
                                                                                               "che"
                                                                                               "rs_"
                                                                                               "oth"
                                                                                               "er") " <> " V("teachers_total") " OR " V("teaching_area") " > " V("building_area") " OR " V("teachers_total") " = 0"),
        0);
    /* 学历 adds up to the teachers, but in the one draft with a typo */
    assert_true(
        fx_num(d->db,
            "SELECT COUNT(*) FROM stat_records r WHERE " V("teachers_total") " <> " V("teachers_"
                                                                                      "postgrad") " + " V(
                "teachers_bachelor") " + " V("teachers_college") " + " V("teachers_highschool") " A"
                                                                                                "ND"
                                                                                                " r"
                                                                                                ".s"
                                                                                                "ta"
                                                                                                "tu"
                                                                                                "s "
                                                                                                "= "
                                                                                                "'"
                                                                                                "草"
                                                                                                "稿"
                                                                                                "'") <=
        1);
    assert_int_equal(
        fx_num(d->db,
            "SELECT COUNT(*) FROM stat_records r WHERE " V("teachers_total") " <> " V("teachers_"
                                                                                      "postgrad") " + " V(
                "teachers_bachelor") " + " V("teachers_college") " + " V("teachers_highschool") " A"
                                                                                                "ND"
                                                                                                " r"
                                                                                                ".s"
                                                                                                "ta"
                                                                                                "tu"
                                                                                                "s "
                                                                                                "<>"
                                                                                                " '"
                                                                                                "草"
                                                                                                "稿"
                                                                                                "'"),
        0);
    /* lunch mode agrees with the canteen */
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM stat_records r JOIN stat_values l ON "
               "l.record_id = r.id AND l.field = 'lunch_mode' WHERE (" V(
                   "has_canteen") " = 1) <> (l.text IN ('自办食堂', '委托餐饮企业经营食堂'))"),
        0);
}

/* ---------------------------------------------------- town and village */

static void test_town_and_village(void **state)
{
    stdemo_db *d = *state;
    json_t *list =
        fx_rows(
            d->db, "SELECT s.area, SUM(" V("primary_pupils") ") AS pupils, SUM(" V("primary_classes") ") AS classes, SUM(" V(
                   "teachers_pe") " + " V("teachers_music") " + " V("teachers_art") ") AS pe_art, "
                                                                                    "SUM(" V("prima"
                                                                                             "ry_"
                                                                                             "class"
                                                                                             "es_"
                                                                                             "56_"
                                                                                             "65") ") AS big, SUM(" V("primary_classes_66plus") ") AS huge FROM stat_records r JOIN schools s ON s.id = r.school_id "
                                                                                                                                                "WHERE r.year = 2021 AND s.type = '小学' GROUP BY s.area");
    double size[3] = {0}, pe_art[3] = {0}, big[3] = {0}, huge[3] = {0}, classes[3] = {0};
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row)
    {
        const char *area = json_string_value(json_object_get(row, "area"));
        int a = strcmp(area, "城区") == 0 ? 0 : strcmp(area, "镇区") == 0 ? 1 : 2;
        size[a] = real_of(row, "pupils") / real_of(row, "classes");
        pe_art[a] = 100 * real_of(row, "pe_art") / real_of(row, "pupils");
        big[a] = real_of(row, "big");
        huge[a] = real_of(row, "huge");
        classes[a] = real_of(row, "classes");
    }
    json_decref(list);
    /* 城区学校挤: larger classes, some 大班额, very few 66+ */
    assert_true(size[0] > size[2] + 10);
    assert_true(size[0] >= 45 && size[0] <= 58);
    assert_true(size[2] >= 18 && size[2] <= 40);
    assert_true(big[0] > 0 && big[0] < classes[0] * 0.15);
    assert_true(big[2] == 0 && huge[2] == 0);
    assert_true(huge[0] <= 2);
    /* 乡村学校弱: fewer PE/music/art specialists per 100 pupils */
    assert_true(pe_art[2] < pe_art[0]);
    assert_true(pe_art[2] < 0.9 && pe_art[0] >= 0.9);
    /* 超大班额 fall year by year, none outside 城区 */
    int64_t h2019 = fx_num(d->db, "SELECT SUM(" V("primary_classes_66plus") " + " V(
                               "junior_classes_66plus") ") FROM stat_records r WHERE year = 2019");
    int64_t h2021 = fx_num(d->db, "SELECT SUM(" V("primary_classes_66plus") " + " V(
                               "junior_classes_66plus") ") FROM stat_records r WHERE year = 2021");
    assert_true(h2021 >= 1 && h2021 < h2019);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records r JOIN schools s ON s.id = "
                            "r.school_id WHERE s.area <> '城区' AND " V(
                                "primary_classes_66plus") " + " V("junior_classes_66plus") " > 0"),
                     0);
}

/* A cohort moves up a grade: 2021's second grade is about 2020's first. */
static void test_cohorts(void **state)
{
    stdemo_db *d = *state;
    json_t *list = fx_rows(d->db,
                        "SELECT s.area, SUM(CASE WHEN r.year = 2020 THEN " V("primary_pupils_g1") " ELSE 0 END) AS g1, SUM(CASE WHEN r.year = 2021 THEN " V(
                            "primary_pupils_g2") " ELSE 0 END) AS g2, SUM(CASE WHEN r.year = "
                                                 "2019 THEN " V(
                                                     "primary_pupils") " ELSE 0 END) AS p2019, "
                                                                       "SUM(CASE WHEN "
                                                                       "r.year = 2021 THEN " V(
                                                                           "primary_pupils") " ELSE"
                                                                                             " 0 "
                                                                                             "END) "
                                                                                             "AS "
                                                                                             "p2021"
                                                                                             " FROM"
                                                                                             " "
                                                                                             "stat_"
                                                                                             "recor"
                                                                                             "ds r "
                                                                                             "JOIN "
                                                                                             "schoo"
                                                                                             "ls s "
                                                                                             "ON "
                                                                                             "s.id "
                                                                                             "= "
                                                                                             "r."
                                                                                             "schoo"
                                                                                             "l_id "
                                                                                             "WHERE"
                                                                                             " s."
                                                                                             "type "
                                                                                             "= "
                                                                                             "'小学"
                                                                                             "' "
                                                                                             "AND "
                                                                                             "s."
                                                                                             "statu"
                                                                                             "s = "
                                                                                             "'在办"
                                                                                             "' "
                                                                                             "GROUP"
                                                                                             " BY "
                                                                                             "s."
                                                                                             "are"
                                                                                             "a");
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row)
    {
        const char *area = json_string_value(json_object_get(row, "area"));
        double moved = real_of(row, "g2") / real_of(row, "g1");
        assert_true(moved > 0.9 && moved < 1.15);
        double change = real_of(row, "p2021") / real_of(row, "p2019");
        if (strcmp(area, "城区") == 0)
            assert_true(change > 1.0); /* growing in town */
        else if (strcmp(area, "乡村") == 0)
            assert_true(change < 1.0); /* shrinking in the villages */
    }
    json_decref(list);
}

/* --------------------------------------------------------- determinism */

static const char *const fingerprint_sql[] = {
    "SELECT COUNT(*) FROM stat_values",
    "SELECT CAST(SUM(num) AS INTEGER) FROM stat_values",
    "SELECT CAST(SUM(v.num * (r.school_id % 97)) AS INTEGER) FROM stat_values v JOIN "
    "stat_records r ON r.id = v.record_id",
    "SELECT SUM(LENGTH(status) * school_id) FROM stat_records",
    "SELECT SUM(submitted_at % 100003) FROM stat_records",
    "SELECT SUM(LENGTH(COALESCE(explanations, ''))) FROM stat_records",
};

static void test_same_seed(void **state)
{
    stdemo_db *d = *state, *again = stdemo_new(2021, 1), *other = stdemo_new(7, 1);
    int differs = 0;
    for (size_t i = 0; i < sizeof fingerprint_sql / sizeof fingerprint_sql[0]; i++) {
        assert_int_equal(fx_num(d->db, fingerprint_sql[i]), fx_num(again->db, fingerprint_sql[i]));
        differs += fx_num(d->db, fingerprint_sql[i]) != fx_num(other->db, fingerprint_sql[i]);
    }
    assert_true(differs > 0);
    fx_demo_free(again);
    fx_demo_free(other);
}

/* --------------------------------------------------------- the benchmark */

static void test_bulk(void **state)
{
    (void)state;
    stdemo_db *d = stdemo_new(2021, 3);
    char err[256] = "";
    stats_bulk_counts n = {0, 0};
    int64_t before = fx_num(d->db, "SELECT COUNT(*) FROM stat_records WHERE year = 2021");
    assert_int_equal(stats_demo_bulk(d->db, 2021, &n, err, sizeof err), STORE_OK);
    int64_t open = fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE COALESCE(founded_year, 0) <= 2021 "
                          "AND (closed_on IS NULL OR closed_on > '2021-09-01') AND name NOT LIKE "
                          "'%陈寔路学校'");
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_records WHERE year = 2021"), open);
    assert_int_equal(n.records, open - before);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_values v JOIN stat_records r ON r.id = "
                            "v.record_id WHERE r.status = '已提交' AND r.year = 2021 AND "
                            "r.submitted_by IS NULL"),
                     n.values);
    /* one round per county; the shares hold in every county */
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM stat_rounds WHERE year = 2021"), 3);
    json_t *kg = fx_rows(
        d->db, "SELECT SUBSTR(r.path, 1, 7) AS county, SUM(CASE WHEN s.nature = '公办' "
           "THEN " V("capacity") " ELSE 0 END) * 1.0 / SUM(" V(
               "capacity") ") AS "
                           "share FROM stat_records r JOIN schools s ON s.id = r.school_id WHERE "
                           "r.year = 2021 AND s.type = '幼儿园' GROUP BY 1");
    size_t i;
    json_t *row;
    assert_true(json_array_size(kg) >= 1);
    json_array_foreach(kg, i, row) assert_true(fabs(real_of(row, "share") - 0.187) < 0.0005);
    json_decref(kg);
    /* the records pass the rules */
    json_t *list = fx_rows(d->db, "SELECT school_id, school_type FROM stat_records WHERE year = 2021 AND "
                           "status = '已提交' AND submitted_by IS NULL ORDER BY id LIMIT 60");
    json_array_foreach(list, i, row)
    {
        json_t *rec = NULL, *problems = NULL;
        int errors = -1;
        assert_int_equal(stats_record_load(d->db,
                                           json_integer_value(json_object_get(row, "school_id")),
                                           2021, &rec),
                         STORE_OK);
        assert_int_equal(stats_check(d->db, 2021,
                                     json_string_value(json_object_get(row, "school_type")),
                                     json_object_get(rec, "values"), NULL,
                                     json_object_get(rec, "explanations"), &problems, &errors),
                         STORE_OK);
        assert_int_equal(errors, 0);
        json_decref(problems);
        json_decref(rec);
    }
    json_decref(list);
    /* a second run finds nothing left to do */
    assert_int_equal(stats_demo_bulk(d->db, 2021, &n, err, sizeof err), STORE_OK);
    assert_int_equal(n.records, 0);
    fx_demo_free(d);
}

static int group_setup(void **state)
{
    if (password_init() != 0)
        return -1;
    *state = stdemo_new(2021, 1);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_years),   cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_public_shares), cmocka_unit_test(test_rules),
        cmocka_unit_test(test_totals),        cmocka_unit_test(test_town_and_village),
        cmocka_unit_test(test_cohorts),       cmocka_unit_test(test_same_seed),
        cmocka_unit_test(test_bulk),
    };
    return cmocka_run_group_tests(tests, group_setup, fx_demo_teardown);
}
