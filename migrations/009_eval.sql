-- 009_eval.sql - 评估: the national and provincial standards as data, the
-- bureau's own targets beside them, the stage weights of combined schools,
-- the population aged 3-5 that the bureau enters per town and year, and
-- saved what-if scenarios. The evaluation itself (src/domain/eval*.c) is
-- computed from the 基表 records on every request; nothing here is a result.

-- One threshold of one indicator for one stage, from a year on.
--   indicator: stable key (see docs/api-eval.md for the list)
--   stage:     'primary' 小学, 'junior' 初中, 'senior' 高中, 'kg' 学前,
--              'combined' 九年/十二年一贯制 (compulsory part), 'county' 县域
--   comparison: the value passes when  value <comparison> threshold
--   level:     '国家', '河南省', '本局' (the bureau's own target)
--   county_org_id: NULL for national and provincial rows; the county bureau's
--              org unit for its own targets (they apply to that county only)
CREATE TABLE eval_standards (
    id %ID%,
    indicator TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('primary', 'junior', 'senior', 'kg', 'combined', 'county')),
    name TEXT NOT NULL,                 -- Chinese name of the indicator
    unit TEXT,
    threshold REAL NOT NULL,
    comparison TEXT NOT NULL CHECK (comparison IN ('>=', '<=', '>', '<')),
    level TEXT NOT NULL CHECK (level IN ('国家', '河南省', '本局')),
    source TEXT NOT NULL,               -- the document it comes from
    year_from INTEGER NOT NULL,
    year_to INTEGER,                    -- NULL: still in force
    county_org_id INTEGER REFERENCES org_units(id),
    note TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX eval_standards_indicator ON eval_standards (indicator, stage, year_from);

-- Pupil weights that split a combined school's shared resources among its
-- stages (督导评估 of 基本均衡, reused for 优质均衡): a stage's share is
-- weight x its pupils / the sum over the school's stages.
CREATE TABLE eval_stage_weights (
    school_type TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('primary', 'junior', 'senior')),
    weight REAL NOT NULL,
    year_from INTEGER NOT NULL,
    year_to INTEGER,
    PRIMARY KEY (school_type, stage, year_from)
);

-- Population aged 3-5 of a 街道/乡镇 in a year (for 学前三年毛入园率),
-- entered by the bureau.
CREATE TABLE eval_population (
    id %ID%,
    town_id INTEGER NOT NULL REFERENCES org_units(id),
    path TEXT NOT NULL,                 -- the town's org path (scope)
    year INTEGER NOT NULL,
    population INTEGER NOT NULL CHECK (population >= 0),
    source TEXT,                        -- e.g. '公安户籍人口' or '卫健出生登记推算'
    updated_by INTEGER,
    updated_at INTEGER NOT NULL,
    UNIQUE (town_id, year)
);
CREATE INDEX eval_population_scope ON eval_population (year, path);

-- A named what-if: the changes tried on the records of year and stage,
-- saved to compare later (the result is recomputed when opened).
CREATE TABLE eval_scenarios (
    id %ID%,
    path TEXT NOT NULL,                 -- the scope it was made in
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('primary', 'junior')),
    changes TEXT NOT NULL,              -- JSON array, as POST /api/eval/what-if takes it
    summary TEXT,                       -- JSON: the verdicts and CVs when saved
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX eval_scenarios_scope ON eval_scenarios (path, year);

INSERT INTO eval_stage_weights (school_type, stage, weight, year_from) VALUES
    ('九年一贯制学校', 'primary', 1.0, 2017),
    ('九年一贯制学校', 'junior', 1.1, 2017),
    ('十二年一贯制学校', 'primary', 1.0, 2017),
    ('十二年一贯制学校', 'junior', 1.1, 2017),
    ('十二年一贯制学校', 'senior', 1.32, 2017),
    ('完全中学', 'junior', 1.0, 2017),
    ('完全中学', 'senior', 1.2, 2017);

