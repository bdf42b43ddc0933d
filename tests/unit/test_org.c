/*
 * test_org.c - the org tree (domain/org.c): creation and paths, scope
 * bounds, subtree queries (including ids that share a prefix), a tree of
 * 100,000 units, and the two read endpoints limited to the caller's scope.
 */
#include "fixture.h"

#include "http/router.h"
#include "util/arena.h"
#include "util/log.h"

typedef struct fixture {
    fx_store st;
    store_db *db;
    arena *a;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->db = fx_store_open(&f->st, "org");
    f->a = arena_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    arena_free(f->a);
    return fx_store_teardown(state);
}

/* Create a unit and return its id (the test fails on error). */
static int64_t mk(store_db *db, int64_t parent, const char *level, const char *name, const char *kind)
{
    int64_t id = 0;
    int rc = org_create(db, parent, level, name, kind, &id, NULL);
    if (rc != STORE_OK)
        fail_msg("org_create %s: %d %s", name, rc, db_errmsg(db));
    return id;
}

static const char *path_of(fixture *f, int64_t id)
{
    json_t *row = NULL;
    assert_int_equal(org_get(f->db, id, &row), STORE_OK);
    const char *path = arena_strdup(f->a, json_string_value(json_object_get(row, "path")));
    json_decref(row);
    return path;
}

static int64_t subtree_count(fixture *f, const char *path)
{
    sval p[] = {SV_T(path), SV_T(org_scope_upper(f->a, path))};
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM org_units WHERE path >= ? AND path < ?",
                                  p, 2, &n),
                     STORE_OK);
    return n;
}

static void test_tree_and_paths(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_begin(f->db), STORE_OK);
    int64_t province = mk(f->db, 0, "province", "河南省", NULL);
    int64_t city = mk(f->db, province, "city", "许昌市", NULL);
    int64_t county = mk(f->db, city, "county", "长葛市", NULL);
    int64_t town = mk(f->db, county, "town", "建设路街道", "街道");
    int64_t school = 0;
    char *path = NULL;
    assert_int_equal(org_create(f->db, town, "school", "长葛市实验中学", NULL, &school, &path), STORE_OK);
    /* a county high school hangs off the county directly */
    int64_t high = mk(f->db, county, "school", "长葛市第一高级中学", NULL);
    assert_int_equal(db_commit(f->db), STORE_OK);

    char want[128];
    snprintf(want, sizeof want, "/%lld/%lld/%lld/%lld/%lld/", (long long)province, (long long)city,
             (long long)county, (long long)town, (long long)school);
    assert_string_equal(path, want);
    free(path);
    snprintf(want, sizeof want, "/%lld/", (long long)province);
    assert_string_equal(path_of(f, province), want);
    snprintf(want, sizeof want, "/%lld/%lld/%lld/%lld/", (long long)province, (long long)city,
             (long long)county, (long long)high);
    assert_string_equal(path_of(f, high), want);

    json_t *row = NULL;
    assert_int_equal(org_get(f->db, town, &row), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(row, "kind")), "街道");
    assert_string_equal(json_string_value(json_object_get(row, "level")), "town");
    assert_string_equal(json_string_value(json_object_get(row, "name")), "建设路街道");
    assert_int_equal(json_integer_value(json_object_get(row, "parent_id")), county);
    json_decref(row);
    assert_int_equal(org_get(f->db, province, &row), STORE_OK);
    assert_true(json_is_null(json_object_get(row, "parent_id")));
    json_decref(row);
    assert_int_equal(org_get(f->db, 9999, &row), STORE_NOTFOUND);

    /* the county of a school, and of the county itself */
    const char *school_path = path_of(f, school);
    assert_int_equal(org_ancestor_of_level(f->db, school_path, "county", &row), STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(row, "id")), county);
    json_decref(row);
    assert_int_equal(org_ancestor_of_level(f->db, path_of(f, county), "county", &row), STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(row, "id")), county);
    json_decref(row);
    assert_int_equal(org_ancestor_of_level(f->db, path_of(f, high), "town", &row), STORE_NOTFOUND);
    assert_int_equal(org_ancestor_of_level(f->db, "bogus", "county", &row), STORE_NOTFOUND);

    /* subtree of the county: county, town, two schools */
    assert_int_equal(subtree_count(f, path_of(f, county)), 4);
    assert_int_equal(subtree_count(f, path_of(f, province)), 6);
}

