/*
 * demo.c - the synthetic demo county (长葛市) and the bench province.
 *
 * From a seed number and our own PRNG (demo_gen.h), so a seed always gives
 * the same county: 河南省 > 许昌市 > 长葛市 (教体局 with its 股室) > 4 街道
 * and 12 乡镇 > about 360 schools and kindergartens in the proportions of a
 * Henan county, the schools the 2021 work report names, 4 small rural
 * schools 撤并 in 2021 into their town's 中心小学, 4 教育集团, and demo users
 * for every role (one 学校管理员 per school, "s" + 学校标识码).
 *
 * Schools, groups and merges go through the registry's own functions
 * (schools_create, schools_group_create, schools_merge), all in one
 * transaction. Instead of one audit row per generated record, the generator
 * writes one summary row per entity kind (action "import"), saying so;
 * the user accounts are audited one by one by users_create_hashed.
 *
 * With counties > 1, further synthetic counties (模拟县001, ...) are added
 * under 河南省 in cities of 10 counties (模拟市01, ...), same generator,
 * without users: the province benchmark.
 */
#include "domain/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "auth/password.h"
#include "domain/demo_gen.h"
#include "domain/eval.h"
#include "domain/plan.h"
#include "domain/org.h"
#include "domain/safety_demo.h"
#include "domain/schools.h"
#include "domain/stats_demo.h"
#include "domain/users.h"

#define DEMO_TOWNS 16
#define DEMO_STREETS 4
#define DEMO_MAX_COUNTIES 500
#define DEMO_MAX_VILLAGES 32
#define DEMO_MAX_SMALL 16

/* ----------------------------------------------------------------- names */

/* The 4 街道, then the 12 乡镇. */
static const char *const demo_town_names[DEMO_TOWNS] = {
    "建设路街道", "长兴路街道", "长社路街道", "金桥路街道", "大周镇", "和尚桥镇", "坡胡镇", "后河镇",
    "石固镇",     "老城镇",     "南席镇",     "董村镇",     "增福庙乡", "官亭乡", "石象乡", "古桥乡"};
static const char *const demo_surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马",
    "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许",
    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋",
    "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈"};
static const char *const demo_given[] = {
    "建", "国", "明", "华", "伟", "军", "红", "丽", "敏", "静", "磊", "强", "洋", "勇",
    "艳", "杰", "娟", "涛", "超", "霞", "平", "刚", "桂", "英", "芳", "燕", "玲", "鹏",
    "辉", "斌", "宇", "浩", "凯", "鑫", "晓", "文", "志", "海", "云", "峰"};
static const char *const demo_village_pre[] = {"东", "西", "南", "北", "前", "后", "大", "小", "上", "下"};
static const char *const demo_village_suf[] = {"庄", "寨", "营", "楼", "岗", "桥", "集", "店", "湾", "洼",
                                               "河", "坡", "堂", "屯", "沟", "园", "口", "寺", "坊", "台"};
static const char *const demo_brands[] = {
    "小天使", "金太阳", "蓝天", "阳光", "童心", "爱心", "贝贝", "小博士", "启明星", "新蕾",
    "育才", "春苗", "七彩虹", "金摇篮", "小太阳", "智慧树", "快乐宝贝", "童乐", "馨蕾", "未来星",
    "小精灵", "雨露", "博雅", "欣欣", "童之梦", "明日之星", "喜洋洋", "英才", "睿智", "小百灵"};
static const char *const demo_city_roads[] = {"人民路", "建设路", "长兴路", "长社路", "金桥路", "新华路",
                                              "钟繇大道", "葛天大道", "八七路", "许由路", "魏武路",
                                              "文化路", "陈寔路", "东大街", "西大街", "商贸路"};
static const char *const demo_town_roads[] = {"政府街", "文化街", "中心街", "育才路", "兴华路", "人民路",
                                              "健康路"};
static const char *const demo_numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

/* The county-level schools, created first (codes 0001...). town: index of
 * the 街道 (0-3) or 乡镇 (4-15) they stand in. */
