-- 001_platform.sql - the platform: org tree, departments, schools, groups,
-- users, sessions, audit log, settings.
-- %ID% is the backend's auto-increment primary key (see store.h).
-- Times are INTEGER Unix seconds; booleans INTEGER 0/1.

-- Org tree: province > city > county (教体局) > town (街道/乡镇) > school.
-- path is the materialized path of ids, "/1/3/17/", so a subtree is one
-- indexed prefix scan: path >= '/1/3/' AND path < '/1/30' (see org.c).
CREATE TABLE org_units (
    id %ID%,
    parent_id INTEGER REFERENCES org_units(id),
    level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'town', 'school')),
    name TEXT NOT NULL,
    kind TEXT,                 -- town: '街道' or '乡镇'
    path TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);

-- The bureau's departments (股室) and the modules each one edits.
CREATE TABLE departments (
    id %ID%,
    org_id INTEGER NOT NULL REFERENCES org_units(id),  -- the county bureau
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    modules TEXT NOT NULL DEFAULT '',                   -- "schools,stats"
    UNIQUE (org_id, code)
);

-- 教育集团.
CREATE TABLE school_groups (
    id %ID%,
    county_org_id INTEGER NOT NULL REFERENCES org_units(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('紧密型', '联盟型')),
    lead_school_id INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (county_org_id, name)
);

-- The school registry. Each school is also an org unit (org_id), and
-- carries that unit's path for scope filters.
CREATE TABLE schools (
    id %ID%,
    org_id INTEGER NOT NULL UNIQUE REFERENCES org_units(id),
    path TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,          -- 学校标识码, 10 digits
    name TEXT NOT NULL,
    short_name TEXT,
    type TEXT NOT NULL,                 -- 办学类型
    nature TEXT NOT NULL,               -- 办学性质
    area TEXT NOT NULL,                 -- 城乡分类
    town_id INTEGER REFERENCES org_units(id),
    address TEXT,
    head TEXT,
    phone TEXT,
    founded_year INTEGER,
    status TEXT NOT NULL DEFAULT '在办' CHECK (status IN ('在办', '撤并', '停办')),
    closed_on TEXT,                     -- 'YYYY-MM-DD' of 撤并/停办
    merged_into INTEGER REFERENCES schools(id),
    group_id INTEGER REFERENCES school_groups(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX schools_path ON schools(path);
CREATE INDEX schools_town ON schools(town_id);
CREATE INDEX schools_name ON schools(name);

-- A school's life: created, renamed, merged, closed, reopened.
CREATE TABLE school_events (
    id %ID%,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    event TEXT NOT NULL,                -- '创建', '修改', '撤并', '停办', '恢复', '并入'
    on_date TEXT,                       -- 'YYYY-MM-DD' the event took effect
    related_school_id INTEGER REFERENCES schools(id),
    note TEXT,
    user_id INTEGER,
    at INTEGER NOT NULL
);
CREATE INDEX school_events_school ON school_events(school_id);

CREATE TABLE users (
    id %ID%,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'dept', 'school', 'auditor')),
    dept_id INTEGER REFERENCES departments(id),
    scope_org_id INTEGER NOT NULL REFERENCES org_units(id),
    school_id INTEGER REFERENCES schools(id),
    phone TEXT,
    password_hash TEXT NOT NULL,
    must_change INTEGER NOT NULL DEFAULT 1,
    failed_count INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    last_login_at INTEGER
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    ip TEXT,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id %ID%,
    at INTEGER NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    ip TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    org_path TEXT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_user ON audit_log(username);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    note TEXT
);
INSERT INTO settings (key, value, note) VALUES
    ('session_idle_minutes', '30', '会话空闲超时（分钟）'),
    ('lockout_failures', '5', '连续登录失败锁定次数'),
    ('lockout_minutes', '15', '账号锁定时长（分钟）');
