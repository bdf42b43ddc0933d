#!/usr/bin/env bash
# bench/stats.sh - the 基表 import benchmark (issue 3): a province-size
# statistics file (36,000 schools) and a 1,000,000-row CSV through
# `edubureau import`, each printed as rows/s and peak memory beside SQLite's
# own raw insert rate for the same rows (sqlite3 CLI: .import of the same
# CSV into a temp table, one transaction), on the same run.
#
#   bench/stats.sh
#
# 1. builds the release binary (make build/edubureau);
# 2. generates a province with statistics into bench/out/stats.db
#    (`edubureau generate --counties 100 --stats`);
# 3. exports the 2021 statistics (`edubureau export --year 2021 --out
#    bench/out/stats-2021.xlsx`) and times `edubureau import --year 2021`
#    of that file (check only: it must find zero problems and zero changes),
#    then of a copy with one value changed (图书 + 1 of a school whose
#    record is not approved) with --apply; the database is copied first and
#    the copy is used, so the run can be repeated;
# 4. writes CSVs of 250,000, 500,000 and 1,000,000 rows (the 小学 sheet's
#    schools repeated in order) and times the check of each (a school
#    appearing more than once may be a problem: then only the check path is
#    measured, which is all the import does with such a file);
# 5. times the sqlite3 CLI importing each file's rows (.import --csv into a
#    temp table of the same width, one transaction) and prints the ratio and
#    the peak memory (/usr/bin/time: maximum resident set size) per size.
#
# Goals printed: within 3x of SQLite's raw insert rate; memory flat as the
# file grows (peak RSS at 1M rows not above 1.5x the peak at 250k: the
# importer reads the file in chunks, so its size does not count). The CPU
# seconds (user + sys) are printed beside the elapsed ones: on a shared
# machine they show the work done when the wall clock shows the load.
#
# Environment: BENCH_COUNTIES (100), BENCH_YEAR (2021), BENCH_SIZES
# ("250000 500000 1000000"), BENCH_KEEP_DB=1 reuses bench/out/stats.db and
# the generated files, BENCH_STRICT=1 exits 1 when a goal is missed.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
DB=$OUT/stats.db
WORK=$OUT/stats-work.db
BIN=$ROOT/build/edubureau
COUNTIES=${BENCH_COUNTIES:-100}
YEAR=${BENCH_YEAR:-2021}
SIZES=${BENCH_SIZES:-"250000 500000 1000000"}
XLSX=$OUT/stats-$YEAR.xlsx
TIME=/usr/bin/time

. "$ROOT/bench/lib.sh"
[ -x "$TIME" ] || die "/usr/bin/time 未安装 (scripts/deps.sh --bench)"
need sqlite3 "sqlite3 CLI 未安装 (scripts/deps.sh --bench)"
need node "node 未安装"

bench_build

if ! bench_reuse; then
  rm -f "$XLSX"
  echo "== generate: $COUNTIES counties with statistics -> $DB"
  bench_generate "$OUT/stats-generate.log" 10 --counties "$COUNTIES" --stats
fi
RECORDS=$(sqlite3 -readonly "$DB" "SELECT COUNT(*) FROM stat_records WHERE year = $YEAR")
SCHOOLS=$(sqlite3 -readonly "$DB" "SELECT COUNT(*) FROM schools")
echo "   $SCHOOLS schools, $RECORDS records of $YEAR"
[ "$RECORDS" -gt 0 ] || die "no statistics of $YEAR in $DB (generate --stats)"

# timed LABEL LOG -- CMD...: runs CMD under /usr/bin/time; sets T_SEC, T_CPU, T_KB, T_RC.
timed() {
  local label=$1 log=$2; shift 3
  local tf; tf=$(mktemp)
  set +e
  "$TIME" -f 'ELAPSED %e\nCPU %U %S\nMAXRSS %M' -o "$tf" "$@" >"$log" 2>&1
  T_RC=$?
  set -e
  T_SEC=$(awk '/^ELAPSED/ {print $2}' "$tf")
  T_CPU=$(awk '/^CPU/ {printf "%.2f", $2 + $3}' "$tf")
  T_KB=$(awk '/^MAXRSS/ {print $2}' "$tf")
  rm -f "$tf"
  printf '   %-34s exit %s, %s s (cpu %s s), peak %s MB\n' "$label" "$T_RC" "$T_SEC" "$T_CPU" "$(mb "$T_KB")"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 0.01; printf "%.0f", n / s }'; }

