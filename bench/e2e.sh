#!/usr/bin/env bash
# End-to-end timing: the published `saima` CLI (ReadyToRun) against the same job in pandas.
#
#   bash bench/e2e.sh [--units 3000] [--indicators 200] [--runs 10]
#
# 1. publishes src/Saima.Cli ReadyToRun into artifacts/saima (falls back to plain IL, and says so);
# 2. `saima generate --units N --indicators M --seed 1` into a scratch directory;
# 3. times `saima score ... --out` and bench/pandas_baseline.py with hyperfine (medians, ratio);
# 4. checks that both wrote the same scores (the baseline must do the same job to be a baseline).
# Results: printed, and kept as JSON and Markdown in artifacts/e2e/. Copy the table into
# bench/README.md with the date and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

UNITS=3000
INDICATORS=200
RUNS=10
while (($# > 0)); do
    case $1 in
        --units) UNITS=$2; shift 2 ;;
        --indicators) INDICATORS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        *) echo "e2e.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Debian's pandas belongs to /usr/bin/python3; the python3 first on PATH may be another one.
PY=/usr/bin/python3
OUT=$ROOT/artifacts/e2e
WORK=$(mktemp -d /tmp/saima-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

say() { printf '== %s\n' "$*"; }

need_apt() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0
    if [[ $(id -u) -ne 0 ]]; then
        echo "e2e.sh: missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 2
    fi
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
need_apt hyperfine python3-pandas
"$PY" -c 'import pandas' || { echo "e2e.sh: $PY cannot import pandas" >&2; exit 2; }

# ---- publish -------------------------------------------------------------------------------
PUB=$ROOT/artifacts/saima
rm -rf "$PUB"
R2R=yes
say "dotnet publish src/Saima.Cli ReadyToRun -> ${PUB#"$ROOT"/}"
if ! dotnet publish src/Saima.Cli -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$PUB" >"$OUT/publish.log" 2>&1; then
    R2R=no
    echo "e2e.sh: ReadyToRun publish FAILED (log: artifacts/e2e/publish.log); falling back to plain IL (JIT at start-up)" >&2
    tail -n 20 "$OUT/publish.log" >&2
    rm -rf "$PUB"
    dotnet publish src/Saima.Cli -c Release -r linux-x64 --self-contained false -o "$PUB" >"$OUT/publish-il.log" 2>&1 ||
        { tail -n 30 "$OUT/publish-il.log" >&2; echo "e2e.sh: publish failed" >&2; exit 1; }
fi
SAIMA=$PUB/saima
"$SAIMA" --help >/dev/null 2>&1 || true

# ---- data ----------------------------------------------------------------------------------
DATA=$WORK/data
say "saima generate --units $UNITS --indicators $INDICATORS --seed 1"
"$SAIMA" generate --units "$UNITS" --indicators "$INDICATORS" --seed 1 --out "$DATA"
ls -l "$DATA"
ROWS=$(($(wc -l <"$DATA/data.csv") - 1))
UNITS_ARG=()
[[ -f $DATA/units.csv ]] && UNITS_ARG=(--units "$DATA/units.csv")

SAIMA_CMD="$SAIMA score --scheme $DATA/scheme.json --data $DATA/data.csv ${UNITS_ARG[*]} --out $WORK/saima.csv"
PANDAS_CMD="$PY $ROOT/bench/pandas_baseline.py --scheme $DATA/scheme.json --data $DATA/data.csv --out $WORK/pandas.csv"

# One run of each outside the timing: a failure stops here with its message, and the outputs
# are compared.
say "check: saima score"
eval "$SAIMA_CMD"
say "check: pandas baseline"
eval "$PANDAS_CMD"
say "check: same scores"
"$PY" "$ROOT/bench/pandas_baseline.py" --compare "$WORK/saima.csv" "$WORK/pandas.csv" | tee "$OUT/compare.txt" ||
    echo "e2e.sh: the two results differ (above); timing them anyway" >&2

# ---- timing --------------------------------------------------------------------------------
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "hyperfine ($RUNS runs each, 1 warm-up; load average $LOAD)"
hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/hyperfine.json" --export-markdown "$OUT/hyperfine.md" \
    -n "saima score (R2R=$R2R)" "$SAIMA_CMD" \
    -n "pandas baseline" "$PANDAS_CMD"

# Medians of wall time, and mean CPU time (user + system): on a shared machine the CPU time is
# the steadier of the two.
read -r S_MED S_SD S_CPU P_MED P_SD P_CPU < <(jq -r '[.results[0].median, .results[0].stddev, .results[0].user + .results[0].system, .results[1].median, .results[1].stddev, .results[1].user + .results[1].system] | @tsv' "$OUT/hyperfine.json")
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
{
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($CPU), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --version), pandas $("$PY" -c 'import pandas; print(pandas.__version__)'), load average before the runs: $LOAD."
    echo "Workload: saima generate --units $UNITS --indicators $INDICATORS --seed 1 ($ROWS rows of data.csv); ReadyToRun: $R2R; $RUNS runs each after 1 warm-up."
    echo
    echo "| command | median wall | sd | mean CPU (user+sys) |"
    echo "|---|---:|---:|---:|"
    awk -v s="$S_MED" -v sd="$S_SD" -v c="$S_CPU" -v r="$R2R" 'BEGIN { printf "| `saima score` (published, R2R=%s) | %.0f ms | %.0f ms | %.0f ms |\n", r, s*1000, sd*1000, c*1000 }'
    awk -v s="$P_MED" -v sd="$P_SD" -v c="$P_CPU" 'BEGIN { printf "| pandas baseline (`/usr/bin/python3 bench/pandas_baseline.py`) | %.0f ms | %.0f ms | %.0f ms |\n", s*1000, sd*1000, c*1000 }'
    awk -v s="$S_MED" -v p="$P_MED" -v sc="$S_CPU" -v pc="$P_CPU" 'BEGIN { printf "\npandas / saima: **%.2f×** on median wall time, **%.2f×** on CPU time (above 1: saima is faster)\n", p/s, pc/sc }'
} | tee "$OUT/summary.md"
