#!/usr/bin/env bash
# Durable ticket issuing under load, beside plain SQLite on the same disk.
# Builds the release binary, starts a hub on the load-test hall with a fresh
# database in DIR (default: a new folder under ./target), runs
#   yimen loadgen --clients 64 --requests 400 --baseline-dir DIR --json
# and stops the hub. Extra arguments go to loadgen.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
dir=${BENCH_DIR:-$(mktemp -d "$PWD/target/bench.XXXXXX")}
port=${BENCH_PORT:-9471}
target/release/yimen hub --config bench/hall --db "$dir/load.db" --listen "127.0.0.1:$port" 2>"$dir/hub.log" &
hub=$!
trap 'kill $hub 2>/dev/null; wait $hub 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break
  sleep 0.1
done
# Warm up: connections, the kiosk key check, the page cache.
target/release/yimen loadgen --hub "http://127.0.0.1:$port" --clients 64 --requests 10 >/dev/null
target/release/yimen loadgen --hub "http://127.0.0.1:$port" --clients 64 --requests 400 --baseline-dir "$dir" --json "$@"
