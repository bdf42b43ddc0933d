/*
 * cli.h - the subcommands of the edubureau binary (dispatched in main.c).
 * Each returns the process exit code; errors are printed in Chinese on
 * stderr and give a non-zero code.
 */
#ifndef EDU_CLI_H
#define EDU_CLI_H

int cmd_serve(int argc, char **argv);     /* edubureau serve [--db F] [--port N] [--bind A] [--threads N] */
int cmd_demo(int argc, char **argv);      /* edubureau demo [--port N] [--db F] [--seed N] [--no-serve] */
int cmd_generate(int argc, char **argv);  /* edubureau generate --counties N [--db F] [--seed N] (bench data) */
int cmd_user(int argc, char **argv);      /* edubureau user list|add|passwd|role|lock|unlock|disable ... */
int cmd_migrate(int argc, char **argv);   /* edubureau migrate [--db F] */
int cmd_org(int argc, char **argv);       /* edubureau org ... (org tree and departments) */
int cmd_export(int argc, char **argv);    /* edubureau export --year Y --out FILE.xlsx [--type T] (基表) */
int cmd_import(int argc, char **argv);    /* edubureau import --year Y FILE [--apply] (基表) */
int cmd_safety_rebuild(int argc, char **argv); /* edubureau safety-rebuild [--db F] (安全汇总计数) */

/* Serve an open, migrated store until SIGINT/SIGTERM (serve.c); prints
 * "edubureau 正在监听 http://ADDR:PORT" once listening. threads <= 0 takes
 * the default. Returns the process exit code. */
struct store;
/* The database file: --db, else $EDUBUREAU_DB, else fallback (db.c). */
const char *cli_db_path(int argc, char **argv, const char *fallback);
/* Open it with a pool of `pool` connections and apply the migrations;
 * NULL with the reason printed. */
struct store *cli_open_store(const char *path, int pool);
int cli_serve_store(struct store *s, const char *bind, int port, int threads, int quiet);

#endif