-- 义务教育优质均衡: the 7 resource indicators per school (教督〔2017〕6号).
INSERT INTO eval_standards (indicator, stage, name, unit, threshold, comparison, level, source, year_from, note) VALUES
    ('qualified_teachers', 'primary', '每百名学生拥有高于规定学历教师数', '人', 4.2, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '小学：专科及以上学历'),
    ('qualified_teachers', 'junior', '每百名学生拥有高于规定学历教师数', '人', 5.3, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '初中：本科及以上学历'),
    ('key_teachers', 'primary', '每百名学生拥有县级以上骨干教师数', '人', 1.0, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('key_teachers', 'junior', '每百名学生拥有县级以上骨干教师数', '人', 1.0, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('pe_art_teachers', 'primary', '每百名学生拥有体育、艺术（音乐、美术）专任教师数', '人', 0.9, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('pe_art_teachers', 'junior', '每百名学生拥有体育、艺术（音乐、美术）专任教师数', '人', 0.9, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('teaching_area', 'primary', '生均教学及辅助用房面积', 'm²', 4.5, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '不含室内体育用房'),
    ('teaching_area', 'junior', '生均教学及辅助用房面积', 'm²', 5.8, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '不含室内体育用房'),
    ('sports_area', 'primary', '生均体育运动场馆面积', 'm²', 7.5, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '运动场地与体育馆'),
    ('sports_area', 'junior', '生均体育运动场馆面积', 'm²', 10.2, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '运动场地与体育馆'),
    ('equipment_value', 'primary', '生均教学仪器设备值', '元', 2000, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('equipment_value', 'junior', '生均教学仪器设备值', '元', 2500, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('multimedia_rooms', 'primary', '每百名学生拥有网络多媒体教室数', '间', 2.3, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('multimedia_rooms', 'junior', '每百名学生拥有网络多媒体教室数', '间', 2.4, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('cv', 'primary', '校际差异系数', NULL, 0.50, '<=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '按在校生数加权'),
    ('cv', 'junior', '校际差异系数', NULL, 0.45, '<=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '按在校生数加权'),
    ('indicators_met', 'primary', '达标指标项数', '项', 6, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '7项中至少6项达到要求'),
    ('indicators_met', 'junior', '达标指标项数', '项', 6, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '7项中至少6项达到要求'),
    ('remaining_ratio', 'primary', '未达标项达到标准的比例', NULL, 0.85, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '余项不能低于要求的85%'),
    ('remaining_ratio', 'junior', '未达标项达到标准的比例', NULL, 0.85, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '余项不能低于要求的85%'),
    ('exclude_point_pupils', 'primary', '不参评教学点在校生数', '人', 50, '<', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '在校生不足50人的教学点不参评');

-- 政府保障 items the statistics can answer.
INSERT INTO eval_standards (indicator, stage, name, unit, threshold, comparison, level, source, year_from, note) VALUES
    ('class_size_max', 'primary', '班额', '人', 45, '<=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '按平均班额与56人以上班级数判断'),
    ('class_size_max', 'junior', '班额', '人', 50, '<=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '按平均班额与56人以上班级数判断'),
    ('school_size_max', 'primary', '学校规模', '人', 2000, '<=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('school_size_max', 'junior', '学校规模', '人', 2000, '<=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, NULL),
    ('school_size_max', 'combined', '学校规模（义务教育阶段）', '人', 2500, '<=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '九年一贯制、十二年一贯制'),
    ('music_art_rooms', 'county', '每12个班音乐、美术专用教室各1间', '间', 1, '>=', '国家', '县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）', 2017, '不足12个班的按12个班计');

-- Class size (班额).
INSERT INTO eval_standards (indicator, stage, name, unit, threshold, comparison, level, source, year_from, note) VALUES
    ('large_class_share', 'primary', '大班额（56-65人）比例', NULL, 0.05, '<=', '国家', '国务院关于统筹推进县域内城乡义务教育一体化改革发展的若干意见（国发〔2016〕40号）', 2020, '到2020年基本消除大班额'),
    ('large_class_share', 'junior', '大班额（56-65人）比例', NULL, 0.05, '<=', '国家', '国务院关于统筹推进县域内城乡义务教育一体化改革发展的若干意见（国发〔2016〕40号）', 2020, '到2020年基本消除大班额'),
    ('huge_class_share', 'primary', '超大班额（66人及以上）比例', NULL, 0, '<=', '国家', '国务院关于统筹推进县域内城乡义务教育一体化改革发展的若干意见（国发〔2016〕40号）', 2020, '消除超大班额'),
    ('huge_class_share', 'junior', '超大班额（66人及以上）比例', NULL, 0, '<=', '国家', '国务院关于统筹推进县域内城乡义务教育一体化改革发展的若干意见（国发〔2016〕40号）', 2020, '消除超大班额'),
    ('large_class_share', 'senior', '56人及以上班级比例', NULL, 0, '<=', '国家', '“十四五”县域普通高中发展提升行动计划（2021）', 2021, '不再有56人及以上大班额'),
    ('school_size_max', 'senior', '普通高中规模', '人', 3000, '<=', '国家', '“十四五”县域普通高中发展提升行动计划（2021）', 2021, '新建普通高中'),
    ('kg_class_small', 'kg', '小班班额', '人', 25, '<=', '国家', '幼儿园工作规程（教育部令第39号）', 2016, NULL),
    ('kg_class_middle', 'kg', '中班班额', '人', 30, '<=', '国家', '幼儿园工作规程（教育部令第39号）', 2016, NULL),
    ('kg_class_large', 'kg', '大班班额', '人', 35, '<=', '国家', '幼儿园工作规程（教育部令第39号）', 2016, NULL),
    ('kg_class_mixed', 'kg', '混合班班额', '人', 30, '<=', '国家', '幼儿园工作规程（教育部令第39号）', 2016, NULL),
    ('kg_size_max', 'kg', '幼儿园规模', '人', 360, '<=', '国家', '幼儿园工作规程（教育部令第39号）', 2016, NULL);

-- 学前普及普惠 (2020) and Henan's plan (2021); Henan's 2025 targets; the
-- bureau's own targets from its 2022 plan and the "省定55%" that the seed
-- cites (not found in public texts: kept as the bureau's target).
INSERT INTO eval_standards (indicator, stage, name, unit, threshold, comparison, level, source, year_from, note) VALUES
    ('gross_enrollment', 'kg', '学前三年毛入园率', NULL, 0.85, '>=', '国家', '县域学前教育普及普惠督导评估办法（2020）', 2020, '在园幼儿数÷3-5周岁人口'),
    ('gross_enrollment', 'kg', '学前三年毛入园率', NULL, 0.90, '>=', '河南省', '河南省县域学前教育普及普惠督导评估实施方案（2021）', 2021, NULL),
    ('gross_enrollment', 'kg', '学前三年毛入园率', NULL, 0.93, '>=', '河南省', '河南省“十四五”教育事业发展规划', 2025, '2025年目标'),
    ('inclusive_coverage', 'kg', '普惠性幼儿园覆盖率', NULL, 0.80, '>=', '国家', '县域学前教育普及普惠督导评估办法（2020）', 2020, '（公办园+普惠性民办园）在园幼儿÷全部在园幼儿'),
    ('inclusive_coverage', 'kg', '普惠性幼儿园覆盖率', NULL, 0.80, '>=', '河南省', '河南省县域学前教育普及普惠督导评估实施方案（2021）', 2021, NULL),
    ('inclusive_coverage', 'kg', '普惠性幼儿园覆盖率', NULL, 0.85, '>=', '河南省', '河南省“十四五”教育事业发展规划', 2025, '2025年目标'),
    ('public_enrollment_share', 'kg', '公办园在园幼儿占比', NULL, 0.50, '>=', '国家', '县域学前教育普及普惠督导评估办法（2020）', 2020, NULL),
    ('public_enrollment_share', 'kg', '公办园在园幼儿占比', NULL, 0.50, '>=', '河南省', '河南省县域学前教育普及普惠督导评估实施方案（2021）', 2021, NULL),
    ('teacher_child_ratio', 'kg', '在园幼儿与专任教师比', '人', 15, '<=', '国家', '县域学前教育普及普惠督导评估办法（2020）', 2020, '每名专任教师对应在园幼儿不超过15人'),
    ('teacher_child_ratio', 'kg', '在园幼儿与专任教师比', '人', 15, '<=', '河南省', '河南省县域学前教育普及普惠督导评估实施方案（2021）', 2021, NULL),
    ('class_size_compliance', 'kg', '班额达标率', NULL, 0.85, '>=', '国家', '县域学前教育普及普惠督导评估办法（2020）', 2020, NULL);
