/*
 * test_schools.c - the school registry (domain/schools.c) through its
 * internal functions: every validation error, create and the duplicate
 * code, edits (a town change moves the org unit), 撤并 with its events,
 * 停办/恢复, 教育集团, phone masking, and the 学校管理员's limits.
 *
 * Tree: 河南省 /1/ > 许昌市 /1/2/ > 长葛市 /1/2/3/ > 建设路街道 (4), 大周镇 (5);
 *       许昌市 > 禹州市 /1/2/6/ > 钧台街道 (7).
 */
#include "fixture.h"

typedef struct fixture {
    fx_store st;
    store_db *db;
    int64_t county, street, town, other_county, other_town;
    char county_path[32], other_path[32];
    user_ctx admin, leader, auditor, dept, school_admin;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fx_tree t = {0};
    assert_non_null(f);
    f->db = fx_store_open(&f->st, "schools");
    fx_county(f->db, &t);
    f->county = t.county;
    strcpy(f->county_path, t.county_path);
    f->street = fx_org(f->db, f->county, "town", "建设路街道", "街道", NULL);
    f->town = fx_org(f->db, f->county, "town", "大周镇", "乡镇", NULL);
    f->other_county = fx_org(f->db, t.city, "county", "禹州市", NULL, f->other_path);
    f->other_town = fx_org(f->db, f->other_county, "town", "钧台街道", "街道", NULL);
    f->admin = fx_user(1, "admin", ROLE_ADMIN, f->county_path, NULL, 0);
    f->leader = fx_user(2, "leader", ROLE_LEADER, f->county_path, NULL, 0);
    f->auditor = fx_user(3, "audit", ROLE_AUDITOR, f->county_path, NULL, 0);
    f->dept = fx_user(4, "anquan", ROLE_DEPT, f->county_path, "safety", 0);
    *state = f;
    return 0;
}

/* A valid record in town_id. */
static json_t *rec_new(const char *code, const char *name, int64_t town_id)
{
    json_t *rec = json_pack("{ss ss ss ss ss sI ss ss ss si}", "code", code, "name", name, "type",
                            "小学", "nature", "公办", "area", "乡村", "town_id", (json_int_t)town_id,
                            "address", "长葛市大周镇王庄村", "head", "王建国", "phone",
                            "0374-6123456", "founded_year", 1975);
    assert_non_null(rec);
    return rec;
}

/* Create a school as the command line (no user); returns its id. */
static int64_t mk_school(fixture *f, const char *code, const char *name, int64_t town_id)
{
    refusal e;
    int64_t id = 0;
    json_t *rec = rec_new(code, name, town_id);
    int rc = schools_create(f->db, NULL, NULL, rec, "1975-09-01", 1, &id, &e);
    json_decref(rec);
    if (rc != STORE_OK)
        fail_msg("schools_create %s: %d %s", code, rc, e.status ? e.message : db_errmsg(f->db));
    return id;
}

