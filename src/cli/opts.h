/*
 * opts.h - the command-line option helpers every cmd_* uses.
 *
 * argv is the subcommand's own (argv[0] is the subcommand name; options
 * start at argv[1]). Options are "--name value" or "--name=value"; name may
 * be given with or without its leading "--".
 */
#ifndef EDU_OPTS_H
#define EDU_OPTS_H

/* The value of --name, or NULL when absent (or given without a value). */
const char *opt_value(int argc, char **argv, const char *name);
/* 1 when --name is present. */
int opt_flag(int argc, char **argv, const char *name);
/* Integer value of --name into *out (left unchanged when absent): 0 ok,
 * -1 when the value is missing or not a whole number (message printed). */
int opt_int(int argc, char **argv, const char *name, long *out);
/* Check that every "--x" argument is known. known lists names; a name
 * ending in '=' takes a value ("db=", "port=", "quiet"). 0 ok, -1 with
 * the message printed. Arguments not starting with "--" are left alone. */
int opt_check(int argc, char **argv, const char *const known[]);

#endif
