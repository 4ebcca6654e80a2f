#!/usr/bin/env bash
# Builds the `saima` command line (Release) and runs it.
#
#   bash scripts/run.sh              starts the web application (saima serve) on
#                                    http://127.0.0.1:5000 with ./saima.db, the demo city on first start
#   bash scripts/run.sh example      scores the bundled example (examples/county): results on
#                                    standard output, warnings (预警) on standard error
#   bash scripts/run.sh ARGS...      runs `saima ARGS...`, e.g.
#                                    bash scripts/run.sh generate --units 100 --indicators 60 --out /tmp/g
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Standard output holds only saima's output: the build log is shown only when the build fails.
if ! dotnet build src/Saima.Cli -c Release -nologo >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log" >&2
    echo "run.sh: the build failed" >&2
    exit 1
fi
saima=(dotnet src/Saima.Cli/bin/Release/net10.0/saima.dll)

if (($# == 0)); then
    exec "${saima[@]}" serve
fi

if [[ $1 != example ]]; then
    exec "${saima[@]}" "$@"
fi

# The example. Warnings go to a file first and are then shown on standard error: saima writes
# its output files all or nothing (a temp file renamed into place), so it is given real paths,
# not /dev/stderr.
ex=examples/county
status=0
"${saima[@]}" score --scheme "$ex/scheme.json" --data "$ex/data.csv" --units "$ex/units.csv" \
    --adjustments "$ex/adjustments.csv" --warnings "$tmp/warnings.csv" || status=$?
if [[ -f $tmp/warnings.csv ]]; then
    cat "$tmp/warnings.csv" >&2
fi
exit "$status"
