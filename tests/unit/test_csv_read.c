/*
 * test_csv_read.c - the CSV reader: UTF-8 with and without BOM, GBK bytes
 * as Chinese Excel saves them, RFC 4180 quoting (commas, doubled quotes,
 * line breaks inside quotes), CRLF, blank lines, limits and refusals (bytes
 * that are neither UTF-8 nor GBK, UTF-16, NUL, an open quote), and a file
 * read in chunks as it reads in a buffer. Each read is
 * flattened to "CSV!row: a|b|~" lines (~ for an empty cell) and compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "io/csv_read.h"
#include "util/strbuf.h"

/* Collect every row (ctx: a strbuf). */
static int test_collect_all(void *ctx, const char *sheet, long row, int ncells,
                            const char *const *cells)
{
    strbuf *out = ctx;
    sb_appendf(out, "%s!%ld:", sheet, row);
    for (int i = 0; i < ncells; i++)
        sb_appendf(out, "%s%s", i ? "|" : " ", cells[i] ? cells[i] : "~");
    sb_appendc(out, '\n');
    return 0;
}

/* The same, stopping with 5 at row 99. */
static int test_collect(void *ctx, const char *sheet, long row, int ncells,
                        const char *const *cells)
{
    test_collect_all(ctx, sheet, row, ncells, cells);
    return row == 99 ? 5 : 0;
}

#define TEST_BYTES(s) s, sizeof s - 1

static void test_expect_rows_lim(const char *data, size_t len, const table_limits *lim,
                                 const char *want)
{
    strbuf out = STRBUF_INIT;
    char *err = NULL;
    int rc = csv_read(data, len, lim, test_collect, &out, &err);
    if (err)
        print_error("unexpected error: %s\n", err);
    assert_null(err);
    assert_int_equal(rc, 0);
    assert_string_equal(sb_str(&out), want);
    sb_free(&out);
}

static void test_expect_rows(const char *data, size_t len, const char *want)
{
    test_expect_rows_lim(data, len, NULL, want);
}

static void test_expect_error(const char *data, size_t len, const table_limits *lim, const char *want)
{
    strbuf out = STRBUF_INIT;
    char *err = NULL;
    assert_int_equal(csv_read(data, len, lim, test_collect, &out, &err), -1);
    assert_non_null(err);
    if (!strstr(err, want))
        print_error("error \"%s\" lacks \"%s\"\n", err, want);
    assert_non_null(strstr(err, want));
    free(err);
    sb_free(&out);
}

static void test_utf8(void **state)
{
    (void)state;
    static const char want[] = "CSV!1: 学校名称|班级数\nCSV!2: 长葛市第一小学|24\n";
    test_expect_rows(TEST_BYTES("学校名称,班级数\n长葛市第一小学,24\n"), want);
    test_expect_rows(TEST_BYTES("\xef\xbb\xbf学校名称,班级数\r\n长葛市第一小学,24\r\n"), want);
    /* no final newline; a lone CR ends a record too */
    test_expect_rows(TEST_BYTES("学校名称,班级数\r长葛市第一小学,24"), want);
    test_expect_rows("", 0, "");
    test_expect_rows(TEST_BYTES("\xef\xbb\xbf"), "");
}

static void test_gbk(void **state)
{
    (void)state;
    /* "学校,班级数\r\n一中,12\r\n" as Chinese Excel saves it (GBK) */
    test_expect_rows(TEST_BYTES("\xd1\xa7\xd0\xa3,\xb0\xe0\xbc\xb6\xca\xfd\r\n"
                                "\xd2\xbb\xd6\xd0,12\r\n"),
                     "CSV!1: 学校|班级数\nCSV!2: 一中|12\n");
    /* a quoted GBK field with a comma and a doubled quote */
    test_expect_rows(TEST_BYTES("\"\xd2\xbb,\"\"\xd6\xd0\"\"\",1\n"), "CSV!1: 一,\"中\"|1\n");
    /* GBK that happens to be valid UTF-8 (D1 A7 D0 A3, 学校) reads as UTF-8:
     * no reader can tell; real files are longer and give themselves away */
    test_expect_rows(TEST_BYTES("\xd1\xa7\xd0\xa3\n"), "CSV!1: \xd1\xa7\xd0\xa3\n");
}

static void test_quoting_and_blank_rows(void **state)
{
    (void)state;
    test_expect_rows(TEST_BYTES("名称,备注,人数\r\n"
                                "\"一中,城区\",\"第一行\r\n第二行\",\"3\"\r\n"
                                "\r\n"
                                ",,\r\n"
                                "\"\",\"说\"\"好\"\"的\",\r\n"
                                "\"引号\"后文,x\"y,\r\n"
                                "\n"),
                     "CSV!1: 名称|备注|人数\n"
                     "CSV!2: 一中,城区|第一行\r\n第二行|3\n"
                     "CSV!5: ~|说\"好\"的\n"
                     "CSV!6: 引号后文|x\"y\n");
    /* trailing comma at the very end of the file */
    test_expect_rows(TEST_BYTES("a,"), "CSV!1: a\n");
    /* the callback's non-zero value stops the reading */
    strbuf out = STRBUF_INIT;
    strbuf data = STRBUF_INIT;
    for (int i = 1; i <= 120; i++)
        sb_appendf(&data, "%d\n", i);
    char *err = NULL;
    assert_int_equal(csv_read(data.buf, data.len, NULL, test_collect, &out, &err), 5);
    assert_null(err);
    assert_non_null(strstr(sb_str(&out), "CSV!99: 99\n"));
    assert_null(strstr(sb_str(&out), "CSV!100:"));
    sb_free(&out);
    sb_free(&data);
}

