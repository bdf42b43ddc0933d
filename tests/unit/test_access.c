/*
 * test_access.c - the role and scope rules (access.c): every role, read and
 * write, in and out of scope, department modules, audit and users.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "auth/access.h"

#define COUNTY "/1/2/3/"
#define IN_SCOPE "/1/2/3/17/"
#define OUT_OF_SCOPE "/1/2/30/"   /* shares the prefix "/1/2/3" but not "/1/2/3/" */
#define SCHOOL "/1/2/3/17/"
#define OTHER_SCHOOL "/1/2/3/18/"

static user_ctx make_user(const char *role, const char *scope, const char *modules)
{
    user_ctx u;
    memset(&u, 0, sizeof u);
    u.id = 1;
    u.username = "u";
    u.role = role;
    u.scope_path = scope;
    u.dept_modules = modules;
    return u;
}

/* Expected answers for one role on module "schools" at IN_SCOPE / OUT_OF_SCOPE. */
static const struct {
    const char *role;
    int read_in, write_in, read_out, write_out, audit, users;
} expected[] = {
    {ROLE_ADMIN, 1, 1, 0, 0, 1, 1},
    {ROLE_LEADER, 1, 0, 0, 0, 0, 0},
    {ROLE_DEPT, 1, 1, 0, 0, 0, 0},   /* department module "schools" */
    {ROLE_AUDITOR, 1, 0, 0, 0, 1, 0},
};

static void test_roles_by_scope(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        user_ctx u = make_user(expected[i].role, COUNTY, "schools,stats");
        assert_int_equal(access_can_read(&u, "schools", IN_SCOPE), expected[i].read_in);
        assert_int_equal(access_can_write(&u, "schools", IN_SCOPE), expected[i].write_in);
        assert_int_equal(access_can_read(&u, "schools", OUT_OF_SCOPE), expected[i].read_out);
        assert_int_equal(access_can_write(&u, "schools", OUT_OF_SCOPE), expected[i].write_out);
        assert_int_equal(access_can_read(&u, "schools", COUNTY), expected[i].read_in);
        assert_int_equal(access_can_read_audit(&u), expected[i].audit);
        assert_int_equal(access_can_read(&u, "audit", IN_SCOPE), expected[i].audit);
        assert_int_equal(access_can_manage_users(&u), expected[i].users);
        assert_int_equal(access_can_read(&u, "users", IN_SCOPE), expected[i].users);
        assert_int_equal(access_can_write(&u, "users", IN_SCOPE), expected[i].users);
        assert_int_equal(access_can_write(&u, "users", OUT_OF_SCOPE), 0);
        assert_int_equal(access_can_write(&u, "audit", IN_SCOPE), 0);  /* nobody */
    }
}

static void test_school_admin(void **state)
{
    user_ctx u = make_user(ROLE_SCHOOL, SCHOOL, "");
    (void)state;

    assert_int_equal(access_can_read(&u, "schools", SCHOOL), 1);
    assert_int_equal(access_can_write(&u, "schools", SCHOOL), 1);
    assert_int_equal(access_can_read(&u, "schools", OTHER_SCHOOL), 0);
    assert_int_equal(access_can_write(&u, "schools", OTHER_SCHOOL), 0);
    assert_int_equal(access_can_read(&u, "schools", COUNTY), 0);   /* the county itself */
    /* a school writes its own records of the school-facing modules only */
    assert_int_equal(access_can_write(&u, "stats", SCHOOL), 1);
    assert_int_equal(access_can_write(&u, "safety", SCHOOL), 1);
    assert_int_equal(access_can_write(&u, "stats", OTHER_SCHOOL), 0);
    assert_int_equal(access_can_write(&u, "projects", SCHOOL), 0);
    assert_int_equal(access_can_write(&u, "orgs", SCHOOL), 0);
    assert_int_equal(access_can_read_audit(&u), 0);
    assert_int_equal(access_can_manage_users(&u), 0);
    assert_int_equal(access_can_write(&u, "users", SCHOOL), 0);
}

