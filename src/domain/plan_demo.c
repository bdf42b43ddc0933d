/*
 * plan_demo.c - the demo plan: the seed's 2022 work plan "三五·三一" of the
 * demo county (seed document, section 三), as plain INSERTs in the demo's
 * transaction with one summary audit row.
 *
 * Six sections (（一）深化五项改革 … （六）聚焦一项核心) and their items, each
 * with its lead department (looked up by code), co-departments, the
 * responsible 分管副局长, dates and a weight. Every quantitative target of
 * section 三 is a target: the two 学前 shares are live (the metric
 * registry), the rest reported by the lead department; 安全 also gets two
 * live targets the system has figures for (隐患整改销号率, 应急演练). Live
 * baselines are the metric's 2021 value (metrics_value); reported baselines
 * come from the seed's 2021 figures where it gives one (一本 826).
 *
 * Progress reports January-September 2022 by the lead departments' demo
 * users, with figures growing month by month and some evidence, arranged
 * so that on status_on (2022-09-30) a few items are achieved, most on
 * track, a few at risk and a few behind (公办学位占比 still the 2021
 * value, 省级名师 3 of 8, 二高新校区 not started; 一本 912 after June).
 * Deterministic: no random draws; texts come from the tables below.
 */
#include "domain/plan_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/demo_gen.h"
#include "domain/org.h"
#include "util/arena.h"
#include "util/clock.h"

#define PLAN_DEMO_YEAR 2022
#define PLAN_DEMO_MONTHS 9 /* reports January-September */
#define PLAN_DEMO_STATUS_ON "2022-09-30"
#define PLAN_DEMO_NONE (-1) /* no figure that month */
#define PLAN_DEMO_MAX_TARGETS 4

/* A target: reported (metric NULL) with its monthly figures, or live. */
typedef struct demo_target {
    const char *name, *unit;
    double floor, stretch; /* stretch NAN: none */
    int lower;             /* lower is better */
    const char *metric;    /* live: the registry key */
    double baseline;       /* reported: the seed's 2021 figure, NAN: none */
    int figures[PLAN_DEMO_MONTHS]; /* reported, January-September */
} demo_target;

/* An item of a section. */
typedef struct demo_item {
    int section; /* index into demo_sections */
    const char *title, *description;
    const char *lead, *co[3]; /* department codes */
    const char *leader, *start, *due;
    double weight;
    const char *state; /* the state of its reports from month state_from */
    int state_from;    /* earlier months: on_track */
    int progress;      /* progress (%) of the September report */
    const char *phases[3];     /* what was done, by quarter */
    const char *problem, *next;
    const char *evidence_kind, *evidence_title, *evidence_body; /* NULL: none */
    int evidence_month;
    demo_target targets[PLAN_DEMO_MAX_TARGETS];
} demo_item;

static const struct {
    const char *code, *title, *description, *lead, *co, *leader;
    double weight;
} demo_sections[] = {
    {"（一）", "深化五项改革", "持续推进教育综合改革，进一步激发教育发展活力。", "jichu",
     "renshi", "周建华", 1},
    {"（二）", "统筹五类发展", "坚持共同发展、共同提质的原则，统筹推进各级各类教育。", "jichu",
     "duda", "周建华", 1},
    {"（三）", "实施“五名”工程",
     "构建教师成长、学校发展攀升体系，搭建更多平台，扩充优质教育资源。", "renshi", "jiaoyan",
     "马红军", 1},
    {"（四）", "夯实一项基础：提高办学条件",
     "根据教育发展需求，科学规划、统筹实施重点项目建设。", "jicai", "jichu", "杨志刚", 1},
    {"（五）", "强化一项保障：维护系统稳定",
     "落实“党政同责、一岗双责”安全管理责任机制和考核制度，确保校园安全稳定。", "anquan",
     NULL, "许卫国", 1},
    {"（六）", "聚焦一项核心：提高教育质量",
     "把减负和增效相结合，优化教学管理，进一步提高全市教育质量。", "jiaoyan", "jichu",
     "李淑芳", 1.5},
};
#define DEMO_SECTIONS (int)(sizeof demo_sections / sizeof demo_sections[0])

/* Shorthands for the tables. */
#define NONE9 {-1, -1, -1, -1, -1, -1, -1, -1, -1}
#define REPORTED(name, unit, floor, stretch, base, ...) \
    {name, unit, floor, stretch, 0, NULL, base, {__VA_ARGS__}}
#define REPORTED_LOWER(name, unit, floor, ...) \
    {name, unit, floor, NAN, 1, NULL, NAN, {__VA_ARGS__}}
#define LIVE(name, unit, floor, metric) {name, unit, floor, NAN, 0, metric, NAN, NONE9}

