#!/usr/bin/env bash
# deps.sh - install what edubureau needs on Debian 12, only what is missing.
# Called by `make demo` and `make check`; safe to run again.
#   scripts/deps.sh          build and run dependencies
#   scripts/deps.sh --test   also what the tests need (chromium, node packages)
#   scripts/deps.sh --bench  also what the benchmarks need (wrk, sqlite3, time)
set -euo pipefail

want=(gcc make pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev
      libxlsxwriter-dev libzip-dev libexpat1-dev zlib1g-dev libpq-dev libcmocka-dev nodejs npm)
for arg in "$@"; do
  case "$arg" in
    --test) want+=(chromium fonts-noto-cjk) ;;
    --bench) want+=(wrk sqlite3 time) ;;
  esac
done

missing=()
for pkg in "${want[@]}"; do
  if [ "$pkg" = nodejs ] || [ "$pkg" = npm ]; then
    command -v "${pkg/nodejs/node}" >/dev/null 2>&1 && continue
  fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "缺少软件包: ${missing[*]}; 请以 root 运行或先安装它们" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Front-end packages, pinned by package-lock.json (ECharts is embedded in the binary).
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.edubureau-lock; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.edubureau-lock
fi