static const char *text_of(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* ------------------------------------------------------------- validate */

static void test_validate_every_field(void **state)
{
    fixture *f = *state;
    char long_name[200] = "", long_text[400] = "";
    for (int i = 0; i < 61; i++)
        strcat(long_name, "学");
    for (int i = 0; i < 101; i++)
        strcat(long_text, "路");
    const struct {
        const char *key;
        json_t *value;      /* NULL: remove the key */
        const char *field;
        const char *code;
    } cases[] = {
        {"code", NULL, "code", "missing"},
        {"code", json_string("411082000"), "code", "invalid"},      /* 9 digits */
        {"code", json_string("41108200ab"), "code", "invalid"},     /* letters */
        {"code", json_string("41108200011"), "code", "invalid"},    /* 11 digits */
        {"code", json_integer(4110820001), "code", "invalid"},      /* not text */
        {"name", NULL, "name", "missing"},
        {"name", json_string("学"), "name", "invalid"},
        {"name", json_string(long_name), "name", "invalid"},
        {"short_name", json_string(long_name), "short_name", "invalid"},
        {"type", NULL, "type", "missing"},
        {"type", json_string("大学"), "type", "invalid"},
        {"nature", json_string("国营"), "nature", "invalid"},
        {"nature", json_string("普惠性民办"), "nature", "invalid"},  /* for a 小学 */
        {"area", json_string("郊区"), "area", "invalid"},
        {"area", NULL, "area", "missing"},
        {"town_id", NULL, "town_id", "missing"},
        {"town_id", json_string("大周镇"), "town_id", "invalid"},
        {"town_id", json_integer(9999), "town_id", "invalid"},
        {"town_id", json_integer(f->county), "town_id", "invalid"},     /* not a town */
        {"town_id", json_integer(f->other_town), "town_id", "invalid"}, /* out of scope */
        {"address", json_string(long_text), "address", "invalid"},
        {"head", json_string(long_name), "head", "invalid"},
        {"phone", json_string("12345"), "phone", "invalid"},
        {"phone", json_string("0374-abc4567"), "phone", "invalid"},
        {"phone", json_string("037461234567890123456"), "phone", "invalid"},
        {"founded_year", json_integer(1899), "founded_year", "invalid"},
        {"founded_year", json_integer(9999), "founded_year", "invalid"},
        {"founded_year", json_string("19x0"), "founded_year", "invalid"},
        {"group_id", json_integer(999), "group_id", "invalid"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        refusal e;
        memset(&e, 0, sizeof e);
        json_t *rec = rec_new("4110820001", "长葛市大周镇王庄小学", f->town);
        if (cases[i].value)
            json_object_set_new(rec, cases[i].key, cases[i].value);
        else
            json_object_del(rec, cases[i].key);
        int rc = schools_validate(f->db, rec, f->county_path, &e);
        json_decref(rec);
        if (rc != REFUSED || !e.field || strcmp(e.field, cases[i].field) != 0 ||
            strcmp(e.code, cases[i].code) != 0)
            fail_msg("case %zu (%s): rc %d field %s code %s", i, cases[i].key, rc,
                     e.field ? e.field : "-", e.code ? e.code : "-");
        assert_int_equal(e.status, 400);
        assert_non_null(e.message);
    }

    /* The messages the UI shows. */
    refusal e;
    json_t *rec = rec_new("411082000", "长葛市大周镇王庄小学", f->town);
    assert_int_equal(schools_validate(f->db, rec, NULL, &e), REFUSED);
    assert_string_equal(e.message, "学校标识码应为 10 位数字");
    json_object_set_new(rec, "code", json_string("4110820001"));
    json_object_set_new(rec, "nature", json_string("普惠性民办"));
    assert_int_equal(schools_validate(f->db, rec, NULL, &e), REFUSED);
    assert_string_equal(e.message, "普惠性民办仅适用于幼儿园");
    /* 普惠性民办 is right for a 幼儿园; optional fields may be empty. */
    json_object_set_new(rec, "type", json_string("幼儿园"));
    json_object_set_new(rec, "phone", json_string(""));
    json_object_set_new(rec, "founded_year", json_null());
    json_object_del(rec, "head");
    assert_int_equal(schools_validate(f->db, rec, f->county_path, &e), 0);
    /* Without a scope (the command line) a town of another county is fine. */
    json_object_set_new(rec, "town_id", json_integer(f->other_town));
    assert_int_equal(schools_validate(f->db, rec, NULL, &e), 0);
    json_decref(rec);
    assert_true(schools_type_valid("教学点") && !schools_type_valid("大学"));
    assert_true(schools_nature_valid("民办") && schools_area_valid("镇区"));
}

/* --------------------------------------------------------------- create */

static void test_create_and_duplicate(void **state)
{
    fixture *f = *state;
    refusal e;
    int64_t id = 0, id2 = 0;
    json_t *rec = rec_new("4110820001", "长葛市大周镇王庄小学", f->town);

    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(schools_create(f->db, &f->admin, "127.0.0.1", rec, NULL, 1, &id, &e), STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    assert_true(id > 0);

    /* The org unit: level school under the town, and the row carries its path. */
    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    assert_int_equal(db_query_one(f->db,
                                  "SELECT s.path, o.path AS org_path, o.level, o.parent_id, o.name "
                                  "FROM schools s JOIN org_units o ON o.id = s.org_id WHERE s.id = ?",
                                  p, 1, &row),
                     STORE_OK);
    assert_string_equal(text_of(row, "path"), text_of(row, "org_path"));
    assert_string_equal(text_of(row, "level"), "school");
    assert_string_equal(text_of(row, "name"), "长葛市大周镇王庄小学");
    assert_int_equal(json_integer_value(json_object_get(row, "parent_id")), f->town);
    assert_int_equal(strncmp(text_of(row, "path"), f->county_path, strlen(f->county_path)), 0);
    json_decref(row);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM school_events WHERE school_id = ? AND event = '创建'", id), 1);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'school' AND entity_id = ? "
                              "AND action = 'create'", id), 1);

    /* The same code again: 409 on code, nothing written. */
    json_object_set_new(rec, "name", json_string("另一所学校"));
    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(schools_create(f->db, &f->admin, NULL, rec, NULL, 1, &id2, &e), STORE_CONSTRAINT);
    assert_int_equal(db_rollback(f->db), STORE_OK);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.field, "code");
    assert_string_equal(e.message, "学校标识码已存在");
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM schools WHERE id > ?", 0), 1);

    /* Roles that may not create: leader, auditor, a department without "schools". */
    json_object_set_new(rec, "code", json_string("4110820002"));
    const user_ctx *refused[] = {&f->leader, &f->auditor, &f->dept};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(schools_create(f->db, refused[i], NULL, rec, NULL, 1, &id2, &e),
                         REFUSED);
        assert_int_equal(e.status, 403);
    }
    json_decref(rec);
}

