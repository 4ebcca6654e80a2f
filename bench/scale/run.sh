#!/usr/bin/env bash
# Scale benchmark (not part of scripts/test.sh): builds a synthetic store with `saima demo --scale`,
# reads how long computing and storing each period's results took as the store was built (the
# publication's own work, month by month: it should not grow with the months the store holds),
# then serves the store and measures pages from outside: first the first visit of a few unit pages
# (cold, one request at a time), then each page at --concurrency connections in a closed loop (wrk
# with bench/scale/closed.lua, or curl where wrk is absent: each connection sends its next request
# as soon as the last one answered), then, for each --rate R,
# paced (open loop, bench/scale/load.py: R requests a second spread over the connections, each at its
# scheduled time, timed from that time). Pages: unit pages rotating over units, the league table,
# the matrix, /entry/status, the API's figures and results of the last published period, Home and
# the map's data.
#
#   bash bench/scale/run.sh                          # province (100 × 100 × 24) on SQLite
#   bash bench/scale/run.sh --size large --postgres "Host=127.0.0.1;Port=55432;Username=postgres;Database=saima_scale"
#   bash bench/scale/run.sh --no-build --no-store --requests 400 --concurrency 20   # pages again, same store
#   bash bench/scale/run.sh --size large --postgres "…" --no-build --no-store --concurrency 50 --rate 20 --rate 50
#   (--first-visits N: how many units' first visits, 5; --pages "league matrix": only those pages;
#    --store-months N: months of a store built here, 24; --closed-seconds S: how long each page's
#    closed loop runs with wrk, 20; --requests: requests of each paced run, and of the closed loop
#    where curl stands in for wrk)
#
# A request taking longer than --timeout seconds (60) is cut off and counted as not answered.
#
# Output in artifacts/bench-scale/: demo-SIZE.log (the build with each step's time), periods.tsv
# (seconds per period's results), pages.tsv (per URL and mode: requests, p50, p95, max in ms, bytes,
# load average, then mode (cold; closed-wrk, or closed with curl; paced; bytes are an answer's
# headers and body for closed-wrk, the body otherwise), the rate asked (requests a second, paced only), the
# throughput got (answers a second over the run's wall time) and the answers not 200), memory.tsv
# (the web server's resident memory: after start, peak during each page's run, and its high-water
# mark VmHWM from /proc at the end), serve.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZE=province PG= BUILD=yes STORE=yes REQUESTS=300 CONCURRENCY=20 PORT=5391 TIMEOUT=60 FIRST=5 MONTHS= CLOSED_SECONDS=20
RATES=() PAGES="unit-rotating league matrix entry-status api-figures api-results home map-data"
while [[ $# -gt 0 ]]; do
    case $1 in
        --size) SIZE=$2; shift 2 ;;
        --postgres) PG=$2; shift 2 ;;
        --no-build) BUILD=no; shift ;;
        --no-store) STORE=no; shift ;;
        --requests) REQUESTS=$2; shift 2 ;;
        --concurrency) CONCURRENCY=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        --rate) RATES+=("$2"); shift 2 ;;
        --first-visits) FIRST=$2; shift 2 ;;
        --pages) PAGES=$2; shift 2 ;;
        --store-months) MONTHS=$2; shift 2 ;;
        --closed-seconds) CLOSED_SECONDS=$2; shift 2 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

# The closed loop's client: wrk (Debian's package, installed here when run as root and absent).
if ! command -v wrk >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y -q wrk >/dev/null 2>&1 || echo "run.sh: wrk could not be installed; the closed loop uses curl" >&2
fi
WRK=$(command -v wrk || true)

