/*
 * seeds.c - writes the seed corpus for the fuzz targets (run by run.sh):
 *   seeds DIR  ->  DIR/xlsx/       workbooks by libxlsxwriter and small zips
 *                  DIR/xlsx_xml/   sheet, shared strings, styles, workbook
 *                                  XML separated by NUL bytes
 *                  DIR/csv/        UTF-8, BOM, GBK, quoting, CRLF
 * Generated, not committed, so the repository holds no binary fixtures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

static const char *seed_dir;

static void seed_write(const char *kind, const char *name, const void *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", seed_dir, kind, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

#define SHEET_HEAD "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
static const char *sheets[] = {
    SHEET_HEAD "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>44440</v></c>"
    "<c r=\"C1\" t=\"b\"><v>1</v></c><c r=\"D1\"><v>0.30000000000000004</v></c></row>"
    "<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><r><t>富</t></r><r><t>文本_x000D_</t></r>"
    "<rPh><t>ふ</t></rPh></is></c><c t=\"str\"><f>A1</f><v>x</v></c><c t=\"e\"><v>#N/A</v></c>"
    "<c t=\"d\"><v>2021-09-01T00:00:00</v></c></row></sheetData>"
    "<mergeCells count=\"2\"><mergeCell ref=\"A1:A4\"/><mergeCell ref=\"C3:D5\"/></mergeCells></worksheet>",
    SHEET_HEAD "<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c t=\"s\"><v>1</v></c></row>"
    "</sheetData></worksheet>",
    "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>" SHEET_HEAD "<sheetData/></worksheet>",
};
static const char sst[] =
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>学校</t></si>"
    "<si><r><t>班</t></r><r><t>级</t></r></si></sst>";
static const char styles[] =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts>"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;\"/></numFmts>"
    "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>";
static const char book[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<workbookPr date1904=\"1\"/><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
    "</sheets></workbook>";
static const char rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>";

static void seed_zip(const char *name, const char *sheet, zip_int32_t method)
{
    const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml",
                           "xl/sharedStrings.xml", "xl/styles.xml"};
    const char *texts[] = {book, rels, sheet, sst, styles};
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &zerr);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &zerr);
    for (int i = 0; i < 5; i++) {
        zip_int64_t idx = zip_file_add(z, names[i], zip_source_buffer(z, texts[i], strlen(texts[i]), 0), 0);
        zip_set_file_compression(z, (zip_uint64_t)idx, method, 0);
    }
    if (zip_close(z) != 0) {
        fprintf(stderr, "seeds: zip failed\n");
        exit(1);
    }
    zip_source_open(src);
    zip_source_seek(src, 0, SEEK_END);
    zip_int64_t len = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    char *buf = malloc((size_t)len);
    zip_source_read(src, buf, (zip_uint64_t)len);
    zip_source_close(src);
    zip_source_free(src);
    seed_write("xlsx", name, buf, (size_t)len);
    free(buf);
}

static void seed_lxw(const char *name, int constant_memory)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/xlsx/%s", seed_dir, name);
    lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "学校");
    worksheet_write_string(ws, 0, 0, "学校名称", NULL);
    worksheet_write_string(ws, 0, 1, "班级数", NULL);
    worksheet_write_string(ws, 1, 0, "一中", NULL);
    worksheet_write_number(ws, 1, 1, 12, NULL);
    worksheet_write_number(ws, 1, 2, 44440, date);
    worksheet_write_boolean(ws, 1, 3, 1, NULL);
    worksheet_merge_range(ws, 3, 0, 4, 1, "合并", NULL);
    lxw_worksheet *ws2 = workbook_add_worksheet(wb, "第二表");
    worksheet_write_number(ws2, 0, 0, 3.25, NULL);
    if (workbook_close(wb) != LXW_NO_ERROR) {
        fprintf(stderr, "seeds: libxlsxwriter failed\n");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: seeds DIR\n");
        return 2;
    }
    seed_dir = argv[1];
    seed_lxw("lxw.xlsx", 0);
    seed_lxw("lxw-inline.xlsx", 1);
    char name[64];
    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
        snprintf(name, sizeof name, "stored-%zu.xlsx", i);
        seed_zip(name, sheets[i], ZIP_CM_STORE);
        snprintf(name, sizeof name, "deflated-%zu.xlsx", i);
        seed_zip(name, sheets[i], ZIP_CM_DEFLATE);

        /* sheet \0 sharedStrings \0 styles \0 workbook */
        size_t n = strlen(sheets[i]) + sizeof sst + sizeof styles + sizeof book;
        char *parts = malloc(n);
        char *p = parts;
        const char *texts[] = {sheets[i], sst, styles, book};
        for (int k = 0; k < 4; k++) {
            size_t l = strlen(texts[k]);
            memcpy(p, texts[k], l);
            p += l;
            if (k < 3)
                *p++ = '\0';
        }
        snprintf(name, sizeof name, "parts-%zu", i);
        seed_write("xlsx_xml", name, parts, (size_t)(p - parts));
        free(parts);
    }

    static const struct {
        const char *name, *text;
    } csv[] = {
        {"utf8.csv", "学校名称,班级数\n长葛市第一小学,24\n"},
        {"bom-crlf.csv", "\xef\xbb\xbf学校名称,班级数\r\n一中,12\r\n"},
        {"gbk.csv", "\xd1\xa7\xd0\xa3,\xb0\xe0\xbc\xb6\xca\xfd\r\n\xd2\xbb\xd6\xd0,12\r\n"},
        {"quotes.csv", "a,\"b,c\",\"d\"\"e\"\r\n\"f\ng\",,\r\n\r\n\"h\"i,\n"},
        {"gb18030-4byte.csv", "\x81\x30\x81\x30,\x95\x32\x82\x36\n"},
    };
    for (size_t i = 0; i < sizeof csv / sizeof csv[0]; i++)
        seed_write("csv", csv[i].name, csv[i].text, strlen(csv[i].text));
    return 0;
}
