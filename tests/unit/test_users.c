/*
 * test_users.c - accounts (users.c): logging in and the lockout with an
 * injected "now", creating and changing accounts, and their audit rows.
 */
#include "users_fixture.h"

#include <jansson.h>
#include "domain/audit.h"

#define LOCK_SECONDS (15 * 60)

static void login(fixture *f, const char *username, const char *password, int64_t now,
                  login_result *res)
{
    users_login(f->db, username, password, "10.0.0.1", now, res);
}

static int64_t audit_count(fixture *f, const char *action)
{
    return fixture_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = ?", action);
}

static void test_login_ok(void **state)
{
    fixture *f = *state;
    login_result res;
    user_ctx *u = NULL;

    login(f, "admin", FIXTURE_PASSWORD, FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_OK);
    assert_int_equal(res.user_id, f->admin);
    assert_int_equal(strlen(res.token), SESSION_TOKEN_HEX);
    assert_int_equal(session_load(f->db, f->a, res.token, FIXTURE_NOW, 1800, &u), STORE_OK);
    assert_string_equal(u->csrf, res.csrf);
    assert_int_equal(fixture_int(f, "SELECT last_login_at FROM users WHERE username = ?", "admin"),
                     FIXTURE_NOW);
    assert_int_equal(audit_count(f, "login"), 1);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'login' "
                                    "AND username = ? AND ip = '10.0.0.1' AND org_path = '/1/2/3/'",
                                 "admin"),
                     1);
}

static void test_unknown_user_same_answer(void **state)
{
    fixture *f = *state;
    login_result res;

    login(f, "nobody", FIXTURE_PASSWORD, FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_BAD);
    login(f, "admin", "Wrong@2021", FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_BAD);
    assert_int_equal(audit_count(f, "login_failed"), 2);
    /* The unknown name is recorded, platform-wide (no org path). */
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM audit_log WHERE username = ? "
                                    "AND org_path IS NULL AND user_id IS NULL",
                                 "nobody"),
                     1);
    login(f, "x' OR 1=1 --", FIXTURE_PASSWORD, FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_BAD);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM audit_log WHERE username = ?", "(无效用户名)"), 1);
}

static void test_lockout(void **state)
{
    fixture *f = *state;
    login_result res;
    int64_t t = FIXTURE_NOW;

    for (int i = 0; i < 4; i++) {
        login(f, "admin", "Wrong@2021", t + i, &res);
        assert_int_equal(res.status, LOGIN_BAD);
    }
    assert_int_equal(fixture_int(f, "SELECT failed_count FROM users WHERE username = ?", "admin"), 4);
    /* The fifth failure locks for 15 minutes. */
    login(f, "admin", "Wrong@2021", t + 4, &res);
    assert_int_equal(res.status, LOGIN_LOCKED);
    assert_int_equal(res.locked_minutes, 15);
    assert_int_equal(fixture_int(f, "SELECT locked_until FROM users WHERE username = ?", "admin"),
                     t + 4 + LOCK_SECONDS);
    assert_int_equal(audit_count(f, "lock"), 1);

    /* While locked, even the right password is refused; minutes round up. */
    login(f, "admin", FIXTURE_PASSWORD, t + 4 + 60, &res);
    assert_int_equal(res.status, LOGIN_LOCKED);
    assert_int_equal(res.locked_minutes, 14);
    login(f, "admin", FIXTURE_PASSWORD, t + 4 + LOCK_SECONDS - 1, &res);
    assert_int_equal(res.status, LOGIN_LOCKED);
    assert_int_equal(res.locked_minutes, 1);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM sessions", NULL), 0);

    /* After 15 minutes the right password works and resets the count. */
    login(f, "admin", FIXTURE_PASSWORD, t + 4 + LOCK_SECONDS, &res);
    assert_int_equal(res.status, LOGIN_OK);
    assert_int_equal(fixture_int(f, "SELECT failed_count FROM users WHERE username = ?", "admin"), 0);
    assert_int_equal(fixture_int(f, "SELECT locked_until FROM users WHERE username = ?", "admin"), 0);
}

