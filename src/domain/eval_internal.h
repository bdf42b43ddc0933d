/*
 * eval_internal.h - what the evaluation files share among themselves (the
 * contract with the rest of the program is eval.h; only src/domain/eval_*.c
 * include this file).
 *
 * Every evaluation (eval_json.c):
 *   eval_stage_keys, eval_stage_labels  "primary" 小学, "junior", "senior"
 *   eval_json_count, eval_round, eval_ratio, eval_text  the numbers and
 *                   texts of the answers, written one way everywhere
 *
 * 义务教育优质均衡, one evaluation in three files:
 *   eval_load.c     the rules of a stage from the standards; the schools
 *                   with a record of the year and their 基表 values read
 *                   into an ev_data; a school's share of a stage and
 *                   whether it is left out
 *   eval_whatif.c   what-if changes checked and applied to an ev_data
 *   eval_balanced.c the evaluation of an ev_data under ev_rules: values,
 *                   verdicts, 差异系数, 政府保障 items, failures, the JSON
 *
 * A school's card (eval_card.c) reads its size from eval_size.c
 * (ev_size_school below).
 */
#ifndef EDU_EVAL_INTERNAL_H
#define EDU_EVAL_INTERNAL_H

#include "domain/eval.h"

/* ------------------------------------------------------ every evaluation */

/* The stages by EVAL_PRIMARY ...: their keys in the API and their labels. */
extern const char *const eval_stage_keys[EVAL_NSTAGES];
extern const char *const eval_stage_labels[EVAL_NSTAGES];

/* x as JSON: an integer when whole, a real otherwise, null when NAN. */
json_t *eval_json_count(double x);

/* x rounded to places decimals (NAN stays NAN). */
double eval_round(double x, int places);

/* a / b, NAN when b is not positive. */
double eval_ratio(double a, double b);

/* The text of a column, "" when it is not text. */
const char *eval_text(const sval *v);

/* The school a per-record scan starts with: the first EVAL_SCHOOL_NCOLS
 * columns EVAL_SCHOOL_COLS(kind) select, kind being "nature" or "type"
 * (the query joins schools s, stat_records r and the town as tw). */
#define EVAL_SCHOOL_COLS(kind) \
    "s.id, s.code, s.name, s." kind ", s.area, s.town_id, tw.name, r.status"
#define EVAL_SCHOOL_NCOLS 8
typedef struct eval_school_head {
    int64_t school_id, town_id;
    const char *code, *name, *kind, *area, *town, *status; /* kind: nature or type */
} eval_school_head;
void eval_school_head_read(const sval *cols, eval_school_head *h);

/* ---------------------------------------------------- 优质均衡: the data */

/* The 基表 fields the evaluation reads, by slot in a school's row. */
/* clang-format off */
enum {
    F_POSTGRAD, F_BACHELOR, F_COLLEGE, F_KEY, F_PE, F_MUSIC, F_ART, F_TEACHING_AREA, F_GROUND,
    F_GYM, F_EQUIPMENT, F_MULTIMEDIA, F_MUSIC_ROOMS, F_ART_ROOMS,
    F_PUPILS,                      /* + EVAL_PRIMARY, EVAL_JUNIOR, EVAL_SENIOR */
    F_CLASSES = F_PUPILS + 3,      /* + EVAL_PRIMARY, EVAL_JUNIOR */
    F_CLASSES_56 = F_CLASSES + 2,  /* 56-65 */
    F_CLASSES_66 = F_CLASSES_56 + 2, /* 66 and more */
    F_NBASE = F_CLASSES_66 + 2
};
/* clang-format on */

/* The most changes one what-if takes (a request limit, not a standard). */
#define EV_MAX_CHANGES 200
#define EV_MAX_FIELDS (F_NBASE + EV_MAX_CHANGES)
#define EV_HASH 1024 /* field lookup table, a power of two > 2 x EV_MAX_FIELDS */
#define EV_MAX_WEIGHTS 16

/* What a school is to the evaluation, and why a part is left out. */
enum { EV_SCHOOL, EV_SPECIAL, EV_POINT };