enum { LEAD_NONE = 0, LEAD_JUNIOR, LEAD_SENIOR, LEAD_PRIMARY, LEAD_KINDER };
static const struct demo_named {
    const char *suffix;       /* name after the county: "第一高级中学" */
    const char *short_name;
    const char *type;
    const char *nature;
    const char *area;
    int town;
    int year_lo, year_hi;
    int lead;                 /* leads one of the groups */
} demo_named[] = {
    {"第一高级中学", "一高", "高级中学", "公办", "城区", 0, 1941, 1941, LEAD_NONE},
    {"第二高级中学", "二高", "高级中学", "公办", "城区", 1, 1956, 1956, LEAD_NONE},
    {"实验中学", "实验中学", "高级中学", "公办", "城区", 2, 1978, 1984, LEAD_SENIOR},
    {"第三实验高级中学", "三实高", "高级中学", "公办", "城区", 3, 2004, 2010, LEAD_NONE},
    {"第四高级中学", "四高", "高级中学", "公办", "城区", 1, 1985, 1995, LEAD_NONE},
    {"陈寔路学校", "陈寔路学校", "九年一贯制学校", "公办", "城区", 2, 2020, 2020, LEAD_NONE},
    {"英才学校", "英才学校", "十二年一贯制学校", "民办", "城区", 3, 2003, 2010, LEAD_NONE},
    {"第十二中学", "十二中", "完全中学", "公办", "镇区", 9, 1958, 1970, LEAD_NONE},
    {"育才中学", "育才中学", "完全中学", "民办", "城区", 2, 1998, 2006, LEAD_NONE},
    {"职业中等专业学校", "职专", "中等职业学校", "公办", "城区", 3, 1980, 1986, LEAD_NONE},
    {"华夏中等职业学校", "华夏中职", "中等职业学校", "民办", "城区", 0, 2005, 2012, LEAD_NONE},
    {"特殊教育学校", "特教学校", "特殊教育学校", "公办", "城区", 1, 1992, 1998, LEAD_NONE},
    {"第一初级中学", "一初中", "初中", "公办", "城区", 0, 1952, 1958, LEAD_JUNIOR},
    {"第二初级中学", "二初中", "初中", "公办", "城区", 1, 1958, 1966, LEAD_NONE},
    {"第三初级中学", "三初中", "初中", "公办", "城区", 2, 1966, 1978, LEAD_NONE},
    {"第四初级中学", "四初中", "初中", "公办", "城区", 3, 1970, 1985, LEAD_NONE},
    {"第五初级中学", "五初中", "初中", "公办", "城区", 0, 1980, 1992, LEAD_NONE},
    {"第六初级中学", "六初中", "初中", "公办", "城区", 1, 1985, 1998, LEAD_NONE},
    {"第七初级中学", "七初中", "初中", "公办", "城区", 2, 1995, 2008, LEAD_NONE},
    {"第八初级中学", "八初中", "初中", "公办", "城区", 3, 2005, 2015, LEAD_NONE},
    {"实验小学", "实验小学", "小学", "公办", "城区", 0, 1950, 1958, LEAD_PRIMARY},
    {"第二实验小学", "二实小", "小学", "公办", "城区", 2, 1985, 1995, LEAD_NONE},
    {"第三实验小学", "三实小", "小学", "公办", "城区", 3, 2008, 2016, LEAD_NONE},
    {"实验幼儿园", "实验幼儿园", "幼儿园", "公办", "城区", 1, 1980, 1988, LEAD_KINDER},
    {"第二实验幼儿园", "二实幼", "幼儿园", "公办", "城区", 3, 2010, 2018, LEAD_NONE},
    {"机关幼儿园", "机关幼儿园", "幼儿园", "公办", "城区", 0, 1975, 1985, LEAD_NONE},
};

/* The 教育集团: name after the county, kind, lead, and how many towns join. */
static const struct demo_group {
    const char *suffix;
    const char *kind;
    int lead;
    int towns;
} demo_groups[] = {
    {"第一初级中学教育集团", "紧密型", LEAD_JUNIOR, 3},
    {"实验中学教育集团", "联盟型", LEAD_SENIOR, 3},
    {"实验小学教育集团", "紧密型", LEAD_PRIMARY, 4},
    {"实验幼儿园教育集团", "联盟型", LEAD_KINDER, 4},
};
#define DEMO_GROUPS (int)(sizeof demo_groups / sizeof demo_groups[0])

