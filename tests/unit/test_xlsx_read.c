/*
 * test_xlsx_read.c - the streaming xlsx reader on workbooks written by
 * libxlsxwriter (shared and inline strings, numbers, dates, booleans, empty
 * and merged cells, two sheets) and on zips made here with libzip (missing r
 * attributes, rich text, merges over absent rows, 1904 dates), and its
 * refusals: DOCTYPE and entities, broken XML, a lying uncompressed size, a
 * zip bomb, non-zip bytes, limits; and the same workbook read from a file.
 * Each read is flattened to text lines
 * "sheet!row: a|b|~" (~ for an empty cell) and compared whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "io/xlsx_read.h"
#include "util/strbuf.h"

typedef struct test_rows {
    strbuf out;
    long stop_at;   /* return 7 at this row (0: never) */
} test_rows;

static int test_collect(void *ctx, const char *sheet, long row, int ncells,
                        const char *const *cells)
{
    test_rows *t = ctx;
    sb_appendf(&t->out, "%s!%ld:", sheet, row);
    for (int i = 0; i < ncells; i++)
        sb_appendf(&t->out, "%s%s", i ? "|" : " ", cells[i] ? cells[i] : "~");
    sb_appendc(&t->out, '\n');
    return t->stop_at && row == t->stop_at ? 7 : 0;
}

/* Read data; return the rows as text (malloced), *err the reader's error. */
static char *test_read(const void *data, size_t len, const table_limits *lim, int *rc, char **err)
{
    test_rows t = {STRBUF_INIT, 0};
    *rc = xlsx_read(data, len, lim, test_collect, &t, err);
    return sb_steal(&t.out);
}

/* ---- zips made by hand -------------------------------------------------- */

typedef struct test_part {
    const char *name;
    const char *text;
} test_part;

