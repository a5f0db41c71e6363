#!/usr/bin/env bash
# Kefu test driver: installs test prerequisites, starts a throwaway PostgreSQL,
# a throwaway Redis and a throwaway mail server (postfix + dovecot, tools/test/mail-server.sh),
# builds the solution once and runs every test project against it.
#
#   ./test.sh [--filter EXPR] [--only unit|integration|browser] [-v|--verbose]
#
# The LAST line of output is always "N passed, N failed[, N skipped]" so CI can
# parse it; the exit code is 0 only when nothing failed and something passed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")" || exit 1
REPO_ROOT=$PWD

SOLUTION=Kefu.slnx
OUT_DIR=$REPO_ROOT/test-output          # git-ignored
RESULTS=$OUT_DIR/results                # trx files + per-run logs, wiped each run
FILTER=""
ONLY=""
VERBOSE=0

# Totals across all runs.
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
FAILED_NAMES=()      # "run: test name" lines, printed before the summary
RUN_LINES=()         # one summary line per test run
START_TIME=$(date +%s)

PG_TMP=""            # temp folder of the throwaway cluster (empty = not started)
MAIL_TMP=""          # temp folder of the throwaway postfix + dovecot (empty = not started)
REDIS_TMP=""         # temp folder of the throwaway redis-server (empty = not started)
PG_BIN=""
PG_PORT=""

log()  { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }

usage() {
    sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

parse_args() {
    while (($#)); do
        case "$1" in
            --filter)    [[ $# -ge 2 ]] || { echo "--filter needs an expression" >&2; exit 2; }
                         FILTER=$2; shift ;;
            --filter=*)  FILTER=${1#*=} ;;
            --only)      [[ $# -ge 2 ]] || { echo "--only needs unit|integration|browser" >&2; exit 2; }
                         ONLY=$2; shift ;;
            --only=*)    ONLY=${1#*=} ;;
            -v|--verbose) VERBOSE=1 ;;
            -h|--help)   usage; exit 0 ;;
            *)           echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
        esac
        shift
    done
    case "$ONLY" in
        ""|unit|integration|browser) ;;
        *) echo "--only must be unit, integration or browser (got '$ONLY')" >&2; exit 2 ;;
    esac
}

# True when the group should run given --only.
wants() { [[ -z $ONLY || $ONLY == "$1" ]]; }

# ---------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Newest PostgreSQL server bin dir (Debian puts it under a versioned path).
find_pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]] && printf '%s\n' "$d"
}

apt_install() {
    # The lock timeout matters: another process may be installing (e.g. chromium)
    # right now, and we want to wait for it rather than fail.
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
        install -y --no-install-recommends "$@" </dev/null
}

install_prerequisites() {
    local missing=()
    [[ -n $(find_pg_bin) ]]      || missing+=(postgresql)
    [[ -x /usr/bin/chromium ]]   || missing+=(chromium)
    is_installed fonts-noto-cjk  || missing+=(fonts-noto-cjk)    # CJK glyphs for PDF/screenshot tests
    is_installed fonts-wqy-zenhei || missing+=(fonts-wqy-zenhei)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)  # scale-out tests (SignalR backplane)
    ((${#missing[@]})) || return 0

    if [[ $EUID -ne 0 ]]; then
        warn "missing packages (${missing[*]}) but not root; tests needing them will fail"
        return 0
    fi
    log "installing missing packages: ${missing[*]}"
    local aptlog=$OUT_DIR/apt.log
    {
        # Only refresh indexes when we actually need to install something.
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update </dev/null
        # Retry once: mirrors or a concurrent dpkg run can make the first try flaky.
        apt_install "${missing[@]}" || { sleep 5; apt_install "${missing[@]}"; }
    } >"$aptlog" 2>&1
    local rc=$?
    if ((rc != 0)) || ((VERBOSE)); then cat "$aptlog"; fi
    ((rc == 0)) || warn "apt-get install failed (rc=$rc); continuing, affected tests will fail"
}

# ---------------------------------------------------------------------------
# Throwaway PostgreSQL cluster
# ---------------------------------------------------------------------------

# Run a command as the postgres OS user: initdb/postgres refuse to run as root.
# cd into the temp dir first so postgres is not left in a cwd it cannot read.
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd "$PG_TMP" && runuser -u postgres -- "$@")
    else
        (cd "$PG_TMP" && "$@")
    fi
}

