/*
 * test_safety_counts.c - the 安全 summary's counts (domain/safety_counts.c):
 * after a random sequence of creates, steps (退回 and 销号 among them),
 * grade/category/date edits and a school moved to another county, the
 * count tables equal a rebuild from scratch, and the summary from the
 * counts equals the summary from the hazards, for whole-month and partial
 * periods, at every unit. Without the valid mark the counts are neither
 * read nor written.
 *
 * Tree (levels skipped on purpose): 河南省 > 许昌市 > 长葛市 > 大周镇 > A, B;
 * 河南省 > 直管县 (county under the province) > 城关镇 > C;
 * 许昌市 > 开发区 (town under the city) > D.
 */
#include "fixture.h"

#include "domain/hazards.h"
#include "domain/safety_counts.h"
#include "io/filestore.h"
#include "util/arena.h"
#include "util/clock.h"

#define NSCHOOLS 4

typedef struct fixture {
    fx_store st;
    char files[128];
    store_db *db;
    char units[4][32];       /* province, city, county 长葛市, county 直管县 */
    char town_path[32];
    int64_t town_zhiguan;    /* 城关镇, where school A moves */
    int64_t schools[NSCHOOLS];
    int64_t *hazards;
    int nhazards;
    unsigned rng;
} fixture;

static const unsigned char png_bytes[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
                                          0x00, 0x00, 0x00, 0x0D, 'I',  'H',  'D',  'R'};

static unsigned fx_rand(fixture *f, unsigned n)
{
    f->rng = f->rng * 1103515245u + 12345u;
    return (f->rng >> 8) % n;
}

/* A 小学 in town. */
static int64_t fx_primary(fixture *f, int64_t town, const char *code, const char *name)
{
    return fx_school(f->db, town, code, name, "小学", NULL);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fx_tree t = {0};
    assert_non_null(f);
    f->db = fx_store_open(&f->st, "counts");
    snprintf(f->files, sizeof f->files, "%s/files", f->st.dir);
    assert_int_equal(filestore_init(f->files), 0);
    setenv("EDUBUREAU_NOW", "2021-03-15 10:00:00", 1);
    fx_county(f->db, &t);
    strcpy(f->units[0], t.province_path);
    strcpy(f->units[1], t.city_path);
    strcpy(f->units[2], t.county_path);
    int64_t zhiguan = fx_org(f->db, t.province, "county", "直管县", NULL, f->units[3]);
    int64_t town = fx_org(f->db, t.county, "town", "大周镇", "乡镇", f->town_path);
    f->town_zhiguan = fx_org(f->db, zhiguan, "town", "城关镇", "街道", NULL);
    int64_t zone = fx_org(f->db, t.city, "town", "开发区", "街道", NULL);
    f->schools[0] = fx_primary(f, town, "4110000001", "大周镇中心小学");
    f->schools[1] = fx_primary(f, town, "4110000002", "大周镇王庄小学");
    f->schools[2] = fx_primary(f, f->town_zhiguan, "4110000003", "城关镇第一小学");
    f->schools[3] = fx_primary(f, zone, "4110000004", "开发区实验小学");
    f->hazards = calloc(1000, sizeof *f->hazards);
    f->rng = 2021;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unsetenv("EDUBUREAU_NOW");
    fx_store_close(&f->st);
    free(f->hazards);
    free(f);
    return 0;
}

/* A day of 2020-11-01 .. 2021-03-15 (today), not before not_before. */
static void fx_day(fixture *f, const char *not_before, char out[11])
{
    int64_t start, t;
    assert_int_equal(clock_parse(not_before ? not_before : "2020-11-01", &start), 0);
    assert_int_equal(clock_parse("2021-03-15", &t), 0);
    int64_t span = (t - start) / 86400;
    char at[20];
    clock_format(start + (int64_t)fx_rand(f, (unsigned)span + 1) * 86400, at, sizeof at);
    memcpy(out, at, 10);
    out[10] = '\0';
}

static void fx_check(fixture *f, int rc, const refusal *e, const char *what)
{
    if (rc != STORE_OK)
        fail_msg("%s: %d %s", what, rc, rc == REFUSED ? e->message : db_errmsg(f->db));
}

static json_t *fx_hazard(fixture *f, int64_t id)
{
    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    assert_int_equal(db_query_one(f->db, "SELECT id, grade, status, found_on, deadline FROM hazards WHERE id = ?",
                                  p, 1, &row),
                     STORE_OK);
    return row;
}

static void op_create(fixture *f)
{
    refusal e;
    char found[11], deadline[11];
    int64_t id = 0;
    fx_day(f, NULL, found);
    fx_day(f, found, deadline);
    int64_t category = 1 + fx_rand(f, 11);
    json_t *in = json_pack("{sI sI ss ss ss ss ss}", "school_id",
                           (json_int_t)f->schools[fx_rand(f, NSCHOOLS)], "category_id",
                           (json_int_t)category, "grade", fx_rand(f, 4) ? "一般" : "重大",
                           "description", "测试隐患", "found_on", found, "measures", "整改",
                           "responsible", "张三");
    if (fx_rand(f, 3))
        json_object_set_new(in, "deadline", json_string(deadline));
    int rc = hazards_create(f->db, NULL, NULL, in, 0, &id, &e);
    json_decref(in);
    fx_check(f, rc, &e, "create");
    f->hazards[f->nhazards++] = id;
}

