/*
 * test_safety_demo.c - the demo county's safety records (domain/
 * safety_demo.c), checked by SQL counts of the records themselves: the
 * 2021 figures of the work report (879 hazards found and closed at 350+
 * schools, 300+ education events, 800+ drills, 3,000+ pieces of security
 * equipment, 7,000+ extinguishers, 38 schools repaired, vaccination 99%+),
 * every hazard through the whole loop by the right users, open hazards of
 * 2022 in every open state, 2022 January-September at 2021's pace (hazards
 * closed by 29 September, activities), the same records for the same
 * seed, and the benchmark's bulk hazards.
 */
#include "fixture.h"

#include "auth/password.h"
#include "domain/safety_demo.h"

typedef fx_store sdemo_db;

/* A fresh demo county generated with seed (photos under dir/files). */
static sdemo_db *sdemo_new(uint64_t seed)
{
    return fx_demo_new("sdemo", seed, 1, 1);
}

#define IN_2021(col) col " >= '2021-01-01' AND " col " <= '2021-12-31'"

static int setup(void **state)
{
    (void)state;
    assert_int_equal(password_init(), 0);
    return 0;
}

static void test_hazards_2021(void **state)
{
    sdemo_db *d = *state;
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM hazards WHERE " IN_2021("found_on")), 879);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM hazards WHERE " IN_2021(
                                "found_on") " AND status = '已销号' AND " IN_2021("closed_on")),
                     879);
    assert_true(
        fx_num(d->db, "SELECT COUNT(DISTINCT school_id) FROM hazards WHERE " IN_2021("found_on")) >= 350);
    /* About 2-3% 重大, all 挂牌督办; 消防 and 校舍 the most common. */
    assert_in_range(
        fx_num(d->db, "SELECT COUNT(*) FROM hazards WHERE grade = '重大' AND " IN_2021("found_on")), 18,
        27);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM hazards WHERE grade = '重大' AND supervised <> 1"), 0);
    json_t *top =
        fx_rows(d->db, "SELECT c.name FROM hazards h JOIN hazard_categories c ON c.id = h.category_id "
                "WHERE " IN_2021("h.found_on") " GROUP BY c.name ORDER BY COUNT(*) DESC");
    assert_string_equal(json_string_value(json_object_get(json_array_get(top, 0), "name")), "消防");
    assert_string_equal(json_string_value(json_object_get(json_array_get(top, 1), "name")), "校舍");
    json_decref(top);
    /* The plan is filled in and every step of the loop is there, in order. */
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM hazards WHERE " IN_2021(
                   "found_on") " AND (measures IS NULL OR responsible IS NULL OR deadline IS NULL "
                               "OR funds IS NULL)"),
        0);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM hazards h WHERE " IN_2021(
                   "h.found_on") " AND (SELECT COUNT(DISTINCT s.action) FROM hazard_steps s WHERE "
                                 "s.hazard_id = h.id "
                                 "AND s.action IN ('登记', '开始整改', '提交验收', '销号')) <> 4"),
        0);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM hazard_steps a JOIN hazard_steps b "
                            "ON b.hazard_id = a.hazard_id AND b.id > a.id "
                            "WHERE b.at < a.at OR b.on_date < a.on_date"),
                     0);
    assert_int_equal(fx_num(d->db,
                         "SELECT COUNT(*) FROM hazard_steps s JOIN hazards h ON h.id = s.hazard_id "
                         "WHERE s.on_date < h.found_on OR (h.closed_on IS NOT NULL AND s.on_date > "
                         "h.closed_on)"),
                     0);
    /* Some were sent back once, with a reason. */
    assert_true(fx_num(d->db, "SELECT COUNT(*) FROM hazards WHERE returned > 0 AND " IN_2021("found_on")) >
                20);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM hazard_steps WHERE action = '退回' "
                            "AND (comment IS NULL OR comment = '')"),
                     0);
    /* The right users: the school's 学校管理员 registers and rectifies and
     * closes 一般; the 安全稳定股 closes 重大. */
    assert_int_equal(
        fx_num(d->db,
            "SELECT COUNT(*) FROM hazard_steps s JOIN hazards h ON h.id = s.hazard_id "
            "LEFT JOIN users u ON u.id = s.user_id "
            "WHERE s.action IN ('登记', '开始整改', '提交验收') "
            "AND (u.school_id IS NULL OR u.school_id <> h.school_id OR u.username <> s.username)"),
        0);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM hazard_steps s JOIN hazards h ON h.id = s.hazard_id "
               "LEFT JOIN users u ON u.id = s.user_id WHERE s.action IN ('销号', '退回') "
               "AND h.grade = '一般' AND (u.school_id IS NULL OR u.school_id <> h.school_id)"),
        0);
    assert_int_equal(
        fx_num(d->db,
            "SELECT COUNT(*) FROM hazard_steps s JOIN hazards h ON h.id = s.hazard_id "
            "WHERE s.action IN ('销号', '退回') AND h.grade = '重大' AND s.username <> 'anquan'"),
        0);
    /* 重大 closed with an 整改后 photo whose bytes are in the file store. */
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM hazards h WHERE h.grade = '重大' AND h.status = '已销号' "
               "AND NOT EXISTS (SELECT 1 FROM hazard_photos p WHERE p.hazard_id = h.id "
               "AND p.kind = '整改后')"),
        0);
    json_t *files = fx_rows(d->db, "SELECT hash FROM files");
    assert_true(json_array_size(files) >= 2);
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(filestore_get(json_string_value(json_object_get(f, "hash")), &data, &len),
                         0);
        assert_string_equal(filestore_sniff_image(data, len), "image/png");
        free(data);
    }
    json_decref(files);
}