# SQLite's own rate: .import of CSV (header skipped) into a temp table of WIDTH columns.
sqlite_raw() {
  local csv=$1 width=$2 rows=$3 cols tf
  cols=$(seq 1 "$width" | sed 's/^/c/' | paste -sd, -)
  tf=$(mktemp)
  set +e
  "$TIME" -f 'ELAPSED %e\nCPU %U %S\nMAXRSS %M' -o "$tf" sqlite3 "$OUT/stats-raw.db" \
    "PRAGMA journal_mode=WAL;" "PRAGMA synchronous=NORMAL;" \
    "CREATE TEMP TABLE t ($cols);" ".import --csv --skip 1 --schema temp $csv t" \
    "SELECT COUNT(*) FROM temp.t;" >"$OUT/stats-raw.log" 2>&1
  local rc=$?
  set -e
  [ $rc = 0 ] || { cat "$OUT/stats-raw.log" >&2; die "sqlite3 .import failed"; }
  R_SEC=$(awk '/^ELAPSED/ {print $2}' "$tf")
  R_CPU=$(awk '/^CPU/ {printf "%.2f", $2 + $3}' "$tf")
  R_KB=$(awk '/^MAXRSS/ {print $2}' "$tf")
  rm -f "$tf" "$OUT/stats-raw.db" "$OUT/stats-raw.db-wal" "$OUT/stats-raw.db-shm"
  local got; got=$(grep -E '^[0-9]+$' "$OUT/stats-raw.log" | tail -1)
  [ "$got" = "$rows" ] || echo "   warning: sqlite3 imported $got rows, expected $rows" >&2
  R_RATE=$(rate "$rows" "$R_SEC")
}

declare -a REPORT
FAILED=0
verdict() {  # ours_rate raw_rate
  if awk -v a="$1" -v b="$2" 'BEGIN {exit !(a * 3 >= b)}'; then echo "within 3x: ok"; else echo "within 3x: MISSED"; fi
}

# ---- 1. the province file
echo "== export $YEAR -> $XLSX"
if [ "${BENCH_KEEP_DB:-0}" = 1 ] && [ -f "$XLSX" ]; then echo "   reusing $XLSX"
else timed "export" "$OUT/stats-export.log" -- "$BIN" export --year "$YEAR" --out "$XLSX" --db "$DB"
     [ "$T_RC" = 0 ] || { cat "$OUT/stats-export.log"; die "export failed"; }
fi
ROWS=$(node bench/stats-data.mjs rows "$XLSX" | json rows)
echo "   $ROWS school rows, $(du -h "$XLSX" | cut -f1)"
XCSV=$OUT/stats-$YEAR-rows.csv
XWIDTH=$(node bench/stats-data.mjs tocsv "$XLSX" "$XCSV" | json columns)

cp "$DB" "$WORK"; rm -f "$WORK-wal" "$WORK-shm"
# migrations newer than the generated database are applied here, not in the timed runs
"$BIN" migrate --db "$WORK" >"$OUT/stats-migrate.log" 2>&1 || { cat "$OUT/stats-migrate.log"; die "migrate failed"; }
echo "== import (check only) of the export"
timed "import $ROWS rows (check)" "$OUT/stats-import-check.log" -- "$BIN" import --year "$YEAR" "$XLSX" --db "$WORK"
tail -3 "$OUT/stats-import-check.log" | sed 's/^/     /'
[ "$T_RC" = 0 ] || { echo "   the export does not import back cleanly" >&2; FAILED=1; }
CHECK_SEC=$T_SEC; CHECK_CPU=$T_CPU; CHECK_KB=$T_KB

# one value changed, on a record that is not approved (one is set back to 草稿 in the copy if needed)
CODE=$(sqlite3 -readonly "$WORK" "SELECT s.code FROM stat_records r JOIN schools s ON s.id = r.school_id WHERE r.year = $YEAR AND r.status IN ('草稿','已退回') AND r.school_type = '小学' ORDER BY s.code LIMIT 1")
if [ -z "$CODE" ]; then
  CODE=$(sqlite3 "$WORK" "UPDATE stat_records SET status = '已退回' WHERE id = (SELECT r.id FROM stat_records r WHERE r.year = $YEAR AND r.school_type = '小学' ORDER BY r.id LIMIT 1) RETURNING (SELECT code FROM schools WHERE id = school_id)")
