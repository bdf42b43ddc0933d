/*
 * plan_json.c - how 目标 reads numbers from rows and shows them in replies,
 * said once for every plan file (plan_internal.h): a missing figure is NAN
 * inside and null outside, a progress fraction is capped to 0..1 with four
 * decimals, a REAL column is a real even when SQLite hands back 25.0 as 25,
 * and an evidence file is downloaded from /api/plan-evidence/{id}/file.
 * Text and integer fields are read with text_field and text_field_int
 * (util/text.h).
 */
#include "domain/plan_internal.h"

#include <math.h>
#include <stdio.h>

#include "util/text.h"

double plan_field_num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

json_t *plan_json_num(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

json_t *plan_json_fraction(double v)
{
    if (isnan(v))
        return json_null();
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return json_real(round(v * 10000) / 10000);
}

void plan_json_copy(json_t *to, json_t *from, const char *key)
{
    json_t *v = json_object_get(from, key);
    json_object_set_new(to, key, v ? json_incref(v) : json_null());
}

void plan_json_reals(json_t *o, const char *const *keys)
{
    for (int i = 0; keys[i]; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (json_is_integer(v))
            json_object_set_new(o, keys[i], json_real((double)json_integer_value(v)));
    }
}

void plan_evidence_url(json_t *evidence)
{
    char url[64];

    if (!text_is(text_field(evidence, "kind"), "file")) {
        json_object_set_new(evidence, "url", json_null());
        return;
    }
    snprintf(url, sizeof url, "/api/plan-evidence/%lld/file",
             (long long)text_field_int(evidence, "id"));
    json_object_set_new(evidence, "url", json_string(url));
}