static const char test_book[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char test_book_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/></Relationships>";

#define TEST_SHEET_HEAD                                                                  \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                                         \
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"

/* A zip of the given parts in memory (malloced, *len bytes). */
static char *test_zip(const test_part *parts, int nparts, zip_int32_t method, size_t *len)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &zerr);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    for (int i = 0; i < nparts; i++) {
        zip_source_t *part = zip_source_buffer(z, parts[i].text, strlen(parts[i].text), 0);
        assert_non_null(part);
        zip_int64_t idx = zip_file_add(z, parts[i].name, part, ZIP_FL_ENC_UTF_8);
        assert_true(idx >= 0);
        assert_int_equal(zip_set_file_compression(z, (zip_uint64_t)idx, method, 0), 0);
    }
    assert_int_equal(zip_close(z), 0);
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
    zip_int64_t size = zip_source_tell(src);
    assert_true(size > 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
    char *buf = malloc((size_t)size);
    assert_non_null(buf);
    assert_int_equal(zip_source_read(src, buf, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&zerr);
    *len = (size_t)size;
    return buf;
}

/* A one-sheet workbook around the given sheet XML (and optional parts). */
static char *test_book_with(const char *sheet, const test_part *extra, int nextra, size_t *len)
{
    test_part parts[8] = {
        {"xl/workbook.xml", test_book},
        {"xl/_rels/workbook.xml.rels", test_book_rels},
        {"xl/worksheets/sheet1.xml", sheet},
    };
    int n = 3;
    for (int i = 0; i < nextra && n < 8; i++)
        parts[n++] = extra[i];
    return test_zip(parts, n, ZIP_CM_DEFLATE, len);
}

/* Read a one-sheet workbook; expect success and exactly want. */
static void test_expect_rows(const char *sheet, const test_part *extra, int nextra, const char *want)
{
    size_t len;
    char *zip = test_book_with(sheet, extra, nextra, &len);
    int rc;
    char *err = NULL;
    char *got = test_read(zip, len, NULL, &rc, &err);
    if (err)
        print_error("unexpected error: %s\n", err);
    assert_null(err);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    free(got);
    free(zip);
}

/* Read data; expect -1 and an error containing want. */
static void test_expect_error(const void *data, size_t len, const table_limits *lim, const char *want)
{
    int rc;
    char *err = NULL;
    char *got = test_read(data, len, lim, &rc, &err);
    assert_int_equal(rc, -1);
    assert_non_null(err);
    if (!strstr(err, want))
        print_error("error \"%s\" lacks \"%s\"\n", err, want);
    assert_non_null(strstr(err, want));
    free(err);
    free(got);
}

/* ---- workbooks written by libxlsxwriter --------------------------------- */

/* The bytes of a workbook written to a temporary file by libxlsxwriter. */
static char *test_slurp_and_remove(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    char *buf = malloc((size_t)size);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    unlink(path);
    *len = (size_t)size;
    return buf;
}

static char *test_lxw_book(int constant_memory, size_t *len)
{
    char path[] = "/tmp/test_xlsx_read_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
    lxw_format *builtin_date = workbook_add_format(wb);
    format_set_num_format_index(builtin_date, 14);
    lxw_format *border = workbook_add_format(wb);
    format_set_border(border, LXW_BORDER_THIN);

    lxw_worksheet *ws = workbook_add_worksheet(wb, "学校");
    worksheet_write_string(ws, 0, 0, "学校名称", NULL);
    worksheet_write_string(ws, 0, 1, "班级数", NULL);
    worksheet_write_string(ws, 0, 2, "建校日期", NULL);
    worksheet_write_string(ws, 0, 3, "有食堂", NULL);
    worksheet_write_string(ws, 0, 5, "面积", NULL);
    worksheet_write_string(ws, 1, 0, "长葛市第一小学", NULL);
    worksheet_write_number(ws, 1, 1, 24, NULL);
    lxw_datetime when = {2021, 9, 1, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 2, &when, date);
    worksheet_write_boolean(ws, 1, 3, 1, NULL);
    worksheet_write_blank(ws, 1, 4, border);
    worksheet_write_number(ws, 1, 5, 1234.5, NULL);
    worksheet_write_string(ws, 2, 0, "长葛市第二小学", NULL);
    worksheet_write_number(ws, 2, 1, 0.1 + 0.2, NULL);
    worksheet_write_number(ws, 2, 2, 44439, builtin_date);     /* 2021-08-31 */
    worksheet_write_boolean(ws, 2, 3, 0, NULL);
    worksheet_write_blank(ws, 4, 1, border);                    /* row 5: nothing */
    worksheet_merge_range(ws, 5, 0, 6, 2, "合并", border);      /* A6:C7 */
    worksheet_write_number(ws, 6, 3, -7, NULL);

    lxw_worksheet *ws2 = workbook_add_worksheet(wb, "第二表");
    worksheet_write_string(ws2, 0, 0, "长葛市第一小学", NULL);     /* shared again */
    worksheet_write_number(ws2, 0, 1, 1e20, NULL);
    worksheet_write_number(ws2, 0, 2, 4110820001.0, NULL);
    worksheet_write_number(ws2, 0, 3, -0.0, NULL);
    worksheet_write_number(ws2, 0, 4, 0.001, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    return test_slurp_and_remove(path, len);
}

static void test_libxlsxwriter_book(void **state)
{
    (void)state;
    static const char want[] =
        "学校!1: 学校名称|班级数|建校日期|有食堂|~|面积\n"
        "学校!2: 长葛市第一小学|24|2021-09-01|1|~|1234.5\n"
        "学校!3: 长葛市第二小学|0.3|2021-08-31|0\n"
        "学校!6: 合并|合并|合并\n"
        "学校!7: 合并|合并|合并|-7\n"
        "第二表!1: 长葛市第一小学|1e+20|4110820001|0|0.001\n";
    for (int constant_memory = 0; constant_memory <= 1; constant_memory++) {
        size_t len;
        char *book = test_lxw_book(constant_memory, &len);
        int rc;
        char *err = NULL;
        char *got = test_read(book, len, NULL, &rc, &err);
        assert_null(err);
        assert_int_equal(rc, 0);
        assert_string_equal(got, want);
        free(got);

        /* the callback stops the reading: its value comes back, no error */
        test_rows t = {STRBUF_INIT, 2};
        assert_int_equal(xlsx_read(book, len, NULL, test_collect, &t, &err), 7);
        assert_null(err);
        assert_string_equal(sb_str(&t.out), "学校!1: 学校名称|班级数|建校日期|有食堂|~|面积\n"
                                            "学校!2: 长葛市第一小学|24|2021-09-01|1|~|1234.5\n");
        sb_free(&t.out);

        /* limits: rows and columns */
        table_limits lim;
        table_limits_default(&lim);
        lim.max_rows = 3;
        test_expect_error(book, len, &lim, "工作表「学校」超过 3 行的上限");
        table_limits_default(&lim);
        lim.max_cols = 5;
        test_expect_error(book, len, &lim, "工作表「学校」第 1 行超过 5 列的上限");
        table_limits_default(&lim);
        lim.max_file = len - 1;
        test_expect_error(book, len, &lim, "文件过大");
        free(book);
    }
}

/* ---- hand-made sheets --------------------------------------------------- */

static void test_inline_and_missing_refs(void **state)
{
    (void)state;
    static const char sheet[] = TEST_SHEET_HEAD
        "<sheetData>"
        "<row><c t=\"inlineStr\"><is><t>甲</t></is></c><c><v>2</v></c><c t=\"b\"><v>0</v></c></row>"
        "<row r=\"3\"><c r=\"C3\" t=\"inlineStr\"><is><r><rPr><b/></rPr><t>富</t></r>"
        "<r><t xml:space=\"preserve\">文本 </t></r><rPh sb=\"0\" eb=\"1\"><t>ふ</t></rPh></is></c>"
        "<c t=\"str\"><f>A1&amp;\"x\"</f><v>甲x</v></c><c t=\"e\"><v>#DIV/0!</v></c></row>"
        "<row r=\"4\"><c r=\"B4\" t=\"inlineStr\"><is><t>一_x000D_二_x00G1_x_x4E2d_</t></is></c>"
        "<c r=\"C4\"><v>1.5E-3</v></c><c r=\"D4\"><v>12.0</v></c><c r=\"E4\" t=\"d\"><v>2021-09-01T00:00:00</v></c>"
        "<c r=\"F4\"><v>0.30000000000000004</v></c><c r=\"G4\"><v>-0</v></c><c r=\"H4\"><v>1e999</v></c>"
        "<c r=\"I4\"><v>\n 7\n</v></c><c r=\"J4\"><v> </v></c></row>"
        "<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"B5\" t=\"s\"><v>0</v></c></row>"
        "<row r=\"6\"><c r=\"A6\" s=\"1\"><v>45000</v></c><c r=\"B6\" s=\"2\"><v>45000</v></c>"
        "<c r=\"C6\" s=\"3\"><v>60</v></c><c r=\"D6\" s=\"3\"><v>61</v></c><c r=\"E6\" s=\"4\"><v>45000</v></c></row>"
        "<row r=\"7\"><c r=\"A7\" s=\"1\"/></row>"
        "</sheetData></worksheet>";
    static const char styles[] =
        "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy/mm/dd\"/>"
        "<numFmt numFmtId=\"165\" formatCode=\"#,##0.0&quot;平方米&quot;\"/></numFmts>"
        "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
        "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
        "<xf numFmtId=\"14\"/><xf numFmtId=\"31\"/></cellXfs></styleSheet>";
    static const char strings[] =
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\">"
        "<si><t>&lt;共享&gt;</t></si></sst>";
    const test_part extra[] = {{"xl/styles.xml", styles}, {"xl/sharedStrings.xml", strings}};
    test_expect_rows(sheet, extra, 2,
                     "Sheet1!1: 甲|2|0\n"
                     "Sheet1!3: ~|~|富文本 |甲x|#DIV/0!\n"
                     "Sheet1!4: ~|一\r二_x00G1_x中|0.0015|12|2021-09-01|0.30000000000000004|0|1e999|7| \n"
                     "Sheet1!5: ~|<共享>\n"
                     "Sheet1!6: 2023-03-15|45000|1900-02-29|1900-03-01|2023-03-15\n");
}

static void test_date1904_and_rels(void **state)
{
    (void)state;
    /* workbook found through _rels/.rels, absolute targets, a chart sheet skipped */
    static const char root_rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/officeDocument\" Target=\"/book/main.xml\"/></Relationships>";
    static const char book[] =
        "<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        "<x:workbookPr date1904=\"1\"/><x:sheets>"
        "<x:sheet name=\"图表\" sheetId=\"2\" rel:id=\"c1\"/>"
        "<x:sheet name=\"数据&amp;表\" sheetId=\"1\" rel:id=\"s1\"/></x:sheets></x:workbook>";
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"c1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/chartsheet\" Target=\"charts/c.xml\"/>"
        "<Relationship Id=\"s1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/worksheet\" Target=\"../book/./sheets/data.xml\"/>"
        "<Relationship Id=\"st\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/styles\" Target=\"/book/st.xml\"/></Relationships>";
    static const char styles[] =
        "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<cellXfs><xf/><xf numFmtId=\"14\"/></cellXfs></styleSheet>";
    static const char sheet[] = TEST_SHEET_HEAD
        "<sheetData><row><c s=\"1\"><v>0</v></c><c s=\"1\"><v>43708</v></c></row></sheetData></worksheet>";
    const test_part parts[] = {
        {"_rels/.rels", root_rels},       {"book/main.xml", book},
        {"book/_rels/main.xml.rels", rels}, {"book/st.xml", styles},
        {"book/sheets/data.xml", sheet},
    };
    size_t len;
    char *zip = test_zip(parts, 5, ZIP_CM_STORE, &len);
    int rc;
    char *err = NULL;
    char *got = test_read(zip, len, NULL, &rc, &err);
    assert_null(err);
    assert_int_equal(rc, 0);
    assert_string_equal(got, "数据&表!1: 1904-01-01|2023-09-01\n");
    free(got);
    free(zip);
}

static void test_merges_over_absent_rows(void **state)
{
    (void)state;
    /* A1:A3 holds 县; B5:C5 holds nothing; D2:E4 holds 乡, its rows 3-4
     * have no XML; A1:A3 reaches row 2 which has only D2. */
    static const char sheet[] = TEST_SHEET_HEAD
        "<sheetData>"
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>县</t></is></c><c r=\"B1\"><v>1</v></c></row>"
        "<row r=\"2\"><c r=\"D2\" t=\"inlineStr\"><is><t>乡</t></is></c></row>"
        "<row r=\"5\"><c r=\"B5\" s=\"0\"/><c r=\"F5\"><v>5</v></c></row>"
        "</sheetData><mergeCells count=\"4\"><mergeCell ref=\"D2:E4\"/><mergeCell ref=\"A1:A3\"/>"
        "<mergeCell ref=\"B5:C5\"/><mergeCell ref=\"G9:H10\"/></mergeCells></worksheet>";
    test_expect_rows(sheet, NULL, 0,
                     "Sheet1!1: 县|1\n"
                     "Sheet1!2: 县|~|~|乡|乡\n"
                     "Sheet1!3: 县|~|~|乡|乡\n"
                     "Sheet1!4: ~|~|~|乡|乡\n"
                     "Sheet1!5: ~|~|~|~|~|5\n");
    /* a merge reaching past the last row delivers its rows too */
    static const char tail[] = TEST_SHEET_HEAD
        "<sheetData><row r=\"2\"><c r=\"B2\"><v>9</v></c></row></sheetData>"
        "<mergeCells><mergeCell ref=\"B2:B4\"/></mergeCells></worksheet>";
    test_expect_rows(tail, NULL, 0, "Sheet1!2: ~|9\nSheet1!3: ~|9\nSheet1!4: ~|9\n");
}

/* ---- refusals ----------------------------------------------------------- */

static void test_refuses_bad_xml(void **state)
{
    (void)state;
    static const char lol[] =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<sheetData><row><c t=\"inlineStr\"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>";
    static const char broken[] = TEST_SHEET_HEAD
        "<sheetData><row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</v></row>"
        "</sheetData></worksheet>";
    static const char backwards[] = TEST_SHEET_HEAD
        "<sheetData><row r=\"4\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</v></c></row>"
        "</sheetData></worksheet>";
    static const char bad_string[] = TEST_SHEET_HEAD
        "<sheetData><row r=\"3\"><c t=\"s\"><v>5</v></c></row></sheetData></worksheet>";
    static const char huge_cell[] = TEST_SHEET_HEAD
        "<sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>%s</t></is></c></row></sheetData></worksheet>";
    struct {
        const char *sheet, *want;
    } cases[] = {
        {lol, "DOCTYPE"},
        {broken, "XML 格式错误（工作表「Sheet1」第 2 行）"},
        {backwards, "行号 2 不在前一行之后"},
        {bad_string, "共享字符串编号 5 不存在"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *zip = test_book_with(cases[i].sheet, NULL, 0, &len);
        test_expect_error(zip, len, NULL, cases[i].want);
        free(zip);
    }
    /* broken XML outside a sheet names the part and its line */
    const test_part bad_sst[] = {{"xl/sharedStrings.xml", "<sst>\n<si><t>a</si></sst>"}};
    size_t len;
    char *zip = test_book_with(broken + 0, bad_sst, 1, &len);
    test_expect_error(zip, len, NULL, "XML 格式错误（xl/sharedStrings.xml 第 2 行）");
    free(zip);
    /* a cell over 32767 characters */
    char *text = malloc(200000);
    assert_non_null(text);
    memset(text, 'x', 199999);
    text[199999] = '\0';
    char *sheet = malloc(sizeof huge_cell + 200000);
    assert_non_null(sheet);
    snprintf(sheet, sizeof huge_cell + 200000, huge_cell, text);
    zip = test_book_with(sheet, NULL, 0, &len);
    test_expect_error(zip, len, NULL, "超过 32767 个字符");
    free(zip);
    free(sheet);
    free(text);
    /* a sheet whose part is missing */
    const test_part parts[] = {{"xl/workbook.xml", test_book}, {"xl/_rels/workbook.xml.rels", test_book_rels}};
    zip = test_zip(parts, 2, ZIP_CM_DEFLATE, &len);
    test_expect_error(zip, len, NULL, "缺少工作表「Sheet1」的内容");
    free(zip);
    /* no workbook at all */
    const test_part none[] = {{"word/document.xml", "<w/>"}};
    zip = test_zip(none, 1, ZIP_CM_DEFLATE, &len);
    test_expect_error(zip, len, NULL, "缺少工作簿");
    free(zip);
}

/* Set every central-directory entry's uncompressed size to size. */
static void test_patch_sizes(char *zip, size_t len, uint32_t size)
{
    int patched = 0;
    for (size_t i = 0; i + 46 <= len; i++) {
        if (memcmp(zip + i, "PK\1\2", 4) == 0) {
            unsigned char *p = (unsigned char *)zip + i + 24;
            p[0] = (unsigned char)size;
            p[1] = (unsigned char)(size >> 8);
            p[2] = (unsigned char)(size >> 16);
            p[3] = (unsigned char)(size >> 24);
            patched++;
        }
    }
    assert_true(patched > 0);
}

static void test_refuses_bombs_and_non_zips(void **state)
{
    (void)state;
    size_t len;
    /* an entry declaring 4 GB uncompressed */
    char *zip = test_book_with(TEST_SHEET_HEAD "<sheetData/></worksheet>", NULL, 0, &len);
    test_patch_sizes(zip, len, 0xfffffff0u);
    test_expect_error(zip, len, NULL, "文件过大：解压后超过 200 MB");
    free(zip);

    /* a sheet of 8 MB of spaces deflates about 1000 to 1 */
    size_t big = 8u * 1024 * 1024;
    char *sheet = malloc(big + 200);
    assert_non_null(sheet);
    strcpy(sheet, TEST_SHEET_HEAD "<sheetData>");
    size_t used = strlen(sheet);
    memset(sheet + used, ' ', big);
    strcpy(sheet + used + big, "</sheetData></worksheet>");
    zip = test_book_with(sheet, NULL, 0, &len);
    test_expect_error(zip, len, NULL, "压缩比异常，疑似压缩炸弹（xl/worksheets/sheet1.xml）");
    /* the same file is fine when the ratio allowed is higher */
    table_limits lim;
    table_limits_default(&lim);
    lim.max_ratio = 1e6;
    int rc;
    char *err = NULL;
    char *got = test_read(zip, len, &lim, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(got, "");
    free(got);
    free(zip);
    free(sheet);

    /* an entry that inflates to more than it declares */
    zip = test_book_with(TEST_SHEET_HEAD "<sheetData><row><c><v>1</v></c></row></sheetData></worksheet>",
                         NULL, 0, &len);
    test_patch_sizes(zip, len, 40);
    test_expect_error(zip, len, NULL, "声明的大小");
    free(zip);

#define TEST_BYTES(s) s, sizeof s - 1
    test_expect_error(TEST_BYTES("学校名称,班级数\n一中,12\n"), NULL, "文件不是有效的 xlsx（zip）文件");
    test_expect_error(TEST_BYTES("PK\3\4garbage"), NULL, "文件不是有效的 xlsx（zip）文件");
    test_expect_error(TEST_BYTES("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), NULL, "旧版 Excel（.xls）");
    test_expect_error("", 0, NULL, "文件不是有效的 xlsx（zip）文件");
}

/* Write len bytes of data to a new temporary file named in path. */
static void test_write_file(char *path, const void *data, size_t len)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* The file API reads the workbook from disk exactly as from a buffer, and
 * refuses the same things the same way. */
static void test_read_file(void **state)
{
    (void)state;
    size_t len;
    char *book = test_lxw_book(0, &len);
    int rc;
    char *err = NULL;
    char *want = test_read(book, len, NULL, &rc, &err);
    assert_int_equal(rc, 0);
    char path[] = "/tmp/test_xlsx_file_XXXXXX";
    test_write_file(path, book, len);
    test_rows t = {STRBUF_INIT, 0};
    assert_int_equal(xlsx_read_file(path, NULL, test_collect, &t, &err), 0);
    assert_null(err);
    assert_string_equal(sb_str(&t.out), want);
    sb_free(&t.out);
    /* the callback's stop, and the limits */
    t = (test_rows){STRBUF_INIT, 2};
    assert_int_equal(xlsx_read_file(path, NULL, test_collect, &t, &err), 7);
    sb_free(&t.out);
    table_limits lim;
    table_limits_default(&lim);
    lim.max_file = len - 1;
    assert_int_equal(xlsx_read_file(path, &lim, test_collect, NULL, &err), -1);
    assert_non_null(strstr(err, "文件过大"));
    free(err);
    unlink(path);
    free(want);
    free(book);

    char csv[] = "/tmp/test_xlsx_file_XXXXXX";
    test_write_file(csv, "a,b\n", 4);
    assert_int_equal(xlsx_read_file(csv, NULL, test_collect, NULL, &err), -1);
    assert_non_null(strstr(err, "文件不是有效的 xlsx（zip）文件"));
    free(err);
    unlink(csv);
    assert_int_equal(xlsx_read_file("/nonexistent/a.xlsx", NULL, test_collect, NULL, &err), -1);
    assert_non_null(strstr(err, "无法打开文件 /nonexistent/a.xlsx"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libxlsxwriter_book),
        cmocka_unit_test(test_inline_and_missing_refs),
        cmocka_unit_test(test_date1904_and_rels),
        cmocka_unit_test(test_merges_over_absent_rows),
        cmocka_unit_test(test_refuses_bad_xml),
        cmocka_unit_test(test_refuses_bombs_and_non_zips),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