/* The bureau's departments and the modules they edit. */
static const struct demo_dept {
    const char *code;
    const char *name;
    const char *modules;
} demo_depts[] = {
    {"jichu", "基础教育股", "schools,stats"}, {"anquan", "安全稳定股", "safety"},
    {"renshi", "人事股", "workforce"},        {"jicai", "计划财务股", "projects"},
    {"jiaoyan", "教研室", "quality"},         {"dangjian", "党建办", "party"},
    {"duda", "督导室", "eval,plan"},
};

/* The bureau's demo users (dept: index into demo_depts, -1 none). */
static const struct demo_user {
    const char *username;
    const char *name;
    const char *role;
    int dept;
} demo_users[] = {
    {"admin", "系统管理员", ROLE_ADMIN, -1}, {"leader", "刘建国", ROLE_LEADER, -1},
    {"jijiao", "王晓燕", ROLE_DEPT, 0},      {"anquan", "张卫东", ROLE_DEPT, 1},
    {"renshi", "陈丽华", ROLE_DEPT, 2},      {"jicai", "李志强", ROLE_DEPT, 3},
    {"jiaoyan", "赵明", ROLE_DEPT, 4},       {"duda", "孙红梅", ROLE_DEPT, 6},
    {"audit", "审计员", ROLE_AUDITOR, -1},
};

/* ------------------------------------------------------------- generator */

typedef struct demo_town {
    int64_t id;
    const char *name;          /* "建设路街道", "大周镇" */
    int street;
    int64_t centre_primary;    /* 中心小学 (乡镇) */
    int64_t small[DEMO_MAX_SMALL];  /* 村小学 and 教学点: candidates for 撤并 */
    int nsmall;
    char villages[DEMO_MAX_VILLAGES][16];
    int nvillages;
    unsigned used_brands;      /* bit per demo_brands entry */
} demo_town;

typedef struct demo_state {
    store_db *db;
    demo_rng rng;
    const char *county;        /* "长葛市": prefix of every school name */
    char code_prefix[24];      /* 6 digits */
    int serial;
    const char *password_hash; /* NULL: no users */
    int64_t county_id;
    demo_town towns[DEMO_TOWNS];
    int64_t leads[LEAD_KINDER + 1];
    int64_t groups[DEMO_GROUPS];
    int member_of[DEMO_TOWNS]; /* bit g: the town's school joins group g */
    /* Totals for the summary audit rows. */
    long org_units, schools, groups_made, merges, users;
    char err[512];
} demo_state;

static int demo_fail(demo_state *g, const char *what, int rc, const refusal *e)
{
    return demo_gen_fail(g->db, g->err, sizeof g->err, what, rc, e);
}

static void demo_person(demo_state *g, char *out, size_t size)
{
    static const demo_names names = {demo_surnames, DEMO_COUNT(demo_surnames), demo_given,
                                     DEMO_COUNT(demo_given)};
    demo_gen_person(&g->rng, &names, out, size);
}

/* A village name of town t not used there yet ("王庄", "后李寨"). */
static const char *demo_village(demo_state *g, demo_town *t)
{
    char name[16];
    for (int tries = 0; tries < 200; tries++) {
        snprintf(name, sizeof name, "%s%s%s",
                 demo_rng_chance(&g->rng, 30) ? DEMO_PICK(&g->rng, demo_village_pre) : "",
                 DEMO_PICK(&g->rng, demo_surnames), DEMO_PICK(&g->rng, demo_village_suf));
        int used = 0;
        for (int i = 0; i < t->nvillages && !used; i++)
            used = strcmp(t->villages[i], name) == 0;
        if (!used && t->nvillages < DEMO_MAX_VILLAGES) {
            strcpy(t->villages[t->nvillages], name);
            return t->villages[t->nvillages++];
        }
    }
    return t->villages[0];  /* not reached with 10 x 50 x 20 names */
}

/* A kindergarten brand not used in town t yet. */
static const char *demo_brand(demo_state *g, demo_town *t)
{
    int n = (int)(sizeof demo_brands / sizeof demo_brands[0]);
    int i = demo_rng_draw(&g->rng, 0, n - 1);
    while (t->used_brands & (1u << i))
        i = (i + 1) % n;
    t->used_brands |= 1u << i;
    return demo_brands[i];
}

