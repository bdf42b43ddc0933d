#!/usr/bin/env bash
# bench/run.sh - province-size benchmark of edubureau with wrk on loopback.
#
#   bench/run.sh            (or: make bench)
#
# 1. builds the release binary (make build/edubureau);
# 2. generates a province: 长葛市 with its demo users plus 99 synthetic
#    counties (about 36,000 schools) into bench/out/province.db;
# 3. adds a province-wide 局领导 "benchp" and does its first-login password
#    change through the API;
# 4. serves it (--threads 4) and runs wrk (-t2 -c4 -d10s --latency) for each
#    scenario with the session cookie;
# 5. prints requests/s and p50/p99 latency per scenario, the server's peak
#    memory (VmHWM), and the goals beside them; stops the server with SIGTERM.
#
# Environment: BENCH_DURATION (default 10s), BENCH_CONNECTIONS (4: one per server thread),
# BENCH_THREADS (wrk threads, 2), SERVER_THREADS (4), BENCH_COUNTIES (100),
# BENCH_KEEP_DB=1 reuses an existing bench/out/province.db,
# BENCH_STRICT=1 exits 1 when a goal is missed.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
DB=$OUT/province.db
BIN=$ROOT/build/edubureau
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-4}
WRK_THREADS=${BENCH_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-4}
COUNTIES=${BENCH_COUNTIES:-100}
PASSWORD=Demo@2021
BENCH_USER=benchp
BENCH_PASS1='Bench@2026x'
BENCH_PASS2='Bench@2026y'

. "$ROOT/bench/lib.sh"
need wrk "wrk 未安装 (scripts/deps.sh --bench 或 apt-get install wrk)"
need curl "curl 未安装"
need node "node 未安装"

bench_build
if ! bench_reuse; then
  echo "== generate: $COUNTIES counties -> $DB"
  bench_generate "$OUT/generate.log" 0 --counties "$COUNTIES"
fi

bench_province_user "$BENCH_USER" 省级 "$BENCH_PASS1"
bench_serve "$OUT/server.log" 300

bench_first_login "$BENCH_USER" "$BENCH_PASS1" "$BENCH_PASS2"
read -r COUNTY_COOKIE _ < <(login leader "$PASSWORD") || true
read -r PROVINCE_COOKIE _ < <(login "$BENCH_USER" "$BENCH_PASS2") || true
[ -n "${COUNTY_COOKIE:-}" ] && [ -n "${PROVINCE_COOKIE:-}" ] || die "login failed"

total() { curl -fsS -H "Cookie: $1" "$BASE$2" | json total; }
COUNTY_TOTAL=$(total "$COUNTY_COOKIE" "/api/schools?per_page=1")
PROVINCE_TOTAL=$(total "$PROVINCE_COOKIE" "/api/schools?per_page=1")
echo "   schools: county (leader) $COUNTY_TOTAL, province ($BENCH_USER) $PROVINCE_TOTAL"
[ "${PROVINCE_TOTAL:-0}" -gt 30000 ] || echo "   warning: the province has fewer schools than expected (about 36,000)" >&2

# URL-encoded: 小学 乡村 中心
XX='%E5%B0%8F%E5%AD%A6'; XC='%E4%B9%A1%E6%9D%91'; ZX='%E4%B8%AD%E5%BF%83'
SCENARIOS=(
  "county list|$COUNTY_COOKIE|/api/schools?per_page=20|5"
  "county filtered list|$COUNTY_COOKIE|/api/schools?type=$XX&area=$XC&per_page=20|"
  "province list|$PROVINCE_COOKIE|/api/schools?per_page=20|"
  "province filtered list|$PROVINCE_COOKIE|/api/schools?type=$XX&area=$XC&per_page=20|50"
  "province search (type + q)|$PROVINCE_COOKIE|/api/schools?type=$XX&q=$ZX&per_page=20|"
  "province dashboard|$PROVINCE_COOKIE|/api/dashboard|"
)

RESULTS=()
FAILED=0
for sc in "${SCENARIOS[@]}"; do
  IFS='|' read -r name cookie path goal <<<"$sc"
  bench_wrk "$name" "$cookie" "$path"
  p99=$R_p99_ms
  p50=$R_p50_ms
  verdict=""
  if [ -n "$goal" ]; then
    if awk -v p="$p99" -v g="$goal" 'BEGIN {exit !(p < g)}'; then verdict="goal p99 < $goal ms: ok"
    else verdict="goal p99 < $goal ms: MISSED"; FAILED=2; fi
  fi
  RESULTS+=("$(printf '%-24s %10.0f %10s %10s   %s' "$name" "$R_rps" "$p50" "$p99" "$verdict")")
done

HWM_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
stop_server
trap - EXIT
HWM_MB=$(mb "$HWM_KB")
RSS_MB=$(mb "$RSS_KB")
MEM_VERDICT="goal < 50 MB: ok"
awk -v m="$HWM_MB" 'BEGIN {exit !(m < 50)}' || { MEM_VERDICT="goal < 50 MB: MISSED"; FAILED=2; }

echo
echo "== edubureau benchmark: $PROVINCE_TOTAL schools in the province, $COUNTY_TOTAL in the county"
echo "   wrk -t$WRK_THREADS -c$CONNS -d$DURATION on 127.0.0.1, server --threads $SERVER_THREADS, $(nproc) CPUs"
printf '%-24s %10s %10s %10s\n' scenario 'req/s' 'p50 ms' 'p99 ms'
for r in "${RESULTS[@]}"; do echo "$r"; done
echo "peak memory (VmHWM)      ${HWM_MB} MB (RSS at the end ${RSS_MB} MB)   $MEM_VERDICT"
echo "server exit code on SIGTERM: $SERVER_RC"

if [ "$FAILED" = 1 ]; then exit 1; fi
if [ "$FAILED" = 2 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then exit 1; fi
exit 0
