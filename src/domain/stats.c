/*
 * stats.c - 基表: the annual statistics record of a school, its form and
 * its validation rules, all read from data (migrations/005_stats.sql, the
 * catalogue in 006_stats_catalogue.sql).
 *
 * The form of a 办学类型 in a school year is the fields of the sections
 * that type fills (stat_sections, stat_fields), in section order (stages
 * first, the school-wide 'base' last) and field sort order. Nothing is
 * cached: the bureau may edit the catalogue at any time, and a form is two
 * queries (fields, rules).
 *
 * Values live in stat_values, one row per record and field: numbers (int,
 * real, bool as 0/1) in num, enum text in text. A value has a kind: int is
 * a whole number >= min (0 unless min_value says otherwise), real a number
 * >= min, bool 0/1, enum one of the '|'-separated options.
 *
 * The rule engine is the table stats_rule_kinds: each rule kind of
 * stat_rules names a check function that says whether a rule is broken.
 * An explanation of the field turns a warning (and an 'explainable' error)
 * into an explained warning, which does not block submission.
 *
 * Records move 草稿 → 已提交 → 已通过 (locked) or 已退回 (→ 已提交 again) by
 * the table stats_moves; 已通过 → 已退回 is the bureau's reopen. Every write
 * runs in the caller's transaction with its audit row.
 */
#include "domain/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "util/clock.h"

/* Section keys in form order, with their headings. */
static const struct {
    const char *key;
    const char *label;
} stats_sections[] = {
    {"kg", "幼儿园"},   {"primary", "小学"},    {"junior", "初中"},
    {"senior", "高中"}, {"vocational", "中职"}, {"base", "教职工与办学条件"},
};
#define STATS_NSECTIONS (sizeof stats_sections / sizeof stats_sections[0])

#define STATS_SECTION_ORDER                                                                    \
    "CASE f.section WHEN 'kg' THEN 1 WHEN 'primary' THEN 2 WHEN 'junior' THEN 3 "              \
    "WHEN 'senior' THEN 4 WHEN 'vocational' THEN 5 WHEN 'base' THEN 6 ELSE 7 END"

#define STATS_FIELD_COLUMNS                                                                    \
    "SELECT f.section, f.key, f.label, f.unit, f.grp, f.kind, f.options, f.min_value, "        \
    "f.max_value, f.computed FROM stat_fields f "

#define STATS_IN_YEAR(t) "(" t ".year_from <= ? AND (" t ".year_to IS NULL OR " t ".year_to >= ?))"

/* Reasons with numbers or options in them live here until the next call. */
static _Thread_local char stats_reason_buf[512];
/* Refusal messages and fields (a refusal outlives the call and its JSON). */
static _Thread_local char stats_message_buf[512];
static _Thread_local char stats_field_buf[128];

/* A 400 naming field key (copied) with the message in stats_message_buf. */
static int stats_refuse_field(refusal *e, const char *key)
{
    snprintf(stats_field_buf, sizeof stats_field_buf, "%s", key);
    return refuse(e, 400, "invalid", stats_field_buf, stats_message_buf);
}

/* ---------------------------------------------------------------- helpers */

static const char *stats_str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int stats_is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static const char *stats_section_label(const char *key)
{
    for (size_t i = 0; i < STATS_NSECTIONS; i++)
        if (stats_is(stats_sections[i].key, key))
            return stats_sections[i].label;
    return key;
}

