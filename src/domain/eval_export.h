/*
 * eval_export.h - the evaluation as spreadsheets (eval_export.c): the flat
 * per-school table of one stage (GET /api/eval/balanced?format=xlsx) and
 * the whole workbook in the layout of the inspection forms (GET
 * /api/eval/export).
 */
#ifndef EDU_EVAL_EXPORT_H
#define EDU_EVAL_EXPORT_H

#include <stddef.h>
#include <jansson.h>

#include "domain/eval.h"
#include "io/xlsx_out.h"

/* The columns of the per-school table. */
extern const xlsx_col eval_export_school_cols[];

/* The rows of that table from an answer of eval_balanced: one per school
 * part, with the 7 values, met, 达标 and the gaps as text (a new array). */
json_t *eval_export_school_rows(json_t *balanced);

/* The whole workbook of year in scope: sheets 小学资源配置, 初中资源配置,
 * 差异系数, 政府保障, 学前普及普惠, 班额与规模, 不参评学校. Returns
 * STORE_OK with a malloced buffer in *out, or a store code (STORE_ERROR,
 * logged, when the workbook cannot be written). */
int eval_export_book(store_db *db, const eval_scope *scope, int year, char **out,
                     size_t *out_len);

#endif