static void op_step(fixture *f, int64_t id)
{
    refusal e;
    char day[11];
    json_t *h = fx_hazard(f, id);
    const char *status = json_string_value(json_object_get(h, "status"));
    const char *to = NULL, *comment = NULL;
    if (strcmp(status, "已登记") == 0)
        to = "整改中";
    else if (strcmp(status, "整改中") == 0)
        to = "待验收";
    else if (strcmp(status, "待验收") == 0 && fx_rand(f, 3) == 0) {
        to = "退回";
        comment = "整改不到位";
    } else if (strcmp(status, "待验收") == 0 && !json_is_string(json_object_get(h, "deadline"))) {
        to = "退回"; /* 销号 needs a deadline */
        comment = "请补充整改时限";
    } else if (strcmp(status, "待验收") == 0) {
        to = "已销号";
    }
    fx_day(f, json_string_value(json_object_get(h, "found_on")), day);
    if (to && strcmp(to, "已销号") == 0 &&
        strcmp(json_string_value(json_object_get(h, "grade")), "重大") == 0) {
        json_t *out = NULL;
        fx_check(f, hazards_add_photo(f->db, NULL, NULL, id, "整改后", "p.png", png_bytes,
                                      sizeof png_bytes, &out, &e),
                 &e, "photo");
        json_decref(out);
    }
    if (to)
        fx_check(f, hazards_transition(f->db, NULL, NULL, id, to, comment, day, clock_now(), 0, &e),
                 &e, to);
    json_decref(h);
}

static void op_patch(fixture *f, int64_t id)
{
    refusal e;
    char found[11];
    json_t *h = fx_hazard(f, id);
    if (strcmp(json_string_value(json_object_get(h, "status")), "已销号") == 0) {
        json_decref(h);
        return;
    }
    json_t *changes = json_object();
    switch (fx_rand(f, 4)) {
    case 0:
        json_object_set_new(changes, "grade",
                            json_string(strcmp(json_string_value(json_object_get(h, "grade")),
                                               "一般") == 0
                                            ? "重大"
                                            : "一般"));
        break;
    case 1:
        json_object_set_new(changes, "category_id", json_integer(1 + fx_rand(f, 11)));
        break;
    case 2:
        fx_day(f, NULL, found);
        json_object_set_new(changes, "found_on", json_string(found));
        json_object_set_new(changes, "deadline", json_null());
        break;
    default:
        json_object_set_new(changes, "deadline", json_string("2021-03-31"));
        break;
    }
    fx_check(f, hazards_patch(f->db, NULL, NULL, id, changes, &e), &e, "patch");
    json_decref(changes);
    json_decref(h);
}

/* One random write in its own transaction. */
static void fx_op(fixture *f)
{
    assert_int_equal(db_begin(f->db), STORE_OK);
    unsigned kind = f->nhazards < 5 ? 0 : fx_rand(f, 10);
    int64_t id = f->nhazards ? f->hazards[fx_rand(f, (unsigned)f->nhazards)] : 0;
    if (kind < 3)
        op_create(f);
    else if (kind < 8)
        op_step(f, id);
    else
        op_patch(f, id);
    assert_int_equal(db_commit(f->db), STORE_OK);
}

static const char *const count_tables[] = {
    "SELECT unit_path, month, grade, category_id, status, n FROM hazard_found_counts "
    "ORDER BY unit_path, month, grade, category_id, status",
    "SELECT unit_path, month, grade, category_id, n FROM hazard_closed_counts "
    "ORDER BY unit_path, month, grade, category_id",
    "SELECT unit_path, month, days, n FROM hazard_close_days ORDER BY unit_path, month, days",
    "SELECT unit_path, deadline, supervised, n FROM hazard_open_counts "
    "ORDER BY unit_path, deadline, supervised",
    "SELECT unit_path, month, prev_month, n FROM hazard_school_runs "
    "ORDER BY unit_path, month, prev_month",
    NULL,
};

/* Every count table, as one array of arrays of rows. */
static json_t *fx_counts(fixture *f)
{
    json_t *all = json_array();
    for (int i = 0; count_tables[i]; i++) {
        json_t *rows = NULL;
        assert_int_equal(db_query(f->db, count_tables[i], NULL, 0, &rows), STORE_OK);
        json_array_append_new(all, rows);
    }
    return all;
}

