/*
 * safety_demo.h - demo and benchmark data for 安全 (hazards, inspections,
 * activities, vaccination).
 *
 * safety_demo_generate fills the demo county with the safety work of 2021
 * that the bureau's work report names (879 hazards found and closed at 350+
 * schools, 300+ education events, 800+ drills, 3,000+ pieces of security
 * equipment, 7,000+ extinguishers, 38 schools repaired, vaccination 99%+)
 * and leaves 40-60 hazards of 2022 open, some of them overdue 重大, so the
 * loop and 首页 have work; besides those, 2022 January-September at the
 * same pace (520-580 hazards found and closed by 29 September, the
 * activities of those months), so the 2022 plan's live targets read real
 * figures on its status date. Hazards go through hazards_create and
 * hazards_transition like the API's; the steps are then attributed to the
 * demo users who would have taken them (the school's 学校管理员, the 安全
 * 稳定股 for 重大). Deterministic: the same seed gives the same records.
 *
 * safety_demo_bulk (safety_bulk.c) adds any number of synthetic hazards
 * with their steps over every school of the database, with multi-row
 * INSERTs in one transaction: the province benchmark (`edubureau generate
 * --hazards N`). Both draw what a hazard says from the catalogue below.
 */
#ifndef EDU_SAFETY_DEMO_H
#define EDU_SAFETY_DEMO_H

#include <stddef.h>
#include <stdint.h>
#include "domain/demo_gen.h"
#include "store/store.h"

/* The county's safety records, in the caller's transaction, after its
 * schools, departments and users exist. Returns STORE_OK, or another code
 * with a Chinese reason in err (err_size bytes, may name a refusal). One
 * summary audit row ("import") per kind of record. */
int safety_demo_generate(store_db *db, uint64_t seed, int64_t county_org_id, char *err,
                         size_t err_size);

/* ------------------------------------------------ the hazard catalogue */

#define SAFETY_DEMO_CATS 11 /* hazard categories, as the seed names them */
#define SAFETY_DEMO_RETURN_REASONS 4

/* What a hazard says and what its plan is. */
typedef struct safety_demo_template {
    int cat; /* index into safety_demo_cat_names */
    int major;
    const char *description;
    const char *location;
    const char *measures;
    const char *interim;    /* NULL: none */
    int funds_lo, funds_hi; /* 元 */
} safety_demo_template;

extern const char *const safety_demo_cat_names[SAFETY_DEMO_CATS];
extern const safety_demo_template safety_demo_templates[];
/* What the verifier writes when sending a hazard back. */
extern const char *const safety_demo_return_reasons[SAFETY_DEMO_RETURN_REASONS];
/* The people who find hazards and answer for them. */
extern const demo_names safety_demo_people;

/* A category by the weights of the hazards found (one draw). */
int safety_demo_draw_cat(demo_rng *r);
/* The index of a template of category cat and grade major (any grade when
 * the category has no 重大 one). */
int safety_demo_template_pick(demo_rng *r, int cat, int major);
/* 1 when category cat has a 重大 template. */
int safety_demo_major_cat(int cat);
/* The database ids of the categories, in order. */
int safety_demo_cat_ids(store_db *db, int64_t ids[SAFETY_DEMO_CATS], char *err, size_t err_size);

/* ------------------------------------------------------------ benchmark */

/* What safety_demo_bulk wrote. */
typedef struct safety_bulk_counts {
    long hazards;
    long steps;
} safety_bulk_counts;

/* count synthetic hazards (found 2019-01-01 .. today, every status, with
 * their steps) spread over the active schools, in its own transaction,
 * then ANALYZE. Returns STORE_OK or a code with the reason in err. */
int safety_demo_bulk(store_db *db, uint64_t seed, long count, safety_bulk_counts *out, char *err,
                     size_t err_size);

#endif
