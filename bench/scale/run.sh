#!/usr/bin/env bash
# Scale benchmark (not part of scripts/test.sh): builds a synthetic store with `saima demo --scale`,
# reads how long computing and storing each period's results took as the store was built (the
# publication's own work, month by month: it should not grow with the months the store holds),
# then serves the store and measures pages from outside with curl at some concurrency: unit pages
# rotating over units, the league table, the matrix, /entry/status and the API's figures.
#
#   bash bench/scale/run.sh                          # province (100 × 100 × 24) on SQLite
#   bash bench/scale/run.sh --size large --postgres "Host=127.0.0.1;Port=55432;Username=postgres;Database=saima_scale"
#   bash bench/scale/run.sh --no-build --no-store --requests 400 --concurrency 20   # pages again, same store
#
# A request taking longer than --timeout seconds (60) is cut off and counted as not answered.
#
# Output in artifacts/bench-scale/: demo-SIZE.log (the build with each step's time), periods.tsv
# (seconds per period's results), pages.tsv (per URL: requests, p50, p95, max in ms, bytes), memory.tsv
# (the web server's resident memory: after start, peak during each page's run, and its high-water
# mark VmHWM from /proc at the end), serve.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZE=province PG= BUILD=yes STORE=yes REQUESTS=300 CONCURRENCY=20 PORT=5391 TIMEOUT=60
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
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

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
nice -n 10 "$SAIMA" demo --scale "$SIZE" "${store_args[@]}" --force --verbose >"$OUT/demo-$SIZE.log" 2>&1
echo "store $SIZE built in $(( $(date +%s) - start )) s" | tee "$OUT/build.txt"
awk '/ s  / { if ($3 == "results" && $4 != "") printf "%s\t%.2f\n", $4, $1 - prev; prev = $1 }' \
    "$OUT/demo-$SIZE.log" >"$OUT/periods.tsv"
fi
echo "seconds per period's results (computing and storing), first and last:"
head -n 2 "$OUT/periods.tsv"; tail -n 2 "$OUT/periods.tsv"

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

units=1000
[[ $SIZE == province ]] && units=100
last=$(tail -n 1 "$OUT/periods.tsv" | cut -f1)
declare -A URLS=(
    [unit-rotating]="/unit/X%04d"
    [league]="/league?scheme=SC-COUNTY"
    [matrix]="/matrix?scheme=SC-COUNTY"
    [entry-status]="/entry/status?scheme=SC-COUNTY"
    [api-figures]="/api/v1/schemes/SC-COUNTY/periods/$last/figures"
)
printf 'page\trequests\tconcurrency\tp50_ms\tp95_ms\tmax_ms\tbytes\tload1\n' >"$OUT/pages.tsv"
# The server's resident memory (kB, from /proc), sampled every 0.2 s while a page's load runs.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVE_PID/status" 2>/dev/null || echo 0; }
printf 'phase\trss_peak_mb\n' >"$OUT/memory.tsv"
printf 'after-start\t%d\n' $(( $(rss_kb) / 1024 )) >>"$OUT/memory.tsv"
for name in unit-rotating league matrix entry-status api-figures; do
    pattern=${URLS[$name]}
    for i in $(seq 1 "$REQUESTS"); do
        if [[ $name == unit-rotating ]]; then printf "$BASE$pattern\n" $(( (i % units) + 1 )); else echo "$BASE$pattern"; fi
    done >"$WORK/urls.txt"
    # First visit of each URL kind (cold), then the load.
    ( while :; do rss_kb; sleep 0.2; done ) >"$WORK/rss.txt" &
    SAMPLER_PID=$!
    xargs -P "$CONCURRENCY" -I{} curl -sS -m "$TIMEOUT" -o /dev/null -H "Cookie: $COOKIE" -w '%{time_total}\t%{size_download}\t%{http_code}\n' {} \
        <"$WORK/urls.txt" >"$WORK/times.txt" 2>"$WORK/curl-errors.txt" || true
    sort -n "$WORK/times.txt" | awk -v name="$name" -v c="$CONCURRENCY" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
        { t[NR] = $1 * 1000; if ($3 == 200) b = $2 }
        END { printf "%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%d\t%s\n", name, NR, c, t[int(NR * 0.5) + 1], t[int(NR * 0.95)], t[NR], b, load }' >>"$OUT/pages.tsv"
    kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=
    sort -n "$WORK/rss.txt" | tail -n 1 | awk -v name="$name" '{ printf "%s\t%d\n", name, $1 / 1024 }' >>"$OUT/memory.tsv"
    awk '$3 != 200 { bad++ } END { if (bad) print "  " bad " answers not 200" }' "$WORK/times.txt"
done
awk '/^VmHWM:/ { printf "high-water-mark\t%d\n", $2 / 1024 }' "/proc/$SERVE_PID/status" >>"$OUT/memory.tsv"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/load.txt"
column -t "$OUT/pages.tsv"
column -t "$OUT/memory.tsv"
