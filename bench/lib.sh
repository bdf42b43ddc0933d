# bench/lib.sh - what the benchmark scripts share; sourced (not run) by
# bench/run.sh, bench/safety.sh and bench/stats.sh once they have set
# ROOT, OUT, DB and BIN (and SERVER_THREADS to serve):
#
#   die MSG, need CMD MSG          stop with "bench: MSG"
#   json KEY                       a (dotted) key of the JSON on stdin
#   mb KB, ms US                   kilobytes as MB, microseconds as ms
#   bench_build                    make build/edubureau, mkdir $OUT
#   bench_reuse                    true when BENCH_KEEP_DB=1 and $DB exists
#   bench_generate LOG TAIL ARGS   a fresh $DB from `edubureau generate ARGS`
#   bench_province_user U NAME PW  a province-wide 局领导 (PROVINCE_ID, FIRST_LOGIN)
#   bench_serve LOG TRIES          serve $DB on a free port (BASE, SERVER_PID)
#   stop_server                    SIGTERM, wait; the exit code in SERVER_RC
#   login USER PW                  prints "cookie csrf"
#   bench_first_login U PW1 PW2    the first-login password change if needed
#   bench_wrk NAME COOKIE PATH ... wrk with bench/report.lua; R_* from RESULT

die() { echo "bench: $*" >&2; exit 1; }

# need CMD MESSAGE: stops with MESSAGE unless CMD is installed
need() { command -v "$1" >/dev/null || die "$2"; }

json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o==null?o:o[k],JSON.parse(s));console.log(v==null?"":v)})' "$1"; }

mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }

bench_build() {
  echo "== build"
  make -s build/edubureau
  mkdir -p "$OUT"
}

# bench_reuse: true (and says so) when BENCH_KEEP_DB=1 asks to keep an existing $DB
bench_reuse() { [ "${BENCH_KEEP_DB:-0}" = 1 ] && [ -f "$DB" ] && echo "== reusing $DB"; }

# bench_generate LOG TAIL ARGS...: removes $DB, runs `$BIN generate ARGS
# --db $DB --seed 2021` into LOG, shows LOG's last TAIL lines (0: none), the
# time taken and the database's size.
bench_generate() {
  local log=$1 tail=$2 t0 t1
  shift 2
  rm -f "$DB" "$DB-wal" "$DB-shm"
  t0=$(date +%s%N)
  "$BIN" generate "$@" --db "$DB" --seed 2021 >"$log" 2>&1 \
    || { tail -20 "$log"; die "generate failed"; }
  t1=$(date +%s%N)
  [ "$tail" = 0 ] || sed 's/^/   /' "$log" | tail -"$tail"
  printf '   generated in %s s, database %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) / 1e9}')" "$(du -h "$DB" | cut -f1)"
}

# bench_province_user USER NAME PASSWORD: sets PROVINCE_ID (the top of the
# tree: the first, unindented line of `org list`, "ID 名称 [省]") and adds
# USER as a 局领导 of the whole province unless it exists; FIRST_LOGIN=1
# when it was added (its password still to be changed).
bench_province_user() {
  PROVINCE_ID=$("$BIN" org list --db "$DB" | awk 'NR==1 {print $1}')
  [[ "$PROVINCE_ID" =~ ^[0-9]+$ ]] || die "province id not found in 'org list'"
  echo "   province org id: $PROVINCE_ID ($("$BIN" org list --db "$DB" | head -1))"
  if ! "$BIN" user list --db "$DB" 2>/dev/null | grep -qw "$1"; then
    "$BIN" user add "$1" --role leader --name "$2" --scope "$PROVINCE_ID" \
      --password "$3" --db "$DB" >/dev/null || die "user add $1 failed"
    FIRST_LOGIN=1
  else
    FIRST_LOGIN=0
  fi
}

# bench_serve LOG TRIES: serves $DB on a free loopback port (BASE) with
# --threads $SERVER_THREADS, output to LOG; stop_server runs on EXIT; waits
# up to TRIES x 0.1 s for GET /api/health.
bench_serve() {
  local log=$1 tries=$2 port
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  BASE=http://127.0.0.1:$port
  echo "== serve on $BASE (threads $SERVER_THREADS)"
  "$BIN" serve --db "$DB" --port "$port" --bind 127.0.0.1 --threads "$SERVER_THREADS" --quiet \
    >"$log" 2>&1 &
  SERVER_PID=$!
  SERVER_RC=
  trap stop_server EXIT
  for _ in $(seq 1 "$tries"); do
    curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log"; die "server exited"; }
    sleep 0.1
  done
  curl -fsS "$BASE/api/health" >/dev/null || die "server not ready"
}

stop_server() {
  if [ -z "$SERVER_RC" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    SERVER_RC=0
    wait "$SERVER_PID" 2>/dev/null || SERVER_RC=$?
  fi
}

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

# bench_first_login USER OLD NEW: when FIRST_LOGIN=1, logs in as USER and
# changes its password from OLD to NEW through the API.
bench_first_login() {
  local c t
  [ "$FIRST_LOGIN" = 1 ] || return 0
  read -r c t < <(login "$1" "$2") || true
  [ -n "${c:-}" ] || die "first login of $1 failed"
  curl -fsS -H "Cookie: $c" -H "X-CSRF-Token: $t" -H 'Content-Type: application/json' \
    --data "{\"old_password\":\"$2\",\"new_password\":\"$3\"}" \
    "$BASE/api/me/password" >/dev/null || die "password change for $1 failed"
}

# bench_wrk NAME COOKIE PATH [WRK OPTIONS...]: checks that GET PATH answers
# 200, runs wrk -t$WRK_THREADS -c$CONNS -d$DURATION --latency with the
# cookie and bench/report.lua, shows its output and sets R_<key> from its
# RESULT line (R_rps, R_requests, R_errors, R_non2xx, R_p50_us, R_p99_us, ...)
# and R_p50_ms, R_p99_ms; socket errors or non-2xx replies set FAILED=1.
bench_wrk() {
  local name=$1 cookie=$2 path=$3 code out line
  shift 3
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$BASE$path")
  [ "$code" = 200 ] || die "$name: GET $path answered $code"
  echo "== wrk: $name  ($path)"
  out=$(EDU_COOKIE="$cookie" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" "$@" --latency \
        -s "$ROOT/bench/report.lua" "$BASE$path")
  echo "$out" | grep -v '^RESULT' | sed 's/^/   /'
  line=$(echo "$out" | grep '^RESULT' || true)
  [ -n "$line" ] || die "$name: no RESULT line from wrk"
  eval "$(echo "${line#RESULT }" | tr ' ' '\n' | sed 's/^/R_/')"
  if [ "$R_errors" != 0 ] || [ "$R_non2xx" != 0 ]; then
    echo "   $name: $R_errors socket errors, $R_non2xx non-2xx replies" >&2
    FAILED=1
  fi
  R_p50_ms=$(ms "$R_p50_us")
  R_p99_ms=$(ms "$R_p99_us")
}
