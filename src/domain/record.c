/*
 * record.c - field checks and reach of a record, shared by the record
 * modules (see record.h).
 */
#include "domain/record.h"

#include <string.h>

#include "auth/access.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/text.h"

/* 1 when rec has no value for key: absent, null or "". */
static int record_absent(json_t *rec, const char *key)
{
    json_t *v = json_object_get(rec, key);
    return !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
}

int record_check_id(json_t *rec, const char *key, int required, const char *missing,
                    const char *bad, int64_t *out, refusal *e)
{
    json_t *v = json_object_get(rec, key);
    *out = 0;
    if (!v || json_is_null(v))
        return required ? refuse(e, 400, "missing", key, missing) : 0;
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return refuse(e, 400, "invalid", key, bad);
    *out = json_integer_value(v);
    return 0;
}

int record_check_text(json_t *rec, const char *key, int required, size_t min, size_t max,
                      const char *missing, const char *bad, refusal *e)
{
    if (record_absent(rec, key))
        return required ? refuse(e, 400, "missing", key, missing) : 0;
    const char *text = text_field(rec, key);
    size_t n = text_chars(text);
    if (!text || n < min || n > max)
        return refuse(e, 400, "invalid", key, bad);
    return 0;
}

int record_check_date(json_t *rec, const char *key, int required, const char *missing,
                      const char *bad, refusal *e)
{
    if (record_absent(rec, key))
        return required ? refuse(e, 400, "missing", key, missing) : 0;
    if (!clock_date_valid(text_field(rec, key)))
        return refuse(e, 400, "invalid", key, bad);
    return 0;
}

int record_check_ref(store_db *db, const char *sql, const sval *p, int n, const char *field,
                     const char *bad, refusal *e)
{
    int64_t found;
    int rc = db_query_int(db, sql, p, n, &found);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 400, "invalid", field, bad);
    return rc;
}

int record_reach(const user_ctx *u, const char *module, const char *path, int write,
                 const char *not_found, refusal *e)
{
    if (!u)
        return 0;
    if (!access_in_scope(u, path) || !access_can_read(u, module, path))
        return refuse(e, 404, "not_found", NULL, not_found);
    if (write && !access_can_write(u, module, path))
        return refuse(e, 403, "forbidden", NULL, "无权限");
    return 0;
}

int record_loaded(int rc, json_t **row, const user_ctx *u, const char *module, int write,
                  const char *not_found, refusal *e)
{
    if (rc == STORE_NOTFOUND)
        rc = refuse(e, 404, "not_found", NULL, not_found);
    else if (rc == STORE_OK)
        rc = record_reach(u, module, text_field(*row, "path"), write, not_found, e);
    if (rc != STORE_OK) {
        json_decref(*row);
        *row = NULL;
    }
    return rc;
}

int record_update(store_db *db, const char *table, const char *columns, const sval *p, int n,
                  int64_t now, int64_t id)
{
    sval all[RECORD_MAX_COLUMNS + 2];
    strbuf sql = STRBUF_INIT;
    if (n < 0 || n > RECORD_MAX_COLUMNS)
        return STORE_ERROR;
    sb_appendf(&sql, "UPDATE %s SET ", table);
    for (const char *c = columns; *c;) {
        const char *comma = strchr(c, ',');
        size_t len = comma ? (size_t)(comma - c) : strlen(c);
        const char *name = c;
        text_trim(&name, &len);
        sb_appendn(&sql, name, len);
        sb_append(&sql, " = ?, ");
        c += comma ? (size_t)(comma - c) + 1 : strlen(c);
    }
    sb_append(&sql, "updated_at = ? WHERE id = ?");
    if (n)
        memcpy(all, p, (size_t)n * sizeof *p);
    all[n] = SV_I(now);
    all[n + 1] = SV_I(id);
    int rc = db_exec(db, sb_str(&sql), all, n + 2);
    sb_free(&sql);
    return rc;
}