/* Create one school through the registry (and its 学校管理员). */
static int demo_school(demo_state *g, demo_town *t, const char *name, const char *short_name,
                       const char *type, const char *nature, const char *area, int year_lo,
                       int year_hi, const char *address, int64_t group_id, int64_t *id_out)
{
    char code[48], head[16], phone[24], on_date[16];
    refusal e;
    int64_t id = 0;
    int year = demo_rng_draw(&g->rng, year_lo, year_hi);

    snprintf(code, sizeof code, "%s%04d", g->code_prefix, ++g->serial % 10000);
    demo_person(g, head, sizeof head);
    snprintf(phone, sizeof phone, "0374-6%06d", demo_rng_draw(&g->rng, 0, 999999));
    snprintf(on_date, sizeof on_date, "%04d-09-01", year);
    json_t *rec = json_pack("{ss ss ss ss ss sI ss ss ss sI}", "code", code, "name", name, "type",
                            type, "nature", nature, "area", area, "town_id", (json_int_t)t->id,
                            "address", address, "head", head, "phone", phone, "founded_year",
                            (json_int_t)year);
    if (!rec)
        return demo_fail(g, name, STORE_ERROR, NULL);
    if (short_name)
        json_object_set_new(rec, "short_name", json_string(short_name));
    if (group_id)
        json_object_set_new(rec, "group_id", json_integer(group_id));
    int rc = schools_create(g->db, NULL, NULL, rec, on_date, 0, &id, &e);
    json_decref(rec);
    if (rc != STORE_OK)
        return demo_fail(g, name, rc, &e);
    g->schools++;
    g->org_units++;
    if (id_out)
        *id_out = id;
    if (!g->password_hash)
        return STORE_OK;

    int64_t org_id = 0;
    sval p[] = {SV_I(id)};
    rc = db_query_int(g->db, "SELECT org_id FROM schools WHERE id = ?", p, 1, &org_id);
    if (rc != STORE_OK)
        return demo_fail(g, name, rc, NULL);
    char username[64], display[160];
    snprintf(username, sizeof username, "s%s", code);
    snprintf(display, sizeof display, "%s管理员", name);
    rc = users_create_hashed(g->db, NULL, NULL, username, display, ROLE_SCHOOL, 0, org_id, id,
                             g->password_hash, 0, NULL);
    if (rc != USERS_OK) {
        snprintf(g->err, sizeof g->err, "%s: %s", username, users_err_message(rc));
        return STORE_ERROR;
    }
    g->users++;
    return STORE_OK;
}

static int demo_org(demo_state *g, int64_t parent, const char *level, const char *name,
                    const char *kind, int64_t *id)
{
    int rc = org_create(g->db, parent, level, name, kind, id, NULL);
    if (rc != STORE_OK)
        return demo_fail(g, name, rc, NULL);
    g->org_units++;
    return STORE_OK;
}

/* A street address in the town: city road for 街道, town street for 乡镇. */
static void demo_address(demo_state *g, demo_town *t, char *out, size_t size)
{
    if (t->street)
        snprintf(out, size, "%s%s%d号", g->county, DEMO_PICK(&g->rng, demo_city_roads),
                 demo_rng_draw(&g->rng, 1, 399));
    else
        snprintf(out, size, "%s%s%s%d号", g->county, t->name, DEMO_PICK(&g->rng, demo_town_roads),
                 demo_rng_draw(&g->rng, 1, 120));
}

static int demo_named_schools(demo_state *g)
{
    char name[128], address[160];
    for (size_t i = 0; i < sizeof demo_named / sizeof demo_named[0]; i++) {
        const struct demo_named *n = &demo_named[i];
        demo_town *t = &g->towns[n->town];
        int64_t id = 0;
        snprintf(name, sizeof name, "%s%s", g->county, n->suffix);
        demo_address(g, t, address, sizeof address);
        int rc = demo_school(g, t, name, n->short_name, n->type, n->nature, n->area, n->year_lo,
                             n->year_hi, address, 0, &id);
        if (rc != STORE_OK)
            return rc;
        if (n->lead)
            g->leads[n->lead] = id;
    }
    return STORE_OK;
}

