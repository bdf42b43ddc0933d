-- 004_safety_indexes.sql - covering indexes for the 安全 summary and the
-- filtered hazard list (bench/safety.sh: 1,000,000 hazards in a province).
--
-- Each summary query reads one index range in the index's order, so that
-- SQLite groups as it reads (no sort) and never touches the table:
--   found in the period by day, grade, category and status;
--   closed in the period by day, grade and category;
--   closed in the period by (closed_on, found_on), for the median;
--   open hazards (status, grade) in scope, with deadline and supervised;
--   the schools with a hazard found in the period: COUNT(DISTINCT school_id)
--   from hazards_found_days, or, when more hazards were found than there are
--   schools, one probe per school into hazards_school_found.
-- The hazard list filtered by status and grade counts and pages from
-- hazards_open. hazards_found (found_on) and hazards_school (school_id) are
-- prefixes of the new indexes and go.
DROP INDEX hazards_found;
DROP INDEX hazards_school;
CREATE INDEX hazards_found_days ON hazards (found_on, grade, category_id, status, path, school_id);
CREATE INDEX hazards_closed_days ON hazards (closed_on, grade, category_id, status, path);
CREATE INDEX hazards_closed_found ON hazards (closed_on, found_on, status, path);
CREATE INDEX hazards_open ON hazards (status, grade, path, deadline, supervised, found_on);
CREATE INDEX hazards_school_found ON hazards (school_id, found_on, path);
ANALYZE hazards;
