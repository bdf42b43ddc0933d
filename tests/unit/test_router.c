/*
 * test_router.c - route matching: literal paths, {id} parameters, 405
 * detection, no match, trailing slash. Uses the real route tables, with
 * routes the API contract (docs/api.md) guarantees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/router.h"

static req *test_req(arena *a)
{
    req *r = arena_alloc(a, sizeof *r);
    r->a = a;
    return r;
}

static void test_literal(void **state)
{
    (void)state;
    arena *a = arena_new();
    req *r = test_req(a);
    int known = -1;
    const route *rt = router_match("GET", "/api/health", r, &known);
    assert_non_null(rt);
    assert_string_equal(rt->pattern, "/api/health");
    assert_true(rt->flags & ROUTE_PUBLIC);
    assert_int_equal(known, 0);
    assert_int_equal(r->nparams, 0);

    rt = router_match("POST", "/api/login", r, &known);
    assert_non_null(rt);
    assert_true(rt->flags & ROUTE_NO_CSRF);
    arena_free(a);
}

static void test_param(void **state)
{
    (void)state;
    arena *a = arena_new();
    req *r = test_req(a);
    int known = 0;
    const route *rt = router_match("GET", "/api/schools/42", r, &known);
    assert_non_null(rt);
    assert_string_equal(rt->pattern, "/api/schools/{id}");
    assert_string_equal(req_param(r, "id"), "42");
    assert_null(req_param(r, "other"));

    r = test_req(a);
    rt = router_match("POST", "/api/schools/7/merge", r, &known);
    assert_non_null(rt);
    assert_string_equal(rt->pattern, "/api/schools/{id}/merge");
    assert_string_equal(req_param(r, "id"), "7");

    /* An empty segment is not a parameter. */
    r = test_req(a);
    assert_null(router_match("POST", "/api/schools//merge", r, &known));
    assert_int_equal(known, 0);
    arena_free(a);
}

static void test_method_not_allowed(void **state)
{
    (void)state;
    arena *a = arena_new();
    req *r = test_req(a);
    int known = 0;
    assert_null(router_match("DELETE", "/api/health", r, &known));
    assert_int_equal(known, 1);
    known = 0;
    assert_null(router_match("PUT", "/api/schools/3", r, &known));
    assert_int_equal(known, 1);
    arena_free(a);
}

static void test_no_match(void **state)
{
    (void)state;
    arena *a = arena_new();
    req *r = test_req(a);
    int known = 1;
    assert_null(router_match("GET", "/api/nothing-here", r, &known));
    assert_int_equal(known, 0);
    known = 1;
    assert_null(router_match("GET", "/api/health/extra", r, &known));
    assert_int_equal(known, 0);
    assert_null(router_match("GET", "/api", r, &known));
    assert_null(router_match("GET", "", r, &known));
    assert_null(router_match("GET", "api/health", r, &known));
    assert_null(router_match("GET", "/api/healthz", r, &known));
    assert_null(router_match(NULL, "/api/health", r, NULL));
    arena_free(a);
}

static void test_trailing_slash(void **state)
{
    (void)state;
    arena *a = arena_new();
    req *r = test_req(a);
    int known = 0;
    const route *rt = router_match("GET", "/api/health/", r, &known);
    assert_non_null(rt);
    assert_string_equal(rt->pattern, "/api/health");
    rt = router_match("GET", "/api/schools/42/", r, &known);
    assert_non_null(rt);
    assert_string_equal(req_param(r, "id"), "42");
    assert_null(router_match("GET", "/api/health//", r, &known));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal),         cmocka_unit_test(test_param),
        cmocka_unit_test(test_method_not_allowed), cmocka_unit_test(test_no_match),
        cmocka_unit_test(test_trailing_slash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
