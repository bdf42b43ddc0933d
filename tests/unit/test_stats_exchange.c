/*
 * test_stats_exchange.c - the 基表 exchange (domain/stats_exchange.c):
 * header matching with and without the unit, the problem text, and on a
 * small database the round trip at function level: the export workbook
 * imports back with zero changes; three values changed since the export
 * give exactly three changes; apply writes them (audited) and a second
 * apply of the same preview is refused as stale; a CSV with problems
 * gives the exact list; a school administrator only imports their row; the
 * file API reads a file as the buffer API reads its bytes.
 *
 * Tree: 河南省 > 许昌市 > 长葛市 (county) > 大周镇 (town) > 小学 A, 小学 B,
 * 初中 C. Year 2021, the catalogue of migrations/006.
 */
#include "fixture.h"

#include "domain/stats.h"
#include "domain/stats_exchange.h"
#include "io/xlsx_read.h"
#include "util/log.h"
#include "util/strbuf.h"

#define YEAR 2021

typedef struct fixture {
    fx_store st;
    store_db *db;
    arena *a;
    fx_tree tree;
    int64_t school_a, school_b, school_c;
    char path_a[48];
} fixture;

static void fx_save(fixture *f, int64_t school, json_t *values)
{
    refusal e = {0};
    int rc = stats_record_save(f->db, NULL, NULL, school, YEAR, values, NULL, 0, &e);
    if (rc != STORE_OK)
        fail_msg("stats_record_save: %d %s", rc, e.status ? e.message : db_errmsg(f->db));
    json_decref(values);
}

static int fx_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    log_set_quiet(1);
    f->db = fx_store_open(&f->st, "exch");
    f->a = arena_new();
    assert_int_equal(db_begin(f->db), STORE_OK);
    fx_tree_build(f->db, &f->tree);
    f->school_a = fx_school(f->db, f->tree.town, "4110820001", "大周镇第一小学", "小学", f->path_a);
    f->school_b = fx_school(f->db, f->tree.town, "4110820002", "大周镇第二小学", "小学", NULL);
    f->school_c = fx_school(f->db, f->tree.town, "4110820003", "大周镇初级中学", "初中", NULL);
    fx_save(f, f->school_a, json_pack("{si si sb ss sf}", "books", 12000, "computers", 80,
                                      "has_canteen", 1, "lunch_mode", "自办食堂",
                                      "building_area", 5230.5));
    fx_save(f, f->school_b, json_pack("{si si}", "books", 3000, "computers", 20));
    fx_save(f, f->school_c, json_pack("{si}", "books", 9000));
    assert_int_equal(db_commit(f->db), STORE_OK);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    fixture *f = *state;
    arena_free(f->a);
    fx_store_close(&f->st);
    free(f);
    return 0;
}

/* User 99, named after its role. */
static user_ctx role_user(const char *role, const char *scope, const char *modules, int64_t school)
{
    return fx_user(99, role, role, scope, modules, school);
}

/* The whole 2021 workbook as the command line exports it. */
static void fx_export(fixture *f, char **data, size_t *len)
{
    refusal e = {0};
    stats_export_filter filter = {YEAR, NULL, 0, NULL, 0};
    int rc = stats_export_workbook(f->db, f->a, NULL, &filter, data, len, &e);
    if (rc != STORE_OK)
        fail_msg("export: %d %s", rc, e.status ? e.message : db_errmsg(f->db));
}

static void fx_import(fixture *f, const user_ctx *u, const void *data, size_t len,
                      stats_import_result *res)
{
    stats_import_opts o = {.year = YEAR, .u = u, .keep_changes = 1};
    assert_int_equal(stats_import_run(f->db, &o, data, len, res), STORE_OK);
}

static double fx_value(fixture *f, int64_t school, const char *key)
{
    json_t *rec = NULL;
    assert_int_equal(stats_record_load(f->db, school, YEAR, &rec), STORE_OK);
    double d = json_number_value(json_object_get(json_object_get(rec, "values"), key));
    json_decref(rec);
    return d;
}

/* ---------------------------------------------------------------- tests */

