/*
 * stats_demo.h - demo and benchmark data for the 基表 (annual statistics).
 *
 * stats_demo_generate fills the demo county with the records of the school
 * years 2019, 2020 and 2021 of every school open on 1 September of that
 * year, through stats_record_save like the API's, one round (填报任务) per
 * year. The figures follow the seed (2021 work report): in 2021 the public
 * kindergartens hold 18.7% of the kindergarten places (核定学位) and the
 * public high schools 58.1% of the high-school places; 城区 schools are
 * crowded (classes of 50-58, a few 大班额 56-65, very few 66+), 乡村
 * schools small and short of PE/music/art specialists. Every record keeps
 * the form's rules (totals add up, parts below their whole, 学历 = 专任教师)
 * and explains its warnings, except two 2021 drafts left with an error on
 * purpose (an 初中 with an unexplained 66+ class, a 幼儿园 with a 学历
 * typo; the 小学 drafts are clean). 2019 and 2020 are all 已通过; 2021 mostly 已通过, some 已提交,
 * a few 草稿 and two 已退回 with a review comment.
 *
 * A school's high-school places are its 核定学位 (capacity) when it is a
 * 高级中学, else capacity x senior pupils / all its pupils (完全中学,
 * 十二年一贯制); a public one is of nature 公办. Kindergarten places are the
 * capacity of the 幼儿园.
 *
 * stats_demo_bulk writes the 2021 records of every county that has none
 * yet (the province benchmark, `edubureau generate --stats`) with multi-row
 * INSERTs in one transaction: same generator, status 已提交, one round per
 * county.
 */
#ifndef EDU_STATS_DEMO_H
#define EDU_STATS_DEMO_H

#include <stddef.h>
#include <stdint.h>
#include "store/store.h"

#define STATS_DEMO_FIRST_YEAR 2019
#define STATS_DEMO_LAST_YEAR 2021

/* The county's records of 2019-2021, in the caller's transaction, after
 * its schools and users exist. Returns STORE_OK, or another code with a
 * Chinese reason in err (err_size bytes). One summary audit row ("import")
 * per year. */
int stats_demo_generate(store_db *db, uint64_t seed, int64_t county_org_id, char *err,
                        size_t err_size);

/* What stats_demo_bulk wrote. */
typedef struct stats_bulk_counts {
    long records;
    long values;
} stats_bulk_counts;

/* The 2021 records of the schools of every county without 2021 records,
 * in its own transaction, then ANALYZE. Returns STORE_OK or a code with
 * the reason in err. */
int stats_demo_bulk(store_db *db, uint64_t seed, stats_bulk_counts *out, char *err,
                    size_t err_size);

#endif
