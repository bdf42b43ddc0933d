-- 008_stat_values_cover.sql - a covering index for reading a record's
-- stored values: the import (stats_exchange.c) reads every value of a type
-- in one query, and with (record_id, field, num, text) in the index SQLite
-- answers it from the index alone, without a lookup of each table row.
CREATE INDEX stat_values_cover ON stat_values (record_id, field, num, text);
