-- 002_school_scope_index.sql - one covering index for every school list,
-- count and dashboard query: the scope range on path, then the filter and
-- sort columns, so that a province's 36,000 schools are counted, filtered
-- and ordered from the index alone and only the page's rows are read.
DROP INDEX schools_path;
CREATE INDEX schools_scope ON schools (path, status, type, nature, area, town_id, group_id, code,
                                       name, short_name);
-- Counting the 街道/乡镇 (or any level) of a subtree from the index alone.
CREATE INDEX org_units_level ON org_units (level, path);