/* A number of a JSON value: 1 and *out when it is one. */
static int stats_number(json_t *v, double *out)
{
    if (!json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return 1;
}

/* A REAL from the database as the API shows it: whole numbers as integers. */
static json_t *stats_num_json(double d)
{
    if (isfinite(d) && d == floor(d) && fabs(d) < 9007199254740992.0)
        return json_integer((json_int_t)d);
    return json_real(d);
}

int stats_school_year(int64_t unix_seconds)
{
    char at[20];
    clock_format(unix_seconds, at, sizeof at);
    int year = atoi(at), month = atoi(at + 5);
    return month >= 9 ? year : year - 1;
}

/* -------------------------------------------------------------- the form */

/* The field object of a stat_fields row. */
static json_t *stats_field_object(json_t *row)
{
    json_t *f = json_object();
    const char *options = stats_str(row, "options");
    double d;

    json_object_set(f, "key", json_object_get(row, "key"));
    json_object_set(f, "label", json_object_get(row, "label"));
    json_object_set_new(f, "unit", json_incref(json_object_get(row, "unit")));
    json_object_set(f, "kind", json_object_get(row, "kind"));
    if (options) {
        json_t *list = json_array();
        const char *s = options;
        while (*s) {
            const char *bar = strchr(s, '|');
            size_t n = bar ? (size_t)(bar - s) : strlen(s);
            if (n)
                json_array_append_new(list, json_stringn(s, n));
            s += n + (bar ? 1 : 0);
        }
        json_object_set_new(f, "options", list);
    } else {
        json_object_set_new(f, "options", json_null());
    }
    json_object_set_new(f, "min", stats_number(json_object_get(row, "min_value"), &d)
                                      ? stats_num_json(d)
                                      : json_null());
    json_object_set_new(f, "max", stats_number(json_object_get(row, "max_value"), &d)
                                      ? stats_num_json(d)
                                      : json_null());
    json_object_set_new(f, "computed", json_incref(json_object_get(row, "computed")));
    json_object_set(f, "section", json_object_get(row, "section"));
    json_object_set(f, "group", json_object_get(row, "grp"));
    /* json_object_set of a missing member would fail; keep the shape. */
    if (!json_object_get(f, "unit"))
        json_object_set_new(f, "unit", json_null());
    if (!json_object_get(f, "computed"))
        json_object_set_new(f, "computed", json_null());
    return f;
}

int stats_fields(store_db *db, int year, const char *school_type, json_t **out)
{
    json_t *rows = NULL;
    size_t i;
    json_t *row;
    int rc;
    *out = NULL;
    if (school_type) {
        sval p[] = {SV_I(year), SV_I(year), SV_T(school_type), SV_I(year), SV_I(year)};
        rc = db_query(db,
                      STATS_FIELD_COLUMNS "WHERE " STATS_IN_YEAR("f") " AND f.section IN (SELECT "
                      "s.section FROM stat_sections s WHERE s.school_type = ? AND " STATS_IN_YEAR(
                          "s") ") ORDER BY " STATS_SECTION_ORDER ", f.section, f.sort, f.id",
                      p, 5, &rows);
    } else {
        sval p[] = {SV_I(year), SV_I(year)};
        rc = db_query(db,
                      STATS_FIELD_COLUMNS "WHERE " STATS_IN_YEAR(
                          "f") " ORDER BY " STATS_SECTION_ORDER ", f.section, f.sort, f.id",
                      p, 2, &rows);
    }
    if (rc != STORE_OK)
        return rc;
    json_t *fields = json_array();
    json_array_foreach(rows, i, row) json_array_append_new(fields, stats_field_object(row));
    json_decref(rows);
    *out = fields;
    return STORE_OK;
}

int stats_schema(store_db *db, int year, const char *school_type, json_t **out)
{
    json_t *fields = NULL;
    size_t i;
    json_t *f;
    int rc = stats_fields(db, year, school_type, &fields);
    *out = NULL;
    if (rc != STORE_OK)
        return rc;
    json_t *sections = json_array();
    json_t *section = NULL, *groups = NULL, *group = NULL;
    json_array_foreach(fields, i, f) {
        const char *skey = stats_str(f, "section"), *gname = stats_str(f, "group");
        if (!section || !stats_is(stats_str(section, "key"), skey)) {
            section = json_pack("{ss ss so}", "key", skey, "label", stats_section_label(skey),
                                "groups", json_array());
            json_array_append_new(sections, section);
            groups = json_object_get(section, "groups");
            group = NULL;
        }
        if (!group || !stats_is(stats_str(group, "name"), gname)) {
            group = json_pack("{ss so}", "name", gname, "fields", json_array());
            json_array_append_new(groups, group);
        }
        json_array_append(json_object_get(group, "fields"), f);
    }
    json_decref(fields);
    *out = json_pack("{si ss so}", "year", year, "school_type", school_type, "sections", sections);
    return STORE_OK;
}

/* The rules of year on the fields of by_key (an object key -> field). */
static int stats_rules_for(store_db *db, int year, json_t *by_key, json_t **out)
{
    json_t *rows = NULL;
    size_t i;
    json_t *row;
    sval p[] = {SV_I(year), SV_I(year)};
    int rc = db_query(db,
                      "SELECT r.rule, r.severity, r.field, r.args, r.message, r.explainable FROM "
                      "stat_rules r WHERE " STATS_IN_YEAR("r") " ORDER BY r.id",
                      p, 2, &rows);
    *out = NULL;
    if (rc != STORE_OK)
        return rc;
    json_t *rules = json_array();
    json_array_foreach(rows, i, row) {
        if (!json_object_get(by_key, stats_str(row, "field")))
            continue;
        json_object_set_new(row, "explainable",
                            json_boolean(json_integer_value(json_object_get(row, "explainable"))));
        json_array_append(rules, row);
    }
    json_decref(rows);
    *out = rules;
    return STORE_OK;
}

/* key -> field object of a stats_fields array (borrowed members). */
static json_t *stats_by_key(json_t *fields)
{
    json_t *by_key = json_object();
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) json_object_set(by_key, stats_str(f, "key"), f);
    return by_key;
}

int stats_rules(store_db *db, int year, const char *school_type, json_t **out)
{
    json_t *fields = NULL;
    int rc = stats_fields(db, year, school_type, &fields);
    *out = NULL;
    if (rc != STORE_OK)
        return rc;
    json_t *by_key = stats_by_key(fields);
    rc = stats_rules_for(db, year, by_key, out);
    json_decref(by_key);
    json_decref(fields);
    return rc;
}

/* ------------------------------------------------------------ the values */

/* text with full-width digits, signs, commas and points made ASCII and
 * spaces (ASCII, U+3000) trimmed, into out (size n). 0, or -1 too long. */
static int stats_normalise(const char *text, char *out, size_t n)
{
    size_t w = 0;
    for (const unsigned char *s = (const unsigned char *)text; *s;) {
        char c;
        if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0x99) {
            c = (char)('0' + (s[2] - 0x90));
            s += 3;
        } else if (s[0] == 0xEF && s[1] == 0xBC && (s[2] == 0x8C || s[2] == 0x8E || s[2] == 0x8D ||
                                                    s[2] == 0x8B)) {
            c = s[2] == 0x8C ? ',' : s[2] == 0x8E ? '.' : s[2] == 0x8D ? '-' : '+';
            s += 3;
        } else if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) {
            c = ' ';
            s += 3;
        } else {
            c = (char)*s++;
        }
        if (w + 1 >= n)
            return -1;
        out[w++] = c;
    }
    out[w] = '\0';
    size_t start = strspn(out, " \t\r\n");
    memmove(out, out + start, w - start + 1);
    w -= start;
    while (w && strchr(" \t\r\n", out[w - 1]))
        out[--w] = '\0';
    return 0;
}

/* Free text (an explanation, a review comment) as the person wrote it,
 * only without surrounding spaces (ASCII, U+3000), into out (size n).
 * 0, or -1 too long. */