fi
EDITED=$OUT/stats-$YEAR-edited.xlsx
node bench/stats-data.mjs edit "$XLSX" "$EDITED" "$CODE" | sed 's/^/   edit: /'
echo "== import --apply of the export with one value changed (school $CODE)"
timed "import $ROWS rows (--apply)" "$OUT/stats-import-apply.log" -- "$BIN" import --year "$YEAR" "$EDITED" --apply --db "$WORK"
tail -3 "$OUT/stats-import-apply.log" | sed 's/^/     /'
[ "$T_RC" = 0 ] || { echo "   import --apply failed" >&2; FAILED=1; }
APPLY_SEC=$T_SEC; APPLY_CPU=$T_CPU; APPLY_KB=$T_KB

sqlite_raw "$XCSV" "$XWIDTH" "$ROWS"
echo "   sqlite3 .import of the same $ROWS rows ($XWIDTH columns): $R_SEC s (cpu $R_CPU s), $R_RATE rows/s"
X_RAW=$R_RATE; X_RAW_CPU=$R_CPU
row() {  # label rows seconds cpu kb raw_rate raw_cpu
  printf '%-24s %10s %9s %7s %12s %10s %14s %9s   %s' "$1" "$2" "$3" "$4" "$(rate "$2" "$3")" "$(mb "$5")" "$6" "$7" \
    "$(verdict "$(rate "$2" "$3")" "$6")"
}
REPORT+=("$(row "province xlsx (check)" "$ROWS" "$CHECK_SEC" "$CHECK_CPU" "$CHECK_KB" "$X_RAW" "$X_RAW_CPU")")
REPORT+=("$(row "province xlsx (--apply)" "$ROWS" "$APPLY_SEC" "$APPLY_CPU" "$APPLY_KB" "$X_RAW" "$X_RAW_CPU")")

# ---- 2. CSVs of growing size
declare -A PEAK
for n in $SIZES; do
  csv=$OUT/stats-$n.csv
  if [ "${BENCH_KEEP_DB:-0}" != 1 ] || [ ! -f "$csv" ]; then
    info=$(node bench/stats-data.mjs bigcsv "$XLSX" "$csv" "$n")
  else info="reused"; fi
  width=$(head -1 "$csv" | awk -F, '{print NF}')
  echo "== CSV of $n rows ($(du -h "$csv" | cut -f1), $width columns) $info"
  timed "import $n rows (check)" "$OUT/stats-import-$n.log" -- "$BIN" import --year "$YEAR" "$csv" --db "$WORK"
  tail -2 "$OUT/stats-import-$n.log" | sed 's/^/     /'
  if [ "$T_RC" != 0 ] && [ "$T_RC" != 1 ]; then echo "   import crashed (exit $T_RC)" >&2; FAILED=1; fi
  note="check"
  [ "$T_RC" = 1 ] && note="check, problems"
  sqlite_raw "$csv" "$width" "$n"
  PEAK[$n]=$T_KB
  REPORT+=("$(row "CSV $n ($note)" "$n" "$T_SEC" "$T_CPU" "$T_KB" "$R_RATE" "$R_CPU")")
done

echo
echo "== edubureau 基表 import benchmark ($(nproc) CPUs, $(date -u +%F))"
printf '%-24s %10s %9s %7s %12s %10s %14s %9s   %s\n' file rows seconds 'cpu s' 'rows/s' 'peak MB' 'sqlite rows/s' 'sqlite cpu' goal
printf '%s\n' "${REPORT[@]}"
if printf '%s\n' "${REPORT[@]}" | grep -q MISSED && [ "$FAILED" = 0 ]; then FAILED=2; fi
first=${SIZES%% *}; last=${SIZES##* }
if [ -n "${PEAK[$first]:-}" ] && [ -n "${PEAK[$last]:-}" ]; then
  # flat: the peak at the largest file stays under 1.5x the peak at the smallest
  if awk -v a="${PEAK[$first]}" -v b="${PEAK[$last]}" 'BEGIN {exit !(b <= a * 1.5)}'; then
    v="memory flat: ok"; else v="memory flat: MISSED"; [ "$FAILED" = 1 ] || FAILED=2; fi
  echo "peak memory $first rows $(mb "${PEAK[$first]}") MB -> $last rows $(mb "${PEAK[$last]}") MB ($v)"
fi
rm -f "$WORK" "$WORK-wal" "$WORK-shm"

if [ "$FAILED" = 1 ]; then exit 1; fi
if [ "$FAILED" = 2 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then exit 1; fi
exit 0
