#!/usr/bin/env bash
# HTTP load figures for docs/PERFORMANCE.md: starts the Release build of Kefu on a fresh store and runs wrk against
# a bare "hello" endpoint (the ceiling, same process), get-complaint, search-customer, create-complaint and CTI event
# intake; prints requests/s and p50/p99 per endpoint.
#
#   bench/http/run.sh [sqlite|postgres] [DURATION=10s] [CONNECTIONS=16]
#
# Needs wrk, curl, jq (apt-get install wrk curl jq) and `dotnet build -c Release`. For postgres, either set
# KEFU_BENCH_POSTGRES (a connection string without Database; a database kefu_bench_<pid> is created and dropped)
# or run as root / the postgres user with PostgreSQL installed: a throwaway cluster is started (default durability
# settings: fsync and synchronous_commit on) and removed afterwards; with KEFU_BENCH_POSTGRES the database stays.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
STORE=${1:-sqlite}
DURATION=${2:-10s}
CONNECTIONS=${3:-16}
THREADS=2
APP=src/Kefu.Web/bin/Release/net10.0
[[ -f $APP/Kefu.Web.dll ]] || { echo "build first: dotnet build -c Release" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }

TMP=$(mktemp -d -t kefu-bench.XXXXXX)
APP_PID=""
PG_DIR=""
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
cleanup() {
  [[ -n $APP_PID ]] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  if [[ -n $PG_DIR ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -s stop >/dev/null 2>&1 || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
export ASPNETCORE_URLS=$BASE ASPNETCORE_ENVIRONMENT=Production Kefu__DemoData=true Kefu__Bench__HelloEndpoint=true \
  Kefu__RateLimits__LoginPerMinute=100000 Logging__LogLevel__Default=Warning DOTNET_gcServer=0
if [[ $STORE == postgres ]]; then
  if [[ -z ${KEFU_BENCH_POSTGRES:-} ]]; then
    PG_DIR=$TMP/pg; chmod 755 "$TMP"; mkdir -p "$PG_DIR"; chown postgres: "$PG_DIR"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -s \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=200" start
    KEFU_BENCH_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
  fi
  export Database__Provider=Postgres ConnectionStrings__Kefu="$KEFU_BENCH_POSTGRES;Database=kefu_bench_$$"
else
  export Database__Provider=Sqlite Kefu__DataDirectory=$TMP/data
fi

(cd "$APP" && exec dotnet Kefu.Web.dll >"$TMP/app.log" 2>&1) &
APP_PID=$!
for _ in $(seq 1 180); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 1; done
curl -sf "$BASE/health/ready" >/dev/null || { echo "Kefu did not start:"; tail -40 "$TMP/app.log"; exit 1; }

token() { curl -sf -H 'Content-Type: application/json' -d "{\"userName\":\"$1\",\"password\":\"Kefu2026!\"}" "$BASE/api/v1/auth/token" | jq -r .token; }
AGENT=$(token agent)
PBX=$(token pbx)
CUSTOMER=$(curl -sf -H "Authorization: Bearer $AGENT" -H 'Content-Type: application/json' \
  -d '{"name":"压测客户","phone":"13700001234"}' "$BASE/api/v1/customers" | jq -r .id)
COMPLAINT=$(curl -sf -H "Authorization: Bearer $AGENT" -H 'Content-Type: application/json' \
  -d "{\"customerId\":\"$CUSTOMER\",\"channel\":\"Phone\",\"category\":\"LOGISTICS\",\"severity\":\"Medium\",\"summary\":\"压测投诉\"}" \
  "$BASE/api/v1/complaints" | jq -r .id)

run() { # name, token, wrk args…
  local name=$1 tok=$2; shift 2
  local out
  out=$(KEFU_TOKEN=$tok KEFU_CUSTOMER=$CUSTOMER wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
  printf '| %-17s | %-8s | %10s | %8s | %8s | %6s |\n' "$name" "$STORE" "$rps" "$p50" "$p99" "${errors:-0}"
}

echo "Kefu HTTP bench: store=$STORE duration=$DURATION connections=$CONNECTIONS threads=$THREADS ($(nproc) cores, $(date -u +%FT%TZ))"
echo "| endpoint          | store    |   req/s    |   p50    |   p99    | non-2xx |"
echo "|---|---|---:|---:|---:|---:|"
run hello "" "$BASE/bench/hello"
run get-complaint "$AGENT" -s bench/http/get.lua "$BASE/api/v1/complaints/$COMPLAINT"
run search-customer "$AGENT" -s bench/http/get.lua "$BASE/api/v1/customers?query=1370000"
run create-complaint "$AGENT" -s bench/http/create-complaint.lua "$BASE/api/v1/complaints"
run cti-event "$PBX" -s bench/http/cti.lua "$BASE"
run cti-batch-50 "$PBX" -s bench/http/cti-batch.lua "$BASE"   # 50 events a request: events/s = req/s × 50
if [[ $STORE == postgres && -z $PG_DIR ]]; then echo "(database kefu_bench_$$ is left on the server: drop it when done)"; fi
