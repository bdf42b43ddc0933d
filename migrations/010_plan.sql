-- 010_plan.sql - 目标: the year's work plan as a tree of items, the targets
-- hung on items (bound to a live metric of the system, or reported by the
-- lead department), the periodic progress reports with their figures and
-- evidence. Status and progress are computed on read (src/domain/plan*.c);
-- no status is stored.

-- A county bureau's plan for a year (e.g. 2022年教育工作谋划 "三五·三一").
CREATE TABLE plans (
    id %ID%,
    county_org_id INTEGER NOT NULL REFERENCES org_units(id),
    path TEXT NOT NULL,                 -- the county's org path (scope)
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status_on TEXT,                     -- 'YYYY-MM-DD': the date statuses are reported at
                                        -- (a bulletin's date); NULL: today, within the year
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (county_org_id, year)
);
CREATE INDEX plans_scope ON plans (path, year);

-- Sections and items to any depth (parent_id NULL: top level).
CREATE TABLE plan_items (
    id %ID%,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    parent_id INTEGER REFERENCES plan_items(id),
    sort INTEGER NOT NULL DEFAULT 0,    -- order among siblings
    code TEXT,                          -- numbering as printed, e.g. '（一）', '1'
    title TEXT NOT NULL,
    description TEXT,
    lead_dept_id INTEGER REFERENCES departments(id),
    leader TEXT,                        -- the responsible leader (分管领导), a name
    start_date TEXT,                    -- 'YYYY-MM-DD'; NULL: the plan's 1 January
    due_date TEXT,                      -- NULL: the plan's 31 December
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0),
    report_cycle TEXT NOT NULL DEFAULT 'monthly' CHECK (report_cycle IN ('monthly', 'quarterly', 'none')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX plan_items_plan ON plan_items (plan_id, parent_id, sort);
CREATE INDEX plan_items_dept ON plan_items (lead_dept_id);

-- Co-operating departments (协办股室) of an item.
CREATE TABLE plan_item_depts (
    item_id INTEGER NOT NULL REFERENCES plan_items(id),
    dept_id INTEGER NOT NULL REFERENCES departments(id),
    PRIMARY KEY (item_id, dept_id)
);

-- A quantitative target of an item.
--   source 'live':     metric names an entry of the metric registry
--                      (GET /api/metrics), e.g. 'kg_public_place_share' or
--                      'stats_total:primary_pupils'; current is computed.
--   source 'reported': current is the figure of the latest progress report.
-- floor = 保底 (the commitment), stretch = 力争 (may be NULL).
CREATE TABLE plan_targets (
    id %ID%,
    item_id INTEGER NOT NULL REFERENCES plan_items(id),
    sort INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    unit TEXT,
    baseline REAL,
    baseline_year INTEGER,
    floor REAL NOT NULL,
    stretch REAL,
    direction TEXT NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher', 'lower')),
    due_date TEXT,                      -- NULL: the item's due date
    source TEXT NOT NULL CHECK (source IN ('live', 'reported')),
    metric TEXT,                        -- for 'live'
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (source = 'reported' OR metric IS NOT NULL)
);
CREATE INDEX plan_targets_item ON plan_targets (item_id, sort);

-- A progress report on an item for a period ('2022-03' monthly,
-- '2022-Q1' quarterly). state is the department's own reading, used for
-- items without figures; progress its estimate in percent (0-100).
CREATE TABLE plan_reports (
    id %ID%,
    item_id INTEGER NOT NULL REFERENCES plan_items(id),
    period TEXT NOT NULL,
    reported_on TEXT NOT NULL,          -- 'YYYY-MM-DD', the date the report speaks for
    done TEXT NOT NULL,                 -- 完成情况
    problems TEXT,                      -- 存在问题
    next_steps TEXT,                    -- 下步打算
    state TEXT NOT NULL CHECK (state IN ('achieved', 'on_track', 'at_risk', 'behind')),
    progress REAL CHECK (progress IS NULL OR (progress >= 0 AND progress <= 100)),
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX plan_reports_item ON plan_reports (item_id, reported_on);

-- The figures of a report: every target of the item at reporting time
-- (reported targets: the department's figure; live ones: the metric's
-- value then, so the item's chart has its history).
CREATE TABLE plan_report_figures (
    report_id INTEGER NOT NULL REFERENCES plan_reports(id),
    target_id INTEGER NOT NULL REFERENCES plan_targets(id),
    value REAL NOT NULL,
    PRIMARY KEY (report_id, target_id)
);

-- Evidence of a report: a text, an uploaded file (filestore, by hash), a
-- link, or a record of the system (record_type 'school', 'hazard',
-- 'stat_record', ... and its id).
CREATE TABLE plan_evidence (
    id %ID%,
    report_id INTEGER NOT NULL REFERENCES plan_reports(id),
    kind TEXT NOT NULL CHECK (kind IN ('text', 'file', 'link', 'record')),
    title TEXT NOT NULL,
    body TEXT,                          -- text, or the link's URL
    file_hash TEXT,
    file_name TEXT,
    file_type TEXT,
    file_size INTEGER,
    record_type TEXT,
    record_id INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX plan_evidence_report ON plan_evidence (report_id);

-- Files uploaded before the report that cites them is filed.
CREATE TABLE plan_uploads (
    id %ID%,
    user_id INTEGER NOT NULL,
    file_hash TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

-- Status thresholds the bureau may change (percent points of progress
-- behind the time elapsed).
INSERT INTO settings (key, value, note) VALUES
    ('plan_at_risk_margin_pct', '10', '目标进度落后于时间进度超过此百分点为“有风险”'),
    ('plan_behind_margin_pct', '25', '目标进度落后于时间进度超过此百分点为“滞后”');
