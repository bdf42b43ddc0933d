/*
 * clock.c - "now", and dates in China Standard Time (see clock.h).
 *
 * China has one time zone, UTC+8, without daylight saving, so conversion is
 * a fixed offset and civil-date arithmetic (no dependence on the TZ setting
 * of the machine). EDUBUREAU_NOW overrides the clock for tests.
 */
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLOCK_OFFSET (8 * 3600)

int64_t clock_now(void)
{
    const char *fixed = getenv("EDUBUREAU_NOW");
    if (fixed && *fixed) {
        char *end;
        long long v = strtoll(fixed, &end, 10);
        if (*end == '\0')
            return (int64_t)v;
    }
    return (int64_t)time(NULL);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t clock_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void clock_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int clock_days_in_month(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* The day (since 1970-01-01) in UTC+8 of a Unix time. */
static int64_t clock_local_day(int64_t unix_seconds)
{
    int64_t t = unix_seconds + CLOCK_OFFSET;
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

void clock_format(int64_t unix_seconds, char *out, size_t outsz)
{
    int64_t days = clock_local_day(unix_seconds);
    int64_t secs = unix_seconds + CLOCK_OFFSET - days * 86400;
    int64_t y;
    int m, d;
    clock_civil_from_days(days, &y, &m, &d);
    snprintf(out, outsz, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)y, m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* Exactly n decimal digits at s; returns the value or -1. */
static int clock_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int clock_parse(const char *text, int64_t *out)
{
    if (!text)
        return -1;
    size_t len = strlen(text);
    if (len != 10 && len != 16 && len != 19)
        return -1;
    if (text[4] != '-' || text[7] != '-')
        return -1;
    int y = clock_digits(text, 4), m = clock_digits(text + 5, 2), d = clock_digits(text + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > clock_days_in_month(y, m))
        return -1;
    int hh = 0, mm = 0, ss = 0;
    if (len >= 16) {
        if ((text[10] != ' ' && text[10] != 'T') || text[13] != ':')
            return -1;
        hh = clock_digits(text + 11, 2);
        mm = clock_digits(text + 14, 2);
        if (len == 19) {
            if (text[16] != ':')
                return -1;
            ss = clock_digits(text + 17, 2);
        }
        if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
            return -1;
    }
    *out = clock_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - CLOCK_OFFSET;
    return 0;
}

void clock_date_of_days(int64_t days, char out[11])
{
    int64_t y;
    int m, d;
    clock_civil_from_days(days, &y, &m, &d);
    snprintf(out, 11, "%04lld-%02d-%02d", (long long)y, m, d);
}

void clock_today(char out[11])
{
    clock_date_of_days(clock_local_day(clock_now()), out);
}

int clock_date_valid(const char *text)
{
    int64_t t;
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return 0;
    return clock_parse(text, &t) == 0;
}