/* One school with a record of the year; strings are offsets in the pool. */
typedef struct ev_school {
    int64_t record_id, school_id;
    size_t code, name, type, area, town, status;
    int weights; /* index in ev_data.weights; -1: a single-stage school */
    int kind;    /* EV_SCHOOL, EV_SPECIAL (特殊教育学校), EV_POINT (教学点) */
} ev_school;

/* The stage weights of a combined school type. */
typedef struct ev_weights {
    char type[64];
    double w[EVAL_NSTAGES];
} ev_weights;

/* Everything loaded: schools, their numbers (nfields per school, missing
 * as 0), the fields by slot and a hash from field key to slot. */
typedef struct ev_data {
    ev_school *schools;
    size_t n, cap;
    double *values;
    size_t nfields;
    const char *fields[EV_MAX_FIELDS];
    int slot_of[EV_HASH]; /* slot + 1; 0: empty */
    char *pool;
    size_t pool_len, pool_cap;
    ev_weights weights[EV_MAX_WEIGHTS];
    int nweights;
    size_t hint; /* the school of the last value row */
    int failed;  /* out of memory in a row callback */
} ev_data;

/* The standards of one evaluation (names and units point into the
 * standards array they were read from). */
typedef struct ev_rules {
    int stage;
    double threshold[EVAL_NINDICATORS];
    const char *name[EVAL_NINDICATORS], *unit[EVAL_NINDICATORS];
    double cv_threshold;
    int min_met;
    double remaining_ratio;
    double point_pupils;
    const char *point_comparison;
    double class_size_max, school_size_max, school_size_combined, music_art;
} ev_rules;

/* ------------------------------------------------------------ eval_load.c */

/* A new ev_data holding the base fields (free with ev_data_free), or NULL. */
ev_data *ev_data_new(void);
void ev_data_free(ev_data *d);

/* Adds field key (not copied: it must outlive d) unless present or full. */
void ev_add_field(ev_data *d, const char *key);

/* The slot of field key, or -1. */
int ev_slot(const ev_data *d, const char *key);

/* Loads the stage weights, the schools of year in scope and their values. */
int ev_load(store_db *db, const eval_scope *scope, int year, ev_data *d);

/* The numbers of school i, by slot. */
double *ev_row(const ev_data *d, size_t i);

/* A string of the pool ("" for offset 0). */
const char *ev_str(const ev_data *d, size_t at);

/* The rules of stage from the standards in force. */
void ev_rules_load(json_t *standards, int stage, ev_rules *r);

/* The share of stage in school i: 1 for a single-stage school. */
double ev_share(const ev_data *d, size_t i, int stage);

/* 1 when school i has both compulsory stages in its weights (一贯制). */
int ev_through_school(const ev_data *d, size_t i);

/* Why school i's part of pupils is left out: EV_SPECIAL, EV_POINT, or
 * EV_SCHOOL when it is evaluated. */
int ev_exclusion(const ev_data *d, const ev_rules *r, size_t i, double pupils);

/* ---------------------------------------------------------- eval_whatif.c */

/* Checks the shape of changes (NULL, or an array of at most EV_MAX_CHANGES). */
int ev_whatif_check(json_t *changes, refusal *e);

/* Adds the fields the changes name to d, before loading. */
void ev_whatif_fields(ev_data *d, json_t *changes);

/* Checks and applies every change in order to d's numbers; *changed gets
 * the school ids (each once, in order of first change). */
int ev_whatif_apply(store_db *db, const eval_scope *scope, int year, int stage, ev_data *d,
                    json_t *changes, json_t **changed, refusal *e);

/* ------------------------------------------------------------ eval_size.c */

/* The size part of one school's card, the school's scope and year under
 * the standards in force: *size {"stages","pupils","capacity","occupancy",
 * "over_capacity","over_size"} (new), pupils[s] its pupils per stage. */
int ev_size_school(store_db *db, const eval_scope *scope, int year, json_t *standards,
                   json_t **size, double pupils[EVAL_NSTAGES]);

#endif
