#!/usr/bin/env bash
# Property-based fuzzing of the hub's HTTP API against its own OpenAPI
# document, with schemathesis (pip install schemathesis). Builds the hub,
# starts it on the sample hall with a fresh database in a temporary folder,
# runs schemathesis as each kind of caller — nobody, the kiosk, an intake
# clerk, a reviewer, the pickup window, a supervisor — with every check,
# then a logout, and stops the hub. Any 5xx, undocumented status, content
# type or body shape fails the run.
#
# Usage: scripts/fuzz-api.sh [EXAMPLES]   (per operation and caller; default 100)
# SEED picks the generator's seed (default 1); SCHEMATHESIS the command.
#
# One check is left out: positive_data_acceptance expects every request
# that fits the request schemas to succeed, but the schemas give each
# field's type, not every rule of the hall (a reason must be filled in,
# exactly one of service, queue and case, a score from 1 to 5), and the hub
# answers those with the 422 its document lists.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-100}
seed=${SEED:-1}
st=${SCHEMATHESIS:-schemathesis}
command -v "$st" >/dev/null || { echo "needs schemathesis: pip install schemathesis" >&2; exit 2; }
cargo build --no-default-features --quiet
dir=$(mktemp -d)
RUST_LOG=info target/debug/yimen hub --config kiosk-config --db "$dir/hall.db" \
  --listen 127.0.0.1:0 2>"$dir/hub.log" &
hub=$!
trap 'kill $hub 2>/dev/null; wait $hub 2>/dev/null || true; rm -rf "$dir"' EXIT
base=
for _ in $(seq 100); do
  base=$(grep -o 'hub listening on http://[0-9.:]*' "$dir/hub.log" | cut -d' ' -f4 || true)
  [ -n "$base" ] && curl -sf "$base/api/v1/health" >/dev/null && break
  sleep 0.1
done
[ -n "$base" ] || { cat "$dir/hub.log" >&2; exit 2; }

# A staff token for STAFF at COUNTER (or none); the sample hall's PIN.
login() {
  curl -sf -H 'content-type: application/json' \
    -d "{\"staff\":\"$1\",\"pin\":\"123456\",\"counter\":${2:-null}}" "$base/api/v1/sessions" |
    grep -o '"token":"[^"]*"' | cut -d'"' -f4
}

config=$PWD/scripts/schemathesis.toml
failed=0
# Runs schemathesis as LABEL with CREDENTIAL (or none) and further options.
fuzz() {
  local label=$1 credential=$2
  shift 2
  local auth=()
  [ -n "$credential" ] && auth=(-H "Authorization: Bearer $credential")
  echo "== $label"
  (cd "$dir" && "$st" --config-file "$config" run "$base/api/v1/openapi.json" \
    --checks all --exclude-checks positive_data_acceptance \
    --seed "$seed" --max-examples "$examples" --no-color "${auth[@]}" "$@") || failed=1
}

# Staff runs keep their session: their logout is fuzzed last, on its own.
fuzz "nobody" ""
fuzz "the kiosk" demo-kiosk
fuzz "an intake clerk at counter 1" "$(login 1001 1)" --exclude-method DELETE
fuzz "a reviewer" "$(login 2001)" --exclude-method DELETE
fuzz "the pickup window" "$(login 3001 10)" --exclude-method DELETE
fuzz "a supervisor" "$(login 9001)" --exclude-method DELETE
fuzz "a clerk logging out" "$(login 1002 2)" --include-method DELETE
exit $failed
