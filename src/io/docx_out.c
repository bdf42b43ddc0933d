/*
 * docx_out.c - the official-document .docx writer (see docx_out.h).
 *
 * A .docx is a zip of XML parts. We write the fewest a Word or WPS reader
 * needs: [Content_Types].xml, _rels/.rels, word/document.xml,
 * word/styles.xml, word/footer1.xml (the page number) and
 * word/_rels/document.xml.rels. The body is accumulated in a strbuf as
 * WordprocessingML; the styles carry the GB/T 9704 fonts and sizes, so a
 * paragraph only names its style. Sizes are in half-points (3号 = 16 pt =
 * 32), lengths in twentieths of a point (1 mm = 56.7).
 */
#include "io/docx_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/strbuf.h"

#define DOCX_TEXT_WIDTH 8845 /* A4 210 mm - 28 mm - 26 mm, in twips */
#define DOCX_MAX_COLS 32

struct docx {
    strbuf body;
    int ncols;
    int widths[DOCX_MAX_COLS]; /* of the open table, in twips */
};

static const char *const docx_style_ids[DOCX_NSTYLES] = {
    "Title", "Subtitle", "Heading1", "Heading2", "BodyText", "Signature", "Note"};

docx *docx_new(void)
{
    docx *d = calloc(1, sizeof *d);
    return d;
}

/* Append text with the XML special characters escaped; control
 * characters other than tab are dropped (they are not allowed in XML). */
static void docx_escape(strbuf *sb, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
        switch (*p) {
        case '&': sb_append(sb, "&amp;"); break;
        case '<': sb_append(sb, "&lt;"); break;
        case '>': sb_append(sb, "&gt;"); break;
        case '"': sb_append(sb, "&quot;"); break;
        default:
            if (*p >= 0x20 || *p == '\t')
                sb_appendc(sb, (char)*p);
        }
    }
}

/* A run of text; line breaks inside the text become <w:br/>. */
static void docx_run(strbuf *sb, const char *text, int bold)
{
    sb_append(sb, "<w:r>");
    if (bold)
        sb_append(sb, "<w:rPr><w:b/></w:rPr>");
    sb_append(sb, "<w:t xml:space=\"preserve\">");
    for (const char *p = text ? text : ""; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *part = strndup(p, n);
        if (part)
            docx_escape(sb, part);
        free(part);
        if (!nl)
            break;
        sb_append(sb, "</w:t><w:br/><w:t xml:space=\"preserve\">");
        p = nl + 1;
    }
    sb_append(sb, "</w:t></w:r>");
}

