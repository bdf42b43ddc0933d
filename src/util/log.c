/*
 * log.c - timestamped log lines on stderr (see log.h).
 *
 * One line per call, written with a single fputs under stderr's own lock so
 * lines of different threads never interleave.
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdatomic.h>

#include "util/clock.h"

static atomic_int log_quiet;

void log_set_quiet(int quiet)
{
    atomic_store(&log_quiet, quiet ? 1 : 0);
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
    char when[20];
    char msg[2048];
    clock_format(clock_now(), when, sizeof when);
    vsnprintf(msg, sizeof msg, fmt, ap);
    flockfile(stderr);
    fprintf(stderr, "%s %s %s\n", when, level, msg);
    funlockfile(stderr);
}

void log_info(const char *fmt, ...)
{
    if (atomic_load(&log_quiet))
        return;
    va_list ap;
    va_start(ap, fmt);
    log_line("INFO", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("WARN", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("ERROR", fmt, ap);
    va_end(ap);
}
