/*
 * safety_demo.c - the demo county's safety work of 2021 and 2022 (see
 * safety_demo.h), and the hazard catalogue the benchmark shares.
 *
 * The county (safety_demo_generate), from the seed and our own PRNG
 * (demo_gen.h, a stream apart from demo.c's so the schools do not change):
 *   - inspections (排查) by the bureau: 节前 before 春节 and 国庆, 开学,
 *     日常 each term, 专项 for 防溺水 and 消防, 汛期 in June and after the
 *     "7·20" rainstorm, and four in 2022; each covers every school open on
 *     its date, with a result per school;
 *   - exactly 879 hazards found and closed in 2021 at 350+ schools, about
 *     2.5% 重大, each through the whole loop (登记 → 开始整改 → 提交验收
 *     → 销号, some 退回 once), then 40-60 hazards of 2022 left open in
 *     every open state, 2-3 of them 重大 and overdue;
 *   - activities of 2021 (安全教育, 应急演练, 安防器材, 灭火器, 维修 at
 *     exactly 38 schools, 宣传版面) and vaccination for period 2021-12;
 *   - the work of 2022 January-September, at 2021's pace, so that the
 *     demo plan's live targets (plan_demo.c, status on 30 September) read
 *     real figures: 520-580 more hazards found in 2022 and taken through
 *     the whole loop to 销号 by 29 September, and the activities of those
 *     months (sd_year_2022: 630-680 drills, one at every school in the
 *     spring term). They draw from a PRNG stream of their own (sd_swap)
 *     and are inserted after everything else, so the records above are
 *     the same, row for row and id for id, as without them.
 * Hazards go through hazards_create / hazards_transition (u = NULL, no
 * per-row audit, the simulated dates); each step is then attributed to the
 * user who would have taken it (the school's 学校管理员; the 安全稳定股 user
 * verifies and closes 重大). Inspections, activities and vaccinations are
 * plain INSERTs, one helper per table. One summary audit row per kind.
 *
 * The hazard catalogue (categories, their weights, the templates of what a
 * hazard says) is shared with the benchmark, safety_bulk.c.
 */
#include "domain/safety_demo.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "domain/hazards.h"
#include "domain/org.h"
#include "domain/safety_counts.h"
#include "io/filestore.h"

#define SD_HAZARDS_2021 879
#define SD_MIN_SCHOOLS 351 /* "350余所" */
#define SD_REPAIRED 38
#define SD_END_2022 "2022-09-29" /* the 2022 work closed before the plan's 30 Sep */
#define SD_CLOSED_2022_LO 520
#define SD_CLOSED_2022_HI 580

/* ------------------------------------------------------------ categories */

enum {
    C_FIRE,
    C_BUILDING,
    C_FOOD,
    C_LAB,
    C_TRAFFIC,
    C_CROWD,
    C_SPECIAL,
    C_UTIL,
    C_DROWN,
    C_AROUND,
    C_OTHER
};
_Static_assert(C_OTHER + 1 == SAFETY_DEMO_CATS, "one name and weight per category");
const char *const safety_demo_cat_names[SAFETY_DEMO_CATS] = {
    "消防",     "校舍",   "食品",     "实验实训", "校车与校园交通", "拥挤踩踏", "特种设备",
    "水电气热", "防溺水", "周边环境", "其他"};
/* Percent of the hazards found: 消防 and 校舍 most, then 水电气热, 食品. */
static const int sd_cat_weight[SAFETY_DEMO_CATS] = {27, 22, 9, 4, 5, 3, 3, 14, 4, 7, 2};
#define CB(c) (1u << (c))
#define C_ALL ((1u << SAFETY_DEMO_CATS) - 1)

const safety_demo_template safety_demo_templates[] = {
    {C_FIRE, 0, "部分灭火器压力不足，已超过检验有效期", "教学楼一至三层走廊",
     "更换、充装过期灭火器，建立灭火器月检登记制度", "调配备用灭火器临时补位", 200, 1500},
    {C_FIRE, 0, "安全出口疏散指示标志损坏不亮，应急照明灯失效", "学生宿舍楼",
     "更换疏散指示标志和应急照明灯，每月检测一次", "安排宿管员夜间巡查，保持疏散通道畅通", 300,
     2500},
    {C_FIRE, 0, "消防通道堆放杂物，通道宽度不足", "食堂东侧消防通道",
     "清理杂物，施划禁停标线，设置警示牌", "安排专人值守，临时拉设警戒线", 0, 600},
    {C_FIRE, 0, "室内消火栓水压不足，水带老化", "综合楼", "维修消防给水管网，更换水带和水枪",
     "增配推车式灭火器", 1500, 8000},
    {C_FIRE, 0, "电动车在楼道内停放充电，存在火灾隐患", "教师周转宿舍楼道",
     "建设集中充电车棚，严禁在楼道内充电", "张贴禁令，值班人员每日检查", 3000, 15000},
    {C_FIRE, 0, "厨房油烟管道油垢较厚，未定期清洗", "学校食堂后厨",
     "委托专业公司清洗油烟管道，建立清洗台账", "暂停使用油炸设备", 800, 3000},
    {C_FIRE, 0, "微型消防站器材配备不全", "门卫室", "补齐消防头盔、灭火防护服、破拆工具等器材",
     NULL, 1000, 4000},
    {C_FIRE, 1, "学生宿舍楼仅有一个安全出口，未设置自动喷水灭火系统", "学生宿舍楼",
     "增设第二安全出口和自动喷水灭火系统，经消防部门验收", "减少住宿人数，夜间双人值班巡查", 80000,
     300000},
    {C_BUILDING, 0, "教室墙体出现裂缝，墙皮脱落", "老教学楼二楼", "请有资质单位鉴定后修缮加固",
     "停用相关教室，设置警戒线", 3000, 30000},
    {C_BUILDING, 0, "围墙局部倾斜，存在倒塌风险", "学校西侧围墙", "拆除重建倾斜段围墙",
     "设置警戒区，禁止学生靠近", 8000, 60000},
    {C_BUILDING, 0, "楼梯扶手松动，栏杆高度不足", "教学楼楼梯间", "加固扶手，栏杆加高至1.1米以上",
     "张贴警示标识，课间安排教师值守", 1000, 8000},
    {C_BUILDING, 0, "屋面防水层老化，雨天渗漏", "办公楼顶层", "重做屋面防水层", "雨天停用渗漏房间",
     5000, 40000},
    {C_BUILDING, 0, "学生厕所地面破损湿滑，隔墙开裂", "学生厕所", "修补地面并做防滑处理，重砌隔墙",
     "放置防滑警示牌，安排专人打扫", 2000, 15000},
    {C_BUILDING, 0, "校门立柱松动，电动伸缩门轨道损坏", "学校大门", "加固立柱，维修更换伸缩门",
     "门卫人工管理出入", 2000, 20000},
    {C_BUILDING, 1, "教学楼经鉴定为C级危房，局部承重墙开裂", "老教学楼",
     "停止使用，按危房改造程序拆除重建", "学生全部迁出，设置隔离围挡", 150000, 900000},
    {C_BUILDING, 1, "围墙受暴雨冲刷大面积倾斜，随时可能倒塌", "学校东侧围墙",
     "拆除危险段围墙，重新砌筑并设置排水沟", "设置隔离围挡和警示标志，安排专人看护", 30000, 120000},
    {C_FOOD, 0, "部分食堂从业人员健康证过期", "学校食堂", "组织从业人员体检，办理健康证",
     "健康证过期人员暂停上岗", 0, 800},
    {C_FOOD, 0, "食品留样不足125克，留样记录不全", "食堂留样间", "配备留样专用冰箱，规范留样和记录",
     NULL, 200, 1500},
    {C_FOOD, 0, "原料进货查验记录不全，索证索票不规范", "食堂库房",
     "规范进货查验记录，落实索证索票", "暂停向无资质供货商采购", 0, 300},
    {C_FOOD, 0, "库房食品未离地离墙存放，防鼠设施缺失", "食堂库房", "增设货架和挡鼠板", NULL, 500,
     3000},
    {C_FOOD, 0, "消毒柜损坏，餐具消毒记录缺失", "食堂洗消间", "更换消毒柜，落实消毒记录",
     "临时采用煮沸消毒", 1500, 5000},
    {C_LAB, 0, "危险化学品未落实双人双锁管理", "化学实验室药品室",
     "更换双人双锁药品柜，建立出入库台账", NULL, 2000, 8000},
    {C_LAB, 0, "实验室通风橱损坏，缺少紧急洗眼器", "化学实验室", "维修通风橱，安装紧急洗眼器",
     "暂停相关实验", 3000, 12000},
    {C_LAB, 0, "废液未分类收集处置", "实验室", "配置废液收集桶，委托有资质单位处置", NULL, 500,
     3000},
    {C_TRAFFIC, 0, "校门口缺少减速带和交通警示标志", "学校大门外道路",
     "协调交管部门设置减速带和警示标志", "上下学时段安排护学岗值守", 1000, 6000},
    {C_TRAFFIC, 0, "接送车辆乱停乱放，校门口拥堵", "学校门口", "联合交警划定临时停车区，错峰放学",
     NULL, 0, 2000},
    {C_TRAFFIC, 0, "校车安全锤、灭火器配备不全", "校车", "补齐安全锤和灭火器，张贴乘车安全须知",
     NULL, 200, 1000},
    {C_CROWD, 0, "楼梯间照明灯损坏，光线昏暗", "教学楼东楼梯", "更换照明灯具，加装应急照明",
     "课间安排教师在楼梯口值守", 300, 2000},
    {C_CROWD, 0, "上下楼未落实错峰疏导", "教学楼楼梯", "制定错峰放学方案，划分上下行线", NULL, 0,
     500},
    {C_CROWD, 0, "楼梯台阶防滑条脱落", "宿舍楼楼梯", "更换防滑条", NULL, 300, 1500},
    {C_SPECIAL, 0, "锅炉压力表、安全阀超期未检", "锅炉房", "送检压力表和安全阀", "停炉待检", 500,
     3000},
    {C_SPECIAL, 0, "电梯年度检验超期", "综合楼电梯", "联系特种设备检验机构完成年度检验",
     "电梯停止运行", 1500, 5000},
    {C_SPECIAL, 0, "食堂蒸饭柜等压力容器未办理使用登记", "学校食堂", "办理使用登记并定期检验", NULL,
     500, 2000},
    {C_SPECIAL, 1, "锅炉房与学生宿舍相邻，锅炉超期未检仍在使用", "锅炉房",
     "停用燃煤锅炉，改用空气能热泵供暖", "立即停炉，临时使用电暖设备", 60000, 250000},
    {C_UTIL, 0, "配电箱未加锁，线路私拉乱接", "教学楼配电间", "规范敷设线路，配电箱加锁并张贴警示",
     NULL, 500, 4000},
    {C_UTIL, 0, "燃气管道老化，未安装燃气泄漏报警装置", "食堂操作间",
     "更换燃气管道，安装泄漏报警和自动切断装置", "每日班前班后检查阀门", 2000, 12000},
    {C_UTIL, 0, "教室插座老化，漏电保护器失灵", "教室", "更换插座和漏电保护器", NULL, 300, 2500},
    {C_UTIL, 0, "取暖设施未加装防护罩", "幼儿活动室", "加装防护罩", NULL, 300, 1500},
    {C_UTIL, 0, "供水管道锈蚀渗漏，饮水设备未定期清洗消毒", "教学楼饮水点",
     "更换管道，定期清洗消毒饮水设备并公示", NULL, 800, 5000},
    {C_DROWN, 0, "学校周边坑塘未设置警示标志和防护栏", "学校南侧坑塘",
     "协调村委会设置警示牌和防护栏", "开展防溺水专题教育，安排人员巡查", 500, 5000},
    {C_DROWN, 0, "防溺水安全告知书未全覆盖", "学校", "补发《致家长的一封信》并回收回执", NULL, 0,
     300},
    {C_DROWN, 0, "附近河道沿岸救生器材缺失", "学校附近河道", "协调配置救生圈、救生杆和警示牌", NULL,
     500, 2000},
    {C_DROWN, 1, "学生上学必经河道暴雨后水位上涨，无防护设施", "学校北侧河道",
     "协调水利部门修建防护栏，设置警示标志", "安排教师和家长护送学生绕行", 20000, 80000},
    {C_AROUND, 0, "校园周边200米内有流动摊点", "学校门口", "联合市场监管、城管部门清理", NULL, 0,
     500},
    {C_AROUND, 0, "学校周边网吧接纳未成年人", "学校周边", "函告文化执法部门查处", NULL, 0, 0},
    {C_AROUND, 0, "校园周边施工工地未封闭", "学校北侧", "协调施工方设置围挡",
     "放学时段安排教师护送", 0, 1000},
    {C_AROUND, 1, "高压线从校园上空穿过，距教学楼不足安全距离", "操场上空", "协调供电公司迁改线路",
     "划定禁入区域，设置警示标志", 50000, 200000},
    {C_OTHER, 0, "门卫室一键报警装置未与公安联网", "门卫室", "接入公安110联网报警平台", NULL, 500,
     3000},
    {C_OTHER, 0, "监控摄像头部分损坏，存在监控盲区", "校园", "更换维修摄像头，消除监控盲区",
     "加强人防巡逻", 1000, 8000},
    {C_OTHER, 0, "安全管理制度和隐患排查台账不健全", "学校", "完善安全管理制度和排查台账", NULL, 0,
     0},
};

