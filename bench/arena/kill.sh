#!/usr/bin/env bash
# The on-site evaluation's ballots across a crash: `kill -9` of `saima serve` in the middle of a
# round while JUDGES judges (default 200) send their ballots, then a restart. Each judge behaves
# as the phone page does: it sends its ballot and, until the server answers 200, keeps it and
# sends it again every second (bounded: 300 s); after the restart every judge sends its
# ballot once more (a phone that never saw the answer). Not a test: figures go to docs/arena.md.
#
#   bash bench/arena/kill.sh [--store sqlite|postgres|both] [--judges 200] [--spread 20] [--kill-at 8] [--parallel 32]
#
# Per store: a fresh database with the demo city (PostgreSQL: a database of its own on
# SAIMA_BENCH_PG, default the local server on port 55432), a session KILL-<store> with C01's round
# open, the judges sending within SPREAD seconds; the server is killed (SIGKILL) KILL_AT seconds
# in and started again on the same port at once. Then, from the store itself:
#   acknowledged  ballots answered 200 before the kill;
#   lost          of those, ballots not in the store after the restart (must be 0);
#   landed        judges with a ballot in the store at the end (must be JUDGES: the queued ones resent);
#   duplicated    ballot rows beyond one per judge (must be 0: resending the same ballot stores nothing new);
#   results       the results' ballot count for C01 (must be JUDGES);
# with p50/p95/max of the 200 answers' times and the load average. Output in artifacts/bench-arena/.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
STORES=both
JUDGES=200
SPREAD=20
KILL_AT=8
PARALLEL=32
while (($# > 0)); do
    case $1 in
        --store) STORES=$2; shift 2 ;;
        --judges) JUDGES=$2; shift 2 ;;
        --spread) SPREAD=$2; shift 2 ;;
        --kill-at) KILL_AT=$2; shift 2 ;;
        --parallel) PARALLEL=$2; shift 2 ;;
        *) echo "kill.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ $STORES == both ]] && STORES="sqlite postgres"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SAIMA_ADMIN_PASSWORD=Bench-Admin-Pw-2025
PG=${SAIMA_BENCH_PG:-Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres;Pooling=true}
OUT=$ROOT/artifacts/bench-arena
WORK=$(mktemp -d /tmp/saima-bench-kill.XXXXXX)
mkdir -p "$OUT"
say() { printf '== %s\n' "$*"; }

# The server start and stop (shared with run.sh): serve LOG, stop_server, wait_healthy.
source "$ROOT/bench/arena/server.sh"

