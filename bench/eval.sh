#!/usr/bin/env bash
# bench/eval.sh - the 评估 benchmark (issue 4): GET /api/eval/balanced
# (小学 and 初中), /api/eval/preschool, /api/eval/class-size and
# /api/eval/counties (the counties side by side, 小学) at county
# scope (长葛市, 352 schools) and at province scope (100 counties, about
# 36,000 schools with 2021 基表), each beside SQLite's own time for the
# same aggregates written as one query.
#
#   bench/eval.sh
#
# 1. builds the release binary (make build/edubureau);
# 2. generates a province with statistics into bench/out/eval.db
#    (`edubureau generate --counties 100 --stats`: the 2021 records);
# 3. adds a province-wide 系统管理员 "benche" (`edubureau user add --role
#    admin --scope <province>`), serves the database (--threads 4) and does
#    its first-login password change; the county is 长葛市's demo admin;
# 4. runs wrk (-t1 -c1 -d10s --latency, bench/report.lua: one request at a
#    time, so p50/p99 are the evaluation's own latency) for each request at
#    each scope;
# 5. stops the server and times with the sqlite3 CLI (.timer on, -readonly,
#    warm cache, the median of BENCH_SQL_RUNS runs) the aggregates in one
#    query each, for the county and the province: the 7 values of every
#    小学 part from stat_values and the enrollment-weighted CV of one
#    indicator (pe_art_teachers), and the class-size sums by stage;
# 6. prints req/s, p50, p99 and the SQLite time side by side with the goals
#    (county p99 < 20 ms, province p99 < 1 s).
#
# Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (1), BENCH_THREADS
# (1), SERVER_THREADS (4), BENCH_COUNTIES (100), BENCH_YEAR (2021),
# BENCH_SQL_RUNS (5), BENCH_TIMEOUT (wrk --timeout, 60s), BENCH_KEEP_DB=1
# reuses bench/out/eval.db, BENCH_BIN runs another binary (not rebuilt),
# BENCH_STRICT=1 exits 1 when a goal is missed.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
DB=$OUT/eval.db
BIN=${BENCH_BIN:-$ROOT/build/edubureau}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-1}
WRK_THREADS=${BENCH_THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-4}
COUNTIES=${BENCH_COUNTIES:-100}
YEAR=${BENCH_YEAR:-2021}
SQL_RUNS=${BENCH_SQL_RUNS:-5}
WRK_TIMEOUT=${BENCH_TIMEOUT:-60s}
COUNTY_GOAL_MS=20
PROVINCE_GOAL_MS=1000
BENCH_USER=benche
BENCH_PASS1='Bench@2026x'
BENCH_PASS2='Bench@2026y'
COUNTY_USER=admin
COUNTY_PASS='Demo@2021'

. "$ROOT/bench/lib.sh"
need wrk "wrk 未安装 (scripts/deps.sh --bench 或 apt-get install wrk)"
need curl "curl 未安装"
need node "node 未安装"
HAVE_SQLITE=1
command -v sqlite3 >/dev/null || { HAVE_SQLITE=0; echo "bench: sqlite3 CLI 未安装 (scripts/deps.sh --bench): SQLite times are not printed" >&2; }

if [ -z "${BENCH_BIN:-}" ]; then bench_build; else mkdir -p "$OUT"; fi
if ! bench_reuse; then
  rm -rf "$DB.files"
  echo "== generate: $COUNTIES counties with statistics -> $DB"
  bench_generate "$OUT/eval-generate.log" 6 --counties "$COUNTIES" --stats
fi

# The province-wide 系统管理员 (bench_province_user makes a 局领导; the
# evaluation is measured as the bureau's admin at both scopes).
PROVINCE_ID=$("$BIN" org list --db "$DB" | awk 'NR==1 {print $1}')
[[ "$PROVINCE_ID" =~ ^[0-9]+$ ]] || die "province id not found in 'org list'"
FIRST_LOGIN=0
if ! "$BIN" user list --db "$DB" 2>/dev/null | grep -qw "$BENCH_USER"; then
  "$BIN" user add "$BENCH_USER" --role admin --name 省级评估 --scope "$PROVINCE_ID" \
    --password "$BENCH_PASS1" --db "$DB" >/dev/null || die "user add $BENCH_USER failed"
  FIRST_LOGIN=1
fi

bench_serve "$OUT/eval-server.log" 600
bench_first_login "$BENCH_USER" "$BENCH_PASS1" "$BENCH_PASS2"
read -r PCOOKIE _ < <(login "$BENCH_USER" "$BENCH_PASS2") || true
read -r CCOOKIE _ < <(login "$COUNTY_USER" "$COUNTY_PASS") || true
[ -n "${PCOOKIE:-}" ] && [ -n "${CCOOKIE:-}" ] || die "login failed"

