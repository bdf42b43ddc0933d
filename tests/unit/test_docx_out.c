/*
 * test_docx_out.c - docx_finish writes a real Word package: a zip that
 * libzip opens, with every part well-formed XML (expat), the text escaped,
 * the official-document page set-up and the table rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <expat.h>
#include <zip.h>

#include "zip_fixture.h"

#include "io/docx_out.h"


static int test_well_formed(const char *xml)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    int ok = XML_Parse(p, xml, (int)strlen(xml), 1) == XML_STATUS_OK;
    XML_ParserFree(p);
    return ok;
}

static void test_document(void **state)
{
    (void)state;
    docx *d = docx_new();
    assert_non_null(d);
    docx_para(d, DOCX_TITLE, "2022年目标任务督查通报");
    docx_paraf(d, DOCX_SUBTITLE, "截至%d年%d月%d日", 2022, 9, 30);
    docx_para(d, DOCX_HEADING1, "一、总体进展");
    docx_para(d, DOCX_BODY, "A & B <C> \"D\"\n第二行\x01");
    static const char *const headers[] = {"事项", "牵头股室", "状态"};
    static const int widths[] = {20, 8, 6};
    docx_table_begin(d, 3, headers, widths);
    const char *row1[] = {"公办学位占比达到25%", "基础教育股", "滞后"};
    const char *row2[] = {"一本上线保底900", NULL, "已完成"};
    docx_table_row(d, row1);
    docx_table_row(d, row2);
    docx_table_end(d);
    docx_para(d, DOCX_RIGHT, "长葛市教体局督导室");

    char *out = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(docx_finish(d, &out, &len, &err), 0);
    assert_null(err);
    assert_true(len > 1000);
    assert_memory_equal(out, "PK\x03\x04", 4);

    static const char *const parts[] = {"[Content_Types].xml", "_rels/.rels",
                                        "word/_rels/document.xml.rels", "word/styles.xml",
                                        "word/footer1.xml", "word/document.xml"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char *xml = fx_zip_member(out, len, parts[i]);
        assert_non_null(xml);
        assert_true(test_well_formed(xml));
        free(xml);
    }
    char *doc = fx_zip_member(out, len, "word/document.xml");
    assert_non_null(strstr(doc, "2022年目标任务督查通报"));
    assert_non_null(strstr(doc, "截至2022年9月30日"));
    assert_non_null(strstr(doc, "A &amp; B &lt;C&gt; &quot;D&quot;"));
    assert_non_null(strstr(doc, "<w:br/>"));
    assert_null(strstr(doc, "\x01"));
    assert_non_null(strstr(doc, "公办学位占比达到25%"));
    /* A4 and the official margins; the header row repeats on each page */
    assert_non_null(strstr(doc, "w:w=\"11906\" w:h=\"16838\""));
    assert_non_null(strstr(doc, "w:top=\"2098\""));
    assert_non_null(strstr(doc, "<w:tblHeader/>"));
    /* 3 header cells + 6 body cells */
    int cells = 0;
    for (const char *p = doc; (p = strstr(p, "<w:tc>")); p++)
        cells++;
    assert_int_equal(cells, 9);
    free(doc);
    char *styles = fx_zip_member(out, len, "word/styles.xml");
    assert_non_null(strstr(styles, "仿宋_GB2312"));
    assert_non_null(strstr(styles, "方正小标宋简体"));
    free(styles);
    free(out);
}

static void test_empty_and_null(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(docx_finish(NULL, &out, &len, &err), -1);
    assert_non_null(err);
    free(err);
    err = NULL;
    docx *d = docx_new();
    docx_para(d, DOCX_BODY, NULL);
    docx_table_row(d, NULL); /* no open table: ignored */
    assert_int_equal(docx_finish(d, &out, &len, &err), 0);
    char *doc = fx_zip_member(out, len, "word/document.xml");
    assert_true(test_well_formed(doc));
    free(doc);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_empty_and_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
