#!/usr/bin/env bash
# The API against its own OpenAPI schema (issue 38, item 9): schemathesis, pinned, in a venv of its own, against two
# servers on loopback over the sample reports — one with writes off (every route, the write routes' 403 included) and
# one with an admin token (uploads and deletes too; not POST /api/crawl, which would make the server fetch whatever
# URLs the fuzzer invents: its input checks are in tests/test_crawl.py). scripts/schemathesis.toml says where the
# checks depart from schemathesis's defaults, and why. Exit 0 only with 0 failures and 0 errors.
#
#   scripts/api_fuzz.sh        # VENV=.venv (gongkai's), ST_VENV=.st-venv, SEED=38, EXAMPLES=30
#
# One worker: with two, hypothesis describing its strategies in threads hit CPython 3.11's "AST constructor
# recursion depth mismatch" inside schemathesis (a crash of the tool, not a finding about the API).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
ST_VENV=${ST_VENV:-.st-venv}
SEED=${SEED:-38}
EXAMPLES=${EXAMPLES:-30}
ST_VERSION=4.32.5
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False

if [ ! -x "$ST_VENV/bin/st" ] || ! "$ST_VENV/bin/st" --version | grep -q "$ST_VERSION"; then
  python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/pip" install --quiet "schemathesis==$ST_VERSION"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# serve NAME PORT TOKEN: a server over the samples in a home of its own ("" token: writes off)
serve() {
  local home="$work/$1"
  GONGKAI_HOME="$home" "$VENV/bin/python" -m ui.cli ingest samples/reports >/dev/null
  GONGKAI_HOME="$home" GONGKAI_ADMIN_TOKEN="$3" "$VENV/bin/python" -m ui.cli serve --port "$2" >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$2/api/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "api_fuzz: the $1 server did not come up" >&2
  cat "$work/$1.log" >&2
  return 1
}

run() { # PORT then schemathesis options; from the scratch directory, where schemathesis keeps its cache
  local port=$1 root=$PWD st
  shift
  st=$(cd "$ST_VENV" && pwd)/bin/st
  (cd "$work" && "$st" --config-file "$root/scripts/schemathesis.toml" run "http://127.0.0.1:$port/openapi.json" \
    --seed "$SEED" --max-examples "$EXAMPLES" --workers 1 --no-color "$@")
}

closed=$(free_port)
serve closed "$closed" ""
token="fuzz-$RANDOM$RANDOM"
open=$(free_port)
serve open "$open" "$token"
status=0
echo "== writes off: every route"
run "$closed" || status=1
echo "== with the admin token: uploads and deletes too (not /api/crawl)"
run "$open" -H "Authorization: Bearer $token" --exclude-path /api/crawl || status=1
exit $status
