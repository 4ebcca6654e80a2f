#!/usr/bin/env bash
# Load on the on-site evaluation's ballot endpoint from outside: JUDGES judges (default 500) each
# send one ballot for the same contestant within SPREAD seconds (default 25, inside the 30 s of the
# hall) against `saima serve`, on SQLite and on PostgreSQL. Not a test: figures go to docs/arena.md.
#
#   bash bench/arena/run.sh [--store sqlite|postgres|both] [--judges 500] [--spread 25] [--parallel 64]
#
# 1. builds src/Saima.Cli (Release) unless SAIMA points at a saima executable or dll;
# 2. per store: a fresh database with the demo city (`saima demo`; PostgreSQL: a new database on
#    SAIMA_BENCH_PG, default the local server on port 55432), `saima token create --user admin`
#    for the office's API token, `saima serve`;
# 3. through the API: a session BENCH-<store> with contestants C01 and C02, JUDGES judges (issued
#    500 at a time), C01's round opened;
# 4. each judge's ballot by curl at its slot (judge i at i·SPREAD/JUDGES seconds), at most
#    PARALLEL in flight; every answer's status and time are kept;
# 5. the results (GET .../results): their ballot count must equal the 200s (0 lost); prints the
#    200 count, other statuses, p50/p95/max latency in ms;
# 6. the hall's board: the office (signed in) follows the board's event stream during the load; for
#    each acknowledged ballot, how long after its 200 the board first showed a count that includes
#    it (the k-th ballot acknowledged against the first event showing k or more): p50/p95/max.
# Output in artifacts/bench-arena/.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
STORES=both
JUDGES=500
SPREAD=25
PARALLEL=64
while (($# > 0)); do
    case $1 in
        --store) STORES=$2; shift 2 ;;
        --judges) JUDGES=$2; shift 2 ;;
        --spread) SPREAD=$2; shift 2 ;;
        --parallel) PARALLEL=$2; shift 2 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ $STORES == both ]] && STORES="sqlite postgres"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SAIMA_ADMIN_PASSWORD=Bench-Admin-Pw-2025
PG=${SAIMA_BENCH_PG:-Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres;Pooling=true}
OUT=$ROOT/artifacts/bench-arena
WORK=$(mktemp -d /tmp/saima-bench-arena.XXXXXX)
mkdir -p "$OUT"
say() { printf '== %s\n' "$*"; }

# The server start and stop (shared with kill.sh).
source "$ROOT/bench/arena/server.sh"

# One judge's ballot at its slot: prints "status seconds".
send_one() {
    local i=$1 token=$2
    local at; at=$(awk -v s="$START" -v i="$i" -v n="$JUDGES" -v d="$SPREAD" 'BEGIN { printf "%.3f", s + i * d / n }')
    local now; now=$(date +%s.%N)
    local wait; wait=$(awk -v a="$at" -v b="$now" 'BEGIN { w = a - b; printf "%.3f", (w > 0 ? w : 0) }')
    sleep "$wait"
    local q=$((i % 41)) p=$((i * 7 % 61))
    local answer; answer=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST "$BASE/api/v1/arena/ballots" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        --data "{\"session\": \"$SESSION\", \"contestant\": \"C01\", \"scores\": {\"Q\": $((q / 2)).$((q % 2 * 5)), \"P\": $((p / 2)).$((p % 2 * 5))}}")
    echo "$answer $(date +%s.%N)"
}
export -f send_one

