#!/usr/bin/env bash
# Memory of one Kefu instance with N connected agent desktops (SignalR clients) during simulated busy traffic.
#
#   bench/desktop-memory.sh [AGENTS=300] [MINUTES=10] [CALLS_PER_HOUR=5000]
#
# Starts Kefu from the Release build on a fresh SQLite store in a temp folder (or on PostgreSQL when
# KEFU_BENCH_PG holds a connection string to an empty database), creates the simulated agent accounts with a
# short simulator run, connects one desktop client per agent (bench/Kefu.Benchmarks `desktops` mode), then drives
# MINUTES of traffic at CALLS_PER_HOUR through the CTI API with the simulator while the tool samples the server's
# resident memory. The summary line is appended to test-output/desktop-memory.txt.
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"

AGENTS=${1:-300}
MINUTES=${2:-10}
CALLS_PER_HOUR=${3:-5000}
WEB=src/Kefu.Web/bin/Release/net10.0/Kefu.Web.dll
BENCH=bench/Kefu.Benchmarks/bin/Release/net10.0/Kefu.Benchmarks.dll

dotnet build -c Release src/Kefu.Web/Kefu.Web.csproj -v q -nologo >/dev/null
dotnet build -c Release bench/Kefu.Benchmarks/Kefu.Benchmarks.csproj -v q -nologo >/dev/null

TMP=$(mktemp -d /tmp/kefu-desktops.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
SERVER_PID=""
cleanup() { [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

store_env=(Kefu__DataDirectory="$TMP")
if [[ -n ${KEFU_BENCH_PG:-} ]]; then
    store_env+=(Database__Provider=Postgres ConnectionStrings__Kefu="$KEFU_BENCH_PG")
fi

env "${store_env[@]}" Kefu__DemoData=true Kefu__RateLimits__LoginPerMinute=100000 ASPNETCORE_URLS="$URL" \
    Logging__LogLevel__Default=Warning dotnet "$WEB" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
    curl -fsS "$URL/health/ready" >/dev/null 2>&1 && break
    sleep 1
done
curl -fsS "$URL/health/ready" >/dev/null || { cat "$TMP/server.log"; echo "server did not start" >&2; exit 1; }
echo "Kefu pid $SERVER_PID on $URL (${KEFU_BENCH_PG:+PostgreSQL}${KEFU_BENCH_PG:-SQLite in $TMP})"

# Accounts sim-agent-001 … with skills, Available: a simulator run of a few seconds creates them.
dotnet "$WEB" simulate --url "$URL" --agents "$AGENTS" --calls-per-hour 1 --hours 0.001 >"$TMP/setup.log" 2>&1 \
    || { cat "$TMP/setup.log"; exit 1; }

mkdir -p test-output
dotnet "$BENCH" desktops --url "$URL" --agents "$AGENTS" --minutes "$MINUTES" --pid "$SERVER_PID" \
    --report test-output/desktop-memory.txt &
TOOL_PID=$!
sleep 45   # sign-ins and connections first, then the traffic
HOURS=$(python3 -c "print($MINUTES/60)")
dotnet "$WEB" simulate --url "$URL" --agents "$AGENTS" --calls-per-hour "$CALLS_PER_HOUR" --hours "$HOURS" | tail -n 1
wait "$TOOL_PID"