/* The groups, led by the named schools; each picks the towns that join. */
static int demo_make_groups(demo_state *g)
{
    char name[128];
    for (int i = 0; i < DEMO_GROUPS; i++) {
        refusal e;
        snprintf(name, sizeof name, "%s%s", g->county, demo_groups[i].suffix);
        int rc = schools_group_create(g->db, NULL, NULL, name, demo_groups[i].kind,
                                      g->leads[demo_groups[i].lead], 0, &g->groups[i], &e);
        if (rc != STORE_OK)
            return demo_fail(g, name, rc, &e);
        g->groups_made++;
        for (int joined = 0; joined < demo_groups[i].towns;) {
            int t = demo_rng_draw(&g->rng, DEMO_STREETS, DEMO_TOWNS - 1);
            if (g->member_of[t] & (1 << i))
                continue;
            g->member_of[t] |= 1 << i;
            joined++;
        }
    }
    return STORE_OK;
}

static int64_t demo_group_if(demo_state *g, demo_town *t, int lead)
{
    for (int i = 0; i < DEMO_GROUPS; i++)
        if (demo_groups[i].lead == lead && (g->member_of[t - g->towns] & (1 << i)))
            return g->groups[i];
    return 0;
}

/* Kindergartens of a town: public extra, 普惠性民办 and 民办 by brand. */
static int demo_kindergartens(demo_state *g, demo_town *t, int inclusive, int private_n)
{
    char name[128], address[160];
    for (int i = 0; i < inclusive + private_n; i++) {
        const char *brand = demo_brand(g, t);
        int in_village = !t->street && demo_rng_chance(&g->rng, 60);
        if (in_village) {
            const char *v = demo_village(g, t);
            snprintf(name, sizeof name, "%s%s%s%s幼儿园", g->county, t->name, v, brand);
            snprintf(address, sizeof address, "%s%s%s村", g->county, t->name, v);
        } else {
            snprintf(name, sizeof name, "%s%s%s幼儿园", g->county, t->name, brand);
            demo_address(g, t, address, sizeof address);
        }
        const char *area = t->street ? "城区" : in_village ? "乡村" : "镇区";
        int rc = demo_school(g, t, name, NULL, "幼儿园", i < inclusive ? "普惠性民办" : "民办", area,
                             2003, 2020, address, 0, NULL);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* A 街道: numbered primary schools and kindergartens, all 城区. */
static int demo_street(demo_state *g, demo_town *t)
{
    char name[128], address[160];
    int rc = STORE_OK;
    for (int i = 0; i < 3 && rc == STORE_OK; i++) {
        snprintf(name, sizeof name, "%s%s第%s小学", g->county, t->name, demo_numerals[i]);
        demo_address(g, t, address, sizeof address);
        rc = demo_school(g, t, name, NULL, "小学", "公办", "城区", 1955 + 15 * i, 1970 + 15 * i,
                         address, 0, NULL);
    }
    for (int i = 0; i < 2 && rc == STORE_OK; i++) {
        snprintf(name, sizeof name, "%s%s第%s幼儿园", g->county, t->name, demo_numerals[i]);
        demo_address(g, t, address, sizeof address);
        rc = demo_school(g, t, name, NULL, "幼儿园", "公办", "城区", 1985 + 15 * i, 2000 + 15 * i,
                         address, 0, NULL);
    }
    if (rc == STORE_OK)
        rc = demo_kindergartens(g, t, demo_rng_draw(&g->rng, 4, 6), demo_rng_draw(&g->rng, 3, 5));
    return rc;
}

/* A school in a village of t: "长葛市坡胡镇王庄村小学". */
static int demo_village_school(demo_state *g, demo_town *t, const char *what, const char *type,
                               const char *nature, int year_lo, int year_hi, int64_t group_id,
                               int64_t *id)
{
    char name[128], address[160];
    const char *v = demo_village(g, t);
    snprintf(name, sizeof name, "%s%s%s%s", g->county, t->name, v, what);
    snprintf(address, sizeof address, "%s%s%s村", g->county, t->name, v);
    return demo_school(g, t, name, NULL, type, nature, "乡村", year_lo, year_hi, address, group_id,
                       id);
}

/* A 乡镇: centre schools (镇区), 初中, village schools and kindergartens. */
static int demo_township(demo_state *g, demo_town *t)
{
    char name[128], address[160];
    int64_t id = 0;
    int rc;

    snprintf(name, sizeof name, "%s%s中心小学", g->county, t->name);
    demo_address(g, t, address, sizeof address);
    rc = demo_school(g, t, name, NULL, "小学", "公办", "镇区", 1950, 1965, address,
                     demo_group_if(g, t, LEAD_PRIMARY), &t->centre_primary);
    if (rc != STORE_OK)
        return rc;
    snprintf(name, sizeof name, "%s%s中心幼儿园", g->county, t->name);
    demo_address(g, t, address, sizeof address);
    rc = demo_school(g, t, name, NULL, "幼儿园", "公办", "镇区", 1990, 2015, address,
                     demo_group_if(g, t, LEAD_KINDER), NULL);
    if (rc != STORE_OK)
        return rc;
    int juniors = 1 + demo_rng_chance(&g->rng, 42);
    for (int i = 0; i < juniors; i++) {
        snprintf(name, sizeof name, "%s%s第%s初级中学", g->county, t->name, demo_numerals[i]);
        demo_address(g, t, address, sizeof address);
        rc = demo_school(g, t, name, NULL, "初中", "公办", i ? "乡村" : "镇区", 1958, 1990, address,
                         i ? 0 : demo_group_if(g, t, LEAD_JUNIOR), NULL);
        if (rc != STORE_OK)
            return rc;
    }
    if (demo_rng_chance(&g->rng, 75)) {
        rc = demo_village_school(g, t, "学校", "九年一贯制学校", "公办", 1995, 2015,
                                 demo_group_if(g, t, LEAD_SENIOR), NULL);
        if (rc != STORE_OK)
            return rc;
    }
    if (demo_rng_chance(&g->rng, 50)) {
        rc = demo_village_school(g, t, "村幼儿园", "幼儿园", "公办", 2010, 2020, 0, NULL);
        if (rc != STORE_OK)
            return rc;
    }
    int primaries = demo_rng_draw(&g->rng, 8, 10);
    int points = 1 + demo_rng_chance(&g->rng, 50) + demo_rng_chance(&g->rng, 15);
    for (int i = 0; i < primaries + points; i++) {
        int point = i >= primaries;
        rc = demo_village_school(g, t, point ? "村教学点" : "村小学", point ? "教学点" : "小学",
                                 "公办", 1952, point ? 1995 : 2008, 0, &id);
        if (rc != STORE_OK)
            return rc;
        if (t->nsmall < DEMO_MAX_SMALL)
            t->small[t->nsmall++] = id;
    }
    return demo_kindergartens(g, t, demo_rng_draw(&g->rng, 4, 5), demo_rng_draw(&g->rng, 2, 4));
}

/* 4 small rural schools of 4 different 乡镇 撤并 in 2021 into the 中心小学. */
static int demo_merges(demo_state *g)
{
    int done_towns = 0;
    for (int merged = 0; merged < 4;) {
        int ti = demo_rng_draw(&g->rng, DEMO_STREETS, DEMO_TOWNS - 1);
        demo_town *t = &g->towns[ti];
        if ((done_towns & (1 << ti)) || t->nsmall == 0)
            continue;
        done_towns |= 1 << ti;
        char date[11];
        refusal e;
        snprintf(date, sizeof date, "2021-%02d-%02d", demo_rng_draw(&g->rng, 6, 8),
                 demo_rng_draw(&g->rng, 1, 28));
        int64_t id = t->small[demo_rng_draw(&g->rng, 0, t->nsmall - 1)];
        int rc = schools_merge(g->db, NULL, NULL, id, t->centre_primary, date,
                               "农村学校布局调整，学生并入镇中心小学", 0, &e);
        if (rc != STORE_OK)
            return demo_fail(g, "撤并", rc, &e);
        g->merges++;
        merged++;
    }
    return STORE_OK;
}

/* One county under city_id: bureau unit, towns, schools, groups, merges. */
static int demo_county(demo_state *g, int64_t city_id)
{
    int rc = demo_org(g, city_id, "county", g->county, NULL, &g->county_id);
    for (int i = 0; i < DEMO_TOWNS && rc == STORE_OK; i++) {
        demo_town *t = &g->towns[i];
        memset(t, 0, sizeof *t);
        t->street = i < DEMO_STREETS;
        t->name = demo_town_names[i];
        rc = demo_org(g, g->county_id, "town", t->name, t->street ? "街道" : "乡镇", &t->id);
    }
    memset(g->member_of, 0, sizeof g->member_of);
    memset(g->leads, 0, sizeof g->leads);
    if (rc == STORE_OK)
        rc = demo_named_schools(g);
    if (rc == STORE_OK)
        rc = demo_make_groups(g);
    for (int i = 0; i < DEMO_TOWNS && rc == STORE_OK; i++)
        rc = g->towns[i].street ? demo_street(g, &g->towns[i]) : demo_township(g, &g->towns[i]);
    if (rc == STORE_OK)
        rc = demo_merges(g);
    return rc;
}

/* The bureau's departments and users of 长葛市. */
static int demo_bureau(demo_state *g)
{
    int64_t dept_ids[sizeof demo_depts / sizeof demo_depts[0]];
    for (size_t i = 0; i < sizeof demo_depts / sizeof demo_depts[0]; i++) {
        sval p[] = {SV_I(g->county_id), SV_T(demo_depts[i].code), SV_T(demo_depts[i].name),
                    SV_T(demo_depts[i].modules)};
        int rc = db_insert(g->db,
                           "INSERT INTO departments (org_id, code, name, modules) "
                           "VALUES (?, ?, ?, ?) RETURNING id",
                           p, 4, &dept_ids[i]);
        if (rc != STORE_OK)
            return demo_fail(g, demo_depts[i].name, rc, NULL);
    }
    for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
        const struct demo_user *du = &demo_users[i];
        int rc = users_create_hashed(g->db, NULL, NULL, du->username, du->name, du->role,
                                     du->dept >= 0 ? dept_ids[du->dept] : 0, g->county_id, 0,
                                     g->password_hash, 0, NULL);
        if (rc != USERS_OK) {
            snprintf(g->err, sizeof g->err, "%s: %s", du->username, users_err_message(rc));
            return STORE_ERROR;
        }
        g->users++;
    }
    json_t *after = json_pack("{si ss}", "count", (int)(sizeof demo_depts / sizeof demo_depts[0]),
                              "note", "演示数据生成：长葛市教体局的股室（汇总记录）");
    return demo_gen_audit(g->db, "department", NULL, after, g->err, sizeof g->err);
}

/* One summary audit row per generated entity kind. */
static int demo_summary(demo_state *g, uint64_t seed, int counties)
{
    const struct {
        const char *entity;
        long count;
    } kinds[] = {{"org_unit", g->org_units}, {"school", g->schools}, {"group", g->groups_made},
                 {"school_merge", g->merges}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        json_t *after = json_pack("{sI sI si ss}", "count", (json_int_t)kinds[i].count, "seed",
                                  (json_int_t)seed, "counties", counties, "note", DEMO_GEN_NOTE);
        int rc = demo_gen_audit(g->db, kinds[i].entity, NULL, after, g->err, sizeof g->err);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static int demo_all(demo_state *g, uint64_t seed, int counties)
{
    int64_t province = 0, city = 0;
    int rc = demo_org(g, 0, "province", "河南省", NULL, &province);
    if (rc == STORE_OK)
        rc = demo_org(g, province, "city", "许昌市", NULL, &city);
    g->county = "长葛市";
    strcpy(g->code_prefix, "411082");
    if (rc == STORE_OK)
        rc = demo_county(g, city);
    if (rc == STORE_OK)
        rc = demo_bureau(g);
    /* 长葛市's safety work of 2021 and 2022 (its users exist now). */
    if (rc == STORE_OK)
        rc = safety_demo_generate(g->db, seed, g->county_id, g->err, sizeof g->err);
    /* 长葛市's 基表 of 2019-2021 with their rounds. */
    if (rc == STORE_OK)
        rc = stats_demo_generate(g->db, seed, g->county_id, g->err, sizeof g->err);
    /* Its population aged 3-5 and its own evaluation targets (评估). */
    if (rc == STORE_OK)
        rc = eval_demo_generate(g->db, seed, g->county_id, g->err, sizeof g->err);
    /* Its 2022 work plan "三五·三一" with targets and progress (目标). */
    if (rc == STORE_OK)
        rc = plan_demo_generate(g->db, g->county_id, g->err, sizeof g->err);
    /* The schools' users were made with the county; no users below. */
    g->password_hash = NULL;
    char county[32], city_name[32];
    for (int k = 1; k < counties && rc == STORE_OK; k++) {
        if ((k - 1) % 10 == 0) {
            snprintf(city_name, sizeof city_name, "模拟市%02d", (k - 1) / 10 + 1);
            rc = demo_org(g, province, "city", city_name, NULL, &city);
            if (rc != STORE_OK)
                break;
        }
        snprintf(county, sizeof county, "模拟县%03d", k);
        snprintf(g->code_prefix, sizeof g->code_prefix, "41%02d%02d", 50 + (k - 1) / 10,
                 (k - 1) % 10 + 1);
        g->county = county;
        g->serial = 0;
        rc = demo_county(g, city);
    }
    if (rc == STORE_OK)
        rc = demo_summary(g, seed, counties);
    return rc;
}

int demo_generate(store *s, uint64_t seed, int counties, char **err)
{
    char hash[PASSWORD_HASH_MAX];
    *err = NULL;
    if (counties < 1 || counties > DEMO_MAX_COUNTIES) {
        *err = strdup("县数应在 1 至 500 之间");
        return STORE_ERROR;
    }
    if (password_hash(DEMO_PASSWORD, hash) != 0) {
        *err = strdup("无法计算密码哈希");
        return STORE_ERROR;
    }
    demo_state *g = calloc(1, sizeof *g);
    if (!g) {
        *err = strdup("内存不足");
        return STORE_ERROR;
    }
    g->rng.state = seed;
    g->password_hash = hash;
    g->db = store_acquire(s);
    int rc = db_begin(g->db);
    if (rc != STORE_OK)
        demo_fail(g, "开始事务", rc, NULL);
    else /* fresh statistics let the planner pick the scope index */
        rc = demo_gen_commit(g->db, demo_all(g, seed, counties), g->err, sizeof g->err);
    if (rc != STORE_OK && !g->err[0])
        demo_fail(g, "生成", rc, NULL);
    if (rc != STORE_OK)
        *err = strdup(g->err);
    store_release(s, g->db);
    free(g);
    return rc;
}

/* ----------------------------------------------------------------- logins */

/* Print text left-aligned in width terminal columns (CJK counts two). */
static void demo_cell(const char *text, int width)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p & 0xC0) != 0x80)
            cols += *p >= 0xE0 ? 2 : 1;
    fputs(text, stdout);
    for (; cols < width; cols++)
        putchar(' ');
}