static const demo_item demo_items[] = {
    /* （一）深化五项改革 */
    {0, "集团化办学改革",
     "运用好“紧密型”和“联盟型”两种模式，扩大优质学校资源的覆盖面。", "jichu",
     {"jiaoyan", "duda"}, "周建华", NULL, NULL, 1, "on_track", 1, 75,
     {"修订集团化办学实施方案和考核办法，明确4个教育集团年度任务清单",
      "各集团开展联合教研、同课异构和教师交流，成员校共享课程资源",
      "完成上半年集团化办学考核，新增2所农村学校加入联盟型集团"},
     "部分成员校教师交流积极性不高，联盟型集团管理偏松", "下月开展集团间互评，推广紧密型集团管理经验",
     "text", "集团化办学考核情况", "上半年4个教育集团考核均为合格以上，实验小学教育集团为优秀。",
     7, {{0}}},
    {0, "校长职级制改革", "落实职级待遇，加强工作考核，引导校长职业化、专家化。", "renshi",
     {"jichu", "duda"}, "马红军", NULL, NULL, 1, "on_track", 1, 70,
     {"修订校长职级评审认定细则，明确职级待遇发放办法",
      "完成初中18班、小学24班以上规模学校校长职级年度考核",
      "兑现上半年职级待遇，启动新一轮职级评审申报"},
     "职级待遇所需资金需财政统筹解决", "配合计划财务股落实职级待遇资金，完成新一轮评审",
     NULL, NULL, NULL, 0, {{0}}},
    {0, "课后延时服务改革", "督促指导各学校结合前期运行情况，完善实施方案，科学组织实施，提高服务效果。",
     "jichu", {"jiaoyan", "jicai"}, "周建华", NULL, NULL, 1, "on_track", 1, 80,
     {"指导各校完善课后服务实施方案，公示服务内容和收费标准",
      "开展课后服务专项督导，推广兴趣社团和作业辅导相结合的做法",
      "秋季开学后课后服务全面开展，义务教育学校覆盖率100%"},
     "农村学校课后服务内容较单一，专业教师不足", "引入校外优质资源，开发课后服务课程菜单",
     "link", "课后服务督导通报", "https://jyj.changge.example/tzgg/2022/kehou-fuwu-duda", 6,
     {{0}}},
    {0, "午餐供餐模式改革",
     "采取学校食堂供餐和第三方企业配餐两种方式，满足有午餐需求的学生就餐。", "jichu",
     {"jicai", "anquan"}, "周建华", NULL, NULL, 1, "at_risk", 5, 45,
     {"摸排全市学校食堂和学生午餐需求，形成供餐改革方案",
      "完成有食堂学校委托经营招标文件起草，部分学校试点第三方配餐",
      "城区试点学校实现配餐，农村学校委托经营招标尚未完成"},
     "委托经营招标程序较长，部分无食堂学校周边缺少合格配餐企业",
     "加快招标进度，10月底前完成有食堂学校委托经营", NULL, NULL, NULL, 0, {{0}}},
    {0, "激励机制改革：教师“双考”",
     "继续坚持教师绩效管理，着力加强教师“双考”（1月和5月各举行一次），并与绩效工资、评优评先、"
     "职称评定、年度考核、教师聘任相挂钩。",
     "renshi", {"jiaoyan"}, "马红军", NULL, "2022-05-31", 1, "achieved", 5, 100,
     {"1月组织全市教师第一次“双考”，成绩纳入绩效考核",
      "5月组织第二次“双考”，两次成绩与绩效工资、评优评先挂钩",
      "“双考”结果已用于职称评定和年度考核，形成长效机制"},
     NULL, "总结“双考”经验，完善2023年实施办法", "text", "第二次“双考”情况",
     "5月21日举行第二次教师“双考”，应考4126人，实考4098人。", 5,
     {REPORTED("教师“双考”组织次数", "次", 2, NAN, NAN, 1, 1, 1, 1, 2, 2, 2, 2, 2)}},

    /* （二）统筹五类发展 */
    {1, "学前教育抓好普及普惠",
     "通过新建公办幼儿园、认定普惠性民办幼儿园，扩充学前教育普惠性资源覆盖率至90%，公办学位占比至25%。",
     "jichu", {"jicai"}, "周建华", NULL, NULL, 2, "behind", 6, 30,
     {"制定普惠性民办幼儿园认定办法，受理第一批认定申请",
      "完成第一批普惠性民办幼儿园实地评估，2所新建公办幼儿园加快施工",
      "第一批普惠园认定结果待公示，新建公办园尚未投用，公办学位未增加"},
     "新建公办幼儿园未投入使用，公办学位占比仍为上年水平；部分民办园申报普惠积极性不高",
     "加快普惠园认定公示，协调新建公办园建设进度", NULL, NULL, NULL, 0,
     {LIVE("普惠性资源覆盖率", "%", 90, "kg_inclusive_coverage"),
      LIVE("公办学位占比", "%", 25, "kg_public_place_share")}},
    {1, "义务教育抓好优质均衡",
     "坚持城乡学校一体化，对照《义务教育学校优质均衡评估标准》，改善城乡学校办学条件，推动城乡学校优质均衡发展。",
     "jichu", {"duda", "jicai"}, "周建华", NULL, NULL, 1.5, "on_track", 1, 68,
     {"对照优质均衡评估标准逐校测算七项指标，形成差距清单",
      "统筹资金补充农村学校音体美教师和功能教室",
      "完成秋季学期教师交流轮岗，城区学校大班额继续化解"},
     "城区学校学位紧张，农村学校体音美专业教师不足", "结合年度招聘补充专业教师，推进城区学校扩容",
     NULL, NULL, NULL, 0, {{0}}},
    {1, "高中教育抓好特色提质",
     "健全高中发展评价体系，提升高中办学水平，支持一高争创省级名校，支持实验中学、第三实验高中特色化发展。",
     "jichu", {"jiaoyan"}, "周建华", NULL, NULL, 1, "on_track", 1, 72,
     {"出台普通高中发展评价办法", "一高完成省级示范性高中复评自评报告",
      "实验中学科技特色、第三实验高中艺体特色课程开设"},
     NULL, "指导一高做好省级名校创建迎检", NULL, NULL, NULL, 0, {{0}}},
    {1, "职业教育抓好创新融合", "对接产业需求，科学设置专业；深化校企合作，优化人才培养模式。",
     "jichu", {"jicai"}, "周建华", NULL, NULL, 1, "on_track", 1, 70,
     {"调研本地产业需求，论证新增专业", "新增校企合作企业3家，开设订单班2个",
      "秋季招生完成，新专业首批招生"},
     "实训设备更新资金不足", "争取上级项目资金改善实训条件", NULL, NULL, NULL, 0, {{0}}},
    {1, "民办教育抓好规范管理", "优化民办教育结构，控制在校生占比；加大培训机构治理，减轻学生校外培训负担。",
     "jichu", {"anquan"}, "周建华", NULL, NULL, 1, "on_track", 1, 74,
     {"开展民办学校年检，规范招生行为", "联合市场监管部门开展校外培训机构专项治理",
      "学科类校外培训机构压减完成，非学科类机构审批登记有序推进"},
     NULL, "开展秋季学期校外培训机构常态化巡查", NULL, NULL, NULL, 0, {{0}}},

    /* （三）实施“五名”工程 */
    {2, "名师工程",
     "持续推进“强师”计划，建立首个劳模创新工作室，年内培养省级名师8名、省级骨干教师49名、许昌市级名师38名。",
     "renshi", {"jiaoyan"}, "马红军", NULL, NULL, 2, "behind", 6, 62,
     {"制定年度“强师”计划培养对象名单，建立名师培养档案",
      "首个劳模创新工作室挂牌；组织省级骨干教师、许昌市级名师申报",
      "许昌市级名师评选结果公布；省级名师评审名额有限，入选人数偏少"},
     "省级名师评审竞争激烈，我市入选人数与目标差距较大",
     "加强对省级名师候选人的跟踪培养，争取第二批评审多入选", "link", "许昌市级名师评选结果",
     "https://jyj.changge.example/tzgg/2022/xuchang-mingshi", 8,
     {REPORTED("省级名师培养人数", "名", 8, NAN, NAN, 0, 0, 0, 1, 1, 2, 2, 3, 3),
      REPORTED("省级骨干教师培养人数", "名", 49, NAN, NAN, 0, 0, 12, 12, 28, 28, 40, 40, 40),
      REPORTED("许昌市级名师培养人数", "名", 38, NAN, NAN, 0, 0, 0, 15, 15, 30, 30, 38, 38),
      REPORTED("劳模创新工作室", "个", 1, NAN, NAN, 0, 0, 0, 1, 1, 1, 1, 1, 1)}},
    {2, "名班主任工程", "借助市级名班主任工作室，加强班级管理研讨，优化班主任管理，孵化更多名优班主任。",
     "jiaoyan", {"renshi"}, "马红军", NULL, NULL, 1, "on_track", 1, 70,
     {"制定名班主任工作室年度研修计划", "举办班级管理论坛2场，开展班主任基本功竞赛",
      "暑期班主任培训覆盖新任班主任"},
     NULL, "开展优秀班主任评选", NULL, NULL, NULL, 0, {{0}}},
    {2, "名教研员工程", "支持教研员外出学习，提升教研员理论研究、专业指导、学科教学的水平。",
     "jiaoyan", {NULL}, "李淑芳", NULL, NULL, 1, "on_track", 1, 68,
     {"制定教研员下校指导制度", "教研员赴郑州、许昌学习交流3批次",
      "教研员蹲点指导农村学校课堂教学"},
     "部分学科教研员缺编", "申请补充学科教研员", NULL, NULL, NULL, 0, {{0}}},
    {2, "名校长工程",
     "组织长葛市学校管理论坛和校长暑期培训班，加大对校长的培养力度，力争培养出2-3名省级名校长、5-10名许昌市级名校长。",
     "renshi", {"jichu"}, "马红军", NULL, NULL, 1.5, "at_risk", 6, 60,
     {"制定名校长培养方案，确定培养对象", "举办学校管理论坛，推荐省级、许昌市级名校长人选",
      "暑期校长培训班结业，许昌市级名校长评选结果公布"},
     "省级名校长名额少，目前仅入选1名", "做好省级名校长第二批推荐工作", NULL, NULL, NULL, 0,
     {REPORTED("省级名校长", "名", 2, 3, NAN, 0, 0, 0, 0, 0, 1, 1, 1, 1),
      REPORTED("许昌市级名校长", "名", 5, 10, NAN, 0, 0, 0, 0, 3, 3, 6, 6, 6)}},
    {2, "名校工程", "鼓励指导部分条件相对较好的学校，优化各项管理，提升办学档次，年内创建省市级名校5所。",
     "jichu", {"duda", "jiaoyan"}, "周建华", NULL, NULL, 1, "on_track", 1, 78,
     {"确定名校创建学校名单，逐校制定创建方案", "2所学校通过许昌市级名校评估",
      "一高省级名校创建通过初评，累计创建4所"},
     NULL, "指导剩余学校做好迎评准备", NULL, NULL, NULL, 0,
     {REPORTED("省市级名校创建", "所", 5, NAN, NAN, 0, 0, 1, 1, 2, 2, 3, 4, 4)}},

    /* （四）夯实一项基础 */
    {3, "续建陈寔路学校", "续建陈寔路学校，力争初中部及幼儿园尽快投入使用，小学部早日开工建设。",
     "jicai", {"jichu"}, "杨志刚", NULL, "2022-09-30", 2, "achieved", 9, 100,
     {"初中部及幼儿园室内装饰施工", "初中部及幼儿园室外工程和设备采购",
      "幼儿园8月通过验收，初中部9月投入使用；小学部完成基础施工"},
     NULL, "推进小学部主体施工", "record", "长葛市陈寔路学校", NULL, 9,
     {REPORTED("陈寔路学校初中部及幼儿园投入使用", "个", 2, NAN, NAN, 0, 0, 0, 0, 0, 0, 0, 1,
               2)}},
    {3, "改扩建5所农村中小学校", "改扩建5所农村中小学校，力争年内完工。", "jicai", {"jichu"},
     "杨志刚", NULL, NULL, 1.5, "at_risk", 7, 60,
     {"完成5所学校改扩建项目招标", "5所学校全面开工，1所完工", "累计完工3所，其余2所装饰施工"},
     "汛期雨水较多影响工期", "督促施工单位增加人员，确保年内全部完工", "text", "完工验收情况",
     "大周镇、石固镇2所学校教学楼已通过竣工验收。", 8,
     {REPORTED("农村中小学校改扩建完工", "所", 5, NAN, NAN, 0, 0, 0, 0, 1, 1, 2, 3, 3)}},
    {3, "新建2所公办幼儿园", "新建2所公办幼儿园，力争年内主体完工。", "jicai", {"jichu"},
     "杨志刚", NULL, NULL, 1, "at_risk", 6, 50,
     {"完成规划设计和施工招标", "2所幼儿园基础施工", "1所主体结构完工，1所主体施工"},
     "1所幼儿园用地手续办理滞后，开工较晚", "协调自然资源部门加快手续办理", NULL, NULL, NULL,
     0, {REPORTED("新建公办幼儿园主体完工", "所", 2, NAN, NAN, 0, 0, 0, 0, 0, 0, 1, 1, 1)}},
    {3, "新建二高新校区", "新建二高新校区，结合相关部门，尽快确定方案，力争项目尽快开工。",
     "jicai", {"jichu"}, "杨志刚", NULL, NULL, 1, "behind", 4, 20,
     {"与发改、自然资源部门对接选址", "新校区选址方案报市政府研究",
      "规划设计方案论证中，尚未开工"},
     "选址和资金筹措方案尚未确定，开工时间难以保证", "提请市政府专题研究，确定建设方案",
     NULL, NULL, NULL, 0,
     {REPORTED("二高新校区开工", "项", 1, NAN, NAN, 0, 0, 0, 0, 0, 0, 0, 0, 0)}},

    /* （五）强化一项保障 */
    {4, "安全责任与隐患排查治理",
     "加强双重预防体系建设，着力加大消防、校舍、校车、食品及预防未成年人溺亡等重点领域安全隐患的排查治理力度，确保校园安全无事故。",
     "anquan", {"jichu"}, "许卫国", NULL, NULL, 2, "at_risk", 7, 60,
     {"签订年度安全目标责任书，开展春季开学安全大排查",
      "开展防溺水、消防、食品安全专项检查",
      "秋季开学安全检查完成，部分隐患整改进度偏慢"},
     "部分学校隐患整改资金不到位，销号进度偏慢", "对逾期隐患挂牌督办，督促限期整改销号",
     "link", "秋季开学安全检查通报", "https://jyj.changge.example/tzgg/2022/qiuji-anquan", 9,
     {REPORTED_LOWER("校园安全责任事故", "起", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
      LIVE("隐患整改销号率", "%", 100, "hazards_closure_rate")}},
    {4, "安全教育和应急演练", "继续加强师生安全教育和安全演练，进一步提高师生自护自救能力。",
     "anquan", {"jiaoyan"}, "许卫国", NULL, NULL, 1, "at_risk", 6, 55,
     {"开展开学第一课安全教育", "各校开展防震、消防疏散演练", "开展防溺水专题教育和秋季疏散演练"},
     "各校演练记录未及时录入平台，系统统计数偏低", "督促各校10月底前补录演练台账", NULL, NULL,
     NULL, 0, {LIVE("应急演练场次", "场次", 900, "safety_activity:应急演练")}},
    {4, "涉教矛盾调解和系统稳定", "坚持排查、稳控、化解相结合，加大涉教矛盾调解力度，全力维护教育系统大局稳定。",
     "anquan", {"renshi"}, "许卫国", NULL, NULL, 1, "on_track", 1, 75,
     {"建立涉教矛盾排查台账", "化解信访事项，做好重点时段稳控", "秋季开学期间系统稳定"},
     NULL, "做好重大节日期间稳控", NULL, NULL, NULL, 0, {{0}}},

    /* （六）聚焦一项核心 */
    {5, "学生思想教育和习惯养成", "加强对学生的思想教育，培养学生良好的学习习惯和生活习惯，及时疏导学生心理。",
     "jiaoyan", {"dangjian", "jichu"}, "李淑芳", NULL, NULL, 1, "on_track", 1, 72,
     {"开展“开学第一课”和习惯养成教育", "配齐心理健康教师，开展心理健康周活动",
      "开展新生入学适应和心理筛查"},
     NULL, "开展学生心理健康教育培训", NULL, NULL, NULL, 0, {{0}}},
    {5, "教学常规管理", "督促教师做细做精备课、上课、批改作业、学生辅导等工作。", "jiaoyan",
     {"duda"}, "李淑芳", NULL, NULL, 1, "on_track", 1, 74,
     {"开展教学常规检查", "开展作业管理专项督查", "秋季学期教学常规视导"},
     NULL, "通报视导情况并督促整改", NULL, NULL, NULL, 0, {{0}}},
    {5, "打造高效课堂", "聚焦课堂教学，加强教法、学法研究，积极打造高效课堂。", "jiaoyan",
     {NULL}, "李淑芳", NULL, NULL, 1, "on_track", 1, 70,
     {"开展高效课堂优质课评选", "举办课堂教学开放周", "推广高效课堂典型课例"},
     NULL, "组织高效课堂达标验收", NULL, NULL, NULL, 0, {{0}}},
    {5, "高考：一本上线和清华北大", "明年高考，我市一本上线人数保底900，力争突破1000，清华、北大榜上有名。",
     "jiaoyan", {"jichu"}, "李淑芳", NULL, "2022-07-31", 2, "achieved", 7, 100,
     {"高三一轮复习，开展高考备考研讨", "二模质量分析，6月高考顺利举行",
      "高考一本上线912人，1名考生被北京大学录取"},
     NULL, "总结高考备考经验，启动2023届备考", "link", "2022年高考成绩分析",
     "https://jyj.changge.example/tzgg/2022/gaokao-fenxi", 7,
     {REPORTED("一本上线人数", "人", 900, 1000, 826, -1, -1, -1, -1, -1, 912, 912, 912, 912),
      REPORTED("清华、北大录取人数", "人", 1, NAN, NAN, -1, -1, -1, -1, -1, -1, 1, 1, 1)}},
    {5, "中考：许昌市前6000名", "明年中考，许昌市前6000名考生中，我市力争突破800名。", "jiaoyan",
     {"jichu"}, "李淑芳", NULL, "2022-07-31", 1, "achieved", 7, 100,
     {"九年级复习备考研讨", "中考顺利举行", "许昌市前6000名中我市823名"},
     NULL, "分析中考数据，指导初中教学", NULL, NULL, NULL, 0,
     {REPORTED("许昌市中考前6000名人数", "人", 800, NAN, NAN, -1, -1, -1, -1, -1, -1, 823, 823,
               823)}},
};
#define DEMO_ITEMS (int)(sizeof demo_items / sizeof demo_items[0])

/* Who files the reports of a department's items. */
static const char *const demo_reporters[][2] = {
    {"jichu", "jijiao"}, {"anquan", "anquan"}, {"renshi", "renshi"},
    {"jicai", "jicai"},  {"jiaoyan", "jiaoyan"}, {"duda", "duda"},
};

static const char *const demo_month_ends[PLAN_DEMO_MONTHS] = {
    "2022-01-31", "2022-02-28", "2022-03-31", "2022-04-30", "2022-05-31",
    "2022-06-30", "2022-07-31", "2022-08-31", "2022-09-30",
};

/* The generator's state. */
typedef struct plan_gen {
    store_db *db;
    int64_t county, plan_id;
    const char *path, *path_hi;
    int64_t created_at;
    long items, targets, reports, figures, evidence;
    char *err;
    size_t err_size;
} plan_gen;

static int plan_gen_fail(plan_gen *g, const char *what, int rc)
{
    return demo_gen_fail(g->db, g->err, g->err_size, what, rc, NULL);
}

static sval plan_sv_opt_id(int64_t id)
{
    return id ? SV_I(id) : SV_NUL;
}

/* The id of the county's department code (0: NULL code). */
static int plan_dept(plan_gen *g, const char *code, int64_t *id)
{
    *id = 0;
    if (!code)
        return STORE_OK;
    sval p[] = {SV_I(g->county), SV_T(code)};
    int rc = db_query_int(g->db, "SELECT id FROM departments WHERE org_id = ? AND code = ?", p,
                          2, id);
    return rc == STORE_OK ? rc : plan_gen_fail(g, code, rc);
}

/* The user who reports for a department. */
static int plan_reporter(plan_gen *g, const char *dept_code, int64_t *id)
{
    const char *username = "duda";
    for (size_t i = 0; i < sizeof demo_reporters / sizeof demo_reporters[0]; i++)
        if (strcmp(demo_reporters[i][0], dept_code) == 0)
            username = demo_reporters[i][1];
    sval p[] = {SV_T(username)};
    int rc = db_query_int(g->db, "SELECT id FROM users WHERE username = ?", p, 1, id);
    return rc == STORE_OK ? rc : plan_gen_fail(g, username, rc);
}

static int plan_insert_item(plan_gen *g, int64_t parent, int sort, const char *code,
                            const char *title, const char *description, const char *lead,
                            const char *const *co, int nco, const char *leader,
                            const char *start, const char *due, double weight, const char *cycle,
                            int64_t *id)
{
    int64_t lead_id = 0;
    int rc = plan_dept(g, lead, &lead_id);
    if (rc != STORE_OK)
        return rc;
    sval p[] = {SV_I(g->plan_id), plan_sv_opt_id(parent), SV_I(sort), SV_T(code), SV_T(title),
                SV_T(description), plan_sv_opt_id(lead_id), SV_T(leader), SV_T(start), SV_T(due),
                SV_R(weight), SV_T(cycle), SV_I(g->created_at), SV_I(g->created_at)};
    rc = db_insert(g->db,
                   "INSERT INTO plan_items (plan_id, parent_id, sort, code, title, description, "
                   "lead_dept_id, leader, start_date, due_date, weight, report_cycle, created_at, "
                   "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   p, 14, id);
    if (rc != STORE_OK)
        return plan_gen_fail(g, title, rc);
    g->items++;
    for (int k = 0; k < nco && co[k]; k++) {
        int64_t dept = 0;
        rc = plan_dept(g, co[k], &dept);
        if (rc != STORE_OK)
            return rc;
        sval q[] = {SV_I(*id), SV_I(dept)};
        rc = db_exec(g->db, "INSERT INTO plan_item_depts (item_id, dept_id) VALUES (?, ?)", q, 2);
        if (rc != STORE_OK)
            return plan_gen_fail(g, title, rc);
    }
    return STORE_OK;
}

/* The target's row; *current the live figure of 2022 (NAN: reported). */
static int plan_insert_target(plan_gen *g, int64_t item, int sort, const demo_target *t,
                              int64_t *id, double *current)
{
    double baseline = t->baseline;
    *current = NAN;
    if (t->metric) {
        int rc = plan_live_value(g->db, g->path, g->county, PLAN_DEMO_YEAR - 1, t->metric,
                                 &baseline, NULL);
        if (rc == STORE_OK)
            rc = plan_live_value(g->db, g->path, g->county, PLAN_DEMO_YEAR, t->metric, current,
                                 NULL);
        if (rc != STORE_OK)
            return plan_gen_fail(g, t->metric, rc);
    }
    int has_baseline = isfinite(baseline);
    sval p[] = {SV_I(item),
                SV_I(sort),
                SV_T(t->name),
                SV_T(t->unit),
                plan_sv_real(baseline),
                has_baseline ? SV_I(PLAN_DEMO_YEAR - 1) : SV_NUL,
                SV_R(t->floor),
                plan_sv_real(t->stretch),
                SV_T(t->lower ? "lower" : "higher"),
                SV_T(t->metric ? "live" : "reported"),
                SV_T(t->metric),
                SV_I(g->created_at),
                SV_I(g->created_at)};
    int rc = db_insert(g->db,
                       "INSERT INTO plan_targets (item_id, sort, name, unit, baseline, "
                       "baseline_year, floor, stretch, direction, source, metric, created_at, "
                       "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       p, 13, id);
    if (rc != STORE_OK)
        return plan_gen_fail(g, t->name, rc);
    g->targets++;
    return STORE_OK;
}

/* What the report of month (1-based) says was done. */
static void plan_done_text(const demo_item *it, int month, char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "%d月：%s。", month, it->phases[(month - 1) / 3]);
    for (int k = 0; k < PLAN_DEMO_MAX_TARGETS && it->targets[k].name && n < size; k++) {
        const demo_target *t = &it->targets[k];
        if (t->metric || t->figures[month - 1] == PLAN_DEMO_NONE)
            continue;
        n += (size_t)snprintf(out + n, size - n, "%s%s：%d%s（保底%g%s）。",
                              k ? "" : "截至本月底，", t->name, t->figures[month - 1], t->unit,
                              t->floor, t->unit);
    }
}

static int plan_insert_evidence(plan_gen *g, int64_t report, int64_t at, const demo_item *it)
{
    int64_t record_id = 0, id = 0;
    const char *record_type = NULL;
    if (strcmp(it->evidence_kind, "record") == 0) {
        sval q[] = {SV_T(g->path), SV_T(g->path_hi), SV_T(it->evidence_title)};
        int rc = db_query_int(g->db,
                              "SELECT id FROM schools WHERE path >= ? AND path < ? AND name = ?",
                              q, 3, &record_id);
        if (rc == STORE_NOTFOUND)
            return STORE_OK;
        if (rc != STORE_OK)
            return plan_gen_fail(g, it->evidence_title, rc);
        record_type = "school";
    }
    sval p[] = {SV_I(report),         SV_T(it->evidence_kind), SV_T(it->evidence_title),
                SV_T(it->evidence_body), SV_T(record_type),  plan_sv_opt_id(record_id),
                SV_I(at)};
    int rc = db_insert(g->db,
                       "INSERT INTO plan_evidence (report_id, kind, title, body, record_type, "
                       "record_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       p, 7, &id);
    if (rc != STORE_OK)
        return plan_gen_fail(g, it->evidence_title, rc);
    g->evidence++;
    return STORE_OK;
}

/* The report of month on item with the figures of its targets. */
static int plan_insert_report(plan_gen *g, const demo_item *it, int64_t item, int64_t user,
                              int month, const int64_t *targets, const double *live)
{
    char period[16], done[1024];
    int64_t at = 0, id = 0;
    const char *state = month >= it->state_from ? it->state : "on_track";
    const char *problem = NULL;
    if (it->problem && (strcmp(state, "on_track") != 0 || month % 3 == 0))
        problem = it->problem;
    snprintf(period, sizeof period, "2022-%02u", (unsigned)month % 100u);
    plan_done_text(it, month, done, sizeof done);
    if (clock_parse(demo_month_ends[month - 1], &at) != 0)
        return plan_gen_fail(g, demo_month_ends[month - 1], STORE_ERROR);
    at += 16 * 3600; /* 16:00 on the last day of the month */
    double progress = strcmp(state, "achieved") == 0
                          ? 100
                          : floor((double)it->progress * month / PLAN_DEMO_MONTHS + 0.5);
    plan_report_row row = {.item_id = item,
                           .period = period,
                           .reported_on = demo_month_ends[month - 1],
                           .done = done,
                           .problems = problem,
                           .next_steps = it->next,
                           .state = state,
                           .progress = progress,
                           .created_by = user,
                           .created_at = at};
    int rc = plan_report_insert(g->db, &row, &id);
    if (rc != STORE_OK)
        return plan_gen_fail(g, it->title, rc);
    g->reports++;
    for (int k = 0; k < PLAN_DEMO_MAX_TARGETS && it->targets[k].name; k++) {
        const demo_target *t = &it->targets[k];
        double value = t->metric ? live[k] : t->figures[month - 1];
        if (!t->metric && t->figures[month - 1] == PLAN_DEMO_NONE)
            continue;
        if (!isfinite(value))
            continue;
        rc = plan_figure_insert(g->db, id, targets[k], value);
        if (rc != STORE_OK)
            return plan_gen_fail(g, t->name, rc);
        g->figures++;
    }
    if (it->evidence_kind && month == it->evidence_month)
        return plan_insert_evidence(g, id, at, it);
    return STORE_OK;
}

/* An item, its targets and its reports. */
static int plan_demo_item(plan_gen *g, const demo_item *it, int64_t parent, int sort)
{
    int64_t item = 0, user = 0, targets[PLAN_DEMO_MAX_TARGETS] = {0};
    double live[PLAN_DEMO_MAX_TARGETS];
    char code[16];
    snprintf(code, sizeof code, "%d", sort % 1000);
    int rc = plan_insert_item(g, parent, sort, code, it->title, it->description, it->lead, it->co,
                              3, it->leader, it->start, it->due, it->weight, "monthly", &item);
    for (int k = 0; rc == STORE_OK && k < PLAN_DEMO_MAX_TARGETS && it->targets[k].name; k++)
        rc = plan_insert_target(g, item, k + 1, &it->targets[k], &targets[k], &live[k]);
    if (rc == STORE_OK)
        rc = plan_reporter(g, it->lead, &user);
    for (int m = 1; rc == STORE_OK && m <= PLAN_DEMO_MONTHS; m++)
        rc = plan_insert_report(g, it, item, user, m, targets, live);
    return rc;
}

static int plan_demo_all(plan_gen *g)
{
    int64_t author = 0;
    int rc = plan_reporter(g, "duda", &author);
    if (rc != STORE_OK)
        return rc;
    sval p[] = {SV_I(g->county),
                SV_T(g->path),
                SV_I(PLAN_DEMO_YEAR),
                SV_T("2022年教育工作谋划（三五·三一）"),
                SV_T("锚定“建设教育强市”这一办学目标，紧盯重点任务和薄弱环节，大力实施“三五·三一”"
                     "计划：深化五项改革、统筹五类发展、实施“五名”工程，夯实一项基础、强化一项保障、"
                     "聚焦一项核心，努力完成教育高质量发展三年攻坚目标任务。"),
                SV_T(PLAN_DEMO_STATUS_ON),
                SV_I(author),
                SV_I(g->created_at),
                SV_I(g->created_at)};
    rc = db_insert(g->db,
                   "INSERT INTO plans (county_org_id, path, year, title, description, status_on, "
                   "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "RETURNING id",
                   p, 9, &g->plan_id);
    if (rc != STORE_OK)
        return plan_gen_fail(g, "工作谋划", rc);
    for (int s = 0; s < DEMO_SECTIONS && rc == STORE_OK; s++) {
        int64_t section = 0;
        const char *co[1] = {demo_sections[s].co};
        rc = plan_insert_item(g, 0, s + 1, demo_sections[s].code, demo_sections[s].title,
                              demo_sections[s].description, demo_sections[s].lead, co, 1,
                              demo_sections[s].leader, NULL, NULL, demo_sections[s].weight, "none",
                              &section);
        for (int i = 0, sort = 0; i < DEMO_ITEMS && rc == STORE_OK; i++)
            if (demo_items[i].section == s)
                rc = plan_demo_item(g, &demo_items[i], section, ++sort);
    }
    if (rc != STORE_OK)
        return rc;
    json_t *after = json_pack("{sI sI sI sI sI sI ss}", "plan_id", (json_int_t)g->plan_id,
                              "items", (json_int_t)g->items, "targets", (json_int_t)g->targets,
                              "reports", (json_int_t)g->reports, "figures",
                              (json_int_t)g->figures, "evidence", (json_int_t)g->evidence, "note",
                              "演示数据生成：2022年教育工作谋划“三五·三一”及1-9月进展（汇总记录）");
    return demo_gen_audit(g->db, "plan", g->path, after, g->err, g->err_size);
}

int plan_demo_generate(store_db *db, int64_t county_org_id, char *err, size_t err_size)
{
    json_t *county = NULL;
    plan_gen g = {.db = db, .county = county_org_id, .err = err, .err_size = err_size};
    int rc = org_get(db, county_org_id, &county);
    if (rc != STORE_OK)
        return demo_gen_fail(db, err, err_size, "县", rc, NULL);
    arena *a = arena_new();
    g.path = json_string_value(json_object_get(county, "path"));
    g.path_hi = g.path ? org_scope_upper(a, g.path) : NULL;
    if (!g.path || clock_parse("2022-01-10", &g.created_at) != 0)
        rc = demo_gen_fail(db, err, err_size, "县", STORE_ERROR, NULL);
    else
        rc = plan_demo_all(&g);
    arena_free(a);
    json_decref(county);
    return rc;
}