static void test_inspections(void **state)
{
    sdemo_db *d = *state;
    /* Every school open at the end of 2021 was inspected in 2021. */
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM schools s WHERE s.status = '在办' AND NOT EXISTS "
               "(SELECT 1 FROM inspection_schools i JOIN inspections n ON n.id = i.inspection_id "
               "WHERE i.school_id = s.id AND " IN_2021("n.on_date") ")"),
        0);
    assert_true(
        fx_num(d->db, "SELECT COUNT(DISTINCT i.school_id) FROM inspection_schools i JOIN inspections n "
               "ON n.id = i.inspection_id WHERE " IN_2021("n.on_date")) >= 350);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(DISTINCT kind) FROM inspections WHERE " IN_2021(
                                "on_date") " AND kind IN ('日常', '节前', '汛期', '专项')"),
                     4);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM inspections WHERE kind = '汛期' AND on_date NOT LIKE '%-06-%' "
               "AND on_date NOT LIKE '%-07-%' AND on_date NOT LIKE '%-08-%'"),
        0);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM inspection_schools WHERE result IS NULL OR done <> 1"), 0);
    /* A hazard found in an inspection is at one of its schools, which says so. */
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM hazards h WHERE h.inspection_id IS NOT NULL AND NOT EXISTS "
               "(SELECT 1 FROM inspection_schools i WHERE i.inspection_id = h.inspection_id "
               "AND i.school_id = h.school_id AND i.result LIKE '发现隐患%')"),
        0);
}

static void test_activities_and_vaccination(void **state)
{
    sdemo_db *d = *state;
    const char *where = " FROM safety_activities WHERE " IN_2021("on_date");
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*)%s AND kind = '安全教育'", where);
    assert_true(fx_num(d->db, sql) >= 300);
    snprintf(sql, sizeof sql, "SELECT COUNT(*)%s AND kind = '应急演练'", where);
    assert_true(fx_num(d->db, sql) >= 800);
    snprintf(sql, sizeof sql, "SELECT SUM(quantity)%s AND kind = '安防器材'", where);
    assert_true(fx_num(d->db, sql) >= 3000);
    snprintf(sql, sizeof sql, "SELECT SUM(quantity)%s AND kind = '灭火器'", where);
    assert_true(fx_num(d->db, sql) >= 7000);
    snprintf(sql, sizeof sql, "SELECT SUM(quantity)%s AND kind = '宣传版面'", where);
    assert_true(fx_num(d->db, sql) >= 600);
    snprintf(sql, sizeof sql, "SELECT COUNT(DISTINCT school_id)%s AND kind = '维修'", where);
    assert_int_equal(fx_num(d->db, sql), 38);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM safety_activities WHERE kind IN ('安全教育', '应急演练') "
               "AND (participants IS NULL OR participants <= 0)"),
        0);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM safety_activities WHERE kind IN ('安防器材', '灭火器', "
               "'宣传版面') AND (quantity IS NULL OR quantity <= 0)"),
        0);
    /* Vaccination 2021-12: every open school, the county at 99% or more. */
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM schools s WHERE s.status = '在办' AND NOT EXISTS "
               "(SELECT 1 FROM vaccinations v WHERE v.school_id = s.id AND v.period = '2021-12')"),
        0);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM vaccinations WHERE staff_vaccinated > staff_eligible "
               "OR pupils_vaccinated > pupils_eligible"),
        0);
    assert_true(
        fx_num(d->db, "SELECT SUM(staff_vaccinated) * 100 - SUM(staff_eligible) * 99 FROM vaccinations "
               "WHERE period = '2021-12'") >= 0);
    assert_true(
        fx_num(d->db, "SELECT SUM(pupils_vaccinated) * 100 - SUM(pupils_eligible) * 99 FROM vaccinations "
               "WHERE period = '2021-12'") >= 0);
    assert_true(fx_num(d->db, "SELECT COUNT(*) FROM vaccinations WHERE staff_vaccinated = staff_eligible "
                       "AND pupils_vaccinated = pupils_eligible") > 0);
    /* One summary audit row per kind. */
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity IN "
                            "('hazard', 'inspection', 'safety_activity', 'vaccination')"),
                     4);
}