OUT=artifacts/bench-scale
BIN=artifacts/saima-scale
WORK=$(mktemp -d)
mkdir -p "$OUT"
export SAIMA_ADMIN_PASSWORD=Bench-Admin-Pw-2025
SERVE_PID= SAMPLER_PID=
cleanup() {
    [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null
    [[ -n $SERVE_PID ]] && kill "$SERVE_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ $BUILD == yes ]]; then
    nice -n 10 dotnet publish src/Saima.Cli -c Release -o "$BIN" -v q >/dev/null
fi
SAIMA=$BIN/saima

if [[ -n $PG ]]; then
    store_args=(--postgres "$PG")
else
    store_args=(--db "$OUT/$SIZE.db")
fi

# 1. The store, with each step's time (results YYYY-MM: computing and storing one period).
if [[ $STORE == yes ]]; then
start=$(date +%s)
nice -n 10 "$SAIMA" demo --scale "$SIZE" ${MONTHS:+--months "$MONTHS"} "${store_args[@]}" --force --verbose >"$OUT/demo-$SIZE.log" 2>&1
echo "store $SIZE built in $(( $(date +%s) - start )) s" | tee "$OUT/build.txt"
awk '/ s  / { if ($3 == "results" && $4 != "") printf "%s\t%.2f\n", $4, $1 - prev; prev = $1 }' \
    "$OUT/demo-$SIZE.log" >"$OUT/periods.tsv"
fi
if [[ -f $OUT/periods.tsv ]]; then
    echo "seconds per period's results (computing and storing), first and last:"
    head -n 2 "$OUT/periods.tsv"; tail -n 2 "$OUT/periods.tsv"
fi

# 2. Pages under load.
BASE=http://127.0.0.1:$PORT
"$SAIMA" serve "${store_args[@]}" --urls "$BASE" >"$OUT/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 120); do curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break; sleep 1; done
jar=$WORK/cookies.txt
token=$(curl -fsS -c "$jar" -b "$jar" "$BASE/login" |
    grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
curl -sS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "UserName=admin" --data-urlencode "Password=$SAIMA_ADMIN_PASSWORD" \
    --data-urlencode "__RequestVerificationToken=$token" "$BASE/login"
COOKIE=$(awk -F'\t' '(!/^#/ || /^#HttpOnly_/) && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar")

# The scheme's units (by size) and its last published period, from the API (newest first): not from
# periods.tsv, which a store built elsewhere does not have.
units=1000
[[ $SIZE == province ]] && units=100
[[ $SIZE == country ]] && units=3000
last=$(curl -fsS -H "Cookie: $COOKIE" "$BASE/api/v1/schemes/SC-COUNTY/periods?limit=100" |
    python3 -c 'import json, sys; print(next(p["code"] for p in json.load(sys.stdin) if p["status"] == "published"))')
echo "last published period: $last"
declare -A URLS=(
    [unit-rotating]="/unit/X%04d"
    [league]="/league?scheme=SC-COUNTY"
    [matrix]="/matrix?scheme=SC-COUNTY"
    [entry-status]="/entry/status?scheme=SC-COUNTY"
    [api-figures]="/api/v1/schemes/SC-COUNTY/periods/$last/figures"
    [api-results]="/api/v1/schemes/SC-COUNTY/periods/$last/results"
    [home]="/"
    [map-data]="/map/data?scheme=SC-COUNTY"
)
printf 'page\trequests\tconcurrency\tp50_ms\tp95_ms\tmax_ms\tbytes\tload1\tmode\trate_rps\tthroughput_rps\tnot_200\n' >"$OUT/pages.tsv"
# The server's resident memory (kB, from /proc), sampled every 0.2 s while a page's load runs.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVE_PID/status" 2>/dev/null || echo 0; }
printf 'phase\trss_peak_mb\n' >"$OUT/memory.tsv"
printf 'after-start\t%d\n' $(( $(rss_kb) / 1024 )) >>"$OUT/memory.tsv"

# One line of pages.tsv from a times file (seconds, bytes, status per line) and the run's wall time.
summary() { # name concurrency mode rate wall_seconds <times
    sort -n | awk -v name="$1" -v c="$2" -v mode="$3" -v rate="$4" -v wall="$5" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
        { t[NR] = $1 * 1000; if ($3 == 200) b = $2; else bad++ }
        END { i95 = int(NR * 0.95); if (i95 < 1) i95 = 1; tp = 0; if (wall > 0) tp = NR / wall
              printf "%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%d\t%s\t%s\t%s\t%.1f\t%d\n", name, NR, c, t[int(NR * 0.5) + 1], t[i95], t[NR], b, load, mode, rate, tp, bad }' >>"$OUT/pages.tsv"
}
# Unit pages rotate over every unit, and each run (closed, then each rate) goes on where the one
# before it stopped: a run asks for units no run has asked for yet (until it wraps around the
# scheme), so it measures pages built, not pages kept from the run before.
UNIT_NEXT=0
urls_of() { # name count: the URLs of a run
    local pattern=${URLS[$1]}
    for i in $(seq 1 "$2"); do
        if [[ $1 == unit-rotating ]]; then printf "$BASE$pattern\n" $(( ((UNIT_NEXT + i - 1) % units) + 1 )); else echo "$BASE$pattern"; fi
    done
    [[ $1 == unit-rotating ]] && UNIT_NEXT=$(( UNIT_NEXT + $2 ))
    return 0
}
sample_start() { ( while :; do rss_kb; sleep 0.2; done ) >"$WORK/rss.txt" & SAMPLER_PID=$!; }
sample_stop() { # phase
    kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=
    sort -n "$WORK/rss.txt" | tail -n 1 | awk -v name="$1" '{ printf "%s\t%d\n", name, $1 / 1024 }' >>"$OUT/memory.tsv"
}
now() { date +%s.%N; }

# First visits: units spread over the scheme that no run below has asked for yet, one request at a
# time, cold (the unit's page never built since the server started).
if (( FIRST > 0 )); then
    for k in $(seq 1 "$FIRST"); do
        printf "$BASE${URLS[unit-rotating]}\n" $(( units - (k - 1) * (units / FIRST) ))
    done >"$WORK/urls.txt"
    sample_start
    t0=$(now)
    xargs -P 1 -I{} curl -sS -m "$TIMEOUT" -o /dev/null -H "Cookie: $COOKIE" -w '%{time_total}\t%{size_download}\t%{http_code}\n' {} \
        <"$WORK/urls.txt" >"$WORK/times.txt" 2>"$WORK/curl-errors.txt" || true
    summary unit-first-visit 1 cold "" "$(echo "$(now) - $t0" | bc)" <"$WORK/times.txt"
    sample_stop unit-first-visit
    paste "$WORK/urls.txt" "$WORK/times.txt" | awk '{ printf "  first visit %s: %.0f ms, %d bytes, %s\n", $1, $2 * 1000, $3, $4 }'
fi

# Closed loop: each connection sends its next request when the last one answered. wrk (one thread,
# bench/scale/closed.lua) when it is installed: a client that costs the shared cores little; curl
# (one process a request, which takes CPU from the server on a small machine) otherwise.
# wrk runs for --closed-seconds; unit pages go on over every unit from where the last run stopped.
for name in $PAGES; do
    sample_start
    if [[ -n $WRK ]]; then
        at=$UNIT_NEXT
        urls_of "$name" "$units" | sed "s#^$BASE##" >"$WORK/paths.txt"
        "$WRK" -t1 -c"$CONCURRENCY" -d"${CLOSED_SECONDS}s" --timeout "${TIMEOUT}s" -H "Cookie: $COOKIE" -s bench/scale/closed.lua "$BASE" \
            -- "$WORK/paths.txt" >"$WORK/wrk.txt" 2>&1 || true
        answered=$(awk -F'\t' '$1 == "RESULT" { print $2 }' "$WORK/wrk.txt")
        UNIT_NEXT=$at
        [[ $name == unit-rotating ]] && UNIT_NEXT=$(( at + ${answered:-0} ))
        awk -F'\t' -v name="$name" -v c="$CONCURRENCY" -v load="$(cut -d' ' -f1 /proc/loadavg)" '$1 == "RESULT" {
            printf "%s\t%d\t%d\t%s\t%s\t%s\t%d\t%s\tclosed-wrk\t\t%s\t%d\n", name, $2, c, $3, $4, $5, $6, load, $7, $8 }' \
            "$WORK/wrk.txt" >>"$OUT/pages.tsv"
        grep -q '^RESULT' "$WORK/wrk.txt" || { echo "  wrk gave no result:"; head -n 5 "$WORK/wrk.txt"; }
    else
        urls_of "$name" "$REQUESTS" >"$WORK/urls.txt"
        t0=$(now)
        xargs -P "$CONCURRENCY" -I{} curl -sS -m "$TIMEOUT" -o /dev/null -H "Cookie: $COOKIE" -w '%{time_total}\t%{size_download}\t%{http_code}\n' {} \
            <"$WORK/urls.txt" >"$WORK/times.txt" 2>"$WORK/curl-errors.txt" || true
        summary "$name" "$CONCURRENCY" closed "" "$(echo "$(now) - $t0" | bc)" <"$WORK/times.txt"
        awk '$3 != 200 { bad++ } END { if (bad) print "  " bad " answers not 200" }' "$WORK/times.txt"
    fi
    sample_stop "$name"
done

# Paced (open loop): R requests a second over the connections, each timed from when it was due.
for rate in "${RATES[@]}"; do
    for name in $PAGES; do
        urls_of "$name" "$REQUESTS" >"$WORK/urls.txt"
        sample_start
        t0=$(now)
        python3 bench/scale/load.py --urls "$WORK/urls.txt" --cookie "$COOKIE" --connections "$CONCURRENCY" --rate "$rate" \
            --timeout "$TIMEOUT" >"$WORK/times.txt" || true
        summary "$name" "$CONCURRENCY" paced "$rate" "$(echo "$(now) - $t0 - 0.5" | bc)" <"$WORK/times.txt"
        sample_stop "$name@${rate}/s"
    done
done
awk '/^VmHWM:/ { printf "high-water-mark\t%d\n", $2 / 1024 }' "/proc/$SERVE_PID/status" >>"$OUT/memory.tsv"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/load.txt"
column -t "$OUT/pages.tsv"
column -t "$OUT/memory.tsv"
