/*
 * opts.c - command-line option helpers (see opts.h).
 */
#include "cli/opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *opt_bare(const char *name)
{
    return strncmp(name, "--", 2) == 0 ? name + 2 : name;
}

/* 1 when arg is "--name" (*eq = NULL) or "--name=..." (*eq -> after '='). */
static int opt_is(const char *arg, const char *name, const char **eq)
{
    size_t n = strlen(name);
    if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, n) != 0)
        return 0;
    if (arg[2 + n] == '\0') {
        *eq = NULL;
        return 1;
    }
    if (arg[2 + n] == '=') {
        *eq = arg + 3 + n;
        return 1;
    }
    return 0;
}

const char *opt_value(int argc, char **argv, const char *name)
{
    name = opt_bare(name);
    for (int i = 1; i < argc; i++) {
        const char *eq;
        if (!opt_is(argv[i], name, &eq))
            continue;
        if (eq)
            return eq;
        if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
            return argv[i + 1];
        return NULL;
    }
    return NULL;
}

int opt_flag(int argc, char **argv, const char *name)
{
    name = opt_bare(name);
    for (int i = 1; i < argc; i++) {
        const char *eq;
        if (opt_is(argv[i], name, &eq))
            return 1;
    }
    return 0;
}

int opt_int(int argc, char **argv, const char *name, long *out)
{
    name = opt_bare(name);
    if (!opt_flag(argc, argv, name))
        return 0;
    const char *v = opt_value(argc, argv, name);
    if (v && *v) {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno == 0 && *end == '\0') {
            *out = n;
            return 0;
        }
    }
    fprintf(stderr, "选项 --%s 需要一个整数\n", name);
    return -1;
}

int opt_check(int argc, char **argv, const char *const known[])
{
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0)
            continue;
        int found = 0;
        for (int k = 0; known[k] && !found; k++) {
            const char *name = opt_bare(known[k]);
            size_t n = strlen(name);
            int takes_value = n > 0 && name[n - 1] == '=';
            if (takes_value)
                n--;
            const char *arg = argv[i] + 2;
            if (strncmp(arg, name, n) != 0 || (arg[n] != '\0' && arg[n] != '='))
                continue;
            if (arg[n] == '=' && !takes_value)
                continue;
            found = 1;
            if (takes_value && arg[n] == '\0') {
                if (i + 1 >= argc) {
                    fprintf(stderr, "选项 %s 缺少值\n", argv[i]);
                    return -1;
                }
                i++;
            }
        }
        if (!found) {
            fprintf(stderr, "未知选项: %s\n", argv[i]);
            return -1;
        }
    }
    return 0;
}