static int stats_trim_text(const char *text, char *out, size_t n)
{
    const char *end = text + strlen(text);
    for (;;) {
        if (*text && strchr(" \t\r\n", *text))
            text++;
        else if (strncmp(text, "\xe3\x80\x80", 3) == 0)
            text += 3;
        else
            break;
    }
    for (;;) {
        if (end > text && strchr(" \t\r\n", end[-1]))
            end--;
        else if (end - text >= 3 && strncmp(end - 3, "\xe3\x80\x80", 3) == 0)
            end -= 3;
        else
            break;
    }
    if ((size_t)(end - text) >= n)
        return -1;
    memcpy(out, text, (size_t)(end - text));
    out[end - text] = '\0';
    return 0;
}

/* A plain decimal "[-+]digits[.digits]" with optional thousands commas
 * ("1,234.5"), as a double; 0, or -1 for anything else. */
static int stats_decimal(const char *text, double *out)
{
    char plain[64];
    size_t w = 0;
    const char *s = text;
    if (*s == '-' || *s == '+')
        plain[w++] = *s++;
    const char *digits = s;
    size_t run = 0;
    int first_group = 1, commas = 0;
    for (; (*s >= '0' && *s <= '9') || *s == ','; s++) {
        if (*s == ',') {
            if (run == 0 || (first_group ? run > 3 : run != 3))
                return -1;
            first_group = 0;
            commas = 1;
            run = 0;
            continue;
        }
        if (w + 2 >= sizeof plain)
            return -1;
        plain[w++] = *s;
        run++;
    }
    if (s == digits || run == 0 || (commas && run != 3))
        return -1;
    if (*s == '.') {
        plain[w++] = *s++;
        const char *frac = s;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (w + 2 >= sizeof plain)
                return -1;
            plain[w++] = *s;
        }
        if (s == frac)
            w--;  /* "12." */
    }
    if (*s)
        return -1;
    plain[w] = '\0';
    *out = strtod(plain, NULL);
    return isfinite(*out) ? 0 : -1;
}

/* The lower bound of a number field: its min, else 0. */
static double stats_min(json_t *field)
{
    double d;
    return stats_number(json_object_get(field, "min"), &d) ? d : 0.0;
}

/* A number d checked against the kind and bounds of field. */
static json_t *stats_number_value(json_t *field, double d, const char **reason)
{
    const char *kind = stats_str(field, "kind");
    int whole = stats_is(kind, "int");
    double min = stats_min(field), max;
    if (!isfinite(d) || (whole && (d != floor(d) || fabs(d) > 9007199254740991.0))) {
        *reason = min >= 0 ? "应为非负整数" : "应为整数";
        return NULL;
    }
    if (d < min) {
        if (min == 0) {
            *reason = whole ? "应为非负整数" : "应为非负数";
        } else {
            snprintf(stats_reason_buf, sizeof stats_reason_buf, "不能小于%g", min);
            *reason = stats_reason_buf;
        }
        return NULL;
    }
    if (stats_number(json_object_get(field, "max"), &max) && d > max) {
        snprintf(stats_reason_buf, sizeof stats_reason_buf, "不能大于%g", max);
        *reason = stats_reason_buf;
        return NULL;
    }
    return whole ? json_integer((json_int_t)d) : json_real(d);
}

/* "应为以下之一：A、B、C" for an enum field. */
static const char *stats_options_reason(json_t *field)
{
    size_t i, w;
    json_t *o;
    w = (size_t)snprintf(stats_reason_buf, sizeof stats_reason_buf, "应为以下之一：");
    json_array_foreach(json_object_get(field, "options"), i, o) {
        int n = snprintf(stats_reason_buf + w, sizeof stats_reason_buf - w, "%s%s", i ? "、" : "",
                         json_string_value(o));
        if (n < 0 || (size_t)n >= sizeof stats_reason_buf - w)
            break;
        w += (size_t)n;
    }
    return stats_reason_buf;
}

static int stats_option_valid(json_t *field, const char *text)
{
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(field, "options"), i, o) if (stats_is(json_string_value(o),
                                                                             text)) return 1;
    return 0;
}

json_t *stats_value_parse(json_t *field, const char *text, const char **reason)
{
    char norm[256];
    double d;
    const char *kind = stats_str(field, "kind");
    *reason = NULL;
    if (!text)
        return json_null();
    if (stats_normalise(text, norm, sizeof norm) != 0) {
        *reason = "内容过长";
        return NULL;
    }
    if (!*norm)
        return json_null();
    if (stats_is(kind, "int") || stats_is(kind, "real")) {
        if (stats_decimal(norm, &d) != 0) {
            *reason = stats_is(kind, "int") ? (stats_min(field) >= 0 ? "应为非负整数" : "应为整数")
                                            : (stats_min(field) >= 0 ? "应为非负数" : "应为数字");
            return NULL;
        }
        return stats_number_value(field, d, reason);
    }
    if (stats_is(kind, "bool")) {
        if (strcmp(norm, "1") == 0 || strcasecmp(norm, "true") == 0 || strcmp(norm, "是") == 0 ||
            strcmp(norm, "有") == 0)
            return json_integer(1);
        if (strcmp(norm, "0") == 0 || strcasecmp(norm, "false") == 0 || strcmp(norm, "否") == 0 ||
            strcmp(norm, "无") == 0)
            return json_integer(0);
        *reason = "应为“是”或“否”";
        return NULL;
    }
    if (stats_is(kind, "enum")) {
        if (stats_option_valid(field, norm))
            return json_string(norm);
        *reason = stats_options_reason(field);
        return NULL;
    }
    *reason = "字段类型未知";
    return NULL;
}

