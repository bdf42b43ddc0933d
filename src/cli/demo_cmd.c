/*
 * demo_cmd.c - `edubureau demo` and `edubureau generate`.
 *
 *   edubureau demo [--port N] [--db FILE] [--seed N] [--no-serve] [--quiet]
 *       Creates the demo county in FILE (default edubureau-demo.db, never
 *       $EDUBUREAU_DB, so a demo cannot land in a real database) when it
 *       is missing or holds no org units, prints the demo logins, serves.
 *   edubureau generate --counties N [--db FILE] [--seed N] [--hazards N] [--stats]
 *       Writes 长葛市 plus N-1 synthetic counties (the province benchmark)
 *       into a new or empty database (--db, $EDUBUREAU_DB, edubureau.db);
 *       refuses one that holds data. --hazards N then adds N synthetic
 *       hazards with their steps over all the schools (bulk INSERTs) and
 *       prints the rate. --stats then writes the 2021 基表 of every county
 *       that has none yet (bulk INSERTs) and prints the rate.
 *
 * Both set the file store (uploaded photos) to "<database file>.files"
 * before generating, so the demo's photos land beside the database.
 *
 * The seed defaults to 2021; the same seed always gives the same data
 * (demo.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "auth/password.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "domain/demo.h"
#include "domain/safety_demo.h"
#include "domain/stats_demo.h"
#include "io/filestore.h"
#include "store/store.h"
#include "util/log.h"

#define DEMO_DEFAULT_DB "edubureau-demo.db"
#define DEMO_DEFAULT_PORT 8080
#define DEMO_DEFAULT_SEED 2021
#define DEMO_POOL 8

/* Number of org units, or -1 on error. */
static int64_t demo_cmd_units(store *s)
{
    int64_t n = -1;
    store_db *db = store_acquire(s);
    if (db_query_int(db, "SELECT COUNT(*) FROM org_units", NULL, 0, &n) != STORE_OK) {
        fprintf(stderr, "无法读取数据库: %s\n", db_errmsg(db));
        n = -1;
    }
    store_release(s, db);
    return n;
}

static double demo_cmd_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Generate into s; prints the outcome. 0 ok. */
static int demo_cmd_generate(store *s, long seed, long counties, int quiet)
{
    char *err = NULL;
    double start = demo_cmd_seconds();
    if (!quiet)
        printf("正在生成演示数据（种子 %ld，%ld 个县）……\n", seed, counties);
    if (demo_generate(s, (uint64_t)seed, (int)counties, &err) != STORE_OK) {
        fprintf(stderr, "生成演示数据失败: %s\n", err ? err : "未知错误");
        free(err);
        return -1;
    }
    if (!quiet) {
        store_db *db = store_acquire(s);
        int64_t schools = 0;
        db_query_int(db, "SELECT COUNT(*) FROM schools", NULL, 0, &schools);
        store_release(s, db);
        printf("已生成 %lld 所学校，用时 %.1f 秒\n", (long long)schools,
               demo_cmd_seconds() - start);
    }
    return 0;
}

/* The file store beside the database: "<db>.files". 0 ok. */
static int demo_cmd_files(const char *db)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s.files", db) >= (int)sizeof dir || filestore_init(dir) != 0) {
        fprintf(stderr, "无法创建文件目录 %s.files\n", db);
        return -1;
    }
    return 0;
}

/* The password library, the file store beside db and the store at db with
 * its number of org units in *units (-1 on error). NULL, said, on failure. */
static store *demo_cmd_open(const char *db, int64_t *units)
{
    if (password_init() != 0) {
        fprintf(stderr, "无法初始化密码库\n");
        return NULL;
    }
    if (demo_cmd_files(db) != 0)
        return NULL;
    store *s = cli_open_store(db, DEMO_POOL);
    if (s)
        *units = demo_cmd_units(s);
    return s;
}

/* A bulk benchmark generator: writes into db and says how many rows of its
 * two kinds it wrote (made[0] + made[1] rows in all). */
typedef int (*demo_cmd_bulk_fn)(store_db *db, long seed, long count, long made[2], char *err,
                                size_t err_size);

/* --hazards: count synthetic hazards with their steps. */
static int demo_cmd_hazard_rows(store_db *db, long seed, long count, long made[2], char *err,
                                size_t err_size)
{
    safety_bulk_counts n = {0, 0};
    int rc = safety_demo_bulk(db, (uint64_t)seed, count, &n, err, err_size);
    made[0] = n.hazards;
    made[1] = n.steps;
    return rc;
}

/* --stats: the 2021 基表 of every county without one, with their values. */
static int demo_cmd_stats_rows(store_db *db, long seed, long count, long made[2], char *err,
                               size_t err_size)
{
    (void)count;
    stats_bulk_counts n = {0, 0};
    int rc = stats_demo_bulk(db, (uint64_t)seed, &n, err, err_size);
    made[0] = n.records;
    made[1] = n.values;
    return rc;
}

