-- report.lua - wrk script for bench/run.sh: sends the session cookie (env
-- EDU_COOKIE, "edu_session=...") and prints one machine-readable line:
--   RESULT requests=N duration_us=N rps=F p50_us=N p99_us=N max_us=N errors=N non2xx=N
-- run.sh parses it (wrk's own text output is kept above it for people).
local cookie = os.getenv("EDU_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max, socket_errors, e.status))
end
