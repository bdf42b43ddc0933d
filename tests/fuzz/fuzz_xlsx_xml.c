/*
 * fuzz_xlsx_xml.c - libFuzzer target for the XML side of the xlsx reader.
 *
 * Mutated zips mostly fail their CRC or inflate to noise, so this target
 * takes XML text instead and wraps it into a valid zip (stored, so every
 * byte reaches expat): the input split at NUL bytes is the sheet, then the
 * shared strings, the styles and the workbook (a default workbook when
 * absent). Built and run by tests/fuzz/run.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "io/xlsx_read.h"

static const char fuzz_book[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char fuzz_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>";

static int fuzz_row(void *ctx, const char *sheet, long row, int ncells, const char *const *cells)
{
    (void)ctx, (void)sheet, (void)row;
    size_t n = 0;
    for (int i = 0; i < ncells; i++)
        for (const char *p = cells[i]; p && *p; p++)
            n++;
    return n == (size_t)-1;
}

static int fuzz_add(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, data, len, 0);
    if (!s)
        return -1;
    zip_int64_t i = zip_file_add(z, name, s, 0);
    if (i < 0) {
        zip_source_free(s);
        return -1;
    }
    return zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                  "xl/styles.xml", "xl/workbook.xml"};
    const uint8_t *part[4] = {0};
    size_t len[4] = {0};
    const uint8_t *p = data, *end = data + size;
    for (int i = 0; i < 4 && p <= end; i++) {
        const uint8_t *nul = i < 3 ? memchr(p, 0, (size_t)(end - p)) : NULL;
        part[i] = p;
        len[i] = (size_t)((nul ? nul : end) - p);
        if (!nul)
            break;
        p = nul + 1;
    }
    if (!part[3]) {
        part[3] = (const uint8_t *)fuzz_book;
        len[3] = sizeof fuzz_book - 1;
    }

    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &zerr);
    if (!src)
        abort();
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &zerr);
    if (!z)
        abort();
    for (int i = 0; i < 4; i++)
        if (part[i] && fuzz_add(z, names[i], part[i], len[i]) != 0)
            abort();
    if (fuzz_add(z, "xl/_rels/workbook.xml.rels", fuzz_rels, sizeof fuzz_rels - 1) != 0 ||
        zip_close(z) != 0)
        abort();
    zip_source_open(src);
    zip_source_seek(src, 0, SEEK_END);
    zip_int64_t zlen = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    char *zip = malloc((size_t)zlen);
    if (!zip || zip_source_read(src, zip, (zip_uint64_t)zlen) != zlen)
        abort();
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&zerr);

    char *err = NULL;
    xlsx_read(zip, (size_t)zlen, NULL, fuzz_row, NULL, &err);
    free(err);
    free(zip);
    return 0;
}
