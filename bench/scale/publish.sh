#!/usr/bin/env bash
# One period's publication, timed again on a store already built (not part of scripts/test.sh):
# runs `saima results compute` (the period scored again with the version it was published with,
# stored as its newest result set: the same work as its publication's results) RUNS times for
# each --period, and prints each run's phases and the median of each phase. Use it to compare a
# month early in the store with one late in it (the time should not grow with the months held),
# and one build of Saima with another on the same store.
#
#   bash bench/scale/publish.sh --postgres "Host=127.0.0.1;Port=55432;Username=postgres;Database=saima_country" \
#        --scheme SC-TOWN --period 2024-02 --period 2025-11 --runs 3
#
# Each run adds a result set to the store (tens of MB at country size). --bin: the CLI folder
# (artifacts/saima-scale, published with `dotnet publish src/Saima.Cli -c Release -o …`).
#
# Output: artifacts/bench-scale/publish.tsv (scheme, period, run, phase, seconds, load average at
# the start of the run; on Linux also the run's peak resident memory in MB as the phase peak_mb),
# and the medians on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

STORE=() SCHEME= PERIODS=() RUNS=3 BIN=artifacts/saima-scale
while [[ $# -gt 0 ]]; do
    case $1 in
        --postgres) STORE=(--postgres "$2"); shift 2 ;;
        --db) STORE=(--db "$2"); shift 2 ;;
        --scheme) SCHEME=$2; shift 2 ;;
        --period) PERIODS+=("$2"); shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --bin) BIN=$2; shift 2 ;;
        *) echo "publish.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

if [[ ${#STORE[@]} -eq 0 || -z $SCHEME || ${#PERIODS[@]} -eq 0 ]]; then
    echo "publish.sh: --postgres CONN (or --db FILE), --scheme CODE and at least one --period are required" >&2
    exit 2
fi

OUT=artifacts/bench-scale
mkdir -p "$OUT"
TSV=$OUT/publish.tsv
printf 'scheme\tperiod\trun\tphase\tseconds\tload\n' >"$TSV"
for period in "${PERIODS[@]}"; do
    for run in $(seq 1 "$RUNS"); do
        load=$(cut -d' ' -f1 /proc/loadavg)
        out=$("$BIN/saima" results compute "${STORE[@]}" --scheme "$SCHEME" --period "$period" --phases)
        line=$(echo "$out" | grep '^phases:')
        echo "$period run $run (load $load): $line"
        # "peak MB: inputs.scheme 126, …, commit 700" (Linux): the run's most resident memory, as a phase "peak_mb".
        peak=$(echo "$out" | grep '^peak MB:' | sed -e 's/^peak MB: //' | tr ',' '\n' | awk '{ if ($2 > m) m = $2 } END { if (m) print m }')
        if [[ -n $peak ]]; then
            echo "  peak resident memory $peak MB"
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$SCHEME" "$period" "$run" "peak_mb" "$peak" "$load" >>"$TSV"
        fi
        # "phases: total 37.262; inputs.figures 10.445, inputs.targets 2.835, …"
        echo "$line" | sed -e 's/^phases: //' -e 's/;/,/' | tr ',' '\n' | sed -e 's/^ *//' | grep -v '^$' |
            while read -r phase seconds; do
                printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$SCHEME" "$period" "$run" "$phase" "$seconds" "$load"
            done >>"$TSV"
    done
done

echo "medians (seconds), $SCHEME:"
python3 - "$TSV" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
periods = list(dict.fromkeys(r['period'] for r in rows))
phases = list(dict.fromkeys(r['phase'] for r in rows))
print('phase\t' + '\t'.join(periods))
for ph in phases:
    cells = []
    for p in periods:
        v = [float(r['seconds']) for r in rows if r['period'] == p and r['phase'] == ph]
        cells.append(f'{statistics.median(v):.3f}' if v else '-')
    print(ph + '\t' + '\t'.join(cells))
EOF