static void test_success_resets_failures(void **state)
{
    fixture *f = *state;
    login_result res;

    for (int i = 0; i < 4; i++)
        login(f, "admin", "Wrong@2021", FIXTURE_NOW, &res);
    login(f, "admin", FIXTURE_PASSWORD, FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_OK);
    for (int i = 0; i < 4; i++) {
        login(f, "admin", "Wrong@2021", FIXTURE_NOW, &res);
        assert_int_equal(res.status, LOGIN_BAD);
    }
}

static void test_lockout_settings_and_unlock(void **state)
{
    fixture *f = *state;
    login_result res;

    assert_int_equal(db_exec(f->db, "UPDATE settings SET value = '2' WHERE key = 'lockout_failures'", NULL, 0),
                     STORE_OK);
    assert_int_equal(db_exec(f->db, "UPDATE settings SET value = '3' WHERE key = 'lockout_minutes'", NULL, 0),
                     STORE_OK);
    login(f, "admin", "Wrong@2021", FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_BAD);
    login(f, "admin", "Wrong@2021", FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_LOCKED);
    assert_int_equal(res.locked_minutes, 3);

    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(users_unlock(f->db, NULL, NULL, f->admin), USERS_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    assert_int_equal(audit_count(f, "unlock"), 1);
    login(f, "admin", FIXTURE_PASSWORD, FIXTURE_NOW + 1, &res);
    assert_int_equal(res.status, LOGIN_OK);
}

static void test_disabled_cannot_log_in(void **state)
{
    fixture *f = *state;
    login_result res;
    users_change c = {.set_active = 1, .active = 0};

    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(users_update(f->db, NULL, NULL, f->admin, &c), USERS_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    login(f, "admin", FIXTURE_PASSWORD, FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_BAD);
    /* Not counted towards the lockout. */
    assert_int_equal(fixture_int(f, "SELECT failed_count FROM users WHERE username = ?", "admin"), 0);
}

static void test_no_secret_in_audit(void **state)
{
    fixture *f = *state;
    login_result res;

    login(f, "admin", "Wrong@2021", FIXTURE_NOW, &res);
    login(f, "admin", FIXTURE_PASSWORD, FIXTURE_NOW, &res);
    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(users_reset_password(f->db, NULL, NULL, f->admin, "Other#pass9"), USERS_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM audit_log WHERE "
                                    "COALESCE(before_json, '') || COALESCE(after_json, '') LIKE ?",
                                 "%argon2%"),
                     0);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM audit_log WHERE "
                                    "COALESCE(before_json, '') || COALESCE(after_json, '') LIKE ?",
                                 "%Other#pass9%"),
                     0);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM audit_log WHERE "
                                    "COALESCE(before_json, '') || COALESCE(after_json, '') LIKE ?",
                                 "%Wrong@2021%"),
                     0);
    /* The reset forces a change and ends the sessions. */
    assert_int_equal(fixture_int(f, "SELECT must_change FROM users WHERE username = ?", "admin"), 1);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM sessions", NULL), 0);
    login(f, "admin", "Other#pass9", FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_OK);
}

/* An admin of 长葛市 as a request would carry it. */
static user_ctx county_admin(fixture *f)
{
    user_ctx u = {.id = f->admin, .username = "admin", .role = "admin",
                  .scope_org_id = f->county, .scope_path = "/1/2/3/"};
    return u;
}

static int create(fixture *f, const user_ctx *actor, const char *username, const char *role,
                  int64_t dept, int64_t scope, int64_t school, const char *password, int64_t *id)
{
    int rc;
    assert_int_equal(db_begin(f->db), STORE_OK);
    rc = users_create(f->db, actor, "10.0.0.1", username, "某人", role, dept, scope, school, password, 1, id);
    if (rc == USERS_OK)
        assert_int_equal(db_commit(f->db), STORE_OK);
    else
        assert_int_equal(db_rollback(f->db), STORE_OK);
    return rc;
}

