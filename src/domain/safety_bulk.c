/*
 * safety_bulk.c - the province benchmark's hazards (`edubureau generate
 * --hazards N`, see safety_demo.h).
 *
 * safety_demo_bulk spreads N synthetic hazards, found from 2019-01-01 to
 * today in every status, over the schools 在办 in the database, with the
 * steps the loop would have left (登记, 开始整改, 提交验收, 退回, 销号).
 * What a hazard says comes from safety_demo.c's catalogue. Hazards and
 * steps are written directly, with ids assigned here, by multi-row INSERTs
 * (demo_gen.h's batches) in one transaction; then the per-unit counts are
 * rebuilt, one summary audit row is written and the tables are ANALYZEd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/safety_counts.h"
#include "domain/safety_demo.h"
#include "util/clock.h"

#define SB_HAZARD_COLS 20
#define SB_STEP_COLS 9
#define SB_HAZARD_ROWS 100 /* rows per multi-row INSERT */
#define SB_STEP_ROWS 200
#define SB_PEOPLE 256
#define SB_FIRST_DAY "2019-01-01"
#define SB_NOTE                                                                                    \
    "基准测试数据生成（edubureau generate --hazards）：批量写入，本条为汇总记录，未逐条记录审计"

static const char sb_hazard_head[] =
    "INSERT INTO hazards (id, school_id, path, category_id, grade, supervised, location, "
    "description, found_on, found_by, measures, responsible, funds, deadline, interim, status, "
    "returned, closed_on, created_at, updated_at) VALUES ";
static const char sb_step_head[] =
    "INSERT INTO hazard_steps (id, hazard_id, action, from_status, to_status, comment, username, "
    "on_date, at) VALUES ";

/* A hazard's state, in the order of the loop. */
enum { SB_REGISTERED, SB_RECTIFYING, SB_CHECKING, SB_CLOSED };

typedef struct sb_school {
    int64_t id;
    char *path;
    char *username;
} sb_school;

typedef struct sb_gen {
    store_db *db;
    demo_rng rng;
    char *err;
    size_t err_size;
    sb_school *schools;
    int nschools;
    int64_t cat_ids[SAFETY_DEMO_CATS];
    int64_t first;     /* 2019-01-01 */
    char (*dates)[11]; /* day index from 2019-01-01 -> 'YYYY-MM-DD' */
    int ndays, today;
    char people[SB_PEOPLE][48];
    int64_t next_hazard, next_step;
    demo_batch hazard_rows, step_rows;
    long hazards, steps;
} sb_gen;

static int sb_fail(sb_gen *b, const char *what, int rc)
{
    return demo_gen_fail(b->db, b->err, b->err_size, what, rc, NULL);
}

/* The waiting rows: the hazards first, for the steps' foreign key. */
static int sb_flush(sb_gen *b)
{
    int rc = demo_batch_flush(b->db, &b->hazard_rows, "写入隐患", b->err, b->err_size);
    if (rc == STORE_OK)
        rc = demo_batch_flush(b->db, &b->step_rows, "写入隐患步骤", b->err, b->err_size);
    return rc;
}

/* The next row of batch, flushing everything first when it is full. */
static sval *sb_row(sb_gen *b, demo_batch *batch)
{
    if (demo_batch_full(batch) && sb_flush(b) != STORE_OK)
        return NULL;
    return demo_batch_row(batch);
}

/* Queue the seq-th step of hazard_id, taken on day (index from 2019-01-01). */
static int sb_step(sb_gen *b, int64_t hazard_id, const char *action, const char *from,
                   const char *to, const char *comment, const char *username, int day, int seq)
{
    sval *v = sb_row(b, &b->step_rows);
    if (!v)
        return STORE_ERROR;
    int64_t at = b->first + (int64_t)day * DEMO_GEN_DAY + (8 + seq) * 3600 +
                 demo_rng_range(&b->rng, 0, 3599);
    v[0] = SV_I(b->next_step++);
    v[1] = SV_I(hazard_id);
    v[2] = SV_T(action);
    v[3] = SV_T(from);
    v[4] = SV_T(to);
    v[5] = SV_T(comment);
    v[6] = SV_T(username);
    v[7] = SV_T(b->dates[day]);
    v[8] = SV_I(at);
    b->steps++;
    return STORE_OK;
}

static int sb_min(int a, int b)
{
    return a < b ? a : b;
}