port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}

free_port() {
    local port
    for ((port = ${1:-55432}; port < 55532; port++)); do
        port_in_use "$port" || { printf '%s\n' "$port"; return 0; }
    done
    return 1
}

start_postgres() {
    PG_BIN=$(find_pg_bin) || { warn "PostgreSQL server binaries not found"; return 1; }
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
    fi

    PG_TMP=$(mktemp -d -t kefu-pg.XXXXXX) || return 1
    [[ $EUID -eq 0 ]] && chown postgres: "$PG_TMP"
    local pglog=$PG_TMP/server.log

    if ! as_pg "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 \
            --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1; then
        cat "$PG_TMP/initdb.log" >&2
        return 1
    fi

    # Another process may grab the port between the check and the bind, so try a few.
    local attempt port=55432
    for attempt in 1 2 3; do
        port=$(free_port "$port") || { warn "no free port found"; return 1; }
        # fsync & co. off: the data is thrown away, speed matters more than durability.
        # One line on purpose: pg_ctl hands -o to a shell, a newline would split it.
        local opts="-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        if as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$pglog" -w -t 30 -s \
                -o "$opts" start >/dev/null 2>&1; then
            PG_PORT=$port
            break
        fi
        port=$((port + 1))
    done
    if [[ -z $PG_PORT ]]; then
        warn "PostgreSQL did not start; server log:"
        cat "$pglog" >&2 2>/dev/null
        return 1
    fi

    # pg_ctl -w already waits, but check the TCP listener the tests will use.
    local i
    for ((i = 0; i < 30; i++)); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1 && break
        sleep 1
    done
    if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1; then
        warn "PostgreSQL not ready after 30s; server log:"
        cat "$pglog" >&2
        return 1
    fi

    export KEFU_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=postgres"
    log "PostgreSQL $(basename "$(dirname "$PG_BIN")") ready on 127.0.0.1:$PG_PORT ($PG_TMP)"
}