static void test_create_rules(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_begin(f->db), STORE_OK);
    int64_t county = mk(f->db, 0, "county", "长葛市", NULL);
    int64_t town = mk(f->db, county, "town", "大周镇", "乡镇");
    int64_t school = mk(f->db, town, "school", "大周镇中心小学", NULL);
    const char *why = NULL;
    int64_t id = 0;

    assert_int_equal(org_create(f->db, school, "school", "教学点", NULL, &id, NULL), STORE_CONSTRAINT);
    assert_int_equal(org_validate(f->db, school, "school", "教学点", NULL, &why), STORE_CONSTRAINT);
    assert_non_null(strstr(why, "层级"));
    assert_int_equal(org_create(f->db, town, "county", "x", NULL, &id, NULL), STORE_CONSTRAINT);
    assert_int_equal(org_create(f->db, county, "village", "x", NULL, &id, NULL), STORE_CONSTRAINT);
    assert_int_equal(org_create(f->db, county, "town", "x", "村", &id, NULL), STORE_CONSTRAINT);
    assert_int_equal(org_create(f->db, county, "school", "x", "街道", &id, NULL), STORE_CONSTRAINT);
    assert_int_equal(org_validate(f->db, county, "school", "x", "街道", &why), STORE_CONSTRAINT);
    assert_non_null(strstr(why, "类别"));
    assert_int_equal(org_create(f->db, county, "school", "  ", NULL, &id, NULL), STORE_CONSTRAINT);
    assert_int_equal(org_create(f->db, county, "school", NULL, NULL, &id, NULL), STORE_CONSTRAINT);
    assert_int_equal(org_create(f->db, 4242, "school", "x", NULL, &id, NULL), STORE_NOTFOUND);
    assert_int_equal(org_validate(f->db, 4242, "school", "x", NULL, &why), STORE_NOTFOUND);
    assert_string_equal(why, "上级单位不存在");
    assert_int_equal(org_validate(f->db, town, "school", "新学校", NULL, &why), STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);

    /* nothing was written by the refused calls */
    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM org_units", NULL, 0, &n), STORE_OK);
    assert_int_equal(n, 3);
    /* no pending path is left behind */
    assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM org_units WHERE path >= '~'", NULL, 0, &n),
                     STORE_OK);
    assert_int_equal(n, 0);
    assert_string_equal(org_level_label("town"), "街道/乡镇");
    assert_null(org_level_label("x"));
}

static void test_scope_upper_and_ids(void **state)
{
    fixture *f = *state;
    assert_string_equal(org_scope_upper(f->a, "/1/3/"), "/1/30");
    assert_string_equal(org_scope_upper(f->a, "/"), "0");
    assert_null(org_scope_upper(f->a, ""));
    assert_null(org_scope_upper(f->a, NULL));

    int64_t ids[4];
    assert_int_equal(org_path_ids("/1/3/17/", ids, 4), 3);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 3);
    assert_int_equal(ids[2], 17);
    assert_int_equal(org_path_ids("/", ids, 4), 0);
    assert_int_equal(org_path_ids("/1/2/3/4/5/", ids, 4), -1);
    assert_int_equal(org_path_ids("/1/x/", ids, 4), -1);
    assert_int_equal(org_path_ids("/1/3", ids, 4), -1);
    assert_int_equal(org_path_ids("1/3/", ids, 4), -1);
    assert_int_equal(org_path_ids("//", ids, 4), -1);
    assert_int_equal(org_path_ids(NULL, ids, 4), -1);
}

