/*
 * settings.c - bureau-editable settings (see settings.h).
 *
 * Table settings(key, value TEXT, note). Values are text so that any kind
 * of setting fits; settings_int reads one as a whole decimal integer and
 * falls back to the caller's default when it is missing or malformed.
 */
#include "domain/settings.h"

#include <errno.h>
#include <stdlib.h>

#include "util/log.h"

int64_t settings_int(store_db *db, const char *key, int64_t def)
{
    json_t *row = NULL;
    sval params[] = {SV_T(key)};
    int rc = db_query_one(db, "SELECT value FROM settings WHERE key = ?", params, 1, &row);
    if (rc != STORE_OK) {
        if (rc != STORE_NOTFOUND)
            log_warn("读取设置 %s 失败: %s", key, db_errmsg(db));
        return def;
    }
    json_t *value = json_object_get(row, "value");
    int64_t result = def;
    if (json_is_integer(value)) {
        result = (int64_t)json_integer_value(value);
    } else if (json_is_string(value)) {
        const char *text = json_string_value(value);
        char *end = NULL;
        errno = 0;
        long long n = strtoll(text, &end, 10);
        while (end && (*end == ' ' || *end == '\t'))
            end++;
        if (end != text && end && *end == '\0' && errno == 0)
            result = (int64_t)n;
        else
            log_warn("设置 %s 的值不是整数: %s", key, text);
    }
    json_decref(row);
    return result;
}