# Idempotent and silent: it runs both before the final summary and from the
# EXIT trap, and must never print after the last line.
stop_postgres() {
    [[ -n $PG_TMP ]] || return 0
    if [[ -f $PG_TMP/data/postmaster.pid ]]; then
        local pid
        pid=$(head -n 1 "$PG_TMP/data/postmaster.pid" 2>/dev/null)
        as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -s -w -t 10 stop >/dev/null 2>&1
        # Belt and braces: make sure *our* postmaster is gone before deleting its dir.
        [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    fi
    rm -rf "$PG_TMP" 2>/dev/null
    PG_TMP=""
    unset KEFU_TEST_POSTGRES
}

# ---------------------------------------------------------------------------
# Throwaway mail server (postfix SMTP + dovecot IMAP on loopback) for the mail tests
# ---------------------------------------------------------------------------

# Never fatal: without it the mail tests skip with a reason, or fail under CI=true.
start_mail_server() {
    MAIL_TMP=$(mktemp -d -t kefu-mail.XXXXXX) || return 1
    local t0 out smtp imap maillog=$OUT_DIR/mail-server.log
    t0=$(date +%s)
    smtp=$(free_port 2525) && imap=$(free_port 1143) || { warn "no free ports for the mail server"; return 1; }
    if ! out=$(KEFU_MAIL_SMTP_PORT=$smtp KEFU_MAIL_IMAP_PORT=$imap tools/test/mail-server.sh start "$MAIL_TMP" 2>"$maillog"); then
        warn "test mail server did not start; mail tests will be skipped (or fail under CI). Log:"
        tail -n 40 "$maillog" >&2
        return 1
    fi
    ((VERBOSE)) && cat "$maillog"
    # The script prints KEFU_TEST_*=value lines only; export exactly those.
    local line
    while IFS= read -r line; do
        [[ $line =~ ^(KEFU_TEST_[A-Z_]+)=(.*)$ ]] && export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
    done <<<"$out"
    log "mail server (postfix SMTP 127.0.0.1:$smtp, dovecot IMAP 127.0.0.1:$imap) ready in $(($(date +%s) - t0))s ($MAIL_TMP)"
}

# Idempotent and silent, like stop_postgres.
stop_mail_server() {
    [[ -n $MAIL_TMP ]] || return 0
    tools/test/mail-server.sh stop "$MAIL_TMP" >/dev/null 2>&1
    rm -rf "$MAIL_TMP" 2>/dev/null
    MAIL_TMP=""
    unset KEFU_TEST_SMTP KEFU_TEST_IMAP KEFU_TEST_MAIL_SUPPORT KEFU_TEST_MAIL_CUSTOMER KEFU_TEST_MAIL_PASSWORD
}

# ---------------------------------------------------------------------------
# Throwaway Redis (loopback, no persistence) for the scale-out tests
# ---------------------------------------------------------------------------

# Never fatal: without it the Redis tests skip with a reason, or fail under CI=true.
start_redis() {
    command -v redis-server >/dev/null 2>&1 || { warn "redis-server not installed; Redis tests will be skipped (or fail under CI)"; return 1; }
    REDIS_TMP=$(mktemp -d -t kefu-redis.XXXXXX) || return 1
    local attempt port=16379 i
    for attempt in 1 2 3; do
        port=$(free_port "$port") || { warn "no free port for Redis"; return 1; }
        if redis-server --port "$port" --bind 127.0.0.1 --dir "$REDIS_TMP" --daemonize yes \
                --pidfile "$REDIS_TMP/redis.pid" --logfile "$REDIS_TMP/redis.log" \
                --save "" --appendonly no >/dev/null 2>&1; then
            for ((i = 0; i < 50; i++)); do
                redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && break
                sleep 0.1
            done
            if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
                export KEFU_TEST_REDIS="127.0.0.1:$port"
                log "Redis $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p') ready on 127.0.0.1:$port ($REDIS_TMP)"
                return 0
            fi
        fi
        stop_redis_process
        port=$((port + 1))
    done
    warn "Redis did not start; log:"
    cat "$REDIS_TMP/redis.log" >&2 2>/dev/null
    rm -rf "$REDIS_TMP"; REDIS_TMP=""
    return 1
}

stop_redis_process() {
    local pid
    pid=$(cat "$REDIS_TMP/redis.pid" 2>/dev/null)
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    fi
    rm -f "$REDIS_TMP/redis.pid"
}

# Idempotent and silent, like stop_postgres.
stop_redis() {
    [[ -n $REDIS_TMP ]] || return 0
    stop_redis_process
    rm -rf "$REDIS_TMP" 2>/dev/null
    REDIS_TMP=""
    unset KEFU_TEST_REDIS
}

cleanup() { stop_postgres; stop_mail_server; stop_redis; }

# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------

build_solution() {
    local buildlog=$OUT_DIR/build.log rc
    log "dotnet build $SOLUTION -c Release"
    if ((VERBOSE)); then
        dotnet build "$SOLUTION" -c Release </dev/null 2>&1 | tee "$buildlog"
        rc=${PIPESTATUS[0]}
    else
        dotnet build "$SOLUTION" -c Release </dev/null >"$buildlog" 2>&1
        rc=$?
    fi
    ((rc == 0)) && return 0

    echo "BUILD FAILED (exit $rc). Errors:"
    # MSBuild repeats each error in its closing summary; show each once.
    if grep -qE ': error [A-Z]*[0-9]*' "$buildlog"; then
        grep -E ': error ' "$buildlog" | sed 's/^ *//' | awk '!seen[$0]++'
    else
        tail -n 60 "$buildlog"
    fi
    echo "(full log: $buildlog)"
    return 1
}

# ---------------------------------------------------------------------------
# Test runs + trx parsing
# ---------------------------------------------------------------------------

# Numeric attribute of the trx <Counters .../> element (0 when absent).
counter() {
    local counters=$1 name=$2 v
    v=$(sed -n "s/.* $name=\"\([0-9]*\)\".*/\1/p" <<<"$counters")
    printf '%s\n' "${v:-0}"
}

# Decode the XML entities the trx writer uses in attribute values.
xml_unescape() {
    sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

# Distinct skip reasons of a trx ("count reason" lines): a skipped test must say why where people look.
skip_reasons() {
    awk '/<UnitTestResult [^>]*outcome="NotExecuted"/ { inskip = 1 }
         inskip && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); print; inskip = 0 }
         /<\/UnitTestResult>/ { inskip = 0 }' "$1" | xml_unescape | sort | uniq -c
}