static void test_match_header(void **state)
{
    fixture *f = *state;
    json_t *fields = NULL;
    assert_int_equal(stats_fields(f->db, YEAR, "小学", &fields), STORE_OK);
    const char *const books[] = {"图书", "图书（册）", "图书(册)", " 图书 （册） ", "　图书（册）",
                                 "books", NULL};
    for (int i = 0; books[i]; i++) {
        json_t *m = stats_exchange_match_header(fields, books[i]);
        assert_non_null(m);
        assert_string_equal(json_string_value(json_object_get(m, "key")), "books");
    }
    /* a field without a unit matches by its label */
    json_t *m = stats_exchange_match_header(fields, "有食堂");
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "key")), "has_canteen");
    assert_null(stats_exchange_match_header(fields, "图书数量"));
    assert_null(stats_exchange_match_header(fields, "图书（台）"));
    assert_null(stats_exchange_match_header(fields, ""));
    assert_null(stats_exchange_match_header(fields, "学校标识码"));
    json_decref(fields);
}

static void test_problem_text(void **state)
{
    (void)state;
    json_t *p = json_pack("{ss si ss ss ss}", "sheet", "小学", "row", 4, "column", "图书（册）",
                          "value", "很多", "reason", "应为非负整数");
    char *text = stats_import_problem_text(p);
    assert_string_equal(text, "工作表「小学」第 4 行「图书（册）」值「很多」：应为非负整数");
    free(text);
    json_decref(p);
    p = json_pack("{sn sn sn sn ss}", "sheet", "row", "column", "value", "reason", "文件已损坏");
    text = stats_import_problem_text(p);
    assert_string_equal(text, "文件已损坏");
    free(text);
    json_decref(p);
}

/* Row callback of the check below: count sheets and remember the headers. */
typedef struct wb_seen {
    char sheets[4][64];
    int nsheets;
    long rows;
    int has_books_header;
} wb_seen;

static int wb_row(void *ctx, const char *sheet, long row, int ncells, const char *const *cells)
{
    wb_seen *w = ctx;
    if (w->nsheets == 0 || strcmp(w->sheets[w->nsheets - 1], sheet) != 0) {
        if (w->nsheets < 4)
            snprintf(w->sheets[w->nsheets++], 64, "%s", sheet);
    }
    if (row == 1) {
        assert_true(ncells > 2);
        assert_string_equal(cells[0], "学校标识码");
        assert_string_equal(cells[1], "学校名称");
        for (int c = 2; c < ncells; c++)
            w->has_books_header |= cells[c] && strcmp(cells[c], "图书（册）") == 0;
    } else {
        w->rows++;
    }
    return 0;
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    char *data = NULL;
    size_t len = 0;
    fx_export(f, &data, &len);

    /* one sheet per type in form order, header with units, a row per school */
    wb_seen w;
    memset(&w, 0, sizeof w);
    char *err = NULL;
    assert_int_equal(xlsx_read(data, len, NULL, wb_row, &w, &err), 0);
    assert_int_equal(w.nsheets, 2);
    assert_string_equal(w.sheets[0], "小学");
    assert_string_equal(w.sheets[1], "初中");
    assert_int_equal(w.rows, 3);
    assert_true(w.has_books_header);

    /* imports back unchanged */
    stats_import_result res;
    fx_import(f, NULL, data, len, &res);
    assert_int_equal(res.nproblems, 0);
    assert_int_equal(res.nchanges, 0);
    assert_int_equal(json_array_size(res.changes), 0);
    assert_int_equal(res.schools, 3);
    assert_int_equal(res.unchanged, 3);
    stats_import_result_free(&res);

    /* three values changed since the export: the file changes exactly them back */
    assert_int_equal(db_begin(f->db), STORE_OK);
    fx_save(f, f->school_a, json_pack("{si sb}", "books", 12001, "has_canteen", 0));
    fx_save(f, f->school_c, json_pack("{si si}", "books", 9001, "computers", 5));
    assert_int_equal(db_commit(f->db), STORE_OK);
    fx_import(f, NULL, data, len, &res);
    assert_int_equal(res.nproblems, 0);
    /* computers of C was empty in the file: an empty cell changes nothing */
    assert_int_equal(res.nchanges, 3);
    assert_int_equal(json_array_size(res.changes), 3);
    assert_int_equal(res.unchanged, 1);
    json_t *c0 = json_array_get(res.changes, 0);
    assert_int_equal(json_integer_value(json_object_get(c0, "school_id")), f->school_a);
    assert_string_equal(json_string_value(json_object_get(c0, "field")), "books");
    assert_string_equal(json_string_value(json_object_get(c0, "label")), "图书");
    assert_string_equal(json_string_value(json_object_get(c0, "school_name")), "大周镇第一小学");
    assert_int_equal((int)json_number_value(json_object_get(c0, "old")), 12001);
    assert_int_equal((int)json_number_value(json_object_get(c0, "new")), 12000);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res.changes, 1), "field")),
                        "has_canteen");

    /* apply them in one transaction, audited */
    int64_t audits_before = 0, audits_after = 0;
    assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM audit_log", NULL, 0, &audits_before),
                     STORE_OK);
    refusal e = {0};
    long applied = 0;
    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(stats_import_apply(f->db, f->a, NULL, NULL, YEAR, res.changes, &applied, &e),
                     STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    assert_int_equal(applied, 3);
    assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM audit_log", NULL, 0, &audits_after),
                     STORE_OK);
    assert_int_equal(audits_after - audits_before, 2);  /* one row per record */
    assert_true(fx_value(f, f->school_a, "books") == 12000);
    assert_true(fx_value(f, f->school_a, "has_canteen") == 1);
    assert_true(fx_value(f, f->school_c, "books") == 9000);
    assert_true(fx_value(f, f->school_c, "computers") == 5);

    /* the same preview again is stale: refused, naming the school */
    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(stats_import_apply(f->db, f->a, NULL, NULL, YEAR, res.changes, &applied, &e),
                     REFUSED);
    db_rollback(f->db);
    assert_int_equal(e.status, 409);
    assert_non_null(strstr(e.message, "大周镇第一小学"));
    stats_import_result_free(&res);

    /* and the export imports back unchanged again */
    fx_import(f, NULL, data, len, &res);
    assert_int_equal(res.nchanges, 0);
    stats_import_result_free(&res);
    free(data);
}