static void test_open_2022(void **state)
{
    sdemo_db *d = *state;
    const char *open2022 = "SELECT COUNT(*) FROM hazards WHERE found_on >= '2022-01-01' "
                           "AND found_on <= '2022-11-30' AND status <> '已销号'";
    char sql[256];
    assert_in_range(fx_num(d->db, open2022), 40, 60);
    const char *states[] = {"已登记", "整改中", "待验收"};
    for (int i = 0; i < 3; i++) {
        snprintf(sql, sizeof sql, "%s AND status = '%s'", open2022, states[i]);
        assert_true(fx_num(d->db, sql) > 0);
    }
    /* 2-3 重大, 挂牌督办 and overdue (deadlines of 2022). */
    snprintf(sql, sizeof sql,
             "%s AND grade = '重大' AND supervised = 1 AND deadline < '2023-06-30'", open2022);
    assert_in_range(fx_num(d->db, sql), 2, 3);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM hazards WHERE found_on > '2022-11-30'"), 0);
}

/* 2022 January-September: hazards found and closed before the plan's
 * status date (30 September), through the whole loop, at schools still
 * open; activities of those months at about 2021's pace. */
static void test_closed_2022(void **state)
{
    sdemo_db *d = *state;
#define CLOSED_2022 " FROM hazards WHERE found_on >= '2022-01-01' AND status = '已销号'"
    assert_in_range(fx_num(d->db, "SELECT COUNT(*)" CLOSED_2022), 500, 600);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*)" CLOSED_2022 " AND (closed_on > '2022-09-29' "
                                   "OR closed_on < found_on)"),
                     0);
    assert_true(fx_num(d->db, "SELECT COUNT(DISTINCT school_id)" CLOSED_2022) >= 200);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*)" CLOSED_2022 " AND school_id IN "
                                   "(SELECT id FROM schools WHERE status <> '在办')"),
                     0);
    /* About 2-3% 重大, the plan filled in, every step of the loop (the
     * order and the users are checked over every hazard above). */
    assert_in_range(fx_num(d->db, "SELECT COUNT(*)" CLOSED_2022 " AND grade = '重大'"), 10, 16);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*)" CLOSED_2022 " AND (measures IS NULL OR "
                                   "responsible IS NULL OR deadline IS NULL OR funds IS NULL)"),
                     0);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM hazards h WHERE h.found_on >= '2022-01-01' "
                      "AND h.status = '已销号' AND (SELECT COUNT(DISTINCT s.action) FROM "
                      "hazard_steps s WHERE s.hazard_id = h.id AND s.action IN "
                      "('登记', '开始整改', '提交验收', '销号')) <> 4"),
        0);
    assert_true(fx_num(d->db, "SELECT COUNT(*)" CLOSED_2022 " AND returned > 0") > 10);
    assert_true(fx_num(d->db, "SELECT COUNT(*)" CLOSED_2022 " AND inspection_id IS NOT NULL") >
                100);
#undef CLOSED_2022
    /* Activities: none after 30 September 2022; each kind between 90% of
     * 2021's January-September and 2021's whole year. */
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM safety_activities WHERE on_date > '2022-09-30'"), 0);
    const char *kinds[] = {"安全教育", "应急演练", "安防器材", "灭火器", "宣传版面"};
    char sql[512];
    for (int i = 0; i < 5; i++) {
        const char *amount = i < 2 ? "COUNT(*)" : "SUM(quantity)";
        snprintf(sql, sizeof sql,
                 "SELECT (SELECT %s FROM safety_activities WHERE kind = '%s' AND on_date "
                 "BETWEEN '2022-01-01' AND '2022-09-30') * 10 - (SELECT %s * 9 FROM "
                 "safety_activities WHERE kind = '%s' AND on_date BETWEEN '2021-01-01' AND "
                 "'2021-09-30')",
                 amount, kinds[i], amount, kinds[i]);
        assert_true(fx_num(d->db, sql) >= 0);
        snprintf(sql, sizeof sql,
                 "SELECT (SELECT %s FROM safety_activities WHERE kind = '%s' AND on_date "
                 "BETWEEN '2022-01-01' AND '2022-09-30') - (SELECT %s FROM safety_activities "
                 "WHERE kind = '%s' AND " IN_2021("on_date") ")",
                 amount, kinds[i], amount, kinds[i]);
        assert_true(fx_num(d->db, sql) < 0);
    }
    /* A drill at every open school; about 600-700 in all (900 planned). */
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM schools s WHERE s.status = '在办' AND NOT EXISTS "
                      "(SELECT 1 FROM safety_activities a WHERE a.school_id = s.id AND a.kind = "
                      "'应急演练' AND a.on_date >= '2022-01-01')"),
        0);
    assert_in_range(fx_num(d->db, "SELECT COUNT(*) FROM safety_activities WHERE kind = '应急演练' "
                                  "AND on_date >= '2022-01-01'"),
                    600, 700);
    assert_true(fx_num(d->db, "SELECT COUNT(DISTINCT school_id) FROM safety_activities WHERE "
                              "kind = '维修' AND on_date >= '2022-01-01'") > 0);
}