/* /1/3/ and /1/30/ are siblings: the subtree of 3 must not include 30's. */
static void test_prefix_siblings(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_begin(f->db), STORE_OK);
    int64_t root = mk(f->db, 0, "county", "长葛市", NULL);
    assert_int_equal(root, 1);
    for (int i = 2; i <= 31; i++) {
        char name[32];
        snprintf(name, sizeof name, "镇%d", i);
        assert_int_equal(mk(f->db, root, "town", name, "乡镇"), i);
    }
    mk(f->db, 3, "school", "三号镇小学", NULL);
    mk(f->db, 3, "school", "三号镇中学", NULL);
    mk(f->db, 30, "school", "三十号镇小学", NULL);
    mk(f->db, 31, "school", "三十一号镇小学", NULL);
    assert_int_equal(db_commit(f->db), STORE_OK);

    assert_string_equal(path_of(f, 3), "/1/3/");
    assert_string_equal(path_of(f, 30), "/1/30/");
    sval p[] = {SV_T("/1/3/"), SV_T(org_scope_upper(f->a, "/1/3/"))};
    json_t *rows = NULL;
    assert_int_equal(db_query(f->db, "SELECT id, name, path FROM org_units WHERE path >= ? AND path < ? "
                                     "ORDER BY path", p, 2, &rows),
                     STORE_OK);
    assert_int_equal(json_array_size(rows), 3);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *path = json_string_value(json_object_get(row, "path"));
        assert_int_equal(strncmp(path, "/1/3/", 5), 0);
    }
    json_decref(rows);
    assert_int_equal(subtree_count(f, "/1/30/"), 2);
    assert_int_equal(subtree_count(f, "/1/"), 35);
}

/* 100,000 units in one transaction; subtree counts stay exact. */
static void test_large_tree(void **state)
{
    fixture *f = *state;
    enum { CITIES = 5, COUNTIES_PER_CITY = 10, TOWNS_PER_COUNTY = 20, TOTAL = 100000 };
    enum { COUNTIES = CITIES * COUNTIES_PER_CITY, TOWNS = COUNTIES * TOWNS_PER_COUNTY };
    static int64_t county_ids[COUNTIES], town_ids[TOWNS];
    static int64_t county_size[COUNTIES], city_size[CITIES];
    int64_t city_ids[CITIES];

    assert_int_equal(db_begin(f->db), STORE_OK);
    int64_t province = mk(f->db, 0, "province", "省", NULL);
    int64_t made = 1;
    for (int c = 0; c < CITIES; c++) {
        city_ids[c] = mk(f->db, province, "city", "市", NULL);
        city_size[c] = 1;
        made++;
        for (int k = 0; k < COUNTIES_PER_CITY; k++) {
            int ci = c * COUNTIES_PER_CITY + k;
            county_ids[ci] = mk(f->db, city_ids[c], "county", "县", NULL);
            county_size[ci] = 1;
            made++;
            for (int t = 0; t < TOWNS_PER_COUNTY; t++) {
                town_ids[ci * TOWNS_PER_COUNTY + t] = mk(f->db, county_ids[ci], "town", "镇", "乡镇");
                county_size[ci]++;
                made++;
            }
        }
    }
    for (int64_t i = 0; made < TOTAL; i++, made++) {
        int t = (int)(i % TOWNS);
        mk(f->db, town_ids[t], "school", "学校", NULL);
        county_size[t / TOWNS_PER_COUNTY]++;
    }
    assert_int_equal(db_commit(f->db), STORE_OK);
    for (int ci = 0; ci < COUNTIES; ci++)
        city_size[ci / COUNTIES_PER_CITY] += county_size[ci];

    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM org_units", NULL, 0, &n), STORE_OK);
    assert_int_equal(n, TOTAL);
    assert_int_equal(subtree_count(f, path_of(f, province)), TOTAL);
    for (int c = 0; c < CITIES; c++)
        assert_int_equal(subtree_count(f, path_of(f, city_ids[c])), city_size[c]);
    for (int ci = 0; ci < COUNTIES; ci += 7)
        assert_int_equal(subtree_count(f, path_of(f, county_ids[ci])), county_size[ci]);
    int64_t town_size = 0;
    sval p[] = {SV_I(town_ids[0])};
    assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM org_units WHERE parent_id = ?", p, 1,
                                  &town_size),
                     STORE_OK);
    assert_int_equal(subtree_count(f, path_of(f, town_ids[0])), town_size + 1);

    /* the range uses the path index */
    json_t *plan = NULL;
    sval q[] = {SV_T("/1/2/"), SV_T("/1/20")};
    assert_int_equal(db_query(f->db, "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM org_units "
                                     "WHERE path >= ? AND path < ?", q, 2, &plan),
                     STORE_OK);
    const char *detail = json_string_value(json_object_get(json_array_get(plan, 0), "detail"));
    assert_non_null(detail);
    assert_non_null(strstr(detail, "INDEX"));
    json_decref(plan);
}

/* ---- the routes, called directly with a request context ---- */

