-- 003_safety.sql - 安全: hazards and their closed loop, inspections,
-- safety activities, vaccination coverage, uploaded photos.
-- Every row that belongs to a school carries that school's org path, for
-- scope filters (path >= ? AND path < ?).

-- Hazard categories: an editable list (standards.md §4).
CREATE TABLE hazard_categories (
    id %ID%,
    name TEXT NOT NULL UNIQUE,
    sort INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO hazard_categories (name, sort) VALUES
    ('消防', 1), ('校舍', 2), ('食品', 3), ('实验实训', 4), ('校车与校园交通', 5), ('拥挤踩踏', 6),
    ('特种设备', 7), ('水电气热', 8), ('防溺水', 9), ('周边环境', 10), ('其他', 99);

-- Checklist templates: what to look at, per category.
CREATE TABLE checklist_items (
    id %ID%,
    category_id INTEGER NOT NULL REFERENCES hazard_categories(id),
    text TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '消防通道、安全出口畅通，疏散指示标志完好', 1 FROM hazard_categories WHERE name = '消防';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '灭火器、消火栓在有效期内且数量充足', 2 FROM hazard_categories WHERE name = '消防';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '电气线路无私拉乱接，无超负荷用电', 3 FROM hazard_categories WHERE name = '消防';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '校舍无裂缝、渗漏、墙体倾斜等险情', 1 FROM hazard_categories WHERE name = '校舍';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '围墙、大门、厕所、栏杆牢固', 2 FROM hazard_categories WHERE name = '校舍';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '食堂从业人员健康证齐全，食品留样规范', 1 FROM hazard_categories WHERE name = '食品';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '原料进货查验与索证索票记录完整', 2 FROM hazard_categories WHERE name = '食品';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '危险化学品双人双锁管理，台账清楚', 1 FROM hazard_categories WHERE name = '实验实训';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '校车及驾驶人资质合规，校门口交通秩序良好', 1 FROM hazard_categories WHERE name = '校车与校园交通';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '楼梯间照明完好，上下楼错峰有序', 1 FROM hazard_categories WHERE name = '拥挤踩踏';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '锅炉、电梯、压力容器定期检验合格', 1 FROM hazard_categories WHERE name = '特种设备';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '水电气热设施完好，燃气报警装置有效', 1 FROM hazard_categories WHERE name = '水电气热';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '周边危险水域设置警示标志，开展防溺水教育', 1 FROM hazard_categories WHERE name = '防溺水';
INSERT INTO checklist_items (category_id, text, sort)
    SELECT id, '校园周边无违规摊点、网吧等', 1 FROM hazard_categories WHERE name = '周边环境';

-- Inspections (排查): run by the bureau (org_id = the county) or a school.
CREATE TABLE inspections (
    id %ID%,
    org_id INTEGER NOT NULL REFERENCES org_units(id),
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('日常', '专项', '节前', '汛期', '开学', '其他')),
    on_date TEXT NOT NULL,
    category_ids TEXT NOT NULL DEFAULT '',   -- checklist categories, "1,3"
    note TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX inspections_scope ON inspections (path, on_date);

-- The schools an inspection covers, and what was found there.
CREATE TABLE inspection_schools (
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    school_id INTEGER NOT NULL REFERENCES schools(id),
    path TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    PRIMARY KEY (inspection_id, school_id)
);
CREATE INDEX inspection_schools_scope ON inspection_schools (path);

CREATE TABLE hazards (
    id %ID%,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    path TEXT NOT NULL,
    inspection_id INTEGER REFERENCES inspections(id),
    category_id INTEGER NOT NULL REFERENCES hazard_categories(id),
    grade TEXT NOT NULL CHECK (grade IN ('一般', '重大')),
    supervised INTEGER NOT NULL DEFAULT 0,   -- 挂牌督办 (重大)
    location TEXT,
    description TEXT NOT NULL,
    found_on TEXT NOT NULL,                  -- 'YYYY-MM-DD'
    found_by TEXT,
    measures TEXT,                           -- 整改措施
    responsible TEXT,                        -- 责任人
    funds REAL,                              -- 整改资金 (元)
    deadline TEXT,                           -- 整改时限 'YYYY-MM-DD'
    interim TEXT,                            -- 临时安全措施 (预案)
    status TEXT NOT NULL DEFAULT '已登记' CHECK (status IN ('已登记', '整改中', '待验收', '已销号')),
    returned INTEGER NOT NULL DEFAULT 0,     -- times sent back from 待验收
    closed_on TEXT,                          -- 'YYYY-MM-DD' of 销号
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX hazards_scope ON hazards (path, status, grade, category_id, deadline, found_on);
CREATE INDEX hazards_found ON hazards (found_on);
CREATE INDEX hazards_school ON hazards (school_id);

-- Each step of the loop: who, when, from which state to which, and why.
CREATE TABLE hazard_steps (
    id %ID%,
    hazard_id INTEGER NOT NULL REFERENCES hazards(id),
    action TEXT NOT NULL,                    -- 登记, 开始整改, 提交验收, 退回, 销号
    from_status TEXT,
    to_status TEXT NOT NULL,
    comment TEXT,
    user_id INTEGER,
    username TEXT NOT NULL,
    on_date TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX hazard_steps_hazard ON hazard_steps (hazard_id);

-- Uploaded files, stored by content hash outside the web root.
CREATE TABLE files (
    hash TEXT PRIMARY KEY,                   -- hex BLAKE2b-256 of the bytes
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE hazard_photos (
    id %ID%,
    hazard_id INTEGER NOT NULL REFERENCES hazards(id),
    step_id INTEGER REFERENCES hazard_steps(id),
    hash TEXT NOT NULL REFERENCES files(hash),
    kind TEXT NOT NULL CHECK (kind IN ('整改前', '整改后', '其他')),
    name TEXT,
    user_id INTEGER,
    at INTEGER NOT NULL
);
CREATE INDEX hazard_photos_hazard ON hazard_photos (hazard_id);

-- Safety activities: education events, drills, equipment, extinguishers,
-- repairs, publicity boards.
CREATE TABLE safety_activities (
    id %ID%,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    path TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('安全教育', '应急演练', '安防器材', '灭火器', '维修', '宣传版面')),
    title TEXT NOT NULL,
    on_date TEXT NOT NULL,
    participants INTEGER,                    -- 安全教育, 应急演练
    quantity INTEGER,                        -- pieces, extinguishers, boards
    funds REAL,                              -- 元
    note TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX safety_activities_scope ON safety_activities (path, kind, on_date);

-- Vaccination coverage per school and period ('YYYY-MM').
CREATE TABLE vaccinations (
    id %ID%,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    path TEXT NOT NULL,
    period TEXT NOT NULL,
    staff_eligible INTEGER NOT NULL,
    staff_vaccinated INTEGER NOT NULL,
    pupils_eligible INTEGER NOT NULL,        -- pupils aged 3-17
    pupils_vaccinated INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (school_id, period)
);
CREATE INDEX vaccinations_scope ON vaccinations (path, period);
