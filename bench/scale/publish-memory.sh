#!/usr/bin/env bash
# Peak memory of publishing one period of a big scheme (not part of scripts/test.sh): builds a
# synthetic store of COUNTIES units × INDICATORS indicators × 2 months with `saima demo --scale`
# (the bulk path; the first month is published and scored by ResultService, the second left
# open) and samples the process's resident memory twice a second. Prints the peak before the
# results step (the store's build) and during it (scoring, storing rows, warnings, traces and rank
# intervals of the period), with the step times of the build's own log.
#
#   bash bench/scale/publish-memory.sh                      # 10,000 units × 50 indicators
#   bash bench/scale/publish-memory.sh --counties 2000 --indicators 50 --no-build
#   bash bench/scale/publish-memory.sh --postgres "Host=127.0.0.1;Port=55432;Username=postgres;Database=saima_mem" --bin artifacts/saima-scale
#
# --postgres builds into that PostgreSQL database (emptied first) instead of a SQLite file; --bin
# runs the CLI published in another folder (implies --no-build). The log's "results YYYY-MM phases"
# line gives the publication's seconds per phase.
#
# Output in artifacts/bench-scale/: publish-memory.log (steps), publish-memory-rss.tsv (seconds, VmRSS kB, VmHWM kB).
set -euo pipefail
cd "$(dirname "$0")/../.."

COUNTIES=10000 INDICATORS=50 BUILD=yes POSTGRES= BIN=artifacts/saima-scale
while [[ $# -gt 0 ]]; do
    case $1 in
        --counties) COUNTIES=$2; shift 2 ;;
        --indicators) INDICATORS=$2; shift 2 ;;
        --no-build) BUILD=no; shift ;;
        --postgres) POSTGRES=$2; shift 2 ;;
        --bin) BIN=$2; BUILD=no; shift 2 ;;
        *) echo "publish-memory.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

OUT=artifacts/bench-scale
mkdir -p "$OUT"
if [[ $BUILD == yes ]]; then
    nice -n 10 dotnet publish src/Saima.Cli -c Release -o "$BIN" -v q >/dev/null
fi

if [[ -n $POSTGRES ]]; then
    STORE=(--postgres "$POSTGRES")
else
    DB=$OUT/publish-memory.db
    rm -f "$DB" "$DB-wal" "$DB-shm"
    STORE=(--db "$DB")
fi
"$BIN/saima" demo --scale province --counties "$COUNTIES" --indicators "$INDICATORS" --months 2 \
    "${STORE[@]}" --force --verbose >"$OUT/publish-memory.log" 2>&1 &
PID=$!
start=$(date +%s.%N)
: >"$OUT/publish-memory-rss.tsv"
while kill -0 "$PID" 2>/dev/null; do
    rss=$(awk '/^VmRSS/ {r=$2} /^VmHWM/ {h=$2} END {if (r) print r "\t" h}' "/proc/$PID/status" 2>/dev/null || true)
    [[ -n $rss ]] && printf '%.1f\t%s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$rss" >>"$OUT/publish-memory-rss.tsv"
    sleep 0.5
done
wait "$PID"

cat "$OUT/publish-memory.log"
# The results step starts at the time the build's log gives for it.
results_at=$(awk '$3 == "results" && $4 == "" {print $1; exit}' "$OUT/publish-memory.log")
awk -v at="${results_at:-1e9}" -F'\t' '
    $1 < at { if ($2 > before) before = $2 }
    $1 >= at { if ($2 > during) during = $2 }
    { hwm = $3 }
    END { printf "peak resident memory: build %d MB, results (one period) %d MB; VmHWM %d MB\n", before / 1024, during / 1024, hwm / 1024 }' \
    "$OUT/publish-memory-rss.tsv"