static void test_create_validation(void **state)
{
    fixture *f = *state;
    user_ctx admin = county_admin(f);
    int64_t id = 0;

    assert_int_equal(create(f, &admin, "ab", "leader", 0, f->county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_USERNAME);
    assert_int_equal(create(f, &admin, "bad name", "leader", 0, f->county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_USERNAME);
    assert_int_equal(create(f, &admin, "张三abc", "leader", 0, f->county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_USERNAME);
    assert_int_equal(create(f, &admin, "admin", "leader", 0, f->county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_DUPLICATE);
    assert_int_equal(create(f, &admin, "boss", "root", 0, f->county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_ROLE);
    assert_int_equal(create(f, &admin, "boss", "leader", 0, f->county, 0, "short", &id), USERS_ERR_PASSWORD);
    assert_int_equal(create(f, &admin, "boss", "leader", 0, 0, 0, FIXTURE_PASSWORD, &id), USERS_ERR_SCOPE);
    assert_int_equal(create(f, &admin, "boss", "leader", 0, 999, 0, FIXTURE_PASSWORD, &id), USERS_ERR_SCOPE);
    /* Outside the county admin's scope: the other county, the city above. */
    assert_int_equal(create(f, &admin, "boss", "leader", 0, f->other_county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_SCOPE);
    assert_int_equal(create(f, &admin, "boss", "leader", 0, f->city, 0, FIXTURE_PASSWORD, &id), USERS_ERR_SCOPE);
    assert_int_equal(create(f, &admin, "jj", "dept", 0, f->county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_USERNAME);
    assert_int_equal(create(f, &admin, "jijiao", "dept", 0, f->county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_DEPT);
    assert_int_equal(create(f, &admin, "jijiao", "dept", 999, f->county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_DEPT);
    assert_int_equal(create(f, &admin, "s4110000001", "school", 0, f->county, 0, FIXTURE_PASSWORD, &id), USERS_ERR_SCHOOL);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM users", NULL), 1);

    /* The command line (no actor) may place anywhere. */
    assert_int_equal(create(f, NULL, "yuzhou", "leader", 0, f->other_county, 0, FIXTURE_PASSWORD, &id), USERS_OK);
    assert_int_equal(create(f, &admin, "jijiao", "dept", f->dept, f->county, 0, FIXTURE_PASSWORD, &id), USERS_OK);
    assert_int_equal(fixture_int(f, "SELECT must_change FROM users WHERE username = ?", "jijiao"), 1);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'user' "
                                    "AND username = ?", "admin"), 1);
}

static void test_school_scope_is_the_school(void **state)
{
    fixture *f = *state;
    user_ctx admin = county_admin(f);
    int64_t id = 0;

    /* Scope given as the county and a department given: both normalised. */
    assert_int_equal(create(f, &admin, "s4110000001", "school", f->dept, f->county, f->school,
                            FIXTURE_PASSWORD, &id),
                     USERS_OK);
    sval key[] = {SV_I(id)};
    int64_t scope = 0, dept = -1;
    assert_int_equal(db_query_int(f->db, "SELECT scope_org_id FROM users WHERE id = ?", key, 1, &scope), STORE_OK);
    assert_int_equal(scope, f->school_unit);
    assert_int_equal(db_query_int(f->db, "SELECT COALESCE(dept_id, 0) FROM users WHERE id = ?", key, 1, &dept),
                     STORE_OK);
    assert_int_equal(dept, 0);
}

static void test_update_rules(void **state)
{
    fixture *f = *state;
    user_ctx admin = county_admin(f);
    int64_t id = 0;
    login_result res;
    users_change demote = {.set_role = 1, .role = "leader"};
    users_change disable = {.set_active = 1, .active = 0};
    users_change to_dept = {.set_role = 1, .role = "dept"};
    users_change rename = {.set_name = 1, .name = "", .set_phone = 1, .phone = "13812345678"};

    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(users_update(f->db, &admin, NULL, f->admin, &demote), USERS_ERR_SELF_ROLE);
    assert_int_equal(users_update(f->db, &admin, NULL, f->admin, &disable), USERS_ERR_SELF_ACTIVE);
    assert_int_equal(users_update(f->db, &admin, NULL, 999, &disable), USERS_ERR_NOTFOUND);
    assert_int_equal(db_rollback(f->db), STORE_OK);

    assert_int_equal(create(f, NULL, "yuzhou", "leader", 0, f->other_county, 0, FIXTURE_PASSWORD, &id), USERS_OK);
    assert_int_equal(db_begin(f->db), STORE_OK);
    /* Out of the county admin's scope: not found. */
    assert_int_equal(users_update(f->db, &admin, NULL, id, &disable), USERS_ERR_NOTFOUND);
    assert_int_equal(users_unlock(f->db, &admin, NULL, id), USERS_ERR_NOTFOUND);
    assert_int_equal(users_reset_password(f->db, &admin, NULL, id, "Another#1"), USERS_ERR_NOTFOUND);
    assert_int_equal(db_rollback(f->db), STORE_OK);

    assert_int_equal(create(f, &admin, "leader", "leader", 0, f->county, 0, FIXTURE_PASSWORD, &id), USERS_OK);
    login(f, "leader", FIXTURE_PASSWORD, FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_OK);
    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(users_update(f->db, &admin, NULL, id, &to_dept), USERS_ERR_DEPT);
    assert_int_equal(users_update(f->db, &admin, NULL, id, &rename), USERS_ERR_NAME);
    rename.name = "新名字";
    assert_int_equal(users_update(f->db, &admin, NULL, id, &rename), USERS_OK);
    rename.phone = "phone?";
    assert_int_equal(users_update(f->db, &admin, NULL, id, &rename), USERS_ERR_PHONE);
    /* Disabling ends the sessions. */
    assert_int_equal(users_update(f->db, &admin, NULL, id, &disable), USERS_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM sessions", NULL), 0);
    assert_int_equal(audit_count(f, "update"), 2);
    sval key[] = {SV_I(id)};
    json_t *row = NULL;
    assert_int_equal(db_query_one(f->db, "SELECT name, phone, active FROM users WHERE id = ?", key, 1, &row),
                     STORE_OK);
    assert_string_equal(json_string_value(json_object_get(row, "name")), "新名字");
    assert_string_equal(json_string_value(json_object_get(row, "phone")), "13812345678");
    assert_int_equal(json_integer_value(json_object_get(row, "active")), 0);
    json_decref(row);
}

static void test_users_all_and_cli_audit(void **state)
{
    fixture *f = *state;
    json_t *rows = NULL, *admin;

    assert_int_equal(users_all(f->db, FIXTURE_NOW, &rows), STORE_OK);
    assert_int_equal(json_array_size(rows), 1);
    admin = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(admin, "role_label")), "系统管理员");
    assert_string_equal(json_string_value(json_object_get(admin, "scope_name")), "长葛市");
    assert_true(json_is_false(json_object_get(admin, "locked")));
    assert_true(json_is_true(json_object_get(admin, "active")));
    assert_true(json_is_false(json_object_get(admin, "must_change_password")));
    assert_true(json_is_null(json_object_get(admin, "last_login_at")));
    assert_null(json_object_get(admin, "password_hash"));
    json_decref(rows);
    /* The fixture's admin was created with no actor: recorded as the CLI. */
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'create' "
                                    "AND ip = 'cli' AND username LIKE ?", "cli%"),
                     1);
}

static void test_hashed_create(void **state)
{
    fixture *f = *state;
    char hash[PASSWORD_HASH_MAX];
    login_result res;
    int64_t id = 0;

    assert_int_equal(password_hash("Demo@2021", hash), 0);
    assert_int_equal(db_begin(f->db), STORE_OK);
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "demo%d", i);
        assert_int_equal(users_create_hashed(f->db, NULL, NULL, name, "演示", "leader", 0, f->county, 0,
                                             hash, 0, &id),
                         USERS_OK);
    }
    assert_int_equal(db_commit(f->db), STORE_OK);
    login(f, "demo2", "Demo@2021", FIXTURE_NOW, &res);
    assert_int_equal(res.status, LOGIN_OK);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(test_login_ok),
        T(test_unknown_user_same_answer),
        T(test_lockout),
        T(test_success_resets_failures),
        T(test_lockout_settings_and_unlock),
        T(test_disabled_cannot_log_in),
        T(test_no_secret_in_audit),
        T(test_create_validation),
        T(test_school_scope_is_the_school),
        T(test_update_rules),
        T(test_users_all_and_cli_audit),
        T(test_hashed_create),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
