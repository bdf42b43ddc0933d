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
int cmd_eval(int argc, char **argv);      /* edubureau eval [--year Y] [--stage S] [--org 机构] [--out F.xlsx] (评估) */
int cmd_plan(int argc, char **argv);      /* edubureau plan export|status --year Y ... (目标) */

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

/* What a reporting command is about (scope.c). Each returns 0, or the exit
 * code after printing why on stderr: 2 for an option missing its value,
 * malformed or naming nothing (the message names the option), 1 for a
 * store error. */
struct store_db;
struct json_t;
/* opt_check (opts.h), and no argument that is neither an option nor an
 * option's value (argv[0], the command, aside). */
int cli_only_options(int argc, char **argv, const char *const known[]);
/* The value of --name into *out (NULL when absent); 2 when it has none. */
int cli_opt_text(int argc, char **argv, const char *name, const char **out);
/* --year, a whole number 2000..2100, into *year (0 when absent). */
int cli_year(int argc, char **argv, int *year);
/* The org unit of --org (a unit id or its exact name), else the only
 * county: *unit as org_get gives it, the caller's to free. */
int cli_org_unit(struct store_db *db, int argc, char **argv, struct json_t **unit);

#endif