static void test_csv_problems(void **state)
{
    fixture *f = *state;
    const char *csv = "学校标识码,学校名称,图书（册）,计算机（台）,图书数量,有食堂\r\n"
                      "4110820001,大周镇第一小学,很多,3,,是\r\n"
                      ",,,,,\r\n"
                      "4199999999,不存在,1,,,\r\n"
                      "4110820001,大周镇第一小学,1,,,\r\n"
                      "4110820002,大周镇第二小学,3001,,,否\r\n";
    stats_import_result res;
    fx_import(f, NULL, csv, strlen(csv), &res);
    const char *expected[] = {
        "工作表「CSV」第 1 行「图书数量」值「图书数量」：未知的列：不是 2021 学年任何办学类型基表的项目",
        "工作表「CSV」第 2 行「图书（册）」值「很多」：应为非负整数",
        "工作表「CSV」第 4 行「学校标识码」值「4199999999」：没有这个学校标识码",
        "工作表「CSV」第 5 行「学校标识码」值「4110820001」：同一学校重复：已在工作表「CSV」第 2 行",
    };
    assert_int_equal(res.nproblems, 4);
    for (size_t i = 0; i < 4; i++) {
        char *text = stats_import_problem_text(json_array_get(res.problems, i));
        assert_string_equal(text, expected[i]);
        free(text);
    }
    /* the good row is still previewed (是/否 read as 1/0) */
    assert_int_equal(res.nchanges, 2);
    stats_import_result_free(&res);
}

static void test_scope(void **state)
{
    fixture *f = *state;
    const char *csv = "学校标识码,图书\n4110820001,12345\n4110820002,3000\n";
    user_ctx school = role_user(ROLE_SCHOOL, f->path_a, NULL, f->school_a);
    stats_import_result res;
    fx_import(f, &school, csv, strlen(csv), &res);
    assert_int_equal(res.nproblems, 1);
    json_t *p = json_array_get(res.problems, 0);
    assert_int_equal(json_integer_value(json_object_get(p, "row")), 3);
    assert_string_equal(json_string_value(json_object_get(p, "reason")),
                        "无权限：学校管理员只能导入本校的数据");
    stats_import_result_free(&res);

    /* a department without "stats" may import nothing */
    user_ctx dept = role_user(ROLE_DEPT, f->tree.county_path, "schools", 0);
    fx_import(f, &dept, csv, strlen(csv), &res);
    assert_int_equal(res.nproblems, 2);
    stats_import_result_free(&res);

    /* its own export: only its own row */
    char *data = NULL;
    size_t len = 0;
    refusal e = {0};
    stats_export_filter filter = {YEAR, NULL, 0, NULL, 0};
    assert_int_equal(stats_export_workbook(f->db, f->a, &school, &filter, &data, &len, &e), STORE_OK);
    fx_import(f, &school, data, len, &res);
    assert_int_equal(res.nproblems, 0);
    assert_int_equal(res.schools, 1);
    stats_import_result_free(&res);
    free(data);
}