const char *const safety_demo_return_reasons[SAFETY_DEMO_RETURN_REASONS] = {
    "整改不到位，现场复查仍存在问题，请继续整改",
    "整改资料不全，缺少整改前后对比照片，请补充后重新提交",
    "隐患未彻底消除，请按整改方案完成全部整改内容",
    "验收发现同类问题仍然存在，请一并整改后再提交",
};
static const char *const sd_surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "郑", "梁", "宋", "许", "韩", "冯", "曹", "田", "董", "袁", "于"};
static const char *const sd_given[] = {"建", "国", "明", "华", "伟", "军", "红", "丽", "敏", "静",
                                       "磊", "强", "勇", "艳", "杰", "娟", "涛", "霞", "平", "刚",
                                       "英", "芳", "鹏", "辉", "斌", "浩", "凯", "晓", "志", "峰"};
const demo_names safety_demo_people = {sd_surnames, DEMO_COUNT(sd_surnames), sd_given,
                                       DEMO_COUNT(sd_given)};
static const char *const sd_posts[] = {"总务主任", "后勤主任", "安全办主任", "副校长"};

/* ------------------------------------------------------------- catalogue */

int safety_demo_draw_cat(demo_rng *r)
{
    int n = demo_rng_range(r, 1, 100), c = 0;
    while (c < SAFETY_DEMO_CATS - 1 && n > sd_cat_weight[c])
        n -= sd_cat_weight[c++];
    return c;
}

int safety_demo_template_pick(demo_rng *r, int cat, int major)
{
    int n = 0;
    for (int i = 0; i < DEMO_COUNT(safety_demo_templates); i++)
        n += safety_demo_templates[i].cat == cat && safety_demo_templates[i].major == major;
    if (n == 0)
        return major ? safety_demo_template_pick(r, cat, 0) : 0;
    int k = demo_rng_range(r, 0, n - 1);
    for (int i = 0; i < DEMO_COUNT(safety_demo_templates); i++)
        if (safety_demo_templates[i].cat == cat && safety_demo_templates[i].major == major &&
            k-- == 0)
            return i;
    return 0;
}

int safety_demo_major_cat(int cat)
{
    for (int i = 0; i < DEMO_COUNT(safety_demo_templates); i++)
        if (safety_demo_templates[i].cat == cat && safety_demo_templates[i].major)
            return 1;
    return 0;
}

int safety_demo_cat_ids(store_db *db, int64_t ids[SAFETY_DEMO_CATS], char *err, size_t err_size)
{
    for (int c = 0; c < SAFETY_DEMO_CATS; c++) {
        sval n[] = {SV_T(safety_demo_cat_names[c])};
        int rc = db_query_int(db, "SELECT id FROM hazard_categories WHERE name = ?", n, 1, &ids[c]);
        if (rc != STORE_OK)
            return demo_gen_fail(db, err, err_size, safety_demo_cat_names[c], rc, NULL);
    }
    return STORE_OK;
}

/* ----------------------------------------------------------- inspections */

typedef struct sd_inspection_def {
    const char *name;
    const char *kind;
    const char *on_date;
    unsigned cats; /* checklist categories, bits of C_* */
    const char *note;
} sd_inspection_def;

static const sd_inspection_def sd_inspection_defs[] = {
    {"2021年春节前校园安全大检查", "节前", "2021-01-25",
     CB(C_FIRE) | CB(C_BUILDING) | CB(C_FOOD) | CB(C_UTIL),
     "寒假前全覆盖检查，重点消防、用电、燃气"},
    {"2021年春季开学安全检查", "开学", "2021-02-26",
     CB(C_BUILDING) | CB(C_FOOD) | CB(C_TRAFFIC) | CB(C_FIRE) | CB(C_CROWD), NULL},
    {"2021年春季学期安全隐患日常排查", "日常", "2021-04-12", C_ALL, NULL},
    {"2021年防溺水专项排查", "专项", "2021-05-10", CB(C_DROWN) | CB(C_AROUND),
     "学校周边坑塘、河道逐一排查"},
    {"2021年汛期校园安全隐患排查", "汛期", "2021-06-15",
     CB(C_BUILDING) | CB(C_UTIL) | CB(C_DROWN) | CB(C_AROUND), NULL},
    {"“7·20”特大暴雨灾后校舍安全排查", "汛期", "2021-07-26",
     CB(C_BUILDING) | CB(C_UTIL) | CB(C_AROUND), "灾后逐校排查校舍、围墙、厕所和供电设施"},
    {"2021年秋季开学安全检查", "开学", "2021-08-30",
     CB(C_BUILDING) | CB(C_FOOD) | CB(C_TRAFFIC) | CB(C_FIRE) | CB(C_CROWD) | CB(C_LAB), NULL},
    {"2021年国庆节前安全检查", "节前", "2021-09-24",
     CB(C_FIRE) | CB(C_FOOD) | CB(C_UTIL) | CB(C_SPECIAL), NULL},
    {"2021年秋季学期安全隐患日常排查", "日常", "2021-10-18", C_ALL, NULL},
    {"2021年冬季消防安全专项排查", "专项", "2021-11-09", CB(C_FIRE) | CB(C_SPECIAL) | CB(C_UTIL),
     "“119”消防宣传月专项行动"},
    {"2022年春季开学安全检查", "开学", "2022-02-14",
     CB(C_BUILDING) | CB(C_FOOD) | CB(C_TRAFFIC) | CB(C_FIRE) | CB(C_CROWD), NULL},
    {"2022年防溺水专项排查", "专项", "2022-05-09", CB(C_DROWN) | CB(C_AROUND), NULL},
    {"2022年汛期校园安全隐患排查", "汛期", "2022-06-13",
     CB(C_BUILDING) | CB(C_UTIL) | CB(C_DROWN) | CB(C_AROUND), NULL},
    {"2022年国庆节前安全检查", "节前", "2022-09-26",
     CB(C_FIRE) | CB(C_FOOD) | CB(C_UTIL) | CB(C_SPECIAL), NULL},
};
#define SD_INSPECTIONS DEMO_COUNT(sd_inspection_defs)

/* ------------------------------------------------------------- generator */

