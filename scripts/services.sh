#!/usr/bin/env bash
# Start a private PostgreSQL and a Chroma server on loopback for the integration tests, and print
# the environment that points the tests at them:  eval "$(scripts/services.sh start)"
# Stop them with:  scripts/services.sh stop
# One of them alone (the outage tests and measurements): scripts/services.sh stop-pg | start-pg | stop-chroma | start-chroma
set -euo pipefail
STATE=${GONGKAI_SERVICES_DIR:-/tmp/gongkai-services}
PG_PORT=${PG_PORT:-55432}
CHROMA_PORT=${CHROMA_PORT:-58000}
VENV=${VENV:-.venv}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

start_pg() {
  local bin; bin=$(pg_bin)
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/pg" status >/dev/null 2>&1; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/pg" -w -l "$STATE/pg.log" \
      -o "-p $PG_PORT -k $STATE -c listen_addresses=127.0.0.1" start >/dev/null
  fi
}

start_chroma() {
  if ! curl -sf "http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat" >/dev/null 2>&1; then
    mkdir -p "$STATE/chroma"
    nohup "$VENV/bin/chroma" run --path "$STATE/chroma" --host 127.0.0.1 --port "$CHROMA_PORT" >>"$STATE/chroma.log" 2>&1 &
    echo $! >"$STATE/chroma.pid"
    for _ in $(seq 1 60); do
      curl -sf "http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat" >/dev/null 2>&1 && break
      sleep 1
    done
  fi
}

stop_pg() {
  local bin; bin=$(pg_bin)
  [ -n "$bin" ] && [ -d "$STATE/pg" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/pg" -m fast stop >/dev/null 2>&1 || true
}

stop_chroma() {
  if [ -f "$STATE/chroma.pid" ]; then
    local pid; pid=$(cat "$STATE/chroma.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$STATE/chroma.pid"
}

start() {
  mkdir -p "$STATE"
  if [ -z "$(pg_bin)" ]; then
    (apt-get update -qq && apt-get install -y -qq postgresql) >&2
  fi
  local bin; bin=$(pg_bin)
  if [ ! -f "$STATE/pg/PG_VERSION" ]; then
    mkdir -p "$STATE/pg" && chown -R postgres:postgres "$STATE"
    runuser -u postgres -- "$bin/initdb" -D "$STATE/pg" -A trust -U postgres >/dev/null
  fi
  start_pg
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='gongkai_test'" | grep -q 1 \
    || "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres gongkai_test
  start_chroma
  echo "export GONGKAI_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/gongkai_test"
  echo "export GONGKAI_TEST_CHROMA_URL=http://127.0.0.1:$CHROMA_PORT"
  # for the outage tests, which stop and start each server through this script
  echo "export GONGKAI_SERVICES_DIR=$STATE PG_PORT=$PG_PORT CHROMA_PORT=$CHROMA_PORT"
}

stop() {
  stop_pg
  stop_chroma
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  stop-pg) stop_pg ;;
  start-pg) start_pg ;;
  stop-chroma) stop_chroma ;;
  start-chroma) start_chroma ;;
  *) echo "usage: $0 start|stop|stop-pg|start-pg|stop-chroma|start-chroma" >&2; exit 2 ;;
esac
