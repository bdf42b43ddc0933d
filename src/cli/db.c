/*
 * db.c - how every subcommand finds and opens its database.
 *
 * The file comes from --db, else $EDUBUREAU_DB, else the command's default;
 * opening always applies the pending migrations, so any command works on a
 * fresh file. Errors are printed in Chinese; callers just return 1.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "store/store.h"

const char *cli_db_path(int argc, char **argv, const char *fallback)
{
    const char *db = opt_value(argc, argv, "db");
    if (!db || !*db)
        db = getenv("EDUBUREAU_DB");
    return db && *db ? db : fallback;
}

store *cli_open_store(const char *path, int pool)
{
    char *err = NULL;
    store *s = store_open(path, pool, &err);
    if (!s) {
        fprintf(stderr, "无法打开数据库 %s: %s\n", path, err ? err : "未知错误");
        free(err);
        return NULL;
    }
    if (store_migrate(s, &err) != STORE_OK) {
        fprintf(stderr, "数据库迁移失败 (%s): %s\n", path, err ? err : "未知错误");
        free(err);
        store_close(s);
        return NULL;
    }
    return s;
}