/* ---------------------------------------------------------------- merge */

static void test_merge(void **state)
{
    fixture *f = *state;
    refusal e;
    int64_t small = mk_school(f, "4110820011", "长葛市大周镇李寨村教学点", f->town);
    int64_t centre = mk_school(f, "4110820012", "长葛市大周镇中心小学", f->town);
    int64_t other = mk_school(f, "4110820013", "长葛市大周镇张营村小学", f->town);

    assert_int_equal(schools_merge(f->db, &f->admin, NULL, small, small, "2021-07-01", NULL, 1, &e),
                     REFUSED);
    assert_string_equal(e.field, "into_id");
    assert_int_equal(schools_merge(f->db, &f->admin, NULL, small, centre, "2021-02-30", NULL, 1, &e),
                     REFUSED);
    assert_string_equal(e.field, "date");
    assert_int_equal(schools_merge(f->db, &f->admin, NULL, small, centre, NULL, NULL, 1, &e),
                     REFUSED);
    assert_string_equal(e.code, "missing");
    assert_int_equal(schools_merge(f->db, &f->admin, NULL, small, 9999, "2021-07-01", NULL, 1, &e),
                     REFUSED);
    assert_string_equal(e.field, "into_id");
    assert_int_equal(schools_merge(f->db, &f->leader, NULL, small, centre, "2021-07-01", NULL, 1, &e),
                     REFUSED);
    assert_int_equal(e.status, 403);

    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(schools_merge(f->db, &f->admin, "127.0.0.1", small, centre, "2021-07-01",
                                   "布局调整", 1, &e),
                     STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);

    json_t *o = NULL;
    assert_int_equal(schools_load(f->db, &f->admin, small, 1, &o), STORE_OK);
    assert_string_equal(text_of(o, "status"), "撤并");
    assert_string_equal(text_of(o, "closed_on"), "2021-07-01");
    assert_int_equal(json_integer_value(json_object_get(o, "merged_into")), centre);
    assert_string_equal(text_of(o, "merged_into_name"), "长葛市大周镇中心小学");
    json_t *events = json_object_get(o, "events");
    assert_int_equal(json_array_size(events), 2);
    json_t *last = json_array_get(events, 1);
    assert_string_equal(text_of(last, "event"), "撤并");
    assert_string_equal(text_of(last, "on_date"), "2021-07-01");
    assert_int_equal(json_integer_value(json_object_get(last, "related_school_id")), centre);
    assert_string_equal(text_of(last, "note"), "布局调整");
    json_decref(o);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM school_events WHERE school_id = ? AND event = '并入'",
                           centre), 1);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'merge' AND entity_id = ?",
                           small), 1);

    /* Not twice; not into a merged school. */
    assert_int_equal(schools_merge(f->db, &f->admin, NULL, small, centre, "2021-07-01", NULL, 1, &e),
                     REFUSED);
    assert_int_equal(e.status, 409);
    assert_int_equal(schools_merge(f->db, &f->admin, NULL, other, small, "2021-07-01", NULL, 1, &e),
                     REFUSED);
    assert_string_equal(e.field, "into_id");

    /* 恢复 and 停办. */
    assert_int_equal(schools_set_status(f->db, &f->admin, NULL, small, "在办", NULL, NULL, &e), STORE_OK);
    assert_int_equal(schools_set_status(f->db, &f->admin, NULL, small, "在办", NULL, NULL, &e),
                     REFUSED);
    assert_int_equal(e.status, 409);
    assert_int_equal(schools_set_status(f->db, &f->admin, NULL, small, "停办", NULL, NULL, &e),
                     REFUSED);
    assert_string_equal(e.field, "date");
    assert_int_equal(schools_set_status(f->db, &f->admin, NULL, small, "撤并", "2022-01-01", NULL, &e),
                     REFUSED);
    assert_string_equal(e.field, "status");
    assert_int_equal(schools_set_status(f->db, &f->admin, NULL, small, "停办", "2022-01-01", NULL, &e),
                     STORE_OK);
    assert_int_equal(schools_load(f->db, NULL, small, 0, &o), STORE_OK);
    assert_string_equal(text_of(o, "status"), "停办");
    assert_true(json_is_null(json_object_get(o, "merged_into")));
    json_decref(o);
}