json_t *stats_value_check(json_t *field, json_t *value, const char **reason)
{
    const char *kind = stats_str(field, "kind");
    *reason = NULL;
    if (!value || json_is_null(value))
        return json_null();
    if (json_is_string(value))
        return stats_value_parse(field, json_string_value(value), reason);
    if (stats_is(kind, "bool")) {
        if (json_is_boolean(value))
            return json_integer(json_is_true(value));
        if (json_is_number(value) && (json_number_value(value) == 0 || json_number_value(value) == 1))
            return json_integer((json_int_t)json_number_value(value));
        *reason = "应为“是”或“否”";
        return NULL;
    }
    if (stats_is(kind, "int") || stats_is(kind, "real")) {
        if (json_is_number(value))
            return stats_number_value(field, json_number_value(value), reason);
        *reason = stats_is(kind, "int") ? "应为非负整数" : "应为非负数";
        return NULL;
    }
    if (stats_is(kind, "enum")) {
        *reason = stats_options_reason(field);
        return NULL;
    }
    *reason = "字段类型未知";
    return NULL;
}

/* ------------------------------------------------------- the rule engine */

/* The sum of the fields of expr ("a+b+c") in values; *present counts the
 * fields that have a number. */
static double stats_sum(json_t *values, const char *expr, int *present)
{
    double total = 0, d;
    char key[128];
    *present = 0;
    for (const char *s = expr; s && *s;) {
        const char *plus = strchr(s, '+');
        size_t n = plus ? (size_t)(plus - s) : strlen(s);
        if (n && n < sizeof key) {
            memcpy(key, s, n);
            key[n] = '\0';
            if (stats_number(json_object_get(values, key), &d)) {
                total += d;
                (*present)++;
            }
        }
        s += n + (plus ? 1 : 0);
    }
    return total;
}

/* Each check answers 1 when the rule is broken, 0 when it holds or has
 * nothing to look at. */
typedef int (*stats_rule_fn)(json_t *rule, json_t *values, json_t *previous);

/* sum: field = the sum of args (missing parts count 0). */
static int stats_rule_sum(json_t *rule, json_t *values, json_t *previous)
{
    double total = 0;
    int present;
    (void)previous;
    int has_total = stats_number(json_object_get(values, stats_str(rule, "field")), &total);
    double parts = stats_sum(values, stats_str(rule, "args"), &present);
    if (!has_total && !present)
        return 0;
    return fabs(total - parts) > 1e-6;
}

/* le: field <= args (a field or a sum of fields). */
static int stats_rule_le(json_t *rule, json_t *values, json_t *previous)
{
    double v;
    int present;
    (void)previous;
    if (!stats_number(json_object_get(values, stats_str(rule, "field")), &v))
        return 0;
    double bound = stats_sum(values, stats_str(rule, "args"), &present);
    return present && v > bound + 1e-9;
}

/* class_size: field counts classes of args+ pupils; any is a problem. */
static int stats_rule_class_size(json_t *rule, json_t *values, json_t *previous)
{
    double v;
    (void)previous;
    return stats_number(json_object_get(values, stats_str(rule, "field")), &v) && v > 0;
}

/* change: |field - last year's| / last year's > args. */
static int stats_rule_change(json_t *rule, json_t *values, json_t *previous)
{
    double now, before;
    const char *field = stats_str(rule, "field");
    const char *args = stats_str(rule, "args");
    if (!previous || !args || !stats_number(json_object_get(values, field), &now) ||
        !stats_number(json_object_get(previous, field), &before) || before == 0)
        return 0;
    double limit = strtod(args, NULL);
    return fabs(now - before) / fabs(before) > limit + 1e-12;
}

static const struct {
    const char *rule;
    stats_rule_fn check;
} stats_rule_kinds[] = {
    {"sum", stats_rule_sum},
    {"le", stats_rule_le},
    {"class_size", stats_rule_class_size},
    {"change", stats_rule_change},
};

static stats_rule_fn stats_rule_check_of(const char *rule)
{
    for (size_t i = 0; i < sizeof stats_rule_kinds / sizeof stats_rule_kinds[0]; i++)
        if (stats_is(stats_rule_kinds[i].rule, rule))
            return stats_rule_kinds[i].check;
    return NULL;
}

/* 1 when explanations holds a non-blank text for field. */
static int stats_explained(json_t *explanations, const char *field)
{
    char norm[16];
    const char *text = stats_str(explanations, field);
    if (!text)
        return 0;
    if (stats_normalise(text, norm, sizeof norm) != 0)
        return 1;  /* longer than blank */
    return *norm != '\0';
}

static json_t *stats_problem(json_t *field, const char *key, const char *severity,
                             const char *message, const char *rule, int explained)
{
    const char *label = field ? stats_str(field, "label") : NULL;
    return json_pack("{ss ss? ss ss ss sb}", "field", key, "label", label, "severity", severity,
                     "message", message, "rule", rule, "explained", explained);
}