static void test_dept_modules_exact_match(void **state)
{
    (void)state;
    user_ctx only_x = make_user(ROLE_DEPT, COUNTY, "schoolsx");
    assert_int_equal(access_can_write(&only_x, "schools", IN_SCOPE), 0);
    assert_int_equal(access_can_write(&only_x, "schoolsx", IN_SCOPE), 1);
    assert_int_equal(access_can_read(&only_x, "schools", IN_SCOPE), 1);

    user_ctx prefix = make_user(ROLE_DEPT, COUNTY, "school");
    assert_int_equal(access_can_write(&prefix, "schools", IN_SCOPE), 0);

    user_ctx listed = make_user(ROLE_DEPT, COUNTY, "stats, schools ,safety");
    assert_int_equal(access_can_write(&listed, "schools", IN_SCOPE), 1);
    assert_int_equal(access_can_write(&listed, "stats", IN_SCOPE), 1);
    assert_int_equal(access_can_write(&listed, "safety", IN_SCOPE), 1);
    assert_int_equal(access_can_write(&listed, "plan", IN_SCOPE), 0);
    assert_int_equal(access_can_write(&listed, "schools", OUT_OF_SCOPE), 0);

    user_ctx none = make_user(ROLE_DEPT, COUNTY, "");
    assert_int_equal(access_can_write(&none, "schools", IN_SCOPE), 0);
    user_ctx null_list = make_user(ROLE_DEPT, COUNTY, NULL);
    assert_int_equal(access_can_write(&null_list, "schools", IN_SCOPE), 0);
    user_ctx empty_token = make_user(ROLE_DEPT, COUNTY, ",,schools,");
    assert_int_equal(access_can_write(&empty_token, "schools", IN_SCOPE), 1);
    assert_int_equal(access_can_write(&empty_token, "", IN_SCOPE), 0);
}

static void test_scope(void **state)
{
    (void)state;
    user_ctx county = make_user(ROLE_ADMIN, COUNTY, NULL);
    assert_int_equal(access_in_scope(&county, COUNTY), 1);
    assert_int_equal(access_in_scope(&county, IN_SCOPE), 1);
    assert_int_equal(access_in_scope(&county, OUT_OF_SCOPE), 0);
    assert_int_equal(access_in_scope(&county, "/1/2/"), 0);   /* the parent */
    assert_int_equal(access_in_scope(&county, NULL), 0);      /* platform-wide: roots only */
    assert_int_equal(access_in_scope(NULL, IN_SCOPE), 0);

    user_ctx root = make_user(ROLE_AUDITOR, "/1/", NULL);
    assert_int_equal(access_in_scope(&root, NULL), 1);
    assert_int_equal(access_in_scope(&root, IN_SCOPE), 1);
    assert_int_equal(access_in_scope(&root, "/10/"), 0);

    user_ctx malformed = make_user(ROLE_ADMIN, "/1/2", NULL);   /* no trailing slash */
    assert_int_equal(access_in_scope(&malformed, "/1/20/"), 0);
    user_ctx empty = make_user(ROLE_ADMIN, "", NULL);
    assert_int_equal(access_in_scope(&empty, IN_SCOPE), 0);
    user_ctx none = make_user(ROLE_ADMIN, NULL, NULL);
    assert_int_equal(access_can_read(&none, "schools", IN_SCOPE), 0);
}

static void test_unknown_role_and_null_user(void **state)
{
    (void)state;
    user_ctx u = make_user("superuser", COUNTY, "schools");
    assert_int_equal(access_can_read(&u, "schools", IN_SCOPE), 0);
    assert_int_equal(access_can_write(&u, "schools", IN_SCOPE), 0);
    assert_int_equal(access_can_read_audit(&u), 0);
    assert_int_equal(access_can_manage_users(&u), 0);
    assert_int_equal(access_can_read(NULL, "schools", IN_SCOPE), 0);
    assert_int_equal(access_can_write(NULL, "schools", IN_SCOPE), 0);
    assert_int_equal(access_can_read_audit(NULL), 0);
    assert_int_equal(access_can_manage_users(NULL), 0);
}

static void test_labels(void **state)
{
    (void)state;
    assert_string_equal(access_role_label("admin"), "系统管理员");
    assert_string_equal(access_role_label("leader"), "局领导");
    assert_string_equal(access_role_label("dept"), "股室人员");
    assert_string_equal(access_role_label("school"), "学校管理员");
    assert_string_equal(access_role_label("auditor"), "审计员");
    assert_null(access_role_label("root"));
    assert_null(access_role_label(NULL));
    assert_int_equal(access_role_valid("auditor"), 1);
    assert_int_equal(access_role_valid("Admin"), 0);
    assert_int_equal(access_role_valid(""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles_by_scope),
        cmocka_unit_test(test_school_admin),
        cmocka_unit_test(test_dept_modules_exact_match),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_unknown_role_and_null_user),
        cmocka_unit_test(test_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