typedef struct sd_school {
    int64_t id;
    char path[64];
    char code[16];
    char name[128];
    char type[40];
    char area[16];
    char head[32];
    int64_t closed;  /* day of 撤并/停办, 0 while open */
    int64_t user_id; /* its 学校管理员, 0 when none */
    char username[48];
    int pupils, staff;
    int planned; /* hazards to find in 2021; -1 none */
} sd_school;

/* One hazard to make: where, what, when, and how far it goes. */
typedef struct sd_hazard {
    int school;
    int inspection; /* index into sd_inspection_defs, -1 found by the school */
    int cat;
    int major;
    int tmpl;
    int64_t found;
} sd_hazard;

enum { SD_REGISTERED, SD_RECTIFYING, SD_CHECKING, SD_CLOSED };

typedef struct sd_gen {
    store_db *db;
    demo_rng rng;      /* the stream drawn from */
    demo_rng rng_2022; /* 2022's closed hazards and activities (sd_swap) */
    uint64_t seed;
    char *err;
    size_t err_size;
    int64_t county_id;
    char county_path[64];
    char county_name[64];
    sd_school *schools;
    int nschools;
    int64_t verifier_id; /* the 安全稳定股 user */
    char verifier[48];
    int64_t cat_ids[SAFETY_DEMO_CATS];
    int64_t inspection_ids[SD_INSPECTIONS];
    int *found_at; /* [inspection * nschools + school]: hazards found there */
    char photo_before[FILESTORE_HASH_HEX + 1];
    char photo_after[FILESTORE_HASH_HEX + 1];
    long hazards, steps, photos, inspections, inspection_rows, activities, vaccinations;
} sd_gen;

static int sd_fail(sd_gen *g, const char *what, int rc, const refusal *e)
{
    return demo_gen_fail(g->db, g->err, g->err_size, what, rc, e);
}

static void sd_person(demo_rng *r, char *out, size_t size)
{
    demo_gen_person(r, &safety_demo_people, out, size);
}

/* A text parameter from a local buffer (SV_T tests its argument). */
static sval sd_sv(const char *s)
{
    return SV_T(s);
}

static void sd_copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

/* Pupils and staff by type and area: participants and vaccination. */
static void sd_size(demo_rng *r, sd_school *s)
{
    static const struct {
        const char *type;
        int p_lo, p_hi, s_lo, s_hi;
    } sizes[] = {
        {"高级中学", 1800, 4200, 150, 320},
        {"完全中学", 1200, 2600, 100, 200},
        {"十二年一贯制学校", 1500, 3000, 120, 220},
        {"九年一贯制学校", 500, 1600, 45, 110},
        {"初中", 500, 1800, 45, 130},
        {"中等职业学校", 1200, 3500, 90, 200},
        {"特殊教育学校", 80, 200, 30, 50},
        {"教学点", 15, 60, 2, 5},
        {"幼儿园", 60, 420, 8, 35},
    };
    for (int i = 0; i < DEMO_COUNT(sizes); i++)
        if (strcmp(s->type, sizes[i].type) == 0) {
            s->pupils = demo_rng_range(r, sizes[i].p_lo, sizes[i].p_hi);
            s->staff = demo_rng_range(r, sizes[i].s_lo, sizes[i].s_hi);
            return;
        }
    if (strcmp(s->area, "城区") == 0) { /* 小学 and anything else */
        s->pupils = demo_rng_range(r, 1200, 3000);
        s->staff = demo_rng_range(r, 70, 150);
    } else if (strcmp(s->area, "镇区") == 0) {
        s->pupils = demo_rng_range(r, 600, 1500);
        s->staff = demo_rng_range(r, 35, 80);
    } else {
        s->pupils = demo_rng_range(r, 100, 450);
        s->staff = demo_rng_range(r, 8, 30);
    }
}

static int sd_secondary(const sd_school *s)
{
    static const char *const types[] = {"高级中学",       "完全中学",         "初中",
                                        "九年一贯制学校", "十二年一贯制学校", "中等职业学校"};
    for (int i = 0; i < DEMO_COUNT(types); i++)
        if (strcmp(s->type, types[i]) == 0)
            return 1;
    return 0;
}

static int sd_kindergarten(const sd_school *s)
{
    return strcmp(s->type, "幼儿园") == 0;
}

/* The county, its schools with their 学校管理员, the 安全稳定股 user and
 * the category ids. */
static int sd_load(sd_gen *g)
{
    json_t *row = NULL, *rows = NULL;
    sval p[] = {SV_I(g->county_id)};
    int rc = db_query_one(g->db, "SELECT name, path FROM org_units WHERE id = ?", p, 1, &row);
    if (rc != STORE_OK)
        return sd_fail(g, "读取县", rc, NULL);
    sd_copy(g->county_name, sizeof g->county_name, demo_gen_text(row, "name"));
    sd_copy(g->county_path, sizeof g->county_path, demo_gen_text(row, "path"));
    json_decref(row);

    g->schools = demo_gen_county_schools(
        g->db, g->county_path,
        "SELECT s.id, s.path, s.code, s.name, s.type, s.area, s.head, s.closed_on, "
        "u.id AS user_id, u.username FROM schools s "
        "LEFT JOIN users u ON u.school_id = s.id AND u.role = ? "
        "WHERE s.path >= ? AND s.path < ? ORDER BY s.id, u.id",
        sizeof *g->schools, &rows, g->err, g->err_size);
    if (!g->schools)
        return STORE_ERROR;
    size_t i;
    json_array_foreach(rows, i, row)
    {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        if (g->nschools > 0 && g->schools[g->nschools - 1].id == id)
            continue; /* a second 学校管理员 */
        sd_school *s = &g->schools[g->nschools++];
        s->id = id;
        sd_copy(s->path, sizeof s->path, demo_gen_text(row, "path"));
        sd_copy(s->code, sizeof s->code, demo_gen_text(row, "code"));
        sd_copy(s->name, sizeof s->name, demo_gen_text(row, "name"));
        sd_copy(s->type, sizeof s->type, demo_gen_text(row, "type"));
        sd_copy(s->area, sizeof s->area, demo_gen_text(row, "area"));
        sd_copy(s->head, sizeof s->head, demo_gen_text(row, "head"));
        const char *closed = demo_gen_text(row, "closed_on");
        s->closed = *closed ? demo_gen_day(closed) : 0;
        s->user_id = json_integer_value(json_object_get(row, "user_id"));
        if (json_is_string(json_object_get(row, "username")))
            sd_copy(s->username, sizeof s->username, demo_gen_text(row, "username"));
        else
            snprintf(s->username, sizeof s->username, "s%s", s->code);
        sd_size(&g->rng, s);
    }
    json_decref(rows);

    /* The verifier: a user of a department whose modules include safety. */
    sval v[] = {SV_I(g->county_id), SV_T(ROLE_DEPT)};
    rc = db_query_one(
        g->db,
        "SELECT u.id, u.username FROM users u JOIN departments d ON d.id = u.dept_id "
        "WHERE d.org_id = ? AND u.role = ? AND (',' || d.modules || ',') LIKE '%,safety,%' "
        "ORDER BY u.id",
        v, 2, &row);
    if (rc == STORE_OK) {
        g->verifier_id = json_integer_value(json_object_get(row, "id"));
        sd_copy(g->verifier, sizeof g->verifier, demo_gen_text(row, "username"));
        json_decref(row);
    } else if (rc == STORE_NOTFOUND) {
        sd_copy(g->verifier, sizeof g->verifier, "安全稳定股");
    } else {
        return sd_fail(g, "读取安全稳定股用户", rc, NULL);
    }

    return safety_demo_cat_ids(g->db, g->cat_ids, g->err, g->err_size);
}

/* ------------------------------------------------------------- the photos */

static void sd_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Append one PNG chunk at *p. */
static void sd_chunk(unsigned char **p, const char *type, const unsigned char *data, uint32_t n)
{
    sd_be32(*p, n);
    memcpy(*p + 4, type, 4);
    if (n)
        memcpy(*p + 8, data, n);
    uLong crc = crc32(0L, (const Bytef *)*p + 4, 4 + n);
    sd_be32(*p + 8 + n, (uint32_t)crc);
    *p += 12 + n;
}

/* A 320x240 placeholder photo: a wall with a crack (before) or repaired
 * with a green band (after). Malloced PNG bytes, NULL when out of memory. */
static unsigned char *sd_png(int before, size_t *len)
{
    enum { W = 320, H = 240 };
    size_t raw_len = (size_t)H * (1 + W * 3);
    uLongf zlen = compressBound((uLong)raw_len);
    unsigned char *raw = malloc(raw_len), *z = malloc(zlen), *out = malloc(zlen + 64);
    if (!raw || !z || !out)
        goto fail;
    for (int y = 0; y < H; y++) {
        unsigned char *row = raw + (size_t)y * (1 + W * 3);
        row[0] = 0;
        for (int x = 0; x < W; x++) {
            unsigned char c[3] = {196, 212, 228}; /* sky */
            if (y >= H / 3)
                memcpy(c,
                       before ? (unsigned char[3]){150, 138, 124}
                              : (unsigned char[3]){226, 224, 212},
                       3);
            int crack = 120 + (y - H / 3) / 2 + ((y / 12) % 2 ? 6 : -6);
            if (before && y >= H / 3 && abs(x - crack) < 2)
                memcpy(c, (unsigned char[3]){60, 50, 44}, 3);
            if (!before && y >= H - 30)
                memcpy(c, (unsigned char[3]){76, 160, 96}, 3);
            memcpy(row + 1 + x * 3, c, 3);
        }
    }
    if (compress2(z, &zlen, raw, (uLong)raw_len, 9) != Z_OK)
        goto fail;
    unsigned char ihdr[13] = {0};
    sd_be32(ihdr, W);
    sd_be32(ihdr + 4, H);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 2; /* truecolour */
    unsigned char *p = out;
    memcpy(p, "\x89PNG\r\n\x1a\n", 8);
    p += 8;
    sd_chunk(&p, "IHDR", ihdr, sizeof ihdr);
    sd_chunk(&p, "IDAT", z, (uint32_t)zlen);
    sd_chunk(&p, "IEND", NULL, 0);
    *len = (size_t)(p - out);
    free(raw);
    free(z);
    return out;
fail:
    free(raw);
    free(z);
    free(out);
    return NULL;
}