/* ---------------------------------------------------------------- edits */

static void test_patch_moves_town(void **state)
{
    fixture *f = *state;
    refusal e;
    int64_t id = mk_school(f, "4110820021", "长葛市大周镇王庄小学", f->town);
    json_t *changes = json_pack("{sI ss ss}", "town_id", (json_int_t)f->street, "name",
                                "长葛市建设路街道第一小学", "area", "城区");

    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(schools_patch(f->db, &f->admin, "127.0.0.1", id, changes, &e), STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    json_decref(changes);

    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    assert_int_equal(db_query_one(f->db,
                                  "SELECT s.path, o.path AS org_path, o.parent_id, o.name, s.town_id "
                                  "FROM schools s JOIN org_units o ON o.id = s.org_id WHERE s.id = ?",
                                  p, 1, &row),
                     STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(row, "parent_id")), f->street);
    assert_int_equal(json_integer_value(json_object_get(row, "town_id")), f->street);
    assert_string_equal(text_of(row, "path"), text_of(row, "org_path"));
    assert_string_equal(text_of(row, "name"), "长葛市建设路街道第一小学");
    char street_prefix[64];
    snprintf(street_prefix, sizeof street_prefix, "%s%lld/", f->county_path, (long long)f->street);
    assert_int_equal(strncmp(text_of(row, "path"), street_prefix, strlen(street_prefix)), 0);
    json_decref(row);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM school_events WHERE school_id = ? AND event = '修改'", id), 1);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND entity_id = ? "
                              "AND before_json IS NOT NULL AND after_json IS NOT NULL", id), 1);

    /* Status only through merge/status; a town out of scope; a bad value. */
    changes = json_pack("{ss}", "status", "停办");
    assert_int_equal(schools_patch(f->db, &f->admin, NULL, id, changes, &e), REFUSED);
    assert_string_equal(e.field, "status");
    json_decref(changes);
    changes = json_pack("{sI}", "town_id", (json_int_t)f->other_town);
    assert_int_equal(schools_patch(f->db, &f->admin, NULL, id, changes, &e), REFUSED);
    assert_string_equal(e.field, "town_id");
    json_decref(changes);
    changes = json_pack("{ss}", "phone", "phone");
    assert_int_equal(schools_patch(f->db, &f->admin, NULL, id, changes, &e), REFUSED);
    assert_string_equal(e.field, "phone");
    json_decref(changes);
    /* Another school's code: 409. */
    mk_school(f, "4110820022", "长葛市大周镇李庄小学", f->town);
    changes = json_pack("{ss}", "code", "4110820022");
    assert_int_equal(schools_patch(f->db, &f->admin, NULL, id, changes, &e), STORE_CONSTRAINT);
    assert_int_equal(e.status, 409);
    json_decref(changes);
}