/* The checks of stats_check on a loaded form. */
static void stats_check_form(json_t *by_key, json_t *rules, json_t *values, json_t *previous,
                             json_t *explanations, json_t *problems, int *errors)
{
    const char *key;
    json_t *v;
    size_t i;
    json_t *rule;

    json_object_foreach(values, key, v) {
        json_t *field = json_object_get(by_key, key), *ok;
        const char *reason;
        if (!field)
            continue;
        if ((ok = stats_value_check(field, v, &reason)) != NULL) {
            json_decref(ok);
            continue;
        }
        snprintf(stats_message_buf, sizeof stats_message_buf, "「%s」%s",
                 stats_str(field, "label"), reason);
        json_array_append_new(problems,
                              stats_problem(field, key, "error", stats_message_buf, "kind", 0));
        (*errors)++;
    }
    json_array_foreach(rules, i, rule) {
        stats_rule_fn check = stats_rule_check_of(stats_str(rule, "rule"));
        const char *field = stats_str(rule, "field");
        if (!check || !check(rule, values, previous))
            continue;
        const char *severity = stats_str(rule, "severity");
        int warning = stats_is(severity, "warning");
        int explainable = warning || json_is_true(json_object_get(rule, "explainable"));
        int explained = explainable && stats_explained(explanations, field);
        if (explained)
            severity = "warning";
        else if (!warning)
            severity = "error";
        json_array_append_new(problems, stats_problem(json_object_get(by_key, field), field, severity,
                                                      stats_str(rule, "message"),
                                                      stats_str(rule, "rule"), explained));
        if (!explained)
            (*errors)++;
    }
}

int stats_check(store_db *db, int year, const char *school_type, json_t *values,
                json_t *previous, json_t *explanations, json_t **problems, int *errors)
{
    json_t *fields = NULL, *rules = NULL;
    *problems = NULL;
    *errors = 0;
    int rc = stats_fields(db, year, school_type, &fields);
    if (rc != STORE_OK)
        return rc;
    json_t *by_key = stats_by_key(fields);
    rc = stats_rules_for(db, year, by_key, &rules);
    if (rc == STORE_OK) {
        *problems = json_array();
        stats_check_form(by_key, rules, values, previous, explanations, *problems, errors);
    }
    json_decref(rules);
    json_decref(by_key);
    json_decref(fields);
    return rc;
}

/* ------------------------------------------------------------ the record */

#define STATS_RECORD_SELECT                                                                    \
    "SELECT id, school_id, year, path, school_type, round_id, status, explanations, "         \
    "review_comment, submitted_at, submitted_by, reviewed_at, reviewed_by, updated_at, "       \
    "updated_by FROM stat_records WHERE school_id = ? AND year = ?"

static int stats_record_row(store_db *db, int64_t school_id, int year, json_t **row)
{
    sval p[] = {SV_I(school_id), SV_I(year)};
    return db_query_one(db, STATS_RECORD_SELECT, p, 2, row);
}

/* field -> value of record_id. */
static int stats_record_values(store_db *db, int64_t record_id, json_t **out)
{
    json_t *rows = NULL;
    size_t i;
    json_t *row;
    double d;
    sval p[] = {SV_I(record_id)};
    int rc = db_query(db, "SELECT field, num, text FROM stat_values WHERE record_id = ?", p, 1,
                      &rows);
    *out = NULL;
    if (rc != STORE_OK)
        return rc;
    json_t *values = json_object();
    json_array_foreach(rows, i, row) {
        const char *field = stats_str(row, "field"), *text = stats_str(row, "text");
        if (text)
            json_object_set_new(values, field, json_string(text));
        else if (stats_number(json_object_get(row, "num"), &d))
            json_object_set_new(values, field, stats_num_json(d));
    }
    json_decref(rows);
    *out = values;
    return STORE_OK;
}

/* The explanations text of a record row as an object (new). */
static json_t *stats_explanations_of(json_t *row)
{
    const char *text = stats_str(row, "explanations");
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    return o;
}

static json_t *stats_time(json_t *row, const char *key)
{
    char at[20];
    json_t *v = json_object_get(row, key);
    if (!json_is_integer(v))
        return json_null();
    clock_format(json_integer_value(v), at, sizeof at);
    return json_string(at);
}

int stats_record_load(store_db *db, int64_t school_id, int year, json_t **out)
{
    static const char *const copied[] = {"id",     "school_id",      "year",     "path",
                                         "status", "school_type",    "round_id", "review_comment",
                                         NULL};
    json_t *row = NULL, *values = NULL;
    *out = NULL;
    int rc = stats_record_row(db, school_id, year, &row);
    if (rc != STORE_OK)
        return rc;
    rc = stats_record_values(db, json_integer_value(json_object_get(row, "id")), &values);
    if (rc != STORE_OK) {
        json_decref(row);
        return rc;
    }
    json_t *o = json_object();
    for (int i = 0; copied[i]; i++) {
        json_t *v = json_object_get(row, copied[i]);
        json_object_set_new(o, copied[i], v ? json_incref(v) : json_null());
    }
    json_object_set_new(o, "values", values);
    json_object_set_new(o, "explanations", stats_explanations_of(row));
    json_object_set_new(o, "submitted_at", stats_time(row, "submitted_at"));
    json_object_set_new(o, "reviewed_at", stats_time(row, "reviewed_at"));
    json_object_set_new(o, "updated_at", stats_time(row, "updated_at"));
    json_decref(row);
    *out = o;
    return STORE_OK;
}

/* The school's path and type for u: 404 outside the scope or without read
 * access to stats, 403 when write and u may not write stats there. */
static int stats_school_for(store_db *db, const user_ctx *u, int64_t school_id, int write,
                            json_t **school, refusal *e)
{
    sval p[] = {SV_I(school_id)};
    int rc = db_query_one(db, "SELECT id, path, type, status FROM schools WHERE id = ?", p, 1,
                          school);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 404, "not_found", NULL, "学校不存在");
    if (rc != STORE_OK)
        return rc;
    const char *path = stats_str(*school, "path");
    int denied = 0;
    if (u && (!access_in_scope(u, path) || !access_can_read(u, "stats", path)))
        denied = refuse(e, 404, "not_found", NULL, "学校不存在");
    else if (u && write && !access_can_write(u, "stats", path))
        denied = refuse(e, 403, "forbidden", NULL, "无权限");
    if (denied) {
        json_decref(*school);
        *school = NULL;
        return REFUSED;
    }
    return STORE_OK;
}

