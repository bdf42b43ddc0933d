-- 007_safety_counts.sql - the 安全 summary's counts, kept in step with the
-- hazards table (src/domain/safety_counts.c; bench/safety.sh).
--
-- unit_path is the path of an org unit of level province, city or county
-- that is an ancestor of the hazard's path: every hazard is counted once
-- under each such unit, so that the summary of a caller whose scope is one
-- of these units reads that unit's rows only. Each table holds exactly
-- what a GROUP BY over the hazards in the unit's path range would give
-- (rows with n = 0 are removed):
--   hazard_found_counts   found_on's month, grade, category, status;
--   hazard_closed_counts  已销号 hazards by closed_on's month, grade, category;
--   hazard_close_days     已销号 hazards by closed_on's month and the days
--                         from found_on to closed_on (negative -> 0);
--   hazard_open_counts    open hazards (已登记, 整改中, 待验收) by deadline
--                         ('' without one) and supervised;
--   hazard_school_runs    per school, the months with a hazard found: each
--                         month with the school's previous such month (''
--                         for its first), counted over the schools, so that
--                         the schools with a hazard found in months a..b
--                         are SUM(n) WHERE month BETWEEN a AND b AND
--                         prev_month < a.
-- Every hazard write updates them in its transaction; safety_counts_rebuild
-- (edubureau safety-rebuild, and the end of `generate --hazards`) recomputes
-- them and sets settings.hazard_counts_valid = '1'. The summary reads them
-- only while that setting is '1'. A database that already holds hazards
-- gets empty tables here and keeps the detailed queries until the rebuild.
CREATE TABLE hazard_found_counts (
    unit_path TEXT NOT NULL,
    month TEXT NOT NULL,                     -- 'YYYY-MM' of found_on
    grade TEXT NOT NULL,
    category_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (unit_path, month, grade, category_id, status)
);

CREATE TABLE hazard_closed_counts (
    unit_path TEXT NOT NULL,
    month TEXT NOT NULL,                     -- 'YYYY-MM' of closed_on
    grade TEXT NOT NULL,
    category_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (unit_path, month, grade, category_id)
);

CREATE TABLE hazard_close_days (
    unit_path TEXT NOT NULL,
    month TEXT NOT NULL,                     -- 'YYYY-MM' of closed_on
    days INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (unit_path, month, days)
);

CREATE TABLE hazard_open_counts (
    unit_path TEXT NOT NULL,
    deadline TEXT NOT NULL,                  -- 'YYYY-MM-DD', '' without one
    supervised INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (unit_path, deadline, supervised)
);

CREATE TABLE hazard_school_runs (
    unit_path TEXT NOT NULL,
    month TEXT NOT NULL,                     -- 'YYYY-MM' with a hazard found
    prev_month TEXT NOT NULL,                -- the school's previous one, or ''
    n INTEGER NOT NULL,
    PRIMARY KEY (unit_path, month, prev_month)
);

-- Empty counts are right for a database without hazards.
INSERT INTO settings (key, value, note)
    SELECT 'hazard_counts_valid', '1', '安全汇总计数表与隐患一致（edubureau safety-rebuild 重建）'
    WHERE NOT EXISTS (SELECT 1 FROM hazards);