/* One synthetic hazard with its steps. */
static int sb_hazard(sb_gen *b)
{
    static const char *const status_names[] = {"已登记", "整改中", "待验收", "已销号"};
    int rc;
    if (demo_batch_full(&b->hazard_rows) && (rc = sb_flush(b)) != STORE_OK)
        return rc;
    const sb_school *s = &b->schools[demo_rng_range(&b->rng, 0, b->nschools - 1)];
    int cat = safety_demo_draw_cat(&b->rng);
    int major = safety_demo_major_cat(cat) && demo_rng_range(&b->rng, 1, 1000) <= 25;
    const safety_demo_template *t =
        &safety_demo_templates[safety_demo_template_pick(&b->rng, cat, major)];
    int found = demo_rng_range(&b->rng, 0, b->today);
    int age = b->today - found;
    int roll = demo_rng_range(&b->rng, 1, 100);
    int state = age > 180    ? (roll <= 96 ? SB_CLOSED : roll % 3)
                : roll <= 50 ? SB_CLOSED
                : roll <= 67 ? SB_REGISTERED
                : roll <= 84 ? SB_RECTIFYING
                             : SB_CHECKING;
    int returned = demo_rng_chance(&b->rng, 8) && state >= SB_RECTIFYING;
    int plan = state > SB_REGISTERED || demo_rng_chance(&b->rng, 50);
    int deadline = sb_min(found + demo_rng_range(&b->rng, 7, major ? 90 : 40), b->ndays - 1);
    int start = sb_min(found + demo_rng_range(&b->rng, 0, 3), b->today);
    int submit = sb_min(start + demo_rng_range(&b->rng, 1, 30), b->today);
    int back = sb_min(submit + demo_rng_range(&b->rng, 1, 3), b->today);
    int resubmit = sb_min(back + demo_rng_range(&b->rng, 2, 8), b->today);
    int close = sb_min((returned ? resubmit : submit) + demo_rng_range(&b->rng, 0, 5), b->today);
    int last = state == SB_CLOSED       ? close
               : state == SB_CHECKING   ? (returned ? resubmit : submit)
               : state == SB_RECTIFYING ? (returned ? back : start)
                                        : found;
    const char *school_user = s->username, *closer = major ? "anquan" : s->username;
    int64_t id = b->next_hazard++;

    sval *v = demo_batch_row(&b->hazard_rows);
    v[0] = SV_I(id);
    v[1] = SV_I(s->id);
    v[2] = SV_T(s->path);
    v[3] = SV_I(b->cat_ids[cat]);
    v[4] = SV_T(major ? "重大" : "一般");
    v[5] = SV_I(major);
    v[6] = SV_T(t->location);
    v[7] = SV_T(t->description);
    v[8] = SV_T(b->dates[found]);
    v[9] = SV_T(b->people[demo_rng_range(&b->rng, 0, SB_PEOPLE - 1)]);
    v[10] = plan ? SV_T(t->measures) : SV_NUL;
    v[11] = plan ? SV_T(b->people[demo_rng_range(&b->rng, 0, SB_PEOPLE - 1)]) : SV_NUL;
    v[12] = plan ? SV_R(demo_rng_range(&b->rng, t->funds_lo, t->funds_hi)) : SV_NUL;
    v[13] = plan ? SV_T(b->dates[deadline]) : SV_NUL;
    v[14] = plan ? SV_T(t->interim) : SV_NUL;
    v[15] = SV_T(status_names[state]);
    v[16] = SV_I(returned);
    v[17] = state == SB_CLOSED ? SV_T(b->dates[close]) : SV_NUL;
    v[18] = SV_I(b->first + (int64_t)found * DEMO_GEN_DAY + 8 * 3600);
    v[19] = SV_I(b->first + (int64_t)last * DEMO_GEN_DAY + 15 * 3600);
    b->hazards++;

    rc = sb_step(b, id, "登记", NULL, "已登记", NULL, school_user, found, 0);
    if (rc == STORE_OK && state >= SB_RECTIFYING)
        rc = sb_step(b, id, "开始整改", "已登记", "整改中", "开始整改", school_user, start, 1);
    if (rc == STORE_OK && (state >= SB_CHECKING || returned))
        rc = sb_step(b, id, "提交验收", "整改中", "待验收", "整改完成，申请验收", school_user,
                     submit, 2);
    if (rc == STORE_OK && returned)
        rc = sb_step(b, id, "退回", "待验收", "整改中",
                     safety_demo_return_reasons[found % SAFETY_DEMO_RETURN_REASONS], closer, back,
                     3);
    if (rc == STORE_OK && returned && state >= SB_CHECKING)
        rc = sb_step(b, id, "提交验收", "整改中", "待验收", "再次申请验收", school_user, resubmit,
                     4);
    if (rc == STORE_OK && state == SB_CLOSED)
        rc = sb_step(b, id, "销号", "待验收", "已销号", "验收合格，予以销号", closer, close, 5);
    return rc;
}

