/*
 * test_session.c - login sessions (session.c): create, load, idle expiry,
 * last_seen throttling, disabled users, delete.
 */
#include "users_fixture.h"

#include "auth/session.h"

#define IDLE (30 * 60)

static void test_create_and_load(void **state)
{
    fixture *f = *state;
    char token[SESSION_TOKEN_HEX + 1], csrf[SESSION_TOKEN_HEX + 1];
    user_ctx *u = NULL;

    assert_int_equal(session_create(f->db, f->admin, "127.0.0.1", FIXTURE_NOW, token, csrf), STORE_OK);
    assert_int_equal(strlen(token), SESSION_TOKEN_HEX);
    assert_int_equal(strlen(csrf), SESSION_TOKEN_HEX);
    assert_string_not_equal(token, csrf);
    /* Only the hash of the token is stored. */
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", token), 0);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM sessions", NULL), 1);

    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW + 1, IDLE, &u), STORE_OK);
    assert_non_null(u);
    assert_int_equal(u->id, f->admin);
    assert_string_equal(u->username, "admin");
    assert_string_equal(u->name, "管理员");
    assert_string_equal(u->role, "admin");
    assert_string_equal(u->scope_path, "/1/2/3/");
    assert_int_equal(u->scope_org_id, f->county);
    assert_int_equal(u->dept_id, 0);
    assert_string_equal(u->dept_modules, "");
    assert_int_equal(u->school_id, 0);
    assert_int_equal(u->must_change_password, 0);
    assert_string_equal(u->csrf, csrf);
}

static void test_dept_user_modules(void **state)
{
    fixture *f = *state;
    char token[SESSION_TOKEN_HEX + 1], csrf[SESSION_TOKEN_HEX + 1];
    int64_t id = 0;
    user_ctx *u = NULL;

    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(users_create(f->db, NULL, NULL, "jijiao", "基教", "dept", f->dept, f->county, 0,
                                  FIXTURE_PASSWORD, 1, &id),
                     USERS_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    assert_int_equal(session_create(f->db, id, NULL, FIXTURE_NOW, token, csrf), STORE_OK);
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW, IDLE, &u), STORE_OK);
    assert_string_equal(u->role, "dept");
    assert_int_equal(u->dept_id, f->dept);
    assert_string_equal(u->dept_modules, "schools");
    assert_int_equal(u->must_change_password, 1);
}

static void test_unknown_and_malformed_tokens(void **state)
{
    fixture *f = *state;
    char token[SESSION_TOKEN_HEX + 1];
    user_ctx *u = (user_ctx *)1;

    password_random_hex(token, 32);
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW, IDLE, &u), STORE_NOTFOUND);
    assert_null(u);
    assert_int_equal(session_load(f->db, f->a, "abc", FIXTURE_NOW, IDLE, &u), STORE_NOTFOUND);
    assert_int_equal(session_load(f->db, f->a, "", FIXTURE_NOW, IDLE, &u), STORE_NOTFOUND);
    assert_int_equal(session_load(f->db, f->a, NULL, FIXTURE_NOW, IDLE, &u), STORE_NOTFOUND);
}

static void test_idle_expiry(void **state)
{
    fixture *f = *state;
    char token[SESSION_TOKEN_HEX + 1], csrf[SESSION_TOKEN_HEX + 1];
    user_ctx *u = NULL;

    assert_int_equal(session_create(f->db, f->admin, NULL, FIXTURE_NOW, token, csrf), STORE_OK);
    /* Exactly the idle limit is still alive, and touches the session. */
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW + IDLE, IDLE, &u), STORE_OK);
    /* Kept alive by use: another 30 minutes from the last request. */
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW + 2 * IDLE, IDLE, &u), STORE_OK);
    /* One second past the limit: gone, and deleted. */
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW + 3 * IDLE + 1, IDLE, &u),
                     STORE_NOTFOUND);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM sessions", NULL), 0);
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW + 3 * IDLE + 2, IDLE, &u),
                     STORE_NOTFOUND);
}

static void test_touch_is_throttled(void **state)
{
    fixture *f = *state;
    char token[SESSION_TOKEN_HEX + 1], csrf[SESSION_TOKEN_HEX + 1];
    user_ctx *u = NULL;

    assert_int_equal(session_create(f->db, f->admin, NULL, FIXTURE_NOW, token, csrf), STORE_OK);
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW + 14, IDLE, &u), STORE_OK);
    assert_int_equal(fixture_int(f, "SELECT last_seen FROM sessions", NULL), FIXTURE_NOW);
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW + 15, IDLE, &u), STORE_OK);
    assert_int_equal(fixture_int(f, "SELECT last_seen FROM sessions", NULL), FIXTURE_NOW + 15);
}

static void test_disabled_user_refused(void **state)
{
    fixture *f = *state;
    char token[SESSION_TOKEN_HEX + 1], csrf[SESSION_TOKEN_HEX + 1];
    user_ctx *u = NULL;

    assert_int_equal(session_create(f->db, f->admin, NULL, FIXTURE_NOW, token, csrf), STORE_OK);
    assert_int_equal(db_exec(f->db, "UPDATE users SET active = 0", NULL, 0), STORE_OK);
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW, IDLE, &u), STORE_NOTFOUND);
    assert_null(u);
    assert_int_equal(db_exec(f->db, "UPDATE users SET active = 1", NULL, 0), STORE_OK);
    assert_int_equal(session_load(f->db, f->a, token, FIXTURE_NOW, IDLE, &u), STORE_OK);
}

static void test_delete(void **state)
{
    fixture *f = *state;
    char t1[SESSION_TOKEN_HEX + 1], t2[SESSION_TOKEN_HEX + 1], t3[SESSION_TOKEN_HEX + 1];
    char csrf[SESSION_TOKEN_HEX + 1];
    user_ctx *u = NULL;

    assert_int_equal(session_create(f->db, f->admin, NULL, FIXTURE_NOW, t1, csrf), STORE_OK);
    assert_int_equal(session_create(f->db, f->admin, NULL, FIXTURE_NOW, t2, csrf), STORE_OK);
    assert_int_equal(session_create(f->db, f->admin, NULL, FIXTURE_NOW, t3, csrf), STORE_OK);

    assert_int_equal(session_delete(f->db, t1), STORE_OK);
    assert_int_equal(session_load(f->db, f->a, t1, FIXTURE_NOW, IDLE, &u), STORE_NOTFOUND);
    assert_int_equal(session_load(f->db, f->a, t2, FIXTURE_NOW, IDLE, &u), STORE_OK);
    assert_int_equal(session_delete(f->db, NULL), STORE_OK);

    assert_int_equal(session_delete_others(f->db, f->admin, t2), STORE_OK);
    assert_int_equal(session_load(f->db, f->a, t2, FIXTURE_NOW, IDLE, &u), STORE_OK);
    assert_int_equal(session_load(f->db, f->a, t3, FIXTURE_NOW, IDLE, &u), STORE_NOTFOUND);

    assert_int_equal(session_delete_user(f->db, f->admin), STORE_OK);
    assert_int_equal(session_load(f->db, f->a, t2, FIXTURE_NOW, IDLE, &u), STORE_NOTFOUND);
    assert_int_equal(fixture_int(f, "SELECT COUNT(*) FROM sessions", NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_and_load, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_dept_user_modules, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_and_malformed_tokens, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_idle_expiry, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_touch_is_throttled, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_disabled_user_refused, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_delete, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
