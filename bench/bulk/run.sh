#!/usr/bin/env bash
# Bulk-load benchmark: 1,000,000 figures from a long CSV into a fresh SQLite file and into a fresh
# database on a private PostgreSQL cluster, three times each; prints rows/s and the median.
#
#   bash bench/bulk/run.sh [ROWS]        (default 1000000; needs sqlite3, and PostgreSQL for the second half)
#
# The scheme: 1,000 units × 50 indicators, monthly; ROWS / 50,000 periods from 2024-01. The rate is
# what `saima import` reports: reading and checking the CSV plus the load, committed (on PostgreSQL a
# load this large also drops and rebuilds the foreign keys and secondary indexes of `figures`: that
# is inside the time). SAIMA_BENCH_PGPORT picks the private cluster's port (default 54342).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
ROWS=${1:-1000000}
UNITS=1000 INDICATORS=50
PERIODS=$(( (ROWS + UNITS * INDICATORS - 1) / (UNITS * INDICATORS) ))
WORK=$(mktemp -d /tmp/saima-bulk-bench.XXXX)
chmod 755 "$WORK" # the postgres user runs the private cluster below it
PGPORT=${SAIMA_BENCH_PGPORT:-54342}
PGROOT=$WORK/pg
cleanup() {
    if [[ -n ${PGBIN:-} && -d $PGROOT/data ]]; then
        su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $PGROOT/data -m fast -w stop" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build src/Saima.Cli -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
saima=(dotnet src/Saima.Cli/bin/Release/net10.0/saima.dll)
# `saima import` takes the bulk path by default in older builds and with --bulk in newer ones.
bulk=()
if "${saima[@]}" import --help 2>/dev/null | grep -q -- '--bulk'; then bulk=(--bulk); fi
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(loadavg)"

echo "generating $ROWS figures ($UNITS units x $INDICATORS indicators x $PERIODS months) ..."
awk -v rows="$ROWS" -v units="$UNITS" -v inds="$INDICATORS" 'BEGIN {
    srand(42); print "unit,indicator,period,value"; n = 0
    for (p = 0; n < rows; p++) {
        period = sprintf("%04d-%02d", 2024 + int(p / 12), (p % 12) + 1)
        for (u = 0; u < units && n < rows; u++)
            for (i = 0; i < inds && n < rows; i++) {
                printf "U%04d,I%02d,%s,%.6f\n", u, i, period, rand() * 1000; n++
            }
    }
}' >"$WORK/figures.csv"
ls -l "$WORK/figures.csv" | awk '{ printf "CSV: %.1f MB\n", $5 / 1048576 }'

# The scheme, its units and indicators, in SQL both databases accept.
cat >"$WORK/scheme.sql" <<SQL
INSERT INTO schemes (code, name, frequency, created_at, created_by) VALUES ('BENCH', '基准', 'month', '2024-01-01T00:00:00Z', 'bench');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $UNITS - 1)
INSERT INTO units (code, name, kind) SELECT 'U' || substr('0000' || i, -4), 'unit ' || i, 1 FROM n;
INSERT INTO scheme_units (scheme_id, unit_id) SELECT s.id, u.id FROM schemes s, units u;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $INDICATORS - 1)
INSERT INTO indicators (scheme_id, code, name, direction, frequency, cumulative, is_public, sort_order)
SELECT s.id, 'I' || substr('00' || i, -2), 'indicator ' || i, 1, 'month', false, false, i FROM schemes s, n;
SQL

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

run_load() { # $1 = --db FILE | --postgres CONNSTRING ; prints rows/s
    "${saima[@]}" import "$1" "$2" --scheme BENCH --file "$WORK/figures.csv" "${bulk[@]}" | tee -a "$WORK/runs.log" \
        | sed -n 's/.*(\([0-9]*\) rows\/s).*/\1/p'
}

echo "== SQLite =="
: >"$WORK/sqlite.txt"
for run in 1 2 3; do
    db=$WORK/bench$run.db
    "${saima[@]}" db init --db "$db" >/dev/null
    sqlite3 "$db" <"$WORK/scheme.sql"
    rate=$(run_load --db "$db")
    echo "run $run: $rate rows/s (load average $(loadavg))"
    echo "$rate" >>"$WORK/sqlite.txt"
    rm -f "$db" "$db-wal" "$db-shm"
done
echo "SQLite median: $(median <"$WORK/sqlite.txt") rows/s"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z $PGBIN ]]; then
    echo "PostgreSQL is not installed: skipping the PostgreSQL half"
    exit 0
fi
echo "== PostgreSQL ($("$PGBIN/postgres" --version)), default durability settings =="
install -d -o postgres -g postgres -m 700 "$PGROOT"
su postgres -s /bin/sh -c "$PGBIN/initdb -D $PGROOT/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >$PGROOT/initdb.log"
su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $PGROOT/data -l $PGROOT/server.log -w -t 30 -o \"-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT\" start" >/dev/null
: >"$WORK/pg.txt"
for run in 1 2 3; do
    cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=bench$run;Pooling=false"
    "${saima[@]}" db init --postgres "$cs" >/dev/null
    # PostgreSQL's substr() does not count from the end as SQLite's does.
    sed -e "s/substr('0000' || i, -4)/lpad(i::text, 4, '0')/; s/substr('00' || i, -2)/lpad(i::text, 2, '0')/" "$WORK/scheme.sql" \
        | psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d "bench$run" -v ON_ERROR_STOP=1
    rate=$(run_load --postgres "$cs")
    echo "run $run: $rate rows/s (load average $(loadavg))"
    echo "$rate" >>"$WORK/pg.txt"
done
echo "PostgreSQL median: $(median <"$WORK/pg.txt") rows/s"