/* The open round of year whose scope holds path and whose types include
 * school_type (the latest), or 0. */
static int stats_open_round(store_db *db, int year, const char *path, const char *school_type,
                            int64_t *round_id)
{
    json_t *rows = NULL;
    size_t i;
    json_t *row;
    sval p[] = {SV_I(year)};
    int rc = db_query(db,
                      "SELECT id, path, school_types FROM stat_rounds WHERE year = ? AND status = "
                      "'进行中' ORDER BY id DESC",
                      p, 1, &rows);
    *round_id = 0;
    if (rc != STORE_OK)
        return rc;
    json_array_foreach(rows, i, row) {
        const char *rpath = stats_str(row, "path"), *types = stats_str(row, "school_types");
        if (!rpath || !types || strncmp(path, rpath, strlen(rpath)) != 0)
            continue;
        size_t n = strlen(school_type);
        for (const char *s = types; *s;) {
            const char *bar = strchr(s, '|');
            size_t len = bar ? (size_t)(bar - s) : strlen(s);
            if (len == n && memcmp(s, school_type, n) == 0) {
                *round_id = json_integer_value(json_object_get(row, "id"));
                break;
            }
            s += len + (bar ? 1 : 0);
        }
        if (*round_id)
            break;
    }
    json_decref(rows);
    return STORE_OK;
}

/* 1 when a and b hold the same value (numbers compared as numbers). */
static int stats_same(json_t *a, json_t *b)
{
    double x, y;
    int a_null = !a || json_is_null(a), b_null = !b || json_is_null(b);
    if (a_null || b_null)
        return a_null && b_null;
    if (stats_number(a, &x) && stats_number(b, &y))
        return x == y;
    return json_equal(a, b);
}

/* values checked against the form by_key into *parsed (new), or a 400
 * refusal naming the first bad field. */
static int stats_parse_values(json_t *by_key, json_t *values, json_t **parsed, refusal *e)
{
    const char *key;
    json_t *v;
    *parsed = json_object();
    json_object_foreach(values, key, v) {
        json_t *field = json_object_get(by_key, key);
        const char *reason;
        json_t *ok;
        if (!field) {
            snprintf(stats_message_buf, sizeof stats_message_buf, "「%s」不是本学年基表的字段", key);
            return stats_refuse_field(e, key);
        }
        if (!(ok = stats_value_check(field, v, &reason))) {
            snprintf(stats_message_buf, sizeof stats_message_buf, "「%s」%s",
                     stats_str(field, "label"), reason);
            return stats_refuse_field(e, key);
        }
        json_object_set_new(*parsed, key, ok);
    }
    return STORE_OK;
}

/* Explanations (key -> text or null) merged into current; the changed keys
 * go to before/after. 400 for an unknown key or a value that is not text. */
static int stats_merge_explanations(json_t *by_key, json_t *given, json_t *current,
                                    json_t *before, json_t *after, refusal *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(given, key, v) {
        char norm[2048];
        if (!json_object_get(by_key, key)) {
            snprintf(stats_message_buf, sizeof stats_message_buf, "「%s」不是本学年基表的字段", key);
            return refuse(e, 400, "invalid", "explanations", stats_message_buf);
        }
        if (!json_is_null(v) && !json_is_string(v))
            return refuse(e, 400, "invalid", "explanations", "说明应为文字");
        if (json_is_string(v) && stats_trim_text(json_string_value(v), norm, sizeof norm) != 0)
            return refuse(e, 400, "invalid", "explanations", "说明不能超过 600 字");
        const char *text = json_is_string(v) && *norm ? norm : NULL;
        json_t *old = json_object_get(current, key);
        if (stats_is(json_string_value(old), text) || (!old && !text))
            continue;
        json_object_set_new(before, key, old ? json_incref(old) : json_null());
        json_object_set_new(after, key, text ? json_string(text) : json_null());
        if (text)
            json_object_set_new(current, key, json_string(text));
        else
            json_object_del(current, key);
    }
    return STORE_OK;
}

/* Write the changed values of record_id (old: its values) and note them in
 * before/after. */
static int stats_write_values(store_db *db, int64_t record_id, json_t *old, json_t *parsed,
                              json_t *before, json_t *after)
{
    const char *key;
    json_t *v;
    int rc = STORE_OK;
    json_object_foreach(parsed, key, v) {
        json_t *was = json_object_get(old, key);
        if (stats_same(was, v))
            continue;
        double d = 0;
        int is_num = stats_number(v, &d);
        sval p[] = {is_num ? SV_R(d) : SV_NUL, SV_T(json_string_value(v)), SV_I(record_id),
                    SV_T(key)};
        if (json_is_null(v))
            rc = db_exec(db, "DELETE FROM stat_values WHERE record_id = ? AND field = ?", p + 2, 2);
        else if (was)
            rc = db_exec(db, "UPDATE stat_values SET num = ?, text = ? WHERE record_id = ? AND "
                             "field = ?",
                         p, 4);
        else
            rc = db_exec(db, "INSERT INTO stat_values (num, text, record_id, field) VALUES (?, ?, "
                             "?, ?)",
                         p, 4);
        if (rc != STORE_OK)
            return rc;
        json_object_set_new(before, key, was ? json_incref(was) : json_null());
        json_object_set(after, key, v);
    }
    return STORE_OK;
}

