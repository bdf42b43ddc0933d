/*
 * safety_cmd.c - `edubureau safety-rebuild [--db F]`: recompute the 安全
 * summary's counts (domain/safety_counts.h) from the hazards table, in one
 * transaction, and mark them valid.
 *
 * Needed once for a database that held hazards before migration 007 (its
 * summary reads the hazards until then), and after anything that wrote
 * hazards outside the application. `generate --hazards` and `demo` rebuild
 * by themselves.
 */
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "domain/safety_counts.h"
#include "store/store.h"

static double safety_cmd_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_safety_rebuild(int argc, char **argv)
{
    static const char *const known[] = {"db=", NULL};
    if (opt_check(argc, argv, known) != 0)
        return 2;
    const char *path = cli_db_path(argc, argv, "edubureau.db");
    store *s = cli_open_store(path, 1);
    if (!s)
        return 1;
    store_db *db = store_acquire(s);
    long hazards = 0;
    double start = safety_cmd_seconds();
    int rc = db_begin(db);
    if (rc == STORE_OK)
        rc = safety_counts_rebuild(db, &hazards);
    if (rc == STORE_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc != STORE_OK)
        fprintf(stderr, "重建安全汇总计数失败: %s\n", db_errmsg(db));
    else
        printf("已按 %ld 条隐患重建安全汇总计数，用时 %.1f 秒\n", hazards,
               safety_cmd_seconds() - start);
    store_release(s, db);
    store_close(s);
    return rc == STORE_OK ? 0 : 1;
}
