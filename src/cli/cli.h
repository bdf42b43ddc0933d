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

#endif