static void test_same_seed(void **state)
{
    sdemo_db *d = *state, *again = sdemo_new(2021);
    const char *sql[] = {
        "SELECT school_id, category_id, grade, description, found_on, deadline, funds, status, "
        "closed_on, "
        "returned FROM hazards ORDER BY id",
        "SELECT hazard_id, action, username, on_date, at, comment FROM hazard_steps ORDER BY id",
        "SELECT school_id, kind, title, on_date, participants, quantity, funds FROM "
        "safety_activities ORDER BY id",
        "SELECT school_id, staff_vaccinated, pupils_vaccinated FROM vaccinations ORDER BY id",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        json_t *a = fx_rows(d->db, sql[i]), *b = fx_rows(again->db, sql[i]);
        assert_true(json_array_size(a) > 0);
        assert_true(json_equal(a, b));
        json_decref(a);
        json_decref(b);
    }
    const char *first = "SELECT description FROM hazards ORDER BY id LIMIT 1";
    json_t *a = fx_rows(d->db, first), *b = fx_rows(again->db, first);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "description")),
                        json_string_value(json_object_get(json_array_get(b, 0), "description")));
    json_decref(a);
    json_decref(b);
    fx_demo_free(again);
}

static void test_bulk(void **state)
{
    sdemo_db *d = *state;
    char err[256] = "";
    safety_bulk_counts n = {0, 0};
    int64_t before = fx_num(d->db, "SELECT COUNT(*) FROM hazards");
    if (safety_demo_bulk(d->db, 7, 2500, &n, err, sizeof err) != STORE_OK)
        fail_msg("safety_demo_bulk: %s", err);
    assert_int_equal(n.hazards, 2500);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM hazards") - before, 2500);
    assert_true(n.steps > 2500);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM hazard_steps s WHERE NOT EXISTS "
                            "(SELECT 1 FROM hazards h WHERE h.id = s.hazard_id)"),
                     0);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM hazards h WHERE NOT EXISTS "
               "(SELECT 1 FROM hazard_steps s WHERE s.hazard_id = h.id AND s.action = '登记')"),
        0);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(DISTINCT status) FROM hazards WHERE found_on >= '2019-01-01' "
               "AND found_on < '2021-01-01'"),
        4);
    assert_int_equal(
        fx_num(d->db, "SELECT COUNT(*) FROM hazards WHERE status = '已销号' AND closed_on IS NULL"), 0);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM hazards h JOIN schools s ON s.id = h.school_id "
                            "WHERE h.path <> s.path"),
                     0);
    /* Ids the generator chose do not collide with the next insert. */
    store_db *db = d->db;
    sval p[] = {SV_I(1), SV_T("/x/"), SV_I(1), SV_T("一般"), SV_T("测试"), SV_T("2024-01-01")};
    int64_t id = 0;
    assert_int_equal(
        db_insert(
            db,
            "INSERT INTO hazards (school_id, path, category_id, grade, description, found_on, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0) RETURNING id",
            p, 6, &id),
        STORE_OK);
    assert_true(id > before + 2500);
}

static int group_setup(void **state)
{
    setup(state);
    *state = sdemo_new(2021);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hazards_2021),
        cmocka_unit_test(test_inspections),
        cmocka_unit_test(test_activities_and_vaccination),
        cmocka_unit_test(test_open_2022),
        cmocka_unit_test(test_closed_2022),
        cmocka_unit_test(test_same_seed),
        cmocka_unit_test(test_bulk),
    };
    return cmocka_run_group_tests(tests, group_setup, fx_demo_teardown);
}