void docx_para(docx *d, docx_style style, const char *text)
{
    if (!d || style < 0 || style >= DOCX_NSTYLES)
        return;
    sb_appendf(&d->body, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", docx_style_ids[style]);
    if (text && *text)
        docx_run(&d->body, text, 0);
    sb_append(&d->body, "</w:p>");
}

void docx_paraf(docx *d, docx_style style, const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (n >= 0) {
        docx_para(d, style, text);
        free(text);
    }
}

/* One table cell of width twips holding text (bold for the header). */
static void docx_cell(strbuf *sb, int width, const char *text, int header)
{
    sb_appendf(sb, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>%s</w:tcPr>"
                   "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/>%s</w:pPr>",
               width, header ? "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/>" : "",
               header ? "<w:jc w:val=\"center\"/>" : "");
    if (text && *text)
        docx_run(sb, text, header);
    sb_append(sb, "</w:p></w:tc>");
}

void docx_table_begin(docx *d, int ncols, const char *const *headers, const int *widths)
{
    if (!d || ncols < 1 || ncols > DOCX_MAX_COLS)
        return;
    int total = 0;
    for (int i = 0; i < ncols; i++)
        total += widths && widths[i] > 0 ? widths[i] : 1;
    d->ncols = ncols;
    sb_append(&d->body, "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>"
                        "<w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"fixed\"/>"
                        "</w:tblPr><w:tblGrid>");
    for (int i = 0; i < ncols; i++) {
        d->widths[i] = (int)((long)DOCX_TEXT_WIDTH * (widths && widths[i] > 0 ? widths[i] : 1) / total);
        sb_appendf(&d->body, "<w:gridCol w:w=\"%d\"/>", d->widths[i]);
    }
    sb_append(&d->body, "</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (int i = 0; i < ncols; i++)
        docx_cell(&d->body, d->widths[i], headers ? headers[i] : NULL, 1);
    sb_append(&d->body, "</w:tr>");
}

void docx_table_row(docx *d, const char *const *cells)
{
    if (!d || d->ncols == 0)
        return;
    sb_append(&d->body, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
    for (int i = 0; i < d->ncols; i++)
        docx_cell(&d->body, d->widths[i], cells ? cells[i] : NULL, 0);
    sb_append(&d->body, "</w:tr>");
}

void docx_table_end(docx *d)
{
    if (!d || d->ncols == 0)
        return;
    /* Word needs a paragraph between a table and what follows. */
    sb_append(&d->body, "</w:tbl><w:p><w:pPr><w:pStyle w:val=\"Note\"/></w:pPr></w:p>");
    d->ncols = 0;
}

/* ------------------------------------------------------------ the parts */

static const char docx_content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "</Types>";

static const char docx_package_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "</Relationships>";

static const char docx_document_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>"
    "</Relationships>";

#define DOCX_W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define DOCX_R_NS "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

/* A paragraph style: font (East Asian), size in half-points, alignment,
 * first-line indent in characters x 100, bold. */
#define DOCX_STYLE(id, name, font, size, jc, indent, bold)                                       \
    "<w:style w:type=\"paragraph\" w:styleId=\"" id "\"><w:name w:val=\"" name "\"/>"             \
    "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:jc w:val=\"" jc "\"/>"                    \
    "<w:ind w:firstLineChars=\"" indent "\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"" font "\"/>"  \
    bold "<w:sz w:val=\"" size "\"/><w:szCs w:val=\"" size "\"/></w:rPr></w:style>"

static const char docx_styles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles " DOCX_W_NS ">"
    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" "
    "w:hAnsi=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\" w:cs=\"Times New Roman\"/>"
    "<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>"
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
    "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"579\" w:lineRule=\"exact\"/>"
    "<w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
    "<w:qFormat/></w:style>"
    DOCX_STYLE("Title", "Title", "方正小标宋简体", "44", "center", "0", "")
    DOCX_STYLE("Subtitle", "Subtitle", "楷体_GB2312", "32", "center", "0", "")
    DOCX_STYLE("Heading1", "heading 1", "黑体", "32", "both", "200", "")
    DOCX_STYLE("Heading2", "heading 2", "楷体_GB2312", "32", "both", "200", "")
    DOCX_STYLE("BodyText", "Body Text", "仿宋_GB2312", "32", "both", "200", "")
    DOCX_STYLE("Signature", "Signature", "仿宋_GB2312", "32", "right", "0", "")
    DOCX_STYLE("Note", "Note", "仿宋_GB2312", "28", "both", "0", "")
    "<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:line=\"320\" w:lineRule=\"atLeast\"/>"
    "<w:jc w:val=\"left\"/></w:pPr><w:rPr><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/></w:pPr>"
    "<w:rPr><w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\" w:eastAsia=\"宋体\"/><w:sz w:val=\"28\"/>"
    "</w:rPr></w:style>"
    "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr>"
    "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
    "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
    "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
    "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
    "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
    "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>"
    "<w:tblCellMar><w:left w:w=\"85\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/>"
    "</w:tblCellMar></w:tblPr></w:style>"
    "</w:styles>";

/* The page number "— N —" in 4号 宋体, centred. */
static const char docx_footer[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:ftr " DOCX_W_NS "><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>"
    "<w:r><w:t xml:space=\"preserve\">— </w:t></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
    "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
    "<w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>";

/* A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm. */
static const char docx_section[] =
    "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId2\"/>"
    "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
    "<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" "
    "w:header=\"851\" w:footer=\"1304\" w:gutter=\"0\"/>"
    "<w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr>";

/* Add a copy of text as the member name. 0, or -1 with *err. */
static int docx_add(zip_t *z, const char *name, const char *text, size_t len, char **err)
{
    char *copy = malloc(len ? len : 1);
    if (!copy) {
        *err = strdup("内存不足");
        return -1;
    }
    memcpy(copy, text, len);
    zip_source_t *src = zip_source_buffer(z, copy, len, 1);
    if (!src) {
        free(copy);
        *err = strdup(zip_strerror(z));
        return -1;
    }
    if (zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free(src);
        *err = strdup(zip_strerror(z));
        return -1;
    }
    return 0;
}

/* The whole of word/document.xml around the body. */
static char *docx_document(docx *d)
{
    strbuf doc = STRBUF_INIT;
    sb_append(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<w:document " DOCX_W_NS " " DOCX_R_NS "><w:body>");
    sb_append(&doc, sb_str(&d->body));
    sb_append(&doc, docx_section);
    sb_append(&doc, "</w:body></w:document>");
    return sb_steal(&doc);
}

/* Read the finished archive out of src (kept open by zip_source_keep). */
static int docx_read_back(zip_source_t *src, char **out, size_t *len, char **err)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) < 0) {
        *err = strdup("无法读取生成的文档");
        return -1;
    }
    char *buf = malloc(st.size ? st.size : 1);
    zip_int64_t n = buf ? zip_source_read(src, buf, st.size) : -1;
    zip_source_close(src);
    if (n < 0 || (zip_uint64_t)n != st.size) {
        free(buf);
        *err = strdup("无法读取生成的文档");
        return -1;
    }
    *out = buf;
    *len = st.size;
    return 0;
}

int docx_finish(docx *d, char **out, size_t *len, char **err)
{
    *out = NULL;
    *len = 0;
    *err = NULL;
    if (!d) {
        *err = strdup("内存不足");
        return -1;
    }
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &zerr);
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &zerr) : NULL;
    char *document = docx_document(d);
    int rc = -1;
    if (!z || !document) {
        *err = strdup(document ? zip_error_strerror(&zerr) : "内存不足");
        if (z)
            zip_discard(z); /* frees src with it */
        else if (src)
            zip_source_free(src);
        goto done;
    }
    zip_source_keep(src);
    if (docx_add(z, "[Content_Types].xml", docx_content_types, sizeof docx_content_types - 1, err) ||
        docx_add(z, "_rels/.rels", docx_package_rels, sizeof docx_package_rels - 1, err) ||
        docx_add(z, "word/_rels/document.xml.rels", docx_document_rels,
                 sizeof docx_document_rels - 1, err) ||
        docx_add(z, "word/styles.xml", docx_styles, sizeof docx_styles - 1, err) ||
        docx_add(z, "word/footer1.xml", docx_footer, sizeof docx_footer - 1, err) ||
        docx_add(z, "word/document.xml", document, strlen(document), err)) {
        zip_discard(z);
        zip_source_free(src);
        goto done;
    }
    if (zip_close(z) < 0) {
        *err = strdup(zip_strerror(z));
        zip_discard(z);
        zip_source_free(src);
        goto done;
    }
    rc = docx_read_back(src, out, len, err);
    zip_source_free(src);
done:
    free(document);
    sb_free(&d->body);
    free(d);
    return rc;
}
