/*
 * serve.c - `edubureau serve` and `edubureau migrate`, and the serve path
 * shared with `edubureau demo` (cli_serve_store).
 *
 *   edubureau serve [--db FILE] [--port N] [--bind ADDR] [--threads N] [--files DIR] [--quiet]
 *   edubureau migrate [--db FILE]
 *
 * The database defaults to $EDUBUREAU_DB or edubureau.db, the port to
 * $EDUBUREAU_PORT or 8080 (0 picks a free port), the address to 127.0.0.1,
 * the uploaded-file store (io/filestore.h) to $EDUBUREAU_FILES or
 * "<database file>.files".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "http/server.h"
#include "io/filestore.h"
#include "store/store.h"
#include "util/log.h"

#define SERVE_DEFAULT_DB "edubureau.db"
#define SERVE_DEFAULT_PORT 8080

static const char *serve_bind;  /* for the ready line; one server per process */

static void serve_on_ready(int port)
{
    printf("edubureau 正在监听 http://%s:%d\n", serve_bind, port);
    fflush(stdout);
}

int cli_serve_store(store *s, const char *bind, int port, int threads, int quiet)
{
    server_config cfg;
    server_config_defaults(&cfg);
    if (bind && *bind)
        cfg.bind = bind;
    cfg.port = port;
    if (threads > 0)
        cfg.threads = threads;
    cfg.quiet = quiet;
    cfg.on_ready = serve_on_ready;
    serve_bind = cfg.bind;
    if (server_run(s, &cfg) != 0) {
        fprintf(stderr, "无法启动 HTTP 服务 (%s:%d)\n", cfg.bind, port);
        return 1;
    }
    return 0;
}

/* The file store: --files DIR, else $EDUBUREAU_FILES, else "<db>.files". */
static int serve_files_init(int argc, char **argv, const char *db)
{
    char fallback[4096];
    const char *dir = opt_value(argc, argv, "files");
    if (!dir || !*dir)
        dir = getenv("EDUBUREAU_FILES");
    if (!dir || !*dir) {
        snprintf(fallback, sizeof fallback, "%s.files", db);
        dir = fallback;
    }
    if (filestore_init(dir) != 0) {
        fprintf(stderr, "无法使用文件存储目录 %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const char *const known[] = {"db=", "port=", "bind=", "threads=", "files=", "quiet",
                                        NULL};
    if (opt_check(argc, argv, known) != 0)
        return 2;
    long port = SERVE_DEFAULT_PORT, threads = 0;
    const char *env_port = getenv("EDUBUREAU_PORT");
    if (env_port && *env_port) {
        char *end;
        port = strtol(env_port, &end, 10);
        if (*end != '\0') {
            fprintf(stderr, "环境变量 EDUBUREAU_PORT 不是有效端口: %s\n", env_port);
            return 2;
        }
    }
    if (opt_int(argc, argv, "port", &port) != 0 || opt_int(argc, argv, "threads", &threads) != 0)
        return 2;
    if (port < 0 || port > 65535) {
        fprintf(stderr, "端口必须在 0 到 65535 之间\n");
        return 2;
    }
    if (threads < 0 || threads > 1024) {
        fprintf(stderr, "线程数必须在 1 到 1024 之间\n");
        return 2;
    }
    if (password_init() != 0) {
        fprintf(stderr, "无法初始化密码库 (libsodium)\n");
        return 1;
    }
    if (threads == 0) {
        server_config defaults;
        server_config_defaults(&defaults);
        threads = defaults.threads;
    }
    const char *db = cli_db_path(argc, argv, SERVE_DEFAULT_DB);
    if (serve_files_init(argc, argv, db) != 0)
        return 1;
    store *s = cli_open_store(db, (int)threads + 2);
    if (!s)
        return 1;
    const char *bind = opt_value(argc, argv, "bind");
    int rc = cli_serve_store(s, bind, (int)port, (int)threads, opt_flag(argc, argv, "quiet"));
    store_close(s);
    return rc;
}

int cmd_migrate(int argc, char **argv)
{
    static const char *const known[] = {"db=", NULL};
    if (opt_check(argc, argv, known) != 0)
        return 2;
    const char *db = cli_db_path(argc, argv, SERVE_DEFAULT_DB);
    store *s = cli_open_store(db, 1);
    if (!s)
        return 1;
    store_close(s);
    printf("数据库已是最新: %s\n", db);
    return 0;
}