/* More schools than the import reads one query each (32): the rest of the
 * type comes in one query, in the caller's scope; a record the bulk query
 * does not hold (its path outside the scope) is still read on its own. */
static void test_many_schools(void **state)
{
    fixture *f = *state;
    char code[32], name[64];
    assert_int_equal(db_begin(f->db), STORE_OK);
    for (int i = 0; i < 40; i++) {
        snprintf(code, sizeof code, "41108201%02d", i);
        snprintf(name, sizeof name, "大周镇第%d小学", i + 10);
        int64_t id = fx_school(f->db, f->tree.town, code, name, "小学", NULL);
        fx_save(f, id, i % 3 == 0 ? json_pack("{si sf ss}", "books", 100 + i, "building_area", 10.25 + i,
                                              "lunch_mode", i % 2 ? "自办食堂" : "无")
                                  : json_pack("{si}", "books", 100 + i));
    }
    /* the last school's record carries a path outside every scope */
    assert_int_equal(db_exec(f->db, "UPDATE stat_records SET path = 'elsewhere/' WHERE school_id = "
                                    "(SELECT id FROM schools WHERE code = '4110820139')", NULL, 0),
                     STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);

    /* the export reads back unchanged, by the command line and by the county */
    char *data = NULL;
    size_t len = 0;
    fx_export(f, &data, &len);
    user_ctx county = role_user(ROLE_ADMIN, f->tree.county_path, NULL, 0);
    const user_ctx *users[] = {NULL, &county};
    for (int k = 0; k < 2; k++) {
        stats_import_result res;
        fx_import(f, users[k], data, len, &res);
        assert_int_equal(res.nproblems, 0);
        assert_int_equal(res.nchanges, 0);
        assert_int_equal(res.schools, 43);
        assert_int_equal(res.unchanged, 43);
        stats_import_result_free(&res);
    }
    free(data);

    /* changes late in the file show the stored values as old */
    strbuf csv = STRBUF_INIT;
    sb_append(&csv, "学校标识码,图书,午餐供餐方式\n");
    for (int i = 0; i < 40; i++)
        sb_appendf(&csv, "41108201%02d,%d,%s\n", i, 100 + i + (i == 36 || i == 39),
                   i == 36 ? "自办食堂" : "");
    stats_import_result res;
    fx_import(f, &county, sb_str(&csv), csv.len, &res);
    assert_int_equal(res.nproblems, 0);
    assert_int_equal(res.nchanges, 3);
    json_t *c = json_array_get(res.changes, 0);
    assert_string_equal(json_string_value(json_object_get(c, "code")), "4110820136");
    assert_string_equal(json_string_value(json_object_get(c, "field")), "books");
    assert_int_equal(json_integer_value(json_object_get(c, "old")), 136);
    c = json_array_get(res.changes, 1);
    assert_string_equal(json_string_value(json_object_get(c, "field")), "lunch_mode");
    assert_string_equal(json_string_value(json_object_get(c, "old")), "无");
    c = json_array_get(res.changes, 2);
    assert_string_equal(json_string_value(json_object_get(c, "code")), "4110820139");
    assert_int_equal(json_integer_value(json_object_get(c, "old")), 139);
    assert_int_equal(json_integer_value(json_object_get(c, "new")), 140);
    stats_import_result_free(&res);
    sb_free(&csv);
}