static void test_refusals(void **state)
{
    (void)state;
    /* 0xff is neither UTF-8 nor GB18030 */
    test_expect_error(TEST_BYTES("名称\n一中\n\xff\xff,1\n"), NULL,
                      "既不是有效的 UTF-8，也不是有效的 GBK（第 3 行，第 15 字节）");
    test_expect_error(TEST_BYTES("\xd1\xa7\n\xd0"), NULL, "也不是有效的 GBK（第 2 行，第 4 字节）");
    test_expect_error(TEST_BYTES("\xef\xbb\xbf名称\n\xb0\xe0\n"), NULL,
                      "文件以 UTF-8 标记开头，但第 2 行（第 11 字节）不是有效的 UTF-8");
    test_expect_error(TEST_BYTES("\xff\xfe\x0d\x54"), NULL, "不支持 UTF-16");
    test_expect_error(TEST_BYTES("a,b\nc\0d\n"), NULL, "第 2 行含有空字符");
    test_expect_error(TEST_BYTES("a,b\n\"c,d\n"), NULL, "第 2 行的引号没有闭合");
    /* an overlong UTF-8 form is not UTF-8: it reads as GBK (蜡); a UTF-8
     * surrogate is not GBK either */
    test_expect_rows(TEST_BYTES("\xc0\xaf"), "CSV!1: 蜡\n");
    test_expect_error(TEST_BYTES("\xed\xa0\x80"), NULL, "不是有效的 GBK（第 1 行，第 3 字节）");

    table_limits lim;
    table_limits_default(&lim);
    lim.max_cols = 2;
    test_expect_rows_lim(TEST_BYTES("a,b,,,\n"), &lim, "CSV!1: a|b\n");    /* empty cells beyond are fine */
    test_expect_error(TEST_BYTES("a,b\nc,d,e\n"), &lim, "第 2 行超过 2 列的上限");
    table_limits_default(&lim);
    lim.max_rows = 2;
    test_expect_error(TEST_BYTES("a\nb\nc\n"), &lim, "文件超过 2 行的上限");
    table_limits_default(&lim);
    lim.max_file = 3;
    test_expect_error(TEST_BYTES("a,b\n"), &lim, "文件过大");
}

/* A file of rows long enough to cross the reader's chunks at every kind of
 * place (inside quotes, between CR and LF, inside a GBK character): the
 * file reads exactly as the same bytes in a buffer and as built. */
static void test_file_in_chunks(void **state)
{
    (void)state;
    for (int gbk = 0; gbk <= 1; gbk++) {
        strbuf data = STRBUF_INIT, want = STRBUF_INIT;
        /* 班级 in UTF-8 or GBK (not UTF-8 at all); the rows are always UTF-8 */
        const char *school = gbk ? "\xb0\xe0\xbc\xb6" : "班级";
        if (!gbk)
            sb_append(&data, "\xef\xbb\xbf");
        for (int i = 1; i <= 40000; i++) {
            sb_appendf(&data, "%d,\"%s%d,\"\"x\"\"\r\n\",%s\r\n", i, school, i, i % 7 ? "" : "y");
            sb_appendf(&want, "CSV!%d: %d|班级%d,\"x\"\r\n%s\n", i, i, i, i % 7 ? "" : "|y");
        }
        char path[] = "/tmp/test_csv_read_XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data.buf, data.len), (ssize_t)data.len);
        close(fd);
        table_limits lim;
        table_limits_default(&lim);
        lim.max_rows = 100000;
        strbuf out = STRBUF_INIT;
        char *err = NULL;
        int rc = csv_read_file(path, &lim, test_collect_all, &out, &err);
        if (err)
            print_error("unexpected error: %s\n", err);
        assert_int_equal(rc, 0);
        assert_string_equal(sb_str(&out), sb_str(&want));
        sb_reset(&out);
        assert_int_equal(csv_read(data.buf, data.len, &lim, test_collect_all, &out, &err), 0);
        assert_string_equal(sb_str(&out), sb_str(&want));
        /* a bad byte far into the file is found before any row is delivered */
        data.buf[data.len - 3] = '\xff';
        fd = open(path, O_WRONLY | O_TRUNC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data.buf, data.len), (ssize_t)data.len);
        close(fd);
        sb_reset(&out);
        assert_int_equal(csv_read_file(path, &lim, test_collect_all, &out, &err), -1);
        assert_non_null(err);
        if (!strstr(err, "第 80000 行"))   /* two lines per record: the quoted CRLF */
            print_error("error: %s\n", err);
        assert_non_null(strstr(err, "第 80000 行"));
        assert_int_equal(out.len, 0);
        free(err);
        unlink(path);
        sb_free(&out);
        sb_free(&data);
        sb_free(&want);
    }
    char *err = NULL;
    assert_int_equal(csv_read_file("/nonexistent/x.csv", NULL, test_collect_all, NULL, &err), -1);
    assert_non_null(strstr(err, "无法打开文件 /nonexistent/x.csv"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_gbk),
        cmocka_unit_test(test_quoting_and_blank_rows),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_file_in_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
