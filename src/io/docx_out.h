/*
 * docx_out.h - write a Word document (.docx) in the layout of an official
 * document (党政机关公文格式, GB/T 9704-2012): A4, margins 37/35/28/26 mm,
 * title in 2号 小标宋, body in 3号 仿宋 with 2-character first-line indent
 * on a 28.95 pt grid (22 lines a page), headings in 黑体 and 楷体, page
 * numbers "— 1 —" in the footer, tables with ruled borders.
 *
 * Used by the 督查通报 (plan_export.c) and later by the annual report. The
 * document is built paragraph by paragraph in memory, then zipped (libzip)
 * into a buffer: docx_new, any number of docx_para / docx_table_*, then
 * docx_finish (which always frees the document). Text is UTF-8 and is
 * escaped here; callers pass plain text.
 */
#ifndef EDU_DOCX_OUT_H
#define EDU_DOCX_OUT_H

#include <stddef.h>

typedef struct docx docx;

typedef enum docx_style {
    DOCX_TITLE = 0, /* 标题: 2号 方正小标宋简体, centred */
    DOCX_SUBTITLE,  /* under the title: 3号 楷体, centred (issuer, date, number) */
    DOCX_HEADING1,  /* 一级标题 "一、…": 3号 黑体 */
    DOCX_HEADING2,  /* 二级标题 "（一）…": 3号 楷体 */
    DOCX_BODY,      /* 正文: 3号 仿宋, first line indented two characters */
    DOCX_RIGHT,     /* right aligned: the issuer and date at the end */
    DOCX_NOTE,      /* 4号 仿宋: notes under a table */
    DOCX_NSTYLES
} docx_style;

/* A new empty document, or NULL when out of memory. */
docx *docx_new(void);

/* One paragraph of text (NULL or "" gives an empty line). */
void docx_para(docx *d, docx_style style, const char *text);
void docx_paraf(docx *d, docx_style style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A table of ncols columns: a bold header row of headers, widths relative
 * (e.g. in characters; the table fills the text width), then rows of ncols
 * cells (NULL cells are empty), then end. */
void docx_table_begin(docx *d, int ncols, const char *const *headers, const int *widths);
void docx_table_row(docx *d, const char *const *cells);
void docx_table_end(docx *d);

/* Zip the document: 0 and a malloced buffer in *out (*len bytes), or -1
 * with *err (malloced). Frees d in either case. */
int docx_finish(docx *d, char **out, size_t *len, char **err);

#endif