static void test_apply_mode_and_locked(void **state)
{
    fixture *f = *state;
    const char *csv = "学校标识码,图书（册）\n4110820002,3333\n";
    stats_import_opts o = {.year = YEAR, .apply = 1};
    stats_import_result res;
    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(stats_import_run(f->db, &o, csv, strlen(csv), &res), STORE_OK);
    assert_int_equal(res.nproblems, 0);
    assert_int_equal(db_commit(f->db), STORE_OK);
    stats_import_result_free(&res);
    assert_true(fx_value(f, f->school_b, "books") == 3333);

    /* an approved record is a problem for its row, only when it would change */
    sval p[] = {SV_I(f->school_b)};
    assert_int_equal(db_exec(f->db, "UPDATE stat_records SET status = '已通过' WHERE school_id = ?",
                             p, 1),
                     STORE_OK);
    fx_import(f, NULL, csv, strlen(csv), &res);
    assert_int_equal(res.nproblems, 0);
    stats_import_result_free(&res);
    const char *changed = "学校标识码,图书（册）\n4110820002,3334\n";
    fx_import(f, NULL, changed, strlen(changed), &res);
    assert_int_equal(res.nproblems, 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res.problems, 0), "reason")),
                        "该校基表已通过审核（已锁定），不能修改");
    stats_import_result_free(&res);
}

static void test_empty_and_bad_files(void **state)
{
    fixture *f = *state;
    stats_import_result res;
    fx_import(f, NULL, "", 0, &res);
    assert_int_equal(res.nproblems, 1);
    stats_import_result_free(&res);
    const char junk[] = "PK\x03\x04 not a zip";
    fx_import(f, NULL, junk, sizeof junk - 1, &res);
    assert_int_equal(res.nproblems, 1);
    assert_true(json_is_null(json_object_get(json_array_get(res.problems, 0), "sheet")));
    stats_import_result_free(&res);
}

/* Write text to a new temporary file named in path. */
static void fx_write_file(char *path, const void *data, size_t len)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* stats_import_file reads the file as stats_import_run reads the bytes:
 * the export comes back unchanged, a CSV gives the same problems and
 * changes, a missing file is one problem. */
static void test_import_file(void **state)
{
    fixture *f = *state;
    char *data = NULL;
    size_t len = 0;
    fx_export(f, &data, &len);
    char book[] = "/tmp/test_stats_book_XXXXXX";
    fx_write_file(book, data, len);
    free(data);
    stats_import_opts o = {.year = YEAR, .keep_changes = 1};
    stats_import_result res;
    assert_int_equal(stats_import_file(f->db, &o, book, &res), STORE_OK);
    assert_int_equal(res.nproblems, 0);
    assert_int_equal(res.nchanges, 0);
    assert_int_equal(res.schools, 3);
    stats_import_result_free(&res);
    unlink(book);

    /* many rows of the same schools: one change, then each repeat a problem */
    strbuf csv = STRBUF_INIT;
    sb_append(&csv, "\xef\xbb\xbf学校标识码,图书（册）\r\n4110820002,3001\r\n");
    for (int i = 0; i < 3000; i++)
        sb_appendf(&csv, "%s,3001\r\n", i % 2 ? "4110820001" : "4110820002");
    char path[] = "/tmp/test_stats_csv_XXXXXX";
    fx_write_file(path, csv.buf, csv.len);
    assert_int_equal(stats_import_file(f->db, &o, path, &res), STORE_OK);
    assert_int_equal(res.nproblems, 2999);
    assert_int_equal(json_array_size(res.problems), STATS_IMPORT_MAX_PROBLEMS + 1);
    char *text = stats_import_problem_text(json_array_get(res.problems, 0));
    assert_string_equal(text, "工作表「CSV」第 3 行「学校标识码」值「4110820002」：同一学校重复：已在工作表「CSV」第 2 行");
    free(text);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(res.problems, STATS_IMPORT_MAX_PROBLEMS), "reason")),
                        "还有 1999 个问题未列出");
    assert_int_equal(res.nchanges, 2);     /* B's 图书 and A's (its first row) */
    stats_import_result_free(&res);
    stats_import_result same;
    assert_int_equal(stats_import_run(f->db, &o, csv.buf, csv.len, &same), STORE_OK);
    assert_int_equal(same.nproblems, 2999);
    assert_int_equal(same.nchanges, 2);
    stats_import_result_free(&same);
    unlink(path);
    sb_free(&csv);

    assert_int_equal(stats_import_file(f->db, &o, "/nonexistent/基表.csv", &res), STORE_OK);
    assert_int_equal(res.nproblems, 1);
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(res.problems, 0), "reason")),
                           "无法打开文件"));
    stats_import_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_match_header, fx_setup, fx_teardown),
        cmocka_unit_test(test_problem_text),
        cmocka_unit_test_setup_teardown(test_round_trip, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_csv_problems, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_scope, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_many_schools, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_apply_mode_and_locked, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_bad_files, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_import_file, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
