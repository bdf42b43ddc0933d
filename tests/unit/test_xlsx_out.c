/*
 * test_xlsx_out.c - xlsx_table writes a real workbook: a zip that libzip
 * opens, with the sheet and the Chinese header in the shared strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zip.h>

#include "zip_fixture.h"

#include "io/xlsx_out.h"

static const xlsx_col test_cols[] = {
    {"code", "学校标识码", 14, XLSX_TEXT},
    {"name", "学校名称", 30, XLSX_TEXT},
    {"pupils", "在校生数", 0, XLSX_INT},
    {"ratio", "占比", 0, XLSX_PERCENT},
    {"area", "面积", 0, XLSX_REAL},
    {NULL, NULL, 0, XLSX_TEXT},
};


static void test_workbook(void **state)
{
    (void)state;
    json_t *rows = json_pack("[{s:s, s:s, s:i, s:f, s:f}, {s:s, s:s, s:s, s:n}, {s:s}]",
                             "code", "4110820001", "name", "长葛市第一高级中学", "pupils", 3200,
                             "ratio", 0.25, "area", 120.5,
                             "code", "4110820002", "name", "长葛市实验中学", "pupils", "不详", "ratio",
                             "name", "只有名称");
    assert_non_null(rows);
    char *out = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(xlsx_table("学校名单", test_cols, rows, &out, &len, &err), 0);
    assert_null(err);
    assert_non_null(out);
    assert_true(len > 100);
    assert_memory_equal(out, "PK", 2);

    char *sheet = fx_zip_member(out, len, "xl/worksheets/sheet1.xml");
    assert_non_null(sheet);
    assert_non_null(strstr(sheet, "autoFilter"));
    assert_non_null(strstr(sheet, "ySplit=\"1\""));
    assert_non_null(strstr(sheet, "<v>3200</v>"));
    free(sheet);
    char *strings = fx_zip_member(out, len, "xl/sharedStrings.xml");
    assert_non_null(strings);
    assert_non_null(strstr(strings, "学校标识码"));
    assert_non_null(strstr(strings, "长葛市第一高级中学"));
    assert_non_null(strstr(strings, "不详"));  /* text in a number column stays text */
    free(strings);
    char *book = fx_zip_member(out, len, "xl/workbook.xml");
    assert_non_null(book);
    assert_non_null(strstr(book, "学校名单"));
    free(book);
    free(out);
    json_decref(rows);
}

static void test_empty_and_odd_title(void **state)
{
    (void)state;
    json_t *rows = json_array();
    char *out = NULL, *err = NULL;
    size_t len = 0;
    /* A title with characters Excel forbids in sheet names, and too long. */
    const char *title = "审计日志[2021/09]:一二三四五六七八九十一二三四五六七八九十";
    assert_int_equal(xlsx_table(title, test_cols, rows, &out, &len, &err), 0);
    assert_memory_equal(out, "PK", 2);
    free(out);
    assert_int_equal(xlsx_table(NULL, test_cols, rows, &out, &len, &err), 0);
    free(out);
    assert_int_equal(xlsx_table("x", NULL, rows, &out, &len, &err), -1);
    assert_non_null(err);
    assert_null(out);
    free(err);
    json_decref(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workbook),
        cmocka_unit_test(test_empty_and_odd_title),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