# One judge's phone: waits for its slot, sends until a 200 (again every second, for at most 300 s);
# prints "ack <judge> <epoch> <seconds>" for the 200 and "try <judge> <code>" for each failed send.
phone() {
    local i=$1 token=$2
    local at; at=$(awk -v s="$START" -v i="$i" -v n="$JUDGES" -v d="$SPREAD" 'BEGIN { printf "%.3f", s + i * d / n }')
    local wait; wait=$(awk -v a="$at" -v b="$(date +%s.%N)" 'BEGIN { w = a - b; printf "%.3f", (w > 0 ? w : 0) }')
    sleep "$wait"
    local q=$((i % 41)) p=$((i * 7 % 61)) until=$((SECONDS + 300)) answer code took
    local body="{\"session\": \"$SESSION\", \"contestant\": \"C01\", \"scores\": {\"Q\": $((q / 2)).$((q % 2 * 5)), \"P\": $((p / 2)).$((p % 2 * 5))}}"
    while ((SECONDS < until)); do
        answer=$(curl -s -o /dev/null --max-time 15 -w '%{http_code} %{time_total}' -X POST "$BASE/api/v1/arena/ballots" \
            -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data "$body" || true)
        code=${answer%% *}
        took=${answer##* }
        if [[ $code == 200 ]]; then
            echo "ack $i $(date +%s.%N) $took"
            return 0
        fi
        echo "try $i ${code:-000}"
        sleep 1
    done
    echo "gave-up $i"
}
export -f phone

store_sql() {
    if [[ $store == sqlite ]]; then sqlite3 "$WORK/kill.db" "$1"; else psql "${PG_ADMIN/dbname=postgres/dbname=$PG_DB}" -qtAc "$1"; fi
}

for store in $STORES; do
    : >"$OUT/kill-serve-$store.log"
    if [[ $store == sqlite ]]; then
        store_args=(--db "$WORK/kill.db")
    else
        PG_DB=saima_bench_kill_$$
        psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null
        store_args=(--postgres "${PG/Database=postgres/Database=$PG_DB}")
    fi
    say "$store: saima demo"
    run_saima demo "${store_args[@]}" >"$OUT/kill-demo-$store.log" 2>&1 || { cat "$OUT/kill-demo-$store.log" >&2; exit 1; }
    TOKEN=$(run_saima token create --user admin "${store_args[@]}" 2>>"$OUT/kill-token-$store.log" | tail -1)
    PORT=$(free_port 5490)
    BASE=http://127.0.0.1:$PORT
    serve "$OUT/kill-serve-$store.log"
    wait_healthy || { echo "kill.sh: the server did not start (see $OUT/kill-serve-$store.log)" >&2; exit 1; }
    SESSION=KILL-$store
    H=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
    curl -sf "${H[@]}" -X POST "$BASE/api/v1/arena/sessions" --data "{\"code\": \"$SESSION\", \"name\": \"断电测试\", \"stage\": \"county\", \"contestants\": [\"C01\", \"C02\"], \"criteria\": [{\"code\": \"Q\", \"name\": \"比质量\", \"max\": 20}, {\"code\": \"P\", \"name\": \"比项目\", \"max\": 30}], \"categories\": [{\"code\": \"PUB\", \"name\": \"群众代表\", \"weight\": 1, \"trim\": 1}]}" >/dev/null
    curl -sf "${H[@]}" -X POST "$BASE/api/v1/arena/sessions/$SESSION/judges" --data "{\"category\": \"PUB\", \"count\": $JUDGES}" \
        | grep -o '"token":"[^"]*"' | cut -d'"' -f4 >"$WORK/tokens"
    curl -sf "${H[@]}" -X POST "$BASE/api/v1/arena/sessions/$SESSION/contestants/C01/open" >/dev/null
    say "$store: $(wc -l <"$WORK/tokens") judges within ${SPREAD} s; kill -9 at ${KILL_AT} s"
    START=$(awk -v s="$(date +%s.%N)" 'BEGIN { printf "%.3f", s + 1 }')
    export BASE SESSION START JUDGES SPREAD
    nl -v0 -ba "$WORK/tokens" | xargs -P "$PARALLEL" -L1 bash -c 'phone "$0" "$1"' >"$OUT/kill-answers-$store.txt" &
    PHONES=$!
    sleep "$(awk -v s="$START" -v k="$KILL_AT" -v n="$(date +%s.%N)" 'BEGIN { w = s + k - n; printf "%.3f", (w > 0 ? w : 0) }')"
    KILLED=$(date +%s.%N)
    kill -9 "$SERVE_PID"
    wait "$SERVE_PID" 2>/dev/null || true
    if kill -0 "$SERVE_PID" 2>/dev/null || curl -s -o /dev/null --max-time 2 "$BASE/healthz"; then
        echo "kill.sh: the server still answers after kill -9" >&2
        exit 1
    fi
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    serve "$OUT/kill-serve-$store.log"
    wait_healthy 600 || { echo "kill.sh: the server did not start again (see $OUT/kill-serve-$store.log)" >&2; exit 1; }
    UP=$(date +%s.%N)
    wait "$PHONES" || true

    # Every phone sends its ballot once more, as one that never saw the answer would.
    SPREAD_FIRST=$SPREAD
    export START=$(date +%s.%N) SPREAD=2
    nl -v0 -ba "$WORK/tokens" | xargs -P "$PARALLEL" -L1 bash -c 'phone "$0" "$1"' >"$OUT/kill-resent-$store.txt" || true
    SPREAD=$SPREAD_FIRST

    ANS=$OUT/kill-answers-$store.txt
    acked_before=$(awk -v k="$KILLED" '$1 == "ack" && $3 < k { print $2 }' "$ANS" | sort -n)
    acked=$(printf '%s\n' "$acked_before" | grep -c . || true)
    failed=$(awk '$1 == "try"' "$ANS" | wc -l)
    gave_up=$(grep -c '^gave-up' "$ANS" || true)
    resent_ok=$(grep -c '^ack' "$OUT/kill-resent-$store.txt" || true)
    # The judges whose ballot is stored, by token hash; the acknowledged ones among them.
    store_sql "SELECT j.token_hash FROM arena_judges j JOIN arena_sessions s ON s.id = j.session_id WHERE s.code = '$SESSION' AND EXISTS (SELECT 1 FROM arena_ballots b WHERE b.judge_id = j.id)" | sort >"$WORK/stored"
    lost=0
    for i in $acked_before; do
        hash=$(sed -n "$((i + 1))p" "$WORK/tokens" | tr -d '\n' | sha256sum | cut -d' ' -f1)
        grep -qx "$hash" "$WORK/stored" || lost=$((lost + 1))
    done
    landed=$(wc -l <"$WORK/stored")
    rows=$(store_sql "SELECT COUNT(*) FROM arena_ballots b JOIN arena_sessions s ON s.id = b.session_id WHERE s.code = '$SESSION'")
    duplicated=$((rows - landed))
    counted=$(curl -sf "${H[@]}" "$BASE/api/v1/arena/sessions/$SESSION/results" | grep -o '"ballots":[0-9]*' | head -1 | cut -d: -f2 || true)
    lat=$(awk '$1 == "ack" { print $4 * 1000 }' "$ANS" | sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "p50 %.1f ms, p95 %.1f ms, max %.1f ms", a[int((NR - 1) * 0.5) + 1], a[int((NR - 1) * 0.95) + 1], a[NR] }')
    down=$(awk -v a="$KILLED" -v b="$UP" 'BEGIN { printf "%.1f", b - a }')
    line="$store: $JUDGES judges; acknowledged before the kill $acked, lost $lost; failed sends (resent) $failed, gave up $gave_up; landed $landed, duplicated $duplicated; results count $counted; resent after restart 200: $resent_ok of $JUDGES; down ${down} s; $lat; load $load"
    say "$line"
    echo "$(date -u '+%Y-%m-%d %H:%M UTC') $line" >>"$OUT/kill-results.txt"
    stop_server
    drop_pg_db
done
