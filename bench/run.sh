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

die() { echo "bench: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk 未安装 (scripts/deps.sh --bench 或 apt-get install wrk)"
command -v curl >/dev/null || die "curl 未安装"
command -v node >/dev/null || die "node 未安装"

echo "== build"
make -s build/edubureau

mkdir -p "$OUT"
if [ "${BENCH_KEEP_DB:-0}" = 1 ] && [ -f "$DB" ]; then
  echo "== reusing $DB"
else
  rm -f "$DB" "$DB-wal" "$DB-shm"
  echo "== generate: $COUNTIES counties -> $DB"
  t0=$(date +%s%N)
  "$BIN" generate --counties "$COUNTIES" --db "$DB" --seed 2021 >"$OUT/generate.log" 2>&1 \
    || { tail -20 "$OUT/generate.log"; die "generate failed"; }
  t1=$(date +%s%N)
  printf '   generated in %s s, database %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) / 1e9}')" "$(du -h "$DB" | cut -f1)"
fi

# The province org unit: the top of the tree (the first, unindented line of
# `org list`, "ID 名称 [省]").
PROVINCE_ID=$("$BIN" org list --db "$DB" | awk 'NR==1 {print $1}')
[[ "$PROVINCE_ID" =~ ^[0-9]+$ ]] || die "province id not found in 'org list'"
echo "   province org id: $PROVINCE_ID ($("$BIN" org list --db "$DB" | head -1))"

if ! "$BIN" user list --db "$DB" 2>/dev/null | grep -qw "$BENCH_USER"; then
  "$BIN" user add "$BENCH_USER" --role leader --name 省级 --scope "$PROVINCE_ID" \
    --password "$BENCH_PASS1" --db "$DB" >/dev/null || die "user add $BENCH_USER failed"
  FIRST_LOGIN=1
else
  FIRST_LOGIN=0
fi

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
BASE=http://127.0.0.1:$PORT

echo "== serve on $BASE (threads $SERVER_THREADS)"
"$BIN" serve --db "$DB" --port "$PORT" --bind 127.0.0.1 --threads "$SERVER_THREADS" --quiet \
  >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
SERVER_RC=
stop_server() {
  if [ -z "$SERVER_RC" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    SERVER_RC=0
    wait "$SERVER_PID" 2>/dev/null || SERVER_RC=$?
  fi
}
trap stop_server EXIT

for _ in $(seq 1 300); do
  curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.log"; die "server exited"; }
  sleep 0.1
done
curl -fsS "$BASE/api/health" >/dev/null || die "server not ready"

json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o==null?o:o[k],JSON.parse(s));console.log(v==null?"":v)})' "$1"; }

# login USER PASSWORD -> prints "cookie csrf"
login() {
  local hdr body cookie csrf
  hdr=$(mktemp)
  body=$(curl -sS -D "$hdr" -H 'Content-Type: application/json' \
    --data "{\"username\":\"$1\",\"password\":\"$2\"}" "$BASE/api/login")
  cookie=$(grep -i '^set-cookie: *edu_session=' "$hdr" | head -1 | sed -E 's/^[Ss]et-[Cc]ookie: *([^;]*).*/\1/' | tr -d '\r')
  rm -f "$hdr"
  csrf=$(printf '%s' "$body" | json csrf)
  [ -n "$cookie" ] && [ -n "$csrf" ] || die "login $1 failed: $body"
  echo "$cookie $csrf"
}

if [ "$FIRST_LOGIN" = 1 ]; then
  read -r C1 T1 < <(login "$BENCH_USER" "$BENCH_PASS1") || true
  [ -n "${C1:-}" ] || die "first login of $BENCH_USER failed"
  curl -fsS -H "Cookie: $C1" -H "X-CSRF-Token: $T1" -H 'Content-Type: application/json' \
    --data "{\"old_password\":\"$BENCH_PASS1\",\"new_password\":\"$BENCH_PASS2\"}" \
    "$BASE/api/me/password" >/dev/null || die "password change for $BENCH_USER failed"
fi
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
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$BASE$path")
  [ "$code" = 200 ] || die "$name: GET $path answered $code"
  echo "== wrk: $name  ($path)"
  out=$(EDU_COOKIE="$cookie" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency \
        -s "$ROOT/bench/report.lua" "$BASE$path")
  echo "$out" | grep -v '^RESULT' | sed 's/^/   /'
  line=$(echo "$out" | grep '^RESULT' || true)
  [ -n "$line" ] || die "$name: no RESULT line from wrk"
  eval "$(echo "${line#RESULT }" | tr ' ' '\n' | sed 's/^/R_/')"
  if [ "$R_errors" != 0 ] || [ "$R_non2xx" != 0 ]; then
    echo "   $name: $R_errors socket errors, $R_non2xx non-2xx replies" >&2
    FAILED=1
  fi
  p99=$(awk -v u="$R_p99_us" 'BEGIN {printf "%.2f", u / 1000}')
  p50=$(awk -v u="$R_p50_us" 'BEGIN {printf "%.2f", u / 1000}')
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
HWM_MB=$(awk -v k="$HWM_KB" 'BEGIN {printf "%.1f", k / 1024}')
RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN {printf "%.1f", k / 1024}')
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