static route_fn org_route(const char *pattern)
{
    for (const route *rt = org_routes; rt->method; rt++)
        if (strcmp(rt->pattern, pattern) == 0)
            return rt->fn;
    fail_msg("no route %s", pattern);
    return NULL;
}

static json_t *call(fixture *f, const char *pattern, const user_ctx *u, int *status)
{
    req r = {.a = f->a, .db = f->db, .method = "GET", .path = pattern, .ip = "127.0.0.1", .user = u};
    org_route(pattern)(&r);
    assert_int_equal(r.replied, 1);
    *status = r.status;
    json_error_t jerr;
    json_t *body = json_loadb(r.reply_body, r.reply_len, 0, &jerr);
    free(r.reply_body);
    assert_non_null(body);
    return body;
}

static void test_routes_scope(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_begin(f->db), STORE_OK);
    int64_t city = mk(f->db, 0, "city", "许昌市", NULL);
    int64_t cg = mk(f->db, city, "county", "长葛市", NULL);
    int64_t yz = mk(f->db, city, "county", "禹州市", NULL);
    int64_t town = mk(f->db, cg, "town", "大周镇", "乡镇");
    int64_t school = mk(f->db, town, "school", "大周镇中心小学", NULL);
    mk(f->db, yz, "town", "钧台街道", "街道");
    sval d1[] = {SV_I(cg), SV_T("jj"), SV_T("基础教育股"), SV_T("schools,stats")};
    sval d2[] = {SV_I(yz), SV_T("aq"), SV_T("安全稳定股"), SV_T("safety")};
    assert_int_equal(db_exec(f->db, "INSERT INTO departments (org_id, code, name, modules) "
                                    "VALUES (?, ?, ?, ?)", d1, 4), STORE_OK);
    assert_int_equal(db_exec(f->db, "INSERT INTO departments (org_id, code, name, modules) "
                                    "VALUES (?, ?, ?, ?)", d2, 4), STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);

    user_ctx county_admin = {.id = 1, .username = "admin", .role = "admin", .scope_org_id = cg,
                             .scope_path = path_of(f, cg)};
    int status = 0;
    json_t *body = call(f, "/api/orgs", &county_admin, &status);
    assert_int_equal(status, 200);
    json_t *items = json_object_get(body, "items");
    assert_int_equal(json_array_size(items), 3);  /* 长葛市, 大周镇, its school */
    json_t *first = json_array_get(items, 0);
    assert_int_equal(json_integer_value(json_object_get(first, "id")), cg);
    assert_string_equal(json_string_value(json_object_get(first, "level")), "county");
    assert_non_null(json_object_get(first, "parent_id"));
    assert_non_null(json_object_get(first, "kind"));
    assert_non_null(json_object_get(first, "path"));
    json_decref(body);

    /* a 学校管理员 sees their school only, and the county's departments */
    user_ctx school_admin = {.id = 2, .username = "s1", .role = "school", .scope_org_id = school,
                             .scope_path = path_of(f, school), .school_id = 1};
    body = call(f, "/api/orgs", &school_admin, &status);
    assert_int_equal(status, 200);
    items = json_object_get(body, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), school);
    json_decref(body);

    body = call(f, "/api/departments", &school_admin, &status);
    assert_int_equal(status, 200);
    items = json_object_get(body, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "code")), "jj");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "modules")),
                        "schools,stats");
    json_decref(body);

    /* the city leader sees both counties' departments */
    user_ctx city_leader = {.id = 3, .username = "leader", .role = "leader", .scope_org_id = city,
                            .scope_path = path_of(f, city)};
    body = call(f, "/api/departments", &city_leader, &status);
    assert_int_equal(status, 200);
    assert_int_equal(json_array_size(json_object_get(body, "items")), 2);
    json_decref(body);
    body = call(f, "/api/orgs", &city_leader, &status);
    assert_int_equal(json_array_size(json_object_get(body, "items")), 6);
    json_decref(body);

    /* an unknown role may read nothing */
    user_ctx bogus = {.id = 4, .username = "x", .role = "nobody", .scope_org_id = city,
                      .scope_path = path_of(f, city)};
    body = call(f, "/api/orgs", &bogus, &status);
    assert_int_equal(status, 403);
    json_decref(body);
}

int main(void)
{
    log_set_quiet(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tree_and_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope_upper_and_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prefix_siblings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routes_scope, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