static void test_school_admin_limits(void **state)
{
    fixture *f = *state;
    refusal e;
    int64_t own = mk_school(f, "4110820031", "长葛市大周镇王庄小学", f->town);
    int64_t other = mk_school(f, "4110820032", "长葛市大周镇李庄小学", f->town);
    json_t *o = NULL;

    assert_int_equal(schools_load(f->db, NULL, own, 0, &o), STORE_OK);
    int64_t org_id = json_integer_value(json_object_get(o, "org_id"));
    json_decref(o);
    char own_path[64];
    snprintf(own_path, sizeof own_path, "%s%lld/%lld/", f->county_path, (long long)f->town,
             (long long)org_id);
    user_ctx sa = fx_user(9, "s4110820031", ROLE_SCHOOL, own_path, NULL, own);

    /* Another school: not found, never the data. */
    assert_int_equal(schools_load(f->db, &sa, other, 1, &o), STORE_NOTFOUND);
    assert_null(o);
    json_t *changes = json_pack("{ss}", "head", "张三");
    assert_int_equal(schools_patch(f->db, &sa, NULL, other, changes, &e), REFUSED);
    assert_int_equal(e.status, 404);
    /* Own school: head yes. */
    assert_int_equal(schools_patch(f->db, &sa, NULL, own, changes, &e), STORE_OK);
    json_decref(changes);
    /* Own school: name no (403 naming the field), the same name is no change. */
    changes = json_pack("{ss ss}", "name", "长葛市大周镇王庄小学", "type", "初中");
    assert_int_equal(schools_patch(f->db, &sa, NULL, own, changes, &e), REFUSED);
    assert_int_equal(e.status, 403);
    assert_string_equal(e.field, "type");
    json_decref(changes);
    /* Merge, status, create, groups: refused. */
    assert_int_equal(schools_merge(f->db, &sa, NULL, own, other, "2021-07-01", NULL, 1, &e),
                     REFUSED);
    assert_int_equal(e.status, 403);
    assert_int_equal(schools_set_status(f->db, &sa, NULL, own, "停办", "2021-07-01", NULL, &e),
                     REFUSED);
    assert_int_equal(e.status, 403);
    json_t *rec = rec_new("4110820039", "长葛市大周镇新小学", f->town);
    assert_int_equal(schools_create(f->db, &sa, NULL, rec, NULL, 1, NULL, &e), REFUSED);
    assert_int_equal(e.status, 403);
    json_decref(rec);
    assert_int_equal(schools_group_create(f->db, &sa, NULL, "王庄小学集团", "联盟型", own, 1, NULL, &e),
                     REFUSED);
    assert_int_equal(e.status, 403);

    /* Phone: own admin and admin see it, the auditor sees it masked. */
    assert_int_equal(schools_load(f->db, &sa, own, 0, &o), STORE_OK);
    assert_string_equal(text_of(o, "phone"), "0374-6123456");
    assert_string_equal(text_of(o, "head"), "张三");
    json_decref(o);
    assert_int_equal(schools_load(f->db, &f->auditor, own, 0, &o), STORE_OK);
    assert_string_equal(text_of(o, "phone"), "037****3456");
    json_decref(o);
    assert_int_equal(schools_load(f->db, &f->leader, own, 0, &o), STORE_OK);
    assert_string_equal(text_of(o, "phone"), "0374-6123456");
    json_decref(o);
}

/* --------------------------------------------------------------- groups */

static void test_groups(void **state)
{
    fixture *f = *state;
    refusal e;
    int64_t lead = mk_school(f, "4110820041", "长葛市第一初级中学", f->street);
    int64_t far = mk_school(f, "4117000001", "禹州市第一初级中学", f->other_town);
    int64_t id = 0;

    assert_int_equal(schools_group_create(f->db, &f->admin, NULL, "长葛市第一初级中学教育集团", "紧密型",
                                          lead, 1, &id, &e),
                     STORE_OK);
    assert_true(id > 0);
    assert_int_equal(fx_count(f->db, "SELECT group_id FROM schools WHERE id = ?", lead), id);
    assert_int_equal(fx_count(f->db, "SELECT county_org_id FROM school_groups WHERE id = ?", id), f->county);
    assert_int_equal(schools_group_create(f->db, &f->admin, NULL, "长葛市第一初级中学教育集团", "联盟型",
                                          lead, 1, NULL, &e),
                     STORE_CONSTRAINT);
    assert_int_equal(e.status, 409);
    assert_int_equal(schools_group_create(f->db, &f->admin, NULL, "集团", "松散型", lead, 1, NULL, &e),
                     REFUSED);
    assert_string_equal(e.field, "kind");
    assert_int_equal(schools_group_create(f->db, &f->admin, NULL, "禹州集团", "联盟型", far, 1, NULL, &e),
                     REFUSED);
    assert_string_equal(e.field, "lead_school_id");

    /* A member joins by group_id; a school of another county may not. */
    json_t *rec = rec_new("4110820042", "长葛市大周镇第一初级中学", f->town);
    json_object_set_new(rec, "group_id", json_integer(id));
    int64_t member = 0;
    assert_int_equal(schools_create(f->db, &f->admin, NULL, rec, NULL, 1, &member, &e), STORE_OK);
    json_decref(rec);
    json_t *o = NULL;
    assert_int_equal(schools_load(f->db, &f->admin, member, 1, &o), STORE_OK);
    assert_string_equal(text_of(o, "group_name"), "长葛市第一初级中学教育集团");
    assert_string_equal(text_of(json_object_get(o, "group"), "lead_school_name"), "长葛市第一初级中学");
    json_decref(o);
    json_t *changes = json_pack("{sI}", "group_id", (json_int_t)id);
    assert_int_equal(schools_patch(f->db, NULL, NULL, far, changes, &e), REFUSED);
    assert_string_equal(e.field, "group_id");
    json_decref(changes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_validate_every_field, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_create_and_duplicate, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_merge, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_patch_moves_town, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_school_admin_limits, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_groups, setup, fx_store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
