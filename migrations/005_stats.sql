-- 005_stats.sql - 基表: the annual statistics record of each school, the
-- form described as data, validation rules as data, and the rounds that
-- collect the records (填报任务). Field definitions and rules are rows
-- (006_stats_catalogue.sql and later), versioned by school year, so a new
-- year's form adds a field without a code change.
-- A school year is named by the year of its 1 September snapshot
-- (year 2021 = 2021学年, snapshot 2021-09-01).

-- Which form sections a school type fills, from a year on.
CREATE TABLE stat_sections (
    school_type TEXT NOT NULL,          -- 办学类型, as in schools.type
    section TEXT NOT NULL,              -- 'base', 'kg', 'primary', 'junior', 'senior', 'vocational'
    year_from INTEGER NOT NULL,
    year_to INTEGER,                    -- NULL: still in use
    PRIMARY KEY (school_type, section, year_from)
);

-- The fields of each section.
CREATE TABLE stat_fields (
    id %ID%,
    section TEXT NOT NULL,
    key TEXT NOT NULL,                  -- stable API key, e.g. 'primary_pupils_g1'
    label TEXT NOT NULL,                -- Chinese label, e.g. '一年级学生数'
    unit TEXT,                          -- '人', '个', 'm²', '元', '间', '册', '台'
    grp TEXT NOT NULL,                  -- heading of the group in the form, e.g. '班级与学生'
    kind TEXT NOT NULL CHECK (kind IN ('int', 'real', 'bool', 'enum')),
    options TEXT,                       -- enum values separated by '|'
    min_value REAL,
    max_value REAL,
    computed TEXT,                      -- 'a+b+c': a total the form computes as typed (and a sum rule checks)
    sort INTEGER NOT NULL,
    year_from INTEGER NOT NULL,
    year_to INTEGER,
    UNIQUE (key, year_from)
);

-- Validation rules. rule:
--   'sum'        field = the sum of args ('a+b+c')
--   'le'         field <= args (another field)
--   'class_size' field counts classes of args[0]+ pupils ('56' or '66')
--   'change'     |field - last year's| / last year's > args ('0.30')
-- severity 'error' blocks submission; 'warning' needs an explanation.
CREATE TABLE stat_rules (
    id %ID%,
    rule TEXT NOT NULL CHECK (rule IN ('sum', 'le', 'class_size', 'change')),
    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
    field TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL,              -- Chinese, names the field
    explainable INTEGER NOT NULL DEFAULT 0,  -- an 'error' that an explanation turns into a warning
    year_from INTEGER NOT NULL,
    year_to INTEGER
);

-- Data-collection rounds (填报任务).
CREATE TABLE stat_rounds (
    id %ID%,
    county_org_id INTEGER NOT NULL REFERENCES org_units(id),
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    school_types TEXT NOT NULL,         -- '小学|初中|...'
    deadline TEXT NOT NULL,             -- 'YYYY-MM-DD'
    status TEXT NOT NULL DEFAULT '进行中' CHECK (status IN ('进行中', '已结束')),
    note TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX stat_rounds_scope ON stat_rounds (path, year);

-- One record per school per school year.
CREATE TABLE stat_records (
    id %ID%,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    year INTEGER NOT NULL,
    path TEXT NOT NULL,
    school_type TEXT NOT NULL,          -- the type the form was filled as
    round_id INTEGER REFERENCES stat_rounds(id),
    status TEXT NOT NULL DEFAULT '草稿' CHECK (status IN ('草稿', '已提交', '已退回', '已通过')),
    explanations TEXT,                  -- JSON object: field key -> the school's explanation of a warning
    review_comment TEXT,
    submitted_at INTEGER,
    submitted_by INTEGER,
    reviewed_at INTEGER,
    reviewed_by INTEGER,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER,
    UNIQUE (school_id, year)
);
CREATE INDEX stat_records_scope ON stat_records (year, path, status);

-- The values: one row per record and field (numbers in num, enum text in text;
-- bool as num 0/1). Portable aggregation: SUM(num) ... GROUP BY field.
CREATE TABLE stat_values (
    record_id INTEGER NOT NULL REFERENCES stat_records(id),
    field TEXT NOT NULL,
    num REAL,
    text TEXT,
    PRIMARY KEY (record_id, field)
);
CREATE INDEX stat_values_field ON stat_values (field, record_id);

-- Parsed imports waiting for confirmation (preview, then apply).
CREATE TABLE stat_imports (
    token TEXT PRIMARY KEY,
    user_id INTEGER,
    year INTEGER NOT NULL,
    file_name TEXT,
    changes TEXT NOT NULL,              -- JSON: [{school_id, field, old, new}]
    created_at INTEGER NOT NULL
);