get() { curl -fsS -H "Cookie: $1" "$BASE$2"; }
for who in county province; do
  c=$([ $who = county ] && echo "$CCOOKIE" || echo "$PCOOKIE")
  body=$(get "$c" "/api/eval/balanced?year=$YEAR&stage=primary")
  echo "   $who: $(echo "$body" | json org.name), 小学 parts $(echo "$body" | json schools_total), passing $(echo "$body" | json schools_passing), reply $(echo -n "$body" | wc -c) bytes"
done

SCENARIOS=(
  "balanced 小学|/api/eval/balanced?year=$YEAR&stage=primary|primary"
  "balanced 初中|/api/eval/balanced?year=$YEAR&stage=junior|junior"
  "preschool|/api/eval/preschool?year=$YEAR|preschool"
  "class-size|/api/eval/class-size?year=$YEAR|size"
  "counties 小学|/api/eval/counties?year=$YEAR&stage=primary|counties"
)
declare -A RPS P50 P99 SIZE
FAILED=0
for who in county province; do
  c=$([ $who = county ] && echo "$CCOOKIE" || echo "$PCOOKIE")
  for sc in "${SCENARIOS[@]}"; do
    IFS='|' read -r name path key <<<"$sc"
    bench_wrk "$who $name" "$c" "$path" --timeout "$WRK_TIMEOUT"
    if [ "$R_requests" = 0 ]; then
      echo "   $who $name: no request completed in $DURATION" >&2
      FAILED=1
    fi
    RPS[$who.$key]=$R_rps
    P50[$who.$key]=$R_p50_ms
    P99[$who.$key]=$R_p99_ms
    SIZE[$who.$key]=$(get "$c" "$path" | wc -c)
  done
done
HWM_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
stop_server
trap - EXIT

# ---- SQLite's own time for the same aggregates (server stopped, same file) ----
# balanced: the 7 values of every 小学 part (share 1: the split of combined
# schools is left out) and the enrollment-weighted CV of pe_art_teachers
# over them; class-size: the stage sums. Both read the records of the year
# in the scope's path range with their values, as the server does.
balanced_sql() {
  cat <<SQL
WITH v AS (
  SELECT r.id,
    SUM(CASE WHEN f.field = 'primary_pupils' THEN f.num END) AS p,
    SUM(CASE WHEN f.field IN ('teachers_postgrad', 'teachers_bachelor', 'teachers_college') THEN f.num ELSE 0 END) AS qualified,
    SUM(CASE WHEN f.field = 'teachers_key' THEN f.num ELSE 0 END) AS key_t,
    SUM(CASE WHEN f.field IN ('teachers_pe', 'teachers_music', 'teachers_art') THEN f.num ELSE 0 END) AS pe_art,
    SUM(CASE WHEN f.field = 'teaching_area' THEN f.num ELSE 0 END) AS teaching,
    SUM(CASE WHEN f.field IN ('sports_ground_area', 'gym_area') THEN f.num ELSE 0 END) AS sports,
    SUM(CASE WHEN f.field = 'equipment_value' THEN f.num ELSE 0 END) AS equipment,
    SUM(CASE WHEN f.field = 'multimedia_rooms' THEN f.num ELSE 0 END) AS rooms
  FROM stat_records r JOIN stat_values f ON f.record_id = r.id
  WHERE r.year = $YEAR AND r.path >= '$1' AND r.path < '$2' AND f.field IN ('primary_pupils',
    'teachers_postgrad', 'teachers_bachelor', 'teachers_college', 'teachers_key', 'teachers_pe',
    'teachers_music', 'teachers_art', 'teaching_area', 'sports_ground_area', 'gym_area',
    'equipment_value', 'multimedia_rooms')
  GROUP BY r.id),
x AS (SELECT p, 100.0 * qualified / p AS q, 100.0 * key_t / p AS k, 100.0 * pe_art / p AS x,
        teaching / p AS t, sports / p AS s, equipment / p AS e, 100.0 * rooms / p AS m
      FROM v WHERE p > 0),
w AS (SELECT SUM(p * x) / SUM(p) AS mean, SUM(p) AS total FROM x)
SELECT COUNT(*), SUM(q + k + t + s + e + m), w.mean,
       sqrt(SUM(x.p / w.total * (x.x - w.mean) * (x.x - w.mean))) / w.mean AS cv
FROM x, w;
SQL
}
size_sql() {
  cat <<SQL
SELECT f.field, SUM(f.num), COUNT(*) FROM stat_records r JOIN stat_values f ON f.record_id = r.id
WHERE r.year = $YEAR AND r.path >= '$1' AND r.path < '$2' AND f.field IN ('primary_classes',
  'primary_pupils', 'primary_classes_56_65', 'primary_classes_66plus', 'junior_classes',
  'junior_pupils', 'junior_classes_56_65', 'junior_classes_66plus', 'senior_classes',
  'senior_pupils', 'senior_classes_56_65', 'senior_classes_66plus', 'capacity')
GROUP BY f.field;
SQL
}