# run_tests NAME PROJECT [VAR=VALUE ...]: one dotnet test invocation.
run_tests() {
    local name=$1 proj=$2; shift 2
    local trx=$RESULTS/$name.trx runlog=$RESULTS/$name.log
    local passed=0 failed=0 skipped=0 rc t0 secs note=""

    if [[ ! -f $proj ]]; then
        echo "note: $proj not found, skipping '$name'"
        return 0
    fi

    local args=(test "$proj" -c Release --no-build
                --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS")
    # RUN_FILTER: what this run leaves out by design (tests of another store), combined with --filter.
    local filter=$FILTER
    if [[ -n ${RUN_FILTER:-} ]]; then
        filter=${filter:+($filter)&}$RUN_FILTER
    fi
    [[ -n $filter ]] && args+=(--filter "$filter")

    log "$name: dotnet test $proj${*:+ ($*)}"
    t0=$(date +%s)
    # env -u: a stray KEFU_TEST_STORE from the caller must not leak into unit tests.
    if ((VERBOSE)); then
        env -u KEFU_TEST_STORE "$@" dotnet "${args[@]}" </dev/null 2>&1 | tee "$runlog"
        rc=${PIPESTATUS[0]}
    else
        env -u KEFU_TEST_STORE "$@" dotnet "${args[@]}" </dev/null >"$runlog" 2>&1
        rc=$?
    fi
    secs=$(($(date +%s) - t0))

    if [[ -f $trx ]]; then
        local counters
        counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
        passed=$(counter "$counters" passed)
        # error/timeout are failures too, they are just counted separately by VSTest.
        failed=$(($(counter "$counters" failed) + $(counter "$counters" error) + $(counter "$counters" timeout)))
        # xUnit skips show up as UnitTestResult outcome="NotExecuted" while the
        # Counters' notExecuted often stays 0, so take whichever is larger.
        skipped=$(counter "$counters" notExecuted)
        local ne
        ne=$(grep -c '<UnitTestResult [^>]*outcome="NotExecuted"' "$trx")
        ((ne > skipped)) && skipped=$ne

        local tn
        while IFS= read -r tn; do
            [[ -n $tn ]] && FAILED_NAMES+=("$name: $tn")
        done < <(grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\)"[^>]*>' "$trx" \
                   | sed -n 's/.* testName="\([^"]*\)".*/\1/p' | xml_unescape)

        # A test host crash can leave a trx with nothing failed; still a failure.
        if ((rc != 0 && failed == 0)); then
            failed=1; note=" (dotnet test exited $rc)"
            FAILED_NAMES+=("$name: dotnet test exited with code $rc, see $runlog")
        fi
    else
        failed=1; note=" (no trx produced, exit $rc)"
        FAILED_NAMES+=("$name: no trx produced (crashed, or project not built - is it in $SOLUTION?), see $runlog")
    fi

    # Without -v the console output was hidden; show it when something broke.
    if ((failed > 0 && !VERBOSE)); then
        tail -n 200 "$runlog"
    fi

    local line
    line=$(printf '%-22s %5d passed %5d failed %5d skipped %5ds%s' \
        "$name" "$passed" "$failed" "$skipped" "$secs" "$note")
    echo "$line"
    if ((skipped > 0)) && [[ -f $trx ]]; then
        local count reason
        while read -r count reason; do
            echo "    skipped ${count}x: $reason"
        done < <(skip_reasons "$trx")
    fi
    RUN_LINES+=("$line")
    TOTAL_PASSED=$((TOTAL_PASSED + passed))
    TOTAL_FAILED=$((TOTAL_FAILED + failed))
    TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
}

# Counts a run that could not even start (e.g. PostgreSQL failed) as 1 failure.
fail_run() {
    local name=$1 why=$2 line
    line=$(printf '%-22s %5d passed %5d failed %5d skipped %5ds (%s)' "$name" 0 1 0 0 "$why")
    echo "$line"
    if ((skipped > 0)) && [[ -f $trx ]]; then
        local count reason
        while read -r count reason; do
            echo "    skipped ${count}x: $reason"
        done < <(skip_reasons "$trx")
    fi
    RUN_LINES+=("$line")
    FAILED_NAMES+=("$name: $why")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
}

# ---------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------

print_summary_and_exit() {
    # Clean up first so nothing (not even the EXIT trap) prints after the last line.
    cleanup

    echo
    if ((${#RUN_LINES[@]})); then
        echo "Test runs:"
        printf '  %s\n' "${RUN_LINES[@]}"
    fi
    if ((${#FAILED_NAMES[@]})); then
        echo "Failed tests:"
        printf '  %s\n' "${FAILED_NAMES[@]}"
    fi
    local wall=$(($(date +%s) - START_TIME))
    printf 'Total wall time: %dm%02ds (results in %s)\n' $((wall / 60)) $((wall % 60)) "${RESULTS#"$REPO_ROOT"/}"

    local last="$TOTAL_PASSED passed, $TOTAL_FAILED failed"
    ((TOTAL_SKIPPED > 0)) && last+=", $TOTAL_SKIPPED skipped"
    echo "$last"
    if ((TOTAL_FAILED == 0 && TOTAL_PASSED > 0)); then exit 0; else exit 1; fi
}

# ---------------------------------------------------------------------------

main() {
    parse_args "$@"

    trap cleanup EXIT
    # Ctrl-C / kill: exit so the EXIT trap tears PostgreSQL down.
    trap 'exit 130' INT
    trap 'exit 143' TERM

    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
    # Browser tests: Playwright cannot download its own browser here, use the system one.
    export KEFU_TEST_CHROMIUM=${KEFU_TEST_CHROMIUM:-/usr/bin/chromium}

    rm -rf "$RESULTS" "$OUT_DIR/screenshots"
    mkdir -p "$RESULTS"

    install_prerequisites

    if ! build_solution; then
        TOTAL_PASSED=0 TOTAL_FAILED=1
        FAILED_NAMES+=("build: dotnet build $SOLUTION failed")
        print_summary_and_exit
    fi

    local unit=tests/Kefu.UnitTests/Kefu.UnitTests.csproj
    local integ=tests/Kefu.IntegrationTests/Kefu.IntegrationTests.csproj
    local browser=tests/Kefu.BrowserTests/Kefu.BrowserTests.csproj

    if wants unit; then
        run_tests unit "$unit"
    fi
    if wants integration; then
        # One mail server for both stores: each run marks what it handled, so the next starts on an empty inbox.
        start_mail_server
        start_redis
        # The scale-out tests need several instances on one PostgreSQL: they belong to the PostgreSQL run only.
        RUN_FILTER='FullyQualifiedName!~Kefu.IntegrationTests.Platform.ScaleOutTests' \
            run_tests integration-sqlite "$integ" KEFU_TEST_STORE=sqlite
        if [[ ! -f $integ ]]; then
            echo "note: $integ not found, skipping 'integration-postgres'"
        elif start_postgres; then
            run_tests integration-postgres "$integ" KEFU_TEST_STORE=postgres
        else
            fail_run integration-postgres "PostgreSQL could not be started"
        fi
        # Free the cluster's memory before the browser tests.
        stop_postgres
        stop_mail_server
        stop_redis
    fi
    if wants browser; then
        run_tests browser "$browser" KEFU_TEST_STORE=sqlite
    fi

    print_summary_and_exit
}

main "$@"