int stats_record_save(store_db *db, const user_ctx *u, const char *ip, int64_t school_id,
                      int year, json_t *values, json_t *explanations, int audit, refusal *e)
{
    json_t *school = NULL, *row = NULL, *fields = NULL, *by_key = NULL, *parsed = NULL;
    json_t *old = NULL, *expl = NULL;
    json_t *before = json_object(), *after = json_object();
    json_t *expl_before = json_object(), *expl_after = json_object();
    int64_t record_id = 0, round_id = 0, now = clock_now();
    int created = 0;

    int rc = stats_school_for(db, u, school_id, 1, &school, e);
    if (rc != STORE_OK)
        goto done;
    if (year < 2000 || year > 2100) {
        rc = refuse(e, 400, "invalid", "year", "学年无效");
        goto done;
    }
    if ((values && !json_is_object(values) && !json_is_null(values)) ||
        (explanations && !json_is_object(explanations) && !json_is_null(explanations))) {
        rc = refuse(e, 400, "invalid", values && !json_is_object(values) ? "values" : "explanations",
                    "应为 JSON 对象");
        goto done;
    }
    rc = stats_record_row(db, school_id, year, &row);
    if (rc != STORE_OK && rc != STORE_NOTFOUND)
        goto done;
    const char *status = row ? stats_str(row, "status") : NULL;
    if (stats_is(status, "已通过")) {
        rc = refuse(e, 409, "locked", NULL, "基表已审核通过，不能修改");
        goto done;
    }
    if (stats_is(status, "已提交") && u && stats_is(u->role, ROLE_SCHOOL)) {
        rc = refuse(e, 409, "submitted", NULL, "基表已提交，等待审核，不能修改");
        goto done;
    }
    const char *type = row ? stats_str(row, "school_type") : stats_str(school, "type");
    const char *path = stats_str(school, "path");
    if ((rc = stats_fields(db, year, type, &fields)) != STORE_OK)
        goto done;
    if (json_array_size(fields) == 0) {
        rc = refuse(e, 400, "invalid", "year", "该办学类型在本学年没有基表");
        goto done;
    }
    by_key = stats_by_key(fields);
    if ((rc = stats_parse_values(by_key, json_is_object(values) ? values : NULL, &parsed, e)) !=
        STORE_OK)
        goto done;
    expl = row ? stats_explanations_of(row) : json_object();
    if (json_is_object(explanations) &&
        (rc = stats_merge_explanations(by_key, explanations, expl, expl_before, expl_after, e)) !=
            STORE_OK)
        goto done;
    if ((rc = stats_open_round(db, year, path, type, &round_id)) != STORE_OK)
        goto done;
    char *expl_text = json_object_size(expl) ? json_dumps(expl, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    sval who = u ? SV_I(u->id) : SV_NUL;
    sval round = round_id ? SV_I(round_id) : SV_NUL;
    if (!row) {
        sval p[] = {SV_I(school_id), SV_I(year), SV_T(path), SV_T(type), round, SV_T(expl_text),
                    SV_I(now), who};
        rc = db_insert(db,
                       "INSERT INTO stat_records (school_id, year, path, school_type, round_id, "
                       "status, explanations, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, '草稿', "
                       "?, ?, ?) RETURNING id",
                       p, 8, &record_id);
        created = 1;
        old = json_object();
    } else {
        record_id = json_integer_value(json_object_get(row, "id"));
        rc = stats_record_values(db, record_id, &old);
    }
    if (rc == STORE_OK)
        rc = stats_write_values(db, record_id, old, parsed, before, after);
    if (rc == STORE_OK && !created && (json_object_size(after) || json_object_size(expl_after))) {
        sval p[] = {SV_T(expl_text), SV_I(now), who, round, SV_I(record_id)};
        rc = db_exec(db,
                     "UPDATE stat_records SET explanations = ?, updated_at = ?, updated_by = ?, "
                     "round_id = COALESCE(round_id, ?) WHERE id = ?",
                     p, 5);
    }
    free(expl_text);
    if (rc != STORE_OK || !audit || (!created && !json_object_size(after) &&
                                     !json_object_size(expl_after)))
        goto done;
    if (json_object_size(expl_after)) {
        json_object_set(before, "explanations", expl_before);
        json_object_set(after, "explanations", expl_after);
    }
    json_object_set_new(after, "year", json_integer(year));
    json_object_set_new(before, "year", json_integer(year));
    json_object_set_new(after, "school_id", json_integer(school_id));
    json_object_set_new(before, "school_id", json_integer(school_id));
    rc = audit_write(db, u, ip, created ? "create" : "update", "stat_record", record_id, path,
                     created ? NULL : before, after);
done:
    json_decref(school);
    json_decref(row);
    json_decref(fields);
    json_decref(by_key);
    json_decref(parsed);
    json_decref(old);
    json_decref(expl);
    json_decref(before);
    json_decref(after);
    json_decref(expl_before);
    json_decref(expl_after);
    return rc;
}

/* ------------------------------------------------------------ the moves */

typedef enum { STATS_WRITER, STATS_BUREAU } stats_who;

static const struct stats_move {
    const char *action;
    const char *from[3];
    const char *to;
    stats_who who;
    const char *comment_field;   /* required comment, named so in a 400 */
    const char *comment_missing;
    const char *refused;         /* the 409 message */
} stats_moves[] = {
    {"submit", {"草稿", "已退回"}, "已提交", STATS_WRITER, NULL, NULL,
     "只有草稿或已退回的基表可以提交"},
    {"return", {"已提交"}, "已退回", STATS_BUREAU, "comment", "请填写退回意见",
     "只有已提交的基表可以退回"},
    {"approve", {"已提交"}, "已通过", STATS_BUREAU, NULL, NULL, "只有已提交的基表可以审核通过"},
    {"reopen", {"已通过"}, "已退回", STATS_BUREAU, "reason", "请填写重新打开的原因",
     "只有已审核通过的基表可以重新打开"},
};

static const struct stats_move *stats_move_of(const char *action)
{
    for (size_t i = 0; i < sizeof stats_moves / sizeof stats_moves[0]; i++)
        if (stats_is(stats_moves[i].action, action))
            return &stats_moves[i];
    return NULL;
}

/* The problems of the record row (values vals) as it would be submitted. */
static int stats_record_problems(store_db *db, json_t *row, json_t *vals, json_t **problems,
                                 int *errors)
{
    json_t *prev_row = NULL, *previous = NULL;
    int64_t school_id = json_integer_value(json_object_get(row, "school_id"));
    int year = (int)json_integer_value(json_object_get(row, "year"));
    int rc = stats_record_row(db, school_id, year - 1, &prev_row);
    if (rc == STORE_OK)
        rc = stats_record_values(db, json_integer_value(json_object_get(prev_row, "id")),
                                 &previous);
    else if (rc == STORE_NOTFOUND)
        rc = STORE_OK;
    json_decref(prev_row);
    if (rc != STORE_OK)
        return rc;
    json_t *expl = stats_explanations_of(row);
    rc = stats_check(db, year, stats_str(row, "school_type"), vals, previous, expl, problems,
                     errors);
    json_decref(expl);
    json_decref(previous);
    return rc;
}

int stats_record_transition(store_db *db, const user_ctx *u, const char *ip, int64_t school_id,
                            int year, const char *action, const char *comment, json_t **problems,
                            refusal *e)
{
    const struct stats_move *move = stats_move_of(action);
    json_t *school = NULL, *row = NULL, *vals = NULL, *found = NULL;
    int64_t now = clock_now(), round_id = 0;
    int errors = 0;
    if (problems)
        *problems = NULL;
    if (!move)
        return refuse(e, 404, "not_found", NULL, "操作不存在");
    int rc = stats_school_for(db, u, school_id, 1, &school, e);
    if (rc != STORE_OK)
        goto done;
    if (u && move->who == STATS_BUREAU && stats_is(u->role, ROLE_SCHOOL)) {
        rc = refuse(e, 403, "forbidden", NULL, "只有教体局可以审核基表");
        goto done;
    }
    rc = stats_record_row(db, school_id, year, &row);
    if (rc == STORE_NOTFOUND) {
        rc = refuse(e, 409, "invalid_transition", NULL, "基表尚未填报");
        goto done;
    }
    if (rc != STORE_OK)
        goto done;
    const char *status = stats_str(row, "status");
    int allowed = 0;
    for (int i = 0; i < 3 && move->from[i]; i++)
        allowed |= stats_is(move->from[i], status);
    if (!allowed) {
        rc = refuse(e, 409, "invalid_transition", NULL, move->refused);
        goto done;
    }
    char trimmed[2048] = "";
    if (comment && stats_trim_text(comment, trimmed, sizeof trimmed) != 0) {
        rc = refuse(e, 400, "invalid", move->comment_field ? move->comment_field : "comment",
                    "意见不能超过 600 字");
        goto done;
    }
    if (move->comment_field && !*trimmed) {
        rc = refuse(e, 400, "missing", move->comment_field, move->comment_missing);
        goto done;
    }
    int64_t record_id = json_integer_value(json_object_get(row, "id"));
    const char *path = stats_str(row, "path");
    if (stats_is(move->action, "submit")) {
        if ((rc = stats_record_values(db, record_id, &vals)) != STORE_OK ||
            (rc = stats_record_problems(db, row, vals, &found, &errors)) != STORE_OK)
            goto done;
        if (errors) {
            if (problems) {
                *problems = found;
                found = NULL;
            }
            rc = refuse(e, 400, "validation_failed", NULL,
                        "基表有未通过的校验（错误或未说明的提醒），不能提交");
            goto done;
        }
        if ((rc = stats_open_round(db, year, path, stats_str(row, "school_type"), &round_id)) !=
            STORE_OK)
            goto done;
    }
    sval who = u ? SV_I(u->id) : SV_NUL;
    const char *review = trimmed;
    if (!move->comment_field)
        review = stats_str(row, "review_comment");
    if (stats_is(move->action, "submit")) {
        sval p[] = {SV_T(move->to), SV_I(now), who, round_id ? SV_I(round_id) : SV_NUL,
                    SV_I(record_id)};
        rc = db_exec(db,
                     "UPDATE stat_records SET status = ?, submitted_at = ?, submitted_by = ?, "
                     "round_id = COALESCE(round_id, ?) WHERE id = ?",
                     p, 5);
    } else {
        sval p[] = {SV_T(move->to), SV_I(now), who,
                    SV_T(review),
                    SV_I(record_id)};
        rc = db_exec(db,
                     "UPDATE stat_records SET status = ?, reviewed_at = ?, reviewed_by = ?, "
                     "review_comment = ? WHERE id = ?",
                     p, 5);
    }
    if (rc != STORE_OK)
        goto done;
    /* school_id and year say whose record it is, for the audit reader */
    json_t *before = json_pack("{ss si sI}", "status", status, "year", year, "school_id",
                               (json_int_t)school_id);
    json_t *after = json_pack("{ss si sI}", "status", move->to, "year", year, "school_id",
                              (json_int_t)school_id);
    if (move->comment_field)
        json_object_set_new(after, move->comment_field, json_string(trimmed));
    rc = audit_write(db, u, ip, move->action, "stat_record", record_id, path, before, after);
    json_decref(before);
    json_decref(after);
done:
    json_decref(school);
    json_decref(row);
    json_decref(vals);
    json_decref(found);
    return rc;
}