/* The counts as kept equal the counts rebuilt. */
static void fx_same_as_rebuild(fixture *f)
{
    json_t *kept = fx_counts(f);
    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(safety_counts_rebuild(f->db, NULL), STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    json_t *rebuilt = fx_counts(f);
    if (!json_equal(kept, rebuilt)) {
        char *a = json_dumps(kept, JSON_COMPACT), *b = json_dumps(rebuilt, JSON_COMPACT);
        fail_msg("counts differ from a rebuild:\nkept    %s\nrebuilt %s", a, b);
    }
    assert_true(json_array_size(json_array_get(kept, 0)) > 0);
    json_decref(kept);
    json_decref(rebuilt);
}

static const char *const periods[][2] = {
    {"2020-11-01", "2021-03-31"}, {"2021-01-01", "2021-01-31"}, {"2021-01-01", "2021-12-31"},
    {"2020-12-01", "2021-02-28"}, {"2020-11-15", "2021-02-10"}, {"2021-02-01", "2021-02-27"},
    {"2020-11-02", "2021-03-31"}, {"2021-03-15", "2021-03-15"}, {NULL, NULL},
};

/* The summary's hazard figures from the counts equal those from the
 * hazards, at every unit and a town, for whole and partial months. */
static void fx_same_summary(fixture *f)
{
    const char *scopes[] = {f->units[0], f->units[1], f->units[2], f->units[3], f->town_path};
    int from_counts = 0;
    for (size_t s = 0; s < sizeof scopes / sizeof *scopes; s++) {
        for (int k = 0; periods[k][0]; k++) {
            arena *a = arena_new();
            json_t *fast = NULL, *slow = NULL;
            const char *from = periods[k][0], *to = periods[k][1];
            int usable = safety_counts_usable(f->db, scopes[s], from, to);
            int whole = strcmp(from + 8, "01") == 0 && strcmp(to, "2021-02-27") != 0 &&
                        strcmp(to, "2021-02-10") != 0 && strcmp(to, "2021-03-15") != 0;
            assert_int_equal(usable, whole && s < 4);
            from_counts += usable;
            assert_int_equal(safety_summary_hazards(f->db, a, scopes[s], from, to, 1, &fast),
                             STORE_OK);
            assert_int_equal(safety_summary_hazards(f->db, a, scopes[s], from, to, 0, &slow),
                             STORE_OK);
            if (!json_equal(fast, slow)) {
                char *x = json_dumps(fast, JSON_COMPACT), *y = json_dumps(slow, JSON_COMPACT);
                fail_msg("%s %s..%s:\ncounts  %s\nhazards %s", scopes[s], from, to, x, y);
            }
            json_decref(fast);
            json_decref(slow);
            arena_free(a);
        }
    }
    assert_true(from_counts >= 16);
}

static void test_random_writes(void **state)
{
    fixture *f = *state;
    assert_true(safety_counts_valid(f->db)); /* a new database: empty counts are right */
    for (int i = 0; i < 600; i++) {
        fx_op(f);
        if (i == 300) {
            /* school A moves to 直管县: its old hazards keep their path */
            refusal e;
            json_t *changes = json_pack("{sI}", "town_id", (json_int_t)f->town_zhiguan);
            assert_int_equal(db_begin(f->db), STORE_OK);
            fx_check(f, schools_patch(f->db, NULL, NULL, f->schools[0], changes, &e), &e, "move");
            assert_int_equal(db_commit(f->db), STORE_OK);
            json_decref(changes);
        }
        if (i % 150 == 149) {
            fx_same_as_rebuild(f);
            fx_same_summary(f);
        }
    }
    int64_t paths = 0;
    sval p[] = {SV_I(f->schools[0])};
    assert_int_equal(db_query_int(f->db,
                                  "SELECT COUNT(DISTINCT path) FROM hazards WHERE school_id = ?", p,
                                  1, &paths),
                     STORE_OK);
    assert_int_equal(paths, 2);
}

static void test_not_valid(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 40; i++)
        fx_op(f);
    json_t *before = fx_counts(f);
    assert_int_equal(db_exec(f->db, "DELETE FROM settings WHERE key = 'hazard_counts_valid'", NULL, 0),
                     STORE_OK);
    assert_false(safety_counts_valid(f->db));
    assert_false(safety_counts_usable(f->db, f->units[0], "2021-01-01", "2021-01-31"));
    for (int i = 0; i < 40; i++)
        fx_op(f);
    json_t *after = fx_counts(f);
    assert_true(json_equal(before, after)); /* not written while not valid */
    {
        arena *a = arena_new();
        json_t *fast = NULL, *slow = NULL;
        assert_int_equal(
            safety_summary_hazards(f->db, a, f->units[0], "2020-11-01", "2021-03-31", 1, &fast),
            STORE_OK);
        assert_int_equal(
            safety_summary_hazards(f->db, a, f->units[0], "2020-11-01", "2021-03-31", 0, &slow),
            STORE_OK);
        assert_true(json_equal(fast, slow));
        json_decref(fast);
        json_decref(slow);
        arena_free(a);
    }
    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(safety_counts_rebuild(f->db, NULL), STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    assert_true(safety_counts_valid(f->db));
    fx_same_summary(f);
    json_decref(before);
    json_decref(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_random_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_valid, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