/* Store one placeholder photo (in the file store when it is set up) and
 * its files row; hash gets its name. */
static int sd_photo_file(sd_gen *g, int before, char *hash)
{
    size_t len = 0;
    unsigned char *png = sd_png(before, &len);
    if (!png)
        return sd_fail(g, "生成图片", STORE_ERROR, NULL);
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, png, len, NULL, 0);
    sodium_bin2hex(hash, FILESTORE_HASH_HEX + 1, digest, sizeof digest);
    const char *dir = filestore_dir();
    if (dir && *dir && filestore_put(png, len, hash) != 0) {
        free(png);
        snprintf(g->err, g->err_size, "无法保存图片到 %s", dir);
        return STORE_ERROR;
    }
    free(png);
    sval p[] = {SV_T(hash), SV_T("image/png"), SV_I((int64_t)len), SV_I(demo_gen_day("2021-01-04")),
                SV_T(hash)};
    int rc = db_exec(g->db,
                     "INSERT INTO files (hash, mime, size, created_at) SELECT ?, ?, ?, ? "
                     "WHERE NOT EXISTS (SELECT 1 FROM files WHERE hash = ?)",
                     p, 5);
    return rc == STORE_OK ? STORE_OK : sd_fail(g, "图片", rc, NULL);
}

static int sd_photo(sd_gen *g, int64_t hazard_id, int64_t step_id, int before, int64_t user_id,
                    int64_t at)
{
    sval p[] = {SV_I(hazard_id),
                SV_I(step_id),
                SV_T(before ? g->photo_before : g->photo_after),
                SV_T(before ? "整改前" : "整改后"),
                SV_T(before ? "整改前.png" : "整改后.png"),
                user_id ? SV_I(user_id) : SV_NUL,
                SV_I(at)};
    int rc =
        db_exec(g->db,
                "INSERT INTO hazard_photos (hazard_id, step_id, hash, kind, name, user_id, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                p, 7);
    if (rc != STORE_OK)
        return sd_fail(g, "隐患照片", rc, NULL);
    g->photos++;
    return STORE_OK;
}

/* -------------------------------------------------------------- the plan */

/* A category for a school of s's kind, by the weights. */
static int sd_pick_cat(demo_rng *r, const sd_school *s)
{
    for (;;) {
        int c = safety_demo_draw_cat(r);
        if (c == C_LAB && !sd_secondary(s))
            continue;
        if ((c == C_FOOD || c == C_SPECIAL) && strcmp(s->type, "教学点") == 0)
            continue;
        return c;
    }
}

static int sd_open_on(const sd_school *s, int64_t day)
{
    return s->closed == 0 || s->closed > day;
}

/* When and in which inspection h was found, in year (2021 or 2022) by
 * until ("MM-DD"): in inspected percent of the cases in an inspection of
 * that year that looked at its category, the rest by the school itself.
 * Counts the finding in g->found_at. */
static void sd_find(sd_gen *g, sd_hazard *h, int year, const char *until_md, int inspected)
{
    char last[11];
    snprintf(last, sizeof last, "%d-%s", year, until_md);
    int64_t limit = demo_gen_day(last);
    const sd_school *s = &g->schools[h->school];
    if (s->closed && s->closed - 40 * DEMO_GEN_DAY < limit) /* closed by its 撤并 */
        limit = s->closed - 40 * DEMO_GEN_DAY;
    int candidates[SD_INSPECTIONS], n = 0;
    for (int i = 0; i < SD_INSPECTIONS; i++) {
        const sd_inspection_def *d = &sd_inspection_defs[i];
        int64_t on = demo_gen_day(d->on_date);
        if (strncmp(d->on_date, last, 4) == 0 && on <= limit && (d->cats & CB(h->cat)))
            candidates[n++] = i;
    }
    h->inspection = -1;
    if (n > 0 && demo_rng_chance(&g->rng, inspected)) {
        h->inspection = candidates[demo_rng_range(&g->rng, 0, n - 1)];
        h->found = demo_gen_day(sd_inspection_defs[h->inspection].on_date) +
                   demo_rng_range(&g->rng, 0, 6) * DEMO_GEN_DAY;
        g->found_at[h->inspection * g->nschools + h->school]++;
    } else {
        char first[11], until[11];
        snprintf(first, sizeof first, "%d-01-04", year);
        demo_gen_date(limit, until);
        h->found = demo_gen_between(&g->rng, first, until);
    }
}

static int sd_by_found(const void *a, const void *b)
{
    const sd_hazard *x = a, *y = b;
    if (x->found != y->found)
        return x->found < y->found ? -1 : 1;
    return x->school - y->school;
}

/* Open long enough in 2021 to have found and closed a hazard there. */
static int sd_in_2021(const sd_school *s)
{
    return s->closed == 0 || s->closed >= demo_gen_day("2021-04-01");
}

/* The 879 hazards of 2021: one at each of 350+ schools open in 2021 (those
 * 撤并 during the year before it), the rest at the open ones, more where
 * the schools are bigger (at most 4, or 6 for a big school), about 2.5%
 * 重大. hz holds SD_HAZARDS_2021. */
static void sd_plan_2021(sd_gen *g, sd_hazard *hz)
{
    int open = 0;
    for (int i = 0; i < g->nschools; i++)
        open += sd_in_2021(&g->schools[i]);
    int distinct = open - demo_rng_range(&g->rng, 2, 6);
    if (distinct < SD_MIN_SCHOOLS)
        distinct = open < SD_MIN_SCHOOLS ? open : SD_MIN_SCHOOLS;
    for (int i = 0; i < g->nschools; i++)
        g->schools[i].planned = sd_in_2021(&g->schools[i]) ? 1 : -1;
    for (int left = open - distinct; left > 0;) {
        sd_school *s = &g->schools[demo_rng_range(&g->rng, 0, g->nschools - 1)];
        if (s->planned == 1) {
            s->planned = 0;
            left--;
        }
    }
    for (int extra = SD_HAZARDS_2021 - distinct; extra > 0;) {
        sd_school *s = &g->schools[demo_rng_range(&g->rng, 0, g->nschools - 1)];
        int weight = 1 + s->pupils / 400, cap = s->pupils >= 1000 ? 6 : 4;
        if (s->planned < 1 || s->closed || s->planned >= cap ||
            demo_rng_range(&g->rng, 1, 8) > weight)
            continue;
        s->planned++;
        extra--;
    }
    int n = 0;
    for (int i = 0; i < g->nschools; i++)
        for (int k = 0; k < g->schools[i].planned && n < SD_HAZARDS_2021; k++) {
            hz[n].school = i;
            hz[n].cat = sd_pick_cat(&g->rng, &g->schools[i]);
            n++;
        }
    for (int majors = demo_rng_range(&g->rng, 20, 26); majors > 0;) {
        sd_hazard *h = &hz[demo_rng_range(&g->rng, 0, SD_HAZARDS_2021 - 1)];
        if (!h->major && safety_demo_major_cat(h->cat)) {
            h->major = 1;
            majors--;
        }
    }
    for (int i = 0; i < SD_HAZARDS_2021; i++) {
        hz[i].tmpl = safety_demo_template_pick(&g->rng, hz[i].cat, hz[i].major);
        sd_find(g, &hz[i], 2021, "12-05", 80);
    }
    qsort(hz, SD_HAZARDS_2021, sizeof *hz, sd_by_found);
}

/* ------------------------------------------------------------ inspections */

static int sd_insert_inspection(sd_gen *g, const sd_inspection_def *d, int64_t *id)
{
    char cats[64] = "";
    size_t used = 0;
    for (int c = 0; c < SAFETY_DEMO_CATS; c++)
        if (d->cats & CB(c))
            used += (size_t)snprintf(cats + used, sizeof cats - used, "%s%lld", used ? "," : "",
                                     (long long)g->cat_ids[c]);
    sval p[] = {SV_I(g->county_id),
                SV_T(g->county_path),
                SV_T(d->name),
                SV_T(d->kind),
                SV_T(d->on_date),
                sd_sv(cats),
                SV_T(d->note),
                g->verifier_id ? SV_I(g->verifier_id) : SV_NUL,
                SV_I(demo_gen_day(d->on_date) - 10 * 24 * 3600 + 9 * 3600)};
    int rc =
        db_insert(g->db,
                  "INSERT INTO inspections (org_id, path, name, kind, on_date, category_ids, note, "
                  "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                  p, 9, id);
    if (rc != STORE_OK)
        return sd_fail(g, d->name, rc, NULL);
    g->inspections++;
    return STORE_OK;
}

static int sd_insert_inspection_school(sd_gen *g, int64_t inspection_id, const sd_school *s,
                                       const char *result)
{
    sval p[] = {SV_I(inspection_id), SV_I(s->id), SV_T(s->path), SV_I(1), SV_T(result)};
    int rc =
        db_exec(g->db,
                "INSERT INTO inspection_schools (inspection_id, school_id, path, done, result) "
                "VALUES (?, ?, ?, ?, ?)",
                p, 5);
    if (rc != STORE_OK)
        return sd_fail(g, "排查学校", rc, NULL);
    g->inspection_rows++;
    return STORE_OK;
}

/* Every inspection with every school open on its date and its result. */
static int sd_inspections(sd_gen *g)
{
    for (int i = 0; i < SD_INSPECTIONS; i++) {
        const sd_inspection_def *d = &sd_inspection_defs[i];
        int rc = sd_insert_inspection(g, d, &g->inspection_ids[i]);
        int64_t on = demo_gen_day(d->on_date);
        for (int k = 0; k < g->nschools && rc == STORE_OK; k++) {
            if (!sd_open_on(&g->schools[k], on))
                continue;
            char result[96];
            int found = g->found_at[i * g->nschools + k];
            if (found)
                snprintf(result, sizeof result, "发现隐患%d处，已登记并督促整改", found);
            else
                snprintf(result, sizeof result, "未发现隐患");
            rc = sd_insert_inspection_school(g, g->inspection_ids[i], &g->schools[k], result);
        }
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* --------------------------------------------------------------- hazards */

/* The step just taken on hazard id belongs to user_id / username. */
static int sd_attribute(sd_gen *g, int64_t hazard_id, int64_t user_id, const char *username,
                        int64_t *step_id)
{
    int64_t step = 0;
    sval p[] = {SV_I(hazard_id)};
    int rc =
        db_query_int(g->db, "SELECT MAX(id) FROM hazard_steps WHERE hazard_id = ?", p, 1, &step);
    if (rc != STORE_OK)
        return sd_fail(g, "隐患步骤", rc, NULL);
    sval u[] = {user_id ? SV_I(user_id) : SV_NUL, SV_T(username), SV_I(step)};
    rc = db_exec(g->db, "UPDATE hazard_steps SET user_id = ?, username = ? WHERE id = ?", u, 3);
    if (rc != STORE_OK)
        return sd_fail(g, "隐患步骤", rc, NULL);
    g->steps++;
    if (step_id)
        *step_id = step;
    return STORE_OK;
}

/* A time on day for the seq-th step of a hazard (later steps later). */
static int64_t sd_at(sd_gen *g, int64_t day, int seq)
{
    return day + (8 + seq) * 3600 + demo_rng_range(&g->rng, 0, 3599);
}

static int sd_step(sd_gen *g, int64_t id, const char *to, const char *comment, int64_t day, int seq,
                   int64_t user_id, const char *username, int64_t *step_id)
{
    char on[11];
    refusal e = {0};
    demo_gen_date(day, on);
    int rc = hazards_transition(g->db, NULL, NULL, id, to, comment, on, sd_at(g, day, seq), 0, &e);
    if (rc != STORE_OK)
        return sd_fail(g, to, rc, &e);
    return sd_attribute(g, id, user_id, username, step_id);
}

static void sd_set_text(json_t *o, const char *key, const char *value)
{
    if (value && *value)
        json_object_set_new(o, key, json_string(value));
}

/* Register h through hazards_create, with its plan when plan, by the
 * school's 学校管理员; the 登记 step and the row get the simulated time. */
static int sd_register(sd_gen *g, const sd_hazard *h, int plan, int64_t deadline, int64_t *id,
                       int64_t *step_id)
{
    const sd_school *s = &g->schools[h->school];
    const safety_demo_template *t = &safety_demo_templates[h->tmpl];
    char found_on[11], deadline_on[11], found_by[96], responsible[64], person[24];
    demo_gen_date(h->found, found_on);
    demo_gen_date(deadline, deadline_on);
    sd_person(&g->rng, person, sizeof person);
    if (h->inspection >= 0)
        snprintf(found_by, sizeof found_by, "%s教体局安全检查组", g->county_name);
    else
        snprintf(found_by, sizeof found_by, "学校自查（%s）", person);
    if (h->major && s->head[0])
        snprintf(responsible, sizeof responsible, "%s（%s）", s->head,
                 sd_kindergarten(s) ? "园长" : "校长");
    else {
        sd_person(&g->rng, person, sizeof person);
        snprintf(responsible, sizeof responsible, "%s（%s）", person, DEMO_PICK(&g->rng, sd_posts));
    }
    json_t *in = json_object();
    if (!in)
        return sd_fail(g, "内存不足", STORE_ERROR, NULL);
    json_object_set_new(in, "school_id", json_integer(s->id));
    json_object_set_new(in, "category_id", json_integer(g->cat_ids[h->cat]));
    json_object_set_new(in, "grade", json_string(h->major ? "重大" : "一般"));
    json_object_set_new(in, "description", json_string(t->description));
    json_object_set_new(in, "found_on", json_string(found_on));
    sd_set_text(in, "location", t->location);
    sd_set_text(in, "found_by", found_by);
    if (h->inspection >= 0)
        json_object_set_new(in, "inspection_id", json_integer(g->inspection_ids[h->inspection]));
    if (plan) {
        int funds = demo_rng_range(&g->rng, t->funds_lo, t->funds_hi);
        funds = funds >= 1000 ? funds / 100 * 100 : funds / 10 * 10;
        sd_set_text(in, "measures", t->measures);
        sd_set_text(in, "responsible", responsible);
        json_object_set_new(in, "funds", json_real(funds));
        sd_set_text(in, "deadline", deadline_on);
        sd_set_text(in, "interim", t->interim);
    }
    refusal e = {0};
    int rc = hazards_create(g->db, NULL, NULL, in, 0, id, &e);
    json_decref(in);
    if (rc != STORE_OK)
        return sd_fail(g, "登记隐患", rc, &e);
    g->hazards++;
    int64_t at = sd_at(g, h->found, 0);
    sval p[] = {s->user_id ? SV_I(s->user_id) : SV_NUL, SV_I(at), SV_I(at), SV_I(*id)};
    rc = db_exec(g->db,
                 "UPDATE hazards SET created_by = ?, created_at = ?, updated_at = ? WHERE id = ?",
                 p, 4);
    if (rc != STORE_OK)
        return sd_fail(g, "登记隐患", rc, NULL);
    sval q[] = {sd_sv(found_on), SV_I(at), SV_I(*id)};
    rc = db_exec(g->db, "UPDATE hazard_steps SET on_date = ?, at = ? WHERE hazard_id = ?", q, 3);
    if (rc != STORE_OK)
        return sd_fail(g, "登记隐患", rc, NULL);
    return sd_attribute(g, *id, s->user_id, s->username, step_id);
}

/* Scale the gaps between steps down so that they fit in room days. */
static void sd_fit(int *gaps, int n, int room)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += gaps[i];
    if (total <= room || total == 0)
        return;
    for (int i = 0; i < n; i++)
        gaps[i] = gaps[i] * room / total;
}

/* A hazard through the whole loop, closed by end ("YYYY-MM-DD", or the
 * day before its school's 撤并). */
static int sd_hazard_closed(sd_gen *g, const sd_hazard *h, const char *end)
{
    const sd_school *s = &g->schools[h->school];
    int returned = demo_rng_chance(&g->rng, h->major ? 25 : 8);
    int photos = h->major || demo_rng_chance(&g->rng, 15);
    /* Days: to 开始整改, to 提交验收, to 退回, to 再次提交, to 销号. */
    int gaps[5] = {demo_rng_range(&g->rng, 0, 3),
                   h->major                       ? demo_rng_range(&g->rng, 20, 70)
                   : demo_rng_chance(&g->rng, 60) ? demo_rng_range(&g->rng, 1, 10)
                                                  : demo_rng_range(&g->rng, 8, 30),
                   returned ? demo_rng_range(&g->rng, 1, 3) : 0,
                   returned ? demo_rng_range(&g->rng, 2, 8) : 0,
                   h->major ? demo_rng_range(&g->rng, 2, 7) : demo_rng_range(&g->rng, 0, 4)};
    int64_t last = demo_gen_day(end);
    if (s->closed && s->closed - DEMO_GEN_DAY < last)
        last = s->closed - DEMO_GEN_DAY;
    sd_fit(gaps, 5, (int)((last - h->found) / DEMO_GEN_DAY));
    int64_t start = h->found + gaps[0] * DEMO_GEN_DAY, submit = start + gaps[1] * DEMO_GEN_DAY;
    int64_t back = submit + gaps[2] * DEMO_GEN_DAY, resubmit = back + gaps[3] * DEMO_GEN_DAY;
    int64_t close = resubmit + gaps[4] * DEMO_GEN_DAY;
    int64_t deadline =
        h->found + (h->major ? demo_rng_range(&g->rng, 30, 90) : demo_rng_range(&g->rng, 7, 30)) *
                       DEMO_GEN_DAY;
    if (deadline < close && demo_rng_chance(&g->rng, 85))
        deadline = close + demo_rng_range(&g->rng, 0, 5) * DEMO_GEN_DAY;

    int64_t id = 0, step = 0;
    int64_t closer_id = h->major ? g->verifier_id : s->user_id;
    const char *closer = h->major ? g->verifier : s->username;
    int rc = sd_register(g, h, 1, deadline, &id, &step);
    if (rc == STORE_OK && photos)
        rc = sd_photo(g, id, step, 1, s->user_id, sd_at(g, h->found, 0));
    if (rc == STORE_OK)
        rc = sd_step(g, id, "整改中", "已制定整改方案，落实责任人，开始整改", start, 1, s->user_id,
                     s->username, NULL);
    if (rc == STORE_OK)
        rc = sd_step(g, id, "待验收", "已按整改方案整改到位，申请验收", submit, 2, s->user_id,
                     s->username, &step);
    if (rc == STORE_OK && returned) {
        rc = sd_step(g, id, "退回", DEMO_PICK(&g->rng, safety_demo_return_reasons), back, 3,
                     closer_id, closer, NULL);
        if (rc == STORE_OK)
            rc = sd_step(g, id, "待验收", "已按验收意见重新整改，再次申请验收", resubmit, 4,
                         s->user_id, s->username, &step);
    }
    if (rc == STORE_OK && photos)
        rc = sd_photo(g, id, step, 0, s->user_id, sd_at(g, returned ? resubmit : submit, 5));
    if (rc == STORE_OK)
        rc = sd_step(g, id, "已销号",
                     h->major ? "经安全稳定股现场验收，整改到位，同意销号，解除挂牌督办"
                              : "经学校组织验收，整改到位，予以销号",
                     close, 6, closer_id, closer, NULL);
    return rc;
}

/* A hazard of 2022 left in state (已登记, 整改中 or 待验收). */
static int sd_hazard_2022(sd_gen *g, const sd_hazard *h, int state, int returned)
{
    const sd_school *s = &g->schools[h->school];
    int plan = state > SD_REGISTERED || demo_rng_chance(&g->rng, 50);
    int64_t deadline =
        h->found + (h->major ? demo_rng_range(&g->rng, 15, 45) : demo_rng_range(&g->rng, 7, 40)) *
                       DEMO_GEN_DAY;
    int64_t start = h->found + demo_rng_range(&g->rng, 1, 5) * DEMO_GEN_DAY;
    int64_t submit = start + demo_rng_range(&g->rng, 5, 30) * DEMO_GEN_DAY;
    int64_t id = 0, step = 0;
    int rc = sd_register(g, h, plan, deadline, &id, &step);
    if (rc == STORE_OK && h->major)
        rc = sd_photo(g, id, step, 1, s->user_id, sd_at(g, h->found, 0));
    if (rc == STORE_OK && state >= SD_RECTIFYING)
        rc = sd_step(g, id, "整改中", "已制定整改方案，开始整改", start, 1, s->user_id, s->username,
                     NULL);
    if (rc == STORE_OK && (state == SD_CHECKING || returned))
        rc = sd_step(g, id, "待验收", "整改完成，申请验收", submit, 2, s->user_id, s->username,
                     NULL);
    if (rc == STORE_OK && state == SD_RECTIFYING && returned)
        rc = sd_step(g, id, "退回", DEMO_PICK(&g->rng, safety_demo_return_reasons),
                     submit + demo_rng_range(&g->rng, 1, 4) * DEMO_GEN_DAY, 3,
                     h->major ? g->verifier_id : s->user_id, h->major ? g->verifier : s->username,
                     NULL);
    return rc;
}

/* The n hazards of hz, each closed by end. */
static int sd_hazards(sd_gen *g, const sd_hazard *hz, int n, const char *end)
{
    for (int i = 0; i < n; i++) {
        int rc = sd_hazard_closed(g, &hz[i], end);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* 40-60 open hazards found in 2022 at schools still open: every open state,
 * 2-3 重大 (all with 2022 deadlines, so overdue and 挂牌督办). */
static int sd_plan_2022(sd_gen *g, sd_hazard *hz, int *states, int *returned)
{
    static const int major_cats[] = {C_BUILDING, C_FIRE, C_DROWN, C_AROUND};
    int n = demo_rng_range(&g->rng, 40, 60), majors = demo_rng_range(&g->rng, 2, 3);
    for (int i = 0; i < n; i++) {
        sd_hazard *h = &hz[i];
        memset(h, 0, sizeof *h);
        do
            h->school = demo_rng_range(&g->rng, 0, g->nschools - 1);
        while (g->schools[h->school].closed != 0);
        h->major = i < majors;
        h->cat = h->major ? DEMO_PICK(&g->rng, major_cats)
                          : sd_pick_cat(&g->rng, &g->schools[h->school]);
        h->tmpl = safety_demo_template_pick(&g->rng, h->cat, h->major);
        sd_find(g, h, 2022, "11-30", 60);
        int roll = demo_rng_range(&g->rng, 1, 100);
        states[i] = h->major          ? (roll <= 50 ? SD_RECTIFYING : SD_CHECKING)
                    : i == majors     ? SD_REGISTERED
                    : i == majors + 1 ? SD_RECTIFYING
                    : i == majors + 2 ? SD_CHECKING
                    : roll <= 30      ? SD_REGISTERED
                    : roll <= 70      ? SD_RECTIFYING
                                      : SD_CHECKING;
        returned[i] =
            states[i] == SD_RECTIFYING && (i == majors + 1 || demo_rng_chance(&g->rng, 30));
    }
    return n;
}

/* The hazards of 2022 found and closed by SD_END_2022 (returns how many,
 * SD_CLOSED_2022_LO..HI, or -1 out of memory): at the schools still open,
 * more where they are bigger (at most 3, or 5 for a big school), about
 * 2.5% 重大, found by mid-July so that their longer rectification ends in
 * time, the rest by early September; half in the year's inspections. In
 * the order found. */
static int sd_plan_2022_closed(sd_gen *g, sd_hazard *hz)
{
    int *found = calloc((size_t)g->nschools, sizeof *found);
    if (!found)
        return -1;
    int n = demo_rng_range(&g->rng, SD_CLOSED_2022_LO, SD_CLOSED_2022_HI);
    for (int i = 0; i < n;) {
        int k = demo_rng_range(&g->rng, 0, g->nschools - 1);
        const sd_school *s = &g->schools[k];
        int weight = 1 + s->pupils / 400, cap = s->pupils >= 1000 ? 5 : 3;
        if (s->closed || found[k] >= cap || demo_rng_range(&g->rng, 1, 8) > weight)
            continue;
        found[k]++;
        memset(&hz[i], 0, sizeof hz[i]);
        hz[i].school = k;
        hz[i].cat = sd_pick_cat(&g->rng, s);
        i++;
    }
    free(found);
    for (int majors = demo_rng_range(&g->rng, n / 50, n / 40); majors > 0;) {
        sd_hazard *h = &hz[demo_rng_range(&g->rng, 0, n - 1)];
        if (!h->major && safety_demo_major_cat(h->cat)) {
            h->major = 1;
            majors--;
        }
    }
    for (int i = 0; i < n; i++) {
        hz[i].tmpl = safety_demo_template_pick(&g->rng, hz[i].cat, hz[i].major);
        sd_find(g, &hz[i], 2022, hz[i].major ? "07-15" : "09-05", 50);
    }
    qsort(hz, (size_t)n, sizeof *hz, sd_by_found);
    return n;
}

/* ------------------------------------------------------------ activities */

static int sd_insert_activity(sd_gen *g, const sd_school *s, const char *kind, const char *title,
                              int64_t day, int participants, int quantity, double funds,
                              const char *note)
{
    char on[11];
    demo_gen_date(day, on);
    sval p[] = {SV_I(s->id),
                SV_T(s->path),
                SV_T(kind),
                SV_T(title),
                sd_sv(on),
                participants > 0 ? SV_I(participants) : SV_NUL,
                quantity > 0 ? SV_I(quantity) : SV_NUL,
                funds >= 0 ? SV_R(funds) : SV_NUL,
                SV_T(note),
                s->user_id ? SV_I(s->user_id) : SV_NUL,
                SV_I(day + 17 * 3600)};
    int rc = db_exec(
        g->db,
        "INSERT INTO safety_activities (school_id, path, kind, title, on_date, participants, "
        "quantity, funds, note, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p, 11);
    if (rc != STORE_OK)
        return sd_fail(g, kind, rc, NULL);
    g->activities++;
    return STORE_OK;
}

/* A school term: its first day ("MM-DD") and how many days it runs. */
typedef struct sd_term {
    const char *first;
    int days;
} sd_term;

/* A year of activities: its terms up to the last day of its records, and
 * what the county does in it (totals drawn between lo and hi). */
typedef struct sd_year {
    int year;
    const char *last; /* "MM-DD": no activity after it */
    sd_term terms[3];
    int education_lo, education_hi; /* events */
    int drills_each;                /* at every open school, then more up to */
    int drills_lo, drills_hi;       /* the county's total */
    int equipment_lo, equipment_hi; /* pieces */
    int extinguishers_lo, extinguishers_hi;
    int boards_lo, boards_hi;
    int repaired;                        /* schools, at most SD_REPAIRED */
    int flood;                           /* percent of repairs after the "7·20" rainstorm */
    const char *repair_from, *repair_to; /* "MM-DD", the other repairs */
} sd_year;

/* 2021, the work report's figures (see the top of the file). */
static const sd_year sd_year_2021 = {
    .year = 2021,
    .last = "12-31",
    .terms = {{"01-04", 17}, {"03-01", 130}, {"09-01", 121}},
    .education_lo = 306,
    .education_hi = 338,
    .drills_each = 2,
    .drills_lo = 812,
    .drills_hi = 850,
    .equipment_lo = 3040,
    .equipment_hi = 3260,
    .extinguishers_lo = 7050,
    .extinguishers_hi = 7400,
    .boards_lo = 610,
    .boards_hi = 720,
    .repaired = SD_REPAIRED,
    .flood = 70,
    .repair_from = "03-15",
    .repair_to = "07-15",
};

/* 2022 January-September at 2021's pace (2021 had 559 drills by the end
 * of September): one drill at every school in the spring term and more at
 * the bigger ones, toward the 900 the plan asks of the year; the yearly
 * extinguisher refill; repairs in the summer holiday. */
static const sd_year sd_year_2022 = {
    .year = 2022,
    .last = "09-30",
    .terms = {{"01-04", 11}, {"02-14", 145}, {"09-01", 30}},
    .education_lo = 270,
    .education_hi = 300,
    .drills_each = 1,
    .drills_lo = 630,
    .drills_hi = 680,
    .equipment_lo = 2300,
    .equipment_hi = 2600,
    .extinguishers_lo = 5600,
    .extinguishers_hi = 6000,
    .boards_lo = 450,
    .boards_hi = 520,
    .repaired = 14,
    .flood = 0,
    .repair_from = "07-11",
    .repair_to = "08-31",
};

/* A day of y between from and to ("MM-DD"), to at most y's last day. */
static int64_t sd_window(demo_rng *r, const sd_year *y, const char *from, const char *to)
{
    char a[16], b[16];
    snprintf(a, sizeof a, "%04u-%s", (unsigned)y->year % 10000u, from);
    snprintf(b, sizeof b, "%04u-%s", (unsigned)y->year % 10000u,
             strcmp(to, y->last) > 0 ? y->last : to);
    return demo_gen_between(r, a, b);
}

/* A school day of y's terms. */
static int64_t sd_school_day(demo_rng *r, const sd_year *y)
{
    int days = 0, t = 0;
    for (int i = 0; i < DEMO_COUNT(y->terms); i++)
        days += y->terms[i].days;
    int n = demo_rng_range(r, 0, days - 1);
    while (t < DEMO_COUNT(y->terms) - 1 && n >= y->terms[t].days)
        n -= y->terms[t++].days;
    char first[16];
    snprintf(first, sizeof first, "%04u-%s", (unsigned)y->year % 10000u, y->terms[t].first);
    return demo_gen_day(first) + n * DEMO_GEN_DAY;
}

/* A school open at the end of 2021, bigger schools more often. */
static sd_school *sd_some_school(sd_gen *g)
{
    for (;;) {
        sd_school *s = &g->schools[demo_rng_range(&g->rng, 0, g->nschools - 1)];
        if (s->closed == 0 && demo_rng_range(&g->rng, 1, 6) <= 1 + s->pupils / 600)
            return s;
    }
}

typedef struct sd_theme {
    const char *title;
    const char *from, *to; /* "MM-DD"; NULL: any school day */
} sd_theme;

/* 1 when t's days come before y's last day. */
static int sd_theme_in(const sd_year *y, const sd_theme *t)
{
    return t->from == NULL || strcmp(t->from, y->last) <= 0;
}

static int64_t sd_theme_day(demo_rng *r, const sd_theme *t, const sd_year *y)
{
    return t->from ? sd_window(r, y, t->from, t->to) : sd_school_day(r, y);
}

static int sd_education(sd_gen *g, const sd_year *y)
{
    static const sd_theme themes[] = {
        {"寒假安全教育主题班会", "01-11", "01-20"},
        {"全国中小学生安全教育日主题教育", "03-22", "04-02"},
        {"国家安全教育日主题教育", "04-12", "04-16"},
        {"防震减灾知识教育", "05-10", "05-14"},
        {"防溺水安全专题教育", "05-06", "07-09"},
        {"防溺水安全专题教育", "05-06", "07-09"},
        {"食品安全宣传周主题教育", "06-07", "06-18"},
        {"禁毒预防教育", "06-21", "06-26"},
        {"暑假安全教育“最后一课”", "07-05", "07-09"},
        {"开学第一课安全教育", "09-01", "09-10"},
        {"网络安全宣传周主题教育", "10-11", "10-17"},
        {"消防安全知识讲座", "11-01", "11-15"},
        {"交通安全主题教育（全国交通安全日）", "11-29", "12-03"},
        {"预防校园欺凌专题教育", NULL, NULL},
        {"疫情防控知识教育", NULL, NULL},
        {"法治安全教育讲座", NULL, NULL},
    };
    int events = demo_rng_range(&g->rng, y->education_lo, y->education_hi);
    for (int i = 0; i < events; i++) {
        sd_school *s = sd_some_school(g);
        const sd_theme *t;
        do
            t = &DEMO_PICK(&g->rng, themes);
        while (!sd_theme_in(y, t));
        int participants = s->pupils * demo_rng_range(&g->rng, 40, 100) / 100 + s->staff / 2;
        int rc = sd_insert_activity(
            g, s, "安全教育", t->title, sd_theme_day(&g->rng, t, y), participants, 0,
            demo_rng_chance(&g->rng, 30) ? demo_rng_range(&g->rng, 2, 30) * 100 : -1, NULL);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static int sd_drill(sd_gen *g, sd_school *s, const sd_year *y)
{
    static const struct {
        sd_theme theme;
        int everyone; /* the whole school evacuates, else staff */
    } drills[] = {
        {{"消防应急疏散演练", NULL, NULL}, 1},
        {{"消防应急疏散演练", "11-01", "11-30"}, 1},
        {{"防震减灾应急疏散演练", "05-10", "05-14"}, 1},
        {{"防震减灾应急疏散演练", NULL, NULL}, 1},
        {{"防踩踏应急疏散演练", NULL, NULL}, 1},
        {{"防汛避险应急演练", "05-20", "07-09"}, 1},
        {{"防暴恐应急处置演练", NULL, NULL}, 0},
        {{"食物中毒应急处置演练", NULL, NULL}, 0},
        {{"疫情防控应急演练", NULL, NULL}, 1},
    };
    int k;
    do
        k = demo_rng_range(&g->rng, 0, DEMO_COUNT(drills) - 1);
    while (!sd_theme_in(y, &drills[k].theme));
    int participants =
        drills[k].everyone
            ? (s->pupils + s->staff) * demo_rng_range(&g->rng, 85, 100) / 100
            : s->staff * demo_rng_range(&g->rng, 60, 100) / 100 + demo_rng_range(&g->rng, 2, 12);
    return sd_insert_activity(g, s, "应急演练", drills[k].theme.title,
                              sd_theme_day(&g->rng, &drills[k].theme, y), participants, 0, -1,
                              NULL);
}

/* y's drills at every open school (one a term), then more at the bigger
 * ones until the county has held y's total (812-850 in 2021). */
static int sd_drills(sd_gen *g, const sd_year *y)
{
    int rc = STORE_OK, held = 0;
    for (int i = 0; i < g->nschools && rc == STORE_OK; i++)
        for (int k = 0; k < y->drills_each && rc == STORE_OK && g->schools[i].closed == 0; k++) {
            rc = sd_drill(g, &g->schools[i], y);
            held++;
        }
    int target = demo_rng_range(&g->rng, y->drills_lo, y->drills_hi);
    for (; held < target && rc == STORE_OK; held++)
        rc = sd_drill(g, sd_some_school(g), y);
    return rc;
}

/* Purchases of kind until their quantities reach target. */
static int sd_purchases(sd_gen *g, const sd_year *y, const char *kind,
                        const char *const *titles, int ntitles, int target, int q_lo, int q_hi,
                        int price_lo, int price_hi)
{
    for (int total = 0; total < target;) {
        sd_school *s = sd_some_school(g);
        int quantity = demo_rng_range(&g->rng, q_lo, q_hi) * (1 + s->pupils / 1500);
        int rc = sd_insert_activity(
            g, s, kind, titles[demo_rng_range(&g->rng, 0, ntitles - 1)], sd_school_day(&g->rng, y),
            0, quantity, (double)quantity * demo_rng_range(&g->rng, price_lo, price_hi), NULL);
        if (rc != STORE_OK)
            return rc;
        total += quantity;
    }
    return STORE_OK;
}

/* Extinguishers: every open school refills once (big schools more), then
 * 更换 until the county passes target. */
static int sd_extinguishers(sd_gen *g, const sd_year *y, int target)
{
    int total = 0, rc = STORE_OK;
    for (int i = 0; i < g->nschools && rc == STORE_OK; i++) {
        sd_school *s = &g->schools[i];
        if (s->closed)
            continue;
        int quantity = 4 + s->pupils / 60 + demo_rng_range(&g->rng, 0, 6);
        rc = sd_insert_activity(g, s, "灭火器", "灭火器年度检验充装",
                                sd_window(&g->rng, y, "03-01", "04-30"), 0, quantity,
                                quantity * demo_rng_range(&g->rng, 25, 45), "消防器材年度维护");
        total += quantity;
    }
    while (rc == STORE_OK && total < target) {
        sd_school *s = sd_some_school(g);
        int quantity = 5 + s->pupils / 100 + demo_rng_range(&g->rng, 0, 10);
        rc = sd_insert_activity(g, s, "灭火器", "更换过期灭火器",
                                sd_window(&g->rng, y, "09-01", "11-30"), 0, quantity,
                                quantity * demo_rng_range(&g->rng, 60, 120), NULL);
        total += quantity;
    }
    return rc;
}

/* Repairs at exactly y->repaired schools (in 2021 most after the "7·20"
 * rainstorm). */
static int sd_repairs(sd_gen *g, const sd_year *y)
{
    static const char *const works[] = {"修缮倒塌围墙",         "重建校门及门卫室",
                                        "改造学生厕所",         "修缮围墙和大门",
                                        "维修教师厕所及化粪池", "加固校门立柱，更换电动伸缩门"};
    int picked[SD_REPAIRED], n = 0;
    while (n < y->repaired && n < SD_REPAIRED) {
        int k = demo_rng_range(&g->rng, 0, g->nschools - 1), dup = 0;
        for (int i = 0; i < n && !dup; i++)
            dup = picked[i] == k;
        if (!dup && g->schools[k].closed == 0 && strcmp(g->schools[k].area, "城区") != 0)
            picked[n++] = k;
        else if (!dup && g->schools[k].closed == 0 && demo_rng_chance(&g->rng, 15))
            picked[n++] = k;
    }
    for (int i = 0; i < n; i++) {
        sd_school *s = &g->schools[picked[i]];
        for (int r = 0, times = 1 + demo_rng_chance(&g->rng, 25); r < times; r++) {
            int flood = demo_rng_chance(&g->rng, y->flood);
            int rc =
                sd_insert_activity(g, s, "维修", DEMO_PICK(&g->rng, works),
                                   flood ? sd_window(&g->rng, y, "07-26", "11-30")
                                         : sd_window(&g->rng, y, y->repair_from, y->repair_to),
                                   0, 0, demo_rng_range(&g->rng, 20, 350) * 1000,
                                   flood ? "“7·20”特大暴雨灾后重建" : NULL);
            if (rc != STORE_OK)
                return rc;
        }
    }
    return STORE_OK;
}

/* The activities of y (see sd_year). */
static int sd_activities(sd_gen *g, const sd_year *y)
{
    static const char *const equipment[] = {
        "购置防暴钢叉、防刺背心、防暴头盔", "购置防暴盾牌和橡胶警棍", "安装高清监控摄像头",
        "配备一键式紧急报警装置",           "安装校门防冲撞隔离桩",   "购置强光手电和对讲机"};
    static const char *const boards[] = {"制作防溺水安全宣传版面", "更新校园安全宣传栏",
                                         "制作消防安全宣传展板",   "制作交通安全宣传版面",
                                         "制作疫情防控宣传版面",   "制作预防校园欺凌宣传版面"};
    int rc = sd_education(g, y);
    if (rc == STORE_OK)
        rc = sd_drills(g, y);
    if (rc == STORE_OK)
        rc = sd_purchases(g, y, "安防器材", equipment, DEMO_COUNT(equipment),
                          demo_rng_range(&g->rng, y->equipment_lo, y->equipment_hi), 4, 24, 80,
                          600);
    if (rc == STORE_OK)
        rc = sd_extinguishers(g, y,
                              demo_rng_range(&g->rng, y->extinguishers_lo, y->extinguishers_hi));
    if (rc == STORE_OK)
        rc = sd_repairs(g, y);
    if (rc == STORE_OK)
        rc = sd_purchases(g, y, "宣传版面", boards, DEMO_COUNT(boards),
                          demo_rng_range(&g->rng, y->boards_lo, y->boards_hi), 2, 8, 80, 300);
    return rc;
}

/* ----------------------------------------------------------- vaccination */

static int sd_insert_vaccination(sd_gen *g, const sd_school *s, const char *period, int staff,
                                 int staff_done, int pupils, int pupils_done, int64_t at)
{
    sval p[] = {SV_I(s->id),      SV_T(s->path), SV_T(period),      SV_I(staff),
                SV_I(staff_done), SV_I(pupils),  SV_I(pupils_done), SV_I(at)};
    int rc = db_exec(
        g->db,
        "INSERT INTO vaccinations (school_id, path, period, staff_eligible, staff_vaccinated, "
        "pupils_eligible, pupils_vaccinated, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        p, 8);
    if (rc != STORE_OK)
        return sd_fail(g, "疫苗接种", rc, NULL);
    g->vaccinations++;
    return STORE_OK;
}

/* Not vaccinated among eligible: none at half the schools and at small
 * ones (all done), a few (contraindications) at most, 2-3% where low. */
static int sd_unvaccinated(demo_rng *r, int eligible, int low)
{
    if (low)
        return eligible * demo_rng_range(r, 20, 29) / 1000;
    if (demo_rng_chance(r, 50))
        return 0;
    return demo_rng_range(r, 0, eligible * 6 / 1000);
}

/* Period 2021-12 for every open school; the county rate 99%+ for both. */
static int sd_vaccinations(sd_gen *g)
{
    int *missing = calloc((size_t)g->nschools * 2, sizeof *missing);
    if (!missing)
        return sd_fail(g, "内存不足", STORE_ERROR, NULL);
    int64_t staff = 0, staff_missing = 0, pupils = 0, pupils_missing = 0;
    int low_left = demo_rng_range(&g->rng, 3, 5);
    for (int i = 0; i < g->nschools; i++) {
        sd_school *s = &g->schools[i];
        if (s->closed)
            continue;
        int low =
            low_left > 0 && s->pupils >= 200 && s->pupils < 800 && demo_rng_chance(&g->rng, 5);
        low_left -= low;
        missing[2 * i] = sd_unvaccinated(&g->rng, s->staff, low);
        missing[2 * i + 1] = sd_unvaccinated(&g->rng, s->pupils, low);
        if (missing[2 * i] > s->staff)
            missing[2 * i] = s->staff;
        staff += s->staff;
        staff_missing += missing[2 * i];
        pupils += s->pupils;
        pupils_missing += missing[2 * i + 1];
    }
    /* Keep both county rates at 99% or more. */
    for (int i = 0; i < g->nschools && staff_missing * 100 > staff; i++)
        if (missing[2 * i] > 1) {
            staff_missing -= missing[2 * i] - 1;
            missing[2 * i] = 1;
        }
    for (int i = 0; i < g->nschools && pupils_missing * 100 > pupils; i++)
        if (missing[2 * i + 1] > 1) {
            pupils_missing -= missing[2 * i + 1] - 1;
            missing[2 * i + 1] = 1;
        }
    int rc = STORE_OK;
    for (int i = 0; i < g->nschools && rc == STORE_OK; i++) {
        sd_school *s = &g->schools[i];
        if (!s->closed)
            rc = sd_insert_vaccination(g, s, "2021-12", s->staff, s->staff - missing[2 * i],
                                       s->pupils, s->pupils - missing[2 * i + 1],
                                       demo_gen_between(&g->rng, "2021-12-20", "2021-12-30") +
                                           16 * 3600);
    }
    free(missing);
    return rc;
}

/* ---------------------------------------------------------------- summary */

static int sd_summary(sd_gen *g)
{
    const struct {
        const char *entity;
        long count;
        const char *what;
    } kinds[] = {
        {"hazard", g->hazards, "隐患（含流转步骤和照片）"},
        {"inspection", g->inspections, "安全排查"},
        {"safety_activity", g->activities, "安全活动"},
        {"vaccination", g->vaccinations, "疫苗接种"},
    };
    for (int i = 0; i < DEMO_COUNT(kinds); i++) {
        json_t *after =
            json_pack("{sI sI ss ss}", "count", (json_int_t)kinds[i].count, "seed",
                      (json_int_t)g->seed, "what", kinds[i].what, "note", DEMO_GEN_NOTE);
        if (i == 0) { /* (jansson ignores a set on NULL) */
            json_object_set_new(after, "steps", json_integer(g->steps));
            json_object_set_new(after, "photos", json_integer(g->photos));
        } else if (i == 1) {
            json_object_set_new(after, "schools", json_integer(g->inspection_rows));
        }
        int rc = demo_gen_audit(g->db, kinds[i].entity, g->county_path, after, g->err, g->err_size);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* Trade the stream drawn from for the other. The hazards closed and the
 * activities of 2022 draw from a stream of their own, so that adding them
 * changed none of the records drawn before them. */
static void sd_swap(sd_gen *g)
{
    demo_rng other = g->rng;
    g->rng = g->rng_2022;
    g->rng_2022 = other;
}

/* 2022 January-September, inserted after the rest: the hazards closed
 * (closed, n of them, planned before the inspections) and the activities. */
static int sd_work_2022(sd_gen *g, const sd_hazard *closed, int n)
{
    sd_swap(g);
    int rc = sd_hazards(g, closed, n, SD_END_2022);
    if (rc == STORE_OK)
        rc = sd_activities(g, &sd_year_2022);
    sd_swap(g);
    return rc;
}

static int sd_run(sd_gen *g)
{
    enum { MAX_2022 = 64 };
    sd_hazard *hz = calloc(SD_HAZARDS_2021 + MAX_2022, sizeof *hz);
    sd_hazard *closed = calloc(SD_CLOSED_2022_HI, sizeof *closed);
    int states[MAX_2022], returned[MAX_2022];
    int rc = hz && closed ? sd_load(g) : sd_fail(g, "内存不足", STORE_ERROR, NULL);
    int open = 0;
    for (int i = 0; rc == STORE_OK && i < g->nschools; i++)
        open += g->schools[i].closed == 0;
    if (rc == STORE_OK && open < 250) { /* 879 hazards at most 4 a school */
        snprintf(g->err, g->err_size, "县内在办学校只有 %d 所，不足以生成安全演示数据", open);
        rc = STORE_ERROR;
    }
    if (rc == STORE_OK) {
        g->found_at = calloc((size_t)SD_INSPECTIONS * (size_t)g->nschools, sizeof *g->found_at);
        if (!g->found_at)
            rc = sd_fail(g, "内存不足", STORE_ERROR, NULL);
    }
    int n2022 = 0, nclosed = 0;
    if (rc == STORE_OK) {
        sd_plan_2021(g, hz);
        n2022 = sd_plan_2022(g, hz + SD_HAZARDS_2021, states, returned);
        sd_swap(g);
        nclosed = sd_plan_2022_closed(g, closed);
        sd_swap(g);
        if (nclosed < 0)
            rc = sd_fail(g, "内存不足", STORE_ERROR, NULL);
    }
    if (rc == STORE_OK)
        rc = sd_inspections(g);
    if (rc == STORE_OK)
        rc = sd_photo_file(g, 1, g->photo_before);
    if (rc == STORE_OK)
        rc = sd_photo_file(g, 0, g->photo_after);
    if (rc == STORE_OK)
        rc = sd_hazards(g, hz, SD_HAZARDS_2021, "2021-12-31");
    for (int i = 0; i < n2022 && rc == STORE_OK; i++)
        rc = sd_hazard_2022(g, &hz[SD_HAZARDS_2021 + i], states[i], returned[i]);
    if (rc == STORE_OK)
        rc = sd_activities(g, &sd_year_2021);
    if (rc == STORE_OK)
        rc = sd_vaccinations(g);
    if (rc == STORE_OK)
        rc = sd_work_2022(g, closed, nclosed);
    if (rc == STORE_OK)
        rc = sd_summary(g);
    if (rc == STORE_OK && (rc = safety_counts_rebuild(g->db, NULL)) != STORE_OK)
        sd_fail(g, "安全汇总计数", rc, NULL);
    free(closed);
    free(hz);
    return rc;
}

int safety_demo_generate(store_db *db, uint64_t seed, int64_t county_org_id, char *err,
                         size_t err_size)
{
    sd_gen *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, err_size, "内存不足");
        return STORE_ERROR;
    }
    g->db = db;
    g->seed = seed;
    g->rng.state = seed ^ 0x5AFE7E5A5AFE7E5AULL; /* apart from demo.c's stream */
    g->rng_2022.state = seed ^ 0x2022A5AFE2022A5AULL;
    g->err = err;
    g->err_size = err_size;
    g->county_id = county_org_id;
    int rc = sd_run(g);
    free(g->found_at);
    free(g->schools);
    free(g);
    return rc;
}