for store in $STORES; do
    if [[ $store == sqlite ]]; then
        store_args=(--db "$WORK/arena.db")
    else
        PG_DB=saima_bench_arena_$$
        psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null
        store_args=(--postgres "${PG/Database=postgres/Database=$PG_DB}")
    fi
    say "$store: saima demo"
    run_saima demo "${store_args[@]}" >"$OUT/demo-$store.log" 2>&1 || { cat "$OUT/demo-$store.log" >&2; exit 1; }
    TOKEN=$(run_saima token create --user admin "${store_args[@]}" 2>>"$OUT/token-$store.log" | tail -1)
    PORT=$(free_port 5390)
    BASE=http://127.0.0.1:$PORT
    : >"$OUT/serve-$store.log"
    serve "$OUT/serve-$store.log"
    wait_healthy || { echo "run.sh: the server did not start (see $OUT/serve-$store.log)" >&2; exit 1; }
    SESSION=BENCH-$store
    H=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
    curl -sf "${H[@]}" -X POST "$BASE/api/v1/arena/sessions" --data "{\"code\": \"$SESSION\", \"name\": \"压力测试\", \"stage\": \"county\", \"contestants\": [\"C01\", \"C02\"], \"criteria\": [{\"code\": \"Q\", \"name\": \"比质量\", \"max\": 20}, {\"code\": \"P\", \"name\": \"比项目\", \"max\": 30}], \"categories\": [{\"code\": \"PUB\", \"name\": \"群众代表\", \"weight\": 1, \"trim\": 1}]}" >/dev/null
    : >"$WORK/tokens"
    left=$JUDGES
    while ((left > 0)); do
        n=$((left > 500 ? 500 : left))
        curl -sf "${H[@]}" -X POST "$BASE/api/v1/arena/sessions/$SESSION/judges" --data "{\"category\": \"PUB\", \"count\": $n}" \
            | grep -o '"token":"[^"]*"' | cut -d'"' -f4 >>"$WORK/tokens"
        left=$((left - n))
    done
    curl -sf "${H[@]}" -X POST "$BASE/api/v1/arena/sessions/$SESSION/contestants/C01/open" >/dev/null
    # The office follows the board's event stream (signed in by cookie, as the hall's screen is).
    jar=$WORK/cookies-$store.txt
    form=$(curl -fsS -c "$jar" -b "$jar" "$BASE/login" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' || true)
    form=${form##*value=\"}; form=${form%\"}
    curl -sS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "UserName=admin" --data-urlencode "Password=$SAIMA_ADMIN_PASSWORD" \
        --data-urlencode "__RequestVerificationToken=$form" "$BASE/login"
    (curl -sN -b "$jar" "$BASE/arena/s/$SESSION/board?handler=Stream" | while IFS= read -r line; do
        [[ $line =~ \"ballots\":([0-9]+) ]] && echo "$(date +%s.%N) ${BASH_REMATCH[1]}"
    done >"$OUT/board-$store.txt") &
    BOARD_PID=$!
    say "$store: $(wc -l <"$WORK/tokens") judges, each one ballot within ${SPREAD} s"
    START=$(awk -v s="$(date +%s.%N)" 'BEGIN { printf "%.3f", s + 1 }')
    export BASE SESSION START JUDGES SPREAD
    began=$(date +%s.%N)
    nl -v0 -ba "$WORK/tokens" | xargs -P "$PARALLEL" -L1 bash -c 'send_one "$0" "$1"' >"$OUT/answers-$store.txt" || true
    took=$(awk -v a="$began" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    ok_all=$(awk '$1 == 200' "$OUT/answers-$store.txt" | wc -l)
    # Let the board catch up (at most 15 s) before its stream is closed.
    for _ in $(seq 1 30); do
        shown=$(tail -n 1 "$OUT/board-$store.txt" 2>/dev/null | cut -d' ' -f2)
        (( ${shown:-0} >= ok_all )) && break
        sleep 0.5
    done
    pkill -P "$BOARD_PID" curl 2>/dev/null || true
    kill "$BOARD_PID" 2>/dev/null || true
    # Board lag: the k-th acknowledged ballot (by the time its 200 arrived) against the first event
    # whose count reached k.
    awk '$1 == 200 { print $3 }' "$OUT/answers-$store.txt" | sort -n |
        awk -v events="$OUT/board-$store.txt" '
            { ack[NR] = $1 } END {
                n = NR; shown = 0
                while ((getline line < events) > 0) {
                    split(line, f, " "); t = f[1]; c = f[2] + 0
                    for (k = shown + 1; k <= c && k <= n; k++) { printf "%.1f\n", (t - ack[k]) * 1000 }
                    if (c > shown) shown = c
                }
            }' | sort -n >"$WORK/lag-$store.txt"
    board=$(awk -v n="$ok_all" '{ a[NR] = $1 } END { if (NR == 0) { print "no board events"; exit }
        printf "board showed %d of %d; lag p50 %.0f ms, p95 %.0f ms, max %.0f ms", NR, n, a[int((NR - 1) * 0.5) + 1], a[int((NR - 1) * 0.95) + 1], a[NR] }' "$WORK/lag-$store.txt")
    curl -s "${H[@]}" -o "$OUT/results-$store.json" -w '%{http_code}\n' "$BASE/api/v1/arena/sessions/$SESSION/results" >"$WORK/results-status" || true
    counted=$(grep -o '"ballots": *[0-9]*' "$OUT/results-$store.json" | head -1 | tr -dc '0-9' || true)
    [[ -n $counted ]] || { echo "run.sh: the results did not answer (status $(cat "$WORK/results-status"); see $OUT/results-$store.json)" >&2; counted=0; }
    ok=$(awk '$1 == 200' "$OUT/answers-$store.txt" | wc -l)
    other=$(awk '$1 != 200 { print $1 }' "$OUT/answers-$store.txt" | sort | uniq -c | tr '\n' ' ')
    lat=$(awk '$1 == 200 { print $2 * 1000 }' "$OUT/answers-$store.txt" | sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "p50 %.1f ms, p95 %.1f ms, max %.1f ms", a[int((NR - 1) * 0.5) + 1], a[int((NR - 1) * 0.95) + 1], a[NR] }')
    line="$store: $ok of $JUDGES answered 200 in ${took} s; the results count $counted ballots (lost: $((ok - counted))); $lat; other answers: ${other:-none}; $board; load $(cut -d' ' -f1-3 /proc/loadavg)"
    say "$line"
    echo "$(date -u '+%Y-%m-%d %H:%M UTC') $line" >>"$OUT/results.txt"
    stop_server
    drop_pg_db
done