/* Run a bulk generator over the whole database, timed: prints what failed
 * with the reason, or "已生成 <n> <first><n> <second>" with the seconds
 * and the rows per second. 0 ok. */
static int demo_cmd_bulk(store *s, demo_cmd_bulk_fn run, long seed, long count, const char *failed,
                         const char *first, const char *second)
{
    char err[512] = "";
    long made[2] = {0, 0};
    fflush(stdout);
    double start = demo_cmd_seconds();
    store_db *db = store_acquire(s);
    int rc = run(db, seed, count, made, err, sizeof err);
    store_release(s, db);
    if (rc != STORE_OK) {
        fprintf(stderr, "%s: %s\n", failed, err[0] ? err : "未知错误");
        return -1;
    }
    double seconds = demo_cmd_seconds() - start;
    printf("已生成 %ld %s%ld %s，用时 %.1f 秒（每秒 %.0f 行）\n", made[0], first, made[1], second,
           seconds, seconds > 0 ? (double)(made[0] + made[1]) / seconds : 0.0);
    return 0;
}

/* --hazards N, then --stats, after the counties. 0 ok. */
static int demo_cmd_bench(store *s, long seed, long hazards, int stats)
{
    int rc = 0;
    if (hazards > 0) {
        printf("正在生成 %ld 条模拟隐患……\n", hazards);
        rc = demo_cmd_bulk(s, demo_cmd_hazard_rows, seed, hazards, "生成隐患失败", "条隐患和 ",
                           "个流转步骤");
    }
    if (rc == 0 && stats) {
        printf("正在生成各县 2021 学年基表……\n");
        rc = demo_cmd_bulk(s, demo_cmd_stats_rows, seed, 0, "生成基表失败", "份基表、", "项数据");
    }
    return rc;
}

/* --seed: a whole number >= 0 (default 2021). */
static int demo_cmd_seed(int argc, char **argv, long *seed)
{
    *seed = DEMO_DEFAULT_SEED;
    if (opt_int(argc, argv, "seed", seed) != 0)
        return -1;
    if (*seed < 0) {
        fprintf(stderr, "--seed 应为非负整数\n");
        return -1;
    }
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    static const char *const known[] = {"db=", "port=", "seed=", "no-serve", "quiet", NULL};
    long port = DEMO_DEFAULT_PORT, seed;
    if (opt_check(argc, argv, known) != 0 || opt_int(argc, argv, "port", &port) != 0 ||
        demo_cmd_seed(argc, argv, &seed) != 0)
        return 2;
    if (port < 0 || port > 65535) {
        fprintf(stderr, "端口必须在 0 到 65535 之间\n");
        return 2;
    }
    const char *db = opt_value(argc, argv, "db");
    int quiet = opt_flag(argc, argv, "quiet");
    if (!db || !*db)
        db = DEMO_DEFAULT_DB;
    log_set_quiet(quiet);
    int64_t units = -1;
    store *s = demo_cmd_open(db, &units);
    if (!s)
        return 1;
    int status = 0;
    if (units < 0 || (units == 0 && demo_cmd_generate(s, seed, 1, quiet) != 0))
        status = 1;
    else if (units > 0 && !quiet)
        printf("使用已有的演示数据库 %s\n", db);
    if (status == 0) {
        int serve = !opt_flag(argc, argv, "no-serve");
        demo_print_logins(s, serve ? (int)port : 0);
        if (serve)
            status = cli_serve_store(s, "127.0.0.1", (int)port, 0, quiet);
    }
    store_close(s);
    return status;
}

int cmd_generate(int argc, char **argv)
{
    static const char *const known[] = {
        "db=", "counties=", "seed=", "hazards=", "stats", "quiet", NULL};
    long counties = 0, seed, hazards = 0;
    if (opt_check(argc, argv, known) != 0 || opt_int(argc, argv, "counties", &counties) != 0 ||
        opt_int(argc, argv, "hazards", &hazards) != 0 || demo_cmd_seed(argc, argv, &seed) != 0)
        return 2;
    if (counties < 1 || counties > 500) {
        fprintf(stderr, "用法: edubureau generate --counties N [--db 文件] [--seed N] [--hazards N]"
                        " [--stats]（N 为 1 至 500）\n");
        return 2;
    }
    if (hazards < 0 || hazards > 100000000) {
        fprintf(stderr, "--hazards 应在 0 至 100000000 之间\n");
        return 2;
    }
    const char *db = cli_db_path(argc, argv, "edubureau.db");
    int64_t units = -1;
    store *s = demo_cmd_open(db, &units);
    if (!s)
        return 1;
    int status = 0;
    if (units != 0) {
        if (units > 0)
            fprintf(stderr, "数据库 %s 已有数据，拒绝覆盖；请指定新的文件\n", db);
        status = 1;
    } else if (demo_cmd_generate(s, seed, counties, opt_flag(argc, argv, "quiet")) != 0 ||
               demo_cmd_bench(s, seed, hazards, opt_flag(argc, argv, "stats")) != 0) {
        status = 1;
    }
    store_close(s);
    return status;
}
