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

/* Serve an open, migrated store until SIGINT/SIGTERM (serve.c); prints
 * "edubureau 正在监听 http://ADDR:PORT" once listening. threads <= 0 takes
 * the default. Returns the process exit code. */
struct store;
int cli_serve_store(struct store *s, const char *bind, int port, int threads, int quiet);

#endif