/* The schools 在办, each with its 学校管理员's username. */
static int sb_schools(sb_gen *b)
{
    json_t *rows = NULL, *row;
    sval p[] = {SV_T("在办")};
    int rc = db_query(b->db, "SELECT id, path, code FROM schools WHERE status = ? ORDER BY id", p,
                      1, &rows);
    if (rc != STORE_OK)
        return sb_fail(b, "读取学校", rc);
    b->schools = calloc(json_array_size(rows) + 1, sizeof *b->schools);
    if (!b->schools) {
        json_decref(rows);
        return sb_fail(b, "内存不足", STORE_ERROR);
    }
    size_t i;
    json_array_foreach(rows, i, row)
    {
        sb_school *s = &b->schools[b->nschools++];
        char username[48];
        snprintf(username, sizeof username, "s%s", demo_gen_text(row, "code"));
        s->id = json_integer_value(json_object_get(row, "id"));
        s->path = strdup(demo_gen_text(row, "path"));
        s->username = strdup(username);
        if (!s->path || !s->username) {
            json_decref(rows);
            return sb_fail(b, "内存不足", STORE_ERROR);
        }
    }
    json_decref(rows);
    if (b->nschools == 0) {
        snprintf(b->err, b->err_size, "数据库中没有在办学校，请先生成县");
        return STORE_ERROR;
    }
    return STORE_OK;
}

/* Schools, categories, the next ids, the date table and the people. */
static int sb_load(sb_gen *b)
{
    int rc = sb_schools(b);
    if (rc == STORE_OK)
        rc = safety_demo_cat_ids(b->db, b->cat_ids, b->err, b->err_size);
    if (rc != STORE_OK)
        return rc;
    rc = db_query_int(b->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM hazards", NULL, 0,
                      &b->next_hazard);
    if (rc == STORE_OK)
        rc = db_query_int(b->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM hazard_steps", NULL, 0,
                          &b->next_step);
    if (rc != STORE_OK)
        return sb_fail(b, "读取编号", rc);

    b->first = demo_gen_day(SB_FIRST_DAY);
    b->today = (int)((clock_now() - b->first) / DEMO_GEN_DAY);
    if (b->today < 0)
        b->today = 0;
    b->ndays = b->today + 120; /* deadlines run past today */
    b->dates = malloc((size_t)b->ndays * sizeof *b->dates);
    if (!b->dates)
        return sb_fail(b, "内存不足", STORE_ERROR);
    for (int d = 0; d < b->ndays; d++)
        demo_gen_date(b->first + (int64_t)d * DEMO_GEN_DAY, b->dates[d]);
    for (int k = 0; k < SB_PEOPLE; k++)
        demo_gen_person(&b->rng, &safety_demo_people, b->people[k], sizeof b->people[k]);
    return STORE_OK;
}

/* The hazards, their counts per unit and the summary audit row. */
static int sb_write(sb_gen *b, long count)
{
    int rc = STORE_OK;
    for (long i = 0; i < count && rc == STORE_OK; i++)
        rc = sb_hazard(b);
    if (rc == STORE_OK)
        rc = sb_flush(b);
    if (rc == STORE_OK)
        rc = demo_gen_sequence(b->db, "hazards", b->err, b->err_size);
    if (rc == STORE_OK)
        rc = demo_gen_sequence(b->db, "hazard_steps", b->err, b->err_size);
    if (rc == STORE_OK && (rc = safety_counts_rebuild(b->db, NULL)) != STORE_OK)
        sb_fail(b, "安全汇总计数", rc);
    if (rc == STORE_OK)
        rc = demo_gen_audit(b->db, "hazard", NULL,
                            json_pack("{sI sI ss}", "count", (json_int_t)b->hazards, "steps",
                                      (json_int_t)b->steps, "note", SB_NOTE),
                            b->err, b->err_size);
    return rc;
}

static int sb_run(sb_gen *b, long count)
{
    int rc = sb_load(b);
    if (rc != STORE_OK)
        return rc;
    if (demo_batch_init(&b->hazard_rows, sb_hazard_head, SB_HAZARD_COLS, SB_HAZARD_ROWS) !=
            STORE_OK ||
        demo_batch_init(&b->step_rows, sb_step_head, SB_STEP_COLS, SB_STEP_ROWS) != STORE_OK)
        return sb_fail(b, "内存不足", STORE_ERROR);
    rc = demo_gen_bulk_begin(b->db, b->err, b->err_size);
    if (rc != STORE_OK)
        return rc;
    return demo_gen_bulk_end(b->db, sb_write(b, count), b->err, b->err_size);
}

int safety_demo_bulk(store_db *db, uint64_t seed, long count, safety_bulk_counts *out, char *err,
                     size_t err_size)
{
    sb_gen *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, err_size, "内存不足");
        return STORE_ERROR;
    }
    b->db = db;
    b->rng.state = seed ^ 0xB0B5AFE7B0B5AFE7ULL; /* apart from the county's streams */
    b->err = err;
    b->err_size = err_size;
    int rc = sb_run(b, count);
    if (out) {
        out->hazards = rc == STORE_OK ? b->hazards : 0;
        out->steps = rc == STORE_OK ? b->steps : 0;
    }
    for (int i = 0; i < b->nschools; i++) {
        free(b->schools[i].path);
        free(b->schools[i].username);
    }
    free(b->schools);
    free(b->dates);
    demo_batch_free(&b->hazard_rows);
    demo_batch_free(&b->step_rows);
    free(b);
    return rc;
}