# sqlite_ms SQL -> the median over SQL_RUNS runs of the "real" time (ms)
sqlite_ms() {
  local sql=$1 script runs=()
  script=$(mktemp)
  for _ in $(seq 1 "$SQL_RUNS"); do
    { echo ".timer on"; echo "$sql"; echo ".timer off"; echo "SELECT 'RUN-END';"; } >>"$script"
  done
  mapfile -t runs < <(sqlite3 -readonly "$DB" <"$script" 2>&1 | awk '
    /^Run Time:/ { for (i = 1; i <= NF; i++) if ($i == "real") s += $(i + 1) }
    /^RUN-END$/ { printf "%.3f\n", s * 1000; s = 0 }')
  rm -f "$script"
  [ "${#runs[@]}" -gt 0 ] || { echo "?"; return; }
  printf '%s\n' "${runs[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

declare -A SQLMS
if [ "$HAVE_SQLITE" = 1 ]; then
  COUNTY_LO=$(sqlite3 -readonly "$DB" "SELECT o.path FROM users u JOIN org_units o ON o.id = u.scope_org_id WHERE u.username = '$COUNTY_USER'")
  PROVINCE_LO=$(sqlite3 -readonly "$DB" "SELECT path FROM org_units WHERE id = $PROVINCE_ID")
  echo "== sqlite3 CLI: the same aggregates ($SQL_RUNS runs each, median)"
  for who in county province; do
    lo=$([ $who = county ] && echo "$COUNTY_LO" || echo "$PROVINCE_LO")
    hi="${lo%/}0"
    echo "   $who ($lo): 小学 parts, Σ values, mean and CV of pe_art_teachers: $(sqlite3 -readonly "$DB" "$(balanced_sql "$lo" "$hi")")"
    SQLMS[$who.balanced]=$(sqlite_ms "$(balanced_sql "$lo" "$hi")")
    SQLMS[$who.size]=$(sqlite_ms "$(size_sql "$lo" "$hi")")
  done
fi

HWM_MB=$(mb "${HWM_KB:-0}")
echo
echo "== edubureau 评估 benchmark, year $YEAR"
echo "   wrk -t$WRK_THREADS -c$CONNS -d$DURATION on 127.0.0.1, server --threads $SERVER_THREADS, $(nproc) CPUs"
printf '%-24s %10s %10s %10s %12s %12s   %s\n' scenario 'req/s' 'p50 ms' 'p99 ms' 'reply KB' 'sqlite3 ms' goal
for who in county province; do
  goal=$([ $who = county ] && echo $COUNTY_GOAL_MS || echo $PROVINCE_GOAL_MS)
  for sc in "${SCENARIOS[@]}"; do
    IFS='|' read -r name _ key <<<"$sc"
    sq=n/a
    case $key in primary) sq=${SQLMS[$who.balanced]:-n/a} ;; size) sq=${SQLMS[$who.size]:-n/a} ;; esac
    if awk -v p="${P99[$who.$key]}" -v g="$goal" 'BEGIN {exit !(p < g)}'; then v="p99 < $goal ms: ok"
    else v="p99 < $goal ms: MISSED"; FAILED=$([ "${BENCH_STRICT:-0}" = 1 ] && echo 1 || echo "$FAILED"); fi
    printf '%-24s %10.1f %10s %10s %12s %12s   %s\n' "$who $name" "${RPS[$who.$key]}" "${P50[$who.$key]}" \
      "${P99[$who.$key]}" "$(awk -v b="${SIZE[$who.$key]}" 'BEGIN {printf "%.0f", b / 1024}')" "$sq" "$v"
  done
done
echo "(sqlite3: balanced 小学 = the 7 values of every part and the weighted CV of one indicator; class-size = the stage sums)"
echo "peak memory (VmHWM) ${HWM_MB} MB; server exit code on SIGTERM: $SERVER_RC"
[ "$HAVE_SQLITE" = 1 ] || echo "(sqlite3 CLI missing: scripts/deps.sh --bench installs it)"
[ "$SERVER_RC" = 0 ] || FAILED=1
exit "$FAILED"