void demo_print_logins(store *s, int port)
{
    store_db *db = store_acquire(s);
    json_t *rows = NULL;
    int rc = db_query(db,
                      "SELECT u.username, u.role, d.name AS dept_name, o.name AS scope_name, "
                      "sc.name AS school_name FROM users u "
                      "LEFT JOIN departments d ON d.id = u.dept_id "
                      "JOIN org_units o ON o.id = u.scope_org_id "
                      "LEFT JOIN schools sc ON sc.id = u.school_id "
                      "WHERE u.school_id IS NULL "
                      "OR sc.name IN ('长葛市第一高级中学', '长葛市大周镇中心小学', '长葛市实验幼儿园') "
                      "ORDER BY u.school_id IS NOT NULL, u.id",
                      NULL, 0, &rows);
    store_release(s, db);
    if (rc != STORE_OK) {
        fprintf(stderr, "无法读取演示账号\n");
        return;
    }
    printf("\n演示账号（密码均为 %s，无需首次改密）：\n\n", DEMO_PASSWORD);
    printf("  ");
    demo_cell("用户名", 16);
    demo_cell("角色", 14);
    printf("范围\n");
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *role = json_string_value(json_object_get(row, "role"));
        const char *dept = json_string_value(json_object_get(row, "dept_name"));
        const char *school = json_string_value(json_object_get(row, "school_name"));
        char label[64];
        if (dept)
            snprintf(label, sizeof label, "%s", dept);
        else
            snprintf(label, sizeof label, "%s", access_role_label(role) ? access_role_label(role) : role);
        printf("  ");
        demo_cell(json_string_value(json_object_get(row, "username")), 16);
        demo_cell(label, 14);
        printf("%s\n", school ? school : json_string_value(json_object_get(row, "scope_name")));
    }
    printf("  （学校管理员每所学校一个：s+学校标识码）\n\n");
    if (port > 0)
        printf("打开 http://127.0.0.1:%d\n\n", port);
    fflush(stdout);
    json_decref(rows);
}
